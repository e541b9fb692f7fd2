/*
 * internal.h: types shared by the files of the MCP core. Not for tools (mcp.h) or front doors (core.h).
 *
 * The path of a request: transport.c checks the HTTP layer and parses the body, jsonrpc.c checks each
 * message, dispatch.c finds the method in its table and calls the handler in lifecycle.c, tools.c,
 * resources.c or prompts.c. A handler writes its result with the JSON writer it is given. tools/call
 * of a tool that may block is handed to exec.c, which runs it on a worker thread and streams what it
 * emits (ctx.c) back through the exchange as SSE events.
 */
#ifndef MCP_INTERNAL_H
#define MCP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "core.h"
#include "json.h"
#include "jsonw.h"
#include "mcp.h"

/* Protocol revisions, oldest first; the order is used for "at least" comparisons. */
typedef enum en_mcp_version_t {
    MCP_V2025_03_26,
    MCP_V2025_06_18,
    MCP_V2025_11_25,
    MCP_NUM_VERSIONS,
} mcp_version_t;

extern const char *const mcp_version_names[MCP_NUM_VERSIONS];
#define MCP_LATEST_VERSION MCP_V2025_11_25
/* Returns the version for a name, or -1. */
int mcp_version_parse(const char *s, size_t len);

/* Running tools see mcp_cancelled() this long before the request's deadline. */
#define MCP_CANCEL_MARGIN_MS 1500

/* JSON-RPC and MCP error codes, with the fixed messages clients see. */
#define JSONRPC_PARSE_ERROR -32700
#define JSONRPC_INVALID_REQUEST -32600
#define JSONRPC_METHOD_NOT_FOUND -32601
#define JSONRPC_INVALID_PARAMS -32602
#define JSONRPC_INTERNAL_ERROR -32603
#define MCP_TRANSPORT_ERROR -32000 /* the TypeScript SDK's code for HTTP-level refusals */
#define MCP_RESOURCE_NOT_FOUND -32002

/* A tool, resource template or prompt as registered: the declaration plus its parsed schemas. */
typedef struct st_mcp_tool_entry_t {
    const mcp_tool_t *tool;
    const json_value_t *input_schema; /* parsed once at start-up */
    const json_value_t *output_schema;
} mcp_tool_entry_t;

typedef struct st_mcp_pending_t mcp_pending_t;
typedef struct st_mcp_pool_t mcp_pool_t;

struct st_mcp_server_t {
    const mcp_config_t *config;
    arena_t arena; /* parsed schemas and registry arrays, for the server's lifetime */
    mcp_tool_entry_t *tools;
    size_t num_tools;
    const mcp_resource_t **resources; /* fixed URIs */
    size_t num_resources;
    const mcp_resource_t **templates;
    size_t num_templates;
    const mcp_prompt_t **prompts;
    size_t num_prompts;
    mcp_pool_t *pool;                 /* worker threads, created on first use */
    pthread_mutex_t pending_lock;     /* server->client requests waiting for an answer */
    mcp_pending_t *pending;
    int shutting_down;
    enum { ANSWERS_IN_PROCESS, ANSWERS_STORE, ANSWERS_NONE } answers; /* where clients' answers meet waiting tools */
    mcp_answer_store_t *answer_store;
};

/*
 * One HTTP request and its response. Owned jointly by the front door and the calls running on
 * workers (refcount); the arena holds the parsed request, which running calls read but never change.
 */
typedef struct st_mcp_exchange_t {
    mcp_server_t *server;
    arena_t arena;
    mcp_version_t version; /* from MCP-Protocol-Version; 2025-03-26 when absent */
    int is_batch;
    int invalid_message; /* a message failed JSON-RPC validation (HTTP 400 when it is the only one) */
    int can_stream;
    int64_t deadline_ms;
    const json_value_t *identity;
    char log_id[128]; /* the front door's request id, for workers' log lines */
    /* until the response starts streaming, results are collected for a single JSON or SSE body */
    buf_t json;         /* responses, comma-separated */
    size_t num_responses;
    buf_t sse;          /* every message, SSE-framed, in order */
    size_t num_notifications;
    /* once streaming (some call runs on a worker), guarded by lock */
    pthread_mutex_t lock;
    pthread_cond_t cond; /* signalled on every change, for mcp_stream_wait() */
    int streaming;
    int running;  /* calls still running on workers */
    int released; /* the front door is done with it */
    int refcnt;
    struct st_mcp_ctx_t *calls; /* the calls running on workers, linked by next_call */
    mcp_stream_notify_cb notify;
    void *notify_data;
} mcp_exchange_t;

struct st_mcp_stream_t {
    mcp_exchange_t ex;
};

typedef enum en_mcp_ctx_kind_t { MCP_CTX_TOOL, MCP_CTX_RESOURCE, MCP_CTX_PROMPT, MCP_CTX_COMPLETION } mcp_ctx_kind_t;

/* What a handler writes through: one per tools/call, resources/read, prompts/get, completion/complete. */
struct st_mcp_ctx_t {
    mcp_server_t *server;
    mcp_exchange_t *ex;
    mcp_ctx_kind_t kind;
    arena_t arena;
    const json_value_t *id;             /* the request's id */
    const json_value_t *progress_token; /* NULL: no progress notifications */
    const mcp_tool_entry_t *tool;
    mcp_log_level_t log_level;
    int on_worker;
    int abandoned;                 /* cut off at the deadline: its result is dropped (guarded by ex->lock) */
    struct st_mcp_ctx_t *next_call; /* in ex->calls */
    atomic_int cancelled;
    buf_t items; /* content items / contents / messages / completion values, comma-separated */
    size_t num_items;
    buf_t structured; /* one JSON value */
    jsonw_t structured_writer;
    int is_error;
    double last_progress;
    int has_progress;
    const char *prompt_description;
};

/* ---- jsonrpc.c ---- */
/* Writes a JSON-RPC id: the exact literal for numbers, the string for strings, null for NULL. */
void jsonrpc_write_id(jsonw_t *w, const json_value_t *id);
/* 1 if v is a valid request id: a string or an integer literal. */
int jsonrpc_valid_id(const json_value_t *v);
/* Starts {"jsonrpc":"2.0","id":ID,"result": and leaves the writer where the result value goes. */
void jsonrpc_begin_result(jsonw_t *w, const json_value_t *id);
void jsonrpc_end_result(jsonw_t *w);
/* A complete error response; data_json may be NULL. */
void jsonrpc_write_error(jsonw_t *w, const json_value_t *id, int code, const char *message, const char *data_json);

/* ---- dispatch.c ---- */
typedef struct st_mcp_method_t mcp_method_t;
/*
 * A method handler writes its result value with w (positioned after "result":) and returns 0, or
 * returns a JSON-RPC error code and sets *message (a static string) and optionally *data (JSON text,
 * arena-allocated). A handler may instead take the call over (tools/call on a worker) and return
 * MCP_DEFERRED, in which case the response is written later.
 */
#define MCP_DEFERRED 1
typedef struct st_mcp_call_t {
    mcp_exchange_t *ex;
    const json_value_t *id;
    const json_value_t *params; /* an object (possibly empty) */
    const char *error_message;
    const char *error_data;
    const char *tool_name; /* for the access log */
} mcp_call_t;
typedef int (*mcp_method_handler_t)(mcp_call_t *call, jsonw_t *w);

/* Handles one JSON-RPC message (already checked by jsonrpc) and writes the response, if any, to the exchange. */
void dispatch_request(mcp_exchange_t *ex, const json_value_t *msg, const char **method_out, const char **tool_out);
void dispatch_response(mcp_exchange_t *ex, const json_value_t *msg);

/* ---- lifecycle.c, tools.c, resources.c, prompts.c: method handlers ---- */
int lifecycle_initialize(mcp_call_t *call, jsonw_t *w);
int lifecycle_ping(mcp_call_t *call, jsonw_t *w);
int lifecycle_set_level(mcp_call_t *call, jsonw_t *w);
int tools_list(mcp_call_t *call, jsonw_t *w);
int tools_call(mcp_call_t *call, jsonw_t *w);
int resources_list(mcp_call_t *call, jsonw_t *w);
int resources_templates_list(mcp_call_t *call, jsonw_t *w);
int resources_read(mcp_call_t *call, jsonw_t *w);
int resources_subscribe(mcp_call_t *call, jsonw_t *w);
int prompts_list(mcp_call_t *call, jsonw_t *w);
int prompts_get(mcp_call_t *call, jsonw_t *w);
int completion_complete(mcp_call_t *call, jsonw_t *w);
/* Finds the fixed resource or the template matching uri; fills vars (an object) for a template. */
const mcp_resource_t *resources_find(mcp_server_t *s, arena_t *arena, const char *uri, json_value_t **vars);

/* ---- pagination.c ---- */
/*
 * Starts a list result: reads params.cursor (opaque, stateless), writes {"key":[ and gives the range
 * [begin, end) of the page. Returns 0, or -32602 (with the call's error set) for a cursor that is
 * malformed, of another list, or out of range. kind tells the lists' cursors apart.
 */
int pagination_list_begin(mcp_call_t *call, jsonw_t *w, char kind, const char *key, size_t total, size_t *begin, size_t *end);
/* Closes the list and adds nextCursor when items remain. */
void pagination_list_end(jsonw_t *w, char kind, size_t end, size_t total);

/* ---- exchange (exec.c) ---- */
/* Adds a complete response message to the exchange (any thread). */
void exchange_add_response(mcp_exchange_t *ex, const char *json, size_t len);
/* Adds a notification or server->client request (any thread). */
void exchange_add_message(mcp_exchange_t *ex, const char *json, size_t len);
/* Adds a worker's response and marks its call finished, in one step for mcp_stream_take(). */
void exchange_complete_call(mcp_exchange_t *ex, const char *json, size_t len);
/* The same with ex->lock already held. */
void exchange_add_locked(mcp_exchange_t *ex, const char *json, size_t len, int is_response, int completes_call);
void exchange_release(mcp_exchange_t *ex);

/* ---- ctx.c ---- */
void ctx_init(mcp_ctx_t *ctx, mcp_exchange_t *ex, mcp_ctx_kind_t kind, const json_value_t *id, const json_value_t *params);
void ctx_dispose(mcp_ctx_t *ctx);
/* Runs a tool's handler and writes the complete CallToolResult with w. */
void ctx_run_tool(mcp_ctx_t *ctx, const json_value_t *args, jsonw_t *w);

/* ---- exec.c: worker pool and server->client requests ---- */
/* Runs the tool call on a worker; the response is added to the exchange when done. Returns 0 or -1 (busy). */
int exec_submit_tool(mcp_ctx_t *ctx, const json_value_t *args);
/* Routes a client's response to the tool waiting for it; returns 1 if one was. */
int exec_deliver_response(mcp_server_t *s, const json_value_t *msg);
void exec_shutdown(mcp_server_t *s);
int exec_client_request(mcp_ctx_t *ctx, const char *method, const char *params_json, const json_value_t **result,
                        const char **error_message);

/* ---- schema.c ---- */
#include "schema.h"

#endif
