// The synthesized stack of every stage: resources and counts, auth wiring, gateway responses, stage settings,
// logging, tracing, alarms, names, streaming, outputs, and no plaintext token anywhere.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, STAGE_NAMES } from '../lib/config';
import { BEARER_VALIDATION_REGEX } from '../lib/mcp-api';
import {
    REGION,
    TEST_AUTH_TOKENS,
    TEST_TOKEN,
    evaluate,
    onlyResource,
    resourcesOfType,
    sha256,
    synthStage,
} from './helpers';

const API_ID = 'abc123';

for (const stage of STAGE_NAMES) {
    const config = STAGES[stage];
    const prefix = `mcp-${stage}`;

    describe(`stack ${prefix}-stack`, () => {
        const { app, stack, template, json } = synthStage(stage);
        const [apiId] = onlyResource(json, 'AWS::ApiGateway::RestApi');
        const refs = { [apiId]: API_ID };
        const [serverId, server] = onlyResource(
            json,
            'AWS::Lambda::Function',
            (p) => p.FunctionName === `${prefix}-server`,
        );
        const [authorizerFnId, authorizerFn] = onlyResource(
            json,
            'AWS::Lambda::Function',
            (p) => p.FunctionName === `${prefix}-authorizer`,
        );
        const [authorizerId, authorizer] = onlyResource(json, 'AWS::ApiGateway::Authorizer');
        const [mcpResourceId] = onlyResource(
            json,
            'AWS::ApiGateway::Resource',
            (p) => p.PathPart === 'mcp' && p.ParentId['Fn::GetAtt'] !== undefined,
        );
        const [wellKnownId] = onlyResource(json, 'AWS::ApiGateway::Resource', (p) => p.PathPart === '.well-known');
        const [metadataResourceId, metadataResource] = onlyResource(
            json,
            'AWS::ApiGateway::Resource',
            (p) => p.PathPart === 'oauth-protected-resource',
        );
        const methods = resourcesOfType(json, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
        const logGroupNamed = (name: string) =>
            onlyResource(json, 'AWS::Logs::LogGroup', (p) => evaluate(p.LogGroupName, refs) === name);
        const metadataUrl = config.customDomain
            ? `https://${config.customDomain.domainName}/.well-known/oauth-protected-resource`
            : `https://${API_ID}.execute-api.${REGION}.amazonaws.com/${stage}/.well-known/oauth-protected-resource`;

        test('resource counts', () => {
            const counts: Record<string, number> = {
                'AWS::Lambda::Function': 2,
                'AWS::ApiGateway::RestApi': 1,
                'AWS::ApiGateway::Stage': 1,
                'AWS::ApiGateway::Deployment': 1,
                'AWS::ApiGateway::Authorizer': 1,
                'AWS::ApiGateway::Resource': 4,
                'AWS::ApiGateway::Method': 5,
                'AWS::ApiGateway::GatewayResponse': 2,
                'AWS::ApiGateway::Account': 1,
                'AWS::ApiGateway::RequestValidator': 0,
                'AWS::Lambda::Permission': 4,
                'AWS::Logs::LogGroup': 4,
                'AWS::CloudWatch::Alarm': 5,
                'AWS::IAM::Role': 3,
                'AWS::IAM::Policy': 2,
                'AWS::DynamoDB::Table': config.streaming ? 1 : 0,
                'AWS::SecretsManager::Secret': 1,
            };
            for (const [type, count] of Object.entries(counts)) {
                template.resourceCountIs(type, count);
            }
        });

        test('both functions are container images of the right Dockerfile target and architecture', () => {
            for (const fn of [server, authorizerFn]) {
                assert.equal(fn.Properties.PackageType, 'Image');
                assert.deepEqual(fn.Properties.Architectures, [config.architecture]);
                assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
            }
            assert.equal(server.Properties.MemorySize, config.server.memoryMiB);
            assert.equal(server.Properties.Timeout, config.server.timeout.toSeconds());
            assert.equal(authorizerFn.Properties.MemorySize, config.authorizer.memoryMiB);
            assert.equal(authorizerFn.Properties.Timeout, config.authorizer.timeout.toSeconds());

            const assembly = app.synth();
            const manifest = JSON.parse(
                fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
            );
            const images = Object.values(manifest.dockerImages as Record<string, any>).map((image) => image.source);
            const platform = config.architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
            assert.deepEqual(images.map((source) => [source.dockerBuildTarget, source.platform]).sort(), [
                ['authorizer', platform],
                ['server', platform],
            ]);
        });

        test('server environment', () => {
            const env = server.Properties.Environment.Variables;
            assert.equal(env.MCP_LOG_LEVEL, config.server.logLevel);
            assert.equal(env.MCP_TOOLSETS, 'default');
            assert.equal(env.MCP_LAMBDA_RESPONSE_MODE, config.streaming ? 'streaming' : 'buffered');
            assert.equal(evaluate(env.MCP_ALLOWED_HOSTS, refs), `${API_ID}.execute-api.${REGION}.amazonaws.com`);
            assert.equal(env.MCP_ALLOWED_ORIGINS, undefined, 'no origins beyond the server default unless configured');
            if (config.streaming) {
                const [tableId] = onlyResource(json, 'AWS::DynamoDB::Table');
                assert.deepEqual(env.MCP_PENDING_TABLE, { Ref: tableId });
            } else {
                assert.equal(env.MCP_PENDING_TABLE, undefined);
            }
            // the request-state key: a dynamic reference to the stage's generated secret, never a value
            const [secretId, secret] = onlyResource(json, 'AWS::SecretsManager::Secret');
            assert.equal(secret.Properties.Name, `${prefix}-request-state-key`);
            assert.deepEqual(secret.Properties.GenerateSecretString, {
                ExcludePunctuation: true,
                IncludeSpace: false,
                PasswordLength: 64,
            });
            assert.deepEqual(env.MCP_REQUEST_STATE_KEY, {
                'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
            });
            assert.deepEqual(
                Object.keys(env).sort(),
                [
                    'MCP_ALLOWED_HOSTS',
                    'MCP_LAMBDA_RESPONSE_MODE',
                    'MCP_LOG_LEVEL',
                    'MCP_REQUEST_STATE_KEY',
                    'MCP_TOOLSETS',
                ]
                    .concat(config.streaming ? ['MCP_PENDING_TABLE'] : [])
                    .sort(),
            );
        });

        test('authorizer environment holds the digests and labels only', () => {
            assert.deepEqual(authorizerFn.Properties.Environment.Variables, {
                MCP_AUTH_TOKENS: TEST_AUTH_TOKENS,
                MCP_LOG_LEVEL: config.authorizer.logLevel,
            });
        });

        test('the plaintext test token appears nowhere in the template', () => {
            const text = JSON.stringify(json);
            assert.ok(text.includes(sha256(TEST_TOKEN)), 'the digest is there');
            assert.ok(!text.includes(TEST_TOKEN), 'the plaintext is not');
        });

        test('TOKEN authorizer: Authorization header, Bearer regex, cache TTL, the authorizer function', () => {
            assert.equal(authorizer.Properties.Type, 'TOKEN');
            assert.equal(authorizer.Properties.Name, `${prefix}-token-authorizer`);
            assert.equal(authorizer.Properties.IdentitySource, 'method.request.header.Authorization');
            assert.equal(authorizer.Properties.IdentityValidationExpression, BEARER_VALIDATION_REGEX);
            assert.equal(authorizer.Properties.AuthorizerResultTtlInSeconds, config.authorizer.cacheTtl.toSeconds());
            const uri = JSON.stringify(authorizer.Properties.AuthorizerUri);
            assert.ok(
                uri.includes(`{"Fn::GetAtt":["${authorizerFnId}","Arn"]}`) && uri.endsWith('/invocations"]]}'),
                uri,
            );
            const regex = new RegExp(BEARER_VALIDATION_REGEX);
            assert.ok(regex.test(`Bearer ${TEST_TOKEN}`));
            assert.ok(regex.test('Bearer dGVzdA=='));
            assert.ok(regex.test(`bearer ${TEST_TOKEN}`), 'the scheme is case-insensitive');
            assert.ok(regex.test(`BEARER  ${TEST_TOKEN}`), 'one or more spaces');
            assert.ok(!regex.test(`Bearer\t${TEST_TOKEN}`), 'not a tab');
            assert.ok(!regex.test(TEST_TOKEN), 'no scheme');
            assert.ok(!regex.test(`Basic ${TEST_TOKEN}`));
            assert.ok(!regex.test('Bearer '));
            assert.ok(!regex.test('Bearer a b'));
        });

        test('POST, GET and DELETE /mcp go to the server behind the authorizer', () => {
            const onMcp = methods.filter((m) => m.ResourceId.Ref === mcpResourceId);
            assert.deepEqual(onMcp.map((m) => m.HttpMethod).sort(), ['DELETE', 'GET', 'POST']);
            for (const method of onMcp) {
                assert.equal(method.AuthorizationType, 'CUSTOM', method.HttpMethod);
                assert.deepEqual(method.AuthorizerId, { Ref: authorizerId }, method.HttpMethod);
                assert.equal(method.Integration.Type, 'AWS_PROXY');
                assert.match(evaluate(method.Integration.Uri, refs), new RegExp(`<${serverId}\\.Arn>`));
            }
        });

        test('the RFC 9728 metadata, at the root and path-inserted, answered by API Gateway without auth', () => {
            assert.deepEqual(metadataResource.Properties.ParentId, { Ref: wellKnownId });
            const [insertedId] = onlyResource(
                json,
                'AWS::ApiGateway::Resource',
                (p) => p.PathPart === 'mcp' && p.ParentId.Ref === metadataResourceId,
            );
            const onMetadata = methods.filter((m) => [metadataResourceId, insertedId].includes(m.ResourceId.Ref));
            assert.equal(onMetadata.length, 2);
            const resourceUrl = config.customDomain
                ? `https://${config.customDomain.domainName}/mcp`
                : `https://${API_ID}.execute-api.${REGION}.amazonaws.com/${stage}/mcp`;
            for (const method of onMetadata) {
                assert.equal(method.HttpMethod, 'GET');
                assert.equal(method.AuthorizationType, 'NONE');
                assert.equal(method.AuthorizerId, undefined);
                assert.equal(method.Integration.Type, 'MOCK', 'no Lambda invocation');
                const [response] = method.Integration.IntegrationResponses;
                assert.equal(response.StatusCode, '200');
                assert.equal(response.ResponseParameters['method.response.header.Content-Type'], "'application/json'");
                const document = JSON.parse(evaluate(response.ResponseTemplates['application/json'], refs));
                assert.deepEqual(document, {
                    resource: resourceUrl,
                    bearer_methods_supported: ['header'],
                    resource_name: 'mcp-lambda-c',
                });
            }
        });

        test(`response transfer mode: ${config.streaming ? 'STREAM' : 'BUFFERED'} on every server integration`, () => {
            const serverMethods = methods.filter((m) => m.ResourceId.Ref === mcpResourceId);
            assert.equal(serverMethods.length, 3);
            for (const method of serverMethods) {
                const uri = evaluate(method.Integration.Uri, refs);
                assert.equal(method.Integration.TimeoutInMillis, config.server.timeout.toMilliseconds());
                if (config.streaming) {
                    assert.equal(method.Integration.ResponseTransferMode, 'STREAM');
                    assert.match(uri, /:lambda:path\/2021-11-15\/functions\/.*\/response-streaming-invocations$/);
                } else {
                    assert.ok([undefined, 'BUFFERED'].includes(method.Integration.ResponseTransferMode));
                    assert.match(uri, /:lambda:path\/2015-03-31\/functions\/.*\/invocations$/);
                    assert.ok(method.Integration.TimeoutInMillis <= 29_000);
                }
            }
        });

        test('401 challenges with the real metadata URL; 403 says insufficient_scope', () => {
            const [, unauthorized] = onlyResource(
                json,
                'AWS::ApiGateway::GatewayResponse',
                (p) => p.ResponseType === 'UNAUTHORIZED',
            );
            assert.equal(unauthorized.Properties.StatusCode, '401');
            assert.equal(
                evaluate(unauthorized.Properties.ResponseParameters['gatewayresponse.header.WWW-Authenticate'], refs),
                `'Bearer resource_metadata="${metadataUrl}"'`,
            );
            const [, denied] = onlyResource(
                json,
                'AWS::ApiGateway::GatewayResponse',
                (p) => p.ResponseType === 'ACCESS_DENIED',
            );
            assert.equal(denied.Properties.StatusCode, '403');
            assert.equal(
                evaluate(denied.Properties.ResponseParameters['gatewayresponse.header.WWW-Authenticate'], refs),
                `'Bearer error="insufficient_scope", resource_metadata="${metadataUrl}"'`,
            );
        });

        test('regional REST API and stage: throttling, tracing, error-level execution logs, no data trace', () => {
            template.hasResourceProperties('AWS::ApiGateway::RestApi', {
                Name: `${prefix}-api`,
                EndpointConfiguration: { Types: ['REGIONAL'] },
            });
            template.hasResourceProperties('AWS::ApiGateway::Stage', {
                StageName: stage,
                TracingEnabled: true,
                MethodSettings: [
                    {
                        ResourcePath: '/*',
                        HttpMethod: '*',
                        ThrottlingRateLimit: config.throttling.rateLimit,
                        ThrottlingBurstLimit: config.throttling.burstLimit,
                        LoggingLevel: 'ERROR',
                        DataTraceEnabled: false,
                    },
                ],
            });
        });

        test('JSON access logs go to the stage-prefixed access log group', () => {
            const [, apiStage] = onlyResource(json, 'AWS::ApiGateway::Stage');
            const [accessLogsId] = logGroupNamed(`/aws/apigateway/${prefix}-api-access`);
            const destination = evaluate(apiStage.Properties.AccessLogSetting.DestinationArn, refs);
            assert.equal(destination, `arn:aws:logs:${REGION}:123456789012:log-group:<${accessLogsId}>`);
            const format = JSON.parse(apiStage.Properties.AccessLogSetting.Format);
            assert.equal(format.requestId, '$context.requestId');
            assert.equal(format.status, '$context.status');
            assert.equal(format.principalId, '$context.authorizer.principalId');
            assert.ok(!JSON.stringify(format).includes('header'), 'no request headers (Authorization) in access logs');
        });

        test('every log group has the stage retention and removal policy', () => {
            const names = [
                `/aws/lambda/${prefix}-server`,
                `/aws/lambda/${prefix}-authorizer`,
                `/aws/apigateway/${prefix}-api-access`,
                `API-Gateway-Execution-Logs_${API_ID}/${stage}`,
            ];
            const deletion = config.removalPolicy === 'retain' ? 'Retain' : 'Delete';
            for (const name of names) {
                const [, group] = logGroupNamed(name);
                assert.equal(group.Properties.RetentionInDays, config.logRetention, name);
                assert.equal(group.DeletionPolicy, deletion, name);
            }
            assert.deepEqual(server.Properties.LoggingConfig.LogGroup, { Ref: logGroupNamed(names[0])[0] });
            assert.deepEqual(authorizerFn.Properties.LoggingConfig.LogGroup, { Ref: logGroupNamed(names[1])[0] });
        });

        test('the execution log group exists before the stage starts logging', () => {
            const [executionLogsId] = logGroupNamed(`API-Gateway-Execution-Logs_${API_ID}/${stage}`);
            const [, apiStage] = onlyResource(json, 'AWS::ApiGateway::Stage');
            assert.ok(apiStage.DependsOn.includes(executionLogsId));
        });

        test('alarms on API 5XX, and errors and throttles of both functions', () => {
            const [apiStageId] = onlyResource(json, 'AWS::ApiGateway::Stage');
            const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
            const byName = Object.fromEntries(alarms.map((a) => [a.AlarmName, a]));
            const expected: Record<string, [string, string, Record<string, unknown>, number]> = {
                [`${prefix}-api-5xx`]: [
                    'AWS/ApiGateway',
                    '5XXError',
                    { ApiName: `${prefix}-api`, Stage: `<${apiStageId}>` },
                    config.alarms.api5xxThreshold,
                ],
                [`${prefix}-server-errors`]: [
                    'AWS/Lambda',
                    'Errors',
                    { FunctionName: `<${serverId}>` },
                    config.alarms.serverErrorsThreshold,
                ],
                [`${prefix}-server-throttles`]: [
                    'AWS/Lambda',
                    'Throttles',
                    { FunctionName: `<${serverId}>` },
                    config.alarms.throttlesThreshold,
                ],
                [`${prefix}-authorizer-errors`]: [
                    'AWS/Lambda',
                    'Errors',
                    { FunctionName: `<${authorizerFnId}>` },
                    config.alarms.authorizerErrorsThreshold,
                ],
                [`${prefix}-authorizer-throttles`]: [
                    'AWS/Lambda',
                    'Throttles',
                    { FunctionName: `<${authorizerFnId}>` },
                    config.alarms.throttlesThreshold,
                ],
            };
            assert.deepEqual(Object.keys(byName).sort(), Object.keys(expected).sort());
            for (const [name, [namespace, metric, dimensions, threshold]] of Object.entries(expected)) {
                const alarm = byName[name];
                assert.equal(alarm.Namespace, namespace, name);
                assert.equal(alarm.MetricName, metric, name);
                assert.equal(alarm.Statistic, 'Sum', name);
                assert.equal(alarm.Period, config.alarms.period.toSeconds(), name);
                assert.equal(alarm.Threshold, threshold, name);
                assert.equal(alarm.EvaluationPeriods, config.alarms.evaluationPeriods, name);
                assert.equal(alarm.DatapointsToAlarm, config.alarms.datapointsToAlarm, name);
                assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold', name);
                assert.equal(alarm.TreatMissingData, 'notBreaching', name);
                const dims = Object.fromEntries(alarm.Dimensions.map((d: any) => [d.Name, evaluate(d.Value, refs)]));
                assert.deepEqual(dims, dimensions, name);
            }
        });

        test('every named resource carries the stage prefix', () => {
            const named: [string, string][] = [
                ['AWS::Lambda::Function', 'FunctionName'],
                ['AWS::ApiGateway::RestApi', 'Name'],
                ['AWS::ApiGateway::Authorizer', 'Name'],
                ['AWS::CloudWatch::Alarm', 'AlarmName'],
                ['AWS::DynamoDB::Table', 'TableName'],
                ['AWS::Logs::LogGroup', 'LogGroupName'],
            ];
            let checked = 0;
            for (const [type, property] of named) {
                for (const [, resource] of resourcesOfType(json, type)) {
                    const name = evaluate(resource.Properties[property], refs);
                    const ok =
                        name.startsWith(`${prefix}-`) ||
                        name.includes(`/${prefix}-`) ||
                        name === `API-Gateway-Execution-Logs_${API_ID}/${stage}`;
                    assert.ok(ok, `${type} ${name}`);
                    checked++;
                }
            }
            assert.equal(checked, 2 + 1 + 1 + 5 + (config.streaming ? 1 : 0) + 4);
            assert.equal(stack.stackName, `${prefix}-stack`);
        });

        test('least privilege: no wildcard actions, "*" resources only for X-Ray, named log groups', () => {
            for (const [id, policy] of resourcesOfType(json, 'AWS::IAM::Policy')) {
                for (const statement of policy.Properties.PolicyDocument.Statement) {
                    const actions: string[] = [statement.Action].flat();
                    for (const action of actions) {
                        assert.ok(!action.includes('*'), `${id}: ${action}`);
                    }
                    if (statement.Resource === '*') {
                        assert.deepEqual(actions.sort(), ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], id);
                    }
                }
            }
            for (const [, role] of resourcesOfType(json, 'AWS::IAM::Role')) {
                const service = role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service;
                if (service === 'lambda.amazonaws.com') {
                    assert.equal(role.Properties.ManagedPolicyArns, undefined, 'function roles use no managed policy');
                }
            }
        });

        test(
            config.streaming
                ? 'the pending-answers table, and only the item access the server needs'
                : 'no pending-answers table',
            () => {
                if (!config.streaming) {
                    template.resourceCountIs('AWS::DynamoDB::Table', 0);
                    return;
                }
                const [tableId, table] = onlyResource(json, 'AWS::DynamoDB::Table');
                assert.deepEqual(table.Properties, {
                    TableName: `${prefix}-pending`,
                    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
                    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
                    BillingMode: 'PAY_PER_REQUEST',
                    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
                    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
                });
                assert.equal(table.DeletionPolicy, config.removalPolicy === 'retain' ? 'Retain' : 'Delete');
                template.hasResourceProperties('AWS::IAM::Policy', {
                    Roles: [{ Ref: server.Properties.Role['Fn::GetAtt'][0] }],
                    PolicyDocument: {
                        Statement: Match.arrayWith([
                            {
                                Effect: 'Allow',
                                Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
                                Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
                            },
                        ]),
                    },
                });
                const authorizerPolicy = JSON.stringify(
                    onlyResource(
                        json,
                        'AWS::IAM::Policy',
                        (p) => p.Roles[0].Ref === authorizerFn.Properties.Role['Fn::GetAtt'][0],
                    )[1],
                );
                assert.ok(!authorizerPolicy.includes('dynamodb'), 'the authorizer gets no table access');
            },
        );

        test('outputs: McpEndpoint, ApiId, ServerFunctionName, AuthorizerFunctionName', () => {
            const outputs = json.Outputs;
            assert.equal(
                evaluate(outputs.McpEndpoint.Value, refs),
                `https://${API_ID}.execute-api.${REGION}.amazonaws.com/${stage}/mcp`,
            );
            assert.deepEqual(outputs.ApiId.Value, { Ref: apiId });
            assert.deepEqual(outputs.ServerFunctionName.Value, { Ref: serverId });
            assert.deepEqual(outputs.AuthorizerFunctionName.Value, { Ref: authorizerFnId });
        });
    });
}

describe('configuration variants', () => {
    const CERTIFICATE = 'arn:aws:acm:ap-southeast-2:123456789012:certificate/11111111-2222-3333-4444-555555555555';

    test('a custom domain is allowed as a host and named in the 401 challenge', () => {
        const { json, template } = synthStage('prod', {
            customDomain: { domainName: 'mcp.example.com', certificateArn: CERTIFICATE },
        });
        const [apiId] = onlyResource(json, 'AWS::ApiGateway::RestApi');
        const refs = { [apiId]: API_ID };
        template.hasResourceProperties('AWS::ApiGateway::DomainName', {
            DomainName: 'mcp.example.com',
            RegionalCertificateArn: CERTIFICATE,
            EndpointConfiguration: { Types: ['REGIONAL'] },
            SecurityPolicy: 'TLS_1_2',
        });
        template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
        const [, server] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-prod-server');
        assert.equal(
            evaluate(server.Properties.Environment.Variables.MCP_ALLOWED_HOSTS, refs),
            `${API_ID}.execute-api.${REGION}.amazonaws.com,mcp.example.com`,
        );
        const [, unauthorized] = onlyResource(
            json,
            'AWS::ApiGateway::GatewayResponse',
            (p) => p.ResponseType === 'UNAUTHORIZED',
        );
        assert.equal(
            evaluate(unauthorized.Properties.ResponseParameters['gatewayresponse.header.WWW-Authenticate'], refs),
            `'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"'`,
        );
        assert.equal(server.Properties.Environment.Variables.MCP_PUBLIC_URL, 'https://mcp.example.com/mcp');
        assert.equal(json.Outputs.McpCustomDomainEndpoint.Value, 'https://mcp.example.com/mcp');
        assert.ok(json.Outputs.CustomDomainTarget);
    });

    test('allowed origins from the config reach the server', () => {
        const { json } = synthStage('qas', {
            server: {
                ...STAGES.qas.server,
                allowedOrigins: ['https://app.example.com', 'https://inspector.example.com:6274'],
            },
        });
        const [, server] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-qas-server');
        assert.equal(
            server.Properties.Environment.Variables.MCP_ALLOWED_ORIGINS,
            'https://app.example.com,https://inspector.example.com:6274',
        );
    });

    test('arm64 builds linux/arm64 images', () => {
        const { app, stack, json } = synthStage('dev', { architecture: 'arm64' });
        for (const [, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
            assert.deepEqual(fn.Properties.Architectures, ['arm64']);
        }
        const assembly = app.synth();
        const manifest = JSON.parse(
            fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
        );
        for (const image of Object.values(manifest.dockerImages as Record<string, any>)) {
            assert.equal(image.source.platform, 'linux/arm64');
        }
    });

    test('streaming switched on for prod: STREAM, 15 minutes, the table and its environment', () => {
        const { json, template } = synthStage('prod', {
            streaming: true,
            server: { ...STAGES.prod.server, timeout: Duration.minutes(15) },
        });
        template.resourceCountIs('AWS::DynamoDB::Table', 1);
        template.hasResource('AWS::DynamoDB::Table', {
            DeletionPolicy: 'Retain',
            Properties: { TableName: 'mcp-prod-pending' },
        });
        const [, server] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-prod-server');
        assert.equal(server.Properties.Environment.Variables.MCP_LAMBDA_RESPONSE_MODE, 'streaming');
        assert.equal(server.Properties.Timeout, 900);
        const serverMethods = resourcesOfType(json, 'AWS::ApiGateway::Method').filter(
            ([, m]) => m.Properties.Integration.Type === 'AWS_PROXY',
        );
        assert.equal(serverMethods.length, 3);
        for (const [, method] of serverMethods) {
            assert.equal(method.Properties.Integration.ResponseTransferMode, 'STREAM');
            assert.equal(method.Properties.Integration.TimeoutInMillis, 900_000);
        }
    });

    test('an invalid stage config stops synth with every problem listed', () => {
        assert.throws(
            () => synthStage('qas', { server: { ...STAGES.qas.server, timeout: Duration.minutes(5), memoryMiB: 100 } }),
            /invalid stage configuration:\n {2}stage qas: server timeout 300 s must be 1..29 s.*\n {2}stage qas: server memory 100 MiB/s,
        );
    });
});
