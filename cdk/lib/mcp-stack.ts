// One stage of the MCP service: the server function (with a live alias that CodeDeploy shifts) and its request-state
// key; the bearer-token REST API with its authorizer (its own alias) and token secret, and/or a Function URL with
// AWS_IAM; the tasks table; the pending-answers table when streaming; OAuth issuers and a Cognito pool where
// configured; WAF and usage plans where configured; the sessions table when sessions are on; the alarms with their
// topic and dashboard; and the outputs the deploy job and clients need.
// Nothing secret is in the template: the functions get the ARNs of their secrets and read the values themselves.
import { CfnOutput, Duration, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AuthTokensSecret } from './auth-tokens-secret';
import { builtinNameProblems } from './builtin-tools';
import {
    StageConfig,
    configProblems,
    declaredPrompts,
    declaredResources,
    declaredTools,
    serverFunctionTimeout,
} from './config';
import { McpDeployment } from './deployment';
import { ExampleTools } from './example-tools';
import { McpAlarms } from './mcp-alarms';
import { McpApi } from './mcp-api';
import { McpFunctionUrl } from './function-url';
import { ALIAS_NAME, ImageDigest, McpFunction } from './mcp-function';
import { McpOAuth } from './oauth';
import { PendingTable } from './pending-table';
import { McpProtection, usageKeyPrefix } from './protection';
import { RequestStateKey } from './request-state-key';
import { StateTable } from './state-table';
import { TaskTable } from './task-table';
import { ToolRegistry } from './tool-registry';

export interface McpStackProps extends StackProps {
    readonly config: StageConfig;
    /** Directory holding the Dockerfile with the `server` and `authorizer` targets. */
    readonly imageContext: string;
    /** The images CI built and tested, by digest; absent: built from imageContext as CDK assets. */
    readonly images?: { readonly server: ImageDigest; readonly authorizer: ImageDigest };
}

export function stackName(stage: string): string {
    return `mcp-${stage}-stack`;
}

export class McpStack extends Stack {
    readonly server: McpFunction;
    /** The REST API and its authorizer, unless the stage turned them off (restApi: false). */
    readonly authorizer?: McpFunction;
    readonly api?: McpApi;
    readonly functionUrl?: McpFunctionUrl;
    readonly pendingTable?: PendingTable;
    readonly stateTable?: StateTable;
    /** The tasks of the tasks extension, shared by every instance (MCP_TASK_TABLE). */
    readonly taskTable: TaskTable;
    readonly toolRegistry?: ToolRegistry;
    /** mcp-admin, the tool registry's admin API, on stages with registered tools. */
    readonly registryAdmin?: McpFunction;
    /** The example tool functions, on stages with registeredTools.examples. */
    readonly exampleTools?: ExampleTools;
    readonly requestStateKey: RequestStateKey;
    readonly oauth?: McpOAuth;
    /** The token digests; absent with the REST API (restApi: false). */
    readonly authTokens?: AuthTokensSecret;
    readonly deployment: McpDeployment;
    readonly alarms: McpAlarms;
    readonly protection?: McpProtection;

    constructor(scope: Construct, id: string, props: McpStackProps) {
        super(scope, id, { ...props, terminationProtection: props.config.terminationProtection });
        const { config } = props;
        const problems = [...configProblems(config), ...builtinNameProblems(config)];
        if (problems.length > 0) {
            throw new Error(`invalid stage configuration:\n  ${problems.join('\n  ')}`);
        }
        const prefix = `mcp-${config.stage}`;

        const refresh = String(config.secretsRefreshSeconds);
        const restApi = config.restApi !== false;
        if (restApi) {
            this.authTokens = new AuthTokensSecret(this, 'AuthTokens', { removalPolicy: config.removalPolicy });
            const authorizerEnvironment: Record<string, string> = {
                MCP_AUTH_TOKENS_SECRET: this.authTokens.secret.secretArn,
                MCP_SECRETS_REFRESH_SECONDS: refresh,
                MCP_LOG_LEVEL: config.authorizer.logLevel,
            };
            if (config.protection) {
                authorizerEnvironment.MCP_USAGE_KEY_PREFIX = usageKeyPrefix(config.stage);
            }
            this.authorizer = new McpFunction(this, 'Authorizer', {
                functionName: `${prefix}-authorizer`,
                description: `MCP bearer token authorizer, stage ${config.stage}`,
                imageContext: props.imageContext,
                image: props.images?.authorizer,
                target: 'authorizer',
                architecture: config.architecture,
                memoryMiB: config.authorizer.memoryMiB,
                timeout: config.authorizer.timeout,
                environment: authorizerEnvironment,
                logRetention: config.logRetention,
                removalPolicy: config.removalPolicy,
                reservedConcurrency: config.reservedConcurrency.authorizer,
            });
            this.authTokens.grantRead(this.authorizer.role);
        }

        this.requestStateKey = new RequestStateKey(this, 'RequestStateKey', { removalPolicy: config.removalPolicy });
        const serverEnvironment: Record<string, string> = {
            MCP_REQUEST_STATE_KEY_SECRET: this.requestStateKey.secret.secretArn,
            MCP_SECRETS_REFRESH_SECONDS: refresh,
            MCP_LOG_LEVEL: config.server.logLevel,
            MCP_TOOLSETS: config.server.toolsets.join(','),
            MCP_LAMBDA_RESPONSE_MODE: config.streaming ? 'streaming' : 'buffered',
        };
        if (serverFunctionTimeout(config).toSeconds() > config.server.timeout.toSeconds()) {
            // the function outlives a request for its tasks; every request is still answered in time
            serverEnvironment.MCP_RESPONSE_TIMEOUT_MS = String(config.server.timeout.toMilliseconds());
        }
        if (config.server.allowedOrigins.length > 0) {
            serverEnvironment.MCP_ALLOWED_ORIGINS = config.server.allowedOrigins.join(',');
        }
        if (config.customDomain) {
            // The RFC 9728 `resource` must be the URL clients use, the one the 401 challenge points to.
            serverEnvironment.MCP_PUBLIC_URL = `https://${config.customDomain.domainName}/mcp`;
        }
        this.server = new McpFunction(this, 'Server', {
            functionName: `${prefix}-server`,
            description: `MCP server, stage ${config.stage}`,
            imageContext: props.imageContext,
            image: props.images?.server,
            target: 'server',
            architecture: config.architecture,
            memoryMiB: config.server.memoryMiB,
            timeout: serverFunctionTimeout(config),
            environment: serverEnvironment,
            logRetention: config.logRetention,
            removalPolicy: config.removalPolicy,
            reservedConcurrency: config.reservedConcurrency.server,
        });
        this.requestStateKey.grantRead(this.server.role);

        if (config.streaming) {
            this.pendingTable = new PendingTable(this, 'PendingAnswers', {
                tableName: `${prefix}-pending`,
                removalPolicy: config.removalPolicy,
            });
            this.pendingTable.grantServerAccess(this.server.role);
            this.server.function.addEnvironment('MCP_PENDING_TABLE', this.pendingTable.table.tableName);
        }

        // every stage: a task polled on another instance than the one running it must be found there
        this.taskTable = new TaskTable(this, 'Tasks', {
            tableName: `${prefix}-tasks`,
            removalPolicy: config.removalPolicy,
        });
        this.taskTable.grantServerAccess(this.server.role);
        this.server.function.addEnvironment('MCP_TASK_TABLE', this.taskTable.table.tableName);

        if (config.sessions) {
            this.stateTable = new StateTable(this, 'Sessions', {
                tableName: `${prefix}-sessions`,
                removalPolicy: config.removalPolicy,
                pointInTimeRecovery: config.sessions.pointInTimeRecovery,
            });
            this.stateTable.grantServerAccess(this.server.role);
            this.server.function.addEnvironment('MCP_SESSIONS', 'dynamodb');
            this.server.function.addEnvironment('MCP_SESSION_TABLE', this.stateTable.table.tableName);
            this.server.function.addEnvironment('MCP_SESSION_IDLE_S', String(config.sessions.idleTimeout.toSeconds()));
            this.server.function.addEnvironment('MCP_SESSION_MAX_S', String(config.sessions.maxLifetime.toSeconds()));
        }
        if (config.registeredTools) {
            const lambdaArchitecture =
                config.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
            this.registryAdmin = new McpFunction(this, 'RegistryAdmin', {
                functionName: `${prefix}-registry-admin`,
                description: `MCP tool registry admin API, stage ${config.stage}`,
                imageContext: props.imageContext,
                image: props.images?.server,
                target: 'server',
                entrypoint: ['/usr/local/bin/mcp-admin'],
                architecture: config.architecture,
                memoryMiB: 128,
                timeout: Duration.seconds(10),
                environment: { MCP_LOG_LEVEL: 'info' },
                logRetention: config.logRetention,
                removalPolicy: config.removalPolicy,
                reservedConcurrency: 5,
            });
            if (config.registeredTools.examples) {
                this.exampleTools = new ExampleTools(this, 'ExampleTools', {
                    namePrefix: prefix,
                    architecture: lambdaArchitecture,
                    logRetention: config.logRetention,
                    removalPolicy: config.removalPolicy,
                });
            }
            this.toolRegistry = new ToolRegistry(this, 'ToolRegistry', {
                tableName: `${prefix}-tools`,
                settings: config.registeredTools,
                server: this.server,
                admin: this.registryAdmin,
                removalPolicy: config.removalPolicy,
                declared: declaredTools(config.registeredTools),
                declaredResources: declaredResources(config.registeredTools),
                declaredPrompts: declaredPrompts(config.registeredTools),
                appFunctions: this.exampleTools?.functions ?? {},
                writerName: `${prefix}-registry-writer`,
                logRetention: config.logRetention,
                architecture: lambdaArchitecture,
            });
        }
        if (config.server.toolsets.includes('aws')) {
            // count_s3_buckets, and only on stages that enable the set; the action has no resource but "*"
            this.server.role.addToPrincipalPolicy(
                new iam.PolicyStatement({ sid: 'CountS3Buckets', actions: ['s3:ListAllMyBuckets'], resources: ['*'] }),
            );
        }

        if (config.oauth) {
            this.oauth = new McpOAuth(this, 'OAuth', {
                stage: config.stage,
                settings: config.oauth,
                removalPolicy: config.removalPolicy,
            });
        }
        this.api =
            this.authorizer &&
            new McpApi(this, 'Api', {
                config,
                server: this.server.alias,
                authorizer: this.authorizer.alias,
                oauth: this.oauth,
            });
        if (config.functionUrl) {
            // on the alias, so the URL serves what CodeDeploy shifted to, like the API
            this.functionUrl = new McpFunctionUrl(this, 'FunctionUrl', {
                server: this.server.alias,
                settings: config.functionUrl,
                streaming: config.streaming,
            });
        }
        const hosts = [...(this.api?.hosts ?? []), ...(this.functionUrl ? [this.functionUrl.hostPattern] : [])];
        this.server.function.addEnvironment('MCP_ALLOWED_HOSTS', Fn.join(',', hosts));
        if (this.oauth && this.authorizer && this.api) {
            // JWT access tokens beside the static digests: the issuers, and the audience they must name
            this.authorizer.function.addEnvironment('MCP_OAUTH_ISSUERS', this.oauth.issuersJson());
            this.authorizer.function.addEnvironment('MCP_OAUTH_RESOURCE', this.api.resourceUrl);
        }
        if (config.protection && this.api) {
            this.protection = new McpProtection(this, 'Protection', {
                stage: config.stage,
                settings: config.protection,
                api: this.api.api,
                jwtClients: config.oauth !== undefined,
            });
        }

        this.alarms = new McpAlarms(this, 'Alarms', {
            stage: config.stage,
            settings: config.alarms,
            apiName: this.api ? `${prefix}-api` : undefined,
            serverFunctionName: `${prefix}-server`,
            authorizerFunctionName: this.authorizer ? `${prefix}-authorizer` : undefined,
            aliasName: ALIAS_NAME,
            serverTimeout: serverFunctionTimeout(config),
            serverReservedConcurrency: config.reservedConcurrency.server,
        });
        // A new version that fails, or is slow, during its traffic shift is rolled back. The API-wide alarms count
        // for both functions: a broken authorizer shows as 5XX (AUTHORIZER_FAILURE), not as authorizer errors.
        const apiWide = this.alarms.rollbackAlarms.filter((a) => a.node.id.startsWith('Api'));
        this.deployment = new McpDeployment(this, 'Deployment', {
            stage: config.stage,
            strategy: config.deployment,
            aliases: { Server: this.server.alias, ...(this.authorizer ? { Authorizer: this.authorizer.alias } : {}) },
            rollbackAlarms: { Server: this.alarms.rollbackAlarms, ...(this.authorizer ? { Authorizer: apiWide } : {}) },
        });

        if (this.api) {
            new CfnOutput(this, 'McpEndpoint', {
                description: 'Full URL of the MCP endpoint (stage included)',
                value: this.api.mcpUrl,
            });
            new CfnOutput(this, 'ApiId', { description: 'REST API id', value: this.api.api.restApiId });
        }
        if (this.functionUrl) {
            new CfnOutput(this, 'McpFunctionUrlEndpoint', {
                description: 'MCP endpoint on the Function URL (AWS_IAM: sign with SigV4, service lambda)',
                value: this.functionUrl.mcpUrl,
            });
        }
        new CfnOutput(this, 'ServerFunctionName', { value: this.server.function.functionName });
        if (this.authorizer && this.authTokens) {
            new CfnOutput(this, 'AuthorizerFunctionName', { value: this.authorizer.function.functionName });
            new CfnOutput(this, 'AuthTokensSecretArn', {
                description: 'Secret with the token digests, {"<label>": "<sha256 hex>"}: add and revoke tokens here',
                value: this.authTokens.secret.secretArn,
            });
        }
        new CfnOutput(this, 'RequestStateKeySecretArn', {
            description: 'Secret with the request-state key: put-secret-value to rotate it',
            value: this.requestStateKey.secret.secretArn,
        });
        new CfnOutput(this, 'ServerDeploymentGroup', {
            description:
                'CodeDeploy application/deployment group of the server alias (the smoke test stops it on failure)',
            value: Fn.join('/', [
                this.deployment.application.applicationName,
                this.deployment.groups.Server.deploymentGroupName,
            ]),
        });
        if (this.deployment.groups.Authorizer) {
            new CfnOutput(this, 'AuthorizerDeploymentGroup', {
                value: Fn.join('/', [
                    this.deployment.application.applicationName,
                    this.deployment.groups.Authorizer.deploymentGroupName,
                ]),
            });
        }
        new CfnOutput(this, 'AlarmTopicArn', {
            description: 'SNS topic every alarm of the stage notifies: subscribe the on-call channel',
            value: this.alarms.topic.topicArn,
        });
        if (this.api?.customDomain && config.customDomain) {
            new CfnOutput(this, 'McpCustomDomainEndpoint', {
                description: 'URL of the MCP endpoint on the custom domain',
                value: `https://${config.customDomain.domainName}/mcp`,
            });
            new CfnOutput(this, 'CustomDomainTarget', {
                description: 'Point a CNAME or alias record for the custom domain here',
                value: this.api.customDomain.domainNameAliasDomainName,
            });
        }
    }
}
