// bench/proxy.mjs: part of `make bench` (bench/proxy.sh). What `mcp-client proxy` costs a host: its start-up (spawn
// to the first answer), the latency it adds per request (tools/call ping, one at a time, against the same server
// reached directly over HTTP with a kept-alive connection), with and without SigV4 signing, and its memory (peak RSS
// from /proc). Prints figures; asserts nothing. Traffic goes to 127.0.0.1 only; every process it starts is stopped.
//
//   node bench/proxy.mjs --client BIN --url URL [--requests N] [--starts N]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
    options: { client: { type: 'string' }, url: { type: 'string' }, requests: { type: 'string', default: '2000' }, starts: { type: 'string', default: '20' } },
});
const REQUESTS = Number(o.requests);
const STARTS = Number(o.starts);
const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
const call = (id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'ping', arguments: {}, _meta: META } });

const percentile = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(3)} ms`;
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Direct: the host speaks Streamable HTTP itself, over one kept-alive connection. */
async function direct() {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(o.url);
    const post = (body) => new Promise((ok, fail) => {
        const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: {
            'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28',
            'mcp-method': 'tools/call', 'mcp-name': 'ping', 'content-length': Buffer.byteLength(body) } }, (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => ok(text));
        });
        req.on('error', fail);
        req.end(body);
    });
    const first0 = now();
    await post(JSON.stringify(call(0)));
    const first = now() - first0;
    const times = [];
    for (let i = 1; i <= REQUESTS; ++i) {
        const t = now();
        const text = await post(JSON.stringify(call(i)));
        times.push(now() - t);
        if (!text.includes('pong')) throw new Error(`direct: unexpected answer ${text.slice(0, 200)}`);
    }
    agent.destroy();
    return { first, times };
}

function startProxy(extraArgs, env) {
    const child = spawn(o.client, ['--url', o.url, ...extraArgs, 'proxy'], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH, ...env } });
    const waiting = new Map();
    createInterface({ input: child.stdout }).on('line', (line) => {
        const msg = JSON.parse(line);
        waiting.get(msg.id)?.(msg);
        waiting.delete(msg.id);
    });
    const send = (id) => new Promise((ok) => {
        waiting.set(id, ok);
        child.stdin.write(`${JSON.stringify(call(id))}\n`);
    });
    const peakRssKiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]);
    const stop = () => new Promise((ok) => {
        child.on('exit', ok);
        child.stdin.end();
    });
    return { child, send, peakRssKiB, stop };
}

/** Through the proxy: start-up (spawn to first answer, median of STARTS), latency per request, peak RSS. */
async function throughProxy(extraArgs, env) {
    const startups = [];
    for (let i = 0; i < STARTS; ++i) {
        const t = now();
        const p = startProxy(extraArgs, env);
        const r = await p.send(1);
        startups.push(now() - t);
        if (!JSON.stringify(r).includes('pong')) throw new Error(`proxy: unexpected answer ${JSON.stringify(r).slice(0, 200)}`);
        await p.stop();
    }
    const p = startProxy(extraArgs, env);
    await p.send(0);
    const times = [];
    for (let i = 1; i <= REQUESTS; ++i) {
        const t = now();
        const r = await p.send(i);
        times.push(now() - t);
        if (!r.result) throw new Error(`proxy: unexpected answer ${JSON.stringify(r).slice(0, 200)}`);
    }
    const rss = p.peakRssKiB();
    await p.stop();
    return { startups, times, rss };
}

const d = await direct();
const plain = await throughProxy([], {});
const signed = await throughProxy(['--aws-sigv4', '--aws-service', 'lambda', '--aws-region', 'us-east-1'], {
    AWS_ACCESS_KEY_ID: 'AKIDBENCH', AWS_SECRET_ACCESS_KEY: 'bench-secret', AWS_SESSION_TOKEN: 'bench-session-token',
});
const rows = [
    ['direct HTTP (kept-alive connection)', d.times, null, null],
    ['mcp-client proxy', plain.times, plain.startups, plain.rss],
    ['mcp-client proxy --aws-sigv4', signed.times, signed.startups, signed.rss],
];
const p50 = percentile(d.times, 50);
console.log(`\n### mcp-client proxy (${REQUESTS} tools/call ping one at a time; start-up: median of ${STARTS})\n`);
console.log('| path | p50 | p99 | p50 minus direct | start-up to first answer | peak RSS |');
console.log('|---|---|---|---|---|---|');
for (const [name, times, startups, rss] of rows) {
    const added = times === d.times ? '-' : ms(percentile(times, 50) - p50);
    const start = startups ? ms(percentile(startups, 50)) : `${ms(d.first)} (first request, new connection)`;
    console.log(`| ${name} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 99))} | ${added} | ${start} | ${rss ? `${(rss / 1024).toFixed(1)} MiB` : '-'} |`);
}
console.log('\nThe host here is Node: "direct" is its own HTTP client, so a negative difference means stdio to the C proxy is cheaper for it');
console.log('than speaking HTTP itself. mcp-proxy-for-aws (Python) cannot be measured beside it: PyPI is not reachable here.');
