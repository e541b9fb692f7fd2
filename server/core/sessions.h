/*
 * sessions.h: Streamable HTTP sessions (2025 revisions) with --sessions memory or dynamodb, checked before
 * dispatch (handle.c). initialize gets a new session (an Mcp-Session-Id header, nothing stored); every other
 * legacy request must carry a session id the server issued to this caller that is still live (400 without one,
 * 404 for one unknown, another caller's, expired or deleted), and DELETE ends it (204). A 2026-07-28 request
 * has no session: the header is ignored (AgentCore forwards its own). Liveness is state.h's rule; ids are
 * state_token.h's.
 */
#ifndef MCP_SESSIONS_H
#define MCP_SESSIONS_H

#include "core.h"
#include "request.h"

/* DELETE on the endpoint: ends the caller's session. Always answers res (204, 400, 404 or 503). */
void sessions_delete(mcp_server_t *s, const mcp_http_request_t *req, mcp_response_t *res);
/*
 * Before dispatch, for a legacy request: a single initialize gets a session (a new one, or the live one it
 * presents); anything else must present a live one of the caller's. Sets r->session. Returns 0, or -1 with
 * res the refusal.
 */
int sessions_begin(mcp_request_t *r, const json_value_t *root, mcp_response_t *res);
/* After dispatch, before the response is made: a successful initialize's response carries its session id. */
void sessions_finish(const mcp_request_t *r, int initialize_ok, mcp_response_t *res);

#endif
