/*
 * server.h: the server object (core.h's mcp_server_t) as the core's modules reach it: its configuration,
 * what it offers (registry.h), and the modules that keep state for the life of the process: the worker
 * pool, the server-to-client requests waiting for answers, the open subscriptions/listen streams, and the
 * key that seals requestState.
 */
#ifndef MCP_SERVER_H
#define MCP_SERVER_H

#include "config.h"
#include "core.h"
#include "registry.h"

typedef struct st_admission_t admission_t;
typedef struct st_workers_t workers_t;
typedef struct st_client_requests_t client_requests_t;
typedef struct st_subscriptions_t subscriptions_t;

const mcp_config_t *server_config(const mcp_server_t *s);
const registry_t *server_registry(const mcp_server_t *s);
workers_t *server_workers(mcp_server_t *s);
admission_t *server_admission(mcp_server_t *s);
client_requests_t *server_client_requests(mcp_server_t *s);
subscriptions_t *server_subscriptions(mcp_server_t *s);
/* The key that seals requestState: configured, or random per process. */
const unsigned char *server_state_key(const mcp_server_t *s, size_t *len);
/* The state store (core.h; NULL with --sessions off, or until the front door installs the shared one). */
mcp_state_store_t *server_state_store(mcp_server_t *s);
/* The key that seals session ids and state handles (state_token.h): derived from the requestState key. */
const unsigned char *server_token_key(const mcp_server_t *s, size_t *len);
/* Set once at shutdown: running calls see mcp_cancelled(), nothing new waits. Any thread. */
int server_shutting_down(const mcp_server_t *s);

#endif
