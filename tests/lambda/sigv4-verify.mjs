// sigv4-verify.mjs: checks an HTTP request's AWS Signature Version 4 the way an AWS front door does, by signing
// the same request again with @smithy/signature-v4 (the AWS SDK for JavaScript's signer, pinned in
// tests/node/package.json) and comparing. No local AWS peer checks signatures (s3rver and dynalite accept
// anything), so this is what proves that mcp-client and the server sign correctly.
//
//   import { verifySigV4 } from './sigv4-verify.mjs';
//   const v = await verifySigV4({ method, url, headers: req.headers, body }, { region, service, keys });
//   // v.ok: true with v.key (the matching entry of keys), or false with v.status (403), v.type
//   // (x-amzn-ErrorType) and v.message: what AWS answers in that case.
//
// keys: [{ accessKeyId, secretAccessKey, sessionToken?, expired?, ... }]: the credentials the "account" knows.
// Refused as AWS refuses them (the messages are AWS's usual wording for its JSON services):
//   no Authorization / not AWS4-HMAC-SHA256       403 MissingAuthenticationTokenException
//   unknown access key, or a wrong session token   403 UnrecognizedClientException "The security token included in the request is invalid."
//   a key marked expired                            403 ExpiredTokenException "The security token included in the request is expired"
//   scope with another region or service            403 InvalidSignatureException "Credential should be scoped to ..."
//   X-Amz-Date more than 15 minutes off             403 InvalidSignatureException "Signature expired: ..."
//   host or x-amz-date not signed                   403 InvalidSignatureException
//   any other difference (body, a signed header)    403 InvalidSignatureException "The request signature we calculated does not match ..."
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';

// tests/node holds the pinned npm packages; this directory has none of its own.
const requireFromTestsNode = createRequire(new URL('../node/package.json', import.meta.url));
let SignatureV4;

function loadSigner() {
    if (!SignatureV4) {
        try {
            ({ SignatureV4 } = requireFromTestsNode('@smithy/signature-v4'));
        } catch (err) {
            throw new Error(`@smithy/signature-v4 is missing: run "make node-deps" (${err.message})`);
        }
    }
    return SignatureV4;
}

/** The Sha256 class @smithy/signature-v4 wants (hash, or HMAC when given a secret), on node:crypto. */
class Sha256 {
    constructor(secret) {
        this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret) : secret);
    }
    update(data) {
        this.h.update(typeof data === 'string' ? Buffer.from(data) : data);
    }
    async digest() {
        return new Uint8Array(this.h.digest());
    }
}

export const MAX_SKEW_MS = 15 * 60 * 1000;

const SIGNATURE_MISMATCH =
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function refuse(type, message) {
    return { ok: false, status: 403, type, message };
}

/** "20150830T123600Z" as a Date, or null. */
function parseAmzDate(s) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(s ?? ''));
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

function decode(s) {
    try {
        return decodeURIComponent(s);
    } catch {
        return s;
    }
}

/** A raw query string as the object @smithy/signature-v4 expects ('+' is a literal plus, as AWS reads it). */
function queryObject(raw) {
    const q = {};
    for (const part of raw.split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        const k = decode(eq < 0 ? part : part.slice(0, eq));
        const v = eq < 0 ? '' : decode(part.slice(eq + 1));
        if (k in q) q[k] = [].concat(q[k], v);
        else q[k] = v;
    }
    return q;
}

/**
 * @param {{method: string, url: string, headers: Record<string, string|string[]>, body: Buffer}} req  url: path and query
 * @param {{region: string, service: string, keys: object[], now?: number}} o
 */
export async function verifySigV4(req, o) {
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
        return refuse('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const fields = {};
    for (const part of auth.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
        const eq = part.indexOf('=');
        if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    const { Credential: credential, SignedHeaders: signedList, Signature: signature } = fields;
    if (!credential || !signedList || !signature) {
        return refuse('IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.`);
    }
    const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = credential.split('/');
    const key = o.keys.find((k) => k.accessKeyId === accessKeyId);
    if (!key) return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
    const token = req.headers['x-amz-security-token'];
    if ((key.sessionToken ?? undefined) !== (token ?? undefined)) {
        return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (key.expired) return refuse('ExpiredTokenException', 'The security token included in the request is expired');
    if (terminator !== 'aws4_request') return refuse('InvalidSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
    if (scopeRegion !== o.region) return refuse('InvalidSignatureException', `Credential should be scoped to a valid region. `);
    if (scopeService !== o.service) return refuse('InvalidSignatureException', `Credential should be scoped to correct service: '${o.service}'. `);
    const signed = signedList.split(';');
    if (!signed.includes('host') || !signed.includes('x-amz-date')) {
        return refuse('InvalidSignatureException', `'Host' and 'X-Amz-Date' must be signed (SignedHeaders=${signedList}).`);
    }
    const amzDate = req.headers['x-amz-date'];
    const date = parseAmzDate(amzDate);
    if (!date || amzDate.slice(0, 8) !== scopeDate) {
        return refuse('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${String(amzDate).slice(0, 8)}', from '${amzDate}'.`);
    }
    const now = o.now ?? Date.now();
    if (Math.abs(now - date.getTime()) > MAX_SKEW_MS) {
        const stamp = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
        const early = date.getTime() < now;
        return refuse('InvalidSignatureException', `Signature ${early ? 'expired' : 'not yet current'}: ${amzDate} is now ${early ? 'earlier' : 'later'} than ${stamp(early ? now - MAX_SKEW_MS : now + MAX_SKEW_MS)} (${stamp(now)} ${early ? '-' : '+'} 15 min.)`);
    }
    // Sign the same request again: only the headers the client signed, at the client's time.
    const headers = {};
    for (const name of signed) {
        const v = req.headers[name];
        if (v === undefined) return refuse('InvalidSignatureException', SIGNATURE_MISMATCH);
        headers[name] = Array.isArray(v) ? v.join(',') : String(v);
    }
    const q = req.url.indexOf('?');
    const Signer = loadSigner();
    const signer = new Signer({
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
        region: o.region,
        service: o.service,
        sha256: Sha256,
        applyChecksum: false,
        uriEscapePath: o.service !== 's3',
    });
    const again = await signer.sign(
        {
            method: req.method,
            protocol: 'https:',
            hostname: headers.host,
            path: q < 0 ? req.url : req.url.slice(0, q),
            query: q < 0 ? {} : queryObject(req.url.slice(q + 1)),
            headers,
            body: req.body,
        },
        { signingDate: date, signableHeaders: new Set(signed) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(again.headers.authorization)?.[1] ?? '';
    const sameList = /SignedHeaders=([^,]+)/.exec(again.headers.authorization)?.[1] === signedList;
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    if (!sameList || a.length !== b.length || !timingSafeEqual(a, b)) return refuse('InvalidSignatureException', SIGNATURE_MISMATCH);
    return { ok: true, key };
}
