// auth-server.mjs: a real OAuth 2.1 / OpenID authorization server on 127.0.0.1 for the tests: oidc-provider (panva),
// over HTTPS with a certificate the test's own CA signed, issuing JWT access tokens (RFC 9068) for one resource
// indicator (RFC 8707). What it offers is what an MCP client and resource server meet at a real provider:
//   - discovery: /.well-known/openid-configuration (and oidc-provider's jwks_uri);
//   - dynamic client registration (RFC 7591) at /reg, for the TypeScript SDK client;
//   - authorization code with PKCE (S256), with the login and consent steps finished automatically for the account
//     "alice" (headless: whoever follows the redirects, with cookies, gets a code);
//   - client credentials for a pre-registered machine client;
//   - key rotation without a restart: rotate() swaps in a provider with new signing keys at the same issuer URL
//     (clients and grants of the old one are not carried over: the tests use it with the machine client).
//
//   const as = await startAuthServer({ cert, key, resource, scope: 'mcp:tools', signingAlg: 'ES256' });
//   as.issuer, as.jwks(), as.requests, await as.rotate(), await as.stop()
import { randomBytes } from 'node:crypto';
import https from 'node:https';

import * as jose from 'jose';
import Provider, { errors } from 'oidc-provider';

export const M2M_CLIENT_ID = 'mcp-m2m-client';
export const ACCOUNT = 'alice';

/** Signing keys: one per algorithm the test issues with, each with a kid that says which generation it is. */
async function makeKeys(generation) {
    const keys = [];
    for (const [alg, opts] of [['ES256', {}], ['RS256', { modulusLength: 2048 }]]) {
        const { privateKey } = await jose.generateKeyPair(alg, { extractable: true, ...opts });
        const jwk = await jose.exportJWK(privateKey);
        keys.push({ ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-gen${generation}` });
    }
    return keys;
}

/**
 * @param {object} o
 * @param {string} o.cert  PEM     @param {string} o.key  PEM
 * @param {string} o.resource      the one resource indicator tokens are issued for (the MCP endpoint's URL)
 * @param {string} [o.scope='mcp:tools']
 * @param {string} [o.signingAlg='ES256']
 * @param {string} [o.m2mSecret]   the machine client's secret (random by default)
 */
export async function startAuthServer(o) {
    const scope = o.scope ?? 'mcp:tools';
    const m2mSecret = o.m2mSecret ?? randomBytes(24).toString('base64url');
    const requests = [];
    let generation = 0;
    let provider;
    let handler;

    const server = https.createServer({ cert: o.cert, key: o.key }, (req, res) => {
        requests.push({ method: req.method, path: req.url.split('?')[0], at: Date.now() });
        handler(req, res);
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port ?? 0, '127.0.0.1', resolve);
    });
    const issuer = `https://127.0.0.1:${server.address().port}`;

    async function build() {
        generation += 1;
        const keys = await makeKeys(generation);
        const p = new Provider(issuer, {
            clients: [{
                client_id: M2M_CLIENT_ID,
                client_secret: m2mSecret,
                grant_types: ['client_credentials'],
                response_types: [],
                redirect_uris: [],
                token_endpoint_auth_method: 'client_secret_basic',
                scope,
            }],
            jwks: { keys },
            scopes: ['openid', 'offline_access', scope],
            claims: { openid: ['sub'] },
            findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
            features: {
                devInteractions: { enabled: false },
                registration: { enabled: true },
                clientCredentials: { enabled: true },
                resourceIndicators: {
                    enabled: true,
                    defaultResource: async () => o.resource,
                    useGrantedResource: async () => true,
                    getResourceServerInfo: async (_ctx, indicator) => {
                        if (indicator !== o.resource) throw new errors.InvalidTarget('unknown resource');
                        return {
                            scope,
                            audience: indicator,
                            accessTokenTTL: 600,
                            accessTokenFormat: 'jwt',
                            jwt: { sign: { alg: o.signingAlg ?? 'ES256' } },
                        };
                    },
                },
            },
            interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
            cookies: { keys: [randomBytes(32).toString('hex')] },
            ttl: { AccessToken: 600, ClientCredentials: 600, AuthorizationCode: 60, Grant: 3600, Interaction: 600, Session: 3600, IdToken: 600 },
            clientBasedCORS: () => true,
        });
        p.on('server_error', (_ctx, err) => console.error(`[auth-server] ${err.stack ?? err}`));
        const callback = p.callback();
        return {
            provider: p,
            keys,
            handler: (req, res) => {
                if (req.url.startsWith('/interaction/')) {
                    finishInteraction(p, req, res).catch((err) => {
                        res.writeHead(500, { 'content-type': 'text/plain' });
                        res.end(String(err.message));
                    });
                    return;
                }
                callback(req, res);
            },
        };
    }

    /** The login and consent steps, done for ACCOUNT without a page: every scope and resource asked for is granted. */
    async function finishInteraction(p, req, res) {
        const details = await p.interactionDetails(req, res);
        if (details.prompt.name === 'login') {
            await p.interactionFinished(req, res, { login: { accountId: ACCOUNT } }, { mergeWithLastSubmission: false });
            return;
        }
        const grant = details.grantId ? await p.Grant.find(details.grantId)
            : new p.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
        const missing = details.prompt.details;
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
        const grantId = await grant.save();
        await p.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }

    let current = await build();
    provider = current.provider;
    handler = current.handler;

    return {
        issuer,
        m2mClientId: M2M_CLIENT_ID,
        m2mSecret,
        requests,
        get provider() {
            return provider;
        },
        /** The public JWKS the provider publishes now. */
        jwks() {
            return { keys: current.keys.map(({ d, p, q, dp, dq, qi, ...pub }) => pub) };
        },
        /** The private signing keys, to forge tokens with the provider's own key where a test needs to. */
        privateKeys() {
            return current.keys;
        },
        /** New signing keys (new kids), old ones gone, same issuer URL; no restart of anything else. */
        async rotate() {
            current = await build();
            provider = current.provider;
            handler = current.handler;
            return current.keys.map((k) => k.kid);
        },
        /** How many times a path was requested (the JWKS fetches, say). */
        count(path) {
            return requests.filter((r) => r.path === path).length;
        },
        async stop() {
            server.close();
            server.closeAllConnections?.();
        },
    };
}

/**
 * A headless user agent: follows redirects by hand, keeping cookies per host, until a redirect leaves for
 * redirectPrefix; returns that URL (the authorization response, with the code). Only ever talks to the URLs it is
 * given and those the server redirects it to.
 */
export async function followAuthorization(url, redirectPrefix, { maxHops = 20 } = {}) {
    const jar = new Map();
    let next = new URL(url);
    for (let hop = 0; hop < maxHops; hop++) {
        if (next.href.startsWith(redirectPrefix)) return next;
        const cookies = jar.get(next.host) ?? new Map();
        const res = await fetch(next, {
            redirect: 'manual',
            headers: cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {},
        });
        for (const c of res.headers.getSetCookie()) {
            const [pair] = c.split(';');
            const eq = pair.indexOf('=');
            cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
        }
        jar.set(next.host, cookies);
        await res.arrayBuffer();
        const location = res.headers.get('location');
        if (res.status < 300 || res.status > 399 || !location) {
            throw new Error(`the authorization flow stopped at ${next.pathname} with HTTP ${res.status}`);
        }
        next = new URL(location, next);
    }
    throw new Error('too many redirects in the authorization flow');
}
