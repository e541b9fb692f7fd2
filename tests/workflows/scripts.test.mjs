// The deploy job's scripts, run: the `run:` steps of deploy.yml that handle the stage, the images and the stack
// outputs are taken from the workflow and executed with bash as GitHub runs them (bash --noprofile --norc -eo
// pipefail), against stand-ins for the aws CLI and skopeo (fakes/) that keep ECR, Secrets Manager, CloudFormation
// and Lambda state in a JSON file: the promotion rule (a digest that did not pass the stage before cannot deploy),
// the pipeline's token digest, and the rollback. .github/scripts/smoke-test.sh is run against the project's own
// server on 127.0.0.1 behind a stand-in for API Gateway (no token: 401 from the gateway; a wrong token: 401 from the
// "authorizer"; the metadata route public), and fails against one whose authorizer lets any token in.
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
const FAKES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fakes');

/** Runs a step's script as GitHub does; returns status, stdout, stderr and the files it wrote. */
function runStep(body, env, cwd = undefined) {
    const dir = path.join(work, `run-${++runs}`);
    fs.mkdirSync(dir);
    const file = path.join(dir, 'step.sh');
    fs.writeFileSync(file, body);
    const githubEnv = path.join(dir, 'github_env');
    const githubOutput = path.join(dir, 'github_output');
    fs.writeFileSync(githubEnv, '');
    fs.writeFileSync(githubOutput, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
        cwd,
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

/** A fresh fake AWS state file; returns { file, read(), env } with the fakes first on PATH. */
function fakeAws(initial = {}) {
    const file = path.join(work, `aws-state-${++runs}.json`);
    fs.writeFileSync(file, JSON.stringify({ calls: [], ecr: {}, secrets: {}, stacks: {}, aliases: {}, ...initial }));
    return {
        file,
        read: () => JSON.parse(fs.readFileSync(file, 'utf8')),
        env: { FAKE_AWS_STATE: file, PATH: `${FAKES}${path.delimiter}${process.env.PATH}` },
    };
}

/** A one-image OCI archive (what podman save --format oci-archive writes) under dir/name.tar; returns its digest. */
function ociArchive(dir, name, content) {
    const root = path.join(work, `oci-${++runs}`);
    fs.mkdirSync(path.join(root, 'blobs', 'sha256'), { recursive: true });
    const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        content,
    });
    const hex = sha256(manifest);
    fs.writeFileSync(path.join(root, 'blobs', 'sha256', hex), manifest);
    fs.writeFileSync(path.join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    fs.writeFileSync(
        path.join(root, 'index.json'),
        JSON.stringify({
            schemaVersion: 2,
            manifests: [
                {
                    mediaType: 'application/vnd.oci.image.manifest.v1+json',
                    digest: `sha256:${hex}`,
                    size: manifest.length,
                },
            ],
        }),
    );
    fs.mkdirSync(dir, { recursive: true });
    spawnSync('tar', ['-cf', path.join(dir, `${name}.tar`), '-C', root, 'oci-layout', 'index.json', 'blobs']);
    return `sha256:${hex}`;
}

const REPOSITORY = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/mcp-lambda-c';
const TREE = spawnSync('git', ['rev-parse', 'HEAD^{tree}'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();

describe('one image, tested, promoted: the images steps of the plan and deploy jobs, and images.sh mark', () => {
    const planImages = runSteps(deploy.doc).find(
        ([job, , step]) => job === 'plan' && /images\.sh (digest|resolve)/.test(step.run),
    )[2].run;
    const deployImages = script((step) => /images\.sh (push|resolve)/.test(step.run));
    const markStep = script((step) => /images\.sh mark /.test(step.run));
    const aws = fakeAws();
    const archives = path.join(work, 'images');
    const digests = {
        server: ociArchive(archives, 'server-amd64', 'server build 1'),
        authorizer: ociArchive(archives, 'authorizer-amd64', 'authorizer build 1'),
    };
    const base = { ...aws.env, ARCH: 'amd64', REPOSITORY, GITHUB_RUN_ID: '4242' };
    const planned = (stage) =>
        runStep(
            `mkdir -p "$RUNNER_TEMP/images" && cp "${archives}"/*.tar "$RUNNER_TEMP/images/"\n${planImages}`,
            { ...base, STAGE: stage },
            REPO_ROOT,
        );
    const deployed = (stage, plan) =>
        runStep(
            `mkdir -p "$RUNNER_TEMP/images" && cp "${archives}"/*.tar "$RUNNER_TEMP/images/"\n${deployImages}`,
            {
                ...base,
                STAGE: stage,
                MCP_SERVER_IMAGE: plan.server,
                MCP_AUTHORIZER_IMAGE: plan.authorizer,
            },
            REPO_ROOT,
        );
    const outputs = (r) =>
        Object.fromEntries(
            r.output
                .trim()
                .split('\n')
                .filter(Boolean)
                .map((l) => l.split(/=(.*)/s).slice(0, 2)),
        );
    const mark = (stage, out) =>
        runStep(
            markStep,
            { ...base, STAGE: stage, TREE: out.tree, SERVER_DIGEST: out.server, AUTHORIZER_DIGEST: out.authorizer },
            REPO_ROOT,
        );

    test('qas cannot deploy what never passed dev: the plan stops, naming the stage', () => {
        const r = planned('qas');
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /no server-amd64 image of this commit's tree passed dev/);
        assert.equal(r.output, '');
    });

    let devOut;
    test('dev plans the tested archives by digest, pushes them unchanged, and ECR holds those digests', () => {
        const plan = planned('dev');
        assert.equal(plan.status, 0, plan.stderr);
        const p = outputs(plan);
        assert.equal(p.server, `${REPOSITORY}@${digests.server}`);
        assert.equal(p.authorizer, `${REPOSITORY}@${digests.authorizer}`);
        const r = deployed('dev', p);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        devOut = outputs(r);
        assert.deepEqual([devOut.server, devOut.authorizer, devOut.tree], [digests.server, digests.authorizer, TREE]);
        const pushes = aws.read().calls.filter((c) => c[0] === 'skopeo' && c[1] === 'copy');
        assert.equal(pushes.length, 2);
        assert.ok(pushes.every((c) => c.includes('--preserve-digests')));
    });

    test('a dev push whose digest is not the planned one stops the deploy', () => {
        const r = deployed('dev', {
            server: `${REPOSITORY}@sha256:${'0'.repeat(64)}`,
            authorizer: `${REPOSITORY}@${digests.authorizer}`,
        });
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /::error::server: .* is not the planned/);
    });

    test('only after dev records them as passed may qas have them; prod still may not', () => {
        assert.notEqual(planned('qas').status, 0);
        const m = mark('dev', devOut);
        assert.equal(m.status, 0, m.stderr);
        assert.match(m.stdout, new RegExp(`passed-dev-${TREE.slice(0, 20)}-server-amd64`));
        const plan = planned('qas');
        assert.equal(plan.status, 0, plan.stderr);
        assert.equal(outputs(plan).server, `${REPOSITORY}@${digests.server}`);
        const copies = () => aws.read().calls.filter((c) => c[0] === 'skopeo' && c[1] === 'copy').length;
        const before = copies();
        const r = deployed('qas', outputs(plan));
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.equal(copies(), before, 'qas pushes nothing');
        const prod = planned('prod');
        assert.notEqual(prod.status, 0);
        assert.match(prod.stderr, /passed qas/);
        assert.equal(mark('qas', outputs(r)).status, 0);
        assert.equal(planned('prod').status, 0);
    });

    test('qas refuses a planned digest that is not the one that passed dev', () => {
        const r = deployed('qas', {
            server: `${REPOSITORY}@sha256:${'1'.repeat(64)}`,
            authorizer: `${REPOSITORY}@${digests.authorizer}`,
        });
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /is not the planned/);
    });

    test('marking refuses a digest ECR does not hold', () => {
        const r = mark('prod', { tree: TREE, server: `sha256:${'2'.repeat(64)}`, authorizer: digests.authorizer });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /is not in/);
    });
});

describe("the pipeline's token: ci-token.sh", () => {
    const SCRIPT = path.join(GITHUB_DIR, 'scripts', 'ci-token.sh');
    const ARN = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:AuthTokensSecret-abc';
    const TOKEN = 'Zq7wV3nL-0c9f2e1d8b7a6F5E4D3C2B1A0.mcp_test~token+/==';
    const run = (aws, token) =>
        spawnSync('bash', [SCRIPT, ARN, 'ci-github-qas'], {
            env: { ...aws.env, MCP_AUTH_TOKEN: token },
            encoding: 'utf8',
        });

    test('adds its own label, keeps the clients, drops the placeholder, prints only masks', () => {
        const aws = fakeAws({
            secrets: { [ARN]: JSON.stringify({ 'placeholder-admits-nobody': 'f'.repeat(64), alice: 'a'.repeat(64) }) },
        });
        const r = run(aws, TOKEN);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.deepEqual(JSON.parse(aws.read().secrets[ARN]), {
            alice: 'a'.repeat(64),
            'ci-github-qas': sha256(TOKEN),
        });
        assert.equal(r.stdout, `::add-mask::${TOKEN}\n::add-mask::${sha256(TOKEN)}\nchanged\n`);
        for (const call of aws.read().calls) assert.ok(!call.join(' ').includes(TOKEN), 'the token on a command line');
        assert.equal(run(aws, TOKEN).stdout.split('\n').at(-2), 'unchanged');
    });

    test('a token shorter than 32 characters is refused before anything is written', () => {
        const aws = fakeAws({ secrets: { [ARN]: '{}' } });
        const r = run(aws, 'short-token-1234567890');
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /::error::MCP_AUTH_TOKEN is shorter than 32 characters/);
        assert.equal(aws.read().secrets[ARN], '{}');
    });

    test('a token API Gateway would refuse, or none, is refused', () => {
        const aws = fakeAws({ secrets: { [ARN]: '{}' } });
        assert.match(run(aws, 'two words "and quotes" padding padding padding').stdout, /is not a bearer token/);
        assert.notEqual(run(aws, '').status, 0);
    });

    test('a secret that is not a JSON object of digests is left alone', () => {
        const aws = fakeAws({ secrets: { [ARN]: 'ci:' + 'a'.repeat(64) } });
        const r = run(aws, TOKEN);
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /not a JSON object/);
    });
});

describe('the rollback path: rollback.sh record and restore', () => {
    const SCRIPT = path.join(GITHUB_DIR, 'scripts', 'rollback.sh');
    const rollback = (aws, ...args) => spawnSync('bash', [SCRIPT, ...args], { env: aws.env, encoding: 'utf8' });
    const restoreStep = script((step) => /rollback\.sh restore /.test(step.run));

    test('records the live versions, and a failed smoke test puts both aliases back', () => {
        const aws = fakeAws({
            stacks: {
                'mcp-prod-stack': {
                    ServerFunctionName: 'mcp-prod-server',
                    AuthorizerFunctionName: 'mcp-prod-authorizer',
                },
            },
            aliases: { 'mcp-prod-server:live': '7', 'mcp-prod-authorizer:live': '4' },
        });
        const file = path.join(work, 'live-versions');
        const r = rollback(aws, 'record', 'mcp-prod-stack', file);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(fs.readFileSync(file, 'utf8'), 'mcp-prod-server 7\nmcp-prod-authorizer 4\n');
        // the deploy moves both aliases on; the smoke test fails; the workflow's own rollback step runs
        const state = aws.read();
        state.aliases = { 'mcp-prod-server:live': '8', 'mcp-prod-authorizer:live': '5' };
        fs.writeFileSync(aws.file, JSON.stringify(state));
        const back = runStep(restoreStep.replace('"$RUNNER_TEMP/live-versions"', `"${file}"`), aws.env, REPO_ROOT);
        assert.equal(back.status, 0, back.stdout + back.stderr);
        assert.deepEqual(aws.read().aliases, { 'mcp-prod-server:live': '7', 'mcp-prod-authorizer:live': '4' });
        assert.match(back.stdout, /::warning::rolled back mcp-prod-server:live to version 7/);
    });

    test('a first deploy records nothing, and its rollback says there is nothing to return to', () => {
        const aws = fakeAws();
        const file = path.join(work, 'live-versions-first');
        assert.equal(rollback(aws, 'record', 'mcp-dev-stack', file).status, 0);
        assert.equal(fs.readFileSync(file, 'utf8'), '');
        const r = rollback(aws, 'restore', file);
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /nothing to roll back to/);
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
    const TOKEN = 'smoke-test-token.0123456789abcdef0123456789abcdef';
    const children = [];
    const servers = [];
    let direct; // the MCP server, which wants no token
    let gateway; // as API Gateway: a missing token is refused by the gateway, a wrong one by the "authorizer"
    let permissive; // a gateway whose authorizer lets any well-formed token in: the smoke test must notice
    let bare; // refuses without a token but answers 401 without a challenge
    let foreign; // its metadata names another resource

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

    /**
     * A stand-in for the REST API: the metadata route public; /mcp needs `Bearer <b64token>` (else 401 from the
     * gateway) and a token the authorizer accepts (else 401 from the authorizer), both with the challenge unless
     * `challenge` is false. `accepts(token)` is the authorizer; `metadata` may rewrite the metadata document.
     */
    async function gatewayStandIn(upstreamPort, { accepts, challenge = true, metadata = (doc) => doc }) {
        const server = http.createServer((req, res) => {
            const host = req.headers.host;
            const refuse = () => {
                const headers = { 'content-type': 'application/json' };
                if (challenge) {
                    headers['www-authenticate'] =
                        `Bearer resource_metadata="http://${host}/.well-known/oauth-protected-resource"`;
                }
                res.writeHead(401, headers);
                res.end('{"message":"Unauthorized"}');
            };
            const isMetadata = req.url.startsWith('/.well-known/oauth-protected-resource');
            if (!isMetadata) {
                const m = /^Bearer +([-0-9A-Za-z._~+/]+=*)$/.exec(req.headers.authorization ?? '');
                if (!m || !accepts(m[1])) return refuse();
            }
            const headers = { ...req.headers };
            delete headers.authorization;
            const out = http.request(
                { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers },
                (up) => {
                    if (!isMetadata) {
                        res.writeHead(up.statusCode, up.headers);
                        up.pipe(res);
                        return;
                    }
                    let body = '';
                    up.on('data', (c) => (body += c));
                    up.on('end', () => {
                        res.writeHead(up.statusCode, { 'content-type': 'application/json' });
                        res.end(JSON.stringify(metadata(JSON.parse(body))));
                    });
                },
            );
            req.pipe(out);
        });
        servers.push(server);
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        return `http://127.0.0.1:${server.address().port}/mcp`;
    }

    before(async () => {
        const port = await start(SERVER, ['--bind', '127.0.0.1', '--port', '0']);
        direct = `http://127.0.0.1:${port}/mcp`;
        gateway = await gatewayStandIn(port, { accepts: (t) => t === TOKEN });
        permissive = await gatewayStandIn(port, { accepts: () => true });
        bare = await gatewayStandIn(port, { accepts: (t) => t === TOKEN, challenge: false });
        foreign = await gatewayStandIn(port, {
            accepts: (t) => t === TOKEN,
            metadata: (doc) => ({ ...doc, resource: 'https://other.example/mcp' }),
        });
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
        const r = await smoke({ MCP_SERVER_ENDPOINT: gateway, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 0, r.out);
        assert.match(r.out, /^ok {3}init/m);
        assert.match(r.out, /^ok {3}tools \(tools\/list\) lists ping/m);
        assert.match(r.out, /^ok {3}call ping \(tools\/call\) answers pong/m);
        assert.match(r.out, /^ok {3}without a token: exit 4, HTTP 401, WWW-Authenticate: Bearer resource_metadata=/m);
        assert.match(
            r.out,
            /^ok {3}with a wrong token: exit 4, HTTP 401 from the authorizer, WWW-Authenticate: Bearer /m,
        );
        assert.match(r.out, /^ok {3}metadata: .* answers 200, resource = the endpoint/m);
        assert.match(r.out, /^smoke: 6 passed, 0 failed$/m);
        assert.equal(occurrences(r.out, TOKEN), 0, 'the token was printed');
    });

    test(
        'fails when the authorizer lets a wrong token in (the check reaches the authorizer)',
        { timeout: 60_000 },
        async () => {
            const r = await smoke({ MCP_SERVER_ENDPOINT: permissive, MCP_AUTH_TOKEN: TOKEN });
            assert.equal(r.status, 1, r.out);
            assert.match(r.out, /^FAIL with a wrong token: exit 0 \(want 4\)/m);
        },
    );

    test('fails against an endpoint that wants no token', { timeout: 60_000 }, async () => {
        const r = await smoke({ MCP_SERVER_ENDPOINT: direct, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, /^FAIL without a token: exit 0 \(want 4\)/m);
    });

    test('fails when the 401 carries no WWW-Authenticate challenge', { timeout: 60_000 }, async () => {
        const r = await smoke({ MCP_SERVER_ENDPOINT: bare, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 1, r.out);
        assert.match(
            r.out,
            /^FAIL without a token: exit 4 \(want 4\), or no HTTP 401 with a WWW-Authenticate: Bearer challenge/m,
        );
        assert.match(r.out, /^FAIL metadata: no resource_metadata URL in the challenge/m);
    });

    test('fails when the metadata describes another resource', { timeout: 60_000 }, async () => {
        const r = await smoke({ MCP_SERVER_ENDPOINT: foreign, MCP_AUTH_TOKEN: TOKEN });
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, /^FAIL metadata: .* did not answer 200 with JSON whose resource is/m);
    });

    test('fails with a token the endpoint does not accept, without printing it', { timeout: 60_000 }, async () => {
        const wrong = 'not-the-deployed-token.0000';
        const r = await smoke({ MCP_SERVER_ENDPOINT: gateway, MCP_AUTH_TOKEN: wrong });
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
        const r = await smoke({ MCP_SERVER_ENDPOINT: gateway });
        assert.equal(r.status, 2, r.out);
    });
});
