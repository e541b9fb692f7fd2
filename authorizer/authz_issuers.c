/* MCP_OAUTH_ISSUERS and the settings that go with it (authz_issuers.h). */
#include "authz_issuers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "authz_jwa.h"
#include "authz_jwk.h"
#include "error.h"
#include "http_url.h"
#include "json.h"

#define ISSUERS_DEPTH 4 /* [{"claims":{...}}] */
#define ISSUERS_MAX_BYTES (64u * 1024)

_Static_assert(AUTHZ_OAUTH_MAX_ISSUERS == AUTHZ_MAX_ISSUERS, "one key set per issuer");

/* The defaults of the key cache (docs/authorizer.md says why). */
#define DEFAULT_REFRESH 3600
#define DEFAULT_MAX_AGE 86400
#define DEFAULT_MIN_INTERVAL 30
#define DEFAULT_FETCH_TIMEOUT_MS 2000
#define DEFAULT_TYP "at+jwt" /* RFC 9068 2.1 */

/* Members of an issuer object; anything else is a mistake worth an error (a typo would otherwise weaken a check). */
static const char *const issuer_members[] = {"issuer", "audiences",  "audienceClaim", "typ",     "scopes",
                                             "claims", "algorithms", "metadata",      "jwksUri", NULL};

typedef struct st_ctx_t {
    char *err;
    size_t err_len;
    size_t index; /* the issuer's position, from 1 */
} ctx_t;

#define FAIL(x, fmt, ...)                                                                                                          \
    error_format((x)->err, (x)->err_len, AUTHZ_OAUTH_ISSUERS_VAR ": issuer %zu: " fmt, (x)->index, ##__VA_ARGS__)

/* An absolute URL without credentials or fragment; https only unless http_ok. */
static int
url_ok(const char *s, int http_ok, char *why, size_t why_len)
{
    size_t len = strlen(s);
    if (len == 0 || len > AUTHZ_OAUTH_MAX_URL)
        return error_format(why, why_len, "must be 1 to %d bytes", AUTHZ_OAUTH_MAX_URL);
    if (strncmp(s, "https://", 8) != 0 && !(http_ok && strncmp(s, "http://", 7) == 0))
        return error_format(why, why_len, "must be an %s URL", http_ok ? "http:// or https://" : "https://");
    for (size_t i = 0; i != len; ++i)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '#')
            return error_format(why, why_len, "must be a URL without spaces, non-ASCII characters or a fragment");
    mcpc_url_t url;
    char reason[256];
    if (mcpc_url_parse(s, &url, reason, sizeof(reason)) != 0)
        return error_format(why, why_len, "is not a URL: %s", reason);
    mcpc_url_dispose(&url);
    return 0;
}

static int
copy_url(ctx_t *x, char *dst, const json_value_t *v, const char *member, int http_ok)
{
    char why[300];
    if (v->type != JSON_STRING)
        return FAIL(x, "\"%s\" must be a string", member);
    if (url_ok(v->u.str.ptr, http_ok, why, sizeof(why)) != 0)
        return FAIL(x, "\"%s\" %s", member, why);
    memcpy(dst, v->u.str.ptr, v->u.str.len + 1);
    return 0;
}

/* A string or an array of 1..max strings (a lone string is a list of one), each 1..width bytes. */
static int
string_list(ctx_t *x, const json_value_t *v, const char *member, size_t max, size_t width, char *dst, size_t stride, size_t *count)
{
    const json_value_t *const *items = &v;
    size_t n = 1;
    if (v->type == JSON_ARRAY) {
        items = (const json_value_t *const *)v->u.arr.items;
        n = v->u.arr.len;
    }
    if (n == 0 || n > max)
        return FAIL(x, "\"%s\" must list 1 to %zu values", member, max);
    for (size_t i = 0; i != n; ++i) {
        if (items[i]->type != JSON_STRING || items[i]->u.str.len == 0 || items[i]->u.str.len > width)
            return FAIL(x, "\"%s\": value %zu must be a string of 1 to %zu bytes", member, i + 1, width);
        memcpy(dst + i * stride, items[i]->u.str.ptr, items[i]->u.str.len + 1);
    }
    *count = n;
    return 0;
}

/* RFC 6749 3.3: scope-token = 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E */
static int
scope_token_ok(const char *s)
{
    for (; *s != '\0'; ++s)
        if (!(*s == 0x21 || (*s >= 0x23 && *s <= 0x5b) || (*s >= 0x5d && *s <= 0x7e)))
            return 0;
    return 1;
}

static const char *
strip_application(const char *typ)
{
    return strncasecmp(typ, "application/", 12) == 0 ? typ + 12 : typ;
}

static int
parse_typ(ctx_t *x, authz_issuer_t *iss, const json_value_t *v)
{
    if (v == NULL) {
        iss->check_typ = 1;
        strcpy(iss->typs[0], DEFAULT_TYP);
        iss->num_typs = 1;
        return 0;
    }
    if (v->type == JSON_NULL)
        return 0; /* not checked: for providers that set no typ (Cognito) or "JWT" (Entra ID, Keycloak) */
    char typs[AUTHZ_OAUTH_MAX_TYPS][64];
    if (string_list(x, v, "typ", AUTHZ_OAUTH_MAX_TYPS, 63, &typs[0][0], sizeof(typs[0]), &iss->num_typs) != 0)
        return -1;
    for (size_t i = 0; i != iss->num_typs; ++i) {
        const char *t = strip_application(typs[i]);
        if (*t == '\0')
            return FAIL(x, "\"typ\": value %zu is empty after \"application/\"", i + 1);
        strcpy(iss->typs[i], t);
    }
    iss->check_typ = 1;
    return 0;
}

static int
parse_scopes(ctx_t *x, authz_issuer_t *iss, const json_value_t *v)
{
    if (v->type != JSON_ARRAY)
        return FAIL(x, "\"scopes\" must be an array of scope names");
    if (v->u.arr.len == 0)
        return 0;
    if (string_list(x, v, "scopes", AUTHZ_OAUTH_MAX_SCOPES, AUTHZ_OAUTH_MAX_SCOPE, &iss->scopes[0][0], sizeof(iss->scopes[0]),
                    &iss->num_scopes) != 0)
        return -1;
    size_t at = 0;
    for (size_t i = 0; i != iss->num_scopes; ++i) {
        if (!scope_token_ok(iss->scopes[i]))
            return FAIL(x, "\"scopes\": value %zu is not a scope token (RFC 6749 3.3: no spaces, quotes or backslashes)", i + 1);
        at += (size_t)snprintf(iss->scope_challenge + at, sizeof(iss->scope_challenge) - at, "%s%s", i != 0 ? " " : "",
                               iss->scopes[i]);
    }
    return 0;
}

static int
parse_claims(ctx_t *x, authz_issuer_t *iss, const json_value_t *v)
{
    if (v->type != JSON_OBJECT || v->u.obj.len > AUTHZ_OAUTH_MAX_CLAIMS)
        return FAIL(x, "\"claims\" must be an object of at most %d claim names and string values", AUTHZ_OAUTH_MAX_CLAIMS);
    for (size_t i = 0; i != v->u.obj.len; ++i) {
        const json_member_t *m = &v->u.obj.items[i];
        if (m->key_len == 0 || m->key_len > AUTHZ_OAUTH_MAX_CLAIM_NAME)
            return FAIL(x, "\"claims\": claim name %zu must be 1 to %d bytes", i + 1, AUTHZ_OAUTH_MAX_CLAIM_NAME);
        if (m->value->type != JSON_STRING || m->value->u.str.len > AUTHZ_JWT_MAX_CLAIM)
            return FAIL(x, "\"claims\": the value of \"%s\" must be a string of at most %d bytes", m->key, AUTHZ_JWT_MAX_CLAIM);
        memcpy(iss->claims[i].name, m->key, m->key_len + 1);
        memcpy(iss->claims[i].value, m->value->u.str.ptr, m->value->u.str.len + 1);
    }
    iss->num_claims = v->u.obj.len;
    return 0;
}

static int
parse_algorithms(ctx_t *x, authz_issuer_t *iss, const json_value_t *v)
{
    if (v == NULL) {
        iss->algorithms = AUTHZ_JWA_ASYMMETRIC;
        return 0;
    }
    if (v->type != JSON_ARRAY || v->u.arr.len == 0)
        return FAIL(x, "\"algorithms\" must be a non-empty array, e.g. [\"RS256\",\"ES256\"]");
    for (size_t i = 0; i != v->u.arr.len; ++i) {
        const json_value_t *a = v->u.arr.items[i];
        const authz_jwa_t *alg = a->type == JSON_STRING ? authz_jwa_find(a->u.str.ptr, a->u.str.len) : NULL;
        if (alg == NULL || alg->kty == AUTHZ_KTY_OCT)
            return FAIL(x, "\"algorithms\": value %zu must be one of RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512", i + 1);
        iss->algorithms |= alg->bit;
    }
    return 0;
}

static int
parse_issuer(ctx_t *x, authz_config_t *c, const json_value_t *obj, authz_issuer_t *iss)
{
    if (obj->type != JSON_OBJECT)
        return FAIL(x, "must be a JSON object");
    for (size_t i = 0; i != obj->u.obj.len; ++i) {
        const json_member_t *m = &obj->u.obj.items[i];
        const char *const *known = issuer_members;
        while (*known != NULL && strcmp(*known, m->key) != 0)
            ++known;
        if (*known == NULL)
            return FAIL(x,
                        "unknown member \"%.64s\" (known: issuer, audiences, audienceClaim, typ, scopes, claims, algorithms, "
                        "metadata, jwksUri)",
                        m->key);
        for (size_t j = 0; j != i; ++j)
            if (strcmp(obj->u.obj.items[j].key, m->key) == 0)
                return FAIL(x, "\"%s\" is given twice", m->key);
    }
    const json_value_t *v;
    if ((v = json_get(obj, "issuer")) == NULL)
        return FAIL(x, "\"issuer\" is required (the exact \"iss\" of its tokens)");
    if (copy_url(x, iss->issuer, v, "issuer", 0) != 0)
        return -1;
    if (strchr(iss->issuer, '?') != NULL)
        return FAIL(x, "\"issuer\" must have no query (RFC 8414 2)");
    if (c->jwt.enabled && strcmp(c->jwt.issuer, iss->issuer) == 0)
        return FAIL(x, "\"issuer\" is also MCP_JWT_ISSUER: one issuer cannot sign with both a shared key and public keys");
    if ((v = json_get(obj, "metadata")) != NULL && copy_url(x, iss->metadata_url, v, "metadata", 0) != 0)
        return -1;
    if ((v = json_get(obj, "jwksUri")) != NULL && copy_url(x, iss->jwks_uri, v, "jwksUri", 0) != 0)
        return -1;
    if ((v = json_get(obj, "audiences")) != NULL) {
        if (string_list(x, v, "audiences", AUTHZ_OAUTH_MAX_AUDIENCES, AUTHZ_OAUTH_MAX_URL, &iss->audiences[0][0],
                        sizeof(iss->audiences[0]), &iss->num_audiences) != 0)
            return -1;
    } else if (c->oauth.resource[0] != '\0') {
        strcpy(iss->audiences[0], c->oauth.resource);
        iss->num_audiences = 1;
    } else {
        return FAIL(x, "no audience: set " AUTHZ_OAUTH_RESOURCE_VAR " (this endpoint's URL, stage included) or \"audiences\"");
    }
    if ((v = json_get(obj, "audienceClaim")) != NULL) {
        if (json_string(v) != NULL && strcmp(json_string(v), "aud") == 0)
            iss->audience_claim = AUTHZ_AUDIENCE_AUD;
        else if (json_string(v) != NULL && strcmp(json_string(v), "client_id") == 0)
            iss->audience_claim = AUTHZ_AUDIENCE_CLIENT_ID;
        else
            return FAIL(x, "\"audienceClaim\" must be \"aud\" or \"client_id\"");
    }
    if (parse_typ(x, iss, json_get(obj, "typ")) != 0 || ((v = json_get(obj, "scopes")) != NULL && parse_scopes(x, iss, v) != 0) ||
        ((v = json_get(obj, "claims")) != NULL && parse_claims(x, iss, v) != 0) ||
        parse_algorithms(x, iss, json_get(obj, "algorithms")) != 0)
        return -1;
    for (size_t i = 0; i + 1 < x->index; ++i)
        if (strcmp(c->oauth.issuers[i].issuer, iss->issuer) == 0)
            return FAIL(x, "the same \"issuer\" as issuer %zu", i + 1);
    return 0;
}

/* An integer setting in [min, max]; def when unset. */
static int
int_setting(const char *value, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out, char *err, size_t err_len)
{
    if (value == NULL) {
        *out = def;
        return 0;
    }
    char *end;
    long long v = strtoll(value, &end, 10);
    if (end == value || *end != '\0' || v < min || v > max)
        return error_format(err, err_len, "%s must be an integer from %lld to %lld", name, (long long)min, (long long)max);
    *out = v;
    return 0;
}

int
authz_issuers_parse(authz_config_t *c, const authz_settings_t *s, char *err, size_t err_len)
{
    authz_oauth_config_t *o = &c->oauth;
    const char *const dependent[][2] = {{s->oauth_resource, AUTHZ_OAUTH_RESOURCE_VAR},
                                        {s->oauth_ca_file, AUTHZ_OAUTH_CA_FILE_VAR},
                                        {s->oauth_jwks_refresh, AUTHZ_OAUTH_REFRESH_VAR},
                                        {s->oauth_jwks_max_age, AUTHZ_OAUTH_MAX_AGE_VAR},
                                        {s->oauth_jwks_min_interval, AUTHZ_OAUTH_MIN_INTERVAL_VAR},
                                        {s->oauth_fetch_timeout_ms, AUTHZ_OAUTH_FETCH_TIMEOUT_VAR}};
    if (s->oauth_issuers == NULL) {
        for (size_t i = 0; i != sizeof(dependent) / sizeof(dependent[0]); ++i)
            if (dependent[i][0] != NULL)
                return error_format(err, err_len, "%s is set but " AUTHZ_OAUTH_ISSUERS_VAR " is not", dependent[i][1]);
        return 0;
    }
    int64_t timeout = 0; /* set by int_setting on success (gcc -O2 cannot tell) */
    if (int_setting(s->oauth_jwks_refresh, AUTHZ_OAUTH_REFRESH_VAR, DEFAULT_REFRESH, 1, 7 * 86400, &o->jwks_refresh, err,
                    err_len) != 0 ||
        int_setting(s->oauth_jwks_max_age, AUTHZ_OAUTH_MAX_AGE_VAR, DEFAULT_MAX_AGE, 1, 30 * 86400, &o->jwks_max_age, err,
                    err_len) != 0 ||
        int_setting(s->oauth_jwks_min_interval, AUTHZ_OAUTH_MIN_INTERVAL_VAR, DEFAULT_MIN_INTERVAL, 0, 3600, &o->jwks_min_interval,
                    err, err_len) != 0 ||
        int_setting(s->oauth_fetch_timeout_ms, AUTHZ_OAUTH_FETCH_TIMEOUT_VAR, DEFAULT_FETCH_TIMEOUT_MS, 100, 10000, &timeout, err,
                    err_len) != 0)
        return -1;
    if (o->jwks_max_age < o->jwks_refresh)
        return error_format(err, err_len,
                            AUTHZ_OAUTH_MAX_AGE_VAR " must be at least " AUTHZ_OAUTH_REFRESH_VAR
                                                    " (keys are refreshed before they age out)");
    o->fetch_timeout_ms = (int)timeout;
    o->leeway = AUTHZ_JWT_LEEWAY;
    char why[300];
    if (s->oauth_resource != NULL) {
        if (url_ok(s->oauth_resource, 1, why, sizeof(why)) != 0)
            return error_format(err, err_len, AUTHZ_OAUTH_RESOURCE_VAR " %s", why);
        strcpy(o->resource, s->oauth_resource);
    }
    if (s->oauth_ca_file != NULL) {
        size_t len = strlen(s->oauth_ca_file);
        if (len == 0 || len > AUTHZ_OAUTH_MAX_URL)
            return error_format(err, err_len, AUTHZ_OAUTH_CA_FILE_VAR " must be a path of 1 to %d bytes", AUTHZ_OAUTH_MAX_URL);
        strcpy(o->ca_file, s->oauth_ca_file);
    }

    arena_t arena;
    arena_init(&arena, 32 * ISSUERS_MAX_BYTES);
    json_value_t *list;
    int ret = -1;
    size_t len = strlen(s->oauth_issuers);
    if (len > ISSUERS_MAX_BYTES || json_parse(&arena, s->oauth_issuers, len, ISSUERS_DEPTH, &list) != 0 ||
        list->type != JSON_ARRAY) {
        error_format(err, err_len,
                     AUTHZ_OAUTH_ISSUERS_VAR " must be a JSON array of issuer objects (at most %u bytes), "
                                             "e.g. [{\"issuer\":\"https://id.example.com\",\"scopes\":[\"mcp:tools\"]}]",
                     ISSUERS_MAX_BYTES);
        goto exit;
    }
    if (list->u.arr.len == 0 || list->u.arr.len > AUTHZ_OAUTH_MAX_ISSUERS) {
        error_format(err, err_len, AUTHZ_OAUTH_ISSUERS_VAR " must list 1 to %d issuers", AUTHZ_OAUTH_MAX_ISSUERS);
        goto exit;
    }
    for (size_t i = 0; i != list->u.arr.len; ++i) {
        ctx_t x = {err, err_len, i + 1};
        if (parse_issuer(&x, c, list->u.arr.items[i], &o->issuers[i]) != 0)
            goto exit;
        o->num_issuers = i + 1;
    }
    ret = 0;
exit:
    arena_dispose(&arena);
    return ret;
}

int
authz_issuer_typ_ok(const authz_issuer_t *iss, const char *value, size_t len)
{
    if (!iss->check_typ)
        return 1;
    if (len >= 12 && strncasecmp(value, "application/", 12) == 0) {
        value += 12;
        len -= 12;
    }
    for (size_t i = 0; i != iss->num_typs; ++i)
        if (strlen(iss->typs[i]) == len && strncasecmp(iss->typs[i], value, len) == 0)
            return 1;
    return 0;
}
