/* prompts.c: prompts/list and prompts/get. */
#include <string.h>

#include "handler_ctx.h"
#include "input_required.h"
#include "methods.h"
#include "pagination.h"
#include "remote_tools.h"
#include "server.h"

mcp_outcome_t
prompts_list(mcp_call_t *call, jsonw_t *w)
{
    const registry_t *r = server_registry(call->req->server);
    /* the built-in prompts, then the registered ones (remote_tools.h) */
    remote_tools_t *rt = server_remote_tools(call->req->server);
    const remote_snapshot_t *snap = rt != NULL ? remote_tools_snapshot(rt) : NULL;
    size_t builtin = registry_num_prompts(r), total = builtin + (snap != NULL ? remote_snapshot_num_prompts(snap) : 0), begin, end;
    if (pagination_list_begin(call, w, 'p', "prompts", total, &begin, &end) != 0)
        return MCP_OUTCOME_DONE;
    for (size_t i = begin; i != end; ++i) {
        const mcp_prompt_t *p = i < builtin ? registry_prompt(r, i) : remote_snapshot_prompt(snap, i - builtin);
        jsonw_object_begin(w);
        jsonw_kv_string(w, "name", p->name);
        if (p->title != NULL && call->req->version >= MCP_V2025_06_18)
            jsonw_kv_string(w, "title", p->title);
        jsonw_kv_string(w, "description", p->description);
        if (p->arguments != NULL && p->arguments[0].name != NULL) {
            jsonw_key(w, "arguments");
            jsonw_array_begin(w);
            for (const mcp_prompt_arg_t *a = p->arguments; a->name != NULL; ++a) {
                jsonw_object_begin(w);
                jsonw_kv_string(w, "name", a->name);
                if (a->description != NULL)
                    jsonw_kv_string(w, "description", a->description);
                jsonw_kv_bool(w, "required", a->required);
                jsonw_object_end(w);
            }
            jsonw_array_end(w);
        }
        jsonw_object_end(w);
    }
    pagination_list_end_cached(call, w, 'p', end, total, rt != NULL ? remote_tools_cache_hint(rt) : call->method->cache);
    return MCP_OUTCOME_DONE;
}

mcp_outcome_t
prompts_get(mcp_call_t *call, jsonw_t *w)
{
    const char *name = json_string(json_get(call->params, "name"));
    const mcp_prompt_t *p = registry_find_prompt(server_registry(call->req->server), name != NULL ? name : "");
    remote_tools_t *rt = server_remote_tools(call->req->server);
    int registered = 0;
    if (p == NULL && rt != NULL && name != NULL)
        registered = (p = remote_snapshot_find_prompt(remote_tools_snapshot(rt), name)) != NULL;
    if (p == NULL)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: unknown prompt", NULL);
    const json_value_t *args = methods_arguments(call);
    if (args == NULL)
        return MCP_OUTCOME_DONE;
    for (size_t i = 0; i != args->u.obj.len; ++i)
        if (args->u.obj.items[i].value->type != JSON_STRING)
            return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: prompt arguments must be strings", NULL);
    for (const mcp_prompt_arg_t *a = p->arguments; a != NULL && a->name != NULL; ++a)
        if (a->required && json_get(args, a->name) == NULL)
            return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: missing required prompt argument", NULL);
    mcp_ctx_t *ctx = ctx_new(call, MCP_CTX_PROMPT);
    if (ctx == NULL)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error", NULL);
    mcp_rpc_error_t e = {0};
    mcp_outcome_t outcome = MCP_OUTCOME_DONE;
    if (registered) {
        /* a Lambda function, on a worker; it asks the client nothing */
        if ((outcome = remote_tools_submit_get(call, ctx, p, args)) == MCP_OUTCOME_DEFERRED)
            return outcome;
    } else if (input_required_begin(ctx, call, p->name, args, &e) != 0) {
        outcome = methods_keep_error(call, &e);
    } else {
        int rc = p->get(ctx, args);
        outcome = input_required_finish(ctx_round(ctx), ctx, w, &e);
        if (e.code != 0)
            outcome = methods_keep_error(call, &e);
        else if (ctx_needs_modern(ctx) != NULL)
            outcome = call_error(call, JSONRPC_INVALID_PARAMS, ctx_needs_modern(ctx), NULL);
        else if (outcome == MCP_OUTCOME_DONE && rc != 0)
            outcome = call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error: the prompt could not be rendered", NULL);
        else if (outcome == MCP_OUTCOME_DONE && ctx_write_prompt(ctx, w, p->description, &e) != 0)
            outcome = methods_keep_error(call, &e);
        else if (outcome == MCP_OUTCOME_DONE)
            era_result_end(call->req, w, call->method->cache);
    }
    ctx_free(ctx);
    return outcome;
}

const json_value_t *
methods_arguments(mcp_call_t *call)
{
    static const json_value_t empty_object = {.type = JSON_OBJECT};
    const json_value_t *args = json_get(call->params, "arguments");
    if (args == NULL || args->type == JSON_NULL)
        return &empty_object;
    if (args->type != JSON_OBJECT) {
        call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: arguments must be an object", NULL);
        return NULL;
    }
    return args;
}

mcp_outcome_t
methods_keep_error(mcp_call_t *call, const mcp_rpc_error_t *e)
{
    const char *data = e->data != NULL ? arena_strndup(call->req->arena, e->data, strlen(e->data)) : NULL;
    return call_error(call, e->code, e->message != NULL ? e->message : "Internal error", data);
}
