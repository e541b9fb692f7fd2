// registry-admin.test.mjs: the tool registry's admin API (build/mcp-admin, a Lambda function) behind a Function URL
// with AWS_IAM (apigw-shim.mjs verifies every signature with @smithy/signature-v4 and refuses principals the
// function's policy does not name), on a dynalite table; and the server reading what it wrote.
//
//   MCP_BUILD_DIR=build node --test tests/lambda/registry-admin.test.mjs     (build-asan for the ASan build)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startShim } from './apigw-shim.mjs';
import { startDynamo } from './local-dynamodb.mjs';
import { startEmulator } from './runtime-emulator.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = resolve(ROOT, process.env.MCP_BUILD_DIR ?? 'build');
const { SignatureV4 } = createRequire(resolve(ROOT, 'tests/node/package.json'))('@smithy/signature-v4');
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const TABLE = 'mcp-test-registry';
const ADMIN = { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin-secret', sessionToken: 'admin-session', accountId: ACCOUNT, userArn: `arn:aws:iam::${ACCOUNT}:role/registry-admin`, userId: 'AROAADMIN:ci' };
const CALLER = { accessKeyId: 'AKIDCALLER', secretAccessKey: 'caller-secret', accountId: ACCOUNT, userArn: `arn:aws:iam::${ACCOUNT}:role/tool-caller`, userId: 'AROACALLER', allowed: false };
const ALLOWED = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mcp-tool-*`;

class Sha256 {
    constructor(secret) {
        this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret));
    }
    update(d) {
        this.h.update(typeof d === 'string' ? Buffer.from(d) : d);
    }
    async digest() {
        return new Uint8Array(this.h.digest());
    }
}

const tool = (name, extra = {}) => ({
    name,
    description: `The ${name} tool.`,
    inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    lambdaArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mcp-tool-${name.replace(/_/g, '-')}`,
    ...extra,
});

describe('the registry admin API behind a Function URL with AWS_IAM', () => {
    let dynamo;
    let emulator;
    let shim;
    let base;

    /** A signed request as `who`; returns { status, etag, body }. */
    async function call(method, path, { body, headers = {}, who = ADMIN } = {}) {
        const url = new URL(path, base);
        const query = Object.fromEntries(url.searchParams);
        const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const h = { host: url.host, 'content-type': 'application/json', ...headers };
        const signer = new SignatureV4({ credentials: who, region: REGION, service: 'lambda', sha256: Sha256 });
        const signed = await signer.sign({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers: h, body: text });
        const res = await fetch(url, { method, headers: signed.headers, body: text });
        const raw = await res.text();
        return { status: res.status, etag: res.headers.get('etag'), body: raw === '' ? null : JSON.parse(raw) };
    }

    /** Every record's name of a collection, read in pages of at most `limit`. */
    async function listAll(path, limit) {
        const seen = [];
        let cursor;
        let pages = 0;
        do {
            const r = await call('GET', `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
            assert.equal(r.status, 200, JSON.stringify(r.body));
            assert.ok(r.body.items.length <= limit);
            seen.push(...r.body.items.map((t) => t.name));
            cursor = r.body.nextCursor;
            ++pages;
        } while (cursor && pages < 50);
        return { seen, pages };
    }

    before(async () => {
        dynamo = await startDynamo({ tables: [TABLE] });
        emulator = await startEmulator({
            command: resolve(BUILD, 'mcp-admin'),
            env: {
                MCP_TOOL_REGISTRY_TABLE: TABLE,
                MCP_TOOL_REGISTRY_ENDPOINT: dynamo.endpoint,
                MCP_ADMIN_ALLOWED_FUNCTIONS: ALLOWED,
                MCP_LOG_LEVEL: 'info',
                AWS_ACCESS_KEY_ID: 'AKIDFUNCTION',
                AWS_SECRET_ACCESS_KEY: 'function-secret',
            },
            region: REGION,
            maxInstances: 4,
            timeoutMs: 10_000,
        });
        shim = await startShim({ emulator, format: 'url', iam: { keys: [ADMIN, CALLER] }, region: REGION });
        base = new URL(shim.url).origin;
    });

    after(async () => {
        await shim?.stop();
        await emulator?.stop();
        await dynamo?.stop();
        if (emulator) assert.deepEqual(emulator.violations(), []);
    });

    test('create: 201 with version 1 and the audit fields; the same name again is 409, never an overwrite', async () => {
        const r = await call('POST', '/tools', { body: tool('lookup_order', { title: 'Look up an order' }) });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.etag, '"1"');
        assert.equal(r.body.version, 1);
        assert.equal(r.body.createdBy, ADMIN.userArn);
        assert.equal(r.body.updatedBy, ADMIN.userArn);
        assert.equal(typeof r.body.createdAt, 'number');
        const again = await call('POST', '/tools', { body: tool('lookup_order', { description: 'another' }) });
        assert.equal(again.status, 409);
        assert.equal(again.body.pointer, '/name');
        assert.equal((await call('GET', '/tools/lookup_order')).body.description, 'The lookup_order tool.');
        const task = await call('POST', '/tools', { body: tool('long_export', { execution: { taskSupport: 'required' } }) });
        assert.equal(task.status, 201, JSON.stringify(task.body));
        assert.deepEqual(task.body.execution, { taskSupport: 'required' });
    });

    test('concurrent creates of one name: exactly one wins', async () => {
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call('POST', '/tools', { body: tool('race_me', { description: `writer ${i}` }) })));
        const statuses = results.map((r) => r.status).sort();
        assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
        const winner = results.find((r) => r.status === 201).body.description;
        assert.equal((await call('GET', '/tools/race_me')).body.description, winner);
    });

    test('read: 200 with the ETag; 404 for an unknown name', async () => {
        const r = await call('GET', '/tools/lookup_order');
        assert.equal(r.status, 200);
        assert.equal(r.etag, '"1"');
        assert.equal(r.body.name, 'lookup_order');
        assert.equal((await call('GET', '/tools/nothing_here')).status, 404);
    });

    test('400 says what is wrong and where, as a JSON pointer', async () => {
        const cases = [
            [{ ...tool('x'), inputSchema: { type: 'object', properties: { q: { type: 'string', pattern: '(' } } } }, '/inputSchema'],
            [{ ...tool('x'), outputSchema: { type: 'object', patternProperties: { '^a': {} } } }, '/outputSchema'],
            [{ ...tool('x'), lambdaArn: `arn:aws:lambda:${REGION}:999999999999:function:mcp-tool-x` }, '/lambdaArn'],
            [{ ...tool('x'), lambdaArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:mcp-tool-x` }, '/lambdaArn'],
            [{ ...tool('x'), lambdaArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other-x` }, '/lambdaArn'],
            [{ ...tool('x'), lambdaArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mcp-tool-x:live` }, '/lambdaArn'],
            [{ ...tool('x'), functionArn: 'typo' }, '/functionArn'],
            [tool('ping'), '/name'],
            [tool('bad name'), '/name'],
            [{ ...tool('x'), timeoutMs: 0 }, '/timeoutMs'],
            [{ ...tool('x'), description: undefined }, '/description'],
            [{ ...tool('x'), execution: { taskSupport: 'sometimes' } }, '/execution/taskSupport'],
            [{ ...tool('x'), execution: { ttl: 5 } }, '/execution'],
        ];
        for (const [body, pointer] of cases) {
            const r = await call('POST', '/tools', { body });
            assert.equal(r.status, 400, JSON.stringify(body));
            assert.equal(r.body.pointer, pointer, JSON.stringify(r.body));
            assert.ok(r.body.message.length > 5);
        }
        const notJson = await call('POST', '/tools', { body: '{"name":' });
        assert.equal(notJson.status, 400);
        assert.equal(notJson.body.pointer, '');
        assert.equal((await call('GET', '/tools/x')).status, 404, 'nothing refused was stored');
    });

    test('update: If-Match on the version, 412 when it moved on; the name in the body must be the path\'s', async () => {
        const v2 = await call('PUT', '/tools/lookup_order', { body: tool('lookup_order', { description: 'v2' }), headers: { 'if-match': '"1"' } });
        assert.equal(v2.status, 200, JSON.stringify(v2.body));
        assert.equal(v2.etag, '"2"');
        assert.equal(v2.body.version, 2);
        assert.equal(v2.body.createdBy, ADMIN.userArn);
        const stale = await call('PUT', '/tools/lookup_order', { body: tool('lookup_order', { description: 'lost' }), headers: { 'if-match': '"1"' } });
        assert.equal(stale.status, 412);
        assert.equal((await call('GET', '/tools/lookup_order')).body.description, 'v2');
        assert.equal((await call('PUT', '/tools/lookup_order', { body: tool('other_name'), headers: { 'if-match': '"2"' } })).body.pointer, '/name');
        assert.equal((await call('PUT', '/tools/nothing_here', { body: tool('nothing_here') })).status, 404);
        assert.equal((await call('PUT', '/tools/lookup_order', { body: tool('lookup_order'), headers: { 'if-match': 'soon' } })).status, 400);
    });

    test('list: paginated, every record once', async () => {
        for (let i = 0; i < 5; ++i) assert.equal((await call('POST', '/tools', { body: tool(`bulk_${i}`) })).status, 201);
        const { seen, pages } = await listAll('/tools', 2);
        assert.deepEqual(seen.sort(), ['bulk_0', 'bulk_1', 'bulk_2', 'bulk_3', 'bulk_4', 'long_export', 'lookup_order', 'race_me']);
        assert.ok(pages >= 4);
        assert.equal((await call('GET', '/tools?limit=0')).status, 400);
        assert.equal((await call('GET', '/tools?cursor=nonsense')).status, 400);
    });

    test('delete: 412 with a stale version, 204, then 404', async () => {
        assert.equal((await call('DELETE', '/tools/bulk_0', { headers: { 'if-match': '"7"' } })).status, 412);
        assert.equal((await call('DELETE', '/tools/bulk_0', { headers: { 'if-match': '"1"' } })).status, 204);
        assert.equal((await call('DELETE', '/tools/bulk_0')).status, 404);
        assert.equal((await call('GET', '/tools/bulk_0')).status, 404);
    });

    test('403: a bad signature, and a principal other than the admins (a tool caller)', async () => {
        const forged = await fetch(new URL('/tools', base), { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'x-amz-date': '20260101T000000Z' } });
        assert.equal(forged.status, 403);
        const caller = await call('GET', '/tools', { who: CALLER });
        assert.equal(caller.status, 403);
        const unsigned = await fetch(new URL('/tools', base));
        assert.equal(unsigned.status, 403);
    });

    const fn = (name) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mcp-tool-${name}`;
    const resource = (name, extra = {}) => ({ name, uri: `docs://${name}`, description: `The ${name} resource.`, mimeType: 'text/plain', lambdaArn: fn('resources'), ...extra });
    const prompt = (name, extra = {}) => ({ name, description: `The ${name} prompt.`, arguments: [{ name: 'topic', required: true }], lambdaArn: fn('prompts'), ...extra });

    test('resources and prompts: the same lifecycle under /resources and /prompts, each record with its kind', async () => {
        const r = await call('POST', '/resources', { body: resource('handbook') });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.etag, '"1"');
        assert.equal(r.body.kind, 'resource');
        assert.equal(r.body.createdBy, ADMIN.userArn);
        assert.equal((await call('POST', '/resources', { body: resource('handbook', { uri: 'docs://other' }) })).status, 409);
        assert.equal((await call('POST', '/resources', { body: { ...resource('orders'), uri: undefined, uriTemplate: 'orders://{id}', kind: 'resource' } })).status, 201);
        const p = await call('POST', '/prompts', { body: prompt('explain') });
        assert.equal(p.status, 201, JSON.stringify(p.body));
        assert.equal(p.body.kind, 'prompt');
        assert.equal((await call('POST', '/prompts', { body: prompt('explain') })).status, 409);
        // one name in two kinds: two records
        assert.equal((await call('POST', '/prompts', { body: prompt('handbook') })).status, 201);
        assert.equal((await call('GET', '/resources/handbook')).body.uri, 'docs://handbook');
        assert.equal((await call('GET', '/prompts/handbook')).body.kind, 'prompt');
        assert.equal((await call('GET', '/prompts/nothing')).status, 404);
        const v2 = await call('PUT', '/resources/handbook', { body: resource('handbook', { description: 'v2' }), headers: { 'if-match': '"1"' } });
        assert.equal(v2.status, 200, JSON.stringify(v2.body));
        assert.equal(v2.etag, '"2"');
        assert.equal((await call('PUT', '/resources/handbook', { body: resource('handbook'), headers: { 'if-match': '"1"' } })).status, 412);
        assert.equal((await call('PUT', '/prompts/nothing', { body: prompt('nothing') })).status, 404);
        // pages of at most one (a page may be empty: DynamoDB applies the limit before the kind's filter)
        assert.deepEqual((await listAll('/resources', 1)).seen.sort(), ['handbook', 'orders']);
        assert.equal((await call('GET', `/prompts?cursor=${Buffer.from('widget#x').toString('base64url')}`)).status, 400, 'a cursor no page ends with');
        assert.deepEqual((await call('GET', '/prompts')).body.items.map((x) => x.name).sort(), ['explain', 'handbook']);
        assert.equal((await call('DELETE', '/prompts/handbook', { headers: { 'if-match': '"5"' } })).status, 412);
        assert.equal((await call('DELETE', '/prompts/handbook')).status, 204);
        assert.equal((await call('DELETE', '/prompts/handbook')).status, 404);
        assert.equal((await call('GET', '/resources/handbook')).status, 200, 'the resource of that name stays');
    });

    test('resources and prompts: 400 with a pointer', async () => {
        const cases = [
            ['/resources', { ...resource('x'), uri: 'no scheme' }, '/uri'],
            ['/resources', { ...resource('x'), uriTemplate: 'docs://{a}' }, '/uri'],
            ['/resources', { ...resource('x'), uri: undefined, uriTemplate: 'docs://{a}{b}' }, '/uriTemplate'],
            ['/resources', { ...resource('x'), uri: undefined, uriTemplate: 'docs://{+a}' }, '/uriTemplate'],
            ['/resources', { ...resource('x'), uri: undefined, uriTemplate: 'docs://plain' }, '/uriTemplate'],
            ['/resources', { ...resource('x'), uri: 'info://server' }, '/uri'],
            ['/resources', { ...resource('x'), uri: undefined, uriTemplate: 'test://{name}' }, '/uriTemplate'],
            ['/resources', { ...resource('x'), mimeType: 7 }, '/mimeType'],
            ['/resources', { ...resource('x'), kind: 'prompt' }, '/kind'],
            ['/resources', { ...resource('x'), inputSchema: { type: 'object' } }, '/inputSchema'],
            ['/resources', { ...resource('x'), lambdaArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other` }, '/lambdaArn'],
            ['/prompts', { ...prompt('x'), description: undefined }, '/description'],
            ['/prompts', { ...prompt('x'), arguments: [{ name: 'a' }, { name: 'a' }] }, '/arguments/1/name'],
            ['/prompts', { ...prompt('x'), arguments: [{ name: 'a', required: 'yes' }] }, '/arguments/0/required'],
            ['/prompts', { ...prompt('x'), arguments: {} }, '/arguments'],
            ['/prompts', prompt('weather_report'), '/name'],
            ['/prompts', prompt('test_simple_prompt'), '/name'],
            ['/prompts', { ...prompt('x'), uri: 'a://b' }, '/uri'],
        ];
        for (const [path, body, pointer] of cases) {
            const r = await call('POST', path, { body });
            assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
            assert.equal(r.body.pointer, pointer, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
        }
        assert.equal((await call('GET', '/resources/x')).status, 404, 'nothing refused was stored');
        assert.equal((await call('GET', '/widgets')).status, 404);
    });

    test('every change is logged with who made it', () => {
        const lines = emulator.instances.flatMap((i) => i.stderr).join('\n');
        assert.match(lines, new RegExp(`created tool lookup_order \\(version 1\\) by ${ADMIN.userArn.replace(/[/]/g, '\\/')}`));
        assert.match(lines, /updated tool lookup_order \(version 2\) by arn:aws:iam::123456789012:role\/registry-admin/);
        assert.match(lines, /deleted tool bulk_0 .* by arn:aws:iam::123456789012:role\/registry-admin/);
        assert.match(lines, /created resource handbook \(version 1\) by arn:aws:iam::123456789012:role\/registry-admin/);
        assert.match(lines, /deleted prompt handbook .* by arn:aws:iam::123456789012:role\/registry-admin/);
    });

    test('what the admin API wrote is what the server serves', async () => {
        process.env.MCP_SERVER_BIN ??= resolve(BUILD, 'mcp-server');
        const { startServer } = await import('../node/lib/server.mjs');
        const server = await startServer({
            toolsets: 'default',
            args: ['--tool-registry-table', TABLE, '--tool-registry-endpoint', dynamo.endpoint, '--tool-registry-refresh-s', '1'],
            env: { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKIDSERVER', AWS_SECRET_ACCESS_KEY: 'server-secret' },
        });
        try {
            const list = async () => {
                const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
                return (await res.json()).result.tools.map((t) => t.name);
            };
            const names = await list();
            for (const n of ['ping', 'lookup_order', 'race_me', 'bulk_1']) assert.ok(names.includes(n), n);
            assert.ok(!names.includes('bulk_0'));
            assert.equal((await call('POST', '/tools', { body: tool('fresh_one') })).status, 201);
            let fresh = [];
            for (let i = 0; i < 50 && !fresh.includes('fresh_one'); ++i) {
                await new Promise((ok) => setTimeout(ok, 200));
                fresh = await list();
            }
            assert.ok(fresh.includes('fresh_one'), 'a registration is listed within the refresh interval');
        } finally {
            await server.stop();
        }
    });

    test('mcp-client admin against it', async () => {
        const client = resolve(BUILD, 'mcp-client');
        const env = { ...process.env, AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, AWS_SESSION_TOKEN: ADMIN.sessionToken, AWS_REGION: REGION };
        // asynchronously: the shim answering it runs in this process
        const r = await new Promise((ok) =>
            execFile(client, ['--admin-url', `${base}/`, '--aws-service', 'lambda', '--aws-region', REGION, '--json', 'admin', 'show', 'lookup_order'], { env }, (err, stdout, stderr) =>
                ok({ status: err ? (err.code ?? 1) : 0, stdout, stderr }),
            ),
        );
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).description, 'v2');
    });
});
