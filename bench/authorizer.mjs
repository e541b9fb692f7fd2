#!/usr/bin/env node
// bench/authorizer.mjs: the token authorizer's cold start and decisions per second, through the Lambda Runtime API
// emulator (tests/lambda/runtime-emulator.mjs) on 127.0.0.1. Prints figures; asserts nothing but that every answer
// was the expected one (a benchmark of wrong answers is worthless).
//
//   cold start   a new emulator per run: invoke() of a TOKEN event until its answer, which is exec of the binary,
//                its init (configuration, first GET /next) and the first decision; median of --runs. Also shown: the
//                part until the first GET /next (init), and a warm invoke on the same instance, i.e. what the
//                emulator's own round trip costs, for comparison.
//   decisions/s  one prewarmed instance (Lambda sends one invocation at a time to an instance), invocations back to
//                back for --seconds or --max-invocations, whichever comes first; a TOKEN Allow run and a mixed run
//                (the example events of every format, plus refusals). Then two instances with two in flight.
//                Alongside: the function's CPU time per decision (from /proc) and authz_decide()'s own time (the
//                durationUs of its log lines), which is what the authorizer costs apart from the emulator.
//   OAuth        with --tls-dir (a CA and a 127.0.0.1 certificate, tests/oauth/make-ca.sh): an OpenID issuer on
//                127.0.0.1 over HTTPS (discovery document and JWKS, Node's https), the authorizer configured with it
//                beside the static digests; cold start with the keys fetched during init, then decisions/s with
//                ES256 and RS256 access tokens verified against the cached keys, and a static token in the same
//                configuration for comparison.
//
// Usage: node bench/authorizer.mjs [--bin PATH] [--runs N] [--seconds S] [--max-invocations N] [--tls-dir DIR]
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startEmulator } from '../tests/lambda/runtime-emulator.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({
    options: {
        bin: { type: 'string', default: `${ROOT}build-bench/mcp-authorizer` },
        runs: { type: 'string', default: '20' },
        seconds: { type: 'string', default: '5' },
        'max-invocations': { type: 'string', default: '200000' },
        'tls-dir': { type: 'string' },
    },
});
const RUNS = Number(opts.runs);
const SECONDS = Number(opts.seconds);
const MAX_INVOCATIONS = Number(opts['max-invocations']);

const TOKEN_CI = 'mcp-test-ci-4f9c2b7e1d8a6053';
const TOKEN_LAPTOP = 'mcp-test-laptop-9a1e7c3d5b';
const sha256hex = (s) => createHash('sha256').update(s).digest('hex');
const ENV = {
    MCP_AUTH_TOKENS: `ci:${sha256hex(TOKEN_CI)},laptop:${sha256hex(TOKEN_LAPTOP)}`,
    MCP_JWT_HS256_KEY: Buffer.from('mcp-authorizer-test-key-not-a-secret-0123456789').toString('base64'),
    MCP_JWT_ISSUER: 'https://issuer.example',
    MCP_JWT_AUDIENCE: 'mcp-server',
};

const event = (name) => JSON.parse(readFileSync(`${ROOT}tests/authorizer/events/${name}.json`, 'utf8'));
const unknown = { ...event('rest-token'), authorizationToken: 'Bearer not-a-configured-token' };
const ALLOW_TOKEN = [[event('rest-token'), 'allow']];
const MIXED = [[event('rest-token'), 'allow'], [event('rest-request'), 'allow'], [event('http-v1-request'), 'allow'],
    [event('http-v2-request'), 'allow'], [event('rest-token-jwt'), 'allow'], [unknown, 'deny'],
    [{ ...event('http-v2-request'), headers: {} }, 'simple-deny']];

function check(r, expected) {
    const body = r.body?.toString('utf8') ?? '';
    const ok = expected === 'allow' ? r.kind === 'response' && body.includes('"Allow"') || body.startsWith('{"isAuthorized":true')
        : expected === 'deny' ? r.kind === 'error' && r.errorMessage === 'Unauthorized'
            : r.kind === 'response' && body === '{"isAuthorized":false}';
    if (!ok) throw new Error(`unexpected answer (${expected}): ${r.kind} ${r.errorType ?? ''} ${body.slice(0, 200)}`);
}

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(2)} ms`;

async function emulator(maxInstances = 1, env = ENV) {
    return startEmulator({ command: opts.bin, env, maxInstances, functionName: 'mcp-authorizer', timeoutMs: 10_000 });
}

/** An OpenID issuer on 127.0.0.1: discovery and a JWKS with an ES256 and an RS256 key; tokens signed with them. */
async function startIssuer(tlsDir) {
    const keys = { ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }), RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }) };
    const jwks = { keys: Object.entries(keys).map(([alg, k]) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: alg.toLowerCase(), alg, use: 'sig' })) };
    let fetches = 0;
    const server = https.createServer({ cert: readFileSync(`${tlsDir}/server.pem`), key: readFileSync(`${tlsDir}/server.key`) }, (req, res) => {
        fetches += 1;
        const body = req.url === '/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}/jwks` } : req.url === '/jwks' ? jwks : null;
        res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body ?? {}));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `https://127.0.0.1:${server.address().port}`;
    const b64 = (x) => Buffer.from(JSON.stringify(x)).toString('base64url');
    const token = (alg) => {
        const input = `${b64({ alg, typ: 'at+jwt', kid: alg.toLowerCase() })}.${b64({ iss: issuer, aud: RESOURCE, sub: 'bench', client_id: 'bench-client', scope: 'mcp:tools', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 })}`;
        const sig = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key: keys.ES256.privateKey, dsaEncoding: 'ieee-p1363' } : keys.RS256.privateKey);
        return `${input}.${sig.toString('base64url')}`;
    };
    return { issuer, token, fetches: () => fetches, stop: () => server.close() };
}
const RESOURCE = 'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/prod/mcp';

async function coldStarts(env = ENV, event = ALLOW_TOKEN[0][0]) {
    const cold = [];
    const init = [];
    const warm = [];
    for (let i = 0; i < RUNS; i++) {
        const emu = await emulator(1, env);
        let readyAt = null;
        emu.once('ready', () => {
            readyAt = performance.now();
        });
        const t0 = performance.now();
        const r = await emu.invoke(event);
        const t1 = performance.now();
        check(r, 'allow');
        cold.push(t1 - t0);
        init.push(readyAt - t0);
        const t2 = performance.now();
        check(await emu.invoke(event), 'allow');
        warm.push(performance.now() - t2);
        await emu.stop();
        const exit = emu.instances[0].exitCode ?? emu.instances[0].signal;
        if (emu.violations().length) throw new Error(`Runtime API violations: ${JSON.stringify(emu.violations())}`);
        if (exit !== 'SIGTERM' && exit !== 0) throw new Error(`the authorizer exited with ${exit}`);
    }
    return { cold, init, warm };
}

/** Back-to-back invocations with `inFlight` at a time on `instances` prewarmed instances. */
async function throughput(events, instances, inFlight, env = ENV) {
    const emu = await emulator(instances, env);
    await emu.prewarm(instances);
    const cpuBefore = emu.instances.reduce((s, i) => s + (i.cpuMs() ?? 0), 0);
    const deadline = performance.now() + SECONDS * 1000;
    let sent = 0;
    const t0 = performance.now();
    const worker = async () => {
        while (sent < MAX_INVOCATIONS && performance.now() < deadline) {
            const [e, expected] = events[sent++ % events.length];
            check(await emu.invoke(e), expected);
        }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = emu.instances.reduce((s, i) => s + (i.cpuMs() ?? 0), 0) - cpuBefore;
    const rss = Math.max(...emu.instances.map((i) => i.memoryKb()?.rssKb ?? 0));
    await emu.stop();
    if (emu.violations().length) throw new Error(`Runtime API violations: ${JSON.stringify(emu.violations())}`);
    const decideUs = emu.instances.flatMap((i) => i.stderr).map((l) => JSON.parse(l)).filter((l) => l.event === 'decision')
        .map((l) => l.durationUs);
    return { count: sent, rate: sent / elapsed, cpuUsPerDecision: (cpu * 1000) / sent, decideUs: median(decideUs), rss };
}

console.log(`authorizer bench: ${opts.bin}; ${(await import('node:os')).cpus().length} cores, load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const { cold, init, warm } = await coldStarts();
console.log(`cold start (invoke -> first decision answered): median ${ms(median(cold))} (min ${ms(Math.min(...cold))}, max ${ms(Math.max(...cold))}) over ${RUNS} runs`);
console.log(`  of which init (-> first GET /next): median ${ms(median(init))}; a warm invoke on the same instance: median ${ms(median(warm))}`);
const rows = [];
for (const [name, events, instances, inFlight] of [['TOKEN allow', ALLOW_TOKEN, 1, 1], ['mixed formats', MIXED, 1, 1],
    ['mixed formats', MIXED, 2, 2]]) {
    const t = await throughput(events, instances, inFlight);
    rows.push([name, instances, inFlight, t]);
    console.log(`decisions/s, ${name}, ${instances} instance(s), ${inFlight} in flight: ${t.rate.toFixed(0)} (${t.count} decisions);` +
        ` function CPU ${t.cpuUsPerDecision.toFixed(1)} µs/decision, authz_decide median ${t.decideUs} µs, RSS ${(t.rss / 1024).toFixed(1)} MiB`);
}
console.log('\n| figure | value |\n| --- | ---: |');
console.log(`| cold start, invoke -> first decision (median of ${RUNS}) | ${ms(median(cold))} |`);
console.log(`| of which init, -> first GET /next | ${ms(median(init))} |`);
console.log(`| warm invoke through the emulator (median of ${RUNS}) | ${ms(median(warm))} |`);
for (const [name, instances, inFlight, t] of rows) {
    console.log(`| decisions/s, ${name}, ${instances} instance(s), ${inFlight} in flight | ${t.rate.toFixed(0)} |`);
    console.log(`| function CPU per decision, ${name}, ${instances} instance(s) | ${t.cpuUsPerDecision.toFixed(1)} µs |`);
}
console.log(`| authz_decide() alone, median (log durationUs) | ${rows[1][3].decideUs} µs |`);
console.log(`| RSS of a warm instance | ${(rows[1][3].rss / 1024).toFixed(1)} MiB |`);

if (opts['tls-dir']) {
    const idp = await startIssuer(opts['tls-dir']);
    const oauthEnv = {
        MCP_AUTH_TOKENS: ENV.MCP_AUTH_TOKENS,
        MCP_OAUTH_ISSUERS: JSON.stringify([{ issuer: idp.issuer, scopes: ['mcp:tools'] }]),
        MCP_OAUTH_RESOURCE: RESOURCE,
        MCP_OAUTH_CA_FILE: `${opts['tls-dir']}/ca.pem`,
    };
    const jwtEvent = (alg) => ({ ...event('rest-token'), authorizationToken: `Bearer ${idp.token(alg)}` });
    const cold = await coldStarts(oauthEnv, jwtEvent('ES256'));
    const coldStatic = await coldStarts(oauthEnv, event('rest-token'));
    const oauthRows = [];
    for (const [name, events] of [['static token, OAuth configured', ALLOW_TOKEN], ['ES256 access token (keys cached)', [[jwtEvent('ES256'), 'allow']]],
        ['RS256 access token (keys cached)', [[jwtEvent('RS256'), 'allow']]]]) {
        const fetchesBefore = idp.fetches();
        const t = await throughput(events, 1, 1, oauthEnv);
        oauthRows.push([name, t]);
        if (idp.fetches() - fetchesBefore !== 2) throw new Error(`expected one discovery and one JWKS fetch per instance, saw ${idp.fetches() - fetchesBefore}`);
    }
    idp.stop();
    console.log('\nwith an OpenID issuer (HTTPS on 127.0.0.1): keys fetched once per instance, in init');
    console.log('| figure | value |\n| --- | ---: |');
    console.log(`| cold start, ES256 access token, keys fetched in init (median of ${RUNS}) | ${ms(median(cold.cold))} |`);
    console.log(`| of which init (configuration, discovery and JWKS over TLS), -> first GET /next | ${ms(median(cold.init))} |`);
    console.log(`| cold start, static token, same configuration (median of ${RUNS}) | ${ms(median(coldStatic.cold))} |`);
    for (const [name, t] of oauthRows) {
        console.log(`| decisions/s, ${name}, 1 instance | ${t.rate.toFixed(0)} |`);
        console.log(`| authz_decide() median, ${name} | ${t.decideUs} µs |`);
        console.log(`| function CPU per decision, ${name} | ${t.cpuUsPerDecision.toFixed(1)} µs |`);
    }
}
