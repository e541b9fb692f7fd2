/* resources.c: resources/list, resources/templates/list, resources/read, resources/(un)subscribe. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* resources/list and resources/templates/list differ only in the list and the URI's key. */
static int
list(mcp_call_t *call, jsonw_t *w, char kind, const char *key, const mcp_resource_t *const *items, size_t total, int templates)
{
    size_t begin, end;
    int ret = pagination_list_begin(call, w, kind, key, total, &begin, &end);
    if (ret != 0)
        return ret;
    for (size_t i = begin; i != end; ++i) {
        const mcp_resource_t *r = items[i];
        jsonw_object_begin(w);
        if (templates)
            jsonw_kv_string(w, "uriTemplate", r->uri_template);
        else
            jsonw_kv_string(w, "uri", r->uri);
        jsonw_kv_string(w, "name", r->name);
        if (r->title != NULL && call->ex->version >= MCP_V2025_06_18)
            jsonw_kv_string(w, "title", r->title);
        if (r->description != NULL)
            jsonw_kv_string(w, "description", r->description);
        if (r->mime_type != NULL)
            jsonw_kv_string(w, "mimeType", r->mime_type);
        if (r->annotations != NULL)
            jsonw_kv_raw(w, "annotations", r->annotations);
        jsonw_object_end(w);
    }
    pagination_list_end(call, w, kind, end, total);
    return 0;
}

int
resources_list(mcp_call_t *call, jsonw_t *w)
{
    mcp_server_t *s = call->ex->server;
    return list(call, w, 'r', "resources", s->resources, s->num_resources, 0);
}

int
resources_templates_list(mcp_call_t *call, jsonw_t *w)
{
    mcp_server_t *s = call->ex->server;
    return list(call, w, 'T', "resourceTemplates", s->templates, s->num_templates, 1);
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
        if (i + 2 >= n)
            return NULL;
        char hex[3] = {s[i + 1], s[i + 2], '\0'};
        if (strspn(hex, "0123456789abcdefABCDEF") != 2)
            return NULL;
        out[len++] = (char)strtol(hex, NULL, 16);
        i += 2;
    }
    out[len] = '\0';
    if (memchr(out, '\0', len) != NULL || !json_utf8_valid(out, len))
        return NULL;
    *out_len = len;
    return out;
}

/*
 * Matches uri against an RFC 6570 level-1 template; each {var} takes one or more characters up to the
 * next '/', '?' or '#', percent-decoded. On a match, the variables are added to vars.
 */
static int
template_match(arena_t *arena, const char *tmpl, const char *uri, json_value_t *vars)
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
resources_find(mcp_server_t *s, arena_t *arena, const char *uri, json_value_t **vars)
{
    json_value_t *v = arena_alloc(arena, sizeof(*v));
    if (v == NULL)
        return NULL;
    v->type = JSON_OBJECT;
    v->u.obj.len = 0;
    v->u.obj.items = NULL;
    *vars = v;
    for (size_t i = 0; i != s->num_resources; ++i)
        if (strcmp(s->resources[i]->uri, uri) == 0)
            return s->resources[i];
    for (size_t i = 0; i != s->num_templates; ++i)
        if (template_match(arena, s->templates[i]->uri_template, uri, v))
            return s->templates[i];
    return NULL;
}

/* RFC 3986 shape: a scheme, ':', then no spaces or control characters. */
static int
valid_uri(const char *uri, size_t len)
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
    if (uri == NULL || uri->type != JSON_STRING || !valid_uri(uri->u.str.ptr, uri->u.str.len)) {
        call->error_message = "Invalid params: uri must be an absolute URI";
        return NULL;
    }
    return uri;
}

static int
not_found(mcp_call_t *call, const json_value_t *uri)
{
    buf_t data = BUF_INIT(0);
    jsonw_t dw;
    jsonw_init(&dw, &data);
    jsonw_object_begin(&dw);
    jsonw_key(&dw, "uri");
    jsonw_value(&dw, uri);
    jsonw_object_end(&dw);
    call->error_data = arena_strndup(&call->ex->arena, data.data, data.len);
    buf_dispose(&data);
    call->error_message = "Resource not found";
    return era_resource_not_found_code(call->ex);
}

int
resources_read(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *uri = uri_param(call);
    if (uri == NULL)
        return JSONRPC_INVALID_PARAMS;
    mcp_ctx_t ctx;
    ctx_init(&ctx, call->ex, MCP_CTX_RESOURCE, call->id, call->params);
    json_value_t *vars;
    const mcp_resource_t *r = resources_find(call->ex->server, &ctx.arena, uri->u.str.ptr, &vars);
    int ret = 0;
    if (r == NULL) {
        ret = not_found(call, uri);
        goto exit;
    }
    if ((ret = mrtr_begin(&ctx, call, uri->u.str.ptr, NULL, &call->error_message)) != 0)
        goto exit;
    int rc = r->read(&ctx, uri->u.str.ptr, vars);
    if ((ret = mrtr_finish(&ctx, w)) != 0) {
        ret = ret > 0 ? 0 : ctx_copy_error(&ctx, call, ret);
        goto exit;
    }
    if (rc == MCP_NOT_FOUND) {
        ret = not_found(call, uri);
        goto exit;
    }
    if (rc != 0 || ctx.num_items == 0 || buf_failed(&ctx.items)) {
        call->error_message = "Internal error: the resource could not be read";
        ret = JSONRPC_INTERNAL_ERROR;
        goto exit;
    }
    jsonw_object_begin(w);
    jsonw_key(w, "contents");
    jsonw_array_begin(w);
    jsonw_raw(w, ctx.items.data, ctx.items.len);
    jsonw_array_end(w);
    era_result_end(call->ex, w, call->method->cache);
exit:
    ctx_dispose(&ctx);
    return ret;
}

int
resources_subscribe(mcp_call_t *call, jsonw_t *w)
{
    const json_value_t *uri = uri_param(call);
    if (uri == NULL)
        return JSONRPC_INVALID_PARAMS;
    json_value_t *vars;
    const mcp_resource_t *r = resources_find(call->ex->server, &call->ex->arena, uri->u.str.ptr, &vars);
    if (r == NULL)
        return not_found(call, uri);
    if (!r->subscribable) {
        call->error_message = "Invalid params: this resource does not support subscriptions";
        return JSONRPC_INVALID_PARAMS;
    }
    jsonw_raw(w, "{}", 2);
    return 0;
}
