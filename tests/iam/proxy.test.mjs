// proxy.test.mjs: `mcp-client proxy` driven by the official TypeScript SDK's stdio client, the way an MCP host that
// launches stdio servers uses it, against:
//   - the IAM front door (a Function URL with AWS_IAM whose every request's signature is verified; rig.mjs);
//   - the bearer-token front door (the REST API behind a proxy that wants a token; rig.mjs);
//   - the SDK's own stateful server (tests/client/sdk-server.mjs): sessions, the GET stream, DELETE at exit.
// For each front door: 2025-11-25 through the SDK's Client (list, call, progress, sampling and elicitation answered
// by the host's handlers) and 2026-07-28 through the SDK's StdioClientTransport with messages written here
// (server/discover, progress, input_required rounds answered with inputResponses). Then --read-only, credentials
// that change while the proxy runs (a rotated profile file, a container endpoint's short-lived credentials), errors
// answered to the host, and a clean exit when stdin closes.
//
//   MCP_CLIENT_BIN=build/mcp-client node --test tests/iam/proxy.test.mjs      (BUILD_DIR: MCP_BUILD_DIR, default build)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';

import { REGION, ROOT, startBearerEndpoint, startIamEndpoint } from './rig.mjs';

const require = createRequire(new URL('../node/package.json', import.meta.url));
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');
const { CreateMessageRequestSchema, ElicitRequestSchema } = require('@modelcontextprotocol/sdk/types.js');

const BUILD = process.env.MCP_BUILD_DIR ?? 'build';
const CLIENT = resolve(ROOT, process.env.MCP_CLIENT_BIN ?? join(BUILD, 'mcp-client'));
const MODERN = '2026-07-28';
const TOKEN = 'proxy-bearer-token-Jd82kq';

const dir = mkdtempSync(join(tmpdir(), 'mcp-proxy-test-'));
const keysFile = join(dir, 'keys.json');
const KEYS = {
    env: { accessKeyId: 'AKIDPROXYENV', secretAccessKey: 'proxy-env-secret', accountId: '111122223333', userArn: 'arn:aws:iam::111122223333:user/host', userId: 'AIDAHOST' },
    first: { accessKeyId: 'AKIDFIRST', secretAccessKey: 'first-secret', accountId: '111122223333', userArn: 'arn:aws:iam::111122223333:user/first', userId: 'AIDAFIRST' },
    second: { accessKeyId: 'ASIASECOND', secretAccessKey: 'second-secret', sessionToken: 'second-token', accountId: '111122223333', userArn: 'arn:aws:sts::111122223333:assumed-role/rotated/2', userId: 'AROAROT:2' },
};
function writeKeys(overrides = {}) {
    writeFileSync(keysFile, JSON.stringify(Object.entries(KEYS).map(([name, k]) => ({ ...k, ...(overrides[name] ?? {}) }))));
}
writeKeys();

const SIGV4 = ['--aws-sigv4', '--aws-service', 'lambda', '--aws-region', REGION];
const ENV_CREDS = { AWS_ACCESS_KEY_ID: KEYS.env.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.env.secretAccessKey };
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'MCP_AUTH_TOKEN'));

/** A stdio transport that launches `mcp-client --url URL ...opts proxy`, with stderr kept. */
function proxyTransport(url, opts = [], env = {}) {
    const transport = new StdioClientTransport({
        command: CLIENT,
        args: ['--url', url, ...opts, 'proxy'],
        env: { ...CLEAN_ENV, HOME: join(dir, 'home'), ...env },
        stderr: 'pipe',
    });
    transport.stderrText = '';
    transport.stderr?.on('data', (d) => (transport.stderrText += d));
    return transport;
}

/** The SDK's Client over the proxy, declaring sampling and elicitation and answering both. */
async function legacyClient(url, opts, env) {
    const transport = proxyTransport(url, opts, env);
    const client = new Client({ name: 'proxy-test-host', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {} } });
    client.sampled = [];
    client.elicited = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
        client.sampled.push(request.params);
        return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled through the proxy' }, stopReason: 'endTurn' };
    });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
        client.elicited.push(request.params);
        return { action: 'accept', content: { username: 'proxy-user', email: 'proxy@example.com' } };
    });
    await client.connect(transport);
    // every message as it reaches the host (the SDK drops a progress notification that arrives in the same read as
    // its response, so the transport is where "all of them arrived" is seen)
    client.received = [];
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
        client.received.push(message);
        deliver(message, extra);
    };
    client.transportUsed = transport;
    return client;
}

/** 2026-07-28 over the proxy: the SDK's stdio transport carrying messages written here. */
class ModernHost {
    constructor(transport) {
        this.transport = transport;
        this.nextId = 1;
        this.pending = new Map();
        this.notifications = [];
        transport.onmessage = (msg) => {
            if (msg.id !== undefined && this.pending.has(msg.id)) {
                this.pending.get(msg.id)(msg);
                this.pending.delete(msg.id);
            } else if (msg.method) {
                this.notifications.push(msg);
            }
        };
    }
    async start() {
        await this.transport.start();
    }
    meta(extra = {}) {
        return {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientCapabilities': { sampling: {}, elicitation: { form: {} } },
            'io.modelcontextprotocol/clientInfo': { name: 'proxy-test-host', version: '1.0.0' },
            ...extra,
        };
    }
    request(method, params = {}, meta = {}) {
        const id = this.nextId++;
        return new Promise((ok) => {
            this.pending.set(id, ok);
            this.transport.send({ jsonrpc: '2.0', id, method, params: { ...params, _meta: this.meta(meta) } });
        });
    }
    /** tools/call, answering input_required rounds: sampling with text, elicitation with content. */
    async call(name, args, meta = {}) {
        let inputResponses;
        let requestState;
        for (let round = 0; round < 5; ++round) {
            const params = { name, arguments: args };
            if (inputResponses) params.inputResponses = inputResponses;
            if (requestState !== undefined) params.requestState = requestState;
            const msg = await this.request('tools/call', params, meta);
            const r = msg.result;
            if (!r || r.resultType !== 'input_required') return msg;
            inputResponses = {};
            for (const [key, req] of Object.entries(r.inputRequests ?? {})) {
                inputResponses[key] = req.method === 'sampling/createMessage'
                    ? { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled in 2026' }, stopReason: 'endTurn' }
                    : { action: 'accept', content: { username: 'modern-user', email: 'modern@example.com', name: 'Modern' } };
            }
            requestState = r.requestState;
        }
        throw new Error('still input_required after 5 rounds');
    }
    async close() {
        await this.transport.close();
    }
}

const textOf = (result) => (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');

/** The checks every front door gets, in both eras. */
function frontDoorChecks(name, getUrl, opts, env = {}) {
    test(`${name}: 2025-11-25 through the SDK client: list, call, progress, sampling, elicitation`, async () => {
        const client = await legacyClient(getUrl(), opts(), env);
        try {
            assert.equal(client.getServerVersion()?.name, 'mcp-lambda-c');
            const { tools } = await client.listTools();
            for (const t of ['get_weather', 'whoami', 'test_sampling', 'test_elicitation']) assert.ok(tools.some((x) => x.name === t), t);
            const weather = await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
            assert.match(textOf(weather), /^Paris: /);
            const progress = [];
            const slow = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
            assert.match(textOf(slow), /executed successfully/);
            const arrived = client.received.filter((m) => m.method === 'notifications/progress').map((m) => m.params.progress);
            assert.deepEqual(arrived, [0, 50, 100]);
            assert.ok(progress.length >= 2 && progress[0] === 0, JSON.stringify(progress));
            const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hello from the host' } });
            assert.match(textOf(sampled), /sampled through the proxy/);
            assert.equal(client.sampled.length, 1);
            const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'who are you?' } });
            assert.match(JSON.stringify(elicited), /proxy-user/);
            assert.equal(client.elicited[0].message, 'who are you?');
        } finally {
            await client.close();
        }
    });

    test(`${name}: 2026-07-28 through the SDK transport: discover, list, progress, input_required rounds`, async () => {
        const host = new ModernHost(proxyTransport(getUrl(), opts(), env));
        await host.start();
        try {
            // first, before the host has listed tools: the proxy reads tools/list itself for the x-mcp-header headers
            const headers = await host.call('test_mcp_param_headers', { region: 'eu-west-1', priority: 3, dry_run: true });
            assert.equal(headers.result?.isError, undefined, JSON.stringify(headers));
            assert.equal(headers.error, undefined, JSON.stringify(headers));
            const discover = await host.request('server/discover');
            assert.ok(discover.result?.supportedVersions?.includes(MODERN), JSON.stringify(discover));
            const list = await host.request('tools/list');
            assert.ok(list.result.tools.some((t) => t.name === 'test_input_required_result_elicitation'));
            const slow = await host.call('test_tool_with_progress', {}, { progressToken: 'p-modern' });
            assert.match(textOf(slow.result), /executed successfully/);
            assert.ok(host.notifications.some((n) => n.method === 'notifications/progress' && n.params.progressToken === 'p-modern' && n.params.progress === 100));
            const sampled = await host.call('test_sampling', { prompt: 'modern hello' });
            assert.match(textOf(sampled.result), /sampled in 2026/);
            const elicited = await host.call('test_input_required_result_elicitation', {});
            assert.equal(elicited.result?.isError, undefined, JSON.stringify(elicited));
            assert.match(JSON.stringify(elicited.result), /Modern|modern-user|accept/);
        } finally {
            await host.close();
        }
    });
}

describe('proxy in front of a Function URL with AWS_IAM', () => {
    let iam;
    before(async () => {
        iam = await startIamEndpoint({ build: BUILD, keysFile });
    });
    after(async () => {
        await iam?.stop();
    });

    frontDoorChecks('IAM', () => iam.url, () => SIGV4, ENV_CREDS);

    test('IAM: the tool sees the host\'s IAM identity', async () => {
        const client = await legacyClient(iam.url, SIGV4, ENV_CREDS);
        try {
            const who = await client.callTool({ name: 'whoami', arguments: {} });
            assert.equal(who.structuredContent.principal, KEYS.env.userArn);
        } finally {
            await client.close();
        }
    });

    test('IAM: --read-only offers and calls only read-only tools', async () => {
        const client = await legacyClient(iam.url, [...SIGV4, '--read-only'], ENV_CREDS);
        try {
            const { tools } = await client.listTools();
            assert.ok(tools.length > 0 && tools.every((t) => t.annotations?.readOnlyHint === true), JSON.stringify(tools.map((t) => t.name)));
            assert.ok(!tools.some((t) => t.name === 'test_trigger_tool_change'));
            await assert.rejects(client.callTool({ name: 'test_trigger_tool_change', arguments: {} }), /mcp-client proxy runs --read-only, and the tool is not annotated readOnlyHint/);
            assert.match(textOf(await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } })), /^Oslo: /);
        } finally {
            await client.close();
        }
    });

    test('IAM: a refused signature is an error for that request, with AWS\'s message, never a hang', async () => {
        const host = new ModernHost(proxyTransport(iam.url, SIGV4, { AWS_ACCESS_KEY_ID: KEYS.env.accessKeyId, AWS_SECRET_ACCESS_KEY: 'wrong' }));
        await host.start();
        try {
            const msg = await host.request('tools/list');
            assert.equal(msg.error?.code, -32000);
            assert.match(msg.error.message, /HTTP 403 .*signature we calculated does not match.*InvalidSignatureException/);
            assert.ok(!host.transport.stderrText.includes('wrong'), host.transport.stderrText);
        } finally {
            await host.close();
        }
    });

    test('IAM: a rotated credentials file is read again, while the proxy runs', async () => {
        const home = join(dir, 'rotate-home');
        mkdirSync(join(home, '.aws'), { recursive: true });
        const file = join(home, '.aws', 'credentials');
        writeFileSync(file, `[default]\naws_access_key_id = ${KEYS.first.accessKeyId}\naws_secret_access_key = ${KEYS.first.secretAccessKey}\n`);
        const client = await legacyClient(iam.url, SIGV4, { HOME: home });
        try {
            assert.equal((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent.principal, KEYS.first.userArn);
            // the first key expires, and new temporary credentials are written (renamed into place, as tools do)
            writeKeys({ first: { expired: true } });
            writeFileSync(`${file}.new`, `[default]\naws_access_key_id = ${KEYS.second.accessKeyId}\naws_secret_access_key = ${KEYS.second.secretAccessKey}\naws_session_token = ${KEYS.second.sessionToken}\n`);
            renameSync(`${file}.new`, file);
            assert.equal((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent.principal, KEYS.second.userArn);
        } finally {
            await client.close();
            writeKeys();
        }
    });

    test('IAM: short-lived container credentials are fetched again before they expire', async () => {
        const credsFile = join(dir, 'container.json');
        const creds = (k) => JSON.stringify({ AccessKeyId: k.accessKeyId, SecretAccessKey: k.secretAccessKey, Token: k.sessionToken ?? '' });
        writeFileSync(credsFile, creds(KEYS.second));
        const endpoint = spawn(process.execPath, [join(ROOT, 'tests', 'iam', 'container-credentials.mjs'), '--token', 'ecs-auth', '--credentials', credsFile, '--expires-in', '120'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let served = 0;
        endpoint.stderr.on('data', (d) => (served += String(d).split('"served"').length - 1));
        const port = await new Promise((ok) => createInterface({ input: endpoint.stdout }).on('line', (l) => ok(Number(/"port":(\d+)/.exec(l)[1]))));
        const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ecs-auth' };
        const client = await legacyClient(iam.url, SIGV4, env);
        try {
            assert.equal((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent.principal, KEYS.second.userArn);
            const before = served;
            // the endpoint hands out other credentials now; the old ones expire at the front door
            writeFileSync(credsFile, JSON.stringify({ AccessKeyId: KEYS.first.accessKeyId, SecretAccessKey: KEYS.first.secretAccessKey }));
            writeKeys({ second: { expired: true } });
            assert.equal((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent.principal, KEYS.first.userArn);
            assert.ok(served > before, 'the endpoint was asked again');
        } finally {
            await client.close();
            endpoint.kill('SIGTERM');
            writeKeys();
        }
    });

    test('IAM: the proxy exits 0 as soon as stdin closes', async () => {
        const child = spawn(CLIENT, ['--url', iam.url, ...SIGV4, 'proxy'], { env: { ...CLEAN_ENV, ...ENV_CREDS }, stdio: ['pipe', 'pipe', 'pipe'] });
        const lines = createInterface({ input: child.stdout });
        const first = new Promise((ok) => lines.once('line', ok));
        child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ping', arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } } })}\n`);
        assert.match(await first, /pong/);
        const started = Date.now();
        child.stdin.end();
        const code = await new Promise((ok) => child.on('exit', ok));
        assert.equal(code, 0);
        assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
    });
});

describe('proxy in front of the bearer-token REST API', () => {
    let bearer;
    before(async () => {
        bearer = await startBearerEndpoint({ build: BUILD, token: TOKEN });
    });
    after(async () => {
        await bearer?.stop();
    });

    frontDoorChecks('bearer', () => bearer.url, () => [], { MCP_AUTH_TOKEN: TOKEN });

    test('bearer: a wrong token is an error for the request, with the 401', async () => {
        const host = new ModernHost(proxyTransport(bearer.url, ['--token', 'not-the-token']));
        await host.start();
        try {
            const msg = await host.request('tools/list');
            assert.match(msg.error?.message ?? '', /authentication refused \(HTTP 401/);
        } finally {
            await host.close();
        }
    });
});

describe('proxy in front of a server with sessions (the SDK\'s own)', () => {
    let server;
    let url;
    before(async () => {
        server = spawn(process.execPath, [join(ROOT, 'tests', 'client', 'sdk-server.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
        const port = await new Promise((ok) => {
            const seen = (d) => {
                const m = /"port":(\d+)/.exec(String(d));
                if (m) ok(Number(m[1]));
            };
            server.stdout.on('data', seen);
            server.stderr.on('data', seen);
        });
        url = `http://127.0.0.1:${port}/mcp`;
    });
    after(() => server?.kill('SIGTERM'));

    test('sessions: the id is kept, the server pings the host, progress arrives, the session ends with DELETE', async () => {
        const client = await legacyClient(url, ['-v']);
        try {
            const r = await client.callTool({ name: 'slow_count', arguments: { n: 3, delay_ms: 10 } }, undefined, { onprogress: () => {} });
            assert.match(textOf(r), /counted to 3/);
            assert.deepEqual(client.received.filter((m) => m.method === 'notifications/progress').map((m) => m.params.progress), [1, 2, 3]);
            assert.match(textOf(await client.callTool({ name: 'ping_client', arguments: {} })), /the client answered ping/);
        } finally {
            await client.close();
        }
        const log = client.transportUsed.stderrText;
        assert.match(log, /^> Mcp-Session-Id: [0-9a-f-]+$/m);
        assert.match(log, /^> GET \/mcp HTTP\/1\.1$/m);
        assert.match(log, /^> DELETE \/mcp HTTP\/1\.1$/m);
    });
});

describe('proxy timeouts', () => {
    let misbehave;
    let base;
    before(async () => {
        misbehave = spawn(process.execPath, [join(ROOT, 'tests', 'client', 'misbehave.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
        const port = await new Promise((ok) => createInterface({ input: misbehave.stdout }).on('line', (l) => ok(Number(/"port":(\d+)/.exec(l)[1]))));
        base = `http://127.0.0.1:${port}`;
    });
    after(() => misbehave?.kill('SIGTERM'));

    test('a server that never answers: --timeout, then --tool-timeout for tools/call, each an error for the request', async () => {
        const host = new ModernHost(proxyTransport(`${base}/stall`, ['--timeout', '0.3', '--tool-timeout', '0.6']));
        await host.start();
        try {
            let t = Date.now();
            const list = await host.request('tools/list');
            assert.equal(list.error?.code, -32001, JSON.stringify(list));
            assert.match(list.error.message, /timed out waiting for the server/);
            assert.ok(Date.now() - t < 3000, `tools/list took ${Date.now() - t} ms`);
            t = Date.now();
            const call = await host.request('tools/call', { name: 'ping', arguments: {} });
            assert.equal(call.error?.code, -32001, JSON.stringify(call));
            assert.ok(Date.now() - t >= 500, `tools/call waited its own timeout (${Date.now() - t} ms)`);
        } finally {
            await host.close();
        }
    });
});

after(() => rmSync(dir, { recursive: true, force: true }));
