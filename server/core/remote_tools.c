/* remote_tools.c: registered tools, read from a source and called through it (see remote_tools.h). */
#include "remote_tools.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "handler_ctx.h"
#include "jsonw.h"
#include "log.h"
#include "schema.h"
#include "server.h"

#define RETRY_AFTER_FAILURE_MS 5000 /* a source that failed is asked again this soon, whatever the interval */
#define MAX_RECORDS_BYTES (8u << 20)
#define DEADLINE_MARGIN_MS 1000 /* left to the server to answer after an invoke that used all its time */

typedef struct st_remote_tool_t {
    mcp_tool_entry_t entry; /* first: the handler finds the record from the entry it is called with */
    mcp_tool_t tool;
    const json_value_t *record;
    int timeout_ms;
} remote_tool_t;

struct st_remote_snapshot_t {
    arena_t arena;
    char *text; /* what the source returned, to see whether anything changed */
    size_t text_len;
    remote_tool_t *tools;
    size_t num_tools;
    remote_snapshot_t *older; /* replaced snapshots, kept until the end */
};

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

static int
fail(char *err, size_t err_len, const char *pointer, const char *what)
{
    snprintf(err, err_len, "%s: %s", pointer, what);
    return -1;
}

int
remote_tools_check_record(const json_value_t *rec, const registry_t *builtin, char *err, size_t err_len)
{
    if (rec == NULL || rec->type != JSON_OBJECT)
        return fail(err, err_len, "", "a record must be an object");
    const char *name = json_string(json_get(rec, "name"));
    if (name == NULL || !valid_name(name))
        return fail(err, err_len, "/name", "must be 1-128 of A-Z a-z 0-9 _ . -");
    if (builtin != NULL && registry_find_tool(builtin, name) != NULL)
        return fail(err, err_len, "/name", "is a built-in tool's name (registered tools never shadow built-in ones)");
    const json_value_t *v = json_get(rec, "title");
    if (v != NULL && v->type != JSON_STRING)
        return fail(err, err_len, "/title", "must be a string");
    const char *description = json_string(json_get(rec, "description"));
    if (description == NULL || description[0] == '\0')
        return fail(err, err_len, "/description", "must be a non-empty string");
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
    v = json_get(rec, "annotations");
    if (v != NULL && v->type != JSON_OBJECT)
        return fail(err, err_len, "/annotations", "must be an object");
    v = json_get(rec, "timeoutMs");
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
    size_t n = doc != NULL ? doc->u.arr.len : 0;
    s->tools = calloc(n != 0 ? n : 1, sizeof(*s->tools));
    if (s->tools == NULL) {
        snapshot_free(s);
        return NULL;
    }
    for (size_t i = 0; i != n; ++i) {
        const json_value_t *rec = doc->u.arr.items[i];
        char why[320];
        if (remote_tools_check_record(rec, rt->builtin, why, sizeof(why)) != 0) {
            const char *name = json_string(json_get(rec, "name"));
            log_msg(LOG_WARN, "registered_tool_refused", "registered tool %s is not served: %s", name != NULL ? name : "(no name)",
                    why);
            continue;
        }
        const char *name = json_string(json_get(rec, "name"));
        if (remote_snapshot_find(s, name) != NULL) {
            log_msg(LOG_WARN, "registered_tool_refused", "registered tool %s is not served: its name is registered twice", name);
            continue;
        }
        remote_tool_t *t = &s->tools[s->num_tools];
        int64_t timeout = REMOTE_TOOLS_DEFAULT_TIMEOUT_MS;
        json_int64(json_get(rec, "timeoutMs"), &timeout);
        const json_value_t *ann = json_get(rec, "annotations");
        t->tool = (mcp_tool_t){.name = name,
                               .title = json_string(json_get(rec, "title")),
                               .description = json_string(json_get(rec, "description")),
                               .annotations = ann != NULL ? arena_json(&s->arena, ann) : NULL,
                               .handler = remote_tool_call};
        t->entry = (mcp_tool_entry_t){
            .tool = &t->tool, .input_schema = json_get(rec, "inputSchema"), .output_schema = json_get(rec, "outputSchema")};
        t->record = rec;
        t->timeout_ms = (int)timeout;
        ++s->num_tools;
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
                log_msg(LOG_INFO, "registry_read", "%zu registered tool(s) served", fresh->num_tools);
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
            ctx_content_json(ctx, content->u.arr.items[i]);
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

/* X-Amz-Function-Error: the function's errorType and errorMessage, never its stack trace. */
static int
map_function_error(mcp_ctx_t *ctx, const buf_t *payload)
{
    json_value_t *v = NULL;
    if (payload->len != 0)
        ctx_parse_json(ctx, payload->data, payload->len, &v);
    const char *type = json_string(json_get(v, "errorType"));
    const char *message = json_string(json_get(v, "errorMessage"));
    if (message == NULL)
        return mcp_error(ctx, "The tool's function failed%s%s", type != NULL ? ": " : "", type != NULL ? type : "");
    return mcp_error(ctx, "The tool's function failed: %s%s%s", type != NULL ? type : "", type != NULL ? ": " : "", message);
}

static int
remote_tool_call(mcp_ctx_t *ctx, const json_value_t *args)
{
    const remote_tool_t *t = (const remote_tool_t *)ctx_tool(ctx);
    const mcp_request_t *req = ctx_request(ctx);
    remote_tools_t *rt = server_remote_tools(req->server);
    int timeout = t->timeout_ms;
    if (req->deadline_ms != 0) {
        int64_t left = req->deadline_ms - mcp_now_ms() - DEADLINE_MARGIN_MS;
        if (left <= 0)
            return mcp_error(ctx, "The tool's function was not called: the request has no time left");
        if (left < timeout)
            timeout = (int)left;
    }
    buf_t event = BUF_INIT(0), id = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &event);
    if (args != NULL)
        jsonw_value(&w, args);
    else
        jsonw_raw(&w, "{}", 2);
    jsonw_init(&w, &id);
    jsonw_value(&w, ctx_id(ctx));
    mcp_invoke_t call = {.tool = t->tool.name,
                         .record = t->record,
                         .arguments = event.data,
                         .arguments_len = event.len,
                         .identity = mcp_identity(ctx),
                         .request_id = req->log_id,
                         .message_id = id.data != NULL ? id.data : "null",
                         .timeout_ms = timeout};
    mcp_invoke_result_t res = {.status = MCP_INVOKE_UNREACHABLE};
    buf_init(&res.payload, 6u << 20); /* Lambda's synchronous response limit */
    int64_t began = mcp_monotonic_ms();
    rt->source->invoke(rt->source, &call, &res);
    log_msg(LOG_DEBUG, "registered_tool_invoked", "tool %s: status %d after %lld ms", t->tool.name, (int)res.status,
            (long long)(mcp_monotonic_ms() - began));
    int ret = 0;
    switch (res.status) {
    case MCP_INVOKE_OK:
        ret = map_payload(ctx, t, &res.payload);
        break;
    case MCP_INVOKE_FUNCTION_ERROR:
        ret = map_function_error(ctx, &res.payload);
        break;
    case MCP_INVOKE_THROTTLED:
        ret = mcp_error(ctx, "The tool's function is throttled (too many requests or concurrent invocations): try again later (%s)",
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
    buf_dispose(&id);
    return ret;
}
