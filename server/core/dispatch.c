/*
 * dispatch.c: where a JSON-RPC message is validated and its method is found. Methods live in one
 * table, whose rows say in which era each exists and what 2026-07-28 asks of it; notifications are
 * accepted and never answered; responses from the client go to the tool waiting for them (legacy era).
 */
#include <string.h>

#include "internal.h"
#include "log.h"

/*
 * Caching hints of modern results. The lists are fixed for the life of a deployment and the same for
 * every caller; a resource's contents may depend on the caller (mcp_identity()) and change at any time.
 */
static const mcp_cache_hint_t list_cache = {.ttl_ms = 300000, .scope = "public"};
static const mcp_cache_hint_t read_cache = {.ttl_ms = 0, .scope = "private"};

#define LEGACY MCP_ERA_LEGACY
#define MODERN MCP_ERA_MODERN
#define BOTH (MCP_ERA_LEGACY | MCP_ERA_MODERN)

/* The method table; the columns are documented with mcp_method_t in internal.h. */
static const mcp_method_t methods[] = {
    /* name, handler, eras, since, name_param, input_required, cache */
    {"initialize", lifecycle_initialize, LEGACY, MCP_V2025_03_26},
    {"ping", lifecycle_ping, LEGACY, MCP_V2025_03_26},
    {"logging/setLevel", lifecycle_set_level, LEGACY, MCP_V2025_03_26},
    {"server/discover", lifecycle_discover, MODERN, .cache = &list_cache},
    {"tools/list", tools_list, BOTH, MCP_V2025_03_26, .cache = &list_cache},
    {"tools/call", tools_call, BOTH, MCP_V2025_03_26, .name_param = "name", .input_required = 1},
    {"resources/list", resources_list, BOTH, MCP_V2025_03_26, .cache = &list_cache},
    {"resources/templates/list", resources_templates_list, BOTH, MCP_V2025_03_26, .cache = &list_cache},
    {"resources/read", resources_read, BOTH, MCP_V2025_03_26, .name_param = "uri", .input_required = 1, .cache = &read_cache},
    {"resources/subscribe", resources_subscribe, LEGACY, MCP_V2025_03_26},
    {"resources/unsubscribe", resources_subscribe, LEGACY, MCP_V2025_03_26},
    {"prompts/list", prompts_list, BOTH, MCP_V2025_03_26, .cache = &list_cache},
    {"prompts/get", prompts_get, BOTH, MCP_V2025_03_26, .name_param = "name", .input_required = 1},
    {"completion/complete", completion_complete, BOTH, MCP_V2025_03_26},
    {"subscriptions/listen", subscriptions_listen, MODERN},
};

static const mcp_method_t *
find_method(const char *name)
{
    for (size_t i = 0; i != sizeof(methods) / sizeof(methods[0]); ++i)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

static void
add_error(mcp_exchange_t *ex, const json_value_t *id, int code, const char *message, const char *data)
{
    ex->error_code = code;
    buf_t tmp = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &tmp);
    jsonrpc_write_error(&w, id, code, message, data);
    exchange_add_response(ex, tmp.data, tmp.len);
    buf_dispose(&tmp);
}

static void
invalid_request(mcp_exchange_t *ex, const json_value_t *id, const char *message)
{
    ex->invalid_message = 1;
    add_error(ex, jsonrpc_valid_id(id) ? id : NULL, JSONRPC_INVALID_REQUEST, message, NULL);
}

void
dispatch_request(mcp_exchange_t *ex, const json_value_t *msg, const char **method_out, const char **tool_out)
{
    *method_out = NULL;
    *tool_out = NULL;
    if (msg->type != JSON_OBJECT) {
        invalid_request(ex, NULL, "Invalid Request: not a JSON-RPC message");
        return;
    }
    const json_value_t *id = json_get(msg, "id");
    const json_value_t *jsonrpc = json_get(msg, "jsonrpc");
    if (jsonrpc == NULL || jsonrpc->type != JSON_STRING || strcmp(jsonrpc->u.str.ptr, "2.0") != 0) {
        invalid_request(ex, id, "Invalid Request: jsonrpc must be \"2.0\"");
        return;
    }
    if (id != NULL && !jsonrpc_valid_id(id)) {
        invalid_request(ex, NULL, "Invalid Request: id must be a string or an integer");
        return;
    }
    const json_value_t *method = json_get(msg, "method");
    if (method == NULL || method->type != JSON_STRING) {
        invalid_request(ex, id, "Invalid Request: method must be a string");
        return;
    }
    const json_value_t *params = json_get(msg, "params");
    if (params != NULL && params->type != JSON_OBJECT && params->type != JSON_ARRAY) {
        invalid_request(ex, id, "Invalid Request: params must be an object");
        return;
    }
    if (id == NULL) {
        /* a notification: never answered, whatever its method (initialized, cancelled, ...) */
        log_line_t l;
        if (log_begin(&l, LOG_DEBUG, "notification")) {
            jsonw_kv_string(&l.w, "rpcMethod", method->u.str.len <= 64 ? method->u.str.ptr : "(long)");
            log_end(&l);
        }
        return;
    }
    static const json_value_t empty_object = {.type = JSON_OBJECT};
    const mcp_method_t *m = find_method(method->u.str.ptr);
    const char *message, *data;
    /* a modern request's envelope comes first: only then is it known which version it asks for */
    int ret = era_check_request(ex, method->u.str.ptr, params != NULL && params->type == JSON_OBJECT ? params : &empty_object, m,
                                &message, &data);
    if (ret != 0) {
        add_error(ex, id, ret, message, data);
        return;
    }
    if (m == NULL || !era_has_method(ex, m)) {
        add_error(ex, id, JSONRPC_METHOD_NOT_FOUND, "Method not found", NULL);
        return;
    }
    *method_out = m->name;
    if (params != NULL && params->type != JSON_OBJECT) {
        add_error(ex, id, JSONRPC_INVALID_PARAMS, "Invalid params: params must be an object", NULL);
        return;
    }
    mcp_call_t call = {.ex = ex, .method = m, .id = id, .params = params != NULL ? params : &empty_object};
    buf_t out = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &out);
    jsonrpc_begin_result(&w, id);
    ret = m->handler(&call, &w);
    *tool_out = call.tool_name;
    if (ret == MCP_DEFERRED) {
        buf_dispose(&out);
        return;
    }
    if (ret == 0) {
        jsonrpc_end_result(&w);
        if (!jsonw_failed(&w)) {
            exchange_add_response(ex, out.data, out.len);
            buf_dispose(&out);
            return;
        }
        ret = JSONRPC_INTERNAL_ERROR;
        call.error_message = "Internal error: result too large";
        call.error_data = NULL;
    }
    buf_dispose(&out);
    add_error(ex, id, ret, call.error_message != NULL ? call.error_message : "Internal error", call.error_data);
}

void
dispatch_response(mcp_exchange_t *ex, const json_value_t *msg)
{
    if (ex->era == MCP_ERA_MODERN) {
        /* 2026-07-28 servers send no requests (MRTR replaced them), so a client has nothing to answer */
        invalid_request(ex, NULL, "Invalid Request: this protocol version has no server requests to respond to");
        return;
    }
    const json_value_t *jsonrpc = json_get(msg, "jsonrpc");
    const json_value_t *id = json_get(msg, "id");
    if (jsonrpc == NULL || jsonrpc->type != JSON_STRING || strcmp(jsonrpc->u.str.ptr, "2.0") != 0 || !jsonrpc_valid_id(id) ||
        (json_get(msg, "result") != NULL) == (json_get(msg, "error") != NULL)) {
        /* not a valid response: refuse it the way an invalid request is refused, without an id */
        invalid_request(ex, NULL, "Invalid Request: malformed response");
        return;
    }
    int delivered = exec_deliver_response(ex->server, msg);
    if (delivered == 0) {
        log_msg(LOG_DEBUG, "unmatched_response", "a response matched no waiting request");
    } else if (delivered < 0) {
        /* the answer would be lost behind a 202: say so, so that the client can send it again */
        ex->unavailable = 1;
        add_error(ex, NULL, JSONRPC_INTERNAL_ERROR, "Internal error: the answer could not be stored; send it again", NULL);
    }
}
