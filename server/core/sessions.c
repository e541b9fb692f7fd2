/* sessions.c: Streamable HTTP sessions, before dispatch (see sessions.h). */
#include "sessions.h"

#include <string.h>

#include "http_checks.h"
#include "jsonrpc.h"
#include "log.h"
#include "server.h"
#include "state.h"

#define SESSION_HEADER "mcp-session-id"
#define SESSION_NOT_FOUND -32001 /* the TypeScript SDK's code for an unknown session */

static void
refuse(mcp_response_t *res, int err)
{
    if (err == MCP_STATE_EUNAVAILABLE) {
        response_refuse(res, 503, MCP_TRANSPORT_ERROR, "Service Unavailable: the session store could not be reached; retry");
        response_add_header(res, "retry-after", "1");
    } else {
        /* unknown, another caller's, expired or deleted: the same answer, so nothing is learnt about an id */
        response_refuse(res, 404, SESSION_NOT_FOUND, "Session not found");
    }
}

/* The live session the request presents (its use recorded, with slide): 0 with *out set, or an MCP_STATE_E* code. */
static int
presented(mcp_server_t *s, const mcp_http_request_t *req, const mcp_header_t *h, int slide, state_token_t *out)
{
    const char *value = h->value;
    size_t len = h->value_len;
    headers_trim(&value, &len);
    int ret = state_session_open(s, req->identity, value, len, out);
    if (ret == 0)
        ret = state_check(s, out, slide);
    if (ret != 0 && ret != MCP_STATE_EUNAVAILABLE)
        log_msg(LOG_DEBUG, "session_refused", "%s", mcp_state_strerror(ret));
    return ret;
}

void
sessions_delete(mcp_server_t *s, const mcp_http_request_t *req, mcp_response_t *res)
{
    const mcp_header_t *h = headers_find(req, SESSION_HEADER);
    if (h == NULL) {
        response_refuse(res, 400, MCP_TRANSPORT_ERROR, "Bad Request: Mcp-Session-Id header is required");
        return;
    }
    state_token_t tok;
    int ret = presented(s, req, h, 0, &tok); /* about to end: no use to record */
    if (ret == 0)
        ret = state_end(s, &tok);
    if (ret != 0) {
        refuse(res, ret);
        return;
    }
    log_msg(LOG_DEBUG, "session_ended", "the client deleted its session");
    res->status = 204;
}

/* A single initialize request: it opens a session rather than presenting one. */
static int
is_initialize(const json_value_t *root)
{
    const char *method = json_string(json_get(root, "method"));
    return root->type == JSON_OBJECT && method != NULL && strcmp(method, "initialize") == 0 && json_get(root, "id") != NULL;
}

int
sessions_begin(mcp_request_t *r, const json_value_t *root, mcp_response_t *res)
{
    mcp_server_t *s = r->server;
    state_token_t *tok = arena_alloc(r->arena, sizeof(*tok));
    if (tok == NULL) {
        response_refuse(res, 500, JSONRPC_INTERNAL_ERROR, "Internal error");
        return -1;
    }
    const mcp_header_t *h = headers_find(r->http, SESSION_HEADER);
    if (is_initialize(root)) {
        /* a client that presents its live session keeps it (the HTTP+SSE transport opens one before initialize) */
        if (h == NULL || presented(s, r->http, h, 1, tok) != 0) {
            if (state_session_new(s, r->http->identity, tok) != 0) {
                log_msg(LOG_ERROR, "session", "no randomness for a session id");
                response_refuse(res, 500, JSONRPC_INTERNAL_ERROR, "Internal error");
                return -1;
            }
        }
        r->session = tok;
        return 0;
    }
    if (h == NULL) {
        response_refuse(res, 400, MCP_TRANSPORT_ERROR, "Bad Request: Mcp-Session-Id header is required");
        return -1;
    }
    int ret = presented(s, r->http, h, 1, tok);
    if (ret != 0) {
        refuse(res, ret);
        return -1;
    }
    r->session = tok;
    return 0;
}

void
sessions_finish(const mcp_request_t *r, int initialize_ok, mcp_response_t *res)
{
    if (!initialize_ok || r->session == NULL)
        return;
    memcpy(res->session_id, r->session->text, sizeof(r->session->text));
    response_add_header(res, SESSION_HEADER, res->session_id);
    /* a browser client may read it only when told so on the response itself */
    if (headers_find(r->http, "origin") != NULL)
        response_add_header(res, "access-control-expose-headers", SESSION_HEADER);
}

/* ---- the HTTP+SSE transport's sessions (core.h) ---- */

int
mcp_session_open(mcp_server_t *s, const mcp_http_request_t *req, char id[MCP_SESSION_ID_SIZE], mcp_response_t *res)
{
    memset(res, 0, sizeof(*res));
    if (http_check_host_and_origin(server_config(s), req, res) != 0)
        return -1;
    if (server_config(s)->sessions == MCP_SESSIONS_OFF) {
        response_refuse(res, 404, MCP_TRANSPORT_ERROR, "Not Found");
        return -1;
    }
    state_token_t tok;
    if (state_session_new(s, req->identity, &tok) != 0) {
        response_refuse(res, 500, JSONRPC_INTERNAL_ERROR, "Internal error");
        return -1;
    }
    _Static_assert(sizeof(tok.text) <= MCP_SESSION_ID_SIZE, "a session id fits");
    memcpy(id, tok.text, sizeof(tok.text));
    return 0;
}

void
mcp_session_end(mcp_server_t *s, const char *id, const json_value_t *identity)
{
    state_token_t tok;
    if (state_session_open(s, identity, id, strlen(id), &tok) == 0 && state_end(s, &tok) != 0)
        log_msg(LOG_WARN, "session_end", "a session could not be ended in the store; it expires on its own");
}
