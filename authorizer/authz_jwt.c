#include "authz_jwt.h"

#include <math.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "authz_issuers.h"
#include "base64.h"
#include "json.h"

#define MAX_HEADER_BYTES 1024
#define HEADER_DEPTH 4 /* {"crit":[...]} is 2; nothing a real header has goes deeper */
#define CLAIMS_DEPTH 16
#define MAX_MEMBERS 128          /* members of either object: keeps the duplicate check's quadratic cost small */
#define MAX_SIGNATURE_BYTES 1024 /* an 8192-bit RSA signature */

/* What the claims are checked against: the HS256 settings, or an OAuth issuer's. */
typedef struct st_rules_t {
    const char *issuer;
    const char *audiences[AUTHZ_OAUTH_MAX_AUDIENCES];
    size_t num_audiences;
    authz_audience_claim_t audience_claim;
    int64_t leeway;
    const authz_issuer_t *oauth; /* required claims, scopes and iat; NULL for HS256 */
} rules_t;

/* The token split into its parts. */
typedef struct st_jws_t {
    const char *signing_input; /* header.claims, what the signature covers */
    size_t signing_input_len;
    json_value_t *header;
    json_value_t *claims; /* parsed before the signature is checked, but only "iss" is read until it is */
    buf_t sig;
} jws_t;

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
is_audience(const rules_t *r, const json_value_t *v)
{
    int found = 0;
    for (size_t i = 0; i != r->num_audiences; ++i)
        found |= string_is(v, r->audiences[i]);
    return found;
}

static int
check_audience(const rules_t *r, const json_value_t *claims)
{
    if (r->audience_claim == AUTHZ_AUDIENCE_CLIENT_ID)
        return is_audience(r, json_get(claims, "client_id")) ? 0 : AUTHZ_ERR_JWT_AUDIENCE;
    const json_value_t *aud = json_get(claims, "aud");
    if (aud == NULL)
        return AUTHZ_ERR_JWT_AUDIENCE;
    if (aud->type == JSON_STRING)
        return is_audience(r, aud) ? 0 : AUTHZ_ERR_JWT_AUDIENCE;
    if (aud->type != JSON_ARRAY)
        return AUTHZ_ERR_JWT_CLAIMS;
    int found = 0;
    for (size_t i = 0; i != aud->u.arr.len; ++i) {
        if (aud->u.arr.items[i]->type != JSON_STRING)
            return AUTHZ_ERR_JWT_CLAIMS;
        found |= is_audience(r, aud->u.arr.items[i]);
    }
    return found ? 0 : AUTHZ_ERR_JWT_AUDIENCE;
}

/* Whether the space-separated list s[0..len) contains word. */
static int
has_word(const char *s, size_t len, const char *word)
{
    size_t wlen = strlen(word);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j != len && s[j] != ' ')
            ++j;
        if (j - i == wlen && memcmp(s + i, word, wlen) == 0)
            return 1;
        i = j + 1;
    }
    return 0;
}

/*
 * The granted scopes as one space-separated string in the arena (*out NULL when the token has none): "scope" (RFC 9068
 * 2.2.3, RFC 8693 4.2) or "scp" (Okta: an array; Entra ID: a space-separated string).
 */
static int
granted_scopes(const json_value_t *claims, arena_t *arena, const char **out)
{
    const json_value_t *scope = json_get(claims, "scope"), *scp = json_get(claims, "scp");
    *out = NULL;
    if (scope != NULL && scp != NULL)
        return AUTHZ_ERR_JWT_CLAIMS; /* two answers to one question */
    const json_value_t *v = scope != NULL ? scope : scp;
    if (v == NULL)
        return 0;
    if (v->type == JSON_STRING) {
        if (v->u.str.len > AUTHZ_MAX_SCOPE_CLAIM)
            return AUTHZ_ERR_JWT_CLAIMS;
        *out = v->u.str.ptr;
        return 0;
    }
    if (v != scp || v->type != JSON_ARRAY)
        return AUTHZ_ERR_JWT_CLAIMS;
    buf_t joined = BUF_INIT(AUTHZ_MAX_SCOPE_CLAIM);
    int ret = 0;
    for (size_t i = 0; i != v->u.arr.len && ret == 0; ++i) {
        const json_value_t *item = v->u.arr.items[i];
        if (item->type != JSON_STRING || item->u.str.len == 0 || memchr(item->u.str.ptr, ' ', item->u.str.len) != NULL)
            ret = AUTHZ_ERR_JWT_CLAIMS;
        else
            buf_printf(&joined, "%s%s", i != 0 ? " " : "", item->u.str.ptr);
    }
    if (ret == 0 && buf_failed(&joined))
        ret = AUTHZ_ERR_JWT_CLAIMS;
    if (ret == 0 && (*out = arena_strndup(arena, joined.data != NULL ? joined.data : "", joined.len)) == NULL)
        ret = AUTHZ_ERR_INTERNAL;
    buf_dispose(&joined);
    return ret;
}

static int
check_times(const rules_t *r, const json_value_t *claims, int64_t now)
{
    double exp, nbf, iat;
    const json_value_t *nbf_value = json_get(claims, "nbf"), *iat_value = json_get(claims, "iat");
    /* a token without exp would be good forever: refused, not assumed */
    if (numeric_date(json_get(claims, "exp"), &exp) != 0)
        return AUTHZ_ERR_JWT_CLAIMS;
    if ((double)now - (double)r->leeway >= exp)
        return AUTHZ_ERR_JWT_EXPIRED;
    if (nbf_value != NULL) {
        if (numeric_date(nbf_value, &nbf) != 0)
            return AUTHZ_ERR_JWT_CLAIMS;
        if ((double)now + (double)r->leeway < nbf)
            return AUTHZ_ERR_JWT_NOT_YET_VALID;
    }
    /* an access token issued in the future was minted by a clock nobody should trust (RFC 9068 4) */
    if (r->oauth != NULL && iat_value != NULL) {
        if (numeric_date(iat_value, &iat) != 0)
            return AUTHZ_ERR_JWT_CLAIMS;
        if ((double)now + (double)r->leeway < iat)
            return AUTHZ_ERR_JWT_NOT_YET_VALID;
    }
    return 0;
}

static int
check_claims(const rules_t *r, const json_value_t *claims, int64_t now, arena_t *arena, authz_jwt_claims_t *out)
{
    int ret;
    const json_value_t *sub = json_get(claims, "sub");
    if ((ret = check_times(r, claims, now)) != 0)
        return ret;
    if (!string_is(json_get(claims, "iss"), r->issuer))
        return AUTHZ_ERR_JWT_ISSUER;
    if ((ret = check_audience(r, claims)) != 0)
        return ret;
    for (size_t i = 0; r->oauth != NULL && i != r->oauth->num_claims; ++i)
        if (!string_is(json_get(claims, r->oauth->claims[i].name), r->oauth->claims[i].value))
            return AUTHZ_ERR_JWT_CLAIM_VALUE;
    if (sub == NULL || sub->type != JSON_STRING || sub->u.str.len == 0 || sub->u.str.len > AUTHZ_MAX_PRINCIPAL)
        return AUTHZ_ERR_JWT_CLAIMS;
    const json_value_t *client = json_get(claims, "client_id");
    if (client == NULL)
        client = json_get(claims, "azp");
    if (client != NULL && (client->type != JSON_STRING || client->u.str.len == 0 || client->u.str.len > AUTHZ_MAX_PRINCIPAL))
        return AUTHZ_ERR_JWT_CLAIMS;
    if ((ret = granted_scopes(claims, arena, &out->scope)) != 0)
        return ret;
    out->sub = sub->u.str.ptr;
    out->sub_len = sub->u.str.len;
    out->iss = json_string(json_get(claims, "iss"));
    out->client_id = json_string(client);
    for (size_t i = 0; r->oauth != NULL && i != r->oauth->num_scopes; ++i)
        if (out->scope == NULL || !has_word(out->scope, strlen(out->scope), r->oauth->scopes[i]))
            return AUTHZ_ERR_JWT_SCOPE;
    return 0;
}

/* Splits and decodes the token; the signature's length is the algorithm's business. */
static int
split(const char *token, size_t len, arena_t *arena, jws_t *jws)
{
    const char *d1 = memchr(token, '.', len), *d2 = memchr(d1 + 1, '.', (size_t)(token + len - d1 - 1));
    buf_t header = BUF_INIT(MAX_HEADER_BYTES), claims = BUF_INIT(AUTHZ_MAX_TOKEN_BYTES);
    int ret = AUTHZ_ERR_JWT_MALFORMED;
    jws->signing_input = token;
    jws->signing_input_len = (size_t)(d2 - token);
    if (decode_segment(&header, token, (size_t)(d1 - token)) != 0 ||
        parse_object(arena, &header, HEADER_DEPTH, &jws->header) != 0 || json_get(jws->header, "crit") != NULL)
        goto exit;
    if (decode_segment(&claims, d1 + 1, (size_t)(d2 - d1 - 1)) != 0 ||
        parse_object(arena, &claims, CLAIMS_DEPTH, &jws->claims) != 0)
        goto exit;
    /* a missing signature is a bad one, for whoever claims an algorithm */
    ret = d2 + 1 == token + len || decode_segment(&jws->sig, d2 + 1, (size_t)(token + len - d2 - 1)) == 0 ? 0
                                                                                                          : AUTHZ_ERR_JWT_SIGNATURE;
exit:
    buf_dispose(&header);
    buf_dispose(&claims);
    return ret;
}

/* The HS256 path: the algorithm is pinned, the header only gets to agree with it. */
static int
verify_hs256(const authz_config_t *c, const authz_jwa_t *alg, const jws_t *jws)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    if (alg == NULL || alg->kty != AUTHZ_KTY_OCT)
        return AUTHZ_ERR_JWT_ALG;
    if (jws->sig.len != alg->sig_bytes)
        return AUTHZ_ERR_JWT_SIGNATURE;
    if (HMAC(alg->md(), c->jwt.key, (int)c->jwt.key_len, (const unsigned char *)jws->signing_input, jws->signing_input_len, mac,
             &mac_len) == NULL ||
        mac_len != alg->sig_bytes)
        return AUTHZ_ERR_INTERNAL;
    return CRYPTO_memcmp(mac, jws->sig.data, alg->sig_bytes) == 0 ? 0 : AUTHZ_ERR_JWT_SIGNATURE;
}

/* The OAuth path: the issuer's allow-list, its typ, and one of its keys. */
static int
verify_oauth(const authz_config_t *c, const authz_keyring_t *keys, size_t index, const authz_jwa_t *alg, const jws_t *jws,
             int64_t now)
{
    const authz_issuer_t *iss = &c->oauth.issuers[index];
    const json_value_t *typ = json_get(jws->header, "typ"), *kid = json_get(jws->header, "kid");
    if (alg == NULL || alg->kty == AUTHZ_KTY_OCT || (iss->algorithms & alg->bit) == 0)
        return AUTHZ_ERR_JWT_ALG;
    if (iss->check_typ && (typ == NULL || typ->type != JSON_STRING || !authz_issuer_typ_ok(iss, typ->u.str.ptr, typ->u.str.len)))
        return AUTHZ_ERR_JWT_TYPE;
    if (kid != NULL && (kid->type != JSON_STRING || kid->u.str.len > AUTHZ_MAX_KID))
        return AUTHZ_ERR_JWT_MALFORMED;
    const authz_jwks_t *set = keys != NULL ? &keys->sets[index] : NULL;
    /* keys that could not be refreshed for too long are not trusted any more: fail closed */
    if (set == NULL || set->num_keys == 0 || now - set->fetched_at > c->oauth.jwks_max_age)
        return AUTHZ_ERR_JWT_NO_KEYS;
    int named = 0, fitting = 0;
    for (size_t i = 0; i != set->num_keys; ++i) {
        const authz_jwk_t *k = &set->keys[i];
        if (kid != NULL && !(k->has_kid && string_is(kid, k->kid)))
            continue;
        ++named;
        if ((k->alg != NULL && k->alg != alg) || k->kty != alg->kty || !authz_jwa_key_fits(alg, k->pkey))
            continue;
        ++fitting;
        if (authz_jwa_verify(alg, k->pkey, (const unsigned char *)jws->signing_input, jws->signing_input_len,
                             (const unsigned char *)jws->sig.data, jws->sig.len))
            return 0;
    }
    if (named == 0)
        return AUTHZ_ERR_JWT_UNKNOWN_KEY;
    /* the key the token names exists but is not one this algorithm may use: algorithm confusion, refused */
    return fitting == 0 ? AUTHZ_ERR_JWT_ALG : AUTHZ_ERR_JWT_SIGNATURE;
}

int
authz_jwt_verify(const authz_config_t *c, const authz_keyring_t *keys, const char *token, size_t len, int64_t now, arena_t *arena,
                 authz_jwt_claims_t *claims)
{
    jws_t jws = {.sig = BUF_INIT(MAX_SIGNATURE_BYTES)};
    rules_t rules = {0};
    int ret;
    memset(claims, 0, sizeof(*claims));
    claims->issuer = -1;

    if ((!c->jwt.enabled && c->oauth.num_issuers == 0) || !authz_jwt_shaped(token, len)) {
        ret = AUTHZ_ERR_JWT_MALFORMED;
        goto exit;
    }
    int split_ret = split(token, len, arena, &jws);
    if (split_ret == AUTHZ_ERR_JWT_MALFORMED) {
        ret = split_ret;
        goto exit;
    }
    const json_value_t *alg_value = json_get(jws.header, "alg");
    const authz_jwa_t *alg =
        alg_value != NULL && alg_value->type == JSON_STRING ? authz_jwa_find(alg_value->u.str.ptr, alg_value->u.str.len) : NULL;
    if (alg == NULL) {
        ret = AUTHZ_ERR_JWT_ALG; /* "none", unknown, misspelt, or not a string */
        goto exit;
    }
    /* the one claim read before the signature: it says whose keys and rules apply */
    const json_value_t *iss = json_get(jws.claims, "iss");
    for (size_t i = 0; i != c->oauth.num_issuers && claims->issuer < 0; ++i)
        if (string_is(iss, c->oauth.issuers[i].issuer))
            claims->issuer = (int)i;
    if (claims->issuer >= 0) {
        const authz_issuer_t *is = &c->oauth.issuers[claims->issuer];
        ret = split_ret != 0 ? split_ret : verify_oauth(c, keys, (size_t)claims->issuer, alg, &jws, now);
        rules.issuer = is->issuer;
        for (size_t i = 0; i != is->num_audiences; ++i)
            rules.audiences[i] = is->audiences[i];
        rules.num_audiences = is->num_audiences;
        rules.audience_claim = is->audience_claim;
        rules.leeway = c->oauth.leeway;
        rules.oauth = is;
    } else if (c->jwt.enabled && (alg->kty == AUTHZ_KTY_OCT || c->oauth.num_issuers == 0 || string_is(iss, c->jwt.issuer))) {
        ret = alg->kty != AUTHZ_KTY_OCT ? AUTHZ_ERR_JWT_ALG : split_ret != 0 ? split_ret : verify_hs256(c, alg, &jws);
        rules.issuer = c->jwt.issuer;
        rules.audiences[0] = c->jwt.audience;
        rules.num_audiences = 1;
        rules.audience_claim = AUTHZ_AUDIENCE_AUD;
        rules.leeway = c->jwt.leeway;
    } else {
        ret = AUTHZ_ERR_JWT_ISSUER; /* signed with public keys of an issuer we do not know */
    }
    /* nothing but iss is looked at before the signature has vouched for the claims */
    if (ret == 0)
        ret = check_claims(&rules, jws.claims, now, arena, claims);
exit:
    buf_dispose(&jws.sig);
    return ret;
}
