/*
 * server.c: builds the server from configuration: the enabled tool sets are checked once here (names,
 * schemas, JSON fragments), so that a broken declaration stops the server at start rather than
 * producing bad answers later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "error.h"
#include "internal.h"
#include "log.h"

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
parse_schema(mcp_server_t *s, const char *owner, const char *which, const char *text, const json_value_t **out, char *err,
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

static int
add_tool(mcp_server_t *s, const mcp_tool_t *t, char *err, size_t err_len)
{
    if (t->name == NULL || !valid_tool_name(t->name))
        return error_format(err, err_len, "tool '%s': name must be 1-128 of [A-Za-z0-9_.-]", t->name ? t->name : "(null)");
    if (t->description == NULL || t->description[0] == '\0' || t->handler == NULL)
        return error_format(err, err_len, "tool %s: description and handler are required", t->name);
    for (size_t i = 0; i != s->num_tools; ++i)
        if (strcmp(s->tools[i].tool->name, t->name) == 0)
            return error_format(err, err_len, "tool %s: declared twice", t->name);
    if ((t->annotations != NULL && !valid_fragment(&s->arena, t->annotations, JSON_OBJECT)) ||
        (t->icons != NULL && !valid_fragment(&s->arena, t->icons, JSON_ARRAY)))
        return error_format(err, err_len, "tool %s: annotations must be a JSON object and icons an array, each on one line", t->name);
    mcp_tool_entry_t *e = &s->tools[s->num_tools];
    memset(e, 0, sizeof(*e));
    e->tool = t;
    if (t->input_schema != NULL && parse_schema(s, t->name, "input schema", t->input_schema, &e->input_schema, err, err_len) != 0)
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
    if (t->output_schema != NULL &&
        parse_schema(s, t->name, "output schema", t->output_schema, &e->output_schema, err, err_len) != 0)
        return -1;
    ++s->num_tools;
    return 0;
}

static int
add_resource(mcp_server_t *s, const mcp_resource_t *r, char *err, size_t err_len)
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
add_prompt(mcp_server_t *s, const mcp_prompt_t *p, char *err, size_t err_len)
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

mcp_server_t *
mcp_server_new(const mcp_config_t *config, char *err, size_t err_len)
{
    mcp_server_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        error_format(err, err_len, "out of memory");
        return NULL;
    }
    s->config = config;
    arena_init(&s->arena, 0);
    pthread_mutex_init(&s->pending_lock, NULL);
    pthread_mutex_init(&s->listen_lock, NULL);
    pthread_mutex_init(&s->state_key_lock, NULL);
    if (config->request_state_key_len != 0) {
        memcpy(s->state_key, config->request_state_key_bytes, config->request_state_key_len);
        s->state_key_len = config->request_state_key_len;
    } else {
        /* only this process can verify what it seals: fine for one server, not for several behind one endpoint */
        s->state_key_len = 32;
        if (getrandom(s->state_key, s->state_key_len, 0) != (ssize_t)s->state_key_len) {
            error_format(err, err_len, "no randomness for the request state key");
            goto fail;
        }
    }

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
    return s;
fail:
    mcp_server_free(s);
    return NULL;
}

void
mcp_server_set_answer_store(mcp_server_t *s, mcp_answer_store_t *store)
{
    s->answer_store = store;
    s->answers = store != NULL ? ANSWERS_STORE : ANSWERS_NONE;
}

int
mcp_server_set_state_keys(mcp_server_t *s, const void *current, size_t current_len, const void *previous, size_t previous_len)
{
    if (current_len < CONFIG_MIN_STATE_KEY_BYTES || current_len > MCP_REQUEST_STATE_MAX_KEY ||
        (previous_len != 0 && (previous_len < CONFIG_MIN_STATE_KEY_BYTES || previous_len > MCP_REQUEST_STATE_MAX_KEY)))
        return -1;
    pthread_mutex_lock(&s->state_key_lock);
    explicit_bzero(s->state_key, sizeof(s->state_key));
    explicit_bzero(s->state_key_prev, sizeof(s->state_key_prev));
    memcpy(s->state_key, current, current_len);
    s->state_key_len = current_len;
    if (previous_len != 0)
        memcpy(s->state_key_prev, previous, previous_len);
    s->state_key_prev_len = previous_len;
    ++s->state_key_generation;
    pthread_mutex_unlock(&s->state_key_lock);
    return 0;
}

void
mcp_server_set_state_key_source(mcp_server_t *s, mcp_state_key_source_cb cb, void *data)
{
    s->state_key_source = cb;
    s->state_key_source_data = data;
}

void
server_state_keys(mcp_server_t *s, int unknown_state, state_keys_t *out)
{
    if (s->state_key_source != NULL)
        s->state_key_source(s->state_key_source_data, unknown_state);
    pthread_mutex_lock(&s->state_key_lock);
    memcpy(out->current, s->state_key, s->state_key_len);
    out->current_len = s->state_key_len;
    memcpy(out->previous, s->state_key_prev, s->state_key_prev_len);
    out->previous_len = s->state_key_prev_len;
    out->generation = s->state_key_generation;
    pthread_mutex_unlock(&s->state_key_lock);
}

void
mcp_server_shutdown(mcp_server_t *s)
{
    subscriptions_end_all(s);
    exec_shutdown(s);
}

void
mcp_server_free(mcp_server_t *s)
{
    if (s == NULL)
        return;
    subscriptions_end_all(s);
    exec_shutdown(s);
    pthread_mutex_destroy(&s->pending_lock);
    pthread_mutex_destroy(&s->listen_lock);
    pthread_mutex_destroy(&s->state_key_lock);
    explicit_bzero(s->state_key, sizeof(s->state_key));
    explicit_bzero(s->state_key_prev, sizeof(s->state_key_prev));
    arena_dispose(&s->arena);
    free(s);
}
