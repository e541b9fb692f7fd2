/*
 * era.h: the protocol revisions this server speaks, the two eras they fall into, and every rule that
 * differs between the eras.
 *
 * A dual-era server picks the era per request (2026-07-28 basic/versioning). Legacy requests (2025-03-26,
 * 2025-06-18, 2025-11-25) negotiate with initialize, and the version comes from the MCP-Protocol-Version
 * header. A modern request (2026-07-28) is stateless and self-describing: its _meta carries the protocol
 * version and the client's capabilities, and its headers mirror the body (mirrored_headers.h).
 */
#ifndef MCP_ERA_H
#define MCP_ERA_H

#include "buf.h"
#include "core.h"
#include "json.h"
#include "jsonw.h"
#include "mcp.h"

/* Protocol revisions, oldest first; the order is used for "at least" comparisons. */
typedef enum en_mcp_version_t {
    MCP_V2025_03_26,
    MCP_V2025_06_18,
    MCP_V2025_11_25,
    MCP_V2026_07_28,
    MCP_NUM_VERSIONS,
} mcp_version_t;

/* The two eras (a bit each, so method table rows can name both). */
typedef enum en_mcp_era_t {
    MCP_ERA_LEGACY = 1,
    MCP_ERA_MODERN = 2,
} mcp_era_t;

extern const char *const mcp_version_names[MCP_NUM_VERSIONS];
extern const mcp_era_t mcp_version_eras[MCP_NUM_VERSIONS];
/* What initialize offers when the client asks for a revision it does not get. */
#define MCP_LATEST_LEGACY_VERSION MCP_V2025_11_25
/* Returns the version for a name, or -1. */
int mcp_version_parse(const char *s, size_t len);

/* The reserved _meta keys of 2026-07-28 requests, results and notifications. */
#define MCP_META_PROTOCOL_VERSION "io.modelcontextprotocol/protocolVersion"
#define MCP_META_CLIENT_CAPABILITIES "io.modelcontextprotocol/clientCapabilities"
#define MCP_META_CLIENT_INFO "io.modelcontextprotocol/clientInfo"
#define MCP_META_LOG_LEVEL "io.modelcontextprotocol/logLevel"
#define MCP_META_SERVER_INFO "io.modelcontextprotocol/serverInfo"
#define MCP_META_SUBSCRIPTION_ID "io.modelcontextprotocol/subscriptionId"

/* Below every level: a modern request that names no log level gets no notifications/message. */
#define MCP_LOG_OFF ((mcp_log_level_t)(MCP_LOG_EMERGENCY + 1))

typedef struct st_mcp_request_t mcp_request_t;
typedef struct st_mcp_method_t mcp_method_t;
typedef struct st_mcp_rpc_error_t mcp_rpc_error_t;

/* A caching hint on a modern result: how long the client may reuse it, and for whom. */
typedef struct st_mcp_cache_hint_t {
    int64_t ttl_ms;
    const char *scope; /* "public" or "private" */
} mcp_cache_hint_t;

#define ERA_BAD_LEGACY_VERSION -1
/*
 * Sets req->era and req->version from the MCP-Protocol-Version header and the parsed body (root; NULL
 * when it did not parse). Returns 0, or ERA_BAD_LEGACY_VERSION when a legacy request names a revision
 * this server does not speak (refused with 400 before anything else, as legacy clients expect).
 */
int era_select(mcp_request_t *req, const mcp_header_t *version_header, const json_value_t *root);
/*
 * A modern request's envelope: its _meta (protocol version, capabilities, log level) and the headers that
 * mirror it (MCP-Protocol-Version, Mcp-Method, Mcp-Name for m's name_param; m is NULL for an unknown
 * method). Sets the request's client capabilities and log level. Returns 0 (always, for a legacy request)
 * or a JSON-RPC error code, recorded in *e.
 */
int era_check_request(mcp_request_t *req, const char *method, const json_value_t *params, const mcp_method_t *m,
                      mcp_rpc_error_t *e);
typedef struct st_mcp_tool_entry_t mcp_tool_entry_t;
/* A modern tools/call: the capabilities the tool declares it needs (-32021) and its x-mcp-header parameters (-32020). */
int era_check_tool_call(const mcp_request_t *req, const mcp_tool_entry_t *entry, const json_value_t *args, mcp_rpc_error_t *e);
/* Whether m is served in the request's era. */
int era_has_method(const mcp_request_t *req, const mcp_method_t *m);
/* The code for "no such resource": -32002 in the legacy era, -32602 in the modern one. */
int era_resource_not_found_code(const mcp_request_t *req);
/*
 * The HTTP status of a response to a single request: 0 (keep 200) or, for a legacy request, 400 when it
 * was not a valid JSON-RPC message and 503 when a client's answer could not be stored; for a modern
 * request, from its error's code (404 for -32601, 400 for the envelope and parameter errors, 500 for -32603).
 */
int era_response_status(const mcp_request_t *req, int invalid_message, int unavailable, int error_code);
/*
 * Closes a result object. A modern result gets what 2026-07-28 asks of every result first: resultType
 * "complete", the server's identity in _meta and, for cacheable methods, ttlMs and cacheScope.
 */
void era_result_end(const mcp_request_t *req, jsonw_t *w, const mcp_cache_hint_t *cache);
/* The same for an InputRequiredResult (resultType "input_required") and a subscriptions/listen result. */
void era_input_required_end(const mcp_request_t *req, jsonw_t *w);
/* The same for a CreateTaskResult (resultType "task", the tasks extension). */
void era_task_result_end(const mcp_request_t *req, jsonw_t *w);
void era_listen_result_end(const mcp_request_t *req, jsonw_t *w, const json_value_t *subscription_id);
/* Writes the versions the server speaks, newest first, as a JSON array (discover, -32022). */
void era_write_supported_versions(jsonw_t *w);
/*
 * Whether the client's capabilities (a ClientCapabilities object) include every one in required. When
 * not, and missing is not NULL, the missing ones are written to it as a JSON object.
 */
int era_client_has(const json_value_t *client, const json_value_t *required, buf_t *missing);
/* The server's identity (serverInfo, and in modern results _meta's io.modelcontextprotocol/serverInfo). */
void era_write_server_info(jsonw_t *w, mcp_version_t version);

#endif
