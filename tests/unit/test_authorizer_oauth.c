/*
 * Tests of OAuth JWT access tokens in the authorizer: the algorithms (authorizer/authz_jwa.c) with keys made here by
 * OpenSSL, JWK Sets (authz_jwk.c), the issuer configuration (authz_issuers.c) and the decision on such tokens
 * (authz_jwt.c, authz_decide.c): the table of bad tokens, each with its reason; every RS/PS/ES size; key selection
 * by kid, with none, after rotation; keys that aged out; the Deny policy (403) for a missing scope; Cognito's
 * client_id instead of aud and no typ; the identity passed to tools; HS256 tokens still working beside them.
 */
#include <stdarg.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "authz.h"
#include "authz_issuers.h"
#include "authz_jwa.h"
#include "authz_jwk.h"
#include "base64.h"
#include "json.h"
#include "jsonw.h"
#include "test.h"

#define NOW 1763700000
#define ISSUER "https://id.example.com/realms/mcp"
#define OTHER_ISSUER "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC"
#define RESOURCE "https://abc123.execute-api.eu-central-1.amazonaws.com/prod/mcp"
#define DEV_RESOURCE "https://abc123.execute-api.eu-central-1.amazonaws.com/dev/mcp"
#define METHOD_ARN "arn:aws:execute-api:eu-central-1:123456789012:abc123/prod/POST/mcp"
#define HS_KEY "an-hs256-key-of-at-least-32-bytes-for-tests"

/* The keys of the test, made once: one per algorithm family and size. */
static EVP_PKEY *rsa_key, *rsa_other, *ec256, *ec384, *ec521;

static void
make_keys(void)
{
    rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    rsa_other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    ec256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ec384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    ec521 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
    if (rsa_key == NULL || rsa_other == NULL || ec256 == NULL || ec384 == NULL || ec521 == NULL) {
        fprintf(stderr, "cannot generate test keys\n");
        exit(1);
    }
}

static void
b64url_bn(buf_t *out, EVP_PKEY *key, const char *param)
{
    BIGNUM *bn = NULL;
    EVP_PKEY_get_bn_param(key, param, &bn);
    unsigned char bytes[1024];
    int n = BN_bn2bin(bn, bytes);
    base64url_encode(out, bytes, (size_t)n);
    BN_free(bn);
}

/* A JWK of key's public half: {"kty":..., "kid":kid, ["alg":alg,] ...}. extra is added inside (may be ""). */
static void
jwk(buf_t *out, EVP_PKEY *key, const char *kid, const char *alg, const char *extra)
{
    buf_append_str(out, "{");
    if (kid != NULL)
        buf_printf(out, "\"kid\":\"%s\",", kid);
    if (alg != NULL)
        buf_printf(out, "\"alg\":\"%s\",", alg);
    buf_append_str(out, extra);
    if (EVP_PKEY_is_a(key, "RSA")) {
        buf_append_str(out, "\"kty\":\"RSA\",\"n\":\"");
        b64url_bn(out, key, OSSL_PKEY_PARAM_RSA_N);
        buf_append_str(out, "\",\"e\":\"");
        b64url_bn(out, key, OSSL_PKEY_PARAM_RSA_E);
        buf_append_str(out, "\"}");
        return;
    }
    char group[64];
    size_t len;
    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len);
    const char *crv = strcmp(group, "prime256v1") == 0 ? "P-256" : strcmp(group, "secp384r1") == 0 ? "P-384" : "P-521";
    size_t size = strcmp(crv, "P-256") == 0 ? 32 : strcmp(crv, "P-384") == 0 ? 48 : 66;
    unsigned char point[1 + 2 * 66];
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &len);
    buf_printf(out, "\"kty\":\"EC\",\"crv\":\"%s\",\"x\":\"", crv);
    base64url_encode(out, point + 1, size);
    buf_append_str(out, "\",\"y\":\"");
    base64url_encode(out, point + 1 + size, size);
    buf_append_str(out, "\"}");
}

/* The test issuer's JWKS: RSA "rsa-1" (no alg), EC keys "ec-256" "ec-384" "ec-521" with their alg. */
static void
test_jwks(buf_t *out)
{
    buf_append_str(out, "{\"keys\":[");
    jwk(out, rsa_key, "rsa-1", NULL, "\"use\":\"sig\",");
    buf_append_char(out, ',');
    jwk(out, ec256, "ec-256", "ES256", "");
    buf_append_char(out, ',');
    jwk(out, ec384, "ec-384", "ES384", "");
    buf_append_char(out, ',');
    jwk(out, ec521, "ec-521", "ES512", "");
    buf_append_str(out, "]}");
}

/* The signature of input with key by the named algorithm, as JWS wants it (ECDSA as r||s). */
static void
sign(buf_t *out, const char *alg, EVP_PKEY *key, const char *input, size_t len)
{
    const authz_jwa_t *a = authz_jwa_find(alg, strlen(alg));
    unsigned char sig[1024];
    size_t sig_len = sizeof(sig);
    if (a->kty == AUTHZ_KTY_OCT) {
        unsigned mac_len;
        HMAC(a->md(), HS_KEY, (int)strlen(HS_KEY), (const unsigned char *)input, len, sig, &mac_len);
        base64url_encode(out, sig, mac_len);
        return;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx;
    EVP_DigestSignInit(ctx, &pctx, a->md(), NULL, key);
    if (a->pss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)input, len);
    EVP_MD_CTX_free(ctx);
    if (a->kty == AUTHZ_KTY_EC) {
        const unsigned char *p = sig;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sig_len);
        unsigned char raw[132];
        size_t half = a->sig_bytes / 2;
        BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, (int)half);
        BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + half, (int)half);
        ECDSA_SIG_free(es);
        base64url_encode(out, raw, a->sig_bytes);
        return;
    }
    base64url_encode(out, sig, sig_len);
}

/* header.claims.signature */
static void
make_jwt(buf_t *out, const char *header, const char *claims, const char *alg, EVP_PKEY *key)
{
    buf_reset(out);
    base64url_encode(out, header, strlen(header));
    buf_append_char(out, '.');
    base64url_encode(out, claims, strlen(claims));
    size_t input_len = out->len;
    buf_append_char(out, '.');
    sign(out, alg, key, out->data, input_len);
}

static const char *
fmt(const char *f, ...)
{
    static char bufs[64][8192];
    static size_t n;
    char *b = bufs[n++ % 64];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof(bufs[0]), f, ap);
    va_end(ap);
    return b;
}

#define ISSUERS                                                                                                                    \
    "[{\"issuer\":\"" ISSUER "\",\"scopes\":[\"mcp:tools\"]},"                                                                     \
    "{\"issuer\":\"" OTHER_ISSUER "\",\"audiences\":[\"app-client-1\"],\"audienceClaim\":\"client_id\",\"typ\":null,"              \
    "\"claims\":{\"token_use\":\"access\"},\"algorithms\":[\"RS256\"]}]"

static int
configure(authz_config_t *c, const char *issuers, int with_hs256)
{
    char err[512];
    buf_t key = BUF_INIT(0);
    base64_encode(&key, HS_KEY, strlen(HS_KEY));
    authz_settings_t s = {.oauth_issuers = issuers, .oauth_resource = RESOURCE};
    if (with_hs256) {
        s.jwt_key = key.data;
        s.jwt_issuer = "https://hs.example";
        s.jwt_audience = "mcp-server";
    }
    int ret = authz_config_parse(c, &s, err, sizeof(err));
    if (ret != 0)
        fprintf(stderr, "  configuration refused: %s\n", err);
    buf_dispose(&key);
    return ret;
}

/* Both issuers' key sets, fetched "now". */
static void
load_keys(authz_keyring_t *ring)
{
    buf_t jwks = BUF_INIT(0), other = BUF_INIT(0);
    char err[512];
    memset(ring, 0, sizeof(*ring));
    test_jwks(&jwks);
    CHECK(authz_jwks_parse(&ring->sets[0], jwks.data, jwks.len, NULL, err, sizeof(err)) == 0);
    ring->sets[0].fetched_at = NOW - 10;
    buf_append_str(&other, "{\"keys\":[");
    jwk(&other, rsa_other, "cognito-1", "RS256", "\"use\":\"sig\",");
    buf_append_str(&other, "]}");
    CHECK(authz_jwks_parse(&ring->sets[1], other.data, other.len, NULL, err, sizeof(err)) == 0);
    ring->sets[1].fetched_at = NOW - 10;
    buf_dispose(&jwks);
    buf_dispose(&other);
}

static int
decide_event(const authz_config_t *c, const authz_keyring_t *ring, const char *event, buf_t *out, authz_result_t *r)
{
    int ret = authz_decide(c, ring, event, strlen(event), NOW, out, r);
    CHECK(ret == r->reason);
    return ret;
}

static int
decide(const authz_config_t *c, const authz_keyring_t *ring, const char *token, buf_t *out, authz_result_t *r)
{
    buf_t event = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &event);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "TOKEN");
    jsonw_key(&w, "authorizationToken");
    buf_t value = BUF_INIT(0);
    buf_printf(&value, "Bearer %s", token);
    jsonw_string(&w, value.data);
    jsonw_kv_string(&w, "methodArn", METHOD_ARN);
    jsonw_object_end(&w);
    int ret = decide_event(c, ring, event.data, out, r);
    buf_dispose(&event);
    buf_dispose(&value);
    return ret;
}

/*
 * A claim set: each argument a JSON value, NULL to leave the claim out; extra is appended as is (",\"nbf\":1").
 */
static const char *
claims(const char *iss, const char *aud, const char *scope, const char *iat, const char *exp, const char *extra)
{
    buf_t b = BUF_INIT(0);
    buf_append_str(&b, "{\"sub\":\"alice\",\"client_id\":\"agent-7\"");
    const char *names[] = {"iss", "aud", "scope", "iat", "exp"}, *values[] = {iss, aud, scope, iat, exp};
    for (size_t i = 0; i != 5; ++i)
        if (values[i] != NULL)
            buf_printf(&b, ",\"%s\":%s", names[i], values[i]);
    buf_printf(&b, "%s}", extra != NULL ? extra : "");
    const char *r = fmt("%s", b.data);
    buf_dispose(&b);
    return r;
}

#define Q(s) "\"" s "\""
#define GOOD_ISS Q(ISSUER)
#define GOOD_AUD Q(RESOURCE)
#define GOOD_SCOPE Q("openid mcp:tools")
#define IAT "1763699990"
#define EXP "1763700600"
#define GOOD claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, IAT, EXP, NULL)
#define HDR(alg, kid) "{\"alg\":\"" alg "\",\"typ\":\"at+jwt\",\"kid\":\"" kid "\"}"

/* The table of bad tokens of the issue, and the good ones they are variations of. */
static void
test_table(void)
{
    struct {
        const char *what, *header, *claims, *alg;
        EVP_PKEY **key;
        int reason;
    } cases[] = {
        {"RS256", HDR("RS256", "rsa-1"), GOOD, "RS256", &rsa_key, AUTHZ_ALLOW},
        {"RS384", HDR("RS384", "rsa-1"), GOOD, "RS384", &rsa_key, AUTHZ_ALLOW},
        {"RS512", HDR("RS512", "rsa-1"), GOOD, "RS512", &rsa_key, AUTHZ_ALLOW},
        {"PS256", HDR("PS256", "rsa-1"), GOOD, "PS256", &rsa_key, AUTHZ_ALLOW},
        {"PS384", HDR("PS384", "rsa-1"), GOOD, "PS384", &rsa_key, AUTHZ_ALLOW},
        {"PS512", HDR("PS512", "rsa-1"), GOOD, "PS512", &rsa_key, AUTHZ_ALLOW},
        {"ES256", HDR("ES256", "ec-256"), GOOD, "ES256", &ec256, AUTHZ_ALLOW},
        {"ES384", HDR("ES384", "ec-384"), GOOD, "ES384", &ec384, AUTHZ_ALLOW},
        {"ES512", HDR("ES512", "ec-521"), GOOD, "ES512", &ec521, AUTHZ_ALLOW},
        {"no kid: every key of the type is tried", "{\"alg\":\"ES384\",\"typ\":\"at+jwt\"}", GOOD, "ES384", &ec384, AUTHZ_ALLOW},
        {"typ application/at+jwt", "{\"alg\":\"RS256\",\"typ\":\"application/at+jwt\",\"kid\":\"rsa-1\"}", GOOD, "RS256", &rsa_key,
         AUTHZ_ALLOW},
        {"typ in capitals", "{\"alg\":\"RS256\",\"typ\":\"AT+JWT\",\"kid\":\"rsa-1\"}", GOOD, "RS256", &rsa_key, AUTHZ_ALLOW},
        {"aud as an array", HDR("RS256", "rsa-1"), claims(GOOD_ISS, "[\"other\"," GOOD_AUD "]", GOOD_SCOPE, IAT, EXP, NULL),
         "RS256", &rsa_key, AUTHZ_ALLOW},
        {"scp as an array", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, NULL, IAT, EXP, ",\"scp\":[\"x\",\"mcp:tools\"]"),
         "RS256", &rsa_key, AUTHZ_ALLOW},
        {"exp within the leeway", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, IAT, "1763699941", NULL), "RS256",
         &rsa_key, AUTHZ_ALLOW},
        /* the issue's table: each refused, with its reason */
        {"expired", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, IAT, "1763699940", NULL), "RS256", &rsa_key,
         AUTHZ_ERR_JWT_EXPIRED},
        {"not yet valid (nbf)", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, IAT, EXP, ",\"nbf\":1763700061"),
         "RS256", &rsa_key, AUTHZ_ERR_JWT_NOT_YET_VALID},
        {"issued in the future (iat)", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, "1763700061", EXP, NULL),
         "RS256", &rsa_key, AUTHZ_ERR_JWT_NOT_YET_VALID},
        {"wrong issuer", HDR("RS256", "rsa-1"), claims(Q("https://evil.example"), GOOD_AUD, GOOD_SCOPE, IAT, EXP, NULL), "RS256",
         &rsa_key, AUTHZ_ERR_JWT_ISSUER},
        {"issuer with a trailing slash", HDR("RS256", "rsa-1"), claims(Q(ISSUER "/"), GOOD_AUD, GOOD_SCOPE, IAT, EXP, NULL),
         "RS256", &rsa_key, AUTHZ_ERR_JWT_ISSUER},
        {"wrong audience", HDR("RS256", "rsa-1"), claims(GOOD_ISS, Q("https://other.example/mcp"), GOOD_SCOPE, IAT, EXP, NULL),
         "RS256", &rsa_key, AUTHZ_ERR_JWT_AUDIENCE},
        {"another stage's audience", HDR("RS256", "rsa-1"), claims(GOOD_ISS, Q(DEV_RESOURCE), GOOD_SCOPE, IAT, EXP, NULL), "RS256",
         &rsa_key, AUTHZ_ERR_JWT_AUDIENCE},
        {"no audience", HDR("RS256", "rsa-1"), claims(GOOD_ISS, NULL, GOOD_SCOPE, IAT, EXP, NULL), "RS256", &rsa_key,
         AUTHZ_ERR_JWT_AUDIENCE},
        {"alg none", "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"rsa-1\"}", GOOD, "RS256", &rsa_key, AUTHZ_ERR_JWT_ALG},
        {"HS256 signed with the RSA public key", HDR("HS256", "rsa-1"), GOOD, "HS256", NULL, AUTHZ_ERR_JWT_ALG},
        {"ES256 naming an RSA key", HDR("ES256", "rsa-1"), GOOD, "ES256", &ec256, AUTHZ_ERR_JWT_ALG},
        {"RS256 with a key whose alg is ES256", HDR("RS256", "ec-256"), GOOD, "RS256", &rsa_key, AUTHZ_ERR_JWT_ALG},
        {"unknown kid", HDR("RS256", "rsa-2"), GOOD, "RS256", &rsa_other, AUTHZ_ERR_JWT_UNKNOWN_KEY},
        {"another key under a known kid", HDR("RS256", "rsa-1"), GOOD, "RS256", &rsa_other, AUTHZ_ERR_JWT_SIGNATURE},
        {"missing scope", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, Q("openid"), IAT, EXP, NULL), "RS256", &rsa_key,
         AUTHZ_ERR_JWT_SCOPE},
        {"no scope at all", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, NULL, IAT, EXP, NULL), "RS256", &rsa_key,
         AUTHZ_ERR_JWT_SCOPE},
        {"a scope that only starts the same", HDR("RS256", "rsa-1"),
         claims(GOOD_ISS, GOOD_AUD, Q("mcp:toolsx mcp:tool"), IAT, EXP, NULL), "RS256", &rsa_key, AUTHZ_ERR_JWT_SCOPE},
        {"wrong typ", "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}", GOOD, "RS256", &rsa_key, AUTHZ_ERR_JWT_TYPE},
        {"no typ", "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", GOOD, "RS256", &rsa_key, AUTHZ_ERR_JWT_TYPE},
        {"an ID token's typ", "{\"alg\":\"RS256\",\"typ\":\"id_token+jwt\",\"kid\":\"rsa-1\"}", GOOD, "RS256", &rsa_key,
         AUTHZ_ERR_JWT_TYPE},
        {"a jku header is not followed",
         "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"x\",\"jku\":\"https://evil.example/jwks\"}", GOOD, "RS256", &rsa_other,
         AUTHZ_ERR_JWT_UNKNOWN_KEY},
        {"crit", "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"rsa-1\",\"crit\":[\"x\"]}", GOOD, "RS256", &rsa_key,
         AUTHZ_ERR_JWT_MALFORMED},
        {"no exp", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, IAT, NULL, NULL), "RS256", &rsa_key,
         AUTHZ_ERR_JWT_CLAIMS},
        {"no sub", HDR("RS256", "rsa-1"),
         "{\"iss\":\"" ISSUER "\",\"aud\":\"" RESOURCE "\",\"scope\":\"mcp:tools\",\"exp\":" EXP "}", "RS256", &rsa_key,
         AUTHZ_ERR_JWT_CLAIMS},
        {"scope and scp both", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, IAT, EXP, ",\"scp\":\"mcp:tools\""),
         "RS256", &rsa_key, AUTHZ_ERR_JWT_CLAIMS},
        {"scope not a string", HDR("RS256", "rsa-1"), claims(GOOD_ISS, GOOD_AUD, "[\"mcp:tools\"]", IAT, EXP, NULL), "RS256",
         &rsa_key, AUTHZ_ERR_JWT_CLAIMS},
    };
    authz_config_t c;
    authz_keyring_t ring;
    CHECK(configure(&c, ISSUERS, 0) == 0);
    load_keys(&ring);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        authz_result_t r;
        make_jwt(&jwt, cases[i].header, cases[i].claims, cases[i].alg, cases[i].key != NULL ? *cases[i].key : NULL);
        int reason = decide(&c, &ring, jwt.data, &out, &r);
        if (reason != cases[i].reason)
            fprintf(stderr, "  %s: got %s, expected %s\n", cases[i].what, authz_strreason(reason),
                    authz_strreason(cases[i].reason));
        CHECK(reason == cases[i].reason);
        if (reason == AUTHZ_ALLOW) {
            CHECK(r.method == AUTHZ_METHOD_JWT && strcmp(r.principal, "alice") == 0 && r.issuer == 0);
            CHECK(strstr(out.data, "\"Effect\":\"Allow\"") != NULL);
        } else if (reason == AUTHZ_ERR_JWT_SCOPE) {
            CHECK(r.respond == 1 && strstr(out.data, "\"Effect\":\"Deny\"") != NULL && strstr(out.data, "Allow") == NULL);
        } else {
            CHECK(r.respond == 0 && out.len == 0 && r.principal[0] == '\0');
        }
        if (reason == AUTHZ_ALLOW || reason == AUTHZ_ERR_JWT_UNKNOWN_KEY || reason == AUTHZ_ERR_JWT_SCOPE)
            CHECK(r.issuer == 0); /* the issuer whose keys a refresh would fetch */
    }

    /* a tampered payload: another claim set under the good signature */
    buf_t other = BUF_INIT(0), tampered = BUF_INIT(0);
    authz_result_t r;
    make_jwt(&jwt, HDR("ES256", "ec-256"), GOOD, "ES256", ec256);
    make_jwt(&other, HDR("ES256", "ec-256"), claims(GOOD_ISS, GOOD_AUD, GOOD_SCOPE, IAT, "1900000000", NULL), "ES256", ec256);
    const char *d1 = strchr(jwt.data, '.'), *d2 = strchr(d1 + 1, '.'), *o1 = strchr(other.data, '.'), *o2 = strchr(o1 + 1, '.');
    buf_append(&tampered, jwt.data, (size_t)(d1 - jwt.data) + 1);
    buf_append(&tampered, o1 + 1, (size_t)(o2 - o1 - 1));
    buf_append_str(&tampered, d2);
    CHECK(decide(&c, &ring, tampered.data, &out, &r) == AUTHZ_ERR_JWT_SIGNATURE);
    /* an ES256 signature one byte short, and in DER instead of r||s */
    buf_reset(&tampered);
    buf_append(&tampered, jwt.data, jwt.len - 2);
    CHECK(decide(&c, &ring, tampered.data, &out, &r) == AUTHZ_ERR_JWT_SIGNATURE);
    /* alg none with an empty signature */
    buf_reset(&tampered);
    base64url_encode(&tampered, "{\"alg\":\"none\",\"typ\":\"at+jwt\"}", 29);
    buf_append_char(&tampered, '.');
    base64url_encode(&tampered, GOOD, strlen(GOOD));
    buf_append_char(&tampered, '.');
    CHECK(decide(&c, &ring, tampered.data, &out, &r) == AUTHZ_ERR_JWT_ALG);
    buf_dispose(&other);
    buf_dispose(&tampered);
    buf_dispose(&jwt);
    buf_dispose(&out);
    authz_keyring_dispose(&ring);
    authz_config_dispose(&c);
}

/* The classic confusion for real: HS256 with the issuer's RSA public key (its PEM, as a library would take it). */
static void
test_hmac_with_public_key(void)
{
    authz_config_t c;
    authz_keyring_t ring;
    CHECK(configure(&c, ISSUERS, 0) == 0);
    load_keys(&ring);
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, rsa_key);
    char *pem;
    long pem_len = BIO_get_mem_data(bio, &pem);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    const char *header = HDR("HS256", "rsa-1");
    base64url_encode(&jwt, header, strlen(header));
    buf_append_char(&jwt, '.');
    base64url_encode(&jwt, GOOD, strlen(GOOD));
    unsigned char mac[32];
    unsigned mac_len;
    HMAC(EVP_sha256(), pem, (int)pem_len, (const unsigned char *)jwt.data, jwt.len, mac, &mac_len);
    buf_append_char(&jwt, '.');
    base64url_encode(&jwt, mac, mac_len);
    authz_result_t r;
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ERR_JWT_ALG);
    /* and with an HS256 key configured beside, the token still goes nowhere near it: its iss is the OAuth issuer */
    authz_config_dispose(&c);
    CHECK(configure(&c, ISSUERS, 1) == 0);
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ERR_JWT_ALG);
    BIO_free(bio);
    buf_dispose(&jwt);
    buf_dispose(&out);
    authz_keyring_dispose(&ring);
    authz_config_dispose(&c);
}

/* No keys, keys that aged out, and a rotation: the decision says which issuer needs fetching. */
static void
test_keys(void)
{
    authz_config_t c;
    authz_keyring_t ring;
    CHECK(configure(&c, ISSUERS, 0) == 0);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES), jwks = BUF_INIT(0);
    authz_result_t r;
    make_jwt(&jwt, HDR("RS256", "rsa-1"), GOOD, "RS256", rsa_key);
    CHECK(decide(&c, NULL, jwt.data, &out, &r) == AUTHZ_ERR_JWT_NO_KEYS && r.issuer == 0);
    memset(&ring, 0, sizeof(ring));
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ERR_JWT_NO_KEYS && r.issuer == 0);
    load_keys(&ring);
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ALLOW);
    /* cached keys keep working until they are older than the maximum age (a day by default) */
    ring.sets[0].fetched_at = NOW - c.oauth.jwks_max_age;
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ALLOW);
    ring.sets[0].fetched_at = NOW - c.oauth.jwks_max_age - 1;
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ERR_JWT_NO_KEYS && r.issuer == 0);

    /* rotation: the provider now signs with rsa-2 and has dropped rsa-1 */
    buf_t rotated = BUF_INIT(0);
    make_jwt(&rotated, HDR("RS256", "rsa-2"), GOOD, "RS256", rsa_other);
    ring.sets[0].fetched_at = NOW;
    CHECK(decide(&c, &ring, rotated.data, &out, &r) == AUTHZ_ERR_JWT_UNKNOWN_KEY && r.issuer == 0);
    authz_jwks_t fresh;
    memset(&fresh, 0, sizeof(fresh));
    buf_append_str(&jwks, "{\"keys\":[");
    jwk(&jwks, rsa_other, "rsa-2", "RS256", "");
    buf_append_str(&jwks, "]}");
    char err[512];
    CHECK(authz_jwks_parse(&fresh, jwks.data, jwks.len, NULL, err, sizeof(err)) == 0);
    fresh.fetched_at = NOW;
    authz_jwks_move(&ring.sets[0], &fresh);
    CHECK(decide(&c, &ring, rotated.data, &out, &r) == AUTHZ_ALLOW);
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ERR_JWT_UNKNOWN_KEY);
    buf_dispose(&rotated);
    buf_dispose(&jwks);
    buf_dispose(&jwt);
    buf_dispose(&out);
    authz_keyring_dispose(&ring);
    authz_config_dispose(&c);
}

/* Cognito: client_id instead of aud, no typ, token_use must be access, RS256 only. */
static void
test_cognito_like(void)
{
    authz_config_t c;
    authz_keyring_t ring;
    CHECK(configure(&c, ISSUERS, 0) == 0);
    load_keys(&ring);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    authz_result_t r;
    static const struct {
        const char *claims, *header;
        int reason;
    } cases[] = {
        {"{\"iss\":\"" OTHER_ISSUER
         "\",\"client_id\":\"app-client-1\",\"sub\":\"svc\",\"token_use\":\"access\",\"scope\":\"mcp/tools\","
         "\"exp\":" EXP "}",
         "{\"alg\":\"RS256\",\"kid\":\"cognito-1\"}", AUTHZ_ALLOW},
        /* an ID token: aud instead of client_id, token_use id */
        {"{\"iss\":\"" OTHER_ISSUER "\",\"aud\":\"app-client-1\",\"sub\":\"svc\",\"token_use\":\"id\",\"exp\":" EXP "}",
         "{\"alg\":\"RS256\",\"kid\":\"cognito-1\"}", AUTHZ_ERR_JWT_AUDIENCE},
        {"{\"iss\":\"" OTHER_ISSUER "\",\"client_id\":\"app-client-1\",\"sub\":\"svc\",\"token_use\":\"id\",\"exp\":" EXP "}",
         "{\"alg\":\"RS256\",\"kid\":\"cognito-1\"}", AUTHZ_ERR_JWT_CLAIM_VALUE},
        {"{\"iss\":\"" OTHER_ISSUER "\",\"client_id\":\"app-client-2\",\"sub\":\"svc\",\"token_use\":\"access\",\"exp\":" EXP "}",
         "{\"alg\":\"RS256\",\"kid\":\"cognito-1\"}", AUTHZ_ERR_JWT_AUDIENCE},
        {"{\"iss\":\"" OTHER_ISSUER "\",\"client_id\":\"app-client-1\",\"sub\":\"svc\",\"exp\":" EXP "}",
         "{\"alg\":\"RS256\",\"kid\":\"cognito-1\"}", AUTHZ_ERR_JWT_CLAIM_VALUE},
        /* the allow-list says RS256 only */
        {"{\"iss\":\"" OTHER_ISSUER "\",\"client_id\":\"app-client-1\",\"sub\":\"svc\",\"token_use\":\"access\",\"exp\":" EXP "}",
         "{\"alg\":\"PS256\",\"kid\":\"cognito-1\"}", AUTHZ_ERR_JWT_ALG},
        /* keys are per issuer: the first issuer's key does not sign for the second */
        {"{\"iss\":\"" OTHER_ISSUER "\",\"client_id\":\"app-client-1\",\"sub\":\"svc\",\"token_use\":\"access\",\"exp\":" EXP "}",
         "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", AUTHZ_ERR_JWT_UNKNOWN_KEY},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        make_jwt(&jwt, cases[i].header, cases[i].claims, strstr(cases[i].header, "PS256") ? "PS256" : "RS256",
                 strstr(cases[i].header, "rsa-1") ? rsa_key : rsa_other);
        int reason = decide(&c, &ring, jwt.data, &out, &r);
        if (reason != cases[i].reason)
            fprintf(stderr, "  case %zu: got %s\n", i, authz_strreason(reason));
        CHECK(reason == cases[i].reason);
        CHECK(r.issuer == 1);
    }
    buf_dispose(&jwt);
    buf_dispose(&out);
    authz_keyring_dispose(&ring);
    authz_config_dispose(&c);
}

/* What reaches tools: sub, iss, client_id and scope in the context; the 403's Deny; HTTP API simple answers. */
static void
test_answers(void)
{
    authz_config_t c;
    authz_keyring_t ring;
    CHECK(configure(&c, ISSUERS, 1) == 0);
    load_keys(&ring);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES), event = BUF_INIT(0);
    authz_result_t r;
    arena_t arena;
    json_value_t *v;
    make_jwt(&jwt, HDR("ES256", "ec-256"), GOOD, "ES256", ec256);
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ALLOW);
    CHECK_STR(r.client, "agent-7");
    arena_init(&arena, 0);
    CHECK(json_parse(&arena, out.data, out.len, 8, &v) == 0);
    const json_value_t *ctx = json_get(v, "context");
    CHECK_STR(json_string(json_get(v, "principalId")), "alice");
    CHECK_STR(json_string(json_get(ctx, "sub")), "alice");
    CHECK_STR(json_string(json_get(ctx, "iss")), ISSUER);
    CHECK_STR(json_string(json_get(ctx, "client_id")), "agent-7");
    CHECK_STR(json_string(json_get(ctx, "scope")), "openid mcp:tools");
    CHECK_STR(json_string(json_get(ctx, "authMethod")), "jwt");
    arena_dispose(&arena);

    /* missing scope on a REST API: a Deny policy for the stage, whose context names what is needed */
    make_jwt(&jwt, HDR("ES256", "ec-256"), claims(GOOD_ISS, GOOD_AUD, Q("openid"), IAT, EXP, NULL), "ES256", ec256);
    CHECK(decide(&c, &ring, jwt.data, &out, &r) == AUTHZ_ERR_JWT_SCOPE && r.respond == 1 && r.principal[0] == '\0');
    arena_init(&arena, 0);
    CHECK(json_parse(&arena, out.data, out.len, 8, &v) == 0);
    const json_value_t *st = json_get(json_get(v, "policyDocument"), "Statement");
    CHECK(st != NULL && st->type == JSON_ARRAY && st->u.arr.len == 1);
    CHECK_STR(json_string(json_get(st->u.arr.items[0], "Effect")), "Deny");
    CHECK_STR(json_string(json_get(st->u.arr.items[0], "Resource")),
              "arn:aws:execute-api:eu-central-1:123456789012:abc123/prod/*/*");
    CHECK_STR(json_string(json_get(json_get(v, "context"), "error")), "insufficient_scope");
    CHECK_STR(json_string(json_get(json_get(v, "context"), "scope")), "mcp:tools");
    CHECK_STR(json_string(json_get(v, "principalId")), "alice");
    arena_dispose(&arena);
    /* on an HTTP API the same refusal is the simple false */
    buf_printf(&event,
               "{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"arn:aws:execute-api:us-east-1:123456789012:api/$default/"
               "POST/mcp\",\"headers\":{\"authorization\":\"Bearer %s\"}}",
               jwt.data);
    CHECK(decide_event(&c, &ring, event.data, &out, &r) == AUTHZ_ERR_JWT_SCOPE);
    CHECK(r.respond == 1 && strcmp(out.data, "{\"isAuthorized\":false}") == 0);

    /* HS256 beside the issuers keeps working, and its tokens cannot claim an OAuth issuer */
    buf_t hs = BUF_INIT(0);
    make_jwt(&hs, "{\"alg\":\"HS256\"}", "{\"iss\":\"https://hs.example\",\"aud\":\"mcp-server\",\"sub\":\"bob\",\"exp\":" EXP "}",
             "HS256", NULL);
    CHECK(decide(&c, &ring, hs.data, &out, &r) == AUTHZ_ALLOW && strcmp(r.principal, "bob") == 0 && r.issuer == -1);
    make_jwt(&hs, "{\"alg\":\"HS256\"}", GOOD, "HS256", NULL);
    CHECK(decide(&c, &ring, hs.data, &out, &r) == AUTHZ_ERR_JWT_ALG);
    /* the HS256 issuer's name on an RS256 token: that issuer signs with the shared key only */
    make_jwt(&hs, HDR("RS256", "rsa-1"), "{\"iss\":\"https://hs.example\",\"aud\":\"mcp-server\",\"sub\":\"bob\",\"exp\":" EXP "}",
             "RS256", rsa_key);
    CHECK(decide(&c, &ring, hs.data, &out, &r) == AUTHZ_ERR_JWT_ALG);
    /* an RS256 token of an issuer nobody configured: jwt issuer, even with HS256 on */
    make_jwt(&hs, HDR("RS256", "rsa-1"), claims(Q("https://evil.example"), GOOD_AUD, GOOD_SCOPE, IAT, EXP, NULL), "RS256", rsa_key);
    CHECK(decide(&c, &ring, hs.data, &out, &r) == AUTHZ_ERR_JWT_ISSUER);
    buf_dispose(&hs);
    buf_dispose(&event);
    buf_dispose(&jwt);
    buf_dispose(&out);
    authz_keyring_dispose(&ring);
    authz_config_dispose(&c);
}

/* JWK Sets: what is used, skipped and refused. */
static void
test_jwks_parse(void)
{
    static char many[40000];
    struct {
        const char *what;
        const char *json;
        int ret;
        size_t keys, skipped;
    } cases[] = {
        {"not JSON", "keys", -1},
        {"no keys", "{}", -1},
        {"keys not an array", "{\"keys\":{}}", -1},
        {"empty", "{\"keys\":[]}", -1},
        {"only an oct key", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}", -1},
        {"an OKP key", "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}",
         -1},
        {"a 1024-bit RSA key", NULL, -1},
        {"EC point off the curve",
         "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
         "\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}]}",
         -1},
        {"EC coordinates of the wrong size", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}]}", -1},
        {"unknown curve", "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-192\",\"x\":\"AAAA\",\"y\":\"AAAA\"}]}", -1},
        {"padded base64", NULL, -1},
        {"mixed: good keys used, the rest skipped", NULL, 0, 2, 5},
        {"more keys than kept", many, 0, AUTHZ_MAX_KEYS, 4},
    };
    buf_t b = BUF_INIT(0);
    EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    buf_append_str(&b, "{\"keys\":[");
    jwk(&b, small, "small", NULL, "");
    buf_append_str(&b, "]}");
    cases[6].json = fmt("%s", b.data);
    buf_reset(&b);
    buf_append_str(&b, "{\"keys\":[");
    jwk(&b, rsa_key, "k", NULL, "");
    buf_append_str(&b, "]}");
    char *n = strstr(b.data, "\"e\":\"");
    memcpy(n + 5, "AQAB=\"}]}", 10);
    cases[10].json = fmt("%s", b.data);
    buf_reset(&b);
    buf_append_str(&b, "{\"keys\":[");
    jwk(&b, rsa_key, "a", NULL, "\"use\":\"sig\",\"key_ops\":[\"verify\"],");
    buf_append_str(&b, ",");
    jwk(&b, rsa_key, "enc", NULL, "\"use\":\"enc\",");
    buf_append_str(&b, ",");
    jwk(&b, rsa_key, "wrap", NULL, "\"key_ops\":[\"wrapKey\"],");
    buf_append_str(&b, ",{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},");
    jwk(&b, ec256, "b", "ES256", "");
    buf_append_str(&b, ",");
    jwk(&b, ec256, "mislabelled", "ES384", ""); /* a P-256 key claiming ES384: used for nothing */
    buf_append_str(&b, ",");
    jwk(&b, small, "small", NULL, "");
    buf_append_str(&b, "]}");
    cases[11].json = fmt("%s", b.data);
    buf_reset(&b);
    buf_append_str(&b, "{\"keys\":[");
    for (int i = 0; i != AUTHZ_MAX_KEYS + 4; ++i) {
        if (i != 0)
            buf_append_char(&b, ',');
        jwk(&b, ec256, fmt("k%d", i), NULL, "");
    }
    buf_append_str(&b, "]}");
    snprintf(many, sizeof(many), "%s", b.data);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        authz_jwks_t set;
        memset(&set, 0, sizeof(set));
        size_t skipped = 99;
        char err[512] = "x";
        int ret = authz_jwks_parse(&set, cases[i].json, strlen(cases[i].json), &skipped, err, sizeof(err));
        if (ret != cases[i].ret)
            fprintf(stderr, "  %s: got %d (%s)\n", cases[i].what, ret, err);
        CHECK(ret == cases[i].ret);
        if (ret == 0) {
            CHECK(set.num_keys == cases[i].keys && skipped == cases[i].skipped);
        } else {
            CHECK(set.num_keys == 0 && err[0] != '\0');
        }
        authz_jwks_dispose(&set);
    }
    /* the note names the ignored key, never its material */
    authz_jwks_t set;
    memset(&set, 0, sizeof(set));
    char err[512];
    CHECK(authz_jwks_parse(&set, cases[11].json, strlen(cases[11].json), NULL, err, sizeof(err)) == 0);
    CHECK(strstr(err, "key 7") != NULL && strstr(err, "2048") != NULL);
    CHECK(set.keys[0].has_kid && strcmp(set.keys[0].kid, "a") == 0 && set.keys[0].alg == NULL);
    CHECK(set.keys[1].alg == authz_jwa_find("ES256", 5));
    authz_jwks_dispose(&set);
    EVP_PKEY_free(small);
    buf_dispose(&b);
}

/* MCP_OAUTH_ISSUERS and friends: every mistake an error naming it; the defaults. */
static void
test_config(void)
{
    static const struct {
        const char *issuers, *resource, *refresh, *max_age, *message;
    } errors[] = {
        {"not json", RESOURCE, NULL, NULL, "must be a JSON array of issuer objects"},
        {"{}", RESOURCE, NULL, NULL, "must be a JSON array"},
        {"[]", RESOURCE, NULL, NULL, "must list 1 to 8 issuers"},
        {"[1]", RESOURCE, NULL, NULL, "issuer 1: must be a JSON object"},
        {"[{}]", RESOURCE, NULL, NULL, "issuer 1: \"issuer\" is required"},
        {"[{\"issuer\":\"http://id.example.com\"}]", RESOURCE, NULL, NULL, "\"issuer\" must be an https:// URL"},
        {"[{\"issuer\":\"https://id.example.com?x=1\"}]", RESOURCE, NULL, NULL, "must have no query"},
        {"[{\"issuer\":\"https://id.example.com#f\"}]", RESOURCE, NULL, NULL, "without spaces, non-ASCII characters or a fragment"},
        {"[{\"issuer\":\"https://id.example.com\",\"audience\":\"x\"}]", RESOURCE, NULL, NULL, "unknown member \"audience\""},
        {"[{\"issuer\":\"https://id.example.com\"}]", NULL, NULL, NULL, "no audience: set MCP_OAUTH_RESOURCE"},
        {"[{\"issuer\":\"https://id.example.com\",\"audiences\":[]}]", NULL, NULL, NULL, "\"audiences\" must list 1 to 8"},
        {"[{\"issuer\":\"https://id.example.com\",\"audienceClaim\":\"azp\"}]", RESOURCE, NULL, NULL, "\"audienceClaim\" must be"},
        {"[{\"issuer\":\"https://id.example.com\",\"typ\":[]}]", RESOURCE, NULL, NULL, "\"typ\" must list 1 to 4"},
        {"[{\"issuer\":\"https://id.example.com\",\"typ\":\"application/\"}]", RESOURCE, NULL, NULL, "empty after"},
        {"[{\"issuer\":\"https://id.example.com\",\"scopes\":[\"a b\"]}]", RESOURCE, NULL, NULL, "not a scope token"},
        {"[{\"issuer\":\"https://id.example.com\",\"scopes\":\"mcp\"}]", RESOURCE, NULL, NULL, "\"scopes\" must be an array"},
        {"[{\"issuer\":\"https://id.example.com\",\"algorithms\":[\"HS256\"]}]", RESOURCE, NULL, NULL, "\"algorithms\": value 1"},
        {"[{\"issuer\":\"https://id.example.com\",\"algorithms\":[\"none\"]}]", RESOURCE, NULL, NULL, "\"algorithms\": value 1"},
        {"[{\"issuer\":\"https://id.example.com\",\"claims\":{\"token_use\":1}}]", RESOURCE, NULL, NULL, "must be a string"},
        {"[{\"issuer\":\"https://id.example.com\",\"jwksUri\":\"http://id.example.com/jwks\"}]", RESOURCE, NULL, NULL,
         "\"jwksUri\" must be an https:// URL"},
        {"[{\"issuer\":\"https://id.example.com\"},{\"issuer\":\"https://id.example.com\"}]", RESOURCE, NULL, NULL,
         "issuer 2: the same \"issuer\" as issuer 1"},
        {"[{\"issuer\":\"https://id.example.com\",\"issuer\":\"https://other.example.com\"}]", RESOURCE, NULL, NULL, "given twice"},
        {"[{\"issuer\":\"https://hs.example\"}]", RESOURCE, NULL, NULL, "is also MCP_JWT_ISSUER"},
        {"[{\"issuer\":\"https://id.example.com\"}]", "mcp", NULL, NULL, "MCP_OAUTH_RESOURCE must be an http:// or https:// URL"},
        {"[{\"issuer\":\"https://id.example.com\"}]", RESOURCE, "0", NULL,
         "MCP_OAUTH_JWKS_REFRESH_SECONDS must be an integer from 1"},
        {"[{\"issuer\":\"https://id.example.com\"}]", RESOURCE, "soon", NULL, "MCP_OAUTH_JWKS_REFRESH_SECONDS must be"},
        {"[{\"issuer\":\"https://id.example.com\"}]", RESOURCE, "600", "60", "must be at least MCP_OAUTH_JWKS_REFRESH_SECONDS"},
        {NULL, RESOURCE, NULL, NULL, "MCP_OAUTH_RESOURCE is set but MCP_OAUTH_ISSUERS is not"},
    };
    buf_t key = BUF_INIT(0);
    base64_encode(&key, HS_KEY, strlen(HS_KEY));
    for (size_t i = 0; i != sizeof(errors) / sizeof(errors[0]); ++i) {
        authz_config_t c;
        char err[512] = "";
        authz_settings_t s = {.jwt_key = key.data,
                              .jwt_issuer = "https://hs.example",
                              .jwt_audience = "mcp",
                              .oauth_issuers = errors[i].issuers,
                              .oauth_resource = errors[i].resource,
                              .oauth_jwks_refresh = errors[i].refresh,
                              .oauth_jwks_max_age = errors[i].max_age};
        CHECK(authz_config_parse(&c, &s, err, sizeof(err)) == -1);
        if (strstr(err, errors[i].message) == NULL)
            fprintf(stderr, "  case %zu: \"%s\", expected \"%s\"\n", i, err, errors[i].message);
        CHECK(strstr(err, errors[i].message) != NULL);
        CHECK(c.oauth.num_issuers == 0);
    }
    buf_dispose(&key);

    authz_config_t c;
    CHECK(configure(&c, ISSUERS, 0) == 0);
    CHECK(c.oauth.num_issuers == 2);
    const authz_issuer_t *a = &c.oauth.issuers[0], *b = &c.oauth.issuers[1];
    CHECK(a->num_audiences == 1 && strcmp(a->audiences[0], RESOURCE) == 0 && a->audience_claim == AUTHZ_AUDIENCE_AUD);
    CHECK(a->check_typ && a->num_typs == 1 && strcmp(a->typs[0], "at+jwt") == 0 && a->algorithms == AUTHZ_JWA_ASYMMETRIC);
    CHECK_STR(a->scope_challenge, "mcp:tools");
    CHECK(!b->check_typ && b->audience_claim == AUTHZ_AUDIENCE_CLIENT_ID && b->num_claims == 1 && b->algorithms == 0x002);
    CHECK(authz_issuer_typ_ok(a, "application/AT+JWT", 18) && !authz_issuer_typ_ok(a, "jwt", 3) &&
          authz_issuer_typ_ok(b, "JWT", 3));
    CHECK(c.oauth.jwks_refresh == 3600 && c.oauth.jwks_max_age == 86400 && c.oauth.jwks_min_interval == 30 &&
          c.oauth.fetch_timeout_ms == 2000 && c.oauth.leeway == 60);
    authz_config_dispose(&c);
}

int
main(void)
{
    make_keys();
    RUN(test_table);
    RUN(test_hmac_with_public_key);
    RUN(test_keys);
    RUN(test_cognito_like);
    RUN(test_answers);
    RUN(test_jwks_parse);
    RUN(test_config);
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(rsa_other);
    EVP_PKEY_free(ec256);
    EVP_PKEY_free(ec384);
    EVP_PKEY_free(ec521);
    return TEST_REPORT("test_authorizer_oauth");
}
