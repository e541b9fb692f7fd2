/* lifecycle.c: initialize (version negotiation and capabilities), ping and logging/setLevel. */
#include <string.h>

#include "internal.h"

#define SERVER_NAME "mcp-lambda-c"
#define SERVER_TITLE "MCP server for AWS Lambda, in C"
#define SERVER_VERSION "0.1.0"
#define SERVER_INSTRUCTIONS                                                                                                        \
    "Stateless MCP server: every request stands alone, so no session is kept. Call tools/list to see the tools."

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
    /* the requested revision when we speak it, else our latest: not an error (the client decides) */
    int v = mcp_version_parse(requested->u.str.ptr, requested->u.str.len);
    mcp_version_t version = v >= 0 ? (mcp_version_t)v : MCP_LATEST_VERSION;

    jsonw_object_begin(w);
    jsonw_kv_string(w, "protocolVersion", mcp_version_names[version]);
    jsonw_key(w, "capabilities");
    jsonw_object_begin(w);
    /* listChanged is false: a stateless server has no stream on which to announce changes */
    jsonw_kv_raw(w, "tools", "{\"listChanged\":false}");
    /* subscribe is accepted, but updates need a stream this stateless server does not keep (README) */
    jsonw_kv_raw(w, "resources", "{\"subscribe\":true,\"listChanged\":false}");
    jsonw_kv_raw(w, "prompts", "{\"listChanged\":false}");
    jsonw_kv_raw(w, "logging", "{}");
    jsonw_kv_raw(w, "completions", "{}");
    jsonw_object_end(w);
    jsonw_key(w, "serverInfo");
    jsonw_object_begin(w);
    jsonw_kv_string(w, "name", SERVER_NAME);
    if (version >= MCP_V2025_06_18)
        jsonw_kv_string(w, "title", SERVER_TITLE);
    jsonw_kv_string(w, "version", SERVER_VERSION);
    if (version >= MCP_V2025_11_25)
        jsonw_kv_string(w, "description", "Model Context Protocol server for AWS Lambda and local use, written in C.");
    jsonw_object_end(w);
    jsonw_kv_string(w, "instructions", SERVER_INSTRUCTIONS);
    jsonw_object_end(w);
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
        call->error_message = "Invalid params: level must be one of debug, info, notice, warning, error, critical, alert, emergency";
        return JSONRPC_INVALID_PARAMS;
    }
    /*
     * Stateless: the level cannot follow the client to its next request (which may reach another
     * instance), so each request uses the configured level. The call succeeds as the spec asks.
     */
    jsonw_raw(w, "{}", 2);
    return 0;
}
