/*
 * lifecycle.c: how a client learns about the server: initialize (legacy: version negotiation and
 * capabilities), ping and logging/setLevel (legacy only), and server/discover (2026-07-28, which has no
 * handshake: the same capabilities and identity, for any request to fetch).
 */
#include <string.h>

#include "internal.h"

#define SERVER_NAME "mcp-lambda-c"
#define SERVER_TITLE "MCP server for AWS Lambda, in C"
#define SERVER_VERSION "0.1.0"
#define SERVER_INSTRUCTIONS                                                                                                        \
    "Stateless MCP server: every request stands alone, so no session is kept. Call tools/list to see the tools."

void
lifecycle_write_server_info(jsonw_t *w, mcp_version_t version)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "name", SERVER_NAME);
    if (version >= MCP_V2025_06_18)
        jsonw_kv_string(w, "title", SERVER_TITLE);
    jsonw_kv_string(w, "version", SERVER_VERSION);
    if (version >= MCP_V2025_11_25)
        jsonw_kv_string(w, "description", "Model Context Protocol server for AWS Lambda and local use, written in C.");
    jsonw_object_end(w);
}

static void
write_capabilities(jsonw_t *w, mcp_era_t era)
{
    jsonw_object_begin(w);
    /* listChanged is false: the lists are fixed for the life of a deployment, and a stateless server has no session to tell */
    jsonw_kv_raw(w, "tools", "{\"listChanged\":false}");
    /*
     * Legacy: subscribe is accepted, but updates need a stream this stateless server does not keep
     * (README). Modern: subscriptions/listen replaced subscribe, and no resource here ever changes.
     */
    jsonw_kv_raw(w, "resources",
                 era == MCP_ERA_MODERN ? "{\"subscribe\":false,\"listChanged\":false}"
                                       : "{\"subscribe\":true,\"listChanged\":false}");
    jsonw_kv_raw(w, "prompts", "{\"listChanged\":false}");
    jsonw_kv_raw(w, "logging", "{}");
    jsonw_kv_raw(w, "completions", "{}");
    jsonw_object_end(w);
}

int
lifecycle_initialize(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *requested = json_get(call->params, "protocolVersion");
    if (requested == NULL || requested->type != JSON_STRING) {
        call->error_message = "Invalid params: protocolVersion must be a string";
        return JSONRPC_INVALID_PARAMS;
    }
    const json_value_t *caps = json_get(call->params, "capabilities");
    if (caps != NULL && caps->type != JSON_OBJECT) {
        call->error_message = "Invalid params: capabilities must be an object";
        return JSONRPC_INVALID_PARAMS;
    }
    /*
     * The requested revision when we speak it with a handshake, else our latest legacy one: not an error
     * (the client decides). A modern revision is not negotiated here: it has no handshake.
     */
    int v = mcp_version_parse(requested->u.str.ptr, requested->u.str.len);
    mcp_version_t version = v >= 0 && mcp_version_eras[v] == MCP_ERA_LEGACY ? (mcp_version_t)v : MCP_LATEST_LEGACY_VERSION;

    jsonw_object_begin(w);
    jsonw_kv_string(w, "protocolVersion", mcp_version_names[version]);
    jsonw_key(w, "capabilities");
    write_capabilities(w, MCP_ERA_LEGACY);
    jsonw_key(w, "serverInfo");
    lifecycle_write_server_info(w, version);
    jsonw_kv_string(w, "instructions", SERVER_INSTRUCTIONS);
    jsonw_object_end(w);
    return 0;
}

int
lifecycle_discover(mcp_call_t *call, jsonw_t *w)
{
    jsonw_object_begin(w);
    jsonw_key(w, "supportedVersions");
    era_write_supported_versions(w);
    jsonw_key(w, "capabilities");
    write_capabilities(w, MCP_ERA_MODERN);
    jsonw_kv_string(w, "instructions", SERVER_INSTRUCTIONS);
    era_result_end(call->ex, w, call->method->cache);
    return 0;
}

int
lifecycle_ping(mcp_call_t *call, jsonw_t *w)
{
    (void)call;
    jsonw_raw(w, "{}", 2);
    return 0;
}

int
lifecycle_set_level(mcp_call_t *call, jsonw_t *w)
{
    const char *level = json_string(json_get(call->params, "level"));
    mcp_log_level_t parsed;
    if (level == NULL || config_parse_client_log_level(level, &parsed) != 0) {
        call->error_message =
            "Invalid params: level must be one of debug, info, notice, warning, error, critical, alert, emergency";
        return JSONRPC_INVALID_PARAMS;
    }
    /*
     * Stateless: the level cannot follow the client to its next request (which may reach another
     * instance), so each request uses the configured level. The call succeeds as the spec asks.
     */
    jsonw_raw(w, "{}", 2);
    return 0;
}
