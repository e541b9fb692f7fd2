/* completion.c: completion/complete, for prompt arguments and resource template variables. */
#include <string.h>

#include "handler_ctx.h"
#include "methods.h"
#include "server.h"

/* Finds the completer for the reference (NULL when it has none); returns NULL, or why the reference is invalid. */
static const char *
find_completer(const registry_t *r, const json_value_t *ref, const char *type, const char *arg_name, mcp_completer_t *out)
{
    int known_argument = 0;
    *out = NULL;
    if (strcmp(type, "ref/prompt") == 0) {
        const char *name = json_string(json_get(ref, "name"));
        const mcp_prompt_t *p = registry_find_prompt(r, name != NULL ? name : "");
        if (p == NULL)
            return "Invalid params: unknown prompt";
        for (const mcp_prompt_arg_t *a = p->arguments; a != NULL && a->name != NULL; ++a)
            known_argument |= strcmp(a->name, arg_name) == 0;
        *out = p->complete;
    } else if (strcmp(type, "ref/resource") == 0) {
        const char *uri = json_string(json_get(ref, "uri"));
        for (size_t i = 0; uri != NULL && i != registry_num_templates(r); ++i)
            if (strcmp(registry_template(r, i)->uri_template, uri) == 0)
                known_argument = 1;
        if (!known_argument)
            return "Invalid params: unknown resource template";
    } else {
        return "Invalid params: ref.type must be ref/prompt or ref/resource";
    }
    return known_argument ? NULL : "Invalid params: unknown argument";
}

mcp_outcome_t
completion_complete(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *ref = json_get(call->params, "ref");
    const json_value_t *argument = json_get(call->params, "argument");
    const char *type = json_string(json_get(ref, "type"));
    const char *arg_name = json_string(json_get(argument, "name"));
    const char *arg_value = json_string(json_get(argument, "value"));
    const json_value_t *context = json_get(json_get(call->params, "context"), "arguments");
    if (type == NULL || arg_name == NULL || arg_value == NULL || (context != NULL && context->type != JSON_OBJECT))
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: ref.type, argument.name and argument.value are required",
                          NULL);
    mcp_completer_t completer;
    const char *invalid = find_completer(server_registry(call->req->server), ref, type, arg_name, &completer);
    if (invalid != NULL)
        return call_error(call, JSONRPC_INVALID_PARAMS, invalid, NULL);
    mcp_ctx_t *ctx = ctx_new(call, MCP_CTX_COMPLETION);
    if (ctx == NULL)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error", NULL);
    mcp_rpc_error_t e = {0};
    mcp_outcome_t outcome = MCP_OUTCOME_DONE;
    if (completer != NULL && completer(ctx, arg_name, arg_value, context) != 0)
        outcome = call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error: the completion failed", NULL);
    else if (ctx_write_completion(ctx, w, &e) != 0)
        outcome = methods_keep_error(call, &e);
    else
        era_result_end(call->req, w, call->method->cache);
    ctx_free(ctx);
    return outcome;
}
