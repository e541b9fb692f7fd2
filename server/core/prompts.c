/* prompts.c: prompts/list, prompts/get and completion/complete. */
#include <string.h>

#include "internal.h"

int
prompts_list(mcp_call_t *call, jsonw_t *w)
{
    mcp_server_t *s = call->ex->server;
    size_t begin, end;
    int ret = pagination_list_begin(call, w, 'p', "prompts", s->num_prompts, &begin, &end);
    if (ret != 0)
        return ret;
    for (size_t i = begin; i != end; ++i) {
        const mcp_prompt_t *p = s->prompts[i];
        jsonw_object_begin(w);
        jsonw_kv_string(w, "name", p->name);
        if (p->title != NULL && call->ex->version >= MCP_V2025_06_18)
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
    pagination_list_end(call, w, 'p', end, s->num_prompts);
    return 0;
}

static const mcp_prompt_t *
find_prompt(mcp_server_t *s, const char *name)
{
    for (size_t i = 0; i != s->num_prompts; ++i)
        if (strcmp(s->prompts[i]->name, name) == 0)
            return s->prompts[i];
    return NULL;
}

int
prompts_get(mcp_call_t *call, jsonw_t *w)
{
    const mcp_prompt_t *p = find_prompt(call->ex->server, json_string(json_get(call->params, "name")) ?: "");
    if (p == NULL) {
        call->error_message = "Invalid params: unknown prompt";
        return JSONRPC_INVALID_PARAMS;
    }
    static const json_value_t empty_object = {.type = JSON_OBJECT};
    const json_value_t *args = json_get(call->params, "arguments");
    if (args == NULL || args->type == JSON_NULL)
        args = &empty_object;
    if (args->type != JSON_OBJECT) {
        call->error_message = "Invalid params: arguments must be an object";
        return JSONRPC_INVALID_PARAMS;
    }
    for (size_t i = 0; i != args->u.obj.len; ++i) {
        if (args->u.obj.items[i].value->type != JSON_STRING) {
            call->error_message = "Invalid params: prompt arguments must be strings";
            return JSONRPC_INVALID_PARAMS;
        }
    }
    for (const mcp_prompt_arg_t *a = p->arguments; a != NULL && a->name != NULL; ++a) {
        if (a->required && json_get(args, a->name) == NULL) {
            call->error_message = "Invalid params: missing required prompt argument";
            return JSONRPC_INVALID_PARAMS;
        }
    }
    mcp_ctx_t ctx;
    ctx_init(&ctx, call->ex, MCP_CTX_PROMPT, call->id, call->params);
    int ret = mrtr_begin(&ctx, call, p->name, args, &call->error_message);
    if (ret != 0)
        goto exit;
    int rc = p->get(&ctx, args);
    if ((ret = mrtr_finish(&ctx, w)) != 0) {
        ret = ret > 0 ? 0 : ctx_copy_error(&ctx, call, ret);
        goto exit;
    }
    if (rc != 0 || buf_failed(&ctx.items)) {
        call->error_message = "Internal error: the prompt could not be rendered";
        ret = JSONRPC_INTERNAL_ERROR;
        goto exit;
    }
    jsonw_object_begin(w);
    if (ctx.prompt_description != NULL)
        jsonw_kv_string(w, "description", ctx.prompt_description);
    else if (p->description != NULL)
        jsonw_kv_string(w, "description", p->description);
    jsonw_key(w, "messages");
    jsonw_array_begin(w);
    jsonw_raw(w, ctx.items.data != NULL ? ctx.items.data : "", ctx.items.len);
    jsonw_array_end(w);
    era_result_end(call->ex, w, call->method->cache);
exit:
    ctx_dispose(&ctx);
    return ret;
}

int
completion_complete(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *ref = json_get(call->params, "ref");
    const json_value_t *argument = json_get(call->params, "argument");
    const char *type = json_string(json_get(ref, "type"));
    const char *arg_name = json_string(json_get(argument, "name"));
    const char *arg_value = json_string(json_get(argument, "value"));
    const json_value_t *context = json_get(json_get(call->params, "context"), "arguments");
    if (type == NULL || arg_name == NULL || arg_value == NULL || (context != NULL && context->type != JSON_OBJECT)) {
        call->error_message = "Invalid params: ref.type, argument.name and argument.value are required";
        return JSONRPC_INVALID_PARAMS;
    }
    mcp_completer_t completer = NULL;
    int known_argument = 0;
    if (strcmp(type, "ref/prompt") == 0) {
        const mcp_prompt_t *p = find_prompt(call->ex->server, json_string(json_get(ref, "name")) ?: "");
        if (p == NULL) {
            call->error_message = "Invalid params: unknown prompt";
            return JSONRPC_INVALID_PARAMS;
        }
        for (const mcp_prompt_arg_t *a = p->arguments; a != NULL && a->name != NULL; ++a)
            known_argument |= strcmp(a->name, arg_name) == 0;
        completer = p->complete;
    } else if (strcmp(type, "ref/resource") == 0) {
        const char *uri = json_string(json_get(ref, "uri"));
        mcp_server_t *s = call->ex->server;
        for (size_t i = 0; uri != NULL && i != s->num_templates; ++i)
            if (strcmp(s->templates[i]->uri_template, uri) == 0)
                known_argument = 1;
        if (!known_argument) {
            call->error_message = "Invalid params: unknown resource template";
            return JSONRPC_INVALID_PARAMS;
        }
    } else {
        call->error_message = "Invalid params: ref.type must be ref/prompt or ref/resource";
        return JSONRPC_INVALID_PARAMS;
    }
    if (!known_argument) {
        call->error_message = "Invalid params: unknown argument";
        return JSONRPC_INVALID_PARAMS;
    }
    mcp_ctx_t ctx;
    ctx_init(&ctx, call->ex, MCP_CTX_COMPLETION, call->id, call->params);
    if ((completer != NULL && completer(&ctx, arg_name, arg_value, context) != 0) || buf_failed(&ctx.items)) {
        ctx_dispose(&ctx);
        call->error_message = "Internal error: the completion failed";
        return JSONRPC_INTERNAL_ERROR;
    }
    size_t sent = ctx.num_items < 100 ? ctx.num_items : 100;
    jsonw_object_begin(w);
    jsonw_key(w, "completion");
    jsonw_object_begin(w);
    jsonw_key(w, "values");
    jsonw_array_begin(w);
    jsonw_raw(w, ctx.items.data != NULL ? ctx.items.data : "", ctx.items.len);
    jsonw_array_end(w);
    jsonw_kv_int(w, "total", (int64_t)ctx.num_items);
    jsonw_kv_bool(w, "hasMore", ctx.num_items > sent);
    jsonw_object_end(w);
    era_result_end(call->ex, w, call->method->cache);
    ctx_dispose(&ctx);
    return 0;
}
