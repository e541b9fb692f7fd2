/*
 * authz_jwt: HS256 JSON Web Tokens (RFC 7519, JWS compact serialisation RFC 7515), verified with the configured key.
 *
 * Only what this authorizer needs, and refusing everything else: the header's alg must be exactly "HS256" (so
 * "none", RS256-with-the-HMAC-key confusion and every other algorithm are refused before any signature work), a
 * "crit" header is refused (no extension is understood), segments are unpadded base64url, the signature is exactly
 * 32 bytes and compared in constant time, and only after it verifies are the claims read: exp is required, nbf
 * honoured, both with AUTHZ_JWT_LEEWAY seconds of skew; iss must equal the configured issuer; aud (a string or an
 * array of strings) must contain the configured audience; sub is required and becomes the principal. Duplicate
 * member names in the header or the claims are refused rather than resolved, so no two parsers can disagree on them.
 */
#ifndef AUTHORIZER_AUTHZ_JWT_H
#define AUTHORIZER_AUTHZ_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "authz.h"

typedef struct st_authz_jwt_claims_t {
    const char *sub; /* NUL-terminated, in the arena */
    size_t sub_len;
    const char *iss;
} authz_jwt_claims_t;

/* 1 if token[0..len) has the shape of a JWS compact serialisation (three dot-separated segments). */
int authz_jwt_shaped(const char *token, size_t len);
/* Verifies token[0..len) at time now. Returns 0 with the claims (allocated from arena) or an AUTHZ_ERR_JWT_* code. */
int authz_jwt_verify(const authz_jwt_config_t *cfg, const char *token, size_t len, int64_t now, arena_t *arena,
                     authz_jwt_claims_t *claims);

#endif
