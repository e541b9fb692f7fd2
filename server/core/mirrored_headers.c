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

#include "base64.h"
#include "http_checks.h"
#include "mirrored_headers.h"

#define SENTINEL_PREFIX "=?base64?"
#define SENTINEL_SUFFIX "?="
#define HEADER_PREFIX "mcp-param-"

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

int
headers_collect_params(arena_t *arena, const json_value_t *schema, mcp_header_param_t **params, size_t *num, char *err,
                       size_t err_len)
{
    mcp_param_header_t *annotations;
    *params = NULL;
    if (mcp_param_headers_collect(schema, arena, &annotations, num, err, err_len) != 0)
        return -1;
    if (*num == 0)
        return 0;
    if ((*params = arena_alloc(arena, *num * sizeof(**params))) == NULL)
        goto NoMemory;
    for (size_t i = 0; i != *num; ++i) {
        size_t len = sizeof(HEADER_PREFIX) - 1 + strlen(annotations[i].name);
        char *header = arena_alloc(arena, len + 1);
        if (header == NULL)
            goto NoMemory;
        snprintf(header, len + 1, "%s%s", HEADER_PREFIX, annotations[i].name);
        for (char *p = header; *p != '\0'; ++p)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        (*params)[i] = (mcp_header_param_t){.header = header, .annotation = annotations[i]};
    }
    return 0;
NoMemory:
    *num = 0;
    snprintf(err, err_len, "out of memory");
    return -1;
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
        for (size_t k = 0; v != NULL && k != params[i].annotation.path_len; ++k)
            v = json_get(v, params[i].annotation.path[k]);
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
