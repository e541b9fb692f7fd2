// tamper.mjs: a man in the middle for the signature tests. It forwards each request to --upstream after
// changing it the way an attacker or a careless hop would, and pipes the answer back:
//   --mode body     the body's first "Paris" becomes "Lyons" (same length, so Content-Length still holds)
//   --mode header   the signed Mcp-Name header gets another value ("ping" becomes "pong")
//   --mode date     X-Amz-Date is moved 20 minutes into the past (a replayed, stale request)
//   --mode none     nothing (the control)
// Listens on 127.0.0.1 on a free port and prints {"event":"listening","port":N}.
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({ options: { upstream: { type: 'string' }, mode: { type: 'string', default: 'none' } } });
if (!o.upstream || !['body', 'header', 'date', 'none'].includes(o.mode)) {
    console.error('usage: node tamper.mjs --upstream URL --mode body|header|date|none');
    process.exit(2);
}
const upstream = new URL(o.upstream);

function stale(amzDate) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
    if (!m) return amzDate;
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - 20 * 60 * 1000;
    return new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    let body = Buffer.concat(chunks);
    const headers = { ...req.headers, host: req.headers.host };
    if (o.mode === 'body') body = Buffer.from(body.toString('utf8').replace('Paris', 'Lyons'));
    if (o.mode === 'header' && headers['mcp-name'] === 'ping') headers['mcp-name'] = 'pong';
    if (o.mode === 'date') headers['x-amz-date'] = stale(headers['x-amz-date']);
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    out.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
