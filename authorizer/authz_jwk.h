/*
 * authz_jwk: an issuer's JSON Web Key Set (RFC 7517) turned into OpenSSL public keys, and the keyring that holds one
 * set per configured issuer. Parsing is pure (text in, keys out), so it is unit-tested and fuzzed; fetching the text
 * is authz_jwks_fetch.c's business, and the decision (authz_decide) only reads a keyring.
 *
 * What becomes a key: "kty":"RSA" with "n" and "e" (a modulus of 2048 to 8192 bits, RFC 7518 3.3; an odd exponent
 * above 1), and "kty":"EC" with "crv" P-256, P-384 or P-521 and "x", "y" of the curve's size, a point that is on the
 * curve. Members are unpadded base64url. What is skipped, not refused: keys for another use ("use" other than "sig",
 * "key_ops" without "verify"), of other types ("oct", "OKP"), for an algorithm not in authz_jwa.c, private keys (a
 * "d" member: a set that publishes one is broken, and its public half is not trusted either), and broken keys (a
 * short modulus, a point off the curve, bad base64url): one bad key must not take the provider's good ones down. A set
 * with no usable key at all is an error. Providers publish keys for encryption beside signing keys, so skipping is the normal case.
 */
#ifndef AUTHORIZER_AUTHZ_JWK_H
#define AUTHORIZER_AUTHZ_JWK_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "authz_jwa.h"

#define AUTHZ_MAX_KEYS 16 /* usable keys kept per issuer; providers publish two or three */
#define AUTHZ_MAX_KID 256 /* a "kid" */
#define AUTHZ_MAX_JWKS_BYTES (256u * 1024)
#define AUTHZ_MAX_ISSUERS 8

typedef struct st_authz_jwk_t {
    char kid[AUTHZ_MAX_KID + 1];
    int has_kid;
    authz_kty_t kty;
    const authz_jwa_t *alg; /* the key's own "alg", NULL when it has none (then any algorithm of its type) */
    EVP_PKEY *pkey;
} authz_jwk_t;

typedef struct st_authz_jwks_t {
    authz_jwk_t keys[AUTHZ_MAX_KEYS];
    size_t num_keys;
    int64_t fetched_at; /* seconds since the epoch when the set was fetched; 0: never (no keys) */
} authz_jwks_t;

/* One key set per configured OAuth issuer, at the issuer's index in authz_config_t. */
typedef struct st_authz_keyring_t {
    authz_jwks_t sets[AUTHZ_MAX_ISSUERS];
} authz_keyring_t;

/*
 * Parses a JWK Set document json[0..len) into *set (which must be empty: zeroed, or disposed). Returns 0, with the
 * number of keys skipped in *skipped (may be NULL) and err either "" or a note on the first broken key that was
 * ignored (for the log); or -1 with the reason in err: not a JWK Set, or no usable key. The text never contains key
 * material.
 */
int authz_jwks_parse(authz_jwks_t *set, const char *json, size_t len, size_t *skipped, char *err, size_t err_len);
/* Frees the keys; the set is empty (and reusable) afterwards. */
void authz_jwks_dispose(authz_jwks_t *set);
/* Moves src into dst (disposing what dst held); src is empty afterwards. */
void authz_jwks_move(authz_jwks_t *dst, authz_jwks_t *src);

void authz_keyring_dispose(authz_keyring_t *ring);

#endif
