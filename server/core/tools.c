/* tools.c: tools/list and tools/call. Arguments are validated against the input schema before a handler runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"

static const char no_parameters_schema[] = "{\"type\":\"object\",\"additionalProperties\":false}";

int
tools_list(mcp_call_t *call, jsonw_t *w)
{
    mcp_server_t *s = call->ex->server;
    mcp_version_t v = call->ex->version;
    size_t begin, end;
    int ret = pagination_list_begin(call, w, 't', "tools", s->num_tools, &begin, &end);
    if (ret != 0)
        return ret;
    for (size_t i = begin; i != end; ++i) {
        const mcp_tool_entry_t *e = &s->tools[i];
        const mcp_tool_t *t = e->tool;
        jsonw_object_begin(w);
        jsonw_kv_string(w, "name", t->name);
        if (t->title != NULL && v >= MCP_V2025_06_18)
            jsonw_kv_string(w, "title", t->title);
        jsonw_kv_string(w, "description", t->description);
        jsonw_key(w, "inputSchema");
        if (e->input_schema != NULL)
            jsonw_value(w, e->input_schema);
        else
            jsonw_raw(w, no_parameters_schema, sizeof(no_parameters_schema) - 1);
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
    pagination_list_end(call, w, 't', end, s->num_tools);
    return 0;
}

static const mcp_tool_entry_t *
find_tool(mcp_server_t *s, const char *name)
{
    for (size_t i = 0; i != s->num_tools; ++i)
        if (strcmp(s->tools[i].tool->name, name) == 0)
            return &s->tools[i];
    return NULL;
}

int
tools_call(mcp_call_t *call, jsonw_t *w)
{
    mcp_exchange_t *ex = call->ex;
    const char *name = json_string(json_get(call->params, "name"));
    if (name == NULL) {
        call->error_message = "Invalid params: name must be a string";
        return JSONRPC_INVALID_PARAMS;
    }
    const mcp_tool_entry_t *entry = find_tool(ex->server, name);
    if (entry == NULL) {
        call->error_message = "Invalid params: unknown tool";
        return JSONRPC_INVALID_PARAMS;
    }
    call->tool_name = entry->tool->name;
    static const json_value_t empty_object = {.type = JSON_OBJECT};
    const json_value_t *args = json_get(call->params, "arguments");
    if (args == NULL || args->type == JSON_NULL)
        args = &empty_object;
    if (args->type != JSON_OBJECT) {
        call->error_message = "Invalid params: arguments must be an object";
        return JSONRPC_INVALID_PARAMS;
    }
    const json_value_t *meta = json_get(call->params, "_meta");
    const json_value_t *token = json_get(meta, "progressToken");
    if (token != NULL && !jsonrpc_valid_id(token)) {
        call->error_message = "Invalid params: progressToken must be a string or an integer";
        return JSONRPC_INVALID_PARAMS;
    }
    int ret = era_check_tool_call(call, entry, args);
    if (ret != 0)
        return ret;

    char why[256];
    if (entry->input_schema != NULL && schema_validate(entry->input_schema, args, why, sizeof(why)) != 0) {
        /* 2025-11-25: input validation failures are tool results the model can read and correct */
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
        era_result_end(ex, w, NULL);
        return 0;
    }

    if (entry->tool->inline_) {
        mcp_ctx_t ctx;
        ctx_init(&ctx, ex, MCP_CTX_TOOL, call->id, call->params);
        ctx.tool = entry;
        ctx.progress_token = token;
        if ((ret = mrtr_begin(&ctx, call, name, args, &call->error_message)) == 0 && (ret = ctx_run_tool(&ctx, args, w)) != 0)
            ctx_copy_error(&ctx, call, ret);
        ctx_dispose(&ctx);
        return ret;
    }
    mcp_ctx_t *ctx = malloc(sizeof(*ctx));
    if (ctx == NULL) {
        call->error_message = "Internal error";
        return JSONRPC_INTERNAL_ERROR;
    }
    ctx_init(ctx, ex, MCP_CTX_TOOL, call->id, call->params);
    ctx->tool = entry;
    ctx->progress_token = token;
    ctx->on_worker = 1;
    if ((ret = mrtr_begin(ctx, call, name, args, &call->error_message)) != 0) {
        ctx_dispose(ctx);
        free(ctx);
        return ret;
    }
    if (exec_submit_tool(ctx, args) != 0) {
        ctx_dispose(ctx);
        free(ctx);
        call->error_message = "Internal error: server busy";
        return JSONRPC_INTERNAL_ERROR;
    }
    return MCP_DEFERRED;
}
