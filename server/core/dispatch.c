/*
 * dispatch.c: where a request finds its method. Methods live in one table, whose rows say in which era
 * each exists and what 2026-07-28 asks of it; notifications are accepted and never answered; responses
 * from the client go to the call waiting for them (legacy era, client_requests.c).
 */
#include "dispatch.h"

#include <string.h>

#include "client_requests.h"
#include "log.h"
#include "methods/methods.h"
#include "server.h"
#include "tasks.h"

/*
 * Caching hints of modern results. The lists are fixed for the life of a deployment and the same for
 * every caller; a resource's contents may depend on the caller (mcp_identity()) and change at any time.
 */
static const mcp_cache_hint_t list_cache = {.ttl_ms = 300000, .scope = "public"};
static const mcp_cache_hint_t read_cache = {.ttl_ms = 0, .scope = "private"};

#define LEGACY MCP_ERA_LEGACY
#define MODERN MCP_ERA_MODERN
#define BOTH (MCP_ERA_LEGACY | MCP_ERA_MODERN)

/* The method table; the columns are documented with mcp_method_t in dispatch.h. */
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
    /* the tasks extension (tasks.h): only for clients that declare it; Mcp-Name carries the taskId */
    {"tasks/get", tasks_get, MODERN, .name_param = "taskId"},
    {"tasks/update", tasks_update, MODERN, .name_param = "taskId"},
    {"tasks/cancel", tasks_cancel, MODERN, .name_param = "taskId"},
};

static const mcp_method_t *
find_method(const char *name)
{
    for (size_t i = 0; i != sizeof(methods) / sizeof(methods[0]); ++i)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

mcp_outcome_t
call_error(mcp_call_t *call, int code, const char *message, const char *data)
{
    rpc_error_set(&call->error, code, message, data);
    return MCP_OUTCOME_DONE;
}

static void
add_error(mcp_exchange_t *ex, dispatch_outcome_t *out, const json_value_t *id, int code, const char *message, const char *data)
{
    out->error_code = code;
    buf_t tmp = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &tmp);
    jsonrpc_write_error(&w, id, code, message, data);
    exchange_add_response(ex, tmp.data, tmp.len);
    buf_dispose(&tmp);
}

static void
invalid_request(mcp_exchange_t *ex, dispatch_outcome_t *out, const json_value_t *id, const char *message)
{
    out->invalid_message = 1;
    add_error(ex, out, id, JSONRPC_INVALID_REQUEST, message, NULL);
}

void
dispatch_request(mcp_exchange_t *ex, const json_value_t *msg, dispatch_outcome_t *out)
{
    memset(out, 0, sizeof(*out));
    jsonrpc_request_t rpc;
    const char *message;
    if (jsonrpc_check_request(msg, &rpc, &message) != 0) {
        invalid_request(ex, out, rpc.id, message);
        return;
    }
    if (rpc.id == NULL) {
        /* a notification: never answered, whatever its method (initialized, cancelled, ...) */
        log_line_t l;
        if (log_begin(&l, LOG_DEBUG, "notification")) {
            jsonw_kv_string(&l.w, "rpcMethod", strlen(rpc.method) <= 64 ? rpc.method : "(long)");
            log_end(&l);
        }
        return;
    }
    static const json_value_t empty_object = {.type = JSON_OBJECT};
    mcp_request_t *req = exchange_request(ex);
    const mcp_method_t *m = find_method(rpc.method);
    mcp_call_t call = {.ex = ex, .req = req, .method = m, .id = rpc.id};
    /* a modern request's envelope comes first: only then is it known which version it asks for */
    if (era_check_request(req, rpc.method, rpc.params != NULL && rpc.params->type == JSON_OBJECT ? rpc.params : &empty_object, m,
                          &call.error) != 0) {
        add_error(ex, out, rpc.id, call.error.code, call.error.message, call.error.data);
        return;
    }
    if (m == NULL || !era_has_method(req, m)) {
        add_error(ex, out, rpc.id, JSONRPC_METHOD_NOT_FOUND, "Method not found", NULL);
        return;
    }
    out->rpc_method = m->name;
    if (rpc.params != NULL && rpc.params->type != JSON_OBJECT) {
        add_error(ex, out, rpc.id, JSONRPC_INVALID_PARAMS, "Invalid params: params must be an object", NULL);
        return;
    }
    call.params = rpc.params != NULL ? rpc.params : &empty_object;
    buf_t result = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &result);
    jsonrpc_begin_result(&w, rpc.id);
    mcp_outcome_t outcome = m->handler(&call, &w);
    out->tool_name = call.tool_name;
    out->overloaded = call.overloaded;
    if (outcome == MCP_OUTCOME_DEFERRED) {
        buf_dispose(&result);
        return;
    }
    if (call.error.code == 0) {
        jsonrpc_end_result(&w);
        if (!jsonw_failed(&w)) {
            exchange_add_response_buf(ex, &result);
            return;
        }
        rpc_error_set(&call.error, JSONRPC_INTERNAL_ERROR, "Internal error: result too large", NULL);
    }
    buf_dispose(&result);
    add_error(ex, out, rpc.id, call.error.code, call.error.message != NULL ? call.error.message : "Internal error",
              call.error.data);
}

void
dispatch_response(mcp_exchange_t *ex, const json_value_t *msg, dispatch_outcome_t *out)
{
    memset(out, 0, sizeof(*out));
    const mcp_request_t *req = exchange_request(ex);
    if (req->era == MCP_ERA_MODERN) {
        /* 2026-07-28 servers send no requests (MRTR replaced them), so a client has nothing to answer */
        invalid_request(ex, out, NULL, "Invalid Request: this protocol version has no server requests to respond to");
        return;
    }
    if (!jsonrpc_valid_response(msg)) {
        /* not a valid response: refuse it the way an invalid request is refused, without an id */
        invalid_request(ex, out, NULL, "Invalid Request: malformed response");
        return;
    }
    int delivered = client_requests_deliver(server_client_requests(req->server), msg);
    if (delivered == 0) {
        log_msg(LOG_DEBUG, "unmatched_response", "a response matched no waiting request");
    } else if (delivered < 0) {
        /* the answer would be lost behind a 202: say so, so that the client can send it again */
        out->unavailable = 1;
        add_error(ex, out, NULL, JSONRPC_INTERNAL_ERROR, "Internal error: the answer could not be stored; send it again", NULL);
    }
}
