// lambda-tools.test.mjs: registered tools (Lambda functions named in a DynamoDB registry) over the HTTP front door,
// with the official SDK client. The registry is dynalite; the Invoke API is tests/lambda/invoke-shim.mjs, which
// verifies every request's SigV4 signature by signing it again with @smithy/signature-v4 and runs real handlers:
// the examples in examples/tools (Python through a stdlib-only runner, Node.js in process, both written to
// AgentCore Gateway's Lambda-target contract) and the fixtures in tests/lambda/fixtures.
//
//   node --test tests/node/lambda-tools.test.mjs          (MCP_SERVER_BIN=build-asan/mcp-server for the ASan build)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dirname, join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { startInvokeShim } from '../lambda/invoke-shim.mjs';
import { modernRpc, pollTask } from '../lambda/modern-rpc.mjs';
import { startDynamo } from '../lambda/local-dynamodb.mjs';
import { startEmulator } from '../lambda/runtime-emulator.mjs';
import { handler as resourcesExample } from '../../examples/resources/node/index.mjs';
import { handler as nodeExample } from '../../examples/tools/node/index.mjs';
import * as fixtures from '../lambda/fixtures/tool-functions.mjs';
import { REPO_ROOT, serverBinary, startServer } from './lib/server.mjs';

const REGION = 'ap-southeast-2';
const ACCOUNT = '123456789012';
const KEYS = { accessKeyId: 'AKIDTOOLSCALLER', secretAccessKey: 'tools-secret-key', sessionToken: 'tools-session-token' };
const TABLE = 'mcp-test-tools';
const arn = (name) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const OBJ = (properties = {}, required = []) => ({ type: 'object', properties, required });

const RECORDS = [
    {
        name: 'word_count',
        title: 'Word count',
        description: 'Counts the words and characters of a text (a Python Lambda function).',
        inputSchema: OBJ({ text: { type: 'string' } }, ['text']),
        outputSchema: OBJ({ words: { type: 'integer' }, characters: { type: 'integer' } }, ['words', 'characters']),
        annotations: { readOnlyHint: true },
        lambdaArn: arn('py-tools'),
        qualifier: 'live',
        target: 'text-tools',
    },
    {
        name: 'greet',
        description: 'Greets someone (a Node.js Lambda function returning a CallToolResult).',
        inputSchema: OBJ({ name: { type: 'string' } }, ['name']),
        lambdaArn: arn('node-tools'),
        target: 'node-tools',
    },
    { name: 'add', description: 'Adds two numbers (plain JSON back).', inputSchema: OBJ({ a: { type: 'number' }, b: { type: 'number' } }, ['a', 'b']), lambdaArn: 'node-tools', target: 'node-tools' },
    {
        name: 'reverse_text',
        description: 'Reverses a text (a C custom runtime).',
        inputSchema: OBJ({ text: { type: 'string' } }, ['text']),
        outputSchema: OBJ({ reversed: { type: 'string' } }, ['reversed']),
        lambdaArn: arn('c-tools'),
        target: 'c-tools',
    },
    { name: 'c_unknown', description: 'Its C function does not serve it.', inputSchema: OBJ(), lambdaArn: arn('c-tools'), target: 'c-tools' },
    { name: 'explode', description: 'Always fails.', inputSchema: OBJ(), lambdaArn: arn('failing') },
    { name: 'py_explode', description: 'Always fails, in Python.', inputSchema: OBJ({ customer: { type: 'string' } }), lambdaArn: arn('py-failing') },
    { name: 'dawdle', description: 'Takes longer than its timeout.', inputSchema: OBJ({ ms: { type: 'integer' } }), lambdaArn: arn('slow'), timeoutMs: 500 },
    { name: 'lambda_timeout', description: "Outlives its function's own timeout.", inputSchema: OBJ({ ms: { type: 'integer' } }), lambdaArn: arn('short') },
    { name: 'crowded', description: 'Always throttled.', inputSchema: OBJ(), lambdaArn: arn('busy') },
    { name: 'missing_fn', description: 'Its function does not exist.', inputSchema: OBJ(), lambdaArn: arn('no-such-function') },
    { name: 'echo_context', description: 'Reports its event and client context.', inputSchema: OBJ({ x: { type: 'integer' } }), lambdaArn: arn('echo'), qualifier: '7' },
    { name: 'bad_result', description: 'Answers a malformed CallToolResult.', inputSchema: OBJ(), lambdaArn: arn('bad-result') },
    { name: 'wrong_shape', description: 'Answers JSON its output schema refuses.', inputSchema: OBJ(), outputSchema: OBJ({ reversed: { type: 'string' } }, ['reversed']), lambdaArn: arn('echo') },
    // refused when read, each with its reason in the log, while the others are served
    { name: 'ping', description: 'Would shadow the built-in ping.', inputSchema: OBJ(), lambdaArn: arn('echo') },
    { name: 'unenforceable', description: 'An output schema the validator cannot enforce.', inputSchema: OBJ(), outputSchema: { type: 'object', patternProperties: { '^x': { type: 'string' } } }, lambdaArn: arn('echo') },
    { name: 'no_function', description: 'No lambdaArn.', inputSchema: OBJ() },
    { name: 'bad_execution', description: 'A taskSupport MCP does not have.', inputSchema: OBJ(), lambdaArn: arn('echo'), execution: { taskSupport: 'sometimes' } },
    // runs only as a task (the tasks extension)
    { name: 'nightly_report', description: 'A slow report.', inputSchema: OBJ({ ms: { type: 'integer' } }), lambdaArn: arn('slow'), execution: { taskSupport: 'required' } },
    // resources and prompts: the examples, the fixtures' failures, and refusals
    { kind: 'resource', name: 'handbook', uri: 'docs://handbook/onboarding', mimeType: 'text/markdown', lambdaArn: arn('node-resources') },
    { kind: 'resource', name: 'order', uriTemplate: 'orders://{id}', title: 'Order', mimeType: 'application/json', lambdaArn: arn('node-resources') },
    { kind: 'resource', name: 'res_fail', uri: 'fail://res', lambdaArn: arn('failing') },
    { kind: 'resource', name: 'res_slow', uri: 'slow://res', lambdaArn: arn('slow'), timeoutMs: 500 },
    { kind: 'resource', name: 'res_busy', uri: 'busy://res', lambdaArn: arn('busy') },
    { kind: 'resource', name: 'res_bad', uri: 'bad://res', lambdaArn: arn('bad-contents') },
    { kind: 'resource', name: 'res_json', uriTemplate: 'echo://{a}/{b}', lambdaArn: arn('echo') },
    { kind: 'resource', name: 'res_long', uri: 'slow://long', lambdaArn: arn('slow'), timeoutMs: 8000 },
    { kind: 'prompt', name: 'code_review', description: 'A code review.', arguments: [{ name: 'code', required: true }, { name: 'language' }], lambdaArn: arn('py-prompts') },
    { kind: 'prompt', name: 'summarise', description: 'A summary.', arguments: [{ name: 'text', required: true }, { name: 'words' }], lambdaArn: arn('py-prompts') },
    { kind: 'prompt', name: 'prompt_fail', description: 'Fails.', lambdaArn: arn('failing') },
    { kind: 'prompt', name: 'prompt_bad', description: 'Answers no messages.', lambdaArn: arn('bad-result') },
    { kind: 'resource', name: 'shadow_info', uri: 'info://server', lambdaArn: arn('echo') },
    { kind: 'resource', name: 'shadow_template', uriTemplate: 'info://{what}', lambdaArn: arn('echo') },
    { kind: 'resource', name: 'both_uris', uri: 'a://b', uriTemplate: 'a://{b}', lambdaArn: arn('echo') },
    { kind: 'prompt', name: 'weather_report', description: 'Would shadow the built-in prompt.', lambdaArn: arn('echo') },
];

async function putRecord(dynamo, record, version = 1) {
    const kind = record.kind ?? 'tool';
    await dynamo.call('PutItem', {
        TableName: TABLE,
        Item: {
            id: { S: `${kind}#${record.name}` },
            kind: { S: kind },
            name: { S: record.name },
            version: { N: String(version) },
            record: { S: JSON.stringify({ ...record, version }) },
            updatedBy: { S: 'arn:aws:iam::123456789012:role/test-admin' },
        },
    });
}

describe('registered Lambda tools over HTTP', () => {
    let dynamo;
    let shim;
    let server;
    let client;
    let cTool;

    before(async () => {
        // the C example, a custom runtime, behind the Runtime API emulator (built beside the server)
        cTool = await startEmulator({ command: join(dirname(serverBinary()), 'example-c-tool'), region: REGION, maxInstances: 1, timeoutMs: 10000 });
        dynamo = await startDynamo({ tables: [TABLE] });
        for (const r of RECORDS) await putRecord(dynamo, r);
        shim = await startInvokeShim({
            region: REGION,
            account: ACCOUNT,
            keys: [KEYS],
            functions: {
                'py-tools': { python: { file: join(REPO_ROOT, 'examples/tools/python/handler.py'), handler: 'handler' }, timeoutMs: 20000 },
                'node-tools': { node: nodeExample },
                'c-tools': { emulator: cTool, timeoutMs: 10000 },
                failing: { node: fixtures.failing },
                'py-failing': { python: { file: join(REPO_ROOT, 'tests/lambda/fixtures/failing_tool.py'), handler: 'handler' }, timeoutMs: 20000 },
                slow: { node: fixtures.slow, timeoutMs: 10000 },
                short: { node: fixtures.slow, timeoutMs: 300 },
                busy: { node: fixtures.echoContext, reservedConcurrency: 0 },
                echo: { node: fixtures.echoContext },
                'bad-result': { node: fixtures.badResult },
                'bad-contents': { node: fixtures.badContents },
                'node-resources': { node: resourcesExample },
                'py-prompts': { python: { file: join(REPO_ROOT, 'examples/prompts/python/handler.py'), handler: 'handler' }, timeoutMs: 20000 },
            },
        });
        server = await startServer({
            toolsets: 'default',
            args: ['--tool-registry-table', TABLE, '--tool-registry-endpoint', dynamo.endpoint, '--lambda-endpoint', shim.endpoint, '--tool-registry-refresh-s', '1'],
            env: { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_SESSION_TOKEN: KEYS.sessionToken },
        });
        client = new Client({ name: 'lambda-tools-test', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    });

    after(async () => {
        await client?.close();
        await server?.stop();
        await shim?.stop();
        await dynamo?.stop();
        await cTool?.stop();
        if (cTool) assert.deepEqual(cTool.violations(), []);
    });

    const text = (r) => r.content.map((c) => c.text).join('\n');

    test('tools/list merges the built-in tools and the registered ones; bad records are left out with the reason logged', async () => {
        const { tools } = await client.listTools();
        const names = tools.map((t) => t.name);
        for (const n of ['ping', 'get_weather', 'word_count', 'greet', 'add', 'explode', 'echo_context']) assert.ok(names.includes(n), n);
        assert.equal(names.filter((n) => n === 'ping').length, 1, 'a registration never shadows a built-in tool');
        for (const n of ['unenforceable', 'no_function', 'bad_execution']) assert.ok(!names.includes(n), n);
        const wc = tools.find((t) => t.name === 'word_count');
        assert.equal(wc.title, 'Word count');
        assert.deepEqual(wc.inputSchema, RECORDS[0].inputSchema);
        assert.deepEqual(wc.outputSchema, RECORDS[0].outputSchema);
        assert.deepEqual(wc.annotations, { readOnlyHint: true });
        const refusals = server.logs.filter((l) => l.event === 'registered_tool_refused').map((l) => l.message ?? l.msg ?? JSON.stringify(l));
        assert.ok(refusals.some((m) => /ping.*\/name.*built-in/.test(m)), JSON.stringify(refusals));
        assert.ok(refusals.some((m) => /unenforceable.*\/outputSchema.*patternProperties/.test(m)), JSON.stringify(refusals));
        assert.ok(refusals.some((m) => /no_function.*\/lambdaArn/.test(m)), JSON.stringify(refusals));
        assert.ok(refusals.some((m) => /bad_execution.*\/execution\/taskSupport/.test(m)), JSON.stringify(refusals));
    });

    test('2026-07-28: a registered tool that requires tasks runs as one for a client that declares the extension', async () => {
        const { tools } = (await modernRpc(server.url, 'tools/list')).body.result;
        assert.deepEqual(tools.find((t) => t.name === 'nightly_report').execution, { taskSupport: 'required' });
        const refused = await modernRpc(server.url, 'tools/call', { name: 'nightly_report', arguments: { ms: 10 } });
        assert.equal(refused.body.error?.code, -32021, JSON.stringify(refused.body));
        const before = shim.invocations.length;
        const created = await modernRpc(server.url, 'tools/call', { name: 'nightly_report', arguments: { ms: 700 } }, { tasks: true });
        assert.equal(created.body.result?.resultType, 'task', JSON.stringify(created.body));
        const done = await pollTask(server.url, created.body.result.taskId, (t) => t.status !== 'working');
        assert.equal(done.status, 'completed', JSON.stringify(done));
        assert.deepEqual(JSON.parse(done.result.content[0].text), { slept: 700 });
        assert.equal(shim.invocations.length, before + 1);
        assert.deepEqual(shim.invocations.at(-1).event, { ms: 700 });
    });

    test('a Python tool written to the AgentCore contract: plain JSON becomes structured content', async () => {
        const r = await client.callTool({ name: 'word_count', arguments: { text: 'the quick brown fox' } });
        assert.equal(r.isError, undefined);
        assert.deepEqual(r.structuredContent, { words: 4, characters: 19 });
        assert.deepEqual(JSON.parse(text(r)), { words: 4, characters: 19 });
        const inv = shim.invocations.findLast((i) => i.function === 'py-tools');
        assert.equal(inv.qualifier, 'live');
        assert.deepEqual(inv.event, { text: 'the quick brown fox' });
        assert.equal(inv.clientContext.custom.bedrockAgentCoreToolName, 'text-tools___word_count');
    });

    test('a Node.js tool: a CallToolResult is passed on, plain JSON becomes text', async () => {
        const g = await client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
        assert.deepEqual(g.content, [{ type: 'text', text: 'Hello, Ada!' }]);
        const a = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
        assert.deepEqual(JSON.parse(text(a)), { sum: 42 });
        assert.equal(a.structuredContent, undefined);
    });

    test('a C tool (a custom runtime, the client context from Lambda-Runtime-Client-Context)', async () => {
        const r = await client.callTool({ name: 'reverse_text', arguments: { text: 'héllo, wörld' } });
        assert.equal(r.isError, undefined, text(r));
        assert.deepEqual(r.structuredContent, { reversed: 'dlröw ,olléh' });
        const u = await client.callTool({ name: 'c_unknown', arguments: {} });
        assert.equal(u.isError, true);
        assert.equal(text(u), "The tool's function failed: UnknownTool: this function serves the tool reverse_text only");
    });

    test('arguments are checked against the input schema before any invoke', async () => {
        const before = shim.invocations.length;
        const r = await client.callTool({ name: 'word_count', arguments: { text: 7 } });
        assert.equal(r.isError, true);
        assert.match(text(r), /Invalid arguments/);
        assert.equal(shim.invocations.length, before);
    });

    test('the client context carries the AgentCore keys, within the limit; the event is the arguments', async () => {
        const r = await client.callTool({ name: 'echo_context', arguments: { x: 5 } });
        const echoed = JSON.parse(text(r));
        assert.deepEqual(echoed.event, { x: 5 });
        assert.equal(echoed.functionVersion, '7');
        const c = echoed.clientContext.custom;
        assert.equal(c.bedrockAgentCoreToolName, 'mcp___echo_context');
        assert.equal(c.bedrockAgentCoreTargetId, 'mcp');
        assert.equal(c.bedrockAgentCoreGatewayId, 'mcp-lambda-c');
        assert.equal(c.bedrockAgentCoreMessageVersion, '1.0');
        assert.equal(typeof c.bedrockAgentCoreAwsRequestId, 'string');
        assert.match(c.bedrockAgentCoreMcpMessageId, /^\d+$/);
        const inv = shim.invocations.findLast((i) => i.function === 'echo');
        assert.ok(inv.headers['x-amz-client-context'].length <= 3583);
        assert.equal(inv.headers['x-amz-invocation-type'], 'RequestResponse');
    });

    test("a function's error is an isError result with its type and message, never its stack trace", async () => {
        const r = await client.callTool({ name: 'explode', arguments: {} });
        assert.equal(r.isError, true);
        assert.equal(text(r), "The tool's function failed: FireError: the database is on fire");
        const p = await client.callTool({ name: 'py_explode', arguments: { customer: 'c-9' } });
        assert.equal(p.isError, true);
        assert.match(text(p), /^The tool's function failed: KeyError: .*no such customer: c-9/);
        assert.doesNotMatch(text(p), /Traceback|File "|line \d/);
    });

    test('timeouts: the invoke deadline (the record timeoutMs) and the function\'s own', async () => {
        const r = await client.callTool({ name: 'dawdle', arguments: { ms: 3000 } });
        assert.equal(r.isError, true);
        assert.equal(text(r), "The tool's function did not answer within 500 ms");
        const l = await client.callTool({ name: 'lambda_timeout', arguments: { ms: 2000 } });
        assert.equal(l.isError, true);
        assert.match(text(l), /^The tool's function failed: .*Task timed out after 0\.30 seconds/);
        // the server is still answering after the abandoned call
        assert.deepEqual((await client.callTool({ name: 'greet', arguments: { name: 'again' } })).content[0].text, 'Hello, again!');
    });

    test('throttling, a missing function and a malformed result are clear isError results', async () => {
        const t = await client.callTool({ name: 'crowded', arguments: {} });
        assert.equal(t.isError, true);
        assert.match(text(t), /throttled.*TooManyRequestsException.*HTTP 429/);
        const m = await client.callTool({ name: 'missing_fn', arguments: {} });
        assert.equal(m.isError, true);
        assert.match(text(m), /^Lambda refused to invoke the tool's function: ResourceNotFoundException: Function not found.*HTTP 404/);
        const b = await client.callTool({ name: 'bad_result', arguments: {} });
        assert.equal(b.isError, true);
        assert.match(text(b), /not an array of content blocks/);
        const w = await client.callTool({ name: 'wrong_shape', arguments: {} });
        assert.equal(w.isError, true);
        assert.equal(w.structuredContent, undefined, 'structured content that breaks the declared schema is never sent');
        assert.match(text(w), /does not match its output schema/);
    });

    test('a registration made while the server runs is listed after the refresh interval, and callable', async () => {
        await putRecord(dynamo, { name: 'late_greet', description: 'Registered later.', inputSchema: OBJ({ name: { type: 'string' } }), lambdaArn: arn('node-tools'), target: 'node-tools' });
        // the node example serves "greet" only: the late tool's call reaches it and fails there, as it should
        let names = [];
        for (let i = 0; i < 50 && !names.includes('late_greet'); ++i) {
            await new Promise((ok) => setTimeout(ok, 200));
            names = (await client.listTools()).tools.map((t) => t.name);
        }
        assert.ok(names.includes('late_greet'));
        const r = await client.callTool({ name: 'late_greet', arguments: { name: 'x' } });
        assert.equal(r.isError, true);
        assert.match(text(r), /does not serve the tool late_greet/);
    });

    test('2026-07-28: tools/list says it may be cached for the refresh interval', async () => {
        const res = await fetch(server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
        });
        const body = await res.json();
        assert.equal(res.status, 200, JSON.stringify(body));
        assert.equal(body.result.ttlMs, 1000);
    });

    test('resources/list, resources/templates/list and prompts/list merge the built-in and the registered ones; refusals are logged', async () => {
        const uris = (await client.listResources()).resources.map((r) => r.uri);
        for (const u of ['info://server', 'docs://handbook/onboarding', 'fail://res']) assert.ok(uris.includes(u), u);
        assert.equal(uris.filter((u) => u === 'info://server').length, 1, 'a registration never shadows a built-in resource');
        assert.ok(!uris.includes('a://b'));
        const templates = (await client.listResourceTemplates()).resourceTemplates;
        assert.deepEqual(templates.find((t) => t.name === 'order'), { uriTemplate: 'orders://{id}', name: 'order', title: 'Order', mimeType: 'application/json' });
        assert.ok(!templates.some((t) => t.name === 'shadow_template'));
        const prompts = (await client.listPrompts()).prompts;
        assert.equal(prompts.filter((p) => p.name === 'weather_report').length, 1, 'a registration never shadows a built-in prompt');
        assert.deepEqual(prompts.find((p) => p.name === 'summarise').arguments, [
            { name: 'text', required: true },
            { name: 'words', required: false },
        ]);
        const logged = (event) => server.logs.filter((l) => l.event === event).map((l) => l.message ?? JSON.stringify(l));
        const resources = logged('registered_resource_refused');
        assert.ok(resources.some((m) => /shadow_info.*\/uri: names a built-in resource's URI/.test(m)), JSON.stringify(resources));
        assert.ok(resources.some((m) => /shadow_template.*\/uriTemplate: names a built-in resource's URI/.test(m)), JSON.stringify(resources));
        assert.ok(resources.some((m) => /both_uris.*either a uri or a uriTemplate/.test(m)), JSON.stringify(resources));
        assert.ok(logged('registered_prompt_refused').some((m) => /weather_report.*\/name.*built-in prompt/.test(m)));
    });

    test('resources/read of a registered URI or template calls its function: contents, a string, any JSON, null', async () => {
        const h = await client.readResource({ uri: 'docs://handbook/onboarding' });
        assert.deepEqual(h.contents.map((c) => [c.uri, c.mimeType]), [['docs://handbook/onboarding', 'text/markdown']]);
        assert.match(h.contents[0].text, /Welcome aboard/);
        const o = await client.readResource({ uri: 'orders://1002' });
        assert.deepEqual(JSON.parse(o.contents[0].text), { id: '1002', status: 'packing', items: 1 });
        const nf = await client.readResource({ uri: 'orders://77' }).catch((e) => e);
        assert.equal(nf.code, -32002, String(nf));
        // the event: the URI and the template's variables, percent-decoded; plain JSON back is the text, as JSON
        const e = await client.readResource({ uri: 'echo://x%20y/2' });
        assert.equal(e.contents[0].mimeType, 'application/json');
        const echoed = JSON.parse(e.contents[0].text);
        assert.deepEqual(echoed.event, { uri: 'echo://x%20y/2', params: { a: 'x y', b: '2' } });
        assert.equal(echoed.clientContext.custom.mcpKind, 'resource');
        assert.equal(echoed.clientContext.custom.mcpName, 'res_json');
        assert.equal(echoed.clientContext.custom.bedrockAgentCoreTargetId, 'mcp');
    });

    test("a registered resource's function runs on a worker: the server answers others meanwhile", async () => {
        let settled = false;
        const pending = client.readResource({ uri: 'slow://long' }).finally(() => (settled = true));
        const reached = () => shim.invocations.some((i) => i.function === 'slow' && i.event.uri === 'slow://long');
        for (let i = 0; i < 100 && !reached(); ++i) await new Promise((ok) => setTimeout(ok, 20));
        assert.ok(reached(), 'the read has reached the function');
        await client.ping();
        assert.deepEqual((await client.listTools()).tools.length > 0, true);
        assert.equal(settled, false, 'ping and tools/list were answered while the function was still running');
        assert.deepEqual(JSON.parse((await pending).contents[0].text), { slept: 3000 });
    });

    test('prompts/get of a registered prompt calls its function: a GetPromptResult or a string', async () => {
        const r = await client.getPrompt({ name: 'code_review', arguments: { code: 'x = 1' } });
        assert.equal(r.description, 'A review of this code');
        assert.deepEqual(r.messages[0].content, { type: 'text', text: 'Review the following this code for bugs, risks and style:\n\nx = 1' });
        const s = await client.getPrompt({ name: 'summarise', arguments: { text: 'abc', words: '5' } });
        assert.equal(s.description, 'A summary.', "the record's description when the function gives none");
        assert.deepEqual(s.messages, [{ role: 'user', content: { type: 'text', text: 'Summarise the following text in at most 5 words:\n\nabc' } }]);
        const before = shim.invocations.length;
        const missing = await client.getPrompt({ name: 'summarise', arguments: { words: '5' } }).catch((e) => e);
        assert.equal(missing.code, -32602);
        assert.equal(shim.invocations.length, before, 'arguments are checked before any invoke');
    });

    test("a resource's or prompt's function failing, slow, throttled or answering nonsense: a JSON-RPC error saying which", async () => {
        const err = (p) => p.then(() => assert.fail('no error'), (e) => e);
        const f = await err(client.readResource({ uri: 'fail://res' }));
        assert.equal(f.code, -32603);
        assert.match(f.message, /The resource's function failed/);
        assert.deepEqual(f.data, { reason: 'FireError: the database is on fire' });
        const t = await err(client.readResource({ uri: 'slow://res' }));
        assert.match(t.message, /The resource's function did not answer in time/);
        assert.deepEqual(t.data, { reason: 'no answer within 500 ms' });
        const b = await err(client.readResource({ uri: 'busy://res' }));
        assert.match(b.message, /The resource's function is throttled: try again later/);
        assert.match(b.data.reason, /TooManyRequestsException.*HTTP 429/);
        const c = await err(client.readResource({ uri: 'bad://res' }));
        assert.match(c.message, /answered with something that is not a resource's contents/);
        assert.match(c.data.reason, /needs a uri/);
        const pf = await err(client.getPrompt({ name: 'prompt_fail' }));
        assert.match(pf.message, /The prompt's function failed/);
        assert.equal(pf.data.reason, 'FireError: the database is on fire');
        const pb = await err(client.getPrompt({ name: 'prompt_bad' }));
        assert.match(pb.message, /The prompt's function answered with something that is not a prompt's messages/);
    });

    test('2026-07-28: the merged lists may be cached for the refresh interval', async () => {
        for (const method of ['resources/list', 'resources/templates/list', 'prompts/list']) {
            const { status, body } = await modernRpc(server.url, method);
            assert.equal(status, 200, JSON.stringify(body));
            assert.equal(body.result.ttlMs, 1000, method);
        }
        const r = await modernRpc(server.url, 'resources/read', { uri: 'orders://1001' });
        assert.equal(JSON.parse(r.body.result.contents[0].text).id, '1001');
    });

    test('every invoke the server sent carried a valid signature, and the shim does refuse bad ones', async () => {
        assert.ok(shim.invocations.length >= 10);
        assert.deepEqual(shim.refused, []);
        for (const inv of shim.invocations) assert.equal(inv.headers['x-amz-security-token'], KEYS.sessionToken);
        const res = await fetch(`${shim.endpoint}/2015-03-31/functions/${encodeURIComponent(arn('echo'))}/invocations`, {
            method: 'POST',
            headers: { authorization: `AWS4-HMAC-SHA256 Credential=${KEYS.accessKeyId}/20260101/${REGION}/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, 'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''), 'x-amz-security-token': KEYS.sessionToken },
            body: '{}',
        });
        assert.equal(res.status, 403);
        assert.equal(shim.refused.length, 1);
    });
});
