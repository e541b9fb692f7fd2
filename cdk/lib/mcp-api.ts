// The REST API in front of the server:
//   POST|GET|DELETE /mcp                           -> server, behind the token authorizer (the server answers GET and
//                                                     DELETE with 405 itself)
//   GET /.well-known/oauth-protected-resource      -> API Gateway itself (a mock integration), no auth: the RFC 9728
//   GET /.well-known/oauth-protected-resource/mcp     metadata, at the root and the path-inserted URL, with no Lambda
//                                                     invocation (it must be readable without a token, and is static)
// A 401 carries `WWW-Authenticate: Bearer resource_metadata="<metadata URL>", scope="<scopes>"`, a 403 (a valid token
// short of a scope: the authorizer's Deny) `Bearer error="insufficient_scope", scope=..., resource_metadata=...`. They
// have to come from gateway responses: a WWW-Authenticate header returned by a Lambda proxy integration reaches the
// client renamed to x-amzn-remapped-www-authenticate.
import { Fn, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { StageConfig, integrationTimeout } from './config';

export const MCP_PATH = 'mcp';
export const METADATA_PATH = '.well-known/oauth-protected-resource';
export const MCP_METHODS = ['POST', 'GET', 'DELETE'] as const;
/**
 * Rejects anything but `Bearer <b64token>` (RFC 6750: the scheme is case-insensitive, one or more spaces follow)
 * before the authorizer runs (401 without invoking it); the authorizer accepts exactly the same shapes.
 */
export const BEARER_VALIDATION_REGEX = '^[Bb][Ee][Aa][Rr][Ee][Rr] +[-0-9A-Za-z._~+/]+=*$';

/** What the metadata and the challenges say about OAuth (cdk/lib/oauth.ts). */
export interface McpApiOAuth {
    /** The metadata's authorization_servers. */
    readonly authorizationServers: readonly string[];
    /** scopes_supported, and the scope of the challenges. */
    readonly scopes: readonly string[];
}

export interface McpApiProps {
    readonly config: StageConfig;
    readonly server: lambda.IFunction;
    readonly authorizer: lambda.IFunction;
    readonly oauth?: McpApiOAuth;
}

export class McpApi extends Construct {
    readonly api: apigw.RestApi;
    /** Host names clients reach the API by (execute-api host, custom domain if any): the server's MCP_ALLOWED_HOSTS. */
    readonly hosts: string[];
    /** Full URL of /mcp on the execute-api endpoint, stage included. */
    readonly mcpUrl: string;
    /** The RFC 9728 metadata URL named in the 401 challenge. */
    readonly metadataUrl: string;
    /** The endpoint's canonical URI (custom domain if any, else the execute-api URL, stage included): the RFC 8707 resource. */
    readonly resourceUrl: string;
    readonly customDomain?: apigw.DomainName;
    readonly accessLogGroup: logs.LogGroup;
    readonly executionLogGroup: logs.LogGroup;

    constructor(scope: Construct, id: string, props: McpApiProps) {
        super(scope, id);
        const { config } = props;
        const prefix = `mcp-${config.stage}`;

        this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
            logGroupName: `/aws/apigateway/${prefix}-api-access`,
            retention: config.logRetention,
            removalPolicy: config.removalPolicy,
        });

        this.api = new apigw.RestApi(this, 'Api', {
            restApiName: `${prefix}-api`,
            description: `MCP server, stage ${config.stage}`,
            // Regional: streamed responses may idle for 5 minutes there, 30 seconds on edge-optimized endpoints.
            endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
            // Execution logs (ERROR level) need the account-level CloudWatch role of API Gateway: an account
            // singleton, set once by mcp-account-stack (account-stack.ts), never by a stage.
            cloudWatchRole: false,
            // Per-client usage plans are keyed by the authorizer's usageIdentifierKey (protection.ts).
            apiKeySourceType: config.protection ? apigw.ApiKeySourceType.AUTHORIZER : undefined,
            deployOptions: {
                stageName: config.stage,
                description: `MCP server, stage ${config.stage}`,
                throttlingRateLimit: config.throttling.rateLimit,
                throttlingBurstLimit: config.throttling.burstLimit,
                tracingEnabled: true,
                loggingLevel: apigw.MethodLoggingLevel.ERROR,
                // Data tracing would log request headers and bodies, bearer tokens included.
                dataTraceEnabled: false,
                metricsEnabled: false,
                accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
                accessLogFormat: accessLogFormat(),
            },
        });

        // API Gateway creates the execution log group on first use, with no retention; create it first, ours.
        this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
            logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${config.stage}`,
            retention: config.logRetention,
            removalPolicy: config.removalPolicy,
        });
        this.api.deploymentStage.node.addDependency(this.executionLogGroup);

        const stack = Stack.of(this);
        const executeApiHost = Fn.join('', [this.api.restApiId, '.execute-api.', stack.region, '.', stack.urlSuffix]);
        this.mcpUrl = Fn.join('', ['https://', executeApiHost, `/${config.stage}/${MCP_PATH}`]);
        this.hosts = [executeApiHost];
        if (config.customDomain) {
            this.customDomain = this.api.addDomainName('CustomDomain', {
                domainName: config.customDomain.domainName,
                certificate: Certificate.fromCertificateArn(this, 'Certificate', config.customDomain.certificateArn),
                endpointType: apigw.EndpointType.REGIONAL,
                securityPolicy: apigw.SecurityPolicy.TLS_1_2,
            });
            this.hosts.push(config.customDomain.domainName);
            // Clients use the custom domain (mapped at its root to this stage), so the challenge points there.
            this.metadataUrl = `https://${config.customDomain.domainName}/${METADATA_PATH}`;
            this.resourceUrl = `https://${config.customDomain.domainName}/${MCP_PATH}`;
        } else {
            this.resourceUrl = this.mcpUrl;
            // The stage name is written out rather than taken from the Stage resource: the gateway responses are part
            // of the deployment, which the Stage depends on.
            this.metadataUrl = Fn.join('', ['https://', executeApiHost, `/${config.stage}/${METADATA_PATH}`]);
        }
        this.addAuthGatewayResponses(props.oauth?.scopes ?? []);

        const authorizer = new apigw.TokenAuthorizer(this, 'TokenAuthorizer', {
            authorizerName: `${prefix}-token-authorizer`,
            handler: props.authorizer,
            identitySource: apigw.IdentitySource.header('Authorization'),
            validationRegex: BEARER_VALIDATION_REGEX,
            resultsCacheTtl: config.authorizer.cacheTtl,
        });

        // One integration for every route to the server: its response mode (MCP_LAMBDA_RESPONSE_MODE) is one setting
        // for the whole function, and a streamed payload sent to a buffered integration is a 502.
        const serverIntegration = new apigw.LambdaIntegration(props.server, {
            proxy: true,
            allowTestInvoke: false,
            responseTransferMode: config.streaming
                ? apigw.ResponseTransferMode.STREAM
                : apigw.ResponseTransferMode.BUFFERED,
            timeout: integrationTimeout(config),
        });

        const mcp = this.api.root.addResource(MCP_PATH);
        for (const httpMethod of MCP_METHODS) {
            const method = mcp.addMethod(httpMethod, serverIntegration, {
                authorizer,
                authorizationType: apigw.AuthorizationType.CUSTOM,
                apiKeyRequired: config.protection !== undefined,
            });
            Validations.of(method).acknowledge({
                id: 'AwsSolutions-COG4',
                reason:
                    'The Lambda TOKEN authorizer checks static bearer tokens (SHA-256 digests) and JWT access tokens of ' +
                    'any configured OpenID provider, the optional Cognito pool among them; a Cognito authorizer would ' +
                    'accept Cognito tokens only.',
            });
        }

        const [wellKnownPart, metadataPart] = METADATA_PATH.split('/');
        const metadataResource = this.api.root.addResource(wellKnownPart).addResource(metadataPart);
        const metadataIntegration = this.metadataIntegration(props.oauth);
        const metadataMethodOptions: apigw.MethodOptions = {
            authorizationType: apigw.AuthorizationType.NONE,
            methodResponses: [
                {
                    statusCode: '200',
                    responseParameters: {
                        'method.response.header.Content-Type': true,
                        'method.response.header.Cache-Control': true,
                    },
                },
            ],
        };
        // the root well-known URL and the path-inserted one (RFC 9728 3.1) for the resource .../mcp
        const metadataMethods = [
            metadataResource.addMethod('GET', metadataIntegration, metadataMethodOptions),
            metadataResource.addResource(MCP_PATH).addMethod('GET', metadataIntegration, metadataMethodOptions),
        ];
        for (const metadataMethod of metadataMethods) {
            for (const rule of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
                Validations.of(metadataMethod).acknowledge({
                    id: rule,
                    reason:
                        'RFC 9728 protected resource metadata is public by design: an MCP client reads it before it has ' +
                        'a token to learn where to get one. The document holds no secrets.',
                });
            }
        }

        Validations.of(this.api).acknowledge({
            id: 'AwsSolutions-APIG2',
            reason:
                'The MCP server validates every request itself and answers with the statuses the MCP transport ' +
                'specifies (406, 415, 413, 400 with JSON-RPC errors); API Gateway request validation would ' +
                'replace them with generic 400s, and a required Authorization parameter would turn the 401 ' +
                'challenge that starts OAuth discovery into a 400.',
        });
        if (!config.protection) {
            Validations.of(this.api).acknowledge({
                id: 'AwsSolutions-APIG3',
                reason:
                    'No AWS WAF web ACL on this non-production stage: stage throttling and the token authorizer (which ' +
                    'rejects malformed headers before invoking anything) bound abuse; prod has a web ACL (protection.ts).',
            });
        }
    }

    /**
     * The metadata document, answered by API Gateway: a mock integration whose response template is the document.
     * Its values passed configProblems(), so none holds a character the template language would read ($, #, \\).
     */
    private metadataIntegration(oauth: McpApiOAuth | undefined): apigw.MockIntegration {
        const document: Record<string, unknown> = { resource: this.resourceUrl };
        if (oauth && oauth.authorizationServers.length > 0) {
            document.authorization_servers = oauth.authorizationServers;
        }
        if (oauth && oauth.scopes.length > 0) {
            document.scopes_supported = oauth.scopes;
        }
        document.bearer_methods_supported = ['header'];
        document.resource_name = 'mcp-lambda-c';
        return new apigw.MockIntegration({
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            passthroughBehavior: apigw.PassthroughBehavior.WHEN_NO_TEMPLATES,
            integrationResponses: [
                {
                    statusCode: '200',
                    responseTemplates: { 'application/json': Stack.of(this).toJsonString(document) },
                    responseParameters: {
                        'method.response.header.Content-Type': "'application/json'",
                        'method.response.header.Cache-Control': "'max-age=300'",
                    },
                },
            ],
        });
    }

    private addAuthGatewayResponses(scopes: readonly string[]): void {
        const quoted = (value: string): string => Fn.join('', ["'", value, "'"]);
        const jsonMessage = { 'application/json': '{"message":$context.error.messageString}' };
        const scope = scopes.length > 0 ? `, scope="${scopes.join(' ')}"` : '';
        this.api.addGatewayResponse('Unauthorized', {
            type: apigw.ResponseType.UNAUTHORIZED,
            statusCode: '401',
            responseHeaders: {
                'WWW-Authenticate': quoted(Fn.join('', ['Bearer resource_metadata="', this.metadataUrl, `"${scope}`])),
            },
            templates: jsonMessage,
        });
        this.api.addGatewayResponse('AccessDenied', {
            type: apigw.ResponseType.ACCESS_DENIED,
            statusCode: '403',
            responseHeaders: {
                'WWW-Authenticate': quoted(
                    Fn.join('', [
                        `Bearer error="insufficient_scope"${scope}, resource_metadata="`,
                        this.metadataUrl,
                        '"',
                    ]),
                ),
            },
            templates: jsonMessage,
        });
    }
}

/** One JSON object per request; every value a string, since a missing value is logged as "-". */
function accessLogFormat(): apigw.AccessLogFormat {
    const F = apigw.AccessLogField;
    return apigw.AccessLogFormat.custom(
        JSON.stringify({
            requestId: F.contextRequestId(),
            extendedRequestId: F.contextExtendedRequestId(),
            requestTime: F.contextRequestTimeEpoch(),
            ip: F.contextIdentitySourceIp(),
            userAgent: F.contextIdentityUserAgent(),
            httpMethod: F.contextHttpMethod(),
            resourcePath: F.contextResourcePath(),
            protocol: F.contextProtocol(),
            status: F.contextStatus(),
            responseLength: F.contextResponseLength(),
            responseLatency: F.contextResponseLatency(),
            integrationStatus: F.contextIntegrationStatus(),
            integrationLatency: F.contextIntegrationLatency(),
            integrationError: F.contextIntegrationErrorMessage(),
            authorizerStatus: F.contextAuthorizerIntegrationStatus(),
            authorizerLatency: F.contextAuthorizerIntegrationLatency(),
            authorizerError: F.contextAuthorizerError(),
            principalId: F.contextAuthorizerPrincipalId(),
            errorType: F.contextErrorResponseType(),
            errorMessage: F.contextErrorMessage(),
            xrayTraceId: F.contextXrayTraceId(),
        }),
    );
}
