/*
 * handle.c: where a request enters the core (mcp_handle(), core.h). The HTTP layer is checked first, in a
 * fixed order and before any JSON is parsed (http_checks.c): Host and Origin, the path, the method,
 * Accept, Content-Type, the body's size. Then the body is parsed, era.c decides the request's era from
 * MCP-Protocol-Version and the body's _meta, and each message goes to dispatch.c; finally the exchange
 * turns what they produced into a JSON body, an SSE body or a stream (exchange.c).
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "exchange.h"
#include "http_checks.h"
#include "jsonrpc.h"
#include "log.h"
#include "server.h"
#include "sessions.h"

#define MAX_JSON_DEPTH 64

/* What a client of the HTTP+SSE transport (2024-11-05) hears where that transport is not offered (README). */
#define LEGACY_SSE_NOT_OFFERED                                                                                                     \
    "Not Found: this server does not offer the HTTP+SSE transport of protocol version 2024-11-05 (deprecated); use Streamable "    \
    "HTTP: POST JSON-RPC messages to the MCP endpoint"

#define UNSUPPORTED_LEGACY_VERSION                                                                                                 \
    "Bad Request: Unsupported protocol version (supported versions: 2025-11-25, 2025-06-18, 2025-03-26)"

static int
method_is(const mcp_http_request_t *req, const char *method)
{
    return req->method_len == strlen(method) && memcmp(req->method, method, req->method_len) == 0;
}

static int
not_post(const mcp_config_t *cfg, const mcp_http_request_t *req)
{
    (void)cfg;
    return !method_is(req, "POST");
}

static int
not_acceptable(const mcp_config_t *cfg, const mcp_http_request_t *req)
{
    (void)cfg;
    static const char usual[] = "application/json, text/event-stream"; /* what the SDKs send, read quickly */
    const mcp_header_t *accept = headers_find(req, "accept");
    if (accept != NULL && accept->value_len == sizeof(usual) - 1 && memcmp(accept->value, usual, sizeof(usual) - 1) == 0)
        return 0;
    return accept == NULL || !http_accepts(accept->value, accept->value_len, "application/json") ||
           !http_accepts(accept->value, accept->value_len, "text/event-stream");
}

static int
not_json(const mcp_config_t *cfg, const mcp_http_request_t *req)
{
    (void)cfg;
    const mcp_header_t *ctype = headers_find(req, "content-type");
    return ctype == NULL || !http_media_type_is(ctype->value, ctype->value_len, "application/json");
}

static int
too_large(const mcp_config_t *cfg, const mcp_http_request_t *req)
{
    return req->body_len > cfg->max_body_bytes;
}

/* What a POST to the endpoint must pass before its body is parsed, in order; the first failure answers. */
static const struct st_refusal_t {
    int (*fails)(const mcp_config_t *cfg, const mcp_http_request_t *req);
    int status;
    const char *message;
    const char *allow; /* the Allow header of a 405 */
} refusals[] = {
    /* no GET stream to offer; DELETE (sessions on) was answered before */
    {not_post, 405, "Method Not Allowed", "POST"},
    {not_acceptable, 406, "Not Acceptable: Client must accept both application/json and text/event-stream"},
    {not_json, 415, "Unsupported Media Type: Content-Type must be application/json"},
    {too_large, 413, "Payload Too Large"},
};

static void
refuse_in_batch(mcp_exchange_t *ex, const json_value_t *msg, const char *message)
{
    buf_t tmp = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &tmp);
    const json_value_t *id = json_get(msg, "id");
    jsonrpc_write_error(&w, jsonrpc_valid_id(id) ? id : NULL, JSONRPC_INVALID_REQUEST, message, NULL);
    exchange_add_response(ex, tmp.data, tmp.len);
    buf_dispose(&tmp);
}

/* The paths of the HTTP+SSE transport's two endpoints, as its clients and servers usually name them. */
static int
is_legacy_sse_path(const mcp_http_request_t *req)
{
    return (req->path_len == 4 && memcmp(req->path, "/sse", 4) == 0) ||
           (req->path_len == 9 && memcmp(req->path, "/messages", 9) == 0);
}

/*
 * Hands each message to dispatch; returns the HTTP status a single message's refusal asks for (0: none).
 * *initialized is set when the message was an initialize that succeeded.
 */
static int
handle_messages(mcp_exchange_t *ex, const json_value_t *root, mcp_response_t *res, int *initialized)
{
    dispatch_outcome_t out;
    if (root->type != JSON_ARRAY) {
        if (jsonrpc_is_response(root))
            dispatch_response(ex, root, &out);
        else
            dispatch_request(ex, root, &out);
        *initialized = out.rpc_method != NULL && strcmp(out.rpc_method, "initialize") == 0 && out.error_code == 0;
        res->rpc_method = out.rpc_method;
        res->tool_name = out.tool_name;
        if (out.overloaded) {
            response_add_header(res, "retry-after", "1");
            return 503;
        }
        return era_response_status(exchange_request(ex), out.invalid_message, out.unavailable, out.error_code);
    }
    for (size_t i = 0; i != root->u.arr.len; ++i) {
        const json_value_t *msg = root->u.arr.items[i];
        const char *method = json_string(json_get(msg, "method"));
        if (jsonrpc_is_response(msg))
            dispatch_response(ex, msg, &out);
        else if (method != NULL && strcmp(method, "initialize") == 0)
            refuse_in_batch(ex, msg, "Invalid Request: initialize must not be batched");
        else
            dispatch_request(ex, msg, &out);
    }
    return 0;
}

void
mcp_handle(mcp_server_t *s, const mcp_http_request_t *req, mcp_response_t *res)
{
    const mcp_config_t *cfg = server_config(s);
    memset(res, 0, sizeof(*res));
    if (http_check_host_and_origin(cfg, req, res) != 0)
        return;
    if (http_is_metadata_path(cfg, req->path, req->path_len)) {
        http_protected_resource_metadata(cfg, req, headers_find(req, "host"), res);
        return;
    }
    if (req->path_len != strlen(cfg->path) || memcmp(req->path, cfg->path, req->path_len) != 0) {
        response_refuse(res, 404, MCP_TRANSPORT_ERROR, is_legacy_sse_path(req) ? LEGACY_SSE_NOT_OFFERED : "Not Found");
        return;
    }
    if (method_is(req, "OPTIONS")) {
        http_cors_preflight(res, cfg->sessions != MCP_SESSIONS_OFF ? "POST, DELETE, OPTIONS" : "POST, OPTIONS",
                            registry_cors_allow_headers(server_registry(s)));
        return;
    }
    if (cfg->sessions != MCP_SESSIONS_OFF && method_is(req, "DELETE")) {
        sessions_delete(s, req, res);
        return;
    }
    for (size_t i = 0; i != sizeof(refusals) / sizeof(refusals[0]); ++i) {
        if (refusals[i].fails(cfg, req)) {
            response_refuse(res, refusals[i].status, MCP_TRANSPORT_ERROR, refusals[i].message);
            if (refusals[i].allow != NULL) /* with sessions, DELETE ends one */
                response_add_header(res, "allow", cfg->sessions != MCP_SESSIONS_OFF ? "POST, DELETE" : refusals[i].allow);
            return;
        }
    }

    mcp_exchange_t *ex = exchange_new(s, req);
    if (ex == NULL) {
        response_refuse(res, 500, JSONRPC_INTERNAL_ERROR, "Internal error");
        return;
    }
    mcp_request_t *r = exchange_request(ex);
    json_value_t *root;
    int err = json_parse(r->arena, req->body, req->body_len, MAX_JSON_DEPTH, &root);
    /* a legacy client naming a revision we do not speak hears so before anything about its body */
    if (era_select(r, headers_find(req, "mcp-protocol-version"), err == 0 ? root : NULL) == ERA_BAD_LEGACY_VERSION) {
        response_refuse(res, 400, MCP_TRANSPORT_ERROR, UNSUPPORTED_LEGACY_VERSION);
        exchange_release(ex);
        return;
    }
    if (err != 0) {
        log_msg(LOG_DEBUG, "parse_error", "%s", json_strerror(err));
        response_refuse(res, 400, JSONRPC_PARSE_ERROR, err == JSON_ERR_NOMEM ? "Parse error: document too large" : "Parse error");
        exchange_release(ex);
        return;
    }
    if (req->identity != NULL && (r->identity = json_copy(r->arena, req->identity)) == NULL) {
        /* workers may read it after the front door's copy is gone; without it, tools would see no caller */
        log_msg(LOG_ERROR, "identity", "the caller's identity does not fit in the request's memory");
        response_refuse(res, 500, JSONRPC_INTERNAL_ERROR, "Internal error");
        exchange_release(ex);
        return;
    }
    if (root->type == JSON_ARRAY && (r->version != MCP_V2025_03_26 || root->u.arr.len == 0)) {
        /* batches exist only in 2025-03-26, and an empty one is invalid there */
        response_refuse(res, 400, JSONRPC_INVALID_REQUEST,
                        root->u.arr.len == 0 ? "Invalid Request: empty batch"
                                             : "Invalid Request: batches are not supported in this protocol version");
        exchange_release(ex);
        return;
    }
    if (cfg->sessions != MCP_SESSIONS_OFF && r->era == MCP_ERA_LEGACY && sessions_begin(r, root, res) != 0) {
        exchange_release(ex);
        return;
    }
    /* a single message that is refused gets an HTTP status saying so too */
    int initialized = 0;
    int status = handle_messages(ex, root, res, &initialized);
    if (r->session != NULL)
        sessions_finish(r, initialized, res);
    exchange_finish(ex, root->type == JSON_ARRAY, res);
    if (status != 0)
        res->status = status;
}

void
mcp_response_dispose(mcp_response_t *res)
{
    free(res->body);
    res->body = NULL;
}
