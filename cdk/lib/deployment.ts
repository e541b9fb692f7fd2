// Safe rollouts: CodeDeploy moves each function's `live` alias to the new version, all at once (dev) or as a canary
// (qas, prod: 10% for 5 minutes, then the rest), and rolls it back by itself when one of the stage's rollback alarms
// fires during the shift, when the deployment fails, or when it is stopped (the deploy workflow stops it when the
// smoke test fails). API Gateway only ever invokes the alias, so a rollback is one alias update away.
import { Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DeploymentStrategy, StageName } from './config';

const CONFIGS: Record<DeploymentStrategy, codedeploy.ILambdaDeploymentConfig> = {
    'all-at-once': codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
    'canary-10-percent-5-minutes': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
    'linear-10-percent-every-minute': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
};

export interface McpDeploymentProps {
    readonly stage: StageName;
    readonly strategy: DeploymentStrategy;
    /** The aliases to shift, by construct id ("Server", "Authorizer"). */
    readonly aliases: Record<string, lambda.Alias>;
    /** Alarms that roll a shift back, per alias id; alarms of the whole API may be listed for every alias. */
    readonly rollbackAlarms: Record<string, cloudwatch.IAlarm[]>;
}

export class McpDeployment extends Construct {
    readonly application: codedeploy.LambdaApplication;
    readonly groups: Record<string, codedeploy.LambdaDeploymentGroup> = {};

    constructor(scope: Construct, id: string, props: McpDeploymentProps) {
        super(scope, id);
        // No fixed names: a retried first create must not collide with what a failed one left behind.
        this.application = new codedeploy.LambdaApplication(this, 'Application');
        for (const [name, alias] of Object.entries(props.aliases)) {
            const group = new codedeploy.LambdaDeploymentGroup(this, name, {
                application: this.application,
                alias,
                deploymentConfig: CONFIGS[props.strategy],
                alarms: props.rollbackAlarms[name] ?? [],
                autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
            });
            Validations.of(group).acknowledge({
                id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
                reason:
                    'The AWS managed policy CodeDeploy documents for Lambda deployments: it may only update aliases and ' +
                    'invoke hook functions named CodeDeployHook_*, and this role is assumable by CodeDeploy alone.',
            });
            this.groups[name] = group;
        }
    }
}
