// One stage of the MCP service: the server function; the bearer-token REST API and its authorizer and/or a Function
// URL with AWS_IAM; the pending-answers table when streaming; the sessions table when sessions are on; the alarms;
// and the outputs the deploy job and clients need.
import { CfnOutput, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { StageConfig, configProblems } from './config';
import { McpAlarms } from './mcp-alarms';
import { McpApi } from './mcp-api';
import { McpFunction } from './mcp-function';
import { McpFunctionUrl } from './function-url';
import { McpOAuth } from './oauth';
import { PendingTable } from './pending-table';
import { RequestStateKey } from './request-state-key';
import { StateTable } from './state-table';

export interface McpStackProps extends StackProps {
    readonly config: StageConfig;
    /** Directory holding the Dockerfile with the `server` and `authorizer` targets. */
    readonly imageContext: string;
    /** MCP_AUTH_TOKENS for the authorizer: validated `label:sha256hex` entries, never plaintext tokens. */
    readonly authTokens: string;
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
    readonly requestStateKey: RequestStateKey;
    readonly oauth?: McpOAuth;

    constructor(scope: Construct, id: string, props: McpStackProps) {
        super(scope, id, props);
        const { config } = props;
        const problems = configProblems(config);
        if (problems.length > 0) {
            throw new Error(`invalid stage configuration:\n  ${problems.join('\n  ')}`);
        }
        const prefix = `mcp-${config.stage}`;

        const restApi = config.restApi !== false;
        this.authorizer = !restApi
            ? undefined
            : new McpFunction(this, 'Authorizer', {
                  functionName: `${prefix}-authorizer`,
                  description: `MCP bearer token authorizer, stage ${config.stage}`,
                  imageContext: props.imageContext,
                  target: 'authorizer',
                  architecture: config.architecture,
                  memoryMiB: config.authorizer.memoryMiB,
                  timeout: config.authorizer.timeout,
                  environment: {
                      MCP_AUTH_TOKENS: props.authTokens,
                      MCP_LOG_LEVEL: config.authorizer.logLevel,
                  },
                  logRetention: config.logRetention,
                  removalPolicy: config.removalPolicy,
              });

        this.requestStateKey = new RequestStateKey(this, 'RequestStateKey', {
            secretName: `${prefix}-request-state-key`,
            removalPolicy: config.removalPolicy,
        });
        const serverEnvironment: Record<string, string> = {
            MCP_REQUEST_STATE_KEY: this.requestStateKey.environmentValue(),
            MCP_LOG_LEVEL: config.server.logLevel,
            MCP_TOOLSETS: config.server.toolsets.join(','),
            MCP_LAMBDA_RESPONSE_MODE: config.streaming ? 'streaming' : 'buffered',
        };
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
            target: 'server',
            architecture: config.architecture,
            memoryMiB: config.server.memoryMiB,
            timeout: config.server.timeout,
            environment: serverEnvironment,
            logRetention: config.logRetention,
            removalPolicy: config.removalPolicy,
        });

        if (config.streaming) {
            this.pendingTable = new PendingTable(this, 'PendingAnswers', {
                tableName: `${prefix}-pending`,
                removalPolicy: config.removalPolicy,
            });
            this.pendingTable.grantServerAccess(this.server.role);
            this.server.function.addEnvironment('MCP_PENDING_TABLE', this.pendingTable.table.tableName);
        }

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
                server: this.server.function,
                authorizer: this.authorizer.function,
                oauth: this.oauth,
            });
        if (config.functionUrl) {
            this.functionUrl = new McpFunctionUrl(this, 'FunctionUrl', {
                server: this.server.function,
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

        new McpAlarms(this, 'Alarms', {
            stage: config.stage,
            settings: config.alarms,
            apiStage: this.api?.api.deploymentStage,
            server: this.server.function,
            authorizer: this.authorizer?.function,
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
        if (this.authorizer) {
            new CfnOutput(this, 'AuthorizerFunctionName', { value: this.authorizer.function.functionName });
        }
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
