// The deploy policy of issue 7, as checks over the parsed workflows. Each rule returns the problems it finds, as
// sentences; none means the rule holds. checkPolicy() runs them all on a .github directory, so the tests can run
// the same rules on the real workflows and on mutated copies of them.
//
//   trigger                        workflow                 does
//   pull request to main/qas/prod  dev-check.yml            build, make test, cdk synth of every stage; no deploy,
//                                                           no AWS credentials, no secrets, no OIDC token
//   push to main / qas / prod      deploy-dev/-qas/-prod    call deploy.yml with stage dev / qas / prod
//   schedule (weekly)              rebuild.yml              call deploy.yml with stage dev: rebuild, test, deploy
//   workflow_dispatch (same files) deploy-*.yml, rebuild    the same, by hand, with a region input
//   workflow_call                  deploy.yml               the only workflow that deploys: test, plan (cdk diff
//                                                           before the gate), deploy (dev publishes the tested
//                                                           images; qas and prod deploy only digests that passed
//                                                           the stage before), smoke test, rollback on failure,
//                                                           the digests recorded as passed
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
    actionUses,
    callsDeploy,
    expression,
    jobs,
    loadWorkflows,
    runSteps,
    steps,
    triggers,
    walk,
} from './workflows.mjs';

export const STAGES = ['dev', 'qas', 'prod'];
export const DEFAULT_REGION = 'ap-southeast-2';
export const REUSABLE = 'deploy.yml';
export const REUSABLE_REF = './.github/workflows/deploy.yml';
export const CHECK = { file: 'dev-check.yml', name: 'Dev Check', branches: ['main', 'qas', 'prod'] };
export const CALLERS = {
    'deploy-dev.yml': { name: 'Development Deployment', branch: 'main', stage: 'dev', trigger: 'push' },
    'deploy-qas.yml': { name: 'QAS Deployment', branch: 'qas', stage: 'qas', trigger: 'push' },
    'deploy-prod.yml': { name: 'Production Deployment', branch: 'prod', stage: 'prod', trigger: 'push' },
    'rebuild.yml': { name: 'Rebuild', branch: 'main', stage: 'dev', trigger: 'schedule' },
};
/** Which stage's passed digests each stage deploys (dev publishes its own). */
export const PREVIOUS_STAGE = { dev: '', qas: 'dev', prod: 'qas' };
export const MIN_NODE = 22;
const CALLER_PERMISSIONS = { contents: 'read', 'id-token': 'write' };
const READ_ONLY = { contents: 'read' };
const CREDENTIALS_ACTION = 'aws-actions/configure-aws-credentials';
const SMOKE_SCRIPT = '.github/scripts/smoke-test.sh';
const IMAGES_SCRIPT = '.github/scripts/images.sh';
const ROLLBACK_SCRIPT = '.github/scripts/rollback.sh';
const CI_TOKEN_SCRIPT = '.github/scripts/ci-token.sh';
const PLAN_PERMISSIONS = { contents: 'read', 'id-token': 'write' };
/** Lock files of the npm projects `make test` installs; the jobs that run it cache on all of them. */
export const MAKE_TEST_LOCKFILES = [
    'cdk/package-lock.json',
    'tests/node/package-lock.json',
    'tests/workflows/package-lock.json',
];

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const show = (value) => JSON.stringify(value);
const isMakeTestJob = (job) =>
    steps(job).some((step) => typeof step.run === 'string' && /^\s*make test\s*$/m.test(step.run));

/** The job of deploy.yml whose environment is the stage itself (there must be exactly one). */
function deployJob(reusable) {
    const found = jobs(reusable.doc).filter(([, job]) => expression(job.environment) === 'inputs.stage');
    return found.length === 1 ? found[0] : [undefined, undefined];
}

/** The job of deploy.yml in the stage's read-only plan environment, `<stage>-plan`. */
function planJob(reusable) {
    const found = jobs(reusable.doc).filter(
        ([, job]) =>
            typeof job.environment === 'string' && /^\$\{\{\s*inputs\.stage\s*\}\}-plan$/.test(job.environment),
    );
    return found.length === 1 ? found[0] : [undefined, undefined];
}

const environmentName = (job) =>
    job?.environment !== null && typeof job?.environment === 'object' ? job.environment.name : job?.environment;

// --- rules ------------------------------------------------------------------------------------------------------

/** The five workflows exist and parse. */
function files({ byFile, workflows }) {
    const problems = [];
    for (const file of [CHECK.file, REUSABLE, ...Object.keys(CALLERS)]) {
        if (!byFile.has(file)) problems.push(`${file} is missing`);
    }
    for (const wf of workflows) {
        for (const error of wf.errors) problems.push(`${wf.file}: YAML error: ${error}`);
    }
    return problems;
}

/** Dev Check: pull requests to main only; make test and a synth of every stage; nothing that could deploy. */
function devCheck({ byFile }) {
    const wf = byFile.get(CHECK.file);
    if (!wf) return [];
    const { doc } = wf;
    const problems = [];
    if (doc.name !== CHECK.name) problems.push(`${CHECK.file}: name is ${show(doc.name)}, not "${CHECK.name}"`);
    if (!same(triggers(doc), { pull_request: { branches: CHECK.branches } })) {
        problems.push(
            `${CHECK.file}: must run on pull_request to ${CHECK.branches.join(', ')} (promotion pull requests too) only, not on ${show(triggers(doc))}`,
        );
    }
    if (!same(doc.permissions, READ_ONLY))
        problems.push(`${CHECK.file}: workflow permissions must be exactly contents: read`);
    for (const [id, job] of jobs(doc)) {
        if (job.uses !== undefined)
            problems.push(`${CHECK.file}: job ${id} calls a workflow (${job.uses}); Dev Check deploys nothing`);
        if (job.environment !== undefined) problems.push(`${CHECK.file}: job ${id} names an environment`);
        if (job.secrets !== undefined) problems.push(`${CHECK.file}: job ${id} passes secrets`);
        if (!same(job.permissions, READ_ONLY))
            problems.push(`${CHECK.file}: job ${id} permissions must be exactly contents: read`);
    }
    for (const [where, value] of walk(doc)) {
        if (typeof value !== 'string') continue;
        if (
            /\bsecrets\s*\.|\bsecrets\s*\[|\bvars\s*\.|\bid-token\b|aws-actions\/|role-to-assume|AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|DEPLOY_ROLE_ARN)\b/.test(
                value,
            )
        ) {
            problems.push(
                `${CHECK.file}: ${where.join('.')} brings in secrets, variables or AWS credentials: ${show(value)}`,
            );
        }
        if (/\bcdk\s+(deploy|destroy|bootstrap)\b|npm\s+run\s+(deploy|destroy)\b/.test(value)) {
            problems.push(`${CHECK.file}: ${where.join('.')} deploys: ${show(value)}`);
        }
    }
    const all = jobs(doc).map(([, job]) => job);
    if (!all.some(isMakeTestJob)) problems.push(`${CHECK.file}: no step runs make test`);
    const synth = runSteps(doc).find(([, , step]) => /npm run synth|cdk synth/.test(step.run));
    const loop = synth && /for\s+stage\s+in\s+([^;\n]+)/.exec(synth[2].run);
    const synthesized = loop ? loop[1].trim().split(/\s+/) : [];
    if (!same(synthesized, STAGES)) {
        problems.push(
            `${CHECK.file}: must synthesize every stage (${STAGES.join(' ')}), synthesizes ${show(synthesized)}`,
        );
    }
    if (synth && !/STAGE=\$stage\b/.test(synth[2].run))
        problems.push(`${CHECK.file}: the synth loop does not set STAGE`);
    return problems;
}

/** The three deploy workflows: push to their branch or by hand, one call of deploy.yml with their stage. */
function callers({ byFile }) {
    const problems = [];
    const reusable = byFile.get(REUSABLE);
    const declared = reusable?.doc.on?.workflow_call ?? {};
    for (const [file, want] of Object.entries(CALLERS)) {
        const wf = byFile.get(file);
        if (!wf) continue;
        const { doc } = wf;
        if (doc.name !== want.name) problems.push(`${file}: name is ${show(doc.name)}, not "${want.name}"`);
        const on = triggers(doc);
        if (!same(Object.keys(on).sort(), [want.trigger, 'workflow_dispatch'].sort())) {
            problems.push(
                `${file}: triggers must be exactly ${want.trigger} and workflow_dispatch, not ${show(Object.keys(on))}`,
            );
        }
        if (want.trigger === 'push' && !same(on.push, { branches: [want.branch] })) {
            problems.push(`${file}: push must be to branch ${want.branch} only, not ${show(on.push)}`);
        }
        if (
            want.trigger === 'schedule' &&
            !(
                Array.isArray(on.schedule) &&
                on.schedule.length === 1 &&
                /^\S+ \S+ \S+ \S+ \S+$/.test(on.schedule[0]?.cron ?? '')
            )
        ) {
            problems.push(`${file}: must run on one cron schedule`);
        }
        const dispatchInputs = on.workflow_dispatch?.inputs ?? {};
        const region = dispatchInputs.region;
        if (
            !same(Object.keys(dispatchInputs), ['region']) ||
            region?.type !== 'string' ||
            region?.default !== DEFAULT_REGION
        ) {
            problems.push(`${file}: workflow_dispatch must have one input, region (string, default ${DEFAULT_REGION})`);
        }
        if (!same(doc.permissions, {}))
            problems.push(`${file}: workflow permissions must be {} (the calling job grants its own)`);
        const all = jobs(doc);
        if (all.length !== 1) {
            problems.push(`${file}: must have exactly one job, the call of ${REUSABLE}; has ${all.length}`);
            continue;
        }
        const [id, job] = all[0];
        if (job.uses !== REUSABLE_REF)
            problems.push(`${file}: job ${id} must be uses: ${REUSABLE_REF}, not ${show(job.uses)}`);
        if (expression(job.if) !== `github.ref == 'refs/heads/${want.branch}'`) {
            problems.push(
                `${file}: job ${id} must run only on refs/heads/${want.branch} (if: github.ref == 'refs/heads/${want.branch}')`,
            );
        }
        if (!same(job.permissions, CALLER_PERMISSIONS)) {
            problems.push(`${file}: job ${id} permissions must be exactly contents: read, id-token: write`);
        }
        const withs = job.with ?? {};
        if (withs.stage !== want.stage)
            problems.push(`${file}: must deploy stage ${want.stage}, not ${show(withs.stage)}`);
        if (expression(withs.region) !== `inputs.region || '${DEFAULT_REGION}'`) {
            problems.push(
                `${file}: region must be \${{ inputs.region || '${DEFAULT_REGION}' }}, not ${show(withs.region)}`,
            );
        }
        for (const key of Object.keys(withs)) {
            if (!(key in (declared.inputs ?? {})))
                problems.push(`${file}: input ${key} is not declared by ${REUSABLE}`);
        }
        for (const [name, spec] of Object.entries(declared.inputs ?? {})) {
            if (spec?.required && !(name in withs)) problems.push(`${file}: required input ${name} is not passed`);
        }
        if (job.secrets === 'inherit' || job.secrets === null || typeof job.secrets !== 'object') {
            problems.push(`${file}: secrets must be mapped one by one (not inherit), so the deploy gets only its own`);
        } else {
            for (const [name, value] of Object.entries(job.secrets)) {
                if (!(name in (declared.secrets ?? {})))
                    problems.push(`${file}: secret ${name} is not declared by ${REUSABLE}`);
                if (expression(value) !== `secrets.${name}`)
                    problems.push(`${file}: secret ${name} must be \${{ secrets.${name} }}`);
            }
            for (const [name, spec] of Object.entries(declared.secrets ?? {})) {
                if (spec?.required && !(name in job.secrets))
                    problems.push(`${file}: required secret ${name} is not passed`);
            }
        }
    }
    return problems;
}

/**
 * Nothing but deploy.yml and its three callers may deploy or reach AWS credentials, secrets, variables, an
 * environment or an OIDC token, whatever it is named and whatever triggers it.
 */
function noOtherDeploys({ workflows }) {
    const problems = [];
    for (const wf of workflows) {
        if (wf.file === REUSABLE || wf.file in CALLERS) continue;
        for (const [id, job] of jobs(wf.doc)) {
            if (callsDeploy(job))
                problems.push(`${wf.file}: job ${id} calls ${REUSABLE}; only ${Object.keys(CALLERS).join(', ')} may`);
            if (typeof job.uses === 'string' && !callsDeploy(job)) {
                problems.push(
                    `${wf.file}: job ${id} calls another workflow (${job.uses}); only the deploy callers call workflows`,
                );
            }
            if (job.environment !== undefined) problems.push(`${wf.file}: job ${id} names an environment`);
        }
        if (actionUses(wf.doc).some((uses) => uses.startsWith(`${CREDENTIALS_ACTION}@`))) {
            problems.push(`${wf.file}: uses ${CREDENTIALS_ACTION}; only ${REUSABLE} gets AWS credentials`);
        }
        for (const [where, value] of walk(wf.doc)) {
            if (typeof value !== 'string') continue;
            if (/\bcdk\s+(deploy|destroy)\b|npm\s+run\s+(deploy|destroy)\b/.test(value)) {
                problems.push(`${wf.file}: ${where.join('.')} deploys: ${show(value)}`);
            }
            if (/\bsecrets\s*[.[]/.test(value) && !/^\s*\$\{\{\s*secrets\.GITHUB_TOKEN\s*\}\}\s*$/.test(value)) {
                problems.push(`${wf.file}: ${where.join('.')} reads a secret: ${show(value)}`);
            }
        }
    }
    return problems;
}

/** deploy.yml: workflow_call only, typed inputs and declared secrets, one environment job per stage, tests first. */
function reusable({ byFile }) {
    const wf = byFile.get(REUSABLE);
    if (!wf) return [];
    const { doc } = wf;
    const problems = [];
    const on = triggers(doc);
    if (!same(Object.keys(on), ['workflow_call']))
        problems.push(`${REUSABLE}: must be triggered by workflow_call only, not ${show(Object.keys(on))}`);
    const call = on.workflow_call ?? {};
    const inputs = call.inputs ?? {};
    if (!same(Object.keys(inputs).sort(), ['region', 'stage']))
        problems.push(`${REUSABLE}: inputs must be exactly stage and region`);
    if (inputs.stage?.type !== 'string' || inputs.stage?.required !== true)
        problems.push(`${REUSABLE}: input stage must be a required string`);
    if (
        inputs.region?.type !== 'string' ||
        inputs.region?.required === true ||
        inputs.region?.default !== DEFAULT_REGION
    ) {
        problems.push(`${REUSABLE}: input region must be an optional string defaulting to ${DEFAULT_REGION}`);
    }
    const secrets = call.secrets ?? {};
    if (!same(Object.keys(secrets).sort(), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'MCP_AUTH_TOKEN'])) {
        problems.push(`${REUSABLE}: secrets must be exactly MCP_AUTH_TOKEN, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY`);
    }
    if (secrets.MCP_AUTH_TOKEN?.required !== true) problems.push(`${REUSABLE}: secret MCP_AUTH_TOKEN must be required`);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        if (secrets[name]?.required !== false)
            problems.push(`${REUSABLE}: secret ${name} must be declared optional (required: false)`);
    }
    if (!same(doc.permissions, {}))
        problems.push(`${REUSABLE}: workflow permissions must be {} (each job asks for its own)`);
    if (doc.concurrency !== undefined) {
        problems.push(
            `${REUSABLE}: no workflow-level concurrency (a caller with the same group would deadlock); the deploy job has it`,
        );
    }

    const withEnvironment = jobs(doc).filter(([, job]) => job.environment !== undefined);
    const [id, job] = deployJob(wf);
    const [planId, plan] = planJob(wf);
    if (withEnvironment.length !== 2 || !job || !plan) {
        problems.push(
            `${REUSABLE}: exactly two jobs name an environment: the deploy job (\${{ inputs.stage }}) and the plan job ` +
                `(\${{ inputs.stage }}-plan); found ${show(withEnvironment.map(([, j]) => j.environment))}`,
        );
        return problems;
    }
    if (typeof job.environment !== 'string' || !job.environment.includes('${{')) {
        problems.push(
            `${REUSABLE}: job ${id} must have environment: \${{ inputs.stage }}, not ${show(job.environment)}`,
        );
    }
    // the plan: before the gate, read-only, no secrets, the diff in the summary
    if (!same(plan.permissions, PLAN_PERMISSIONS))
        problems.push(`${REUSABLE}: job ${planId} permissions must be exactly contents: read, id-token: write`);
    if (walk(plan).some(([, v]) => typeof v === 'string' && /\bsecrets\s*[.[]/.test(v)))
        problems.push(`${REUSABLE}: job ${planId} (before the gate) reads a secret`);
    if (!steps(plan).some((st) => /cdk diff[^\n]*[\s\S]*GITHUB_STEP_SUMMARY/.test(st.run ?? '')))
        problems.push(`${REUSABLE}: job ${planId} must write cdk diff to $GITHUB_STEP_SUMMARY`);
    if (![job.needs ?? []].flat().includes(planId))
        problems.push(`${REUSABLE}: job ${id} must need ${planId}: the diff comes before the gate`);
    for (const name of ['MCP_SERVER_IMAGE', 'MCP_AUTHORIZER_IMAGE']) {
        if (!new RegExp(`^needs\\.${planId}\\.outputs\\.`).test(expression(job.env?.[name] ?? '')))
            problems.push(
                `${REUSABLE}: job ${id} must deploy the planned images (env ${name} from needs.${planId}.outputs)`,
            );
    }
    const concurrency = job.concurrency;
    if (concurrency === null || typeof concurrency !== 'object') {
        problems.push(`${REUSABLE}: job ${id} needs concurrency: { group: <per stage>, cancel-in-progress: false }`);
    } else {
        if (typeof concurrency.group !== 'string' || !/\$\{\{\s*inputs\.stage\s*\}\}/.test(concurrency.group)) {
            problems.push(
                `${REUSABLE}: job ${id} concurrency group must contain \${{ inputs.stage }}, not ${show(concurrency.group)}`,
            );
        }
        if (concurrency['cancel-in-progress'] !== false) {
            problems.push(`${REUSABLE}: job ${id} must never cancel a deploy in progress (cancel-in-progress: false)`);
        }
    }
    if (!same(job.permissions, CALLER_PERMISSIONS))
        problems.push(`${REUSABLE}: job ${id} permissions must be exactly contents: read, id-token: write`);
    const needs = [job.needs ?? []].flat();
    const tested = needs.some((need) => isMakeTestJob(doc.jobs?.[need] ?? {}));
    if (!tested) problems.push(`${REUSABLE}: job ${id} must need the job that runs make test`);
    for (const [otherId, other] of jobs(doc)) {
        if (otherId === id || otherId === planId) continue;
        if (!same(other.permissions, READ_ONLY))
            problems.push(`${REUSABLE}: job ${otherId} permissions must be exactly contents: read`);
        if (other.concurrency?.['cancel-in-progress'] === true)
            problems.push(`${REUSABLE}: job ${otherId} cancels in progress`);
    }
    return problems;
}

/**
 * The promotion rule in an images step's script: dev has no previous stage (it publishes), qas takes what passed dev,
 * prod what passed qas; resolve is used whenever there is a previous stage, and push only when there is none.
 */
function promotion(where, script) {
    const problems = [];
    for (const [stage, previous] of Object.entries(PREVIOUS_STAGE)) {
        if (!new RegExp(`^\\s*${stage}\\)\\s*previous=${previous}\\s*;;`, 'm').test(script))
            problems.push(
                `${where}: stage ${stage} must take its images from ${previous || 'its own tested build'} (${stage}) previous=${previous} ;;)`,
            );
    }
    const otherStages = script.match(/^\s*(\w+)\)\s*previous=/gm) ?? [];
    if (otherStages.length !== Object.keys(PREVIOUS_STAGE).length)
        problems.push(
            `${where}: the previous-stage table has ${otherStages.length} entries, not ${Object.keys(PREVIOUS_STAGE).length}`,
        );
    if (
        !/if \[ -z "\$previous" \]; then\s*\n\s*digest=\$\(\.github\/scripts\/images\.sh (digest|push) [^\n]*\n\s*else\s*\n\s*digest=\$\(\.github\/scripts\/images\.sh resolve "\$previous" /.test(
            script,
        )
    ) {
        problems.push(
            `${where}: images must be published only without a previous stage, and resolved from it otherwise`,
        );
    }
    return problems;
}

/**
 * The deploy job's steps: credentials (OIDC or keys, never both), the images (dev pushes the tested ones, qas and prod
 * resolve what passed the stage before), the live versions recorded, synth, deploy, endpoint, the pipeline's token
 * digest, smoke test, rollback when it fails, and only then the digests recorded as passed.
 */
function deploySteps({ byFile, githubDir }) {
    const wf = byFile.get(REUSABLE);
    if (!wf) return [];
    const [id, job] = deployJob(wf);
    if (!job) return [];
    const problems = [];
    const all = steps(job);
    const where = (predicate) => all.findIndex(predicate);
    const run = (step) => (typeof step.run === 'string' ? step.run : '');

    const credentials = all
        .map((step, index) => ({ step, index }))
        .filter(({ step }) => typeof step.uses === 'string' && step.uses.startsWith(`${CREDENTIALS_ACTION}@`));
    const oidc = credentials.filter(({ step }) => step.with?.['role-to-assume'] !== undefined);
    const keys = credentials.filter(({ step }) => step.with?.['aws-access-key-id'] !== undefined);
    if (credentials.length !== 2 || oidc.length !== 1 || keys.length !== 1) {
        problems.push(
            `${REUSABLE}: job ${id} needs exactly two credential steps, one with role-to-assume and one with access keys`,
        );
    } else {
        const [o, k] = [oidc[0].step, keys[0].step];
        if (expression(o.with['role-to-assume']) !== 'vars.AWS_DEPLOY_ROLE_ARN')
            problems.push(`${REUSABLE}: role-to-assume must be \${{ vars.AWS_DEPLOY_ROLE_ARN }}`);
        if (o.with['aws-access-key-id'] !== undefined || o.with['aws-secret-access-key'] !== undefined)
            problems.push(`${REUSABLE}: the OIDC step must not take access keys`);
        if (k.with['role-to-assume'] !== undefined)
            problems.push(`${REUSABLE}: the access-key step must not assume a role`);
        if (
            expression(k.with['aws-access-key-id']) !== 'secrets.AWS_ACCESS_KEY_ID' ||
            expression(k.with['aws-secret-access-key']) !== 'secrets.AWS_SECRET_ACCESS_KEY'
        ) {
            problems.push(
                `${REUSABLE}: the access-key step must read secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
            );
        }
        // Complementary conditions: exactly one runs.
        if (
            expression(o.if) !== "vars.AWS_DEPLOY_ROLE_ARN != ''" ||
            expression(k.if) !== "vars.AWS_DEPLOY_ROLE_ARN == ''"
        ) {
            problems.push(
                `${REUSABLE}: the OIDC step must run if vars.AWS_DEPLOY_ROLE_ARN != '' and the access-key step if it == '' (never both)`,
            );
        }
        for (const step of [o, k]) {
            if (expression(step.with['aws-region']) !== 'inputs.region')
                problems.push(`${REUSABLE}: ${step.name}: aws-region must be \${{ inputs.region }}`);
        }
    }

    // The images: published by dev, promoted otherwise; the plan job resolves them the same way.
    const images = where((step) => /\.github\/scripts\/images\.sh (push|resolve)/.test(run(step)));
    if (images < 0) {
        problems.push(`${REUSABLE}: no step pushes or resolves the images (${IMAGES_SCRIPT})`);
    } else {
        problems.push(...promotion(`${REUSABLE} job ${id}`, run(all[images])));
        if (!/images\.sh push /.test(run(all[images])))
            problems.push(`${REUSABLE}: dev must push the tested archives (images.sh push)`);
        if (!all[images].id)
            problems.push(`${REUSABLE}: the images step needs an id (the mark step reads its outputs)`);
        if (all[images].if !== undefined) problems.push(`${REUSABLE}: the images step must always run (no if:)`);
    }
    const [planId, plan] = planJob(wf);
    if (plan) {
        const planImages = steps(plan).find((step) => /\.github\/scripts\/images\.sh (digest|resolve)/.test(run(step)));
        if (!planImages) problems.push(`${REUSABLE}: job ${planId} does not resolve the images`);
        else problems.push(...promotion(`${REUSABLE} job ${planId}`, run(planImages)));
    }

    const record = where((step) => /rollback\.sh record /.test(run(step)));
    const synth = where((step) => /^\s*npm run synth\b/m.test(run(step)));
    const deploy = where((step) => /^\s*npm run deploy -- /m.test(run(step)));
    if (record < 0)
        problems.push(`${REUSABLE}: the live versions are not recorded before the deploy (${ROLLBACK_SCRIPT} record)`);
    if (synth < 0) problems.push(`${REUSABLE}: no npm run synth step`);
    else if (!/requireImages=true/.test(run(all[synth])))
        problems.push(
            `${REUSABLE}: synth must require the images (--context requireImages=true): a deploy never builds`,
        );
    if (deploy < 0) {
        problems.push(`${REUSABLE}: no npm run deploy -- ... step`);
    } else {
        const command = run(all[deploy]);
        if (!/--require-approval never\b/.test(command))
            problems.push(`${REUSABLE}: deploy must pass --require-approval never`);
        if (!/--outputs-file\s+\S/.test(command)) problems.push(`${REUSABLE}: deploy must pass --outputs-file`);
        if (!/--app cdk\.out\b/.test(command))
            problems.push(`${REUSABLE}: deploy must deploy what synth wrote (--app cdk.out)`);
        if (!/"mcp-\$STAGE-stack"/.test(command))
            problems.push(`${REUSABLE}: deploy must name the stage's stack, "mcp-$STAGE-stack"`);
        if (all[deploy]['working-directory'] !== 'cdk') problems.push(`${REUSABLE}: deploy must run in cdk/`);
        if (!all[deploy].id) problems.push(`${REUSABLE}: the deploy step needs an id (the rollback step checks it)`);
    }
    const endpoint = where((step) => /McpEndpoint/.test(run(step)) && /GITHUB_OUTPUT/.test(run(step)));
    const endpointId = endpoint >= 0 ? all[endpoint].id : undefined;
    if (endpoint < 0 || !endpointId)
        problems.push(`${REUSABLE}: no step (with an id) reads McpEndpoint into an output`);
    const ciToken = where((step) => run(step).includes(CI_TOKEN_SCRIPT));
    if (ciToken < 0) {
        problems.push(`${REUSABLE}: no step keeps the pipeline's token digest in the secret (${CI_TOKEN_SCRIPT})`);
    } else {
        if (expression(all[ciToken].env?.MCP_AUTH_TOKEN) !== 'secrets.MCP_AUTH_TOKEN')
            problems.push(`${REUSABLE}: ${CI_TOKEN_SCRIPT} must get MCP_AUTH_TOKEN from the secret`);
        if (!/"ci-github-\$STAGE"/.test(run(all[ciToken])))
            problems.push(`${REUSABLE}: the pipeline's token must have its own label, ci-github-$STAGE`);
        problems.push(...ciTokenScript(githubDir));
    }
    const smoke = where((step) => run(step).includes(SMOKE_SCRIPT));
    if (smoke < 0) {
        problems.push(`${REUSABLE}: no smoke test step (${SMOKE_SCRIPT})`);
    } else {
        const env = all[smoke].env ?? {};
        if (expression(env.MCP_AUTH_TOKEN) !== 'secrets.MCP_AUTH_TOKEN')
            problems.push(`${REUSABLE}: the smoke test must get MCP_AUTH_TOKEN from the secret`);
        if (endpointId && expression(env.MCP_SERVER_ENDPOINT) !== `steps.${endpointId}.outputs.url`) {
            problems.push(
                `${REUSABLE}: the smoke test must get MCP_SERVER_ENDPOINT from steps.${endpointId}.outputs.url`,
            );
        }
        if (!/mcp-client/.test(run(all[smoke])))
            problems.push(`${REUSABLE}: the smoke test must run the downloaded mcp-client`);
        if (all[smoke].if !== undefined || all[smoke]['continue-on-error'])
            problems.push(`${REUSABLE}: the smoke test must always run and fail the job`);
        problems.push(...smokeScript(githubDir));
    }
    // The rollback path: after a failed smoke test (or anything after a successful deploy), the aliases go back.
    const rollback = where((step) => /rollback\.sh restore /.test(run(step)));
    const deployId = deploy >= 0 ? all[deploy].id : undefined;
    if (rollback < 0) {
        problems.push(`${REUSABLE}: nothing rolls back a deploy whose smoke test failed (${ROLLBACK_SCRIPT} restore)`);
    } else if (expression(all[rollback].if) !== `failure() && steps.${deployId}.outcome == 'success'`) {
        problems.push(
            `${REUSABLE}: the rollback must run exactly when a step failed after a successful deploy ` +
                `(if: failure() && steps.${deployId}.outcome == 'success'), not ${show(all[rollback].if)}`,
        );
    }
    // Only digests whose smoke test passed may be promoted.
    const mark = where((step) => /images\.sh mark /.test(run(step)));
    if (mark < 0) {
        problems.push(`${REUSABLE}: the deployed digests are never recorded as passed (images.sh mark)`);
    } else if (all[mark].if !== undefined) {
        problems.push(
            `${REUSABLE}: recording the digests as passed must run only when every step before it passed (no if:)`,
        );
    } else if (!/mark "\$STAGE" /.test(run(all[mark]))) {
        problems.push(`${REUSABLE}: the digests must be recorded as passed for this stage ($STAGE)`);
    }
    const chain = [images, record, synth, deploy, endpoint, ciToken, smoke, rollback, mark];
    const inOrder = credentials.every((c) => c.index < images) && chain.every((i, n) => n === 0 || i > chain[n - 1]);
    if (chain.every((i) => i >= 0) && !inOrder) {
        problems.push(
            `${REUSABLE}: steps must come in this order: credentials, images, record, synth, deploy, endpoint, ` +
                'pipeline token, smoke test, rollback, mark as passed',
        );
    }
    return problems;
}

/** ci-token.sh masks the token and its digest, hashes through a pipe, and refuses tokens under 32 characters. */
function ciTokenScript(githubDir) {
    const file = path.join(githubDir, 'scripts', 'ci-token.sh');
    if (!fs.existsSync(file)) return [`${CI_TOKEN_SCRIPT} is missing`];
    const text = fs.readFileSync(file, 'utf8');
    const problems = [];
    if (!/^printf '::add-mask::%s\\n' "\$MCP_AUTH_TOKEN"$/m.test(text))
        problems.push(`${CI_TOKEN_SCRIPT}: the token is not masked`);
    if (!/^digest=\$\(printf '%s' "\$MCP_AUTH_TOKEN" \| sha256sum/m.test(text))
        problems.push(`${CI_TOKEN_SCRIPT}: the digest must be digest=$(printf '%s' "$MCP_AUTH_TOKEN" | sha256sum ...)`);
    if (!/^printf '::add-mask::%s\\n' "\$digest"$/m.test(text))
        problems.push(`${CI_TOKEN_SCRIPT}: the digest is not masked`);
    const min = /^MIN_LENGTH=(\d+)$/m.exec(text);
    if (!min || Number(min[1]) < 32 || !/\$\{#MCP_AUTH_TOKEN\}" -lt "\$MIN_LENGTH"/.test(text))
        problems.push(`${CI_TOKEN_SCRIPT}: tokens shorter than 32 characters must be refused where the digest is made`);
    return problems;
}

/**
 * The smoke script: init, tools, call ping with the token; no token: exit 4 and a challenge; a wrong token (which
 * reaches the authorizer): exit 4, HTTP 401 and a challenge; the metadata named by the challenge answers.
 */
function smokeScript(githubDir) {
    const file = path.join(githubDir, 'scripts', 'smoke-test.sh');
    if (!fs.existsSync(file)) return [`${SMOKE_SCRIPT} is missing`];
    const text = fs.readFileSync(file, 'utf8');
    const code = text
        .split('\n')
        .filter((line) => !/^\s*#/.test(line))
        .join('\n');
    const problems = [];
    for (const [what, pattern] of [
        ['init', /\brun init\b/],
        ['tools', /\brun tools\b/],
        ['call ping', /\brun call ping\b/],
        ['a request without a token', /env -u MCP_AUTH_TOKEN "\$client"/],
        ['exit status 4 for it', /"\$STATUS" -eq 4/],
        ['HTTP 401 for it', /\(HTTP 401/],
        ['a WWW-Authenticate challenge for it', /WWW-Authenticate: Bearer/],
        [
            'a request with a wrong, well-formed token (the authorizer must refuse it)',
            /MCP_AUTH_TOKEN=\$wrong "\$client"/,
        ],
        ['a random wrong token', /wrong=\$\(head -c 32 \/dev\/urandom/],
        ['the metadata URL named by the challenge', /resource_metadata=/],
        ['the metadata answering 200 about the endpoint', /\.resource == \$endpoint/],
    ]) {
        if (!pattern.test(code)) problems.push(`${SMOKE_SCRIPT}: does not check ${what}`);
    }
    return problems;
}

/** Least privilege: explicit everywhere, never write-all, and the only write scope is id-token on the deploy path. */
function permissions({ workflows, byFile }) {
    const problems = [];
    const reusableDeployJob = byFile.get(REUSABLE) ? deployJob(byFile.get(REUSABLE))[0] : undefined;
    const reusablePlanJob = byFile.get(REUSABLE) ? planJob(byFile.get(REUSABLE))[0] : undefined;
    for (const wf of workflows) {
        if (wf.doc.permissions === undefined) problems.push(`${wf.file}: no workflow-level permissions`);
        for (const [id, job] of jobs(wf.doc)) {
            if (job.permissions === undefined) problems.push(`${wf.file}: job ${id} has no permissions`);
        }
        const blocks = [
            ['workflow', wf.doc.permissions],
            ...jobs(wf.doc).map(([id, job]) => [`job ${id}`, job.permissions]),
        ];
        for (const [owner, block] of blocks) {
            if (block === undefined) continue;
            if (typeof block === 'string') {
                problems.push(`${wf.file}: ${owner} has permissions: ${block}; list the scopes`);
                continue;
            }
            for (const [scope, level] of Object.entries(block ?? {})) {
                if (level !== 'write') continue;
                const jobId = owner.startsWith('job ') ? owner.slice(4) : undefined;
                const allowed =
                    scope === 'id-token' &&
                    ((wf.file === REUSABLE && (jobId === reusableDeployJob || jobId === reusablePlanJob)) ||
                        (wf.file in CALLERS && jobId !== undefined));
                if (!allowed)
                    problems.push(`${wf.file}: ${owner} has ${scope}: write; only id-token, only on the deploy path`);
            }
        }
    }
    return problems;
}

/** Third-party actions pinned to a full commit SHA with a version comment; one SHA per action across the files. */
function pinning({ workflows }) {
    const problems = [];
    const seen = new Map();
    for (const wf of workflows) {
        for (const uses of actionUses(wf.doc)) {
            if (uses.startsWith('./')) continue;
            if (uses.startsWith('docker://')) {
                if (!/@sha256:[0-9a-f]{64}$/.test(uses)) problems.push(`${wf.file}: ${uses} is not pinned by digest`);
                continue;
            }
            if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses))
                problems.push(`${wf.file}: ${uses} is not pinned to a full commit SHA`);
        }
        for (const [id, job] of jobs(wf.doc)) {
            if (typeof job.uses === 'string' && !job.uses.startsWith('./.github/workflows/')) {
                problems.push(`${wf.file}: job ${id} calls a workflow outside this repository (${job.uses})`);
            }
        }
        wf.text.split('\n').forEach((line, i) => {
            const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
            if (!m || m[1].startsWith('./')) return;
            const [name, ref] = m[1].split('@');
            const version = /^#\s*(v\d+\.\d+\.\d+)\s*$/.exec(m[2] ?? '')?.[1];
            if (!version) problems.push(`${wf.file}:${i + 1}: ${m[1]} has no version comment (# vX.Y.Z)`);
            const pin = `${ref} ${version}`;
            if (seen.has(name) && seen.get(name).pin !== pin) {
                problems.push(
                    `${wf.file}:${i + 1}: ${name} is pinned to ${pin}, but to ${seen.get(name).pin} in ${seen.get(name).file}`,
                );
            } else {
                seen.set(name, { pin, file: wf.file });
            }
        });
    }
    return problems;
}

// How a script may touch the token's value: mask it, hash it through a pipe, test that it is set or well-formed.
// A line's emptiness tests are removed first; whatever expansion of the token is left must be a whole vetted line.
const TOKEN_TEST = /\[ -[zn] "\$\{?MCP_AUTH_TOKEN(:-)?\}?" \]/g;
const TOKEN_LINES = [
    /^\s*printf '::add-mask::%s\\n' "\$MCP_AUTH_TOKEN"\s*$/,
    /^\s*\w+=\$\(printf '%s' "\$MCP_AUTH_TOKEN" \| sha256sum \| cut -d' ' -f1\)\s*$/,
    /^\s*if !? ?\[\[ \$MCP_AUTH_TOKEN =~ \$\w+ \]\]; then\s*$/,
];
const TRACE = /\bset\s+-[a-zA-Z]*x|\bset\s+-o\s+xtrace\b|\bbash\s+-[a-zA-Z]*x\b|\bBASH_XTRACEFD\b/;

function tokenLines(file, text) {
    const problems = [];
    text.split('\n').forEach((line, i) => {
        if (/^\s*#/.test(line)) return;
        if (TRACE.test(line)) problems.push(`${file}:${i + 1}: shell tracing would print secrets: ${line.trim()}`);
        if (/--token\b/.test(line))
            problems.push(`${file}:${i + 1}: --token puts the token on a command line: ${line.trim()}`);
        const rest = line.replace(TOKEN_TEST, '');
        if (/\$\{?MCP_AUTH_TOKEN\b(?!_)/.test(rest) && !TOKEN_LINES.some((allowed) => allowed.test(rest))) {
            problems.push(
                `${file}:${i + 1}: the token's value is used other than to mask, hash or test it: ${line.trim()}`,
            );
        }
    });
    return problems;
}

/** The token is never echoed: scripts get secrets only through env:, and touch the value only in vetted ways. */
function tokenHygiene({ workflows, byFile, githubDir }) {
    const problems = [];
    for (const wf of workflows) {
        for (const [id, index, step] of runSteps(wf.doc)) {
            const name = `${wf.file} (job ${id}, step ${step.name ?? index + 1})`;
            if (/\$\{\{/.test(step.run)) problems.push(`${name}: an expression inside run:; pass it through env:`);
            problems.push(...tokenLines(name, step.run));
        }
        const shells = [
            wf.doc.defaults?.run?.shell,
            ...jobs(wf.doc).flatMap(([, job]) => [job.defaults?.run?.shell, ...steps(job).map((s) => s.shell)]),
        ];
        for (const shell of shells) {
            if (typeof shell === 'string' && /(^|\s)-[a-zA-Z]*x/.test(shell))
                problems.push(`${wf.file}: shell ${show(shell)} traces commands`);
        }
        for (const [at, value] of walk(wf.doc)) {
            if (typeof value !== 'string' || !/\bsecrets\s*\.\s*MCP_AUTH_TOKEN\b|\bsecrets\s*\[/.test(value)) continue;
            const place = at.join('.');
            const reusableJob = wf.file === REUSABLE ? deployJob(wf)[0] : undefined;
            const ok =
                (wf.file in CALLERS && /^jobs\.[^.]+\.secrets\.MCP_AUTH_TOKEN$/.test(place)) ||
                (reusableJob !== undefined &&
                    new RegExp(`^jobs\\.${reusableJob}\\.steps\\.\\d+\\.env\\.MCP_AUTH_TOKEN$`).test(place));
            if (!ok || expression(value) !== 'secrets.MCP_AUTH_TOKEN') {
                problems.push(
                    `${wf.file}: ${place} reads the token; only the deploy job's step env (and the callers' secrets) may`,
                );
            }
        }
    }
    for (const [name, file] of [
        [SMOKE_SCRIPT, 'smoke-test.sh'],
        [CI_TOKEN_SCRIPT, 'ci-token.sh'],
    ]) {
        const full = path.join(githubDir, 'scripts', file);
        if (fs.existsSync(full)) problems.push(...tokenLines(name, fs.readFileSync(full, 'utf8')));
    }
    if (byFile.get(REUSABLE)) {
        const env = jobs(byFile.get(REUSABLE).doc).map(([, job]) => job.env ?? {});
        if ([byFile.get(REUSABLE).doc.env ?? {}, ...env].some((e) => 'MCP_AUTH_TOKEN' in e)) {
            problems.push(`${REUSABLE}: MCP_AUTH_TOKEN in a workflow or job env reaches every step`);
        }
    }
    return problems;
}

/** npm caching on every setup-node, keyed on lock files that exist, covering what make test installs. */
function caching({ workflows, repoRoot }) {
    const problems = [];
    for (const wf of workflows) {
        for (const [id, job] of jobs(wf.doc)) {
            for (const step of steps(job)) {
                if (typeof step.uses !== 'string' || !step.uses.startsWith('actions/setup-node@')) continue;
                const paths = String(step.with?.['cache-dependency-path'] ?? '')
                    .split('\n')
                    .map((p) => p.trim())
                    .filter(Boolean);
                if (step.with?.cache !== 'npm' || paths.length === 0)
                    problems.push(`${wf.file}: job ${id}: setup-node without npm caching`);
                for (const p of paths) {
                    if (!fs.existsSync(path.join(repoRoot, p)))
                        problems.push(`${wf.file}: job ${id}: ${p} does not exist`);
                }
                const needed = isMakeTestJob(job) ? MAKE_TEST_LOCKFILES : ['cdk/package-lock.json'];
                for (const p of needed) {
                    if (!paths.includes(p)) problems.push(`${wf.file}: job ${id}: the npm cache does not cover ${p}`);
                }
            }
        }
    }
    return problems;
}

/** The jobs that run make test: Debian bookworm as root, privileged for podman, git before checkout. */
function testJobs({ workflows }) {
    const problems = [];
    const containers = [];
    for (const wf of workflows) {
        for (const [id, job] of jobs(wf.doc)) {
            if (!isMakeTestJob(job)) continue;
            const c = job.container ?? {};
            if (c.image !== 'debian:bookworm')
                problems.push(`${wf.file}: job ${id} must run make test in container debian:bookworm`);
            if (!/(^|\s)--privileged(\s|$)/.test(c.options ?? ''))
                problems.push(`${wf.file}: job ${id}: podman needs --privileged`);
            if (!(c.volumes ?? []).some((v) => /:\/var\/lib\/containers$/.test(v)))
                problems.push(`${wf.file}: job ${id}: podman storage needs a volume`);
            containers.push(JSON.stringify(c));
            const all = steps(job);
            // debian:bookworm has neither git nor make.
            const tools = all.findIndex(
                (s) =>
                    /apt-get install[^\n]*\bgit\b/.test(s.run ?? '') &&
                    /apt-get install[^\n]*\bmake\b/.test(s.run ?? ''),
            );
            const checkout = all.findIndex((s) => String(s.uses ?? '').startsWith('actions/checkout@'));
            if (tools < 0 || checkout < 0 || tools > checkout)
                problems.push(`${wf.file}: job ${id} must install git and make before actions/checkout`);
            if (
                job.environment !== undefined ||
                walk(job).some(([, v]) => typeof v === 'string' && /\bsecrets\s*[.[]/.test(v))
            ) {
                problems.push(`${wf.file}: job ${id} runs make test with secrets or an environment`);
            }
        }
    }
    if (new Set(containers).size > 1) problems.push('the make test jobs do not share one container definition');
    return problems;
}

/** Supported Node.js (22 or later) everywhere, and update automation for actions, npm and the base image. */
function upkeep({ workflows, githubDir, repoRoot }) {
    const problems = [];
    for (const wf of workflows) {
        for (const [id, job] of jobs(wf.doc)) {
            for (const step of steps(job)) {
                if (typeof step.uses !== 'string' || !step.uses.startsWith('actions/setup-node@')) continue;
                const version = Number.parseInt(String(step.with?.['node-version'] ?? ''), 10);
                if (!(version >= MIN_NODE))
                    problems.push(`${wf.file}: job ${id}: node-version must be ${MIN_NODE} or later`);
            }
        }
    }
    for (const pkg of ['cdk/package.json', 'tests/workflows/package.json']) {
        const engines = JSON.parse(fs.readFileSync(path.join(repoRoot, pkg), 'utf8')).engines?.node ?? '';
        if (!new RegExp(`^>=\\s*(2[2-9]|[3-9]\\d)`).test(engines))
            problems.push(`${pkg}: engines.node must be >=${MIN_NODE}`);
    }
    const file = path.join(githubDir, 'dependabot.yml');
    if (!fs.existsSync(file)) return [...problems, '.github/dependabot.yml is missing'];
    const updates = YAML.parse(fs.readFileSync(file, 'utf8'))?.updates ?? [];
    const dirs = (ecosystem) =>
        updates
            .filter((u) => u['package-ecosystem'] === ecosystem)
            .flatMap((u) => [u.directory, ...(u.directories ?? [])])
            .filter(Boolean);
    if (!dirs('github-actions').includes('/')) problems.push('dependabot.yml: no github-actions updates');
    for (const dir of ['/cdk', '/tests/node', '/tests/workflows']) {
        if (!dirs('npm').includes(dir)) problems.push(`dependabot.yml: no npm updates for ${dir}`);
    }
    if (!dirs('docker').includes('/')) problems.push('dependabot.yml: no docker updates for the Dockerfile');
    return problems;
}

export const RULES = {
    files,
    'dev-check': devCheck,
    callers,
    'no-other-deploys': noOtherDeploys,
    reusable,
    'deploy-steps': deploySteps,
    permissions,
    pinning,
    'token-hygiene': tokenHygiene,
    caching,
    'test-jobs': testJobs,
    upkeep,
};

/** Every rule over the workflows of githubDir: [{ rule, message }]. */
export function checkPolicy({ githubDir, repoRoot }) {
    const workflows = loadWorkflows(githubDir);
    const context = { workflows, byFile: new Map(workflows.map((wf) => [wf.file, wf])), githubDir, repoRoot };
    return Object.entries(RULES).flatMap(([rule, check]) => check(context).map((message) => ({ rule, message })));
}
