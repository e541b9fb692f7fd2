// server-lambda.test.mjs: the server binary as a Lambda function, invocation by invocation, through the
// Runtime API emulator: a bad configuration goes to /runtime/init/error and the process exits non-zero;
// bad events get a well-formed answer and the same process serves the next invocation; every log line of
// an invocation's request id and trace id travel with it into every log line (the environment is not touched); a tool
// still waiting near the deadline is answered with an error result rather than killed; events as AWS sends them
// (U+0000 and lone surrogates in any field, hundreds of headers) are served, while the MCP body inside stays under the
// strict parser and headers beyond AWS's own limit get a 431.
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

    test('events as AWS sends them: U+0000 and lone surrogates in query, path, header and authorizer fields are data', T, async () => {
        const emu = await emulator();
        const odd = 'a\u0000b\ud800c\udc00';
        const rest = restEvent(ping);
        rest.queryStringParameters = { x: '\u0000', y: '\ud800' }; // a client's ?x=%00, decoded by API Gateway
        rest.multiValueQueryStringParameters = { x: ['\u0000', odd], y: ['\ud800'] };
        rest.pathParameters = { proxy: odd };
        rest.stageVariables = { s: '\u0000' };
        rest.headers['X-Odd'] = odd;
        rest.multiValueHeaders['X-Odd'] = [odd, '\udfff'];
        rest.requestContext.authorizer = { principalId: 'test', claim: odd, integrationLatency: 3 };
        rest.requestContext.identity = { userAgent: odd, sourceIp: '192.0.2.1' };
        assert.match(JSON.stringify(rest), /\\u0000.*\\ud800/, 'the event carries the escapes themselves');
        const v2 = (domain, authorizer) => ({
            version: '2.0',
            routeKey: '$default',
            rawPath: '/mcp',
            rawQueryString: 'x=%00&y=%ED%A0%80',
            cookies: [`c=${odd}`],
            headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-protocol-version': '2025-11-25', host: domain, 'x-odd': odd },
            queryStringParameters: { x: '\u0000', y: '\ud800' },
            pathParameters: { proxy: odd },
            requestContext: { domainName: domain, stage: '$default', http: { method: 'POST', path: '/mcp', userAgent: odd }, ...(authorizer ? { authorizer } : {}) },
            body: JSON.stringify(ping),
            isBase64Encoded: false,
        });
        for (const [what, event] of [
            ['REST API (payload 1.0)', rest],
            ['HTTP API (payload 2.0)', v2(HOST, { lambda: { claim: odd } })],
            ['Function URL', v2(`x4mb7f2kq9z3ndwl5r8yv6ajce1tgs0h.lambda-url.${REGION}.on.aws`, null)],
        ]) {
            const r = await emu.invoke(event);
            assert.equal(r.kind, 'response', `${what}: not ${r.errorType}`);
            const { res, message } = proxyResponse(r);
            assert.equal(res.statusCode, 200, what);
            assert.equal(message.result.content[0].text, 'pong', what);
        }
        const lines = emu.instances[0].stderr.map((l) => JSON.parse(l)); // every log line is still JSON
        assert.ok(!lines.some((l) => l.event === 'bad_event'), JSON.stringify(lines));
        assert.deepEqual(emu.violations(), []);
    });

    test('the MCP body inside the event stays under the strict parser: U+0000 or a lone surrogate in it is a parse error', T, async () => {
        const emu = await emulator();
        const text = JSON.stringify(ping);
        for (const [what, body] of [
            ['a NUL byte in a string', text.replace('"ping"', '"pi\u0000ng"')],
            ['an escaped U+0000', text.replace('"ping"', '"pi\\u0000ng"')],
            ['an escaped lone surrogate', text.replace('"ping"', '"pi\\ud800ng"')],
            ['a lone surrogate the event itself spells', text.replace('"ping"', '"pi\ud800ng"')],
        ]) {
            for (const isBase64Encoded of [false, true]) {
                const event = restEvent(ping, { body: isBase64Encoded ? Buffer.from(body, 'utf8').toString('base64') : body, isBase64Encoded });
                const r = await emu.invoke(event);
                assert.equal(r.kind, 'response', `${what}: the invocation is answered, not failed (${r.errorType})`);
                const { res, message } = proxyResponse(r);
                if (what.startsWith('a lone surrogate the event')) {
                    // JSON.stringify spells it "\ud800" in the event, read as U+FFFD (Buffer.from does the same for base64): valid MCP JSON
                    assert.equal(res.statusCode, 200, what);
                    assert.match(message.error.message, /unknown tool/, what);
                    continue;
                }
                assert.equal(res.statusCode, 400, `${what} (base64: ${isBase64Encoded})`);
                assert.equal(message.error.code, -32700, what);
            }
        }
        assert.deepEqual(emu.violations(), []);
    });

    test('headers are limited by their total size as AWS limits them, not by their number', T, async () => {
        const emu = await emulator();
        const many = restEvent(ping);
        for (let i = 0; i < 200; ++i) {
            many.headers[`X-Extra-${i}`] = `value-${i}`;
            many.multiValueHeaders[`X-Extra-${i}`] = [`value-${i}`];
        }
        const manyV2 = {
            version: '2.0',
            rawPath: '/mcp',
            headers: Object.fromEntries(Object.entries(many.headers).map(([k, v]) => [k.toLowerCase(), v])),
            requestContext: { domainName: HOST, stage: '$default', http: { method: 'POST', path: '/mcp' } },
            body: JSON.stringify(ping),
            isBase64Encoded: false,
        };
        for (const [what, event] of [['REST, 200 more headers', many], ['HTTP API, 200 more headers', manyV2]]) {
            const { res, message } = proxyResponse(await emu.invoke(event));
            assert.equal(res.statusCode, 200, what);
            assert.equal(message.result.content[0].text, 'pong', what);
        }
        // a Function URL may carry 1 MB of request line and headers; only a hand-made event goes beyond
        const huge = { ...manyV2, headers: { ...manyV2.headers, 'x-huge': 'h'.repeat(1 << 20) } };
        for (const mode of ['buffered', 'streaming']) {
            const e = mode === 'buffered' ? emu : await emulator({ MCP_LAMBDA_RESPONSE_MODE: 'streaming' });
            const r = await e.invoke(huge, { stream: mode === 'streaming' });
            assert.equal(r.kind, 'response', `${mode}: answered, not ${r.errorType}`);
            let statusCode, message;
            if (mode === 'buffered') {
                ({ res: { statusCode }, message } = proxyResponse(r));
            } else {
                let body = '';
                for await (const chunk of r.chunks) body += chunk.toString('utf8');
                const nul = body.indexOf('\0'.repeat(8));
                statusCode = JSON.parse(body.slice(0, nul)).statusCode;
                message = JSON.parse(body.slice(nul + 8));
            }
            assert.equal(statusCode, 431, mode);
            assert.equal(message.error.code, -32000, mode);
            assert.equal(message.error.message, 'Request Header Fields Too Large', mode);
            assert.deepEqual(e.violations(), []);
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
