/*
 * handler_ctx.c: the handler context of mcp.h (see handler_ctx.h). Content, contents, messages and
 * completion values accumulate as comma-separated JSON items; progress and log notifications go straight
 * to the exchange, so a worker-thread tool's notifications reach the client while it runs.
 */
#include "handler_ctx.h"
#include "tasks.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "client_requests.h"
#include "input_required.h"
#include "log.h"
#include "schema.h"
#include "server.h"
#include "spare.h"
#include "subscriptions.h"

#define MAX_RESULT_BYTES (32u << 20)
#define MAX_COMPLETION_VALUES 100
/* Running tools see mcp_cancelled() this long before the request's deadline. */
#define CANCEL_MARGIN_MS 1500

/* Everything up to arena is zeroed for each call; a context done with is kept for the next one (spare.h). */
struct st_mcp_ctx_t {
    mcp_exchange_t *ex;
    const mcp_request_t *req;
    mcp_ctx_kind_t kind;
    const json_value_t *id;             /* the request's id */
    const json_value_t *progress_token; /* NULL: no progress notifications */
    const mcp_tool_entry_t *tool;
    exchange_call_t *call; /* a worker's: its cut-off cancels */
    const mcp_method_t *method;
    const json_value_t *params;
    const json_value_t *args; /* a tool's arguments */
    int may_become_task;
    int64_t deadline_ms;        /* the request's, or (a task's run resumed by tasks/update) the request that resumed it */
    const char *failure;        /* mcp_fail(): the call fails with a JSON-RPC error instead of a result */
    _Atomic(task_run_t *) task; /* the task the call became (tasks.h): tasks/cancel cancels, its run wakes */
    input_round_t *round;
    int client_wait_slot;
    int needs_modern;  /* a prompt getter or resource reader asked the client in a legacy request */
    int state_written; /* the handler wrote state (mcp.h): a question after it would repeat the write */
    mcp_log_level_t log_level;
    atomic_int cancelled;
    buf_t items; /* content items / contents / messages / completion values, comma-separated */
    size_t num_items;
    buf_t structured; /* one JSON value */
    jsonw_t structured_writer;
    int is_error;
    const char *misuse; /* the first emit function called for another kind of handler */
    double last_progress;
    int has_progress;
    const char *prompt_description;
    arena_t arena;
};

static _Atomic(void *) spare_ctx;

static const char *const kind_names[] = {"tool", "resource reader", "prompt getter", "completer"};

mcp_ctx_t *
ctx_new(const mcp_call_t *call, mcp_ctx_kind_t kind)
{
    mcp_ctx_t *ctx = spare_take(&spare_ctx, sizeof(*ctx));
    if (ctx == NULL && (ctx = malloc(sizeof(*ctx))) == NULL)
        return NULL;
    memset(ctx, 0, offsetof(mcp_ctx_t, arena));
    ctx->ex = call->ex;
    ctx->req = call->req;
    ctx->kind = kind;
    ctx->id = call->id;
    ctx->method = call->method;
    ctx->params = call->params;
    ctx->deadline_ms = call->req->deadline_ms;
    ctx->log_level = call->req->client_log_level; /* legacy: configured; modern: the request's _meta, or none */
    arena_init(&ctx->arena, MAX_RESULT_BYTES);
    buf_init(&ctx->items, MAX_RESULT_BYTES);
    buf_init(&ctx->structured, MAX_RESULT_BYTES);
    atomic_init(&ctx->cancelled, 0);
    return ctx;
}

void
ctx_free(mcp_ctx_t *ctx)
{
    if (ctx == NULL)
        return;
    input_required_dispose(ctx->round);
    buf_dispose(&ctx->items);
    buf_dispose(&ctx->structured);
    arena_dispose(&ctx->arena);
    free(spare_put(&spare_ctx, ctx, sizeof(*ctx)));
}

void
ctx_drop_spare(void)
{
    free(spare_take(&spare_ctx, sizeof(mcp_ctx_t)));
}

const mcp_request_t *
ctx_request(const mcp_ctx_t *ctx)
{
    return ctx->req;
}

mcp_ctx_kind_t
ctx_kind(const mcp_ctx_t *ctx)
{
    return ctx->kind;
}

mcp_exchange_t *
ctx_exchange(const mcp_ctx_t *ctx)
{
    return ctx->ex;
}

const json_value_t *
ctx_id(const mcp_ctx_t *ctx)
{
    return ctx->id;
}

void
ctx_set_tool(mcp_ctx_t *ctx, const mcp_tool_entry_t *tool, const json_value_t *progress_token)
{
    ctx->tool = tool;
    ctx->progress_token = progress_token;
}

const mcp_tool_entry_t *
ctx_tool(const mcp_ctx_t *ctx)
{
    return ctx->tool;
}

void
ctx_set_exchange_call(mcp_ctx_t *ctx, exchange_call_t *call)
{
    ctx->call = call;
}

exchange_call_t *
ctx_exchange_call(const mcp_ctx_t *ctx)
{
    return ctx->call;
}

void
ctx_set_client_wait_slot(mcp_ctx_t *ctx, int held)
{
    ctx->client_wait_slot = held;
}

const char *
ctx_needs_modern(const mcp_ctx_t *ctx)
{
    if (!ctx->needs_modern)
        return NULL;
    static const char *const messages[MCP_NUM_VERSIONS] = {
        "Invalid params: this needs input from the client, which protocol version 2026-07-28 supports (input-required "
        "results); this request uses 2025-03-26",
        "Invalid params: this needs input from the client, which protocol version 2026-07-28 supports (input-required "
        "results); this request uses 2025-06-18",
        "Invalid params: this needs input from the client, which protocol version 2026-07-28 supports (input-required "
        "results); this request uses 2025-11-25",
        NULL,
    };
    return messages[ctx->req->version];
}

int
ctx_has_client_wait_slot(const mcp_ctx_t *ctx)
{
    return ctx->client_wait_slot;
}

/* When, on the monotonic clock, the request's deadline comes near enough to cancel (0: no deadline). */
static int64_t
cancel_at(const mcp_ctx_t *ctx)
{
    if (ctx->deadline_ms == 0)
        return 0;
    int64_t at = mcp_monotonic_ms() + (ctx->deadline_ms - CANCEL_MARGIN_MS - mcp_now_ms());
    return at > 0 ? at : 1;
}

void
ctx_wait(mcp_ctx_t *ctx, unsigned seen, int64_t until_mono_ms)
{
    int64_t cancel = cancel_at(ctx);
    if (cancel != 0 && (until_mono_ms == 0 || cancel < until_mono_ms))
        until_mono_ms = cancel;
    task_run_t *task = atomic_load(&ctx->task);
    if (task != NULL) {
        task_run_wait(task, seen, until_mono_ms);
        return;
    }
    if (ctx->call != NULL) {
        exchange_call_wait(ctx->call, seen, until_mono_ms);
        return;
    }
    /* on the front door's thread (a non-blocking tool should not wait at all): nothing can wake it */
    int64_t left = until_mono_ms - mcp_monotonic_ms();
    if (until_mono_ms != 0 && left > 0) {
        struct timespec ts = {.tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000};
        nanosleep(&ts, NULL);
    }
}

const mcp_method_t *
ctx_method(const mcp_ctx_t *ctx)
{
    return ctx->method;
}

const json_value_t *
ctx_params(const mcp_ctx_t *ctx)
{
    return ctx->params;
}

void
ctx_set_args(mcp_ctx_t *ctx, const json_value_t *args)
{
    ctx->args = args;
}

const json_value_t *
ctx_args(const mcp_ctx_t *ctx)
{
    return ctx->args;
}

void
ctx_set_task(mcp_ctx_t *ctx, task_run_t *task)
{
    atomic_store(&ctx->task, task);
}

task_run_t *
ctx_task(mcp_ctx_t *ctx)
{
    return atomic_load(&ctx->task);
}

void
ctx_set_deadline(mcp_ctx_t *ctx, int64_t deadline_ms)
{
    ctx->deadline_ms = deadline_ms;
}

int
ctx_deadline_near(const mcp_ctx_t *ctx)
{
    return ctx->deadline_ms != 0 && mcp_now_ms() >= ctx->deadline_ms - CANCEL_MARGIN_MS;
}

void
ctx_set_may_become_task(mcp_ctx_t *ctx, int may)
{
    ctx->may_become_task = may;
}

int
ctx_may_become_task(const mcp_ctx_t *ctx)
{
    return ctx->may_become_task;
}

void
ctx_wake(mcp_ctx_t *ctx)
{
    task_run_t *task = atomic_load(&ctx->task);
    if (task != NULL)
        task_run_wake(task);
    else if (ctx->call != NULL)
        exchange_call_wake(ctx->call);
}

void
ctx_set_round(mcp_ctx_t *ctx, input_round_t *round)
{
    ctx->round = round;
}

input_round_t *
ctx_round(const mcp_ctx_t *ctx)
{
    return ctx->round;
}

void
ctx_set_state_written(mcp_ctx_t *ctx)
{
    ctx->state_written = 1;
}

void
ctx_set_error(mcp_ctx_t *ctx)
{
    ctx->is_error = 1;
}

int
ctx_parse_json(mcp_ctx_t *ctx, const char *text, size_t len, json_value_t **out)
{
    return json_parse(&ctx->arena, text, len, 64, out);
}

size_t
ctx_num_items(const mcp_ctx_t *ctx)
{
    return ctx->num_items;
}

/* Whether an emit function fits the handler's kind; the first misfit is remembered and fails the request. */
static int
emits(mcp_ctx_t *ctx, mcp_ctx_kind_t kind, const char *function)
{
    if (ctx->kind == kind)
        return 1;
    if (ctx->misuse == NULL) {
        ctx->misuse = function;
        log_msg(LOG_ERROR, "handler_misuse", "%s() called by a %s: it emits %s output", function, kind_names[ctx->kind],
                kind_names[kind]);
    }
    return 0;
}

static int
check_misuse(const mcp_ctx_t *ctx, mcp_rpc_error_t *e)
{
    if (ctx->misuse == NULL)
        return 0;
    return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error: the handler emitted output of another kind", NULL);
}

/* Starts a new item and returns a writer for it. */
static jsonw_t *
begin_item(mcp_ctx_t *ctx, jsonw_t *w)
{
    if (ctx->num_items++ != 0)
        buf_append_char(&ctx->items, ',');
    jsonw_init(w, &ctx->items);
    return w;
}

/* The opening of a text content item, up to its text. */
static const char text_item_start[] = "{\"type\":\"text\",\"text\":";

static void
content_text(jsonw_t *w, const char *text)
{
    jsonw_object_begin_raw(w, text_item_start, sizeof(text_item_start) - 1);
    jsonw_string(w, text != NULL ? text : "");
    jsonw_object_end(w);
}

static void
content_media(jsonw_t *w, const char *type, const void *data, size_t len, const char *base64, const char *mime_type)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "type", type);
    jsonw_key(w, "data");
    if (base64 != NULL)
        jsonw_string(w, base64);
    else
        jsonw_base64(w, data, len);
    jsonw_kv_string(w, "mimeType", mime_type);
    jsonw_object_end(w);
}

/* The inner object of an embedded resource and of resources/read contents. */
static void
resource_contents(jsonw_t *w, const char *uri, const char *mime_type, const char *text, const void *blob, size_t blob_len,
                  const char *blob_base64)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "uri", uri);
    if (mime_type != NULL)
        jsonw_kv_string(w, "mimeType", mime_type);
    if (text != NULL) {
        jsonw_kv_string(w, "text", text);
    } else {
        jsonw_key(w, "blob");
        if (blob_base64 != NULL)
            jsonw_string(w, blob_base64);
        else
            jsonw_base64(w, blob, blob_len);
    }
    jsonw_object_end(w);
}

static void
content_resource(jsonw_t *w, const char *uri, const char *mime_type, const char *text, const void *blob, size_t blob_len)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "type", "resource");
    jsonw_key(w, "resource");
    resource_contents(w, uri, mime_type, text, blob, blob_len, NULL);
    jsonw_object_end(w);
}

void
mcp_text(mcp_ctx_t *ctx, const char *text)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_text"))
        return;
    jsonw_t w;
    content_text(begin_item(ctx, &w), text);
}

void
mcp_textf(mcp_ctx_t *ctx, const char *fmt, ...)
{
    buf_t tmp = BUF_INIT(MAX_RESULT_BYTES);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    mcp_text(ctx, tmp.data != NULL ? tmp.data : "");
    buf_dispose(&tmp);
}

void
mcp_image(mcp_ctx_t *ctx, const void *data, size_t len, const char *mime_type)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_image"))
        return;
    jsonw_t w;
    content_media(begin_item(ctx, &w), "image", data, len, NULL, mime_type);
}

void
mcp_image_base64(mcp_ctx_t *ctx, const char *base64, const char *mime_type)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_image_base64"))
        return;
    jsonw_t w;
    content_media(begin_item(ctx, &w), "image", NULL, 0, base64, mime_type);
}

void
mcp_audio(mcp_ctx_t *ctx, const void *data, size_t len, const char *mime_type)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_audio"))
        return;
    jsonw_t w;
    content_media(begin_item(ctx, &w), "audio", data, len, NULL, mime_type);
}

void
mcp_audio_base64(mcp_ctx_t *ctx, const char *base64, const char *mime_type)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_audio_base64"))
        return;
    jsonw_t w;
    content_media(begin_item(ctx, &w), "audio", NULL, 0, base64, mime_type);
}

void
mcp_resource_text(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const char *text)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_resource_text"))
        return;
    jsonw_t w;
    content_resource(begin_item(ctx, &w), uri, mime_type, text != NULL ? text : "", NULL, 0);
}

void
mcp_resource_blob(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const void *data, size_t len)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_resource_blob"))
        return;
    jsonw_t w;
    content_resource(begin_item(ctx, &w), uri, mime_type, NULL, data, len);
}

void
mcp_resource_link(mcp_ctx_t *ctx, const char *uri, const char *name, const char *mime_type, const char *description)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_resource_link"))
        return;
    jsonw_t w;
    begin_item(ctx, &w);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "resource_link");
    jsonw_kv_string(&w, "uri", uri);
    jsonw_kv_string(&w, "name", name);
    if (mime_type != NULL)
        jsonw_kv_string(&w, "mimeType", mime_type);
    if (description != NULL)
        jsonw_kv_string(&w, "description", description);
    jsonw_object_end(&w);
}

void
ctx_item_json(mcp_ctx_t *ctx, const json_value_t *item)
{
    jsonw_t w;
    jsonw_value(begin_item(ctx, &w), item);
}

jsonw_t *
mcp_structured(mcp_ctx_t *ctx)
{
    emits(ctx, MCP_CTX_TOOL, "mcp_structured"); /* the writer still works; the request fails at the end */
    buf_reset(&ctx->structured);
    jsonw_init(&ctx->structured_writer, &ctx->structured);
    return &ctx->structured_writer;
}

int
mcp_fail(mcp_ctx_t *ctx, const char *message)
{
    if (emits(ctx, MCP_CTX_TOOL, "mcp_fail"))
        ctx->failure = mcp_strdup(ctx, message) ?: "Internal error";
    return 1;
}

int
mcp_error(mcp_ctx_t *ctx, const char *fmt, ...)
{
    if (!emits(ctx, MCP_CTX_TOOL, "mcp_error"))
        return 1;
    buf_reset(&ctx->items);
    ctx->num_items = 0;
    buf_t tmp = BUF_INIT(64 * 1024);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    mcp_text(ctx, tmp.data != NULL ? tmp.data : "Tool failed");
    buf_dispose(&tmp);
    ctx->is_error = 1;
    return 1;
}

/* Sends one notification on the request's response stream. */
static void
notify(mcp_ctx_t *ctx, const char *method, buf_t *params)
{
    buf_t msg = BUF_INIT(MAX_RESULT_BYTES);
    buf_printf(&msg, "{\"jsonrpc\":\"2.0\",\"method\":\"%s\",\"params\":", method);
    buf_append(&msg, params->data, params->len);
    buf_append_char(&msg, '}');
    if (!buf_failed(&msg))
        exchange_add_message(ctx->ex, msg.data, msg.len);
    buf_dispose(&msg);
}

void
mcp_progress(mcp_ctx_t *ctx, double progress, double total, const char *message)
{
    if (ctx->progress_token == NULL)
        return;
    if (ctx->has_progress && !(progress > ctx->last_progress)) {
        log_msg(LOG_DEBUG, "progress_dropped", "progress must increase");
        return;
    }
    ctx->has_progress = 1;
    ctx->last_progress = progress;
    buf_t params = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &params);
    jsonw_object_begin(&w);
    jsonw_key(&w, "progressToken");
    jsonw_value(&w, ctx->progress_token);
    jsonw_key(&w, "progress");
    jsonw_double(&w, progress);
    if (total > 0) {
        jsonw_key(&w, "total");
        jsonw_double(&w, total);
    }
    if (message != NULL)
        jsonw_kv_string(&w, "message", message);
    jsonw_object_end(&w);
    notify(ctx, "notifications/progress", &params);
    buf_dispose(&params);
}

void
mcp_log(mcp_ctx_t *ctx, mcp_log_level_t level, const char *logger, const char *fmt, ...)
{
    if (level < ctx->log_level || level > MCP_LOG_EMERGENCY)
        return;
    buf_t text = BUF_INIT(64 * 1024);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    buf_t params = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &params);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "level", mcp_log_level_names[level]);
    if (logger != NULL)
        jsonw_kv_string(&w, "logger", logger);
    jsonw_kv_string(&w, "data", text.data != NULL ? text.data : "");
    jsonw_object_end(&w);
    notify(ctx, "notifications/message", &params);
    buf_dispose(&params);
    buf_dispose(&text);
}

int
mcp_client_request_named(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json, const json_value_t **result,
                         const char **error_message)
{
    if (ctx->req->era == MCP_ERA_MODERN) {
        if (ctx->state_written && ctx->tool != NULL)
            log_msg(LOG_WARN, "state_write_before_question",
                    "tool %s wrote state and then asked the client: under 2026-07-28 it runs again with the answer, and "
                    "writes again",
                    ctx->tool->tool->name);
        return input_required_ask(ctx->round, ctx, key, method, params_json, result, error_message);
    }
    if (ctx->kind != MCP_CTX_TOOL) {
        /* before 2026-07-28 only a tool on a worker can ask and wait; the method says so, by revision */
        ctx->needs_modern = 1;
        if (error_message != NULL)
            *error_message = "only 2026-07-28 requests can carry a prompt's or a resource's questions to the client";
        return MCP_EREQ_UNSUPPORTED;
    }
    return client_requests_ask(server_client_requests(ctx->req->server), ctx, method, params_json, result, error_message);
}

int
mcp_client_request(mcp_ctx_t *ctx, const char *method, const char *params_json, const json_value_t **result,
                   const char **error_message)
{
    return mcp_client_request_named(ctx, NULL, method, params_json, result, error_message);
}

int
mcp_resumed(mcp_ctx_t *ctx)
{
    return input_required_resumed(ctx->round);
}

void
mcp_notify_list_changed(mcp_ctx_t *ctx, mcp_list_t list)
{
    static const char *const filters[] = {"toolsListChanged", "promptsListChanged", "resourcesListChanged"};
    static const char *const methods[] = {"notifications/tools/list_changed", "notifications/prompts/list_changed",
                                          "notifications/resources/list_changed"};
    if ((unsigned)list < sizeof(filters) / sizeof(filters[0]))
        subscriptions_broadcast(server_subscriptions(ctx->req->server), filters[list], methods[list]);
}

int
mcp_cancelled(mcp_ctx_t *ctx)
{
    if (atomic_load(&ctx->cancelled))
        return 1;
    const mcp_request_t *req = ctx->req;
    /* told in time to finish before the front door cuts it off; a task's call outlives its request on purpose */
    task_run_t *task = atomic_load(&ctx->task);
    if ((task != NULL ? task_run_cancelled(task)
                      : exchange_released(ctx->ex) || (ctx->call != NULL && exchange_call_cut_off(ctx->call))) ||
        server_shutting_down(req->server) || ctx_deadline_near(ctx))
        atomic_store(&ctx->cancelled, 1);
    return atomic_load(&ctx->cancelled);
}

int
mcp_sleep(mcp_ctx_t *ctx, unsigned ms)
{
    int64_t end = mcp_monotonic_ms() + ms;
    for (;;) {
        task_run_t *task = atomic_load(&ctx->task);
        unsigned seen = task != NULL ? task_run_wakes(task) : ctx->call != NULL ? exchange_call_wakes(ctx->call) : 0;
        if (mcp_cancelled(ctx) || mcp_monotonic_ms() >= end)
            break;
        ctx_wait(ctx, seen, end);
    }
    return mcp_cancelled(ctx);
}

void *
mcp_alloc(mcp_ctx_t *ctx, size_t size)
{
    return arena_alloc(&ctx->arena, size);
}

char *
mcp_strdup(mcp_ctx_t *ctx, const char *s)
{
    return s != NULL ? arena_strndup(&ctx->arena, s, strlen(s)) : NULL;
}

const json_value_t *
mcp_identity(mcp_ctx_t *ctx)
{
    return ctx->req->identity;
}

const json_value_t *
mcp_client_capabilities(mcp_ctx_t *ctx)
{
    /* a legacy request on a stateless server: what initialize declared is not known to it (NULL) */
    return ctx->req->client_capabilities;
}

void
mcp_contents_text(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const char *text)
{
    if (!emits(ctx, MCP_CTX_RESOURCE, "mcp_contents_text"))
        return;
    jsonw_t w;
    resource_contents(begin_item(ctx, &w), uri, mime_type, text != NULL ? text : "", NULL, 0, NULL);
}

void
mcp_contents_blob(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const void *data, size_t len)
{
    if (!emits(ctx, MCP_CTX_RESOURCE, "mcp_contents_blob"))
        return;
    jsonw_t w;
    resource_contents(begin_item(ctx, &w), uri, mime_type, NULL, data, len, NULL);
}

void
mcp_contents_blob_base64(mcp_ctx_t *ctx, const char *uri, const char *mime_type, const char *base64)
{
    if (!emits(ctx, MCP_CTX_RESOURCE, "mcp_contents_blob_base64"))
        return;
    jsonw_t w;
    resource_contents(begin_item(ctx, &w), uri, mime_type, NULL, NULL, 0, base64);
}

static jsonw_t *
begin_message(mcp_ctx_t *ctx, jsonw_t *w, const char *role)
{
    begin_item(ctx, w);
    jsonw_object_begin(w);
    jsonw_kv_string(w, "role", role);
    jsonw_key(w, "content");
    return w;
}

void
mcp_prompt_text(mcp_ctx_t *ctx, const char *role, const char *text)
{
    if (!emits(ctx, MCP_CTX_PROMPT, "mcp_prompt_text"))
        return;
    jsonw_t w;
    content_text(begin_message(ctx, &w, role), text);
    jsonw_object_end(&w);
}

void
mcp_prompt_image_base64(mcp_ctx_t *ctx, const char *role, const char *base64, const char *mime_type)
{
    if (!emits(ctx, MCP_CTX_PROMPT, "mcp_prompt_image_base64"))
        return;
    jsonw_t w;
    content_media(begin_message(ctx, &w, role), "image", NULL, 0, base64, mime_type);
    jsonw_object_end(&w);
}

void
mcp_prompt_resource_text(mcp_ctx_t *ctx, const char *role, const char *uri, const char *mime_type, const char *text)
{
    if (!emits(ctx, MCP_CTX_PROMPT, "mcp_prompt_resource_text"))
        return;
    jsonw_t w;
    content_resource(begin_message(ctx, &w, role), uri, mime_type, text != NULL ? text : "", NULL, 0);
    jsonw_object_end(&w);
}

void
mcp_prompt_description(mcp_ctx_t *ctx, const char *description)
{
    if (!emits(ctx, MCP_CTX_PROMPT, "mcp_prompt_description"))
        return;
    ctx->prompt_description = mcp_strdup(ctx, description);
}

void
mcp_completion(mcp_ctx_t *ctx, const char *value)
{
    if (!emits(ctx, MCP_CTX_COMPLETION, "mcp_completion"))
        return;
    if (ctx->num_items >= MAX_COMPLETION_VALUES) {
        ++ctx->num_items; /* counted for total and hasMore, not sent */
        return;
    }
    jsonw_t w;
    jsonw_string(begin_item(ctx, &w), value);
}

/* Checks the structured value the tool wrote; returns NULL and sets the error text if it is unusable. */
static const json_value_t *
check_structured(mcp_ctx_t *ctx, const char **problem)
{
    json_value_t *v;
    if (jsonw_failed(&ctx->structured_writer) || ctx->structured_writer.depth != 0 ||
        json_parse(&ctx->arena, ctx->structured.data, ctx->structured.len, 64, &v) != 0) {
        *problem = "the tool wrote malformed structured content";
        return NULL;
    }
    char why[256];
    if (ctx->tool->output_schema != NULL && schema_validate(ctx->tool->output_schema, v, why, sizeof(why)) != 0) {
        log_msg(LOG_ERROR, "output_schema_violation", "tool %s: %s", ctx->tool->tool->name, why);
        *problem = "the tool's structured content does not match its output schema";
        return NULL;
    }
    return v;
}

int
ctx_write_tool_result(mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e)
{
    if (check_misuse(ctx, e) != 0)
        return e->code;
    if (ctx->failure != NULL)
        return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, ctx->failure, NULL);
    const char *problem = NULL;
    int has_structured = !ctx->is_error && ctx->structured.len != 0;
    if (has_structured && check_structured(ctx, &problem) == NULL)
        has_structured = 0;
    else if (!ctx->is_error && !has_structured && ctx->tool->output_schema != NULL)
        problem = "the tool declared an output schema but returned no structured content";
    if (problem != NULL) {
        /* the server MUST NOT send structured content that breaks the tool's declared schema */
        mcp_error(ctx, "Internal error: %s", problem);
    }
    if (buf_failed(&ctx->items) || buf_failed(&ctx->structured)) {
        has_structured = 0; /* mcp_error() empties the items, clearing their failure */
        mcp_error(ctx, "Internal error: the tool's result is too large");
    }
    if (ctx->is_error && ctx->num_items == 0)
        mcp_text(ctx, "The tool failed.");
    if (has_structured && ctx->num_items == 0) {
        /* for clients that predate structuredContent, the same data as text */
        jsonw_t tw;
        begin_item(ctx, &tw);
        jsonw_object_begin_raw(&tw, text_item_start, sizeof(text_item_start) - 1);
        jsonw_stringn(&tw, ctx->structured.data, ctx->structured.len);
        jsonw_object_end(&tw);
    }
    jsonw_object_begin_raw(w, "{\"content\":", 11);
    jsonw_array_begin(w);
    jsonw_raw(w, ctx->items.data != NULL ? ctx->items.data : "", ctx->items.len);
    jsonw_array_end(w);
    if (has_structured) {
        jsonw_key(w, "structuredContent");
        jsonw_raw(w, ctx->structured.data, ctx->structured.len);
    }
    if (ctx->is_error)
        jsonw_kv_bool(w, "isError", 1);
    era_result_end(ctx->req, w, NULL);
    return 0;
}

int
ctx_write_contents(mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e)
{
    if (check_misuse(ctx, e) != 0)
        return e->code;
    if (ctx->num_items == 0 || buf_failed(&ctx->items))
        return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error: the resource could not be read", NULL);
    jsonw_object_begin(w);
    jsonw_key(w, "contents");
    jsonw_array_begin(w);
    jsonw_raw(w, ctx->items.data, ctx->items.len);
    jsonw_array_end(w);
    return 0;
}

int
ctx_write_prompt(mcp_ctx_t *ctx, jsonw_t *w, const char *default_description, mcp_rpc_error_t *e)
{
    if (check_misuse(ctx, e) != 0)
        return e->code;
    if (buf_failed(&ctx->items))
        return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error: the prompt could not be rendered", NULL);
    jsonw_object_begin(w);
    const char *description = ctx->prompt_description != NULL ? ctx->prompt_description : default_description;
    if (description != NULL)
        jsonw_kv_string(w, "description", description);
    jsonw_key(w, "messages");
    jsonw_array_begin(w);
    jsonw_raw(w, ctx->items.data != NULL ? ctx->items.data : "", ctx->items.len);
    jsonw_array_end(w);
    return 0;
}

int
ctx_write_completion(mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e)
{
    if (check_misuse(ctx, e) != 0)
        return e->code;
    if (buf_failed(&ctx->items))
        return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error: the completion failed", NULL);
    size_t sent = ctx->num_items < MAX_COMPLETION_VALUES ? ctx->num_items : MAX_COMPLETION_VALUES;
    jsonw_object_begin(w);
    jsonw_key(w, "completion");
    jsonw_object_begin(w);
    jsonw_key(w, "values");
    jsonw_array_begin(w);
    jsonw_raw(w, ctx->items.data != NULL ? ctx->items.data : "", ctx->items.len);
    jsonw_array_end(w);
    jsonw_kv_int(w, "total", (int64_t)ctx->num_items);
    jsonw_kv_bool(w, "hasMore", ctx->num_items > sent);
    jsonw_object_end(w);
    return 0;
}
