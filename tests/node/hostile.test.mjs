// Hostile clients and overload, on loopback, bounded in count and time:
// - a client that hangs up frees its worker within 2 s in every waiting state (queued, sleeping, waiting
//   for a sampling or an elicitation answer, streaming progress), and a waiting client's call is not held up;
// - past the bounds (calls, calls waiting for clients, connections) a request gets 503 with Retry-After at
//   once, memory stays flat, and well-behaved calls keep succeeding; a slow sender is cut off;
// - a response over its bound is never a truncated 200; the CORS preflight allows the tools' Mcp-Param-*
//   headers and every answer says Vary: Origin; a 2025-era prompt that needs input says which revision can.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, describe, test } from 'node:test';

import { rawRequest, readJsonRpc } from './lib/http.mjs';
import { startServer, stopAll } from './lib/server.mjs';

const LEGACY = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': '2025-11-25',
};

const servers = [];
after(() => stopAll(...servers));

async function start(args) {
    const s = await startServer({ toolsets: 'default,conformance', args });
    servers.push(s);
    return s;
}

let nextId = 1;
function callBody(name, args = {}, meta) {
    const params = { name, arguments: args };
    if (meta) params._meta = meta;
    return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params }));
}

/** A complete call; resolves with {status, headers, message, ms}. */
async function call(server, name, args, meta) {
    const t0 = performance.now();
    const res = await rawRequest({ port: server.port, headers: LEGACY, body: callBody(name, args, meta), timeoutMs: 60_000 });
    return { status: res.status, headers: res.headers, message: readJsonRpc(res).response, ms: performance.now() - t0 };
}

/**
 * A streamed call whose client will leave: the request is sent and its SSE events collected; `reached`
 * resolves once `until(events)` holds; `leave()` destroys the socket.
 */
function streamedCall(server, body, until = (events) => events.length >= 0) {
    const events = [];
    let text = '';
    let reachedResolve;
    const reached = new Promise((r) => (reachedResolve = r));
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/mcp', headers: LEGACY, agent: false });
    req.on('response', (res) => {
        if (until(events)) reachedResolve(events);
        res.on('data', (chunk) => {
            text += chunk.toString();
            let cut;
            while ((cut = text.indexOf('\n\n')) >= 0) {
                const data = text
                    .slice(0, cut)
                    .split('\n')
                    .find((l) => l.startsWith('data: '));
                text = text.slice(cut + 2);
                if (data) events.push(JSON.parse(data.slice(6)));
            }
            if (until(events)) reachedResolve(events);
        });
        res.on('error', () => {});
    });
    req.on('error', () => {});
    req.end(body);
    return { reached, events, leave: () => req.destroy() };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid) {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('VmRSS:'));
    return Number(line.split(/\s+/)[1]);
}

/** test_tool_with_logging runs on a worker for about 100 ms; returns how long the call took. */
async function quickWorkerCall(server) {
    const r = await call(server, 'test_tool_with_logging');
    assert.equal(r.status, 200);
    assert.equal(r.message.result.isError, undefined, JSON.stringify(r.message));
    return r.ms;
}

describe('a client that hangs up frees its worker within 2 s (--workers 1)', () => {
    const cases = [
        ['sleeping', () => callBody('slow_compute', { seconds: 60 }), () => true],
        ['streaming progress', () => callBody('slow_compute', { seconds: 60 }, { progressToken: 'p1' }), (ev) => ev.length >= 1],
        [
            'waiting for a sampling answer',
            () => callBody('test_sampling', { prompt: 'hi' }),
            (ev) => ev.some((e) => e.method === 'sampling/createMessage'),
        ],
        [
            'waiting for an elicitation answer',
            () => callBody('test_elicitation', { message: 'who?' }),
            (ev) => ev.some((e) => e.method === 'elicitation/create'),
        ],
    ];
    for (const [state, body, until] of cases) {
        test(state, async () => {
            const server = await start(['--workers', '1']);
            const gone = streamedCall(server, body(), until);
            await gone.reached;
            await sleep(200); // in the state
            gone.leave();
            const ms = await quickWorkerCall(server);
            assert.ok(ms < 2000, `the next call took ${Math.round(ms)} ms: the worker was not freed in time`);
            // the abandoned call's access-log line says when it ended
            await sleep(100);
            const abandoned = server.logs.filter((l) => l.event === 'request' && l.tool !== 'test_tool_with_logging');
            assert.equal(abandoned.length, 1, JSON.stringify(server.logs.filter((l) => l.event === 'request')));
            assert.ok(abandoned[0].durationMs < 2500, `ended after ${abandoned[0].durationMs} ms`);
        });
    }

    test('queued: a job whose client left before it ran does not run', async () => {
        const server = await start(['--workers', '1', '--log-level', 'debug']);
        const holder = streamedCall(server, callBody('slow_compute', { seconds: 60 })); // holds the only worker
        await holder.reached;
        const queued = streamedCall(server, callBody('slow_compute', { seconds: 60 })); // waits behind it
        await queued.reached;
        await sleep(200);
        queued.leave();
        await sleep(1200); // the server has noticed (it checks every 500 ms) while the job still waits in the queue
        holder.leave();
        // the worker is free within 2 s, and does not spend a minute on the departed client's queued job
        const ms = await quickWorkerCall(server);
        assert.ok(ms < 2000, `the next call took ${Math.round(ms)} ms`);
        for (let i = 0; i < 20 && !server.logs.some((l) => l.event === 'call_dropped'); i++) await sleep(100); // stderr is read asynchronously
        assert.ok(
            server.logs.some((l) => l.event === 'call_dropped'),
            'the queued job was dropped: ' + JSON.stringify(server.logs.slice(-10)),
        );
    });

    test('a client that stays is not delayed by one that left', async () => {
        const server = await start(['--workers', '2']);
        const leavers = [];
        for (let i = 0; i < 4; i++) {
            const c = streamedCall(server, callBody('test_sampling', { prompt: 'hi' }), (ev) => ev.length >= 1);
            leavers.push(c);
        }
        // two run (waiting for answers), two are queued; all four leave
        await Promise.all(leavers.slice(0, 2).map((c) => c.reached));
        for (const c of leavers) c.leave();
        const ms = await quickWorkerCall(server);
        assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
    });
});

describe('overload: bounds answer 503 with Retry-After at once, and behaving clients keep being served', () => {
    test('past --max-calls, a tool call gets 503; inline tools and later calls are unaffected; memory stays flat', async () => {
        const server = await start(['--workers', '2', '--max-calls', '4']);
        let rssAfterFirst = 0;
        for (let round = 0; round < 6; round++) {
            const calls = Array.from({ length: 12 }, () => call(server, 'slow_compute', { seconds: 1 }));
            await sleep(100);
            // meanwhile a well-behaved client's inline tool answers at once
            const ping = await call(server, 'ping');
            assert.equal(ping.status, 200);
            assert.equal(ping.message.result.content[0].text, 'pong');
            const results = await Promise.all(calls);
            const ok = results.filter((r) => r.status === 200);
            const busy = results.filter((r) => r.status === 503);
            assert.equal(ok.length, 4, results.map((r) => r.status).join(','));
            assert.equal(busy.length, 8);
            for (const r of busy) {
                assert.equal(r.headers['retry-after'], '1');
                assert.equal(r.message.error.code, -32000);
                assert.match(r.message.error.message, /busy/i);
                assert.ok(r.ms < 1000, `refused after ${Math.round(r.ms)} ms, not at once`);
            }
            for (const r of ok) assert.equal(r.message.result.content[0].text, 'Computed for 1 seconds.');
            if (round === 0) rssAfterFirst = rssKiB(server.pid);
        }
        const rssEnd = rssKiB(server.pid);
        assert.ok(rssEnd - rssAfterFirst < 4096, `RSS grew from ${rssAfterFirst} KiB to ${rssEnd} KiB`);
        assert.ok(server.logs.some((l) => l.event === 'overloaded' && l.bound === 'calls'), 'a log line says so');
        // afterwards, everything is served again
        const later = await call(server, 'slow_compute', { seconds: 0 });
        assert.equal(later.status, 200);
    });

    test('past --max-client-waits, a tool that needs the client gets 503', async () => {
        const server = await start(['--workers', '4', '--max-client-waits', '1']);
        const first = streamedCall(server, callBody('test_sampling', { prompt: 'hi' }), (ev) => ev.length >= 1);
        await first.reached;
        const second = await call(server, 'test_sampling', { prompt: 'hi' });
        assert.equal(second.status, 503);
        assert.equal(second.headers['retry-after'], '1');
        first.leave();
        await sleep(1500); // the first one's slot comes back when its worker notices
        const third = streamedCall(server, callBody('test_sampling', { prompt: 'hi' }), (ev) => ev.length >= 1);
        const events = await third.reached;
        assert.equal(events[0].method, 'sampling/createMessage');
        third.leave();
    });

    test('past --max-connections, a connection gets 503 and is closed; closing one makes room', async () => {
        const server = await start(['--max-connections', '4']);
        const open = await Promise.all(
            Array.from(
                { length: 4 },
                () =>
                    new Promise((resolve, reject) => {
                        const s = net.connect(server.port, '127.0.0.1', () => resolve(s));
                        s.on('error', reject);
                    }),
            ),
        );
        await sleep(100);
        const refused = await new Promise((resolve) => {
            const s = net.connect(server.port, '127.0.0.1');
            let text = '';
            s.on('data', (d) => (text += d));
            s.on('close', () => resolve(text));
            s.on('error', () => resolve(text));
        });
        assert.match(refused, /^HTTP\/1\.1 503 /);
        assert.match(refused, /\r\nRetry-After: 1\r\n/i);
        open[0].destroy();
        await sleep(200);
        const ping = await call(server, 'ping');
        assert.equal(ping.status, 200);
        for (const s of open) s.destroy();
    });

    test('a slow sender is cut off after --request-timeout-ms; others are served meanwhile', async () => {
        const server = await start(['--request-timeout-ms', '500']);
        const t0 = performance.now();
        const closedAfter = await new Promise((resolve) => {
            const s = net.connect(server.port, '127.0.0.1', () => s.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
            s.on('close', () => resolve(performance.now() - t0));
            s.on('error', () => {});
        });
        const ping = await call(server, 'ping');
        assert.equal(ping.status, 200);
        assert.ok(closedAfter >= 400 && closedAfter < 3000, `closed after ${Math.round(closedAfter)} ms`);
    });
});

describe('responses over their bound, CORS, and a 2025-era prompt that needs input', () => {
    test('a batch whose answers exceed --max-response-bytes is a 500, never a truncated 200', async () => {
        const server = await start(['--max-response-bytes', '4096']);
        const batch = Array.from({ length: 20 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/list' }));
        const res = await rawRequest({
            port: server.port,
            headers: { ...LEGACY, 'MCP-Protocol-Version': '2025-03-26' },
            body: Buffer.from(JSON.stringify(batch)),
        });
        assert.equal(res.status, 500, res.text.slice(0, 200));
        const body = JSON.parse(res.text);
        assert.equal(body.error.code, -32603);
        assert.match(body.error.message, /limit/);
    });

    test('a stream that overflows ends with an error event for the call still running', async () => {
        const server = await start(['--max-response-bytes', '4096']);
        const batch = [
            { jsonrpc: '2.0', id: 'slow', method: 'tools/call', params: { name: 'slow_compute', arguments: { seconds: 1 } } },
            ...Array.from({ length: 5 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/list' })),
        ];
        const res = await rawRequest({
            port: server.port,
            headers: { ...LEGACY, 'MCP-Protocol-Version': '2025-03-26' },
            body: Buffer.from(JSON.stringify(batch)),
        });
        assert.equal(res.headers['content-type'], 'text/event-stream');
        const messages = readJsonRpc(res).messages;
        const slow = messages.find((m) => m.id === 'slow');
        assert.ok(slow?.error, JSON.stringify(messages));
        assert.equal(slow.error.code, -32603);
        assert.ok(!messages.some((m) => m.id === 'slow' && m.result), 'no result after the error');
    });

    test('the preflight allows the Mcp-Param-* headers the tools declare; every answer says Vary: Origin', async () => {
        const server = await start([]);
        const pre = await rawRequest({
            port: server.port,
            method: 'OPTIONS',
            headers: {
                Origin: 'http://localhost:3000',
                'Access-Control-Request-Method': 'POST',
                'Access-Control-Request-Headers': 'content-type, mcp-param-region, mcp-protocol-version',
            },
        });
        assert.equal(pre.status, 204);
        const allowed = pre.headers['access-control-allow-headers'].split(',').map((h) => h.trim());
        for (const h of ['mcp-param-region', 'mcp-param-priority', 'mcp-param-dry-run', 'mcp-protocol-version', 'mcp-name'])
            assert.ok(allowed.includes(h), `${h} in ${allowed}`);
        assert.equal(pre.headers['access-control-allow-methods'], 'POST, OPTIONS');
        assert.equal(pre.headers['access-control-allow-origin'], 'http://localhost:3000');
        assert.match(pre.headers.vary, /Origin/);
        const plain = await call(server, 'ping'); // no Origin at all
        assert.match(plain.headers.vary, /Origin/);
        const refused = await rawRequest({ port: server.port, headers: { ...LEGACY, Origin: 'http://evil.example' }, body: callBody('ping') });
        assert.equal(refused.status, 403);
        assert.match(refused.headers.vary, /Origin/);
    });

    test('a 2025-era prompts/get of a prompt that needs the client names the revision that supports it', async () => {
        const server = await start([]);
        const res = await rawRequest({
            port: server.port,
            headers: LEGACY,
            body: Buffer.from(
                JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'test_input_required_result_prompt' } }),
            ),
        });
        const m = readJsonRpc(res).response;
        assert.equal(m.error.code, -32602, JSON.stringify(m));
        assert.match(m.error.message, /2026-07-28/);
        assert.match(m.error.message, /2025-11-25/);
    });
});
