/*
 * mirrored_headers.c: the request headers 2026-07-28 mirrors from the body (Streamable HTTP "Request Metadata"):
 * decoding the "=?base64?...?=" form, and the x-mcp-header tool parameters mirrored as
 * Mcp-Param-{name}. A server that acts on the body while a proxy routed on a header must see the same
 * value in both, so every mirrored header is compared with the body and a difference is refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "http_checks.h"
#include "mirrored_headers.h"

#define SENTINEL_PREFIX "=?base64?"
#define SENTINEL_SUFFIX "?="
#define HEADER_PREFIX "mcp-param-"
#define MAX_HEADER_PARAMS 32
#define MAX_PATH_DEPTH 16

int
headers_decode_value(const char *value, size_t len, buf_t *out)
{
    /* RFC 9110 field values: visible ASCII, space and tab; anything else is what the base64 form is for */
    for (size_t i = 0; i != len; ++i) {
        unsigned char c = (unsigned char)value[i];
        if (!(c == '\t' || (c >= 0x20 && c <= 0x7e)))
            return -1;
    }
    size_t prefix = sizeof(SENTINEL_PREFIX) - 1, suffix = sizeof(SENTINEL_SUFFIX) - 1;
    if (len < prefix + suffix || memcmp(value, SENTINEL_PREFIX, prefix) != 0 ||
        memcmp(value + len - suffix, SENTINEL_SUFFIX, suffix) != 0) {
        buf_append(out, value, len); /* without both markers the value is literal, even if it looks encoded */
        return 0;
    }
    size_t start = out->len;
    if (base64_decode(out, value + prefix, len - prefix - suffix, 0) != 0)
        return -1;
    return json_utf8_valid(out->data + start, out->len - start) && memchr(out->data + start, '\0', out->len - start) == NULL ? 0
                                                                                                                             : -1;
}

/* ---- x-mcp-header parameters ---- */

/* RFC 9110 tchar: what a header field name may be made of. */
static int
valid_token(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i != len; ++i) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL) ||
            c == '\0')
            return 0;
    }
    return 1;
}

typedef struct st_collect_t {
    arena_t *arena;
    mcp_header_param_t params[MAX_HEADER_PARAMS];
    size_t num;
    const char *path[MAX_PATH_DEPTH];
    char *err;
    size_t err_len;
} collect_t;

static int
collect_error(collect_t *c, const char *fmt, const char *what)
{
    snprintf(c->err, c->err_len, fmt, what);
    return -1;
}

static int
add_param(collect_t *c, const json_value_t *schema, const json_value_t *name, size_t depth)
{
    if (name->type != JSON_STRING || !valid_token(name->u.str.ptr, name->u.str.len))
        return collect_error(c, "x-mcp-header of property '%s' must be a non-empty header-name token",
                             depth ? c->path[depth - 1] : "");
    const char *type = json_string(json_get(schema, "type"));
    /* numbers other than integers do not survive a round trip through text exactly; the spec forbids them */
    if (type == NULL || (strcmp(type, "string") != 0 && strcmp(type, "integer") != 0 && strcmp(type, "boolean") != 0))
        return collect_error(c, "x-mcp-header property '%s' must have type string, integer or boolean", c->path[depth - 1]);
    if (c->num == MAX_HEADER_PARAMS)
        return collect_error(c, "too many x-mcp-header properties (at '%s')", c->path[depth - 1]);
    size_t header_len = sizeof(HEADER_PREFIX) - 1 + name->u.str.len;
    char *header = arena_alloc(c->arena, header_len + 1);
    const char **path = arena_alloc(c->arena, depth * sizeof(*path));
    if (header == NULL || path == NULL)
        return collect_error(c, "%s", "out of memory");
    snprintf(header, header_len + 1, "%s%s", HEADER_PREFIX, name->u.str.ptr);
    for (char *p = header; *p != '\0'; ++p)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    for (size_t i = 0; i != c->num; ++i)
        if (strcmp(c->params[i].header, header) == 0)
            return collect_error(c, "x-mcp-header '%s' is used twice (names are case-insensitive)", name->u.str.ptr);
    memcpy(path, c->path, depth * sizeof(*path));
    c->params[c->num++] = (mcp_header_param_t){.header = header, .path = path, .path_len = depth};
    return 0;
}

/*
 * Walks a schema. on_chain: the schema is reached from the root through "properties" keys alone, the
 * only place x-mcp-header may appear (a value behind items, anyOf, $ref, ... has no single path a
 * client could mirror).
 */
static int
walk(collect_t *c, const json_value_t *schema, int on_chain, size_t depth)
{
    if (schema->type == JSON_ARRAY) {
        for (size_t i = 0; i != schema->u.arr.len; ++i)
            if (walk(c, schema->u.arr.items[i], 0, depth) != 0)
                return -1;
        return 0;
    }
    if (schema->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; i != schema->u.obj.len; ++i) {
        const json_member_t *m = &schema->u.obj.items[i];
        if (strcmp(m->key, "x-mcp-header") == 0) {
            if (!on_chain || depth == 0)
                return collect_error(c, "x-mcp-header is allowed only on properties reached through \"properties\" (%s)",
                                     depth ? c->path[depth - 1] : "the root");
            if (add_param(c, schema, m->value, depth) != 0)
                return -1;
        } else if (strcmp(m->key, "properties") == 0 && m->value->type == JSON_OBJECT) {
            for (size_t k = 0; k != m->value->u.obj.len; ++k) {
                if (depth == MAX_PATH_DEPTH)
                    return collect_error(c, "%s", "properties nested too deep");
                c->path[depth] = m->value->u.obj.items[k].key;
                if (walk(c, m->value->u.obj.items[k].value, on_chain, depth + 1) != 0)
                    return -1;
            }
        } else if (walk(c, m->value, 0, depth) != 0) {
            return -1;
        }
    }
    return 0;
}

int
headers_collect_params(arena_t *arena, const json_value_t *schema, mcp_header_param_t **params, size_t *num, char *err,
                       size_t err_len)
{
    collect_t c = {.arena = arena, .err = err, .err_len = err_len};
    *params = NULL;
    *num = 0;
    if (walk(&c, schema, 1, 0) != 0)
        return -1;
    if (c.num != 0) {
        if ((*params = arena_alloc(arena, c.num * sizeof(**params))) == NULL) {
            snprintf(err, err_len, "out of memory");
            return -1;
        }
        memcpy(*params, c.params, c.num * sizeof(**params));
    }
    *num = c.num;
    return 0;
}

/* Whether a decoded header value stands for the argument's value, compared the way 2026-07-28 says. */
static int
value_matches(const json_value_t *v, const char *text, size_t len)
{
    switch (v->type) {
    case JSON_STRING:
        return len == v->u.str.len && memcmp(text, v->u.str.ptr, len) == 0;
    case JSON_TRUE:
        return len == 4 && memcmp(text, "true", 4) == 0;
    case JSON_FALSE:
        return len == 5 && memcmp(text, "false", 5) == 0;
    case JSON_NUMBER: {
        /* numerically, so that "42.0" mirrors 42 */
        double body, header;
        char *end;
        if (len == 0 || strspn(text, "0123456789+-.eE") < len || json_double(v, &body) != 0)
            return 0;
        header = strtod(text, &end);
        return end == text + len && isfinite(header) && header == body;
    }
    default:
        return 0; /* objects and arrays cannot be mirrored; the schema has already made sure they are not there */
    }
}

int
headers_check_params(const mcp_http_request_t *req, const mcp_header_param_t *params, size_t num, const json_value_t *args)
{
    for (size_t i = 0; i != num; ++i) {
        const json_value_t *v = args;
        for (size_t k = 0; v != NULL && k != params[i].path_len; ++k)
            v = json_get(v, params[i].path[k]);
        const mcp_header_t *h = headers_find(req, params[i].header);
        /* no value (or null): the client sends no header; a header that mirrors nothing differs from the body */
        if (v == NULL || v->type == JSON_NULL) {
            if (h != NULL)
                return -1;
            continue;
        }
        if (h == NULL)
            return -1;
        const char *text = h->value;
        size_t len = h->value_len;
        headers_trim(&text, &len);
        buf_t decoded = BUF_INIT(1u << 20);
        int ok = headers_decode_value(text, len, &decoded) == 0 &&
                 value_matches(v, decoded.data != NULL ? decoded.data : "", decoded.len);
        buf_dispose(&decoded);
        if (!ok)
            return -1;
    }
    return 0;
}
