/*
 * http_checks.h: the HTTP layer of Streamable HTTP, before any JSON is parsed: finding request headers,
 * the Host and Origin allow-lists (DNS rebinding), Accept and Content-Type, the CORS preflight, the RFC
 * 9728 protected resource metadata, and refusals written the way clients expect them.
 */
#ifndef MCP_HTTP_CHECKS_H
#define MCP_HTTP_CHECKS_H

#include <stddef.h>

#include "config.h"
#include "core.h"

/* Finds a request header by name, case-insensitively (the last one when repeated); req may be NULL. */
const mcp_header_t *headers_find(const mcp_http_request_t *req, const char *name);
/* Strips optional whitespace (spaces and tabs) around a header value. */
void headers_trim(const char **value, size_t *len);

/* Adds a response header; name and value must outlive the response (static, or in res->origin_copy). */
void response_add_header(mcp_response_t *res, const char *name, const char *value);
/* An HTTP-level refusal: the status and a JSON-RPC error body without an id, as the TypeScript SDK sends. */
void response_refuse(mcp_response_t *res, int status, int code, const char *message);

int http_host_allowed(const settings_list_t *allowed, const char *host, size_t len);
int http_origin_allowed(const settings_list_t *allowed, const char *origin, size_t len);
/*
 * Host and Origin against the allow-lists (DNS rebinding), before anything else: adds Vary: Origin, echoes an
 * allowed Origin for CORS. Returns 0, or -1 with res refused (403).
 */
int http_check_host_and_origin(const mcp_config_t *cfg, const mcp_http_request_t *req, mcp_response_t *res);
/* Whether an Accept header value admits the media type: exactly, by its type wildcard, or by the full wildcard (q > 0). */
int http_accepts(const char *value, size_t len, const char *type);
/* Compares a media type (ignoring parameters and surrounding spaces) with "type/subtype". */
int http_media_type_is(const char *value, size_t len, const char *type);

/*
 * Answers a CORS preflight (OPTIONS) for the endpoint: allow_methods lists the methods it serves, allow_headers
 * what a browser may send (registry.h).
 */
void http_cors_preflight(mcp_response_t *res, const char *allow_methods, const char *allow_headers);
/* Whether path is the root or the path-inserted well-known URI of the protected resource metadata (RFC 9728 3.1). */
int http_is_metadata_path(const mcp_config_t *cfg, const char *path, size_t len);
/* The metadata document that tells OAuth clients which resource this is and where to get tokens for it. */
void http_protected_resource_metadata(const mcp_config_t *cfg, const mcp_http_request_t *req, const mcp_header_t *host,
                                      mcp_response_t *res);

#endif
