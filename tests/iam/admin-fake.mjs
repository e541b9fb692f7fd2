// admin-fake.mjs: a loopback stand-in for the tool registry's admin API (issue 14), shaped as that issue
// specifies, for testing `mcp-client admin` before the real one exists. Every request's SigV4 signature is
// verified by signing it again (../lambda/sigv4-verify.mjs, service lambda: the admin API is a Function URL or
// an API Gateway route with IAM auth), and refused with AWS's 403 otherwise.
//
//   POST   /{tools|resources|prompts}          create: 201 with the record (version 1); 409 when the name exists
//   GET    /{collection}?limit=N&cursor=C       list: 200 {"items": [...], "nextCursor"?}, by name
//   GET    /{collection}/{name}                 read: 200; 404
//   PUT    /{collection}/{name}                 update: 200 (version + 1); If-Match "<version>" must match (412);
//                                               404; the body's name must be the path's (400)
//   DELETE /{collection}/{name}                 204; 404; If-Match as for PUT
//   400 {"message", "pointer"} names what is wrong and where, as a JSON pointer into the record.
// Records carry version, createdBy/updatedBy (the caller's ARN) and the ETag header "<version>".
//
//   node admin-fake.mjs --keys FILE --region REGION
// Listens on 127.0.0.1 on a free port and prints {"event":"listening","port":N}.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { verifySigV4 } from '../lambda/sigv4-verify.mjs';

const { values: o } = parseArgs({ options: { keys: { type: 'string' }, region: { type: 'string' } } });
if (!o.keys || !o.region) {
    console.error('usage: node admin-fake.mjs --keys FILE --region REGION');
    process.exit(2);
}
const store = { tools: new Map(), resources: new Map(), prompts: new Map() };
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

function reply(res, status, body, headers = {}) {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
}

/** The first problem of a record, as { message, pointer }, or null. */
function problem(collection, record) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return { message: 'the record must be a JSON object', pointer: '' };
    if (typeof record.name !== 'string' || !NAME.test(record.name)) return { message: 'name must be 1 to 64 letters, digits, - or _', pointer: '/name' };
    if (record.description !== undefined && typeof record.description !== 'string') return { message: 'description must be a string', pointer: '/description' };
    if (typeof record.lambdaArn !== 'string' || !ARN.test(record.lambdaArn)) return { message: 'lambdaArn must be a Lambda function ARN', pointer: '/lambdaArn' };
    if (collection === 'tools') {
        const s = record.inputSchema;
        if (s === null || typeof s !== 'object' || Array.isArray(s)) return { message: 'inputSchema must be a JSON Schema object', pointer: '/inputSchema' };
        if (s.type !== 'object') return { message: 'the input schema of a tool must have type "object"', pointer: '/inputSchema/type' };
    }
    return null;
}

const etag = (r) => `"${r.version}"`;
const ifMatchFails = (req, r) => req.headers['if-match'] !== undefined && req.headers['if-match'] !== etag(r) && req.headers['if-match'] !== '*';

const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const keys = JSON.parse(readFileSync(o.keys, 'utf8'));
    const v = await verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, { region: o.region, service: 'lambda', keys });
    if (!v.ok) return reply(res, v.status, { message: v.message }, { 'x-amzn-ErrorType': v.type });
    const caller = v.key.userArn;
    const url = new URL(req.url, 'http://fake');
    const [collection, rawName, extra] = url.pathname.split('/').slice(1);
    const records = store[collection];
    if (!records || extra !== undefined) return reply(res, 404, { message: `no route ${req.method} ${url.pathname}` });
    const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
    let record;
    if (body.length > 0) {
        try {
            record = JSON.parse(body.toString('utf8'));
        } catch {
            return reply(res, 400, { message: 'the body is not JSON', pointer: '' });
        }
    }
    const now = new Date().toISOString();
    if (req.method === 'POST' && name === undefined) {
        const p = problem(collection, record);
        if (p) return reply(res, 400, p);
        const existing = records.get(record.name);
        if (existing) return reply(res, 409, { message: `${collection.slice(0, -1)} ${record.name} already exists (version ${existing.version})` }, { ETag: etag(existing) });
        const created = { ...record, version: 1, createdAt: now, createdBy: caller, updatedAt: now, updatedBy: caller };
        records.set(record.name, created);
        return reply(res, 201, created, { ETag: etag(created) });
    }
    if (req.method === 'GET' && name === undefined) {
        const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? 100)));
        const after = url.searchParams.get('cursor') ? Buffer.from(url.searchParams.get('cursor'), 'base64url').toString('utf8') : '';
        const names = [...records.keys()].sort().filter((n) => n > after);
        const page = names.slice(0, limit);
        const out = { items: page.map((n) => records.get(n)) };
        if (names.length > limit) out.nextCursor = Buffer.from(page.at(-1)).toString('base64url');
        return reply(res, 200, out);
    }
    const current = records.get(name);
    if (req.method === 'GET') return current ? reply(res, 200, current, { ETag: etag(current) }) : reply(res, 404, { message: `no ${collection.slice(0, -1)} ${name}` });
    if (req.method === 'PUT') {
        if (!current) return reply(res, 404, { message: `no ${collection.slice(0, -1)} ${name}` });
        if (ifMatchFails(req, current)) return reply(res, 412, { message: `version ${req.headers['if-match']} is not the current one` }, { ETag: etag(current) });
        const p = problem(collection, record);
        if (p) return reply(res, 400, p);
        if (record.name !== name) return reply(res, 400, { message: 'the name cannot change', pointer: '/name' });
        const updated = { ...record, version: current.version + 1, createdAt: current.createdAt, createdBy: current.createdBy, updatedAt: now, updatedBy: caller };
        records.set(name, updated);
        return reply(res, 200, updated, { ETag: etag(updated) });
    }
    if (req.method === 'DELETE') {
        if (!current) return reply(res, 404, { message: `no ${collection.slice(0, -1)} ${name}` });
        if (ifMatchFails(req, current)) return reply(res, 412, { message: `version ${req.headers['if-match']} is not the current one` }, { ETag: etag(current) });
        records.delete(name);
        res.writeHead(204).end();
        return;
    }
    reply(res, 405, { message: `${req.method} is not allowed here` });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
