// One Lambda function built from a target of the repository's Dockerfile, with its own log group (so retention
// and removal are ours, not Lambda's implicit never-expiring group) and a role that may write to that log group
// and send X-Ray traces, nothing else unless granted explicitly.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Architecture } from './config';

/**
 * Never part of an image: kept out of the staged Docker build context even if .dockerignore forgets them, so
 * that synth stays fast and the asset hash ignores local builds and dependencies.
 */
export const IMAGE_CONTEXT_EXCLUDES = ['.git', 'cdk', 'build', 'build-*', '**/node_modules', '**/cdk.out'];

const ARCHITECTURES: Record<Architecture, { lambda: lambda.Architecture; platform: Platform }> = {
    x86_64: { lambda: lambda.Architecture.X86_64, platform: Platform.LINUX_AMD64 },
    arm64: { lambda: lambda.Architecture.ARM_64, platform: Platform.LINUX_ARM64 },
};

export interface McpFunctionProps {
    readonly functionName: string;
    readonly description: string;
    /** Directory holding the Dockerfile (the repository root). */
    readonly imageContext: string;
    /** Dockerfile target whose ENTRYPOINT is the function's binary. */
    readonly target: 'server' | 'authorizer';
    readonly architecture: Architecture;
    readonly memoryMiB: number;
    readonly timeout: Duration;
    readonly environment: Record<string, string>;
    readonly logRetention: logs.RetentionDays;
    readonly removalPolicy: RemovalPolicy;
}

export class McpFunction extends Construct {
    readonly function: lambda.DockerImageFunction;
    readonly role: iam.Role;
    readonly logGroup: logs.LogGroup;

    constructor(scope: Construct, id: string, props: McpFunctionProps) {
        super(scope, id);
        const arch = ARCHITECTURES[props.architecture];

        this.logGroup = new logs.LogGroup(this, 'LogGroup', {
            logGroupName: `/aws/lambda/${props.functionName}`,
            retention: props.logRetention,
            removalPolicy: props.removalPolicy,
        });

        this.role = new iam.Role(this, 'Role', {
            assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
            description: `Execution role of ${props.functionName}`,
        });
        this.role.addToPrincipalPolicy(
            new iam.PolicyStatement({
                sid: 'WriteOwnLogGroup',
                actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                resources: [this.logGroup.logGroupArn],
            }),
        );

        this.function = new lambda.DockerImageFunction(this, 'Function', {
            functionName: props.functionName,
            description: props.description,
            code: lambda.DockerImageCode.fromImageAsset(props.imageContext, {
                target: props.target,
                platform: arch.platform,
                exclude: IMAGE_CONTEXT_EXCLUDES,
            }),
            architecture: arch.lambda,
            memorySize: props.memoryMiB,
            timeout: props.timeout,
            environment: props.environment,
            role: this.role,
            logGroup: this.logGroup,
            tracing: lambda.Tracing.ACTIVE,
        });

        // Tracing.ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the role's policy.
        Validations.of(this.role).acknowledge({
            id: 'AwsSolutions-IAM5[Resource::*]',
            reason:
                'Only actions without resource-level permissions use "*": xray:PutTraceSegments and ' +
                'xray:PutTelemetryRecords, and s3:ListAllMyBuckets on stages that enable the aws tool set (it lists the ' +
                "account's buckets). Every other statement names its resource (own log group, pending and sessions tables).",
        });
    }
}
