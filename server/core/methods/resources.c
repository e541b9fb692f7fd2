/* resources.c: resources/list, resources/templates/list, resources/read, resources/(un)subscribe. */
#include <string.h>

#include "handler_ctx.h"
#include "hex.h"
#include "input_required.h"
#include "methods.h"
#include "pagination.h"
#include "remote_tools.h"
#include "server.h"

/* resources/list and resources/templates/list differ only in the list and the URI's key; registered ones come last. */
static mcp_outcome_t
list(mcp_call_t *call, jsonw_t *w, char kind, const char *key, int templates)
{
    const registry_t *reg = server_registry(call->req->server);
    remote_tools_t *rt = server_remote_tools(call->req->server);
    const remote_snapshot_t *snap = rt != NULL ? remote_tools_snapshot(rt) : NULL;
    size_t builtin = templates ? registry_num_templates(reg) : registry_num_resources(reg);
    size_t total = builtin + (snap != NULL ? remote_snapshot_num_resources(snap, templates) : 0), begin, end;
    if (pagination_list_begin(call, w, kind, key, total, &begin, &end) != 0)
        return MCP_OUTCOME_DONE;
    for (size_t i = begin; i != end; ++i) {
        const mcp_resource_t *r = i >= builtin ? remote_snapshot_resource(snap, templates, i - builtin)
                                  : templates  ? registry_template(reg, i)
                                               : registry_resource(reg, i);
        jsonw_object_begin(w);
        if (templates)
            jsonw_kv_string(w, "uriTemplate", r->uri_template);
        else
            jsonw_kv_string(w, "uri", r->uri);
        jsonw_kv_string(w, "name", r->name);
        if (r->title != NULL && call->req->version >= MCP_V2025_06_18)
            jsonw_kv_string(w, "title", r->title);
        if (r->description != NULL)
            jsonw_kv_string(w, "description", r->description);
        if (r->mime_type != NULL)
            jsonw_kv_string(w, "mimeType", r->mime_type);
        if (r->annotations != NULL)
            jsonw_kv_raw(w, "annotations", r->annotations);
        jsonw_object_end(w);
    }
    pagination_list_end_cached(call, w, kind, end, total, rt != NULL ? remote_tools_cache_hint(rt) : call->method->cache);
    return MCP_OUTCOME_DONE;
}

mcp_outcome_t
resources_list(mcp_call_t *call, jsonw_t *w)
{
    return list(call, w, 'r', "resources", 0);
}

mcp_outcome_t
resources_templates_list(mcp_call_t *call, jsonw_t *w)
{
    return list(call, w, 'T', "resourceTemplates", 1);
}

/* Percent-decodes s[0..n) into the arena; NULL for a malformed escape or a result that is not UTF-8 text. */
static char *
percent_decode(arena_t *arena, const char *s, size_t n, size_t *out_len)
{
    char *out = arena_alloc(arena, n + 1);
    if (out == NULL)
        return NULL;
    size_t len = 0;
    for (size_t i = 0; i != n; ++i) {
        if (s[i] != '%') {
            out[len++] = s[i];
            continue;
        }
        uint32_t byte;
        if (i + 2 >= n || hex_parse(s + i + 1, 2, &byte) != 0)
            return NULL;
        out[len++] = (char)byte;
        i += 2;
    }
    out[len] = '\0';
    if (memchr(out, '\0', len) != NULL || !json_utf8_valid(out, len))
        return NULL;
    *out_len = len;
    return out;
}

int
resources_template_match(arena_t *arena, const char *tmpl, const char *uri, json_value_t *vars)
{
    json_member_t found[8];
    size_t nfound = 0;
    while (*tmpl != '\0') {
        if (*tmpl != '{') {
            if (*uri != *tmpl)
                return 0;
            ++tmpl, ++uri;
            continue;
        }
        const char *close = strchr(tmpl, '}');
        if (close == NULL || nfound == sizeof(found) / sizeof(found[0]))
            return 0;
        size_t n = strcspn(uri, "/?#");
        if (n == 0)
            return 0;
        json_value_t *v = arena_alloc(arena, sizeof(*v));
        if (v == NULL)
            return 0;
        v->type = JSON_STRING;
        if ((v->u.str.ptr = percent_decode(arena, uri, n, &v->u.str.len)) == NULL)
            return 0;
        found[nfound].key = arena_strndup(arena, tmpl + 1, (size_t)(close - tmpl - 1));
        found[nfound].key_len = (size_t)(close - tmpl - 1);
        found[nfound].value = v;
        if (v->u.str.ptr == NULL || found[nfound].key == NULL)
            return 0;
        ++nfound;
        tmpl = close + 1;
        uri += n;
    }
    if (*uri != '\0')
        return 0;
    vars->type = JSON_OBJECT;
    vars->u.obj.len = nfound;
    vars->u.obj.items = nfound != 0 ? arena_alloc(arena, nfound * sizeof(json_member_t)) : NULL;
    if (nfound != 0) {
        if (vars->u.obj.items == NULL)
            return 0;
        memcpy(vars->u.obj.items, found, nfound * sizeof(json_member_t));
    }
    return 1;
}

const mcp_resource_t *
resources_find(const registry_t *r, arena_t *arena, const char *uri, json_value_t **vars)
{
    json_value_t *v = arena_alloc(arena, sizeof(*v));
    if (v == NULL)
        return NULL;
    v->type = JSON_OBJECT;
    v->u.obj.len = 0;
    v->u.obj.items = NULL;
    *vars = v;
    for (size_t i = 0; i != registry_num_resources(r); ++i)
        if (strcmp(registry_resource(r, i)->uri, uri) == 0)
            return registry_resource(r, i);
    for (size_t i = 0; i != registry_num_templates(r); ++i)
        if (resources_template_match(arena, registry_template(r, i)->uri_template, uri, v))
            return registry_template(r, i);
    return NULL;
}

int
resources_valid_uri(const char *uri, size_t len)
{
    size_t i = 0;
    if (len == 0 || !((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z')))
        return 0;
    while (i < len && ((uri[i] >= 'a' && uri[i] <= 'z') || (uri[i] >= 'A' && uri[i] <= 'Z') || (uri[i] >= '0' && uri[i] <= '9') ||
                       uri[i] == '+' || uri[i] == '-' || uri[i] == '.'))
        ++i;
    if (i == len || uri[i] != ':')
        return 0;
    for (; i != len; ++i)
        if ((unsigned char)uri[i] <= 0x20 || uri[i] == 0x7f)
            return 0;
    return 1;
}

/* The uri parameter, checked; returns NULL with the error set. */
static const json_value_t *
uri_param(mcp_call_t *call)
{
    const json_value_t *uri = json_get(call->params, "uri");
    if (uri == NULL || uri->type != JSON_STRING || !resources_valid_uri(uri->u.str.ptr, uri->u.str.len)) {
        call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: uri must be an absolute URI", NULL);
        return NULL;
    }
    return uri;
}

static mcp_outcome_t
not_found(mcp_call_t *call, const json_value_t *uri)
{
    buf_t data = BUF_INIT(0);
    jsonw_t dw;
    jsonw_init(&dw, &data);
    jsonw_object_begin(&dw);
    jsonw_key(&dw, "uri");
    jsonw_value(&dw, uri);
    jsonw_object_end(&dw);
    const char *text = arena_strndup(call->req->arena, data.data, data.len);
    buf_dispose(&data);
    return call_error(call, era_resource_not_found_code(call->req), "Resource not found", text);
}

mcp_outcome_t
resources_read(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *uri = uri_param(call);
    if (uri == NULL)
        return MCP_OUTCOME_DONE;
    mcp_ctx_t *ctx = ctx_new(call, MCP_CTX_RESOURCE);
    if (ctx == NULL)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error", NULL);
    json_value_t *vars;
    const mcp_resource_t *r = resources_find(server_registry(call->req->server), call->req->arena, uri->u.str.ptr, &vars);
    remote_tools_t *rt = server_remote_tools(call->req->server);
    int registered = 0;
    if (r == NULL && rt != NULL)
        registered =
            (r = remote_snapshot_find_resource(remote_tools_snapshot(rt), call->req->arena, uri->u.str.ptr, &vars)) != NULL;
    mcp_rpc_error_t e = {0};
    mcp_outcome_t outcome = MCP_OUTCOME_DONE;
    if (r == NULL) {
        outcome = not_found(call, uri);
    } else if (registered) {
        /* a Lambda function, on a worker; it asks the client nothing */
        if ((outcome = remote_tools_submit_read(call, ctx, r, uri->u.str.ptr, vars)) == MCP_OUTCOME_DEFERRED)
            return outcome;
    } else if (input_required_begin(ctx, call, uri->u.str.ptr, NULL, &e) != 0) {
        outcome = methods_keep_error(call, &e);
    } else {
        int rc = r->read(ctx, uri->u.str.ptr, vars);
        outcome = input_required_finish(ctx_round(ctx), ctx, w, &e);
        if (e.code != 0)
            outcome = methods_keep_error(call, &e);
        else if (ctx_needs_modern(ctx) != NULL)
            outcome = call_error(call, JSONRPC_INVALID_PARAMS, ctx_needs_modern(ctx), NULL);
        else if (outcome == MCP_OUTCOME_DONE && rc == MCP_NOT_FOUND)
            outcome = not_found(call, uri);
        else if (outcome == MCP_OUTCOME_DONE && rc != 0)
            outcome = call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error: the resource could not be read", NULL);
        else if (outcome == MCP_OUTCOME_DONE && ctx_write_contents(ctx, w, &e) != 0)
            outcome = methods_keep_error(call, &e);
        else if (outcome == MCP_OUTCOME_DONE)
            era_result_end(call->req, w, call->method->cache);
    }
    ctx_free(ctx);
    return outcome;
}

mcp_outcome_t
resources_subscribe(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *uri = uri_param(call);
    if (uri == NULL)
        return MCP_OUTCOME_DONE;
    json_value_t *vars;
    const mcp_resource_t *r = resources_find(server_registry(call->req->server), call->req->arena, uri->u.str.ptr, &vars);
    if (r == NULL)
        return not_found(call, uri);
    if (!r->subscribable)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: this resource does not support subscriptions", NULL);
    jsonw_raw(w, "{}", 2);
    return MCP_OUTCOME_DONE;
}
