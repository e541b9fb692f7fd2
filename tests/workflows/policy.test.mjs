// The deploy policy (lib/policy.mjs) holds for the workflows in .github/, and breaks, rule by rule, on copies of
// them that a careless or hostile edit could produce: each mutation below must make its rule report a problem.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CALLERS, DEFAULT_REGION, RULES, STAGES, checkPolicy } from './lib/policy.mjs';
import { GITHUB_DIR, REPO_ROOT, cdkFacts } from './lib/workflows.mjs';

const real = { githubDir: GITHUB_DIR, repoRoot: REPO_ROOT };
const format = (problems) => problems.map((p) => `  [${p.rule}] ${p.message}`).join('\n');

describe('the workflows in .github/', () => {
    const problems = checkPolicy(real);
    for (const rule of Object.keys(RULES)) {
        test(`rule ${rule} holds`, () => {
            const mine = problems.filter((p) => p.rule === rule);
            assert.equal(mine.length, 0, `\n${format(mine)}`);
        });
    }

    test("the stages and the default region are the CDK app's", () => {
        const facts = cdkFacts();
        assert.deepEqual(facts.stages, STAGES, 'STAGE_NAMES in cdk/lib/config.ts');
        assert.equal(facts.region, DEFAULT_REGION, 'DEFAULT_REGION in cdk/lib/settings.ts');
        assert.deepEqual([...new Set(Object.values(CALLERS).map((c) => c.stage))].sort(), [...STAGES].sort());
    });
});

// A mutated copy of .github/: [file, from, to] replacements (each must match, so that a mutation never silently
// stops mutating), plus whole files to add or remove.
let work;
let copies = 0;
before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-policy-'));
});
after(() => {
    fs.rmSync(work, { recursive: true, force: true });
});

function mutated({ replace = [], add = {}, remove = [] }) {
    const githubDir = path.join(work, `copy-${++copies}`, '.github');
    fs.cpSync(GITHUB_DIR, githubDir, { recursive: true });
    for (const [file, from, to] of replace) {
        const full = path.join(githubDir, file);
        const text = fs.readFileSync(full, 'utf8');
        assert.ok(text.includes(from), `mutation: ${file} no longer contains ${JSON.stringify(from)}`);
        fs.writeFileSync(full, text.replace(from, to));
    }
    for (const [file, text] of Object.entries(add)) fs.writeFileSync(path.join(githubDir, file), text);
    for (const file of remove) fs.rmSync(path.join(githubDir, file));
    return checkPolicy({ githubDir, repoRoot: REPO_ROOT });
}

const W = 'workflows/';
const DEPLOY_PROD_JOB = `
  deploy:
    uses: ./.github/workflows/deploy.yml
    permissions:
      contents: read
      id-token: write
    with:
      stage: prod
    secrets:
      MCP_AUTH_TOKEN: \${{ secrets.MCP_AUTH_TOKEN }}
`;
const CHECKOUT_LINE = /uses: (actions\/checkout@[0-9a-f]{40}) # (v\d+\.\d+\.\d+)/.exec(
    fs.readFileSync(path.join(GITHUB_DIR, 'workflows', 'deploy.yml'), 'utf8'),
);
const checkoutPin = CHECKOUT_LINE ? CHECKOUT_LINE[0] : 'uses: actions/checkout@<not found>';
const checkoutRef = CHECKOUT_LINE ? CHECKOUT_LINE[1] : 'actions/checkout@<not found>';

const MUTATIONS = [
    // A pull request must never deploy.
    [
        'Dev Check calls deploy.yml with stage prod',
        'dev-check',
        { replace: [[`${W}dev-check.yml`, '\njobs:\n', `\njobs:${DEPLOY_PROD_JOB}`]] },
    ],
    [
        'Dev Check also runs on push to main',
        'dev-check',
        { replace: [[`${W}dev-check.yml`, 'on:\n', 'on:\n  push:\n    branches: [main]\n']] },
    ],
    [
        'Dev Check reads a secret',
        'dev-check',
        {
            replace: [
                [
                    `${W}dev-check.yml`,
                    'AWS_EC2_METADATA_DISABLED: "true"',
                    'AWS_EC2_METADATA_DISABLED: "true"\n          TOKEN: ${{ secrets.MCP_AUTH_TOKEN }}',
                ],
            ],
        },
    ],
    [
        'Dev Check gets an OIDC token',
        'dev-check',
        {
            replace: [
                [
                    `${W}dev-check.yml`,
                    'permissions:\n  contents: read\n',
                    'permissions:\n  contents: read\n  id-token: write\n',
                ],
            ],
        },
    ],
    [
        'Dev Check runs cdk deploy',
        'dev-check',
        {
            replace: [
                [`${W}dev-check.yml`, '--output "cdk.out/$stage"', '--output "cdk.out/$stage" && npx cdk deploy'],
            ],
        },
    ],
    [
        'Dev Check synthesizes dev only',
        'dev-check',
        { replace: [[`${W}dev-check.yml`, 'for stage in dev qas prod', 'for stage in dev']] },
    ],
    [
        'Dev Check no longer runs make test',
        'dev-check',
        { replace: [[`${W}dev-check.yml`, 'run: make test', 'run: make build']] },
    ],
    [
        'deploy-prod is triggered by pull_request',
        'callers',
        {
            replace: [
                [`${W}deploy-prod.yml`, '  push:\n    branches: [prod]', '  pull_request:\n    branches: [prod]'],
            ],
        },
    ],
    [
        'deploy-prod also runs on pull requests to main',
        'callers',
        { replace: [[`${W}deploy-prod.yml`, 'on:\n', 'on:\n  pull_request:\n    branches: [main]\n']] },
    ],
    [
        'deploy-prod runs on pull_request_target',
        'callers',
        { replace: [[`${W}deploy-prod.yml`, 'on:\n', 'on:\n  pull_request_target:\n']] },
    ],
    [
        'deploy-prod deploys on push to main',
        'callers',
        { replace: [[`${W}deploy-prod.yml`, 'branches: [prod]', 'branches: [main]']] },
    ],
    [
        'deploy-prod deploys any branch pushed',
        'callers',
        { replace: [[`${W}deploy-prod.yml`, 'branches: [prod]', "branches: ['**']"]] },
    ],
    ['deploy-dev deploys stage prod', 'callers', { replace: [[`${W}deploy-dev.yml`, 'stage: dev', 'stage: prod']] }],
    [
        'deploy-prod runs by hand from any branch',
        'callers',
        { replace: [[`${W}deploy-prod.yml`, "    if: github.ref == 'refs/heads/prod'\n", '']] },
    ],
    [
        'deploy-qas cannot be run by hand',
        'callers',
        { replace: [[`${W}deploy-qas.yml`, '  workflow_dispatch:\n', '  workflow_dispatch_disabled:\n']] },
    ],
    [
        'deploy-qas dispatch region defaults elsewhere',
        'callers',
        { replace: [[`${W}deploy-qas.yml`, 'default: ap-southeast-2', 'default: us-east-1']] },
    ],
    [
        'deploy-prod inherits every secret',
        'callers',
        {
            replace: [
                [
                    `${W}deploy-prod.yml`,
                    /secrets:\n(\s+\w+: .*\n)+/.exec(
                        fs.readFileSync(path.join(GITHUB_DIR, 'workflows', 'deploy-prod.yml'), 'utf8'),
                    )?.[0] ?? '<none>',
                    'secrets: inherit\n',
                ],
            ],
        },
    ],
    [
        'deploy-prod does not pass MCP_AUTH_TOKEN',
        'callers',
        { replace: [[`${W}deploy-prod.yml`, '      MCP_AUTH_TOKEN: ${{ secrets.MCP_AUTH_TOKEN }}\n', '']] },
    ],
    [
        'deploy-prod passes an input deploy.yml does not declare',
        'callers',
        { replace: [[`${W}deploy-prod.yml`, 'stage: prod', 'stage: prod\n      account: "123456789012"']] },
    ],
    ['deploy-qas.yml is deleted', 'files', { remove: [`${W}deploy-qas.yml`] }],
    // Nothing else may deploy, however it is named.
    [
        'a new workflow deploys prod on pull_request',
        'no-other-deploys',
        {
            add: {
                [`${W}preview.yml`]: `name: Preview\non:\n  pull_request:\npermissions: {}\njobs:${DEPLOY_PROD_JOB}`,
            },
        },
    ],
    [
        'a new workflow gets AWS credentials on pull_request',
        'no-other-deploys',
        {
            add: {
                [`${W}aws.yml`]: `name: AWS\non:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  aws:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n    steps:\n      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3\n        with:\n          aws-access-key-id: \${{ secrets.AWS_ACCESS_KEY_ID }}\n`,
            },
        },
    ],
    [
        'a new workflow runs npm run deploy',
        'no-other-deploys',
        {
            add: {
                [`${W}yolo.yml`]:
                    'name: Yolo\non:\n  push:\npermissions: {}\njobs:\n  go:\n    runs-on: ubuntu-24.04\n    permissions: {}\n    steps:\n      - run: cd cdk && npm run deploy\n',
            },
        },
    ],
    // The reusable workflow: per-stage environment and concurrency, tests first.
    [
        'deploy.yml is also triggered by push',
        'reusable',
        { replace: [[`${W}deploy.yml`, 'on:\n', 'on:\n  push:\n    branches: [main]\n']] },
    ],
    [
        'the environment is fixed to prod',
        'reusable',
        { replace: [[`${W}deploy.yml`, 'environment: ${{ inputs.stage }}', 'environment: prod']] },
    ],
    [
        'the environment is dropped',
        'reusable',
        { replace: [[`${W}deploy.yml`, '    environment: ${{ inputs.stage }}\n', '']] },
    ],
    [
        'the test job gets the environment too',
        'reusable',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '    timeout-minutes: 90\n',
                    '    timeout-minutes: 90\n    environment: ${{ inputs.stage }}\n',
                ],
            ],
        },
    ],
    [
        'a deploy in progress is cancelled',
        'reusable',
        { replace: [[`${W}deploy.yml`, 'cancel-in-progress: false', 'cancel-in-progress: true']] },
    ],
    [
        'cancel-in-progress is dropped',
        'reusable',
        { replace: [[`${W}deploy.yml`, '      cancel-in-progress: false\n', '']] },
    ],
    [
        'the concurrency group is shared by all stages',
        'reusable',
        { replace: [[`${W}deploy.yml`, 'group: mcp-deploy-${{ inputs.stage }}', 'group: mcp-deploy']] },
    ],
    [
        'deploy no longer waits for make test',
        'reusable',
        { replace: [[`${W}deploy.yml`, '    needs: [test, plan]\n', '    needs: plan\n']] },
    ],
    [
        'deploy no longer waits for the plan (no diff before the gate)',
        'reusable',
        { replace: [[`${W}deploy.yml`, '    needs: [test, plan]\n', '    needs: test\n']] },
    ],
    [
        'the plan job runs in the gated environment',
        'reusable',
        { replace: [[`${W}deploy.yml`, 'environment: ${{ inputs.stage }}-plan', 'environment: ${{ inputs.stage }}']] },
    ],
    [
        'the plan job reads the token',
        'reusable',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '      REPOSITORY: ${{ vars.MCP_ECR_REPOSITORY }}\n    steps:\n      - name: Check out',
                    '      REPOSITORY: ${{ vars.MCP_ECR_REPOSITORY }}\n      T: ${{ secrets.MCP_AUTH_TOKEN }}\n    steps:\n      - name: Check out',
                ],
            ],
        },
    ],
    [
        'the diff is not in the job summary',
        'reusable',
        { replace: [[`${W}deploy.yml`, '} >>"$GITHUB_STEP_SUMMARY"', '} >/dev/null']] },
    ],
    [
        'the deploy job deploys images other than the planned ones',
        'reusable',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    'MCP_SERVER_IMAGE: ${{ needs.plan.outputs.server-image }}',
                    'MCP_SERVER_IMAGE: ${{ vars.SERVER_IMAGE }}',
                ],
            ],
        },
    ],
    [
        'the region default changes',
        'reusable',
        { replace: [[`${W}deploy.yml`, 'default: ap-southeast-2', 'default: eu-west-1']] },
    ],
    [
        'the stage input becomes optional',
        'reusable',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '        required: true\n        type: string',
                    '        required: false\n        type: string',
                ],
            ],
        },
    ],
    // The deploy job's steps.
    [
        'both credential steps run',
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, "        if: vars.AWS_DEPLOY_ROLE_ARN == ''\n", '']] },
    ],
    [
        'the OIDC role comes from a secret',
        'deploy-steps',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    'role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}',
                    'role-to-assume: ${{ secrets.ROLE }}',
                ],
            ],
        },
    ],
    [
        'the deploy asks for approval (hangs)',
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, ' --require-approval never', '']] },
    ],
    [
        'the smoke test step is removed',
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, 'run: bash .github/scripts/smoke-test.sh', 'run: echo skipped #']] },
    ],
    [
        'the no-token check is removed from the smoke test',
        'deploy-steps',
        { replace: [['scripts/smoke-test.sh', 'env -u MCP_AUTH_TOKEN "$client"', '"$client"']] },
    ],
    [
        'call ping is removed from the smoke test',
        'deploy-steps',
        { replace: [['scripts/smoke-test.sh', 'run call ping', 'run ping']] },
    ],
    [
        'deploy before synth',
        'deploy-steps',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '      - name: cdk synth\n        working-directory: cdk\n        run: npm run synth -- --context requireImages=true\n',
                    '',
                ],
                [
                    `${W}deploy.yml`,
                    '      - name: Read McpEndpoint',
                    '      - name: cdk synth\n        working-directory: cdk\n        run: npm run synth -- --context requireImages=true\n      - name: Read McpEndpoint',
                ],
            ],
        },
    ],
    // One image, tested, promoted.
    [
        'prod deploys what passed dev (skipping qas)',
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, '            prod) previous=qas ;;\n', '            prod) previous=dev ;;\n']] },
    ],
    [
        'qas builds and publishes its own images',
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, '            qas) previous=dev ;;\n', '            qas) previous= ;;\n']] },
    ],
    [
        'the plan lets prod take any digest that passed dev',
        'deploy-steps',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '            prod) previous=qas ;;\n            *) echo "::error::unknown stage $STAGE"; exit 1 ;;\n          esac\n          for image in server authorizer; do\n            if [ -z "$previous" ]; then\n              digest=$(.github/scripts/images.sh digest',
                    '            prod) previous=dev ;;\n            *) echo "::error::unknown stage $STAGE"; exit 1 ;;\n          esac\n          for image in server authorizer; do\n            if [ -z "$previous" ]; then\n              digest=$(.github/scripts/images.sh digest',
                ],
            ],
        },
    ],
    [
        'a deploy synthesizes without the images (and would build its own)',
        'deploy-steps',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    'working-directory: cdk\n        run: npm run synth -- --context requireImages=true\n      - name: cdk deploy',
                    'working-directory: cdk\n        run: npm run synth\n      - name: cdk deploy',
                ],
            ],
        },
    ],
    [
        'the digests are recorded as passed before the smoke test',
        'deploy-steps',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '      - name: Smoke test (init',
                    '      - name: Mark early\n        run: .github/scripts/images.sh mark "$STAGE" x\n      - name: Smoke test (init',
                ],
            ],
        },
    ],
    [
        'the digests are recorded as passed even when the smoke test failed',
        'deploy-steps',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '      - name: Record the images as passed\n',
                    '      - name: Record the images as passed\n        if: always()\n',
                ],
            ],
        },
    ],
    [
        'the smoke test may fail without failing the job',
        'deploy-steps',
        {
            replace: [
                [`${W}deploy.yml`, '        id: smoke\n', '        id: smoke\n        continue-on-error: true\n'],
            ],
        },
    ],
    // The smoke test reaches the authorizer; the rollback path.
    [
        'the wrong-token check is removed from the smoke test',
        'deploy-steps',
        { replace: [['scripts/smoke-test.sh', 'MCP_AUTH_TOKEN=$wrong "$client"', '"$client"']] },
    ],
    [
        'the metadata check is removed from the smoke test',
        'deploy-steps',
        { replace: [['scripts/smoke-test.sh', "'.resource == $endpoint'", "'.resource'"]] },
    ],
    [
        'the rollback step is removed',
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, 'run: .github/scripts/rollback.sh restore', 'run: echo no rollback #']] },
    ],
    [
        'the rollback runs only when the deploy step itself failed',
        'deploy-steps',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    "if: failure() && steps.deploy.outcome == 'success'",
                    "if: failure() && steps.deploy.outcome == 'failure'",
                ],
            ],
        },
    ],
    [
        'the live versions are no longer recorded',
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, 'run: .github/scripts/rollback.sh record', 'run: echo #']] },
    ],
    [
        "the pipeline's token shares a client's label",
        'deploy-steps',
        { replace: [[`${W}deploy.yml`, '"ci-github-$STAGE"', '"alice"']] },
    ],
    // Least privilege.
    [
        'the deploy job gets write-all',
        'permissions',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '    permissions:\n      contents: read\n      id-token: write # the OIDC',
                    '    permissions: write-all\n    # the OIDC',
                ],
            ],
        },
    ],
    [
        'the test job gets contents: write',
        'permissions',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '    permissions:\n      contents: read\n    # `make test`',
                    '    permissions:\n      contents: write\n    # `make test`',
                ],
            ],
        },
    ],
    [
        'the test job gets an OIDC token',
        'permissions',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '    permissions:\n      contents: read\n    # `make test`',
                    '    permissions:\n      contents: read\n      id-token: write\n    # `make test`',
                ],
            ],
        },
    ],
    [
        'deploy-dev drops its workflow permissions',
        'permissions',
        { replace: [[`${W}deploy-dev.yml`, 'permissions: {}\n', '']] },
    ],
    // Pinning.
    [
        'checkout pinned to a tag',
        'pinning',
        { replace: [[`${W}deploy.yml`, checkoutPin, 'uses: actions/checkout@v7 # v7.0.1']] },
    ],
    [
        'checkout pinned to a short SHA',
        'pinning',
        { replace: [[`${W}deploy.yml`, checkoutRef, checkoutRef.slice(0, 25)]] },
    ],
    [
        'a pinned SHA without its version comment',
        'pinning',
        { replace: [[`${W}deploy.yml`, checkoutPin, checkoutPin.replace(/ # v.*/, '')]] },
    ],
    [
        'checkout pinned to different SHAs in two files',
        'pinning',
        { replace: [[`${W}dev-check.yml`, checkoutRef, 'actions/checkout@0123456789abcdef0123456789abcdef01234567']] },
    ],
    // The token.
    [
        'the token is echoed',
        'token-hygiene',
        {
            replace: [
                [
                    'scripts/ci-token.sh',
                    'printf \'::add-mask::%s\\n\' "$MCP_AUTH_TOKEN"\n',
                    'printf \'::add-mask::%s\\n\' "$MCP_AUTH_TOKEN"\necho "$MCP_AUTH_TOKEN"\n',
                ],
            ],
        },
    ],
    [
        'the token is written to GITHUB_ENV',
        'token-hygiene',
        {
            replace: [
                [
                    'scripts/ci-token.sh',
                    'printf \'::add-mask::%s\\n\' "$digest"\n',
                    'printf \'::add-mask::%s\\n\' "$digest"\necho "MCP_AUTH_TOKEN=${MCP_AUTH_TOKEN}" >>"$GITHUB_ENV"\n',
                ],
            ],
        },
    ],
    [
        'set -x in the pipeline token script',
        'token-hygiene',
        {
            replace: [
                [
                    'scripts/ci-token.sh',
                    'if [ -z "${MCP_AUTH_TOKEN:-}" ]; then\n',
                    'set -x\nif [ -z "${MCP_AUTH_TOKEN:-}" ]; then\n',
                ],
            ],
        },
    ],
    [
        'the token in a run script by expression',
        'token-hygiene',
        {
            replace: [
                [`${W}deploy.yml`, 'run: npm run synth', 'run: echo ${{ secrets.MCP_AUTH_TOKEN }} && npm run synth'],
            ],
        },
    ],
    [
        'the token in the deploy job env',
        'token-hygiene',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '      REGION: ${{ inputs.region }}\n',
                    '      REGION: ${{ inputs.region }}\n      MCP_AUTH_TOKEN: ${{ secrets.MCP_AUTH_TOKEN }}\n',
                ],
            ],
        },
    ],
    [
        'the token on the client command line',
        'token-hygiene',
        {
            replace: [
                [
                    'scripts/smoke-test.sh',
                    '"$client" --timeout 30 "$@"',
                    '"$client" --token "$MCP_AUTH_TOKEN" --timeout 30 "$@"',
                ],
            ],
        },
    ],
    [
        'the token mask is removed',
        'deploy-steps',
        { replace: [['scripts/ci-token.sh', 'printf \'::add-mask::%s\\n\' "$MCP_AUTH_TOKEN"\n', '']] },
    ],
    [
        'the digest mask is removed',
        'deploy-steps',
        { replace: [['scripts/ci-token.sh', 'printf \'::add-mask::%s\\n\' "$digest"\n', '']] },
    ],
    [
        'short tokens are accepted',
        'deploy-steps',
        { replace: [['scripts/ci-token.sh', 'MIN_LENGTH=32', 'MIN_LENGTH=8']] },
    ],
    // Upkeep.
    [
        'a workflow goes back to Node 20',
        'upkeep',
        { replace: [[`${W}dev-check.yml`, 'node-version: "22"', 'node-version: "20"']] },
    ],
    ['dependabot.yml is deleted', 'upkeep', { remove: ['dependabot.yml'] }],
    [
        'Dependabot no longer watches the base image',
        'upkeep',
        { replace: [['dependabot.yml', 'package-ecosystem: docker', 'package-ecosystem: pip']] },
    ],
    [
        'Dev Check no longer runs on promotion pull requests to prod',
        'dev-check',
        { replace: [[`${W}dev-check.yml`, 'branches: [main, qas, prod]', 'branches: [main, qas]']] },
    ],
    [
        'the weekly rebuild loses its schedule',
        'callers',
        { replace: [[`${W}rebuild.yml`, '  schedule:\n    - cron: "17 3 * * 1"\n', '']] },
    ],
    // Caching and the test container.
    [
        'setup-node without the npm cache',
        'caching',
        {
            replace: [
                [
                    `${W}deploy.yml`,
                    '          cache: npm\n          cache-dependency-path: cdk/package-lock.json\n',
                    '',
                ],
            ],
        },
    ],
    [
        'the cache misses a lock file make test installs',
        'caching',
        { replace: [[`${W}dev-check.yml`, '            tests/node/package-lock.json\n', '']] },
    ],
    [
        'make test on the Ubuntu runner itself',
        'test-jobs',
        {
            replace: [
                [
                    `${W}dev-check.yml`,
                    '      image: debian:bookworm\n      options: --privileged\n',
                    '      image: ubuntu:24.04\n      options: --privileged\n',
                ],
            ],
        },
    ],
    [
        'the test container is not privileged',
        'test-jobs',
        { replace: [[`${W}deploy.yml`, '      options: --privileged\n', '']] },
    ],
    [
        'make is not installed in the bookworm container',
        'test-jobs',
        { replace: [[`${W}dev-check.yml`, 'git make ca-certificates', 'git ca-certificates']] },
    ],
];

describe('a mutated copy fails its rule', () => {
    test('an unmutated copy passes every rule', () => {
        const problems = mutated({});
        assert.equal(problems.length, 0, `\n${format(problems)}`);
    });
    for (const [what, rule, mutation] of MUTATIONS) {
        test(`${what} -> ${rule}`, () => {
            const problems = mutated(mutation);
            assert.ok(
                problems.some((p) => p.rule === rule),
                `rule ${rule} did not notice; problems found:\n${format(problems) || '  (none)'}`,
            );
        });
    }
});
