// mcp-through-shim.mjs: the server binary in Lambda mode, behind the Runtime API emulator and the API
// Gateway shim, driven by the official TypeScript client end-to-end test and the official conformance
// suite, once per event format: 0.1.16 --suite all, and the 0.2 line's requirement sets for 2025-11-25
// (the legacy era) and 2026-07-28 (the stateless era).
//
//   node tests/lambda/mcp-through-shim.mjs [BUILD_DIR]      (default: build)
//
// Buffered (the default on Lambda): REST API, HTTP API and Function URL events. A legacy tool cannot ask
// the client anything here (its response reaches the client only when it has finished), so the end-to-end
// test expects sampling and elicitation to be refused at once, and the 0.1.16 and 2025-11-25 runs must fail
// exactly those scenarios and no others (conformance-buffered.yml, with the reasons). Under 2026-07-28 a
// tool asks through an InputRequiredResult and the client's retry, which needs no stream: nothing fails
// for being buffered.
//
// Streaming (REST responseTransferMode STREAM, Function URL RESPONSE_STREAM): two instances, and a local
// DynamoDB (dynalite) holding the table where a client's answer, received by one instance, meets the tool
// waiting on the other. Everything must pass.
//
// Every run has two instances and a local DynamoDB (dynalite) holding the tasks of the tasks extension
// (MCP_TASK_TABLE): an instance keeps running a task after its response until the task ends, so the
// conformance suite's tasks/get and tasks/cancel are answered by the other instance, through the table.
//
// Every instance gets the same MCP_REQUEST_STATE_KEY, as a deployment with more than one instance must:
// a 2026-07-28 retry may reach another instance than the round that sealed its requestState.
// The 2026-07-28 runs, buffered or streaming, share tests/node/conformance-2026-07-28.yml with the HTTP
// run (unscored scenarios allowed to fail, with the reason; currently none).
//
// Every process is started on 127.0.0.1 with ports the OS picks, and stopped by PID at the end.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startEmulator } from './runtime-emulator.mjs';
import { startShim } from './apigw-shim.mjs';
import { startDynamo } from './local-dynamodb.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const build = resolve(root, process.argv[2] ?? 'build');
const server = join(build, 'mcp-server');

const REGION = 'ap-southeast-2';
/* base64 of 32 bytes; any fixed value does for the test, a deployment uses a secret of its own */
const REQUEST_STATE_KEY = Buffer.alloc(32, 7).toString('base64');
const AWS_ENV = {
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    AWS_SESSION_TOKEN: 'local-test-session',
};

function run(label, command, args, env) {
    return new Promise((ok) => {
        console.log(`\n=== ${label}\n$ ${[command, ...args].join(' ')}`);
        const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
        child.on('close', (code, signal) => ok(code === 0 && signal === null));
    });
}

async function withLambda({ toolsets, format, stream, env }, body) {
    const emulator = await startEmulator({
        command: server,
        env: { MCP_TOOLSETS: toolsets, MCP_LOG_LEVEL: 'warn', MCP_REQUEST_STATE_KEY: REQUEST_STATE_KEY, ...AWS_ENV, ...env },
        region: REGION,
        maxInstances: 2,
        timeoutMs: 30_000,
    });
    const shim = await startShim({
        emulator,
        format,
        stage: format === 'url' ? undefined : 'dev',
        stream,
        authorizer: { principalId: 'e2e', tenant: 'test' },
    });
    try {
        return await body(shim.url, emulator);
    } finally {
        await shim.stop();
        await emulator.stop();
    }
}

async function scenario(name, { format, stream, env = {} }) {
    const both = async (fn) =>
        withLambda({ toolsets: 'default', format, stream, env }, (defaultUrl, e1) =>
            withLambda({ toolsets: 'default,conformance', format, stream, env }, (conformanceUrl, e2) =>
                fn(defaultUrl, conformanceUrl, [e1, e2]),
            ),
        );
    return both(async (defaultUrl, conformanceUrl, emulators) => {
        const urls = `default=${defaultUrl} default,conformance=${conformanceUrl}`;
        const e2e = await run(`${name}: end-to-end (official TypeScript client)`, process.execPath,
            ['--test', 'tests/node/e2e.test.mjs'], { MCP_SERVER_URL: urls, MCP_E2E_BUFFERED: stream ? '0' : '1' });
        const conformanceArgs = ['tests/node/conformance.mjs'];
        if (!stream) conformanceArgs.push('--allowed-failures', join(here, 'conformance-buffered.yml'));
        const conformance = await run(`${name}: conformance 0.1.16 --suite all`, process.execPath, conformanceArgs,
            { MCP_SERVER_URL: conformanceUrl });
        const legacyArgs = ['tests/node/conformance.mjs', '--requirements', '2025-11-25'];
        if (!stream) legacyArgs.push('--allowed-failures', join(here, 'conformance-buffered.yml'));
        const conformance20251125 = await run(`${name}: conformance 0.2.0-alpha.12 --requirements 2025-11-25`, process.execPath,
            legacyArgs, { MCP_SERVER_URL: conformanceUrl });
        const modernArgs = ['tests/node/conformance.mjs', '--requirements', '2026-07-28',
            '--allowed-failures', join(root, 'tests', 'node', 'conformance-2026-07-28.yml')];
        const conformance20260728 = await run(`${name}: conformance 0.2.0-alpha.12 --requirements 2026-07-28`, process.execPath,
            modernArgs, { MCP_SERVER_URL: conformanceUrl });
        const violations = emulators.flatMap((e) => e.violations());
        if (violations.length > 0) console.log(`${name}: Runtime API protocol violations: ${JSON.stringify(violations)}`);
        return {
            e2e,
            conformance,
            'conformance 2025-11-25': conformance20251125,
            'conformance 2026-07-28': conformance20260728,
            protocol: violations.length === 0,
        };
    });
}

const results = [];
const buffered = [
    ['REST API (payload 1.0), buffered', 'rest'],
    ['HTTP API (payload 2.0), buffered', 'http'],
    ['Function URL, buffered', 'url'],
];
const dynamo = await startDynamo();
try {
    // tasks (the 2026-07-28 runs' tasks extension) live in the shared table: an instance busy with a task
    // cannot answer for it, the other one can
    const tasks = { MCP_TASK_TABLE: dynamo.table, MCP_DYNAMODB_ENDPOINT: dynamo.endpoint };
    for (const [name, format] of buffered) results.push([name, await scenario(name, { format, stream: false, env: tasks })]);
    const env = {
        MCP_LAMBDA_RESPONSE_MODE: 'streaming',
        MCP_PENDING_TABLE: dynamo.table,
        ...tasks,
    };
    results.push(['REST API, responseTransferMode STREAM', await scenario('REST API, streaming', { format: 'rest', stream: true, env })]);
    results.push(['Function URL, RESPONSE_STREAM', await scenario('Function URL, streaming', { format: 'url', stream: true, env })]);
} finally {
    await dynamo.stop();
}

let passed = 0;
let failed = 0;
console.log('\n=== Lambda front door through the API Gateway shim');
for (const [name, r] of results) {
    for (const [what, ok] of Object.entries(r)) {
        console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${what}`);
        ok ? ++passed : ++failed;
    }
}
console.log(`lambda: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
