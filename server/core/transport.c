/*
 * transport.c: the Streamable HTTP layer. Where a request enters the core: HTTP method, path, Host and
 * Origin (DNS rebinding), Accept, Content-Type and body size are checked here, in that order, before any
 * JSON is parsed; then the body is parsed, era.c decides the request's era from MCP-Protocol-Version
 * and the body's _meta, and each message is handed to jsonrpc/dispatch; finally the collected messages
 * become a JSON body, an SSE body or a stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"
#include "log.h"

#define MAX_JSON_DEPTH 64
/* What an exchange may hold that the front door has not taken yet (responses and SSE events). */
#define MAX_BACKLOG_BYTES (64u << 20)

int64_t
mcp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
add_header(mcp_response_t *res, const char *name, const char *value)
{
    if (res->num_headers == MCP_MAX_RESPONSE_HEADERS)
        return;
    mcp_header_t *h = &res->headers[res->num_headers++];
    h->name = name;
    h->name_len = strlen(name);
    h->value = value;
    h->value_len = strlen(value);
}

/* An HTTP-level refusal: the status and a JSON-RPC error body without an id, as the TypeScript SDK sends. */
static void
refuse(mcp_response_t *res, int status, int code, const char *message)
{
    res->status = status;
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonrpc_write_error(&w, NULL, code, message, NULL);
    res->body = buf_release(&body, &res->body_len);
    add_header(res, "content-type", "application/json");
}

/* ---- Host and Origin allow-lists ---- */

static int
host_matches(const char *pattern, const char *host, size_t host_len)
{
    if (strcmp(pattern, "*") == 0)
        return 1;
    /* split host into name and port; [v6] names keep their brackets */
    size_t name_len = host_len;
    const char *colon = NULL;
    if (host_len != 0 && host[0] == '[') {
        const char *close = memchr(host, ']', host_len);
        if (close == NULL)
            return 0;
        name_len = (size_t)(close - host) + 1;
        if (name_len < host_len) {
            if (host[name_len] != ':')
                return 0;
            colon = host + name_len;
        }
    } else {
        colon = memchr(host, ':', host_len);
        if (colon != NULL)
            name_len = (size_t)(colon - host);
    }
    const char *pport = NULL;
    size_t pname_len = strlen(pattern);
    if (pattern[0] == '[') {
        const char *close = strchr(pattern, ']');
        pname_len = (size_t)(close - pattern) + 1;
        if (close[1] == ':')
            pport = close + 2;
    } else if ((pport = strchr(pattern, ':')) != NULL) {
        pname_len = (size_t)(pport - pattern);
        ++pport;
    }
    if (pport != NULL) {
        if (colon == NULL || strlen(pport) != host_len - (size_t)(colon + 1 - host) || memcmp(pport, colon + 1, strlen(pport)) != 0)
            return 0;
    }
    if (strncmp(pattern, "*.", 2) == 0) {
        /* "*.example.com" matches "a.example.com" and "a.b.example.com", not "example.com" */
        size_t suffix_len = pname_len - 1;
        return name_len > suffix_len && strncasecmp(host + name_len - suffix_len, pattern + 1, suffix_len) == 0;
    }
    return name_len == pname_len && strncasecmp(host, pattern, name_len) == 0;
}

static int
host_allowed(const config_list_t *list, const char *host, size_t len)
{
    for (size_t i = 0; i != list->len; ++i)
        if (host_matches(list->items[i], host, len))
            return 1;
    return 0;
}

static int
origin_allowed(const config_list_t *list, const char *origin, size_t len)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= len; ++i) {
        if (memcmp(origin + i, "://", 3) == 0) {
            sep = origin + i;
            break;
        }
    }
    if (sep == NULL)
        return 0;
    size_t scheme_len = (size_t)(sep - origin);
    const char *host = sep + 3;
    size_t host_len = len - scheme_len - 3;
    if (host_len == 0 || memchr(host, '/', host_len) != NULL)
        return 0;
    for (size_t i = 0; i != list->len; ++i) {
        const char *p = list->items[i];
        if (strcmp(p, "*") == 0)
            return 1;
        const char *psep = strstr(p, "://");
        if ((size_t)(psep - p) == scheme_len && strncasecmp(p, origin, scheme_len) == 0 && host_matches(psep + 3, host, host_len))
            return 1;
    }
    return 0;
}

/* ---- media types ---- */

/* Compares a media type (ignoring parameters and surrounding spaces) with "type/subtype". */
static int
media_type_is(const char *s, size_t len, const char *type)
{
    while (len != 0 && (*s == ' ' || *s == '\t'))
        ++s, --len;
    size_t end = 0;
    while (end != len && s[end] != ';' && s[end] != ' ' && s[end] != '\t')
        ++end;
    return end == strlen(type) && strncasecmp(s, type, end) == 0;
}

/* 1 if an Accept element (one comma-separated item) has q=0. */
static int
accept_q_zero(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; ++i) {
        if (s[i] != ';')
            continue;
        size_t k = i + 1;
        while (k < len && (s[k] == ' ' || s[k] == '\t'))
            ++k;
        if (k + 2 <= len && (s[k] == 'q' || s[k] == 'Q') && s[k + 1] == '=') {
            double q = strtod(s + k + 2, NULL);
            return q <= 0;
        }
    }
    return 0;
}

/* Whether an Accept header value admits the given media type: exactly, by its type wildcard, or by the full wildcard. */
static int
accepts(const char *value, size_t len, const char *type)
{
    /* "application/json" gives the wildcard "application/" followed by a star */
    char wildcard[64];
    size_t type_len = (size_t)(strchr(type, '/') - type);
    memcpy(wildcard, type, type_len);
    memcpy(wildcard + type_len, "/*", 3);
    size_t start = 0;
    while (start <= len) {
        size_t end = start;
        while (end != len && value[end] != ',')
            ++end;
        const char *item = value + start;
        size_t item_len = end - start;
        if ((media_type_is(item, item_len, type) || media_type_is(item, item_len, wildcard) ||
             media_type_is(item, item_len, "*/*")) &&
            !accept_q_zero(item, item_len))
            return 1;
        start = end + 1;
    }
    return 0;
}

/* ---- RFC 9728 protected resource metadata ---- */

#define METADATA_PATH "/.well-known/oauth-protected-resource"

/* The root well-known URI, or the one with the endpoint's path inserted (RFC 9728 section 3.1). */
static int
is_metadata_path(const mcp_config_t *cfg, const char *path, size_t len)
{
    size_t base = sizeof(METADATA_PATH) - 1;
    if (len < base || memcmp(path, METADATA_PATH, base) != 0)
        return 0;
    return len == base || (len - base == strlen(cfg->path) && memcmp(path + base, cfg->path, len - base) == 0);
}

/* A configured list as a member of the metadata, left out when empty. */
static void
metadata_list(jsonw_t *w, const char *key, const config_list_t *list)
{
    if (list->len == 0)
        return;
    jsonw_key(w, key);
    jsonw_array_begin(w);
    for (size_t i = 0; i != list->len; ++i)
        jsonw_string(w, list->items[i]);
    jsonw_array_end(w);
}

/*
 * The document that tells OAuth clients which resource this is and where to get tokens for it. The
 * resource is the endpoint's canonical URL: configured (custom domains), or as the front door saw it.
 */
static void
protected_resource_metadata(const mcp_config_t *cfg, const mcp_http_request_t *req, const mcp_header_t *host, mcp_response_t *res)
{
    if (!(req->method_len == 3 && memcmp(req->method, "GET", 3) == 0)) {
        refuse(res, 405, MCP_TRANSPORT_ERROR, "Method Not Allowed");
        add_header(res, "allow", "GET");
        return;
    }
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    jsonw_key(&w, "resource");
    if (cfg->public_url[0] != '\0') {
        jsonw_string(&w, cfg->public_url);
    } else {
        buf_t url = BUF_INIT(0);
        if (req->public_base != NULL)
            buf_append_str(&url, req->public_base);
        else if (host != NULL)
            buf_printf(&url, "http://%.*s", (int)host->value_len, host->value);
        buf_append_str(&url, cfg->path);
        jsonw_stringn(&w, url.data, url.len);
        buf_dispose(&url);
    }
    metadata_list(&w, "authorization_servers", &cfg->authorization_servers);
    metadata_list(&w, "scopes_supported", &cfg->scopes_supported);
    jsonw_key(&w, "bearer_methods_supported");
    jsonw_raw(&w, "[\"header\"]", 10);
    jsonw_kv_string(&w, "resource_name", "mcp-lambda-c");
    jsonw_object_end(&w);
    res->status = 200;
    res->body = buf_release(&body, &res->body_len);
    add_header(res, "content-type", "application/json");
    add_header(res, "cache-control", "max-age=300");
}

/* ---- the exchange ---- */

static mcp_exchange_t *
exchange_new(mcp_server_t *s, const mcp_http_request_t *req)
{
    mcp_stream_t *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return NULL;
    mcp_exchange_t *ex = &st->ex;
    ex->server = s;
    arena_init(&ex->arena, 32 * s->config->max_body_bytes + (1 << 20)); /* a dense document takes ~28 bytes per byte */
    ex->can_stream = req->can_stream;
    ex->concurrent = req->concurrent;
    ex->req = req;
    ex->client_log_level = s->config->client_log_level;
    if (req->request_id != NULL)
        strncpy(ex->log_id, req->request_id, sizeof(ex->log_id) - 1); /* calloc'd: stays NUL-terminated */
    ex->deadline_ms = req->deadline_ms;
    buf_init(&ex->json, MAX_BACKLOG_BYTES);
    buf_init(&ex->sse, MAX_BACKLOG_BYTES);
    pthread_mutex_init(&ex->lock, NULL);
    pthread_cond_init(&ex->cond, NULL);
    ex->refcnt = 1;
    return ex;
}

static void
exchange_free(mcp_exchange_t *ex)
{
    buf_dispose(&ex->json);
    buf_dispose(&ex->sse);
    arena_dispose(&ex->arena);
    pthread_mutex_destroy(&ex->lock);
    pthread_cond_destroy(&ex->cond);
    free((mcp_stream_t *)ex);
}

void
exchange_release(mcp_exchange_t *ex)
{
    pthread_mutex_lock(&ex->lock);
    int last = --ex->refcnt == 0;
    pthread_mutex_unlock(&ex->lock);
    if (last)
        exchange_free(ex);
}

static void
frame_sse(buf_t *out, const char *json, size_t len)
{
    buf_append(out, "event: message\ndata: ", 21);
    buf_append(out, json, len);
    buf_append(out, "\n\n", 2);
}

void
exchange_add_locked(mcp_exchange_t *ex, const char *json, size_t len, int is_response, int completes_call)
{
    if (completes_call)
        --ex->running;
    if (!is_response) {
        ++ex->num_notifications;
    } else if (!ex->streaming) {
        if (ex->num_responses++ != 0)
            buf_append_char(&ex->json, ',');
        buf_append(&ex->json, json, len);
    }
    frame_sse(&ex->sse, json, len);
    pthread_cond_broadcast(&ex->cond);
    if (ex->notify != NULL)
        ex->notify(ex->notify_data);
}

static void
exchange_add(mcp_exchange_t *ex, const char *json, size_t len, int is_response, int completes_call)
{
    pthread_mutex_lock(&ex->lock);
    exchange_add_locked(ex, json, len, is_response, completes_call);
    pthread_mutex_unlock(&ex->lock);
}

void
exchange_add_response(mcp_exchange_t *ex, const char *json, size_t len)
{
    exchange_add(ex, json, len, 1, 0);
}

void
exchange_add_message(mcp_exchange_t *ex, const char *json, size_t len)
{
    exchange_add(ex, json, len, 0, 0);
}

void
exchange_complete_call(mcp_exchange_t *ex, const char *json, size_t len)
{
    exchange_add(ex, json, len, 1, 1);
}

void
mcp_stream_set_notify(mcp_stream_t *st, mcp_stream_notify_cb cb, void *data)
{
    pthread_mutex_lock(&st->ex.lock);
    st->ex.notify = cb;
    st->ex.notify_data = data;
    pthread_mutex_unlock(&st->ex.lock);
}

int
mcp_stream_take(mcp_stream_t *st, buf_t *out)
{
    mcp_exchange_t *ex = &st->ex;
    pthread_mutex_lock(&ex->lock);
    int done = ex->running == 0;
    if (buf_failed(&ex->sse)) {
        /* more was produced than the client took: end the stream rather than grow without bound */
        log_msg(LOG_WARN, "stream_overflow", "the client reads too slowly; the stream ends");
        done = 1;
    } else {
        buf_append(out, ex->sse.data, ex->sse.len);
    }
    buf_reset(&ex->sse);
    pthread_mutex_unlock(&ex->lock);
    return done;
}

int
mcp_stream_wait(mcp_stream_t *st, int64_t deadline_ms)
{
    mcp_exchange_t *ex = &st->ex;
    pthread_mutex_lock(&ex->lock);
    while (ex->running != 0) {
        if (deadline_ms == 0) {
            pthread_cond_wait(&ex->cond, &ex->lock);
            continue;
        }
        struct timespec ts = {.tv_sec = deadline_ms / 1000, .tv_nsec = (deadline_ms % 1000) * 1000000};
        if (pthread_cond_timedwait(&ex->cond, &ex->lock, &ts) != 0 && mcp_now_ms() >= deadline_ms)
            break;
    }
    int done = ex->running == 0;
    pthread_mutex_unlock(&ex->lock);
    return done;
}

void
mcp_stream_release(mcp_stream_t *st)
{
    mcp_exchange_t *ex = &st->ex;
    pthread_mutex_lock(&ex->lock);
    ex->released = 1;
    ex->notify = NULL;
    pthread_mutex_unlock(&ex->lock);
    /* a listen stream's client is gone: nobody to send its final result to */
    subscriptions_end(ex, 0);
    exchange_release(ex);
}

/* ---- mcp_handle ---- */

static void
handle_messages(mcp_exchange_t *ex, const json_value_t *root, mcp_response_t *res)
{
    if (root->type != JSON_ARRAY) {
        if (root->type == JSON_OBJECT && json_get(root, "method") == NULL &&
            (json_get(root, "result") != NULL || json_get(root, "error") != NULL)) {
            dispatch_response(ex, root);
            return;
        }
        dispatch_request(ex, root, &res->rpc_method, &res->tool_name);
        return;
    }
    ex->is_batch = 1;
    for (size_t i = 0; i != root->u.arr.len; ++i) {
        const json_value_t *msg = root->u.arr.items[i];
        if (msg->type == JSON_OBJECT && json_get(msg, "method") == NULL &&
            (json_get(msg, "result") != NULL || json_get(msg, "error") != NULL)) {
            dispatch_response(ex, msg);
            continue;
        }
        const json_value_t *method = json_get(msg, "method");
        if (json_string(method) != NULL && strcmp(method->u.str.ptr, "initialize") == 0) {
            /* initialize MUST NOT be part of a batch */
            buf_t tmp = BUF_INIT(0);
            jsonw_t w;
            jsonw_init(&w, &tmp);
            const json_value_t *id = json_get(msg, "id");
            jsonrpc_write_error(&w, jsonrpc_valid_id(id) ? id : NULL, JSONRPC_INVALID_REQUEST,
                                "Invalid Request: initialize must not be batched", NULL);
            exchange_add_response(ex, tmp.data, tmp.len);
            buf_dispose(&tmp);
            continue;
        }
        const char *unused_method, *unused_tool;
        dispatch_request(ex, msg, &unused_method, &unused_tool);
    }
}

/* Turns what the messages produced into the HTTP response. */
static void
finish(mcp_exchange_t *ex, mcp_response_t *res)
{
    pthread_mutex_lock(&ex->lock);
    int running = ex->running;
    if (running != 0)
        ex->streaming = 1;
    pthread_mutex_unlock(&ex->lock);

    if (running != 0) {
        res->status = 200;
        res->stream = (mcp_stream_t *)ex;
        add_header(res, "content-type", "text/event-stream");
        add_header(res, "cache-control", "no-cache");
        add_header(res, "x-accel-buffering", "no");
        return;
    }
    if (ex->num_responses == 0) {
        /* only notifications and responses: accepted, no body */
        res->status = 202;
    } else if (ex->num_notifications != 0) {
        res->status = 200;
        res->body = buf_release(&ex->sse, &res->body_len);
        add_header(res, "content-type", "text/event-stream");
        add_header(res, "cache-control", "no-cache");
        add_header(res, "x-accel-buffering", "no");
    } else if (ex->is_batch) {
        buf_t body = BUF_INIT(0);
        buf_append_char(&body, '[');
        buf_append(&body, ex->json.data, ex->json.len);
        buf_append_char(&body, ']');
        res->status = 200;
        res->body = buf_release(&body, &res->body_len);
        add_header(res, "content-type", "application/json");
    } else {
        res->status = 200;
        res->body = buf_release(&ex->json, &res->body_len);
        add_header(res, "content-type", "application/json");
    }
    exchange_release(ex);
}

#define UNSUPPORTED_LEGACY_VERSION                                                                                                 \
    "Bad Request: Unsupported protocol version (supported versions: 2025-11-25, 2025-06-18, 2025-03-26)"

void
mcp_handle(mcp_server_t *s, const mcp_http_request_t *req, mcp_response_t *res)
{
    const mcp_config_t *cfg = s->config;
    memset(res, 0, sizeof(*res));

    const mcp_header_t *host = headers_find(req, "host");
    if (host != NULL && !host_allowed(&cfg->allowed_hosts, host->value, host->value_len)) {
        refuse(res, 403, MCP_TRANSPORT_ERROR, "Forbidden: Host not allowed");
        return;
    }
    const mcp_header_t *origin = headers_find(req, "origin");
    if (origin != NULL) {
        if (!origin_allowed(&cfg->allowed_origins, origin->value, origin->value_len)) {
            refuse(res, 403, MCP_TRANSPORT_ERROR, "Forbidden: Origin not allowed");
            return;
        }
        if (origin->value_len < sizeof(res->origin_copy)) {
            memcpy(res->origin_copy, origin->value, origin->value_len);
            res->origin_copy[origin->value_len] = '\0';
            add_header(res, "access-control-allow-origin", res->origin_copy);
            add_header(res, "vary", "Origin");
        }
    }
    if (is_metadata_path(cfg, req->path, req->path_len)) {
        protected_resource_metadata(cfg, req, host, res);
        return;
    }
    if (req->path_len != strlen(cfg->path) || memcmp(req->path, cfg->path, req->path_len) != 0) {
        refuse(res, 404, MCP_TRANSPORT_ERROR, "Not Found");
        return;
    }
    if (req->method_len == 7 && memcmp(req->method, "OPTIONS", 7) == 0) {
        /* CORS preflight for browser clients */
        res->status = 204;
        add_header(res, "access-control-allow-methods", "POST, OPTIONS");
        add_header(
            res, "access-control-allow-headers",
            "content-type, accept, authorization, mcp-protocol-version, mcp-session-id, last-event-id, mcp-method, mcp-name");
        add_header(res, "access-control-expose-headers", "mcp-session-id, www-authenticate");
        add_header(res, "access-control-max-age", "600");
        return;
    }
    if (req->method_len != 4 || memcmp(req->method, "POST", 4) != 0) {
        /* stateless: no GET stream to offer, no session to delete */
        refuse(res, 405, MCP_TRANSPORT_ERROR, "Method Not Allowed");
        add_header(res, "allow", "POST");
        return;
    }
    const mcp_header_t *accept = headers_find(req, "accept");
    if (accept == NULL || !accepts(accept->value, accept->value_len, "application/json") ||
        !accepts(accept->value, accept->value_len, "text/event-stream")) {
        refuse(res, 406, MCP_TRANSPORT_ERROR, "Not Acceptable: Client must accept both application/json and text/event-stream");
        return;
    }
    const mcp_header_t *ctype = headers_find(req, "content-type");
    if (ctype == NULL || !media_type_is(ctype->value, ctype->value_len, "application/json")) {
        refuse(res, 415, MCP_TRANSPORT_ERROR, "Unsupported Media Type: Content-Type must be application/json");
        return;
    }
    if (req->body_len > cfg->max_body_bytes) {
        refuse(res, 413, MCP_TRANSPORT_ERROR, "Payload Too Large");
        return;
    }
    mcp_exchange_t *ex = exchange_new(s, req);
    if (ex == NULL) {
        refuse(res, 500, JSONRPC_INTERNAL_ERROR, "Internal error");
        return;
    }
    json_value_t *root;
    int err = json_parse(&ex->arena, req->body, req->body_len, MAX_JSON_DEPTH, &root);
    /* a legacy client naming a revision we do not speak hears so before anything about its body */
    if (era_select(ex, headers_find(req, "mcp-protocol-version"), err == 0 ? root : NULL) == ERA_BAD_LEGACY_VERSION) {
        refuse(res, 400, MCP_TRANSPORT_ERROR, UNSUPPORTED_LEGACY_VERSION);
        exchange_release(ex);
        return;
    }
    if (err != 0) {
        log_msg(LOG_DEBUG, "parse_error", "%s", json_strerror(err));
        refuse(res, 400, JSONRPC_PARSE_ERROR, err == JSON_ERR_NOMEM ? "Parse error: document too large" : "Parse error");
        exchange_release(ex);
        return;
    }
    if (req->identity_json != NULL) {
        json_value_t *identity;
        if (json_parse(&ex->arena, req->identity_json, strlen(req->identity_json), MAX_JSON_DEPTH, &identity) == 0)
            ex->identity = identity;
    }
    if (root->type == JSON_ARRAY && (ex->version != MCP_V2025_03_26 || root->u.arr.len == 0)) {
        /* batches exist only in 2025-03-26, and an empty one is invalid there */
        refuse(res, 400, JSONRPC_INVALID_REQUEST,
               root->u.arr.len == 0 ? "Invalid Request: empty batch"
                                    : "Invalid Request: batches are not supported in this protocol version");
        exchange_release(ex);
        return;
    }
    handle_messages(ex, root, res);
    ex->req = NULL; /* borrowed for this call only; workers never look at it */
    /* a single message that is refused gets an HTTP status saying so too */
    int status = ex->is_batch ? 0 : era_response_status(ex);
    finish(ex, res);
    if (status != 0)
        res->status = status;
}

void
mcp_response_dispose(mcp_response_t *res)
{
    free(res->body);
    res->body = NULL;
}
