/*
 * task_store.h: where the tasks of the tasks extension (tasks.h) are kept, as a store sees them. One row per
 * task, named by its id; the core decides what a row may become and hands every write the version it read,
 * so that a store only has to apply a write atomically when the row still has that version (a DynamoDB
 * conditional write, a compare under a lock). A row the core has made terminal is never written again: the
 * core refuses, and the version check makes a racing write fail. Rows disappear through expires_ms (a
 * store's TTL); a row read after it is still judged by it (the core treats it as unknown).
 *
 * The core keeps one in memory (one process: the HTTP server); a deployment of several processes installs
 * a shared one with mcp_server_set_task_store() before the first request. Every function may be called from
 * any thread. Times are milliseconds since the epoch.
 */
#ifndef MCP_TASK_STORE_H
#define MCP_TASK_STORE_H

#include <stdint.h>

#include "buf.h"
#include "core.h"

#define MCP_TASK_ID_LEN 32 /* 128 random bits, in hex */

typedef enum en_mcp_task_status_t {
    MCP_TASK_WORKING,
    MCP_TASK_INPUT_REQUIRED,
    MCP_TASK_COMPLETED,
    MCP_TASK_FAILED,
    MCP_TASK_CANCELLED,
} mcp_task_status_t;

#define MCP_TASK_TERMINAL(status) ((status) >= MCP_TASK_COMPLETED)

typedef struct st_mcp_task_row_t {
    char id[MCP_TASK_ID_LEN + 1];
    char principal[65]; /* SHA-256 (hex) of the caller's identity; "" for a caller without one */
    mcp_task_status_t status;
    int64_t created_ms;
    int64_t updated_ms;
    int64_t expires_ms;
    unsigned version;     /* 1 when created; each write adds one */
    buf_t input_requests; /* input_required: the pending questions, a JSON object keyed by the server's keys; else empty */
    buf_t answers;        /* the client's answers so far (inputResponses), a JSON object; may be empty */
    buf_t outcome;        /* completed: the CallToolResult; failed: the JSON-RPC error object; else empty */
    buf_t call;           /* the tools/call, {"name":..,"arguments":..}: what any process runs again after tasks/update */
} mcp_task_row_t;

void mcp_task_row_init(mcp_task_row_t *row);
void mcp_task_row_dispose(mcp_task_row_t *row);

#define MCP_TASK_STORE_NOT_FOUND -1   /* read: no such row; create: (unused) */
#define MCP_TASK_STORE_CONDITION -2   /* create: the id exists; write: the row's version moved on */
#define MCP_TASK_STORE_UNAVAILABLE -3 /* the store could not be reached or failed */
#define MCP_TASK_STORE_FULL -4        /* the store holds as many rows as it may */

typedef struct st_mcp_task_store_t mcp_task_store_t;
struct st_mcp_task_store_t {
    /* Adds the row unless one with its id exists. Returns 0 or MCP_TASK_STORE_*. */
    int (*create)(mcp_task_store_t *self, const mcp_task_row_t *row);
    /* Reads the row (a consistent read) into out, whose buffers it fills. Returns 0 or MCP_TASK_STORE_*. */
    int (*read)(mcp_task_store_t *self, const char *id, mcp_task_row_t *out);
    /* Replaces the row if its stored version is row->version - 1. Returns 0 or MCP_TASK_STORE_*. */
    int (*write)(mcp_task_store_t *self, const mcp_task_row_t *row);
};

/*
 * For a front door whose process may be frozen between requests (Lambda: after the invocation's response,
 * until the next one is asked for): waits until no task's handler runs in this process any more, or until
 * the wall clock reaches until_ms (0: no limit). A task's handler is cancelled ahead of the deadline of the
 * request that runs it, and a task stopped so ends failed, saying so. Returns how many still run.
 */
int mcp_server_wait_tasks(mcp_server_t *s, int64_t until_ms);

/* Installs a shared store (before any request); without one the core keeps its tasks in memory. */
void mcp_server_set_task_store(mcp_server_t *s, mcp_task_store_t *store);

#endif
