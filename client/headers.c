/* headers.c: Mcp-Method, Mcp-Name and Mcp-Param-* for modern requests (headers.h). */
#include "headers.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "http_client.h"

#define SENTINEL_PREFIX "=?base64?"
#define SENTINEL_SUFFIX "?="
#define PARAM_PREFIX "Mcp-Param-"
#define MAX_PATH 64 /* property names from the root; the parser's depth limit keeps real schemas far below */

/* The methods whose Mcp-Name header mirrors a member of params. */
static const struct {
    const char *method;
    const char *member;
} named_methods[] = {
    {"tools/call", "name"},
    {"prompts/get", "name"},
    {"resources/read", "uri"},
};

/* JSON Schema keywords whose values are instance data, not schemas: an "x-mcp-header" key in them means nothing. */
static const char *const instance_keywords[] = {"const", "enum", "default", "examples", NULL};

/* The property types an x-mcp-header may annotate ("number" is excluded: its text form is ambiguous). */
static const char *const header_types[] = {"string", "integer", "boolean", NULL};

/* ---- x-mcp-header annotations ---- */

typedef struct st_walk_t {
    arena_t *arena;
    mcpc_param_header_t *params;
    size_t num;
    const char *path[MAX_PATH];
    size_t depth;
    char *err;
    size_t err_len;
} walk_t;

static int
in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; ++list)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static int invalid(walk_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
invalid(walk_t *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, w->err_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* type is "string", "integer" or "boolean", or an array of those (plus "null") with at least one. */
static int
type_allows_header(const json_value_t *type)
{
    if (json_string(type) != NULL)
        return in_list(header_types, type->u.str.ptr);
    if (type == NULL || type->type != JSON_ARRAY)
        return 0;
    size_t primitive = 0;
    for (size_t i = 0; i != type->u.arr.len; ++i) {
        const char *t = json_string(type->u.arr.items[i]);
        if (t != NULL && in_list(header_types, t))
            ++primitive;
        else if (t == NULL || strcmp(t, "null") != 0)
            return 0;
    }
    return primitive != 0;
}

/* An annotation found on the property at w->path (a schema reached through "properties" only). */
static int
record(walk_t *w, const json_value_t *schema, const json_value_t *annotation)
{
    const char *property = w->path[w->depth - 1];
    const char *name = json_string(annotation);
    if (name == NULL || annotation->u.str.len == 0 || !mcpc_http_header_valid(name, annotation->u.str.len, "", 0))
        return invalid(w, "the x-mcp-header of property '%s' is not a header name token", property);
    if (!type_allows_header(json_get(schema, "type")))
        return invalid(w, "property '%s' has an x-mcp-header but is not of type string, integer or boolean", property);
    for (size_t i = 0; i != w->num; ++i)
        if (strcasecmp(w->params[i].name, name) == 0)
            return invalid(w, "the x-mcp-header '%s' is used twice", name);
    if (w->num == MCPC_MAX_PARAM_HEADERS)
        return invalid(w, "more than %d x-mcp-header annotations", MCPC_MAX_PARAM_HEADERS);
    mcpc_param_header_t *p = &w->params[w->num];
    if ((p->path = arena_alloc(w->arena, w->depth * sizeof(*p->path))) == NULL)
        return invalid(w, "out of memory");
    memcpy(p->path, w->path, w->depth * sizeof(*p->path));
    p->path_len = w->depth;
    p->name = name;
    ++w->num;
    return 0;
}

static int walk_schema(walk_t *w, const json_value_t *schema, int reachable);

/* A value under a keyword other than "properties": any annotation inside it is out of reach. */
static int
walk_other(walk_t *w, const json_value_t *v)
{
    if (v->type == JSON_OBJECT)
        return walk_schema(w, v, 0);
    for (size_t i = 0; v->type == JSON_ARRAY && i != v->u.arr.len; ++i)
        if (walk_other(w, v->u.arr.items[i]) != 0)
            return -1;
    return 0;
}

/* schema is reachable when it is the root or was reached from it through "properties" keys only. */
static int
walk_schema(walk_t *w, const json_value_t *schema, int reachable)
{
    if (schema->type != JSON_OBJECT)
        return 0;
    for (size_t i = 0; i != schema->u.obj.len; ++i) {
        const json_member_t *m = &schema->u.obj.items[i];
        if (strcmp(m->key, "x-mcp-header") == 0) {
            if (!reachable || w->depth == 0)
                return invalid(w, "an x-mcp-header is not on a property reached through \"properties\" from the root");
            if (record(w, schema, m->value) != 0)
                return -1;
        } else if (in_list(instance_keywords, m->key)) {
            continue;
        } else if (strcmp(m->key, "properties") == 0 && m->value->type == JSON_OBJECT) {
            for (size_t j = 0; j != m->value->u.obj.len; ++j) {
                if (w->depth == MAX_PATH)
                    return invalid(w, "properties nested too deeply");
                w->path[w->depth++] = m->value->u.obj.items[j].key;
                int ret = walk_schema(w, m->value->u.obj.items[j].value, reachable);
                --w->depth;
                if (ret != 0)
                    return -1;
            }
        } else if (walk_other(w, m->value) != 0) {
            return -1;
        }
    }
    return 0;
}

int
mcpc_headers_tool_params(const json_value_t *input_schema, arena_t *arena, mcpc_param_header_t **params, size_t *num, char *err,
                         size_t err_len)
{
    walk_t w = {.arena = arena, .err = err, .err_len = err_len};
    *params = NULL;
    *num = 0;
    if (input_schema == NULL)
        return 0;
    if ((w.params = arena_alloc(arena, MCPC_MAX_PARAM_HEADERS * sizeof(*w.params))) == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    if (walk_schema(&w, input_schema, 1) != 0)
        return -1;
    *params = w.params;
    *num = w.num;
    return 0;
}

/* ---- values ---- */

static int
safe_as_is(const char *s, size_t len)
{
    if (len != 0 && (s[0] == ' ' || s[len - 1] == ' '))
        return 0;
    for (size_t i = 0; i != len; ++i)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    /* text that looks like an encoded value must itself be encoded, or the server would decode it */
    size_t prefix = sizeof(SENTINEL_PREFIX) - 1, suffix = sizeof(SENTINEL_SUFFIX) - 1;
    if (len >= prefix + 1 && memcmp(s, SENTINEL_PREFIX, prefix) == 0 && memcmp(s + len - suffix, SENTINEL_SUFFIX, suffix) == 0)
        return 0;
    return 1;
}

void
mcpc_headers_encode_value(buf_t *out, const char *value, size_t len)
{
    if (safe_as_is(value, len)) {
        buf_append(out, value, len);
        return;
    }
    buf_append_str(out, SENTINEL_PREFIX);
    base64_encode(out, value, len);
    buf_append_str(out, SENTINEL_SUFFIX);
}

/* ---- the headers of one request ---- */

typedef struct st_header_list_t {
    arena_t *arena;
    mcpc_http_header_t *items;
    size_t num, max;
} header_list_t;

static int
add(header_list_t *list, const char *prefix, const char *name, const char *value, size_t value_len)
{
    if (list->num == list->max)
        return -1;
    buf_t n = BUF_INIT(0), v = BUF_INIT(0);
    buf_printf(&n, "%s%s", prefix, name);
    mcpc_headers_encode_value(&v, value, value_len);
    char *name_copy = arena_strndup(list->arena, n.data, n.len);
    char *value_copy = arena_strndup(list->arena, v.data != NULL ? v.data : "", v.len);
    mcpc_http_header_t *h = &list->items[list->num];
    *h = (mcpc_http_header_t){name_copy, n.len, value_copy, v.len};
    buf_dispose(&n);
    buf_dispose(&v);
    if (name_copy == NULL || value_copy == NULL)
        return -1;
    ++list->num;
    return 0;
}

/* The value at p's path in arguments as header text (in text, which holds an integer's digits); 0, or -1 for no header. */
static int
param_text(const json_value_t *arguments, const mcpc_param_header_t *p, char *digits, size_t digits_len, const char **text,
           size_t *len)
{
    const json_value_t *v = arguments;
    for (size_t i = 0; i != p->path_len && v != NULL; ++i)
        v = json_get(v, p->path[i]);
    int64_t n;
    switch (v != NULL ? v->type : JSON_NULL) {
    case JSON_STRING:
        *text = v->u.str.ptr;
        *len = v->u.str.len;
        return 0;
    case JSON_NUMBER:
        if (json_int64(v, &n) == 0) {
            snprintf(digits, digits_len, "%" PRId64, n); /* 42.0 and 4.2e1 are the integer 42 */
            *text = digits;
            *len = strlen(digits);
        } else {
            *text = v->u.num.raw; /* not an integer: sent as written; the server's check will say what is wrong */
            *len = v->u.num.len;
        }
        return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        *text = v->type == JSON_TRUE ? "true" : "false";
        *len = strlen(*text);
        return 0;
    default:
        return -1; /* absent or null: no header; an object or array cannot be a header */
    }
}

int
mcpc_headers_build(const char *method, const json_value_t *params, const json_value_t *input_schema, arena_t *arena,
                   mcpc_http_header_t *out, size_t max, char *err, size_t err_len)
{
    header_list_t list = {.arena = arena, .items = out, .max = max};
    if (add(&list, "", "Mcp-Method", method, strlen(method)) != 0)
        goto TooMany;
    for (size_t i = 0; i != sizeof(named_methods) / sizeof(named_methods[0]); ++i) {
        const json_value_t *name = json_get(params, named_methods[i].member);
        if (strcmp(method, named_methods[i].method) == 0 && json_string(name) != NULL &&
            add(&list, "", "Mcp-Name", name->u.str.ptr, name->u.str.len) != 0)
            goto TooMany;
    }
    if (strcmp(method, "tools/call") != 0 || input_schema == NULL)
        return (int)list.num;
    mcpc_param_header_t *annotations;
    size_t num;
    if (mcpc_headers_tool_params(input_schema, arena, &annotations, &num, err, err_len) != 0)
        return -1;
    const json_value_t *arguments = json_get(params, "arguments");
    for (size_t i = 0; i != num; ++i) {
        char digits[32];
        const char *text;
        size_t len;
        if (param_text(arguments, &annotations[i], digits, sizeof(digits), &text, &len) == 0 &&
            add(&list, PARAM_PREFIX, annotations[i].name, text, len) != 0)
            goto TooMany;
    }
    return (int)list.num;
TooMany:
    snprintf(err, err_len, "more than %zu metadata headers, or out of memory", max);
    return -1;
}
