/*
 * mcp.h: the API for adding tools, resources and prompts to the server.
 *
 * A tool is one C file under server/tools/<set>/ (the folder names its set): declare its parameters
 * once, write a handler that receives them in a typed struct, and declare the tool. Nothing else is
 * edited: the build finds the declaration and registers it.
 *
 *     #define GREET_PARAMS(P) P(name, STRING, "Who to greet", .required = 1, .min_length = 1)
 *     MCP_PARAMS(greet, GREET_PARAMS);
 *
 *     static int greet(mcp_ctx_t *ctx, const struct greet_params *p)
 *     {
 *         mcp_textf(ctx, "Hello, %s!", p->name);
 *         return 0;
 *     }
 *     MCP_TOOL_TYPED(greet, .description = "Greets someone by name.");
 *
 * The parameter list yields the advertised input schema, its validation (before the handler runs, a
 * failure is an isError result the model can read), and the struct. For a schema richer than flat
 * parameters, keep it in a .json file next to the .c (embedded at build time, MCP_SCHEMA) and read the
 * arguments from the JSON tree (MCP_TOOL with .input_schema).
 *
 * Ownership: every string and value a handler receives, and everything it allocates with mcp_alloc(),
 * lives until the request is answered; nothing needs freeing. Strings passed to the emit functions are
 * copied. Declarations (mcp_tool_t, ...) are static data and must outlive the server.
 *
 * Threads: a tool with .nonblocking = 1 runs on the front door's thread and must not block (no
 * sleeping, no I/O, no asking the client); every tool shipped in the default set is one. Any other tool
 * runs on a worker thread and may block, emit progress over time and ask the client for sampling or
 * elicitation. Handlers must not keep a context after returning.
 *
 * Two protocol eras, one API. A request of a legacy revision (2025-03-26 .. 2025-11-25) and one of
 * 2026-07-28 reach the same handler; the server turns what it emits into each era's messages. The one
 * difference a handler can see is how a question to the client (mcp_ask(), mcp_sample(), mcp_elicit())
 * is answered: a legacy request sends it to the client and waits; a 2026-07-28 request cannot (the
 * protocol is stateless), so the handler returns at once and the client gets the question in an
 * InputRequiredResult. When the client retries with its answer, the handler runs again from the start
 * and, this time, the same question gets the answer. Handlers must therefore be deterministic up to their
 * questions: the same arguments must lead to the same questions in the same order, and nothing a handler
 * does before its last question may matter twice (no side effects that cannot be repeated, or do them
 * after the questions).
 */
#ifndef MCP_H
#define MCP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "jsonw.h"

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
 * A tool handler that reads its arguments from the JSON tree. args is the "arguments" object, validated
 * against the input schema (an empty object when the client sent none). Return 0 when the result is
 * complete; a non-zero return marks the result isError (with the content emitted so far, or a generic
 * message when there is none).
 */
typedef int (*mcp_tool_handler_t)(mcp_ctx_t *ctx, const json_value_t *args);

/* ---- typed parameters ---- */

typedef enum en_mcp_param_type_t {
    MCP_PARAM_STRING,  /* const char *; NULL when absent and without a default */
    MCP_PARAM_INTEGER, /* int64_t */
    MCP_PARAM_NUMBER,  /* double */
    MCP_PARAM_BOOLEAN, /* int: 0 or 1 */
    MCP_PARAM_ENUM,    /* const char *: one of .values */
    MCP_PARAM_STRINGS, /* mcp_strings_t: an array of strings */
} mcp_param_type_t;

typedef struct st_mcp_strings_t {
    const char *const *items;
    size_t len;
} mcp_strings_t;

/*
 * One parameter (or one member of a typed structured result), as a row of a P(...) list:
 *
 *     P(name, TYPE, "description", .required = 1, .min_length = 1, ...)
 *
 * TYPE is STRING, INTEGER, NUMBER, BOOLEAN, ENUM or STRINGS. The fields after the description are
 * optional; values are text so that one row type serves every TYPE and the schema gets them verbatim.
 */
typedef struct st_mcp_param_t {
    const char *name;
    mcp_param_type_t type;
    const char *description;
    size_t offset;     /* of the value in the struct (filled in by the macros) */
    size_t has_offset; /* of its presence flag, struct.has.<name> */
    int required;
    const char *def;                 /* the default, as text in the parameter's type: "metric", "10", "2.5", "true" */
    const char *values;              /* ENUM, and each of STRINGS: the allowed values, "metric|imperial" */
    const char *minimum, *maximum;   /* INTEGER, NUMBER: inclusive bounds as JSON numbers, "0", "100" */
    unsigned min_length, max_length; /* STRING, and each of STRINGS: in code points; 0: no bound */
    unsigned min_items, max_items;   /* STRINGS; 0: no bound */
    const char *pattern;             /* STRING, and each of STRINGS: an ECMA-262 regular expression */
    const char *format;              /* STRING: an annotation for the client ("date-time", "email", ...); not enforced */
    const char *header;              /* 2026-07-28: the client mirrors the value in Mcp-Param-<header> (x-mcp-header) */
} mcp_param_t;

#define MCP_CTYPE_STRING const char *
#define MCP_CTYPE_INTEGER int64_t
#define MCP_CTYPE_NUMBER double
#define MCP_CTYPE_BOOLEAN int
#define MCP_CTYPE_ENUM const char *
#define MCP_CTYPE_STRINGS mcp_strings_t
#define MCP_PARAM_FIELD_(name_, type_, ...) MCP_CTYPE_##type_ name_;
#define MCP_PARAM_HAS_(name_, ...) unsigned char name_;
#define MCP_PARAM_ROW_(self_, name_, type_, description_, ...)                                                                     \
    {.name = #name_,                                                                                                               \
     .type = MCP_PARAM_##type_,                                                                                                    \
     .description = description_,                                                                                                  \
     .offset = offsetof(self_, name_),                                                                                             \
     .has_offset = offsetof(self_, has.name_),                                                                                     \
     __VA_ARGS__},
#define MCP_PARAMS_ROW_(...) MCP_PARAM_ROW_(mcp_this_params_t_, __VA_ARGS__)
#define MCP_OUTPUT_ROW_(...) MCP_PARAM_ROW_(mcp_this_output_t_, __VA_ARGS__)

/*
 * MCP_PARAMS(ident, LIST) declares struct ident_params (one field per row of LIST, of the row's C type,
 * and has.<name> set when the client gave the value; defaults fill values the client left out) and
 * ident_params_rows(), which returns the rows (MCP_TOOL_TYPED uses it).
 */
#define MCP_PARAMS(ident, LIST)                                                                                                    \
    struct ident##_params {                                                                                                        \
        LIST(MCP_PARAM_FIELD_) struct {                                                                                            \
            LIST(MCP_PARAM_HAS_)                                                                                                   \
        } has;                                                                                                                     \
    };                                                                                                                             \
    static const mcp_param_t *ident##_params_rows(void)                                                                            \
    {                                                                                                                              \
        typedef struct ident##_params mcp_this_params_t_;                                                                          \
        static const mcp_param_t rows[] = {LIST(MCP_PARAMS_ROW_){.name = NULL}};                                                   \
        return rows;                                                                                                               \
    }

/*
 * MCP_OUTPUT(ident, LIST) declares a typed structured result: struct ident_output, ident_output_rows()
 * (for the tool's .output) and ident_output(ctx, &out), which emits it as the result's structuredContent;
 * the output schema is generated from the rows. Members with .required are always written, the others
 * when has.<name> is set.
 */
#define MCP_OUTPUT(ident, LIST)                                                                                                    \
    struct ident##_output {                                                                                                        \
        LIST(MCP_PARAM_FIELD_) struct {                                                                                            \
            LIST(MCP_PARAM_HAS_)                                                                                                   \
        } has;                                                                                                                     \
    };                                                                                                                             \
    static const mcp_param_t *ident##_output_rows(void)                                                                            \
    {                                                                                                                              \
        typedef struct ident##_output mcp_this_output_t_;                                                                          \
        static const mcp_param_t rows[] = {LIST(MCP_OUTPUT_ROW_){.name = NULL}};                                                   \
        return rows;                                                                                                               \
    }                                                                                                                              \
    static inline void ident##_output(mcp_ctx_t *ctx, const struct ident##_output *out)                                            \
    {                                                                                                                              \
        mcp_structured_params(ctx, ident##_output_rows(), out);                                                                    \
    }

/*
 * Whether a tool runs as a task of the tasks extension (io.modelcontextprotocol/tasks, 2026-07-28): the call
 * is answered at once with a task the client polls (tasks/get), answers (tasks/update) and cancels
 * (tasks/cancel), while the handler keeps running on its worker. Only for a client that declares the
 * extension in the request; for a tool that can only run as a task (MCP_TASK_ALWAYS), any other client's
 * call is refused with -32021. A task's handler sees mcp_cancelled() when the task is cancelled, not when
 * the HTTP request that started it ends, and a question it asks (mcp_ask()) makes the task input_required
 * until tasks/update answers it; the handler then runs again from the start, as in a 2026-07-28 round.
 */
typedef enum en_mcp_task_support_t { MCP_TASK_NEVER, MCP_TASK_OPTIONAL, MCP_TASK_ALWAYS } mcp_task_support_t;

typedef struct st_mcp_tool_t {
    const char *name;        /* 1-128 of [A-Za-z0-9_.-], unique */
    const char *title;       /* optional, human-readable */
    const char *description; /* required */
    /*
     * The parameters, either typed (MCP_TOOL_TYPED sets these three) or as a JSON Schema object (type
     * "object") with a handler that reads the JSON tree; neither means no parameters. A property reached
     * from the root through "properties" alone, of type string, integer or boolean, may carry
     * "x-mcp-header": "Name" (typed: .header): a 2026-07-28 client then mirrors its value in an
     * Mcp-Param-Name header (for proxies and load balancers), and the server refuses a call whose header
     * and argument differ.
     */
    const mcp_param_t *(*params)(void);
    size_t params_size;
    int (*typed_handler)(mcp_ctx_t *ctx, const void *params);
    const char *input_schema;
    mcp_tool_handler_t handler;
    /* Structured results, typed (MCP_OUTPUT: .output = ident_output_rows) or as a JSON Schema object. */
    const mcp_param_t *(*output)(void);
    const char *output_schema;
    const char *annotations; /* optional JSON object: readOnlyHint, destructiveHint, ... */
    const char *icons;       /* optional JSON array of icons (2025-11-25) */
    /*
     * Optional JSON object: the client capabilities the tool cannot work without, e.g. {"sampling":{}}.
     * A 2026-07-28 request that does not declare them is refused (-32021, HTTP 400) before the tool runs.
     * (Legacy requests do not carry capabilities on a stateless server, so there the tool finds out when
     * it asks.)
     */
    const char *client_capabilities;
    int nonblocking;                 /* runs on the front door's thread: must be quick and never block */
    mcp_task_support_t task_support; /* never for a nonblocking tool */
    /*
     * The task starts when the handler calls mcp_task_start() (after its questions, which the client then
     * answers in the ordinary 2026-07-28 rounds, before any task exists), not before the handler runs.
     */
    int task_starts_in_handler;
} mcp_tool_t;

/* A tool whose handler reads the JSON tree (or takes no parameters). */
#define MCP_TOOL(ident, ...) const mcp_tool_t mcp_tool_##ident = {.name = #ident, __VA_ARGS__}
/* A tool with typed parameters (MCP_PARAMS(ident, ...)) whose handler is int ident(mcp_ctx_t *, const struct ident_params *). */
#define MCP_TOOL_TYPED(ident, ...)                                                                                                 \
    static int ident##_typed_(mcp_ctx_t *ctx, const void *params)                                                                  \
    {                                                                                                                              \
        return ident(ctx, (const struct ident##_params *)params);                                                                  \
    }                                                                                                                              \
    const mcp_tool_t mcp_tool_##ident = {.name = #ident,                                                                           \
                                         .params = ident##_params_rows,                                                            \
                                         .params_size = sizeof(struct ident##_params),                                             \
                                         .typed_handler = ident##_typed_,                                                          \
                                         __VA_ARGS__}
/*
 * A JSON file next to the tool's .c, embedded at build time: MCP_SCHEMA(get_weather_output) declares
 * mcp_schema_get_weather_output, the text of get_weather.output.json (dots in the file name become '_').
 */
#define MCP_SCHEMA(name) extern const char mcp_schema_##name[]

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
/* Emits a typed structured result (MCP_OUTPUT's ident_output() calls this with the tool's rows). */
void mcp_structured_params(mcp_ctx_t *ctx, const mcp_param_t *rows, const void *values);
/* Replaces the content with one text block and marks the result isError. Returns 1 (for `return mcp_error(...)`). */
int mcp_error(mcp_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * The call fails as a protocol error, not as a tool result: the client gets a JSON-RPC error -32603 with
 * message (a fixed text: never echo input), and a task ends "failed" with it. For the server's own failures
 * (a dependency down, a broken invariant), not for bad input, which mcp_error() reports. Returns 1.
 */
int mcp_fail(mcp_ctx_t *ctx, const char *message);

/* Progress, sent only when the request carried a progressToken; progress must increase. total <= 0: unknown. */
void mcp_progress(mcp_ctx_t *ctx, double progress, double total, const char *message);
/* A log message to the client (notifications/message), sent when level is at or above the request's level. */
void mcp_log(mcp_ctx_t *ctx, mcp_log_level_t level, const char *logger, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- asking the client ---- */

/*
 * How a question to the client can fail, as negative codes; mcp_strerror() gives each one's fixed text.
 * Most handlers never see them: mcp_ask(), mcp_sample() and mcp_elicit() turn them into the tool's result.
 */
#define MCP_EREQ_ERRORS(X)                                                                                                         \
    X(MCP_EREQ_UNSUPPORTED, -1, "this front door or request cannot carry server-to-client requests")                               \
    X(MCP_EREQ_TIMEOUT, -2, "the client did not answer in time")                                                                   \
    X(MCP_EREQ_REJECTED, -3, "the client answered with an error")                                                                  \
    X(MCP_EREQ_CANCELLED, -4, "the call was cancelled or the client went away")                                                    \
    X(MCP_EREQ_INPUT_REQUIRED, -5, "the question goes to the client with this round's result")                                     \
    X(MCP_EREQ_NO_CAPABILITY, -6, "the client did not declare the capability the question needs")

enum {
#define MCP_EREQ_ENUM(name, code, text) name = code,
    MCP_EREQ_ERRORS(MCP_EREQ_ENUM)
#undef MCP_EREQ_ENUM
};

/* The fixed text of an MCP_EREQ_* code ("unknown error" for anything else). */
const char *mcp_strerror(int err);

/*
 * Asks the client (sampling/createMessage, elicitation/create, roots/list; params_json is the request's
 * params object). Returns 0 with *result set to the client's answer, an object; or 1, meaning: return
 * from the handler now (`return mcp_ask(...)`). Then either the question goes to a 2026-07-28 client with
 * this round's result (the handler runs again with the answer, see above), the request fails with -32021
 * (the client lacks the capability), or the failure (this deployment cannot stream, no answer in time,
 * the client refused, the call was cancelled) has been made the tool's isError result, saying why.
 *
 * key names the question for 2026-07-28 clients (they answer under it in inputResponses: 1-64 of
 * [A-Za-z0-9_.-], unique within the request); NULL numbers the questions r0, r1, ... in the order asked.
 * A legacy request sends the question on the response stream and waits: only worker-thread tools may ask,
 * and only where responses are streamed. Resource readers and prompt getters may ask under 2026-07-28;
 * for them a failure is not a tool result, and the method answers with an error.
 */
int mcp_ask(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json, const json_value_t **result);
/*
 * sampling/createMessage with one user message; on 0, *text is the reply's text (the first text block;
 * NULL when the reply has none). Returns as mcp_ask().
 */
int mcp_sample(mcp_ctx_t *ctx, const char *key, const char *prompt, unsigned max_tokens, const char **text);
/*
 * elicitation/create in form mode: message, and requested_schema_json (an object schema of flat
 * properties). On 0, *action is "accept", "decline" or "cancel" and *content the accepted values (NULL
 * unless accepted). Returns as mcp_ask(); an answer without a valid action is an isError result.
 */
int mcp_elicit(mcp_ctx_t *ctx, const char *key, const char *message, const char *requested_schema_json, const char **action,
               const json_value_t **content);

/*
 * The underlying call, for handlers that act on each failure themselves: returns 0 with *result set, or
 * a negative MCP_EREQ_* code (and *error_message, if not NULL, gets a human-readable reason). Where
 * mcp_ask() returns 1 for MCP_EREQ_INPUT_REQUIRED and MCP_EREQ_NO_CAPABILITY, the handler must return.
 */
int mcp_client_request(mcp_ctx_t *ctx, const char *method, const char *params_json, const json_value_t **result,
                       const char **error_message);
int mcp_client_request_named(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json,
                             const json_value_t **result, const char **error_message);
/*
 * 1 when this run resumes a 2026-07-28 request whose requestState the server issued and has verified
 * (it is intact, unexpired and bound to this very request and caller); 0 otherwise.
 */
int mcp_resumed(mcp_ctx_t *ctx);

/*
 * For a tool with .task_starts_in_handler: from here on the call runs as a task, if it may (see
 * mcp_task_support_t); the client gets the CreateTaskResult now. Returns 1 when the call is a task from now
 * on, 0 when it goes on as an ordinary call (the client did not declare the extension, a legacy request, the
 * task could not be stored).
 */
int mcp_task_start(mcp_ctx_t *ctx);

/* 1 once the call is cancelled (notifications/cancelled, client gone, deadline near): stop soon. */
int mcp_cancelled(mcp_ctx_t *ctx);
/* Sleeps up to ms milliseconds, waking early on cancellation. Returns mcp_cancelled(ctx). */
int mcp_sleep(mcp_ctx_t *ctx, unsigned ms);

/* Request-scoped memory. */
void *mcp_alloc(mcp_ctx_t *ctx, size_t size);
char *mcp_strdup(mcp_ctx_t *ctx, const char *s);
/*
 * The one JSON value w wrote (to a buf_t of its own, e.g. the params of mcp_ask()), as text in request
 * memory; w's buffer is disposed. NULL when the writer failed (too deep, too large) or memory ran out.
 */
const char *mcp_take_json(mcp_ctx_t *ctx, jsonw_t *w);

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

/* ---- state that outlives a request ---- */

/*
 * Values a tool keeps between calls, under keys (1-64 of [A-Za-z0-9_.-]), in a scope that is either the client's
 * session or an explicit state handle. The server keeps them (--sessions memory: this process; dynamodb: a table
 * every instance shares); with --sessions off there is no state and every call here fails with MCP_STATE_EOFF.
 *
 * One API, and the era decides the scope. A legacy request (2025-03-26 .. 2025-11-25) has a session: the server
 * issued it with Mcp-Session-Id at initialize, bound to the caller, and it ends when the client deletes it, after
 * --session-idle-s without use, or --session-max-s after it began. A 2026-07-28 request has no session (that
 * revision removed them): state lives behind a handle that one tool creates (mcp_state_create(), typically a
 * create_* tool that returns it) and later tools take as an argument; a handle is bound to the caller who created
 * it, lives as long as its creator says (say so in the creating tool's description), and is refused with a clear
 * error once it has expired. Handles work in the legacy era too. So a tool that takes an optional handle argument
 * and calls mcp_state_open(ctx, handle) serves both eras.
 *
 * No update is lost: an increment is atomic wherever the state lives (a conditional update in DynamoDB), and
 * every write checks, in the same step, that the scope is still live. Reads are strongly consistent.
 *
 * 2026-07-28 runs a handler again from the start when it asks the client (see the top of this file), so a write
 * before the handler's last question happens once per round: do writes after the questions. (The server logs a
 * warning when a handler asks after writing state.)
 *
 * Threads: the state store may be remote (DynamoDB), so a tool that uses state must not be .nonblocking.
 */
typedef struct st_mcp_state_t mcp_state_t;

#define MCP_STATE_ERRORS(X)                                                                                                        \
    X(MCP_STATE_EOFF, -1, "this server keeps no state (its sessions are off)")                                                     \
    X(MCP_STATE_ENOSCOPE, -2, "this request has no session (protocol version 2026-07-28 has none): a state handle is needed")      \
    X(MCP_STATE_EINVALID, -3, "not a state handle this server issued to this caller")                                              \
    X(MCP_STATE_EEXPIRED, -4, "the session or state handle has expired")                                                           \
    X(MCP_STATE_EENDED, -5, "the session or state handle was ended")                                                               \
    X(MCP_STATE_EUNAVAILABLE, -6, "the state store could not be reached; try again")                                               \
    X(MCP_STATE_ENOTINT, -7, "the value is not an integer, or the result would not fit in 64 bits")                                \
    X(MCP_STATE_ETOOLARGE, -8, "the value, or the state as a whole, is too large")                                                 \
    X(MCP_STATE_EKEY, -9, "a state key is 1-64 of A-Z a-z 0-9 _ . -")                                                              \
    X(MCP_STATE_EFULL, -10, "the state store is full")                                                                             \
    X(MCP_STATE_EVALUE, -11, "a state value is one JSON value of at most 64 KiB")

enum {
#define MCP_STATE_ENUM(name, code, text) name = code,
    MCP_STATE_ERRORS(MCP_STATE_ENUM)
#undef MCP_STATE_ENUM
};

#define MCP_STATE_MAX_VALUE_BYTES 65536

/* The fixed text of an MCP_STATE_E* code ("unknown error" for anything else). */
const char *mcp_state_strerror(int err);
/*
 * The scope a call works in: the handle's when handle is not NULL (the handle a tool received as an argument, in
 * any era), else the request's session. Returns 0, or a negative MCP_STATE_E* code; *out is set either way, for
 * mcp_state_error().
 */
int mcp_state_open(mcp_ctx_t *ctx, const char *handle, mcp_state_t **out);
/*
 * A new state handle, bound to the caller, that ends idle_s seconds after its last use and max_s seconds after
 * now at the latest (1 <= idle_s <= max_s <= 30 days). Nothing is stored until the first write. Returns 0 with
 * *out and *handle (the handle's text, in request memory: give it to the client), or a negative MCP_STATE_E* code.
 */
int mcp_state_create(mcp_ctx_t *ctx, unsigned idle_s, unsigned max_s, mcp_state_t **out, const char **handle);
/* The value under key, parsed (request memory); *value is NULL when there is none. Returns 0 or MCP_STATE_E*. */
int mcp_state_get(mcp_state_t *st, const char *key, const json_value_t **value);
/* Sets key to json (one JSON value; an integer is kept as a number, so mcp_state_increment() works on it). */
int mcp_state_set(mcp_state_t *st, const char *key, const char *json);
int mcp_state_delete(mcp_state_t *st, const char *key);
/* Adds by to the integer under key (0 when absent), atomically; *value (may be NULL) gets the result. */
int mcp_state_increment(mcp_state_t *st, const char *key, int64_t by, int64_t *value);
/* Ends the scope: its values are gone and its session id or handle is refused from now on. */
int mcp_state_end(mcp_state_t *st);
/*
 * Makes a failure of the calls above the tool's isError result, in words for the model (an expired handle is
 * named, with its lifetime, and the model is told to create a new one). Returns 1, for `return mcp_state_error(...)`.
 */
int mcp_state_error(mcp_ctx_t *ctx, mcp_state_t *st, int err);

/* ---- resources ---- */

/*
 * Reads one resource. vars holds the template's variables, percent-decoded ({"id":"123"}); it is empty
 * for a fixed URI. Return 0 after emitting contents, MCP_NOT_FOUND when the URI names nothing (an
 * unknown id in a template), or another non-zero value for an internal error. A reader may ask the
 * client (mcp_ask()) under 2026-07-28.
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
 * front door's thread; under 2026-07-28 it may ask the client (mcp_ask()), which never waits.
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

/*
 * A named set of tools, resources and prompts that configuration enables as a whole. The sets are the
 * folders of server/tools/; the build generates this list from the declarations it finds there, and a
 * folder's set.c gives its description (MCP_TOOLSET_DESCRIPTION).
 */
typedef struct st_mcp_toolset_t {
    const char *name;
    const char *description;
    const mcp_tool_t *const *tools;         /* NULL-terminated */
    const mcp_resource_t *const *resources; /* NULL-terminated */
    const mcp_prompt_t *const *prompts;     /* NULL-terminated */
} mcp_toolset_t;

extern const mcp_toolset_t *const mcp_toolsets[]; /* NULL-terminated */

#define MCP_TOOLSET_DESCRIPTION(set, text) const char mcp_toolset_description_##set[] = text

#endif
