// e2e.test.mjs: end-to-end tests with the official TypeScript client (node:test; `npm run test:e2e`).
//
// Starts the server from $MCP_SERVER_BIN (default build/mcp-server) twice: with `--toolsets default`
// (ping, get_time, get_weather) and with `--toolsets default,conformance` (the conformance fixtures:
// resources, prompts, completion, logging, progress, sampling, elicitation), and drives both with
// Client + StreamableHTTPClientTransport from @modelcontextprotocol/sdk. The after hooks stop both
// servers (SIGTERM, exit code 0 expected) whether or not the tests passed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { startServer } from './lib/server.mjs';

const CLIENT_INFO = { name: 'mcp-e2e-tests', version: '1.0.0' };

async function connect(url, { capabilities = {}, setup } = {}) {
    const client = new Client(CLIENT_INFO, { capabilities });
    if (setup) setup(client);
    const transport = new StreamableHTTPClientTransport(new URL(url));
    await client.connect(transport);
    return { client, transport };
}

/**
 * A small JSON Schema check (type, required, properties, items, enum, additionalProperties:false), enough
 * to verify structuredContent against an outputSchema independently of the SDK's own validation.
 * Returns a list of problems (empty when the value conforms).
 */
function schemaProblems(schema, value, path = '$') {
    const problems = [];
    if (!schema || typeof schema !== 'object') return problems;
    const typeOf = (v) =>
        v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
    if (schema.type !== undefined) {
        const types = [schema.type].flat();
        const t = typeOf(value);
        const ok = types.some((want) => want === t || (want === 'number' && t === 'integer'));
        if (!ok) {
            problems.push(`${path}: expected type ${types.join('|')}, got ${t}`);
            return problems;
        }
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of schema.required ?? []) {
            if (!Object.hasOwn(value, key)) problems.push(`${path}: missing required property "${key}"`);
        }
        const props = schema.properties ?? {};
        for (const [key, sub] of Object.entries(props)) {
            if (Object.hasOwn(value, key)) problems.push(...schemaProblems(sub, value[key], `${path}.${key}`));
        }
        if (schema.additionalProperties === false) {
            for (const key of Object.keys(value)) {
                if (!Object.hasOwn(props, key)) problems.push(`${path}: unexpected property "${key}"`);
            }
        }
    }
    if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
        value.forEach((v, i) => problems.push(...schemaProblems(schema.items, v, `${path}[${i}]`)));
    }
    return problems;
}

/** Expect the SDK call to throw an McpError with this JSON-RPC error code. */
async function expectMcpError(promise, code) {
    let result;
    try {
        result = await promise;
    } catch (err) {
        assert.ok(err instanceof McpError, `expected an McpError, got ${err?.stack ?? err}`);
        assert.equal(err.code, code, `JSON-RPC error code (message: ${err.message})`);
        return;
    }
    assert.fail(`expected JSON-RPC error ${code}, got a result: ${JSON.stringify(result)}`);
}

const textOf = (result) =>
    (result.content ?? [])
        .filter((c) => c.type === 'text')
        .map((c) => c.text)
        .join('\n');

describe('default tool sets (--toolsets default)', () => {
    let server;
    let client;
    let transport;
    let tools;

    before(async () => {
        server = await startServer({ toolsets: 'default' });
        ({ client, transport } = await connect(server.url));
    });

    after(async () => {
        try {
            await client?.close();
        } finally {
            await server?.stop();
        }
    });

    test('initialize negotiated 2025-11-25 and the server describes itself', () => {
        const info = client.getServerVersion();
        assert.ok(info && typeof info.name === 'string' && info.name.length > 0, 'serverInfo.name');
        assert.equal(typeof info.version, 'string', 'serverInfo.version');
        assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
        assert.equal(transport.protocolVersion, '2025-11-25', 'negotiated protocol version');
    });

    test('tools/list has ping, get_time and get_weather with descriptions and input schemas', async () => {
        ({ tools } = await client.listTools());
        const byName = new Map(tools.map((t) => [t.name, t]));
        for (const name of ['ping', 'get_time', 'get_weather']) {
            const tool = byName.get(name);
            assert.ok(tool, `tool ${name} is listed (got: ${[...byName.keys()].join(', ')})`);
            assert.equal(typeof tool.description, 'string');
            assert.ok(tool.description.length > 0, `${name} has a description`);
            assert.equal(tool.inputSchema?.type, 'object', `${name} inputSchema.type is "object"`);
        }
        const weather = byName.get('get_weather');
        assert.ok(weather.outputSchema && typeof weather.outputSchema === 'object', 'get_weather has an outputSchema');
        assert.equal(weather.outputSchema.type, 'object');
        assert.ok(!byName.has('test_simple_text'), 'conformance fixtures are not in the default tool set');
    });

    test('ping tool answers with text containing "pong"', async () => {
        const result = await client.callTool({ name: 'ping', arguments: {} });
        assert.notEqual(result.isError, true, JSON.stringify(result.content));
        assert.match(textOf(result), /pong/i);
    });

    test('get_time returns the current UTC time in ISO-8601', async () => {
        const before = Date.now();
        const result = await client.callTool({ name: 'get_time', arguments: {} });
        const after = Date.now();
        assert.notEqual(result.isError, true, JSON.stringify(result.content));
        const text = textOf(result).trim();
        assert.match(text, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, `ISO-8601 UTC timestamp, got ${JSON.stringify(text)}`);
        const t = Date.parse(text);
        assert.ok(t >= before - 5000 && t <= after + 5000, `${text} is within 5 s of now (${new Date(before).toISOString()})`);
    });

    test('get_weather returns structuredContent that matches its outputSchema, deterministically', async () => {
        if (!tools) ({ tools } = await client.listTools()); // also primes the SDK's output validation
        const schema = tools.find((t) => t.name === 'get_weather')?.outputSchema;
        assert.ok(schema, 'get_weather outputSchema');

        const first = await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
        assert.notEqual(first.isError, true, `get_weather Paris failed: ${textOf(first)}`);
        const sc = first.structuredContent;
        assert.ok(sc && typeof sc === 'object' && !Array.isArray(sc), 'structuredContent is an object');
        assert.deepEqual(schemaProblems(schema, sc), [], 'structuredContent conforms to the outputSchema');
        for (const key of schema.required ?? []) assert.ok(Object.hasOwn(sc, key), `required property ${key}`);
        assert.ok(Array.isArray(first.content), 'content is an array');
        for (const item of first.content.filter((c) => c.type === 'text')) {
            let parsed;
            try {
                parsed = JSON.parse(item.text);
            } catch {
                continue; // free text is fine; serialized JSON, if given, must match
            }
            assert.deepEqual(parsed, sc, 'the text content (serialized JSON) equals structuredContent');
        }

        const again = await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
        assert.deepEqual(again.structuredContent, sc, 'same city, same answer');

        const others = [];
        for (const city of ['London', 'Tokyo', 'New York', 'Sydney', 'Reykjavik']) {
            const r = await client.callTool({ name: 'get_weather', arguments: { city } });
            assert.notEqual(r.isError, true, `get_weather ${city} failed: ${textOf(r)}`);
            assert.deepEqual(schemaProblems(schema, r.structuredContent), [], `${city}: conforms to the outputSchema`);
            others.push(r.structuredContent);
        }
        assert.ok(
            others.some((o) => JSON.stringify(o) !== JSON.stringify(sc)),
            'at least one other city gives a different result than Paris',
        );
    });

    test('get_weather without a city is a tool error (isError), not a protocol error', async () => {
        const result = await client.callTool({ name: 'get_weather', arguments: {} });
        assert.equal(result.isError, true);
        assert.ok(textOf(result).length > 0, 'the error explains itself in a text content');
    });

    test('an unknown tool is a JSON-RPC error -32602', async () => {
        await expectMcpError(client.callTool({ name: 'no_such_tool', arguments: {} }), -32602);
    });
});

describe('conformance tool sets (--toolsets default,conformance)', () => {
    let server;
    let client;
    const sampling = [];
    const elicitations = [];
    const SAMPLING_REPLY = 'sampled reply 6b1f from the e2e client';
    const ELICIT_ANSWER = { username: 'e2e-user-41c2', email: 'e2e-41c2@example.com' };

    before(async () => {
        server = await startServer({ toolsets: 'default,conformance' });
        ({ client } = await connect(server.url, {
            capabilities: { sampling: {}, elicitation: {} },
            setup(c) {
                c.setRequestHandler(CreateMessageRequestSchema, async (request) => {
                    sampling.push(request.params);
                    return {
                        model: 'e2e-test-model',
                        role: 'assistant',
                        content: { type: 'text', text: SAMPLING_REPLY },
                        stopReason: 'endTurn',
                    };
                });
                c.setRequestHandler(ElicitRequestSchema, async (request) => {
                    elicitations.push(request.params);
                    return { action: 'accept', content: ELICIT_ANSWER };
                });
            },
        }));
    });

    after(async () => {
        try {
            await client?.close();
        } finally {
            await server?.stop();
        }
    });

    test('capabilities: tools, resources, prompts, logging, completions', () => {
        const caps = client.getServerCapabilities() ?? {};
        for (const c of ['tools', 'resources', 'prompts', 'logging', 'completions']) {
            assert.ok(caps[c], `capability ${c} (got ${JSON.stringify(caps)})`);
        }
    });

    test('tools/list has the default tools and the conformance fixtures', async () => {
        const { tools } = await client.listTools();
        const names = new Set(tools.map((t) => t.name));
        for (const n of ['ping', 'get_time', 'get_weather', 'test_simple_text', 'test_tool_with_progress', 'test_sampling', 'test_elicitation']) {
            assert.ok(names.has(n), `tool ${n} is listed`);
        }
        for (const t of tools) assert.ok(t.description, `tool ${t.name} has a description`);
    });

    test('ping', async () => {
        assert.deepEqual(await client.ping(), {});
    });

    test('resources/list and resources/read (text, blob, template)', async () => {
        const { resources } = await client.listResources();
        const uris = resources.map((r) => r.uri);
        for (const u of ['test://static-text', 'test://static-binary']) assert.ok(uris.includes(u), `${u} is listed`);
        for (const r of resources) assert.ok(r.name, `resource ${r.uri} has a name`);

        const text = await client.readResource({ uri: 'test://static-text' });
        assert.equal(text.contents[0].uri, 'test://static-text');
        assert.equal(typeof text.contents[0].text, 'string');
        assert.ok(text.contents[0].text.length > 0);
        assert.ok(text.contents[0].mimeType, 'mimeType');

        const bin = await client.readResource({ uri: 'test://static-binary' });
        const blob = bin.contents[0].blob;
        assert.equal(typeof blob, 'string');
        assert.ok(blob.length > 0);
        assert.match(blob, /^[A-Za-z0-9+/]+={0,2}$/, 'blob is base64');
        assert.equal(Buffer.from(blob, 'base64').toString('base64'), blob, 'blob is canonical base64');
        assert.ok(bin.contents[0].mimeType, 'mimeType');

        const tpl = await client.readResource({ uri: 'test://template/123/data' });
        assert.equal(tpl.contents[0].uri, 'test://template/123/data');
        assert.ok(JSON.stringify(tpl.contents[0]).includes('123'), 'template contents contain the id');
    });

    test('resources/templates/list', async () => {
        const { resourceTemplates } = await client.listResourceTemplates();
        assert.ok(
            resourceTemplates.some((t) => t.uriTemplate === 'test://template/{id}/data'),
            `test://template/{id}/data is listed (got ${JSON.stringify(resourceTemplates.map((t) => t.uriTemplate))})`,
        );
    });

    test('prompts/list and prompts/get', async () => {
        const { prompts } = await client.listPrompts();
        const names = prompts.map((p) => p.name);
        for (const n of ['test_simple_prompt', 'test_prompt_with_arguments']) assert.ok(names.includes(n), `${n} is listed`);
        for (const p of prompts) assert.ok(p.description, `prompt ${p.name} has a description`);

        const simple = await client.getPrompt({ name: 'test_simple_prompt' });
        assert.ok(simple.messages.length > 0);
        for (const m of simple.messages) {
            assert.ok(m.role === 'user' || m.role === 'assistant');
            assert.ok(m.content);
        }

        const withArgs = await client.getPrompt({
            name: 'test_prompt_with_arguments',
            arguments: { arg1: 'first-value-9d', arg2: 'second-value-9d' },
        });
        const s = JSON.stringify(withArgs.messages);
        assert.ok(s.includes('first-value-9d') && s.includes('second-value-9d'), `both arguments appear: ${s}`);
    });

    test('completion/complete', async () => {
        const res = await client.complete({
            ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
            argument: { name: 'arg1', value: 'test' },
        });
        assert.ok(Array.isArray(res.completion.values));
        assert.ok(res.completion.values.length <= 100);
    });

    test('logging/setLevel', async () => {
        assert.deepEqual(await client.setLoggingLevel('info'), {});
    });

    test('test_tool_with_progress sends >= 3 increasing progress notifications before the result', async () => {
        const progress = [];
        const result = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, {
            onprogress: (p) => progress.push(p),
        });
        const atResult = progress.length;
        assert.notEqual(result.isError, true, JSON.stringify(result.content));
        assert.ok(atResult >= 3, `got ${atResult} progress notifications: ${JSON.stringify(progress)}`);
        for (let i = 1; i < progress.length; i++) {
            assert.ok(progress[i].progress > progress[i - 1].progress, `progress increases: ${JSON.stringify(progress)}`);
        }
        await sleep(200);
        assert.equal(progress.length, atResult, 'no progress after the result');
    });

    // MCP_E2E_BUFFERED=1: the server answers through a front door that cannot stream (Lambda in
    // buffered mode), so a tool cannot ask the client anything; it must say so at once, as a tool error.
    const buffered = process.env.MCP_E2E_BUFFERED === '1';

    async function refusedAtOnce(name, args) {
        const started = Date.now();
        const result = await client.callTool({ name, arguments: args });
        assert.equal(result.isError, true, `a buffered front door cannot ask the client: ${JSON.stringify(result)}`);
        assert.match(textOf(result), /stream/i, 'the error says why (no streaming)');
        assert.ok(Date.now() - started < 5000, 'refused at once, not after a timeout');
        assert.equal(sampling.length + elicitations.length, 0, 'no request reached the client');
    }

    test('test_sampling asks the client and returns its reply', async () => {
        const prompt = 'e2e sampling prompt 5a3e';
        if (buffered) return refusedAtOnce('test_sampling', { prompt });
        const result = await client.callTool({ name: 'test_sampling', arguments: { prompt } });
        assert.notEqual(result.isError, true, textOf(result));
        assert.equal(sampling.length, 1, 'exactly one sampling/createMessage');
        assert.equal(sampling[0].messages?.[0]?.content?.text, prompt, 'the prompt was passed on');
        assert.ok(textOf(result).includes(SAMPLING_REPLY), `result contains the reply: ${JSON.stringify(result.content)}`);
    });

    test('test_elicitation asks the client and returns its answer', async () => {
        const message = 'e2e elicitation message 77c0';
        if (buffered) return refusedAtOnce('test_elicitation', { message });
        const result = await client.callTool({ name: 'test_elicitation', arguments: { message } });
        assert.notEqual(result.isError, true, textOf(result));
        assert.equal(elicitations.length, 1, 'exactly one elicitation/create');
        assert.equal(elicitations[0].message, message, 'the message was passed on');
        assert.equal(elicitations[0].requestedSchema?.type, 'object');
        const s = JSON.stringify(result.content);
        assert.ok(s.includes(ELICIT_ANSWER.username) && s.includes(ELICIT_ANSWER.email), `result contains the answer: ${s}`);
    });

    test('an unknown tool is a JSON-RPC error -32602', async () => {
        await expectMcpError(client.callTool({ name: 'no_such_tool', arguments: {} }), -32602);
    });
});
