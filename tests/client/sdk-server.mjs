// sdk-server.mjs: a Streamable HTTP MCP server built with the official TypeScript SDK (McpServer and
// StreamableHTTPServerTransport on plain node:http), so tests/client/run.sh can run mcp-client against
// a server this project did not write.
//
//   node sdk-server.mjs
//
// The SDK comes from tests/node/node_modules (@modelcontextprotocol/sdk 1.32.2, tests/node/package-lock.json).
// The server is stateful, as the SDK's examples are: initialize creates a session (Mcp-Session-Id), later
// requests name it, DELETE ends it. Every response is an event stream (the SDK's default). It offers:
//   tools      add(a, b: number), echo(text: string), fail (isError), slow_count(n, delay_ms) with progress
//              and log notifications, series(n) (a large, dense structured result), ping_client (pings the
//              client and waits for its answer),
//              ask_llm (asks the client for sampling and reports the refusal)
//   resources  memo://readme, and the template greeting://{name}
//   prompts    greet(name), whose argument completes from a short list
// Listens on 127.0.0.1 on a free port and prints {"event":"listening","port":N} on stdout.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../node/package.json', import.meta.url));
const { McpServer, ResourceTemplate } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { completable } = require('@modelcontextprotocol/sdk/server/completable.js');
const { CreateMessageResultSchema, EmptyResultSchema } = require('@modelcontextprotocol/sdk/types.js');
const { z } = require('zod');

const NAMES = ['Ada', 'Alan', 'Grace', 'Linus'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function buildServer() {
    const server = new McpServer({ name: 'sdk-test-server', version: '1.0.0' }, { capabilities: { logging: {} } });

    server.registerTool(
        'add',
        { title: 'Add', description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
        async ({ a, b }) => ({ content: [{ type: 'text', text: `${a} + ${b} = ${a + b}` }], structuredContent: { sum: a + b } }),
    );
    server.registerTool(
        'echo',
        { description: 'Echoes a string.', inputSchema: { text: z.string() } },
        async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text} (${typeof text})` }] }),
    );
    server.registerTool('fail', { description: 'Always fails.' }, async () => ({
        content: [{ type: 'text', text: 'this tool always fails' }],
        isError: true,
    }));
    server.registerTool(
        'slow_count',
        {
            description: 'Counts to n, one step every delay_ms, with progress and log notifications.',
            inputSchema: { n: z.number().int().min(1).max(20), delay_ms: z.number().int().min(0).max(5000) },
        },
        async ({ n, delay_ms }, extra) => {
            const token = extra._meta?.progressToken;
            for (let i = 1; i <= n; i++) {
                await sleep(delay_ms);
                if (token !== undefined)
                    await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: n } });
                await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'slow_count', data: `step ${i}` } });
            }
            return { content: [{ type: 'text', text: `counted to ${n}` }] };
        },
    );
    server.registerTool(
        'series',
        { description: 'Returns the numbers 0 to n-1 as structured content.', inputSchema: { n: z.number().int().min(0).max(1_000_000) } },
        async ({ n }) => {
            const values = Array.from({ length: n }, (_, i) => i % 10);
            return { content: [{ type: 'text', text: `${n} values` }], structuredContent: { values } };
        },
    );
    server.registerTool('ping_client', { description: 'Pings the client and waits for its answer.' }, async (extra) => {
        await extra.sendRequest({ method: 'ping' }, EmptyResultSchema, { timeout: 10_000 });
        return { content: [{ type: 'text', text: 'the client answered ping' }] };
    });
    server.registerTool('ask_llm', { description: 'Asks the client for sampling.' }, async (extra) => {
        try {
            const r = await extra.sendRequest(
                { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10 } },
                CreateMessageResultSchema,
                { timeout: 10_000 },
            );
            return { content: [{ type: 'text', text: `sampled: ${JSON.stringify(r.content)}` }] };
        } catch (err) {
            return { content: [{ type: 'text', text: `sampling refused: ${err.message}` }], isError: true };
        }
    });

    server.registerResource('readme', 'memo://readme', { title: 'Read me', mimeType: 'text/plain' }, async (uri) => ({
        contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This server is built with the TypeScript SDK.' }],
    }));
    server.registerResource(
        'greeting',
        new ResourceTemplate('greeting://{name}', { list: undefined, complete: { name: (v) => NAMES.filter((n) => n.startsWith(v)) } }),
        { title: 'Greeting', description: 'A greeting for anyone.' },
        async (uri, { name }) => ({ contents: [{ uri: uri.href, text: `Hello, ${name}!` }] }),
    );
    server.registerPrompt(
        'greet',
        { title: 'Greet', description: 'Greets someone.', argsSchema: { name: completable(z.string(), (v) => NAMES.filter((n) => n.startsWith(v))) } },
        ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Please greet ${name}.` } }] }),
    );
    return server;
}

const transports = new Map();

const httpServer = http.createServer(async (req, res) => {
    try {
        if (new URL(req.url, 'http://localhost').pathname !== '/mcp') {
            res.writeHead(404).end();
            return;
        }
        const sessionId = req.headers['mcp-session-id'];
        let transport = sessionId ? transports.get(sessionId) : undefined;
        if (sessionId && !transport) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
            return;
        }
        if (!transport) {
            transport = new StreamableHTTPServerTransport({
                sessionIdGenerator: () => randomUUID(),
                onsessioninitialized: (id) => transports.set(id, transport),
            });
            transport.onclose = () => transports.delete(transport.sessionId);
            await buildServer().connect(transport);
        }
        await transport.handleRequest(req, res);
    } catch (err) {
        console.error(`sdk-server: ${err.stack}`);
        if (!res.headersSent) res.writeHead(500).end();
    }
});
httpServer.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ event: 'listening', port: httpServer.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
