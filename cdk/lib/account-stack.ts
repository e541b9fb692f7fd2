// Once per account and region, not per stage: the role API Gateway uses to write execution logs, set on the
// account (AWS::ApiGateway::Account, a singleton: the last stack that sets it wins, and deleting a stage must not
// take it away from the others). Deploy it once, before the first stage:
//
//   STAGE=dev npx cdk deploy mcp-account-stack
//
// A landing zone that already sets this role centrally does not deploy it; the deploy workflow checks that the
// account has a role (`aws apigateway get-account`) before it deploys a stage, and stops with this advice if not.
import { RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export const ACCOUNT_STACK_NAME = 'mcp-account-stack';

export class McpAccountStack extends Stack {
    readonly role: iam.Role;

    constructor(scope: Construct, id: string, props?: StackProps) {
        super(scope, id, props);
        this.role = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
            assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
            description: 'API Gateway writes execution logs of every REST API stage in this account and region',
            managedPolicies: [
                iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
            ],
        });
        // Kept when the stack goes: stages still log through it until the account is given another role.
        this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
        new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
        Validations.of(this.role).acknowledge({
            id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
            reason:
                'The AWS managed policy AWS documents for the account-level role API Gateway uses to write execution ' +
                'logs; the role is assumable by API Gateway alone and attached to nothing else.',
        });
    }
}
