// secrets-manager-shim.mjs: a local AWS Secrets Manager on 127.0.0.1 for the server's and the authorizer's secrets.
//
// It speaks the JSON protocol (POST /, X-Amz-Target: secretsmanager.<Operation>, application/x-amz-json-1.1) for
// the operations the project uses or documents: GetSecretValue (SecretId, VersionStage or VersionId), and
// PutSecretValue (what `aws secretsmanager put-secret-value` sends), which moves AWSCURRENT to the new version and
// AWSPREVIOUS to the version that was current, as AWS does.
//
// Every request's Signature Version 4 is verified the way AWS verifies it: the request is signed again with
// @smithy/signature-v4 (the signer of AWS's own JavaScript SDK), from the shim's copy of the caller's secret access
// key, over exactly the headers the caller says it signed, for the date, region and service of its credential
// scope; the two signatures must match. Anything else is refused with HTTP 403 and AWS's error type: no or a
// malformed Authorization header (MissingAuthenticationTokenException / IncompleteSignatureException), an unknown
// access key (UnrecognizedClientException), a signature that does not match (InvalidSignatureException), a date more
// than 15 minutes off (InvalidSignatureException, "Signature expired"). A role may read only the secrets it was
// granted (AccessDeniedException, 400), as an IAM policy naming exact ARNs allows.
//
// JS API:
//   const sm = await startSecretsManager({ region, accounts: { AKID: { secretAccessKey, sessionToken?, allow: [arn] } } });
//   const arn = sm.create('name', 'value');        sm.put(arn, 'new value');      sm.requests, sm.refused
//   sm.endpoint (http://127.0.0.1:port/);           await sm.stop();
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'tests', 'node', 'package.json'));
const { SignatureV4 } = require('@smithy/signature-v4');

const ACCOUNT = '123456789012';
const MAX_SKEW_MS = 15 * 60 * 1000;

/** The hash constructor @smithy/signature-v4 wants (what @smithy/hash-node provides), on node:crypto. */
class Sha256 {
    constructor(secret) {
        this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
    }
    update(data) {
        this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    }
    async digest() {
        return new Uint8Array(this.hash.digest());
    }
}

/** "20260101T000000Z" -> Date, or null. */
function amzDate(text) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
    return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

class Refusal extends Error {
    constructor(status, type, message) {
        super(message);
        this.status = status;
        this.type = type;
    }
}

/** Verifies req's SigV4 signature against the shim's accounts; returns the caller's access key id or throws a Refusal. */
async function verify(req, body, accounts) {
    const auth = req.headers.authorization;
    if (!auth) throw new Refusal(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const m =
        /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
            auth,
        );
    if (!m)
        throw new Refusal(403, 'IncompleteSignatureException', 'Authorization header is not a complete SigV4 header');
    const [, accessKeyId, day, region, service, signedList, signature] = m;
    const account = accounts[accessKeyId];
    if (!account)
        throw new Refusal(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const date = amzDate(req.headers['x-amz-date']);
    if (!date || req.headers['x-amz-date'].slice(0, 8) !== day) {
        throw new Refusal(
            403,
            'IncompleteSignatureException',
            'X-Amz-Date is missing or does not match the credential scope',
        );
    }
    if (Math.abs(Date.now() - date.getTime()) > MAX_SKEW_MS) {
        throw new Refusal(
            403,
            'InvalidSignatureException',
            'Signature expired: the request date is more than 15 minutes off',
        );
    }
    const signed = signedList.split(';');
    if (!signed.includes('host') || !signed.includes('x-amz-date')) {
        throw new Refusal(403, 'IncompleteSignatureException', 'host and x-amz-date must be signed');
    }
    if (req.headers['x-amz-security-token'] !== undefined && !signed.includes('x-amz-security-token')) {
        throw new Refusal(403, 'IncompleteSignatureException', 'x-amz-security-token must be signed');
    }
    if ((account.sessionToken ?? undefined) !== req.headers['x-amz-security-token']) {
        throw new Refusal(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const headers = {};
    for (const name of signed) {
        const value = req.headers[name];
        if (value === undefined)
            throw new Refusal(403, 'IncompleteSignatureException', `signed header ${name} is missing`);
        headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const url = new URL(req.url, 'http://placeholder');
    const signer = new SignatureV4({
        credentials: { accessKeyId, secretAccessKey: account.secretAccessKey, sessionToken: account.sessionToken },
        region,
        service,
        sha256: Sha256,
        applyChecksum: false,
    });
    const resigned = await signer.sign(
        {
            method: req.method,
            protocol: 'http:',
            hostname: headers.host.replace(/:\d+$/, ''),
            port: Number(headers.host.split(':')[1]) || undefined,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers,
            body,
        },
        { signingDate: date, signingRegion: region, signingService: service },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(resigned.headers.authorization)?.[1] ?? '';
    const expectedHeaders = /SignedHeaders=([^,]+)/.exec(resigned.headers.authorization)?.[1];
    if (
        expectedHeaders !== signedList ||
        expected.length !== signature.length ||
        !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
    ) {
        throw new Refusal(
            403,
            'InvalidSignatureException',
            'The request signature we calculated does not match the signature you provided.',
        );
    }
    if (service !== 'secretsmanager')
        throw new Refusal(403, 'InvalidSignatureException', `credential scope names service ${service}`);
    return accessKeyId;
}

export async function startSecretsManager({ region = 'ap-southeast-2', accounts = {} } = {}) {
    const secrets = new Map(); // arn -> { name, arn, versions: Map(id -> { value, stages: Set }) }
    const requests = []; // { operation, accessKeyId, secretId, stage, status }
    const refused = []; // { type, message }

    const find = (id) => secrets.get(id) ?? [...secrets.values()].find((s) => s.name === id);
    const byStage = (secret, stage) => [...secret.versions.entries()].find(([, v]) => v.stages.has(stage));

    function create(name, value) {
        const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${randomBytes(3).toString('hex')}`;
        secrets.set(arn, { name, arn, versions: new Map() });
        put(arn, value);
        return arn;
    }

    /** PutSecretValue: the new version becomes AWSCURRENT, the old current AWSPREVIOUS. Returns the version id. */
    function put(
        id,
        value,
        versionId = randomBytes(16)
            .toString('hex')
            .replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    ) {
        const secret = find(id);
        if (!secret) throw new Error(`no secret ${id}`);
        const previous = byStage(secret, 'AWSPREVIOUS');
        if (previous) previous[1].stages.delete('AWSPREVIOUS');
        const current = byStage(secret, 'AWSCURRENT');
        if (current) {
            current[1].stages.delete('AWSCURRENT');
            current[1].stages.add('AWSPREVIOUS');
        }
        secret.versions.set(versionId, { value, stages: new Set(['AWSCURRENT']), created: Date.now() / 1000 });
        for (const [vid, v] of secret.versions) if (v.stages.size === 0) secret.versions.delete(vid);
        return versionId;
    }

    function operation(name, input, accessKeyId) {
        const secret = find(input.SecretId);
        const allowed = accounts[accessKeyId].allow;
        if (!secret || (allowed && !allowed.includes(secret.arn))) {
            // as IAM: a secret the caller may not read looks the same whether or not it exists
            throw new Refusal(
                400,
                'AccessDeniedException',
                `User: arn:aws:sts::${ACCOUNT}:assumed-role/test/${accessKeyId} is not authorized to perform: secretsmanager:${name} on resource: ${input.SecretId}`,
            );
        }
        if (name === 'GetSecretValue') {
            const found = input.VersionId
                ? [input.VersionId, secret.versions.get(input.VersionId)]
                : byStage(secret, input.VersionStage ?? 'AWSCURRENT');
            if (!found || !found[1]) {
                throw new Refusal(
                    400,
                    'ResourceNotFoundException',
                    `Secrets Manager can't find the specified secret value for staging label: ${input.VersionStage ?? 'AWSCURRENT'}`,
                );
            }
            const [versionId, version] = found;
            return {
                ARN: secret.arn,
                Name: secret.name,
                VersionId: versionId,
                SecretString: version.value,
                VersionStages: [...version.stages],
                CreatedDate: version.created,
            };
        }
        if (name === 'PutSecretValue') {
            if (typeof input.SecretString !== 'string')
                throw new Refusal(400, 'InvalidParameterException', 'SecretString is required');
            const versionId = put(secret.arn, input.SecretString, input.ClientRequestToken);
            return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
        }
        throw new Refusal(400, 'InvalidAction', `operation ${name} is not supported by this shim`);
    }

    const server = http.createServer(async (req, res) => {
        const chunks = [];
        for await (const chunk of req) chunks.push(chunk);
        const body = Buffer.concat(chunks).toString('utf8');
        const target = req.headers['x-amz-target'] ?? '';
        const op = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target;
        let input = {};
        const entry = { operation: op, accessKeyId: null, secretId: null, stage: null, status: 0 };
        try {
            entry.accessKeyId = await verify(req, body, accounts);
            if (req.method !== 'POST' || !/^application\/x-amz-json-1\.1$/.test(req.headers['content-type'] ?? '')) {
                throw new Refusal(400, 'SerializationException', 'expected POST with application/x-amz-json-1.1');
            }
            input = JSON.parse(body);
            entry.secretId = input.SecretId;
            entry.stage = input.VersionStage ?? null;
            const out = JSON.stringify(operation(op, input, entry.accessKeyId));
            entry.status = 200;
            res.writeHead(200, {
                'content-type': 'application/x-amz-json-1.1',
                'x-amzn-requestid': randomBytes(8).toString('hex'),
            });
            res.end(out);
        } catch (error) {
            const status = error instanceof Refusal ? error.status : 400;
            const type = error instanceof Refusal ? error.type : 'SerializationException';
            entry.status = status;
            if (status === 403) refused.push({ type, message: error.message });
            res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
            res.end(JSON.stringify({ __type: type, message: error.message }));
        }
        requests.push(entry);
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const endpoint = `http://127.0.0.1:${server.address().port}/`;
    return {
        endpoint,
        region,
        create,
        put,
        requests,
        refused,
        stop: () => new Promise((ok) => server.close(() => ok())),
    };
}

/** Signs a call the way an AWS SDK would (for tests that act as the operator, e.g. put-secret-value). */
export async function callSecretsManager(
    endpoint,
    { region, accessKeyId, secretAccessKey, sessionToken },
    operation,
    input,
    tamper,
) {
    const url = new URL(endpoint);
    const body = JSON.stringify(input);
    const signer = new SignatureV4({
        credentials: { accessKeyId, secretAccessKey, sessionToken },
        region,
        service: 'secretsmanager',
        sha256: Sha256,
        applyChecksum: false,
    });
    const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: {
            host: url.host,
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `secretsmanager.${operation}`,
        },
        body,
    });
    const request = { headers: { ...signed.headers }, body };
    if (tamper) tamper(request);
    delete request.headers.host;
    const res = await fetch(endpoint, { method: 'POST', headers: request.headers, body: request.body });
    return { status: res.status, body: await res.json() };
}
