/*
 * core.h: the MCP core as the front doors see it.
 *
 * A front door (the libh2o HTTP server, the Lambda Runtime API loop) turns what it receives into an
 * mcp_http_request_t, calls mcp_handle(), and sends back the mcp_response_t: a status, headers and
 * either a complete body or, for requests whose tools run on worker threads, a stream of SSE bytes
 * that arrive over time. The core never sees a socket, an h2o type or an AWS event.
 *
 * Threads: mcp_handle() and every mcp_stream_* call except the notify callback run on the front
 * door's thread. The notify callback is called from worker threads.
 *
 * Where the core's files stand and how a request travels through them: docs/architecture.md.
 */
#ifndef MCP_CORE_H
#define MCP_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

typedef struct st_mcp_server_t mcp_server_t;
typedef struct st_mcp_stream_t mcp_stream_t;

typedef struct st_mcp_header_t {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} mcp_header_t;

typedef struct st_mcp_http_request_t {
    const char *method;
    size_t method_len;
    const char *path; /* without the query string */
    size_t path_len;
    const mcp_header_t *headers; /* names compared case-insensitively */
    size_t num_headers;
    const char *body; /* borrowed for the duration of mcp_handle() only */
    size_t body_len;
    const json_value_t *identity; /* the caller's identity, a JSON object the front door built (copied), or NULL */
    const char *request_id;       /* for log lines, including those of worker threads (copied); may be NULL */
    const char *trace_id;         /* the caller's trace id (X-Ray), for the same log lines (copied); may be NULL */
    const char *public_base;      /* how clients reach the server: "https://host/stage", without the endpoint path; may be NULL */
    int64_t deadline_ms;          /* wall-clock ms after which running tools are cut off; 0: none */
    int can_stream;               /* the front door delivers SSE events as they happen (server->client requests work) */
    /*
     * The process serves other requests while this one runs (the HTTP server; not Lambda, where an
     * instance handles one invocation at a time). Only then can anything reach a subscriptions/listen
     * stream, so only then is one held open.
     */
    int concurrent;
} mcp_http_request_t;

#define MCP_MAX_RESPONSE_HEADERS 10
#define MCP_SESSION_ID_SIZE 68 /* a session id (Mcp-Session-Id) and its NUL */

/* Never copied by value: header values may point into origin_copy. */
typedef struct st_mcp_response_t {
    int status;
    mcp_header_t headers[MCP_MAX_RESPONSE_HEADERS]; /* values are static or point into origin_copy */
    size_t num_headers;
    char *body; /* malloc'd, owned by the response; NULL when empty */
    size_t body_len;
    mcp_stream_t *stream; /* non-NULL: the body is an SSE stream read with mcp_stream_take() */
    char origin_copy[256];
    char session_id[MCP_SESSION_ID_SIZE]; /* the Mcp-Session-Id header's value, when the response carries one */
    /* for the access log */
    const char *rpc_method; /* static string, NULL when not a single request */
    const char *tool_name;  /* static string, NULL unless tools/call of a known tool */
} mcp_response_t;

typedef struct st_mcp_config_t mcp_config_t;

/* Builds the server from configuration; on failure returns NULL and writes the reason into err. */
mcp_server_t *mcp_server_new(const mcp_config_t *config, char *err, size_t err_len);
void mcp_server_free(mcp_server_t *s);
/* Wakes every call waiting for a client and refuses new ones; used at shutdown. */
void mcp_server_shutdown(mcp_server_t *s);
/*
 * Ends the responses that only the client would end (subscriptions/listen streams), with their final
 * result; for a front door about to wait for in-flight requests at shutdown.
 */
void mcp_server_drain(mcp_server_t *s);

/*
 * Where the client's answers to server->client requests (sampling, elicitation) meet the tools waiting
 * for them. By default they meet in this process, which is right for the HTTP server. A front door whose
 * requests may land on different processes (Lambda) installs a shared store, or NULL when there is none
 * (then tools are told at once that they cannot ask the client).
 */
typedef struct st_mcp_answer_store_t mcp_answer_store_t;
struct st_mcp_answer_store_t {
    /* Keeps the answer (a result or error object, as JSON) to the request id. Returns 0 or -1. Any thread. */
    int (*put)(mcp_answer_store_t *self, const char *id, const char *answer, size_t len, int is_error);
    /* Takes the answer if it has arrived: returns 1 (answer and *is_error set), 0 (not yet) or -1. Any thread. */
    int (*take)(mcp_answer_store_t *self, const char *id, buf_t *answer, int *is_error);
};
void mcp_server_set_answer_store(mcp_server_t *s, mcp_answer_store_t *store);

/*
 * The keys that seal requestState (MCP 2026-07-28). By default the configured MCP_REQUEST_STATE_KEY, or a random
 * key per process. A front door that reads them from a secret store sets them here, and again after a rotation:
 * the current key seals and opens, the previous one (optional, previous_len 0 for none) only opens, so a state
 * sealed before the rotation, or by an instance that has not re-read the secret yet, is still accepted. Each key is
 * 32 to 256 bytes. Returns 0, or -1 when a length is out of range. Any thread.
 */
int mcp_server_set_state_keys(mcp_server_t *s, const void *current, size_t current_len, const void *previous, size_t previous_len);
/*
 * Called (on the thread that seals or opens a requestState, without the core's locks) before the keys are used,
 * with unknown_state 0, and once more with unknown_state 1 when a state verifies under neither key: the front door
 * re-reads its secret when that is due (or, for an unknown state, at a bounded rate) and calls
 * mcp_server_set_state_keys() if the keys changed.
 */
typedef void (*mcp_state_key_source_cb)(void *data, int unknown_state);
void mcp_server_set_state_key_source(mcp_server_t *s, mcp_state_key_source_cb cb, void *data);

/*
 * Where the state of sessions (2025 revisions) and state handles (2026-07-28) lives (mcp.h's mcp_state_*()):
 * one row per session or handle, named by an opaque ASCII key ("S:<hex>", "H:<hex>"), holding the values
 * tools set under their keys, when the row was last used, and whether it was ended. Rows are made by their
 * first write and disappear through expires_at (a store's TTL; a row read after it is still judged by its
 * last use). The core decides what is valid and hands every write the condition it must hold atomically;
 * the store only keeps rows. With --sessions memory the core keeps its own (one process); a deployment of
 * several processes installs a shared one (--sessions dynamodb: server/stores/state_dynamodb.c). Times are
 * seconds since the epoch. Every function may be called from any thread.
 */
typedef struct st_mcp_state_store_t mcp_state_store_t;

#define MCP_STATE_STORE_CONDITION -1   /* the write's condition did not hold (the row is ended or stale, or the value no integer) */
#define MCP_STATE_STORE_UNAVAILABLE -2 /* the store could not be reached or failed */
#define MCP_STATE_STORE_TOO_LARGE -3   /* the row would outgrow the store's limit for one row */
#define MCP_STATE_STORE_FULL -4        /* the store holds as many rows as it may */

/* A row as read, or as a write left it. */
typedef struct st_mcp_state_row_t {
    int exists;
    int ended;         /* a session deleted, a handle ended: a tombstone until its TTL */
    int64_t last_used; /* 0: never written */
    /* the value of the key read or written, if any */
    int has_value;
    int is_integer; /* an integer (integer), else JSON text (text, which the caller disposes) */
    int64_t integer;
    buf_t text;
} mcp_state_row_t;

typedef enum en_mcp_state_op_t {
    MCP_STATE_TOUCH,     /* only last_used and expires_at */
    MCP_STATE_SET,       /* key = an integer or JSON text */
    MCP_STATE_REMOVE,    /* key removed */
    MCP_STATE_INCREMENT, /* key += by (from 0); the condition fails for a value that is no integer; out gets the sum */
} mcp_state_op_t;

typedef struct st_mcp_state_write_t {
    const char *row;
    mcp_state_op_t op;
    const char *key; /* 1-64 of [A-Za-z0-9_.-] */
    int is_integer;  /* SET */
    int64_t integer; /* SET, or INCREMENT's by */
    const char *text;
    size_t text_len;
    int64_t now;        /* the row's new last_used */
    int64_t expires_at; /* the row's new expiry (the store's TTL) */
    /*
     * The condition: the row is not ended, and it was last used at or after min_last_used, or it does not
     * exist yet and may_create is set (a row with no last use counts as used when its token was made).
     */
    int64_t min_last_used;
    int may_create;
} mcp_state_write_t;

struct st_mcp_state_store_t {
    /* Reads the row and, when key is not NULL, that key's value. Returns 0 (out->exists tells) or MCP_STATE_STORE_*. */
    int (*read)(mcp_state_store_t *self, const char *row, const char *key, mcp_state_row_t *out);
    /* Applies the write if its condition holds. Returns 0 with out filled (INCREMENT: the new value), or MCP_STATE_STORE_*. */
    int (*write)(mcp_state_store_t *self, const mcp_state_write_t *w, mcp_state_row_t *out);
    /* Replaces the row with a tombstone that expires at expires_at (its values are gone). Returns 0 or MCP_STATE_STORE_*. */
    int (*end)(mcp_state_store_t *self, const char *row, int64_t expires_at);
};
void mcp_state_row_dispose(mcp_state_row_t *row);
/* Installs the shared store (before any request); with --sessions memory the core has made its own. */
void mcp_server_set_state_store(mcp_server_t *s, mcp_state_store_t *store);

/*
 * The HTTP+SSE transport of 2024-11-05, for a front door that offers it (the HTTP server). A GET on its SSE
 * endpoint opens a session: mcp_session_open() checks Host and Origin as mcp_handle() does and mints a session
 * for the caller; it returns 0 with the id (NUL-terminated) in id, or -1 with res the refusal. Each message the
 * client POSTs is then handed to mcp_handle() with the id in an Mcp-Session-Id header, and mcp_session_end()
 * ends the session when the stream closes.
 */
int mcp_session_open(mcp_server_t *s, const mcp_http_request_t *req, char id[MCP_SESSION_ID_SIZE], mcp_response_t *res);
void mcp_session_end(mcp_server_t *s, const char *id, const json_value_t *identity);

void mcp_handle(mcp_server_t *s, const mcp_http_request_t *req, mcp_response_t *res);
/* Frees the body; a stream must have been released with mcp_stream_release() first. */
void mcp_response_dispose(mcp_response_t *res);

typedef void (*mcp_stream_notify_cb)(void *data);
/*
 * Registers the callback that tells the front door more bytes may be available. It is called from
 * worker threads, with an internal lock held: it must only signal (post a message, write a pipe).
 */
void mcp_stream_set_notify(mcp_stream_t *st, mcp_stream_notify_cb cb, void *data);
/* Appends the bytes produced so far to out; returns 1 once everything has been produced and taken. */
int mcp_stream_take(mcp_stream_t *st, buf_t *out);
/*
 * Blocks until the stream is complete or the wall clock reaches deadline_ms (0: no deadline), for
 * front doors that send the whole body at once. Returns 1 if complete.
 */
int mcp_stream_wait(mcp_stream_t *st, int64_t deadline_ms);
/*
 * Answers every call still running with a tool error saying it was stopped at the deadline, and
 * drops their results when they come; the stream is complete afterwards. For front doors with a
 * hard deadline (Lambda), shortly before it.
 */
void mcp_stream_cut_off(mcp_stream_t *st);
/*
 * The front door is done: the response was sent, or the client went away (running tools see
 * mcp_cancelled()). No notify call happens after this returns.
 */
void mcp_stream_release(mcp_stream_t *st);

/* Wall-clock milliseconds since the epoch (deadlines that come from outside, such as Lambda's). */
int64_t mcp_now_ms(void);
/* Monotonic milliseconds, for timeouts within the process: a step of the wall clock does not move them. */
int64_t mcp_monotonic_ms(void);

/*
 * Registered tools (and resources and prompts): tools that live outside the process (Lambda functions named in a
 * registry table), listed and called beside the built-in sets (server/core/remote_tools.h; server/stores/lambda_tools.c is the
 * DynamoDB + Lambda source). The core reads the records at most once per refresh interval, checks them (names that never shadow a
 * built-in tool, schemas the validator enforces), validates arguments and maps what the function answered to the tool's result; the
 * source only fetches records and invokes.
 */
typedef struct st_mcp_tool_source_t mcp_tool_source_t;
typedef enum en_mcp_invoke_status_t {
    MCP_INVOKE_OK,             /* the function returned: payload is its JSON */
    MCP_INVOKE_FUNCTION_ERROR, /* the function failed (X-Amz-Function-Error): payload is its error object */
    MCP_INVOKE_THROTTLED,      /* the service refused for rate or concurrency (429) */
    MCP_INVOKE_TIMEOUT,        /* no answer within the call's timeout */
    MCP_INVOKE_UNREACHABLE,    /* no answer at all (network, TLS, no credentials) */
    MCP_INVOKE_REFUSED,        /* another HTTP error (403, 404, ...): message says which */
} mcp_invoke_status_t;
typedef struct st_mcp_invoke_t {
    const char *kind;           /* "tool", "resource" or "prompt" */
    const char *tool;           /* the tool's, resource's or prompt's name */
    const json_value_t *record; /* its registration record (lambdaArn, qualifier, target, ...) */
    const char *arguments;      /* the event as JSON text: a tool's arguments; {"uri", "params"}; {"name", "arguments"} */
    size_t arguments_len;
    const json_value_t *identity; /* the caller as the front door established it; NULL: none */
    const char *request_id;       /* the front door's request id ("" when none) */
    const char *message_id;       /* the JSON-RPC id, as JSON text */
    int timeout_ms;               /* already shorter than the request's remaining time */
} mcp_invoke_t;
typedef struct st_mcp_invoke_result_t {
    mcp_invoke_status_t status;
    buf_t payload;     /* the function's answer (OK, FUNCTION_ERROR) */
    char message[512]; /* otherwise: why, for the tool's isError result (a resource's or prompt's error) */
} mcp_invoke_result_t;
struct st_mcp_tool_source_t {
    /*
     * The registered tools', resources' and prompts' records (remote_tools.h), as a JSON array of objects, into out.
     * Returns 0, or -1 with the reason.
     */
    int (*load)(mcp_tool_source_t *self, buf_t *out, char *err, size_t err_len);
    /* Calls one record's function; fills out (payload initialised by the caller) and returns 0. Any thread. */
    int (*invoke)(mcp_tool_source_t *self, const mcp_invoke_t *call, mcp_invoke_result_t *out);
};
/* Installs the source of registered tools (before any request), read at most every refresh_ms. Returns 0 or -1. */
int mcp_server_set_tool_source(mcp_server_t *s, mcp_tool_source_t *source, unsigned refresh_ms);

#endif
