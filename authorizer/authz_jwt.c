#include "authz_jwt.h"

#include <math.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base64.h"
#include "json.h"

#define MAX_HEADER_BYTES 1024
#define HEADER_DEPTH 4 /* {"crit":[...]} is 2; nothing a real header has goes deeper */
#define CLAIMS_DEPTH 16
#define MAX_MEMBERS 128 /* members of either object: keeps the duplicate check's quadratic cost small */
#define SIGNATURE_BYTES 32

int
authz_jwt_shaped(const char *token, size_t len)
{
    const char *d1 = memchr(token, '.', len);
    if (d1 == NULL)
        return 0;
    const char *d2 = memchr(d1 + 1, '.', (size_t)(token + len - d1 - 1));
    return d2 != NULL && memchr(d2 + 1, '.', (size_t)(token + len - d2 - 1)) == NULL;
}

/* Unpadded base64url (RFC 7515 2): padding is refused here because the shared decoder accepts it. */
static int
decode_segment(buf_t *out, const char *s, size_t len)
{
    if (len == 0 || memchr(s, '=', len) != NULL)
        return -1;
    return base64_decode(out, s, len, 1);
}

/* A JSON object without duplicate member names (RFC 7515 4 allows refusing them; we always do). */
static int
parse_object(arena_t *arena, const buf_t *json, unsigned depth, json_value_t **out)
{
    if (json_parse(arena, json->data, json->len, depth, out) != 0 || (*out)->type != JSON_OBJECT || (*out)->u.obj.len > MAX_MEMBERS)
        return -1;
    const json_member_t *m = (*out)->u.obj.items;
    for (size_t i = 0; i != (*out)->u.obj.len; ++i)
        for (size_t j = 0; j != i; ++j)
            if (m[i].key_len == m[j].key_len && memcmp(m[i].key, m[j].key, m[i].key_len) == 0)
                return -1;
    return 0;
}

static int
string_is(const json_value_t *v, const char *s)
{
    size_t len = strlen(s);
    return v != NULL && v->type == JSON_STRING && v->u.str.len == len && memcmp(v->u.str.ptr, s, len) == 0;
}

/* A NumericDate (RFC 7519 2): any JSON number, fractions allowed. */
static int
numeric_date(const json_value_t *v, double *out)
{
    return json_double(v, out) == 0 && isfinite(*out) ? 0 : -1;
}

static int
check_audience(const json_value_t *aud, const char *audience)
{
    if (aud == NULL)
        return AUTHZ_ERR_JWT_AUDIENCE;
    if (aud->type == JSON_STRING)
        return string_is(aud, audience) ? 0 : AUTHZ_ERR_JWT_AUDIENCE;
    if (aud->type != JSON_ARRAY)
        return AUTHZ_ERR_JWT_CLAIMS;
    int found = 0;
    for (size_t i = 0; i != aud->u.arr.len; ++i) {
        if (aud->u.arr.items[i]->type != JSON_STRING)
            return AUTHZ_ERR_JWT_CLAIMS;
        found |= string_is(aud->u.arr.items[i], audience);
    }
    return found ? 0 : AUTHZ_ERR_JWT_AUDIENCE;
}

static int
check_claims(const authz_jwt_config_t *cfg, const json_value_t *claims, int64_t now, authz_jwt_claims_t *out)
{
    double exp, nbf;
    const json_value_t *nbf_value = json_get(claims, "nbf"), *sub = json_get(claims, "sub");
    /* a token without exp would be good forever: refused, not assumed */
    if (numeric_date(json_get(claims, "exp"), &exp) != 0)
        return AUTHZ_ERR_JWT_CLAIMS;
    if ((double)now - (double)cfg->leeway >= exp)
        return AUTHZ_ERR_JWT_EXPIRED;
    if (nbf_value != NULL) {
        if (numeric_date(nbf_value, &nbf) != 0)
            return AUTHZ_ERR_JWT_CLAIMS;
        if ((double)now + (double)cfg->leeway < nbf)
            return AUTHZ_ERR_JWT_NOT_YET_VALID;
    }
    if (!string_is(json_get(claims, "iss"), cfg->issuer))
        return AUTHZ_ERR_JWT_ISSUER;
    int ret = check_audience(json_get(claims, "aud"), cfg->audience);
    if (ret != 0)
        return ret;
    if (sub == NULL || sub->type != JSON_STRING || sub->u.str.len == 0 || sub->u.str.len > AUTHZ_MAX_PRINCIPAL)
        return AUTHZ_ERR_JWT_CLAIMS;
    out->sub = sub->u.str.ptr;
    out->sub_len = sub->u.str.len;
    out->iss = json_string(json_get(claims, "iss"));
    return 0;
}

int
authz_jwt_verify(const authz_jwt_config_t *cfg, const char *token, size_t len, int64_t now, arena_t *arena,
                 authz_jwt_claims_t *claims)
{
    int ret;
    buf_t header_json = BUF_INIT(MAX_HEADER_BYTES), claims_json = BUF_INIT(AUTHZ_MAX_TOKEN_BYTES), sig = BUF_INIT(64);
    json_value_t *header, *payload;
    const char *d1, *d2;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    memset(claims, 0, sizeof(*claims));

    if (!cfg->enabled || !authz_jwt_shaped(token, len)) {
        ret = AUTHZ_ERR_JWT_MALFORMED;
        goto exit;
    }
    d1 = memchr(token, '.', len);
    d2 = memchr(d1 + 1, '.', (size_t)(token + len - d1 - 1));

    if (decode_segment(&header_json, token, (size_t)(d1 - token)) != 0 ||
        parse_object(arena, &header_json, HEADER_DEPTH, &header) != 0 || json_get(header, "crit") != NULL) {
        ret = AUTHZ_ERR_JWT_MALFORMED;
        goto exit;
    }
    /* the algorithm is pinned: the header only gets to agree with it */
    if (!string_is(json_get(header, "alg"), "HS256")) {
        ret = AUTHZ_ERR_JWT_ALG;
        goto exit;
    }
    if (decode_segment(&sig, d2 + 1, (size_t)(token + len - d2 - 1)) != 0 || sig.len != SIGNATURE_BYTES) {
        ret = AUTHZ_ERR_JWT_SIGNATURE;
        goto exit;
    }
    if (HMAC(EVP_sha256(), cfg->key, (int)cfg->key_len, (const unsigned char *)token, (size_t)(d2 - token), mac, &mac_len) ==
            NULL ||
        mac_len != SIGNATURE_BYTES) {
        ret = AUTHZ_ERR_INTERNAL;
        goto exit;
    }
    if (CRYPTO_memcmp(mac, sig.data, SIGNATURE_BYTES) != 0) {
        ret = AUTHZ_ERR_JWT_SIGNATURE;
        goto exit;
    }
    /* nothing in the claims is looked at before the signature has vouched for them */
    if (decode_segment(&claims_json, d1 + 1, (size_t)(d2 - d1 - 1)) != 0 ||
        parse_object(arena, &claims_json, CLAIMS_DEPTH, &payload) != 0) {
        ret = AUTHZ_ERR_JWT_MALFORMED;
        goto exit;
    }
    ret = check_claims(cfg, payload, now, claims);
exit:
    buf_dispose(&header_json);
    buf_dispose(&claims_json);
    buf_dispose(&sig);
    return ret;
}
