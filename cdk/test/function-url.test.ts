// The Function URL with AuthType AWS_IAM: beside the REST API or instead of it, its invoke mode per stage, both
// invoke permissions for every configured principal, the server's allowed hosts, the output, cdk-nag, and the
// configuration checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsSolutionsChecks } from 'cdk-nag';
import { STAGES, configProblems } from '../lib/config';
import { REGION, evaluate, onlyResource, resourcesOfType, synthStage } from './helpers';

const ACCOUNT = '210987654321';
const ROLE = 'arn:aws:iam::123456789012:role/agent-runtime';
const INVOKERS = [ACCOUNT, ROLE];

function nagFindings(app: import('aws-cdk-lib').App): string[] {
    return new AwsSolutionsChecks()
        .validateScope(app)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

for (const [stage, streaming] of [
    ['dev', true],
    ['prod', false],
] as const) {
    describe(`mcp-${stage}-stack with a Function URL beside the REST API`, () => {
        const { app, json } = synthStage(stage, { functionUrl: { invokers: INVOKERS } });
        assert.equal(STAGES[stage].streaming, streaming);
        const [serverId] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === `mcp-${stage}-server`);
        const [aliasId] = onlyResource(json, 'AWS::Lambda::Alias', (p) =>
            JSON.stringify(p.FunctionName).includes(serverId),
        );
        const [, url] = onlyResource(json, 'AWS::Lambda::Url');

        test("AWS_IAM auth, the invoke mode of the stage, on the server's live alias (what CodeDeploy shifts)", () => {
            assert.equal(url.Properties.AuthType, 'AWS_IAM');
            assert.equal(url.Properties.InvokeMode, streaming ? 'RESPONSE_STREAM' : 'BUFFERED');
            assert.deepEqual(url.Properties.TargetFunctionArn, { 'Fn::GetAtt': [serverId, 'Arn'] });
            assert.equal(url.Properties.Qualifier, 'live');
            assert.equal(url.Properties.Cors, undefined, 'no CORS: callers are services, not browsers');
        });

        test('every invoker gets lambda:InvokeFunctionUrl (AWS_IAM) and lambda:InvokeFunction (via the URL only)', () => {
            const permissions = resourcesOfType(json, 'AWS::Lambda::Permission').map(([, p]) => p.Properties);
            for (const invoker of INVOKERS) {
                const mine = permissions.filter((p) => p.Principal === invoker);
                const url = mine.filter((p) => p.Action === 'lambda:InvokeFunctionUrl');
                const invoke = mine.filter((p) => p.Action === 'lambda:InvokeFunction');
                assert.equal(url.length, 1, `${invoker}: lambda:InvokeFunctionUrl`);
                assert.equal(url[0].FunctionUrlAuthType, 'AWS_IAM');
                assert.equal(invoke.length, 1, `${invoker}: lambda:InvokeFunction`);
                assert.equal(invoke[0].InvokedViaFunctionUrl, true);
                for (const p of [...url, ...invoke]) assert.deepEqual(p.FunctionName, { Ref: aliasId });
            }
            // no one else: the REST API's own permissions name apigateway.amazonaws.com
            const others = permissions.filter((p) => !INVOKERS.includes(p.Principal));
            assert.ok(
                others.every((p) => p.Principal === 'apigateway.amazonaws.com'),
                JSON.stringify(others),
            );
        });

        test('the server accepts the Function URL host, beside the API host', () => {
            const [, server] = onlyResource(
                json,
                'AWS::Lambda::Function',
                (p) => p.FunctionName === `mcp-${stage}-server`,
            );
            const hosts = evaluate(server.Properties.Environment.Variables.MCP_ALLOWED_HOSTS, {
                [onlyResource(json, 'AWS::ApiGateway::RestApi')[0]]: 'abc123',
            });
            assert.equal(hosts, `abc123.execute-api.${REGION}.amazonaws.com,*.lambda-url.${REGION}.on.aws`);
        });

        test('the endpoint URL is an output, beside the REST API one', () => {
            const [urlId] = onlyResource(json, 'AWS::Lambda::Url');
            assert.deepEqual(json.Outputs.McpFunctionUrlEndpoint.Value, {
                'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, 'mcp']],
            });
            assert.ok(json.Outputs.McpEndpoint);
        });

        test('cdk-nag: no findings', () => {
            assert.deepEqual(nagFindings(app), []);
        });
    });
}

describe('a stage with the Function URL instead of the REST API', () => {
    const { app, json, stack } = synthStage('qas', { functionUrl: { invokers: [ROLE] }, restApi: false });

    test('no REST API, no authorizer function, no gateway permissions', () => {
        assert.equal(resourcesOfType(json, 'AWS::ApiGateway::RestApi').length, 0);
        assert.equal(resourcesOfType(json, 'AWS::Lambda::Function').length, 1);
        assert.equal(stack.api, undefined);
        assert.equal(stack.authorizer, undefined);
        const principals = resourcesOfType(json, 'AWS::Lambda::Permission').map(([, p]) => p.Properties.Principal);
        assert.deepEqual(principals.sort(), [ROLE, ROLE]);
    });

    test("the server's alarms only, and the Function URL output only", () => {
        const names = resourcesOfType(json, 'AWS::CloudWatch::Alarm')
            .map(([, a]) => a.Properties.AlarmName)
            .sort();
        assert.deepEqual(names, [
            'mcp-qas-server-concurrency',
            'mcp-qas-server-duration',
            'mcp-qas-server-errors',
            'mcp-qas-server-throttles',
        ]);
        assert.ok(json.Outputs.McpFunctionUrlEndpoint);
        assert.equal(json.Outputs.McpEndpoint, undefined);
        assert.equal(json.Outputs.AuthorizerFunctionName, undefined);
        const [, server] = onlyResource(json, 'AWS::Lambda::Function');
        assert.equal(
            evaluate(server.Properties.Environment.Variables.MCP_ALLOWED_HOSTS),
            `*.lambda-url.${REGION}.on.aws`,
        );
    });

    test('cdk-nag: no findings', () => {
        assert.deepEqual(nagFindings(app), []);
    });
});

describe('configuration checks', () => {
    const problems = (overrides: object) => configProblems({ ...STAGES.dev, ...overrides });

    test('a usable Function URL configuration has no problem', () => {
        assert.deepEqual(problems({ functionUrl: { invokers: INVOKERS } }), []);
        assert.deepEqual(problems({ functionUrl: { invokers: INVOKERS }, restApi: false }), []);
    });

    test('refused: no invoker, a malformed invoker, no way in, a custom domain without the REST API', () => {
        assert.match(problems({ functionUrl: { invokers: [] } }).join('\n'), /needs at least one invoker/);
        assert.match(problems({ functionUrl: { invokers: ['*'] } }).join('\n'), /invoker "\*" must be an account id/);
        assert.match(
            problems({ functionUrl: { invokers: ['arn:aws:iam::123:role/x'] } }).join('\n'),
            /must be an account id/,
        );
        assert.match(problems({ restApi: false }).join('\n'), /would have no way in/);
        assert.match(
            problems({
                restApi: false,
                functionUrl: { invokers: INVOKERS },
                customDomain: { domainName: 'mcp.example.com', certificateArn: 'arn:aws:acm:x' },
            }).join('\n'),
            /custom domain belongs to the REST API/,
        );
    });

    test('a stack refuses to synthesize an unusable configuration', () => {
        assert.throws(() => synthStage('dev', { functionUrl: { invokers: [] } }), /invalid stage configuration/);
    });
});
