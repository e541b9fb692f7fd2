// Reading the GitHub Actions workflows: every file of a workflows directory, parsed, with its text kept for what
// parsing drops (the version comment after a pinned `uses:`), and small helpers to walk jobs, steps and triggers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const GITHUB_DIR = path.join(REPO_ROOT, '.github');

/** Every *.yml / *.yaml file of GITHUB_DIR/workflows: { file, path, text, doc, errors }. */
export function loadWorkflows(githubDir = GITHUB_DIR) {
    const dir = path.join(githubDir, 'workflows');
    return fs
        .readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((file) => {
            const full = path.join(dir, file);
            const text = fs.readFileSync(full, 'utf8');
            const parsed = YAML.parseDocument(text);
            return { file, path: full, text, doc: parsed.toJS() ?? {}, errors: parsed.errors.map((e) => e.message) };
        });
}

/** The `on:` section as an object: a string or a list of event names becomes { event: null, ... }. */
export function triggers(doc) {
    const on = doc.on;
    if (typeof on === 'string') return { [on]: null };
    if (Array.isArray(on)) return Object.fromEntries(on.map((event) => [event, null]));
    return on ?? {};
}

export const jobs = (doc) => Object.entries(doc.jobs ?? {});
export const steps = (job) => (Array.isArray(job.steps) ? job.steps : []);

/** [jobId, stepIndex, step] for every step of every job that has a `run:` script. */
export function runSteps(doc) {
    return jobs(doc).flatMap(([id, job]) =>
        steps(job).flatMap((step, index) => (typeof step.run === 'string' ? [[id, index, step]] : [])),
    );
}

/** A job calls the reusable deploy workflow, local or remote, whatever the ref. */
export const callsDeploy = (job) =>
    typeof job?.uses === 'string' && /(^|\/)\.github\/workflows\/deploy\.ya?ml(@.*)?$/.test(job.uses.trim());

/** Action references, `owner/repo[/path]@ref`, of the steps of a parsed workflow. */
export const actionUses = (doc) =>
    jobs(doc).flatMap(([, job]) => steps(job).flatMap((step) => (typeof step.uses === 'string' ? [step.uses] : [])));

/** `${{ expr }}` -> `expr` with single spaces; anything else unchanged (for comparing expressions). */
export function expression(value) {
    if (typeof value !== 'string') return value;
    const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
    return (inner ? inner[1] : value).trim().replace(/\s+/g, ' ');
}

/**
 * Every [path, value] in a parsed document, keys included as values of their own (path ending in "<key>"), so
 * that a check can look at what is there without caring about comments.
 */
export function walk(node, at = []) {
    if (Array.isArray(node)) return node.flatMap((item, i) => walk(item, [...at, i]));
    if (node !== null && typeof node === 'object') {
        return Object.entries(node).flatMap(([key, value]) => [[[...at, '<key>'], key], ...walk(value, [...at, key])]);
    }
    return [[at, node]];
}

/** The stages the CDK app knows (STAGE_NAMES in cdk/lib/config.ts) and its default region (cdk/lib/settings.ts). */
export function cdkFacts(repoRoot = REPO_ROOT) {
    const config = fs.readFileSync(path.join(repoRoot, 'cdk', 'lib', 'config.ts'), 'utf8');
    const settings = fs.readFileSync(path.join(repoRoot, 'cdk', 'lib', 'settings.ts'), 'utf8');
    const stages = /STAGE_NAMES\s*=\s*\[([^\]]*)\]/.exec(config);
    const region = /DEFAULT_REGION\s*=\s*'([^']+)'/.exec(settings);
    return {
        stages: stages ? [...stages[1].matchAll(/'([^']+)'/g)].map((m) => m[1]) : [],
        region: region ? region[1] : undefined,
    };
}
