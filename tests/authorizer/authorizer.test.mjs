// authorizer.test.mjs: the token authorizer as a whole Lambda (the mcp-authorizer binary as a custom runtime)
// through the project's Runtime API emulator (tests/lambda/runtime-emulator.mjs), with real TOKEN, REQUEST, HTTP API
// payload 1.0 and 2.0 events (tests/authorizer/events/).
//
// What it shows: Allow answers an IAM policy whose Resource is the stage wildcard built from the event's methodArn
// (and that wildcard covers every method and path of that stage, and nothing else); HTTP API 2.0 gets simple
// responses, a refusal included; every other refusal fails the invocation with the error message "Unauthorized"
// exactly; events that do not parse never yield Allow; a valid token is allowed whatever else the event carries (U+0000
// and lone surrogates in any field, 200 headers); configuration mistakes are init errors
// (/runtime/init/error, exit status not 0); rotation with two tokens at once; HS256 JWTs; one JSON log line per
// decision carrying the request id, and no token, digest or key anywhere in the output.
//
// Run: tests/authorizer/run.sh [BUILD_DIR]  (or MCP_AUTHORIZER_BIN=build/mcp-authorizer node --test this file)
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startEmulator } from '../lambda/runtime-emulator.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = process.env.MCP_AUTHORIZER_BIN ?? `${ROOT}build/mcp-authorizer`;
// Sanitizer builds are several times slower; the function timeout is not what these tests are about.
// MCP_AUTHORIZER_TIMEOUT_MS: longer for an image run under QEMU (tests/container/run.sh --arch arm64).
const TIMEOUT_MS = Number(process.env.MCP_AUTHORIZER_TIMEOUT_MS ?? 15_000);

// The tokens in the example events, and a JWT key that is only ever used by tests.
const TOKEN_CI = 'mcp-test-ci-4f9c2b7e1d8a6053';
const TOKEN_LAPTOP = 'mcp-test-laptop-9a1e7c3d5b';
const TOKEN_NEXT = 'mcp-test-next-0b3d5f7a9c';
const JWT_KEY = 'mcp-authorizer-test-key-not-a-secret-0123456789';
const JWT_ISSUER = 'https://issuer.example';
const JWT_AUDIENCE = 'mcp-server';

const sha256hex = (s) => createHash('sha256').update(s).digest('hex');
const tokensSetting = (pairs) => pairs.map(([label, token]) => `${label}:${sha256hex(token)}`).join(',');

const BASE_ENV = {
    MCP_AUTH_TOKENS: tokensSetting([['ci', TOKEN_CI], ['laptop', TOKEN_LAPTOP]]),
    MCP_JWT_HS256_KEY: Buffer.from(JWT_KEY).toString('base64'),
    MCP_JWT_ISSUER: JWT_ISSUER,
    MCP_JWT_AUDIENCE: JWT_AUDIENCE,
};
// Everything that must never appear in the function's output.
const SECRETS = [TOKEN_CI, TOKEN_LAPTOP, TOKEN_NEXT, sha256hex(TOKEN_CI), sha256hex(TOKEN_LAPTOP), sha256hex(TOKEN_NEXT),
    sha256hex(TOKEN_CI).toUpperCase(), JWT_KEY, BASE_ENV.MCP_JWT_HS256_KEY];

const loadEvent = (name) => JSON.parse(readFileSync(`${ROOT}tests/authorizer/events/${name}.json`, 'utf8'));

/** A copy of the named event whose Authorization value is `value` (undefined: no Authorization at all). */
function eventWith(name, value) {
    const e = loadEvent(name);
    if (e.type === 'TOKEN') {
        e.authorizationToken = value ?? '';
        return e;
    }
    for (const map of [e.headers, e.multiValueHeaders]) {
        for (const key of Object.keys(map ?? {})) {
            if (key.toLowerCase() === 'authorization') delete map[key];
        }
    }
    if (value !== undefined) {
        e.headers[e.version === undefined ? 'Authorization' : 'authorization'] = value;
        if (e.multiValueHeaders) e.multiValueHeaders.Authorization = [value];
    }
    if (e.identitySource !== undefined) e.identitySource = Array.isArray(e.identitySource) ? [value ?? ''] : value ?? '';
    if (e.authorizationToken !== undefined) e.authorizationToken = value ?? '';
    return e;
}

function withMethodArn(name, methodArn) {
    const e = loadEvent(name);
    e.methodArn = methodArn;
    return e;
}

const b64url = (s) => Buffer.from(s).toString('base64url');
function jwt(claims, { header = { alg: 'HS256', typ: 'JWT' }, key = JWT_KEY } = {}) {
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const goodClaims = () => ({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: 'user-7', exp: now() + 600 });

async function start(env = BASE_ENV, extra = {}) {
    return startEmulator({ command: BIN, env, functionName: 'mcp-authorizer', timeoutMs: TIMEOUT_MS, ...extra });
}

async function invoke(emu, event) {
    return emu.invoke(event, { timeoutMs: TIMEOUT_MS });
}

const bodyJson = (r) => JSON.parse(r.body.toString('utf8'));

/** IAM's matching for execute-api ARNs: '*' matches any run of characters, '/' included; '?' one character. */
function arnMatches(pattern, arn) {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return re.test(arn);
}

function assertAllowPolicy(r, principal, resource, method = 'token') {
    assert.equal(r.kind, 'response', `expected a response, got ${r.kind} ${r.errorType} ${r.errorMessage}`);
    const p = bodyJson(r);
    assert.deepEqual(Object.keys(p).sort(), ['context', 'policyDocument', 'principalId']);
    assert.equal(p.principalId, principal);
    assert.deepEqual(p.policyDocument, {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
    });
    assert.equal(p.context.principal, principal);
    assert.equal(p.context.authMethod, method);
    for (const v of Object.values(p.context)) assert.ok(['string', 'number', 'boolean'].includes(typeof v), 'context values are scalars');
    return p;
}

function assertUnauthorized(r, what) {
    assert.equal(r.kind, 'error', `${what}: expected the Unauthorized error, got ${r.kind} ${r.body}`);
    assert.equal(r.errorMessage, 'Unauthorized', what);
    assert.equal(r.errorType, 'Unauthorized', what);
    assert.equal(bodyJson(r).errorMessage, 'Unauthorized', what);
    assert.equal(r.initError, false, what);
}

/** The function's stderr lines as JSON (every line must be JSON), and its decision lines. */
function logLines(emu) {
    return emu.instances.flatMap((i) => i.stderr.map((line) => {
        try {
            return JSON.parse(line);
        } catch {
            assert.fail(`a log line that is not JSON: ${line}`);
        }
    }));
}

function assertNoSecrets(emu) {
    const text = emu.instances.flatMap((i) => [...i.stdout, ...i.stderr]).join('\n');
    for (const s of SECRETS) assert.ok(!text.includes(s), `the output contains a secret (${s.slice(0, 6)}...)`);
}

describe('mcp-authorizer through the Lambda Runtime API emulator', () => {
    let emu;
    before(async () => {
        emu = await start();
    });
    after(async () => {
        await emu.stop();
        assert.deepEqual(emu.violations(), [], 'the runtime followed the Runtime API');
        assertNoSecrets(emu);
        assert.equal(emu.instances.length, 1, 'one warm instance answered everything');
    });

    test('REST TOKEN event: Allow is a policy for the whole stage, principalId is the label', async () => {
        const r = await invoke(emu, loadEvent('rest-token'));
        assertAllowPolicy(r, 'ci', 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*');
    });

    test('the policy ARN wildcard: the decision API Gateway caches covers every method and path of the stage, and nothing else', async () => {
        const stage = 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod';
        const wildcard = `${stage}/*/*`;
        const methodArns = [`${stage}/POST/mcp`, `${stage}/GET/mcp`, `${stage}/DELETE/mcp`, `${stage}/GET/mcp/tools/a/b`,
            `${stage}/OPTIONS/`, `${stage}/PUT/.well-known/oauth-protected-resource`];
        for (const methodArn of methodArns) {
            const r = await invoke(emu, { ...eventWith('rest-token', `Bearer ${TOKEN_CI}`), methodArn });
            assertAllowPolicy(r, 'ci', wildcard);
            for (const other of methodArns) assert.ok(arnMatches(wildcard, other), `${wildcard} covers ${other}`);
        }
        for (const outside of ['arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/dev/POST/mcp',
            'arn:aws:execute-api:eu-central-1:123456789012:zzzzzzzzzz/prod/POST/mcp',
            'arn:aws:execute-api:eu-central-1:210987654321:a1b2c3d4e5/prod/POST/mcp',
            'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/mcp']) {
            assert.ok(!arnMatches(wildcard, outside), `${wildcard} does not cover ${outside}`);
        }
        // the wildcard follows the event's stage, API, account and region
        const r = await invoke(emu, withMethodArn('rest-token', 'arn:aws-cn:execute-api:cn-north-1:999999999999:q1w2e3r4t5/v2_beta/GET/x'));
        assertAllowPolicy(r, 'ci', 'arn:aws-cn:execute-api:cn-north-1:999999999999:q1w2e3r4t5/v2_beta/*/*');
    });

    test('REST REQUEST event: the Authorization header from headers/multiValueHeaders', async () => {
        const r = await invoke(emu, loadEvent('rest-request'));
        assertAllowPolicy(r, 'laptop', 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*');
        const twice = loadEvent('rest-request');
        twice.multiValueHeaders.Authorization.push(`Bearer ${TOKEN_CI}`);
        assertUnauthorized(await invoke(emu, twice), 'the header twice');
    });

    test('HTTP API payload 1.0 REQUEST event: a policy too', async () => {
        const r = await invoke(emu, loadEvent('http-v1-request'));
        assertAllowPolicy(r, 'ci', 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/live/*/*');
    });

    test('HTTP API payload 2.0: simple responses, and a refusal is {"isAuthorized":false}', async () => {
        const allow = await invoke(emu, loadEvent('http-v2-request'));
        assert.equal(allow.kind, 'response');
        assert.deepEqual(bodyJson(allow), { isAuthorized: true, context: { principal: 'ci', authMethod: 'token' } });
        for (const value of [`Bearer ${TOKEN_CI}x`, 'Basic Y2k6eA==', `Bearer  ${TOKEN_CI} trailing`, undefined]) {
            const deny = await invoke(emu, eventWith('http-v2-request', value));
            assert.equal(deny.kind, 'response', `${value}: a simple response, not an error`);
            assert.equal(deny.body.toString('utf8'), '{"isAuthorized":false}', String(value));
        }
    });

    test('refusals fail the invocation with exactly "Unauthorized" (API Gateway answers 401)', async () => {
        const cases = [
            ['unknown token', `Bearer ${TOKEN_CI.slice(0, -1)}`],
            ['wrong scheme', `Basic ${Buffer.from(`ci:${TOKEN_CI}`).toString('base64')}`],
            ['no scheme', TOKEN_CI],
            ['empty token', 'Bearer '],
            ['empty value', ''],
            ['a tab after the scheme', `Bearer\t${TOKEN_CI}`],
            ['a space inside', `Bearer ${TOKEN_CI} x`],
            ['non-ASCII', `Bearer ${TOKEN_CI}é`],
            ['100 KB token', `Bearer ${'a'.repeat(100 * 1024)}`],
            ['the token in another case', `Bearer ${TOKEN_CI.toUpperCase()}`],
        ];
        for (const name of ['rest-token', 'rest-request']) {
            for (const [what, value] of cases) assertUnauthorized(await invoke(emu, eventWith(name, value)), `${name}: ${what}`);
        }
        assertUnauthorized(await invoke(emu, eventWith('rest-request', undefined)), 'no Authorization header');
        // and what the RFC allows is allowed
        for (const value of [`bearer ${TOKEN_CI}`, `BEARER ${TOKEN_CI}`, `Bearer   ${TOKEN_CI}`, ` Bearer ${TOKEN_CI} `]) {
            assertAllowPolicy(await invoke(emu, eventWith('rest-token', value)), 'ci', 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*');
        }
    });

    test('events that cannot be parsed never yield Allow', async () => {
        const good = JSON.stringify(loadEvent('rest-token'));
        const payloads = ['', 'not json', '[]', '{}', 'null', good.slice(0, -1), `${good}x`, good.replace('"TOKEN"', '"token"'),
            good.replace('"Bearer', '"Bearer\\u0000'), Buffer.concat([Buffer.from(good.slice(0, 40)), Buffer.from([0xff, 0xfe]), Buffer.from(good.slice(40))]),
            JSON.stringify({ ...loadEvent('rest-token'), methodArn: '*' }),
            JSON.stringify({ ...loadEvent('rest-token'), methodArn: 'arn:aws:execute-api:eu-central-1:123456789012:*/prod/POST/mcp' }),
            JSON.stringify({ ...loadEvent('rest-token'), type: 'REQUEST' })];
        for (const p of payloads) assertUnauthorized(await invoke(emu, Buffer.isBuffer(p) ? p : Buffer.from(p)), `payload ${String(p).slice(0, 60)}`);
    });

    test('a valid token is allowed whatever else the event carries: U+0000, lone surrogates, 200 headers', async () => {
        const odd = 'a\u0000b\ud800c\udc00';
        const withData = (name) => {
            const e = loadEvent(name);
            if (e.type === 'TOKEN') return { ...e, extra: odd };
            e.queryStringParameters = { x: '\u0000', y: odd }; // a client's ?x=%00, decoded by API Gateway
            if (e.version !== '2.0') e.multiValueQueryStringParameters = { x: ['\u0000', odd] };
            else e.rawQueryString = 'x=%00&y=%ED%A0%80';
            e.pathParameters = { proxy: odd };
            e.stageVariables = { s: odd };
            e.headers['x-odd'] = odd;
            if (e.multiValueHeaders) e.multiValueHeaders['x-odd'] = [odd, '\udfff'];
            e.requestContext = { ...e.requestContext, identity: { ...(e.requestContext?.identity ?? {}), userAgent: odd }, authorizer: { claim: odd } };
            for (let i = 0; i < 200; ++i) {
                e.headers[`X-Extra-${i}`] = `value-${i}`;
                if (e.multiValueHeaders) e.multiValueHeaders[`X-Extra-${i}`] = [`value-${i}`];
            }
            return e;
        };
        assert.match(JSON.stringify(withData('rest-request')), /\\u0000.*\\ud800/, 'the event carries the escapes themselves');
        assertAllowPolicy(await invoke(emu, withData('rest-token')), 'ci', 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*');
        assertAllowPolicy(await invoke(emu, withData('rest-request')), 'laptop', 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*');
        assertAllowPolicy(await invoke(emu, withData('http-v1-request')), 'ci', 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/live/*/*');
        const v2 = await invoke(emu, withData('http-v2-request'));
        assert.equal(v2.kind, 'response');
        assert.deepEqual(bodyJson(v2), { isAuthorized: true, context: { principal: 'ci', authMethod: 'token' } });
        // the same events with a token nobody configured are still refused
        const unknown = withData('rest-request');
        unknown.headers.Authorization = 'Bearer not-a-configured-token';
        unknown.multiValueHeaders.Authorization = ['Bearer not-a-configured-token'];
        assertUnauthorized(await invoke(emu, unknown), 'an unknown token among odd data');
        // and a NUL or a lone surrogate in the token itself makes it malformed, never someone else's
        for (const token of [`Bearer ${TOKEN_CI}\u0000`, `Bearer ${TOKEN_CI}\ud800`]) {
            assertUnauthorized(await invoke(emu, eventWith('rest-token', token)), JSON.stringify(token));
        }
    });

    test('HS256 JWTs: signature, iss, aud, exp, nbf, and no algorithm but HS256', async () => {
        const allow = await invoke(emu, loadEvent('rest-token-jwt'));
        const p = assertAllowPolicy(allow, 'user-42', 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*', 'jwt');
        assert.deepEqual(p.context, { principal: 'user-42', authMethod: 'jwt', sub: 'user-42', iss: JWT_ISSUER });
        assertAllowPolicy(await invoke(emu, eventWith('rest-token', `Bearer ${jwt(goodClaims())}`)), 'user-7',
            'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*', 'jwt');
        const refused = [
            ['another key', jwt(goodClaims(), { key: 'some-other-key-some-other-key-some-other-key' })],
            ['expired', jwt({ ...goodClaims(), exp: now() - 120 })],
            ['not yet valid', jwt({ ...goodClaims(), nbf: now() + 600 })],
            ['another issuer', jwt({ ...goodClaims(), iss: 'https://evil.example' })],
            ['another audience', jwt({ ...goodClaims(), aud: 'another-api' })],
            ['no exp', jwt({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: 'user-7' })],
            ['alg none', `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(goodClaims()))}.`],
            ['alg HS512', jwt(goodClaims(), { header: { alg: 'HS512' } })],
            ['alg RS256', jwt(goodClaims(), { header: { alg: 'RS256' } })],
            ['tampered', (() => {
                const [h, , s] = jwt(goodClaims()).split('.');
                return `${h}.${b64url(JSON.stringify({ ...goodClaims(), sub: 'admin' }))}.${s}`;
            })()],
        ];
        for (const [what, token] of refused) assertUnauthorized(await invoke(emu, eventWith('rest-token', `Bearer ${token}`)), what);
        const deny = await invoke(emu, eventWith('http-v2-request', `Bearer ${jwt({ ...goodClaims(), exp: now() - 120 })}`));
        assert.equal(deny.body.toString('utf8'), '{"isAuthorized":false}');
    });
});

describe('logging', () => {
    test('one JSON line per decision: decision, principal or reason, request id; never a token or digest', async () => {
        const emu = await start();
        const cases = [
            [loadEvent('rest-token'), { decision: 'allow', principal: 'ci', format: 'token', authMethod: 'token' }],
            [loadEvent('rest-request'), { decision: 'allow', principal: 'laptop', format: 'request' }],
            [loadEvent('http-v2-request'), { decision: 'allow', principal: 'ci', format: 'http-api-2.0' }],
            [loadEvent('rest-token-jwt'), { decision: 'allow', principal: 'user-42', authMethod: 'jwt' }],
            [eventWith('rest-token', `Bearer ${TOKEN_NEXT}`), { decision: 'deny', reason: 'unknown token' }],
            [eventWith('rest-token', `Basic ${TOKEN_CI}`), { decision: 'deny', reason: 'scheme' }],
            [eventWith('rest-request', undefined), { decision: 'deny', reason: 'missing' }],
            [eventWith('rest-token', 'Bearer '), { decision: 'deny', reason: 'empty token' }],
            [eventWith('rest-token', `Bearer ${TOKEN_CI} x`), { decision: 'deny', reason: 'malformed token' }],
            [eventWith('rest-token', `Bearer ${'a'.repeat(100 * 1024)}`), { decision: 'deny', reason: 'token too long' }],
            [eventWith('http-v2-request', `Bearer ${TOKEN_LAPTOP}x`), { decision: 'deny', reason: 'unknown token', answer: 'response' }],
            ['{"type":"TOKEN"', { decision: 'deny', reason: 'malformed event', format: 'unknown', answer: 'Unauthorized' }],
            [withMethodArn('rest-token', 'arn:aws:s3:::bucket'), { decision: 'deny', reason: 'malformed methodArn' }],
        ];
        const ids = [];
        for (const [event] of cases) ids.push((await invoke(emu, event)).requestId);
        await emu.stop();
        const lines = logLines(emu);
        assert.equal(lines[0].event, 'ready');
        assert.deepEqual(lines[0].tokens, ['ci', 'laptop']);
        const decisions = lines.filter((l) => l.event === 'decision');
        assert.equal(decisions.length, cases.length, 'exactly one decision line per invocation');
        decisions.forEach((line, i) => {
            const expected = cases[i][1];
            assert.equal(line.requestId, ids[i], 'the line carries the invocation\'s request id');
            assert.equal(line.level, 'info');
            for (const [k, v] of Object.entries(expected)) assert.equal(line[k], v, `case ${i}: ${k}`);
            if (line.decision === 'allow') assert.equal(line.reason, undefined);
            else assert.equal(line.principal, undefined);
            assert.ok(Number.isInteger(line.durationUs));
        });
        assert.ok(lines.filter((l) => l.event !== 'decision').every((l) => l.requestId === undefined), 'no stale request id');
        assertNoSecrets(emu);
        assert.deepEqual(emu.violations(), []);
    });
});

describe('configuration', () => {
    test('rotation: old alone, old and new together, new alone', async () => {
        const phases = [
            [[['ci-2025', TOKEN_CI]], { old: 'ci-2025', next: null }],
            [[['ci-2025', TOKEN_CI], ['ci-2026', TOKEN_NEXT]], { old: 'ci-2025', next: 'ci-2026' }],
            [[['ci-2026', TOKEN_NEXT]], { old: null, next: 'ci-2026' }],
        ];
        const wildcard = 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*';
        for (const [pairs, expected] of phases) {
            const emu = await start({ MCP_AUTH_TOKENS: tokensSetting(pairs) });
            for (const [token, principal] of [[TOKEN_CI, expected.old], [TOKEN_NEXT, expected.next]]) {
                const r = await invoke(emu, eventWith('rest-token', `Bearer ${token}`));
                if (principal) assertAllowPolicy(r, principal, wildcard);
                else assertUnauthorized(r, 'a token rotated out');
            }
            await emu.stop();
            assert.deepEqual(emu.violations(), []);
        }
    });

    test('a malformed configuration is an init error (/runtime/init/error, non-zero exit), never a silent deny-all', async () => {
        const digest = sha256hex(TOKEN_CI);
        const cases = [
            [{ MCP_AUTH_TOKENS: `ci:${digest.slice(0, 63)}` }, 'the digest must be 64 hexadecimal characters'],
            [{ MCP_AUTH_TOKENS: `ci:${digest.slice(0, 62)}zz` }, 'the digest is not hexadecimal'],
            [{ MCP_AUTH_TOKENS: `c i:${digest}` }, 'the label must be'],
            [{ MCP_AUTH_TOKENS: TOKEN_CI }, 'entry 1 is not label:sha256hex'],
            [{ MCP_AUTH_TOKENS: '' }, 'MCP_AUTH_TOKENS is set but empty'],
            [{ MCP_AUTH_TOKENS: `ci:${digest},ci:${sha256hex(TOKEN_LAPTOP)}` }, 'have the same label "ci"'],
            [{ MCP_AUTH_TOKENS: `ci:${digest},` }, 'entry 2 is empty'],
            [{}, 'no credentials configured'],
            [{ MCP_JWT_HS256_KEY: Buffer.from('short').toString('base64'), MCP_JWT_ISSUER: 'i', MCP_JWT_AUDIENCE: 'a' }, 'HS256 needs a key'],
            [{ MCP_AUTH_TOKENS: `ci:${digest}`, MCP_JWT_ISSUER: 'i' }, 'MCP_JWT_ISSUER is set but MCP_JWT_HS256_KEY is not'],
            [{ MCP_AUTH_TOKENS: `ci:${digest}`, MCP_LOG_LEVEL: 'loud' }, 'MCP_LOG_LEVEL'],
            [{ MCP_OAUTH_ISSUERS: TOKEN_CI }, 'MCP_OAUTH_ISSUERS must be a JSON array'],
            [{ MCP_OAUTH_ISSUERS: '[{"issuer":"http://id.example.com"}]', MCP_OAUTH_RESOURCE: 'https://x/prod/mcp' }, 'must be an https:// URL'],
            [{ MCP_OAUTH_ISSUERS: '[{"issuer":"https://id.example.com"}]' }, 'no audience: set MCP_OAUTH_RESOURCE'],
            [{ MCP_AUTH_TOKENS: `ci:${digest}`, MCP_OAUTH_RESOURCE: 'https://x/prod/mcp' }, 'MCP_OAUTH_RESOURCE is set but MCP_OAUTH_ISSUERS is not'],
        ];
        for (const [env, message] of cases) {
            const emu = await start(env);
            const r = await invoke(emu, loadEvent('rest-token'));
            assert.equal(r.kind, 'error', message);
            assert.equal(r.initError, true, `${message}: reported through /runtime/init/error`);
            assert.equal(r.errorType, 'Runtime.InvalidConfiguration');
            assert.ok(r.errorMessage.includes(message), `"${r.errorMessage}" names the problem (${message})`);
            assert.ok(!r.errorMessage.includes(digest.slice(0, 16)) && !r.errorMessage.includes(TOKEN_CI), 'no digest or token in the message');
            const { code } = await emu.instances[0].exited;
            assert.equal(code, 1, `${message}: exit status (a sanitizer report would change it)`);
            assert.ok(logLines(emu).some((l) => l.event === 'config_error' && l.message === r.errorMessage), 'logged as well');
            assert.equal(emu.instances[0].killedBy, null, 'it exited on its own');
            await emu.stop();
            assertNoSecrets(emu);
            assert.deepEqual(emu.violations(), []);
        }
    });
});

describe('OAuth issuers whose keys cannot be had', () => {
    test('the authorizer still starts: static tokens work, that issuer\'s tokens are refused, fetches stay bounded', async () => {
        const issuer = 'https://127.0.0.1:1'; // nothing listens there
        const emu = await start({
            MCP_AUTH_TOKENS: BASE_ENV.MCP_AUTH_TOKENS,
            MCP_OAUTH_ISSUERS: JSON.stringify([{ issuer }]),
            MCP_OAUTH_RESOURCE: 'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/prod/mcp',
            MCP_OAUTH_FETCH_TIMEOUT_MS: '500',
        });
        assertAllowPolicy(await invoke(emu, loadEvent('rest-token')), 'ci', 'arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/*/*');
        const b64 = (x) => Buffer.from(JSON.stringify(x)).toString('base64url');
        const token = `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${b64({ iss: issuer, sub: 'x', aud: 'y', exp: now() + 60 })}.${'A'.repeat(86)}`;
        for (let i = 0; i < 5; i++) assertUnauthorized(await invoke(emu, eventWith('rest-token', `Bearer ${token}`)), 'no keys');
        await emu.stop();
        const lines = logLines(emu);
        assert.deepEqual(lines.find((l) => l.event === 'ready').issuers, [issuer]);
        const errors = lines.filter((l) => l.event === 'jwks_error');
        assert.equal(errors[0].why, 'start');
        assert.equal(errors[0].issuer, issuer);
        assert.match(errors[0].message, /openid-configuration/);
        // five refusals within the minimum interval (30 s by default): no fetch beyond the one at start
        assert.equal(errors.length, 1, JSON.stringify(errors));
        const refusals = lines.filter((l) => l.event === 'decision' && l.decision === 'deny');
        assert.equal(refusals.length, 5);
        for (const r of refusals) {
            assert.equal(r.reason, 'jwt keys unavailable');
            assert.equal(r.issuer, issuer);
        }
        assertNoSecrets(emu);
        assert.ok(!emu.instances.flatMap((i) => i.stderr).join('\n').includes(token.split('.')[2]));
    });
});

describe('a warm instance', () => {
    test('answers a long run of mixed invocations, each correctly', async () => {
        const emu = await start();
        const events = [
            [loadEvent('rest-token'), 'allow'],
            [eventWith('rest-token', `Bearer ${TOKEN_NEXT}`), 'deny'],
            [loadEvent('rest-request'), 'allow'],
            [loadEvent('http-v2-request'), 'allow'],
            [eventWith('http-v2-request', 'Bearer nope'), 'deny-simple'],
            ['garbage', 'deny'],
        ];
        for (let i = 0; i < 300; i++) {
            const [event, expected] = events[i % events.length];
            const r = await invoke(emu, event);
            if (expected === 'allow') assert.equal(r.kind, 'response');
            else if (expected === 'deny') assert.equal(r.errorMessage, 'Unauthorized');
            else assert.equal(r.body.toString('utf8'), '{"isAuthorized":false}');
        }
        await emu.stop();
        assert.equal(emu.instances.length, 1);
        assert.equal(emu.instances[0].invocations.length, 300);
        assert.deepEqual(emu.violations(), []);
    });
});
