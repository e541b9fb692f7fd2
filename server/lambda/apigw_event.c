#include "apigw_event.h"

#include <string.h>

#include "base64.h"
#include "json.h"
#include "jsonw.h"

/*
 * The memory an event's tree, headers and decoded body may take. A tree costs about 13 bytes per byte of
 * small members; AWS bounds what a client can multiply that way (the request line and headers, at most 1 MB
 * for a Function URL), so the most headers AWS can deliver fit, and a hand-made event beyond is answered 413.
 */
#define APIGW_ARENA_LIMIT(len) (3 * (len) + (32u << 20))

const char *
apigw_strerror(int err)
{
    switch (err) {
#define APIGW_ERR_CASE(name, code, text, status, rpc_code, message)                                                                \
    case name:                                                                                                                     \
        return text;
        APIGW_ERRORS(APIGW_ERR_CASE)
#undef APIGW_ERR_CASE
    }
    return "unknown error";
}

apigw_refusal_t
apigw_refusal(int err)
{
    switch (err) {
#define APIGW_REFUSAL_CASE(name, code, text, status, rpc_code, message)                                                            \
    case name:                                                                                                                     \
        return (apigw_refusal_t){status, rpc_code, message};
        APIGW_ERRORS(APIGW_REFUSAL_CASE)
#undef APIGW_REFUSAL_CASE
    }
    return (apigw_refusal_t){400, -32600, "Bad Request: malformed event"};
}

/* A field that must be a string when present; absent and null give NULL. Returns -1 for another type. */
static int
optional_string(const json_value_t *obj, const char *key, const json_value_t **out)
{
    const json_value_t *v = json_get(obj, key);
    *out = v != NULL && v->type == JSON_STRING ? v : NULL;
    return v == NULL || v->type == JSON_NULL || v->type == JSON_STRING ? 0 : -1;
}

/* An object field that may be absent or null. */
static int
optional_object(const json_value_t *obj, const char *key, const json_value_t **out)
{
    const json_value_t *v = json_get(obj, key);
    *out = v != NULL && v->type == JSON_OBJECT ? v : NULL;
    return v == NULL || v->type == JSON_NULL || v->type == JSON_OBJECT ? 0 : -1;
}

/* Room for n more headers: the array lives in the arena, sized once per event (so there is no limit on the count). */
static int
reserve_headers(apigw_request_t *r, size_t n)
{
    if (n == 0)
        return 0;
    mcp_header_t *headers = arena_alloc(&r->arena, (r->req.num_headers + n) * sizeof(*headers));
    if (headers == NULL)
        return APIGW_ERR_TOO_LARGE;
    if (r->req.num_headers != 0)
        memcpy(headers, r->req.headers, r->req.num_headers * sizeof(*headers));
    r->req.headers = headers;
    return 0;
}

/* Adds a header within the room reserved; the total size is what APIGW_MAX_HEADER_BYTES bounds. */
static int
add_header(apigw_request_t *r, const char *name, size_t name_len, const char *value, size_t value_len)
{
    r->header_bytes += name_len + 2 + value_len + 2;
    if (r->header_bytes > APIGW_MAX_HEADER_BYTES)
        return APIGW_ERR_HEADERS_TOO_LARGE;
    ((mcp_header_t *)r->req.headers)[r->req.num_headers++] = (mcp_header_t){name, name_len, value, value_len};
    return 0;
}

/* The request line, counted with the headers: "METHOD /path?query HTTP/1.1" CRLF. */
static void
count_request_line(apigw_request_t *r, size_t query_len)
{
    r->header_bytes += r->req.method_len + 1 + r->req.path_len + (query_len != 0 ? 1 + query_len : 0) + sizeof(" HTTP/1.1\r\n") - 1;
}

/* Headers given as {"name": "value"}. */
static int
add_single_headers(apigw_request_t *r, const json_value_t *headers)
{
    int ret = reserve_headers(r, headers != NULL ? headers->u.obj.len : 0);
    if (ret != 0)
        return ret;
    for (size_t i = 0; headers != NULL && i != headers->u.obj.len; ++i) {
        const json_member_t *m = &headers->u.obj.items[i];
        if (m->value->type == JSON_NULL)
            continue;
        if (m->value->type != JSON_STRING)
            return APIGW_ERR_FIELD;
        if ((ret = add_header(r, m->key, m->key_len, m->value->u.str.ptr, m->value->u.str.len)) != 0)
            return ret;
    }
    return 0;
}

/* Headers given as {"name": ["value", ...]}: repeated values are joined with ", ", as HTTP allows. */
static int
add_multi_headers(apigw_request_t *r, const json_value_t *headers)
{
    int ret = reserve_headers(r, headers->u.obj.len);
    if (ret != 0)
        return ret;
    for (size_t i = 0; i != headers->u.obj.len; ++i) {
        const json_member_t *m = &headers->u.obj.items[i];
        if (m->value->type == JSON_NULL)
            continue;
        if (m->value->type != JSON_ARRAY)
            return APIGW_ERR_FIELD;
        buf_t joined = BUF_INIT(APIGW_MAX_EVENT_BYTES);
        for (size_t k = 0; k != m->value->u.arr.len; ++k) {
            const json_value_t *v = m->value->u.arr.items[k];
            if (v->type != JSON_STRING) {
                buf_dispose(&joined);
                return APIGW_ERR_FIELD;
            }
            if (k != 0)
                buf_append(&joined, ", ", 2);
            buf_append(&joined, v->u.str.ptr, v->u.str.len);
        }
        char *value = arena_strndup(&r->arena, joined.data != NULL ? joined.data : "", joined.len);
        size_t value_len = joined.len;
        buf_dispose(&joined);
        if (value == NULL)
            return APIGW_ERR_TOO_LARGE;
        /* each value was a header line of its own */
        r->header_bytes += (m->value->u.arr.len > 1 ? m->value->u.arr.len - 1 : 0) * (m->key_len + 2);
        if ((ret = add_header(r, m->key, m->key_len, value, value_len)) != 0)
            return ret;
    }
    return 0;
}

static int
decode_body(apigw_request_t *r, const json_value_t *root)
{
    const json_value_t *body, *b64 = json_get(root, "isBase64Encoded");
    if (optional_string(root, "body", &body) != 0 || (b64 != NULL && b64->type != JSON_TRUE && b64->type != JSON_FALSE))
        return APIGW_ERR_FIELD;
    if (body == NULL)
        return 0;
    if (b64 == NULL || b64->type == JSON_FALSE) {
        r->req.body = body->u.str.ptr;
        r->req.body_len = body->u.str.len;
        return 0;
    }
    buf_t decoded = BUF_INIT(APIGW_MAX_EVENT_BYTES);
    int ret = base64_decode(&decoded, body->u.str.ptr, body->u.str.len, 0) == 0 ? 0 : APIGW_ERR_BASE64;
    if (ret == 0) {
        char *copy = arena_strndup(&r->arena, decoded.data != NULL ? decoded.data : "", decoded.len);
        if (copy == NULL)
            ret = APIGW_ERR_TOO_LARGE;
        r->req.body = copy;
        r->req.body_len = decoded.len;
    }
    buf_dispose(&decoded);
    return ret;
}

/*
 * The caller's identity for tools: the authorizer's context, without API Gateway's own fields. A Function
 * URL's AWS_IAM caller (requestContext.authorizer.iam) is given as it comes (accountId, userArn, userId,
 * callerId, principalOrgId) plus "principalId": its userArn, the field every front door's identity has, and
 * without "accessKey": temporary keys change every hour, and the identity must stay the same for one
 * principal (2026-07-28 requestState is bound to it).
 */
static int
set_identity(apigw_request_t *r, const json_value_t *identity, int iam)
{
    if (identity == NULL || identity->type != JSON_OBJECT)
        return 0;
    size_t n = identity->u.obj.len + 1;
    json_value_t *v = arena_alloc(&r->arena, sizeof(*v));
    json_member_t *members = arena_alloc(&r->arena, n * sizeof(*members));
    if (v == NULL || members == NULL)
        return APIGW_ERR_TOO_LARGE;
    *v = (json_value_t){.type = JSON_OBJECT, .u.obj = {members, 0}};
    const json_value_t *arn = iam ? json_get(identity, "userArn") : NULL;
    if (arn != NULL && arn->type == JSON_STRING && json_get(identity, "principalId") == NULL)
        members[v->u.obj.len++] = (json_member_t){"principalId", 11, (json_value_t *)arn};
    for (size_t i = 0; i != identity->u.obj.len; ++i) {
        const json_member_t *m = &identity->u.obj.items[i];
        if (strcmp(m->key, "integrationLatency") == 0) /* API Gateway's timing, not the caller's */
            continue;
        if (iam && strcmp(m->key, "accessKey") == 0)
            continue;
        members[v->u.obj.len++] = *m;
    }
    r->req.identity = v;
    return 0;
}

/* "https://" + domain + prefix, for the canonical URL of the endpoint. */
static int
set_public_base(apigw_request_t *r, const json_value_t *domain, const char *prefix, size_t prefix_len)
{
    if (domain == NULL)
        return 0;
    size_t len = 8 + domain->u.str.len + prefix_len;
    char *base = arena_alloc(&r->arena, len + 1);
    if (base == NULL)
        return APIGW_ERR_TOO_LARGE;
    memcpy(base, "https://", 8);
    memcpy(base + 8, domain->u.str.ptr, domain->u.str.len);
    memcpy(base + 8 + domain->u.str.len, prefix, prefix_len);
    base[len] = '\0';
    r->req.public_base = base;
    return 0;
}

static int
parse_v2(apigw_request_t *r, const json_value_t *root, const json_value_t *ctx, const json_value_t *http)
{
    const json_value_t *method, *path, *headers, *domain;
    /* an empty method is no method (the fuzzer found one parsed; AWS never sends it) */
    if (optional_string(http, "method", &method) != 0 || method == NULL || method->u.str.len == 0 ||
        optional_string(root, "rawPath", &path) != 0 || path == NULL || optional_object(root, "headers", &headers) != 0 ||
        optional_string(ctx, "domainName", &domain) != 0)
        return APIGW_ERR_FIELD;
    r->format = domain != NULL && strstr(domain->u.str.ptr, ".lambda-url.") != NULL ? APIGW_FUNCTION_URL : APIGW_HTTP;
    r->req.method = method->u.str.ptr;
    r->req.method_len = method->u.str.len;
    r->req.path = path->u.str.ptr;
    r->req.path_len = path->u.str.len;
    /* a named HTTP API stage is part of rawPath ("/dev/mcp"); the endpoint is the rest */
    const json_value_t *stage;
    if (optional_string(ctx, "stage", &stage) != 0)
        return APIGW_ERR_FIELD;
    const char *prefix = "";
    size_t prefix_len = 0;
    if (stage != NULL && strcmp(stage->u.str.ptr, "$default") != 0 && path->u.str.len > stage->u.str.len + 1 &&
        path->u.str.ptr[0] == '/' && memcmp(path->u.str.ptr + 1, stage->u.str.ptr, stage->u.str.len) == 0 &&
        path->u.str.ptr[stage->u.str.len + 1] == '/') {
        prefix = path->u.str.ptr;
        prefix_len = stage->u.str.len + 1;
        r->req.path += prefix_len;
        r->req.path_len -= prefix_len;
    }
    const json_value_t *query;
    if (optional_string(root, "rawQueryString", &query) != 0)
        return APIGW_ERR_FIELD;
    count_request_line(r, query != NULL ? query->u.str.len : 0);
    int ret = set_public_base(r, domain, prefix, prefix_len);
    if (ret == 0)
        ret = add_single_headers(r, headers);
    if (ret != 0)
        return ret;
    /* payload 2.0 moves Cookie headers into a cookies array */
    const json_value_t *cookies = json_get(root, "cookies");
    if (cookies != NULL && cookies->type != JSON_NULL) {
        if (cookies->type != JSON_ARRAY)
            return APIGW_ERR_FIELD;
        buf_t joined = BUF_INIT(APIGW_MAX_EVENT_BYTES);
        for (size_t i = 0; i != cookies->u.arr.len; ++i) {
            if (cookies->u.arr.items[i]->type != JSON_STRING) {
                buf_dispose(&joined);
                return APIGW_ERR_FIELD;
            }
            if (i != 0)
                buf_append(&joined, "; ", 2);
            buf_append(&joined, cookies->u.arr.items[i]->u.str.ptr, cookies->u.arr.items[i]->u.str.len);
        }
        if (joined.len != 0) {
            char *value = arena_strndup(&r->arena, joined.data, joined.len);
            size_t value_len = joined.len;
            buf_dispose(&joined);
            if (value == NULL || (ret = reserve_headers(r, 1)) != 0 || (ret = add_header(r, "cookie", 6, value, value_len)) != 0)
                return value == NULL ? APIGW_ERR_TOO_LARGE : ret;
        }
        buf_dispose(&joined);
    }
    const json_value_t *authorizer;
    if (optional_object(ctx, "authorizer", &authorizer) != 0)
        return APIGW_ERR_FIELD;
    const json_value_t *identity = json_get(authorizer, "lambda");
    if (identity == NULL)
        identity = json_get(json_get(authorizer, "jwt"), "claims");
    int iam = identity == NULL && (identity = json_get(authorizer, "iam")) != NULL;
    if ((ret = set_identity(r, identity, iam)) != 0)
        return ret;
    return decode_body(r, root);
}

static int
parse_v1(apigw_request_t *r, const json_value_t *root, const json_value_t *ctx)
{
    const json_value_t *method, *path, *headers, *multi, *authorizer, *domain, *full_path;
    if (optional_string(root, "httpMethod", &method) != 0 || method == NULL || method->u.str.len == 0 ||
        optional_string(root, "path", &path) != 0 || path == NULL || optional_object(root, "headers", &headers) != 0 ||
        optional_object(root, "multiValueHeaders", &multi) != 0 || optional_object(ctx, "authorizer", &authorizer) != 0 ||
        optional_string(ctx, "domainName", &domain) != 0 || optional_string(ctx, "path", &full_path) != 0)
        return APIGW_ERR_FIELD;
    r->format = APIGW_REST;
    r->req.method = method->u.str.ptr;
    r->req.method_len = method->u.str.len;
    /* `path` is the resource path without the stage (requestContext.path has it), which is what the endpoint is */
    r->req.path = path->u.str.ptr;
    r->req.path_len = path->u.str.len;
    /* requestContext.path is what the client used ("/dev/mcp"); what precedes `path` in it is the stage */
    size_t prefix_len = 0;
    if (full_path != NULL && full_path->u.str.len >= path->u.str.len &&
        memcmp(full_path->u.str.ptr + full_path->u.str.len - path->u.str.len, path->u.str.ptr, path->u.str.len) == 0)
        prefix_len = full_path->u.str.len - path->u.str.len;
    if (set_public_base(r, domain, full_path != NULL ? full_path->u.str.ptr : "", prefix_len) != 0)
        return APIGW_ERR_TOO_LARGE;
    count_request_line(r, 0); /* payload 1.0 has the query only decoded, in queryStringParameters */
    /* multiValueHeaders holds every value of a repeated header; headers only the last */
    int ret = multi != NULL ? add_multi_headers(r, multi) : add_single_headers(r, headers);
    if (ret != 0 || (ret = set_identity(r, authorizer, 0)) != 0)
        return ret;
    return decode_body(r, root);
}

int
apigw_parse_event(const char *event, size_t len, apigw_request_t *r)
{
    memset(r, 0, offsetof(apigw_request_t, arena));
    arena_init(&r->arena, APIGW_ARENA_LIMIT(len));
    json_value_t *root;
    /* AWS's JSON, taken as AWS writes it: NUL and lone surrogates in a field are the client's data */
    int ret = json_parse_lenient(&r->arena, event, len, 64, &root);
    if (ret == JSON_ERR_NOMEM)
        return APIGW_ERR_TOO_LARGE; /* answered in the payload 1.0 shape, which every format accepts */
    if (ret != 0 || root->type != JSON_OBJECT)
        return APIGW_ERR_JSON;
    const json_value_t *ctx = json_get(root, "requestContext");
    const char *version = json_string(json_get(root, "version"));
    const json_value_t *http = json_get(ctx, "http");
    if (version != NULL && strcmp(version, "2.0") == 0 && http != NULL && http->type == JSON_OBJECT)
        ret = parse_v2(r, root, ctx, http);
    else if (json_get(root, "httpMethod") != NULL && ctx != NULL && ctx->type == JSON_OBJECT)
        ret = parse_v1(r, root, ctx);
    else
        return APIGW_ERR_SHAPE;
    if (ret == 0 && len > APIGW_MAX_EVENT_BYTES)
        ret = APIGW_ERR_TOO_LARGE;
    return ret;
}

void
apigw_request_dispose(apigw_request_t *r)
{
    arena_dispose(&r->arena);
}

static void
write_head(apigw_format_t format, const mcp_response_t *res, jsonw_t *w)
{
    (void)format; /* both payload versions take statusCode and a headers map */
    jsonw_kv_int(w, "statusCode", res->status);
    jsonw_key(w, "headers");
    jsonw_object_begin(w);
    for (size_t i = 0; i != res->num_headers; ++i) {
        jsonw_keyn(w, res->headers[i].name, res->headers[i].name_len);
        jsonw_stringn(w, res->headers[i].value, res->headers[i].value_len);
    }
    jsonw_object_end(w);
}

void
apigw_write_response(apigw_format_t format, const mcp_response_t *res, const char *body, size_t body_len, buf_t *out)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    write_head(format, res, &w);
    jsonw_key(&w, "body");
    /* bodies are JSON or SSE text, always UTF-8, so they travel as plain strings */
    jsonw_stringn(&w, body != NULL ? body : "", body_len);
    jsonw_kv_bool(&w, "isBase64Encoded", 0);
    jsonw_object_end(&w);
}

void
apigw_write_prelude(apigw_format_t format, const mcp_response_t *res, buf_t *out)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    write_head(format, res, &w);
    jsonw_object_end(&w);
    static const char delimiter[8] = {0};
    buf_append(out, delimiter, sizeof(delimiter));
}
