// The stage as an OAuth 2.1 resource server: the authorizer's issuer list (MCP_OAUTH_ISSUERS) from the stage's
// oauth settings, and, when asked for, a Cognito user pool for teams without an identity provider: a resource server
// whose scopes are the stage's, and a machine-to-machine app client (client credentials, with a secret Cognito keeps;
// `aws cognito-idp describe-user-pool-client` shows it to whoever may read it, nothing here does).
//
// Cognito's access tokens differ from RFC 9068's: no "typ", the client in "client_id" instead of an "aud", and
// "token_use":"access" (its ID tokens say "id"), signed with RS256. That is configuration, as for any provider:
// audienceClaim client_id with the app client's id as the audience, typ not checked, token_use required.
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { OAuthIssuerSettings, OAuthSettings } from './config';

export interface McpOAuthProps {
    readonly stage: string;
    readonly settings: OAuthSettings;
    readonly removalPolicy: RemovalPolicy;
}

/** The JSON shape of one MCP_OAUTH_ISSUERS entry (authorizer/authz_issuers.c). */
interface IssuerEntry {
    issuer: string;
    audiences?: string[];
    audienceClaim?: 'aud' | 'client_id';
    typ?: string[] | null;
    scopes?: string[];
    claims?: Record<string, string>;
    algorithms?: string[];
    metadata?: string;
    jwksUri?: string;
}

function entryOf(issuer: OAuthIssuerSettings, defaultScopes: readonly string[]): IssuerEntry {
    const entry: IssuerEntry = { issuer: issuer.issuer, scopes: [...(issuer.scopes ?? defaultScopes)] };
    if (issuer.audiences !== undefined) entry.audiences = [...issuer.audiences];
    if (issuer.audienceClaim !== undefined) entry.audienceClaim = issuer.audienceClaim;
    if (issuer.typ !== undefined) entry.typ = issuer.typ === null ? null : [...issuer.typ];
    if (issuer.claims !== undefined) entry.claims = { ...issuer.claims };
    if (issuer.algorithms !== undefined) entry.algorithms = [...issuer.algorithms];
    if (issuer.metadata !== undefined) entry.metadata = issuer.metadata;
    if (issuer.jwksUri !== undefined) entry.jwksUri = issuer.jwksUri;
    return entry;
}

export class McpOAuth extends Construct {
    readonly userPool?: cognito.UserPool;
    readonly machineClient?: cognito.UserPoolClient;
    /** The issuers, configured ones first, then the Cognito pool's. */
    readonly authorizationServers: string[];
    readonly scopes: readonly string[];
    private readonly entries: IssuerEntry[];

    constructor(scope: Construct, id: string, props: McpOAuthProps) {
        super(scope, id);
        const { settings } = props;
        const prefix = `mcp-${props.stage}`;
        this.scopes = settings.scopes;
        this.entries = settings.issuers.map((issuer) => entryOf(issuer, settings.scopes));
        this.authorizationServers = settings.issuers.map((issuer) => issuer.issuer);

        if (settings.cognito) {
            const { resourceServerIdentifier } = settings.cognito;
            this.userPool = new cognito.UserPool(this, 'UserPool', {
                userPoolName: `${prefix}-users`,
                selfSignUpEnabled: false,
                signInAliases: { email: true },
                mfa: cognito.Mfa.REQUIRED,
                mfaSecondFactor: { otp: true, sms: false },
                passwordPolicy: {
                    minLength: 14,
                    requireLowercase: true,
                    requireUppercase: true,
                    requireDigits: true,
                    requireSymbols: true,
                    tempPasswordValidity: Duration.days(3),
                },
                accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
                deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
                removalPolicy: props.removalPolicy,
            });
            Validations.of(this.userPool).acknowledge({
                id: 'AwsSolutions-COG8',
                reason:
                    'The Plus feature plan (threat protection) costs per user; the pool exists for machine clients ' +
                    'using client credentials, which it does not cover, and for a few operators with MFA required.',
            });
            const scopeNames = settings.scopes.map((s) => s.slice(resourceServerIdentifier.length + 1));
            const resourceServer = this.userPool.addResourceServer('ResourceServer', {
                identifier: resourceServerIdentifier,
                userPoolResourceServerName: `${prefix}-mcp`,
                scopes: scopeNames.map(
                    (name) =>
                        new cognito.ResourceServerScope({
                            scopeName: name,
                            scopeDescription: `MCP server, stage ${props.stage}`,
                        }),
                ),
            });
            this.userPool.addDomain('Domain', {
                cognitoDomain: { domainPrefix: Fn.join('-', [settings.cognito.domainPrefix, Aws.ACCOUNT_ID]) },
            });
            this.machineClient = this.userPool.addClient('MachineClient', {
                userPoolClientName: `${prefix}-machine`,
                generateSecret: true,
                authFlows: {},
                oAuth: {
                    flows: { clientCredentials: true },
                    scopes: scopeNames.map((name) =>
                        cognito.OAuthScope.resourceServer(
                            resourceServer,
                            new cognito.ResourceServerScope({ scopeName: name, scopeDescription: name }),
                        ),
                    ),
                },
                accessTokenValidity: Duration.hours(1),
                enableTokenRevocation: true,
                preventUserExistenceErrors: true,
            });
            const issuer = Fn.join('', [
                'https://cognito-idp.',
                Aws.REGION,
                '.',
                Aws.URL_SUFFIX,
                '/',
                this.userPool.userPoolId,
            ]);
            this.authorizationServers.push(issuer);
            this.entries.push({
                issuer,
                audiences: [this.machineClient.userPoolClientId],
                audienceClaim: 'client_id',
                typ: null,
                scopes: [...settings.scopes],
                claims: { token_use: 'access' },
                algorithms: ['RS256'],
            });
            new CfnOutput(Stack.of(this), 'OAuthUserPoolId', {
                description: 'Cognito user pool of the stage',
                value: this.userPool.userPoolId,
            });
            new CfnOutput(Stack.of(this), 'OAuthMachineClientId', {
                description:
                    'App client for mcp-client --oauth-client-credentials (MCP_OAUTH_CLIENT_ID); its secret stays in Cognito',
                value: this.machineClient.userPoolClientId,
            });
            new CfnOutput(Stack.of(this), 'OAuthIssuer', {
                description: 'The Cognito issuer (MCP_OAUTH_ISSUER)',
                value: issuer,
            });
        }
    }

    /** MCP_OAUTH_ISSUERS: a JSON string, with the deploy-time values (pool and client ids) resolved by CloudFormation. */
    issuersJson(): string {
        return Stack.of(this).toJsonString(this.entries);
    }
}
