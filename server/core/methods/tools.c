/*
 * tools.c: tools/list and tools/call. Arguments are validated against the input schema before a handler
 * runs; a tool that may block runs on a worker (workers.h) and answers through its exchange call, the
 * others run here, on the front door's thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler_ctx.h"
#include "input_required.h"
#include "log.h"
#include "methods.h"
#include "pagination.h"
#include "schema.h"
#include "server.h"
#include "tool_params.h"
#include "workers.h"

mcp_outcome_t
tools_list(mcp_call_t *call, jsonw_t *w)
{
    const registry_t *r = server_registry(call->req->server);
    mcp_version_t v = call->req->version;
    size_t total = registry_num_tools(r), begin, end;
    if (pagination_list_begin(call, w, 't', "tools", total, &begin, &end) != 0)
        return MCP_OUTCOME_DONE;
    for (size_t i = begin; i != end; ++i) {
        const mcp_tool_entry_t *e = registry_tool(r, i);
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
        jsonw_object_end(w);
    }
    pagination_list_end(call, w, 't', end, total);
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
    /* a question for the client ends the round: what the handler emitted meanwhile is not the result */
    mcp_outcome_t outcome = input_required_finish(ctx_round(ctx), ctx, w, e);
    if (outcome == MCP_OUTCOME_DONE && e->code == 0)
        ctx_write_tool_result(ctx, w, e);
    return outcome;
}

typedef struct st_tool_job_t {
    mcp_ctx_t *ctx;
    const json_value_t *args; /* in the exchange's arena */
} tool_job_t;

/* On a worker: runs the tool and completes its exchange call with the response. */
static void
run_job(void *data)
{
    tool_job_t *job = data;
    mcp_ctx_t *ctx = job->ctx;
    exchange_call_t *call = ctx_exchange_call(ctx);
    const mcp_request_t *req = ctx_request(ctx);
    log_set_request_id(req->log_id[0] != '\0' ? req->log_id : NULL);
    buf_t out = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &out);
    jsonrpc_begin_result(&w, ctx_id(ctx));
    mcp_rpc_error_t e = {0};
    /* a job still queued when the client was told it was stopped must not run later after all */
    if (!exchange_call_cut_off(call))
        run_tool(ctx, job->args, &w, &e);
    jsonrpc_end_result(&w);
    if (e.code != 0 || jsonw_failed(&w)) {
        /* an error instead of a result (a capability the client lacks, ...): its HTTP status is long sent */
        buf_reset(&out);
        jsonw_init(&w, &out);
        if (e.code != 0)
            jsonrpc_write_error(&w, ctx_id(ctx), e.code, e.message, e.data);
        else
            jsonrpc_write_error(&w, ctx_id(ctx), JSONRPC_INTERNAL_ERROR, "Internal error: result too large", NULL);
    }
    exchange_complete_call(call, out.data, out.len);
    buf_dispose(&out);
    ctx_free(ctx);
    free(job);
    log_set_request_id(NULL);
}

/* Hands the call to a worker; returns 0, or -1 when the pool refuses it (busy). */
static int
submit(mcp_call_t *call, mcp_ctx_t *ctx, const mcp_tool_entry_t *entry, const json_value_t *args)
{
    tool_job_t *job = malloc(sizeof(*job));
    exchange_call_t *xc = job != NULL ? exchange_begin_call(call->ex, call->id, entry->tool->name) : NULL;
    if (xc == NULL) {
        free(job);
        return -1;
    }
    ctx_set_exchange_call(ctx, xc);
    *job = (tool_job_t){.ctx = ctx, .args = args};
    if (workers_submit(server_workers(call->req->server), run_job, job) != 0) {
        exchange_end_call(xc);
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
    char why[256];
    if (schema_validate(entry->input_schema, args, why, sizeof(why)) != 0)
        return invalid_arguments(call, w, why);

    mcp_ctx_t *ctx = ctx_new(call, MCP_CTX_TOOL);
    if (ctx == NULL)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error", NULL);
    ctx_set_tool(ctx, entry, token);
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
        outcome = call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error: server busy", NULL);
    }
    ctx_free(ctx);
    return outcome;
}
