// Registered tools in the CDK app: the registry table, the admin API (mcp-admin from the server's image) behind a
// Function URL with AWS_IAM that only the admin principals may call, and the server's scoped grants: Scan on the
// table, lambda:InvokeFunction on the allow-listed prefix and never "*"; cdk-nag clean; absent unless configured.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { RegisteredToolsSettings, STAGES, configProblems } from '../lib/config';
import { onlyResource, resourcesOfType, synthStage } from './helpers';

const ADMIN = 'arn:aws:iam::123456789012:role/registry-admin';
const TOOLS: RegisteredToolsSettings = {
    functionNamePrefix: 'mcp-dev-tool-',
    refresh: Duration.seconds(30),
    adminPrincipals: [ADMIN],
};

const list = (x: unknown): string[] => ([] as string[]).concat(x as string[]);

function findings(root: IConstruct): string[] {
    return new AwsSolutionsChecks()
        .validateScope(root)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

function statementsOf(json: Record<string, any>, roleLogicalIdPrefix: string): any[] {
    return resourcesOfType(json, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => String(r.Ref).startsWith(roleLogicalIdPrefix)))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe('mcp-dev-stack without registered tools', () => {
    const { json } = synthStage('dev');
    test('no registry table, no admin function, no invoke grant', () => {
        assert.equal(STAGES.dev.registeredTools, undefined);
        const tables = resourcesOfType(json, 'AWS::DynamoDB::Table').map(([, t]) => t.Properties.TableName);
        assert.ok(!tables.includes('mcp-dev-tools'));
        const fns = resourcesOfType(json, 'AWS::Lambda::Function').map(([, f]) => f.Properties.FunctionName);
        assert.ok(!fns.includes('mcp-dev-registry-admin'));
        assert.ok(!JSON.stringify(resourcesOfType(json, 'AWS::IAM::Policy')).includes('InvokeRegisteredTools'));
    });
});

describe('mcp-dev-stack with registered tools', () => {
    const { app, json } = synthStage('dev', { registeredTools: TOOLS });

    test('the registry table: partition key id, on demand, point-in-time recovery', () => {
        const [, table] = onlyResource(json, 'AWS::DynamoDB::Table', (p) => p.TableName === 'mcp-dev-tools');
        assert.deepEqual(table.Properties.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
        assert.equal(table.Properties.BillingMode, 'PAY_PER_REQUEST');
        assert.equal(table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, true);
    });

    test('the server: the table and refresh in its environment, Scan only, invoke on the prefix and never "*"', () => {
        const [, server] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-dev-server');
        const env = server.Properties.Environment.Variables;
        assert.ok(env.MCP_TOOL_REGISTRY_TABLE);
        assert.equal(env.MCP_TOOL_REGISTRY_REFRESH_S, '30');
        const statements = statementsOf(json, 'ServerRole');
        const invoke = statements.find((s) => s.Sid === 'InvokeRegisteredTools');
        assert.ok(invoke, JSON.stringify(statements));
        assert.equal(invoke.Action, 'lambda:InvokeFunction');
        const resources = JSON.stringify(invoke.Resource);
        assert.match(resources, /:function:mcp-dev-tool-\*/);
        for (const r of list(invoke.Resource)) assert.notEqual(r, '*');
        for (const s of statements) {
            for (const a of list(s.Action)) assert.ok(!/^lambda:\*$|^\*$/.test(a), a);
            if (list(s.Action).includes('lambda:InvokeFunction')) assert.notDeepEqual(list(s.Resource), ['*']);
        }
        const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
        const tableActions = dynamo.flatMap((s) => list(s.Action)).filter((a) => a === 'dynamodb:Scan');
        assert.ok(tableActions.length >= 1);
        assert.ok(
            !dynamo.some(
                (s) =>
                    list(s.Action).includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes('ToolRegistry'),
            ),
        );
    });

    test('the admin API: mcp-admin from the server image, an AWS_IAM Function URL, only the admin principals', () => {
        const [, admin] = onlyResource(
            json,
            'AWS::Lambda::Function',
            (p) => p.FunctionName === 'mcp-dev-registry-admin',
        );
        assert.deepEqual(admin.Properties.ImageConfig.EntryPoint, ['/usr/local/bin/mcp-admin']);
        assert.match(
            JSON.stringify(admin.Properties.Environment.Variables.MCP_ADMIN_ALLOWED_FUNCTIONS),
            /function:mcp-dev-tool-\*/,
        );
        const urls = resourcesOfType(json, 'AWS::Lambda::Url').filter(([, u]) =>
            JSON.stringify(u.Properties).includes('RegistryAdmin'),
        );
        assert.equal(urls.length, 1);
        assert.equal(urls[0][1].Properties.AuthType, 'AWS_IAM');
        const perms = resourcesOfType(json, 'AWS::Lambda::Permission').filter(([, p]) =>
            JSON.stringify(p.Properties.FunctionName).includes('RegistryAdminAlias'),
        );
        assert.equal(perms.length, 2, 'InvokeFunctionUrl, and InvokeFunction through the URL only');
        assert.ok(
            perms.some(
                ([, p]) =>
                    p.Properties.Action === 'lambda:InvokeFunction' && p.Properties.InvokedViaFunctionUrl === true,
            ),
        );
        for (const [, p] of perms) assert.equal(p.Properties.Principal, ADMIN);
        assert.ok(
            perms.some(
                ([, p]) =>
                    p.Properties.Action === 'lambda:InvokeFunctionUrl' &&
                    p.Properties.FunctionUrlAuthType === 'AWS_IAM',
            ),
        );
        const adminStatements = statementsOf(json, 'RegistryAdminRole');
        const actions = adminStatements
            .flatMap((s) => list(s.Action))
            .filter((a: string) => a.startsWith('dynamodb:'))
            .sort();
        assert.deepEqual(
            [...new Set(actions)],
            ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
            JSON.stringify(actions),
        );
        assert.ok(
            !adminStatements.some((s) => list(s.Action).includes('lambda:InvokeFunction')),
            'the admin API invokes nothing',
        );
    });

    test('the outputs: the admin URL and the table', () => {
        assert.ok(json.Outputs.ToolRegistryAdminUrl);
        assert.ok(json.Outputs.ToolRegistryTable);
    });

    test('cdk-nag: no findings', () => {
        assert.deepEqual(findings(app), []);
    });
});

describe('registeredTools configuration problems', () => {
    const problems = (t: Partial<RegisteredToolsSettings>) =>
        configProblems({ ...STAGES.dev, registeredTools: { ...TOOLS, ...t } });
    test('an empty prefix (a "*" grant), a bad refresh, no admin, a bad admin ARN', () => {
        assert.deepEqual(problems({}), []);
        assert.match(problems({ functionNamePrefix: '' }).join(), /functionNamePrefix/);
        assert.match(problems({ functionNamePrefix: 'a*' }).join(), /functionNamePrefix/);
        assert.match(problems({ refresh: Duration.seconds(0) }).join(), /refresh/);
        assert.match(problems({ adminPrincipals: [] }).join(), /admin principal/);
        assert.match(problems({ adminPrincipals: ['*'] }).join(), /must be an IAM role or user ARN/);
    });
});
