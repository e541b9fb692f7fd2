// lib/http.mjs: raw HTTP helpers for the tests (node:http, so any bytes and any Host header can be sent),
// plus a reader for JSON-RPC answers that come either as application/json or as a text/event-stream body.
import http from 'node:http';

/**
 * Send one request on a fresh connection and collect the whole answer.
 * @param {{port:number, method?:string, path?:string, headers?:object, body?:Buffer|null, timeoutMs?:number}} o
 * @returns {Promise<{status:number, headers:object, body:Buffer, text:string}>}
 */
export function rawRequest({ port, method = 'POST', path = '/mcp', headers = {}, body = null, timeoutMs = 15_000 }) {
    return new Promise((resolve, reject) => {
        const hdrs = { ...headers };
        if (body !== null) hdrs['Content-Length'] = String(body.length);
        const req = http.request({ host: '127.0.0.1', port, method, path, headers: hdrs, agent: false });
        let responded = false;
        let bodyDone = body === null;
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)));
        req.on('response', (res) => {
            responded = true;
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            const done = () => {
                const buf = Buffer.concat(chunks);
                resolve({ status: res.statusCode, headers: res.headers, body: buf, text: buf.toString('utf8') });
                if (!bodyDone) req.destroy(); // answered before the whole body was sent
            };
            res.on('end', done);
            // The server may close early (e.g. after a 413 while we are still sending); keep what arrived.
            res.on('error', done);
            res.on('aborted', done);
        });
        req.on('error', (err) => {
            if (!responded) reject(new Error(`${method} ${path}: ${err.code ?? ''} ${err.message}`));
        });
        if (body === null || body.length <= CHUNK) {
            bodyDone = true;
            req.end(body ?? undefined);
            return;
        }
        // A large body goes out in chunks, and sending stops as soon as an answer starts: a server may
        // refuse an oversized body from its Content-Length (413) and close the connection, and writing
        // on would then fail with EPIPE/ECONNRESET and lose the answer.
        req.flushHeaders();
        (async () => {
            for (let off = 0; off < body.length; off += CHUNK) {
                // Let one I/O poll pass (timer, then poll, then check) so an answer already sent is read first.
                await new Promise((r) => setTimeout(() => setImmediate(r), 1));
                if (responded || req.destroyed) return;
                await new Promise((r) => req.write(body.subarray(off, off + CHUNK), () => r()));
            }
            if (responded || req.destroyed) return;
            bodyDone = true;
            req.end();
        })();
    });
}

const CHUNK = 16 * 1024;

/**
 * The JSON-RPC message(s) of an answer. For application/json: the parsed body. For text/event-stream: the
 * data of each event, parsed; `response` is the last message carrying a result or an error.
 * @returns {{kind:'json'|'sse'|'empty'|'other', messages:any[], response:any, parseError?:string}}
 */
export function readJsonRpc(res) {
    const ct = String(res.headers['content-type'] ?? '').toLowerCase();
    if (res.body.length === 0) return { kind: 'empty', messages: [], response: undefined };
    if (ct.startsWith('text/event-stream')) {
        const messages = [];
        for (const block of res.text.split(/\r?\n\r?\n/)) {
            const data = block
                .split(/\r?\n/)
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).replace(/^ /, ''));
            if (data.length === 0) continue;
            const joined = data.join('\n');
            if (joined === '') continue; // priming event
            try {
                messages.push(JSON.parse(joined));
            } catch (e) {
                return { kind: 'sse', messages, response: undefined, parseError: `bad SSE data: ${e.message}` };
            }
        }
        const response = [...messages]
            .reverse()
            .find((m) => m && typeof m === 'object' && ('result' in m || 'error' in m));
        return { kind: 'sse', messages, response };
    }
    try {
        const v = JSON.parse(res.text);
        return { kind: ct.startsWith('application/json') ? 'json' : 'other', messages: [v], response: v };
    } catch (e) {
        return { kind: 'other', messages: [], response: undefined, parseError: e.message };
    }
}

/** A short printable description of an answer, for failure messages. */
export function describeResponse(res, max = 600) {
    const hdrs = Object.entries(res.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n  ');
    let text = res.text;
    if (text.length > max) text = `${text.slice(0, max)}... (${res.body.length} bytes)`;
    return `HTTP ${res.status}\n  ${hdrs}\n  body: ${text === '' ? '(empty)' : text}`;
}

/** A short printable description of a request body. */
export function describeBody(body, max = 300) {
    if (body === null) return '(no body)';
    const printable = [...body.subarray(0, max)]
        .map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`))
        .join('');
    return body.length > max ? `${printable}... (${body.length} bytes)` : printable;
}
