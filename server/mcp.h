/*
 * mcp.h: the API for adding tools, resources and prompts to the server.
 *
 * A tool is one C file: a handler and an MCP_TOOL(...) declaration holding its name, title, description,
 * input schema, optional output schema and annotations as JSON text. Add it to a set (the list in
 * server/tools/toolset.c for the default set) and it is listed, validated and callable:
 *
 *     static int greet(mcp_ctx_t *ctx, const json_value_t *args)
 *     {
 *         mcp_textf(ctx, "Hello, %s!", json_string(json_get(args, "name")));
 *         return 0;
 *     }
 *     MCP_TOOL(greet, .description = "Greets someone by name.",
 *              .input_schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
 *                              "\"required\":[\"name\"]}",
 *              .handler = greet);
 *
 * Ownership: every string and value a handler receives, and everything it allocates with mcp_alloc(),
 * lives until the request is answered; nothing needs freeing. Strings passed to the emit functions are
 * copied. Declarations (mcp_tool_t, ...) are static data and must outlive the server.
 *
 * Threads: a tool with .inline_ = 1 runs on the front door's thread and must not block (no sleeping, no
 * I/O, no sampling). Any other tool runs on a worker thread and may block, emit progress over time and
 * ask the client for sampling or elicitation. Handlers must not keep a context after returning.
 *
 * Two protocol eras, one API. A request of a legacy revision (2025-03-26 .. 2025-11-25) and one of
 * 2026-07-28 reach the same handler; the server turns what it emits into each era's messages. The one
 * difference a handler can see is how a question to the client (mcp_client_request()) is answered: a
 * legacy request sends it to the client and waits; a 2026-07-28 request cannot (the protocol is
 * stateless), so the call returns MCP_EREQ_INPUT_REQUIRED at once, the handler returns, and the client
 * gets the question in an InputRequiredResult. When the client retries with its answer, the handler runs
 * again from the start and, this time, the same question gets the answer. Handlers must therefore be
 * deterministic up to their questions: the same arguments must lead to the same questions in the same
 * order, and nothing a handler does before its last question may matter twice (no side effects that
 * cannot be repeated, or do them after the questions).
 */
#ifndef MCP_H
#define MCP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/json.h"
#include "../common/jsonw.h"

typedef struct st_mcp_ctx_t mcp_ctx_t;

/* Log levels of notifications/message, RFC 5424 order. */
typedef enum en_mcp_log_level_t {
    MCP_LOG_DEBUG,
    MCP_LOG_INFO,
    MCP_LOG_NOTICE,
    MCP_LOG_WARNING,
    MCP_LOG_ERROR,
    MCP_LOG_CRITICAL,
    MCP_LOG_ALERT,
    MCP_LOG_EMERGENCY,
} mcp_log_level_t;

/*
 * A tool handler. args is the validated "arguments" object (an empty object when the client sent none).
 * Return 0 when the result is complete; a non-zero return marks the result isError (with the content
 * emitted so far, or a generic message when there is none).
 */
typedef int (*mcp_tool_handler_t)(mcp_ctx_t *ctx, const json_value_t *args);

typedef struct st_mcp_tool_t {
    const char *name;        /* 1-128 of [A-Za-z0-9_.-], unique */
    const char *title;       /* optional, human-readable */
    const char *description; /* required */
    /*
     * JSON Schema object (type "object"); NULL means no parameters. A property reached from the root
     * through "properties" alone, of type string, integer or boolean, may carry "x-mcp-header": "Name":
     * a 2026-07-28 client then mirrors its value in an Mcp-Param-Name header (for proxies and load
     * balancers), and the server refuses a call whose header and argument differ.
     */
    const char *input_schema;
    const char *output_schema; /* optional JSON Schema for structuredContent */
    const char *annotations;   /* optional JSON object: readOnlyHint, destructiveHint, ... */
    const char *icons;         /* optional JSON array of icons (2025-11-25) */
    /*
     * Optional JSON object: the client capabilities the tool cannot work without, e.g. {"sampling":{}}.
     * A 2026-07-28 request that does not declare them is refused (-32021, HTTP 400) before the tool runs.
     * (Legacy requests do not carry capabilities on a stateless server, so there the tool finds out when
     * it asks.)
     */
    const char *client_capabilities;
    mcp_tool_handler_t handler;
    int inline_; /* runs on the front door's thread: must be quick and never block */
} mcp_tool_t;

#define MCP_TOOL(ident, ...) const mcp_tool_t mcp_tool_##ident = {.name = #ident, __VA_ARGS__}

/* ---- what a tool handler emits ---- */

void mcp_text(mcp_ctx_t *ctx, const char *text);
void mcp_textf(mcp_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Image and audio content from raw bytes (base64-encoded by the server) or from base64 text. */
void mcp_image(mcp_ctx_t *ctx, const void *data, size_t len, const char *mime_type);
void mcp_image_base64(mcp_ctx_t *ctx, const char *base64, const char *mime_type);
void mcp_audio(mcp_ctx_t *ctx, const void *data, size_t len, const char *mime_type);
void mcp_audio_base64(mcp_ctx_t *ctx, const char *base64, const char *mime_type);
/* An embedded resource with text, or with binary data (base64-encoded by the server). */
void mcp_resource_text(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const char *text);
void mcp_resource_blob(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const void *data, size_t len);
/* A link to a resource; mime_type and description may be NULL. */
void mcp_resource_link(mcp_ctx_t *ctx, const char *uri, const char *name, const char *mime_type, const char *description);
/*
 * Structured content: a writer positioned where the value goes; write exactly one JSON value with it.
 * The server checks the value against the tool's output schema and, if the tool emitted no content,
 * adds its serialisation as a text block for clients that predate structured output.
 */
jsonw_t *mcp_structured(mcp_ctx_t *ctx);
/* Replaces the content with one text block and marks the result isError. Returns 1 (for `return mcp_error(...)`). */
int mcp_error(mcp_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Progress, sent only when the request carried a progressToken; progress must increase. total <= 0: unknown. */
void mcp_progress(mcp_ctx_t *ctx, double progress, double total, const char *message);
/* A log message to the client (notifications/message), sent when level is at or above the request's level. */
void mcp_log(mcp_ctx_t *ctx, mcp_log_level_t level, const char *logger, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Asks the client (sampling/createMessage, elicitation/create, roots/list) and gets its answer.
 * params_json is the request's params object. On success returns 0 and sets *result to the client's
 * result; otherwise returns a negative MCP_EREQ_* value (and *error_message, if not NULL, gets a
 * human-readable reason).
 *
 * Legacy request: the question goes out on the response stream and the call waits for the answer. Only
 * worker-thread tools may ask, and only where responses are streamed.
 * 2026-07-28 request: nothing waits. When the client's retry carries the answer, it is returned;
 * otherwise the question is recorded and MCP_EREQ_INPUT_REQUIRED returned. The handler may ask further
 * questions that do not depend on the answer (they go to the client together), and must then return
 * (what it emitted is discarded); the client is sent an InputRequiredResult and the handler runs again
 * when it retries. Questions are keyed r0, r1, ... in the order they are asked; a question the client
 * may not be equipped for (a capability it did not declare) fails the request with -32021. Tools,
 * prompts and resource readers may ask, on any thread.
 */
#define MCP_EREQ_UNSUPPORTED -1    /* this front door or request cannot carry server-to-client requests */
#define MCP_EREQ_TIMEOUT -2        /* no answer in time; the server sent notifications/cancelled */
#define MCP_EREQ_REJECTED -3       /* the client answered with a JSON-RPC error */
#define MCP_EREQ_CANCELLED -4      /* the call was cancelled or the client went away */
#define MCP_EREQ_INPUT_REQUIRED -5 /* 2026-07-28: the question goes to the client with the result; return */
#define MCP_EREQ_NO_CAPABILITY -6  /* 2026-07-28: the client lacks the capability (the request fails, -32021) */
int mcp_client_request(mcp_ctx_t *ctx, const char *method, const char *params_json, const json_value_t **result,
                       const char **error_message);
/*
 * The same with the question's key chosen by the handler: 2026-07-28 clients see it in inputRequests
 * and answer under it in inputResponses (1-64 of [A-Za-z0-9_.-], unique within the request). The key
 * does not matter to legacy requests.
 */
int mcp_client_request_named(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json,
                             const json_value_t **result, const char **error_message);
/*
 * 1 when this run resumes a 2026-07-28 request whose requestState the server issued and has verified
 * (it is intact, unexpired and bound to this very request and caller); 0 otherwise.
 */
int mcp_resumed(mcp_ctx_t *ctx);

/* 1 once the call is cancelled (notifications/cancelled, client gone, deadline near): stop soon. */
int mcp_cancelled(mcp_ctx_t *ctx);
/* Sleeps up to ms milliseconds, waking early on cancellation. Returns mcp_cancelled(ctx). */
int mcp_sleep(mcp_ctx_t *ctx, unsigned ms);

/* Request-scoped memory. */
void *mcp_alloc(mcp_ctx_t *ctx, size_t size);
char *mcp_strdup(mcp_ctx_t *ctx, const char *s);

/*
 * The caller's identity as the front door established it (for example the API Gateway authorizer's
 * context, with principalId), as a JSON object; NULL when there is none.
 */
const json_value_t *mcp_identity(mcp_ctx_t *ctx);
/*
 * The client's capabilities (a ClientCapabilities object) from a 2026-07-28 request's _meta; NULL for a
 * legacy request, whose capabilities a stateless server does not know.
 */
const json_value_t *mcp_client_capabilities(mcp_ctx_t *ctx);

/*
 * Tells the client that this server's tool or prompt list changed: a notifications/tools/list_changed
 * or notifications/prompts/list_changed on every 2026-07-28 subscriptions/listen stream open in this
 * process that asked for it. A stateless server has no sessions to tell otherwise, and another instance's
 * streams are not reached.
 */
typedef enum en_mcp_list_t { MCP_LIST_TOOLS, MCP_LIST_PROMPTS, MCP_LIST_RESOURCES } mcp_list_t;
void mcp_notify_list_changed(mcp_ctx_t *ctx, mcp_list_t list);

/* ---- resources ---- */

/*
 * Reads one resource. vars holds the template's variables, percent-decoded ({"id":"123"}); it is empty
 * for a fixed URI. Return 0 after emitting contents, MCP_NOT_FOUND when the URI names nothing (an
 * unknown id in a template), or another non-zero value for an internal error. A reader may ask the
 * client (mcp_client_request()) under 2026-07-28.
 */
#define MCP_NOT_FOUND 2
typedef int (*mcp_resource_reader_t)(mcp_ctx_t *ctx, const char *uri, const json_value_t *vars);

typedef struct st_mcp_resource_t {
    const char *uri;          /* a fixed URI, or NULL for a template */
    const char *uri_template; /* RFC 6570 level 1: "test://template/{id}/data"; a variable matches up to the next '/' */
    const char *name;
    const char *title;
    const char *description;
    const char *mime_type;
    const char *annotations; /* optional JSON object */
    mcp_resource_reader_t read;
    int subscribable; /* accepts resources/subscribe (updates need a stream this stateless server lacks) */
} mcp_resource_t;

#define MCP_RESOURCE(ident, ...) const mcp_resource_t mcp_resource_##ident = {__VA_ARGS__}

/* What a resource reader emits: one or more contents for the URI. */
void mcp_contents_text(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const char *text);
void mcp_contents_blob(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const void *data, size_t len);
void mcp_contents_blob_base64(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const char *base64);

/* ---- prompts ---- */

typedef struct st_mcp_prompt_arg_t {
    const char *name;
    const char *description;
    int required;
} mcp_prompt_arg_t;

/*
 * args is an object of string values, already checked for the required arguments. A getter runs on the
 * front door's thread; under 2026-07-28 it may ask the client (mcp_client_request()), which never waits.
 */
typedef int (*mcp_prompt_getter_t)(mcp_ctx_t *ctx, const json_value_t *args);
/*
 * Completion of an argument's value: emit candidates with mcp_completion(). context holds the other
 * arguments already chosen (may be NULL). Return 0; a non-zero return is answered with -32603.
 */
typedef int (*mcp_completer_t)(mcp_ctx_t *ctx, const char *argument, const char *value, const json_value_t *context);

typedef struct st_mcp_prompt_t {
    const char *name;
    const char *title;
    const char *description;
    const mcp_prompt_arg_t *arguments; /* terminated by an entry with name NULL; may be NULL */
    mcp_prompt_getter_t get;
    mcp_completer_t complete;
} mcp_prompt_t;

#define MCP_PROMPT(ident, ...) const mcp_prompt_t mcp_prompt_##ident = {.name = #ident, __VA_ARGS__}

/* What a prompt getter emits: messages, each with one content item. role is "user" or "assistant". */
void mcp_prompt_text(mcp_ctx_t *ctx, const char *role, const char *text);
void mcp_prompt_image_base64(mcp_ctx_t *ctx, const char *role, const char *base64, const char *mime_type);
void mcp_prompt_resource_text(mcp_ctx_t *ctx, const char *role, const char *uri, const char *mime_type, const char *text);
/* Optional description of the rendered prompt. */
void mcp_prompt_description(mcp_ctx_t *ctx, const char *description);

/* A completion candidate (at most 100 are sent; the rest set hasMore). */
void mcp_completion(mcp_ctx_t *ctx, const char *value);

/* ---- sets ---- */

/* A named set of tools, resources and prompts that configuration enables as a whole (server/toolsets.c). */
typedef struct st_mcp_toolset_t {
    const char *name;
    const char *description;
    const mcp_tool_t *const *tools;         /* NULL-terminated */
    const mcp_resource_t *const *resources; /* NULL-terminated */
    const mcp_prompt_t *const *prompts;     /* NULL-terminated */
} mcp_toolset_t;

extern const mcp_toolset_t *const mcp_toolsets[]; /* NULL-terminated */

#endif
