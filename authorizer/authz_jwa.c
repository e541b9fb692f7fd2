/* The algorithm table and the signature check (authz_jwa.h). */
#include "authz_jwa.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

const authz_jwa_t authz_jwa_table[] = {
    /* name, bit, kty, md, pss, curve, sig_bytes */
    {"HS256", 0x001, AUTHZ_KTY_OCT, EVP_sha256, 0, NULL, 32},
    {"RS256", 0x002, AUTHZ_KTY_RSA, EVP_sha256, 0, NULL, 0},
    {"RS384", 0x004, AUTHZ_KTY_RSA, EVP_sha384, 0, NULL, 0},
    {"RS512", 0x008, AUTHZ_KTY_RSA, EVP_sha512, 0, NULL, 0},
    {"PS256", 0x010, AUTHZ_KTY_RSA, EVP_sha256, 1, NULL, 0},
    {"PS384", 0x020, AUTHZ_KTY_RSA, EVP_sha384, 1, NULL, 0},
    {"PS512", 0x040, AUTHZ_KTY_RSA, EVP_sha512, 1, NULL, 0},
    {"ES256", 0x080, AUTHZ_KTY_EC, EVP_sha256, 0, "prime256v1", 64},
    {"ES384", 0x100, AUTHZ_KTY_EC, EVP_sha384, 0, "secp384r1", 96},
    {"ES512", 0x200, AUTHZ_KTY_EC, EVP_sha512, 0, "secp521r1", 132},
    {NULL},
};

_Static_assert(AUTHZ_JWA_ASYMMETRIC == (0x3ffu & ~0x001u), "the asymmetric bits are every row but HS256");

const authz_jwa_t *
authz_jwa_find(const char *name, size_t len)
{
    for (const authz_jwa_t *a = authz_jwa_table; a->name != NULL; ++a)
        if (strlen(a->name) == len && memcmp(a->name, name, len) == 0)
            return a;
    return NULL;
}

int
authz_jwa_key_fits(const authz_jwa_t *alg, EVP_PKEY *key)
{
    switch (alg->kty) {
    case AUTHZ_KTY_RSA:
        return EVP_PKEY_is_a(key, "RSA");
    case AUTHZ_KTY_EC: {
        char group[64];
        size_t len = 0;
        return EVP_PKEY_is_a(key, "EC") &&
               EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) == 1 &&
               strcmp(group, alg->curve) == 0;
    }
    case AUTHZ_KTY_OCT:
        break;
    }
    return 0;
}

/* JWS's r||s (each half big-endian, zero-padded to the coordinate size) as the DER ECDSA-Sig-Value OpenSSL verifies. */
static int
ecdsa_der(const unsigned char *sig, size_t half, unsigned char **der, int *der_len)
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)half, NULL), *ss = BN_bin2bn(sig + half, (int)half, NULL);
    int ok = 0;
    if (s == NULL || r == NULL || ss == NULL || ECDSA_SIG_set0(s, r, ss) != 1)
        goto exit;
    r = ss = NULL; /* owned by s now */
    *der = NULL;
    ok = (*der_len = i2d_ECDSA_SIG(s, der)) > 0;
exit:
    BN_free(r);
    BN_free(ss);
    ECDSA_SIG_free(s);
    return ok;
}

int
authz_jwa_verify(const authz_jwa_t *alg, EVP_PKEY *key, const unsigned char *input, size_t input_len, const unsigned char *sig,
                 size_t sig_len)
{
    if (alg->kty == AUTHZ_KTY_OCT || !authz_jwa_key_fits(alg, key))
        return 0;
    unsigned char *der = NULL;
    int der_len = 0, good = 0;
    if (alg->kty == AUTHZ_KTY_EC) {
        if (sig_len != alg->sig_bytes || !ecdsa_der(sig, sig_len / 2, &der, &der_len))
            return 0;
        sig = der;
        sig_len = (size_t)der_len;
    } else if (sig_len != (size_t)EVP_PKEY_get_size(key)) {
        return 0;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (ctx == NULL || EVP_DigestVerifyInit(ctx, &pctx, alg->md(), NULL, key) != 1)
        goto exit;
    if (alg->pss &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, alg->md()) != 1))
        goto exit;
    good = EVP_DigestVerify(ctx, sig, sig_len, input, input_len) == 1;
exit:
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    if (!good)
        ERR_clear_error(); /* a bad signature is an answer, not an error to keep on the thread's queue */
    return good;
}
