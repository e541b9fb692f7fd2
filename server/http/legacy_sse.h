/*
 * legacy_sse.h: the HTTP+SSE transport of protocol version 2024-11-05, deprecated since 2025-03-26, for clients
 * that still speak it (--legacy-sse, beside Streamable HTTP on the MCP endpoint; it needs --sessions).
 *
 *   GET /sse                       opens the client's stream and session; the first event is `endpoint`, whose
 *                                  data is where to POST: /messages?sessionId=<the session's id>
 *   POST /messages?sessionId=ID    one JSON-RPC message (or batch): answered 202 at once; what the server says
 *                                  back (responses, notifications, its own requests) arrives on the stream
 *
 * Each POST is handed to the core as a Streamable HTTP request on the MCP endpoint with the session in its
 * Mcp-Session-Id header (core.h's mcp_session_open()), so sessions, state and every check are the same as
 * there; only where the answers go differs. The stream lives in this process: a POST for a session whose
 * stream is elsewhere (another instance, or closed) gets 404. Closing the stream ends the session.
 */
#ifndef MCP_LEGACY_SSE_H
#define MCP_LEGACY_SSE_H

#include <h2o.h>

#include "core.h"

typedef struct st_legacy_sse_t legacy_sse_t;

legacy_sse_t *legacy_sse_new(h2o_loop_t *loop, h2o_multithread_queue_t *queue, mcp_server_t *mcp, const char *endpoint_path);
/*
 * Answers req when it is for one of the transport's two endpoints (mreq is the core's view of it, from the
 * front door): returns 1 with *status the status answered, or 0 when req is for something else.
 */
int legacy_sse_handle(legacy_sse_t *l, h2o_req_t *req, const mcp_http_request_t *mreq, int *status);
/* At shutdown: every stream ends (its running calls are released), so in-flight requests can finish. */
void legacy_sse_drain(legacy_sse_t *l);
void legacy_sse_free(legacy_sse_t *l);

#endif
