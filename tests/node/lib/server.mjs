// lib/server.mjs: start the C MCP server for a test and stop it again by its PID.
//
// The binary is $MCP_SERVER_BIN (default: build/mcp-server in the repo root; a relative value is tried
// against the directory npm was started from, then against the repo root), so the same tests run
// against a sanitizer build. It is started as
//     <bin> --bind 127.0.0.1 --port 0 [--toolsets <sets>] [extra args]
// and we wait for the JSON log line {"event":"listening","url":...,"port":...} on stderr (10 s max).
// Every stderr line is kept (raw, and parsed when it is JSON) so tests can assert on the server's logs.
// stop() sends SIGTERM, expects exit code 0, and falls back to SIGKILL (reported as a failure).
//
// With $MCP_SERVER_URL set, nothing is spawned: the tests talk to a server someone else started (a
// container, say), see externalServerUrl(). Its logs and exit status belong to whoever started it, so the
// handle's stderrLines and logs stay empty and stop() does nothing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const live = new Set();
// If the test process dies without stopping its servers, do not leave them running.
process.on('exit', () => {
    for (const child of live) {
        try {
            process.kill(child.pid, 'SIGKILL');
        } catch {
            /* already gone */
        }
    }
});

/** The server binary: $MCP_SERVER_BIN or build/mcp-server, as an absolute path. */
export function serverBinary() {
    const fromEnv = process.env.MCP_SERVER_BIN;
    if (!fromEnv) return resolve(REPO_ROOT, 'build', 'mcp-server');
    if (isAbsolute(fromEnv)) return fromEnv;
    const candidates = [resolve(process.env.INIT_CWD || process.cwd(), fromEnv), resolve(REPO_ROOT, fromEnv)];
    return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** A set of tool sets written as --toolsets takes it, in a canonical order ("default" when not given). */
function toolsetsKey(toolsets) {
    return (toolsets ?? 'default')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
        .sort()
        .join(',');
}

/**
 * The URL of the already-running server that serves `toolsets`, from $MCP_SERVER_URL: either one URL,
 * used whatever tool sets a test asks for, or space-separated TOOLSETS=URL entries saying which tool sets
 * each server was started with, e.g.
 *     MCP_SERVER_URL='default=http://127.0.0.1:4001/mcp default,conformance=http://127.0.0.1:4002/mcp'
 */
export function externalServerUrl(toolsets) {
    const wanted = toolsetsKey(toolsets);
    const entries = process.env.MCP_SERVER_URL.trim().split(/\s+/);
    for (const entry of entries) {
        const keyed = /^([^:=]+)=(.+)$/.exec(entry);
        if (!keyed || toolsetsKey(keyed[1]) === wanted) return new URL(keyed ? keyed[2] : entry).href;
    }
    throw new Error(`MCP_SERVER_URL has no server for --toolsets ${wanted}: ${process.env.MCP_SERVER_URL}`);
}

function externalServer({ toolsets, args = [], env = {} }) {
    if (args.length > 0 || Object.keys(env).length > 0) {
        throw new Error(`MCP_SERVER_URL is set: cannot start a server with ${JSON.stringify({ args, env })}`);
    }
    const url = externalServerUrl(toolsets);
    const u = new URL(url);
    return {
        url,
        port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
        pid: null,
        argv: ['(already running, MCP_SERVER_URL)'],
        stderrLines: [],
        logs: [],
        stdoutLines: [],
        exited: () => false,
        exitInfo: () => null,
        nonJsonStderr: () => [],
        stop: async () => null,
    };
}

/**
 * Start the server (or, with $MCP_SERVER_URL set, return a handle on the running one).
 * @param {object} [opts]
 * @param {string} [opts.toolsets]      value for --toolsets (omitted when not given)
 * @param {string[]} [opts.args]        extra command-line arguments
 * @param {object} [opts.env]           extra environment variables
 * @param {number} [opts.startTimeoutMs=10000]
 * @param {number} [opts.stopTimeoutMs=10000]
 * @returns {Promise<{url:string, port:number, pid:number, argv:string[], stderrLines:string[],
 *   logs:object[], stdoutLines:string[], exited:()=>boolean, stop:()=>Promise<{code:number|null,signal:string|null}>}>}
 */
export function startServer(opts = {}) {
    if (process.env.MCP_SERVER_URL) return Promise.resolve().then(() => externalServer(opts));
    const { toolsets, args = [], env = {}, startTimeoutMs = 10_000, stopTimeoutMs = 10_000 } = opts;
    const bin = serverBinary();
    const argv = ['--bind', '127.0.0.1', '--port', '0'];
    if (toolsets) argv.push('--toolsets', toolsets);
    argv.push(...args);

    return new Promise((resolvePromise, rejectPromise) => {
        if (!existsSync(bin)) {
            rejectPromise(
                new Error(
                    `server binary not found: ${bin} (build it with "cmake -S . -B build && cmake --build build" ` +
                        'in the repo root, or set MCP_SERVER_BIN)',
                ),
            );
            return;
        }
        const child = spawn(bin, argv, {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, ...env },
        });
        live.add(child);

        const stderrLines = [];
        const logs = [];
        const stdoutLines = [];
        let started = false;
        let exitInfo = null;
        let exitWaiters = [];
        let stopPromise = null;

        const describe = () => `${bin} ${argv.join(' ')} (pid ${child.pid})`;
        const tail = (n = 40) => stderrLines.slice(-n).join('\n');

        const fail = (err) => {
            if (started) return;
            started = true; // settle once
            clearTimeout(timer);
            if (!exitInfo) {
                try {
                    child.kill('SIGKILL');
                } catch {
                    /* ignore */
                }
            }
            rejectPromise(err);
        };

        const timer = setTimeout(() => {
            fail(new Error(`server did not report "listening" within ${startTimeoutMs} ms: ${describe()}\n${tail()}`));
        }, startTimeoutMs);

        child.on('error', (err) => {
            fail(new Error(`could not start ${describe()}: ${err.message}`));
        });

        // 'exit' records the status; waiters are released on 'close' (stdio drained, so stderrLines is
        // complete), or 1 s after 'exit' should something else hold the pipes open.
        let settled = false;
        const release = () => {
            if (settled || !exitInfo) return;
            settled = true;
            for (const w of exitWaiters) w(exitInfo);
            exitWaiters = [];
            if (!started) {
                fail(
                    new Error(
                        `server exited (code ${exitInfo.code}, signal ${exitInfo.signal}) before listening: ` +
                            `${describe()}\n${tail()}`,
                    ),
                );
            }
        };
        child.on('exit', (code, signal) => {
            exitInfo = { code, signal };
            live.delete(child);
            setTimeout(release, 1000).unref();
        });
        child.on('close', () => setImmediate(release));

        createInterface({ input: child.stdout }).on('line', (line) => stdoutLines.push(line));
        createInterface({ input: child.stderr }).on('line', (line) => {
            stderrLines.push(line);
            let rec = null;
            try {
                rec = JSON.parse(line);
            } catch {
                return; // not JSON: kept raw only (e.g. a sanitizer report)
            }
            if (rec === null || typeof rec !== 'object') return;
            logs.push(rec);
            if (!started && rec.event === 'listening') {
                const port = Number(rec.port ?? new URL(rec.url).port);
                const url = rec.url ?? `http://127.0.0.1:${port}/mcp`;
                if (!Number.isInteger(port) || port <= 0) {
                    fail(new Error(`"listening" log line without a usable port: ${line}`));
                    return;
                }
                started = true;
                clearTimeout(timer);
                resolvePromise(handle(url, port));
            }
        });

        const waitExit = (ms) =>
            new Promise((res) => {
                if (settled) {
                    res(exitInfo);
                    return;
                }
                const t = setTimeout(() => res(null), ms);
                exitWaiters.push((info) => {
                    clearTimeout(t);
                    res(info);
                });
            });

        function handle(url, port) {
            return {
                url,
                port,
                pid: child.pid,
                argv: [bin, ...argv],
                stderrLines,
                logs,
                stdoutLines,
                exited: () => exitInfo !== null,
                exitInfo: () => exitInfo,
                /** Lines on stderr that are not JSON (sanitizer reports, stray printf output). */
                nonJsonStderr: () =>
                    stderrLines.filter((l) => {
                        try {
                            const v = JSON.parse(l);
                            return v === null || typeof v !== 'object';
                        } catch {
                            return true;
                        }
                    }),
                stop() {
                    if (!stopPromise) stopPromise = doStop();
                    return stopPromise;
                },
            };
        }

        async function doStop() {
            if (exitInfo) {
                await waitExit(2_000);
                if (exitInfo.code !== 0) {
                    throw new Error(
                        `server had already exited (code ${exitInfo.code}, signal ${exitInfo.signal}) before stop(): ` +
                            `${describe()}\n${tail()}`,
                    );
                }
                return exitInfo;
            }
            try {
                process.kill(child.pid, 'SIGTERM');
            } catch {
                /* exited meanwhile */
            }
            const info = await waitExit(stopTimeoutMs);
            if (!info) {
                try {
                    process.kill(child.pid, 'SIGKILL');
                } catch {
                    /* ignore */
                }
                await waitExit(5_000);
                throw new Error(`server did not exit within ${stopTimeoutMs} ms of SIGTERM; killed: ${describe()}\n${tail()}`);
            }
            if (info.code !== 0) {
                throw new Error(
                    `server exited with code ${info.code}, signal ${info.signal} after SIGTERM (expected 0): ` +
                        `${describe()}\n${tail()}`,
                );
            }
            return info;
        }
    });
}

/** Stop every server given (ignoring nulls); throws one error listing all failures. */
export async function stopAll(...servers) {
    const errors = [];
    for (const s of servers) {
        if (!s) continue;
        try {
            await s.stop();
        } catch (err) {
            errors.push(err);
        }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join('\n---\n'));
}
