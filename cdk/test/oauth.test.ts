// A stage as an OAuth resource server: the issuers reach the authorizer, the metadata and the challenges name the
// authorization servers and scopes, the optional Cognito pool, the config checks, and cdk-nag with all of it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OAuthSettings, STAGES, configProblems } from '../lib/config';
import { REGION, evaluate, onlyResource, resourcesOfType, synthStage } from './helpers';

const API_ID = 'abc123';
const OKTA = 'https://example.okta.com/oauth2/aus1';
const ENTRA = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0';
const OAUTH: OAuthSettings = {
    scopes: ['mcp/tools'],
    issuers: [
        { issuer: OKTA, scopes: ['mcp:tools'] },
        { issuer: ENTRA, audiences: ['api://mcp-prod'], typ: null, algorithms: ['RS256'] },
    ],
    cognito: { domainPrefix: 'mcp-prod', resourceServerIdentifier: 'mcp' },
};

function synthWithOAuth(oauth: OAuthSettings = OAUTH) {
    const s = synthStage('prod', { oauth });
    const [apiId] = onlyResource(s.json, 'AWS::ApiGateway::RestApi');
    const [poolId] = resourcesOfType(s.json, 'AWS::Cognito::UserPool')[0] ?? [];
    const [clientId] = resourcesOfType(s.json, 'AWS::Cognito::UserPoolClient')[0] ?? [];
    const refs: Record<string, string> = { [apiId]: API_ID };
    if (poolId) refs[poolId] = 'ap-southeast-2_Pool';
    if (clientId) refs[clientId] = 'client123';
    return { ...s, refs };
}

describe('oauth: issuers, metadata, challenges, Cognito', () => {
    const { json, template, refs } = synthWithOAuth();
    const mcpUrl = `https://${API_ID}.execute-api.${REGION}.amazonaws.com/prod/mcp`;
    const metadataUrl = `https://${API_ID}.execute-api.${REGION}.amazonaws.com/prod/.well-known/oauth-protected-resource`;
    const cognitoIssuer = `https://cognito-idp.${REGION}.amazonaws.com/ap-southeast-2_Pool`;

    test('the authorizer gets every issuer and the canonical URI as the default audience', () => {
        const [, fn] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-prod-authorizer');
        const env = fn.Properties.Environment.Variables;
        assert.equal(evaluate(env.MCP_OAUTH_RESOURCE, refs), mcpUrl);
        assert.deepEqual(JSON.parse(evaluate(env.MCP_OAUTH_ISSUERS, refs)), [
            { issuer: OKTA, scopes: ['mcp:tools'] },
            { issuer: ENTRA, scopes: ['mcp/tools'], audiences: ['api://mcp-prod'], typ: null, algorithms: ['RS256'] },
            {
                issuer: cognitoIssuer,
                audiences: ['client123'],
                audienceClaim: 'client_id',
                typ: null,
                scopes: ['mcp/tools'],
                claims: { token_use: 'access' },
                algorithms: ['RS256'],
            },
        ]);
        assert.ok(env.MCP_AUTH_TOKENS_SECRET, 'the static digests stay beside');
    });

    test('usage plans: JWT clients, unknown in advance, share one key (the authorizer answers it for any JWT)', () => {
        const values = resourcesOfType(json, 'AWS::ApiGateway::ApiKey').map(([, k]) => k.Properties.Value);
        assert.ok(values.includes('mcp-prod-usage-jwt-clients'), JSON.stringify(values));
        const [, fn] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-prod-authorizer');
        assert.equal(fn.Properties.Environment.Variables.MCP_USAGE_KEY_PREFIX, 'mcp-prod-usage-');
    });

    test('the metadata lists the authorization servers and scopes_supported, at both URLs', () => {
        const mocks = resourcesOfType(json, 'AWS::ApiGateway::Method').filter(
            ([, m]) => m.Properties.Integration.Type === 'MOCK',
        );
        assert.equal(mocks.length, 2);
        for (const [, method] of mocks) {
            const template =
                method.Properties.Integration.IntegrationResponses[0].ResponseTemplates['application/json'];
            assert.deepEqual(JSON.parse(evaluate(template, refs)), {
                resource: mcpUrl,
                authorization_servers: [OKTA, ENTRA, cognitoIssuer],
                scopes_supported: ['mcp/tools'],
                bearer_methods_supported: ['header'],
                resource_name: 'mcp-lambda-c',
            });
        }
    });

    test('401 and 403 challenges carry the scope', () => {
        const header = (type: string) =>
            evaluate(
                onlyResource(json, 'AWS::ApiGateway::GatewayResponse', (p) => p.ResponseType === type)[1].Properties
                    .ResponseParameters['gatewayresponse.header.WWW-Authenticate'],
                refs,
            );
        assert.equal(header('UNAUTHORIZED'), `'Bearer resource_metadata="${metadataUrl}", scope="mcp/tools"'`);
        assert.equal(
            header('ACCESS_DENIED'),
            `'Bearer error="insufficient_scope", scope="mcp/tools", resource_metadata="${metadataUrl}"'`,
        );
    });

    test('Cognito: a pool, a resource server with the scopes, a domain, a machine client with a secret', () => {
        template.hasResourceProperties('AWS::Cognito::UserPool', {
            UserPoolName: 'mcp-prod-users',
            AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
            MfaConfiguration: 'ON',
        });
        template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'RetainExceptOnCreate' });
        template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
            Identifier: 'mcp',
            Scopes: [{ ScopeName: 'tools', ScopeDescription: 'MCP server, stage prod' }],
        });
        const [, domain] = onlyResource(json, 'AWS::Cognito::UserPoolDomain');
        assert.equal(evaluate(domain.Properties.Domain, refs), 'mcp-prod-123456789012');
        const [, client] = onlyResource(json, 'AWS::Cognito::UserPoolClient');
        assert.equal(client.Properties.GenerateSecret, true);
        assert.deepEqual(client.Properties.AllowedOAuthFlows, ['client_credentials']);
        assert.equal(client.Properties.AllowedOAuthFlowsUserPoolClient, true);
        assert.equal(client.Properties.AllowedOAuthScopes.length, 1);
        assert.match(evaluate(client.Properties.AllowedOAuthScopes[0], refs), /\/tools$/);
        assert.equal(evaluate(json.Outputs.OAuthMachineClientId.Value, refs), 'client123');
        assert.equal(evaluate(json.Outputs.OAuthIssuer.Value, refs), cognitoIssuer);
        assert.ok(!JSON.stringify(json.Outputs).includes('ClientSecret'), 'the secret is not an output');
    });

    test('cdk-nag: no unacknowledged finding with the user pool', () => {
        const { app } = synthWithOAuth();
        const violations = new AwsSolutionsChecks().validateScope(app).violations;
        assert.deepEqual(
            violations.map((v) => v.ruleName),
            [],
        );
    });

    test('a custom domain is the resource, and where the metadata points', () => {
        const { json: j, refs: r } = (() => {
            const s = synthStage('prod', {
                oauth: { scopes: ['mcp:tools'], issuers: [{ issuer: OKTA }] },
                customDomain: {
                    domainName: 'mcp.example.com',
                    certificateArn:
                        'arn:aws:acm:ap-southeast-2:123456789012:certificate/11111111-2222-3333-4444-555555555555',
                },
            });
            const [apiId] = onlyResource(s.json, 'AWS::ApiGateway::RestApi');
            return { json: s.json, refs: { [apiId]: API_ID } };
        })();
        const [, fn] = onlyResource(j, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-prod-authorizer');
        assert.equal(
            evaluate(fn.Properties.Environment.Variables.MCP_OAUTH_RESOURCE, r),
            'https://mcp.example.com/mcp',
        );
        assert.equal(resourcesOfType(j, 'AWS::Cognito::UserPool').length, 0, 'no pool unless asked for');
    });
});

describe('oauth config checks', () => {
    const base = STAGES.prod;
    const problems = (oauth: OAuthSettings) => configProblems({ ...base, oauth }).join('\n');

    test('a usable config has no problems', () => {
        assert.equal(problems(OAUTH), '');
    });

    test('every mistake is named', () => {
        assert.match(problems({ scopes: [], issuers: [] }), /no issuers and no cognito/);
        assert.match(problems({ scopes: ['a b'], issuers: [{ issuer: OKTA }] }), /scope "a b" must be/);
        assert.match(problems({ scopes: ['$x'], issuers: [{ issuer: OKTA }] }), /scope "\$x" must be/);
        assert.match(
            problems({ scopes: [], issuers: [{ issuer: 'http://id.example.com' }] }),
            /issuer "http:\/\/id.example.com" must be an https URL/,
        );
        assert.match(problems({ scopes: [], issuers: [{ issuer: OKTA }, { issuer: OKTA }] }), /listed twice/);
        assert.match(problems({ scopes: [], issuers: [{ issuer: OKTA, algorithms: ['HS256'] }] }), /algorithm "HS256"/);
        assert.match(
            problems({ scopes: [], issuers: [{ issuer: OKTA, audienceClaim: 'client_id' }] }),
            /needs the accepted client ids/,
        );
        assert.match(
            problems({
                scopes: ['mcp:tools'],
                issuers: [],
                cognito: { domainPrefix: 'mcp-prod', resourceServerIdentifier: 'mcp' },
            }),
            /Cognito's "mcp\/<name>"/,
        );
        assert.match(
            problems({
                scopes: ['mcp/tools'],
                issuers: [],
                cognito: { domainPrefix: 'my-cognito', resourceServerIdentifier: 'mcp' },
            }),
            /domainPrefix "my-cognito"/,
        );
        const nine = Array.from({ length: 9 }, (_, i) => ({ issuer: `https://id${i}.example.com` }));
        assert.match(problems({ scopes: [], issuers: nine }), /at most 8 issuers/);
    });
});
