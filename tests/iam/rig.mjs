// rig.mjs: the front doors the IAM tests talk to, each in front of the server binary in Lambda mode.
//
//   IAM:    a Lambda Function URL with AuthType AWS_IAM (apigw-shim.mjs --format url, iam): every request's SigV4
//           signature is verified by signing it again with @smithy/signature-v4; the caller reaches the function as
//           requestContext.authorizer.iam. RESPONSE_STREAM with two instances and a local DynamoDB (dynalite) for the
//           pending-answers table, so 2025-era sampling and elicitation work across instances, as deployed.
//   bearer: the REST API (payload 1.0, STREAM) behind tests/client/proxy.mjs, which wants "Authorization: Bearer".
//
// JS:  const e = await startIamEndpoint({ build, keysFile }); e.url; await e.stop();
//      const b = await startBearerEndpoint({ build, token }); b.url; await b.stop();
// CLI: node tests/iam/rig.mjs iam --keys FILE [--build DIR] | bearer --token T [--build DIR]
//      prints the URL as its first line of stdout and serves until SIGTERM or SIGINT.
//
// keysFile is read for every request (a JSON array, see apigw-shim.mjs), so a test can rotate and expire keys
// while everything runs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startShim } from '../lambda/apigw-shim.mjs';
import { startDynamo } from '../lambda/local-dynamodb.mjs';
import { startEmulator } from '../lambda/runtime-emulator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..', '..');
export const REGION = 'eu-west-1';
/* any fixed 32 bytes: every instance behind one endpoint must seal requestState with the same key */
const REQUEST_STATE_KEY = Buffer.alloc(32, 9).toString('base64');
/* the function's own credentials, for its DynamoDB calls (dynalite accepts any signature) */
const FUNCTION_ENV = { AWS_ACCESS_KEY_ID: 'AKIDFUNCTION', AWS_SECRET_ACCESS_KEY: 'function-secret', AWS_SESSION_TOKEN: 'function-session' };

async function startLambda({ build, toolsets, format, stream, iam, log }) {
    const dynamo = stream ? await startDynamo() : null;
    const env = { MCP_TOOLSETS: toolsets, MCP_LOG_LEVEL: 'warn', MCP_REQUEST_STATE_KEY: REQUEST_STATE_KEY, ...FUNCTION_ENV };
    if (stream) Object.assign(env, { MCP_LAMBDA_RESPONSE_MODE: 'streaming', MCP_PENDING_TABLE: dynamo.table, MCP_DYNAMODB_ENDPOINT: dynamo.endpoint });
    const emulator = await startEmulator({
        command: resolve(ROOT, build, 'mcp-server'),
        env,
        region: REGION,
        maxInstances: stream ? 2 : 1,
        timeoutMs: 30_000,
    });
    const shim = await startShim({ emulator, format, stage: format === 'rest' ? 'dev' : undefined, stream, iam, region: REGION, log });
    return {
        shim,
        emulator,
        url: shim.url,
        async stop() {
            await shim.stop();
            await emulator.stop();
            if (dynamo) await dynamo.stop();
        },
    };
}

export async function startIamEndpoint({ build = 'build', keysFile, toolsets = 'default,conformance', log } = {}) {
    return startLambda({ build, toolsets, format: 'url', stream: true, iam: { keys: () => JSON.parse(readFileSync(keysFile, 'utf8')) }, log });
}

export async function startBearerEndpoint({ build = 'build', token, toolsets = 'default,conformance', log } = {}) {
    const lambda = await startLambda({ build, toolsets, format: 'rest', stream: true, log });
    const child = spawn(process.execPath, [join(ROOT, 'tests', 'client', 'proxy.mjs'), '--upstream', lambda.url, '--require-token', token], {
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise((ok, fail) => {
        const lines = createInterface({ input: child.stdout });
        lines.on('line', (line) => {
            const m = /"port":(\d+)/.exec(line);
            if (m) ok(Number(m[1]));
        });
        child.on('exit', (code) => fail(new Error(`proxy.mjs exited with ${code}`)));
    });
    return {
        url: `http://127.0.0.1:${port}${new URL(lambda.url).pathname}`,
        lambda,
        async stop() {
            child.kill('SIGTERM');
            await lambda.stop();
        },
    };
}

async function main() {
    const { values: v, positionals } = parseArgs({
        allowPositionals: true,
        options: { keys: { type: 'string' }, token: { type: 'string' }, build: { type: 'string', default: 'build' } },
    });
    const log = (msg) => console.error(`[rig] ${msg}`);
    let endpoint;
    if (positionals[0] === 'iam' && v.keys) endpoint = await startIamEndpoint({ build: v.build, keysFile: resolve(v.keys), log });
    else if (positionals[0] === 'bearer' && v.token) endpoint = await startBearerEndpoint({ build: v.build, token: v.token, log });
    else {
        console.error('usage: node tests/iam/rig.mjs iam --keys FILE [--build DIR] | bearer --token TOKEN [--build DIR]');
        return 2;
    }
    console.log(endpoint.url);
    await new Promise((ok) => {
        process.once('SIGTERM', ok);
        process.once('SIGINT', ok);
    });
    await endpoint.stop();
    return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main().then((code) => process.exit(code), (err) => {
        console.error(`rig: ${err.stack ?? err}`);
        process.exit(1);
    });
}
