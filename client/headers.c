/* headers.c: Mcp-Method, Mcp-Name and Mcp-Param-* for modern requests (headers.h). */
#include "headers.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"

#define SENTINEL_PREFIX "=?base64?"
#define SENTINEL_SUFFIX "?="
#define PARAM_PREFIX "Mcp-Param-"

/* The methods whose Mcp-Name header mirrors a member of params. */
static const struct {
    const char *method;
    const char *member;
} named_methods[] = {
    {"tools/call", "name"},
    {"prompts/get", "name"},
    {"resources/read", "uri"},
};

/* ---- x-mcp-header annotations ---- */

int
mcpc_headers_tool_params(const json_value_t *input_schema, arena_t *arena, mcpc_param_header_t **params, size_t *num, char *err,
                         size_t err_len)
{
    return mcp_param_headers_collect(input_schema, arena, params, num, err, err_len);
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
