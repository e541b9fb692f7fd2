/*
 * lifecycle.c: how a client learns about the server: initialize (legacy: version negotiation and
 * capabilities), ping and logging/setLevel (legacy only), and server/discover (2026-07-28, which has no
 * handshake: the same capabilities and identity, for any request to fetch).
 */
#include <string.h>

#include "config.h"
#include "methods.h"
#include "server.h"
#include "tasks.h"

#define SERVER_INSTRUCTIONS                                                                                                        \
    "Stateless MCP server: every request stands alone, so no session is kept. Call tools/list to see the tools."
#define SESSION_INSTRUCTIONS                                                                                                       \
    "MCP server with sessions: tools may keep state between calls in this session (2026-07-28 clients: behind the state "          \
    "handles tools return). Call tools/list to see the tools."

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
    if (era == MCP_ERA_MODERN)
        jsonw_kv_raw(w, "extensions", "{\"" MCP_TASKS_EXTENSION "\":{}}");
    jsonw_object_end(w);
}

static const char *
instructions(const mcp_call_t *call)
{
    return server_config(call->req->server)->sessions != MCP_SESSIONS_OFF ? SESSION_INSTRUCTIONS : SERVER_INSTRUCTIONS;
}

mcp_outcome_t
lifecycle_initialize(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *requested = json_get(call->params, "protocolVersion");
    if (requested == NULL || requested->type != JSON_STRING)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: protocolVersion must be a string", NULL);
    const json_value_t *caps = json_get(call->params, "capabilities");
    if (caps != NULL && caps->type != JSON_OBJECT)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: capabilities must be an object", NULL);
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
    era_write_server_info(w, version);
    jsonw_kv_string(w, "instructions", instructions(call));
    jsonw_object_end(w);
    return MCP_OUTCOME_DONE;
}

mcp_outcome_t
lifecycle_discover(mcp_call_t *call, jsonw_t *w)
{
    jsonw_object_begin(w);
    jsonw_key(w, "supportedVersions");
    era_write_supported_versions(w);
    jsonw_key(w, "capabilities");
    write_capabilities(w, MCP_ERA_MODERN);
    jsonw_kv_string(w, "instructions", instructions(call));
    era_result_end(call->req, w, call->method->cache);
    return MCP_OUTCOME_DONE;
}

mcp_outcome_t
lifecycle_ping(mcp_call_t *call, jsonw_t *w)
{
    (void)call;
    jsonw_raw(w, "{}", 2);
    return MCP_OUTCOME_DONE;
}

mcp_outcome_t
lifecycle_set_level(mcp_call_t *call, jsonw_t *w)
{
    const char *level = json_string(json_get(call->params, "level"));
    mcp_log_level_t parsed;
    if (level == NULL || config_parse_client_log_level(level, &parsed) != 0)
        return call_error(call, JSONRPC_INVALID_PARAMS,
                          "Invalid params: level must be one of debug, info, notice, warning, error, critical, alert, emergency",
                          NULL);
    /*
     * Stateless: the level cannot follow the client to its next request (which may reach another
     * instance), so each request uses the configured level. The call succeeds as the spec asks.
     */
    jsonw_raw(w, "{}", 2);
    return MCP_OUTCOME_DONE;
}
