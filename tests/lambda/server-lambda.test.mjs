// server-lambda.test.mjs: the server binary as a Lambda function, invocation by invocation, through the
// Runtime API emulator: a bad configuration goes to /runtime/init/error and the process exits non-zero;
// bad events get a well-formed answer and the same process serves the next invocation; every log line of
// an invocation's request id and trace id travel with it into every log line (the environment is not touched); a tool still waiting near the deadline is answered with an error
// result rather than killed.
//
//   MCP_SERVER_BIN=build/mcp-server node --test tests/lambda/server-lambda.test.mjs
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, describe, test } from 'node:test';

import { startDynamo } from './local-dynamodb.mjs';
import { startEmulator } from './runtime-emulator.mjs';

const SERVER = resolve(process.env.MCP_SERVER_BIN ?? 'build/mcp-server');
const REGION = 'ap-southeast-2';
const HOST = `abc123defg.execute-api.${REGION}.amazonaws.com`;
const T = { timeout: 30_000 };

/** A REST API (payload 1.0) event for a POST of body to /mcp. */
function restEvent(body, overrides = {}) {
    const headers = {
        Accept: 'application/json, text/event-stream',
        'Content-Type': 'application/json',
        'MCP-Protocol-Version': '2025-11-25',
        Host: HOST,
    };
    return {
        resource: '/mcp',
        path: '/mcp',
        httpMethod: 'POST',
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        requestContext: { stage: 'dev', path: '/dev/mcp', domainName: HOST, authorizer: { principalId: 'test' } },
        body: JSON.stringify(body),
        isBase64Encoded: false,
        ...overrides,
    };
}

const ping = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ping', arguments: {} } };

/** The API Gateway response of a buffered invocation, and its body parsed (JSON or the last SSE event). */
function proxyResponse(result) {
    assert.equal(result.kind, 'response', JSON.stringify({ kind: result.kind, errorType: result.errorType }));
    const res = JSON.parse(result.body.toString('utf8'));
    const text = res.body ?? '';
    const data = text.startsWith('{') ? text : text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).pop();
    return { res, message: data ? JSON.parse(data) : null };
}

const emulators = [];
const dynamos = [];
after(async () => {
    for (const e of emulators) await e.stop();
    for (const d of dynamos) await d.stop();
});

async function waitFor(cond, ms, what) {
    for (const end = Date.now() + ms; !cond(); ) {
        if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        await new Promise((ok) => setTimeout(ok, 10));
    }
}

async function emulator(env = {}) {
    const emu = await startEmulator({
        command: SERVER,
        env: { MCP_LOG_LEVEL: 'info', ...env },
        region: REGION,
        maxInstances: 1,
        timeoutMs: 10_000,
    });
    emulators.push(emu);
    return emu;
}

describe('the server binary in Lambda mode', () => {
    test('a bad configuration is reported to /runtime/init/error and the process exits non-zero', T, async () => {
        const emu = await emulator({ MCP_PORT: '99999' });
        const r = await emu.invoke(restEvent(ping));
        assert.equal(r.kind, 'error');
        assert.equal(r.initError, true);
        assert.equal(r.errorType, 'Runtime.InvalidConfiguration');
        assert.match(r.errorMessage ?? JSON.stringify(r.error), /MCP_PORT/);
        const inst = emu.instances[0];
        for (let i = 0; i < 100 && inst.exitCode === null; ++i) await new Promise((ok) => setTimeout(ok, 20));
        assert.notEqual(inst.exitCode, 0, 'exits non-zero');
        assert.notEqual(inst.exitCode, null, 'exits by itself');
        assert.deepEqual(emu.violations(), []);
    });

    test('bad events get a well-formed answer, and the same process serves the next invocation', T, async () => {
        const emu = await emulator();
        const good = await emu.invoke(restEvent(ping));
        assert.equal(proxyResponse(good).res.statusCode, 200);
        const pid = good.pid;

        const unknown = await emu.invoke({ foo: 1 });
        assert.equal(unknown.kind, 'error', 'an event of no known shape fails the invocation');
        assert.equal(unknown.errorType, 'Runtime.InvalidEvent');

        for (const [what, event] of [
            ['httpMethod of the wrong type', restEvent(ping, { httpMethod: 5 })],
            ['headers that are not strings', restEvent(ping, { headers: { Accept: 1 }, multiValueHeaders: null })],
            ['a body that is not valid base64', restEvent(ping, { body: '!!not base64!!', isBase64Encoded: true })],
            ['isBase64Encoded that is not a boolean', restEvent(ping, { isBase64Encoded: 'yes' })],
        ]) {
            const { res, message } = proxyResponse(await emu.invoke(event));
            assert.equal(res.statusCode, 400, what);
            assert.equal(message.error.code, -32600, what);
        }
        const again = await emu.invoke(restEvent(ping));
        const { res, message } = proxyResponse(again);
        assert.equal(res.statusCode, 200);
        assert.equal(message.result.content[0].text, 'pong');
        assert.equal(again.pid, pid, 'the same process');
        assert.deepEqual(emu.violations(), []);
    });

    test("every log line of an invocation carries its request id and its trace id", T, async () => {
        const emu = await emulator();
        const traceId = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
        const r = await emu.invoke(restEvent(ping), { traceId });
        proxyResponse(r);
        // the access-log line is written once the response has gone
        await waitFor(() => emu.instances[0].stderr.some((l) => l.includes('"event":"request"')), 5000, 'the request line');
        const lines = emu.instances[0].stderr.map((l) => JSON.parse(l));
        const mine = lines.filter((l) => l.event === 'request');
        assert.equal(mine.length, 1, JSON.stringify(lines));
        assert.equal(mine[0].requestId, r.requestId);
        assert.equal(mine[0].tool, 'ping');
        assert.equal(mine[0].traceId, traceId, 'Lambda-Runtime-Trace-Id is on the line');
        for (const l of lines) {
            if (l.event === 'lambda_ready') continue;
            assert.equal(l.requestId, r.requestId, JSON.stringify(l));
            assert.equal(l.traceId, traceId, JSON.stringify(l));
        }
    });

    test('a tool still waiting near the deadline is answered with an error result, not killed', T, async () => {
        // streaming with a pending table, so the tool asks the client and waits; nobody answers, and the deadline comes first
        const dynamo = await startDynamo();
        dynamos.push(dynamo);
        const emu = await emulator({
            MCP_TOOLSETS: 'default,conformance',
            MCP_LAMBDA_RESPONSE_MODE: 'streaming',
            MCP_PENDING_TABLE: dynamo.table,
            MCP_DYNAMODB_ENDPOINT: dynamo.endpoint,
            AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
            AWS_SECRET_ACCESS_KEY: 'local-test-secret',
        });
        const started = Date.now();
        const r = await emu.invoke(
            restEvent({ jsonrpc: '2.0', id: 'slow', method: 'tools/call', params: { name: 'test_sampling', arguments: { prompt: 'hi' } } }),
            { timeoutMs: 3000, stream: true },
        );
        assert.equal(r.kind, 'response', `answered, not ${r.kind}`);
        let body = '';
        for await (const chunk of r.chunks) body += chunk.toString('utf8');
        const nul = body.indexOf('\0'.repeat(8));
        assert.ok(nul > 0, 'the streaming prelude and its delimiter');
        const events = body.slice(nul + 8).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
        const result = events.find((e) => e.id === 'slow');
        assert.ok(result, JSON.stringify(events));
        assert.equal(result.result.isError, true);
        assert.ok(events.some((e) => e.method === 'sampling/createMessage'), 'the question went out');
        assert.ok(events.some((e) => e.method === 'notifications/cancelled'), 'and was withdrawn');
        assert.ok(Date.now() - started < 3000, 'before the deadline');
        assert.equal(emu.instances[0].killedBy ?? null, null, 'Lambda did not have to kill it');
        assert.deepEqual(emu.violations(), []);
    });
});
