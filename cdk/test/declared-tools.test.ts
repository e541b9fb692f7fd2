// Registrations declared in the stage configuration (registeredTools.declared): one custom resource per tool, written
// by the app's registry writer with the admin API's item and record format, the writer allowed exactly the item
// operations it needs on the registry table, the server allowed to invoke exactly the declared functions (and their
// qualified ARNs); cdk-nag clean; the configuration checked at synth time; and the writer's handler itself, run
// against a fake DynamoDB: versions, audit fields, conditional writes and their retries, ownership, deletes.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { builtinNameProblems, builtinToolNames } from '../lib/builtin-tools';
import { DeclaredTool, RegisteredToolsSettings, STAGES, configProblems } from '../lib/config';
import { DECLARED_TOOL_RESOURCE_TYPE } from '../lib/tool-registry';
import { adminFormat } from './admin-format';
import { CDK_DIR, onlyResource, resourcesOfType, synthStage } from './helpers';

const ORDERS = 'arn:aws:lambda:ap-southeast-2:123456789012:function:orders';
const TEXT = 'arn:aws:lambda:ap-southeast-2:123456789012:function:mcp-dev-tool-text';
const LOOKUP: DeclaredTool = {
    name: 'lookup_order',
    title: 'Look up an order',
    description: 'Finds an order by its id.',
    inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    outputSchema: { type: 'object', properties: { status: { type: 'string' } } },
    annotations: { readOnlyHint: true },
    execution: { taskSupport: 'optional' },
    timeout: Duration.seconds(10),
    lambdaArn: ORDERS,
    qualifier: 'live',
    target: 'orders',
};
const UPPER: DeclaredTool = {
    name: 'upper',
    description: 'Upper-cases a text.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
    lambdaArn: TEXT,
};
const TOOLS: RegisteredToolsSettings = {
    functionNamePrefix: 'mcp-dev-tool-',
    refresh: Duration.seconds(30),
    adminPrincipals: ['arn:aws:iam::123456789012:role/registry-admin'],
    declared: [LOOKUP, UPPER],
};

const list = (x: unknown): any[] => ([] as any[]).concat(x);

function findings(root: IConstruct): string[] {
    return new AwsSolutionsChecks()
        .validateScope(root)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

function roleStatements(json: Record<string, any>, roleId: string): any[] {
    return resourcesOfType(json, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe('mcp-dev-stack with declared registrations', () => {
    const { app, json } = synthStage('dev', { registeredTools: TOOLS });
    const [tableId] = onlyResource(json, 'AWS::DynamoDB::Table', (p) => p.TableName === 'mcp-dev-tools');
    const [writerId, writer] = onlyResource(
        json,
        'AWS::Lambda::Function',
        (p) => p.FunctionName === 'mcp-dev-registry-writer',
    );
    const registrations = resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE);

    test('one registration per declared tool, written by the writer into the registry table', () => {
        assert.deepEqual(registrations.map(([, r]) => r.Properties.Name).sort(), ['lookup_order', 'upper']);
        for (const [, r] of registrations) {
            assert.deepEqual(r.Properties.ServiceToken, { 'Fn::GetAtt': [writerId, 'Arn'] });
            assert.deepEqual(r.Properties.TableName, { Ref: tableId });
            assert.ok(list(r.DependsOn).some((d: string) => d.startsWith('ToolRegistryWriterRole')));
        }
    });

    test("the record: the admin API's fields in its order, timeout in ms, nothing undeclared", () => {
        const [, lookup] = registrations.find(([, r]) => r.Properties.Name === 'lookup_order')!;
        const text = lookup.Properties.Record;
        assert.equal(typeof text, 'string', 'a plain JSON string: every value known at synth time');
        const record = JSON.parse(text);
        assert.deepEqual(Object.keys(record), [
            'name',
            'title',
            'description',
            'inputSchema',
            'outputSchema',
            'annotations',
            'execution',
            'timeoutMs',
            'lambdaArn',
            'qualifier',
            'target',
        ]);
        assert.equal(record.timeoutMs, 10_000);
        assert.equal(record.lambdaArn, ORDERS);
        assert.deepEqual(record.inputSchema, LOOKUP.inputSchema);
        const [, upper] = registrations.find(([, r]) => r.Properties.Name === 'upper')!;
        assert.deepEqual(JSON.parse(upper.Properties.Record), {
            name: 'upper',
            description: 'Upper-cases a text.',
            inputSchema: UPPER.inputSchema,
            lambdaArn: TEXT,
        });
    });

    test('the writer: its own code, GetItem, PutItem and DeleteItem on the registry table only', () => {
        assert.equal(writer.Properties.Handler, 'index.handler');
        assert.match(writer.Properties.Runtime, /^nodejs/);
        const statements = roleStatements(json, writer.Properties.Role['Fn::GetAtt'][0]);
        const dynamo = statements.filter((s) => list(s.Action).some((a: string) => a.startsWith('dynamodb:')));
        assert.equal(dynamo.length, 1);
        assert.deepEqual(list(dynamo[0].Action).sort(), [
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
        ]);
        assert.deepEqual(dynamo[0].Resource, { 'Fn::GetAtt': [tableId, 'Arn'] });
        const others = statements.filter((s) => s !== dynamo[0]);
        assert.deepEqual(
            others.map((s) => s.Sid),
            ['WriteOwnLogGroup'],
        );
    });

    test('the server may invoke exactly the declared functions and the qualified ARNs they name', () => {
        const [, server] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-dev-server');
        const statements = roleStatements(json, server.Properties.Role['Fn::GetAtt'][0]);
        const declared = statements.find((s) => s.Sid === 'InvokeDeclaredTools');
        assert.ok(declared, JSON.stringify(statements));
        assert.equal(declared.Action, 'lambda:InvokeFunction');
        assert.deepEqual(list(declared.Resource).sort(), [ORDERS, `${ORDERS}:live`, TEXT].sort());
        // the writer's role invokes nothing, and nobody else may write the table's items but the admin API and writer
        const writers = resourcesOfType(json, 'AWS::IAM::Policy').filter(([, p]) =>
            (p.Properties.PolicyDocument.Statement as any[]).some(
                (s) => list(s.Action).includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes(tableId),
            ),
        );
        assert.deepEqual(writers.map(([, p]) => p.Properties.Roles[0].Ref.replace(/[0-9A-F]{8}$/, '')).sort(), [
            'RegistryAdminRole',
            'ToolRegistryWriterRole',
        ]);
    });

    test('cdk-nag: no findings', () => {
        assert.deepEqual(findings(app), []);
    });
});

describe('no declarations: no writer', () => {
    const { json } = synthStage('dev', { registeredTools: { ...TOOLS, declared: [] } });
    test('no writer function, no registration, no InvokeDeclaredTools', () => {
        assert.equal(resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE).length, 0);
        const names = resourcesOfType(json, 'AWS::Lambda::Function').map(([, f]) => f.Properties.FunctionName);
        assert.ok(!names.includes('mcp-dev-registry-writer'));
        assert.ok(!JSON.stringify(json).includes('InvokeDeclaredTools'));
    });
});

describe('declared registrations: problems found at synth time', () => {
    const problems = (...declared: Partial<DeclaredTool>[]) =>
        configProblems({ ...STAGES.dev, registeredTools: { ...TOOLS, declared: declared as DeclaredTool[] } }).join(
            '\n',
        );
    test('a good configuration has none', () => {
        assert.equal(problems(LOOKUP, UPPER), '');
    });
    test('names: the pattern, and never twice', () => {
        assert.match(problems({ ...UPPER, name: 'has space' }), /\(has space\): name must be 1-128/);
        assert.match(problems({ ...UPPER, name: '' }), /name must be 1-128/);
        assert.match(problems({ ...UPPER, name: 'x'.repeat(129) }), /name must be 1-128/);
        assert.match(problems(UPPER, { ...LOOKUP, name: 'upper' }), /\(upper\): the name is declared twice/);
    });
    test('description and schemas are required, as objects of type "object"', () => {
        assert.match(problems({ ...UPPER, description: ' ' }), /description is required/);
        assert.match(problems({ ...UPPER, inputSchema: undefined }), /inputSchema must be a JSON Schema object/);
        assert.match(problems({ ...UPPER, inputSchema: { type: 'string' } }), /inputSchema must be/);
        assert.match(problems({ ...LOOKUP, outputSchema: [] as any }), /outputSchema must be/);
        assert.match(problems({ ...LOOKUP, annotations: 'x' as any }), /annotations must be an object/);
        assert.match(problems({ ...LOOKUP, execution: { taskSupport: 'always' as any } }), /execution must be/);
        assert.match(problems({ ...LOOKUP, execution: { taskSupport: 'optional', x: 1 } as any }), /execution must be/);
    });
    test('the function: a full unqualified ARN or an app function, exactly one', () => {
        for (const arn of [
            'orders',
            `${ORDERS}:live`,
            'arn:aws:lambda:ap-southeast-2:123456789012:function:*',
            'arn:aws:lambda:ap-southeast-2:12345:function:orders',
            'arn:aws:s3:::bucket',
        ]) {
            assert.match(problems({ ...UPPER, lambdaArn: arn }), /must be a full, unqualified function ARN/, arn);
        }
        assert.match(problems({ ...UPPER, lambdaArn: undefined }), /exactly one of lambdaArn and appFunction/);
        assert.match(problems({ ...UPPER, appFunction: 'example-node' }), /exactly one of lambdaArn and appFunction/);
        assert.match(
            problems({ ...UPPER, lambdaArn: undefined, appFunction: 'example-node' }),
            /deployed only with registeredTools.examples/,
        );
        assert.match(problems({ ...UPPER, lambdaArn: undefined, appFunction: 'nope' as any }), /is not one of/);
    });
    test('timeout, qualifier and target', () => {
        assert.match(problems({ ...UPPER, timeout: Duration.minutes(16) }), /timeout must be/);
        assert.match(problems({ ...UPPER, qualifier: 'a:b' }), /qualifier must be/);
        assert.match(problems({ ...UPPER, target: 'a_b' }), /target must be/);
    });
    test("a built-in tool's name, read from the server's sources, in any tool set", () => {
        const builtin = builtinToolNames();
        for (const name of ['ping', 'whoami', 'get_weather', 'count_s3_buckets', 'create_counter']) {
            assert.ok(builtin.has(name), name);
        }
        assert.ok(!builtin.has('lookup_order') && !builtin.has('word_count'));
        const config = (name: string) => ({
            ...STAGES.dev,
            registeredTools: { ...TOOLS, declared: [{ ...UPPER, name }] },
        });
        assert.deepEqual(builtinNameProblems(config('upper')), []);
        assert.match(builtinNameProblems(config('ping')).join(), /\(ping\): the name is a built-in tool's/);
        assert.match(builtinNameProblems(config('count_s3_buckets')).join(), /count_s3_buckets/);
        assert.throws(() => synthStage('dev', config('get_weather')), /get_weather\): the name is a built-in/);
    });
    test('the stack refuses to synthesize with them', () => {
        assert.throws(
            () => synthStage('dev', { registeredTools: { ...TOOLS, declared: [{ ...UPPER, lambdaArn: 'orders' }] } }),
            /invalid stage configuration:[\s\S]*lambdaArn "orders"/,
        );
    });
});

// ---- the writer's handler, against a fake table ----

const requireFromHere = createRequire(__filename);
const writerModule = requireFromHere(path.join(CDK_DIR, 'lib', 'registry-writer', 'index.js'));
const STACK = 'arn:aws:cloudformation:ap-southeast-2:123456789012:stack/mcp-dev-stack/0a1b2c3d';
const ADMIN = 'arn:aws:iam::123456789012:role/registry-admin';

interface FakeTable {
    items: Map<string, Record<string, any>>;
    calls: [string, any][];
    responses: any[];
    /** Changes made "by someone else" right before the next conditional write. */
    interfere: (() => void)[];
}

function fakeTable(now = 1_800_000_000): FakeTable {
    const t: FakeTable = { items: new Map(), calls: [], responses: [], interfere: [] };
    const conditionFails = (name: string) => Object.assign(new Error('The conditional request failed'), { name });
    writerModule.deps.now = () => now;
    writerModule.deps.respond = async (url: string, body: string) => {
        t.responses.push({ url, ...JSON.parse(body) });
    };
    writerModule.deps.send = async (command: string, input: any) => {
        t.calls.push([command, structuredClone(input)]);
        if (input.TableName !== 'mcp-dev-tools')
            throw Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' });
        const id = (input.Key ?? input.Item).id.S;
        if (command === 'GetItem') return { Item: t.items.get(id) && structuredClone(t.items.get(id)) };
        t.interfere.shift()?.();
        const current = t.items.get(id);
        const cond: string = input.ConditionExpression;
        if (cond === 'attribute_not_exists(#id)' && current) throw conditionFails('ConditionalCheckFailedException');
        if (
            cond === 'attribute_exists(#id) AND #v = :v' &&
            (!current || current.version.N !== input.ExpressionAttributeValues[':v'].N)
        ) {
            throw conditionFails('ConditionalCheckFailedException');
        }
        if (command === 'PutItem') t.items.set(id, structuredClone(input.Item));
        if (command === 'DeleteItem') t.items.delete(id);
        return {};
    };
    return t;
}

function event(requestType: 'Create' | 'Update' | 'Delete', name: string, record: object, physicalId?: string) {
    return {
        RequestType: requestType,
        ResponseURL: 'https://cloudformation-custom-resource-response.example/response',
        StackId: STACK,
        RequestId: 'req-1',
        LogicalResourceId: 'ToolRegistryDeclaredupper',
        PhysicalResourceId: physicalId,
        ResourceProperties: {
            ServiceToken: 'x',
            TableName: 'mcp-dev-tools',
            Name: name,
            Record: JSON.stringify(record),
        },
    };
}

const RECORD = { name: 'upper', description: 'Upper-cases a text.', inputSchema: { type: 'object' }, lambdaArn: TEXT };
const stored = (t: FakeTable, name = 'upper'): Record<string, any> | undefined => {
    const item = t.items.get(`tool#${name}`);
    return item && { ...item, record: JSON.parse(item.record.S) };
};

describe("the writer's format is the admin API's (admin/registry_admin.c)", () => {
    test('item attributes, record fields and their order, audit fields', async () => {
        const { recordFields, auditFields, item } = adminFormat();
        assert.deepEqual(item, [
            ['id', 'S'],
            ['kind', 'S'],
            ['name', 'S'],
            ['version', 'N'],
            ['record', 'S'],
        ]);
        // a declaration with every field: the synthesized record has the admin API's fields in its order
        const { json } = synthStage('dev', { registeredTools: { ...TOOLS, declared: [LOOKUP] } });
        const [, r] = onlyResource(json, DECLARED_TOOL_RESOURCE_TYPE);
        // LOOKUP has every field a tool record may have: a field the admin API learns fails this until declared here
        const keys = Object.keys(JSON.parse(r.Properties.Record));
        assert.deepEqual(keys, recordFields);
        // what the writer stores: those, then the audit fields in the admin API's order
        const t = fakeTable();
        await writerModule.handler(event('Create', 'lookup_order', JSON.parse(r.Properties.Record)));
        const stored = t.items.get('tool#lookup_order')!;
        assert.deepEqual(
            Object.entries(stored).map(([k, v]) => [k, Object.keys(v as object)[0]]),
            item,
        );
        assert.deepEqual(Object.keys(JSON.parse(stored.record.S)), [...keys, ...auditFields]);
    });
});

describe('the registry writer (lib/registry-writer/index.js)', () => {
    test('Create: version 1, the audit fields name the stack, a conditional create, SUCCESS with the physical id', async () => {
        const t = fakeTable();
        await writerModule.handler(event('Create', 'upper', RECORD));
        const item = stored(t)!;
        assert.deepEqual(item.kind, { S: 'tool' });
        assert.deepEqual(item.name, { S: 'upper' });
        assert.deepEqual(item.version, { N: '1' });
        assert.deepEqual(item.record, {
            ...RECORD,
            version: 1,
            createdAt: 1_800_000_000,
            createdBy: STACK,
            updatedAt: 1_800_000_000,
            updatedBy: STACK,
        });
        const put = t.calls.find(([c]) => c === 'PutItem')![1];
        assert.equal(put.ConditionExpression, 'attribute_not_exists(#id)');
        assert.deepEqual(t.calls.find(([c]) => c === 'GetItem')![1].ConsistentRead, true);
        assert.equal(t.responses.length, 1);
        assert.equal(t.responses[0].Status, 'SUCCESS');
        assert.equal(t.responses[0].PhysicalResourceId, 'mcp-dev-tools/tool#upper');
        assert.equal(t.responses[0].url, 'https://cloudformation-custom-resource-response.example/response');
        assert.deepEqual(t.responses[0].Data, { Version: '1' });
    });

    test('Update: the next version, createdAt and createdBy kept, conditioned on the version read', async () => {
        const t = fakeTable(1_800_000_000);
        await writerModule.handler(event('Create', 'upper', RECORD));
        writerModule.deps.now = () => 1_800_000_500;
        const changed = { ...RECORD, description: 'Upper-cases any text.' };
        await writerModule.handler(event('Update', 'upper', changed, 'mcp-dev-tools/tool#upper'));
        const item = stored(t)!;
        assert.deepEqual(item.version, { N: '2' });
        assert.equal(item.record.description, 'Upper-cases any text.');
        assert.equal(item.record.createdAt, 1_800_000_000);
        assert.equal(item.record.updatedAt, 1_800_000_500);
        assert.equal(item.record.version, 2);
        const puts = t.calls.filter(([c]) => c === 'PutItem').map(([, i]) => i);
        assert.equal(puts[1].ConditionExpression, 'attribute_exists(#id) AND #v = :v');
        assert.deepEqual(puts[1].ExpressionAttributeValues, { ':v': { N: '1' } });
        assert.equal(t.responses[1].Status, 'SUCCESS');
    });

    test('a change through the admin API in between: the write retries from a fresh read, nothing is lost', async () => {
        const t = fakeTable();
        await writerModule.handler(event('Create', 'upper', RECORD));
        t.interfere.push(() => {
            const item = t.items.get('tool#upper')!;
            const record = { ...JSON.parse(item.record.S), version: 2, updatedBy: ADMIN };
            t.items.set('tool#upper', { ...item, version: { N: '2' }, record: { S: JSON.stringify(record) } });
        });
        await writerModule.handler(event('Update', 'upper', RECORD, 'mcp-dev-tools/tool#upper'));
        assert.deepEqual(stored(t)!.version, { N: '3' });
        assert.equal(stored(t)!.record.updatedBy, STACK);
        assert.equal(t.calls.filter(([c]) => c === 'PutItem').length, 3, 'create, the write that lost, the retry');
        assert.equal(t.responses[1].Status, 'SUCCESS');
    });

    test('a record registered through the admin API is not taken over: FAILED, saying why', async () => {
        const t = fakeTable();
        const record = { ...RECORD, version: 4, createdAt: 1, createdBy: ADMIN, updatedAt: 1, updatedBy: ADMIN };
        const item = { id: { S: 'tool#upper' }, kind: { S: 'tool' }, name: { S: 'upper' }, version: { N: '4' } };
        t.items.set('tool#upper', { ...item, record: { S: JSON.stringify(record) } });
        await writerModule.handler(event('Create', 'upper', RECORD));
        assert.equal(t.responses[0].Status, 'FAILED');
        assert.match(
            t.responses[0].Reason,
            /registered through the admin API \(by arn:aws:iam::123456789012:role\/registry-admin\)/,
        );
        assert.equal(stored(t)!.record.createdBy, ADMIN, 'left as it was');
        assert.equal(t.calls.filter(([c]) => c === 'PutItem').length, 0);
    });

    test("Delete: removes this stack's record under a version condition; leaves others' and missing ones", async () => {
        const t = fakeTable();
        await writerModule.handler(event('Create', 'upper', RECORD));
        await writerModule.handler(event('Delete', 'upper', RECORD, 'mcp-dev-tools/tool#upper'));
        assert.equal(t.items.has('tool#upper'), false);
        const del = t.calls.find(([c]) => c === 'DeleteItem')![1];
        assert.deepEqual(del.ExpressionAttributeValues, { ':v': { N: '1' } });
        assert.equal(t.responses[1].Status, 'SUCCESS');
        assert.equal(t.responses[1].PhysicalResourceId, 'mcp-dev-tools/tool#upper');

        // gone already: still a success (a failed create rolls back through Delete too)
        await writerModule.handler(event('Delete', 'upper', RECORD, 'mcp-dev-tools/tool#upper'));
        assert.equal(t.responses[2].Status, 'SUCCESS');

        const record = { ...RECORD, version: 1, createdAt: 1, createdBy: ADMIN, updatedAt: 1, updatedBy: ADMIN };
        const item = { id: { S: 'tool#upper' }, kind: { S: 'tool' }, name: { S: 'upper' }, version: { N: '1' } };
        t.items.set('tool#upper', { ...item, record: { S: JSON.stringify(record) } });
        await writerModule.handler(event('Delete', 'upper', RECORD, 'mcp-dev-tools/tool#upper'));
        assert.equal(t.items.has('tool#upper'), true, "the admin API's record stays");
        assert.equal(t.calls.filter(([c]) => c === 'DeleteItem').length, 1);
    });

    test('Delete when the table is gone succeeds; Create into a missing table fails', async () => {
        const t = fakeTable();
        const gone = { ...event('Delete', 'upper', RECORD, 'x') };
        gone.ResourceProperties = { ...gone.ResourceProperties, TableName: 'mcp-dev-gone' };
        await writerModule.handler(gone);
        assert.equal(t.responses[0].Status, 'SUCCESS');
        const create = event('Create', 'upper', RECORD);
        create.ResourceProperties = { ...create.ResourceProperties, TableName: 'mcp-dev-gone' };
        await writerModule.handler(create);
        assert.equal(t.responses[1].Status, 'FAILED');
        assert.match(t.responses[1].Reason, /ResourceNotFoundException/);
    });

    test('a rename: the new name is written under a new physical id', async () => {
        const t = fakeTable();
        await writerModule.handler(event('Create', 'upper', RECORD));
        await writerModule.handler(event('Update', 'shout', { ...RECORD, name: 'shout' }, 'mcp-dev-tools/tool#upper'));
        assert.equal(t.responses[1].PhysicalResourceId, 'mcp-dev-tools/tool#shout');
        assert.ok(stored(t, 'shout'));
        assert.ok(stored(t, 'upper'), 'the old one goes when CloudFormation deletes the old physical id');
    });
});
