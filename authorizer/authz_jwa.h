/*
 * authz_jwa: the JSON Web Algorithms (RFC 7518) the authorizer verifies, in one table, and the signature check.
 *
 * HS256 (HMAC with the configured shared key), RS256/384/512 (RSASSA-PKCS1-v1_5), PS256/384/512 (RSASSA-PSS, MGF1
 * with the same hash, salt as long as the hash, RFC 7518 3.5) and ES256/384/512 (ECDSA on P-256, P-384, P-521, the
 * signature being the raw r||s of RFC 7518 3.4, turned into DER for OpenSSL). "none" is not in the table, so it is
 * never found. Each row names the key type it needs: an algorithm is only ever used with a key of its own type, which
 * is what refuses HS256 "signed" with an RSA public key.
 */
#ifndef AUTHORIZER_AUTHZ_JWA_H
#define AUTHORIZER_AUTHZ_JWA_H

#include <stddef.h>

#include <openssl/evp.h>

typedef enum en_authz_kty_t {
    AUTHZ_KTY_OCT, /* a shared secret (HS256 only) */
    AUTHZ_KTY_RSA,
    AUTHZ_KTY_EC,
} authz_kty_t;

/*
 * One algorithm.
 *   name       as the JOSE header's "alg" says it
 *   bit        its bit in an allow-list (authz_issuer_t.algorithms)
 *   kty        the key type it verifies with
 *   md         the hash
 *   pss        RSA: PSS padding instead of PKCS #1 v1.5
 *   curve      EC: the OpenSSL group name the key must be on ("P-256" in JWK terms is "prime256v1")
 *   sig_bytes  the exact signature length: the MAC for HS256, 2 x the coordinate size for ECDSA; 0 for RSA (the
 *              modulus size, known from the key)
 */
typedef struct st_authz_jwa_t {
    const char *name;
    unsigned bit;
    authz_kty_t kty;
    const EVP_MD *(*md)(void);
    int pss;
    const char *curve;
    size_t sig_bytes;
} authz_jwa_t;

/* Every asymmetric algorithm's bit: the default allow-list of an OAuth issuer. */
#define AUTHZ_JWA_ASYMMETRIC 0x3feu

/* The algorithm named name[0..len), or NULL (for "none", anything unknown, any other spelling). */
const authz_jwa_t *authz_jwa_find(const char *name, size_t len);
/* The rows, for iterating (ends with a row whose name is NULL). */
extern const authz_jwa_t authz_jwa_table[];

/*
 * Verifies sig over input with key, which must be of the algorithm's type (and, for ECDSA, on its curve): 1 if the
 * signature is good, 0 if it is not or does not have the algorithm's shape. Constant time as far as OpenSSL is.
 */
int authz_jwa_verify(const authz_jwa_t *alg, EVP_PKEY *key, const unsigned char *input, size_t input_len, const unsigned char *sig,
                     size_t sig_len);

/* Whether key is of the type (and curve) alg verifies with. */
int authz_jwa_key_fits(const authz_jwa_t *alg, EVP_PKEY *key);

#endif
