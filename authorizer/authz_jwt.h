/*
 * authz_jwt: JSON Web Tokens (RFC 7519, JWS compact serialisation RFC 7515) as bearer tokens, of two kinds:
 *
 *   - OAuth access tokens (RFC 9068) from a configured issuer, signed with one of the issuer's published keys
 *     (authz_jwk.h) by RS256/384/512, PS256/384/512 or ES256/384/512 (authz_jwa.h);
 *   - HS256 tokens signed with the shared key of MCP_JWT_HS256_KEY.
 *
 * The token's "iss" picks the kind: an OAuth issuer's exact URL selects its keys and its rules; any other iss goes to
 * the HS256 check when a shared key is configured (whose issuer check then refuses a stranger), and is refused as
 * "jwt issuer" otherwise. Only "iss" is read before the signature holds; everything else is checked after it.
 *
 * The header: "alg" must be in the table (so "none" and anything unknown are refused before any signature work) and
 * fit the path: HS256 only with the shared key, an asymmetric algorithm only with an OAuth issuer, on its allow-list,
 * and with a key of its type (so HS256 "signed" with an issuer's RSA public key is refused); a key's own "alg", if it
 * has one, must be the header's. "kid" selects the key; without it every key of the right type is tried. "typ" must be
 * one the issuer accepts ("at+jwt" by default). "crit" is refused (no extension is understood); "jku", "jwk", "x5u" and
 * "x5c" are ignored: keys never come from the token. Duplicate member names in the header or the claims are refused
 * rather than resolved, so no two parsers can disagree on them. Segments are unpadded base64url.
 *
 * The claims: "exp" is required, "nbf" honoured and "iat" must not be in the future, each with the leeway; "aud" (a
 * string or an array) must contain one of the audiences, or for issuers so configured "client_id" must equal one;
 * configured claims must have their exact values; "sub" (1 to 128 bytes) is required and becomes the principal; the
 * granted scopes ("scope", space-separated, or "scp", a string or an array) must include every required one, checked
 * last, so that only an otherwise valid token gets the 403 that asks for more scope.
 */
#ifndef AUTHORIZER_AUTHZ_JWT_H
#define AUTHORIZER_AUTHZ_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "authz.h"
#include "authz_jwk.h"

typedef struct st_authz_jwt_claims_t {
    const char *sub; /* NUL-terminated, in the arena */
    size_t sub_len;
    const char *iss;
    const char *client_id; /* "client_id", else "azp"; NULL when neither */
    const char *scope;     /* the granted scopes, space-separated; NULL when none */
    int issuer;            /* the OAuth issuer's index, -1 for the HS256 path or none; set on failure too */
} authz_jwt_claims_t;

/* 1 if token[0..len) has the shape of a JWS compact serialisation (three dot-separated segments). */
int authz_jwt_shaped(const char *token, size_t len);
/*
 * Verifies token[0..len) at time now, with the OAuth issuers' keys in keys (may be NULL). Returns 0 with the claims
 * (allocated from arena) or an AUTHZ_ERR_JWT_* code; claims->issuer says which OAuth issuer the token named either way.
 */
int authz_jwt_verify(const authz_config_t *c, const authz_keyring_t *keys, const char *token, size_t len, int64_t now,
                     arena_t *arena, authz_jwt_claims_t *claims);

#endif
