// apigw-authorizer.mjs: what a REST API does with a Lambda TOKEN authorizer in front of a method, and the gateway
// responses it answers with, for tests/lambda/apigw-shim.mjs (its `lambdaAuthorizer` and `gatewayResponses` options).
// It runs the real authorizer binary through the Runtime API emulator, as API Gateway invokes the real function.
//
// The behaviour, from the API Gateway developer guide ("Use API Gateway Lambda authorizers", "Input to an API Gateway
// Lambda authorizer", "Output from an API Gateway Lambda authorizer", "Gateway response types"):
//   - The identity source (the Authorization header) missing or empty: 401 UNAUTHORIZED, the function is not invoked.
//   - A validation expression that does not match the whole value: 401 UNAUTHORIZED, not invoked.
//   - The function is invoked with {"type":"TOKEN","authorizationToken":<value>,"methodArn":<ARN of the method>}.
//   - It fails with the error message "Unauthorized" exactly: 401 UNAUTHORIZED. Any other failure or a timeout:
//     500 AUTHORIZER_FAILURE. A response without a principalId and a policy document: 500
//     AUTHORIZER_CONFIGURATION_ERROR.
//   - The policy is evaluated against the method ARN: an explicit Deny wins, then an Allow, otherwise denied:
//     403 ACCESS_DENIED. "*" in a Resource matches any run of characters, "?" one (IAM's rules).
//   - The decision is cached per identity source value for resultTtlSeconds (default 300; 0: no caching); a cached
//     policy is evaluated again for each request's method ARN.
//   - The context's values reach the integration as strings in requestContext.authorizer, with principalId.
// Gateway responses render statusCode, header values (static, as CloudFormation's quoted literals are) and a body
// template in which $context.error.messageString (a JSON string), $context.error.message and
// $context.authorizer.<key> are substituted; the default bodies are API Gateway's.
import { performance } from 'node:perf_hooks';

export const DEFAULT_GATEWAY_RESPONSES = {
    UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized' },
    ACCESS_DENIED: { statusCode: 403, message: 'User is not authorized to access this resource' },
    AUTHORIZER_FAILURE: { statusCode: 500, message: null },
    AUTHORIZER_CONFIGURATION_ERROR: { statusCode: 500, message: null },
};
const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/** IAM's matching for execute-api ARNs: '*' matches any run of characters, '/' included; '?' one character. */
export function arnMatches(pattern, arn) {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return re.test(arn);
}

function effectOf(policy, methodArn) {
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    let allowed = false;
    for (const s of statements) {
        const actions = [s.Action].flat();
        const resources = [s.Resource].flat();
        if (!actions.some((a) => a === 'execute-api:Invoke' || a === 'execute-api:*' || a === '*')) continue;
        if (!resources.some((r) => typeof r === 'string' && arnMatches(r, methodArn))) continue;
        if (s.Effect === 'Deny') return 'Deny';
        if (s.Effect === 'Allow') allowed = true;
    }
    return allowed ? 'Allow' : 'None';
}

/**
 * @param {object} o
 * @param {import('./runtime-emulator.mjs').Emulator} o.emulator  the authorizer function
 * @param {string} [o.identitySource='Authorization']
 * @param {string} [o.validationRegex]        matched against the whole header value
 * @param {number} [o.resultTtlSeconds=300]
 * @param {number} [o.timeoutMs=10000]        the authorizer function's timeout
 */
export function createTokenAuthorizer(o) {
    const identitySource = (o.identitySource ?? 'Authorization').toLowerCase();
    const validation = o.validationRegex ? new RegExp(o.validationRegex) : null;
    const ttlMs = (o.resultTtlSeconds ?? 300) * 1000;
    const cache = new Map();
    const invocations = [];

    /**
     * Decide on one request. headers: [[name, value], ...] as sent. Resolves to { allow: true, context } or
     * { allow: false, type, message, context }, where type names the gateway response.
     */
    async function authorize(headers, methodArn) {
        const values = headers.filter(([n]) => n.toLowerCase() === identitySource).map(([, v]) => v);
        const token = values.length === 0 ? '' : values.join(',');
        if (token === '') return { allow: false, type: 'UNAUTHORIZED', message: 'Unauthorized' };
        if (validation && !(validation.test(token) && token.match(validation)[0] === token)) {
            return { allow: false, type: 'UNAUTHORIZED', message: 'Unauthorized' };
        }
        let entry = cache.get(token);
        if (!entry || entry.expires <= Date.now()) {
            const t0 = performance.now();
            const r = await o.emulator.invoke({ type: 'TOKEN', authorizationToken: token, methodArn }, { timeoutMs: o.timeoutMs ?? 10_000 });
            invocations.push({ kind: r.kind, errorMessage: r.errorMessage, latencyMs: performance.now() - t0 });
            if (r.kind !== 'response') {
                if (r.errorMessage === 'Unauthorized') return { allow: false, type: 'UNAUTHORIZED', message: 'Unauthorized' };
                return { allow: false, type: 'AUTHORIZER_FAILURE', message: null };
            }
            let out;
            try {
                out = JSON.parse(r.body.toString('utf8'));
            } catch {
                return { allow: false, type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null };
            }
            if (typeof out?.principalId !== 'string' || typeof out?.policyDocument !== 'object' || out.policyDocument === null) {
                return { allow: false, type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null };
            }
            entry = { out, expires: Date.now() + ttlMs };
            if (ttlMs > 0) cache.set(token, entry);
        }
        const { out } = entry;
        const context = { principalId: out.principalId };
        for (const [k, v] of Object.entries(out.context ?? {})) context[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
        const effect = effectOf(out.policyDocument, methodArn);
        if (effect === 'Allow') return { allow: true, context };
        return {
            allow: false,
            type: 'ACCESS_DENIED',
            message: effect === 'Deny' ? 'User is not authorized to access this resource with an explicit deny'
                : 'User is not authorized to access this resource',
            context,
        };
    }

    return { authorize, invocations, cache };
}

/**
 * The gateway response of `type` for a refusal: { status, headers: [[n, v]...], body }. responses: the API's
 * configured gateway responses, { TYPE: { statusCode, headers: { name: value }, template } }.
 */
export function renderGatewayResponse(responses, refusal) {
    const configured = responses?.[refusal.type] ?? {};
    const defaults = DEFAULT_GATEWAY_RESPONSES[refusal.type];
    const template = configured.template ?? DEFAULT_TEMPLATE;
    const body = template
        .replace(/\$context\.error\.messageString/g, JSON.stringify(refusal.message))
        .replace(/\$context\.error\.message/g, refusal.message ?? '')
        .replace(/\$context\.authorizer\.([A-Za-z0-9_]+)/g, (_, k) => refusal.context?.[k] ?? '');
    const headers = [['Content-Type', 'application/json'], ...Object.entries(configured.headers ?? {})];
    return { status: Number(configured.statusCode ?? defaults.statusCode), headers, body };
}
