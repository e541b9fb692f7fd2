/*
 * client_requests.h: server-to-client requests of the legacy era (sampling, elicitation, roots). A
 * worker's tool asks; the request goes out on its response stream with an id unique to this process;
 * the tool waits; the client's answer arrives as a separate POST, on any connection, and is matched by id
 * (dispatch_response()). The answer meets the waiting tool in this process by default, or in a shared
 * store (core.h's mcp_answer_store_t) when requests may land on other processes (Lambda). No session is
 * involved. (2026-07-28 asks differently: input_required.h.)
 */
#ifndef MCP_CLIENT_REQUESTS_H
#define MCP_CLIENT_REQUESTS_H

#include "core.h"
#include "json.h"
#include "mcp.h"

typedef struct st_client_requests_t client_requests_t;

client_requests_t *client_requests_new(mcp_server_t *s);
void client_requests_free(client_requests_t *cr);
/* Where answers meet waiting tools: a shared store, or NULL for none (tools are told at once they cannot ask). */
void client_requests_set_store(client_requests_t *cr, mcp_answer_store_t *store);
/* mcp_client_request() for a legacy request: sends the request on ctx's stream and waits for the answer. */
int client_requests_ask(client_requests_t *cr, mcp_ctx_t *ctx, const char *method, const char *params_json,
                        const json_value_t **result, const char **error_message);
/* Routes a client's response to the tool waiting for it: 1 delivered, 0 no such request, -1 the store failed. */
int client_requests_deliver(client_requests_t *cr, const json_value_t *msg);
/* Wakes every call waiting for an answer (they see cancellation); for shutdown. NULL is fine. */
void client_requests_shutdown(client_requests_t *cr);

#endif
