// The real CLI, `npx cdk synth`, for dev, qas and prod as CI's Dev Check runs it: no AWS credentials or config, and
// no Docker (a fake `docker` on PATH records any call; there must be none).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { STAGE_NAMES, StageName } from '../lib/config';
import { CDK_DIR, FIXTURE_IMAGE_CONTEXT, REPO_ROOT, TEST_IMAGES } from './helpers';

const TIMEOUT_MS = 180_000;
let work: string;
let appDir: string;
let fakeBin: string;
let dockerCalls: string;

/**
 * The app in place when the repository's Dockerfile exists. Before it does, a copy of the app beside a stand-in
 * Dockerfile, so this test never writes to the repository root.
 */
function prepareAppDir(): string {
    if (fs.existsSync(path.join(REPO_ROOT, 'Dockerfile'))) {
        return CDK_DIR;
    }
    const repo = path.join(work, 'repo');
    const cdk = path.join(repo, 'cdk');
    fs.mkdirSync(cdk, { recursive: true });
    for (const entry of ['bin', 'lib', 'cdk.json', 'package.json', 'tsconfig.json']) {
        fs.cpSync(path.join(CDK_DIR, entry), path.join(cdk, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(CDK_DIR, 'node_modules'), path.join(cdk, 'node_modules'));
    fs.copyFileSync(path.join(FIXTURE_IMAGE_CONTEXT, 'Dockerfile'), path.join(repo, 'Dockerfile'));
    return cdk;
}

/** The environment of a machine with no AWS set-up at all: every AWS_ and CDK_ variable gone, config files absent. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (
            !/^(AWS_|CDK_)/.test(key) &&
            !['STAGE', 'REGION', 'MCP_SERVER_IMAGE', 'MCP_AUTHORIZER_IMAGE'].includes(key)
        ) {
            env[key] = value;
        }
    }
    return {
        ...env,
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_EC2_METADATA_DISABLED: 'true',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        PATH: `${fakeBin}${path.delimiter}${process.env.PATH}`,
        ...extra,
    };
}

interface Run {
    readonly status: number | null;
    readonly output: string;
    readonly outdir: string;
}

function cdk(args: string[], env: Record<string, string>, outName: string): Run {
    const outdir = path.join(work, outName);
    const result = spawnSync('npx', ['--no-install', 'cdk', ...args, '--output', outdir], {
        cwd: appDir,
        env: cleanEnv(env),
        encoding: 'utf8',
        timeout: TIMEOUT_MS,
    });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}`, outdir };
}

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath ?? (entry as any).path, entry.name));
}

before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-cdk-synth-'));
    fakeBin = path.join(work, 'bin');
    dockerCalls = path.join(work, 'docker-calls');
    fs.mkdirSync(fakeBin);
    fs.writeFileSync(
        path.join(fakeBin, 'docker'),
        `#!/bin/sh\nprintf '%s\\n' "$*" >> '${dockerCalls}'\necho 'fake docker: synth must not call docker' >&2\nexit 1\n`,
        { mode: 0o755 },
    );
    appDir = prepareAppDir();
});

after(() => {
    fs.rmSync(work, { recursive: true, force: true });
});

test('the CLI is the pinned 2.x line, not the mistaken 3.0.0', { timeout: TIMEOUT_MS }, () => {
    const result = spawnSync('npx', ['--no-install', 'cdk', '--version'], {
        cwd: CDK_DIR,
        env: cleanEnv({}),
        encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^2\.1148\.1\b/);
});

// dev as CI's Dev Check runs it (no images: built from the Dockerfile as assets); qas with the tested images from the
// environment and an explicit REGION; prod with them as CDK context, as the deploy job passes them.
const QAS_IMAGES = {
    server: TEST_IMAGES.server.replace('ap-southeast-2', 'eu-central-1'),
    authorizer: TEST_IMAGES.authorizer.replace('ap-southeast-2', 'eu-central-1'),
};
const runs: Record<
    StageName,
    { env: Record<string, string>; args: string[]; images?: typeof TEST_IMAGES; region: string }
> = {
    dev: { env: {}, args: [], region: 'ap-southeast-2' },
    qas: {
        env: {
            MCP_SERVER_IMAGE: QAS_IMAGES.server,
            MCP_AUTHORIZER_IMAGE: QAS_IMAGES.authorizer,
            REGION: 'eu-central-1',
        },
        args: [],
        images: QAS_IMAGES,
        region: 'eu-central-1',
    },
    prod: {
        env: {},
        args: [
            '--context',
            `serverImage=${TEST_IMAGES.server}`,
            '--context',
            `authorizerImage=${TEST_IMAGES.authorizer}`,
        ],
        images: TEST_IMAGES,
        region: 'ap-southeast-2',
    },
};

const functionNamed = (template: any, name: string) =>
    Object.values(template.Resources as Record<string, any>).find(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === name,
    );

describe('npx cdk synth without AWS credentials or Docker', () => {
    for (const stage of STAGE_NAMES) {
        test(`STAGE=${stage}`, { timeout: TIMEOUT_MS }, () => {
            const run = runs[stage];
            const result = cdk(['synth', '--quiet', ...run.args], { STAGE: stage, ...run.env }, `cdk.out-${stage}`);
            assert.equal(result.status, 0, result.output);
            assert.ok(
                !fs.existsSync(dockerCalls),
                `docker was called: ${fs.existsSync(dockerCalls) ? fs.readFileSync(dockerCalls, 'utf8') : ''}`,
            );

            const templatePath = path.join(result.outdir, `mcp-${stage}-stack.template.json`);
            assert.ok(fs.existsSync(templatePath), `${templatePath} missing`);
            const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
            const authorizer = functionNamed(template, `mcp-${stage}-authorizer`);
            const server = functionNamed(template, `mcp-${stage}-server`);
            // the secrets by ARN, never a value, a dynamic reference or a digest
            assert.ok(authorizer.Properties.Environment.Variables.MCP_AUTH_TOKENS_SECRET.Ref);
            assert.equal(authorizer.Properties.Environment.Variables.MCP_AUTH_TOKENS, undefined);
            assert.ok(server.Properties.Environment.Variables.MCP_REQUEST_STATE_KEY_SECRET.Ref);
            for (const file of filesUnder(result.outdir).filter((f) => f.endsWith('.template.json'))) {
                const text = fs.readFileSync(file, 'utf8');
                assert.ok(!text.includes('{{resolve:'), `a dynamic reference in ${file}`);
            }
            // the account-wide singleton lives in its own stack, never in a stage's
            assert.ok(!JSON.stringify(template).includes('AWS::ApiGateway::Account'));
            const account = JSON.parse(
                fs.readFileSync(path.join(result.outdir, 'mcp-account-stack.template.json'), 'utf8'),
            );
            assert.ok(
                Object.values(account.Resources as Record<string, any>).some(
                    (r) => r.Type === 'AWS::ApiGateway::Account',
                ),
            );

            const manifest = JSON.parse(fs.readFileSync(path.join(result.outdir, 'manifest.json'), 'utf8'));
            assert.equal(
                manifest.artifacts[`mcp-${stage}-stack`].properties.terminationProtection ?? false,
                stage === 'prod',
            );

            const assets = JSON.parse(
                fs.readFileSync(path.join(result.outdir, `mcp-${stage}-stack.assets.json`), 'utf8'),
            );
            const images = Object.values((assets.dockerImages ?? {}) as Record<string, any>);
            if (run.images) {
                // the tested images by digest: nothing to build, nothing to push
                assert.deepEqual(images, []);
                const uri = (fn: any) => JSON.stringify(fn.Properties.Code.ImageUri);
                assert.match(uri(server), new RegExp(run.images.server.split('@')[1]));
                assert.match(uri(authorizer), new RegExp(run.images.authorizer.split('@')[1]));
                return;
            }
            // The CLI sets CDK_DEFAULT_REGION=us-east-1 when nothing is configured; the stage must not follow it.
            assert.deepEqual(images.map((image) => image.source.dockerBuildTarget).sort(), ['authorizer', 'server']);
            for (const image of images) {
                assert.equal(image.source.platform, 'linux/amd64');
                for (const destination of Object.values(image.destinations as Record<string, any>)) {
                    assert.equal(destination.region, run.region);
                }
                const staged = path.join(result.outdir, image.source.directory);
                assert.ok(fs.existsSync(path.join(staged, 'Dockerfile')), 'the Dockerfile is staged');
                for (const excluded of ['cdk', '.git', 'node_modules', 'build']) {
                    assert.ok(!fs.existsSync(path.join(staged, excluded)), `${excluded} is not staged`);
                }
            }
        });
    }

    test('a deploy without the tested images stops with a clear message', { timeout: TIMEOUT_MS }, () => {
        const result = cdk(['synth', '--quiet', '--context', 'requireImages=true'], { STAGE: 'prod' }, 'cdk.out-guard');
        assert.notEqual(result.status, 0);
        assert.match(result.output, /no images: set MCP_SERVER_IMAGE and MCP_AUTHORIZER_IMAGE/);
    });

    test('an image by tag stops synth: only digests are deployed', { timeout: TIMEOUT_MS }, () => {
        const result = cdk(
            ['synth', '--quiet'],
            {
                STAGE: 'dev',
                MCP_SERVER_IMAGE: TEST_IMAGES.server.replace(/@sha256:.*/, ':latest'),
                MCP_AUTHORIZER_IMAGE: TEST_IMAGES.authorizer,
            },
            'cdk.out-tag',
        );
        assert.notEqual(result.status, 0);
        assert.match(result.output, /MCP_SERVER_IMAGE=.* is not an ECR image by digest/);
    });
});
