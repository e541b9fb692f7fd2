// lib/s3-peer.mjs: a local S3 for ListBuckets: s3rver (pinned in package.json) holding the buckets, behind a
// loopback proxy that does what s3rver does not (../../../../shared/reference/wave2-anchors.md §2, §9):
//   - it verifies every request's Signature Version 4 by signing it again with @smithy/signature-v4
//     (../../lambda/sigv4-verify.mjs, service s3: the path single-encoded), and requires x-amz-content-sha256,
//     signed, equal to the body's SHA-256 (or UNSIGNED-PAYLOAD), as S3 does; refusals are S3's XML errors
//     (SignatureDoesNotMatch, InvalidAccessKeyId, ExpiredToken, InvalidRequest, and AccessDenied for a key whose
//     principal has no s3:ListAllMyBuckets: { allowed: false });
//   - it pages ListBuckets (max-buckets, continuation-token, ContinuationToken), which S3 added in 2024, after
//     s3rver 3.7.1 was released: s3rver's whole list is cut into pages of max-buckets, the token naming the next
//     page as S3's opaque tokens do.
//
//   const s3 = await startS3({ buckets: 1001, keys: [{ accessKeyId, secretAccessKey, sessionToken }] });
//   s3.endpoint   // http://127.0.0.1:PORT/ (MCP_S3_ENDPOINT)
//   s3.requests   // every request: { method, url, query, verdict: 'valid' or the error code, status }
//   await s3.stop();
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifySigV4 } from '../../lambda/sigv4-verify.mjs';

const require = createRequire(new URL('../package.json', import.meta.url));

const S3_ERRORS = {
    UnrecognizedClientException: 'InvalidAccessKeyId',
    ExpiredTokenException: 'ExpiredToken',
    MissingAuthenticationTokenException: 'AccessDenied',
};

function xmlEscape(s) {
    return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function s3Error(res, status, code, message) {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
}

/** One page of s3rver's ListAllMyBucketsResult, cut as S3 pages it. */
function page(xml, maxBuckets, token) {
    const buckets = [...xml.matchAll(/<Bucket>[\s\S]*?<\/Bucket>/g)].map((m) => m[0]);
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^after:/, '')) : 0;
    const slice = buckets.slice(start, start + maxBuckets);
    const next = start + maxBuckets < buckets.length ? Buffer.from(`after:${start + maxBuckets}`).toString('base64url') : null;
    const inner = `<Buckets>${slice.join('')}</Buckets>${next ? `<ContinuationToken>${next}</ContinuationToken>` : ''}`;
    return xml.replace(/<Buckets>[\s\S]*<\/Buckets>|<Buckets\/>/, inner);
}

/**
 * @param {{ buckets?: number, keys: object[], region?: string }} o  keys as sigv4-verify.mjs takes them, plus
 *        allowed: false for a principal without s3:ListAllMyBuckets
 */
export async function startS3({ buckets = 3, keys, region = 'ap-southeast-2' }) {
    const S3rver = require('s3rver');
    const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
    const names = Array.from({ length: buckets }, (_, i) => ({ name: `bucket-${String(i).padStart(5, '0')}` }));
    const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: names });
    const { port: s3rverPort } = await s3rver.run();
    const requests = [];

    const proxy = http.createServer(async (req, res) => {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        const body = Buffer.concat(chunks);
        const rec = { method: req.method, url: req.url, verdict: null, status: null };
        requests.push(rec);
        const refuse = (status, code, message) => {
            rec.verdict = code;
            rec.status = status;
            s3Error(res, status, code, message);
        };
        const v = await verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, { region, service: 's3', keys });
        if (!v.ok) return refuse(403, S3_ERRORS[v.type] ?? 'SignatureDoesNotMatch', v.message);
        const sha = req.headers['x-amz-content-sha256'];
        const signed = /SignedHeaders=([^,]+)/.exec(req.headers.authorization)?.[1].split(';') ?? [];
        if (sha === undefined || !signed.includes('x-amz-content-sha256')) {
            return refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
        }
        if (sha !== 'UNSIGNED-PAYLOAD' && sha !== createHash('sha256').update(body).digest('hex')) {
            return refuse(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        if (v.key.allowed === false) return refuse(403, 'AccessDenied', 'Access Denied');
        const url = new URL(req.url, 'http://s3.local');
        if (req.method !== 'GET' || url.pathname !== '/') return refuse(501, 'NotImplemented', 'This peer serves ListBuckets only');
        const maxBuckets = url.searchParams.has('max-buckets') ? Number(url.searchParams.get('max-buckets')) : Infinity;
        if (!(maxBuckets >= 1 && maxBuckets <= 10000)) return refuse(400, 'InvalidArgument', 'max-buckets must be 1..10000');
        rec.query = Object.fromEntries(url.searchParams);
        // s3rver answers the whole list to anyone; the proxy did the checking
        const upstream = await fetch(`http://127.0.0.1:${s3rverPort}/`);
        const xml = await upstream.text();
        const answer = page(xml, maxBuckets === Infinity ? Number.MAX_SAFE_INTEGER : maxBuckets, url.searchParams.get('continuation-token'));
        rec.verdict = 'valid';
        rec.status = 200;
        res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(answer) });
        res.end(answer);
    });
    await new Promise((ok) => proxy.listen(0, '127.0.0.1', ok));
    return {
        endpoint: `http://127.0.0.1:${proxy.address().port}/`,
        requests,
        stop: async () => {
            await new Promise((ok) => proxy.close(() => ok()));
            await s3rver.close();
            rmSync(directory, { recursive: true, force: true });
        },
    };
}
