/*
 * registry.c: the tools, resources and prompts of the enabled sets (see registry.h), checked once here.
 */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "schema.h"
#include "tool_params.h"

struct st_registry_t {
    arena_t arena; /* parsed schemas and the arrays below, for the server's lifetime */
    mcp_tool_entry_t *tools;
    size_t num_tools;
    const mcp_resource_t **resources; /* fixed URIs */
    size_t num_resources;
    const mcp_resource_t **templates;
    size_t num_templates;
    const mcp_prompt_t **prompts;
    size_t num_prompts;
    char *cors_allow_headers; /* the headers a browser may send: the fixed ones and every tool's Mcp-Param-* */
};

#define CORS_FIXED_HEADERS                                                                                                         \
    "content-type, accept, authorization, mcp-protocol-version, mcp-session-id, last-event-id, mcp-method, mcp-name"

/* The preflight's Access-Control-Allow-Headers: the fixed set, then each tool's Mcp-Param-* name once. */
static int
build_cors_allow_headers(registry_t *s)
{
    buf_t b = BUF_INIT(1u << 20);
    buf_append_str(&b, CORS_FIXED_HEADERS);
    for (size_t i = 0; i != s->num_tools; ++i) {
        for (size_t k = 0; k != s->tools[i].num_header_params; ++k) {
            const char *name = s->tools[i].header_params[k].header;
            int seen = 0;
            for (size_t j = 0; j != i && !seen; ++j)
                for (size_t m = 0; m != s->tools[j].num_header_params && !seen; ++m)
                    seen = strcmp(s->tools[j].header_params[m].header, name) == 0;
            for (size_t m = 0; m != k && !seen; ++m)
                seen = strcmp(s->tools[i].header_params[m].header, name) == 0;
            if (!seen)
                buf_printf(&b, ", %s", name);
        }
    }
    s->cors_allow_headers = buf_failed(&b) ? NULL : arena_strndup(&s->arena, b.data, b.len);
    buf_dispose(&b);
    return s->cors_allow_headers != NULL ? 0 : -1;
}

static int
valid_tool_name(const char *name)
{
    size_t len = strlen(name);
    return len >= 1 && len <= 128 && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
}

/* A JSON fragment inserted verbatim into responses must be valid and on one line (SSE framing). */
static int
valid_fragment(arena_t *arena, const char *json, json_type_t type)
{
    json_value_t *v;
    return strpbrk(json, "\r\n") == NULL && json_parse(arena, json, strlen(json), 64, &v) == 0 && v->type == type;
}

static int
parse_schema(registry_t *s, const char *owner, const char *which, const char *text, const json_value_t **out, char *err,
             size_t err_len)
{
    json_value_t *v;
    if (json_parse(&s->arena, text, strlen(text), 64, &v) != 0 || v->type != JSON_OBJECT)
        return error_format(err, err_len, "tool %s: %s is not a JSON object", owner, which);
    const char *type = json_string(json_get(v, "type"));
    if (type == NULL || strcmp(type, "object") != 0)
        return error_format(err, err_len, "tool %s: %s must have type \"object\"", owner, which);
    char why[200];
    if (schema_check(v, why, sizeof(why)) != 0)
        return error_format(err, err_len, "tool %s: %s: %s", owner, which, why);
    *out = v;
    return 0;
}

/* A schema from the typed rows (generated), from JSON text, or the fallback (NULL: none). */
static int
schema_of(registry_t *s, const mcp_tool_t *t, const char *which, const mcp_param_t *rows, const char *text, const char *fallback,
          const json_value_t **out, char *err, size_t err_len)
{
    *out = NULL;
    if (rows == NULL && text == NULL)
        text = fallback;
    if (rows == NULL)
        return text != NULL ? parse_schema(s, t->name, which, text, out, err, err_len) : 0;
    buf_t generated = BUF_INIT(1u << 20);
    char why[200];
    int ret = tool_params_schema(rows, &generated, why, sizeof(why));
    if (ret != 0)
        error_format(err, err_len, "tool %s: %s: %s", t->name, which, why);
    else
        ret = parse_schema(s, t->name, which, generated.data, out, err, err_len);
    buf_dispose(&generated);
    return ret;
}

static int
add_tool(registry_t *s, const mcp_tool_t *t, char *err, size_t err_len)
{
    if (t->name == NULL || !valid_tool_name(t->name))
        return error_format(err, err_len, "tool '%s': name must be 1-128 of [A-Za-z0-9_.-]", t->name ? t->name : "(null)");
    if (t->description == NULL || t->description[0] == '\0')
        return error_format(err, err_len, "tool %s: a description is required", t->name);
    if ((t->params != NULL) == (t->handler != NULL) || (t->params != NULL) != (t->typed_handler != NULL) ||
        (t->params != NULL && t->input_schema != NULL))
        return error_format(err, err_len, "tool %s: either typed parameters (MCP_TOOL_TYPED) or a handler of the JSON arguments",
                            t->name);
    if (t->output != NULL && t->output_schema != NULL)
        return error_format(err, err_len, "tool %s: either a typed output (.output) or an output schema", t->name);
    for (size_t i = 0; i != s->num_tools; ++i)
        if (strcmp(s->tools[i].tool->name, t->name) == 0)
            return error_format(err, err_len, "tool %s: declared twice", t->name);
    if ((t->annotations != NULL && !valid_fragment(&s->arena, t->annotations, JSON_OBJECT)) ||
        (t->icons != NULL && !valid_fragment(&s->arena, t->icons, JSON_ARRAY)))
        return error_format(err, err_len, "tool %s: annotations must be a JSON object and icons an array, each on one line",
                            t->name);
    mcp_tool_entry_t *e = &s->tools[s->num_tools];
    memset(e, 0, sizeof(*e));
    e->tool = t;
    /* no parameters: the arguments must be an empty object */
    if (schema_of(s, t, "input schema", t->params != NULL ? t->params() : NULL, t->input_schema,
                  "{\"type\":\"object\",\"additionalProperties\":false}", &e->input_schema, err, err_len) != 0)
        return -1;
    if (e->input_schema != NULL) {
        char why[200];
        mcp_header_param_t *params;
        if (headers_collect_params(&s->arena, e->input_schema, &params, &e->num_header_params, why, sizeof(why)) != 0)
            return error_format(err, err_len, "tool %s: input schema: %s", t->name, why);
        e->header_params = params;
    }
    if (t->client_capabilities != NULL) {
        json_value_t *caps;
        if (!valid_fragment(&s->arena, t->client_capabilities, JSON_OBJECT) ||
            json_parse(&s->arena, t->client_capabilities, strlen(t->client_capabilities), 8, &caps) != 0)
            return error_format(err, err_len, "tool %s: client_capabilities must be a JSON object (ClientCapabilities)", t->name);
        e->client_capabilities = caps;
    }
    if (schema_of(s, t, "output schema", t->output != NULL ? t->output() : NULL, t->output_schema, NULL, &e->output_schema, err,
                  err_len) != 0)
        return -1;
    ++s->num_tools;
    return 0;
}

static int
add_resource(registry_t *s, const mcp_resource_t *r, char *err, size_t err_len)
{
    const char *id = r->uri != NULL ? r->uri : r->uri_template;
    if ((r->uri == NULL) == (r->uri_template == NULL) || r->name == NULL || r->read == NULL)
        return error_format(err, err_len, "resource %s: exactly one of uri and uri_template, a name and a reader are required",
                            id ? id : "(null)");
    if (r->annotations != NULL && !valid_fragment(&s->arena, r->annotations, JSON_OBJECT))
        return error_format(err, err_len, "resource %s: annotations must be a JSON object on one line", id);
    const mcp_resource_t **list = r->uri != NULL ? s->resources : s->templates;
    size_t *n = r->uri != NULL ? &s->num_resources : &s->num_templates;
    for (size_t i = 0; i != *n; ++i)
        if (strcmp(r->uri != NULL ? list[i]->uri : list[i]->uri_template, id) == 0)
            return error_format(err, err_len, "resource %s: declared twice", id);
    list[(*n)++] = r;
    return 0;
}

static int
add_prompt(registry_t *s, const mcp_prompt_t *p, char *err, size_t err_len)
{
    if (p->name == NULL || p->description == NULL || p->get == NULL)
        return error_format(err, err_len, "prompt %s: name, description and getter are required", p->name ? p->name : "(null)");
    for (size_t i = 0; i != s->num_prompts; ++i)
        if (strcmp(s->prompts[i]->name, p->name) == 0)
            return error_format(err, err_len, "prompt %s: declared twice", p->name);
    s->prompts[s->num_prompts++] = p;
    return 0;
}

static size_t
count(const void *const *list)
{
    size_t n = 0;
    while (list != NULL && list[n] != NULL)
        ++n;
    return n;
}

int
registry_new(const mcp_config_t *config, registry_t **out, char *err, size_t err_len)
{
    *out = NULL;
    registry_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return error_format(err, err_len, "out of memory");
    arena_init(&s->arena, 0);
    size_t max_tools = 0, max_resources = 0, max_prompts = 0;
    for (size_t i = 0; mcp_toolsets[i] != NULL; ++i) {
        max_tools += count((const void *const *)mcp_toolsets[i]->tools);
        max_resources += count((const void *const *)mcp_toolsets[i]->resources);
        max_prompts += count((const void *const *)mcp_toolsets[i]->prompts);
    }
    s->tools = arena_alloc(&s->arena, (max_tools + 1) * sizeof(*s->tools));
    s->resources = arena_alloc(&s->arena, (max_resources + 1) * sizeof(*s->resources));
    s->templates = arena_alloc(&s->arena, (max_resources + 1) * sizeof(*s->templates));
    s->prompts = arena_alloc(&s->arena, (max_prompts + 1) * sizeof(*s->prompts));
    if (s->tools == NULL || s->resources == NULL || s->templates == NULL || s->prompts == NULL) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    for (size_t c = 0; c != config->toolsets.len; ++c) {
        const mcp_toolset_t *set = NULL;
        for (size_t i = 0; mcp_toolsets[i] != NULL; ++i)
            if (strcmp(mcp_toolsets[i]->name, config->toolsets.items[c]) == 0)
                set = mcp_toolsets[i];
        if (set == NULL) {
            error_format(err, err_len, "unknown tool set '%s'", config->toolsets.items[c]);
            goto fail;
        }
        for (size_t i = 0; set->tools != NULL && set->tools[i] != NULL; ++i)
            if (add_tool(s, set->tools[i], err, err_len) != 0)
                goto fail;
        for (size_t i = 0; set->resources != NULL && set->resources[i] != NULL; ++i)
            if (add_resource(s, set->resources[i], err, err_len) != 0)
                goto fail;
        for (size_t i = 0; set->prompts != NULL && set->prompts[i] != NULL; ++i)
            if (add_prompt(s, set->prompts[i], err, err_len) != 0)
                goto fail;
    }
    if (build_cors_allow_headers(s) != 0) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    *out = s;
    return 0;
fail:
    registry_free(s);
    return -1;
}

void
registry_free(registry_t *r)
{
    if (r == NULL)
        return;
    arena_dispose(&r->arena);
    free(r);
}

size_t
registry_num_tools(const registry_t *r)
{
    return r->num_tools;
}

const mcp_tool_entry_t *
registry_tool(const registry_t *r, size_t i)
{
    return &r->tools[i];
}

const mcp_tool_entry_t *
registry_find_tool(const registry_t *r, const char *name)
{
    for (size_t i = 0; i != r->num_tools; ++i)
        if (strcmp(r->tools[i].tool->name, name) == 0)
            return &r->tools[i];
    return NULL;
}

size_t
registry_num_resources(const registry_t *r)
{
    return r->num_resources;
}

const mcp_resource_t *
registry_resource(const registry_t *r, size_t i)
{
    return r->resources[i];
}

size_t
registry_num_templates(const registry_t *r)
{
    return r->num_templates;
}

const mcp_resource_t *
registry_template(const registry_t *r, size_t i)
{
    return r->templates[i];
}

size_t
registry_num_prompts(const registry_t *r)
{
    return r->num_prompts;
}

const mcp_prompt_t *
registry_prompt(const registry_t *r, size_t i)
{
    return r->prompts[i];
}

const char *
registry_cors_allow_headers(const registry_t *r)
{
    return r->cors_allow_headers;
}

const mcp_prompt_t *
registry_find_prompt(const registry_t *r, const char *name)
{
    for (size_t i = 0; i != r->num_prompts; ++i)
        if (strcmp(r->prompts[i]->name, name) == 0)
            return r->prompts[i];
    return NULL;
}
