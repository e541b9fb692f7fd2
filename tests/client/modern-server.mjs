// modern-server.mjs: a small, strict MCP server of revision 2026-07-28 for tests/client/run.sh, so the
// client's modern era is tested whatever the C server speaks, against checks written from the specification.
//
//   node modern-server.mjs
//
// Every POST is checked as the revision says a server must: params._meta names the revision and the client's
// capabilities (-32602, HTTP 400), the revision is supported (-32022, HTTP 400, with the list), and the
// headers match the body: MCP-Protocol-Version, Mcp-Method, Mcp-Name (tools/call, prompts/get, resources/read)
// and Mcp-Param-* for the tool arguments annotated x-mcp-header, each decoded from =?base64?...?= first
// (-32020, HTTP 400). Unknown methods (initialize, ping, ...) get HTTP 404 with -32601. Paths:
//   /mcp           the server, supporting 2026-07-28 only
//   /future        the same, but supporting only 2099-01-01 (a revision no client here speaks)
//   /dual-legacy   answers server/discover with -32022 listing only 2025-11-25, and speaks that revision
//                  through initialize (initialize, notifications/initialized, ping)
// Tools of /mcp:
//   inspect        echoes what it received: the metadata headers and params._meta (structuredContent)
//   bad_header     its x-mcp-header sits under "items": an invalid definition a client must not list or call
//   roots          asks for roots/list (MRTR), then reports how many roots came back
//   confirm        asks for a form elicitation (MRTR), then reports the action and content
//   sample         asks for sampling/createMessage whatever the client declared
//   endless        answers input_required with only a requestState, forever
//   two_rounds     elicitation step1, then step2 (requestState carries step1's answer), then the result
//   logs           streams notifications/message at each level, only those the request's logLevel allows
// A retry must have a new id, and must echo requestState exactly when one was given (-32602 otherwise).
// Listens on 127.0.0.1 on a free port and prints {"event":"listening","port":N} on stdout.
import http from 'node:http';

const VERSION = '2026-07-28';
const META = 'io.modelcontextprotocol/';
const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const SERVER_INFO = { name: 'modern-mock', version: '1.0.0' };

class RpcError extends Error {
    constructor(status, code, message, data) {
        super(message);
        Object.assign(this, { status, code, data });
    }
}
const mismatch = (what) => new RpcError(400, -32020, `Header mismatch: ${what}`);

const TOOLS = [
    {
        name: 'inspect',
        description: 'Echoes the metadata headers and _meta it received.',
        inputSchema: {
            type: 'object',
            properties: {
                region: { type: 'string', 'x-mcp-header': 'Region' },
                count: { type: 'integer', 'x-mcp-header': 'Count' },
                flag: { type: 'boolean', 'x-mcp-header': 'Flag' },
                nested: { type: 'object', properties: { inner: { type: 'string', 'x-mcp-header': 'Inner' } } },
                note: { type: 'string' },
            },
        },
    },
    {
        name: 'bad_header',
        description: 'An x-mcp-header where none may be.',
        inputSchema: { type: 'object', properties: { list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } } },
    },
    { name: 'roots', description: 'Asks for the roots.', inputSchema: { type: 'object' } },
    { name: 'confirm', description: 'Asks the user to confirm.', inputSchema: { type: 'object' } },
    { name: 'sample', description: 'Asks for sampling.', inputSchema: { type: 'object' } },
    { name: 'endless', description: 'Never completes.', inputSchema: { type: 'object' } },
    { name: 'two_rounds', description: 'Asks twice.', inputSchema: { type: 'object' } },
    { name: 'logs', description: 'Logs at every level.', inputSchema: { type: 'object' } },
];

const ELICIT_NAME = {
    method: 'elicitation/create',
    params: {
        mode: 'form',
        message: 'What is your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
};

// The header's value, decoded from the base64 form when it has it; undefined when absent.
function headerValue(req, name) {
    const v = req.headers[name.toLowerCase()];
    if (v === undefined) return undefined;
    const m = /^=\?base64\?(.*)\?=$/.exec(v);
    if (!m) return v;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(m[1]) || m[1].length % 4 !== 0) throw mismatch(`${name} is not valid base64`);
    return Buffer.from(m[1], 'base64').toString('utf8');
}

// The argument at an annotated property, as header text (undefined: no header expected).
function paramText(value) {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    if (typeof value === 'string' || typeof value === 'boolean') return String(value);
    return undefined;
}

function annotations(schema, path = [], out = []) {
    for (const [name, sub] of Object.entries(schema?.properties ?? {})) {
        if (sub['x-mcp-header']) out.push({ header: sub['x-mcp-header'], path: [...path, name] });
        annotations(sub, [...path, name], out);
    }
    return out;
}

function checkHeaders(req, msg) {
    const params = msg.params ?? {};
    // only Mcp-Name and Mcp-Param-* may use the base64 form
    if (req.headers['mcp-protocol-version'] !== params._meta[`${META}protocolVersion`]) throw mismatch('MCP-Protocol-Version');
    if (req.headers['mcp-method'] !== msg.method) throw mismatch('Mcp-Method');
    const named = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' }[msg.method];
    if (named && headerValue(req, 'Mcp-Name') !== params[named]) throw mismatch('Mcp-Name');
    const tool = msg.method === 'tools/call' ? TOOLS.find((t) => t.name === params.name) : undefined;
    for (const { header, path } of tool ? annotations(tool.inputSchema) : []) {
        const expected = paramText(path.reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), params.arguments));
        if (headerValue(req, `Mcp-Param-${header}`) !== expected) throw mismatch(`Mcp-Param-${header}`);
    }
}

// requestState "round:id" ties a retry to the request before it: the retry must come with a new id.
function stateFor(msg, round) {
    return `${round}:${msg.id}`;
}
function roundOf(msg) {
    const state = msg.params.requestState;
    if (state === undefined) return 0;
    const [round, id] = String(state).split(':');
    if (String(msg.id) === id) throw new RpcError(200, -32602, 'a retry must have a new id');
    return Number(round);
}
const inputRequired = (inputRequests, requestState) => ({ resultType: 'input_required', inputRequests, requestState });
const text = (t, extra = {}) => ({ resultType: 'complete', content: [{ type: 'text', text: t }], ...extra });

function callTool(req, msg, notify) {
    const { name, arguments: args = {}, inputResponses, requestState } = msg.params;
    const caps = msg.params._meta[`${META}clientCapabilities`];
    switch (name) {
        case 'inspect': {
            const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('mcp-')));
            return text(`region=${args.region ?? '-'}`, { structuredContent: { headers, meta: msg.params._meta } });
        }
        case 'roots':
            if (requestState !== undefined) throw new RpcError(200, -32602, 'requestState was not given, so it must not come back');
            if (!caps.roots) throw new RpcError(400, -32021, 'roots needed', { requiredCapabilities: { roots: {} } });
            if (!inputResponses?.r) return inputRequired({ r: { method: 'roots/list', params: {} } });
            return text(`got ${inputResponses.r.roots.length} roots`);
        case 'confirm': {
            if (!caps.elicitation) throw new RpcError(400, -32021, 'elicitation needed', { requiredCapabilities: { elicitation: {} } });
            const answer = inputResponses?.who;
            if (!answer) return inputRequired({ who: ELICIT_NAME }, stateFor(msg, 1));
            roundOf(msg);
            return text(`action=${answer.action} content=${JSON.stringify(answer.content ?? null)}`);
        }
        case 'sample':
            if (!inputResponses?.s)
                return inputRequired({ s: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 5 } } }, stateFor(msg, 1));
            return text('sampled');
        case 'endless':
            return inputRequired(undefined, stateFor(msg, roundOf(msg) + 1));
        case 'two_rounds': {
            const round = roundOf(msg);
            if (round === 0) return inputRequired({ step1: ELICIT_NAME }, stateFor(msg, 1));
            if (round === 1 && inputResponses?.step1) return inputRequired({ step2: ELICIT_NAME }, stateFor(msg, 2));
            if (round === 2 && inputResponses?.step2 && !inputResponses.step1)
                return text(`done after two rounds: ${inputResponses.step2.action}`);
            throw new RpcError(200, -32602, `unexpected round ${round}`);
        }
        case 'logs': {
            const wanted = msg.params._meta[`${META}logLevel`];
            for (const level of LEVELS)
                if (wanted !== undefined && LEVELS.indexOf(level) >= LEVELS.indexOf(wanted))
                    notify({ method: 'notifications/message', params: { level, logger: 'logs', data: `at ${level}` } });
            return text('logged');
        }
        default:
            throw new RpcError(200, -32602, `unknown tool ${name}`);
    }
}

function handle(req, msg, notify) {
    const params = msg.params;
    const meta = params?._meta;
    if (typeof meta?.[`${META}protocolVersion`] !== 'string' || typeof meta?.[`${META}clientCapabilities`] !== 'object')
        throw new RpcError(400, -32602, 'params._meta needs the protocol version and the client capabilities');
    const supported = req.url === '/future' ? ['2099-01-01'] : [VERSION];
    if (!supported.includes(meta[`${META}protocolVersion`]))
        throw new RpcError(400, -32022, 'Unsupported protocol version', { supported, requested: meta[`${META}protocolVersion`] });
    checkHeaders(req, msg);
    switch (msg.method) {
        case 'server/discover':
            return {
                resultType: 'complete',
                supportedVersions: supported,
                capabilities: { tools: {}, prompts: {}, resources: {}, logging: {} },
                instructions: 'A strict 2026-07-28 mock.',
                ttlMs: 0,
                cacheScope: 'public',
                _meta: { [`${META}serverInfo`]: SERVER_INFO },
            };
        case 'tools/list':
            return { resultType: 'complete', tools: TOOLS, ttlMs: 0, cacheScope: 'public' };
        case 'tools/call':
            return callTool(req, msg, notify);
        case 'prompts/list':
            return { resultType: 'complete', prompts: [{ name: 'greet', arguments: [] }], ttlMs: 0, cacheScope: 'public' };
        case 'prompts/get': {
            const answer = params.inputResponses?.who;
            if (!answer) return inputRequired({ who: ELICIT_NAME }, stateFor(msg, 1));
            roundOf(msg);
            const who = answer.action === 'accept' ? answer.content.name : 'stranger';
            return { resultType: 'complete', messages: [{ role: 'user', content: { type: 'text', text: `Greet ${who}.` } }] };
        }
        case 'resources/list':
            return { resultType: 'complete', resources: [{ uri: 'test://café/menu', name: 'menu' }], ttlMs: 0, cacheScope: 'public' };
        case 'resources/read':
            return {
                resultType: 'complete',
                contents: [{ uri: params.uri, text: `read ${params.uri} (Mcp-Name ${req.headers['mcp-name']})` }],
                ttlMs: 0,
                cacheScope: 'public',
            };
        default:
            throw new RpcError(404, -32601, 'Method not found');
    }
}

// /dual-legacy: a server that knows the modern era but supports only 2025-11-25, spoken through initialize.
function handleDualLegacy(req, msg) {
    if (msg.method === 'initialize')
        return { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'dual-legacy', version: '1.0.0' } };
    if (msg.method === 'ping' || msg.method === 'tools/list') return msg.method === 'ping' ? {} : { tools: [] };
    if (msg.method === 'server/discover')
        throw new RpcError(400, -32022, 'Unsupported protocol version', {
            supported: ['2025-11-25'],
            requested: msg.params?._meta?.[`${META}protocolVersion`],
        });
    throw new RpcError(404, -32601, 'Method not found');
}

const server = http.createServer((req, res) => {
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
        let msg;
        try {
            msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
            return res
                .writeHead(400, { 'content-type': 'application/json' })
                .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
        }
        if (msg.id === undefined) return res.writeHead(202).end();
        const notifications = [];
        let body;
        let status = 200;
        try {
            const result = req.url === '/dual-legacy' ? handleDualLegacy(req, msg) : handle(req, msg, (n) => notifications.push(n));
            body = { jsonrpc: '2.0', id: msg.id, result };
        } catch (err) {
            const e = err instanceof RpcError ? err : new RpcError(500, -32603, `Internal error: ${err.message}`);
            status = e.status;
            body = { jsonrpc: '2.0', id: msg.id, error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) } };
        }
        if (notifications.length === 0 || status !== 200)
            return res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-accel-buffering': 'no' });
        for (const n of [...notifications.map((n) => ({ jsonrpc: '2.0', ...n })), body])
            res.write(`event: message\ndata: ${JSON.stringify(n)}\n\n`);
        res.end();
    });
});
server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ event: 'listening', port: server.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
