// The concurrent run of the ThreadSanitizer suite (tests/tsan/run.sh): against $MCP_SERVER_BIN built with
// -fsanitize=thread, bounded in count and time, on loopback:
// 1. 12 SDK clients at once each call test_sampling and test_elicitation, answering the server's requests;
// 2. meanwhile 12 clients start sampling, sleeping and progress calls and hang up mid-wait;
// 3. a load of inline and worker calls runs, and SIGTERM arrives in the middle of it.
// The server must exit 0 and TSan must report nothing (its report would go to stderr).
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { rawRequest } from './lib/http.mjs';
import { startServer } from './lib/server.mjs';

const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' };
let id = 1;
const body = (name, args, meta) =>
    Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: args, _meta: meta } }));

async function sdkClient(url, n) {
    const client = new Client({ name: `tsan-${n}`, version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
        model: 'm',
        role: 'assistant',
        content: { type: 'text', text: `reply ${n}` },
    }));
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { username: `u${n}`, email: 'e@x' } }));
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    for (let i = 0; i < 2; i++) {
        const s = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'p' } });
        assert.equal(s.content[0].text, `LLM response: reply ${n}`);
        const e = await client.callTool({ name: 'test_elicitation', arguments: { message: 'm' } });
        assert.match(e.content[0].text, new RegExp(`u${n}`));
    }
    await client.close();
}

function hangUpAfter(port, payload, ms) {
    return new Promise((resolve) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/mcp', headers: HEADERS, agent: false });
        req.on('response', (res) => res.on('data', () => {}));
        req.on('error', () => {});
        req.end(payload);
        setTimeout(() => {
            req.destroy();
            resolve();
        }, ms);
    });
}

const server = await startServer({ toolsets: 'default,conformance', args: ['--workers', '8', '--max-client-waits', '64'] });
const started = performance.now();
try {
    const hangups = [];
    for (let i = 0; i < 12; i++) {
        const payload = [body('test_sampling', { prompt: 'x' }), body('slow_compute', { seconds: 5 }), body('slow_compute', { seconds: 5 }, { progressToken: i })][i % 3];
        hangups.push(hangUpAfter(server.port, payload, 200 + 50 * i));
    }
    await Promise.all([...Array.from({ length: 12 }, (_, n) => sdkClient(server.url, n)), ...hangups]);
    console.log(`ok   12 SDK clients answered sampling and elicitation in parallel; 12 clients hung up mid-wait (${Math.round(performance.now() - started)} ms)`);

    // load, and SIGTERM in the middle of it
    const load = [];
    for (let i = 0; i < 60; i++) {
        const name = i % 2 ? 'ping' : 'slow_compute';
        load.push(rawRequest({ port: server.port, headers: HEADERS, body: body(name, i % 2 ? {} : { seconds: 0.2 }) }).catch(() => null));
        if (i === 30) {
            await sleep(50);
            process.kill(server.pid, 'SIGTERM');
        }
    }
    await Promise.all(load);
    const info = await server.stop(); // already signalled: waits for the exit and checks the status
    assert.equal(info.code, 0);
    console.log('ok   SIGTERM during load: the server exited 0');
} finally {
    if (!server.exited()) await server.stop().catch(() => {});
}
const reports = server.stderrLines.filter((l) => l.includes('ThreadSanitizer'));
if (reports.length !== 0) {
    console.error(server.stderrLines.filter((l) => !l.startsWith('{')).join('\n'));
    console.error('FAIL ThreadSanitizer reported data races');
    process.exit(1);
}
console.log('ok   no ThreadSanitizer report');
