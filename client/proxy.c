/* proxy.c: the stdio <-> Streamable HTTP bridge (proxy.h). */
#include "proxy.h"

#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "headers.h"
#include "jsonw.h"
#include "mcpc_errors.h"
#include "session.h"
#include "sse.h"
#include "text.h"

#define MAX_LINE (32u * 1024 * 1024) /* one message from the host */
#define MAX_DEPTH 64
#define MAX_EXTRA 64
#define MAX_POOL 64               /* connections kept for reuse */
#define MAX_ERROR_BODY 4096       /* kept of a refusal, for its message */
#define EXIT_GRACE_MS 3000        /* how long stdin closing waits for requests still running */
#define LISTEN_RETRY_MS 1000      /* between GET streams */
#define MAX_LISTEN_FAILURES 3     /* GET streams that fail in a row before the proxy stops listening */
#define JSONRPC_INTERNAL (-32603) /* JSON-RPC errors the proxy answers with */
#define JSONRPC_INVALID_REQUEST (-32600)
#define JSONRPC_INVALID_PARAMS (-32602)
#define JSONRPC_PARSE_ERROR (-32700)
#define JSONRPC_CONNECTION_CLOSED (-32000)
#define JSONRPC_REQUEST_TIMEOUT (-32001) /* the TypeScript SDK's RequestTimeout */
#define MODERN_VERSION_KEY "io.modelcontextprotocol/protocolVersion"

/* A tool seen in a tools/list result. */
typedef struct st_tool_t {
    char *name;
    char *input_schema; /* JSON text, or NULL */
    int read_only;      /* annotations.readOnlyHint is true */
} tool_t;

typedef struct st_proxy_t {
    const mcpc_proxy_config_t *config;
    pthread_mutex_t lock; /* guards everything below but out_lock's stream */
    pthread_cond_t changed;
    mcpc_http_client_t *pool[MAX_POOL];
    size_t pool_len;
    char *session_id;        /* legacy: assigned by the server in answer to initialize */
    char legacy_version[32]; /* legacy: the revision initialize settled on */
    int listening;           /* a GET stream was started for the session */
    int listener_running;    /* the GET listener thread has not returned */
    tool_t *tools;
    size_t num_tools;
    int in_flight;
    int closing;
    unsigned long next_internal_id;
    char *authorization;
    mcpc_http_header_t extra[MAX_EXTRA];
    size_t num_extra;
    pthread_mutex_t out_lock; /* one message at a time on stdout */
} proxy_t;

/* What is being sent, and what came back. */
typedef struct st_exchange_t {
    proxy_t *p;
    const char *method;     /* of the message sent, or NULL for a response */
    const json_value_t *id; /* of a request sent, or NULL */
    char internal_id[48];   /* a request of the proxy's own: its id, and nothing goes to stdout */
    const char *version;    /* MCP-Protocol-Version sent */
    int modern;
    int status;
    char reason[64];
    char error_type[128];
    int kind; /* of the body: BODY_* */
    buf_t body;
    mcpc_sse_parser_t sse;
    int answered;   /* the response to id came */
    buf_t response; /* internal: the response */
    int error;      /* a failure in a callback */
    char error_text[512];
} exchange_t;

enum { BODY_IGNORE, BODY_JSON, BODY_SSE, BODY_ERROR };

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
    (void)sig;
    stop_signal = 1;
}

/* ---- stdout ---- */

/* Writes one message as one line: raw line breaks in JSON are white space, so they become spaces. */
static void
emit(proxy_t *p, const char *json, size_t len)
{
    pthread_mutex_lock(&p->out_lock);
    for (size_t i = 0; i < len;) {
        size_t run = strcspn(json + i, "\r\n");
        if (run > len - i)
            run = len - i;
        fwrite(json + i, 1, run, p->config->out);
        if ((i += run) < len) {
            fputc(' ', p->config->out);
            ++i;
        }
    }
    fputc('\n', p->config->out);
    fflush(p->config->out);
    pthread_mutex_unlock(&p->out_lock);
}

/* Answers the host's request id with a JSON-RPC error. */
static void
emit_error(proxy_t *p, const json_value_t *id, int code, const char *message)
{
    buf_t out = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &out);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "jsonrpc", "2.0");
    jsonw_key(&w, "id");
    if (id != NULL)
        jsonw_value(&w, id);
    else
        jsonw_null(&w);
    jsonw_key(&w, "error");
    jsonw_object_begin(&w);
    jsonw_kv_int(&w, "code", code);
    jsonw_kv_string(&w, "message", message);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    if (!buf_failed(&out))
        emit(p, out.data, out.len);
    buf_dispose(&out);
}

static void note(proxy_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(proxy_t *p, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    buf_t clean = BUF_INIT(0);
    mcpc_text_clean(&clean, text, strlen(text), 0);
    pthread_mutex_lock(&p->out_lock);
    fprintf(p->config->diag, "mcp-client proxy: %s\n", clean.data != NULL ? clean.data : "");
    fflush(p->config->diag);
    pthread_mutex_unlock(&p->out_lock);
    buf_dispose(&clean);
}

/* ---- the tools the host has listed ---- */

static const tool_t *
find_tool(proxy_t *p, const char *name)
{
    for (size_t i = 0; i != p->num_tools; ++i)
        if (strcmp(p->tools[i].name, name) == 0)
            return &p->tools[i];
    return NULL;
}

/* Remembers each tool of a tools/list result (its inputSchema and whether it is read-only). */
static void
remember_tools(proxy_t *p, const json_value_t *result)
{
    const json_value_t *tools = json_get(result, "tools");
    if (tools == NULL || tools->type != JSON_ARRAY)
        return;
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i != tools->u.arr.len; ++i) {
        const json_value_t *t = tools->u.arr.items[i];
        const char *name = json_string(json_get(t, "name"));
        if (name == NULL)
            continue;
        const json_value_t *hint = json_get(json_get(t, "annotations"), "readOnlyHint"), *schema = json_get(t, "inputSchema");
        buf_t text = BUF_INIT(0);
        if (schema != NULL) {
            jsonw_t w;
            jsonw_init(&w, &text);
            jsonw_value(&w, schema);
        }
        tool_t *slot = (tool_t *)find_tool(p, name);
        if (slot == NULL) {
            tool_t *grown = realloc(p->tools, (p->num_tools + 1) * sizeof(*grown));
            if (grown == NULL) {
                buf_dispose(&text);
                break;
            }
            p->tools = grown;
            slot = &p->tools[p->num_tools++];
            slot->name = strdup(name);
        } else {
            free(slot->input_schema);
        }
        slot->input_schema = schema != NULL && !buf_failed(&text) ? buf_release(&text, NULL) : NULL;
        slot->read_only = hint != NULL && hint->type == JSON_TRUE;
        buf_dispose(&text);
    }
    pthread_mutex_unlock(&p->lock);
}

/* --read-only: the tools/list response without the tools that may write, re-serialised into out. */
static void
filter_tools(const json_value_t *msg, buf_t *out)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    for (size_t i = 0; i != msg->u.obj.len; ++i) {
        const json_member_t *m = &msg->u.obj.items[i];
        jsonw_keyn(&w, m->key, m->key_len);
        if (strcmp(m->key, "result") != 0 || m->value->type != JSON_OBJECT) {
            jsonw_value(&w, m->value);
            continue;
        }
        jsonw_object_begin(&w);
        for (size_t j = 0; j != m->value->u.obj.len; ++j) {
            const json_member_t *r = &m->value->u.obj.items[j];
            jsonw_keyn(&w, r->key, r->key_len);
            if (strcmp(r->key, "tools") != 0 || r->value->type != JSON_ARRAY) {
                jsonw_value(&w, r->value);
                continue;
            }
            jsonw_array_begin(&w);
            for (size_t k = 0; k != r->value->u.arr.len; ++k) {
                const json_value_t *hint = json_get(json_get(r->value->u.arr.items[k], "annotations"), "readOnlyHint");
                if (hint != NULL && hint->type == JSON_TRUE)
                    jsonw_value(&w, r->value->u.arr.items[k]);
            }
            jsonw_array_end(&w);
        }
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
}

/* ---- connections ---- */

static mcpc_http_client_t *
take_client(proxy_t *p, char *err, size_t err_len)
{
    pthread_mutex_lock(&p->lock);
    mcpc_http_client_t *c = p->pool_len != 0 ? p->pool[--p->pool_len] : NULL;
    pthread_mutex_unlock(&p->lock);
    if (c != NULL)
        return c;
    mcpc_http_config_t hc = {.url = p->config->url,
                             .cacert = p->config->cacert,
                             .timeout_ms = p->config->timeout_ms,
                             .trace = p->config->trace,
                             .signer = p->config->signer};
    return mcpc_http_client_new(&hc, &c, err, err_len) == 0 ? c : NULL;
}

static void
give_back(proxy_t *p, mcpc_http_client_t *c)
{
    pthread_mutex_lock(&p->lock);
    if (p->pool_len != MAX_POOL) {
        p->pool[p->pool_len++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    mcpc_http_client_free(c);
}

/* ---- one HTTP exchange ---- */

static int
media_type_is(const mcpc_http_header_t *h, const char *type)
{
    if (h == NULL)
        return 0;
    size_t end = strcspn(h->value, "; \t");
    if (end > h->value_len)
        end = h->value_len;
    return end == strlen(type) && strncasecmp(h->value, type, end) == 0;
}

static int
same_id(const json_value_t *a, const json_value_t *b)
{
    if (a == NULL || b == NULL || a->type != b->type)
        return 0;
    if (a->type == JSON_STRING)
        return a->u.str.len == b->u.str.len && memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
    return a->type == JSON_NUMBER && strcmp(a->u.num.raw, b->u.num.raw) == 0;
}

/* A message from the server: the response to this exchange's request is noted (and kept when internal); every
 * message but an internal response goes to the host. Returns 1 once the response has come. */
static int
deliver(exchange_t *x, const char *text, size_t len)
{
    proxy_t *p = x->p;
    arena_t a;
    arena_init(&a, 0);
    json_value_t *msg;
    int done = 0;
    if (json_parse(&a, text, len, MAX_DEPTH, &msg) != 0 || (msg->type != JSON_OBJECT && msg->type != JSON_ARRAY)) {
        note(p, "the server sent something that is not a JSON-RPC message; dropped");
        arena_dispose(&a);
        return 0;
    }
    const json_value_t *id = json_get(msg, "id"), *result = json_get(msg, "result");
    int is_response = json_get(msg, "method") == NULL && (result != NULL || json_get(msg, "error") != NULL);
    json_value_t internal = {.type = JSON_STRING, .u.str = {x->internal_id, strlen(x->internal_id)}};
    if (is_response && same_id(id, x->internal_id[0] != '\0' ? &internal : x->id)) {
        done = x->answered = 1;
        if (x->method != NULL && strcmp(x->method, "initialize") == 0 && result != NULL) {
            const char *version = json_string(json_get(result, "protocolVersion"));
            pthread_mutex_lock(&p->lock);
            if (version != NULL)
                snprintf(p->legacy_version, sizeof(p->legacy_version), "%s", version);
            pthread_mutex_unlock(&p->lock);
        }
        if (x->method != NULL && strcmp(x->method, "tools/list") == 0 && result != NULL) {
            remember_tools(p, result);
            if (p->config->read_only && x->internal_id[0] == '\0') {
                buf_t filtered = BUF_INIT(0);
                filter_tools(msg, &filtered);
                if (!buf_failed(&filtered))
                    emit(p, filtered.data, filtered.len);
                buf_dispose(&filtered);
                arena_dispose(&a);
                return done;
            }
        }
        if (x->internal_id[0] != '\0') {
            buf_append(&x->response, text, len);
            arena_dispose(&a);
            return done;
        }
    }
    emit(p, text, len);
    arena_dispose(&a);
    return done;
}

static int
on_event(void *data, const mcpc_sse_event_t *event)
{
    exchange_t *x = data;
    if (strcmp(event->type, "message") != 0 || event->data_len == 0)
        return 0;
    return deliver(x, event->data, event->data_len);
}

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    exchange_t *x = data;
    proxy_t *p = x->p;
    x->status = res->status;
    buf_t reason = BUF_INIT(0);
    mcpc_text_snippet(&reason, res->reason, res->reason_len, sizeof(x->reason) - 4);
    snprintf(x->reason, sizeof(x->reason), "%s", reason.data != NULL ? reason.data : "");
    buf_dispose(&reason);
    if (res->status < 200 || res->status > 299) {
        mcpc_text_error_type(x->error_type, sizeof(x->error_type), res);
        x->kind = BODY_ERROR;
        return 0;
    }
    const mcpc_http_header_t *session = mcpc_http_find_header(res, "mcp-session-id");
    if (session != NULL && x->method != NULL && strcmp(x->method, "initialize") == 0) {
        pthread_mutex_lock(&p->lock);
        free(p->session_id);
        p->session_id = strndup(session->value, session->value_len);
        pthread_mutex_unlock(&p->lock);
    }
    const mcpc_http_header_t *ctype = mcpc_http_find_header(res, "content-type");
    if (res->status == 202 || (x->id == NULL && x->internal_id[0] == '\0' && x->method != NULL && strcmp(x->method, "GET") != 0)) {
        x->kind = BODY_IGNORE;
    } else if (media_type_is(ctype, "text/event-stream")) {
        x->kind = BODY_SSE;
        mcpc_sse_init(&x->sse, MCPC_MAX_MESSAGE_BYTES);
        x->sse.on_event = on_event;
        x->sse.cb_data = x;
    } else if (media_type_is(ctype, "application/json")) {
        x->kind = BODY_JSON;
    } else {
        snprintf(x->error_text, sizeof(x->error_text), "the server answered with an unexpected content type");
        return x->error = MCPC_ERR_CONTENT_TYPE;
    }
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    exchange_t *x = data;
    switch (x->kind) {
    case BODY_JSON:
        buf_append(&x->body, bytes, len);
        if (buf_failed(&x->body)) {
            snprintf(x->error_text, sizeof(x->error_text), "a message over %u bytes", MCPC_MAX_MESSAGE_BYTES);
            return x->error = MCPC_ERR_TOO_LARGE;
        }
        return 0;
    case BODY_ERROR:
        if (x->body.len < MAX_ERROR_BODY)
            buf_append(&x->body, bytes, len < MAX_ERROR_BODY - x->body.len ? len : MAX_ERROR_BODY - x->body.len);
        return 0;
    case BODY_SSE: {
        int ret = mcpc_sse_feed(&x->sse, bytes, len);
        if (ret < 0) {
            snprintf(x->error_text, sizeof(x->error_text), "%s", mcpc_strerror(ret));
            x->error = ret;
        }
        return ret;
    }
    default:
        return 0;
    }
}

/*
 * POSTs body (or sends method GET/DELETE without one) with the transport's headers. Returns 0 with x filled in, or
 * a negative MCPC_ERR_* with the reason in x->error_text.
 */
static int
send_message(exchange_t *x, const char *http_method, const char *body, size_t body_len, const mcpc_http_header_t *meta,
             size_t num_meta, int timeout_ms)
{
    proxy_t *p = x->p;
    char session[512] = "";
    pthread_mutex_lock(&p->lock);
    if (p->session_id != NULL)
        snprintf(session, sizeof(session), "%s", p->session_id);
    pthread_mutex_unlock(&p->lock);
    mcpc_http_header_t headers[8 + MCPC_MAX_METADATA_HEADERS + MAX_EXTRA];
    size_t n = 0;
    const char *accept = strcmp(http_method, "GET") == 0 ? "text/event-stream" : "application/json, text/event-stream";
    headers[n++] = (mcpc_http_header_t){"Accept", 6, accept, strlen(accept)};
    if (body != NULL)
        headers[n++] = (mcpc_http_header_t){"Content-Type", 12, "application/json", 16};
    if (x->version != NULL && x->version[0] != '\0')
        headers[n++] = (mcpc_http_header_t){"MCP-Protocol-Version", 20, x->version, strlen(x->version)};
    if (session[0] != '\0' && !x->modern)
        headers[n++] = (mcpc_http_header_t){"Mcp-Session-Id", 14, session, strlen(session)};
    if (p->authorization != NULL)
        headers[n++] = (mcpc_http_header_t){"Authorization", 13, p->authorization, strlen(p->authorization)};
    for (size_t i = 0; i != num_meta; ++i)
        headers[n++] = meta[i];
    for (size_t i = 0; i != p->num_extra; ++i)
        headers[n++] = p->extra[i];

    buf_init(&x->body, MCPC_MAX_MESSAGE_BYTES);
    buf_init(&x->response, MCPC_MAX_MESSAGE_BYTES);
    mcpc_http_client_t *c = take_client(p, x->error_text, sizeof(x->error_text));
    if (c == NULL)
        return MCPC_ERR_USAGE;
    mcpc_http_request_t req = {.method = http_method,
                               .headers = headers,
                               .num_headers = n,
                               .body = body,
                               .body_len = body_len,
                               .timeout_ms = timeout_ms,
                               .on_head = on_head,
                               .on_body = on_body,
                               .cb_data = x};
    int ret = mcpc_http_send(c, &req);
    if (ret < 0 && x->error == 0)
        snprintf(x->error_text, sizeof(x->error_text), "%s", mcpc_http_error(c));
    if (ret == 0 && x->kind == BODY_ERROR && (x->status == 401 || x->status == 403) && mcpc_http_signs(c) &&
        strstr(x->error_type, "ExpiredToken") != NULL) {
        /* the credentials expired since they were read: the next request looks for fresh ones */
        mcpc_http_invalidate_credentials(c);
    }
    give_back(p, c);
    if (ret == 0 && x->kind == BODY_JSON)
        deliver(x, x->body.data != NULL ? x->body.data : "", x->body.len);
    if (x->kind == BODY_SSE)
        mcpc_sse_dispose(&x->sse);
    return ret > 0 ? 0 : ret;
}

static void
exchange_dispose(exchange_t *x)
{
    buf_dispose(&x->body);
    buf_dispose(&x->response);
}

/* Why an exchange did not bring the response, for the host and the log. */
static void
describe_failure(const exchange_t *x, int ret, buf_t *out, int *code)
{
    *code = ret == MCPC_ERR_TIMEOUT ? JSONRPC_REQUEST_TIMEOUT : JSONRPC_CONNECTION_CLOSED;
    if (ret != 0) {
        buf_printf(out, "mcp-client proxy: %s", x->error_text[0] != '\0' ? x->error_text : mcpc_strerror(ret));
        return;
    }
    if (x->status >= 200 && x->status <= 299) {
        buf_printf(out, "mcp-client proxy: HTTP %d %s without the response", x->status, x->reason);
        return;
    }
    buf_t message = BUF_INIT(0);
    mcpc_text_error_message(&message, x->body.data, x->body.len);
    buf_printf(out, "mcp-client proxy: %s (HTTP %d %s)%s%s%s%s%s",
               x->status == 401 || x->status == 403 ? mcpc_strerror(MCPC_ERR_AUTH) : mcpc_strerror(MCPC_ERR_HTTP_STATUS), x->status,
               x->reason, message.len != 0 ? ": " : "", message.data != NULL ? message.data : "",
               x->error_type[0] != '\0' ? " [" : "", x->error_type, x->error_type[0] != '\0' ? "]" : "");
    buf_dispose(&message);
}

/* ---- a message from the host ---- */

typedef struct st_job_t {
    proxy_t *p;
    char *line;
    size_t len;
} job_t;

/* The revision a message is sent under: its own _meta's (2026-07-28 on), else what initialize settled on. */
static const char *
message_version(proxy_t *p, const json_value_t *params, int *modern, char *legacy, size_t legacy_len)
{
    const char *own = json_string(json_get(json_get(params, "_meta"), MODERN_VERSION_KEY));
    *modern = own != NULL;
    if (own != NULL)
        return own;
    pthread_mutex_lock(&p->lock);
    snprintf(legacy, legacy_len, "%s", p->legacy_version);
    pthread_mutex_unlock(&p->lock);
    return legacy;
}

/*
 * The proxy's own tools/list, every page, so a tools/call can get its x-mcp-header headers and --read-only its
 * answer. Sent under the same revision (and, in the 2026-07-28 era, the same client _meta) as the host's call.
 */
static void
fetch_tools(proxy_t *p, const json_value_t *call_params, const char *version, int modern)
{
    char cursor[1024] = "";
    for (int page = 0; page != MCPC_MAX_PAGES; ++page) {
        exchange_t x = {.p = p, .method = "tools/list", .version = version, .modern = modern};
        pthread_mutex_lock(&p->lock);
        snprintf(x.internal_id, sizeof(x.internal_id), "mcp-client-proxy-%lu", ++p->next_internal_id);
        pthread_mutex_unlock(&p->lock);
        buf_t body = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &body);
        jsonw_object_begin(&w);
        jsonw_kv_string(&w, "jsonrpc", "2.0");
        jsonw_kv_string(&w, "id", x.internal_id);
        jsonw_kv_string(&w, "method", "tools/list");
        jsonw_key(&w, "params");
        jsonw_object_begin(&w);
        if (cursor[0] != '\0')
            jsonw_kv_string(&w, "cursor", cursor);
        const json_value_t *meta = json_get(call_params, "_meta");
        if (modern && meta != NULL && meta->type == JSON_OBJECT) {
            jsonw_key(&w, "_meta");
            jsonw_object_begin(&w);
            for (size_t i = 0; i != meta->u.obj.len; ++i) {
                if (strcmp(meta->u.obj.items[i].key, "progressToken") == 0)
                    continue;
                jsonw_keyn(&w, meta->u.obj.items[i].key, meta->u.obj.items[i].key_len);
                jsonw_value(&w, meta->u.obj.items[i].value);
            }
            jsonw_object_end(&w);
        }
        jsonw_object_end(&w);
        jsonw_object_end(&w);
        arena_t a;
        arena_init(&a, 0);
        mcpc_http_header_t meta_headers[MCPC_MAX_METADATA_HEADERS];
        char why[256];
        int num_meta =
            modern ? mcpc_headers_build("tools/list", NULL, NULL, &a, meta_headers, MCPC_MAX_METADATA_HEADERS, why, sizeof(why))
                   : 0;
        int ret =
            send_message(&x, "POST", body.data, body.len, meta_headers, num_meta > 0 ? (size_t)num_meta : 0, p->config->timeout_ms);
        json_value_t *msg = NULL;
        const char *next = NULL;
        if (ret == 0 && x.answered && json_parse(&a, x.response.data, x.response.len, MAX_DEPTH, &msg) == 0)
            next = json_string(json_get(json_get(msg, "result"), "nextCursor"));
        int more = next != NULL && next[0] != '\0' && strlen(next) < sizeof(cursor) && strcmp(next, cursor) != 0;
        if (more)
            snprintf(cursor, sizeof(cursor), "%s", next);
        exchange_dispose(&x);
        buf_dispose(&body);
        arena_dispose(&a);
        if (!more)
            return;
    }
}

/* A tools/call: the tool's definition, fetched when the host has not listed it yet. Returns a copy of its schema. */
static char *
tool_schema(proxy_t *p, const char *name, const json_value_t *params, const char *version, int modern, int *known, int *read_only)
{
    pthread_mutex_lock(&p->lock);
    const tool_t *t = find_tool(p, name);
    pthread_mutex_unlock(&p->lock);
    if (t == NULL)
        fetch_tools(p, params, version, modern);
    pthread_mutex_lock(&p->lock);
    t = find_tool(p, name);
    *known = t != NULL;
    *read_only = t != NULL && t->read_only;
    char *schema = t != NULL && t->input_schema != NULL ? strdup(t->input_schema) : NULL;
    pthread_mutex_unlock(&p->lock);
    return schema;
}

static void *listen_for_server(void *data);

static void
handle(job_t *job)
{
    proxy_t *p = job->p;
    char *schema_text = NULL;
    arena_t a;
    arena_init(&a, 0);
    json_value_t *msg;
    if (json_parse(&a, job->line, job->len, MAX_DEPTH, &msg) != 0) {
        emit_error(p, NULL, JSONRPC_PARSE_ERROR, "mcp-client proxy: the line is not valid JSON");
        goto Exit;
    }
    if (msg->type == JSON_ARRAY) {
        emit_error(p, NULL, JSONRPC_INVALID_REQUEST, "mcp-client proxy: JSON-RPC batches are not supported");
        goto Exit;
    }
    const char *method = json_string(json_get(msg, "method"));
    const json_value_t *id = json_get(msg, "id"), *params = json_get(msg, "params");
    int is_request = method != NULL && id != NULL;
    char legacy[32];
    int modern;
    const char *version = message_version(p, params, &modern, legacy, sizeof(legacy));
    if (method != NULL && strcmp(method, "initialize") == 0)
        version = NULL; /* initialize carries its revision in the body */

    int timeout_ms = p->config->timeout_ms;
    json_value_t *schema = NULL;
    if (is_request && strcmp(method, "tools/call") == 0) {
        timeout_ms = p->config->tool_timeout_ms;
        const char *name = json_string(json_get(params, "name"));
        int known = 0, read_only = 0;
        if (name != NULL && (modern || p->config->read_only))
            schema_text = tool_schema(p, name, params, version, modern, &known, &read_only);
        if (p->config->read_only && name != NULL && !read_only) {
            buf_t message = BUF_INIT(0);
            buf_t shown = BUF_INIT(0);
            mcpc_text_snippet(&shown, name, strlen(name), 128);
            buf_printf(&message, "Tool %s is not available: mcp-client proxy runs --read-only, and %s", shown.data,
                       known ? "the tool is not annotated readOnlyHint: true" : "the server does not list it");
            emit_error(p, id, JSONRPC_INVALID_PARAMS, message.data != NULL ? message.data : "read-only");
            buf_dispose(&message);
            buf_dispose(&shown);
            goto Exit;
        }
        if (schema_text != NULL && json_parse(&a, schema_text, strlen(schema_text), MAX_DEPTH, &schema) != 0)
            schema = NULL;
    }
    mcpc_http_header_t meta[MCPC_MAX_METADATA_HEADERS];
    int num_meta = 0;
    if (modern && method != NULL) {
        char why[512];
        num_meta = mcpc_headers_build(method, params, schema, &a, meta, MCPC_MAX_METADATA_HEADERS, why, sizeof(why));
        if (num_meta < 0) {
            if (is_request) {
                buf_t message = BUF_INIT(0);
                buf_printf(&message, "mcp-client proxy: cannot send %s: %s", method, why);
                emit_error(p, id, JSONRPC_INVALID_PARAMS, message.data);
                buf_dispose(&message);
            }
            goto Exit;
        }
    }
    exchange_t x = {.p = p, .method = method, .id = is_request ? id : NULL, .version = version, .modern = modern};
    int ret = send_message(&x, "POST", job->line, job->len, meta, (size_t)num_meta, timeout_ms);
    if (!x.answered && is_request) {
        buf_t why = BUF_INIT(0);
        int code;
        describe_failure(&x, ret, &why, &code);
        emit_error(p, id, code, why.data != NULL ? why.data : "mcp-client proxy: no response");
        note(p, "%s: %s", method, why.data != NULL ? why.data : "no response");
        buf_dispose(&why);
    } else if (!is_request && (ret != 0 || x.status < 200 || x.status > 299)) {
        buf_t why = BUF_INIT(0);
        int code;
        describe_failure(&x, ret, &why, &code);
        note(p, "%s could not be delivered: %s", method != NULL ? method : "a response", why.data != NULL ? why.data : "");
        buf_dispose(&why);
    }
    if (is_request && strcmp(method, "initialize") == 0 && x.answered) {
        /* a server that keeps sessions may send requests and notifications of its own on a GET stream */
        pthread_mutex_lock(&p->lock);
        int start = p->session_id != NULL && !p->listening;
        p->listening |= start;
        p->listener_running |= start;
        pthread_mutex_unlock(&p->lock);
        pthread_t t;
        if (start && pthread_create(&t, NULL, listen_for_server, p) == 0) {
            pthread_detach(t);
        } else if (start) {
            pthread_mutex_lock(&p->lock);
            p->listener_running = 0;
            pthread_mutex_unlock(&p->lock);
        }
    }
    exchange_dispose(&x);
Exit:
    free(schema_text);
    arena_dispose(&a);
}

static void *
run_job(void *data)
{
    job_t *job = data;
    proxy_t *p = job->p;
    handle(job);
    free(job->line);
    free(job);
    pthread_mutex_lock(&p->lock);
    --p->in_flight;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* A legacy session's GET stream: the server's own requests and notifications, for as long as it offers one. */
static void *
listen_for_server(void *data)
{
    proxy_t *p = data;
    int failures = 0;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int closing = p->closing;
        char version[32];
        snprintf(version, sizeof(version), "%s", p->legacy_version);
        pthread_mutex_unlock(&p->lock);
        if (closing)
            break;
        exchange_t x = {.p = p, .method = "GET", .version = version};
        int ret = send_message(&x, "GET", NULL, 0, NULL, 0, 24 * 3600 * 1000);
        int refused = ret == 0 && (x.status < 200 || x.status > 299);
        exchange_dispose(&x);
        if (refused && (x.status == 405 || x.status == 404 || x.status == 400))
            break; /* the server offers no stream: nothing to listen to */
        failures = ret != 0 || refused ? failures + 1 : 0;
        if (failures == MAX_LISTEN_FAILURES) {
            note(p, "stopped listening for the server's own messages after %d failed GET streams", failures);
            break;
        }
        usleep(LISTEN_RETRY_MS * 1000);
    }
    pthread_mutex_lock(&p->lock);
    p->listener_running = 0;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- setup and the main loop ---- */

/*
 * Reads one line of stdin into line (replacing its contents). Returns 1, 0 at the end of stdin (or when a signal
 * interrupted the read), or -1 for a line over the buffer's limit, which is then skipped to its end.
 */
static int
read_line(FILE *in, buf_t *line)
{
    buf_reset(line);
    char chunk[65536];
    int too_large = 0;
    while (fgets(chunk, sizeof(chunk), in) != NULL) {
        size_t len = strlen(chunk);
        if (!too_large) {
            buf_append(line, chunk, len);
            too_large = buf_failed(line);
        }
        if (len != 0 && chunk[len - 1] == '\n')
            return too_large ? -1 : 1;
    }
    return too_large ? -1 : line->len != 0;
}

static int
setup(proxy_t *p, const mcpc_proxy_config_t *config, char *err, size_t err_len)
{
    p->config = config;
    pthread_mutex_init(&p->lock, NULL);
    pthread_mutex_init(&p->out_lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    if (config->num_headers > MAX_EXTRA) {
        snprintf(err, err_len, "at most %d --header options", MAX_EXTRA);
        return MCPC_ERR_USAGE;
    }
    int ret = 0;
    for (size_t i = 0; i != config->num_headers && ret == 0; ++i)
        if ((ret = mcpc_parse_header_option(config->headers[i], &p->extra[p->num_extra], err, err_len)) == 0)
            ++p->num_extra;
    if (ret == 0 && config->token != NULL)
        ret = mcpc_bearer_authorization(config->token, &p->authorization, err, err_len);
    if (ret != 0)
        return ret;
    /* the URL, the CA file and the TLS context are checked once, before the host sends anything */
    mcpc_http_client_t *first = take_client(p, err, err_len);
    if (first == NULL)
        return MCPC_ERR_USAGE;
    give_back(p, first);
    return 0;
}

/* A proxy that threads still use when it stops (a request or GET stream waiting on the network) stays here until the
 * process exits, so nothing it holds is lost. */
static proxy_t *still_in_use;

static void
proxy_free(proxy_t *p)
{
    for (size_t i = 0; i != p->pool_len; ++i)
        mcpc_http_client_free(p->pool[i]);
    for (size_t i = 0; i != p->num_tools; ++i) {
        free(p->tools[i].name);
        free(p->tools[i].input_schema);
    }
    free(p->tools);
    free(p->session_id);
    free(p->authorization);
    pthread_mutex_destroy(&p->lock);
    pthread_mutex_destroy(&p->out_lock);
    pthread_cond_destroy(&p->changed);
    free(p);
}

static void
end_session(proxy_t *p)
{
    if (p->session_id == NULL)
        return;
    char version[32];
    snprintf(version, sizeof(version), "%s", p->legacy_version);
    exchange_t x = {.p = p, .method = "DELETE", .version = version};
    send_message(&x, "DELETE", NULL, 0, NULL, 0, p->config->timeout_ms < 5000 ? p->config->timeout_ms : 5000);
    exchange_dispose(&x);
}

int
mcpc_proxy_run(const mcpc_proxy_config_t *config, char *err, size_t err_len)
{
    proxy_t *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return MCPC_ERR_NOMEM;
    int ret = setup(p, config, err, err_len);
    if (ret != 0) {
        proxy_free(p);
        return ret;
    }
    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: a signal ends the read of stdin */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    buf_t line = BUF_INIT(MAX_LINE);
    int got;
    while (!stop_signal && (got = read_line(config->in, &line)) != 0) {
        if (got < 0) {
            emit_error(p, NULL, JSONRPC_INVALID_REQUEST, "mcp-client proxy: message too large");
            continue;
        }
        size_t n = line.len;
        while (n > 0 && (line.data[n - 1] == '\n' || line.data[n - 1] == '\r'))
            --n;
        if (n == 0)
            continue;
        job_t *job = malloc(sizeof(*job));
        char *copy = malloc(n + 1);
        if (job == NULL || copy == NULL) {
            free(job);
            free(copy);
            emit_error(p, NULL, JSONRPC_INTERNAL, "mcp-client proxy: out of memory");
            continue;
        }
        memcpy(copy, line.data, n);
        copy[n] = '\0';
        *job = (job_t){.p = p, .line = copy, .len = n};
        pthread_mutex_lock(&p->lock);
        while (p->in_flight >= MCPC_PROXY_MAX_IN_FLIGHT)
            pthread_cond_wait(&p->changed, &p->lock);
        ++p->in_flight;
        pthread_mutex_unlock(&p->lock);
        pthread_t t;
        if (pthread_create(&t, NULL, run_job, job) != 0) {
            run_job(job);
            continue;
        }
        pthread_detach(t);
    }
    buf_dispose(&line);

    /* stdin is done: let running requests finish for a moment, end the session, and go */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += EXIT_GRACE_MS / 1000;
    pthread_mutex_lock(&p->lock);
    p->closing = 1;
    while (p->in_flight > 0 && pthread_cond_timedwait(&p->changed, &p->lock, &until) == 0)
        ;
    pthread_mutex_unlock(&p->lock);
    end_session(p);
    pthread_mutex_lock(&p->lock);
    int busy = p->in_flight > 0 || p->listener_running;
    pthread_mutex_unlock(&p->lock);
    if (busy)
        still_in_use = p; /* threads waiting on the network keep using it until the process exits */
    else
        proxy_free(p);
    return 0;
}
