// lambda.test.mjs: the container images run as Lambda runs them, as custom runtimes behind the project's
// Runtime API emulator (tests/lambda/runtime-emulator.mjs). Started by tests/container/run.sh:
//
//     CONTAINER_LABEL=KEY=VALUE SERVER_IMAGE=mcp-server:test AUTHORIZER_IMAGE=mcp-authorizer:test \
//         node --test tests/container/lambda.test.mjs
//
// Each execution environment the emulator starts is `podman run` of the image, with the host's network (the
// emulator's Runtime API listens on 127.0.0.1) and the environment the emulator gives a runtime (--env-host:
// AWS_LAMBDA_RUNTIME_API and the rest). Every container carries CONTAINER_LABEL, by which the after hook
// finds the ids to remove (run.sh does the same on exit, should this process die first).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../lambda/runtime-emulator.mjs';

const { CONTAINER_LABEL, SERVER_IMAGE, AUTHORIZER_IMAGE } = process.env;
if (!CONTAINER_LABEL || !SERVER_IMAGE || !AUTHORIZER_IMAGE) {
    throw new Error('CONTAINER_LABEL, SERVER_IMAGE and AUTHORIZER_IMAGE are required (tests/container/run.sh sets them)');
}
if (!CONTAINER_LABEL || !SERVER_IMAGE) throw new Error('set CONTAINER_LABEL and SERVER_IMAGE (see the comment at the top)');

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const API_ID = 'a1b2c3d4e5';

function removeContainers() {
    const ids = execFileSync('podman', ['ps', '--all', '--quiet', '--filter', `label=${CONTAINER_LABEL}`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    if (ids.length > 0) execFileSync('podman', ['rm', '--force', '--time', '0', ...ids], { stdio: 'ignore' });
}

/** An emulator whose execution environments are containers of `image`, with `env` added to Lambda's. */
function emulate(image, env = {}) {
    return startEmulator({
        command: 'podman',
        // as Lambda runs an image: read-only root, writable /tmp, a user of Lambda's choosing (LAMBDA_USER)
        args: ['run', '--rm', '--network', 'host', '--env-host', '--label', CONTAINER_LABEL, '--read-only', '--tmpfs', '/tmp:rw,mode=1777',
            '--user', process.env.LAMBDA_USER ?? '993:990', '--arch', process.env.CONTAINER_ARCH ?? 'amd64', image],
        env,
        region: REGION,
        accountId: ACCOUNT,
        initTimeoutMs: 30_000,
        timeoutMs: 30_000,
        stopTimeoutMs: 500,
    });
}

/** The lines the function wrote, both streams, from every execution environment. */
const outputOf = (emu) => emu.instances.flatMap((i) => [...i.stdout, ...i.stderr]).join('\n');

/** The output once `done(output)` holds, or after 5 s: a container's lines arrive through podman, later. */
async function settledOutput(emu, done) {
    const deadline = Date.now() + 5000;
    while (!done(outputOf(emu)) && Date.now() < deadline) await sleep(50);
    return outputOf(emu);
}

after(async () => {
    removeContainers();
});

describe(`${SERVER_IMAGE} as a Lambda function (AWS_LAMBDA_RUNTIME_API set)`, () => {
    let emu;
    after(async () => {
        await emu?.stop();
    });

    test('answers an API Gateway REST API event with the MCP response', async () => {
        emu = await emulate(SERVER_IMAGE);
        const host = `${API_ID}.execute-api.${REGION}.amazonaws.com`;
        const headers = { Host: host, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
        const r = await emu.invoke({
            resource: '/mcp',
            path: '/mcp',
            httpMethod: 'POST',
            headers,
            multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
            queryStringParameters: null,
            multiValueQueryStringParameters: null,
            pathParameters: null,
            stageVariables: null,
            requestContext: {
                resourcePath: '/mcp',
                httpMethod: 'POST',
                path: '/prod/mcp',
                stage: 'prod',
                requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
                accountId: ACCOUNT,
                apiId: API_ID,
                domainName: host,
                identity: { sourceIp: '203.0.113.7' },
            },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ping', arguments: {} } }),
            isBase64Encoded: false,
        });
        assert.equal(r.kind, 'response', `${r.errorType}: ${r.errorMessage}\n${outputOf(emu)}`);
        const response = JSON.parse(r.body.toString());
        assert.equal(response.statusCode, 200, JSON.stringify(response));
        const rpc = JSON.parse(response.body);
        assert.equal(rpc.id, 1);
        assert.match(JSON.stringify(rpc.result?.content), /pong/i, response.body);
        assert.deepEqual(emu.violations(), [], 'no Runtime API protocol violations');
    });
});

describe(`${AUTHORIZER_IMAGE} as a Lambda TOKEN authorizer`, () => {
    const token = randomBytes(24).toString('base64url');
    const digest = createHash('sha256').update(token).digest('hex');
    const label = 'container-test';
    const methodArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/prod/POST/mcp`;
    let emu;

    after(async () => {
        await emu?.stop();
    });

    test('a configured token: Allow for every method and path of the stage, principal = its label', async () => {
        emu = await emulate(AUTHORIZER_IMAGE, { MCP_AUTH_TOKENS: `${label}:${digest}` });
        const r = await emu.invoke({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn });
        assert.equal(r.kind, 'response', `${r.errorType}: ${r.errorMessage}\n${outputOf(emu)}`);
        const decision = JSON.parse(r.body.toString());
        assert.equal(decision.principalId, label);
        const [statement] = decision.policyDocument.Statement;
        assert.equal(statement.Effect, 'Allow');
        assert.equal(statement.Action, 'execute-api:Invoke');
        assert.deepEqual([statement.Resource].flat(), [`arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/prod/*/*`]);
    });

    test('an unknown token: the function error "Unauthorized" (API Gateway answers 401)', async () => {
        const r = await emu.invoke({ type: 'TOKEN', authorizationToken: `Bearer ${token}x`, methodArn });
        assert.equal(r.kind, 'error', `expected a function error, got ${r.kind}: ${r.body}`);
        assert.equal(r.errorMessage, 'Unauthorized');
    });

    test('the log has both decisions but neither the token nor its digest', async () => {
        const decisions = (out) => out.match(/"event":"decision"/g)?.length ?? 0;
        const out = await settledOutput(emu, (o) => decisions(o) >= 2);
        assert.equal(decisions(out), 2, out);
        assert.ok(!out.includes(token) && !out.includes(digest), 'no token or digest in the log');
        assert.deepEqual(emu.violations(), [], 'no Runtime API protocol violations');
    });
});
