// secrets.test.mjs: the server's request-state key and the authorizer's token digests read from Secrets Manager at
// start-up (the local shim, secrets-manager-shim.mjs, which verifies every request's SigV4 signature with
// @smithy/signature-v4), both run as Lambda functions behind the Runtime API emulator, and both rotated in the
// middle of a run of requests of which none may fail.
//
// What it shows:
//   - the shim refuses what AWS refuses (403 for a missing, malformed, wrong, expired or foreign signature) and lets
//     a role read only the secrets it was granted, so the functions' own requests passing it means they sign right;
//   - neither function's environment holds a key or a digest: only the secret's ARN;
//   - the authorizer: a token added to the secret is accepted and a revoked one refused without a restart, while a
//     client whose token stays valid sees no refusal at any point;
//   - the server: input-required rounds (2026-07-28 requestState) keep completing across a rotation of the key, on
//     the instance that sealed them and on another one that has not re-read the secret yet;
//   - re-reads are bounded (MCP_SECRETS_REFRESH_SECONDS), an unreadable secret or a bad value is an init error that
//     names the secret, never a value, and no key, token or digest appears in any output.
//
// Run: MCP_SERVER_BIN=build/mcp-server MCP_AUTHORIZER_BIN=build/mcp-authorizer node --test tests/lambda/secrets.test.mjs
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from './runtime-emulator.mjs';
import { callSecretsManager, startSecretsManager } from './secrets-manager-shim.mjs';

const SERVER = resolve(process.env.MCP_SERVER_BIN ?? 'build/mcp-server');
const AUTHORIZER = resolve(process.env.MCP_AUTHORIZER_BIN ?? 'build/mcp-authorizer');
const REGION = 'ap-southeast-2';
const ACCOUNT = '123456789012';
const API_ID = 'abc123defg';
const HOST = `${API_ID}.execute-api.${REGION}.amazonaws.com`;
const T = { timeout: 60_000 };

// The functions' role (temporary credentials, as Lambda gives them) and the operator who rotates.
const ROLE = {
    accessKeyId: 'ASIAFUNCTIONROLE0001',
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(60).toString('base64'),
};
const OPERATOR = { accessKeyId: 'AKIAOPERATOR00000001', secretAccessKey: randomBytes(30).toString('base64') };

const sha256hex = (s) => createHash('sha256').update(s).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const newKey = () => randomBytes(48).toString('base64');

let sm;
let stateKeyArn;
let tokensArn;
let otherArn;
const emulators = [];
const secretsSeen = new Set(); // every key, token and digest: none may appear in any output

before(async () => {
    sm = await startSecretsManager({
        region: REGION,
        accounts: {
            [ROLE.accessKeyId]: ROLE, // its allow list is set below, once the ARNs exist
            [OPERATOR.accessKeyId]: OPERATOR,
        },
    });
    stateKeyArn = sm.create('mcp-test-request-state-key', remember(newKey()));
    tokensArn = sm.create('mcp-test-auth-tokens', 'placeholder:' + '0'.repeat(64));
    otherArn = sm.create('someone-elses-secret', 'not for this role');
    // the role may read exactly the two secrets of the stage, as the CDK app grants it
    ROLE.allow = [stateKeyArn, tokensArn];
});

after(async () => {
    for (const e of emulators) await e.stop();
    await sm?.stop();
});

function remember(value) {
    secretsSeen.add(value);
    return value;
}

/** Sets the AWSCURRENT value as an operator would with `aws secretsmanager put-secret-value`. */
async function putSecret(arn, value) {
    const r = await callSecretsManager(sm.endpoint, { region: REGION, ...OPERATOR }, 'PutSecretValue', {
        SecretId: arn,
        SecretString: value,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
}

function roleEnv(extra) {
    return {
        AWS_ACCESS_KEY_ID: ROLE.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ROLE.secretAccessKey,
        AWS_SESSION_TOKEN: ROLE.sessionToken,
        MCP_SECRETS_ENDPOINT: sm.endpoint,
        MCP_LOG_LEVEL: 'info',
        ...extra,
    };
}

async function emulator(command, env) {
    const emu = await startEmulator({
        command,
        env: roleEnv(env),
        region: REGION,
        accountId: ACCOUNT,
        maxInstances: 1,
        timeoutMs: 15_000,
        initTimeoutMs: 15_000,
    });
    emulators.push(emu);
    return emu;
}

/** The live process environment of the emulator's first execution environment, from /proc. */
function processEnv(emu) {
    const text = readFileSync(`/proc/${emu.instances[0].pid}/environ`, 'utf8');
    return Object.fromEntries(
        text
            .split('\0')
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
}

const outputOf = (emu) => emu.instances.flatMap((i) => [...i.stdout, ...i.stderr]).join('\n');
const gets = (arn) =>
    sm.requests.filter((r) => r.operation === 'GetSecretValue' && r.secretId === arn && r.status === 200);

function assertNoSecretsIn(text, where) {
    for (const secret of secretsSeen) assert.ok(!text.includes(secret), `a secret value appears in ${where}`);
}

describe('the Secrets Manager shim verifies SigV4 like AWS', () => {
    const call = (input, tamper) =>
        callSecretsManager(sm.endpoint, { region: REGION, ...ROLE }, 'GetSecretValue', input, tamper);

    test('a correctly signed request for a granted secret: 200 and the value', T, async () => {
        const r = await call({ SecretId: stateKeyArn });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(r.body.VersionStages, ['AWSCURRENT']);
    });

    const refusals = [
        [
            'the body changed after signing',
            (req) =>
                (req.body = req.body
                    .replace('AWSCURRENT', 'AWSPREVIOUS')
                    .replace('}', ',"VersionStage":"AWSPREVIOUS"}')),
            'InvalidSignatureException',
        ],
        [
            'a signed header changed after signing',
            (req) => (req.headers['x-amz-target'] = 'secretsmanager.PutSecretValue'),
            'InvalidSignatureException',
        ],
        [
            'a flipped signature',
            (req) =>
                (req.headers.authorization = req.headers.authorization.replace(
                    /Signature=(.)/,
                    (m, c) => `Signature=${c === 'a' ? 'b' : 'a'}`,
                )),
            'InvalidSignatureException',
        ],
        ['no Authorization header', (req) => delete req.headers.authorization, 'MissingAuthenticationTokenException'],
        ['a date two hours old, signed as such', null, 'InvalidSignatureException'],
        [
            'an unknown access key',
            (req) =>
                (req.headers.authorization = req.headers.authorization.replace(
                    ROLE.accessKeyId,
                    'AKIAUNKNOWN000000000',
                )),
            'UnrecognizedClientException',
        ],
        [
            'the session token left out',
            (req) => delete req.headers['x-amz-security-token'],
            'UnrecognizedClientException',
        ],
    ];
    for (const [what, tamper, type] of refusals) {
        test(`refused with 403: ${what}`, T, async () => {
            let r;
            if (tamper) {
                r = await call({ SecretId: stateKeyArn }, tamper);
            } else {
                const real = Date.now;
                Date.now = () => real() - 2 * 3600 * 1000; // the signer reads the clock through Date
                try {
                    r = await call({ SecretId: stateKeyArn });
                } finally {
                    Date.now = real;
                }
            }
            assert.equal(r.status, 403, JSON.stringify(r.body));
            assert.equal(r.body.__type, type);
        });
    }

    test('a secret the role was not granted: AccessDeniedException', T, async () => {
        const r = await call({ SecretId: otherArn });
        assert.equal(r.status, 400);
        assert.equal(r.body.__type, 'AccessDeniedException');
    });
});

/** A TOKEN authorizer event for a bearer token. */
const tokenEvent = (token) => ({
    type: 'TOKEN',
    authorizationToken: `Bearer ${token}`,
    methodArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/prod/POST/mcp`,
});
const allowed = (r) =>
    r.kind === 'response' && JSON.parse(r.body.toString()).policyDocument.Statement[0].Effect === 'Allow';
const refused = (r) => r.kind === 'error' && r.errorMessage === 'Unauthorized';

describe('the authorizer reads its token digests from the secret (MCP_AUTH_TOKENS_SECRET)', () => {
    const ci = remember(newToken());
    const alice = remember(newToken());
    const bob = remember(newToken());
    const list = (...pairs) => pairs.map(([label, token]) => `${label}:${remember(sha256hex(token))}`).join(',');
    let emu;

    test("starts with the secret's list; the environment holds only the ARN", T, async () => {
        await putSecret(tokensArn, list(['ci-github-prod', ci], ['alice', alice]));
        const before = gets(tokensArn).length;
        emu = await emulator(AUTHORIZER, {
            MCP_AUTH_TOKENS_SECRET: tokensArn,
            MCP_SECRETS_REFRESH_SECONDS: '1',
            MCP_USAGE_KEY_PREFIX: 'mcp-prod-usage-',
        });
        const first = await emu.invoke(tokenEvent(ci));
        assert.ok(allowed(first));
        // the client's own usage plan budget: its API key is mcp-prod-usage-<label> (cdk/lib/protection.ts)
        assert.equal(JSON.parse(first.body.toString()).usageIdentifierKey, 'mcp-prod-usage-ci-github-prod');
        assert.ok(allowed(await emu.invoke(tokenEvent(alice))));
        assert.ok(refused(await emu.invoke(tokenEvent(bob))));
        assert.equal(gets(tokensArn).length - before, 2, 'AWSCURRENT and AWSPREVIOUS at init');
        const env = processEnv(emu);
        assert.equal(env.MCP_AUTH_TOKENS_SECRET, tokensArn);
        assert.equal(env.MCP_AUTH_TOKENS, undefined);
        assertNoSecretsIn(JSON.stringify(env), 'the environment');
    });

    test('bob is added and alice revoked without a restart; ci is never refused meanwhile', T, async () => {
        const results = [];
        let running = true;
        const client = (async () => {
            while (running) {
                results.push(await emu.invoke(tokenEvent(ci)));
                await sleep(20);
            }
        })();
        await sleep(300);
        // as the CDK app keeps it: a JSON object {label: digest} (the comma-separated list works too)
        const json = (...pairs) =>
            JSON.stringify(Object.fromEntries(pairs.map(([label, token]) => [label, remember(sha256hex(token))])));
        await putSecret(tokensArn, json(['ci-github-prod', ci], ['alice', alice], ['bob', bob]));
        let waited = 0;
        while (!allowed(await emu.invoke(tokenEvent(bob)))) {
            assert.ok((waited += 100) < 5000, 'bob is still refused 5 s after being added');
            await sleep(100);
        }
        await putSecret(tokensArn, list(['ci-github-prod', ci], ['bob', bob]));
        waited = 0;
        while (!refused(await emu.invoke(tokenEvent(alice)))) {
            assert.ok((waited += 100) < 5000, 'alice is still allowed 5 s after being revoked');
            await sleep(100);
        }
        assert.ok(allowed(await emu.invoke(tokenEvent(bob))));
        await sleep(300);
        running = false;
        await client;
        assert.ok(results.length >= 10, `only ${results.length} requests ran`);
        const failures = results.filter((r) => !allowed(r));
        assert.equal(
            failures.length,
            0,
            `${failures.length} of ${results.length} requests with the ci token were refused`,
        );
        assert.equal(emu.instances.length, 1, 'one execution environment throughout: no restart');
        const out = outputOf(emu);
        assert.match(out, /"event":"tokens_reloaded"/);
        assertNoSecretsIn(out, "the authorizer's output");
        assert.deepEqual(emu.violations(), []);
    });

    test('a value that is not a digest list keeps the last good list and is logged', T, async () => {
        await putSecret(tokensArn, 'ci-github-prod:' + ci); // a plaintext token instead of its digest
        const mark = gets(tokensArn).length;
        for (let i = 0; gets(tokensArn).length === mark && i < 50; ++i) {
            await emu.invoke(tokenEvent(bob));
            await sleep(100);
        }
        await sleep(50);
        assert.ok(allowed(await emu.invoke(tokenEvent(bob))), 'the last good list is still in use');
        const out = outputOf(emu);
        assert.match(out, /"event":"tokens_reload_refused"/);
        assertNoSecretsIn(out, "the authorizer's output");
        await putSecret(tokensArn, list(['ci-github-prod', ci], ['bob', bob]));
    });

    test("a secret the role may not read is an init error naming it, AWS's code, no value", T, async () => {
        const e = await emulator(AUTHORIZER, { MCP_AUTH_TOKENS_SECRET: otherArn });
        const r = await e.invoke(tokenEvent(ci));
        assert.equal(r.initError, true);
        assert.equal(r.errorType, 'Runtime.InvalidConfiguration');
        assert.match(r.errorMessage, /someone-elses-secret.*AccessDeniedException/);
        assert.ok(!outputOf(e).includes('not for this role'));
    });

    test('both MCP_AUTH_TOKENS and MCP_AUTH_TOKENS_SECRET: an init error', T, async () => {
        const e = await emulator(AUTHORIZER, {
            MCP_AUTH_TOKENS_SECRET: tokensArn,
            MCP_AUTH_TOKENS: `x:${'a'.repeat(64)}`,
        });
        const r = await e.invoke(tokenEvent(ci));
        assert.equal(r.initError, true);
        assert.match(r.errorMessage, /not both/);
    });
});

/** A REST API event for a 2026-07-28 tools/call of the elicitation tool, with the answer and state when given. */
function elicitationEvent(state) {
    const name = 'test_input_required_result_elicitation';
    const params = {
        name,
        arguments: {},
        _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
        },
    };
    if (state) {
        params.requestState = state;
        params.inputResponses = { user_name: { action: 'accept', content: { name: 'Alice' } } };
    }
    const headers = {
        Accept: 'application/json, text/event-stream',
        'Content-Type': 'application/json',
        'MCP-Protocol-Version': '2026-07-28',
        'Mcp-Method': 'tools/call',
        'Mcp-Name': name,
        Host: HOST,
    };
    return {
        resource: '/mcp',
        path: '/mcp',
        httpMethod: 'POST',
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        requestContext: {
            stage: 'prod',
            path: '/prod/mcp',
            domainName: HOST,
            authorizer: { principalId: 'ci-github-prod' },
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params }),
        isBase64Encoded: false,
    };
}

function rpcResult(r) {
    assert.equal(r.kind, 'response', JSON.stringify({ kind: r.kind, errorType: r.errorType, message: r.errorMessage }));
    const res = JSON.parse(r.body.toString());
    const text = res.body.startsWith('{')
        ? res.body
        : res.body
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .pop();
    return JSON.parse(text);
}

/** Round one on `first`, round two on `second`: the result of round two (an error object when refused). */
async function flow(first, second) {
    const one = rpcResult(await first.invoke(elicitationEvent()));
    assert.equal(one.result?.resultType, 'input_required', JSON.stringify(one));
    return rpcResult(await second.invoke(elicitationEvent(one.result.requestState)));
}
const completed = (message) =>
    message.result?.resultType === 'complete' && JSON.stringify(message.result).includes('Hello, Alice!');

describe('the server reads the request-state key from the secret (MCP_REQUEST_STATE_KEY_SECRET)', () => {
    const serverEnv = (refresh) => ({
        MCP_REQUEST_STATE_KEY_SECRET: stateKeyArn,
        MCP_SECRETS_REFRESH_SECONDS: refresh,
        MCP_TOOLSETS: 'default,conformance',
    });
    let a;
    let b;

    test('input-required rounds complete across two instances; the environment holds only the ARN', T, async () => {
        a = await emulator(SERVER, serverEnv('1'));
        b = await emulator(SERVER, serverEnv('300'));
        assert.ok(completed(await flow(a, a)));
        assert.ok(completed(await flow(a, b)));
        assert.ok(completed(await flow(b, a)));
        for (const emu of [a, b]) {
            const env = processEnv(emu);
            assert.equal(env.MCP_REQUEST_STATE_KEY_SECRET, stateKeyArn);
            assert.equal(env.MCP_REQUEST_STATE_KEY, undefined);
            assertNoSecretsIn(JSON.stringify(env), 'the environment');
        }
    });

    test('a rotation in the middle of a run: no round fails, on either instance', T, async () => {
        const results = [];
        let running = true;
        const pairs = [
            [a, a],
            [a, b],
            [b, a],
            [b, b],
        ];
        const client = (async () => {
            for (let i = 0; running; ++i) {
                const [x, y] = pairs[i % pairs.length];
                results.push(await flow(x, y));
            }
        })();
        await sleep(500);
        const before = gets(stateKeyArn).length;
        await putSecret(stateKeyArn, remember(newKey()));
        // a re-reads within its 1 s; b (300 s) only when a state sealed under the new key reaches it
        for (let i = 0; gets(stateKeyArn).length - before < 3 && i < 100; ++i) await sleep(50);
        await sleep(1500);
        running = false;
        await client;
        assert.ok(results.length >= 8, `only ${results.length} flows ran`);
        const failed = results.filter((m) => !completed(m));
        assert.equal(
            failed.length,
            0,
            `${failed.length} of ${results.length} flows failed: ${JSON.stringify(failed[0])}`,
        );
        const outA = outputOf(a);
        const outB = outputOf(b);
        assert.match(outA, /"event":"state_key_rotated"/);
        assert.match(outB, /"event":"state_key_rotated"/, 'b re-read the secret when it met a state it could not open');
        assertNoSecretsIn(outA + outB, "the server's output");
        assert.deepEqual(a.violations(), []);
        assert.deepEqual(b.violations(), []);
    });

    test(
        're-reads are bounded: b (300 s) has read the secret only at start and once after the rotation',
        T,
        async () => {
            // b's reads: AWSCURRENT + AWSPREVIOUS at init; AWSCURRENT + AWSPREVIOUS for the forced re-read
            const reads = sm.requests.filter(
                (r) => r.secretId === stateKeyArn && r.accessKeyId === ROLE.accessKeyId,
            ).length;
            assert.ok(reads < 40, `${reads} reads of the key`);
            for (let i = 0; i < 5; ++i) assert.ok(completed(await flow(b, b)));
            const after = sm.requests.filter(
                (r) => r.secretId === stateKeyArn && r.accessKeyId === ROLE.accessKeyId,
            ).length;
            assert.ok(after - reads <= 1, `${after - reads} reads for five flows on b`);
        },
    );

    test('a state sealed under a key that is neither current nor previous is refused', T, async () => {
        const one = rpcResult(await a.invoke(elicitationEvent()));
        await putSecret(stateKeyArn, remember(newKey()));
        await putSecret(stateKeyArn, remember(newKey()));
        await sleep(1200);
        const two = rpcResult(await a.invoke(elicitationEvent(one.result.requestState)));
        assert.equal(two.error?.code, -32602, JSON.stringify(two));
    });

    test(
        'a value that is not a base64 key of 32 bytes or more: an init error naming the variable, not the value',
        T,
        async () => {
            await putSecret(stateKeyArn, 'too-short');
            const e = await emulator(SERVER, serverEnv('300'));
            const r = await e.invoke(elicitationEvent());
            assert.equal(r.initError, true);
            assert.match(r.errorMessage, /MCP_REQUEST_STATE_KEY_SECRET/);
            assert.ok(!r.errorMessage.includes('too-short') && !outputOf(e).includes('too-short'));
            await putSecret(stateKeyArn, remember(newKey()));
        },
    );
});
