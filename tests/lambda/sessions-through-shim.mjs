// sessions-through-shim.mjs: sessions and state handles on the Lambda front door, with two instances sharing one
// DynamoDB table (dynalite), as Lambda spreads a client's requests over whatever instances it has.
//
//   node tests/lambda/sessions-through-shim.mjs [BUILD_DIR]      (default: build)
//
// Two Runtime API emulators (one instance each) run the server with --sessions dynamodb, the same table and the same
// MCP_REQUEST_STATE_KEY; for each event format (REST API, HTTP API, Function URL) a shim in front of each, and a
// round-robin balancer in front of the two shims, so consecutive requests of one client land on alternate
// instances. Checked, for every format: initialize issues a session on one instance that the other accepts, DELETE
// is 204 and the id then gets 404 on both, and the same id presented by another principal (another authorizer
// context, another IAM caller) gets 404. Through the REST API: the conformance suite 0.2.0-alpha.12
// --requirements 2025-11-25, with server-session-lifecycle required to run and pass (buffered: the sampling and
// elicitation scenarios fail as conformance-buffered.yml says); the official TypeScript client keeping a counter
// across calls and instances; 100 concurrent increments giving exactly 100; the 2026-07-28 handle flow with
// mcp-client. Through the Function URL (every path reaches the function): GET /sse, the old HTTP+SSE transport,
// gets the documented error, and the SDK's SSEClientTransport fails to connect with it. And a configuration that
// cannot work on Lambda (sessions in memory, no table, no shared key) is refused at start, with the reason.
//
// Every process is started on 127.0.0.1 with ports the OS picks, and stopped by PID at the end.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startDynamo } from './local-dynamodb.mjs';
import { startEmulator } from './runtime-emulator.mjs';
import { startShim } from './apigw-shim.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const build = resolve(root, process.argv[2] ?? 'build');
const require = createRequire(join(root, 'tests', 'node', 'package.json'));
const { Client } = await import(require.resolve('@modelcontextprotocol/sdk/client/index.js'));
const { StreamableHTTPClientTransport } = await import(require.resolve('@modelcontextprotocol/sdk/client/streamableHttp.js'));
const { SSEClientTransport } = await import(require.resolve('@modelcontextprotocol/sdk/client/sse.js'));

const REGION = 'ap-southeast-2';
const TABLE = 'mcp-test-sessions';
const STATE_KEY = Buffer.alloc(32, 11).toString('base64');
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
// what the project's authorizer gives API Gateway (an HTTP API passes the context without principalId)
const tokenCaller = (name) => ({ principalId: name, principal: name, authMethod: 'static' });
const ALICE = { rest: tokenCaller('alice'), http: tokenCaller('alice') };
const MALLORY = { rest: tokenCaller('mallory'), http: tokenCaller('mallory') };
const iamCaller = (name) => ({ iam: { accountId: '123456789012', userArn: `arn:aws:iam::123456789012:user/${name}`, userId: `AIDA${name.toUpperCase()}`, callerId: null, principalOrgId: null } });
ALICE.url = iamCaller('alice');
MALLORY.url = iamCaller('mallory');

/** A load balancer on loopback: each request goes to the next upstream in turn. */
async function startBalancer(upstreams) {
    let next = 0;
    const served = upstreams.map(() => 0);
    const srv = http.createServer((req, res) => {
        const i = next++ % upstreams.length;
        ++served[i];
        const target = new URL(req.url, upstreams[i]);
        const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
            res.writeHead(r.statusCode, r.headers);
            r.pipe(res);
        });
        up.on('error', (err) => {
            res.writeHead(502);
            res.end(String(err));
        });
        req.pipe(up);
    });
    await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
    return { origin: `http://127.0.0.1:${srv.address().port}`, served, stop: () => new Promise((ok) => srv.close(() => ok())) };
}

async function post(url, message, headers = {}) {
    const all = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...headers };
    const res = await fetch(url, { method: 'POST', headers: all, body: JSON.stringify(message) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
}

function runNode(label, args, env) {
    return new Promise((ok) => {
        console.log(`\n=== ${label}\n$ node ${args.join(' ')}`);
        const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
        child.on('close', (code, signal) => ok(code === 0 && signal === null));
    });
}

const results = [];
async function check(name, fn) {
    try {
        await fn();
        results.push([name, true]);
        console.log(`ok   ${name}`);
    } catch (err) {
        results.push([name, false]);
        console.log(`FAIL ${name}\n${err.stack ?? err}`);
    }
}

const dynamo = await startDynamo({ tables: [TABLE] });
const env = {
    MCP_TOOLSETS: 'default,conformance,session',
    MCP_LOG_LEVEL: 'warn',
    MCP_SESSIONS: 'dynamodb',
    MCP_SESSION_TABLE: TABLE,
    MCP_DYNAMODB_ENDPOINT: dynamo.endpoint,
    MCP_REQUEST_STATE_KEY: STATE_KEY,
    MCP_MAX_CALLS: '256',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    AWS_SESSION_TOKEN: 'local-test-session',
};
const emulators = await Promise.all([0, 1].map(() => startEmulator({ command: join(build, 'mcp-server'), env, region: REGION, maxInstances: 1, timeoutMs: 30_000 })));
const stops = [];
try {
    const front = {};
    for (const format of ['rest', 'http', 'url']) {
        const stage = format === 'rest' ? 'dev' : undefined;
        const shims = await Promise.all(emulators.map((emulator) => startShim({ emulator, format, stage, authorizer: ALICE[format] })));
        const foreign = await startShim({ emulator: emulators[0], format, stage, authorizer: MALLORY[format] });
        stops.push(...shims.map((s) => () => s.stop()), () => foreign.stop());
        const path = new URL(shims[0].url).pathname;
        const balancer = await startBalancer(shims.map((s) => new URL(s.url).origin));
        stops.push(() => balancer.stop());
        front[format] = { url: `${balancer.origin}${path}`, foreign: foreign.url, balancer, shims };
    }

    for (const format of ['rest', 'http', 'url']) {
        const { url, foreign, balancer } = front[format];
        await check(`${format}: a session from one instance works on the other; DELETE 204, then 404 everywhere; another principal 404`, async () => {
            const before = [...balancer.served];
            const init = await post(url, INIT, { 'mcp-protocol-version': '2025-03-26' });
            assert.equal(init.status, 200);
            const id = init.headers.get('mcp-session-id');
            assert.match(id ?? '', /^[\x21-\x7e]{43,}$/);
            assert.equal((await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': id })).status, 202);
            assert.equal((await post(url, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': id })).status, 200);
            assert.equal((await post(url, { jsonrpc: '2.0', id: 2, method: 'ping' })).status, 400);
            assert.equal((await post(foreign, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': id })).status, 404);
            assert.equal((await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': id } })).status, 204);
            for (let i = 0; i < 2; ++i) assert.equal((await post(url, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': id })).status, 404);
            assert.ok(balancer.served.every((n, i) => n > before[i]), 'both instances served the session');
        });
    }

    const rest = front.rest.url;
    const buffered = join(here, 'conformance-buffered.yml');
    results.push([
        'rest: conformance 0.2.0-alpha.12 --requirements 2025-11-25 with server-session-lifecycle run and passed',
        await runNode('conformance 0.2.0-alpha.12 --requirements 2025-11-25, sessions on, two instances', [
            'tests/node/conformance.mjs', '--requirements', '2025-11-25', '--allowed-failures', buffered, '--require-passed', 'server-session-lifecycle',
        ], { MCP_SERVER_URL: rest }),
    ]);

    await check('rest: the TypeScript client keeps a counter across calls and instances', async () => {
        const client = new Client({ name: 'sessions-lambda', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(rest)));
        const before = emulators.map((e) => e.invocations.length);
        const counts = [];
        for (let i = 0; i < 6; ++i) counts.push((await client.callTool({ name: 'increment_counter', arguments: {} })).structuredContent.count);
        assert.deepEqual(counts, [1, 2, 3, 4, 5, 6]);
        assert.equal((await client.callTool({ name: 'get_counter', arguments: {} })).structuredContent.count, 6);
        assert.ok(emulators.every((e, i) => e.invocations.length >= before[i] + 3), 'each instance served some of the calls');
        await client.close();
    });

    await check('rest: 100 concurrent increments give exactly 100', async () => {
        const client = new Client({ name: 'sessions-lambda', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(rest)));
        const values = await Promise.all(Array.from({ length: 100 }, () => client.callTool({ name: 'increment_counter', arguments: {} })));
        assert.deepEqual(values.map((v) => v.structuredContent.count).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1));
        await client.close();
    });

    await check('rest: 2026-07-28 handles with mcp-client, across instances', async () => {
        const cli = async (...args) => {
            try {
                const { stdout } = await promisify(execFile)(join(build, 'mcp-client'), ['--url', rest, '--json', ...args], { timeout: 30_000 });
                return JSON.parse(stdout);
            } catch (err) {
                if (err.stdout) return JSON.parse(err.stdout);
                throw err;
            }
        };
        const handle = (await cli('call', 'create_counter')).structuredContent.counter_id;
        assert.ok(handle);
        for (const expected of [1, 2, 3]) assert.equal((await cli('call', 'increment_counter', `counter_id=${handle}`)).structuredContent.count, expected);
        assert.equal((await cli('call', 'get_counter', `counter_id=${handle}`)).structuredContent.count, 3);
        const none = await cli('call', 'get_counter');
        assert.equal(none.isError, true);
    });

    await check('url: the HTTP+SSE transport is not offered on Lambda, and says to use Streamable HTTP', async () => {
        const sse = new URL('/sse', front.url.url);
        const res = await fetch(sse, { headers: { accept: 'text/event-stream' } });
        assert.equal(res.status, 404);
        assert.match((await res.json()).error.message, /does not offer the HTTP\+SSE transport of protocol version 2024-11-05.*use Streamable HTTP/);
        const client = new Client({ name: 'old-client', version: '1.0.0' });
        await assert.rejects(client.connect(new SSEClientTransport(sse)), /404/);
    });
    for (const [what, extra, message] of [
        ['--sessions memory', { MCP_SESSIONS: 'memory' }, /--sessions memory cannot work on Lambda/],
        ['--sessions dynamodb without a table', { MCP_SESSION_TABLE: '' }, /needs --session-table/],
        ['--sessions dynamodb without MCP_REQUEST_STATE_KEY', { MCP_REQUEST_STATE_KEY: '' }, /needs MCP_REQUEST_STATE_KEY/],
    ]) {
        await check(`init error: ${what} is refused at start with a message that says why`, async () => {
            const emu = await startEmulator({ command: join(build, 'mcp-server'), env: { ...env, ...extra }, region: REGION, maxInstances: 1 });
            try {
                const r = await emu.invoke(readFileSync(join(here, 'events', 'rest-v1-mcp-post.json')));
                assert.equal(r.initError, true);
                assert.equal(r.errorType, 'Runtime.InvalidConfiguration');
                assert.match(r.errorMessage ?? '', message);
            } finally {
                await emu.stop();
            }
        });
    }
} finally {
    for (const stop of stops.reverse()) await stop();
    for (const e of emulators) await e.stop();
    await dynamo.stop();
}

const failed = results.filter(([, ok]) => !ok);
console.log('\n=== sessions on the Lambda front door');
for (const [name, ok] of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
console.log(`sessions-lambda: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exitCode = failed.length === 0 ? 0 : 1;
