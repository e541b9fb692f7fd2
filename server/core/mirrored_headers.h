/*
 * mirrored_headers.h: the request headers 2026-07-28 mirrors from the body (Streamable HTTP "Request
 * Metadata"): decoding the "=?base64?...?=" form, and the x-mcp-header tool parameters mirrored as
 * Mcp-Param-{name}. A server that acts on the body while a proxy routed on a header must see the same
 * value in both, so every mirrored header is compared with the body and a difference is refused.
 */
#ifndef MCP_MIRRORED_HEADERS_H
#define MCP_MIRRORED_HEADERS_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "core.h"
#include "json.h"
#include "mcp_param_headers.h"

/*
 * An x-mcp-header parameter as the server checks it: the annotation (its rule is common/mcp_param_headers.h,
 * shared with the client) and the name of the header that mirrors it.
 */
typedef struct st_mcp_header_param_t {
    const char *header;            /* "mcp-param-region": lower case, for lookups */
    mcp_param_header_t annotation; /* "Region", and the path of the value from the arguments object */
} mcp_header_param_t;

/*
 * Decodes a mirrored header value into out: a value in the "=?base64?...?=" form is standard, padded
 * base64 of UTF-8; any other value is taken literally. Returns 0, or -1 for characters a header value
 * must not have, invalid base64 or decoded bytes that are not UTF-8.
 */
int headers_decode_value(const char *value, size_t len, buf_t *out);
/*
 * Collects the x-mcp-header parameters of an input schema (on the arena). Returns 0, or -1 with a reason in
 * err for an annotation 2026-07-28 forbids (mcp_param_headers_collect).
 */
int headers_collect_params(arena_t *arena, const json_value_t *schema, mcp_header_param_t **params, size_t *num, char *err,
                           size_t err_len);
/* Checks every x-mcp-header parameter of a tool call against its Mcp-Param-{name} header. Returns 0 or -1. */
int headers_check_params(const mcp_http_request_t *req, const mcp_header_param_t *params, size_t num, const json_value_t *args);

#endif
