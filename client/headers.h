/*
 * headers: the request metadata headers of Streamable HTTP in the modern era (2026-07-28).
 *
 * Besides MCP-Protocol-Version (set by session.c), a modern request mirrors parts of its body into
 * headers, so gateways can route on them without reading the body; the server checks that they match:
 *   Mcp-Method         the JSON-RPC method, on every request;
 *   Mcp-Name           params.name of tools/call and prompts/get, params.uri of resources/read;
 *   Mcp-Param-{Name}   for tools/call, each argument whose property in the tool's inputSchema is
 *                      annotated "x-mcp-header": "{Name}", when the arguments hold a value for it.
 * A value is sent as it is when it is printable ASCII without leading or trailing spaces; anything else
 * (non-ASCII, control characters, edge spaces, or text shaped like the sentinel itself) is sent as
 * "=?base64?{base64 of the UTF-8}?=". Strings are sent as they are, integers in decimal, booleans as
 * true/false; null, objects and arrays have no header.
 *
 * A tool whose x-mcp-header annotations break the rules (common/mcp_param_headers.h, the same rule the
 * server applies) is invalid: the client must not list or call it.
 */
#ifndef MCPC_HEADERS_H
#define MCPC_HEADERS_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "http_response.h"
#include "json.h"
#include "mcp_param_headers.h"

#define MCPC_MAX_PARAM_HEADERS MCP_PARAM_HEADERS_MAX           /* x-mcp-header annotations in one tool */
#define MCPC_MAX_METADATA_HEADERS (2 + MCPC_MAX_PARAM_HEADERS) /* Mcp-Method, Mcp-Name, Mcp-Param-* */

/* One x-mcp-header annotation: the header's name part, and where its value is in the arguments. */
typedef mcp_param_header_t mcpc_param_header_t;

/*
 * Checks every x-mcp-header annotation of a tool's inputSchema (NULL: none) and collects them (allocated
 * from arena, borrowing the schema's strings). Returns 0, or -1 with the reason in err when the tool
 * definition is invalid.
 */
int mcpc_headers_tool_params(const json_value_t *input_schema, arena_t *arena, mcpc_param_header_t **params, size_t *num, char *err,
                             size_t err_len);

/* Appends value[0..len) as a header value: unchanged when it is safe as is, else in the base64 form. */
void mcpc_headers_encode_value(buf_t *out, const char *value, size_t len);

/*
 * Writes the metadata headers of a request to out (at most max): method, params (the object that is
 * sent, or NULL) and, for tools/call, input_schema (the tool's inputSchema, or NULL). Names and values
 * are allocated from arena. Returns the number written, or -1 with the reason in err (an invalid tool
 * definition, more than max headers).
 */
int mcpc_headers_build(const char *method, const json_value_t *params, const json_value_t *input_schema, arena_t *arena,
                       mcpc_http_header_t *out, size_t max, char *err, size_t err_len);

#endif
