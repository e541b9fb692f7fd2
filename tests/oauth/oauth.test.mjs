// oauth.test.mjs: the OAuth 2.1 resource server end to end, with a real authorization server and real clients.
//
//   oidc-provider (auth-server.mjs, HTTPS on 127.0.0.1)        <- the SDK client and mcp-client get tokens here
//   API Gateway shim (REST, stage dev): gateway responses, the RFC 9728 metadata as mock integrations,
//     a TOKEN authorizer = the real mcp-authorizer binary (Lambda custom runtime, Runtime API emulator)
//   -> mcp-server in Lambda mode (Runtime API emulator)
//
// What it shows:
//   - without a token: API Gateway's 401 with WWW-Authenticate: Bearer resource_metadata="…", scope="…"; the metadata
//     (authorization_servers, scopes_supported) at the root and the path-inserted URL, answered without a Lambda;
//   - the official TypeScript SDK client, with its OAuth support driven headlessly: 401, metadata discovery, dynamic
//     client registration, authorization code with PKCE, a token whose aud is our canonical URI (stage included),
//     then tools/list and tools/call, and whoami shows the subject, client and scopes the tools see;
//   - mcp-client --oauth-client-credentials: the same for a machine client, and clear messages on 401/403;
//   - the table of bad tokens, each refused with its reason in the authorizer's decision log; a key rotation at the
//     provider picked up without restarting the authorizer; refreshes bounded in rate; a static token beside JWTs;
//   - no token (access token, forged token, client secret, static token) in any log line of any component.
//
// Run: tests/oauth/run.sh [BUILD_DIR] (it makes the test CA and sets NODE_EXTRA_CA_CERTS).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import * as jose from 'jose';

import { arnMatches, createTokenAuthorizer, renderGatewayResponse } from '../lambda/apigw-authorizer.mjs';
import { startShim } from '../lambda/apigw-shim.mjs';
import { startServer } from '../node/lib/server.mjs';
import { startEmulator } from '../lambda/runtime-emulator.mjs';
import { followAuthorization, startAuthServer } from './auth-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AUTHORIZER_BIN = process.env.MCP_AUTHORIZER_BIN ?? `${ROOT}build/mcp-authorizer`;
const SERVER_BIN = process.env.MCP_SERVER_BIN ?? `${ROOT}build/mcp-server`;
const CLIENT_BIN = process.env.MCP_CLIENT_BIN ?? `${ROOT}build/mcp-client`;
const TLS = process.env.MCP_TEST_TLS_DIR;
const SCOPE = 'mcp:tools';
const STAGE = 'dev';
const TIMEOUT_MS = 20_000; // sanitizer builds are slow
const STATIC_TOKEN = `static-${randomBytes(12).toString('hex')}`;
const run = promisify(execFile);

/** Everything secret seen during the run; none may appear in any log line. */
const secrets = new Set([STATIC_TOKEN]);
const remember = (s) => {
    secrets.add(s);
    return s;
};

let as;
let shim;
let serverEmu;
let authorizerEmu;
let metadataUrl;

const decisions = () => authorizerEmu.instances.flatMap((i) => i.stderr).map((l) => JSON.parse(l)).filter((l) => l.event === 'decision');
const lastDecision = () => decisions().at(-1);
const serverInvocations = () => serverEmu.invocations.length;

async function mcpPost(token, body = { jsonrpc: '2.0', id: 1, method: 'ping' }) {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const res = await fetch(shim.url, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: await res.text() };
}

/** A client-credentials token from the provider (what a machine client gets). */
async function m2mToken({ scope = SCOPE, resource = shim.url } = {}) {
    const meta = await (await fetch(`${as.issuer}/.well-known/openid-configuration`)).json();
    const res = await fetch(meta.token_endpoint, {
        method: 'POST',
        headers: {
            authorization: `Basic ${Buffer.from(`${as.m2mClientId}:${as.m2mSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }),
    });
    const json = await res.json();
    assert.equal(res.status, 200, JSON.stringify(json));
    return remember(json.access_token);
}

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
const headerOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'));

/** A token signed with the provider's own current ES256 key, claims and header as given. */
async function forge(claims, header = {}, { keyAlg = 'ES256' } = {}) {
    const jwk = as.privateKeys().find((k) => k.alg === keyAlg);
    const key = await jose.importJWK(jwk, keyAlg);
    const now = Math.floor(Date.now() / 1000);
    const token = await new jose.SignJWT({ sub: 'mallory', client_id: 'forger', scope: SCOPE, ...claims })
        .setProtectedHeader({ alg: keyAlg, typ: 'at+jwt', kid: jwk.kid, ...header })
        .setIssuer(claims.iss ?? as.issuer)
        .setAudience(claims.aud ?? shim.url)
        .setIssuedAt(claims.iat ?? now)
        .setExpirationTime(claims.exp ?? now + 300)
        .sign(key);
    return remember(token);
}

const b64url = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

before(async () => {
    assert.ok(TLS, 'MCP_TEST_TLS_DIR: run this through tests/oauth/run.sh');
    serverEmu = await startEmulator({
        command: SERVER_BIN,
        env: { MCP_TOOLSETS: 'default', MCP_LOG_LEVEL: 'info', MCP_REQUEST_STATE_KEY: Buffer.alloc(32, 7).toString('base64') },
        functionName: 'mcp-server',
        timeoutMs: TIMEOUT_MS,
        maxInstances: 2,
    });
    authorizerEmu = await startEmulator({ command: AUTHORIZER_BIN, env: {}, functionName: 'mcp-authorizer', timeoutMs: TIMEOUT_MS });
    const mockRoutes = {};
    const gatewayResponses = {};
    shim = await startShim({
        emulator: serverEmu,
        format: 'rest',
        stage: STAGE,
        timeoutMs: TIMEOUT_MS,
        integrationTimeoutMs: TIMEOUT_MS,
        // caching off, so that every request below reaches the authorizer (API Gateway's default is 300 s)
        lambdaAuthorizer: { emulator: authorizerEmu, validationRegex: '^[Bb][Ee][Aa][Rr][Ee][Rr] +[-0-9A-Za-z._~+/]+=*$', resultTtlSeconds: 0, timeoutMs: TIMEOUT_MS },
        gatewayResponses,
        mockRoutes,
    });
    as = await startAuthServer({ cert: readFileSync(`${TLS}/server.pem`), key: readFileSync(`${TLS}/server.key`), resource: shim.url, scope: SCOPE });
    remember(as.m2mSecret);

    // What the CDK app deploys (cdk/lib/oauth.ts): the metadata as mock integrations, the challenges as gateway responses.
    metadataUrl = `${shim.origin}/${STAGE}/.well-known/oauth-protected-resource`;
    const metadata = JSON.stringify({
        resource: shim.url,
        authorization_servers: [as.issuer],
        scopes_supported: [SCOPE],
        bearer_methods_supported: ['header'],
        resource_name: 'mcp-lambda-c',
    });
    for (const path of [`/${STAGE}/.well-known/oauth-protected-resource`, `/${STAGE}/.well-known/oauth-protected-resource/mcp`]) {
        mockRoutes[path] = { statusCode: 200, headers: { 'Cache-Control': 'max-age=300' }, body: metadata };
    }
    gatewayResponses.UNAUTHORIZED = {
        statusCode: 401,
        headers: { 'WWW-Authenticate': `Bearer resource_metadata="${metadataUrl}", scope="${SCOPE}"` },
        template: '{"message":$context.error.messageString}',
    };
    gatewayResponses.ACCESS_DENIED = {
        statusCode: 403,
        headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${SCOPE}", resource_metadata="${metadataUrl}"` },
        template: '{"message":$context.error.messageString}',
    };

    const sha = createHash('sha256').update(STATIC_TOKEN).digest('hex');
    Object.assign(authorizerEmu.options.env, {
        MCP_AUTH_TOKENS: `ops-static:${sha}`,
        MCP_OAUTH_ISSUERS: JSON.stringify([{ issuer: as.issuer, scopes: [SCOPE] }]),
        MCP_OAUTH_RESOURCE: shim.url,
        MCP_OAUTH_CA_FILE: `${TLS}/ca.pem`,
        MCP_OAUTH_JWKS_MIN_INTERVAL_SECONDS: '1',
        MCP_LOG_LEVEL: 'debug',
    });
});

after(async () => {
    await shim?.stop();
    await serverEmu?.stop();
    await authorizerEmu?.stop();
    await as?.stop();
});

describe('challenges and metadata, before any token', () => {
    test('no Authorization: API Gateway answers 401 with the challenge, without invoking anything', async () => {
        const before = authorizerEmu.invocations.length;
        const r = await mcpPost(undefined);
        assert.equal(r.status, 401);
        assert.equal(r.headers.get('www-authenticate'), `Bearer resource_metadata="${metadataUrl}", scope="${SCOPE}"`);
        assert.deepEqual(JSON.parse(r.body), { message: 'Unauthorized' });
        assert.equal(authorizerEmu.invocations.length, before, 'the authorizer is not invoked without the header');
        // not a Bearer credential at all: refused by the validation expression, also before the authorizer
        const basic = await fetch(shim.url, { method: 'POST', headers: { authorization: 'Basic dTpw' }, body: '{}' });
        assert.equal(basic.status, 401);
        assert.equal(authorizerEmu.invocations.length, before);
    });

    test('the protected resource metadata, at the stage root and path-inserted, served by API Gateway', async () => {
        const before = serverInvocations();
        for (const url of [metadataUrl, `${metadataUrl}/mcp`]) {
            const res = await fetch(url);
            assert.equal(res.status, 200, url);
            const doc = await res.json();
            assert.equal(doc.resource, shim.url);
            assert.deepEqual(doc.authorization_servers, [as.issuer]);
            assert.deepEqual(doc.scopes_supported, [SCOPE]);
        }
        assert.equal(serverInvocations(), before, 'no Lambda invocation for the metadata');
    });
});

describe('the HTTP server run locally (make run)', () => {
    test('serves the same metadata itself: --authorization-servers and --scopes-supported', async () => {
        const local = await startServer({ args: ['--authorization-servers', as.issuer, '--scopes-supported', SCOPE] });
        try {
            for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
                const res = await fetch(new URL(path, local.url));
                assert.equal(res.status, 200, path);
                const doc = await res.json();
                assert.equal(doc.resource, local.url);
                assert.deepEqual(doc.authorization_servers, [as.issuer]);
                assert.deepEqual(doc.scopes_supported, [SCOPE]);
            }
        } finally {
            await local.stop();
        }
    });
});

describe('the TypeScript SDK client, authorization code with PKCE, headless', () => {
    test('401, discovery, registration, authorization, token for our audience; then tools', async () => {
        const redirectUrl = 'http://127.0.0.1:9/oauth/callback'; // never listened on: the code is read off the redirect
        const store = {};
        let code = null;
        const provider = {
            get redirectUrl() {
                return redirectUrl;
            },
            get clientMetadata() {
                return {
                    client_name: 'mcp-lambda-c oauth test',
                    redirect_uris: [redirectUrl],
                    grant_types: ['authorization_code', 'refresh_token'],
                    response_types: ['code'],
                    token_endpoint_auth_method: 'none',
                };
            },
            clientInformation: () => store.client,
            saveClientInformation: (c) => {
                store.client = c;
            },
            tokens: () => store.tokens,
            saveTokens: (t) => {
                store.tokens = t;
                remember(t.access_token);
                if (t.refresh_token) remember(t.refresh_token);
            },
            saveCodeVerifier: (v) => {
                store.verifier = v;
            },
            codeVerifier: () => store.verifier,
            redirectToAuthorization: async (url) => {
                store.authorizationUrl = url;
                const back = await followAuthorization(url.href, redirectUrl);
                code = back.searchParams.get('code');
                store.state = back.searchParams.get('state');
            },
        };
        const asRequestsBefore = as.requests.length;
        let transport = new StreamableHTTPClientTransport(new URL(shim.url), { authProvider: provider });
        let client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
        await assert.rejects(client.connect(transport), UnauthorizedError, 'the first attempt ends in the authorization redirect');
        assert.ok(code, 'the headless user agent came back with a code');
        const asked = as.requests.slice(asRequestsBefore).map((r) => r.path);
        assert.ok(asked.includes('/.well-known/oauth-authorization-server') || asked.includes('/.well-known/openid-configuration'), `AS metadata: ${asked}`);
        assert.ok(asked.includes('/reg'), `dynamic client registration: ${asked}`);
        assert.ok(asked.includes('/auth'), `the authorization endpoint: ${asked}`);
        const authz = store.authorizationUrl;
        assert.equal(authz.searchParams.get('code_challenge_method'), 'S256');
        assert.ok(authz.searchParams.get('code_challenge'));
        assert.equal(authz.searchParams.get('resource'), shim.url, 'RFC 8707: the resource is our canonical URI');
        assert.equal(authz.searchParams.get('scope'), SCOPE, 'the scope from the challenge');

        await transport.finishAuth(code);
        const token = store.tokens.access_token;
        assert.equal(headerOf(token).typ, 'at+jwt');
        const claims = claimsOf(token);
        assert.equal(claims.aud, shim.url, 'the audience is this endpoint, stage included');
        assert.equal(claims.iss, as.issuer);
        assert.equal(claims.sub, 'alice');
        assert.match(claims.scope, /\bmcp:tools\b/);

        transport = new StreamableHTTPClientTransport(new URL(shim.url), { authProvider: provider });
        client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
        await client.connect(transport);
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'whoami'));
        const pong = await client.callTool({ name: 'ping', arguments: {} });
        assert.equal(pong.content[0].text, 'pong');
        const me = await client.callTool({ name: 'whoami', arguments: {} });
        assert.notEqual(me.isError, true);
        assert.deepEqual(me.structuredContent, {
            authenticated: true, principal: 'alice', authMethod: 'jwt', sub: 'alice', iss: as.issuer,
            client_id: store.client.client_id, scope: claims.scope,
        });
        await client.close();
        const d = decisions().filter((l) => l.decision === 'allow' && l.principal === 'alice');
        assert.ok(d.length >= 3, 'the authorizer allowed each request');
        assert.equal(d.at(-1).client, store.client.client_id);
        assert.equal(d.at(-1).issuer, as.issuer);
    });
});

describe('mcp-client --oauth-client-credentials', () => {
    const env = () => ({ PATH: process.env.PATH, MCP_OAUTH_CLIENT_ID: as.m2mClientId, MCP_OAUTH_CLIENT_SECRET: as.m2mSecret,
        ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? '', UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? '' });
    const client = async (args, extraEnv = {}) => {
        try {
            const r = await run(CLIENT_BIN, ['--url', shim.url, '--cacert', `${TLS}/ca.pem`, ...args], { env: { ...env(), ...extraEnv }, timeout: 60_000 });
            return { code: 0, ...r };
        } catch (err) {
            if (typeof err.code !== 'number') throw err;
            return { code: err.code, stdout: err.stdout, stderr: err.stderr };
        }
    };

    test('a machine client: token from the metadata chain, then tools', async () => {
        const r = await client(['--oauth-client-credentials', '--json', 'call', 'whoami']);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.equal(out.structuredContent.sub, as.m2mClientId);
        assert.equal(out.structuredContent.client_id, as.m2mClientId);
        assert.equal(out.structuredContent.scope, SCOPE);
        const listed = await client(['--oauth-client-credentials', 'tools']);
        assert.equal(listed.code, 0, listed.stderr);
        assert.match(listed.stdout, /^whoami - /m);
        for (const s of [as.m2mSecret]) assert.ok(!`${r.stdout}${r.stderr}${listed.stdout}${listed.stderr}`.includes(s));
    });

    test('one token per process, reused until it expires', async () => {
        const tokenCalls = as.count('/token');
        const r = await client(['--oauth-client-credentials', 'tools']); // negotiation, listing: several requests
        assert.equal(r.code, 0, r.stderr);
        assert.equal(as.count('/token') - tokenCalls, 1);
    });

    test('a wrong secret: exit 4, naming the authorization server', async () => {
        const r = await client(['--oauth-client-credentials', 'ping'], { MCP_OAUTH_CLIENT_SECRET: 'not-the-secret-000' });
        assert.equal(r.code, 4, r.stderr);
        assert.ok(r.stderr.includes(as.issuer), r.stderr);
        assert.match(r.stderr, /invalid_client/);
        assert.ok(!r.stderr.includes('not-the-secret-000'));
    });

    test('no credentials at all: the 401 names the authorization server and the scope to ask for', async () => {
        const r = await client(['ping'], { MCP_OAUTH_CLIENT_ID: '', MCP_OAUTH_CLIENT_SECRET: '' });
        assert.equal(r.code, 4, r.stderr);
        assert.match(r.stderr, /HTTP 401/);
        assert.ok(r.stderr.includes(`authorization server: ${as.issuer}`), r.stderr);
        assert.ok(r.stderr.includes(`scope: ${SCOPE}`), r.stderr);
    });

    test('a token without the scope: 403 insufficient_scope, named as such', async () => {
        const token = await forge({ scope: 'openid' });
        const r = await client(['--token', token, 'ping']);
        assert.equal(r.code, 4, r.stderr);
        assert.match(r.stderr, /HTTP 403/);
        assert.match(r.stderr, /insufficient_scope/);
        assert.ok(r.stderr.includes(`scope needed: ${SCOPE}`), r.stderr);
        assert.ok(r.stderr.includes(`authorization server: ${as.issuer}`), r.stderr);
        assert.ok(!r.stderr.includes(token));
    });
});

describe('bad tokens, each refused with its reason', () => {
    test('the table', async () => {
        const now = Math.floor(Date.now() / 1000);
        const good = await m2mToken();
        const [h, p, s] = good.split('.');
        const tampered = remember(`${h}.${b64url({ ...claimsOf(good), sub: 'admin' })}.${s}`);
        const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const rsaPem = publicKey.export({ type: 'spki', format: 'pem' });
        const hsInput = `${b64url({ alg: 'HS256', typ: 'at+jwt', kid: as.privateKeys().find((k) => k.alg === 'RS256').kid })}.${b64url({ ...claimsOf(good) })}`;
        const hsWithRsaKey = remember(`${hsInput}.${createHmac('sha256', rsaPem).update(hsInput).digest('base64url')}`);
        const stranger = await jose.generateKeyPair('ES256');
        const unknownKid = remember(await new jose.SignJWT({ sub: 'mallory', scope: SCOPE })
            .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'not-a-published-kid' })
            .setIssuer(as.issuer).setAudience(shim.url).setIssuedAt().setExpirationTime('5m').sign(stranger.privateKey));
        const rows = [
            ['a good token', good, 200, null],
            ['expired', await forge({ exp: now - 120, iat: now - 900 }), 401, 'jwt expired'],
            ['not yet valid', await forge({ nbf: now + 600 }), 401, 'jwt not yet valid'],
            ['wrong issuer', await forge({ iss: 'https://127.0.0.1:1' }), 401, 'jwt issuer'],
            ['wrong audience', await forge({ aud: 'https://other.example/mcp' }), 401, 'jwt audience'],
            ["another stage's audience", await forge({ aud: shim.url.replace(`/${STAGE}/`, '/prod/') }), 401, 'jwt audience'],
            ['alg none', remember(`${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(claimsOf(good))}.`), 401, 'jwt algorithm'],
            ['HS256 signed with the RSA public key', hsWithRsaKey, 401, 'jwt algorithm'],
            ['unknown kid, after a refresh', unknownKid, 401, 'jwt unknown key'],
            ['tampered payload', tampered, 401, 'jwt signature'],
            ['missing scope', await forge({ scope: 'openid profile' }), 403, 'jwt scope'],
            ['wrong typ', await forge({}, { typ: 'JWT' }), 401, 'jwt type'],
            ['an ID token instead of an access token', await forge({}, { typ: 'id_token+jwt' }), 401, 'jwt type'],
        ];
        const jwksPath = new URL((await (await fetch(`${as.issuer}/.well-known/openid-configuration`)).json()).jwks_uri).pathname;
        for (const [what, token, status, reason] of rows) {
            if (what.startsWith('unknown kid')) await new Promise((r) => setTimeout(r, 1100)); // past the minimum interval
            const fetchesBefore = as.count(jwksPath);
            const r = await mcpPost(token);
            assert.equal(r.status, status, `${what}: HTTP ${r.status} ${r.body}`);
            const d = lastDecision();
            if (reason === null) {
                assert.equal(d.decision, 'allow', what);
            } else {
                assert.equal(d.decision, 'deny', what);
                assert.equal(d.reason, reason, what);
            }
            if (status === 401) assert.equal(r.headers.get('www-authenticate'), `Bearer resource_metadata="${metadataUrl}", scope="${SCOPE}"`);
            if (status === 403) {
                assert.equal(r.headers.get('www-authenticate'), `Bearer error="insufficient_scope", scope="${SCOPE}", resource_metadata="${metadataUrl}"`);
                assert.equal(JSON.parse(r.body).message, 'User is not authorized to access this resource with an explicit deny');
            }
            if (what.startsWith('unknown kid')) {
                assert.equal(as.count(jwksPath) - fetchesBefore, 1, 'the unknown kid made the authorizer fetch the keys once more');
                // at once again: within the minimum interval, no fetch, still refused
                const again = await mcpPost(unknownKid);
                assert.equal(again.status, 401);
                assert.equal(lastDecision().reason, 'jwt unknown key');
                assert.equal(as.count(jwksPath) - fetchesBefore, 1, 'refreshes are bounded in rate');
            }
        }
    });

    test('a static token works beside the JWTs', async () => {
        const r = await mcpPost(STATIC_TOKEN);
        assert.equal(r.status, 200);
        assert.equal(lastDecision().principal, 'ops-static');
        assert.equal(lastDecision().authMethod, 'token');
    });
});

describe('key rotation at the provider', () => {
    test('new keys are picked up without a restart; tokens of the removed keys are refused', async () => {
        const old = await m2mToken();
        assert.equal((await mcpPost(old)).status, 200);
        const oldKid = headerOf(old).kid;
        const instances = authorizerEmu.instances.length;
        const kids = await as.rotate();
        assert.ok(!kids.includes(oldKid));
        await new Promise((r) => setTimeout(r, 1100)); // the minimum interval between fetches
        const fresh = await m2mToken();
        assert.ok(kids.includes(headerOf(fresh).kid));
        const r = await mcpPost(fresh);
        assert.equal(r.status, 200, r.body);
        assert.equal(lastDecision().decision, 'allow');
        assert.equal(authorizerEmu.instances.length, instances, 'the same authorizer instance: no restart');
        const fetchLines = authorizerEmu.instances.flatMap((i) => i.stderr).map((l) => JSON.parse(l)).filter((l) => l.event === 'jwks');
        assert.equal(fetchLines.at(-1).why, 'unknown kid');
        await new Promise((res) => setTimeout(res, 1100));
        const gone = await mcpPost(old);
        assert.equal(gone.status, 401);
        assert.equal(lastDecision().reason, 'jwt unknown key');
    });
});

describe("the shim's TOKEN authorizer, as API Gateway runs one", () => {
    // a stand-in for the emulator: each invoke answers the next canned result
    const fake = (results) => ({ calls: [], invoke(event) {
        this.calls.push(event);
        return Promise.resolve(results.shift());
    } });
    const ARN = 'arn:aws:execute-api:us-east-1:123456789012:api1/dev/POST/mcp';
    const policy = (effect, resource = 'arn:aws:execute-api:us-east-1:123456789012:api1/dev/*/*') => ({
        kind: 'response', body: Buffer.from(JSON.stringify({ principalId: 'p', policyDocument: { Version: '2012-10-17',
            Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] }, context: { n: 1, s: 'x' } })) });

    test('failures, malformed answers, policies and the decision cache', async () => {
        const emu = fake([{ kind: 'error', errorMessage: 'Unauthorized' }, { kind: 'error', errorMessage: 'boom' },
            { kind: 'response', body: Buffer.from('{"principalId":"p"}') }, policy('Deny'), policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:api1/prod/*/*'),
            policy('Allow')]);
        const a = createTokenAuthorizer({ emulator: emu, resultTtlSeconds: 300 });
        const h = (t) => [['Authorization', `Bearer ${t}`]];
        assert.equal((await a.authorize([], ARN)).type, 'UNAUTHORIZED');
        assert.equal(emu.calls.length, 0, 'no header: not invoked');
        assert.equal((await a.authorize(h('a'), ARN)).type, 'UNAUTHORIZED');
        assert.deepEqual(emu.calls[0], { type: 'TOKEN', authorizationToken: 'Bearer a', methodArn: ARN });
        assert.equal((await a.authorize(h('b'), ARN)).type, 'AUTHORIZER_FAILURE');
        assert.equal((await a.authorize(h('c'), ARN)).type, 'AUTHORIZER_CONFIGURATION_ERROR');
        const denied = await a.authorize(h('d'), ARN);
        assert.equal(denied.type, 'ACCESS_DENIED');
        assert.match(denied.message, /explicit deny/);
        assert.equal(denied.context.s, 'x');
        const elsewhere = await a.authorize(h('e'), ARN);
        assert.equal(elsewhere.type, 'ACCESS_DENIED', 'an Allow for another stage does not cover this one');
        assert.doesNotMatch(elsewhere.message, /explicit/);
        const allowed = await a.authorize(h('f'), ARN);
        assert.deepEqual(allowed, { allow: true, context: { principalId: 'p', n: '1', s: 'x' } });
        const calls = emu.calls.length;
        assert.equal((await a.authorize(h('f'), ARN.replace('POST/mcp', 'GET/mcp'))).allow, true, 'cached, evaluated for the new ARN');
        assert.equal((await a.authorize(h('d'), ARN)).type, 'ACCESS_DENIED', 'a cached Deny');
        assert.equal(emu.calls.length, calls, 'the cache answered');
        const v = createTokenAuthorizer({ emulator: fake([]), validationRegex: '^Bearer [a-z]+$' });
        assert.equal((await v.authorize(h('A1'), ARN)).type, 'UNAUTHORIZED', 'the validation expression');
        assert.ok(arnMatches('arn:*:execute-api:*:*:api1/dev/*/*', ARN) && !arnMatches('arn:*:execute-api:*:*:api1/dev/GET/*', ARN));
        const g = renderGatewayResponse({ ACCESS_DENIED: { statusCode: 403, headers: { 'WWW-Authenticate': 'Bearer x' }, template: '{"m":$context.error.messageString,"s":"$context.authorizer.s"}' } }, denied);
        assert.deepEqual(g, { status: 403, headers: [['Content-Type', 'application/json'], ['WWW-Authenticate', 'Bearer x']], body: JSON.stringify({ m: denied.message, s: 'x' }) });
    });
});

describe('logs', () => {
    test('no token, secret or key in any log line of any component', async () => {
        const lines = [
            ...authorizerEmu.instances.flatMap((i) => [...i.stdout, ...i.stderr]),
            ...serverEmu.instances.flatMap((i) => [...i.stdout, ...i.stderr]),
        ];
        assert.ok(lines.length > 20, 'there are logs to look at');
        for (const l of authorizerEmu.instances.flatMap((i) => i.stderr)) JSON.parse(l); // every line is JSON
        const text = lines.join('\n');
        assert.ok(secrets.size > 10);
        for (const s of secrets) {
            assert.ok(!text.includes(s), `a secret (${s.slice(0, 8)}…) is in a log line`);
            // not even the signature part of a JWT
            const sig = s.split('.')[2];
            if (sig && sig.length > 20) assert.ok(!text.includes(sig), 'a JWT signature is in a log line');
        }
        assert.deepEqual(authorizerEmu.violations(), []);
        assert.deepEqual(serverEmu.violations(), []);
    });
});
