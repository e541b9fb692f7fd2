#!/usr/bin/env node
// runtime-emulator.mjs: an emulator of the AWS Lambda Runtime API (version 2018-06-01), so a custom runtime
// (the C server in Lambda mode, the C authorizer, or the Node fixture) can be tested without AWS.
//
// What it emulates, following the documented protocol (../../../shared/reference/aws-reference.md §2.1; the
// Runtime API OpenAPI document; the Lambda developer guide "Using the Lambda runtime API for custom runtimes"
// and "Building a custom runtime", including response streaming):
//
//   - Each execution environment ("instance") is its own process with its own Runtime API endpoint
//     (127.0.0.1:<port chosen by the OS>), started with the environment Lambda defines for custom runtimes
//     (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME, ..., _HANDLER, LAMBDA_TASK_ROOT). An instance serves
//     one invocation at a time. The emulator keeps up to `maxInstances` instances and starts a new one when
//     every live instance is busy (a cold start); beyond that, invocations wait in a queue.
//   - GET  /2018-06-01/runtime/invocation/next             long poll, no timeout; the event and the
//                                                           Lambda-Runtime-* headers.
//   - POST /2018-06-01/runtime/invocation/{id}/response    buffered (<= 6291556 bytes, else 413 and the
//                                                           invocation fails with Function.ResponseSizeTooLarge)
//                                                           or streaming (Lambda-Runtime-Function-Response-Mode:
//                                                           streaming + chunked body, error trailers).
//   - POST /2018-06-01/runtime/invocation/{id}/error       function error (Lambda-Runtime-Function-Error-Type +
//                                                           {errorMessage, errorType, stackTrace}).
//   - POST /2018-06-01/runtime/init/error                  initialization error; the instance is failed, the
//                                                           error is the answer to the invocation that started it.
//   - Deadline: Lambda-Runtime-Deadline-Ms = delivery time + timeoutMs. A function still running then is killed
//     with SIGKILL and the invocation is reported as "Task timed out after N.NN seconds".
//   - Work after the response: once the runtime has posted /response, the client has its answer, but the
//     instance stays busy (no other invocation is given to it; a new one starts another instance) until the
//     runtime asks for the next invocation, and the invocation's deadline still holds: an instance that has
//     not called GET /next by then is stopped (SIGKILL, killedBy 'timeout', the invocation's
//     afterResponseTimedOut set). The invocation records afterResponseMs, how long that work took. Source: AWS
//     Compute Blog, "Running code after returning a response from an AWS Lambda function" (Uri Segev,
//     https://aws.amazon.com/blogs/compute/running-code-after-returning-a-response-from-an-aws-lambda-function/):
//     a managed runtime's environment is frozen once the handler returns, while a custom runtime, which owns the
//     loop of the Runtime API, may post the response and keep working until it asks for the next event, within
//     the function's timeout; the Runtime API itself (Lambda DG, runtimes-api.html) only delivers the next event
//     on GET /next.
//   - A request id that is not the instance's current, unanswered invocation gets 400 InvalidRequestID.
//
// Everything is recorded for assertions: per instance its stdout and stderr lines, exit code or signal, init
// duration, protocol violations (every 4xx/5xx the emulator answered, with the reason) and invocations; per
// invocation its request id, deadline, response mode, body, chunks and their arrival times, error type.
//
// JS API:
//   const emu = await startEmulator({ command, args, env, maxInstances });
//   const r = await emu.invoke(eventObjectOrBufferOrString, { timeoutMs, stream });
//   // r: { kind: 'response'|'error'|'timeout', body: Buffer|null, streaming, chunks, done, errorType, error,
//   //      errorMessage, headers, contentType, requestId, instanceId, pid, rejected, initError, ... }
//   emu.instances, emu.invocations, emu.violations(); await emu.stop();
//
// CLI (manual use and benchmarks):
//   node tests/lambda/runtime-emulator.mjs --event tests/lambda/events/rest-v1-mcp-post.json -- build/mcp-server
//   node tests/lambda/runtime-emulator.mjs --event e.json --count 2000 --concurrency 4 --prewarm -- build/mcp-server
// Run with --help for every option.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const RUNTIME_API_VERSION = '2018-06-01';
/** Synchronous Invoke request payload limit ("Request must be smaller than 6291456 bytes"). */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Buffered response limit: 6 MiB + 100 bytes ("exceeded maximum allowed payload size (6291556 bytes)"). */
export const MAX_BUFFERED_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;
/** Streamed response limit (Lambda DG "Response streaming": up to 200 MB). */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;
/** Lambda's default function timeout. */
export const DEFAULT_TIMEOUT_MS = 3000;
/** Lambda's limit for the init phase of an on-demand function. */
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;
/** The Content-Type a streaming function sends when its payload is an HTTP integration response (prelude). */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

const ROOT = `/${RUNTIME_API_VERSION}/runtime`;
const NEXT_PATH = `${ROOT}/invocation/next`;
const INIT_ERROR_PATH = `${ROOT}/init/error`;
const INVOCATION_PATH = new RegExp(`^${ROOT.replace(/[/.-]/g, '\\$&')}/invocation/([^/]+)/(response|error)$`);

const HDR = {
    requestId: 'Lambda-Runtime-Aws-Request-Id',
    deadline: 'Lambda-Runtime-Deadline-Ms',
    arn: 'Lambda-Runtime-Invoked-Function-Arn',
    trace: 'Lambda-Runtime-Trace-Id',
    clientContext: 'Lambda-Runtime-Client-Context',
    cognito: 'Lambda-Runtime-Cognito-Identity',
};
// Request headers, as Node presents them (lower case).
const REQ = {
    errorType: 'lambda-runtime-function-error-type',
    errorBody: 'lambda-runtime-function-error-body',
    responseMode: 'lambda-runtime-function-response-mode',
};

// Sanitizer settings pass through to the function even without inheritEnv, so an ASan build keeps its options.
const PASS_THROUGH_ENV = ['PATH', 'LD_LIBRARY_PATH', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS', 'MSAN_OPTIONS',
    'TSAN_OPTIONS', 'ASAN_SYMBOLIZER_PATH', 'LLVM_SYMBOLIZER_PATH'];

// Every child we start, so a crashing test process does not leave functions running.
const liveChildren = new Set();
process.on('exit', () => {
    for (const child of liveChildren) {
        try {
            process.kill(child.pid, 'SIGKILL');
        } catch {
            /* already gone */
        }
    }
});

const hex = (bytes) => randomBytes(bytes).toString('hex');

/** An X-Ray trace header in the format Lambda hands to the runtime. */
export function newTraceId() {
    const root = `1-${Math.floor(Date.now() / 1000).toString(16).padStart(8, '0')}-${hex(12)}`;
    return `Root=${root};Parent=${hex(8)};Sampled=1`;
}

/** "Task timed out after 3.00 seconds" style durations. */
const seconds = (ms) => (ms / 1000).toFixed(2);

// Go-style signal descriptions, as Lambda prints them in "Runtime exited with error: signal: killed".
const SIGNAL_TEXT = {
    SIGKILL: 'killed', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted', SIGTERM: 'terminated',
    SIGBUS: 'bus error', SIGFPE: 'floating point exception', SIGILL: 'illegal instruction', SIGINT: 'interrupt',
};

let clockTicks = null;
function clockTicksPerSecond() {
    if (clockTicks === null) {
        try {
            clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
        } catch {
            clockTicks = 100;
        }
    }
    return clockTicks;
}

/** CPU time (user + system, ms) of a live process, from /proc (Linux); null when unavailable. */
export function processCpuMs(pid) {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // After the command name: state is field 3, utime 14 and stime 15 (1-based) => indexes 11 and 12 here.
        const ticks = Number(fields[11]) + Number(fields[12]);
        return (ticks * 1000) / clockTicksPerSecond();
    } catch {
        return null;
    }
}

/** Peak and current resident memory (kB) of a live process, from /proc (Linux); null when unavailable. */
export function processMemoryKb(pid) {
    try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const field = (name) => Number((status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm')) ?? [])[1] ?? NaN);
        return { peakRssKb: field('VmHWM'), rssKb: field('VmRSS') };
    } catch {
        return null;
    }
}

/**
 * The body of a streaming response as it arrives: an async iterable of Buffers with a single consumer.
 * Chunks that arrive before anyone iterates are kept.
 */
export class ChunkStream {
    #items = [];
    #waiters = [];
    #ended = false;

    push(chunk) {
        const waiter = this.#waiters.shift();
        if (waiter) waiter({ value: chunk, done: false });
        else this.#items.push(chunk);
    }

    end() {
        this.#ended = true;
        for (const waiter of this.#waiters.splice(0)) waiter({ value: undefined, done: true });
    }

    get ended() {
        return this.#ended;
    }

    [Symbol.asyncIterator]() {
        return {
            next: () => {
                if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift(), done: false });
                if (this.#ended) return Promise.resolve({ value: undefined, done: true });
                return new Promise((resolve) => this.#waiters.push(resolve));
            },
            return: () => Promise.resolve({ value: undefined, done: true }),
            [Symbol.asyncIterator]() {
                return this;
            },
        };
    }
}

/** A one-chunk async iterable, for a buffered body handed to a caller that asked for a stream. */
async function* once_(buf) {
    if (buf && buf.length > 0) yield buf;
}

function sendJson(res, status, obj) {
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify(obj);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}

/**
 * Read a request body, keeping at most `limit` bytes. Resolves with { body, bytes, tooLarge, aborted }.
 * When the body is over the limit, reading continues (and discards) so the connection stays usable.
 */
function readBody(req, limit) {
    return new Promise((resolve) => {
        const chunks = [];
        let bytes = 0;
        let tooLarge = false;
        let settled = false;
        const finish = (aborted) => {
            if (settled) return;
            settled = true;
            resolve({ body: tooLarge ? null : Buffer.concat(chunks), bytes, tooLarge, aborted });
        };
        req.on('data', (chunk) => {
            bytes += chunk.length;
            if (bytes > limit) {
                tooLarge = true;
                chunks.length = 0;
                // Answer as soon as the limit is crossed; the rest of the body is read and dropped.
                finish(false);
                return;
            }
            if (!tooLarge) chunks.push(chunk);
        });
        req.on('end', () => finish(false));
        req.on('aborted', () => finish(true));
        req.on('error', () => finish(true));
        req.on('close', () => finish(!req.complete));
    });
}

function parseJsonOrNull(buf) {
    try {
        return JSON.parse(buf.toString('utf8'));
    } catch {
        return null;
    }
}

/** One invocation: what was sent, what came back, and when. */
class Invocation {
    constructor(emu, payload, opts) {
        this.requestId = opts.requestId ?? randomUUID();
        this.payload = payload;
        this.timeoutMs = opts.timeoutMs ?? emu.options.timeoutMs;
        this.requestedStream = Boolean(opts.stream);
        this.traceId = opts.traceId ?? newTraceId();
        this.lambdaArn = opts.lambdaArn ?? emu.lambdaArn;
        this.clientContext = opts.clientContext ?? null;
        this.cognitoIdentity = opts.cognitoIdentity ?? null;
        this.state = 'queued'; // queued | assigned | running | responding | done
        this.instance = null;
        this.createdAt = Date.now();
        this.deliveredAt = null;
        this.deadlineMs = null;
        this.firstByteAt = null;
        this.completedAt = null;
        this.responseMode = null; // 'buffered' | 'streaming' (how the runtime answered)
        this.contentType = null;
        this.requestHeaders = null; // headers of the runtime's /response or /error POST
        this.chunks = [];
        this.chunkTimes = []; // ms after firstByteAt
        this.bytes = 0;
        this.kind = null; // 'response' | 'error' | 'timeout'
        this.errorType = null;
        this.error = null;
        this.errorMessage = null;
        this.errorBody = null; // a streaming error trailer body, decoded
        this.trailers = {};
        this.initError = false;
        this.rejected = false;
        this.phase = null; // 'init' when the invocation failed during the init phase
        this.stream = null;
        this.timer = null;
        this._startWaiters = [];
        this.started = new Promise((resolve) => this._startWaiters.push(resolve));
        this.done = new Promise((resolve) => {
            this._resolveDone = resolve;
        });
    }

    get body() {
        return Buffer.concat(this.chunks);
    }

    get durationMs() {
        return this.completedAt !== null && this.deliveredAt !== null ? this.completedAt - this.deliveredAt : null;
    }

    /** The caller-facing view of this invocation, at this moment. */
    view({ final }) {
        const streaming = this.responseMode === 'streaming';
        const chunks = this.stream ?? (this.requestedStream ? once_(final ? this.body : null) : undefined);
        return {
            kind: this.kind ?? 'response',
            requestId: this.requestId,
            instanceId: this.instance?.id ?? null,
            pid: this.instance?.pid ?? null,
            streaming,
            contentType: this.contentType,
            headers: this.requestHeaders ?? {},
            body: final ? this.body : null,
            chunks,
            done: this.done,
            errorType: this.errorType,
            error: this.error,
            errorMessage: this.errorMessage,
            errorBody: this.errorBody,
            trailers: this.trailers,
            initError: this.initError,
            rejected: this.rejected,
            phase: this.phase,
            deadlineMs: this.deadlineMs,
            durationMs: this.durationMs,
            invocation: this,
        };
    }

    _resolveStarted(view) {
        for (const resolve of this._startWaiters.splice(0)) resolve(view);
    }

    /**
     * A streaming response has begun. A caller that invoked with `stream: true` gets the chunks now; one that
     * did not gets the whole body when it is complete (Lambda buffers a streamed answer to Invoke).
     */
    beginStreaming() {
        this.responseMode = 'streaming';
        this.state = 'responding';
        this.firstByteAt = Date.now();
        this.kind = 'response';
        if (this.requestedStream) {
            this.stream = new ChunkStream();
            this._resolveStarted(this.view({ final: false }));
        }
    }

    addChunk(chunk) {
        if (this.firstByteAt === null) this.firstByteAt = Date.now();
        this.chunks.push(chunk);
        this.chunkTimes.push(Date.now() - this.firstByteAt);
        this.bytes += chunk.length;
        this.stream?.push(chunk);
    }

    /** Finish the invocation once; later calls are ignored. */
    complete(fields) {
        if (this.state === 'done') return false;
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        const { body, ...rest } = fields;
        Object.assign(this, rest);
        if (body !== undefined) this.chunks = body ? [body] : [];
        this.state = 'done';
        this.completedAt = Date.now();
        this.stream?.end();
        const view = this.view({ final: true });
        this._resolveStarted(view);
        this._resolveDone(view);
        return true;
    }
}

/** One execution environment: a process and its Runtime API endpoint. */
class Instance {
    constructor(emu, index) {
        this.emu = emu;
        this.id = `i${index}`;
        this.index = index;
        this.state = 'starting'; // starting | init | idle | busy | failed | dead
        this.pid = null;
        this.port = null;
        this.runtimeApi = null;
        this.logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[${emu.options.functionVersion}]${hex(16)}`;
        this.stdout = [];
        this.stderr = [];
        this.droppedLines = 0;
        this.violations = [];
        this.invocations = [];
        this.current = null;
        this.pendingNext = null;
        this.initError = null;
        this.startedAt = null;
        this.initDoneAt = null;
        this.exitCode = null;
        this.signal = null;
        this.exitedAt = null;
        this.spawnError = null;
        this.killedBy = null; // 'timeout' | 'init-timeout' | 'init-error' | 'stop' when the emulator killed it
        this.stopping = false;
        this.cpuMsAtLastSample = null;
        this.child = null;
        this.server = null;
        this._initTimer = null;
        this._exitWaiters = [];
        this.exited = new Promise((resolve) => this._exitWaiters.push(resolve));
        this._readyWaiters = [];
    }

    get initDurationMs() {
        return this.initDoneAt !== null ? this.initDoneAt - this.startedAt : null;
    }

    get alive() {
        return this.state !== 'dead' && this.state !== 'failed';
    }

    /** CPU time (ms) the process has used so far; the last sample after it exited. */
    cpuMs() {
        if (this.pid !== null && this.exitedAt === null) {
            const v = processCpuMs(this.pid);
            if (v !== null) this.cpuMsAtLastSample = v;
        }
        return this.cpuMsAtLastSample;
    }

    memoryKb() {
        return this.pid !== null && this.exitedAt === null ? processMemoryKb(this.pid) : null;
    }

    /** Resolves when the runtime has asked for its first invocation (or the instance is gone). */
    ready() {
        if (this.state !== 'starting' && this.state !== 'init') return Promise.resolve(this);
        return new Promise((resolve) => this._readyWaiters.push(resolve));
    }

    _markReady() {
        for (const resolve of this._readyWaiters.splice(0)) resolve(this);
    }

    violation(status, reason, req) {
        const v = { status, reason, method: req?.method, path: req?.url, at: Date.now() };
        this.violations.push(v);
        this.emu.emit('violation', this, v);
        return v;
    }

    async start() {
        const opts = this.emu.options;
        this.server = http.createServer();
        // The Runtime API never times a runtime out on its side: /next is a long poll and a streamed response
        // may last 15 minutes.
        this.server.requestTimeout = 0;
        this.server.headersTimeout = 0;
        this.server.keepAliveTimeout = 0;
        this.server.on('request', (req, res) => this.onRequest(req, res));
        this.server.on('checkContinue', (req, res) => this.onCheckContinue(req, res));
        this.server.on('clientError', (err, socket) => {
            // A reset connection (a killed or exiting runtime) is not a protocol error; a parse error is.
            if (String(err.code ?? '').startsWith('HPE_') && !this.stopping) {
                this.violation(400, `malformed HTTP from the runtime: ${err.code}: ${err.message}`, null);
            }
            if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
            else socket.destroy();
        });
        await new Promise((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(0, '127.0.0.1', () => {
                this.server.off('error', reject);
                resolve();
            });
        });
        this.port = this.server.address().port;
        this.runtimeApi = `127.0.0.1:${this.port}`;

        const base = {};
        const source = opts.inheritEnv
            ? process.env
            : Object.fromEntries(PASS_THROUGH_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
        Object.assign(base, source);
        const lambdaEnv = {
            AWS_LAMBDA_RUNTIME_API: this.runtimeApi,
            AWS_LAMBDA_FUNCTION_NAME: opts.functionName,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(opts.memorySize),
            AWS_LAMBDA_FUNCTION_VERSION: opts.functionVersion,
            AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
            AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${opts.functionName}`,
            AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName,
            AWS_REGION: opts.region,
            AWS_DEFAULT_REGION: opts.region,
            _HANDLER: opts.handler,
            LAMBDA_TASK_ROOT: opts.taskRoot,
            LAMBDA_RUNTIME_DIR: opts.runtimeDir,
            LANG: 'en_US.UTF-8',
            TZ: ':UTC',
        };
        const env = { ...base, ...lambdaEnv, ...opts.env };
        if (!env.PATH) env.PATH = '/usr/local/bin:/usr/bin:/bin';

        this.startedAt = Date.now();
        this.state = 'init';
        let child;
        try {
            child = spawn(opts.command, opts.args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        } catch (err) {
            this.onSpawnError(err);
            return;
        }
        this.child = child;
        this.pid = child.pid ?? null;
        liveChildren.add(child);
        child.on('error', (err) => this.onSpawnError(err));
        // 'close' (not 'exit'): the process has exited and its stdout/stderr are fully read.
        child.on('close', (code, signal) => this.onExit(code, signal));
        for (const [name, stream] of [['stdout', child.stdout], ['stderr', child.stderr]]) {
            const rl = createInterface({ input: stream, crlfDelay: Infinity });
            rl.on('line', (line) => this.onLine(name, line));
        }
        if (opts.initTimeoutMs > 0) {
            this._initTimer = setTimeout(() => this.onInitTimeout(), opts.initTimeoutMs);
        }
        this.emu.emit('instance', this);
    }

    onLine(stream, line) {
        const lines = stream === 'stdout' ? this.stdout : this.stderr;
        if (lines.length >= this.emu.options.maxLogLines) {
            lines.shift();
            this.droppedLines++;
        }
        lines.push(line);
        this.emu.emit('line', this, stream, line);
    }

    onSpawnError(err) {
        if (this.exitedAt !== null) return;
        this.spawnError = err;
        this.onExit(null, null);
    }

    onInitTimeout() {
        this._initTimer = null;
        if (this.state !== 'init') return;
        const inv = this.current;
        this.killedBy = 'init-timeout';
        this.fail();
        if (inv) {
            this.failInvocation(inv, {
                kind: 'timeout',
                phase: 'init',
                errorType: 'Sandbox.Timedout',
                errorMessage: `Init timed out after ${seconds(this.emu.options.initTimeoutMs)} seconds: the runtime never asked for an invocation (GET ${NEXT_PATH})`,
            });
        }
        this.current = null;
        this.emu.dispatch();
    }

    /** Take the instance out of service and kill its process. */
    fail() {
        this.state = 'failed';
        if (this._initTimer) clearTimeout(this._initTimer);
        this._initTimer = null;
        this.kill('SIGKILL');
        this._markReady();
    }

    kill(signal) {
        if (this.pid === null || this.exitedAt !== null) return;
        try {
            process.kill(this.pid, signal);
        } catch {
            /* already gone */
        }
    }

    onExit(code, signal) {
        if (this.exitedAt !== null) return;
        this.cpuMs();
        this.exitCode = code;
        this.signal = signal;
        this.exitedAt = Date.now();
        if (this.child) liveChildren.delete(this.child);
        if (this._initTimer) clearTimeout(this._initTimer);
        this._initTimer = null;
        this.state = 'dead';
        const inv = this.current;
        this.current = null;
        if (inv && inv.state !== 'done') {
            let message;
            let errorType = 'Runtime.ExitError';
            if (this.spawnError) {
                errorType = 'Runtime.InvalidEntrypoint';
                message = `RequestId: ${inv.requestId} Error: cannot start the runtime: ${this.spawnError.message}`;
            } else if (signal) {
                message = `RequestId: ${inv.requestId} Error: Runtime exited with error: signal: ${SIGNAL_TEXT[signal] ?? signal}`;
            } else if (code === 0) {
                message = `RequestId: ${inv.requestId} Error: Runtime exited without providing a reason`;
            } else {
                message = `RequestId: ${inv.requestId} Error: Runtime exited with error: exit status ${code}`;
            }
            this.failInvocation(inv, { kind: 'error', errorType, errorMessage: message, phase: inv.deliveredAt === null ? 'init' : null });
        }
        if (this.pendingNext) {
            this.pendingNext = null;
        }
        this.closeServer();
        this._markReady();
        for (const resolve of this._exitWaiters.splice(0)) resolve({ code, signal });
        this.emu.emit('exit', this, code, signal);
        this.emu.dispatch();
    }

    /**
     * Fail an invocation with an error the emulator made up (timeout, exit, ...). Unless the function already
     * sent bytes, the body is the JSON Lambda returns to Invoke: {"errorMessage": ..., "errorType": ...}.
     */
    failInvocation(inv, fields) {
        const error = { errorMessage: fields.errorMessage, errorType: fields.errorType };
        const extra = inv.chunks.length === 0 ? { error, body: Buffer.from(JSON.stringify(error)) } : {};
        return inv.complete({ ...fields, ...extra });
    }

    closeServer() {
        if (!this.server) return;
        this.server.close();
        this.server.closeAllConnections?.();
    }

    /** Give this instance an invocation; it is delivered on the runtime's next GET /next (or now). */
    assign(inv) {
        this.current = inv;
        inv.instance = this;
        inv.state = 'assigned';
        this.invocations.push(inv);
        if (this.state === 'idle') this.state = 'busy';
        if (this.pendingNext) {
            const res = this.pendingNext;
            this.pendingNext = null;
            this.deliver(res, inv);
        }
    }

    deliver(res, inv) {
        const now = Date.now();
        inv.deliveredAt = now;
        inv.deadlineMs = now + inv.timeoutMs;
        inv.state = 'running';
        this.state = 'busy';
        const headers = {
            'Content-Type': 'application/json',
            'Content-Length': inv.payload.length,
            [HDR.requestId]: inv.requestId,
            [HDR.deadline]: String(inv.deadlineMs),
            [HDR.arn]: inv.lambdaArn,
            [HDR.trace]: inv.traceId,
        };
        if (inv.clientContext !== null) headers[HDR.clientContext] = inv.clientContext;
        if (inv.cognitoIdentity !== null) headers[HDR.cognito] = inv.cognitoIdentity;
        res.writeHead(200, headers);
        res.end(inv.payload);
        inv.timer = setTimeout(() => this.onDeadline(inv), inv.timeoutMs);
        this.emu.emit('deliver', this, inv);
    }

    onDeadline(inv) {
        inv.timer = null;
        if (inv.state === 'done' || this.current !== inv) return;
        // Lambda stops the execution environment; the next invocation gets a new one.
        this.killedBy = 'timeout';
        this.current = null;
        this.fail();
        this.failInvocation(inv, {
            kind: 'timeout',
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${inv.requestId} Error: Task timed out after ${seconds(inv.timeoutMs)} seconds`,
        });
        this.emu.dispatch();
    }

    /** The invocation this request id may answer, or null (and a 400 has been sent). */
    invocationFor(id, req, res) {
        const inv = this.current;
        if (!inv || inv.requestId !== id || inv.deliveredAt === null || inv.state === 'done') {
            const known = this.emu.invocationsById.get(id);
            const why = !known ? 'unknown request id' : known.state === 'done' ? 'invocation already completed' : 'not this instance\'s current invocation';
            this.violation(400, `${req.method} ${req.url}: ${why}`, req);
            sendJson(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
            return null;
        }
        return inv;
    }

    onCheckContinue(req, res) {
        // A runtime that sends "Expect: 100-continue" with an oversized buffered response is refused before
        // it sends the body.
        const m = INVOCATION_PATH.exec(req.url.split('?')[0]);
        const declared = Number(req.headers['content-length']);
        if (req.method === 'POST' && m && m[2] === 'response' && req.headers[REQ.responseMode] !== 'streaming' && declared > MAX_BUFFERED_RESPONSE_BYTES) {
            this.onRequest(req, res);
            return;
        }
        res.writeContinue();
        this.onRequest(req, res);
    }

    onRequest(req, res) {
        const path = req.url.split('?')[0];
        if (path === NEXT_PATH) {
            if (req.method !== 'GET') return this.methodNotAllowed(req, res, 'GET');
            return this.onNext(req, res);
        }
        if (path === INIT_ERROR_PATH) {
            if (req.method !== 'POST') return this.methodNotAllowed(req, res, 'POST');
            return this.onInitError(req, res);
        }
        const m = INVOCATION_PATH.exec(path);
        if (m) {
            if (req.method !== 'POST') return this.methodNotAllowed(req, res, 'POST');
            let id;
            try {
                id = decodeURIComponent(m[1]);
            } catch {
                id = m[1];
            }
            return m[2] === 'response' ? this.onResponse(id, req, res) : this.onInvocationError(id, req, res);
        }
        this.violation(404, `${req.method} ${req.url}: no such Runtime API resource`, req);
        req.resume();
        sendJson(res, 404, { errorMessage: `Not found: ${req.method} ${path}`, errorType: 'NotFound' });
    }

    methodNotAllowed(req, res, allowed) {
        this.violation(405, `${req.method} ${req.url}: only ${allowed} is allowed`, req);
        req.resume();
        if (!res.headersSent) res.setHeader('Allow', allowed);
        sendJson(res, 405, { errorMessage: `Method ${req.method} not allowed`, errorType: 'MethodNotAllowed' });
    }

    onNext(req, res) {
        req.resume();
        if (this.stopping) return; // shutting down: the poll stays open until the connection is closed
        if (this.state === 'failed' || this.state === 'dead') {
            this.violation(500, 'GET /next after the instance failed (init error or kill): the runtime should exit', req);
            sendJson(res, 500, { errorMessage: 'Container error. Non-recoverable state. Runtime should exit promptly.', errorType: 'InternalServerError' });
            return;
        }
        if (this.state === 'init') {
            this.initDoneAt = Date.now();
            if (this._initTimer) clearTimeout(this._initTimer);
            this._initTimer = null;
            this.state = this.current ? 'busy' : 'idle';
            this._markReady();
            this.emu.emit('ready', this);
        }
        if (this.postResponse) {
            clearTimeout(this.postResponse.timer);
            this.postResponse.inv.afterResponseMs = Date.now() - this.postResponse.from;
            this.postResponse = null;
            this.state = 'idle';
        }
        if (this.pendingNext) {
            this.violation(403, 'a second concurrent GET /next on one instance', req);
            sendJson(res, 403, { errorMessage: 'a GET /next is already waiting on this instance', errorType: 'InvalidStateTransition' });
            return;
        }
        const inv = this.current;
        if (inv && inv.deliveredAt !== null && inv.state !== 'done') {
            this.violation(403, `GET /next before answering invocation ${inv.requestId}`, req);
            sendJson(res, 403, { errorMessage: `Invocation ${inv.requestId} has not been answered`, errorType: 'InvalidStateTransition' });
            return;
        }
        if (inv && inv.deliveredAt === null) {
            this.deliver(res, inv);
            return;
        }
        this.pendingNext = res;
        res.on('close', () => {
            if (this.pendingNext === res) this.pendingNext = null;
        });
        this.emu.dispatch();
    }

    async onInitError(req, res) {
        const { body } = await readBody(req, MAX_BUFFERED_RESPONSE_BYTES);
        if (this.state !== 'init') {
            this.violation(403, 'POST /init/error after initialization finished', req);
            sendJson(res, 403, { errorMessage: 'Init error posted after init', errorType: 'InvalidStateTransition' });
            return;
        }
        const parsed = body ? parseJsonOrNull(body) : null;
        this.initError = {
            errorType: req.headers[REQ.errorType] ?? null,
            body: body ?? Buffer.alloc(0),
            error: parsed,
            headers: req.headers,
            at: Date.now(),
        };
        this.state = 'failed';
        if (this._initTimer) clearTimeout(this._initTimer);
        this._initTimer = null;
        sendJson(res, 202, { status: 'OK' });
        // "Runtime should exit after reporting the error": give it a moment, then stop it.
        const grace = setTimeout(() => {
            if (this.exitedAt === null) {
                this.killedBy = 'init-error';
                this.violation(0, `did not exit within ${this.emu.options.initErrorExitGraceMs} ms after POST /init/error; killed`, null);
                this.kill('SIGKILL');
            }
        }, this.emu.options.initErrorExitGraceMs);
        this.exited.then(() => clearTimeout(grace));
        const inv = this.current;
        this.current = null;
        if (inv) {
            inv.requestHeaders = req.headers;
            inv.contentType = req.headers['content-type'] ?? null;
            inv.complete({
                kind: 'error',
                initError: true,
                phase: 'init',
                errorType: this.initError.errorType ?? parsed?.errorType ?? null,
                error: parsed,
                errorMessage: parsed?.errorMessage ?? null,
                body: this.initError.body,
            });
        }
        this._markReady();
        this.emu.dispatch();
    }

    async onInvocationError(id, req, res) {
        const inv = this.invocationFor(id, req, res);
        if (!inv) {
            req.resume();
            return;
        }
        if (inv.state === 'responding') {
            this.violation(403, `POST /error for ${id} after a streaming response started`, req);
            req.resume();
            sendJson(res, 403, { errorMessage: 'A response is already being sent for this invocation', errorType: 'InvalidStateTransition' });
            return;
        }
        inv.state = 'responding';
        const { body, tooLarge, aborted } = await readBody(req, MAX_BUFFERED_RESPONSE_BYTES);
        if (inv.state === 'done') return; // timed out meanwhile
        if (aborted) {
            inv.state = 'running';
            this.violation(400, `POST /error for ${id}: request aborted`, req);
            return;
        }
        if (tooLarge) {
            inv.state = 'running';
            this.violation(413, `POST /error for ${id}: body over ${MAX_BUFFERED_RESPONSE_BYTES} bytes`, req);
            sendJson(res, 413, { errorMessage: `Exceeded maximum allowed payload size (${MAX_BUFFERED_RESPONSE_BYTES} bytes).`, errorType: 'RequestEntityTooLarge' });
            return;
        }
        const parsed = parseJsonOrNull(body);
        inv.requestHeaders = req.headers;
        inv.contentType = req.headers['content-type'] ?? null;
        inv.responseMode = 'buffered';
        this.current = null;
        this.state = this.alive ? 'idle' : this.state;
        sendJson(res, 202, { status: 'OK' });
        inv.complete({
            kind: 'error',
            errorType: req.headers[REQ.errorType] ?? parsed?.errorType ?? null,
            error: parsed,
            errorMessage: parsed?.errorMessage ?? null,
            body,
        });
        this.emu.dispatch();
    }

    async onResponse(id, req, res) {
        const inv = this.invocationFor(id, req, res);
        if (!inv) {
            req.resume();
            return;
        }
        if (inv.state === 'responding') {
            this.violation(400, `POST /response for ${id} while another answer for it is in progress`, req);
            req.resume();
            sendJson(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
            return;
        }
        const mode = req.headers[REQ.responseMode];
        inv.requestHeaders = req.headers;
        inv.contentType = req.headers['content-type'] ?? null;
        if (mode !== undefined && mode.toLowerCase() === 'streaming') return this.onStreamingResponse(inv, req, res);
        if (mode !== undefined) this.violation(0, `unknown Lambda-Runtime-Function-Response-Mode "${mode}" (treated as buffered)`, req);
        inv.responseMode = 'buffered';
        inv.state = 'responding';

        const declared = Number(req.headers['content-length']);
        let result;
        if (Number.isFinite(declared) && declared > MAX_BUFFERED_RESPONSE_BYTES) {
            req.resume();
            result = { tooLarge: true, bytes: declared };
        } else {
            result = await readBody(req, MAX_BUFFERED_RESPONSE_BYTES);
        }
        if (inv.state === 'done') return; // timed out or killed meanwhile
        if (result.aborted && !result.tooLarge) {
            inv.state = 'running';
            this.violation(400, `POST /response for ${id}: request aborted before the body was complete`, req);
            return;
        }
        this.current = null;
        this.state = this.alive ? 'idle' : this.state;
        if (result.tooLarge) {
            this.violation(413, `POST /response for ${id}: buffered response over ${MAX_BUFFERED_RESPONSE_BYTES} bytes`, req);
            sendJson(res, 413, { errorMessage: `Exceeded maximum allowed payload size (${MAX_BUFFERED_RESPONSE_BYTES} bytes).`, errorType: 'RequestEntityTooLarge' });
            this.failInvocation(inv, {
                kind: 'error',
                errorType: 'Function.ResponseSizeTooLarge',
                errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_BUFFERED_RESPONSE_BYTES} bytes).`,
            });
        } else {
            sendJson(res, 202, { status: 'OK' });
            inv.firstByteAt ??= Date.now();
            inv.complete({ kind: 'response', body: result.body });
            this.afterResponse(inv);
        }
        this.emu.dispatch();
    }

    /**
     * After a response: as on Lambda, the instance stays busy until the runtime's next GET /next, within the
     * invocation's deadline.
     */
    afterResponse(inv) {
        if (!this.alive) return;
        this.state = 'after-response';
        const from = Date.now();
        const timer = setTimeout(() => {
            if (this.postResponse?.inv !== inv) return;
            this.postResponse = null;
            inv.afterResponseTimedOut = true;
            inv.afterResponseMs = Date.now() - from;
            this.killedBy = 'timeout';
            this.fail();
            this.emu.dispatch();
        }, Math.max(0, inv.deadlineMs - from));
        this.postResponse = { inv, from, timer };
    }

    onStreamingResponse(inv, req, res) {
        const te = String(req.headers['transfer-encoding'] ?? '').toLowerCase();
        if (!te.split(',').map((s) => s.trim()).includes('chunked')) {
            this.violation(0, `streaming response for ${inv.requestId} without Transfer-Encoding: chunked`, req);
        }
        const declared = String(req.headers.trailer ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
        inv.beginStreaming();
        let tooLarge = false;
        req.on('data', (chunk) => {
            if (inv.state === 'done' || tooLarge) return;
            if (inv.bytes + chunk.length > MAX_STREAMED_RESPONSE_BYTES) {
                tooLarge = true;
                this.violation(413, `streamed response for ${inv.requestId} over ${MAX_STREAMED_RESPONSE_BYTES} bytes`, req);
                this.current = null;
                this.state = this.alive ? 'idle' : this.state;
                sendJson(res, 413, { errorMessage: `Exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`, errorType: 'RequestEntityTooLarge' });
                this.failInvocation(inv, {
                    kind: 'error',
                    errorType: 'Function.ResponseSizeTooLarge',
                    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`,
                });
                this.emu.dispatch();
                return;
            }
            inv.addChunk(chunk);
        });
        req.on('end', () => {
            if (inv.state === 'done') return;
            const trailers = req.trailers ?? {};
            for (const name of Object.keys(trailers)) {
                if (!declared.includes(name)) this.violation(0, `trailer ${name} was sent but not declared in the Trailer header`, req);
            }
            const fields = { kind: 'response', trailers };
            if (trailers[REQ.errorType] !== undefined || trailers[REQ.errorBody] !== undefined) {
                fields.errorType = trailers[REQ.errorType] ?? null;
                if (trailers[REQ.errorBody] !== undefined) {
                    const decoded = Buffer.from(trailers[REQ.errorBody], 'base64');
                    fields.errorBody = decoded;
                    fields.error = parseJsonOrNull(decoded);
                    fields.errorMessage = fields.error?.errorMessage ?? null;
                    if (fields.error === null) this.violation(0, 'Lambda-Runtime-Function-Error-Body trailer is not base64 of a JSON object', req);
                }
            }
            this.current = null;
            this.state = this.alive ? 'idle' : this.state;
            sendJson(res, 202, { status: 'OK' });
            inv.complete(fields);
            this.afterResponse(inv);
            this.emu.dispatch();
        });
        req.on('close', () => {
            if (inv.state === 'done' || req.complete) return;
            // The runtime dropped the connection mid-stream (it probably crashed: the exit handler may follow).
            this.violation(0, `streaming response for ${inv.requestId} ended without the terminating chunk`, req);
            this.current = null;
            this.state = this.alive ? 'idle' : this.state;
            this.failInvocation(inv, {
                kind: 'error',
                errorType: 'Runtime.TruncatedResponse',
                errorMessage: `RequestId: ${inv.requestId} Error: the streamed response was cut off`,
            });
            this.emu.dispatch();
        });
    }

    async stop(timeoutMs) {
        if (this.postResponse) clearTimeout(this.postResponse.timer);
        this.postResponse = null;
        this.stopping = true;
        const inv = this.current;
        this.current = null;
        if (inv) this.failInvocation(inv, { kind: 'error', errorType: 'Emulator.Stopped', errorMessage: 'the emulator was stopped' });
        if (this.exitedAt === null && this.pid !== null) {
            if (this.state !== 'failed') this.state = 'failed';
            this.killedBy ??= 'stop';
            this.kill('SIGTERM');
            const exited = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), timeoutMs))]);
            if (!exited) {
                this.kill('SIGKILL');
                await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
            }
        }
        this.closeServer();
    }
}

/** The emulator: a pool of instances of one function. */
export class Emulator extends EventEmitter {
    constructor(options) {
        super();
        this.options = options;
        this.lambdaArn = `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.functionName}`;
        this.instances = [];
        this.invocations = [];
        this.invocationsById = new Map();
        this.queue = [];
        this.stopped = false;
        if (options.echoOutput) {
            this.on('line', (inst, stream, line) => process.stderr.write(`[${options.functionName} ${inst.id} ${stream}] ${line}\n`));
        }
    }

    /** Instances that count against maxInstances. */
    get liveInstances() {
        return this.instances.filter((i) => i.alive);
    }

    /** Every 4xx/5xx (and protocol note) the emulator recorded, over all instances. */
    violations() {
        return this.instances.flatMap((i) => i.violations.map((v) => ({ instance: i.id, ...v })));
    }

    /**
     * Invoke the function. `event`: an object (sent as JSON), a string or a Buffer (sent as is).
     * Resolves when the invocation completes, or, for a streaming response, when the response starts
     * (then `chunks` yields the body as it arrives and `done` resolves at the end).
     * @param {any} event
     * @param {{timeoutMs?:number, stream?:boolean, traceId?:string, requestId?:string, clientContext?:string,
     *          cognitoIdentity?:string}} [opts]
     */
    invoke(event, opts = {}) {
        if (this.stopped) return Promise.reject(new Error('emulator: invoke() after stop()'));
        const payload = Buffer.isBuffer(event) ? event : Buffer.from(typeof event === 'string' ? event : JSON.stringify(event ?? null));
        const inv = new Invocation(this, payload, opts);
        this.invocations.push(inv);
        this.invocationsById.set(inv.requestId, inv);
        if (payload.length > MAX_INVOKE_PAYLOAD_BYTES) {
            // Lambda refuses the Invoke call itself (RequestEntityTooLargeException, HTTP 413).
            const errorMessage = `Request must be smaller than ${MAX_INVOKE_PAYLOAD_BYTES} bytes for the InvokeFunction operation`;
            inv.complete({
                kind: 'error',
                rejected: true,
                errorType: 'RequestEntityTooLargeException',
                errorMessage,
                error: { errorMessage, errorType: 'RequestEntityTooLargeException' },
                body: Buffer.from(JSON.stringify({ Message: errorMessage })),
            });
            return inv.started;
        }
        this.queue.push(inv);
        this.dispatch();
        return inv.started;
    }

    /** Start `n` instances now and wait until each asked for its first invocation (or failed). */
    async prewarm(n = this.options.maxInstances) {
        const started = [];
        // spawnInstance() registers the instance synchronously, so liveInstances counts it at once.
        while (this.liveInstances.length < Math.min(n, this.options.maxInstances)) {
            started.push(this.spawnInstance());
        }
        const instances = await Promise.all(started);
        await Promise.all(instances.map((i) => i.ready()));
        return instances;
    }

    async spawnInstance() {
        const inst = new Instance(this, this.instances.length + 1);
        this.instances.push(inst);
        try {
            await inst.start();
        } catch (err) {
            inst.spawnError = err;
            inst.onExit(null, null);
        }
        return inst;
    }

    /** Hand queued invocations to free instances, starting new ones up to maxInstances. */
    dispatch() {
        if (this.stopped) return;
        while (this.queue.length > 0) {
            const free = this.instances.find((i) => (i.state === 'idle' || i.state === 'init' || i.state === 'starting') && !i.current);
            if (free) {
                free.assign(this.queue.shift());
                continue;
            }
            if (this.liveInstances.length >= this.options.maxInstances) return;
            const inv = this.queue.shift();
            // Reserve the new instance for this invocation before it exists (start() is asynchronous).
            const inst = new Instance(this, this.instances.length + 1);
            this.instances.push(inst);
            inst.assign(inv);
            inst.start().catch((err) => {
                inst.spawnError = err;
                inst.onExit(null, null);
            });
        }
    }

    /** Stop every instance (SIGTERM, then SIGKILL after stopTimeoutMs, by PID) and fail what is pending. */
    async stop() {
        if (this.stopped) return;
        this.stopped = true;
        for (const inv of this.queue.splice(0)) {
            inv.complete({ kind: 'error', errorType: 'Emulator.Stopped', errorMessage: 'the emulator was stopped' });
        }
        await Promise.all(this.instances.map((i) => i.stop(this.options.stopTimeoutMs)));
    }
}

/**
 * Create an emulator. Instances start on the first invoke (a cold start), or with emu.prewarm().
 * @param {object} o
 * @param {string} o.command            the runtime executable (the function's bootstrap)
 * @param {string[]} [o.args]
 * @param {object} [o.env]              extra environment for every instance (wins over the Lambda variables)
 * @param {boolean} [o.inheritEnv=false] start from this process's environment instead of a clean one (PATH,
 *                                       LD_LIBRARY_PATH and sanitizer options always pass through)
 * @param {number} [o.maxInstances=1]
 * @param {number} [o.timeoutMs=3000]   default function timeout for invoke()
 * @param {number} [o.initTimeoutMs=10000]
 * @param {number} [o.initErrorExitGraceMs=2000] after POST /init/error, kill the process if it has not exited
 * @param {number} [o.stopTimeoutMs=2000] SIGTERM → SIGKILL delay in stop()
 * @param {string} [o.cwd]
 * @param {string} [o.functionName='mcp-server'] @param {number} [o.memorySize=128]
 * @param {string} [o.functionVersion='$LATEST'] @param {string} [o.region='us-east-1']
 * @param {string} [o.accountId='123456789012'] @param {string} [o.handler='function.handler']
 * @param {string} [o.taskRoot='/var/task'] @param {string} [o.runtimeDir='/var/runtime']
 * @param {boolean} [o.echoOutput=false] copy every instance output line to this process's stderr
 * @param {number} [o.maxLogLines=50000] lines kept per instance and stream
 * @returns {Promise<Emulator>}
 */
export async function startEmulator(o) {
    if (!o || typeof o.command !== 'string' || o.command === '') throw new Error('startEmulator: `command` is required');
    const options = {
        args: [],
        env: {},
        inheritEnv: false,
        maxInstances: 1,
        timeoutMs: DEFAULT_TIMEOUT_MS,
        initTimeoutMs: DEFAULT_INIT_TIMEOUT_MS,
        initErrorExitGraceMs: 2000,
        stopTimeoutMs: 2000,
        cwd: process.cwd(),
        functionName: 'mcp-server',
        memorySize: 128,
        functionVersion: '$LATEST',
        region: 'us-east-1',
        accountId: '123456789012',
        handler: 'function.handler',
        taskRoot: '/var/task',
        runtimeDir: '/var/runtime',
        echoOutput: false,
        maxLogLines: 50_000,
        ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
    };
    if (!Number.isInteger(options.maxInstances) || options.maxInstances < 1) throw new Error('startEmulator: maxInstances must be an integer >= 1');
    if (!(options.timeoutMs > 0)) throw new Error('startEmulator: timeoutMs must be > 0');
    return new Emulator(options);
}

// ------------------------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: node runtime-emulator.mjs [options] -- COMMAND [ARGS...]

Runs COMMAND as a Lambda custom runtime behind an emulated Runtime API (${RUNTIME_API_VERSION}) and invokes it.

  --event FILE          the event (JSON file; "-" reads stdin); default {}
  --count N             number of invocations (default 1)
  --concurrency C       invocations in flight at once (default 1)
  --max-instances N     execution environments (default: the concurrency)
  --timeout-ms MS       function timeout (default ${DEFAULT_TIMEOUT_MS})
  --stream              invoke with response streaming (InvokeWithResponseStream)
  --prewarm             start the instances before the clock starts (cold starts reported apart)
  --env KEY=VALUE       extra environment for the function (repeatable)
  --inherit-env         pass this shell's whole environment to the function
  --quiet               do not copy the function's output to stderr
  --json                print the summary as JSON on stdout (default for --count > 1)

With --count 1 the response body goes to stdout and a summary to stderr. Exit status: 0 when every
invocation answered without a function error, 1 otherwise, 2 for bad usage.`;

function percentile(sorted, p) {
    if (sorted.length === 0) return null;
    const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return Math.round(sorted[idx] * 100) / 100;
}

async function main(argv) {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                event: { type: 'string' },
                count: { type: 'string', default: '1' },
                concurrency: { type: 'string', default: '1' },
                'max-instances': { type: 'string' },
                'timeout-ms': { type: 'string', default: String(DEFAULT_TIMEOUT_MS) },
                stream: { type: 'boolean', default: false },
                prewarm: { type: 'boolean', default: false },
                env: { type: 'string', multiple: true, default: [] },
                'inherit-env': { type: 'boolean', default: false },
                quiet: { type: 'boolean', default: false },
                json: { type: 'boolean', default: false },
                help: { type: 'boolean', short: 'h', default: false },
            },
        });
    } catch (err) {
        console.error(`runtime-emulator: ${err.message}\n\n${USAGE}`);
        return 2;
    }
    const { values: v, positionals } = parsed;
    if (v.help) {
        console.log(USAGE);
        return 0;
    }
    if (positionals.length === 0) {
        console.error(`runtime-emulator: no command given\n\n${USAGE}`);
        return 2;
    }
    const int = (name, min) => {
        const n = Number(v[name]);
        if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
        return n;
    };
    let count, concurrency, timeoutMs, maxInstances, event;
    const env = {};
    try {
        count = int('count', 1);
        concurrency = int('concurrency', 1);
        timeoutMs = int('timeout-ms', 1);
        maxInstances = v['max-instances'] !== undefined ? int('max-instances', 1) : concurrency;
        for (const kv of v.env) {
            const eq = kv.indexOf('=');
            if (eq <= 0) throw new Error(`--env expects KEY=VALUE, got "${kv}"`);
            env[kv.slice(0, eq)] = kv.slice(eq + 1);
        }
        event = v.event === undefined ? Buffer.from('{}') : readFileSync(v.event === '-' ? 0 : v.event);
        if (v.event !== undefined) JSON.parse(event.toString('utf8'));
    } catch (err) {
        console.error(`runtime-emulator: ${err.message}`);
        return 2;
    }

    const [command, ...args] = positionals;
    const emu = await startEmulator({
        command: command.includes('/') ? resolvePath(command) : command,
        args,
        env,
        inheritEnv: v['inherit-env'],
        maxInstances,
        timeoutMs,
        echoOutput: !v.quiet,
    });
    const stopAndExit = async (signal) => {
        console.error(`runtime-emulator: ${signal}, stopping`);
        await emu.stop();
        process.exit(130);
    };
    process.once('SIGINT', () => stopAndExit('SIGINT'));
    process.once('SIGTERM', () => stopAndExit('SIGTERM'));

    let cpuBaseline = new Map();
    if (v.prewarm) {
        await emu.prewarm(maxInstances);
        for (const inst of emu.liveInstances) cpuBaseline.set(inst, inst.cpuMs() ?? 0);
    }
    const emulatorCpuStart = process.cpuUsage();
    const latencies = [];
    const results = [];
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
        while (next < count) {
            next++;
            const started = performance.now();
            let r = await emu.invoke(event, { timeoutMs, stream: v.stream });
            if (r.streaming && r.chunks) {
                for await (const _ of r.chunks) {
                    /* drain */
                }
                r = await r.done;
            }
            latencies.push(performance.now() - started);
            results.push(r);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    const wallMs = performance.now() - t0;
    const emulatorCpu = process.cpuUsage(emulatorCpuStart);

    const instances = emu.instances.map((i) => {
        const cpu = i.cpuMs();
        return {
            id: i.id,
            pid: i.pid,
            initDurationMs: i.initDurationMs,
            invocations: i.invocations.length,
            cpuMs: cpu === null ? null : Math.round((cpu - (cpuBaseline.get(i) ?? 0)) * 100) / 100,
            peakRssKb: i.memoryKb()?.peakRssKb ?? null,
            exitCode: i.exitCode,
            signal: i.signal,
            violations: i.violations.length,
        };
    });
    const violations = emu.violations();
    await emu.stop();

    const errorTypes = {};
    for (const r of results) if (r.errorType) errorTypes[r.errorType] = (errorTypes[r.errorType] ?? 0) + 1;
    const sorted = [...latencies].sort((a, b) => a - b);
    const functionCpuMs = instances.reduce((s, i) => s + (i.cpuMs ?? 0), 0);
    const summary = {
        invocations: results.length,
        responses: results.filter((r) => r.kind === 'response' && !r.errorType).length,
        errors: results.filter((r) => r.kind === 'error' || (r.kind === 'response' && r.errorType)).length,
        timeouts: results.filter((r) => r.kind === 'timeout').length,
        errorTypes,
        wallMs: Math.round(wallMs * 100) / 100,
        invocationsPerSecond: Math.round((results.length / (wallMs / 1000)) * 10) / 10,
        latencyMs: {
            min: percentile(sorted, 0),
            p50: percentile(sorted, 50),
            p90: percentile(sorted, 90),
            p99: percentile(sorted, 99),
            max: percentile(sorted, 100),
            mean: sorted.length ? Math.round((sorted.reduce((a, b) => a + b, 0) / sorted.length) * 100) / 100 : null,
        },
        prewarmed: v.prewarm,
        functionCpuMs: Math.round(functionCpuMs * 100) / 100,
        functionCpuMsPerInvocation: results.length ? Math.round((functionCpuMs / results.length) * 1000) / 1000 : null,
        emulatorCpuMs: Math.round((emulatorCpu.user + emulatorCpu.system) / 10) / 100,
        instances,
        violations,
    };
    if (count === 1 && !v.json) {
        const r = results[0];
        process.stdout.write(r.body ?? Buffer.alloc(0));
        if (r.body?.length && r.body[r.body.length - 1] !== 0x0a && process.stdout.isTTY) process.stdout.write('\n');
        const { kind, requestId, streaming, errorType, errorMessage, durationMs } = r;
        console.error(JSON.stringify({ kind, requestId, streaming, errorType, errorMessage, durationMs, instance: instances[0] ?? null, violations }));
    } else {
        console.log(JSON.stringify(summary, null, 2));
    }
    return summary.errors === 0 && summary.timeouts === 0 ? 0 : 1;
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            console.error(`runtime-emulator: ${err.stack ?? err}`);
            process.exit(1);
        },
    );
}

