// sessions.test.mjs: sessions (2025 revisions) and state handles (2026-07-28) on the HTTP front door, and the
// HTTP+SSE transport of 2024-11-05 on top of them (node:test).
//
//   memory    one server, --sessions memory --legacy-sse on: the Mcp-Session-Id lifecycle at the HTTP level (400
//             without an id, 404 for an unknown or deleted one, DELETE 204 then 404); the official TypeScript client
//             keeping a counter across calls, and sessions kept apart; 100 concurrent increments giving exactly 100;
//             the 2026-07-28 handle flow with mcp-client (the C client, which speaks 2026-07-28); the SDK's
//             SSEClientTransport listing and calling tools over GET /sse + POST /messages, its state in its session,
//             which ends when its stream closes.
//   expiry    --session-idle-s 2 / --session-max-s 4: an idle session, and one past its cap however busy, get 404.
//   dynamodb  two servers sharing one DynamoDB table (dynalite) and one MCP_REQUEST_STATE_KEY, as instances behind a
//             load balancer: a session begun on one is used on the other, a counter increments across both, a
//             DELETE on one is a 404 on the other; a row whose session went idle is still in the table (dynalite,
//             like DynamoDB for days, has not deleted it) and still refused (expiry is checked on read).
//   off       the default: no session id, GET /sse answered with the error that points to Streamable HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDynamo } from '../lambda/local-dynamodb.mjs';
import { serverBinary, startServer } from './lib/server.mjs';

const run = promisify(execFile);
const STATE_KEY = Buffer.alloc(32, 9).toString('base64');
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

/** One raw POST; returns { status, headers, body (parsed JSON, or the last SSE message's) }. */
async function post(url, message, headers = {}) {
    const all = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...headers };
    for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
    const res = await fetch(url, { method: 'POST', headers: all, body: JSON.stringify(message) });
    const text = await res.text();
    const data = text.startsWith('{') ? text : text.split('\n').filter((l) => l.startsWith('data: ')).at(-1)?.slice(6);
    return { status: res.status, headers: res.headers, body: data ? JSON.parse(data) : null };
}

async function newSession(url) {
    const r = await post(url, INIT, { 'mcp-protocol-version': undefined });
    assert.equal(r.status, 200);
    const id = r.headers.get('mcp-session-id');
    assert.ok(id, 'initialize gives a session id');
    assert.equal((await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': id })).status, 202);
    return id;
}

const ping = (url, id) => post(url, { jsonrpc: '2.0', id: 2, method: 'ping' }, id ? { 'mcp-session-id': id } : {});
const del = (url, id) => fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': id } });

async function sdkClient(url) {
    const client = new Client({ name: 'sessions-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(url));
    await client.connect(transport);
    return { client, transport };
}

async function count(client, name, args = {}) {
    const r = await client.callTool({ name, arguments: args });
    assert.notEqual(r.isError, true, JSON.stringify(r));
    return r.structuredContent.count;
}

/** mcp-client (2026-07-28 unless told otherwise): the tool's result as JSON. */
async function mcpClient(url, ...args) {
    const bin = join(dirname(serverBinary()), 'mcp-client');
    try {
        const { stdout } = await run(bin, ['--url', url, '--json', ...args], { timeout: 20_000 });
        return JSON.parse(stdout);
    } catch (err) {
        if (err.stdout) return JSON.parse(err.stdout);
        throw err;
    }
}

describe('sessions in memory, and the HTTP+SSE transport', () => {
    let server;
    before(async () => {
        server = await startServer({
            toolsets: 'default,session',
            args: ['--sessions', 'memory', '--legacy-sse', 'on', '--max-calls', '256'],
        });
    });
    after(async () => {
        await server?.stop();
    });

    test('initialize issues a visible-ASCII id of at least 128 random bits; no id: 400; unknown: 404; DELETE: 204, then 404', async () => {
        const id = await newSession(server.url);
        assert.match(id, /^[\x21-\x7e]{43,}$/);
        assert.notEqual(await newSession(server.url), id);
        assert.equal((await ping(server.url, id)).status, 200);
        const missing = await ping(server.url);
        assert.equal(missing.status, 400);
        assert.match(missing.body.error.message, /Mcp-Session-Id header is required/);
        const forged = `${id.slice(0, -2)}${id.endsWith('AA') ? 'BB' : 'AA'}`;
        assert.equal((await ping(server.url, forged)).status, 404);
        assert.equal((await ping(server.url, 'not-a-session')).status, 404);
        assert.equal((await del(server.url, id)).status, 204);
        const gone = await ping(server.url, id);
        assert.equal(gone.status, 404);
        assert.equal(gone.body.error.code, -32001);
        assert.equal((await del(server.url, id)).status, 404);
        assert.equal((await fetch(server.url, { method: 'DELETE' })).status, 400);
    });

    test('the TypeScript client keeps a counter across calls; another session has its own', async () => {
        const a = await sdkClient(server.url);
        const b = await sdkClient(server.url);
        const sessionOfA = a.transport.sessionId;
        assert.ok(sessionOfA && sessionOfA !== b.transport.sessionId);
        try {
            assert.equal(await count(a.client, 'increment_counter'), 1);
            assert.equal(await count(a.client, 'increment_counter', { by: 5 }), 6);
            assert.equal(await count(a.client, 'get_counter'), 6);
            assert.equal(await count(b.client, 'get_counter'), 0);
            const first = await a.client.callTool({ name: 'get_elapsed_time', arguments: {} });
            assert.equal(first.structuredContent.secondsSinceLastAsked, undefined);
            const second = await a.client.callTool({ name: 'get_elapsed_time', arguments: {} });
            assert.ok(second.structuredContent.secondsSinceLastAsked >= 0);
        } finally {
            await a.transport.terminateSession();
            await a.client.close();
            await b.client.close();
        }
        // terminated: the session is refused
        assert.equal((await ping(server.url, sessionOfA)).status, 404);
    });

    test('100 concurrent increments give exactly 100', async () => {
        const { client } = await sdkClient(server.url);
        try {
            const results = await Promise.all(Array.from({ length: 100 }, () => count(client, 'increment_counter')));
            assert.deepEqual([...results].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i + 1));
            assert.equal(await count(client, 'get_counter'), 100);
        } finally {
            await client.close();
        }
    });

    test('2026-07-28: create_counter returns a handle the same tools take; without one the tool says what to do', async () => {
        const created = await mcpClient(server.url, 'call', 'create_counter');
        const handle = created.structuredContent.counter_id;
        assert.match(handle, /^[A-Za-z0-9_-]{67}$/);
        assert.match(created.content[0].text, /lasts 1 hour after its last use/);
        assert.equal((await mcpClient(server.url, 'call', 'increment_counter', `counter_id=${handle}`)).structuredContent.count, 1);
        assert.equal((await mcpClient(server.url, 'call', 'increment_counter', `counter_id=${handle}`, 'by=2')).structuredContent.count, 3);
        assert.equal((await mcpClient(server.url, 'call', 'get_counter', `counter_id=${handle}`)).structuredContent.count, 3);
        const none = await mcpClient(server.url, 'call', 'increment_counter');
        assert.equal(none.isError, true);
        assert.match(none.content[0].text, /call create_counter first/);
        const forged = await mcpClient(server.url, 'call', 'get_counter', `counter_id=${handle.slice(0, -1)}${handle.endsWith('A') ? 'B' : 'A'}`);
        assert.equal(forged.isError, true);
        assert.match(forged.content[0].text, /not a state handle this server gave you/);
        // a 2025 client may use handles too; deleting one ends it
        assert.equal((await mcpClient(server.url, '--protocol-version', '2025-11-25', 'call', 'get_counter', `counter_id=${handle}`)).structuredContent.count, 3);
        assert.notEqual((await mcpClient(server.url, 'call', 'delete_counter', `counter_id=${handle}`)).isError, true);
        const ended = await mcpClient(server.url, 'call', 'get_counter', `counter_id=${handle}`);
        assert.equal(ended.isError, true);
        assert.match(ended.content[0].text, /was ended/);
    });

    test("the SDK's SSEClientTransport lists and calls tools over GET /sse and POST /messages, with its session's state", async () => {
        const client = new Client({ name: 'sse-test', version: '1.0.0' });
        const transport = new SSEClientTransport(new URL('/sse', server.url));
        await client.connect(transport);
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'increment_counter') && tools.some((t) => t.name === 'get_weather'));
        assert.equal(await count(client, 'increment_counter'), 1);
        assert.equal(await count(client, 'increment_counter'), 2);
        const weather = await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
        assert.equal(weather.structuredContent.city, 'Paris');
        const sessionId = transport._endpoint?.searchParams.get('sessionId');
        assert.ok(sessionId, 'the endpoint event named the session');
        await client.close();
        // the stream is closed: its session ends (noticed within half a second)
        let status;
        for (let i = 0; i < 40 && status !== 404; ++i) {
            await sleep(100);
            status = (await ping(server.url, sessionId)).status;
        }
        assert.equal(status, 404);
        const stray = await fetch(new URL(`/messages?sessionId=${sessionId}`, server.url), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
        });
        assert.equal(stray.status, 404);
    });
});

describe('session expiry: idle, and the cap however busy', () => {
    let server;
    before(async () => {
        server = await startServer({ toolsets: 'default', args: ['--sessions', 'memory', '--session-idle-s', '2', '--session-max-s', '4'] });
    });
    after(async () => {
        await server?.stop();
    });

    test('an idle session gets 404', async () => {
        const id = await newSession(server.url);
        assert.equal((await ping(server.url, id)).status, 200);
        await sleep(3100);
        assert.equal((await ping(server.url, id)).status, 404);
    });

    test('a busy session gets 404 at its cap', async () => {
        const id = await newSession(server.url);
        const start = Date.now();
        let status = 200;
        while (status === 200 && Date.now() - start < 6000) {
            await sleep(300);
            status = (await ping(server.url, id)).status;
        }
        assert.equal(status, 404);
        /* times are whole seconds: the cap of 4 s falls 3 to 4 s after the start, and use kept it alive past its idle 2 s */
        assert.ok(Date.now() - start >= 2900, `not before its cap (${Date.now() - start} ms)`);
    });
});

describe('sessions in DynamoDB, shared by two servers', () => {
    let dynamo;
    let a;
    let b;
    let idle;
    before(async () => {
        dynamo = await startDynamo({ tables: ['mcp-test-sessions'] });
        const env = {
            AWS_REGION: 'ap-southeast-2',
            AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
            AWS_SECRET_ACCESS_KEY: 'local-test-secret',
            MCP_DYNAMODB_ENDPOINT: dynamo.endpoint,
            MCP_REQUEST_STATE_KEY: STATE_KEY,
        };
        const args = ['--sessions', 'dynamodb', '--session-table', 'mcp-test-sessions', '--max-calls', '256'];
        [a, b, idle] = await Promise.all([
            startServer({ toolsets: 'default,session', args, env }),
            startServer({ toolsets: 'default,session', args, env }),
            startServer({ toolsets: 'default,session', args: [...args, '--session-idle-s', '2'], env }),
        ]);
    });
    after(async () => {
        for (const s of [a, b, idle]) await s?.stop();
        await dynamo?.stop();
    });

    test('a session begun on one server works on the other; its counter counts across both; DELETE on one is 404 on both', async () => {
        const id = await newSession(a.url);
        const inc = (url) => post(url, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'increment_counter', arguments: {} } }, { 'mcp-session-id': id });
        const counts = [];
        for (const url of [a.url, b.url, a.url, b.url]) counts.push((await inc(url)).body.result.structuredContent.count);
        assert.deepEqual(counts, [1, 2, 3, 4]);
        assert.equal((await del(b.url, id)).status, 204);
        assert.equal((await ping(a.url, id)).status, 404);
        assert.equal((await ping(b.url, id)).status, 404);
    });

    test('100 concurrent increments over both servers give exactly 100', async () => {
        const id = await newSession(a.url);
        const results = await Promise.all(
            Array.from({ length: 100 }, (_, i) =>
                post(i % 2 ? a.url : b.url, { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'increment_counter', arguments: {} } }, { 'mcp-session-id': id }),
            ),
        );
        const values = results.map((r) => r.body.result.structuredContent.count).sort((x, y) => x - y);
        assert.deepEqual(values, Array.from({ length: 100 }, (_, i) => i + 1));
    });

    test('an expired row is still in the table, and still refused: expiry is checked on every read', async () => {
        const id = await newSession(idle.url);
        const r = await post(idle.url, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'increment_counter', arguments: {} } }, { 'mcp-session-id': id });
        assert.equal(r.body.result.structuredContent.count, 1);
        await sleep(3100);
        assert.equal((await ping(idle.url, id)).status, 404);
        const { Items } = await dynamo.call('Scan', { TableName: 'mcp-test-sessions' });
        const expired = Items.filter((item) => item.v_count?.N === '1' && Number(item.expiresAt.N) * 1000 < Date.now());
        assert.ok(expired.length >= 1, `the expired row is still there: ${JSON.stringify(Items.map((i) => i.expiresAt))}`);
        assert.ok(Items.every((item) => !JSON.stringify(item).includes(id)), 'the table never holds a usable session id');
    });
});

describe('sessions off (the default)', () => {
    let server;
    before(async () => {
        server = await startServer({ toolsets: 'default,session' });
    });
    after(async () => {
        await server?.stop();
    });

    test('no session id; DELETE 405; the state tools say the server keeps no state', async () => {
        const r = await post(server.url, INIT);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('mcp-session-id'), null);
        assert.equal((await fetch(server.url, { method: 'DELETE', headers: { 'mcp-session-id': 'x' } })).status, 405);
        const { client } = await sdkClient(server.url);
        const result = await client.callTool({ name: 'increment_counter', arguments: {} });
        assert.equal(result.isError, true);
        assert.match(result.content[0].text, /keeps no state/);
        await client.close();
    });

    test('GET /sse is answered with the error that points to Streamable HTTP', async () => {
        const res = await fetch(new URL('/sse', server.url), { headers: { accept: 'text/event-stream' } });
        assert.equal(res.status, 404);
        assert.match((await res.json()).error.message, /does not offer the HTTP\+SSE transport.*use Streamable HTTP/);
    });
});
