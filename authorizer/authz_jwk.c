/* JWK Sets into public keys (authz_jwk.h). */
#include "authz_jwk.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "arena.h"
#include "base64.h"
#include "error.h"
#include "json.h"

#define JWKS_DEPTH 8 /* {"keys":[{"x5c":[...]}]} is 3 */
#define MAX_RSA_BITS 8192
#define MIN_RSA_BITS 2048
#define MAX_SET_MEMBERS 1024 /* keys listed, usable or not */

/* The curves of RFC 7518 6.2.1.1: the JWK name, OpenSSL's, and the coordinate size in bytes. */
static const struct {
    const char *crv;
    const char *group;
    size_t coordinate;
} curves[] = {{"P-256", "prime256v1", 32}, {"P-384", "secp384r1", 48}, {"P-521", "secp521r1", 66}};

typedef enum { KEY_USE, KEY_SKIP, KEY_BAD } key_outcome_t;

static int
string_is(const json_value_t *v, const char *s)
{
    return v != NULL && v->type == JSON_STRING && strcmp(v->u.str.ptr, s) == 0;
}

/* An unpadded base64url member into out; -1 when absent, not a string, padded or not base64url. */
static int
decode_member(const json_value_t *key, const char *name, buf_t *out)
{
    const char *s = json_string(json_get(key, name));
    size_t len = s != NULL ? strlen(s) : 0;
    if (len == 0 || memchr(s, '=', len) != NULL)
        return -1;
    return base64_decode(out, s, len, 1);
}

static EVP_PKEY *
from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    if (pkey != NULL) {
        /* for EC, that the point is on the curve; for RSA, the modulus and exponent are sane */
        EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (check == NULL || EVP_PKEY_public_check(check) != 1) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
        EVP_PKEY_CTX_free(check);
    }
    return pkey;
}

static EVP_PKEY *
rsa_key(const json_value_t *key, const char **why)
{
    buf_t n = BUF_INIT(MAX_RSA_BITS / 8 + 8), e = BUF_INIT(16);
    BIGNUM *bn_n = NULL, *bn_e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;
    if (decode_member(key, "n", &n) != 0 || decode_member(key, "e", &e) != 0) {
        *why = "\"n\" and \"e\" must be unpadded base64url";
        goto exit;
    }
    bn_n = BN_bin2bn((const unsigned char *)n.data, (int)n.len, NULL);
    bn_e = BN_bin2bn((const unsigned char *)e.data, (int)e.len, NULL);
    if (bn_n == NULL || bn_e == NULL) {
        *why = "out of memory";
        goto exit;
    }
    if (BN_num_bits(bn_n) < MIN_RSA_BITS || BN_num_bits(bn_n) > MAX_RSA_BITS) {
        *why = "the RSA modulus must be 2048 to 8192 bits";
        goto exit;
    }
    if (!BN_is_odd(bn_e) || BN_is_one(bn_e) || BN_num_bits(bn_e) > 64) {
        *why = "the RSA exponent must be odd, above 1 and at most 64 bits";
        goto exit;
    }
    if ((bld = OSSL_PARAM_BLD_new()) == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1 || (pkey = from_params("RSA", bld)) == NULL)
        *why = "OpenSSL refused the RSA key";
exit:
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    buf_dispose(&n);
    buf_dispose(&e);
    return pkey;
}

static EVP_PKEY *
ec_key(const json_value_t *key, const char **why)
{
    const char *crv = json_string(json_get(key, "crv"));
    size_t c = 0;
    while (c != sizeof(curves) / sizeof(curves[0]) && (crv == NULL || strcmp(curves[c].crv, crv) != 0))
        ++c;
    if (c == sizeof(curves) / sizeof(curves[0])) {
        *why = "\"crv\" must be P-256, P-384 or P-521";
        return NULL;
    }
    size_t size = curves[c].coordinate;
    buf_t x = BUF_INIT(80), y = BUF_INIT(80), point = BUF_INIT(1 + 2 * 66);
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;
    if (decode_member(key, "x", &x) != 0 || decode_member(key, "y", &y) != 0 || x.len != size || y.len != size) {
        *why = "\"x\" and \"y\" must be unpadded base64url of the curve's full coordinate size";
        goto exit;
    }
    buf_append_char(&point, 0x04); /* an uncompressed point, SEC 1 2.3.3 */
    buf_append(&point, x.data, x.len);
    buf_append(&point, y.data, y.len);
    if (buf_failed(&point) || (bld = OSSL_PARAM_BLD_new()) == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curves[c].group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data, point.len) != 1 ||
        (pkey = from_params("EC", bld)) == NULL)
        *why = "the EC point is not on the curve";
exit:
    OSSL_PARAM_BLD_free(bld);
    buf_dispose(&x);
    buf_dispose(&y);
    buf_dispose(&point);
    return pkey;
}

/* Whether a key is meant for verifying signatures (RFC 7517 4.2, 4.3). */
static int
for_signatures(const json_value_t *key)
{
    const json_value_t *use = json_get(key, "use"), *ops = json_get(key, "key_ops");
    if (use != NULL && !string_is(use, "sig"))
        return 0;
    if (ops == NULL)
        return 1;
    if (ops->type != JSON_ARRAY)
        return 0;
    for (size_t i = 0; i != ops->u.arr.len; ++i)
        if (string_is(ops->u.arr.items[i], "verify"))
            return 1;
    return 0;
}

/* One member of "keys" into out; KEY_SKIP for a key this authorizer does not use, KEY_BAD (with *why) for a broken one. */
static key_outcome_t
parse_key(const json_value_t *key, authz_jwk_t *out, const char **why)
{
    if (key->type != JSON_OBJECT) {
        *why = "a key is not a JSON object";
        return KEY_BAD;
    }
    const json_value_t *kty = json_get(key, "kty"), *kid = json_get(key, "kid"), *alg = json_get(key, "alg");
    if (!for_signatures(key) || json_get(key, "d") != NULL)
        return KEY_SKIP;
    memset(out, 0, sizeof(*out));
    if (string_is(kty, "RSA"))
        out->kty = AUTHZ_KTY_RSA;
    else if (string_is(kty, "EC"))
        out->kty = AUTHZ_KTY_EC;
    else
        return KEY_SKIP; /* oct, OKP, or a type from the future */
    if (alg != NULL) {
        if (alg->type != JSON_STRING)
            return KEY_SKIP;
        out->alg = authz_jwa_find(alg->u.str.ptr, alg->u.str.len);
        if (out->alg == NULL || out->alg->kty != out->kty)
            return KEY_SKIP; /* for an algorithm we do not verify, or one of another key type */
    }
    if (kid != NULL) {
        if (kid->type != JSON_STRING || kid->u.str.len > AUTHZ_MAX_KID) {
            *why = "a \"kid\" is not a string of at most 256 bytes";
            return KEY_BAD;
        }
        memcpy(out->kid, kid->u.str.ptr, kid->u.str.len + 1);
        out->has_kid = 1;
    }
    out->pkey = out->kty == AUTHZ_KTY_RSA ? rsa_key(key, why) : ec_key(key, why);
    if (out->pkey == NULL) {
        ERR_clear_error();
        return KEY_BAD;
    }
    if (out->alg != NULL && !authz_jwa_key_fits(out->alg, out->pkey)) {
        EVP_PKEY_free(out->pkey);
        out->pkey = NULL;
        return KEY_SKIP; /* an "ES384" key on P-256: for no algorithm we would use it with */
    }
    return KEY_USE;
}

int
authz_jwks_parse(authz_jwks_t *set, const char *json, size_t len, size_t *skipped, char *err, size_t err_len)
{
    arena_t arena;
    arena_init(&arena, 32 * AUTHZ_MAX_JWKS_BYTES); /* a parsed tree takes up to ~28 bytes per byte of JSON */
    json_value_t *doc;
    size_t num_skipped = 0;
    const char *first_rejection = NULL;
    size_t rejected_at = 0;
    int ret = -1;
    err[0] = '\0';
    if (len > AUTHZ_MAX_JWKS_BYTES) {
        error_format(err, err_len, "the JWK Set is larger than %u bytes", AUTHZ_MAX_JWKS_BYTES);
        goto exit;
    }
    if (json_parse(&arena, json, len, JWKS_DEPTH, &doc) != 0 || doc->type != JSON_OBJECT) {
        error_format(err, err_len, "the JWK Set is not a JSON object");
        goto exit;
    }
    const json_value_t *keys = json_get(doc, "keys");
    if (keys == NULL || keys->type != JSON_ARRAY || keys->u.arr.len > MAX_SET_MEMBERS) {
        error_format(err, err_len, "the JWK Set has no \"keys\" array (of at most %d keys)", MAX_SET_MEMBERS);
        goto exit;
    }
    for (size_t i = 0; i != keys->u.arr.len; ++i) {
        const char *why = NULL;
        authz_jwk_t key;
        switch (parse_key(keys->u.arr.items[i], &key, &why)) {
        case KEY_USE:
            if (set->num_keys == AUTHZ_MAX_KEYS) {
                EVP_PKEY_free(key.pkey);
                ++num_skipped;
            } else {
                set->keys[set->num_keys++] = key;
            }
            break;
        case KEY_SKIP:
            ++num_skipped;
            break;
        case KEY_BAD:
            /* one broken key must not take the provider's good keys down with it */
            ++num_skipped;
            if (first_rejection == NULL) {
                first_rejection = why;
                rejected_at = i + 1;
            }
            break;
        }
    }
    if (set->num_keys == 0) {
        if (first_rejection != NULL)
            error_format(err, err_len, "the JWK Set has no usable signature key (key %zu: %s)", rejected_at, first_rejection);
        else
            error_format(err, err_len, "the JWK Set has no RSA or EC signature verification key (%zu skipped)", num_skipped);
        goto exit;
    }
    if (first_rejection != NULL)
        error_format(err, err_len, "key %zu of the JWK Set was ignored: %s", rejected_at, first_rejection);
    if (skipped != NULL)
        *skipped = num_skipped;
    ret = 0;
exit:
    if (ret != 0)
        authz_jwks_dispose(set);
    arena_dispose(&arena);
    return ret;
}

void
authz_jwks_dispose(authz_jwks_t *set)
{
    for (size_t i = 0; i != set->num_keys; ++i)
        EVP_PKEY_free(set->keys[i].pkey);
    memset(set, 0, sizeof(*set));
}

void
authz_jwks_move(authz_jwks_t *dst, authz_jwks_t *src)
{
    authz_jwks_dispose(dst);
    *dst = *src;
    memset(src, 0, sizeof(*src));
}

void
authz_keyring_dispose(authz_keyring_t *ring)
{
    for (size_t i = 0; i != AUTHZ_MAX_ISSUERS; ++i)
        authz_jwks_dispose(&ring->sets[i]);
}
