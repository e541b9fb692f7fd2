// Once per account and region, not per stage:
//   - the role API Gateway uses to write execution logs, set on the account (AWS::ApiGateway::Account, a singleton:
//     the last stack that sets it wins, and deleting a stage must not take it away from the others);
//   - the ECR repository CI pushes the tested images to (by digest) and every stage deploys from, with the tags
//     that record which digest passed which stage (.github/scripts/images.sh).
// Deploy it once, before the first stage:
//
//   STAGE=dev npx cdk deploy mcp-account-stack
//
// A landing zone that already sets this role centrally does not deploy it; the deploy workflow checks that the
// account has a role (`aws apigateway get-account`) before it deploys a stage, and stops with this advice if not.
import { CfnOutput, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export const ACCOUNT_STACK_NAME = 'mcp-account-stack';
/** The repository of the tested images (GitHub variable MCP_ECR_REPOSITORY is its URI). */
export const IMAGE_REPOSITORY_NAME = 'mcp-lambda-c';

export class McpAccountStack extends Stack {
    readonly role: iam.Role;
    readonly repository: ecr.Repository;

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
        this.repository = new ecr.Repository(this, 'Images', {
            repositoryName: IMAGE_REPOSITORY_NAME,
            imageScanOnPush: true,
            // Mutable only so that passed-<stage>-<tree>-<image> can follow a rebuild of the same tree; deploys
            // always name digests, which no tag can change.
            imageTagMutability: ecr.TagMutability.MUTABLE,
            lifecycleRules: [{ description: 'the newest 300 images', maxImageCount: 300 }],
            removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        });
        // Lambda pulls the image of a function of this account when it is created or updated.
        this.repository.addToResourcePolicy(
            new iam.PolicyStatement({
                sid: 'LambdaPull',
                principals: [new iam.ServicePrincipal('lambda.amazonaws.com')],
                actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
                conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
            }),
        );
        new CfnOutput(this, 'ImageRepositoryUri', {
            description: 'GitHub variable MCP_ECR_REPOSITORY: where CI pushes the tested images',
            value: this.repository.repositoryUri,
        });
        Validations.of(this.role).acknowledge({
            id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
            reason:
                'The AWS managed policy AWS documents for the account-level role API Gateway uses to write execution ' +
                'logs; the role is assumable by API Gateway alone and attached to nothing else.',
        });
    }
}
