// invoke-shim.mjs: Lambda's Invoke API on 127.0.0.1, for registered tools (server/stores/lambda_tools.c) without AWS.
//
//   import { startInvokeShim } from './invoke-shim.mjs';
//   const shim = await startInvokeShim({ region, keys, functions: {
//       'node-tools': { node: handlerFunction },                                   // in this process
//       'py-tools':   { python: { file: '/abs/handler.py', handler: 'handler' } },  // python-runner.py, one process per invoke
//       'c-tools':    { emulator },                                                 // a custom runtime (C) behind runtime-emulator.mjs
//       'busy':       { node: fn, reservedConcurrency: 0 },                         // always throttled (429)
//       'short':      { node: fn, timeoutMs: 500 },                                 // Lambda's own function timeout
//   } });
//   shim.endpoint; shim.invocations; shim.refused; shim.timings (ms per request, for make bench); await shim.stop();
//
// What it does, as AWS's Invoke API does (Lambda API reference, "Invoke"):
// - POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=q], FunctionName a name, a partial ARN
//   (account:function:name) or an ARN (arn:aws:lambda:region:account:function:name[:qualifier]);
// - verifies every request's SigV4 signature (service "lambda") by signing it again with @smithy/signature-v4
//   (sigv4-verify.mjs); a bad one is 403 with x-amzn-ErrorType, and is counted in shim.refused;
// - X-Amz-Client-Context: base64 JSON of at most 3,583 bytes, else 400 (InvalidRequestContentException); the
//   handler sees it as context.clientContext (Node) or context.client_context (Python), as Lambda's runtimes do;
// - only RequestResponse; the event is the body (JSON);
// - a handler that throws: 200 with X-Amz-Function-Error: Unhandled and the runtime's error object (Node:
//   errorType, errorMessage, trace; Python: errorType, errorMessage, stackTrace); a handler that outlives the
//   function's timeout: the same with "Task timed out after N seconds";
// - reservedConcurrency 0: 429 TooManyRequestsException; unknown function: 404 ResourceNotFoundException.
// Every accepted invocation is recorded in shim.invocations: { function, qualifier, event, clientContext, at }.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { verifySigV4 } from './sigv4-verify.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const CLIENT_CONTEXT_MAX = 3583;

function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': crypto.randomUUID(), ...headers });
    res.end(text);
}

function awsError(res, status, type, message, extra = {}) {
    send(res, status, { Type: 'User', message, ...extra }, { 'x-amzn-errortype': type });
}

/** name, qualifier from the path's FunctionName (decoded) and the ?Qualifier. */
function parseFunction(raw, qualifier) {
    const arn = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(raw);
    if (arn) return { name: arn[1], qualifier: qualifier ?? arn[2] };
    const partial = /^\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(raw);
    if (partial) return { name: partial[1], qualifier: qualifier ?? partial[2] };
    const plain = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(raw);
    if (plain) return { name: plain[1], qualifier: qualifier ?? plain[2] };
    return null;
}

function runPython({ file, handler }, event, context) {
    return new Promise((ok, fail) => {
        const child = spawn('python3', [join(here, 'python-runner.py'), file, handler], { stdio: ['pipe', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('error', fail);
        child.on('close', (code) => {
            try {
                const r = JSON.parse(out.trim().split('\n').pop());
                if (r.error) {
                    const e = new Error(r.error.errorMessage);
                    e.lambdaError = r.error;
                    fail(e);
                } else ok(r.result);
            } catch {
                fail(new Error(`python runner exited ${code} without a result`));
            }
        });
        child.stdin.end(JSON.stringify({ event, context }));
        context.kill = () => child.kill('SIGKILL');
    });
}

/** A custom runtime behind the Runtime API emulator: the client context goes in Lambda-Runtime-Client-Context, as JSON. */
async function runEmulated(emulator, event, context, timeoutMs) {
    const r = await emulator.invoke(event, { timeoutMs, requestId: context.awsRequestId, clientContext: context.clientContext ? JSON.stringify(context.clientContext) : undefined });
    if (r.kind === 'response') return JSON.parse(r.body.toString('utf8'));
    const e = new Error(r.error?.errorMessage ?? r.kind);
    e.lambdaError = r.error ?? { errorType: 'Runtime', errorMessage: r.kind };
    throw e;
}

export async function startInvokeShim({ region = 'ap-southeast-2', keys, functions, account = '123456789012' }) {
    const invocations = [];
    const refused = [];
    const timings = []; // ms from a request's last byte to its answer, per request (make bench: the target's share)
    const server = createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const began = process.hrtime.bigint();
            handle(req, res, Buffer.concat(chunks))
                .catch((err) => awsError(res, 500, 'ServiceException', String(err)))
                .finally(() => timings.push(Number(process.hrtime.bigint() - began) / 1e6));
        });
    });
    async function handle(req, res, body) {
        const v = await verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, { region, service: 'lambda', keys });
        if (!v.ok) {
            refused.push({ url: req.url, type: v.type, message: v.message });
            return awsError(res, v.status, v.type, v.message);
        }
        const u = new URL(req.url, 'http://shim');
        const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(u.pathname);
        if (req.method !== 'POST' || !m) return awsError(res, 404, 'UnknownOperationException', 'Unknown operation');
        const fn = parseFunction(decodeURIComponent(m[1]), u.searchParams.get('Qualifier') ?? undefined);
        const def = fn && functions[fn.name];
        if (!def) return awsError(res, 404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:${region}:${account}:function:${fn?.name ?? m[1]}`);
        const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
        if (type !== 'RequestResponse') return awsError(res, 400, 'InvalidParameterValueException', `this shim only does RequestResponse, not ${type}`);
        let clientContext;
        const cc = req.headers['x-amz-client-context'];
        if (cc !== undefined) {
            if (cc.length > CLIENT_CONTEXT_MAX) {
                return awsError(res, 400, 'InvalidRequestContentException', `Client context must be at most ${CLIENT_CONTEXT_MAX} bytes of base64 (was ${cc.length})`);
            }
            try {
                clientContext = JSON.parse(Buffer.from(cc, 'base64').toString('utf8'));
            } catch {
                return awsError(res, 400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
            }
        }
        let event;
        try {
            event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
        } catch {
            return awsError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
        }
        if (def.reservedConcurrency === 0) {
            return awsError(res, 429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
        }
        const requestId = crypto.randomUUID();
        invocations.push({ function: fn.name, qualifier: fn.qualifier, event, clientContext, headers: req.headers, at: Date.now() });
        const timeoutMs = def.timeoutMs ?? 3000;
        const deadlineMs = Date.now() + timeoutMs;
        const context = {
            functionName: fn.name,
            functionVersion: fn.qualifier ?? '$LATEST',
            invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${fn.name}${fn.qualifier ? `:${fn.qualifier}` : ''}`,
            awsRequestId: requestId,
            clientContext,
            deadlineMs,
            getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
        };
        let timer;
        const timedOut = new Promise((ok) => (timer = setTimeout(() => ok({ timedOut: true }), timeoutMs)));
        const run = (async () => (def.python ? runPython(def.python, event, context) : def.emulator ? runEmulated(def.emulator, event, context, timeoutMs) : def.node(event, context)))().then(
            (result) => ({ result }),
            (error) => ({ error }),
        );
        const r = await Promise.race([run, timedOut]);
        clearTimeout(timer);
        const headers = { 'x-amz-executed-version': fn.qualifier ?? '$LATEST' };
        if (r.timedOut) {
            context.kill?.();
            const at = new Date().toISOString();
            return send(res, 200, { errorMessage: `${at} ${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` }, { ...headers, 'x-amz-function-error': 'Unhandled' });
        }
        if (r.error) {
            const e = r.error;
            const payload = e.lambdaError ?? { errorType: e.name ?? 'Error', errorMessage: e.message ?? String(e), trace: String(e.stack ?? '').split('\n') };
            return send(res, 200, payload, { ...headers, 'x-amz-function-error': 'Unhandled' });
        }
        return send(res, 200, JSON.stringify(r.result === undefined ? null : r.result), headers);
    }
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    return {
        endpoint,
        invocations,
        refused,
        timings,
        stop: () =>
            new Promise((ok) => {
                server.closeAllConnections?.();
                server.close(() => ok());
            }),
    };
}
