// The synthesized stack of every stage: resources and counts, auth wiring, gateway responses, stage settings,
// logging, tracing, alarms and their topic, names, streaming, outputs, secrets by ARN only (no value, no digest in
// any template or function environment), live aliases shifted by CodeDeploy with rollback alarms, retention that
// lets a failed create roll back, no account singleton, WAF and usage plans on prod, and images by digest.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { STAGES, STAGE_NAMES, ciTokenLabel, integrationTimeout, serverFunctionTimeout } from '../lib/config';
import { BEARER_VALIDATION_REGEX } from '../lib/mcp-api';
import { REGION, TEST_IMAGES, TEST_TOKEN, evaluate, onlyResource, resourcesOfType, synthStage } from './helpers';

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
        const [serverAliasId, serverAlias] = onlyResource(json, 'AWS::Lambda::Alias', (p) =>
            JSON.stringify(p.FunctionName).includes(serverId),
        );
        const [authorizerAliasId] = onlyResource(json, 'AWS::Lambda::Alias', (p) =>
            JSON.stringify(p.FunctionName).includes(authorizerFnId),
        );
        const [topicId] = onlyResource(json, 'AWS::SNS::Topic');
        const [authTokensSecretId, authTokensSecret] = onlyResource(json, 'AWS::SecretsManager::Secret', (p) =>
            p.Description.includes('token digests'),
        );
        const [stateKeySecretId, stateKeySecret] = onlyResource(json, 'AWS::SecretsManager::Secret', (p) =>
            p.Description.includes('request-state key'),
        );
        const deletion = config.removalPolicy === 'destroy' ? 'Delete' : 'RetainExceptOnCreate';
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
                'AWS::ApiGateway::Account': 0,
                'AWS::ApiGateway::RequestValidator': 0,
                'AWS::Lambda::Permission': 4,
                'AWS::Lambda::Version': 2,
                'AWS::Lambda::Alias': 2,
                'AWS::CodeDeploy::Application': 1,
                'AWS::CodeDeploy::DeploymentGroup': 2,
                'AWS::Logs::LogGroup': 4,
                'AWS::CloudWatch::Alarm': 9,
                'AWS::CloudWatch::Dashboard': 1,
                'AWS::SNS::Topic': 1,
                'AWS::IAM::Role': 4,
                'AWS::IAM::Policy': 2,
                'AWS::DynamoDB::Table': 1 + (config.streaming ? 1 : 0),
                'AWS::SecretsManager::Secret': 2,
                'AWS::WAFv2::WebACL': config.protection ? 1 : 0,
                'AWS::WAFv2::WebACLAssociation': config.protection ? 1 : 0,
                'AWS::ApiGateway::UsagePlan': config.protection ? 1 : 0,
                'AWS::ApiGateway::ApiKey': config.protection ? 1 + config.protection.clients.length : 0,
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
            assert.equal(server.Properties.ReservedConcurrentExecutions, config.reservedConcurrency.server);
            assert.equal(authorizerFn.Properties.ReservedConcurrentExecutions, config.reservedConcurrency.authorizer);
            assert.equal(server.Properties.MemorySize, config.server.memoryMiB);
            assert.equal(server.Properties.Timeout, serverFunctionTimeout(config).toSeconds());
            // a function that outlives a request for its tasks answers every request by the request timeout
            const responseTimeout = server.Properties.Environment.Variables.MCP_RESPONSE_TIMEOUT_MS;
            if (config.server.taskTimeout !== undefined) {
                assert.ok(config.server.taskTimeout.toSeconds() > config.server.timeout.toSeconds());
                assert.equal(responseTimeout, String(config.server.timeout.toMilliseconds()));
            } else {
                assert.equal(responseTimeout, undefined);
            }
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
            const [taskTableId] = onlyResource(json, 'AWS::DynamoDB::Table', (p) => p.TableName === `${prefix}-tasks`);
            assert.deepEqual(env.MCP_TASK_TABLE, { Ref: taskTableId });
            if (config.streaming) {
                const [tableId] = onlyResource(
                    json,
                    'AWS::DynamoDB::Table',
                    (p) => p.TableName === `${prefix}-pending`,
                );
                assert.deepEqual(env.MCP_PENDING_TABLE, { Ref: tableId });
            } else {
                assert.equal(env.MCP_PENDING_TABLE, undefined);
            }
            // the request-state key: only the ARN of the stage's generated secret, which the server reads itself
            assert.equal(stateKeySecret.Properties.Name, undefined, 'no fixed name to block a re-create');
            assert.deepEqual(stateKeySecret.Properties.GenerateSecretString, {
                ExcludePunctuation: true,
                IncludeSpace: false,
                PasswordLength: 64,
            });
            assert.deepEqual(env.MCP_REQUEST_STATE_KEY_SECRET, { Ref: stateKeySecretId });
            assert.equal(env.MCP_SECRETS_REFRESH_SECONDS, String(config.secretsRefreshSeconds));
            assert.deepEqual(
                Object.keys(env).sort(),
                [
                    'MCP_ALLOWED_HOSTS',
                    'MCP_LAMBDA_RESPONSE_MODE',
                    'MCP_LOG_LEVEL',
                    'MCP_REQUEST_STATE_KEY_SECRET',
                    'MCP_SECRETS_REFRESH_SECONDS',
                    'MCP_TASK_TABLE',
                    'MCP_TOOLSETS',
                ]
                    .concat(config.streaming ? ['MCP_PENDING_TABLE'] : [])
                    .concat(config.server.taskTimeout !== undefined ? ['MCP_RESPONSE_TIMEOUT_MS'] : [])
                    .sort(),
            );
        });

        test('authorizer environment: the ARN of the digest secret, never a digest', () => {
            const expected: Record<string, unknown> = {
                MCP_AUTH_TOKENS_SECRET: { Ref: authTokensSecretId },
                MCP_SECRETS_REFRESH_SECONDS: String(config.secretsRefreshSeconds),
                MCP_LOG_LEVEL: config.authorizer.logLevel,
            };
            if (config.protection) expected.MCP_USAGE_KEY_PREFIX = `mcp-${stage}-usage-`;
            assert.deepEqual(authorizerFn.Properties.Environment.Variables, expected);
            // created with one random entry that admits nobody; the stack never writes a digest into it
            assert.equal(authTokensSecret.Properties.Name, undefined);
            assert.equal(authTokensSecret.Properties.SecretString, undefined);
            assert.deepEqual(authTokensSecret.Properties.GenerateSecretString, {
                SecretStringTemplate: '{}',
                GenerateStringKey: 'placeholder-admits-nobody',
                PasswordLength: 64,
                ExcludeUppercase: true,
                ExcludePunctuation: true,
                IncludeSpace: false,
                ExcludeCharacters: 'ghijklmnopqrstuvwxyz',
            });
        });

        test('no secret value, dynamic reference or digest in the template or any function environment', () => {
            const text = JSON.stringify(json);
            assert.ok(
                !text.includes('{{resolve:'),
                'no dynamic reference (it would show the value in the Lambda console)',
            );
            for (const [, secret] of resourcesOfType(json, 'AWS::SecretsManager::Secret')) {
                assert.equal(secret.Properties.SecretString, undefined);
            }
            for (const [, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
                for (const [name, value] of Object.entries(
                    fn.Properties.Environment.Variables as Record<string, unknown>,
                )) {
                    assert.ok(!/KEY$|TOKENS$|SECRET_VALUE/.test(name) || name === 'MCP_USAGE_KEY_PREFIX', name);
                    assert.ok(typeof value !== 'string' || !/[0-9a-f]{32}/.test(value), `${name} looks like a secret`);
                }
            }
        });

        test('each role may read exactly its own secret, and only GetSecretValue', () => {
            const reads = resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, policy]) =>
                (policy.Properties.PolicyDocument.Statement as any[])
                    .filter((st) => JSON.stringify(st.Action).includes('secretsmanager'))
                    .map((st) => [policy.Properties.Roles[0].Ref, st.Action, st.Resource]),
            );
            assert.deepEqual(
                reads.sort(),
                [
                    [
                        authorizerFn.Properties.Role['Fn::GetAtt'][0],
                        'secretsmanager:GetSecretValue',
                        { Ref: authTokensSecretId },
                    ],
                    [
                        server.Properties.Role['Fn::GetAtt'][0],
                        'secretsmanager:GetSecretValue',
                        { Ref: stateKeySecretId },
                    ],
                ].sort(),
            );
        });

        test('TOKEN authorizer: Authorization header, Bearer regex, cache TTL, the authorizer function', () => {
            assert.equal(authorizer.Properties.Type, 'TOKEN');
            assert.equal(authorizer.Properties.Name, `${prefix}-token-authorizer`);
            assert.equal(authorizer.Properties.IdentitySource, 'method.request.header.Authorization');
            assert.equal(authorizer.Properties.IdentityValidationExpression, BEARER_VALIDATION_REGEX);
            assert.equal(authorizer.Properties.AuthorizerResultTtlInSeconds, config.authorizer.cacheTtl.toSeconds());
            const uri = JSON.stringify(authorizer.Properties.AuthorizerUri);
            assert.ok(uri.includes(`{"Ref":"${authorizerAliasId}"}`) && uri.endsWith('/invocations"]]}'), uri);
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
                assert.match(evaluate(method.Integration.Uri, refs), new RegExp(`<${serverAliasId}>`));
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
                assert.equal(method.Integration.TimeoutInMillis, integrationTimeout(config).toMilliseconds());
                // every request is answered (by the function's deadline, or MCP_RESPONSE_TIMEOUT_MS) 2 s before the gateway gives up
                const answeredBy = Number(
                    server.Properties.Environment.Variables.MCP_RESPONSE_TIMEOUT_MS ?? server.Properties.Timeout * 1000,
                );
                assert.ok(method.Integration.TimeoutInMillis >= answeredBy + 2000);
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

        test('alarms: API 5XX, 4XX and p99 latency; errors, throttles, duration and concurrency; each notifies the topic', () => {
            const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
            const byName = Object.fromEntries(alarms.map((a) => [a.AlarmName, a]));
            const api = { ApiName: `${prefix}-api`, Stage: stage };
            const alias = (fn: string) => ({ FunctionName: `${prefix}-${fn}`, Resource: `${prefix}-${fn}:live` });
            const a = config.alarms;
            const expected: Record<string, [string, string, Record<string, unknown>, number, string]> = {
                [`${prefix}-api-5xx`]: ['AWS/ApiGateway', '5XXError', api, a.api5xxThreshold, 'Sum'],
                [`${prefix}-api-4xx`]: ['AWS/ApiGateway', '4XXError', api, a.api4xxThreshold, 'Sum'],
                [`${prefix}-api-latency-p99`]: ['AWS/ApiGateway', 'Latency', api, a.latencyP99Ms, 'p99'],
                [`${prefix}-server-errors`]: ['AWS/Lambda', 'Errors', alias('server'), a.serverErrorsThreshold, 'Sum'],
                [`${prefix}-server-throttles`]: [
                    'AWS/Lambda',
                    'Throttles',
                    alias('server'),
                    a.throttlesThreshold,
                    'Sum',
                ],
                [`${prefix}-server-duration`]: [
                    'AWS/Lambda',
                    'Duration',
                    alias('server'),
                    Math.round(serverFunctionTimeout(config).toMilliseconds() * 0.8),
                    'p99',
                ],
                [`${prefix}-server-concurrency`]: [
                    'AWS/Lambda',
                    'ConcurrentExecutions',
                    { FunctionName: `${prefix}-server` },
                    Math.floor(config.reservedConcurrency.server * 0.8),
                    'Maximum',
                ],
                [`${prefix}-authorizer-errors`]: [
                    'AWS/Lambda',
                    'Errors',
                    alias('authorizer'),
                    a.authorizerErrorsThreshold,
                    'Sum',
                ],
                [`${prefix}-authorizer-throttles`]: [
                    'AWS/Lambda',
                    'Throttles',
                    alias('authorizer'),
                    a.throttlesThreshold,
                    'Sum',
                ],
            };
            assert.deepEqual(Object.keys(byName).sort(), Object.keys(expected).sort());
            for (const [name, [namespace, metric, dimensions, threshold, statistic]] of Object.entries(expected)) {
                const alarm = byName[name];
                assert.equal(alarm.Namespace, namespace, name);
                assert.equal(alarm.MetricName, metric, name);
                assert.equal(alarm.Statistic ?? alarm.ExtendedStatistic, statistic, name);
                assert.equal(alarm.Period, config.alarms.period.toSeconds(), name);
                assert.equal(alarm.Threshold, threshold, name);
                assert.equal(alarm.EvaluationPeriods, config.alarms.evaluationPeriods, name);
                assert.equal(alarm.DatapointsToAlarm, config.alarms.datapointsToAlarm, name);
                assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold', name);
                assert.equal(alarm.TreatMissingData, 'notBreaching', name);
                const dims = Object.fromEntries(alarm.Dimensions.map((d: any) => [d.Name, evaluate(d.Value, refs)]));
                assert.deepEqual(dims, dimensions, name);
                assert.deepEqual(alarm.AlarmActions, [{ Ref: topicId }], `${name} notifies`);
                assert.deepEqual(alarm.OKActions, [{ Ref: topicId }], `${name} says when it is over`);
            }
            template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
            template.hasResourceProperties('AWS::SNS::TopicPolicy', {
                PolicyDocument: {
                    Statement: Match.arrayWith([
                        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
                    ]),
                },
            });
        });

        test(`the live aliases are shifted by CodeDeploy (${config.deployment}) and rolled back by alarms`, () => {
            const want = {
                'all-at-once': 'CodeDeployDefault.LambdaAllAtOnce',
                'canary-10-percent-5-minutes': 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
                'linear-10-percent-every-minute': 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
            }[config.deployment];
            const groups = resourcesOfType(json, 'AWS::CodeDeploy::DeploymentGroup');
            const alarmNames = (group: any) =>
                group.Properties.AlarmConfiguration.Alarms.map(
                    (x: any) => json.Resources[x.Name.Ref].Properties.AlarmName,
                ).sort();
            const byAlias: Record<string, any> = {};
            for (const [groupId, group] of groups) {
                assert.equal(group.Properties.DeploymentConfigName, want);
                assert.equal(group.Properties.AlarmConfiguration.Enabled, true);
                assert.deepEqual(group.Properties.AutoRollbackConfiguration, {
                    Enabled: true,
                    Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
                });
                const alias = Object.entries(json.Resources as Record<string, any>).find(
                    ([, r]) =>
                        r.Type === 'AWS::Lambda::Alias' &&
                        JSON.stringify(r.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName) ===
                            JSON.stringify({ Ref: groupId }),
                );
                assert.ok(alias, `no alias is updated through ${groupId}`);
                byAlias[alias[0]] = group;
            }
            assert.deepEqual(Object.keys(byAlias).sort(), [authorizerAliasId, serverAliasId].sort());
            assert.deepEqual(alarmNames(byAlias[serverAliasId]), [
                `${prefix}-api-5xx`,
                `${prefix}-api-latency-p99`,
                `${prefix}-server-duration`,
                `${prefix}-server-errors`,
            ]);
            // the authorizer's "errors" are refused tokens: not a rollback signal; a broken authorizer shows as API 5XX
            assert.deepEqual(alarmNames(byAlias[authorizerAliasId]), [
                `${prefix}-api-5xx`,
                `${prefix}-api-latency-p99`,
            ]);
            assert.equal(serverAlias.Properties.Name, 'live');
            assert.ok(serverAlias.Properties.FunctionVersion['Fn::GetAtt'], 'the alias points at a published version');
        });

        test('the permissions API Gateway invokes with name the aliases, never $LATEST', () => {
            for (const [, permission] of resourcesOfType(json, 'AWS::Lambda::Permission')) {
                const target = JSON.stringify(permission.Properties.FunctionName);
                assert.ok(target.includes(serverAliasId) || target.includes(authorizerAliasId), target);
            }
        });

        test(`${config.removalPolicy === 'destroy' ? 'nothing is kept' : 'data is kept, except after a failed create'} when the stack goes`, () => {
            for (const type of ['AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::DynamoDB::Table']) {
                for (const [id, resource] of resourcesOfType(json, type)) {
                    assert.equal(resource.DeletionPolicy, deletion, id);
                }
            }
            assert.equal(stack.terminationProtection, config.terminationProtection);
            assert.equal(stack.terminationProtection, stage === 'prod');
        });

        test('no account-wide singleton in a stage stack (the API Gateway CloudWatch role is mcp-account-stack)', () => {
            template.resourceCountIs('AWS::ApiGateway::Account', 0);
            template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: `${prefix}-api` });
            for (const [, role] of resourcesOfType(json, 'AWS::IAM::Role')) {
                assert.notEqual(
                    role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service,
                    'apigateway.amazonaws.com',
                );
            }
        });

        test(config.protection ? 'WAF on the stage and a usage plan per client' : 'no WAF and no usage plan', () => {
            if (!config.protection) {
                template.resourceCountIs('AWS::WAFv2::WebACL', 0);
                template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
                return;
            }
            const [aclId, acl] = onlyResource(json, 'AWS::WAFv2::WebACL');
            assert.equal(acl.Properties.Scope, 'REGIONAL');
            const rules = acl.Properties.Rules as any[];
            const rate = rules.find((r) => r.Statement.RateBasedStatement);
            assert.deepEqual(rate.Statement.RateBasedStatement, {
                Limit: config.protection.wafRateLimitPer5Minutes,
                AggregateKeyType: 'IP',
            });
            assert.deepEqual(rate.Action, { Block: {} });
            assert.deepEqual(
                rules
                    .filter((r) => r.Statement.ManagedRuleGroupStatement)
                    .map((r) => r.Statement.ManagedRuleGroupStatement.Name)
                    .sort(),
                [
                    'AWSManagedRulesAmazonIpReputationList',
                    'AWSManagedRulesCommonRuleSet',
                    'AWSManagedRulesKnownBadInputsRuleSet',
                ],
            );
            const [, association] = onlyResource(json, 'AWS::WAFv2::WebACLAssociation');
            assert.deepEqual(association.Properties.WebACLArn, { 'Fn::GetAtt': [aclId, 'Arn'] });
            assert.match(evaluate(association.Properties.ResourceArn, refs), new RegExp(`/restapis/${API_ID}/stages/`));

            template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
            const [, plan] = onlyResource(json, 'AWS::ApiGateway::UsagePlan');
            assert.deepEqual(plan.Properties.Throttle, {
                RateLimit: config.protection.perClient.rateLimit,
                BurstLimit: config.protection.perClient.burstLimit,
            });
            assert.deepEqual(plan.Properties.Quota, { Limit: config.protection.perClient.quotaPerDay, Period: 'DAY' });
            const keys = resourcesOfType(json, 'AWS::ApiGateway::ApiKey').map(([, k]) => k.Properties.Value);
            assert.ok(keys.includes(`mcp-${stage}-usage-${ciTokenLabel(stage)}`), 'the pipeline has its own budget');
            for (const method of methods.filter((m) => m.ResourceId.Ref === mcpResourceId)) {
                assert.equal(method.ApiKeyRequired, true, method.HttpMethod);
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
            assert.equal(checked, 2 + 1 + 1 + 9 + 1 + (config.streaming ? 1 : 0) + 4);
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
                const pending = resourcesOfType(json, 'AWS::DynamoDB::Table').filter(
                    ([, t]) => t.Properties.TableName === `${prefix}-pending`,
                );
                if (!config.streaming) {
                    assert.equal(pending.length, 0);
                    return;
                }
                const [tableId, table] = onlyResource(
                    json,
                    'AWS::DynamoDB::Table',
                    (p) => p.TableName === `${prefix}-pending`,
                );
                assert.deepEqual(table.Properties, {
                    TableName: `${prefix}-pending`,
                    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
                    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
                    BillingMode: 'PAY_PER_REQUEST',
                    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
                });
                assert.equal(table.DeletionPolicy, deletion);
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
            assert.deepEqual(outputs.AuthTokensSecretArn.Value, { Ref: authTokensSecretId });
            assert.deepEqual(outputs.RequestStateKeySecretArn.Value, { Ref: stateKeySecretId });
            assert.deepEqual(outputs.AlarmTopicArn.Value, { Ref: topicId });
            assert.ok(outputs.ServerDeploymentGroup && outputs.AuthorizerDeploymentGroup);
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
            server: { ...STAGES.prod.server, timeout: Duration.seconds(898), taskTimeout: undefined },
        });
        template.resourceCountIs('AWS::DynamoDB::Table', 2);
        template.hasResource('AWS::DynamoDB::Table', {
            DeletionPolicy: 'RetainExceptOnCreate',
            Properties: { TableName: 'mcp-prod-pending' },
        });
        const [, server] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-prod-server');
        assert.equal(server.Properties.Environment.Variables.MCP_LAMBDA_RESPONSE_MODE, 'streaming');
        assert.equal(server.Properties.Timeout, 898);
        const serverMethods = resourcesOfType(json, 'AWS::ApiGateway::Method').filter(
            ([, m]) => m.Properties.Integration.Type === 'AWS_PROXY',
        );
        assert.equal(serverMethods.length, 3);
        for (const [, method] of serverMethods) {
            assert.equal(method.Properties.Integration.ResponseTransferMode, 'STREAM');
            assert.equal(method.Properties.Integration.TimeoutInMillis, 900_000);
        }
    });

    test('the tested images by digest: from ECR, nothing is built', () => {
        const { app, stack, json } = synthStage(
            'prod',
            {},
            {
                server: {
                    repositoryArn: 'arn:aws:ecr:ap-southeast-2:123456789012:repository/mcp-lambda-c',
                    digest: TEST_IMAGES.server.split('@')[1],
                },
                authorizer: {
                    repositoryArn: 'arn:aws:ecr:ap-southeast-2:123456789012:repository/mcp-lambda-c',
                    digest: TEST_IMAGES.authorizer.split('@')[1],
                },
            },
        );
        for (const [name, digest] of [
            ['mcp-prod-server', TEST_IMAGES.server.split('@')[1]],
            ['mcp-prod-authorizer', TEST_IMAGES.authorizer.split('@')[1]],
        ]) {
            const [, fn] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === name);
            assert.equal(
                evaluate(fn.Properties.Code.ImageUri),
                `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/mcp-lambda-c@${digest}`,
            );
        }
        const manifest = JSON.parse(
            fs.readFileSync(path.join(app.synth().directory, `${stack.artifactId}.assets.json`), 'utf8'),
        );
        assert.deepEqual(manifest.dockerImages ?? {}, {}, 'no image asset to build or push');
    });

    test('an invalid stage config stops synth with every problem listed', () => {
        assert.throws(
            () => synthStage('qas', { server: { ...STAGES.qas.server, timeout: Duration.minutes(5), memoryMiB: 100 } }),
            /invalid stage configuration:\n {2}stage qas: server timeout 300 s must be 1..27 s.*\n {2}stage qas: server memory 100 MiB/s,
        );
    });
});
