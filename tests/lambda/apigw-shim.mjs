#!/usr/bin/env node
// apigw-shim.mjs: an API Gateway / Lambda Function URL stand-in. An HTTP server on 127.0.0.1 turns real HTTP
// requests into Lambda proxy events, invokes the function through the Runtime API emulator, and turns the
// function's proxy responses back into HTTP, the way AWS does (../../../shared/reference/aws-reference.md
// §2.2 and §2.4; API Gateway DG "Lambda proxy integrations", "HTTP API Lambda integrations", "Response
// transfer mode"; Lambda DG "Invoking Lambda function URLs").
//
// Formats:
//   rest  REST API, Lambda proxy integration, payload 1.0. Served at /<stage><resourcePath> (default /dev/mcp),
//         like https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/mcp. Other paths: 403
//         {"message":"Missing Authentication Token"}. Request body over 10 MB: 413. Response headers such as
//         WWW-Authenticate are renamed x-amzn-Remapped-<name>. Function error or malformed response: 502
//         {"message": "Internal server error"}; integration timeout (default 29 s): 504
//         {"message": "Endpoint request timed out"}. `stream: true` = responseTransferMode STREAM.
//   http  HTTP API, payload 2.0. Served at /mcp (stage $default). Other paths: 404 {"message":"Not Found"}.
//         Function error or malformed response: 500 {"message":"Internal Server Error"}; integration timeout
//         (default 30 s): 503 {"message":"Service Unavailable"}. No response streaming (AWS has none).
//   url   Lambda Function URL (payload 2.0 with a *.lambda-url.<region>.on.aws domain, routeKey $default).
//         Every path reaches the function. Function error: 502 "Internal Server Error".
//         `stream: true` = InvokeMode RESPONSE_STREAM. With `iam` (AuthType AWS_IAM), every request's SigV4
//         signature is verified by signing it again (sigv4-verify.mjs) and refused with AWS's 403 when it does not
//         hold; the caller's identity reaches the function as requestContext.authorizer.iam.
//
// Where the documentation is silent the choice made here is noted where it is made.
//
// JS API:
//   const shim = await startShim({ emulator, format: 'rest', stage: 'dev', stream: false, base64Bodies: false,
//                                  authorizer: { principalId: 'user-1', tenant: 'acme' } });
//   shim.url  // http://127.0.0.1:PORT/dev/mcp
//   shim.requests  // the last 1000 requests: the event sent, the status answered, why (for 5xx)
//   await shim.stop();
//
// CLI:
//   node tests/lambda/apigw-shim.mjs --format rest --stage dev [--stream] [--max-instances N] -- build/mcp-server
//   prints the endpoint URL on the first line of stdout and serves until SIGINT/SIGTERM. --help lists options.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTokenAuthorizer, renderGatewayResponse } from './apigw-authorizer.mjs';
import { HTTP_INTEGRATION_CONTENT_TYPE, MAX_INVOKE_PAYLOAD_BYTES, newTraceId, startEmulator } from './runtime-emulator.mjs';
import { verifySigV4 } from './sigv4-verify.mjs';

/** API Gateway's request payload limit (REST and HTTP APIs). */
export const MAX_APIGW_BODY_BYTES = 10 * 1024 * 1024;
/** In a streamed response the JSON prelude and its 8-NUL delimiter must come within the first 16 KB. */
export const PRELUDE_LIMIT_BYTES = 16 * 1024;
const DELIMITER = Buffer.alloc(8);

// Request headers that describe the client's connection to API Gateway, not the request; not forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer']);
// REST API: response headers from a Lambda proxy integration that API Gateway renames to x-amzn-Remapped-<name>
// (API GW DG "Amazon API Gateway important notes"; WWW-Authenticate is the one MCP cares about). Content-Type,
// Content-Encoding and the CORS headers pass unchanged.
const REST_REMAPPED = new Set(['authorization', 'connection', 'content-length', 'content-md5', 'date', 'expect', 'host',
    'max-forwards', 'proxy-authenticate', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via', 'www-authenticate']);
// HTTP APIs and Function URLs pass headers through, except those that would break the framing of the response
// to the client (AWS computes its own), which are remapped the same way.
const FRAMING_REMAPPED = new Set(['connection', 'content-length', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
// Content types sent as text when no binary rule applies (HTTP API / Function URL "binary" decision).
const TEXT_TYPES = [/^text\//, /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql)\b/, /^application\/[^;]*\+(json|xml)\b/];

const GATEWAY_ERRORS = {
    rest: {
        failure: [502, '{"message": "Internal server error"}'], // function error, malformed proxy response
        rejected: [500, '{"message": "Internal server error"}'], // Lambda refused the Invoke call (API GW DG: 500)
        timeout: [504, '{"message": "Endpoint request timed out"}'],
        tooLarge: [413, '{"message":"Request Too Long"}'],
        notFound: [403, '{"message":"Missing Authentication Token"}'],
    },
    http: {
        failure: [500, '{"message":"Internal Server Error"}'],
        rejected: [500, '{"message":"Internal Server Error"}'],
        timeout: [503, '{"message":"Service Unavailable"}'],
        tooLarge: [413, '{"message":"Request Entity Too Large"}'],
        notFound: [404, '{"message":"Not Found"}'],
    },
    url: {
        failure: [502, 'Internal Server Error', 'text/plain'],
        rejected: [413, `{"Message":"Request must be smaller than ${MAX_INVOKE_PAYLOAD_BYTES} bytes for the InvokeFunction operation"}`],
        timeout: [502, 'Internal Server Error', 'text/plain'],
        tooLarge: [413, `{"Message":"Request must be smaller than ${MAX_INVOKE_PAYLOAD_BYTES} bytes for the InvokeFunction operation"}`],
        notFound: [404, '{"message":"Not Found"}'],
    },
};

const alnum = (n) => {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from(randomBytes(n), (b) => chars[b % chars.length]).join('');
};

/** 12/Mar/2020:19:03:58 +0000, the requestTime / time format of both payload versions. */
function clfTime(ms) {
    const d = new Date(ms);
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
    const p = (n) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function decodeComponent(s) {
    try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
        return s;
    }
}

/** [[name, value], ...] of a raw query string, in order. */
function parseQuery(raw) {
    if (raw === '') return [];
    return raw.split('&').filter((p) => p !== '').map((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? [decodeComponent(p), ''] : [decodeComponent(p.slice(0, eq)), decodeComponent(p.slice(eq + 1))];
    });
}

/** The client's headers as [[name as sent, value], ...], without hop-by-hop headers. */
function clientHeaders(req) {
    const out = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i];
        if (!HOP_BY_HOP.has(name.toLowerCase())) out.push([name, req.rawHeaders[i + 1]]);
    }
    return out;
}

/** Group [[name, value], ...] case-insensitively, keeping the first spelling of each name. */
function groupHeaders(pairs) {
    const groups = new Map();
    for (const [name, value] of pairs) {
        const key = name.toLowerCase();
        if (!groups.has(key)) groups.set(key, { name, values: [] });
        groups.get(key).values.push(value);
    }
    return groups;
}

function isTextType(contentType) {
    const ct = String(contentType ?? '').toLowerCase().trim();
    return TEXT_TYPES.some((re) => re.test(ct));
}

function matchesMediaType(contentType, patterns) {
    const ct = String(contentType ?? '').toLowerCase().split(';')[0].trim();
    return patterns.some((p) => {
        const pat = p.toLowerCase();
        if (pat === '*/*') return true;
        if (pat.endsWith('/*')) return ct.startsWith(pat.slice(0, -1));
        return ct === pat;
    });
}

const isScalar = (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Validate the response metadata (a buffered proxy response or a streaming prelude) and collect its headers as
 * [[name, value], ...]. Throws Error(reason) when API Gateway would call it malformed.
 */
function responseHeaders(obj, { allowMultiValue, allowCookies }) {
    const pairs = [];
    if (obj.headers !== undefined && obj.headers !== null) {
        if (!isPlainObject(obj.headers)) throw new Error('"headers" is not an object');
        for (const [k, v] of Object.entries(obj.headers)) {
            if (!isScalar(v)) throw new Error(`header "${k}" is not a string`);
        }
    }
    const multi = obj.multiValueHeaders;
    if (multi !== undefined && multi !== null) {
        if (!allowMultiValue) throw new Error('"multiValueHeaders" is not part of this payload format');
        if (!isPlainObject(multi)) throw new Error('"multiValueHeaders" is not an object');
        for (const [k, v] of Object.entries(multi)) {
            if (!Array.isArray(v) || !v.every(isScalar)) throw new Error(`multiValueHeaders "${k}" is not an array of strings`);
        }
    }
    // "If you specify values for both headers and multiValueHeaders, API Gateway merges them into a single
    // list. If the same key-value pair is specified in both, only the values from multiValueHeaders will
    // appear in the merged list."
    const multiKeys = new Set(Object.keys(multi ?? {}).map((k) => k.toLowerCase()));
    for (const [k, v] of Object.entries(obj.headers ?? {})) {
        if (!multiKeys.has(k.toLowerCase())) pairs.push([k, String(v)]);
    }
    for (const [k, values] of Object.entries(multi ?? {})) for (const v of values) pairs.push([k, String(v)]);
    if (obj.cookies !== undefined && obj.cookies !== null) {
        if (!allowCookies) throw new Error('"cookies" is not part of this payload format');
        if (!Array.isArray(obj.cookies) || !obj.cookies.every((c) => typeof c === 'string')) throw new Error('"cookies" is not an array of strings');
        for (const c of obj.cookies) pairs.push(['Set-Cookie', c]);
    }
    return pairs;
}

function checkStatus(code, { required }) {
    if (code === undefined || code === null) {
        if (required) throw new Error('"statusCode" is missing');
        return 200;
    }
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new Error(`"statusCode" ${JSON.stringify(code)} is not an HTTP status`);
    return code;
}

/**
 * Turn a buffered function result into { status, headers: [[n, v]...], body: Buffer }. Throws Error(reason)
 * for a response API Gateway would refuse.
 */
export function proxyResponseToHttp(format, payload) {
    let obj;
    try {
        obj = JSON.parse(payload.toString('utf8'));
    } catch {
        throw new Error(`the function's response is not JSON (${payload.length} bytes, starting ${JSON.stringify(payload.subarray(0, 40).toString('latin1'))})`);
    }
    if (format !== 'rest' && !(isPlainObject(obj) && 'statusCode' in obj)) {
        // Payload 2.0: "If your function returns valid JSON and doesn't return a statusCode", the status is
        // 200, the content type application/json and the body the function's response, as returned.
        return { status: 200, headers: [['Content-Type', 'application/json']], body: payload };
    }
    if (!isPlainObject(obj)) throw new Error('the function\'s response is not a JSON object');
    const status = checkStatus(obj.statusCode, { required: true });
    const headers = responseHeaders(obj, { allowMultiValue: format === 'rest', allowCookies: format !== 'rest' });
    if (obj.body !== undefined && obj.body !== null && typeof obj.body !== 'string') throw new Error('"body" is not a string');
    if (obj.isBase64Encoded !== undefined && obj.isBase64Encoded !== null && typeof obj.isBase64Encoded !== 'boolean') {
        throw new Error('"isBase64Encoded" is not a boolean');
    }
    const text = obj.body ?? '';
    const body = obj.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
    return { status, headers, body };
}

/** Parse a streaming prelude (the JSON before the 8 NUL bytes). Throws Error(reason). */
export function preludeToHttp(format, prelude) {
    let obj;
    try {
        obj = JSON.parse(prelude.toString('utf8'));
    } catch {
        throw new Error('the streaming prelude is not JSON');
    }
    if (!isPlainObject(obj)) throw new Error('the streaming prelude is not a JSON object');
    const status = checkStatus(obj.statusCode, { required: false });
    const headers = responseHeaders(obj, { allowMultiValue: true, allowCookies: true });
    return { status, headers };
}

/** Apply the remapping and defaults AWS applies to response headers; returns [[n, v], ...]. */
function finalHeaders(format, pairs) {
    const remap = format === 'rest' ? REST_REMAPPED : FRAMING_REMAPPED;
    const out = pairs.map(([n, v]) => (remap.has(n.toLowerCase()) ? [`x-amzn-Remapped-${n}`, v] : [n, v]));
    if (!out.some(([n]) => n.toLowerCase() === 'content-type')) out.push(['Content-Type', 'application/json']);
    return out;
}

function setHeaders(res, pairs) {
    const groups = groupHeaders(pairs);
    for (const { name, values } of groups.values()) res.setHeader(name, values.length === 1 ? values[0] : values);
}

/**
 * Start a shim in front of an emulator.
 * @param {object} o
 * @param {import('./runtime-emulator.mjs').Emulator} o.emulator
 * @param {'rest'|'http'|'url'} [o.format='rest']
 * @param {string} [o.stage]                 rest: 'dev'; http: '$default' (a named stage prefixes rawPath)
 * @param {boolean} [o.stream=false]         response streaming (rest: STREAM transfer mode; url: RESPONSE_STREAM)
 * @param {boolean|'auto'} [o.base64Bodies]  true: every request body base64 with isBase64Encoded; false: text;
 *                                           'auto' (default for http/url): base64 unless the content type is
 *                                           text-like. rest default: false, or binaryMediaTypes match
 * @param {string[]} [o.binaryMediaTypes=[]] rest: content types API Gateway treats as binary ('*\/*' = all)
 * @param {object} [o.authorizer]            Lambda authorizer result: { principalId, ...context }. rest:
 *                                           requestContext.authorizer {principalId, context values as strings};
 *                                           http: requestContext.authorizer.lambda {context}; url: only
 *                                           { iam: {...} } is used (AWS_IAM auth)
 * @param {object} [o.iam]                   url: AuthType AWS_IAM. { keys: (a function returning) [{ accessKeyId, secretAccessKey,
 *                                           sessionToken?, expired?, allowed? (false: a principal the function's
 *                                           policy does not name), accountId, userArn, userId, callerId?,
 *                                           principalOrgId? }], service: 'lambda' }
 * @param {number} [o.timeoutMs=30000]       the function timeout used for each invoke
 * @param {number} [o.integrationTimeoutMs]  rest 29000, http 30000, url: none
 * @param {string} [o.resourcePath='/mcp']   the resource (rest) / route path (http)
 * @param {string} [o.routeKey]              http: 'ANY /mcp' (use '$default' to route every path)
 * @param {object} [o.lambdaAuthorizer]      rest: a Lambda TOKEN authorizer in front of the endpoint, run for real
 *                                           (apigw-authorizer.mjs): { emulator, validationRegex, resultTtlSeconds,
 *                                           timeoutMs }; its context becomes requestContext.authorizer
 * @param {object} [o.gatewayResponses]      rest: { UNAUTHORIZED|ACCESS_DENIED|...: { statusCode, headers, template } }
 * @param {object} [o.mockRoutes]            rest: { '<path as the client sends it>': { statusCode, headers, body } }
 *                                           answered by API Gateway itself for GET (a mock integration, no auth)
 * @param {string} [o.apiId] @param {string} [o.domainName] @param {string} [o.region] @param {string} [o.accountId]
 * @param {number} [o.port=0] @param {(msg:string)=>void} [o.log]
 */
export async function startShim(o) {
    const emulator = o?.emulator;
    if (!emulator || typeof emulator.invoke !== 'function') throw new Error('startShim: `emulator` is required');
    const format = o.format ?? 'rest';
    if (!['rest', 'http', 'url'].includes(format)) throw new Error(`startShim: unknown format "${format}" (rest, http or url)`);
    const stream = Boolean(o.stream);
    if (format === 'http' && stream) {
        throw new Error('startShim: HTTP APIs cannot stream responses; use format "rest" (STREAM) or "url" (RESPONSE_STREAM)');
    }
    const region = o.region ?? emulator.options?.region ?? 'us-east-1';
    const accountId = o.accountId ?? emulator.options?.accountId ?? '123456789012';
    const stage = o.stage ?? (format === 'rest' ? 'dev' : '$default');
    if (format === 'rest' && !/^[A-Za-z0-9_-]{1,128}$/.test(stage)) throw new Error(`startShim: invalid stage name "${stage}"`);
    const resourcePath = o.resourcePath ?? '/mcp';
    const apiId = o.apiId ?? alnum(10);
    const domainPrefix = format === 'url' ? (o.apiId ?? alnum(32)) : apiId;
    const domainName = o.domainName ?? (format === 'url' ? `${domainPrefix}.lambda-url.${region}.on.aws` : `${apiId}.execute-api.${region}.amazonaws.com`);
    const routeKey = format === 'url' ? '$default' : (o.routeKey ?? `ANY ${resourcePath}`);
    const base64Bodies = o.base64Bodies ?? (format === 'rest' ? false : 'auto');
    const binaryMediaTypes = o.binaryMediaTypes ?? [];
    const authorizer = o.authorizer ?? null;
    const iam = o.iam ?? null;
    if (iam && format !== 'url') throw new Error('startShim: `iam` (AWS_IAM) is the Function URL auth type; use format "url"');
    if ((o.lambdaAuthorizer || o.mockRoutes) && format !== 'rest') throw new Error('startShim: lambdaAuthorizer and mockRoutes are for format "rest"');
    const tokenAuthorizer = o.lambdaAuthorizer ? createTokenAuthorizer(o.lambdaAuthorizer) : null;
    const mockRoutes = o.mockRoutes ?? {};
    const timeoutMs = o.timeoutMs ?? 30_000;
    const integrationTimeoutMs = o.integrationTimeoutMs ?? (format === 'rest' ? 29_000 : format === 'http' ? 30_000 : Infinity);
    const log = o.log ?? (() => {});
    const errors = GATEWAY_ERRORS[format];
    // The path a client uses: REST puts the stage first; an HTTP API only for a named stage.
    const stagePrefix = format === 'rest' || (format === 'http' && stage !== '$default') ? `/${stage}` : '';
    const endpointPath = `${stagePrefix}${resourcePath}`;
    const requests = [];

    function record(entry) {
        requests.push(entry);
        if (requests.length > 1000) requests.shift();
    }

    function gatewayError(res, rec, which, reason) {
        const [status, body, type = 'application/json'] = errors[which];
        rec.status = status;
        rec.reason = reason;
        if (status >= 500) log(`${format} ${rec.method} ${rec.path}: ${status}: ${reason}`);
        if (res.headersSent) {
            res.destroy();
            return;
        }
        addGatewayHeaders(res, rec);
        res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
    }

    function addGatewayHeaders(res, rec) {
        if (format === 'rest') {
            res.setHeader('x-amzn-RequestId', rec.apigwRequestId);
            res.setHeader('x-amz-apigw-id', rec.extendedRequestId);
            res.setHeader('X-Amzn-Trace-Id', rec.traceRoot);
        } else if (format === 'http') {
            res.setHeader('Apigw-Requestid', rec.apigwRequestId);
        } else {
            res.setHeader('x-amzn-RequestId', rec.lambdaRequestId);
            res.setHeader('X-Amzn-Trace-Id', rec.traceRoot);
        }
    }

    function buildEvent(req, rec, rawPath, rawQuery, body, authorizer) {
        const now = rec.startedAt;
        const sourceIp = String(req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
        const headerPairs = clientHeaders(req);
        const groups = groupHeaders(headerPairs);
        const xff = groups.get('x-forwarded-for')?.values.join(', ');
        // Added by API Gateway / the Function URL front end. Host becomes AWS's own domain.
        const added = [
            ['Host', domainName],
            ['X-Amzn-Trace-Id', rec.traceRoot],
            ['X-Forwarded-For', xff ? `${xff}, ${sourceIp}` : sourceIp],
            ['X-Forwarded-Port', '443'],
            ['X-Forwarded-Proto', 'https'],
        ];
        const addedKeys = new Set(added.map(([n]) => n.toLowerCase()));
        const pairs = [...headerPairs.filter(([n]) => !addedKeys.has(n.toLowerCase())), ...added];
        const contentType = groups.get('content-type')?.values.at(-1);
        const userAgent = groups.get('user-agent')?.values.at(-1) ?? null;

        let binary;
        if (base64Bodies === true) binary = true;
        else if (base64Bodies === false) binary = format === 'rest' && matchesMediaType(contentType, binaryMediaTypes);
        else binary = format === 'rest' ? matchesMediaType(contentType, binaryMediaTypes) : contentType !== undefined && !isTextType(contentType);
        const hasBody = body.length > 0;
        const bodyText = !hasBody ? null : binary ? body.toString('base64') : body.toString('utf8');

        const query = parseQuery(rawQuery);
        if (format === 'rest') {
            const headers = {};
            const multiValueHeaders = {};
            for (const { name, values } of groupHeaders(pairs).values()) {
                headers[name] = values.at(-1);
                multiValueHeaders[name] = values;
            }
            let qs = null;
            let mqs = null;
            if (query.length > 0) {
                qs = {};
                mqs = {};
                for (const [k, v] of query) {
                    qs[k] = v;
                    (mqs[k] ??= []).push(v);
                }
            }
            const requestContext = {
                resourceId: rec.resourceId,
                resourcePath,
                httpMethod: req.method,
                extendedRequestId: rec.extendedRequestId,
                requestTime: clfTime(now),
                path: rawPath,
                accountId,
                protocol: `HTTP/${req.httpVersion}`,
                stage,
                domainPrefix: apiId,
                requestTimeEpoch: now,
                requestId: rec.apigwRequestId,
                identity: {
                    cognitoIdentityPoolId: null, accountId: null, cognitoIdentityId: null, caller: null, sourceIp,
                    principalOrgId: null, accessKey: null, cognitoAuthenticationType: null,
                    cognitoAuthenticationProvider: null, userArn: null, userAgent, user: null,
                },
                domainName,
                apiId,
            };
            if (authorizer) {
                // A Lambda authorizer's context reaches a proxy integration with its values as strings.
                const ctx = {};
                for (const [k, v] of Object.entries(authorizer)) ctx[k] = k === 'principalId' ? v : isScalar(v) ? String(v) : JSON.stringify(v);
                requestContext.authorizer = { ...ctx, integrationLatency: 0 };
            }
            return {
                resource: resourcePath,
                path: rawPath.slice(stagePrefix.length) || '/',
                httpMethod: req.method,
                headers,
                multiValueHeaders,
                queryStringParameters: qs,
                multiValueQueryStringParameters: mqs,
                pathParameters: null,
                stageVariables: null,
                requestContext,
                body: bodyText,
                isBase64Encoded: hasBody && binary,
            };
        }

        // Payload 2.0 (HTTP API and Function URL).
        const headers = {};
        const cookies = [];
        for (const [key, { values }] of groupHeaders(pairs)) {
            if (key === 'cookie') {
                for (const v of values) for (const c of v.split(';')) if (c.trim() !== '') cookies.push(c.trim());
                continue;
            }
            headers[key] = values.join(',');
        }
        const event = { version: '2.0', routeKey, rawPath, rawQueryString: rawQuery };
        if (cookies.length > 0) event.cookies = cookies;
        event.headers = headers;
        if (query.length > 0) {
            const qs = {};
            for (const [k, v] of query) qs[k] = k in qs ? `${qs[k]},${v}` : v;
            event.queryStringParameters = qs;
        }
        const requestContext = {
            accountId: format === 'url' ? 'anonymous' : accountId,
            apiId: format === 'url' ? domainPrefix : apiId,
        };
        if (format === 'url') requestContext.authentication = null;
        if (format === 'http' && authorizer) {
            const { principalId: _ignored, ...context } = authorizer;
            requestContext.authorizer = { lambda: context };
        }
        const callerIam = rec.iam ?? authorizer?.iam;
        if (format === 'url' && callerIam) {
            requestContext.accountId = callerIam.accountId ?? accountId;
            requestContext.authorizer = { iam: callerIam };
        }
        Object.assign(requestContext, {
            domainName,
            domainPrefix,
            http: { method: req.method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: userAgent ?? '' },
            requestId: format === 'url' ? rec.lambdaRequestId : rec.apigwRequestId,
            routeKey,
            stage,
            time: clfTime(now),
            timeEpoch: now,
        });
        event.requestContext = requestContext;
        if (hasBody) event.body = bodyText;
        event.isBase64Encoded = hasBody && binary;
        return event;
    }

    /**
     * AWS_IAM: verify the request's signature (and that the principal may invoke); on success the caller's identity
     * goes into rec.iam, otherwise the 403 AWS answers is sent. Returns whether the request may go on.
     */
    async function checkSignature(req, res, rec, body) {
        const keys = typeof iam.keys === 'function' ? iam.keys() : iam.keys;
        const v = await verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, { region, service: iam.service ?? 'lambda', keys });
        let refusal = v.ok ? null : v;
        if (v.ok && v.key.allowed === false) {
            // signed correctly, but neither lambda:InvokeFunctionUrl nor lambda:InvokeFunction is granted to it
            refusal = { status: 403, type: 'AccessDeniedException', message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' };
        }
        rec.signature = refusal ? `${refusal.type}: ${refusal.message}` : 'valid';
        if (refusal) {
            rec.status = refusal.status;
            rec.reason = rec.signature;
            log(`${format} ${rec.method} ${rec.path}: ${refusal.status}: ${rec.signature}`);
            const text = JSON.stringify({ message: refusal.message });
            addGatewayHeaders(res, rec);
            res.writeHead(refusal.status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': refusal.type, 'Content-Length': Buffer.byteLength(text) });
            res.end(text);
            return false;
        }
        const k = v.key;
        rec.iam = {
            accessKey: k.accessKeyId,
            accountId: k.accountId ?? accountId,
            callerId: k.callerId ?? k.userId ?? null,
            cognitoIdentity: null,
            principalOrgId: k.principalOrgId ?? null,
            userArn: k.userArn ?? `arn:aws:iam::${k.accountId ?? accountId}:user/unknown`,
            userId: k.userId ?? null,
        };
        return true;
    }

    /** Write the rest of a streamed response; resolves when the function's stream is over. */
    async function pipeStream(res, rec, leftover) {
        let clientGone = false;
        res.on('close', () => {
            if (!res.writableFinished) clientGone = true;
        });
        const write = (buf) => new Promise((resolve) => {
            if (clientGone || buf.length === 0) return resolve();
            rec.bytesOut += buf.length;
            if (rec.firstBodyAt === null) rec.firstBodyAt = Date.now();
            if (res.write(buf)) return resolve();
            const onDone = () => {
                res.off('drain', onDone);
                res.off('close', onDone);
                resolve();
            };
            res.on('drain', onDone);
            res.on('close', onDone);
        });
        if (leftover) await write(leftover);
        return { write, isGone: () => clientGone };
    }

    async function handleStreaming(res, rec, r) {
        if (!r.streaming) {
            if (format === 'url') {
                // RESPONSE_STREAM with a buffered answer: the payload goes out as it is.
                rec.status = 200;
                addGatewayHeaders(res, rec);
                res.writeHead(200, { 'Content-Type': r.contentType ?? 'application/octet-stream' });
                res.end(r.body);
                return;
            }
            gatewayError(res, rec, 'failure', 'the integration streams (STREAM) but the function sent a buffered response');
            return;
        }
        const raw = format === 'url' && String(r.contentType ?? '').toLowerCase().split(';')[0].trim() !== HTTP_INTEGRATION_CONTENT_TYPE;
        let headBuf = Buffer.alloc(0);
        let out = null;
        if (raw) {
            // A Function URL without the HTTP-integration content type streams the payload verbatim.
            rec.status = 200;
            addGatewayHeaders(res, rec);
            res.writeHead(200, { 'Content-Type': r.contentType ?? 'application/octet-stream' });
            out = await pipeStream(res, rec, null);
        }
        for await (const chunk of r.chunks) {
            if (out) {
                await out.write(chunk);
                continue;
            }
            headBuf = Buffer.concat([headBuf, chunk]);
            const at = headBuf.indexOf(DELIMITER);
            if (at < 0 || at + DELIMITER.length > PRELUDE_LIMIT_BYTES) {
                if (headBuf.length >= PRELUDE_LIMIT_BYTES) {
                    gatewayError(res, rec, 'failure', `no prelude delimiter (8 NUL bytes) within the first ${PRELUDE_LIMIT_BYTES} bytes of the stream`);
                    drain(r);
                    return;
                }
                continue;
            }
            let head;
            try {
                head = preludeToHttp(format, headBuf.subarray(0, at));
                const headers = finalHeaders(format, head.headers);
                res.statusCode = head.status;
                setHeaders(res, headers);
                addGatewayHeaders(res, rec);
                res.flushHeaders();
            } catch (err) {
                gatewayError(res, rec, 'failure', `bad streaming prelude: ${err.message}`);
                drain(r);
                return;
            }
            rec.status = head.status;
            out = await pipeStream(res, rec, headBuf.subarray(at + DELIMITER.length));
        }
        const final = await r.done;
        rec.invocation = summary(final);
        if (!out) {
            gatewayError(res, rec, 'failure', final.kind === 'response'
                ? 'the stream ended before the prelude delimiter (8 NUL bytes)'
                : `the function failed: ${final.kind}: ${final.errorType}: ${final.errorMessage ?? ''}`);
            return;
        }
        if (final.kind !== 'response' || final.errorType) {
            // Headers are out: the only thing left is to cut the response short.
            rec.reason = `stream ended with ${final.kind === 'response' ? 'error trailers' : final.kind}: ${final.errorType}: ${final.errorMessage ?? ''}`;
            log(`${format} ${rec.method} ${rec.path}: ${rec.reason}`);
            res.destroy();
            return;
        }
        res.end();
    }

    function drain(r) {
        (async () => {
            for await (const _ of r.chunks) {
                /* keep reading so the invocation can finish */
            }
        })();
    }

    function summary(r) {
        const { kind, requestId, instanceId, streaming, errorType, errorMessage, rejected } = r;
        return { kind, requestId, instanceId, streaming, errorType, errorMessage, rejected };
    }

    async function handle(req, res) {
        const rec = {
            method: req.method,
            path: req.url,
            startedAt: Date.now(),
            apigwRequestId: format === 'http' ? randomBytes(11).toString('base64') : randomUUID(),
            extendedRequestId: randomBytes(11).toString('base64'),
            lambdaRequestId: randomUUID(),
            resourceId: alnum(6),
            traceRoot: newTraceId().split(';')[0],
            event: null,
            signature: null, // AWS_IAM: 'valid', or why it was refused
            iam: null,
            status: null,
            reason: null,
            invocation: null,
            firstBodyAt: null,
            bytesOut: 0,
        };
        record(rec);
        const q = req.url.indexOf('?');
        const rawPath = q < 0 ? req.url : req.url.slice(0, q);
        const rawQuery = q < 0 ? '' : req.url.slice(q + 1);

        const mock = mockRoutes[rawPath];
        if (mock && req.method === 'GET') {
            // A mock integration: API Gateway answers itself, no authorizer, no function.
            req.resume();
            rec.status = mock.statusCode ?? 200;
            addGatewayHeaders(res, rec);
            res.writeHead(rec.status, { 'Content-Type': 'application/json', ...(mock.headers ?? {}) });
            res.end(mock.body);
            return;
        }
        const routed = format === 'url' || (format === 'http' && routeKey === '$default') || rawPath === endpointPath;
        if (!routed) {
            req.resume();
            gatewayError(res, rec, 'notFound', `no route for ${rawPath}`);
            return;
        }

        // The request body: API Gateway buffers it whole (no request streaming).
        const bodyLimit = format === 'url' ? MAX_INVOKE_PAYLOAD_BYTES : MAX_APIGW_BODY_BYTES;
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > bodyLimit) {
            req.resume();
            gatewayError(res, rec, 'tooLarge', `request body of ${declared} bytes is over ${bodyLimit}`);
            return;
        }
        const chunks = [];
        let size = 0;
        let over = false;
        try {
            for await (const c of req) {
                size += c.length;
                if (size > bodyLimit) over = true;
                if (!over) chunks.push(c);
            }
        } catch {
            rec.reason = 'client aborted the request';
            return;
        }
        if (over) {
            gatewayError(res, rec, 'tooLarge', `request body over ${bodyLimit} bytes`);
            return;
        }
        const body = Buffer.concat(chunks);
        if (iam && !(await checkSignature(req, res, rec, body))) return;
        let authorizerContext = authorizer;
        if (tokenAuthorizer) {
            const methodArn = `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${req.method}${resourcePath}`;
            const decision = await tokenAuthorizer.authorize(clientHeaders(req), methodArn);
            rec.authorizer = decision;
            if (!decision.allow) {
                const g = renderGatewayResponse(o.gatewayResponses, decision);
                rec.status = g.status;
                rec.reason = decision.type;
                addGatewayHeaders(res, rec);
                setHeaders(res, g.headers);
                res.writeHead(g.status, { 'Content-Length': Buffer.byteLength(g.body) });
                res.end(g.body);
                return;
            }
            authorizerContext = decision.context;
        }
        const event = buildEvent(req, rec, rawPath, rawQuery, body, authorizerContext);
        rec.event = event;
        const payload = JSON.stringify(event);

        const invocation = emulator.invoke(payload, {
            timeoutMs,
            stream,
            traceId: `${rec.traceRoot};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
            requestId: rec.lambdaRequestId,
        });
        let timer = null;
        const raced = await Promise.race([
            invocation,
            new Promise((resolve) => {
                if (Number.isFinite(integrationTimeoutMs)) timer = setTimeout(() => resolve(null), integrationTimeoutMs);
            }),
        ]);
        clearTimeout(timer);
        if (raced === null) {
            // API Gateway gives up; the function keeps running until it finishes or times out.
            invocation.then((r) => {
                rec.invocation = summary(r);
                if (r.streaming) drain(r);
            });
            gatewayError(res, rec, 'timeout', `no response within the integration timeout (${integrationTimeoutMs} ms)`);
            return;
        }
        const r = raced;
        rec.invocation = summary(r);
        if (r.rejected) {
            gatewayError(res, rec, 'rejected', `Lambda refused the invocation: ${r.errorMessage}`);
            return;
        }
        if (r.kind !== 'response') {
            gatewayError(res, rec, 'failure', `the function failed: ${r.kind}: ${r.errorType}: ${r.errorMessage ?? ''}`);
            return;
        }
        if (stream) {
            await handleStreaming(res, rec, r);
            return;
        }

        // Buffered integration: wait for the whole response (a streaming function is buffered by Lambda).
        const final = r.streaming ? await r.done : r;
        rec.invocation = summary(final);
        if (final.kind !== 'response' || final.errorType) {
            gatewayError(res, rec, 'failure', `the function failed: ${final.kind}: ${final.errorType}: ${final.errorMessage ?? ''}`);
            return;
        }
        let out;
        try {
            out = proxyResponseToHttp(format, final.body);
            const headers = finalHeaders(format, out.headers);
            res.statusCode = out.status;
            setHeaders(res, headers);
            addGatewayHeaders(res, rec);
            res.setHeader('Content-Length', out.body.length);
        } catch (err) {
            for (const name of res.getHeaderNames()) res.removeHeader(name);
            gatewayError(res, rec, 'failure', `malformed Lambda proxy response: ${err.message}`);
            return;
        }
        rec.status = out.status;
        rec.firstBodyAt = Date.now();
        rec.bytesOut = out.body.length;
        res.end(out.body);
    }

    const server = http.createServer((req, res) => {
        handle(req, res).catch((err) => {
            log(`${format} ${req.method} ${req.url}: shim error: ${err.stack ?? err}`);
            if (!res.headersSent) {
                res.writeHead(500, { 'Content-Type': 'text/plain' });
                res.end(`apigw-shim internal error: ${err.message}`);
            } else {
                res.destroy();
            }
        });
    });
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port ?? 0, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
        });
    });
    const port = server.address().port;
    const origin = `http://127.0.0.1:${port}`;
    return {
        url: `${origin}${endpointPath}`,
        origin,
        port,
        format,
        stage,
        stream,
        domainName,
        apiId: format === 'url' ? domainPrefix : apiId,
        requests,
        tokenAuthorizer,
        server,
        async stop() {
            server.close();
            server.closeAllConnections?.();
        },
    };
}

// ------------------------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: node apigw-shim.mjs [options] -- COMMAND [ARGS...]

Starts COMMAND as a Lambda function behind the Runtime API emulator, and an HTTP endpoint on 127.0.0.1 that
turns requests into API Gateway / Function URL events. Prints the endpoint URL on stdout, serves until
SIGINT or SIGTERM.

  --format rest|http|url     REST API (payload 1.0), HTTP API (2.0) or Function URL (default rest)
  --stage NAME               REST stage (default dev; the URL is /NAME/mcp)
  --stream                   response streaming (rest: STREAM; url: RESPONSE_STREAM)
  --max-instances N          execution environments (default 4)
  --timeout-ms MS            function timeout (default 30000)
  --integration-timeout-ms MS  API Gateway's integration timeout (rest 29000, http 30000)
  --base64-bodies            send every request body base64-encoded (isBase64Encoded: true)
  --authorizer JSON          Lambda authorizer result, e.g. '{"principalId":"user-1","tenant":"acme"}'
  --iam-keys FILE            url: AuthType AWS_IAM; FILE is a JSON array of the credentials the account knows,
                             [{"accessKeyId","secretAccessKey","sessionToken"?,"expired"?,"allowed"?,"accountId",
                             "userArn","userId"}]; every request's SigV4 signature is verified (sigv4-verify.mjs)
  --port N                   listen port (default: any free port)
  --env KEY=VALUE            extra environment for the function (repeatable)
  --inherit-env              pass this shell's whole environment to the function
  --quiet                    do not copy the function's output to stderr`;

async function main(argv) {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                format: { type: 'string', default: 'rest' },
                stage: { type: 'string' },
                stream: { type: 'boolean', default: false },
                'max-instances': { type: 'string', default: '4' },
                'timeout-ms': { type: 'string', default: '30000' },
                'integration-timeout-ms': { type: 'string' },
                'base64-bodies': { type: 'boolean', default: false },
                authorizer: { type: 'string' },
                'iam-keys': { type: 'string' },
                port: { type: 'string', default: '0' },
                env: { type: 'string', multiple: true, default: [] },
                'inherit-env': { type: 'boolean', default: false },
                quiet: { type: 'boolean', default: false },
                help: { type: 'boolean', short: 'h', default: false },
            },
        });
    } catch (err) {
        console.error(`apigw-shim: ${err.message}\n\n${USAGE}`);
        return 2;
    }
    const { values: v, positionals } = parsed;
    if (v.help) {
        console.log(USAGE);
        return 0;
    }
    if (positionals.length === 0) {
        console.error(`apigw-shim: no command given\n\n${USAGE}`);
        return 2;
    }
    const env = {};
    let authorizer, iam;
    const num = (name) => {
        const n = Number(v[name]);
        if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
        return n;
    };
    let maxInstances, timeoutMs, integrationTimeoutMs, port;
    try {
        for (const kv of v.env) {
            const eq = kv.indexOf('=');
            if (eq <= 0) throw new Error(`--env expects KEY=VALUE, got "${kv}"`);
            env[kv.slice(0, eq)] = kv.slice(eq + 1);
        }
        authorizer = v.authorizer === undefined ? undefined : JSON.parse(v.authorizer);
        if (v['iam-keys'] !== undefined) {
            // read for every request, so a test can rotate or expire keys while the shim runs
            const file = v['iam-keys'];
            JSON.parse(readFileSync(file, 'utf8'));
            iam = { keys: () => JSON.parse(readFileSync(file, 'utf8')) };
        }
        maxInstances = num('max-instances');
        timeoutMs = num('timeout-ms');
        integrationTimeoutMs = v['integration-timeout-ms'] === undefined ? undefined : num('integration-timeout-ms');
        port = num('port');
    } catch (err) {
        console.error(`apigw-shim: ${err.message}`);
        return 2;
    }
    const [command, ...args] = positionals;
    const emulator = await startEmulator({
        command: command.includes('/') ? resolvePath(command) : command,
        args,
        env,
        inheritEnv: v['inherit-env'],
        maxInstances: Math.max(1, maxInstances),
        timeoutMs,
        echoOutput: !v.quiet,
    });
    let shim;
    try {
        shim = await startShim({
            emulator,
            format: v.format,
            stage: v.stage,
            stream: v.stream,
            base64Bodies: v['base64-bodies'] ? true : undefined,
            authorizer,
            iam,
            timeoutMs,
            integrationTimeoutMs,
            port,
            log: (msg) => console.error(`[apigw-shim] ${msg}`),
        });
    } catch (err) {
        console.error(`apigw-shim: ${err.message}`);
        await emulator.stop();
        return 2;
    }
    emulator.on('violation', (inst, vio) => console.error(`[apigw-shim] Runtime API ${inst.id}: ${vio.status || 'note'}: ${vio.reason}`));
    emulator.on('exit', (inst, code, signal) => {
        if (emulator.stopped) return;
        const how = signal ?? `status ${code}`;
        console.error(`[apigw-shim] instance ${inst.id} (pid ${inst.pid}) exited: ${how}${inst.killedBy ? ` (killed: ${inst.killedBy})` : ''}`);
    });
    console.log(shim.url);
    console.error(`[apigw-shim] ${v.format}${v.stream ? ' (streaming)' : ''} endpoint ${shim.url} (Host seen by the function: ${shim.domainName})`);
    await new Promise((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
    });
    await shim.stop();
    await emulator.stop();
    return 0;
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            console.error(`apigw-shim: ${err.stack ?? err}`);
            process.exit(1);
        },
    );
}
