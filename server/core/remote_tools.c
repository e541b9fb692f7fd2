/* remote_tools.c: registered tools, resources and prompts, read from a source and called through it (see remote_tools.h). */
#include "remote_tools.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission.h"
#include "arena.h"
#include "handler_ctx.h"
#include "jsonw.h"
#include "log.h"
#include "methods/methods.h"
#include "schema.h"
#include "server.h"

#define RETRY_AFTER_FAILURE_MS 5000 /* a source that failed is asked again this soon, whatever the interval */
#define MAX_RECORDS_BYTES (8u << 20)
#define DEADLINE_MARGIN_MS 1000 /* left to the server to answer after an invoke that used all its time */
#define MAX_PROMPT_ARGUMENTS 32
#define MAX_TEMPLATE_VARIABLES 8 /* as many as resources_template_match() takes */

typedef struct st_remote_tool_t {
    mcp_tool_entry_t entry; /* first: the handler finds the record from the entry it is called with */
    mcp_tool_t tool;
    const json_value_t *record;
    int timeout_ms;
} remote_tool_t;

typedef struct st_remote_resource_t {
    mcp_resource_t resource; /* first: resources.c hands back the entry it found */
    const json_value_t *record;
    int timeout_ms;
} remote_resource_t;

typedef struct st_remote_prompt_t {
    mcp_prompt_t prompt; /* first, likewise */
    const json_value_t *record;
    int timeout_ms;
} remote_prompt_t;

struct st_remote_snapshot_t {
    arena_t arena;
    char *text; /* what the source returned, to see whether anything changed */
    size_t text_len;
    remote_tool_t *tools;
    size_t num_tools;
    remote_resource_t *resources[2]; /* fixed URIs, templates */
    size_t num_resources[2];
    remote_prompt_t *prompts;
    size_t num_prompts;
    remote_snapshot_t *older; /* replaced snapshots, kept until the end */
};

/* The kinds of record (their "kind"; absent: a tool), as logs and messages name them. */
typedef enum en_record_kind_t { KIND_TOOL, KIND_RESOURCE, KIND_PROMPT } record_kind_t;
static const char *const kind_names[] = {"tool", "resource", "prompt"};
static const char *const refused_events[] = {"registered_tool_refused", "registered_resource_refused", "registered_prompt_refused"};

struct st_remote_tools_t {
    mcp_tool_source_t *source;
    const registry_t *builtin;
    unsigned refresh_ms;
    mcp_cache_hint_t cache;
    pthread_mutex_t lock;      /* current and next_read_ms */
    pthread_mutex_t read_lock; /* one reader of the source at a time */
    remote_snapshot_t *current;
    int64_t next_read_ms; /* monotonic; 0: read at the first use */
};

static int remote_tool_call(mcp_ctx_t *ctx, const json_value_t *args);

static remote_snapshot_t *
snapshot_new(void)
{
    remote_snapshot_t *s = calloc(1, sizeof(*s));
    if (s != NULL)
        arena_init(&s->arena, MAX_RECORDS_BYTES * 4);
    return s;
}

static void
snapshot_free(remote_snapshot_t *s)
{
    while (s != NULL) {
        remote_snapshot_t *older = s->older;
        arena_dispose(&s->arena);
        free(s->text);
        free(s->tools);
        free(s->resources[0]);
        free(s->resources[1]);
        free(s->prompts);
        free(s);
        s = older;
    }
}

remote_tools_t *
remote_tools_new(mcp_tool_source_t *source, const registry_t *builtin, unsigned refresh_ms)
{
    remote_tools_t *rt = calloc(1, sizeof(*rt));
    if (rt == NULL || (rt->current = snapshot_new()) == NULL) {
        free(rt);
        return NULL;
    }
    rt->source = source;
    rt->builtin = builtin;
    rt->refresh_ms = refresh_ms;
    /* a client may reuse a listing as long as this instance would: never longer than the built-in lists' five minutes */
    rt->cache = (mcp_cache_hint_t){.ttl_ms = refresh_ms < 300000 ? refresh_ms : 300000, .scope = "public"};
    pthread_mutex_init(&rt->lock, NULL);
    pthread_mutex_init(&rt->read_lock, NULL);
    return rt;
}

void
remote_tools_free(remote_tools_t *rt)
{
    if (rt == NULL)
        return;
    snapshot_free(rt->current);
    pthread_mutex_destroy(&rt->lock);
    pthread_mutex_destroy(&rt->read_lock);
    free(rt);
}

const mcp_cache_hint_t *
remote_tools_cache_hint(const remote_tools_t *rt)
{
    return &rt->cache;
}

/* 1-128 of [A-Za-z0-9_.-], as for built-in tools (registry.c). */
static int
valid_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 128 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* A Lambda function: a name, a partial ARN (account:function:name) or an ARN, as the Invoke API takes it. */
static int
valid_function(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 170 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.$") == n;
}

/* execution.taskSupport, as the 2026-07-28 Tool has it; absent: forbidden. -1 for anything else. */
static int
task_support_of(const json_value_t *v)
{
    static const char *const names[] = {
        [MCP_TASK_NEVER] = "forbidden", [MCP_TASK_OPTIONAL] = "optional", [MCP_TASK_ALWAYS] = "required"};
    if (v == NULL)
        return MCP_TASK_NEVER;
    const char *s = json_string(v);
    for (size_t i = 0; s != NULL && i != sizeof(names) / sizeof(names[0]); ++i)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    return -1;
}

static int
fail(char *err, size_t err_len, const char *pointer, const char *what)
{
    snprintf(err, err_len, "%s: %s", pointer, what);
    return -1;
}

/* What every kind has: the function (lambdaArn, qualifier, target) and how long to wait for it. */
static int
check_function(const json_value_t *rec, char *err, size_t err_len)
{
    const json_value_t *v = json_get(rec, "timeoutMs");
    int64_t t;
    if (v != NULL && (json_int64(v, &t) != 0 || t < 1 || t > REMOTE_TOOLS_MAX_TIMEOUT_MS))
        return fail(err, err_len, "/timeoutMs", "must be an integer from 1 to 900000");
    const char *fn = json_string(json_get(rec, "lambdaArn"));
    if (fn == NULL || !valid_function(fn))
        return fail(err, err_len, "/lambdaArn", "must be a Lambda function's ARN or name");
    v = json_get(rec, "qualifier");
    if (v != NULL && (v->type != JSON_STRING || v->u.str.len == 0 || v->u.str.len > 128 ||
                      strspn(v->u.str.ptr, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_$") != v->u.str.len))
        return fail(err, err_len, "/qualifier", "must be a version or alias name");
    v = json_get(rec, "target");
    if (v != NULL && (v->type != JSON_STRING || v->u.str.len == 0 || v->u.str.len > 100 ||
                      strspn(v->u.str.ptr, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != v->u.str.len))
        return fail(err, err_len, "/target", "must be 1-100 of A-Z a-z 0-9 -");
    return 0;
}

static int check_texts(const json_value_t *rec, int description_required, char *err, size_t err_len);

static int
check_tool(const json_value_t *rec, const registry_t *builtin, char *err, size_t err_len)
{
    const char *name = json_string(json_get(rec, "name"));
    if (name == NULL || !valid_name(name))
        return fail(err, err_len, "/name", "must be 1-128 of A-Z a-z 0-9 _ . -");
    if (builtin != NULL && registry_find_tool(builtin, name) != NULL)
        return fail(err, err_len, "/name", "is a built-in tool's name (registered tools never shadow built-in ones)");
    if (check_texts(rec, 1, err, err_len) != 0)
        return -1;
    char why[256];
    const json_value_t *in = json_get(rec, "inputSchema");
    if (in == NULL || in->type != JSON_OBJECT ||
        strcmp(json_string(json_get(in, "type")) ? json_string(json_get(in, "type")) : "", "object") != 0)
        return fail(err, err_len, "/inputSchema", "must be a JSON Schema object of type \"object\"");
    if (schema_check(in, why, sizeof(why)) != 0)
        return fail(err, err_len, "/inputSchema", why);
    const json_value_t *out = json_get(rec, "outputSchema");
    if (out != NULL) {
        if (out->type != JSON_OBJECT ||
            strcmp(json_string(json_get(out, "type")) ? json_string(json_get(out, "type")) : "", "object") != 0)
            return fail(err, err_len, "/outputSchema", "must be a JSON Schema object of type \"object\"");
        if (schema_check(out, why, sizeof(why)) != 0)
            return fail(err, err_len, "/outputSchema", why);
    }
    const json_value_t *v = json_get(rec, "execution");
    if (v != NULL) {
        if (v->type != JSON_OBJECT)
            return fail(err, err_len, "/execution", "must be an object");
        for (size_t i = 0; i != v->u.obj.len; ++i)
            if (strcmp(v->u.obj.items[i].key, "taskSupport") != 0)
                return fail(err, err_len, "/execution", "has only taskSupport");
        const json_value_t *ts = json_get(v, "taskSupport");
        if (ts != NULL && task_support_of(ts) < 0)
            return fail(err, err_len, "/execution/taskSupport", "must be \"forbidden\", \"optional\" or \"required\"");
    }
    return check_function(rec, err, err_len);
}

/* title, description (required or not) and annotations (an object), as resources and prompts have them. */
static int
check_texts(const json_value_t *rec, int description_required, char *err, size_t err_len)
{
    const json_value_t *v = json_get(rec, "title");
    if (v != NULL && v->type != JSON_STRING)
        return fail(err, err_len, "/title", "must be a string");
    v = json_get(rec, "description");
    if ((v != NULL || description_required) && (v == NULL || v->type != JSON_STRING || v->u.str.len == 0))
        return fail(err, err_len, "/description", "must be a non-empty string");
    v = json_get(rec, "annotations");
    if (v != NULL && v->type != JSON_OBJECT)
        return fail(err, err_len, "/annotations", "must be an object");
    return 0;
}

/* An RFC 6570 level-1 template as resources_template_match() matches it: {name} variables, never two adjacent. */
static int
valid_template(const char *t)
{
    size_t n = strlen(t), vars = 0;
    if (n > 1024 || !resources_valid_uri(t, n))
        return 0;
    for (const char *p = t; *p != '\0'; ++p) {
        if (*p == '}')
            return 0;
        if (*p != '{')
            continue;
        size_t len = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
        if (len == 0 || p[1 + len] != '}' || p[2 + len] == '{' || ++vars > MAX_TEMPLATE_VARIABLES)
            return 0;
        p += 1 + len;
    }
    return vars != 0;
}

int
remote_tools_shadows_resource(const char *uri, const char *tmpl, const mcp_resource_t *r)
{
    arena_t arena;
    arena_init(&arena, 1u << 20);
    json_value_t vars;
    int shadows;
    if (uri != NULL)
        shadows = r->uri != NULL ? strcmp(r->uri, uri) == 0 : resources_template_match(&arena, r->uri_template, uri, &vars);
    else
        shadows = r->uri != NULL ? resources_template_match(&arena, tmpl, r->uri, &vars) : strcmp(r->uri_template, tmpl) == 0;
    arena_dispose(&arena);
    return shadows;
}

static int
check_resource(const json_value_t *rec, const registry_t *builtin, char *err, size_t err_len)
{
    const char *name = json_string(json_get(rec, "name"));
    if (name == NULL || !valid_name(name))
        return fail(err, err_len, "/name", "must be 1-128 of A-Z a-z 0-9 _ . -");
    if (check_texts(rec, 0, err, err_len) != 0)
        return -1;
    const json_value_t *v = json_get(rec, "mimeType");
    if (v != NULL && (v->type != JSON_STRING || v->u.str.len == 0 || v->u.str.len > 255))
        return fail(err, err_len, "/mimeType", "must be a MIME type");
    const char *uri = json_string(json_get(rec, "uri")), *tmpl = json_string(json_get(rec, "uriTemplate"));
    if ((json_get(rec, "uri") != NULL) == (json_get(rec, "uriTemplate") != NULL))
        return fail(err, err_len, "/uri", "a resource has either a uri or a uriTemplate");
    if (json_get(rec, "uri") != NULL &&
        (uri == NULL || strlen(uri) > 1024 || !resources_valid_uri(uri, strlen(uri)) || strchr(uri, '{') != NULL))
        return fail(err, err_len, "/uri", "must be an absolute URI (a scheme, ':', no spaces; no '{': that is a uriTemplate)");
    if (json_get(rec, "uriTemplate") != NULL && (tmpl == NULL || !valid_template(tmpl)))
        return fail(err, err_len, "/uriTemplate",
                    "must be an absolute URI with 1-8 {variables} (RFC 6570 level 1: A-Z a-z 0-9 _ names, never two adjacent)");
    if (builtin != NULL) {
        /* a built-in resource is found first: a registration that would answer for its URIs is refused */
        int shadows = 0;
        for (size_t i = 0; !shadows && i != registry_num_resources(builtin); ++i)
            shadows = remote_tools_shadows_resource(uri, tmpl, registry_resource(builtin, i));
        for (size_t i = 0; !shadows && i != registry_num_templates(builtin); ++i)
            shadows = remote_tools_shadows_resource(uri, tmpl, registry_template(builtin, i));
        if (shadows)
            return fail(err, err_len, uri != NULL ? "/uri" : "/uriTemplate",
                        "names a built-in resource's URI (registered resources never shadow built-in ones)");
    }
    return check_function(rec, err, err_len);
}

static int
check_prompt(const json_value_t *rec, const registry_t *builtin, char *err, size_t err_len)
{
    const char *name = json_string(json_get(rec, "name"));
    if (name == NULL || !valid_name(name))
        return fail(err, err_len, "/name", "must be 1-128 of A-Z a-z 0-9 _ . -");
    if (builtin != NULL && registry_find_prompt(builtin, name) != NULL)
        return fail(err, err_len, "/name", "is a built-in prompt's name (registered prompts never shadow built-in ones)");
    if (check_texts(rec, 1, err, err_len) != 0)
        return -1;
    const json_value_t *args = json_get(rec, "arguments");
    if (args != NULL && (args->type != JSON_ARRAY || args->u.arr.len > MAX_PROMPT_ARGUMENTS))
        return fail(err, err_len, "/arguments", "must be an array of at most 32 arguments");
    for (size_t i = 0; args != NULL && i != args->u.arr.len; ++i) {
        const json_value_t *a = args->u.arr.items[i], *v;
        char pointer[48];
        const char *arg = json_string(json_get(a, "name"));
        snprintf(pointer, sizeof(pointer), "/arguments/%zu", i);
        if (a->type != JSON_OBJECT)
            return fail(err, err_len, pointer, "must be an object");
        snprintf(pointer, sizeof(pointer), "/arguments/%zu/name", i);
        if (arg == NULL || !valid_name(arg))
            return fail(err, err_len, pointer, "must be 1-128 of A-Z a-z 0-9 _ . -");
        for (size_t j = 0; j != i; ++j)
            if (strcmp(arg, json_string(json_get(args->u.arr.items[j], "name"))) == 0)
                return fail(err, err_len, pointer, "is the name of an earlier argument");
        snprintf(pointer, sizeof(pointer), "/arguments/%zu/description", i);
        if ((v = json_get(a, "description")) != NULL && v->type != JSON_STRING)
            return fail(err, err_len, pointer, "must be a string");
        snprintf(pointer, sizeof(pointer), "/arguments/%zu/required", i);
        if ((v = json_get(a, "required")) != NULL && v->type != JSON_TRUE && v->type != JSON_FALSE)
            return fail(err, err_len, pointer, "must be a boolean");
    }
    return check_function(rec, err, err_len);
}

/* The record's kind, or -1 for a kind this server does not know. */
static int
kind_of(const json_value_t *rec)
{
    const json_value_t *v = json_get(rec, "kind");
    if (v == NULL)
        return KIND_TOOL;
    for (size_t i = 0; v->type == JSON_STRING && i != sizeof(kind_names) / sizeof(kind_names[0]); ++i)
        if (strcmp(v->u.str.ptr, kind_names[i]) == 0)
            return (int)i;
    return -1;
}

int
remote_tools_check_record(const json_value_t *rec, const registry_t *builtin, char *err, size_t err_len)
{
    if (rec == NULL || rec->type != JSON_OBJECT)
        return fail(err, err_len, "", "a record must be an object");
    switch (kind_of(rec)) {
    case KIND_TOOL:
        return check_tool(rec, builtin, err, err_len);
    case KIND_RESOURCE:
        return check_resource(rec, builtin, err, err_len);
    case KIND_PROMPT:
        return check_prompt(rec, builtin, err, err_len);
    default:
        return fail(err, err_len, "/kind", "must be \"tool\" (or absent), \"resource\" or \"prompt\"");
    }
}

/* Writes a JSON value into the arena as text (annotations are kept as text, as built-in tools have them). */
static const char *
arena_json(arena_t *a, const json_value_t *v)
{
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_value(&w, v);
    const char *s = jsonw_failed(&w) || b.data == NULL ? NULL : arena_strndup(a, b.data, b.len);
    buf_dispose(&b);
    return s;
}

/* Each add_*() puts a checked record in the snapshot; it returns NULL, or why the record is not served. */
static const char *
add_tool(remote_snapshot_t *s, const json_value_t *rec, int timeout)
{
    const char *name = json_string(json_get(rec, "name"));
    if (remote_snapshot_find(s, name) != NULL)
        return "its name is registered twice";
    remote_tool_t *t = &s->tools[s->num_tools++];
    const json_value_t *ann = json_get(rec, "annotations");
    t->tool =
        (mcp_tool_t){.name = name,
                     .title = json_string(json_get(rec, "title")),
                     .description = json_string(json_get(rec, "description")),
                     .annotations = ann != NULL ? arena_json(&s->arena, ann) : NULL,
                     .handler = remote_tool_call,
                     .task_support = (mcp_task_support_t)task_support_of(json_get(json_get(rec, "execution"), "taskSupport"))};
    t->entry = (mcp_tool_entry_t){
        .tool = &t->tool, .input_schema = json_get(rec, "inputSchema"), .output_schema = json_get(rec, "outputSchema")};
    t->record = rec;
    t->timeout_ms = timeout;
    return NULL;
}

static const char *
add_resource(remote_snapshot_t *s, const json_value_t *rec, int timeout)
{
    const char *name = json_string(json_get(rec, "name")), *uri = json_string(json_get(rec, "uri"));
    const char *tmpl = json_string(json_get(rec, "uriTemplate"));
    int templates = uri == NULL;
    for (int k = 0; k != 2; ++k)
        for (size_t i = 0; i != s->num_resources[k]; ++i)
            if (strcmp(s->resources[k][i].resource.name, name) == 0)
                return "its name is registered twice";
    for (size_t i = 0; i != s->num_resources[templates]; ++i) {
        const mcp_resource_t *r = &s->resources[templates][i].resource;
        if (strcmp(templates ? r->uri_template : r->uri, templates ? tmpl : uri) == 0)
            return "its URI is registered twice";
    }
    remote_resource_t *r = &s->resources[templates][s->num_resources[templates]++];
    const json_value_t *ann = json_get(rec, "annotations");
    r->resource = (mcp_resource_t){.uri = uri,
                                   .uri_template = tmpl,
                                   .name = name,
                                   .title = json_string(json_get(rec, "title")),
                                   .description = json_string(json_get(rec, "description")),
                                   .mime_type = json_string(json_get(rec, "mimeType")),
                                   .annotations = ann != NULL ? arena_json(&s->arena, ann) : NULL};
    r->record = rec;
    r->timeout_ms = timeout;
    return NULL;
}

static const char *
add_prompt(remote_snapshot_t *s, const json_value_t *rec, int timeout)
{
    const char *name = json_string(json_get(rec, "name"));
    if (remote_snapshot_find_prompt(s, name) != NULL)
        return "its name is registered twice";
    const json_value_t *args = json_get(rec, "arguments");
    size_t n = args != NULL ? args->u.arr.len : 0;
    mcp_prompt_arg_t *a = arena_alloc(&s->arena, (n + 1) * sizeof(*a));
    if (a == NULL)
        return "out of memory";
    for (size_t i = 0; i != n; ++i) {
        const json_value_t *arg = args->u.arr.items[i], *required = json_get(arg, "required");
        a[i] = (mcp_prompt_arg_t){.name = json_string(json_get(arg, "name")),
                                  .description = json_string(json_get(arg, "description")),
                                  .required = required != NULL && required->type == JSON_TRUE};
    }
    a[n] = (mcp_prompt_arg_t){.name = NULL};
    remote_prompt_t *p = &s->prompts[s->num_prompts++];
    p->prompt = (mcp_prompt_t){.name = name,
                               .title = json_string(json_get(rec, "title")),
                               .description = json_string(json_get(rec, "description")),
                               .arguments = a};
    p->record = rec;
    p->timeout_ms = timeout;
    return NULL;
}

/* Builds a snapshot from the source's text; records that fail a check are left out (logged). */
static remote_snapshot_t *
build_snapshot(remote_tools_t *rt, buf_t *text)
{
    remote_snapshot_t *s = snapshot_new();
    if (s == NULL)
        return NULL;
    json_value_t *doc;
    int rc = json_parse_lenient(&s->arena, text->data != NULL ? text->data : "", text->len, 64, &doc);
    if (rc != 0 || doc->type != JSON_ARRAY) {
        log_msg(LOG_WARN, "registry_unreadable", "the tool registry's records are not a JSON array (%s); none served",
                rc != 0 ? json_strerror(rc) : "another value");
        doc = NULL;
    }
    size_t n = doc != NULL ? doc->u.arr.len : 0, slots = n != 0 ? n : 1;
    s->tools = calloc(slots, sizeof(*s->tools));
    s->resources[0] = calloc(slots, sizeof(*s->resources[0]));
    s->resources[1] = calloc(slots, sizeof(*s->resources[1]));
    s->prompts = calloc(slots, sizeof(*s->prompts));
    if (s->tools == NULL || s->resources[0] == NULL || s->resources[1] == NULL || s->prompts == NULL) {
        snapshot_free(s);
        return NULL;
    }
    for (size_t i = 0; i != n; ++i) {
        const json_value_t *rec = doc->u.arr.items[i];
        const char *name = json_string(json_get(rec, "name"));
        int kind = kind_of(rec);
        char why[320];
        const char *refused = why;
        if (remote_tools_check_record(rec, rt->builtin, why, sizeof(why)) == 0) {
            int64_t timeout = REMOTE_TOOLS_DEFAULT_TIMEOUT_MS;
            json_int64(json_get(rec, "timeoutMs"), &timeout);
            refused = kind == KIND_TOOL       ? add_tool(s, rec, (int)timeout)
                      : kind == KIND_RESOURCE ? add_resource(s, rec, (int)timeout)
                                              : add_prompt(s, rec, (int)timeout);
        }
        if (refused != NULL)
            log_msg(LOG_WARN, kind >= 0 ? refused_events[kind] : "registered_record_refused", "registered %s %s is not served: %s",
                    kind >= 0 ? kind_names[kind] : "record", name != NULL ? name : "(no name)", refused);
    }
    s->text = buf_release(text, &s->text_len);
    return s;
}

const remote_snapshot_t *
remote_tools_snapshot(remote_tools_t *rt)
{
    int64_t now = mcp_monotonic_ms();
    pthread_mutex_lock(&rt->lock);
    int due = rt->next_read_ms == 0 || now >= rt->next_read_ms;
    int first = rt->next_read_ms == 0;
    remote_snapshot_t *cur = rt->current;
    pthread_mutex_unlock(&rt->lock);
    if (!due)
        return cur;
    /* one reader; the others go on with what was read before (the very first listing waits for it) */
    if (first ? pthread_mutex_lock(&rt->read_lock) != 0 : pthread_mutex_trylock(&rt->read_lock) != 0)
        return cur;
    pthread_mutex_lock(&rt->lock);
    due = rt->next_read_ms == 0 || mcp_monotonic_ms() >= rt->next_read_ms;
    pthread_mutex_unlock(&rt->lock);
    if (due) {
        buf_t text = BUF_INIT(MAX_RECORDS_BYTES);
        char err[512] = "";
        int64_t next = now + rt->refresh_ms;
        remote_snapshot_t *fresh = NULL;
        if (rt->source->load(rt->source, &text, err, sizeof(err)) != 0 || buf_failed(&text)) {
            log_msg(LOG_WARN, "registry_unavailable", "the tool registry could not be read (%s); serving what was read before",
                    err[0] != '\0' ? err : "too large");
            if (rt->refresh_ms > RETRY_AFTER_FAILURE_MS)
                next = now + RETRY_AFTER_FAILURE_MS;
        } else if (cur->text == NULL || text.len != cur->text_len || memcmp(text.data, cur->text, text.len) != 0) {
            fresh = build_snapshot(rt, &text);
            if (fresh != NULL)
                log_msg(LOG_INFO, "registry_read", "%zu registered tool(s), %zu resource(s), %zu template(s), %zu prompt(s) served",
                        fresh->num_tools, fresh->num_resources[0], fresh->num_resources[1], fresh->num_prompts);
        }
        buf_dispose(&text);
        pthread_mutex_lock(&rt->lock);
        if (fresh != NULL) {
            fresh->older = rt->current;
            rt->current = fresh;
        }
        rt->next_read_ms = next;
        cur = rt->current;
        pthread_mutex_unlock(&rt->lock);
    }
    pthread_mutex_unlock(&rt->read_lock);
    return cur;
}

size_t
remote_snapshot_num_tools(const remote_snapshot_t *snap)
{
    return snap->num_tools;
}

const mcp_tool_entry_t *
remote_snapshot_tool(const remote_snapshot_t *snap, size_t i)
{
    return &snap->tools[i].entry;
}

const mcp_tool_entry_t *
remote_snapshot_find(const remote_snapshot_t *snap, const char *name)
{
    for (size_t i = 0; i != snap->num_tools; ++i)
        if (strcmp(snap->tools[i].tool.name, name) == 0)
            return &snap->tools[i].entry;
    return NULL;
}

size_t
remote_snapshot_num_resources(const remote_snapshot_t *snap, int templates)
{
    return snap->num_resources[templates != 0];
}

const mcp_resource_t *
remote_snapshot_resource(const remote_snapshot_t *snap, int templates, size_t i)
{
    return &snap->resources[templates != 0][i].resource;
}

const mcp_resource_t *
remote_snapshot_find_resource(const remote_snapshot_t *snap, arena_t *arena, const char *uri, json_value_t **vars)
{
    json_value_t *v = arena_alloc(arena, sizeof(*v));
    if (v == NULL)
        return NULL;
    *v = (json_value_t){.type = JSON_OBJECT};
    *vars = v;
    for (size_t i = 0; i != snap->num_resources[0]; ++i)
        if (strcmp(snap->resources[0][i].resource.uri, uri) == 0)
            return &snap->resources[0][i].resource;
    for (size_t i = 0; i != snap->num_resources[1]; ++i)
        if (resources_template_match(arena, snap->resources[1][i].resource.uri_template, uri, v))
            return &snap->resources[1][i].resource;
    return NULL;
}

size_t
remote_snapshot_num_prompts(const remote_snapshot_t *snap)
{
    return snap->num_prompts;
}

const mcp_prompt_t *
remote_snapshot_prompt(const remote_snapshot_t *snap, size_t i)
{
    return &snap->prompts[i].prompt;
}

const mcp_prompt_t *
remote_snapshot_find_prompt(const remote_snapshot_t *snap, const char *name)
{
    for (size_t i = 0; i != snap->num_prompts; ++i)
        if (strcmp(snap->prompts[i].prompt.name, name) == 0)
            return &snap->prompts[i].prompt;
    return NULL;
}

/* ---- calling ---- */

/* A content block as MCP defines them: an object with a string "type". */
static int
valid_content(const json_value_t *content)
{
    if (content == NULL || content->type != JSON_ARRAY)
        return 0;
    for (size_t i = 0; i != content->u.arr.len; ++i) {
        const json_value_t *c = content->u.arr.items[i];
        if (c->type != JSON_OBJECT || json_string(json_get(c, "type")) == NULL)
            return 0;
    }
    return 1;
}

/* The function answered: a CallToolResult is passed on, any other JSON becomes the result's content. */
static int
map_payload(mcp_ctx_t *ctx, const remote_tool_t *t, const buf_t *payload)
{
    json_value_t *v;
    int rc = ctx_parse_json(ctx, payload->data != NULL ? payload->data : "", payload->len, &v);
    if (rc != 0)
        return mcp_error(ctx, "The tool's function answered with something that is not JSON (%s)", json_strerror(rc));
    const json_value_t *content = json_get(v, "content");
    if (v->type == JSON_OBJECT && content != NULL) {
        if (!valid_content(content))
            return mcp_error(ctx, "The tool's function answered with a result whose content is not an array of content blocks");
        for (size_t i = 0; i != content->u.arr.len; ++i)
            ctx_item_json(ctx, content->u.arr.items[i]);
        const json_value_t *sc = json_get(v, "structuredContent");
        if (sc != NULL)
            jsonw_value(mcp_structured(ctx), sc);
        if (json_get(v, "isError") != NULL && json_get(v, "isError")->type == JSON_TRUE)
            ctx_set_error(ctx);
        return 0;
    }
    if (t->entry.output_schema != NULL) {
        /* checked against the output schema when the result is written; its text goes in the content */
        jsonw_value(mcp_structured(ctx), v);
        return 0;
    }
    if (v->type == JSON_STRING) {
        mcp_text(ctx, v->u.str.ptr);
        return 0;
    }
    mcp_textf(ctx, "%.*s", (int)payload->len, payload->data);
    return 0;
}

/* X-Amz-Function-Error: the function's errorType and errorMessage ("T: M", "T", "M" or ""), never its stack trace. */
static void
function_error_text(mcp_ctx_t *ctx, const buf_t *payload, buf_t *out)
{
    json_value_t *v = NULL;
    if (payload->len != 0)
        ctx_parse_json(ctx, payload->data, payload->len, &v);
    const char *type = json_string(json_get(v, "errorType"));
    const char *message = json_string(json_get(v, "errorMessage"));
    buf_printf(out, "%s%s%s", type != NULL ? type : "", type != NULL && message != NULL ? ": " : "",
               message != NULL ? message : "");
}

/*
 * Invokes a record's function for ctx's request with the event (JSON text), waiting at most timeout ms, less when the
 * request's deadline comes first; res->payload is initialised by the caller. Returns the time the call was given, or 0
 * (nothing invoked) when the request has no time left.
 */
static int
invoke_function(mcp_ctx_t *ctx, record_kind_t kind, const char *name, const json_value_t *record, int timeout, const buf_t *event,
                mcp_invoke_result_t *res)
{
    const mcp_request_t *req = ctx_request(ctx);
    remote_tools_t *rt = server_remote_tools(req->server);
    if (req->deadline_ms != 0) {
        int64_t left = req->deadline_ms - mcp_now_ms() - DEADLINE_MARGIN_MS;
        if (left <= 0)
            return 0;
        if (left < timeout)
            timeout = (int)left;
    }
    buf_t id = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &id);
    jsonw_value(&w, ctx_id(ctx));
    mcp_invoke_t call = {.kind = kind_names[kind],
                         .tool = name,
                         .record = record,
                         .arguments = event->data != NULL ? event->data : "{}",
                         .arguments_len = event->data != NULL ? event->len : 2,
                         .identity = mcp_identity(ctx),
                         .request_id = req->log_id,
                         .message_id = id.data != NULL ? id.data : "null",
                         .timeout_ms = timeout};
    int64_t began = mcp_monotonic_ms();
    rt->source->invoke(rt->source, &call, res);
    log_msg(LOG_DEBUG, "registered_function_invoked", "%s %s: status %d after %lld ms", kind_names[kind], name, (int)res->status,
            (long long)(mcp_monotonic_ms() - began));
    buf_dispose(&id);
    return timeout;
}

static int
remote_tool_call(mcp_ctx_t *ctx, const json_value_t *args)
{
    const remote_tool_t *t = (const remote_tool_t *)ctx_tool(ctx);
    buf_t event = BUF_INIT(0), text = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &event);
    if (args != NULL)
        jsonw_value(&w, args);
    mcp_invoke_result_t res = {.status = MCP_INVOKE_UNREACHABLE};
    buf_init(&res.payload, 6u << 20); /* Lambda's synchronous response limit */
    int timeout = invoke_function(ctx, KIND_TOOL, t->tool.name, t->record, t->timeout_ms, &event, &res);
    int ret = 0;
    if (timeout == 0)
        ret = mcp_error(ctx, "The tool's function was not called: the request has no time left");
    else
        switch (res.status) {
        case MCP_INVOKE_OK:
            ret = map_payload(ctx, t, &res.payload);
            break;
        case MCP_INVOKE_FUNCTION_ERROR:
            function_error_text(ctx, &res.payload, &text);
            ret = mcp_error(ctx, "The tool's function failed%s%s", text.len != 0 ? ": " : "", text.len != 0 ? text.data : "");
            break;
        case MCP_INVOKE_THROTTLED:
            ret = mcp_error(ctx,
                            "The tool's function is throttled (too many requests or concurrent invocations): try again later (%s)",
                            res.message);
            break;
        case MCP_INVOKE_TIMEOUT:
            ret = mcp_error(ctx, "The tool's function did not answer within %d ms", timeout);
            break;
        case MCP_INVOKE_UNREACHABLE:
            ret = mcp_error(ctx, "The tool's function could not be reached: %s", res.message);
            break;
        case MCP_INVOKE_REFUSED:
            ret = mcp_error(ctx, "Lambda refused to invoke the tool's function: %s", res.message);
            break;
        }
    buf_dispose(&res.payload);
    buf_dispose(&event);
    buf_dispose(&text);
    return ret;
}

/* ---- resources and prompts: their failures are JSON-RPC errors (they have no isError) ---- */

/* Fixed messages (never what the function said: that goes in the error's data, as {"reason": ...}). */
static const char *const failure_messages[][MCP_INVOKE_REFUSED + 1] = {
    [KIND_RESOURCE] = {[MCP_INVOKE_OK] = "The resource's function answered with something that is not a resource's contents",
                       [MCP_INVOKE_FUNCTION_ERROR] = "The resource's function failed",
                       [MCP_INVOKE_THROTTLED] = "The resource's function is throttled: try again later",
                       [MCP_INVOKE_TIMEOUT] = "The resource's function did not answer in time",
                       [MCP_INVOKE_UNREACHABLE] = "The resource's function could not be reached",
                       [MCP_INVOKE_REFUSED] = "Lambda refused to invoke the resource's function"},
    [KIND_PROMPT] = {[MCP_INVOKE_OK] = "The prompt's function answered with something that is not a prompt's messages",
                     [MCP_INVOKE_FUNCTION_ERROR] = "The prompt's function failed",
                     [MCP_INVOKE_THROTTLED] = "The prompt's function is throttled: try again later",
                     [MCP_INVOKE_TIMEOUT] = "The prompt's function did not answer in time",
                     [MCP_INVOKE_UNREACHABLE] = "The prompt's function could not be reached",
                     [MCP_INVOKE_REFUSED] = "Lambda refused to invoke the prompt's function"},
};

/* Sets *e for a function that failed, or answered something unusable (status OK); reason goes in data. Returns -1. */
static int
invoke_failed(mcp_ctx_t *ctx, record_kind_t kind, mcp_invoke_status_t status, const char *reason, mcp_rpc_error_t *e)
{
    buf_t data = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &data);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "reason", reason);
    jsonw_object_end(&w);
    const char *kept = jsonw_failed(&w) ? NULL : mcp_strdup(ctx, data.data);
    buf_dispose(&data);
    rpc_error_set(e, JSONRPC_INTERNAL_ERROR, failure_messages[kind][status], kept);
    return -1;
}

/* Invokes a resource's or prompt's function; returns 0 with *v its answer (parsed), or -1 with *e set. */
static int
invoke_for_json(mcp_ctx_t *ctx, record_kind_t kind, const char *name, const json_value_t *record, int timeout, const buf_t *event,
                json_value_t **v, mcp_rpc_error_t *e)
{
    mcp_invoke_result_t res = {.status = MCP_INVOKE_UNREACHABLE};
    buf_init(&res.payload, 6u << 20);
    buf_t reason = BUF_INIT(0);
    int ret = -1, given = invoke_function(ctx, kind, name, record, timeout, event, &res);
    if (given == 0) {
        invoke_failed(ctx, kind, MCP_INVOKE_TIMEOUT, "not called: the request has no time left", e);
    } else if (res.status == MCP_INVOKE_FUNCTION_ERROR) {
        function_error_text(ctx, &res.payload, &reason);
        invoke_failed(ctx, kind, res.status, reason.data != NULL ? reason.data : "", e);
    } else if (res.status == MCP_INVOKE_TIMEOUT) {
        buf_printf(&reason, "no answer within %d ms", given);
        invoke_failed(ctx, kind, res.status, reason.data, e);
    } else if (res.status != MCP_INVOKE_OK) {
        invoke_failed(ctx, kind, res.status, res.message, e);
    } else if (ctx_parse_json(ctx, res.payload.data != NULL ? res.payload.data : "", res.payload.len, v) != 0) {
        invoke_failed(ctx, kind, MCP_INVOKE_OK, "not JSON", e);
    } else {
        ret = 0;
    }
    buf_dispose(&res.payload);
    buf_dispose(&reason);
    return ret;
}

/* {"uri": ..., "mimeType"?: ..., "text" | "blob": ...}: one of a ReadResourceResult's contents. */
static int
valid_contents(const json_value_t *c)
{
    const json_value_t *mime = json_get(c, "mimeType");
    return c->type == JSON_OBJECT && json_string(json_get(c, "uri")) != NULL && (mime == NULL || mime->type == JSON_STRING) &&
           (json_string(json_get(c, "text")) != NULL) != (json_string(json_get(c, "blob")) != NULL);
}

/* Reads a resource into ctx: 0, MCP_NOT_FOUND (the function answered null), or -1 with *e set. */
static int
read_resource(mcp_ctx_t *ctx, const mcp_resource_t *r, const char *uri, const json_value_t *vars, mcp_rpc_error_t *e)
{
    const remote_resource_t *rr = (const remote_resource_t *)r;
    buf_t event = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &event);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "uri", uri);
    jsonw_key(&w, "params");
    jsonw_value(&w, vars);
    jsonw_object_end(&w);
    json_value_t *v;
    int ret = invoke_for_json(ctx, KIND_RESOURCE, r->name, rr->record, rr->timeout_ms, &event, &v, e);
    buf_dispose(&event);
    if (ret != 0)
        return ret;
    const json_value_t *contents = json_get(v, "contents");
    if (v->type == JSON_NULL)
        return MCP_NOT_FOUND; /* the function knows no such resource (an unknown id in a template) */
    if (v->type == JSON_STRING) {
        mcp_contents_text(ctx, uri, r->mime_type != NULL ? r->mime_type : "text/plain", v->u.str.ptr);
        return 0;
    }
    if (v->type != JSON_OBJECT || contents == NULL) {
        /* any other JSON is the resource's text, as JSON */
        buf_t text = BUF_INIT(0);
        jsonw_init(&w, &text);
        jsonw_value(&w, v);
        mcp_contents_text(ctx, uri, r->mime_type != NULL ? r->mime_type : "application/json", text.data != NULL ? text.data : "");
        buf_dispose(&text);
        return 0;
    }
    if (contents->type != JSON_ARRAY || contents->u.arr.len == 0)
        return invoke_failed(ctx, KIND_RESOURCE, MCP_INVOKE_OK, "contents is not a non-empty array", e);
    for (size_t i = 0; i != contents->u.arr.len; ++i)
        if (!valid_contents(contents->u.arr.items[i]))
            return invoke_failed(ctx, KIND_RESOURCE, MCP_INVOKE_OK, "each of contents needs a uri and a text or a blob (strings)",
                                 e);
    for (size_t i = 0; i != contents->u.arr.len; ++i)
        ctx_item_json(ctx, contents->u.arr.items[i]);
    return 0;
}

/* {"role": "user" | "assistant", "content": {"type": ..., ...}}: one of a GetPromptResult's messages. */
static int
valid_message(const json_value_t *m)
{
    const char *role = json_string(json_get(m, "role"));
    const json_value_t *content = json_get(m, "content");
    return m->type == JSON_OBJECT && role != NULL && (strcmp(role, "user") == 0 || strcmp(role, "assistant") == 0) &&
           content != NULL && content->type == JSON_OBJECT && json_string(json_get(content, "type")) != NULL;
}

/* Gets a prompt into ctx: 0, or -1 with *e set. */
static int
get_prompt(mcp_ctx_t *ctx, const mcp_prompt_t *p, const json_value_t *args, mcp_rpc_error_t *e)
{
    const remote_prompt_t *rp = (const remote_prompt_t *)p;
    buf_t event = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &event);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "name", p->name);
    jsonw_key(&w, "arguments");
    jsonw_value(&w, args);
    jsonw_object_end(&w);
    json_value_t *v;
    int ret = invoke_for_json(ctx, KIND_PROMPT, p->name, rp->record, rp->timeout_ms, &event, &v, e);
    buf_dispose(&event);
    if (ret != 0)
        return ret;
    if (v->type == JSON_STRING) {
        mcp_prompt_text(ctx, "user", v->u.str.ptr);
        return 0;
    }
    const json_value_t *messages = json_get(v, "messages"), *description = json_get(v, "description");
    if (v->type != JSON_OBJECT || messages == NULL || messages->type != JSON_ARRAY)
        return invoke_failed(ctx, KIND_PROMPT, MCP_INVOKE_OK, "neither a string nor an object with a messages array", e);
    if (description != NULL && description->type != JSON_STRING)
        return invoke_failed(ctx, KIND_PROMPT, MCP_INVOKE_OK, "description is not a string", e);
    for (size_t i = 0; i != messages->u.arr.len; ++i)
        if (!valid_message(messages->u.arr.items[i]))
            return invoke_failed(ctx, KIND_PROMPT, MCP_INVOKE_OK,
                                 "each message needs a role (user or assistant) and a content object with a type", e);
    if (description != NULL)
        mcp_prompt_description(ctx, description->u.str.ptr);
    for (size_t i = 0; i != messages->u.arr.len; ++i)
        ctx_item_json(ctx, messages->u.arr.items[i]);
    return 0;
}

/* ---- on a worker: a function call must not hold the front door's thread ---- */

typedef struct st_remote_job_t {
    mcp_ctx_t *ctx;
    mcp_server_t *server;
    const mcp_resource_t *resource; /* or */
    const mcp_prompt_t *prompt;
    const char *uri;          /* the resource's, as read (in the exchange's arena) */
    const json_value_t *vars; /* the template's variables, or the prompt's arguments (likewise) */
    const mcp_cache_hint_t *cache;
    buf_t response;
} remote_job_t;

static void
wake_remote_job(void *data)
{
    ctx_wake(((remote_job_t *)data)->ctx);
}

/* The response: the ReadResourceResult or GetPromptResult, or the error. */
static void
run_remote_job(void *data)
{
    remote_job_t *job = data;
    mcp_ctx_t *ctx = job->ctx;
    const mcp_request_t *req = ctx_request(ctx);
    if (!methods_job_begin(ctx))
        return; /* nobody is left to read the answer */
    mcp_rpc_error_t e = {0};
    int rc = job->prompt != NULL ? get_prompt(ctx, job->prompt, job->vars, &e)
                                 : read_resource(ctx, job->resource, job->uri, job->vars, &e);
    jsonw_t w;
    jsonw_init(&w, &job->response);
    if (rc == 0) {
        jsonrpc_begin_result(&w, ctx_id(ctx));
        rc = job->prompt != NULL ? ctx_write_prompt(ctx, &w, job->prompt->description, &e) : ctx_write_contents(ctx, &w, &e);
        if (rc == 0) {
            era_result_end(req, &w, job->cache);
            jsonrpc_end_result(&w);
        }
        if (rc == 0 && jsonw_failed(&w))
            rc = rpc_error_set(&e, JSONRPC_INTERNAL_ERROR, "Internal error: result too large", NULL);
    }
    if (rc == 0)
        return;
    buf_reset(&job->response);
    jsonw_init(&w, &job->response);
    if (rc == MCP_NOT_FOUND) {
        buf_t detail = BUF_INIT(0);
        jsonw_t dw;
        jsonw_init(&dw, &detail);
        jsonw_object_begin(&dw);
        jsonw_kv_string(&dw, "uri", job->uri);
        jsonw_object_end(&dw);
        jsonrpc_write_error(&w, ctx_id(ctx), era_resource_not_found_code(req), "Resource not found", detail.data);
        buf_dispose(&detail);
    } else {
        jsonrpc_write_error(&w, ctx_id(ctx), e.code, e.message != NULL ? e.message : "Internal error", e.data);
    }
}

static void
finish_remote_job(void *data)
{
    remote_job_t *job = data;
    admission_release_call(server_admission(job->server), 0); /* before the answer: the client's next call finds it free */
    methods_job_end(job->ctx, &job->response);
    buf_dispose(&job->response);
    free(job);
}

static mcp_outcome_t
submit(mcp_call_t *call, mcp_ctx_t *ctx, const remote_job_t *proto, const char *label)
{
    remote_job_t *job = malloc(sizeof(*job));
    if (job != NULL) {
        *job = *proto;
        job->ctx = ctx;
        job->server = call->req->server;
        job->cache = call->method->cache;
        buf_init(&job->response, 0);
        workers_job_t w = {.run = run_remote_job, .wake = wake_remote_job, .done = finish_remote_job, .data = job};
        if (methods_submit(call, ctx, label, 0, &w) == 0)
            return MCP_OUTCOME_DEFERRED;
        free(job);
    }
    call->overloaded = 1;
    return call_error(call, MCP_SERVER_BUSY, MCP_SERVER_BUSY_MESSAGE, NULL);
}

mcp_outcome_t
remote_tools_submit_read(mcp_call_t *call, mcp_ctx_t *ctx, const mcp_resource_t *r, const char *uri, const json_value_t *vars)
{
    remote_job_t job = {.resource = r, .uri = uri, .vars = vars};
    return submit(call, ctx, &job, r->name);
}

mcp_outcome_t
remote_tools_submit_get(mcp_call_t *call, mcp_ctx_t *ctx, const mcp_prompt_t *p, const json_value_t *args)
{
    remote_job_t job = {.prompt = p, .vars = args};
    return submit(call, ctx, &job, p->name);
}
