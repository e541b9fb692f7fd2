// conformance-through-proxy.mjs: the official conformance suite (0.1.16 --suite all) through `mcp-client proxy`,
// signing every request for the IAM front door (a Function URL with AWS_IAM in front of the server in Lambda mode,
// RESPONSE_STREAM; rig.mjs). The suite speaks Streamable HTTP and the proxy speaks stdio, so a relay in between
// plays the MCP host: for each session the suite opens it launches one `mcp-client proxy`, as a desktop host
// launches a stdio server, and carries messages both ways unchanged (the SDK's StreamableHTTPServerTransport on
// one side, its StdioClientTransport on the other). A message the server sends during a request (progress, a log
// message, sampling or elicitation) goes back on that request's stream, as the server sent it.
//
//   node tests/iam/conformance-through-proxy.mjs [BUILD_DIR]
// The exit status is tests/node/conformance.mjs's: non-zero unless every check passed.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { REGION, ROOT, startIamEndpoint } from './rig.mjs';

const require = createRequire(new URL('../node/package.json', import.meta.url));
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');

const build = process.argv[2] ?? 'build';
const client = resolve(ROOT, build, 'mcp-client');
const KEY = { accessKeyId: 'AKIDCONFORMANCE', secretAccessKey: 'conformance-secret', accountId: '111122223333', userArn: 'arn:aws:iam::111122223333:user/conformance', userId: 'AIDACONF' };

/** One session of the suite: an HTTP transport on its side, a proxy process on the other. */
async function openSession(endpoint, sessions, relayPort) {
    const proxy = new StdioClientTransport({
        command: client,
        args: ['--url', endpoint, '--aws-sigv4', '--aws-service', 'lambda', '--aws-region', REGION, 'proxy'],
        env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey },
        stderr: 'inherit',
    });
    const inFlight = []; // request ids of the suite, oldest first
    const byProgressToken = new Map();
    const http = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        // the relay is a local HTTP server: it refuses other Host headers, as a host's own endpoint would
        enableDnsRebindingProtection: true,
        allowedHosts: [`127.0.0.1:${relayPort}`, `localhost:${relayPort}`],
        onsessioninitialized: (id) => sessions.set(id, http),
    });
    http.onmessage = (message) => {
        if (message.method !== undefined && message.id !== undefined) {
            inFlight.push(message.id);
            const token = message.params?._meta?.progressToken;
            if (token !== undefined) byProgressToken.set(token, message.id);
        }
        proxy.send(message).catch((err) => console.error(`relay: to the proxy: ${err.message}`));
    };
    proxy.onmessage = (message) => {
        let relatedRequestId;
        if (message.method === undefined) {
            const at = inFlight.indexOf(message.id);
            if (at >= 0) inFlight.splice(at, 1);
        } else if (message.method === 'notifications/progress') {
            relatedRequestId = byProgressToken.get(message.params?.progressToken);
        } else {
            relatedRequestId = inFlight.at(-1);
        }
        http.send(message, relatedRequestId === undefined ? undefined : { relatedRequestId })
            .catch((err) => console.error(`relay: to the suite: ${err.message}`));
    };
    http.onclose = () => {
        proxy.close();
    };
    await proxy.start();
    return { http, proxy };
}

async function main() {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-conformance-proxy-'));
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify([KEY]));
    const iam = await startIamEndpoint({ build, keysFile });
    const sessions = new Map();
    const opened = [];
    const relay = http.createServer(async (req, res) => {
        try {
            const id = req.headers['mcp-session-id'];
            let transport = id !== undefined ? sessions.get(id) : undefined;
            if (transport === undefined && id === undefined && req.method === 'POST') {
                const session = await openSession(iam.url, sessions, relay.address().port);
                opened.push(session);
                transport = session.http;
            }
            if (transport === undefined) {
                res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}');
                return;
            }
            await transport.handleRequest(req, res);
        } catch (err) {
            console.error(`relay: ${err.stack ?? err}`);
            if (!res.headersSent) res.writeHead(500).end();
        }
    });
    await new Promise((ok) => relay.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${relay.address().port}/mcp`;
    console.log(`relay ${url} -> mcp-client proxy (SigV4) -> ${iam.url} (Function URL, AWS_IAM, RESPONSE_STREAM)`);
    const code = await new Promise((ok) => {
        const child = spawn(process.execPath, [join(ROOT, 'tests', 'node', 'conformance.mjs'), ...process.argv.slice(3)], {
            cwd: ROOT,
            stdio: 'inherit',
            env: { ...process.env, MCP_SERVER_URL: url },
        });
        child.on('close', (c, signal) => ok(signal === null ? c : 1));
    });
    relay.close();
    relay.closeAllConnections?.();
    await Promise.all(opened.map((s) => s.proxy.close()));
    await iam.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(`conformance through mcp-client proxy: ${code === 0 ? 'passed' : 'FAILED'} (${opened.length} proxy sessions)`);
    return code;
}

main().then((code) => process.exit(code), (err) => {
    console.error(err.stack ?? err);
    process.exit(1);
});
