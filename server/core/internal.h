/*
 * internal.h: types shared by the files of the MCP core. Not for tools (mcp.h) or front doors (core.h).
 *
 * The path of a request: transport.c checks the HTTP layer and parses the body, era.c decides which
 * protocol era the request belongs to (legacy: initialize-based 2025-03-26 .. 2025-11-25; modern:
 * 2026-07-28, stateless, with per-request _meta) and, for a modern request, checks its _meta and its
 * mirrored headers (headers.c); jsonrpc.c checks each message, dispatch.c finds the method in its table
 * and calls the handler in lifecycle.c, tools.c, resources.c, prompts.c or subscriptions.c. A handler
 * writes its result with the JSON writer it is given and closes it with era_result_end(). tools/call of
 * a tool that may block is handed to exec.c, which runs it on a worker thread and streams what it emits
 * (ctx.c) back through the exchange as SSE events. A handler that asks the client something does so
 * through mcp_client_request(): a legacy request sends it on the response stream and waits (exec.c); a
 * modern one answers InputRequiredResult and resumes when the client retries (mrtr.c, with the state
 * sealed by request_state.c).
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
    MCP_V2026_07_28,
    MCP_NUM_VERSIONS,
} mcp_version_t;

/*
 * The two eras (a bit each, so method table rows can name both). Legacy revisions negotiate with
 * initialize; modern ones carry the version and the client's capabilities in every request's _meta.
 */
typedef enum en_mcp_era_t {
    MCP_ERA_LEGACY = 1,
    MCP_ERA_MODERN = 2,
} mcp_era_t;

extern const char *const mcp_version_names[MCP_NUM_VERSIONS];
extern const mcp_era_t mcp_version_eras[MCP_NUM_VERSIONS];
/* What initialize offers when the client asks for a revision it does not get. */
#define MCP_LATEST_LEGACY_VERSION MCP_V2025_11_25
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
#define MCP_TRANSPORT_ERROR -32000    /* the TypeScript SDK's code for HTTP-level refusals */
#define MCP_RESOURCE_NOT_FOUND -32002 /* legacy era only; 2026-07-28 uses -32602 */
#define MCP_HEADER_MISMATCH -32020    /* 2026-07-28: a mirrored header is missing, malformed or differs from the body */
#define MCP_HEADER_MISMATCH_MESSAGE "Header mismatch"
#define MCP_MISSING_CAPABILITY -32021 /* 2026-07-28: the request needs a client capability the client did not declare */
#define MCP_MISSING_CAPABILITY_MESSAGE "Missing required client capability"
#define MCP_UNSUPPORTED_VERSION -32022 /* 2026-07-28: data {supported, requested} */
#define MCP_UNSUPPORTED_VERSION_MESSAGE "Unsupported protocol version"

/* The reserved _meta keys of 2026-07-28 requests, results and notifications. */
#define MCP_META_PROTOCOL_VERSION "io.modelcontextprotocol/protocolVersion"
#define MCP_META_CLIENT_CAPABILITIES "io.modelcontextprotocol/clientCapabilities"
#define MCP_META_CLIENT_INFO "io.modelcontextprotocol/clientInfo"
#define MCP_META_LOG_LEVEL "io.modelcontextprotocol/logLevel"
#define MCP_META_SERVER_INFO "io.modelcontextprotocol/serverInfo"
#define MCP_META_SUBSCRIPTION_ID "io.modelcontextprotocol/subscriptionId"

/* Below every level: a modern request that names no log level gets no notifications/message. */
#define MCP_LOG_OFF ((mcp_log_level_t)(MCP_LOG_EMERGENCY + 1))

/* An input-schema property marked x-mcp-header, mirrored in an Mcp-Param-{name} header (2026-07-28). */
typedef struct st_mcp_header_param_t {
    const char *header;      /* "mcp-param-region": lower case, for lookups */
    const char *const *path; /* the chain of properties keys from the arguments object to the value */
    size_t path_len;
} mcp_header_param_t;

/* A tool as registered: the declaration plus what start-up parsed out of it. */
typedef struct st_mcp_tool_entry_t {
    const mcp_tool_t *tool;
    const json_value_t *input_schema; /* parsed once at start-up */
    const json_value_t *output_schema;
    const json_value_t *client_capabilities; /* the capabilities a modern request must declare; NULL: none */
    const mcp_header_param_t *header_params;
    size_t num_header_params;
} mcp_tool_entry_t;

typedef struct st_mcp_pending_t mcp_pending_t;
typedef struct st_mcp_pool_t mcp_pool_t;
typedef struct st_mcp_listener_t mcp_listener_t;

#define MCP_REQUEST_STATE_MAX_KEY 256
#define MCP_MAX_QUESTIONS 64 /* a handler's questions to the client over all rounds of one request */

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
    mcp_pool_t *pool;             /* worker threads, created on first use */
    pthread_mutex_t pending_lock; /* server->client requests waiting for an answer */
    mcp_pending_t *pending;
    atomic_int shutting_down; /* set once by exec_shutdown(); tools see mcp_cancelled() */
    enum { ANSWERS_IN_PROCESS, ANSWERS_STORE, ANSWERS_NONE } answers; /* where clients' answers meet waiting tools */
    mcp_answer_store_t *answer_store;
    pthread_mutex_t state_key_lock; /* the keys may be replaced (a rotation) while workers seal and open */
    unsigned char state_key[MCP_REQUEST_STATE_MAX_KEY]; /* seals requestState (configured, or random per process) */
    size_t state_key_len;
    unsigned char state_key_prev[MCP_REQUEST_STATE_MAX_KEY]; /* opens only: the key before a rotation; len 0: none */
    size_t state_key_prev_len;
    uint64_t state_key_generation;             /* counts mcp_server_set_state_keys() calls */
    mcp_state_key_source_cb state_key_source;  /* a front door's secret, re-read on demand; NULL: fixed keys */
    void *state_key_source_data;
    pthread_mutex_t listen_lock; /* open subscriptions/listen streams */
    mcp_listener_t *listeners;
    int listen_closed; /* draining: new listen streams end at once */
};

/*
 * One HTTP request and its response. Owned jointly by the front door and the calls running on
 * workers (refcount); the arena holds the parsed request, which running calls read but never change.
 */
typedef struct st_mcp_exchange_t {
    mcp_server_t *server;
    arena_t arena;
    mcp_era_t era;                 /* era.c decides, per request */
    mcp_version_t version;         /* legacy: from MCP-Protocol-Version, 2025-03-26 when absent; modern: from _meta */
    const mcp_http_request_t *req; /* the request's headers, for era.c; valid during mcp_handle() only */
    int is_batch;
    int invalid_message; /* a message failed JSON-RPC validation (HTTP 400 when it is the only one) */
    int unavailable;     /* a client's answer could not be stored (HTTP 503: the client may retry) */
    int error_code;      /* the JSON-RPC error of a single request, for the modern era's HTTP status */
    /* a modern request's _meta (legacy: unknown capabilities, the configured log level) */
    const json_value_t *client_capabilities;
    mcp_log_level_t client_log_level;
    int can_stream;
    int concurrent; /* the process serves other requests meanwhile (mcp_http_request_t) */
    int64_t deadline_ms;
    const json_value_t *identity;
    char log_id[128]; /* the front door's request id, for workers' log lines */
    /* until the response starts streaming, results are collected for a single JSON or SSE body */
    buf_t json; /* responses, comma-separated */
    size_t num_responses;
    buf_t sse; /* every message, SSE-framed, in order */
    size_t num_notifications;
    /* once streaming (some call runs on a worker), guarded by lock */
    pthread_mutex_t lock;
    pthread_cond_t cond; /* signalled on every change, for mcp_stream_wait() */
    int streaming;
    int running;  /* calls still running on workers */
    int released; /* the front door is done with it */
    int refcnt;
    struct st_mcp_ctx_t *calls; /* the calls running on workers, linked by next_call */
    mcp_listener_t *listener;   /* an open subscriptions/listen stream (subscriptions.c) */
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
    int abandoned;                  /* cut off at the deadline: its result is dropped (guarded by ex->lock) */
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
    /* 2026-07-28 multi round-trip requests (mrtr.c) */
    int input_allowed;      /* the method may answer InputRequiredResult */
    const char *rpc_method; /* with name and arguments, what a requestState is bound to */
    const char *rpc_name;
    const json_value_t *rpc_arguments;
    const json_value_t *prior_answers;   /* from the verified requestState (an object), or NULL */
    const json_value_t *input_responses; /* the retry's inputResponses (an object), or NULL */
    unsigned next_input_key;             /* keys r0, r1, ... for unnamed requests */
    buf_t input_requests;                /* "key":{"method":..,"params":..}, comma-separated */
    size_t num_input_requests;
    buf_t used_answers; /* "key":answer of the answers this run used, carried into the next requestState */
    const char *used_keys[MCP_MAX_QUESTIONS];
    size_t num_used_keys;
    const char *pending_keys[MCP_MAX_QUESTIONS];
    size_t num_pending_keys;
    const char *missing_capabilities; /* JSON object for -32021's data.requiredCapabilities */
    const char *error_message;        /* a JSON-RPC error instead of a result (with error_data) */
    const char *error_data;
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
    const mcp_method_t *method;
    const json_value_t *id;
    const json_value_t *params; /* an object (possibly empty) */
    const char *error_message;
    const char *error_data;
    const char *tool_name; /* for the access log */
} mcp_call_t;
typedef int (*mcp_method_handler_t)(mcp_call_t *call, jsonw_t *w);

/* A caching hint on a modern result: how long the client may reuse it, and for whom. */
typedef struct st_mcp_cache_hint_t {
    int64_t ttl_ms;
    const char *scope; /* "public" or "private" */
} mcp_cache_hint_t;

/*
 * The method table's rows (dispatch.c). Every column but the first two states a rule the dispatcher or
 * era.c applies, so adding a method means adding a row.
 */
struct st_mcp_method_t {
    const char *name;
    mcp_method_handler_t handler;
    unsigned eras;                 /* MCP_ERA_LEGACY and/or MCP_ERA_MODERN */
    mcp_version_t since;           /* legacy era: the first revision that has the method */
    const char *name_param;        /* modern era: the param Mcp-Name mirrors ("name", "uri"); NULL: none */
    int input_required;            /* modern era: may answer InputRequiredResult (multi round-trip) */
    const mcp_cache_hint_t *cache; /* modern era: the caching hint on its result; NULL: none */
};

/* Handles one JSON-RPC message (already checked by jsonrpc) and writes the response, if any, to the exchange. */
void dispatch_request(mcp_exchange_t *ex, const json_value_t *msg, const char **method_out, const char **tool_out);
void dispatch_response(mcp_exchange_t *ex, const json_value_t *msg);

/* ---- lifecycle.c, tools.c, resources.c, prompts.c, subscriptions.c: method handlers ---- */
int lifecycle_initialize(mcp_call_t *call, jsonw_t *w);
int lifecycle_ping(mcp_call_t *call, jsonw_t *w);
int lifecycle_set_level(mcp_call_t *call, jsonw_t *w);
int lifecycle_discover(mcp_call_t *call, jsonw_t *w);
/* The server's identity (serverInfo, and in modern results _meta's io.modelcontextprotocol/serverInfo). */
void lifecycle_write_server_info(jsonw_t *w, mcp_version_t version);
int subscriptions_listen(mcp_call_t *call, jsonw_t *w);
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
/* Closes the list, adds nextCursor when items remain, and ends the result (era_result_end). */
void pagination_list_end(mcp_call_t *call, jsonw_t *w, char kind, size_t end, size_t total);

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
/*
 * Runs a tool's handler and writes the complete CallToolResult (or InputRequiredResult) with w.
 * Returns 0, or a JSON-RPC error code with ctx->error_message and ctx->error_data set (w is then unused).
 */
int ctx_run_tool(mcp_ctx_t *ctx, const json_value_t *args, jsonw_t *w);
/* Moves a context's error (ctx->error_message, ctx->error_data) into the call, which outlives it; returns code. */
int ctx_copy_error(mcp_ctx_t *ctx, mcp_call_t *call, int code);

/* ---- era.c: which era a request belongs to, and the rules that differ between eras ---- */
#define ERA_BAD_LEGACY_VERSION -1
/*
 * Sets ex->era and ex->version from the MCP-Protocol-Version header and the parsed body (root; NULL when
 * it did not parse). Returns 0, or ERA_BAD_LEGACY_VERSION when a legacy request names a revision this
 * server does not speak (refused with 400 before anything else, as legacy clients expect).
 */
int era_select(mcp_exchange_t *ex, const mcp_header_t *version_header, const json_value_t *root);
/*
 * A modern request's envelope: its _meta (protocol version, capabilities, log level) and the headers that
 * mirror it (MCP-Protocol-Version, Mcp-Method, Mcp-Name for m's name_param; m is NULL for an unknown
 * method). Sets the exchange's client capabilities and log level. Returns 0 (always, for a legacy request)
 * or a JSON-RPC error code with *message and *data (arena JSON or NULL) set.
 */
int era_check_request(mcp_exchange_t *ex, const char *method, const json_value_t *params, const mcp_method_t *m,
                      const char **message, const char **data);
/* Whether m is served in the request's era. */
int era_has_method(const mcp_exchange_t *ex, const mcp_method_t *m);
/* A modern tools/call: the capabilities the tool declares it needs (-32021) and its x-mcp-header parameters (-32020). */
int era_check_tool_call(mcp_call_t *call, const mcp_tool_entry_t *entry, const json_value_t *args);
/* The code for "no such resource": -32002 in the legacy era, -32602 in the modern one. */
int era_resource_not_found_code(const mcp_exchange_t *ex);
/*
 * The HTTP status of a response to a single request: 0 (keep 200) or, for a legacy request, 400 when it
 * was not a valid JSON-RPC message; for a modern request, from its error's code (404 for -32601, 400 for
 * the envelope and parameter errors, 500 for -32603).
 */
int era_response_status(const mcp_exchange_t *ex);
/*
 * Closes a result object. A modern result gets what 2026-07-28 asks of every result first: resultType
 * "complete", the server's identity in _meta and, for cacheable methods, ttlMs and cacheScope.
 */
void era_result_end(const mcp_exchange_t *ex, jsonw_t *w, const mcp_cache_hint_t *cache);
/* The same for an InputRequiredResult (resultType "input_required") and a subscriptions/listen result. */
void era_input_required_end(const mcp_exchange_t *ex, jsonw_t *w);
void era_listen_result_end(const mcp_exchange_t *ex, jsonw_t *w, const json_value_t *subscription_id);
/* Writes the versions the server speaks, newest first, as a JSON array (discover, -32022). */
void era_write_supported_versions(jsonw_t *w);
/*
 * Whether the client's capabilities (a ClientCapabilities object) include every one in required. When
 * not, and missing is not NULL, the missing ones are written to it as a JSON object.
 */
int era_client_has(const json_value_t *client, const json_value_t *required, buf_t *missing);

/* ---- headers.c: the header values 2026-07-28 mirrors from the body ---- */
/* Finds a request header by name, case-insensitively (the last one when repeated). */
const mcp_header_t *headers_find(const mcp_http_request_t *req, const char *name);
/* Strips optional whitespace (spaces and tabs) around a header value. */
void headers_trim(const char **value, size_t *len);
/*
 * Decodes a mirrored header value into out: a value in the "=?base64?...?=" form is standard, padded
 * base64 of UTF-8; any other value is taken literally. Returns 0, or -1 for characters a header value
 * must not have, invalid base64 or decoded bytes that are not UTF-8.
 */
int headers_decode_value(const char *value, size_t len, buf_t *out);
/*
 * Collects the x-mcp-header properties of an input schema (on the arena). Returns 0, or -1 with a
 * reason in err for an annotation 2026-07-28 forbids (not reachable through properties alone, not a
 * string, integer or boolean, an invalid or repeated name).
 */
int headers_collect_params(arena_t *arena, const json_value_t *schema, mcp_header_param_t **params, size_t *num, char *err,
                           size_t err_len);
/* Checks every x-mcp-header parameter of a tool call against its Mcp-Param-{name} header. Returns 0 or -1. */
int headers_check_params(const mcp_http_request_t *req, const mcp_header_param_t *params, size_t num, const json_value_t *args);

/* ---- mrtr.c: 2026-07-28 multi round-trip requests ---- */
/*
 * Prepares a context for a request that may answer InputRequiredResult: reads inputResponses and verifies
 * requestState against what it is bound to (method, name or uri, arguments, the caller's identity).
 * Nothing happens for a legacy request. Returns 0, or -32602 with *message set.
 */
int mrtr_begin(mcp_ctx_t *ctx, const mcp_call_t *call, const char *name, const json_value_t *arguments, const char **message);
/*
 * After the handler: writes an InputRequiredResult with w and returns 1 when it asked the client
 * something; returns -32021 (with ctx's error set) when it needed a capability the client lacks; 0 when
 * the handler's own result stands.
 */
int mrtr_finish(mcp_ctx_t *ctx, jsonw_t *w);
/* mcp_client_request_named() for a modern request. */
int mrtr_client_request(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json, const json_value_t **result,
                        const char **error_message);

/* ---- request_state.c: requestState, sealed with HMAC-SHA256 ---- */
#define REQUEST_STATE_MALFORMED -1 /* not base64url, too short, or an unknown format */
#define REQUEST_STATE_FORGED -2    /* the MAC does not match: tampered, another key, or another request */
#define REQUEST_STATE_EXPIRED -3
/*
 * What a requestState is bound to: a SHA-256 of the method, the name (tool, prompt) or uri, the
 * arguments and the caller's identity, with objects' members in sorted order so that a client's
 * re-serialisation does not matter. arguments and identity may be NULL.
 */
void request_state_binding(const char *method, const char *name, const json_value_t *arguments, const json_value_t *identity,
                           unsigned char out[32]);
/* Appends base64url(format, expiry, payload, HMAC(key, format | expiry | payload | binding)) to out. */
void request_state_seal(const unsigned char *key, size_t key_len, const unsigned char binding[32], int64_t expires_ms,
                        const char *payload, size_t payload_len, buf_t *out);
/* The keys for one seal or open, copied under the lock (wipe with explicit_bzero). */
typedef struct st_state_keys_t {
    unsigned char current[MCP_REQUEST_STATE_MAX_KEY], previous[MCP_REQUEST_STATE_MAX_KEY];
    size_t current_len, previous_len; /* previous_len 0: no previous key */
    uint64_t generation;
} state_keys_t;
/* Asks the key source (if any) to refresh, then copies the keys; unknown_state as for mcp_state_key_source_cb. */
void server_state_keys(mcp_server_t *s, int unknown_state, state_keys_t *out);
/* Verifies a state and appends its payload to out. Returns 0 or a REQUEST_STATE_* code. */
int request_state_open(const unsigned char *key, size_t key_len, const unsigned char binding[32], int64_t now_ms, const char *state,
                       size_t state_len, buf_t *out);

/* ---- subscriptions.c: subscriptions/listen streams ---- */
/* Sends a notification to this process's listen streams that asked for it (filter: "toolsListChanged", ...). */
void subscriptions_broadcast(mcp_server_t *s, const char *filter, const char *method);
/* Ends an exchange's listen stream: with its final result when send_result, silently when the client is gone. */
void subscriptions_end(mcp_exchange_t *ex, int send_result);
/* Ends every listen stream with its final result (shutdown). */
void subscriptions_end_all(mcp_server_t *s);

/* ---- exec.c: worker pool and server->client requests ---- */
/* Runs the tool call on a worker; the response is added to the exchange when done. Returns 0 or -1 (busy). */
int exec_submit_tool(mcp_ctx_t *ctx, const json_value_t *args);
/* Routes a client's response to the tool waiting for it: 1 delivered, 0 no such request, -1 the store failed. */
int exec_deliver_response(mcp_server_t *s, const json_value_t *msg);
void exec_shutdown(mcp_server_t *s);
int exec_client_request(mcp_ctx_t *ctx, const char *method, const char *params_json, const json_value_t **result,
                        const char **error_message);

/* ---- schema.c ---- */
#include "schema.h"

#endif
