// bench/lambda-tools.mjs: part of `make bench` (bench/lambda-tools.sh). What the server adds to a registered tool's
// call: tools/call of a Lambda-backed tool, one at a time over a kept-alive connection, against the Invoke API shim
// (tests/lambda/invoke-shim.mjs, SigV4 verified on every request) with a function that returns at once; the server's
// share is the call's total minus the time the shim spent on the invoke (from its last request byte to its answer),
// per call. The built-in ping is measured the same way for comparison. Prints figures; asserts nothing. Everything
// runs on 127.0.0.1 and every process it starts is stopped.
//
//   node bench/lambda-tools.mjs --server BIN [--requests N]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { startInvokeShim } from '../tests/lambda/invoke-shim.mjs';
import { startDynamo } from '../tests/lambda/local-dynamodb.mjs';

const { values: o } = parseArgs({ options: { server: { type: 'string' }, requests: { type: 'string', default: '2000' } } });
const REQUESTS = Number(o.requests);
const REGION = 'ap-southeast-2';
const KEYS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret', sessionToken: 'bench-session' };
const TABLE = 'bench-tools';

const percentile = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(3)} ms`;
const now = () => Number(process.hrtime.bigint()) / 1e6;

const dynamo = await startDynamo({ tables: [TABLE] });
const record = { name: 'noop', description: 'Returns at once.', inputSchema: { type: 'object', properties: { n: { type: 'integer' } } }, lambdaArn: `arn:aws:lambda:${REGION}:123456789012:function:noop` };
await dynamo.call('PutItem', { TableName: TABLE, Item: { id: { S: 'tool#noop' }, kind: { S: 'tool' }, name: { S: 'noop' }, version: { N: '1' }, record: { S: JSON.stringify(record) } } });
const shim = await startInvokeShim({ region: REGION, keys: [KEYS], functions: { noop: { node: async (event) => ({ content: [{ type: 'text', text: String(event.n) }] }) } } });
const server = spawn(o.server, ['--bind', '127.0.0.1', '--port', '0', '--log-level', 'warn', '--tool-registry-table', TABLE, '--tool-registry-endpoint', dynamo.endpoint, '--lambda-endpoint', shim.endpoint], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_SESSION_TOKEN: KEYS.sessionToken },
});
const port = await new Promise((ok, fail) => {
    createInterface({ input: server.stderr }).on('line', (line) => {
        const m = /"port":(\d+)/.exec(line);
        if (m) ok(Number(m[1]));
    });
    server.on('exit', (code) => fail(new Error(`mcp-server exited with ${code}`)));
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const post = (body) =>
    new Promise((ok, fail) => {
        const req = http.request(
            { host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) } },
            (res) => {
                let text = '';
                res.on('data', (d) => (text += d));
                res.on('end', () => (res.statusCode === 200 ? ok(text) : fail(new Error(`HTTP ${res.statusCode}: ${text}`))));
            },
        );
        req.on('error', fail);
        req.end(body);
    });
const call = (name, id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: name === 'noop' ? { n: id } : {} } });

async function measure(name) {
    for (let i = 0; i < 50; ++i) await post(call(name, i)); // warm: connections, the registry read, the worker pool
    const totals = [];
    const targets = [];
    for (let i = 0; i < REQUESTS; ++i) {
        const before = shim.timings.length;
        const t0 = now();
        const text = await post(call(name, i));
        totals.push(now() - t0);
        if (text.includes('"isError":true')) throw new Error(`${name}: ${text}`);
        if (name === 'noop') targets.push(shim.timings.slice(before).reduce((a, b) => a + b, 0));
    }
    return { totals, targets };
}

try {
    const ping = await measure('ping');
    const noop = await measure('noop');
    const added = noop.totals.map((t, i) => t - noop.targets[i]);
    const row = (label, xs) => console.log(`  ${label.padEnd(46)} p50 ${ms(percentile(xs, 50))}  p90 ${ms(percentile(xs, 90))}  p99 ${ms(percentile(xs, 99))}`);
    console.log(`registered tools: ${REQUESTS} sequential tools/call over HTTP on 127.0.0.1, a function that returns at once`);
    row('built-in ping, total', ping.totals);
    row('registered noop, total', noop.totals);
    row('  of which the Invoke API (shim, SigV4 check)', noop.targets);
    row('  the server\'s own share (total - Invoke API)', added);
    console.log(`  invokes refused for a bad signature: ${shim.refused.length}`);
} finally {
    server.kill('SIGTERM');
    await new Promise((ok) => server.on('exit', ok));
    agent.destroy();
    await shim.stop();
    await dynamo.stop();
}
