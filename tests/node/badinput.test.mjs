// badinput.test.mjs: the data-driven bad-input suite (node:test; `npm run test:badinput`).
//
// Every row of tests/badinput/cases.json is one test: the request is sent raw with node:http (so invalid
// UTF-8, NUL bytes and a foreign Host header can be sent), the exact HTTP status and JSON-RPC error
// (code, id) are asserted, and then a ping must still get 200 {"jsonrpc":"2.0","id":...,"result":{}}.
// The servers are started from $MCP_SERVER_BIN (default build/mcp-server), so this also runs against a
// sanitizer build; at the end they must exit 0 on SIGTERM and must never have logged a request body.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeBody, describeResponse, rawRequest, readJsonRpc } from './lib/http.mjs';
import { REPO_ROOT, startServer, stopAll } from './lib/server.mjs';

const TABLE_PATH = resolve(REPO_ROOT, 'tests', 'badinput', 'cases.json');
const table = JSON.parse(readFileSync(TABLE_PATH, 'utf8'));

/** A valid ping request exactly n bytes long. */
function pingOfSize(n) {
    const head = '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"pad":"';
    const tail = '"}}}';
    const pad = n - head.length - tail.length;
    if (pad < 0) throw new Error(`cannot make a ping of ${n} bytes`);
    return Buffer.from(head + 'x'.repeat(pad) + tail, 'utf8');
}

/** Turn a body spec from the table into bytes (null: no body). */
function buildBody(spec, limit) {
    if (spec === null || spec === undefined) return null;
    if (typeof spec === 'string') return Buffer.from(spec, 'utf8');
    if (typeof spec !== 'object') throw new Error(`bad body spec: ${JSON.stringify(spec)}`);
    if ('base64' in spec) return Buffer.from(spec.base64, 'base64');
    if ('repeat' in spec) {
        const head = Buffer.from(String(spec.repeat).repeat(spec.times), 'utf8');
        const rest = spec.then === undefined ? null : buildBody(spec.then, limit);
        return rest ? Buffer.concat([head, rest]) : head;
    }
    if ('size_over_limit' in spec) return pingOfSize(limit + spec.size_over_limit);
    if ('size_times_limit' in spec) return pingOfSize(limit * spec.size_times_limit);
    throw new Error(`bad body spec: ${JSON.stringify(spec).slice(0, 200)}`);
}

/** Default headers overridden by the row's (case-insensitively); null removes one; {port} is substituted. */
// A row may ask for {"padding": N} custom headers ahead of everything else (X-Pad-1 ... X-Pad-N), as a
// page may add without a preflight, to push the headers that matter past any fixed-size table.
function buildHeaders(overrides, port, padding = 0) {
    const out = new Map();
    for (let i = 1; i <= padding; ++i) out.set(`x-pad-${i}`, [`X-Pad-${i}`, 'a']);
    for (const [k, v] of Object.entries(table.defaultHeaders)) out.set(k.toLowerCase(), [k, v]);
    for (const [k, v] of Object.entries(overrides ?? {})) {
        if (v === null) out.delete(k.toLowerCase());
        else out.set(k.toLowerCase(), [k, v]);
    }
    const headers = {};
    for (const [k, v] of out.values()) headers[k] = String(v).replaceAll('{port}', String(port));
    return headers;
}

function failWith(what, req, res, extra = '') {
    const lines = [
        what,
        `request: ${req.method} ${req.path}`,
        ...Object.entries(req.headers).map(([k, v]) => `  ${k}: ${v}`),
        `  body: ${describeBody(req.body)}`,
        `response: ${describeResponse(res)}`,
    ];
    if (extra) lines.push(extra);
    assert.fail(lines.join('\n'));
}

/** Check one answer against a row's expect block. */
function checkExpect(expect, req, res) {
    if (res.status !== expect.status) failWith(`HTTP status: expected ${expect.status}, got ${res.status}`, req, res);

    for (const [name, value] of Object.entries(expect.header ?? {})) {
        const got = res.headers[name.toLowerCase()];
        if (got !== value) failWith(`header ${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`, req, res);
    }
    if (expect.emptyBody && res.body.length !== 0) failWith('expected an empty body', req, res);
    for (const s of [expect.bodyContains ?? []].flat()) {
        if (!res.text.includes(s)) failWith(`body does not contain ${s}`, req, res);
    }

    const needsMessage = 'code' in expect || 'id' in expect || 'result' in expect;
    if (!needsMessage) return;
    const rpc = readJsonRpc(res);
    const msg = rpc.response;
    if (msg === undefined || msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
        failWith(`expected one JSON-RPC response object (${rpc.parseError ?? rpc.kind})`, req, res);
    }
    if (rpc.kind !== 'json' && rpc.kind !== 'sse') {
        failWith(`Content-Type is ${res.headers['content-type']}, expected application/json or text/event-stream`, req, res);
    }
    if (msg.jsonrpc !== '2.0') failWith('"jsonrpc" is not "2.0"', req, res);
    if ('code' in expect) {
        if (!msg.error || typeof msg.error !== 'object') failWith(`expected an error with code ${expect.code}`, req, res);
        if ('result' in msg) failWith('response has both "error" and "result"', req, res);
        if (msg.error.code !== expect.code) {
            failWith(`error.code: expected ${expect.code}, got ${JSON.stringify(msg.error.code)}`, req, res);
        }
        if (typeof msg.error.message !== 'string') failWith('error.message is not a string', req, res);
    }
    if ('result' in expect) {
        if ('error' in msg) failWith('expected a result, got an error', req, res);
        try {
            assert.deepStrictEqual(msg.result, expect.result);
        } catch {
            failWith(`result: expected ${JSON.stringify(expect.result)}`, req, res);
        }
    }
    if ('id' in expect) {
        if (!Object.hasOwn(msg, 'id')) failWith(`response has no "id" (expected ${JSON.stringify(expect.id)})`, req, res);
        if (!Object.is(msg.id, expect.id) && JSON.stringify(msg.id) !== JSON.stringify(expect.id)) {
            failWith(`id: expected ${JSON.stringify(expect.id)}, got ${JSON.stringify(msg.id)}`, req, res);
        }
    }
}

/** The ping that must succeed after every case. */
async function checkAlive(server, pingId) {
    const req = {
        method: 'POST',
        path: new URL(server.url).pathname,
        headers: buildHeaders({}, server.port),
        body: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: pingId, method: 'ping' })),
    };
    if (server.exited()) {
        assert.fail(`server exited (${JSON.stringify(server.exitInfo())}):\n${server.stderrLines.slice(-40).join('\n')}`);
    }
    let res;
    try {
        res = await rawRequest({ port: server.port, ...req });
    } catch (err) {
        assert.fail(`follow-up ping failed: ${err.message}\n${server.stderrLines.slice(-40).join('\n')}`);
    }
    if (res.status !== 200) failWith(`follow-up ping: HTTP ${res.status}`, req, res);
    const msg = readJsonRpc(res).response;
    try {
        assert.deepStrictEqual(msg, { jsonrpc: '2.0', id: pingId, result: {} });
    } catch {
        failWith('follow-up ping: unexpected answer', req, res);
    }
}

describe('bad input', () => {
    const servers = {};
    let stopChecked = false;

    before(async () => {
        const used = new Set(['main', ...table.cases.map((c) => c.server ?? 'main')]);
        for (const name of used) {
            const conf = table.servers[name];
            if (!conf) throw new Error(`cases.json: unknown server "${name}"`);
            servers[name] = await startServer({ args: conf.args });
        }
    });

    after(async () => {
        try {
            await stopAll(...Object.values(servers));
        } catch (err) {
            if (!stopChecked) throw err; // otherwise already reported by the last test
        }
    });

    table.cases.forEach((row, i) => {
        test(row.name, async () => {
            const serverName = row.server ?? 'main';
            const server = servers[serverName];
            assert.ok(server, `server "${serverName}" is not running`);
            const limit = table.servers[serverName].maxBodyBytes;
            const req = {
                method: row.method ?? 'POST',
                path: row.path ?? new URL(server.url).pathname,
                headers: buildHeaders(row.headers, server.port, row.padding ?? 0),
                body: buildBody(row.body, limit),
            };
            let res;
            try {
                res = await rawRequest({ port: server.port, ...req });
            } catch (err) {
                assert.fail(
                    `request failed: ${err.message}\nrequest: ${req.method} ${req.path} body: ${describeBody(req.body)}\n` +
                        server.stderrLines.slice(-20).join('\n'),
                );
            }
            checkExpect(row.expect, req, res);
            await checkAlive(server, `after-${i}`);
        });
    });

    test('no request body (canary string) appears in the server log', () => {
        for (const [name, s] of Object.entries(servers)) {
            const hits = s.stderrLines.filter((l) => l.includes(table.bodyCanary));
            assert.deepEqual(hits, [], `server "${name}" logged a request body`);
        }
    });

    test('the server log is JSON, one object per line (no sanitizer reports)', () => {
        for (const [name, s] of Object.entries(servers)) {
            assert.ok(s.logs.length > 0, `server "${name}" logged nothing`);
            assert.deepEqual(s.nonJsonStderr(), [], `server "${name}" wrote non-JSON lines to stderr`);
        }
    });

    test('the servers exit 0 on SIGTERM', async () => {
        stopChecked = true;
        await stopAll(...Object.values(servers));
        for (const [name, s] of Object.entries(servers)) {
            assert.deepEqual(s.nonJsonStderr(), [], `server "${name}" wrote non-JSON lines to stderr while stopping`);
        }
    });
});
