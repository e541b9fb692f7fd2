// emulator.test.mjs: tests of the Runtime API emulator and the API Gateway shim themselves, with a fake
// function written in Node (fixtures/echo-function.mjs). Run: node --test tests/lambda/emulator.test.mjs
//
// Every test has a time limit, every process is stopped by PID in an after hook, and every port is chosen by
// the OS on 127.0.0.1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { preludeToHttp, proxyResponseToHttp, startShim } from './apigw-shim.mjs';
import {
    HTTP_INTEGRATION_CONTENT_TYPE,
    MAX_BUFFERED_RESPONSE_BYTES,
    MAX_INVOKE_PAYLOAD_BYTES,
    startEmulator,
} from './runtime-emulator.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(HERE, 'fixtures', 'echo-function.mjs');
const EVENTS = join(HERE, 'events');
const T = { timeout: 30_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/;

// A parent-only variable: it must not reach the function unless inheritEnv is set.
process.env.ECHO_PARENT_ONLY = 'must-not-leak';

const loadEvent = (name) => JSON.parse(readFileSync(join(EVENTS, name), 'utf8'));

function fixtureEmulator(opts = {}) {
    return startEmulator({ command: process.execPath, args: [FIXTURE], ...opts });
}

/** The echo body of a buffered proxy response: { requestId, traceId, env, event, decodedBody, ... }. */
function echoOf(buf) {
    const outer = JSON.parse(buf.toString('utf8'));
    return JSON.parse(outer.body);
}

/** JSON lines the fixture printed about its Runtime API calls. */
function fixtureLog(inst) {
    return inst.stdout.map((l) => JSON.parse(l)).filter((o) => o.fixture === 'runtime-api');
}

/** Wait until `cond()` holds (polling), or fail after `ms`. */
async function waitFor(cond, ms, what) {
    const end = Date.now() + ms;
    while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
    }
}

/**
 * One HTTP request on a fresh connection. Records each body chunk's arrival time, and whether the response
 * was complete (a response cut off mid-body has complete: false). A large body is written in pieces and
 * writing stops as soon as an answer starts (a 413 may come before the body is sent).
 */
function send(url, { method = 'POST', headers = {}, body = null, timeoutMs = 20_000 } = {}) {
    return new Promise((resolve, reject) => {
        const u = new URL(url);
        const h = { ...headers };
        if (body !== null) h['Content-Length'] = String(body.length);
        const req = http.request({ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: h, agent: false });
        const startedAt = Date.now();
        let responded = false;
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no complete answer within ${timeoutMs} ms`)));
        req.on('response', (res) => {
            responded = true;
            const chunks = [];
            const times = [];
            let settled = false;
            const done = (cutOff) => {
                if (settled) return;
                settled = true;
                const buf = Buffer.concat(chunks);
                resolve({
                    status: res.statusCode, headers: res.headers, body: buf, text: buf.toString('utf8'), chunks, times,
                    startedAt, endAt: Date.now(), complete: !cutOff && res.complete,
                });
                req.destroy();
            };
            res.on('data', (c) => {
                chunks.push(c);
                times.push(Date.now());
            });
            res.on('end', () => done(false));
            res.on('aborted', () => done(true));
            res.on('error', () => done(true));
            res.on('close', () => done(!res.complete));
        });
        req.on('error', (err) => {
            if (!responded) reject(new Error(`${method} ${url}: ${err.message}`));
        });
        if (body === null || body.length <= 64 * 1024) {
            req.end(body ?? undefined);
            return;
        }
        req.flushHeaders();
        (async () => {
            for (let off = 0; off < body.length; off += 64 * 1024) {
                await new Promise((r) => setTimeout(() => setImmediate(r), 0));
                if (responded || req.destroyed) return;
                await new Promise((r) => req.write(body.subarray(off, off + 64 * 1024), () => r()));
            }
            if (!responded && !req.destroyed) req.end();
        })();
    });
}

/** A direct call to an instance's Runtime API (what a misbehaving runtime would do). */
function runtimeCall(inst, method, path, body = null, headers = {}) {
    return send(`http://${inst.runtimeApi}${path}`, { method, body: body === null ? null : Buffer.from(body), headers });
}

// ------------------------------------------------------------------------------------------------------------

describe('runtime emulator', () => {
    const emus = [];
    const make = async (opts) => {
        const emu = await fixtureEmulator(opts);
        emus.push(emu);
        return emu;
    };
    after(async () => {
        await Promise.all(emus.map((e) => e.stop()));
    });

    test('next/response: the event, the Lambda-Runtime-* headers and the environment', T, async () => {
        const emu = await make({ env: { ECHO_EXTRA: 'yes' }, functionName: 'echo-fn', memorySize: 256 });
        const r = await emu.invoke({ mode: 'echo', n: 1 }, { timeoutMs: 5000 });
        assert.equal(r.kind, 'response', r.errorMessage);
        assert.equal(r.streaming, false);
        assert.equal(r.errorType, null);
        assert.match(r.requestId, UUID);
        const outer = JSON.parse(r.body.toString('utf8'));
        assert.equal(outer.statusCode, 200);
        const echo = JSON.parse(outer.body);
        assert.equal(echo.requestId, r.requestId);
        assert.deepEqual(echo.event, { mode: 'echo', n: 1 });
        assert.equal(echo.contentType, 'application/json');
        assert.equal(echo.deadlineMs, r.deadlineMs);
        assert.equal(r.deadlineMs - r.invocation.deliveredAt, 5000);
        assert.ok(Math.abs(r.deadlineMs - 5000 - Date.now()) < 3000, 'deadline is now + timeout, in Unix ms');
        assert.equal(echo.lambdaArn, 'arn:aws:lambda:us-east-1:123456789012:function:echo-fn');
        assert.match(echo.traceId, TRACE);
        assert.equal(echo.env._X_AMZN_TRACE_ID, echo.traceId);

        const [inst] = emu.instances;
        assert.equal(emu.instances.length, 1);
        const env = echo.env;
        assert.equal(env.AWS_LAMBDA_RUNTIME_API, `127.0.0.1:${inst.port}`);
        assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'echo-fn');
        assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
        assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
        assert.equal(env.AWS_REGION, 'us-east-1');
        assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/echo-fn');
        assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
        assert.equal(env._HANDLER, 'function.handler');
        assert.equal(env.LAMBDA_TASK_ROOT, '/var/task');
        assert.equal(env.ECHO_EXTRA, 'yes');
        assert.equal(env.ECHO_PARENT_ONLY, undefined, 'the parent environment does not leak without inheritEnv');

        // Output is recorded per instance.
        assert.ok(inst.stderr.some((l) => l.startsWith('echo-function: starting')), inst.stderr.join('\n'));
        // The fixture logs the Runtime API's answers; its output may arrive a moment after the invocation ends.
        const answered = (c) => c.path.endsWith(`/invocation/${r.requestId}/response`) && c.status === 202 && c.body.status === 'OK';
        await waitFor(() => fixtureLog(inst).some(answered), 5000, 'the 202 in the fixture log');
        assert.ok(fixtureLog(inst).some((c) => c.path.endsWith('/invocation/next') && c.requestId === r.requestId));
        assert.ok(inst.initDurationMs >= 0);

        // A warm second invocation goes to the same instance.
        const r2 = await emu.invoke({ mode: 'echo', n: 2 });
        assert.equal(r2.kind, 'response');
        assert.equal(r2.instanceId, r.instanceId);
        assert.equal(r2.pid, r.pid);
        assert.notEqual(r2.requestId, r.requestId);
        assert.equal(r2.deadlineMs - r2.invocation.deliveredAt, 3000, 'default timeout 3 s');
        assert.deepEqual(emu.violations(), []);
    });

    test('/error: the error type header and the error body are recorded; the loop goes on', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'error' });
        assert.equal(r.kind, 'error');
        assert.equal(r.errorType, 'Function.EchoError');
        assert.deepEqual(r.error, { errorMessage: 'echo failure requested', errorType: 'EchoError', stackTrace: ['at handle (echo-function.mjs)'] });
        assert.equal(r.errorMessage, 'echo failure requested');
        const [inst] = emu.instances;
        await waitFor(() => fixtureLog(inst).some((c) => c.path.endsWith('/error') && c.status === 202 && c.body.status === 'OK'), 5000, 'the 202 in the fixture log');
        const again = await emu.invoke({ mode: 'echo' });
        assert.equal(again.kind, 'response');
        assert.equal(again.pid, r.pid);
        assert.deepEqual(emu.violations(), []);
    });

    test('/init/error: the first invoke gets the init error and the process exits non-zero', T, async () => {
        const emu = await make({ env: { ECHO_INIT_ERROR: '1' } });
        const r = await emu.invoke({ mode: 'echo' });
        assert.equal(r.kind, 'error');
        assert.equal(r.initError, true);
        assert.equal(r.phase, 'init');
        assert.equal(r.errorType, 'Runtime.InvalidConfiguration');
        assert.equal(r.error.errorType, 'InvalidConfiguration');
        assert.match(r.errorMessage, /bad configuration/);
        const [inst] = emu.instances;
        const exit = await inst.exited;
        assert.equal(exit.code, 3);
        assert.equal(inst.killedBy, null, 'it exited by itself');
        assert.equal(inst.initError.errorType, 'Runtime.InvalidConfiguration');
        assert.ok(fixtureLog(inst).some((c) => c.path.endsWith('/init/error') && c.status === 202), 'output is complete once the process exited');
    });

    test('a runtime that dies during init fails the invocation with Runtime.ExitError', T, async () => {
        const emu = await make({ env: { ECHO_INIT_CRASH: '5' } });
        const r = await emu.invoke({ mode: 'echo' });
        assert.equal(r.kind, 'error');
        assert.equal(r.errorType, 'Runtime.ExitError');
        assert.equal(r.phase, 'init');
        assert.match(r.errorMessage, /Runtime exited with error: exit status 5/);
        assert.deepEqual(JSON.parse(r.body.toString('utf8')).errorType, 'Runtime.ExitError');
    });

    test('a buffered response over 6 MB gets 413 and the invocation fails; exactly the limit is accepted', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'big', bytes: MAX_BUFFERED_RESPONSE_BYTES + 1 });
        assert.equal(r.kind, 'error');
        assert.equal(r.errorType, 'Function.ResponseSizeTooLarge');
        assert.equal(r.errorMessage, `Response payload size exceeded maximum allowed payload size (${MAX_BUFFERED_RESPONSE_BYTES} bytes).`);
        const [inst] = emu.instances;
        await waitFor(() => fixtureLog(inst).some((c) => c.status === 413), 5000, 'the fixture to log the 413');
        const answer = fixtureLog(inst).find((c) => c.status === 413);
        assert.equal(answer.body.errorType, 'RequestEntityTooLarge');
        assert.match(answer.body.errorMessage, /6291556 bytes/);
        assert.ok(emu.violations().some((v) => v.status === 413));

        const exact = await emu.invoke({ mode: 'big', bytes: MAX_BUFFERED_RESPONSE_BYTES });
        assert.equal(exact.kind, 'response');
        assert.equal(exact.body.length, MAX_BUFFERED_RESPONSE_BYTES);
        assert.equal(exact.pid, r.pid, 'the same instance serves on');
    });

    test('a request id that is unknown or already answered gets 400 InvalidRequestID', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'echo' });
        const [inst] = emu.instances;
        for (const path of [
            `/2018-06-01/runtime/invocation/${r.requestId}/response`,
            `/2018-06-01/runtime/invocation/${r.requestId}/error`,
            '/2018-06-01/runtime/invocation/no-such-id/response',
            '/2018-06-01/runtime/invocation/no-such-id/error',
        ]) {
            const res = await runtimeCall(inst, 'POST', path, '{}', { 'Content-Type': 'application/json' });
            assert.equal(res.status, 400, path);
            assert.deepEqual(JSON.parse(res.text), { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
        }
        // A function that answers twice: the second POST is refused.
        const d = await emu.invoke({ mode: 'double' });
        assert.equal(d.kind, 'response');
        await waitFor(() => fixtureLog(inst).some((c) => c.path.endsWith(`${d.requestId}/response`) && c.status === 400), 5000, 'the second answer');
        // Unknown resources and wrong methods are refused too.
        assert.equal((await runtimeCall(inst, 'GET', '/2018-06-01/runtime/nothing')).status, 404);
        assert.equal((await runtimeCall(inst, 'POST', '/2018-06-01/runtime/invocation/next', '')).status, 405);
        assert.ok(emu.violations().filter((v) => v.status === 400).length >= 5);
        assert.equal((await emu.invoke({ mode: 'echo' })).kind, 'response');
    });

    test('the deadline: a function still running is killed with SIGKILL and reported as timed out', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'hang' }, { timeoutMs: 400 });
        assert.equal(r.kind, 'timeout');
        assert.equal(r.errorType, 'Sandbox.Timedout');
        assert.match(r.errorMessage, new RegExp(`^RequestId: ${r.requestId} Error: Task timed out after 0\\.40 seconds$`));
        assert.ok(r.durationMs >= 400, `${r.durationMs}`);
        assert.equal(JSON.parse(r.body.toString('utf8')).errorMessage, r.errorMessage);
        const [inst] = emu.instances;
        const exit = await inst.exited;
        assert.equal(exit.signal, 'SIGKILL');
        assert.equal(inst.killedBy, 'timeout');
        // The next invocation gets a new execution environment.
        const next = await emu.invoke({ mode: 'echo' });
        assert.equal(next.kind, 'response');
        assert.notEqual(next.instanceId, r.instanceId);
        assert.notEqual(next.pid, r.pid);
    });

    test('work after the response: the instance stays busy until it asks for the next invocation', T, async () => {
        const emu = await make({ maxInstances: 2 });
        const first = await emu.invoke({ mode: 'after-work', delayMs: 800 });
        assert.equal(first.kind, 'response');
        // the first instance still works: the next invocation starts a second one rather than wait for it
        const second = await emu.invoke({ mode: 'echo' });
        assert.equal(second.kind, 'response');
        assert.notEqual(second.instanceId, first.instanceId);
        const [inst] = emu.instances;
        for (let i = 0; i < 100 && inst.state !== 'idle'; ++i) await new Promise((r) => setTimeout(r, 50));
        assert.equal(inst.state, 'idle', 'the first instance asked for its next invocation');
        const inv = inst.invocations[0];
        assert.ok(inv.afterResponseMs >= 800, `worked ${inv.afterResponseMs} ms after its response`);
        assert.equal(inv.afterResponseTimedOut, undefined);
        assert.deepEqual(emu.violations(), []);
    });

    test('work after the response is bounded by the deadline: the instance is stopped then', T, async () => {
        const emu = await make({ maxInstances: 1 });
        const r = await emu.invoke({ mode: 'after-work', delayMs: 10_000 }, { timeoutMs: 500 });
        assert.equal(r.kind, 'response', 'the client has its answer');
        const [inst] = emu.instances;
        const exit = await inst.exited;
        assert.equal(exit.signal, 'SIGKILL');
        assert.equal(inst.killedBy, 'timeout');
        assert.equal(inst.invocations[0].afterResponseTimedOut, true);
        const next = await emu.invoke({ mode: 'echo' });
        assert.equal(next.kind, 'response');
        assert.notEqual(next.pid, r.pid);
    });

    test('a runtime that exits during an invocation: Runtime.ExitError', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'crash' });
        assert.equal(r.kind, 'error');
        assert.equal(r.errorType, 'Runtime.ExitError');
        assert.match(r.errorMessage, /exit status 7$/);
        assert.equal((await emu.instances[0].exited).code, 7);
    });

    test('two concurrent invocations run in two instances (two processes)', T, async () => {
        const emu = await make({ maxInstances: 2 });
        const t0 = Date.now();
        const [a, b] = await Promise.all([emu.invoke({ mode: 'sleep', delayMs: 600 }), emu.invoke({ mode: 'sleep', delayMs: 600 })]);
        const wall = Date.now() - t0;
        assert.equal(a.kind, 'response');
        assert.equal(b.kind, 'response');
        assert.notEqual(a.instanceId, b.instanceId);
        assert.notEqual(a.pid, b.pid);
        assert.equal(emu.instances.length, 2);
        assert.ok(wall < 1150, `ran in parallel (${wall} ms)`);
        // A third concurrent one beyond maxInstances waits for a free instance.
        const [c, d, e] = await Promise.all([0, 1, 2].map(() => emu.invoke({ mode: 'sleep', delayMs: 200 })));
        assert.ok([c, d, e].every((x) => x.kind === 'response'));
        assert.equal(emu.instances.length, 2, 'no instance beyond maxInstances');
    });

    test('one instance serves one invocation at a time', T, async () => {
        const emu = await make({ maxInstances: 1 });
        const t0 = Date.now();
        const [a, b] = await Promise.all([emu.invoke({ mode: 'sleep', delayMs: 300 }), emu.invoke({ mode: 'sleep', delayMs: 300 })]);
        assert.equal(a.pid, b.pid);
        assert.ok(Date.now() - t0 >= 600, 'the second waited for the first');
        assert.ok(b.invocation.deliveredAt >= a.invocation.completedAt || a.invocation.deliveredAt >= b.invocation.completedAt);
    });

    test('streaming response: chunks are handed over as the function writes them', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'stream', chunks: 4, delayMs: 250 }, { stream: true, timeoutMs: 10_000 });
        assert.equal(r.kind, 'response');
        assert.equal(r.streaming, true);
        assert.equal(r.contentType, HTTP_INTEGRATION_CONTENT_TYPE);
        assert.equal(r.headers['lambda-runtime-function-response-mode'], 'streaming');
        assert.equal(r.headers['transfer-encoding'], 'chunked');
        const arrivals = [];
        const parts = [];
        for await (const chunk of r.chunks) {
            arrivals.push(Date.now());
            parts.push(chunk);
        }
        const final = await r.done;
        assert.equal(final.kind, 'response');
        assert.equal(final.errorType, null);
        const body = final.body;
        assert.deepEqual(Buffer.concat(parts), body);
        const nul = body.indexOf(Buffer.alloc(8));
        assert.ok(nul > 0, 'prelude + 8 NUL bytes');
        assert.equal(JSON.parse(body.subarray(0, nul).toString('utf8')).statusCode, 200);
        assert.equal((body.toString('utf8').match(/^data: /gm) ?? []).length, 4);
        // The first event was available long before the last one was written.
        const firstEventAt = arrivals[parts.findIndex((p) => p.includes('"n":0'))];
        assert.ok(final.invocation.completedAt - firstEventAt >= 600, `first event ${final.invocation.completedAt - firstEventAt} ms before the end`);
        assert.deepEqual(emu.violations(), []);
    });

    test('streaming error trailers are recorded, and the invocation still counts as a response', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'stream-error' }, { stream: true });
        for await (const _ of r.chunks) {
            /* drain */
        }
        const final = await r.done;
        assert.equal(final.kind, 'response');
        assert.equal(final.errorType, 'Function.EchoStreamError');
        assert.deepEqual(final.error, { errorMessage: 'failed mid-stream', errorType: 'EchoStreamError' });
        assert.ok(final.body.length > 0);
        assert.deepEqual(emu.violations(), [], 'the trailers were declared');
    });

    test('a streaming function that overruns its deadline is killed mid-stream', T, async () => {
        const emu = await make();
        const r = await emu.invoke({ mode: 'stream-hang' }, { stream: true, timeoutMs: 600 });
        assert.equal(r.streaming, true);
        const parts = [];
        for await (const c of r.chunks) parts.push(c);
        const final = await r.done;
        assert.equal(final.kind, 'timeout');
        assert.ok(Buffer.concat(parts).includes('"n":0'));
        assert.equal((await emu.instances[0].exited).signal, 'SIGKILL');
    });

    test('an invoke payload over 6 MB is refused without running the function', T, async () => {
        const emu = await make();
        const r = await emu.invoke(Buffer.alloc(MAX_INVOKE_PAYLOAD_BYTES + 1, 0x20));
        assert.equal(r.kind, 'error');
        assert.equal(r.rejected, true);
        assert.equal(r.errorType, 'RequestEntityTooLargeException');
        assert.equal(emu.instances.length, 0);
    });

    test('the example events reach the function unchanged', T, async () => {
        const emu = await make();
        for (const name of ['rest-v1-mcp-post.json', 'http-v2-mcp-post.json', 'function-url-mcp-post.json']) {
            const event = loadEvent(name);
            const r = await emu.invoke(event);
            assert.equal(r.kind, 'response', name);
            const echo = echoOf(r.body);
            assert.deepEqual(echo.event, event, name);
            const rpc = JSON.parse(echo.decodedBody);
            assert.equal(rpc.method, 'tools/call', name);
            assert.equal(rpc.params.arguments.city, 'Paris', name);
        }
    });

    test('stop() ends every instance by PID', T, async () => {
        const emu = await fixtureEmulator({ maxInstances: 2 });
        await emu.prewarm(2);
        assert.equal(emu.instances.length, 2);
        assert.ok(emu.instances.every((i) => i.state === 'idle' && i.initDurationMs !== null));
        await emu.stop();
        for (const inst of emu.instances) {
            assert.notEqual(inst.exitedAt, null, `${inst.id} exited`);
            assert.equal(inst.signal, 'SIGTERM');
        }
        await assert.rejects(emu.invoke({}), /after stop/);
    });
});

// ------------------------------------------------------------------------------------------------------------

describe('API Gateway shim', () => {
    let emu;
    const shims = [];
    const shim = async (opts) => {
        const s = await startShim({ emulator: emu, timeoutMs: 5000, ...opts });
        shims.push(s);
        return s;
    };
    before(async () => {
        emu = await fixtureEmulator({ maxInstances: 3 });
    });
    after(async () => {
        await Promise.all(shims.map((s) => s.stop()));
        await emu.stop();
    });

    const mcpHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
    const ping = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}');

    test('REST (payload 1.0): the event shape', T, async () => {
        const s = await shim({ format: 'rest', authorizer: { principalId: 'user-1', tenant: 'acme', n: 1 } });
        assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/dev\/mcp$/);
        const res = await send(`${s.url}?a=1&a=2&b=x%20y`, {
            headers: { ...mcpHeaders, 'X-Multi': ['a', 'b'], Cookie: 'c1=v1; c2=v2', Origin: 'http://localhost:3000', 'x-echo-mode': 'echo' },
            body: ping,
        });
        assert.equal(res.status, 200, res.text);
        const echo = JSON.parse(res.text);
        const ev = echo.event;
        assert.equal(ev.resource, '/mcp');
        assert.equal(ev.path, '/mcp');
        assert.equal(ev.httpMethod, 'POST');
        assert.equal(ev.headers['X-Multi'], 'b', 'headers: the last value');
        assert.deepEqual(ev.multiValueHeaders['X-Multi'], ['a', 'b'], 'multiValueHeaders: every value');
        assert.equal(ev.headers['Content-Type'], 'application/json', 'the client\'s spelling is kept');
        assert.equal(ev.headers.Cookie, 'c1=v1; c2=v2');
        assert.equal(ev.headers.Origin, 'http://localhost:3000');
        assert.equal(ev.headers.Host, s.domainName, 'Host is the execute-api domain');
        assert.match(s.domainName, /^[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/);
        assert.equal(ev.headers['X-Forwarded-Proto'], 'https');
        assert.equal(ev.headers['X-Forwarded-Port'], '443');
        assert.equal(ev.headers['X-Forwarded-For'], '127.0.0.1');
        assert.equal(ev.headers['X-Amzn-Trace-Id'], echo.traceId.split(';')[0], 'the trace header and the Runtime API trace id share the root');
        assert.deepEqual(ev.queryStringParameters, { a: '2', b: 'x y' });
        assert.deepEqual(ev.multiValueQueryStringParameters, { a: ['1', '2'], b: ['x y'] });
        assert.equal(ev.pathParameters, null);
        assert.equal(ev.stageVariables, null);
        assert.equal(ev.body, ping.toString());
        assert.equal(ev.isBase64Encoded, false);
        const rc = ev.requestContext;
        assert.equal(rc.path, '/dev/mcp', 'requestContext.path has the stage');
        assert.equal(rc.stage, 'dev');
        assert.equal(rc.resourcePath, '/mcp');
        assert.equal(rc.httpMethod, 'POST');
        assert.equal(rc.domainName, s.domainName);
        assert.equal(rc.apiId, s.apiId);
        assert.equal(rc.accountId, '123456789012');
        assert.equal(rc.protocol, 'HTTP/1.1');
        assert.match(rc.requestId, UUID);
        assert.ok(Math.abs(rc.requestTimeEpoch - Date.now()) < 10_000);
        assert.match(rc.requestTime, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
        assert.equal(rc.identity.sourceIp, '127.0.0.1');
        assert.deepEqual(rc.authorizer, { principalId: 'user-1', tenant: 'acme', n: '1', integrationLatency: 0 });
        // The example event and the shim's events have the same fields.
        const example = loadEvent('rest-v1-mcp-post.json');
        assert.deepEqual(Object.keys(ev).sort(), Object.keys(example).sort());
        assert.deepEqual(Object.keys(rc).sort(), Object.keys(example.requestContext).sort());
        assert.deepEqual(Object.keys(rc.identity).sort(), Object.keys(example.requestContext.identity).sort());
        // Response: headers + multiValueHeaders, and API Gateway's own headers.
        assert.equal(res.headers['content-type'], 'application/json');
        assert.deepEqual(res.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
        assert.equal(res.headers['x-multi'], 'one, two');
        assert.equal(res.headers['x-amzn-requestid'], rc.requestId);

        // No body and no query string: nulls.
        const get = await send(s.url, { method: 'GET', headers: { 'x-echo-mode': 'echo' } });
        const gev = JSON.parse(get.text).event;
        assert.equal(gev.httpMethod, 'GET');
        assert.equal(gev.body, null);
        assert.equal(gev.isBase64Encoded, false);
        assert.equal(gev.queryStringParameters, null);
        assert.equal(gev.multiValueQueryStringParameters, null);
    });

    test('REST: other paths are refused by the gateway; WWW-Authenticate is remapped', T, async () => {
        const s = await shim({ format: 'rest', stage: 'prod' });
        assert.ok(s.url.endsWith('/prod/mcp'));
        for (const path of ['/mcp', '/prod/other', '/dev/mcp']) {
            const res = await send(`${s.origin}${path}`, { headers: mcpHeaders, body: ping });
            assert.equal(res.status, 403, path);
            assert.deepEqual(JSON.parse(res.text), { message: 'Missing Authentication Token' });
        }
        const res = await send(s.url, { headers: { ...mcpHeaders, 'x-echo-mode': 'www-auth' }, body: ping });
        assert.equal(res.status, 401);
        assert.equal(res.headers['www-authenticate'], undefined);
        assert.equal(res.headers['x-amzn-remapped-www-authenticate'], 'Bearer realm="mcp"');
        assert.equal(res.text, '{"error":"unauthorized"}');
    });

    test('REST: base64 request bodies (binary media types) and base64 responses', T, async () => {
        const s = await shim({ format: 'rest', base64Bodies: true });
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const res = await send(s.url, { headers: { 'Content-Type': 'application/octet-stream', 'x-echo-mode': 'echo' }, body: bytes });
        assert.equal(res.status, 200);
        const ev = JSON.parse(res.text).event;
        assert.equal(ev.isBase64Encoded, true);
        assert.deepEqual(Buffer.from(ev.body, 'base64'), bytes);
        const json = await send(s.url, { headers: { ...mcpHeaders, 'x-echo-mode': 'echo' }, body: ping });
        const jev = JSON.parse(json.text).event;
        assert.equal(jev.isBase64Encoded, true, 'base64Bodies: every body, JSON too');
        assert.equal(Buffer.from(jev.body, 'base64').toString(), ping.toString());
        assert.equal(JSON.parse(json.text).decodedBody, ping.toString());

        const bin = await send(s.url, { headers: { 'x-echo-mode': 'binary' }, body: ping });
        assert.equal(bin.status, 200);
        assert.equal(bin.headers['content-type'], 'application/octet-stream');
        assert.deepEqual(bin.body, Buffer.from([0, 1, 2, 0xfe, 0xff]));

        const plain = await shim({ format: 'rest' });
        const pev = JSON.parse((await send(plain.url, { headers: { 'Content-Type': 'application/octet-stream', 'x-echo-mode': 'echo' }, body: Buffer.from('abc') })).text).event;
        assert.equal(pev.isBase64Encoded, false, 'without binary media types a REST API passes text');
        const typed = await shim({ format: 'rest', binaryMediaTypes: ['application/octet-stream'] });
        const tev = JSON.parse((await send(typed.url, { headers: { 'Content-Type': 'application/octet-stream', 'x-echo-mode': 'echo' }, body: Buffer.from('abc') })).text).event;
        assert.equal(tev.isBase64Encoded, true);
        assert.equal(tev.body, Buffer.from('abc').toString('base64'));
    });

    test('REST: function errors, malformed responses and timeouts become gateway errors', T, async () => {
        const s = await shim({ format: 'rest', timeoutMs: 400 });
        const expect502 = async (mode) => {
            const res = await send(s.url, { headers: { ...mcpHeaders, 'x-echo-mode': mode }, body: ping });
            assert.equal(res.status, 502, `${mode}: ${res.text}`);
            assert.equal(res.text, '{"message": "Internal server error"}');
            return s.requests.at(-1);
        };
        assert.match((await expect502('error')).reason, /Function\.EchoError/);
        assert.match((await expect502('raw-json')).reason, /statusCode/, 'REST requires statusCode');
        assert.match((await expect502('stream')).reason, /not JSON/, 'a streamed payload to a buffered integration');
        assert.match((await expect502('hang')).reason, /timeout: Sandbox\.Timedout/, 'the function timed out first');

        const slow = await shim({ format: 'rest', timeoutMs: 5000, integrationTimeoutMs: 300 });
        const res = await send(slow.url, { headers: { ...mcpHeaders, 'x-echo-mode': 'sleep', 'x-echo-delay-ms': '1000' }, body: ping });
        assert.equal(res.status, 504);
        assert.equal(res.text, '{"message": "Endpoint request timed out"}');
    });

    test('REST: request size limits (10 MB at the gateway, 6 MB for the invoke payload)', T, async () => {
        const s = await shim({ format: 'rest' });
        const huge = await send(s.url, { headers: mcpHeaders, body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20) });
        assert.equal(huge.status, 413);
        assert.deepEqual(JSON.parse(huge.text), { message: 'Request Too Long' });
        const big = await send(s.url, { headers: mcpHeaders, body: Buffer.alloc(7 * 1024 * 1024, 0x20) });
        assert.equal(big.status, 500, 'Lambda refuses the invocation: API Gateway answers 500');
        assert.equal(s.requests.at(-1).invocation.errorType, 'RequestEntityTooLargeException');
        const ok = await send(s.url, { headers: { ...mcpHeaders, 'x-echo-mode': 'raw-json' }, body: ping });
        assert.equal(ok.status, 502, 'and the gateway still works');
    });

    test('HTTP API (payload 2.0): the event shape, cookies, and the response rules', T, async () => {
        const s = await shim({ format: 'http', authorizer: { principalId: 'user-1', tenant: 'acme', n: 1 } });
        assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
        const res = await send(`${s.url}?a=1&a=2&b=x%20y`, {
            headers: { ...mcpHeaders, 'X-Multi': ['a', 'b'], Cookie: 'c1=v1; c2=v2', 'User-Agent': 'shim-test', 'x-echo-mode': 'echo' },
            body: ping,
        });
        assert.equal(res.status, 200, res.text);
        const echo = JSON.parse(res.text);
        const ev = echo.event;
        assert.equal(ev.version, '2.0');
        assert.equal(ev.routeKey, 'ANY /mcp');
        assert.equal(ev.rawPath, '/mcp');
        assert.equal(ev.rawQueryString, 'a=1&a=2&b=x%20y');
        assert.deepEqual(ev.queryStringParameters, { a: '1,2', b: 'x y' });
        assert.deepEqual(ev.cookies, ['c1=v1', 'c2=v2']);
        assert.equal(ev.headers.cookie, undefined, 'cookies are not in headers');
        assert.equal(ev.headers['x-multi'], 'a,b', 'repeated headers are comma-joined');
        assert.equal(ev.headers['content-type'], 'application/json');
        assert.ok(Object.keys(ev.headers).every((k) => k === k.toLowerCase()), 'header names are lower case');
        assert.equal(ev.headers.host, s.domainName);
        assert.equal(ev.body, ping.toString());
        assert.equal(ev.isBase64Encoded, false);
        const rc = ev.requestContext;
        assert.deepEqual(rc.http, { method: 'POST', path: '/mcp', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'shim-test' });
        assert.deepEqual(rc.authorizer, { lambda: { tenant: 'acme', n: 1 } });
        assert.equal(rc.stage, '$default');
        assert.equal(rc.routeKey, 'ANY /mcp');
        assert.equal(rc.domainName, s.domainName);
        assert.ok(Math.abs(rc.timeEpoch - Date.now()) < 10_000);
        const example = loadEvent('http-v2-mcp-post.json');
        assert.deepEqual(Object.keys(ev).sort(), Object.keys(example).sort());
        assert.deepEqual(Object.keys(rc).sort(), Object.keys(example.requestContext).sort());
        assert.deepEqual(res.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/'], 'cookies become Set-Cookie');
        assert.match(res.headers['apigw-requestid'], /^[A-Za-z0-9+/]{14,}=*$/);

        // No statusCode: 200, application/json, the payload as the body.
        const raw = await send(s.url, { headers: { 'x-echo-mode': 'raw-json' }, body: ping });
        assert.equal(raw.status, 200);
        assert.equal(raw.headers['content-type'], 'application/json');
        assert.equal(raw.text, '{"hello":"world"}');
        // WWW-Authenticate passes unchanged on HTTP APIs.
        const auth = await send(s.url, { headers: { 'x-echo-mode': 'www-auth' }, body: ping });
        assert.equal(auth.headers['www-authenticate'], 'Bearer realm="mcp"');
        // Binary content types are base64-encoded ('auto'); no body means no body field.
        const bin = JSON.parse((await send(s.url, { headers: { 'Content-Type': 'image/png', 'x-echo-mode': 'echo' }, body: Buffer.from([137, 80, 78, 71]) })).text).event;
        assert.equal(bin.isBase64Encoded, true);
        assert.deepEqual(Buffer.from(bin.body, 'base64'), Buffer.from([137, 80, 78, 71]));
        const empty = JSON.parse((await send(s.url, { method: 'GET', headers: { 'x-echo-mode': 'echo' } })).text).event;
        assert.equal('body' in empty, false);
        assert.equal('queryStringParameters' in empty, false);
        assert.equal('cookies' in empty, false);

        const other = await send(`${s.origin}/other`, { body: ping });
        assert.equal(other.status, 404);
        assert.deepEqual(JSON.parse(other.text), { message: 'Not Found' });
        const err = await send(s.url, { headers: { 'x-echo-mode': 'error' }, body: ping });
        assert.equal(err.status, 500);
        assert.deepEqual(JSON.parse(err.text), { message: 'Internal Server Error' });
        const slow = await shim({ format: 'http', integrationTimeoutMs: 300 });
        const late = await send(slow.url, { headers: { 'x-echo-mode': 'sleep', 'x-echo-delay-ms': '1000' }, body: ping });
        assert.equal(late.status, 503);
        assert.deepEqual(JSON.parse(late.text), { message: 'Service Unavailable' });
        await assert.rejects(startShim({ emulator: emu, format: 'http', stream: true }), /cannot stream/);
    });

    test('Function URL: the event shape', T, async () => {
        const s = await shim({ format: 'url', base64Bodies: true });
        assert.match(s.domainName, /^[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/);
        const res = await send(`${s.origin}/any/path?x=1`, { headers: { ...mcpHeaders, Cookie: 'k=v', 'x-echo-mode': 'echo' }, body: ping });
        assert.equal(res.status, 200, res.text);
        const echo = JSON.parse(res.text);
        const ev = echo.event;
        assert.equal(ev.version, '2.0');
        assert.equal(ev.routeKey, '$default');
        assert.equal(ev.rawPath, '/any/path');
        assert.equal(ev.rawQueryString, 'x=1');
        assert.deepEqual(ev.cookies, ['k=v']);
        assert.equal(ev.headers.host, s.domainName);
        assert.equal(ev.isBase64Encoded, true);
        assert.equal(Buffer.from(ev.body, 'base64').toString(), ping.toString());
        const rc = ev.requestContext;
        assert.equal(rc.domainName, s.domainName);
        assert.equal(rc.domainPrefix, s.domainName.split('.')[0]);
        assert.equal(rc.apiId, rc.domainPrefix);
        assert.equal(rc.routeKey, '$default');
        assert.equal(rc.stage, '$default');
        assert.equal(rc.requestId, echo.requestId, 'the Lambda request id');
        assert.equal(rc.authentication, null);
        assert.equal(rc.authorizer, undefined, 'auth type NONE');
        assert.equal(res.headers['x-amzn-requestid'], echo.requestId);
        const example = loadEvent('function-url-mcp-post.json');
        assert.deepEqual(Object.keys(rc).sort(), Object.keys(example.requestContext).sort());
        const err = await send(s.url, { headers: { 'x-echo-mode': 'error' }, body: ping });
        assert.equal(err.status, 502);
    });

    test('REST streaming: prelude + NULs become status and headers, and events arrive as they are written', T, async () => {
        const s = await shim({ format: 'rest', stream: true, timeoutMs: 10_000 });
        const res = await send(s.url, { headers: { ...mcpHeaders, 'x-echo-mode': 'stream', 'x-echo-chunks': '4', 'x-echo-delay-ms': '300' }, body: ping });
        assert.equal(res.status, 200);
        assert.equal(res.complete, true);
        assert.equal(res.headers['content-type'], 'text/event-stream');
        assert.equal(res.headers['x-multi'], 'one, two');
        assert.deepEqual(res.headers['set-cookie'], ['s=1; Path=/']);
        assert.equal(res.headers['content-length'], undefined);
        assert.ok(!res.body.includes(0), 'no NUL bytes reach the client');
        assert.ok(!res.text.includes('statusCode'), 'the prelude is not part of the body');
        const events = res.text.split('\n\n').filter((b) => b.startsWith('event: message'));
        assert.equal(events.length, 4);
        // Incremental delivery: the client had the first event while the function was still writing.
        const rec = s.requests.at(-1);
        const inv = emu.invocationsById.get(rec.lambdaRequestId);
        assert.equal(inv.responseMode, 'streaming');
        const firstIdx = res.chunks.findIndex((c) => c.includes('"n":0'));
        assert.ok(!res.chunks[firstIdx].includes('"n":1'), 'the first chunk holds the first event only');
        const lead = inv.completedAt - res.times[firstIdx];
        assert.ok(lead >= 700, `first event reached the client ${lead} ms before the function finished`);
    });

    test('streaming: mismatches, missing delimiter, errors and cut-off streams', T, async () => {
        const s = await shim({ format: 'rest', stream: true, timeoutMs: 800 });
        const call = (mode) => send(s.url, { headers: { ...mcpHeaders, 'x-echo-mode': mode }, body: ping });
        for (const mode of ['echo', 'error', 'stream-no-delim', 'stream-raw']) {
            const res = await call(mode);
            assert.equal(res.status, 502, `${mode}: ${s.requests.at(-1).reason}`);
            assert.equal(res.text, '{"message": "Internal server error"}');
        }
        assert.match(s.requests.at(-4).reason, /buffered response/);
        assert.match(s.requests.at(-2).reason, /delimiter/);
        const cut = await call('stream-error');
        assert.equal(cut.status, 200, 'headers were already sent');
        assert.equal(cut.complete, false, 'a mid-stream error cuts the response short');
        assert.ok(cut.text.includes('"n":0'));
        const hang = await call('stream-hang');
        assert.equal(hang.status, 200);
        assert.equal(hang.complete, false, 'a timeout mid-stream cuts the response short');

        // Function URL in RESPONSE_STREAM mode: no prelude content type means raw bytes; a buffered answer
        // goes out as it is.
        const u = await shim({ format: 'url', stream: true });
        const raw = await send(u.url, { headers: { 'x-echo-mode': 'stream-raw' }, body: ping });
        assert.equal(raw.status, 200);
        assert.equal(raw.headers['content-type'], 'text/plain');
        assert.equal(raw.text, 'raw streamed bytes\n');
        const buffered = await send(u.url, { headers: { 'x-echo-mode': 'raw-json' }, body: ping });
        assert.equal(buffered.status, 200);
        assert.equal(buffered.text, '{"hello":"world"}');
        const sse = await send(u.url, { headers: { 'x-echo-mode': 'stream', 'x-echo-delay-ms': '10' }, body: ping });
        assert.equal(sse.headers['content-type'], 'text/event-stream');
        assert.deepEqual(sse.headers['set-cookie'], ['s=1; Path=/']);
        assert.equal((sse.text.match(/^data: /gm) ?? []).length, 3);
    });

    test('the example responses translate as documented', T, () => {
        const rest = proxyResponseToHttp('rest', readFileSync(join(EVENTS, 'rest-v1-response.json')));
        assert.equal(rest.status, 200);
        assert.deepEqual(rest.headers.filter(([n]) => n === 'Set-Cookie').map(([, v]) => v), ['a=1; Path=/; Secure', 'b=2; Path=/; Secure']);
        assert.equal(JSON.parse(rest.body.toString('utf8')).result.content[0].text, 'Paris: 18 C, light rain');
        const v2 = proxyResponseToHttp('http', readFileSync(join(EVENTS, 'http-v2-response.json')));
        assert.equal(v2.status, 200);
        assert.deepEqual(v2.headers.find(([n]) => n === 'Set-Cookie'), ['Set-Cookie', 'a=1; Path=/; Secure']);
        assert.match(v2.body.toString('utf8'), /^event: message\ndata: .*notifications\/progress/);
        assert.throws(() => proxyResponseToHttp('rest', Buffer.from('{"statusCode":"200"}')), /statusCode/);
        assert.throws(() => proxyResponseToHttp('rest', Buffer.from('{"statusCode":200,"body":{}}')), /body/);
        assert.throws(() => proxyResponseToHttp('rest', Buffer.from('{"statusCode":200,"cookies":["a=1"]}')), /cookies/);
        assert.deepEqual(preludeToHttp('rest', Buffer.from('{"statusCode":201,"headers":{"A":"1"},"cookies":["c=1"]}')), { status: 201, headers: [['A', '1'], ['Set-Cookie', 'c=1']] });
    });
});
