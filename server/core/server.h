/*
 * server.h: the server object (core.h's mcp_server_t) as the core's modules reach it: its configuration,
 * what it offers (registry.h), and the modules that keep state for the life of the process: the worker
 * pool, the server-to-client requests waiting for answers, the open subscriptions/listen streams, and the
 * keys that seal requestState.
 */
#ifndef MCP_SERVER_H
#define MCP_SERVER_H

#include <stdint.h>

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
/* The tasks of the tasks extension (tasks.h). */
struct st_tasks_t *server_tasks(mcp_server_t *s);
/* Registered tools (remote_tools.h); NULL when no source is installed. */
struct st_remote_tools_t *server_remote_tools(const mcp_server_t *s);
/* The keys for one seal or open, copied under the server's lock (wipe with OPENSSL_cleanse). */
typedef struct st_state_keys_t {
    unsigned char current[CONFIG_MAX_STATE_KEY_BYTES];  /* seals and opens: configured, set by a front door, or random */
    unsigned char previous[CONFIG_MAX_STATE_KEY_BYTES]; /* opens only (the key before a rotation) */
    size_t current_len, previous_len;                   /* previous_len 0: no previous key */
    uint64_t generation;                                /* changes when a front door sets new keys */
} state_keys_t;
/* Which keys: those of requestState, or those of session ids and state handles (each derived from one of the first). */
typedef enum en_server_keys_t { SERVER_KEYS_REQUEST_STATE, SERVER_KEYS_TOKENS } server_keys_t;
/*
 * Asks the front door's key source (if any; mcp_server_set_state_key_source) to refresh, then copies the keys;
 * unknown_state as for mcp_state_key_source_cb. Any thread, without other locks held.
 */
void server_keys(mcp_server_t *s, server_keys_t which, int unknown_state, state_keys_t *out);
/*
 * Opens something sealed under the server's keys: open(key) with the current key, then with the previous one;
 * when neither verified (open returned not_verified), once more after asking the key source again, if that gave
 * new keys (another instance may have sealed it under a key this one has not read yet). Returns open's result.
 */
typedef int (*server_open_cb)(const unsigned char *key, size_t key_len, void *arg);
int server_open_sealed(mcp_server_t *s, server_keys_t which, int not_verified, server_open_cb open, void *arg);
/* The state store (core.h; NULL with --sessions off, or until the front door installs the shared one). */
mcp_state_store_t *server_state_store(mcp_server_t *s);
/* Set once at shutdown: running calls see mcp_cancelled(), nothing new waits. Any thread. */
int server_shutting_down(const mcp_server_t *s);

#endif
