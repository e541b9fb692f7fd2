// lambda-tools-through-shim.test.mjs: registered tools on the Lambda front door. The server runs in Lambda mode
// behind the Runtime API emulator and the API Gateway shim (REST events, with an authorizer's context as the
// caller); its registry is dynalite and its Invoke API tests/lambda/invoke-shim.mjs (every signature verified with
// @smithy/signature-v4), running the Python and Node.js examples and the test fixtures. The official SDK client lists
// and calls them; the caller's identity reaches the function in the client context; a function slower than the
// invocation's remaining time gives an isError result before Lambda's deadline, not a request cut off by it.
//
//   MCP_BUILD_DIR=build node --test tests/lambda/lambda-tools-through-shim.test.mjs    (build-asan for the ASan build)
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { handler as resourcesExample } from '../../examples/resources/node/index.mjs';
import { handler as nodeExample } from '../../examples/tools/node/index.mjs';
import { startShim } from './apigw-shim.mjs';
import * as fixtures from './fixtures/tool-functions.mjs';
import { startInvokeShim } from './invoke-shim.mjs';
import { modernRpc, pollTask } from './modern-rpc.mjs';
import { startDynamo } from './local-dynamodb.mjs';
import { startEmulator } from './runtime-emulator.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = resolve(ROOT, process.env.MCP_BUILD_DIR ?? 'build');
const require = createRequire(resolve(ROOT, 'tests/node/package.json'));
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

const REGION = 'ap-southeast-2';
const ACCOUNT = '123456789012';
const TABLE = 'mcp-test-lambda-tools';
const KEYS = { accessKeyId: 'ASIAFUNCTIONROLE', secretAccessKey: 'function-role-secret', sessionToken: 'function-role-session' };
const arn = (name) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const OBJ = (properties = {}, required = []) => ({ type: 'object', properties, required });
const FUNCTION_TIMEOUT_MS = 10000; // the MCP server's own Lambda timeout in the emulator

const RECORDS = [
    {
        name: 'word_count',
        description: 'Counts words (Python).',
        inputSchema: OBJ({ text: { type: 'string' } }, ['text']),
        outputSchema: OBJ({ words: { type: 'integer' }, characters: { type: 'integer' } }, ['words', 'characters']),
        lambdaArn: arn('py-tools'),
        target: 'text-tools',
    },
    { name: 'greet', description: 'Greets (Node.js).', inputSchema: OBJ({ name: { type: 'string' } }, ['name']), lambdaArn: arn('node-tools'), target: 'node-tools' },
    { name: 'echo_context', description: 'Reports its client context.', inputSchema: OBJ(), lambdaArn: arn('echo') },
    { name: 'explode', description: 'Fails.', inputSchema: OBJ(), lambdaArn: arn('failing') },
    { name: 'crowded', description: 'Throttled.', inputSchema: OBJ(), lambdaArn: arn('busy') },
    // its own timeout (30 s) is longer than the server's invocation has left: the server waits only that long
    { name: 'dawdle', description: 'Slow.', inputSchema: OBJ({ ms: { type: 'integer' } }), lambdaArn: arn('slow'), timeoutMs: 30000 },
    // declares task support: a client that declares the tasks extension gets a task, whose result outlives the request
    { name: 'long_report', description: 'A slow report.', inputSchema: OBJ({ ms: { type: 'integer' } }), lambdaArn: arn('slow'), timeoutMs: 30000, execution: { taskSupport: 'optional' } },
    // a resource, a resource template (the Node.js example) and a prompt (the Python example)
    { kind: 'resource', name: 'handbook', uri: 'docs://handbook/onboarding', title: 'Onboarding handbook', mimeType: 'text/markdown', lambdaArn: arn('node-resources') },
    { kind: 'resource', name: 'order', uriTemplate: 'orders://{id}', description: 'An order by its id.', mimeType: 'application/json', lambdaArn: arn('node-resources') },
    { kind: 'prompt', name: 'code_review', description: 'Asks for a code review.', arguments: [{ name: 'code', required: true }, { name: 'language' }], lambdaArn: arn('py-prompts') },
    { kind: 'resource', name: 'whoami_resource', uri: 'echo://context', lambdaArn: arn('echo') },
];

describe('registered tools on the Lambda front door (REST events, an authorizer in front)', () => {
    let dynamo;
    let invoke;
    let emulator;
    let shim;
    let client;
    let taskShim; // API Gateway's 29 s integration timeout, scaled down to 1.5 s: a task works longer than that

    before(async () => {
        dynamo = await startDynamo({ tables: [TABLE] });
        for (const r of RECORDS) {
            const kind = r.kind ?? 'tool';
            await dynamo.call('PutItem', { TableName: TABLE, Item: { id: { S: `${kind}#${r.name}` }, kind: { S: kind }, name: { S: r.name }, version: { N: '1' }, record: { S: JSON.stringify({ ...r, version: 1 }) } } });
        }
        invoke = await startInvokeShim({
            region: REGION,
            account: ACCOUNT,
            keys: [KEYS],
            functions: {
                'py-tools': { python: { file: join(ROOT, 'examples/tools/python/handler.py'), handler: 'handler' }, timeoutMs: 20000 },
                'node-tools': { node: nodeExample },
                echo: { node: fixtures.echoContext },
                failing: { node: fixtures.failing },
                busy: { node: fixtures.echoContext, reservedConcurrency: 0 },
                slow: { node: fixtures.slow, timeoutMs: 30000 },
                'node-resources': { node: resourcesExample },
                'py-prompts': { python: { file: join(ROOT, 'examples/prompts/python/handler.py'), handler: 'handler' }, timeoutMs: 20000 },
            },
        });
        emulator = await startEmulator({
            command: resolve(BUILD, 'mcp-server'),
            env: {
                MCP_TOOLSETS: 'default',
                MCP_LOG_LEVEL: 'warn',
                MCP_TOOL_REGISTRY_TABLE: TABLE,
                MCP_TOOL_REGISTRY_ENDPOINT: dynamo.endpoint,
                MCP_LAMBDA_ENDPOINT: invoke.endpoint,
                AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
                AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
                AWS_SESSION_TOKEN: KEYS.sessionToken,
            },
            region: REGION,
            maxInstances: 1,
            timeoutMs: FUNCTION_TIMEOUT_MS,
        });
        shim = await startShim({ emulator, format: 'rest', stage: 'dev', authorizer: { principalId: 'alice', principal: 'alice', authMethod: 'static' }, timeoutMs: FUNCTION_TIMEOUT_MS });
        taskShim = await startShim({ emulator, format: 'rest', stage: 'dev', authorizer: { principalId: 'alice' }, integrationTimeoutMs: 1500, timeoutMs: FUNCTION_TIMEOUT_MS });
        client = new Client({ name: 'lambda-tools-through-shim', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(shim.url)));
    });

    after(async () => {
        await client?.close();
        await shim?.stop();
        await taskShim?.stop();
        await emulator?.stop();
        await invoke?.stop();
        await dynamo?.stop();
        if (emulator) assert.deepEqual(emulator.violations(), []);
    });

    const text = (r) => r.content.map((c) => c.text).join('\n');

    test('tools/list merges the built-in and the registered tools', async () => {
        const names = (await client.listTools()).tools.map((t) => t.name);
        for (const n of ['ping', 'whoami', 'word_count', 'greet', 'echo_context']) assert.ok(names.includes(n), n);
    });

    test('a Python and a Node.js tool, both written to the AgentCore contract', async () => {
        const w = await client.callTool({ name: 'word_count', arguments: { text: 'a b c' } });
        assert.deepEqual(w.structuredContent, { words: 3, characters: 5 });
        const g = await client.callTool({ name: 'greet', arguments: { name: 'Lambda' } });
        assert.deepEqual(g.content, [{ type: 'text', text: 'Hello, Lambda!' }]);
    });

    test("the caller's identity from the authorizer travels in the client context, and the request id is Lambda's", async () => {
        const r = await client.callTool({ name: 'echo_context', arguments: {} });
        const custom = JSON.parse(text(r)).clientContext.custom;
        assert.equal(custom.bedrockAgentCoreToolName, 'mcp___echo_context');
        assert.equal(JSON.parse(custom.mcpCallerIdentity).principalId, 'alice');
        const ids = emulator.instances.flatMap((i) => i.invocations.map((inv) => inv.requestId));
        assert.ok(ids.includes(custom.bedrockAgentCoreAwsRequestId), `${custom.bedrockAgentCoreAwsRequestId} in ${ids}`);
    });

    test('a function error and throttling are isError results', async () => {
        const e = await client.callTool({ name: 'explode', arguments: {} });
        assert.equal(e.isError, true);
        assert.equal(text(e), "The tool's function failed: FireError: the database is on fire");
        const t = await client.callTool({ name: 'crowded', arguments: {} });
        assert.equal(t.isError, true);
        assert.match(text(t), /throttled/);
    });

    test("a function slower than the invocation's remaining time: an isError result before Lambda's deadline", async () => {
        const r = await client.callTool({ name: 'dawdle', arguments: { ms: 20000 } });
        assert.equal(r.isError, true);
        const m = /did not answer within (\d+) ms/.exec(text(r));
        assert.ok(m, text(r));
        assert.ok(Number(m[1]) < FUNCTION_TIMEOUT_MS - 900 && Number(m[1]) > 0, m[1]);
        // the server's invocation ended normally (not killed at its deadline) and answers the next call
        assert.deepEqual((await client.callTool({ name: 'greet', arguments: { name: 'again' } })).content[0].text, 'Hello, again!');
    });

    test('registered resources and templates are listed beside the built-in ones, and read through their function', async () => {
        const { resources } = await client.listResources();
        assert.ok(resources.some((r) => r.uri === 'info://server'), 'the built-in resource');
        const handbook = resources.find((r) => r.uri === 'docs://handbook/onboarding');
        assert.deepEqual(handbook, { uri: 'docs://handbook/onboarding', name: 'handbook', title: 'Onboarding handbook', mimeType: 'text/markdown' });
        const { resourceTemplates } = await client.listResourceTemplates();
        assert.deepEqual(resourceTemplates.find((t) => t.name === 'order'), { uriTemplate: 'orders://{id}', name: 'order', description: 'An order by its id.', mimeType: 'application/json' });
        const h = await client.readResource({ uri: 'docs://handbook/onboarding' });
        assert.equal(h.contents.length, 1);
        assert.equal(h.contents[0].uri, 'docs://handbook/onboarding');
        assert.equal(h.contents[0].mimeType, 'text/markdown');
        assert.match(h.contents[0].text, /^# Onboarding/);
        const o = await client.readResource({ uri: 'orders://1001' });
        assert.deepEqual(JSON.parse(o.contents[0].text), { id: '1001', status: 'shipped', items: 3 });
        await assert.rejects(client.readResource({ uri: 'orders://4242' }), /Resource not found/);
        // the event and the client context, with the caller's identity
        const r = await client.readResource({ uri: 'echo://context' });
        const echoed = JSON.parse(r.contents[0].text);
        assert.deepEqual(echoed.event, { uri: 'echo://context', params: {} });
        assert.equal(echoed.clientContext.custom.mcpKind, 'resource');
        assert.equal(echoed.clientContext.custom.mcpName, 'whoami_resource');
        assert.equal(echoed.clientContext.custom.bedrockAgentCoreToolName, undefined);
        assert.equal(JSON.parse(echoed.clientContext.custom.mcpCallerIdentity).principalId, 'alice');
    });

    test('a registered prompt is listed, and got through its (Python) function', async () => {
        const { prompts } = await client.listPrompts();
        assert.ok(prompts.some((p) => p.name === 'weather_report'), 'the built-in prompt');
        assert.deepEqual(prompts.find((p) => p.name === 'code_review'), {
            name: 'code_review',
            description: 'Asks for a code review.',
            arguments: [
                { name: 'code', required: true },
                { name: 'language', required: false },
            ],
        });
        const p = await client.getPrompt({ name: 'code_review', arguments: { code: 'int x;', language: 'C' } });
        assert.equal(p.description, 'A review of C code');
        assert.equal(p.messages.length, 1);
        assert.equal(p.messages[0].role, 'user');
        assert.match(p.messages[0].content.text, /^Review the following C code.*\n\nint x;$/s);
        const inv = invoke.invocations.findLast((i) => i.function === 'py-prompts');
        assert.deepEqual(inv.event, { name: 'code_review', arguments: { code: 'int x;', language: 'C' } });
        await assert.rejects(client.getPrompt({ name: 'code_review', arguments: {} }), /missing required prompt argument/);
    });

    test('a registered tool that declares task support runs as a task, longer than the integration timeout', async () => {
        const { tools } = (await modernRpc(taskShim.url, 'tools/list')).body.result;
        assert.deepEqual(tools.find((t) => t.name === 'long_report').execution, { taskSupport: 'optional' });
        assert.equal(tools.find((t) => t.name === 'greet').execution, undefined);
        const created = await modernRpc(taskShim.url, 'tools/call', { name: 'long_report', arguments: { ms: 3000 } }, { tasks: true });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        assert.equal(created.body.result.resultType, 'task', JSON.stringify(created.body));
        // the one instance keeps running the task before it asks for its next invocation
        const [inst] = emulator.instances;
        for (let i = 0; i < 200 && inst.state !== 'idle'; ++i) await new Promise((ok) => setTimeout(ok, 50));
        const done = await pollTask(taskShim.url, created.body.result.taskId, (t) => t.status !== 'working');
        assert.equal(done.status, 'completed', JSON.stringify(done));
        assert.deepEqual(JSON.parse(done.result.content[0].text), { slept: 3000 });
        const inv = emulator.instances[0].invocations.find((i) => i.afterResponseMs !== undefined && i.afterResponseMs > 1500);
        assert.ok(inv, 'the task ran on after its CreateTaskResult, longer than the integration timeout');
        // without the extension, the same tool answers in the request
        const plain = await modernRpc(taskShim.url, 'tools/call', { name: 'long_report', arguments: { ms: 10 } });
        assert.deepEqual(JSON.parse(plain.body.result.content[0].text), { slept: 10 });
    });

    test('every invoke the server sent carried a valid signature with the function\'s session token', () => {
        assert.ok(invoke.invocations.length >= 6);
        assert.deepEqual(invoke.refused, []);
        for (const inv of invoke.invocations) assert.equal(inv.headers['x-amz-security-token'], KEYS.sessionToken);
    });
});
