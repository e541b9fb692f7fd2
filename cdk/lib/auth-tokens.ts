// The authorizer's token list, MCP_AUTH_TOKENS: comma-separated `label:sha256hex` entries. Only SHA-256 digests of
// the bearer tokens ever reach this app; the deploy job computes them from its secret, e.g.
//   printf 'ci-2026:%s' "$(printf '%s' "$MCP_TOKEN" | sha256sum | cut -d' ' -f1)"
// A digest of a long random token reveals nothing usable, so it may sit in the template and the Lambda
// environment; the plaintext token must not.

/** A label is shown in logs and the authorizer's principalId, so it is short and non-secret. */
const LABEL = /^[A-Za-z0-9._-]{1,64}$/;
const DIGEST = /^[0-9a-f]{64}$/;
/** The authorizer holds at most this many tokens (AUTHZ_MAX_TOKENS). */
export const MAX_AUTH_TOKENS = 16;

/**
 * Used when no digests are supplied, so that `cdk synth` works in CI without the secret. It is the SHA-256 of 32
 * random bytes that were discarded when this file was written: no token hashes to it, so an API deployed with it
 * rejects every request. `npm run deploy` refuses to deploy it (see settings.ts).
 */
export const PLACEHOLDER_AUTH_TOKENS =
    'synth-placeholder:c8e0230abbe757bbc7cfd2a1be396550bb02e69adf1d658640c13f897231b815';

export interface TokenDigest {
    readonly label: string;
    readonly digest: string;
}

/** Parses and validates a digest list; throws an Error whose message names the faulty entry (never echoing it whole). */
export function parseAuthTokenDigests(value: string): TokenDigest[] {
    const entries = value.split(',').map((entry) => entry.trim());
    if (value.trim() === '') {
        throw new Error('auth token digests: the list is empty; expected label:sha256hex[,label:sha256hex...]');
    }
    if (entries.length > MAX_AUTH_TOKENS) {
        throw new Error(
            `auth token digests: ${entries.length} entries; the authorizer takes at most ${MAX_AUTH_TOKENS}`,
        );
    }
    const labels = new Set<string>();
    const digests = new Map<string, string>();
    return entries.map((entry, index) => {
        const where = `auth token digests, entry ${index + 1}`;
        const colon = entry.indexOf(':');
        if (colon < 0) {
            throw new Error(`${where}: expected label:sha256hex (no ":" found)`);
        }
        const label = entry.slice(0, colon);
        const digest = entry.slice(colon + 1);
        if (!LABEL.test(label)) {
            throw new Error(`${where}: the label must be 1-64 characters of A-Z a-z 0-9 . _ -`);
        }
        if (!DIGEST.test(digest)) {
            throw new Error(
                `${where} ("${label}"): the digest must be 64 lower-case hex characters (a SHA-256 of the token, ` +
                    `not the token itself); got ${digest.length} characters`,
            );
        }
        if (labels.has(label)) {
            throw new Error(`${where}: the label "${label}" is used twice`);
        }
        // One token under two labels would make the authorizer's principal depend on the order of the list.
        const sameDigest = digests.get(digest);
        if (sameDigest !== undefined) {
            throw new Error(`${where}: "${label}" has the same digest as "${sameDigest}"`);
        }
        labels.add(label);
        digests.set(digest, label);
        return { label, digest };
    });
}

/** The canonical MCP_AUTH_TOKENS value for a validated list. */
export function formatAuthTokenDigests(digests: readonly TokenDigest[]): string {
    return digests.map(({ label, digest }) => `${label}:${digest}`).join(',');
}
