// misbehave.mjs: an HTTP server that gets things wrong on purpose, for tests/client/run.sh.
//
//   node misbehave.mjs
//
// It speaks raw TCP (node:net) so it can send exactly the bytes each case needs. The request path
// picks the misbehaviour:
//   /cut-json      200 application/json, Content-Length 1000, 30 bytes of body, then the connection closes
//   /cut-sse       200 text/event-stream (chunked), half an event, then the connection closes
//   /close         the connection closes before any response
//   /garbage       a response that is not HTTP
//   /stall         never answers (for --timeout)
//   /html-error    502 text/html, as a broken gateway answers
//   /no-response   initialize works; then an event stream that ends without the response
//   /old-version   initialize answers protocolVersion 2024-11-05
// The last two are legacy servers. /no-response answers the client's server/discover probe as it answers
// everything but initialize (a stream without the response); /old-version with a plain 404, as a server
// that knows nothing of the 2026-07-28 revision may.
// Listens on 127.0.0.1 on a free port and prints {"event":"listening","port":N} on stdout.
import net from 'node:net';

const INIT_RESULT = (id, version) =>
    JSON.stringify({
        jsonrpc: '2.0',
        id,
        result: { protocolVersion: version, capabilities: { tools: {} }, serverInfo: { name: 'misbehave', version: '0' } },
    });

function respond(sock, status, type, body) {
    sock.end(`HTTP/1.1 ${status}\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function sse(sock, events, { cut = null } = {}) {
    sock.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
    for (const e of events) {
        const data = `event: message\ndata: ${e}\n\n`;
        sock.write(`${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`);
    }
    if (cut !== null) {
        sock.write(`${(cut.length * 2).toString(16)}\r\n${cut}`);
        sock.destroy();
        return;
    }
    sock.end('0\r\n\r\n');
}

function onRequest(sock, path, message) {
    const id = message?.id;
    const isInit = message?.method === 'initialize';
    const isNotification = message && message.id === undefined;
    const isProbe = message?.method === 'server/discover';
    switch (path) {
        case '/cut-json':
            sock.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n');
            sock.write('{"jsonrpc":"2.0","id":1,"result"');
            setTimeout(() => sock.destroy(), 50);
            return;
        case '/cut-sse':
            sse(sock, [], { cut: 'event: message\ndata: {"jsonrpc":"2.0",' });
            return;
        case '/close':
            sock.destroy();
            return;
        case '/garbage':
            sock.end('SSH-2.0-OpenSSH_9.2\r\n\r\n');
            return;
        case '/stall':
            return;
        case '/html-error':
            respond(sock, '502 Bad Gateway', 'text/html', '<html><body>\x1b[31mBad Gateway</body></html>\n');
            return;
        case '/no-response':
            if (isNotification) return sock.end('HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n');
            if (isInit) return respond(sock, '200 OK', 'application/json', INIT_RESULT(id, message.params.protocolVersion));
            sse(sock, [JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } })]);
            return;
        case '/old-version':
            if (isProbe) return respond(sock, '404 Not Found', 'text/plain', 'not found\n');
            respond(sock, '200 OK', 'application/json', INIT_RESULT(id, '2024-11-05'));
            return;
        default:
            respond(sock, '404 Not Found', 'text/plain', 'not found\n');
    }
}

const server = net.createServer((sock) => {
    let data = Buffer.alloc(0);
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
        data = Buffer.concat([data, chunk]);
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = data.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (data.length < end + 4 + length) return;
        const body = data.subarray(end + 4, end + 4 + length).toString('utf8');
        data = data.subarray(end + 4 + length);
        let message = null;
        try {
            message = JSON.parse(body);
        } catch {
            /* not JSON: the path decides anyway */
        }
        onRequest(sock, head.split(' ')[1], message);
    });
});
server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ event: 'listening', port: server.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
