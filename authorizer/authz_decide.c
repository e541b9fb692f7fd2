/*
 * The decision: which format the event is in, where its credentials and its ARN are, whether the token is one we
 * know, and the answer in that format's words.
 */
#include "authz.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "arena.h"
#include "authz_arn.h"
#include "authz_bearer.h"
#include "authz_jwk.h"
#include "authz_jwt.h"
#include "json.h"
#include "jsonw.h"

#define EVENT_DEPTH 16              /* API Gateway's events nest five deep at most */
#define ARENA_LIMIT (8u << 20)      /* ample for real events (a few KB); a pathological one runs out and is refused */
#define POLICY_VERSION "2012-10-17" /* the IAM policy language version API Gateway expects */

_Static_assert(AUTHZ_MAX_LABEL <= AUTHZ_MAX_PRINCIPAL, "a label is a principal");

const char *
authz_strreason(int reason)
{
    switch (reason) {
    case AUTHZ_ALLOW:
        return "allow";
#define AUTHZ_REASON_CASE(name, code, text)                                                                                        \
    case name:                                                                                                                     \
        return text;
        AUTHZ_REASONS(AUTHZ_REASON_CASE)
#undef AUTHZ_REASON_CASE
    }
    return "unknown reason";
}

const char *
authz_format_name(authz_format_t f)
{
    static const char *const names[] = {"unknown", "token", "request", "http-api-2.0"};
    return (size_t)f < sizeof(names) / sizeof(names[0]) ? names[f] : "unknown";
}

const char *
authz_method_name(authz_method_t m)
{
    static const char *const names[] = {"none", "token", "jwt"};
    return (size_t)m < sizeof(names) / sizeof(names[0]) ? names[m] : "none";
}

/*
 * The member named key (NULL when absent). API Gateway never sends a member twice, so an event that does is not
 * guessed at: -1.
 */
static int
unique_member(const json_value_t *obj, const char *key, const json_value_t **out)
{
    size_t key_len = strlen(key), seen = 0;
    *out = NULL;
    for (size_t i = 0; i != obj->u.obj.len; ++i) {
        const json_member_t *m = &obj->u.obj.items[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0) {
            *out = m->value;
            ++seen;
        }
    }
    return seen <= 1 ? 0 : -1;
}

static int
is_authorization(const json_member_t *m)
{
    static const char name[] = "authorization";
    if (m->key_len != sizeof(name) - 1)
        return 0;
    for (size_t i = 0; i != m->key_len; ++i) {
        unsigned char c = (unsigned char)m->key[i];
        if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != (unsigned char)name[i])
            return 0;
    }
    return 1;
}

/* TOKEN events: the header's value is authorizationToken. */
static int
token_credentials(const json_value_t *event, const json_value_t **value)
{
    if (unique_member(event, "authorizationToken", value) != 0 || *value == NULL || (*value)->type != JSON_STRING)
        return AUTHZ_ERR_EVENT;
    return 0;
}

/*
 * REQUEST events: the Authorization header, under any capitalisation (REST keeps the client's, HTTP API lower-cases),
 * from headers and, where the format has it, multiValueHeaders. A request that carried the header twice is refused
 * rather than decided on one of its values: the cache key and the value checked could then differ.
 */
static int
header_credentials(const json_value_t *event, const json_value_t **value)
{
    const json_value_t *headers, *multi, *found = NULL;
    *value = NULL;
    if (unique_member(event, "headers", &headers) != 0 || unique_member(event, "multiValueHeaders", &multi) != 0)
        return AUTHZ_ERR_EVENT;
    if ((headers != NULL && headers->type != JSON_OBJECT && headers->type != JSON_NULL) ||
        (multi != NULL && multi->type != JSON_OBJECT && multi->type != JSON_NULL))
        return AUTHZ_ERR_EVENT;
    size_t multi_count = 0, single_count = 0;
    for (size_t i = 0; multi != NULL && multi->type == JSON_OBJECT && i != multi->u.obj.len; ++i) {
        const json_member_t *m = &multi->u.obj.items[i];
        if (!is_authorization(m) || m->value->type == JSON_NULL)
            continue;
        if (m->value->type != JSON_ARRAY)
            return AUTHZ_ERR_EVENT;
        for (size_t j = 0; j != m->value->u.arr.len; ++j) {
            if (m->value->u.arr.items[j]->type != JSON_STRING)
                return AUTHZ_ERR_EVENT;
            found = m->value->u.arr.items[j];
            ++multi_count;
        }
    }
    for (size_t i = 0; headers != NULL && headers->type == JSON_OBJECT && i != headers->u.obj.len; ++i) {
        const json_member_t *m = &headers->u.obj.items[i];
        if (!is_authorization(m) || m->value->type == JSON_NULL)
            continue;
        if (m->value->type != JSON_STRING)
            return AUTHZ_ERR_EVENT;
        if (found != NULL && !json_equal(found, m->value))
            return AUTHZ_ERR_AMBIGUOUS;
        found = m->value;
        ++single_count;
    }
    if (multi_count > 1 || single_count > 1)
        return AUTHZ_ERR_AMBIGUOUS;
    if (found == NULL)
        return AUTHZ_ERR_MISSING;
    *value = found;
    return 0;
}

/*
 * The formats, told apart by type and version. Each row:
 *   format       what the result reports
 *   type         the event's "type"
 *   version      its "version", NULL for none (REST events have none; HTTP API's say "1.0" or "2.0")
 *   arn_field    the member holding the execute-api ARN the decision is for
 *   credentials  where the Authorization value is
 *   simple       answered with {"isAuthorized":...} (HTTP API simple responses), a refusal included; otherwise an
 *                IAM policy on Allow and a failed invocation ("Unauthorized", so 401) on a refusal
 */
typedef struct st_event_format_t {
    authz_format_t format;
    const char *type;
    const char *version;
    const char *arn_field;
    int (*credentials)(const json_value_t *event, const json_value_t **value);
    int simple;
} event_format_t;

static const event_format_t formats[] = {
    {AUTHZ_FORMAT_TOKEN, "TOKEN", NULL, "methodArn", token_credentials, 0},
    {AUTHZ_FORMAT_REQUEST, "REQUEST", NULL, "methodArn", header_credentials, 0},
    {AUTHZ_FORMAT_REQUEST, "REQUEST", "1.0", "methodArn", header_credentials, 0},
    {AUTHZ_FORMAT_HTTP_SIMPLE, "REQUEST", "2.0", "routeArn", header_credentials, 1},
};

static int
string_equals(const json_value_t *v, const char *s)
{
    size_t len = strlen(s);
    return v != NULL && v->type == JSON_STRING && v->u.str.len == len && memcmp(v->u.str.ptr, s, len) == 0;
}

static const event_format_t *
detect_format(const json_value_t *event)
{
    const json_value_t *type, *version;
    if (unique_member(event, "type", &type) != 0 || unique_member(event, "version", &version) != 0 || type == NULL)
        return NULL;
    for (size_t i = 0; i != sizeof(formats) / sizeof(formats[0]); ++i) {
        const event_format_t *f = &formats[i];
        if (string_equals(type, f->type) && (f->version != NULL ? string_equals(version, f->version) : version == NULL))
            return f;
    }
    return NULL;
}

/*
 * Which configured token this is, if any. Every entry is compared, in constant time, and the index picked without a
 * branch, so the time taken says nothing about which entry matched or how much of a digest did.
 */
static int
match_static_token(const authz_config_t *c, const char *token, size_t len, size_t *index)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, len, digest);
    size_t found = 0, at = 0;
    for (size_t i = 0; i != c->num_tokens; ++i) {
        size_t equal = (size_t)(CRYPTO_memcmp(digest, c->tokens[i].digest, sizeof(digest)) == 0);
        size_t mask = (size_t)0 - equal;
        at = (at & ~mask) | (i & mask);
        found |= equal;
    }
    OPENSSL_cleanse(digest, sizeof(digest));
    *index = at;
    return found != 0;
}

typedef struct st_identity_t {
    authz_method_t method;
    const char *principal;
    size_t principal_len;
    const char *issuer;    /* JWT only */
    const char *client_id; /* JWT only, NULL when the token has none */
    const char *scope;     /* JWT only, the granted scopes, NULL when none */
    int oauth_issuer;      /* the OAuth issuer's index, -1 for none */
} identity_t;

static int
authenticate(const authz_config_t *c, const authz_keyring_t *keys, const char *token, size_t len, int64_t now, arena_t *arena,
             identity_t *id)
{
    size_t index;
    if (match_static_token(c, token, len, &index)) {
        *id = (identity_t){AUTHZ_METHOD_TOKEN, c->tokens[index].label, strlen(c->tokens[index].label), .oauth_issuer = -1};
        return 0;
    }
    /* static tokens may contain dots too, which is why they are tried first and a JWT only when none matched */
    if ((!c->jwt.enabled && c->oauth.num_issuers == 0) || !authz_jwt_shaped(token, len))
        return AUTHZ_ERR_UNKNOWN_TOKEN;
    authz_jwt_claims_t claims;
    int ret = authz_jwt_verify(c, keys, token, len, now, arena, &claims);
    id->oauth_issuer = claims.issuer;
    /* a valid token short of a scope still names its subject: the Deny policy is for it */
    if (ret != 0 && ret != AUTHZ_ERR_JWT_SCOPE)
        return ret;
    *id = (identity_t){AUTHZ_METHOD_JWT, claims.sub, claims.sub_len, claims.iss, claims.client_id, claims.scope, claims.issuer};
    return ret;
}

/*
 * What the MCP server exposes to tools as the caller (mcp_identity()): string values only, as API Gateway requires of
 * a context. For a JWT: sub, iss, and the client and granted scopes when the token has them.
 */
static void
write_context(jsonw_t *w, const identity_t *id)
{
    jsonw_key(w, "context");
    jsonw_object_begin(w);
    jsonw_key(w, "principal");
    jsonw_stringn(w, id->principal, id->principal_len);
    jsonw_kv_string(w, "authMethod", authz_method_name(id->method));
    if (id->method == AUTHZ_METHOD_JWT) {
        jsonw_key(w, "sub");
        jsonw_stringn(w, id->principal, id->principal_len);
        jsonw_kv_string(w, "iss", id->issuer);
        if (id->client_id != NULL)
            jsonw_kv_string(w, "client_id", id->client_id);
        if (id->scope != NULL)
            jsonw_kv_string(w, "scope", id->scope);
    }
    jsonw_object_end(w);
}

/* An IAM policy with one statement of that effect on the whole stage (a cached decision covers every route). */
static void
write_policy(jsonw_t *w, const authz_arn_t *arn, const identity_t *id, const char *effect)
{
    buf_t resource = BUF_INIT(512);
    authz_arn_stage_wildcard(&resource, arn);
    jsonw_key(w, "principalId");
    jsonw_stringn(w, id->principal, id->principal_len);
    jsonw_key(w, "policyDocument");
    jsonw_object_begin(w);
    jsonw_kv_string(w, "Version", POLICY_VERSION);
    jsonw_key(w, "Statement");
    jsonw_array_begin(w);
    jsonw_object_begin(w);
    jsonw_kv_string(w, "Action", "execute-api:Invoke");
    jsonw_kv_string(w, "Effect", effect);
    jsonw_key(w, "Resource");
    jsonw_stringn(w, resource.data != NULL ? resource.data : "", resource.len);
    jsonw_object_end(w);
    jsonw_array_end(w);
    jsonw_object_end(w);
    if (buf_failed(&resource))
        w->failed = 1;
    buf_dispose(&resource);
}

static int
write_allow(buf_t *out, const authz_config_t *c, const event_format_t *f, const authz_arn_t *arn, const identity_t *id)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    if (f->simple)
        jsonw_kv_bool(&w, "isAuthorized", 1);
    else {
        write_policy(&w, arn, id, "Allow");
        if (c->usage_key_prefix[0] != '\0') {
            /* the client's API key in the usage plan: its own throttle and quota */
            buf_t key = BUF_INIT(AUTHZ_MAX_USAGE_PREFIX + AUTHZ_MAX_PRINCIPAL + 1);
            if (id->method == AUTHZ_METHOD_TOKEN)
                buf_printf(&key, "%s%.*s", c->usage_key_prefix, (int)id->principal_len, id->principal);
            else
                buf_printf(&key, "%s%s", c->usage_key_prefix, AUTHZ_JWT_USAGE_LABEL);
            jsonw_key(&w, "usageIdentifierKey");
            jsonw_stringn(&w, key.data != NULL ? key.data : "", key.len);
            if (buf_failed(&key))
                w.failed = 1;
            buf_dispose(&key);
        }
    }
    write_context(&w, id);
    jsonw_object_end(&w);
    return jsonw_failed(&w) ? AUTHZ_ERR_INTERNAL : 0;
}

/*
 * A valid token without a required scope, on a REST API: a Deny policy, which API Gateway answers with 403 (the
 * ACCESS_DENIED gateway response, whose WWW-Authenticate says insufficient_scope). The context names the error and
 * the scopes the issuer requires, for the gateway response's template ($context.authorizer.scope).
 */
static int
write_scope_deny(buf_t *out, const authz_arn_t *arn, const identity_t *id, const authz_issuer_t *iss)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    write_policy(&w, arn, id, "Deny");
    jsonw_key(&w, "context");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "error", "insufficient_scope");
    jsonw_kv_string(&w, "scope", iss->scope_challenge);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    return jsonw_failed(&w) ? AUTHZ_ERR_INTERNAL : 0;
}

/*
 * Everything up to the answer; returns the reason and leaves the format it found in *format. *answered is set when a
 * refusal was written to out (a Deny policy).
 */
static int
decide(const authz_config_t *c, const authz_keyring_t *keys, const char *event, size_t len, int64_t now, arena_t *arena, buf_t *out,
       const event_format_t **format, identity_t *id, int *answered)
{
    json_value_t *root;
    const json_value_t *arn_value, *credentials;
    authz_arn_t arn;
    const char *token;
    size_t token_len;
    int ret;

    /*
     * The event is API Gateway's JSON: a client's "?x=%00" or a lone surrogate in a header it sent is data there
     * (json_parse_lenient), so it cannot turn a valid token into a refusal. The token itself is still checked byte
     * by byte, so a NUL or U+FFFD in it is a malformed token.
     */
    if (len > AUTHZ_MAX_EVENT_BYTES || json_parse_lenient(arena, event, len, EVENT_DEPTH, &root) != 0 ||
        root->type != JSON_OBJECT || (*format = detect_format(root)) == NULL)
        return AUTHZ_ERR_EVENT;
    if (unique_member(root, (*format)->arn_field, &arn_value) != 0 || arn_value == NULL || arn_value->type != JSON_STRING)
        return AUTHZ_ERR_EVENT;
    if ((ret = authz_arn_parse(arn_value->u.str.ptr, arn_value->u.str.len, &arn)) != 0 ||
        (ret = (*format)->credentials(root, &credentials)) != 0 ||
        (ret = authz_bearer_token(credentials->u.str.ptr, credentials->u.str.len, &token, &token_len)) != 0)
        return ret;
    ret = authenticate(c, keys, token, token_len, now, arena, id);
    if (ret == AUTHZ_ERR_JWT_SCOPE && !(*format)->simple) {
        int written = write_scope_deny(out, &arn, id, &c->oauth.issuers[id->oauth_issuer]);
        if (written != 0)
            return written;
        *answered = 1;
        return ret;
    }
    if (ret != 0)
        return ret;
    return write_allow(out, c, *format, &arn, id);
}

void
authz_warm_up(void)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len;
    SHA256((const unsigned char *)"", 0, md);
    HMAC(EVP_sha256(), "", 0, (const unsigned char *)"", 0, md, &md_len);
}

int
authz_decide(const authz_config_t *c, const authz_keyring_t *keys, const char *event, size_t len, int64_t now, buf_t *out,
             authz_result_t *result)
{
    const event_format_t *format = NULL;
    identity_t id = {AUTHZ_METHOD_NONE, .oauth_issuer = -1};
    int answered = 0;
    arena_t arena;
    arena_init(&arena, ARENA_LIMIT);
    memset(result, 0, sizeof(*result));
    buf_reset(out);

    int ret = decide(c, keys, event, len, now, &arena, out, &format, &id, &answered);
    result->format = format != NULL ? format->format : AUTHZ_FORMAT_UNKNOWN;
    result->issuer = id.oauth_issuer;
    if (ret == 0) {
        result->respond = 1;
        result->method = id.method;
        memcpy(result->principal, id.principal, id.principal_len); /* labels and subs are both within the bound */
        result->principal[id.principal_len] = '\0';
        if (id.client_id != NULL)
            snprintf(result->client, sizeof(result->client), "%s", id.client_id);
    } else if (answered) {
        result->respond = 1;
    } else {
        /* whatever a failed writer may have left is not an answer */
        buf_reset(out);
        if (format != NULL && format->simple) {
            buf_append_str(out, "{\"isAuthorized\":false}");
            result->respond = !buf_failed(out);
        }
    }
    result->reason = ret;
    arena_dispose(&arena);
    return ret;
}
