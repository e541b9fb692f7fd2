/*
 * tools.c: tools/list and tools/call. Arguments are validated against the input schema before a handler
 * runs; a tool that may block runs on a worker (workers.h) and answers through its exchange call, the
 * others run here, on the front door's thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler_ctx.h"
#include "admission.h"
#include "input_required.h"
#include "log.h"
#include "methods.h"
#include "pagination.h"
#include "remote_tools.h"
#include "schema.h"
#include "server.h"
#include "tasks.h"
#include "tool_params.h"
#include "workers.h"

mcp_outcome_t
tools_list(mcp_call_t *call, jsonw_t *w)
{
    const registry_t *r = server_registry(call->req->server);
    mcp_version_t v = call->req->version;
    /* the built-in tools, then the registered ones (remote_tools.h) */
    remote_tools_t *rt = server_remote_tools(call->req->server);
    const remote_snapshot_t *snap = rt != NULL ? remote_tools_snapshot(rt) : NULL;
    size_t builtin = registry_num_tools(r), total = builtin + (snap != NULL ? remote_snapshot_num_tools(snap) : 0), begin, end;
    if (pagination_list_begin(call, w, 't', "tools", total, &begin, &end) != 0)
        return MCP_OUTCOME_DONE;
    for (size_t i = begin; i != end; ++i) {
        const mcp_tool_entry_t *e = i < builtin ? registry_tool(r, i) : remote_snapshot_tool(snap, i - builtin);
        const mcp_tool_t *t = e->tool;
        jsonw_object_begin(w);
        jsonw_kv_string(w, "name", t->name);
        if (t->title != NULL && v >= MCP_V2025_06_18)
            jsonw_kv_string(w, "title", t->title);
        jsonw_kv_string(w, "description", t->description);
        jsonw_key(w, "inputSchema");
        jsonw_value(w, e->input_schema);
        if (e->output_schema != NULL && v >= MCP_V2025_06_18) {
            jsonw_key(w, "outputSchema");
            jsonw_value(w, e->output_schema);
        }
        if (t->annotations != NULL)
            jsonw_kv_raw(w, "annotations", t->annotations);
        if (t->icons != NULL && v >= MCP_V2025_11_25)
            jsonw_kv_raw(w, "icons", t->icons);
        if (call->req->era == MCP_ERA_MODERN && !t->nonblocking && t->task_support != MCP_TASK_NEVER)
            jsonw_kv_raw(w, "execution",
                         t->task_support == MCP_TASK_ALWAYS ? "{\"taskSupport\":\"required\"}" : "{\"taskSupport\":\"optional\"}");
        jsonw_object_end(w);
    }
    pagination_list_end_cached(call, w, 't', end, total, rt != NULL ? remote_tools_cache_hint(rt) : call->method->cache);
    return MCP_OUTCOME_DONE;
}

/*
 * Runs the handler and writes its result: the CallToolResult, or the InputRequiredResult when it asked
 * the client (2026-07-28). On an error (-32021, a result too large), *e is set and w is unused.
 */
static mcp_outcome_t
run_tool(mcp_ctx_t *ctx, const json_value_t *args, jsonw_t *w, mcp_rpc_error_t *e)
{
    if (tool_params_invoke(ctx, ctx_tool(ctx)->tool, args) != 0)
        ctx_set_error(ctx);
    if (ctx_task(ctx) != NULL) {
        /* the call became a task: its outcome goes to the task, the client already has the CreateTaskResult */
        tasks_finish(ctx);
        return MCP_OUTCOME_DEFERRED;
    }
    /* a question for the client ends the round: what the handler emitted meanwhile is not the result */
    mcp_outcome_t outcome = input_required_finish(ctx_round(ctx), ctx, w, e);
    if (outcome == MCP_OUTCOME_DONE && e->code == 0)
        ctx_write_tool_result(ctx, w, e);
    return outcome;
}

typedef struct st_tool_job_t {
    mcp_ctx_t *ctx;
    const json_value_t *args; /* in the exchange's arena */
    int waits_for_client;     /* holds a client-wait slot of the admission bounds */
    mcp_server_t *server;
    buf_t response; /* what run_job produced, sent by finish_job; empty: nothing to send */
} tool_job_t;

/* The tool declares it cannot work without asking the client: it holds a client-wait slot while it runs. */
static int
waits_for_client(const mcp_tool_entry_t *entry)
{
    const json_value_t *caps = entry->client_capabilities;
    return json_get(caps, "sampling") != NULL || json_get(caps, "elicitation") != NULL || json_get(caps, "roots") != NULL;
}

/* At shutdown: a job waiting (for a client, in mcp_sleep()) stops waiting and sees mcp_cancelled(). */
static void
wake_job(void *data)
{
    ctx_wake(((tool_job_t *)data)->ctx);
}

/* On a worker: runs the tool into the job's response. */
static void
run_job(void *data)
{
    tool_job_t *job = data;
    mcp_ctx_t *ctx = job->ctx;
    if (!methods_job_begin(ctx)) {
        log_msg(LOG_DEBUG, "call_dropped", "tool %s: its client left before it ran", ctx_tool(ctx)->tool->name);
        return;
    }
    buf_t *out = &job->response;
    jsonw_t w;
    jsonw_init(&w, out);
    mcp_rpc_error_t e = {0};
    if (ctx_may_become_task(ctx) && !ctx_tool(ctx)->tool->task_starts_in_handler && tasks_start(ctx, &e) != 0) {
        jsonrpc_write_error(&w, ctx_id(ctx), e.code, e.message, e.data);
        return;
    }
    jsonrpc_begin_result(&w, ctx_id(ctx));
    if (run_tool(ctx, job->args, &w, &e) == MCP_OUTCOME_DEFERRED) {
        buf_reset(out);
        return;
    }
    jsonrpc_end_result(&w);
    if (e.code != 0 || jsonw_failed(&w)) {
        /* an error instead of a result (a capability the client lacks, ...): its HTTP status is long sent */
        buf_reset(out);
        jsonw_init(&w, out);
        if (e.code != 0)
            jsonrpc_write_error(&w, ctx_id(ctx), e.code, e.message, e.data);
        else
            jsonrpc_write_error(&w, ctx_id(ctx), JSONRPC_INTERNAL_ERROR, "Internal error: result too large", NULL);
    }
}

/* On the worker, once the job can no longer be woken: the response goes out, and the job's resources are freed. */
static void
finish_job(void *data)
{
    tool_job_t *job = data;
    /*
     * The slot comes back before the response goes out: a client that sends its next call as soon as it has this
     * answer must find the slot free, not race this thread for it.
     */
    admission_release_call(server_admission(job->server), job->waits_for_client);
    task_run_t *task = ctx_task(job->ctx);
    if (task != NULL)
        tasks_run_ended(task); /* its call was answered with the CreateTaskResult */
    methods_job_end(job->ctx, task != NULL ? NULL : &job->response);
    buf_dispose(&job->response);
    free(job);
}

int
methods_job_begin(mcp_ctx_t *ctx)
{
    exchange_call_t *call = ctx_exchange_call(ctx);
    const mcp_request_t *req = ctx_request(ctx);
    log_set_request_id(req->log_id[0] != '\0' ? req->log_id : NULL);
    log_set_trace_id(req->trace_id[0] != '\0' ? req->trace_id : NULL);
    /*
     * A job still queued when its client left, or when it was cut off at the deadline, does not run later
     * after all: nobody is left to read its answer, and it would hold a worker others are waiting for.
     */
    return !exchange_released(exchange_call_exchange(call)) && !exchange_call_cut_off(call);
}

void
methods_job_end(mcp_ctx_t *ctx, const buf_t *response)
{
    exchange_call_t *call = ctx_exchange_call(ctx);
    if (response != NULL && response->len != 0)
        exchange_complete_call(call, response->data, response->len);
    else if (response != NULL)
        exchange_end_call(call);
    ctx_free(ctx);
    log_set_request_id(NULL);
    log_set_trace_id(NULL);
}

int
methods_submit(mcp_call_t *call, mcp_ctx_t *ctx, const char *label, int waits_for_client, const workers_job_t *job)
{
    admission_t *admission = server_admission(call->req->server);
    if (admission_take_call(admission, waits_for_client) != 0)
        return -1;
    exchange_call_t *xc = exchange_begin_call(call->ex, call->id, label);
    if (xc == NULL) {
        admission_release_call(admission, waits_for_client);
        return -1;
    }
    ctx_set_exchange_call(ctx, xc);
    ctx_set_client_wait_slot(ctx, waits_for_client);
    if (workers_submit(server_workers(call->req->server), job) != 0) {
        exchange_end_call(xc);
        admission_release_call(admission, waits_for_client);
        return -1;
    }
    return 0;
}

/* Hands the call to a worker; returns 0, or -1 when a bound or the pool refuses it (busy). */
static int
submit(mcp_call_t *call, mcp_ctx_t *ctx, const mcp_tool_entry_t *entry, const json_value_t *args)
{
    int waits = waits_for_client(entry);
    tool_job_t *job = malloc(sizeof(*job));
    if (job == NULL)
        return -1;
    *job = (tool_job_t){.ctx = ctx, .args = args, .waits_for_client = waits, .server = call->req->server};
    buf_init(&job->response, 0);
    workers_job_t w = {.run = run_job, .wake = wake_job, .done = finish_job, .data = job};
    if (methods_submit(call, ctx, entry->tool->name, waits, &w) != 0) {
        free(job);
        return -1;
    }
    return 0;
}

/* 2025-11-25: input validation failures are tool results the model can read and correct. */
static mcp_outcome_t
invalid_arguments(mcp_call_t *call, jsonw_t *w, const char *why)
{
    jsonw_object_begin(w);
    jsonw_key(w, "content");
    jsonw_array_begin(w);
    jsonw_object_begin(w);
    jsonw_kv_string(w, "type", "text");
    char text[300];
    snprintf(text, sizeof(text), "Invalid arguments: %s", why);
    jsonw_kv_string(w, "text", text);
    jsonw_object_end(w);
    jsonw_array_end(w);
    jsonw_kv_bool(w, "isError", 1);
    era_result_end(call->req, w, NULL);
    return MCP_OUTCOME_DONE;
}

mcp_outcome_t
tools_call(mcp_call_t *call, jsonw_t *w)
{
    const char *name = json_string(json_get(call->params, "name"));
    if (name == NULL)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: name must be a string", NULL);
    const mcp_tool_entry_t *entry = registry_find_tool(server_registry(call->req->server), name);
    remote_tools_t *rt = server_remote_tools(call->req->server);
    if (entry == NULL && rt != NULL)
        entry = remote_snapshot_find(remote_tools_snapshot(rt), name); /* a registered tool */
    if (entry == NULL)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: unknown tool", NULL);
    call->tool_name = entry->tool->name;
    const json_value_t *args = methods_arguments(call);
    if (args == NULL)
        return MCP_OUTCOME_DONE;
    const json_value_t *token = json_get(json_get(call->params, "_meta"), "progressToken");
    if (token != NULL && !jsonrpc_valid_id(token))
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: progressToken must be a string or an integer", NULL);
    if (era_check_tool_call(call->req, entry, args, &call->error) != 0)
        return MCP_OUTCOME_DONE;
    int as_task;
    if (tasks_decide(call->req, entry->tool, &as_task, &call->error) != 0)
        return MCP_OUTCOME_DONE;
    char why[256];
    if (schema_validate(entry->input_schema, args, why, sizeof(why)) != 0)
        return invalid_arguments(call, w, why);

    mcp_ctx_t *ctx = ctx_new(call, MCP_CTX_TOOL);
    if (ctx == NULL)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error", NULL);
    ctx_set_tool(ctx, entry, token);
    ctx_set_args(ctx, args);
    ctx_set_may_become_task(ctx, as_task);
    mcp_rpc_error_t e = {0};
    mcp_outcome_t outcome = MCP_OUTCOME_DONE;
    if (input_required_begin(ctx, call, name, args, &e) != 0) {
        outcome = methods_keep_error(call, &e);
    } else if (entry->tool->nonblocking) {
        outcome = run_tool(ctx, args, w, &e);
        if (e.code != 0)
            outcome = methods_keep_error(call, &e);
    } else if (submit(call, ctx, entry, args) == 0) {
        return MCP_OUTCOME_DEFERRED; /* the worker owns the context now */
    } else {
        /* refused at once, so that a client that behaves can come back, rather than queued behind work that may never end */
        call->overloaded = 1;
        outcome = call_error(call, MCP_SERVER_BUSY, MCP_SERVER_BUSY_MESSAGE, NULL);
    }
    ctx_free(ctx);
    return outcome;
}
