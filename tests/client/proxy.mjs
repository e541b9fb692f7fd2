// proxy.mjs: a small reverse proxy for tests/client/run.sh, in front of the C MCP server.
//
//   node proxy.mjs --upstream http://127.0.0.1:PORT [--tls-cert FILE --tls-key FILE]
//                  [--require-token TOKEN] [--forbid-token TOKEN]
//
// With --tls-cert/--tls-key it serves HTTPS (the test's own CA signs the certificate). With
// --require-token, a request must carry "Authorization: Bearer TOKEN": without it, or with another
// token, the answer is 401 with a WWW-Authenticate challenge naming the protected-resource metadata, as
// an OAuth-protected MCP endpoint answers; --forbid-token names a token that is valid but lacks the
// scope (403, insufficient_scope). Responses are piped as they arrive, so event streams stay streams.
// Listens on 127.0.0.1 on a free port and prints {"event":"listening","port":N} on stdout.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
    options: {
        upstream: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'require-token': { type: 'string' },
        'forbid-token': { type: 'string' },
    },
});
if (!opts.upstream) {
    console.error('proxy.mjs: --upstream is required');
    process.exit(2);
}
const upstream = new URL(opts.upstream);

function refuse(req, res, status, error) {
    const metadata = `http://${req.headers.host}/.well-known/oauth-protected-resource`;
    const challenge =
        status === 401
            ? `Bearer resource_metadata="${metadata}"${error ? `, error="${error}"` : ''}`
            : `Bearer error="insufficient_scope", scope="mcp:tools", resource_metadata="${metadata}"`;
    res.writeHead(status, { 'content-type': 'application/json', 'www-authenticate': challenge });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: status === 401 ? 'Unauthorized' : 'Forbidden' } }));
}

function handle(req, res) {
    if (opts['require-token']) {
        const auth = req.headers.authorization ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : null;
        if (token === null) return refuse(req, res, 401, null);
        if (opts['forbid-token'] && token === opts['forbid-token']) return refuse(req, res, 403, null);
        if (token !== opts['require-token']) return refuse(req, res, 401, 'invalid_token');
    }
    const headers = { ...req.headers };
    delete headers.authorization; // the upstream needs no token
    const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (up) => {
            res.writeHead(up.statusCode, up.headers);
            up.pipe(res);
        },
    );
    out.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('bad gateway\n');
    });
    req.pipe(out);
}

const server = opts['tls-cert']
    ? https.createServer({ cert: readFileSync(opts['tls-cert']), key: readFileSync(opts['tls-key']) }, handle)
    : http.createServer(handle);
server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ event: 'listening', port: server.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
