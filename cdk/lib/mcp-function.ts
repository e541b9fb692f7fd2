// One Lambda function from a container image, with its own log group (so retention and removal are ours, not
// Lambda's implicit never-expiring group), a role that may write to that log group and send X-Ray traces, nothing
// else unless granted explicitly, reserved concurrency, and a `live` alias on a published version: API Gateway
// invokes the alias, and CodeDeploy moves it from version to version (deployment.ts).
//
// The image is either the exact image CI built and tested, by digest from ECR (a deploy), or, without one, built
// from a target of the repository's Dockerfile as a CDK asset (a laptop's synth or deploy).
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
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

/** An image pushed to ECR, by digest: what CI built and tested, promoted unchanged from stage to stage. */
export interface ImageDigest {
    /** ARN of the ECR repository (it may be in another account, whose repository policy lets Lambda pull). */
    readonly repositoryArn: string;
    /** sha256:<64 hex>. */
    readonly digest: string;
}

export const ALIAS_NAME = 'live';

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
    readonly reservedConcurrency: number;
    /** The tested image by digest; absent: built from the Dockerfile as an asset. */
    readonly image?: ImageDigest;
    /** Another binary of the image than the target's ENTRYPOINT (mcp-admin, in the server's image). */
    readonly entrypoint?: string[];
}

export class McpFunction extends Construct {
    readonly function: lambda.DockerImageFunction;
    readonly role: iam.Role;
    readonly logGroup: logs.LogGroup;
    /** What API Gateway invokes: the version CodeDeploy has made live. */
    readonly alias: lambda.Alias;

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
            code: props.image
                ? lambda.DockerImageCode.fromEcr(
                      ecr.Repository.fromRepositoryArn(this, 'Repository', props.image.repositoryArn),
                      { tagOrDigest: props.image.digest, entrypoint: props.entrypoint },
                  )
                : lambda.DockerImageCode.fromImageAsset(props.imageContext, {
                      target: props.target,
                      platform: arch.platform,
                      entrypoint: props.entrypoint,
                      exclude: IMAGE_CONTEXT_EXCLUDES,
                  }),
            architecture: arch.lambda,
            memorySize: props.memoryMiB,
            timeout: props.timeout,
            environment: props.environment,
            role: this.role,
            logGroup: this.logGroup,
            tracing: lambda.Tracing.ACTIVE,
            reservedConcurrentExecutions: props.reservedConcurrency,
        });
        // A new version whenever the code or configuration changes; the alias starts on it, CodeDeploy shifts it later.
        this.alias = new lambda.Alias(this, 'Alias', {
            aliasName: ALIAS_NAME,
            version: this.function.currentVersion,
        });

        // Tracing.ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the role's policy.
        Validations.of(this.role).acknowledge({
            id: 'AwsSolutions-IAM5[Resource::*]',
            reason:
                'Only actions without resource-level permissions use "*": xray:PutTraceSegments and ' +
                'xray:PutTelemetryRecords, and s3:ListAllMyBuckets on stages that enable the aws tool set (it lists the ' +
                "account's buckets). Every other statement names its resource (own log group, the stage's tables).",
        });
    }
}
