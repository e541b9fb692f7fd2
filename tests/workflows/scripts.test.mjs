// The deploy job's scripts, run: the `run:` steps of deploy.yml that handle the token, the stage and the stack
// outputs are taken from the workflow and executed with bash as GitHub runs them (bash --noprofile --norc -eo
// pipefail); .github/scripts/smoke-test.sh is run against the project's own server on 127.0.0.1, behind a proxy that
// wants a bearer token, as it will run against API Gateway.
//
// The smoke test needs BUILD/mcp-server and BUILD/mcp-client, BUILD being $MCP_BUILD_DIR (relative to the
// repository root) or build/; without them those tests are skipped.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GITHUB_DIR, REPO_ROOT, loadWorkflows, runSteps } from './lib/workflows.mjs';

const deploy = loadWorkflows().find((wf) => wf.file === 'deploy.yml');
const sha256 = (text) => createHash('sha256').update(text).digest('hex');
let work;

before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-scripts-'));
});
after(() => {
    fs.rmSync(work, { recursive: true, force: true });
});

/** The run: script of the deploy job's step matching the predicate. */
function script(predicate) {
    const found = runSteps(deploy.doc).find(([job, , step]) => job === 'deploy' && predicate(step));
    assert.ok(found, 'step not found in deploy.yml');
    return found[2].run;
}

let runs = 0;
/** Runs a step's script as GitHub does; returns status, stdout, stderr and the files it wrote. */
function runStep(body, env) {
    const dir = path.join(work, `run-${++runs}`);
    fs.mkdirSync(dir);
    const file = path.join(dir, 'step.sh');
    fs.writeFileSync(file, body);
    const githubEnv = path.join(dir, 'github_env');
    const githubOutput = path.join(dir, 'github_output');
    fs.writeFileSync(githubEnv, '');
    fs.writeFileSync(githubOutput, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
        env: { PATH: process.env.PATH, GITHUB_ENV: githubEnv, GITHUB_OUTPUT: githubOutput, RUNNER_TEMP: dir, ...env },
        encoding: 'utf8',
        timeout: 30_000,
    });
    return {
        status: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        env: fs.readFileSync(githubEnv, 'utf8'),
        output: fs.readFileSync(githubOutput, 'utf8'),
        dir,
    };
}

const occurrences = (text, needle) => text.split(needle).length - 1;

describe('the digest step', () => {
    const body = script((step) => step.env?.MCP_AUTH_TOKEN !== undefined && /sha256sum/.test(step.run));
    const TOKEN = 'Zq7wV3nL-0c9f2e1d8b7a6F5E4D3C2B1A0.mcp_test~token+/==';

    test('writes label:sha256hex to GITHUB_ENV, masks token and digest, prints nothing else', () => {
        const r = runStep(body, { STAGE: 'qas', MCP_AUTH_TOKEN: TOKEN });
        const digest = sha256(TOKEN);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.equal(r.env, `MCP_AUTH_TOKEN_DIGESTS=github-qas:${digest}\n`);
        assert.equal(r.stdout, `::add-mask::${TOKEN}\n::add-mask::${digest}\n`);
        assert.equal(r.stderr, '');
        // What cdk/lib/auth-tokens.ts accepts: label 1-64 of [A-Za-z0-9._-], digest 64 lower-case hex.
        assert.match(r.env, /^MCP_AUTH_TOKEN_DIGESTS=[A-Za-z0-9._-]{1,64}:[0-9a-f]{64}\n$/);
    });

    test('an empty token stops the job with an error and no digest', () => {
        const r = runStep(body, { STAGE: 'prod', MCP_AUTH_TOKEN: '' });
        assert.notEqual(r.status, 0);
        assert.equal(r.env, '');
        assert.match(r.stdout, /::error::environment prod has no secret MCP_AUTH_TOKEN/);
    });

    test('a token API Gateway would refuse stops the job; it is printed only to be masked', () => {
        const bad = 'two words "and quotes"';
        const r = runStep(body, { STAGE: 'dev', MCP_AUTH_TOKEN: bad });
        assert.notEqual(r.status, 0);
        assert.equal(r.env, '');
        assert.equal(occurrences(r.stdout + r.stderr, bad), 1);
        assert.ok(r.stdout.startsWith(`::add-mask::${bad}\n`));
        assert.match(r.stdout, /::error::MCP_AUTH_TOKEN of environment dev is not a bearer token/);
    });
});

describe('the stage and AWS settings check', () => {
    const body = script((step) => /AWS_DEPLOY_ROLE_ARN/.test(step.run) && step.env?.ROLE_ARN !== undefined);

    test('a stage with an OIDC role passes', () => {
        const r = runStep(body, {
            STAGE: 'prod',
            ROLE_ARN: 'arn:aws:iam::123456789012:role/mcp-deploy-prod',
            HAS_ACCESS_KEYS: 'false',
        });
        assert.equal(r.status, 0, r.stdout);
        assert.match(r.stdout, /OIDC role/);
    });
    test('access keys alone pass with a warning', () => {
        const r = runStep(body, { STAGE: 'dev', ROLE_ARN: '', HAS_ACCESS_KEYS: 'true' });
        assert.equal(r.status, 0, r.stdout);
        assert.match(r.stdout, /::warning::/);
    });
    test('neither fails', () => {
        const r = runStep(body, { STAGE: 'qas', ROLE_ARN: '', HAS_ACCESS_KEYS: 'false' });
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /::error::environment qas has neither/);
    });
    test('an unknown stage fails', () => {
        const r = runStep(body, {
            STAGE: 'staging',
            ROLE_ARN: 'arn:aws:iam::123456789012:role/x',
            HAS_ACCESS_KEYS: 'false',
        });
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /::error::stage "staging" is not one of dev, qas, prod/);
    });
});

describe('reading McpEndpoint', () => {
    const body = script((step) => /McpEndpoint/.test(step.run) && /GITHUB_OUTPUT/.test(step.run));
    const URL_DEV = 'https://abc123defg.execute-api.ap-southeast-2.amazonaws.com/dev/mcp';
    const outputs = {
        'mcp-dev-stack': { McpEndpoint: URL_DEV, ApiId: 'abc123defg', ServerFunctionName: 'mcp-dev-server' },
        'mcp-qas-stack': { McpEndpoint: 'http://insecure.example/mcp' },
    };
    // The step reads $RUNNER_TEMP/cdk-outputs.json, the file `cdk deploy --outputs-file` wrote.
    const withOutputs = (env) => {
        const r = runStep(`cp "${path.join(work, 'outputs.json')}" "$RUNNER_TEMP/cdk-outputs.json"\n${body}`, env);
        return r;
    };
    before(() => fs.writeFileSync(path.join(work, 'outputs.json'), JSON.stringify(outputs)));

    test("the stage's stack output becomes the step output url", () => {
        const r = withOutputs({ STAGE: 'dev' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.equal(r.output, `url=${URL_DEV}\n`);
    });
    test("another stage's stack, or no stack, is an error", () => {
        const r = withOutputs({ STAGE: 'prod' });
        assert.notEqual(r.status, 0);
        assert.equal(r.output, '');
        assert.match(r.stderr, /no https McpEndpoint output for mcp-prod-stack/);
    });
    test('an endpoint that is not https is an error', () => {
        const r = withOutputs({ STAGE: 'qas' });
        assert.notEqual(r.status, 0);
        assert.equal(r.output, '');
    });
});

const BUILD = path.resolve(REPO_ROOT, process.env.MCP_BUILD_DIR || 'build');
const SERVER = path.join(BUILD, 'mcp-server');
const CLIENT = path.join(BUILD, 'mcp-client');
const SMOKE = path.join(GITHUB_DIR, 'scripts', 'smoke-test.sh');
const NO_BUILD =
    fs.existsSync(SERVER) && fs.existsSync(CLIENT) ? false : `${SERVER} or ${CLIENT} is missing (make build)`;

describe('smoke-test.sh against a local server', { skip: NO_BUILD }, () => {
    const TOKEN = 'smoke-test-token.0123456789abcdef';
    const children = [];
    const servers = [];
    let direct; // the MCP server, which wants no token
    let guarded; // tests/client/proxy.mjs in front of it, which wants TOKEN (401 + challenge otherwise)
    let bare; // a proxy that wants TOKEN but answers 401 without a challenge

    /** Starts a process that prints a JSON line with "listening" and "port"; resolves to that port. */
    function start(command, args) {
        return new Promise((resolve, reject) => {
            const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
            children.push(child);
            let seen = '';
            const timer = setTimeout(() => reject(new Error(`${command} did not start: ${seen}`)), 10_000);
            const look = (chunk) => {
                seen += chunk;
                const port = /"listening"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"listening"/.exec(seen);
                if (port) {
                    clearTimeout(timer);
                    resolve(Number(port[1] ?? port[2]));
                }
            };
            child.stdout.on('data', look);
            child.stderr.on('data', look);
            child.on('exit', (code) => reject(new Error(`${command} exited ${code}: ${seen}`)));
        });
    }

    before(async () => {
        const port = await start(SERVER, ['--bind', '127.0.0.1', '--port', '0']);
        direct = `http://127.0.0.1:${port}/mcp`;
        const proxyPort = await start(process.execPath, [
            path.join(REPO_ROOT, 'tests', 'client', 'proxy.mjs'),
            '--upstream',
            `http://127.0.0.1:${port}`,
            '--require-token',
            TOKEN,
        ]);
        guarded = `http://127.0.0.1:${proxyPort}/mcp`;
        const server = http.createServer((req, res) => {
            if (req.headers.authorization !== `Bearer ${TOKEN}`) {
                res.writeHead(401, { 'content-type': 'application/json' });
                res.end('{"message":"Unauthorized"}');
                return;
            }
            const headers = { ...req.headers };
            delete headers.authorization;
            const out = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (up) => {
                res.writeHead(up.statusCode, up.headers);
                up.pipe(res);
            });
            req.pipe(out);
        });
        servers.push(server);
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        bare = `http://127.0.0.1:${server.address().port}/mcp`;
    });

    after(() => {
        for (const child of children) child.kill('SIGTERM');
        for (const server of servers) server.close();
    });

    const smoke = (env) =>
        new Promise((resolve) => {
            const child = spawn('bash', [SMOKE, CLIENT], {
                env: { PATH: process.env.PATH, SMOKE_ATTEMPTS: '2', SMOKE_RETRY_SECONDS: '0', ...env },
            });
            let out = '';
            child.stdout.on('data', (c) => (out += c));
            child.stderr.on('data', (c) => (out += c));
            child.on('exit', (status) => resolve({ status, out }));
        });

    test('passes against an endpoint that wants the token', { timeout: 60_000 }, async () => {
        const r = await smoke({ MCP_SERVER_ENDPOINT: guarded, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 0, r.out);
        assert.match(r.out, /^ok {3}init/m);
        assert.match(r.out, /^ok {3}tools \(tools\/list\) lists ping/m);
        assert.match(r.out, /^ok {3}call ping \(tools\/call\) answers pong/m);
        assert.match(r.out, /^ok {3}without a token: exit 4, HTTP 401, WWW-Authenticate: Bearer resource_metadata=/m);
        assert.match(r.out, /^smoke: 4 passed, 0 failed$/m);
        assert.equal(occurrences(r.out, TOKEN), 0, 'the token was printed');
    });

    test('fails against an endpoint that wants no token', { timeout: 60_000 }, async () => {
        const r = await smoke({ MCP_SERVER_ENDPOINT: direct, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, /^FAIL without a token: exit 0 \(want 4\)/m);
        assert.match(r.out, /^smoke: 3 passed, 1 failed$/m);
    });

    test('fails when the 401 carries no WWW-Authenticate challenge', { timeout: 60_000 }, async () => {
        const r = await smoke({ MCP_SERVER_ENDPOINT: bare, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 1, r.out);
        assert.match(
            r.out,
            /^FAIL without a token: exit 4 \(want 4\), or no HTTP 401 with a WWW-Authenticate: Bearer challenge/m,
        );
    });

    test('fails with a token the endpoint does not accept, without printing it', { timeout: 60_000 }, async () => {
        const wrong = 'not-the-deployed-token.0000';
        const r = await smoke({ MCP_SERVER_ENDPOINT: guarded, MCP_AUTH_TOKEN: wrong });
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, /^FAIL init: exit 4/m);
        assert.equal(occurrences(r.out, wrong), 0, 'the token was printed');
    });

    test('retries an endpoint that does not answer, then fails', { timeout: 60_000 }, async () => {
        const closed = await new Promise((resolve) => {
            const probe = http.createServer().listen(0, '127.0.0.1', () => {
                const { port } = probe.address();
                probe.close(() => resolve(port));
            });
        });
        const r = await smoke({ MCP_SERVER_ENDPOINT: `http://127.0.0.1:${closed}/mcp`, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, /init: exit 3 on attempt 1 of 2; retrying/);
        assert.match(r.out, /^FAIL init: exit 3/m);
    });

    test('refuses to run without a token', { timeout: 60_000 }, async () => {
        const r = await smoke({ MCP_SERVER_ENDPOINT: guarded });
        assert.equal(r.status, 2, r.out);
    });
});
