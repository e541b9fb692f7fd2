/*
 * legacy_sse.c: the HTTP+SSE transport of 2024-11-05 (see legacy_sse.h). Everything here runs on the event loop
 * thread but the notify callback, which workers call to say a POST's stream has more bytes.
 *
 * A stream (conn_t) is the GET's response: the bytes waiting for it are collected in `pending` and handed to
 * h2o one batch at a time. A POST whose tools run on workers leaves a feed (feed_t): the core's stream for that
 * request, pumped into the connection's pending bytes whenever a worker signals. Both are malloc'd and tied to
 * the GET's memory pool by a dispose hook: a client that goes away releases its feeds' streams (running tools
 * see mcp_cancelled()) and ends its session. A wake-up may still sit in the queue when a feed is let go; whoever
 * sees the other side gone frees it, as http_server.c does for its streams.
 */
#include "legacy_sse.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_peer.h"
#include "log.h"

#define SSE_PATH "/sse"
#define MESSAGES_PATH "/messages"
#define KEEPALIVE_MS 15000
#define LIVENESS_MS 100               /* as the streamable transport's (http_server.c) */
#define MAX_PENDING_BYTES (64u << 20) /* a client that reads slower than the server writes is cut off past this */

typedef struct st_conn_t conn_t;

typedef struct st_feed_t {
    h2o_multithread_message_t message; /* must be first: the queue hands back this pointer */
    legacy_sse_t *owner;
    conn_t *conn;         /* NULL once the stream's connection is gone */
    mcp_stream_t *stream; /* NULL once complete or released */
    pthread_mutex_t lock; /* guards queued, between workers and the loop */
    int queued;
    struct st_feed_t *next; /* in the connection's list */
} feed_t;

struct st_conn_t {
    h2o_generator_t generator;
    legacy_sse_t *owner;
    h2o_req_t *req;
    conn_t *next; /* in the owner's list */
    char id[MCP_SESSION_ID_SIZE];
    buf_t pending; /* SSE bytes not yet handed to h2o */
    buf_t sending; /* handed to h2o, kept until proceed */
    int is_sending;
    int closing; /* ends once pending is sent (shutdown) */
    int gone;    /* the client left: the stream ends with an error at the next chance */
    int done;
    h2o_timeout_entry_t keepalive;
    h2o_timeout_entry_t liveness;
    feed_t *feeds;
};

struct st_legacy_sse_t {
    h2o_loop_t *loop;
    h2o_multithread_queue_t *queue;
    mcp_server_t *mcp;
    const char *endpoint_path;
    h2o_multithread_receiver_t receiver;
    h2o_timeout_t keepalive_timeout;
    h2o_timeout_t liveness_timeout;
    conn_t *conns;
};

/* ---- sending on a stream ---- */

static void
conn_pump(conn_t *c)
{
    if (c->req == NULL || c->is_sending || c->done)
        return;
    if (c->gone || buf_failed(&c->pending)) {
        /* the client left, or reads slower than the server writes: its stream ends rather than grow without bound */
        if (!c->gone)
            log_msg(LOG_WARN, "legacy_sse_overflow", "an SSE stream's unsent bytes passed %u; closing it", MAX_PENDING_BYTES);
        c->done = c->is_sending = 1;
        h2o_send(c->req, NULL, 0, H2O_SEND_STATE_ERROR);
        return;
    }
    int final = c->closing && c->feeds == NULL;
    if (c->pending.len == 0 && !final)
        return;
    buf_t swap = c->sending;
    c->sending = c->pending;
    c->pending = swap;
    buf_reset(&c->pending);
    c->is_sending = 1;
    c->done = final;
    h2o_iovec_t vec = h2o_iovec_init(c->sending.data != NULL ? c->sending.data : "", c->sending.len);
    h2o_send(c->req, &vec, 1, final ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

static void
conn_on_proceed(h2o_generator_t *generator, h2o_req_t *req)
{
    (void)req;
    conn_t *c = H2O_STRUCT_FROM_MEMBER(conn_t, generator, generator);
    c->is_sending = 0;
    buf_reset(&c->sending);
    conn_pump(c);
}

static void
conn_on_stop(h2o_generator_t *generator, h2o_req_t *req)
{
    /* the client went away; the pool's dispose hook lets everything go */
    (void)generator;
    (void)req;
}

static void
append_event(conn_t *c, const char *event, const char *data, size_t len)
{
    buf_printf(&c->pending, "event: %s\ndata: ", event);
    buf_append(&c->pending, data, len);
    buf_append(&c->pending, "\n\n", 2);
}

/* An idle stream gets a comment now and then: proxies keep idle streams open only so long. */
static void
conn_on_keepalive(h2o_timeout_entry_t *entry)
{
    conn_t *c = H2O_STRUCT_FROM_MEMBER(conn_t, keepalive, entry);
    if (c->req == NULL || c->done)
        return;
    if (c->pending.len == 0 && !c->is_sending)
        buf_append_str(&c->pending, ": keep-alive\n\n");
    h2o_timeout_link(c->owner->loop, &c->owner->keepalive_timeout, &c->keepalive);
    conn_pump(c);
}

/* A client that left is noticed within LIVENESS_MS: its tools are cancelled and its session ends. */
static void
conn_on_liveness(h2o_timeout_entry_t *entry)
{
    conn_t *c = H2O_STRUCT_FROM_MEMBER(conn_t, liveness, entry);
    if (c->req == NULL || c->done)
        return;
    if (!http_peer_closed(c->req)) {
        h2o_timeout_link(c->owner->loop, &c->owner->liveness_timeout, &c->liveness);
        return;
    }
    log_msg(LOG_DEBUG, "client_gone", "an HTTP+SSE client closed its stream");
    c->gone = 1;
    conn_pump(c); /* now, or when the write in flight proceeds */
}

/* ---- feeds: a POST's stream, pumped into the connection ---- */

static void
feed_free_unless_queued(feed_t *f)
{
    pthread_mutex_lock(&f->lock);
    int queued = f->queued;
    pthread_mutex_unlock(&f->lock);
    if (!queued) {
        pthread_mutex_destroy(&f->lock);
        free(f);
    }
}

static void
feed_unlink(feed_t *f)
{
    for (feed_t **pp = &f->conn->feeds; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    }
    f->conn = NULL;
}

static void
feed_pump(feed_t *f)
{
    conn_t *c = f->conn;
    if (f->stream == NULL || c == NULL)
        return;
    int complete = mcp_stream_take(f->stream, &c->pending);
    if (complete) {
        mcp_stream_release(f->stream); /* no notify after this */
        f->stream = NULL;
        feed_unlink(f);
    }
    conn_pump(c);
    if (complete)
        feed_free_unless_queued(f);
}

/* Called by workers (any thread) when a feed's stream has new bytes. */
static void
feed_notify(void *data)
{
    feed_t *f = data;
    pthread_mutex_lock(&f->lock);
    if (!f->queued) {
        f->queued = 1;
        h2o_multithread_send_message(&f->owner->receiver, &f->message);
    }
    pthread_mutex_unlock(&f->lock);
}

static void
on_feed_messages(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *msg = H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&msg->link);
        feed_t *f = (feed_t *)msg;
        pthread_mutex_lock(&f->lock);
        f->queued = 0;
        pthread_mutex_unlock(&f->lock);
        if (f->stream == NULL) {
            /* let go while this wake-up was queued */
            pthread_mutex_destroy(&f->lock);
            free(f);
        } else {
            feed_pump(f);
        }
    }
}

/* ---- the two endpoints ---- */

/* The GET's memory pool is being destroyed: the stream ended or the client is gone. */
static void
on_conn_dispose(void *p)
{
    conn_t *c = *(conn_t **)p;
    legacy_sse_t *l = c->owner;
    if (h2o_timeout_is_linked(&c->keepalive))
        h2o_timeout_unlink(&c->keepalive);
    if (h2o_timeout_is_linked(&c->liveness))
        h2o_timeout_unlink(&c->liveness);
    while (c->feeds != NULL) {
        feed_t *f = c->feeds;
        c->feeds = f->next;
        f->conn = NULL;
        if (f->stream != NULL) {
            mcp_stream_release(f->stream); /* running tools see mcp_cancelled() */
            f->stream = NULL;
        }
        feed_free_unless_queued(f);
    }
    for (conn_t **pp = &l->conns; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    mcp_session_end(l->mcp, c->id, NULL);
    buf_dispose(&c->pending);
    buf_dispose(&c->sending);
    free(c);
}

static void
respond(h2o_req_t *req, mcp_response_t *res)
{
    req->res.status = res->status;
    req->res.reason = res->status == 202 ? "Accepted" : res->status < 300 ? "OK" : "Error";
    for (size_t i = 0; i != res->num_headers; ++i)
        h2o_add_header_by_str(&req->pool, &req->res.headers, res->headers[i].name, res->headers[i].name_len, 0, NULL,
                              res->headers[i].value, res->headers[i].value_len);
    req->res.content_length = res->body_len;
    h2o_send_inline(req, res->body != NULL ? res->body : "", res->body_len);
    mcp_response_dispose(res);
}

static void
refuse(h2o_req_t *req, int status, int code, const char *message)
{
    mcp_response_t res;
    memset(&res, 0, sizeof(res));
    res.status = status;
    buf_t body = BUF_INIT(0);
    buf_printf(&body, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,\"message\":\"%s\"}}", code, message);
    res.body = buf_release(&body, &res.body_len);
    res.headers[res.num_headers++] = (mcp_header_t){"content-type", 12, "application/json", 16};
    respond(req, &res);
}

static int
open_stream(legacy_sse_t *l, h2o_req_t *req, const mcp_http_request_t *mreq)
{
    mcp_response_t res;
    char id[MCP_SESSION_ID_SIZE];
    if (mcp_session_open(l->mcp, mreq, id, &res) != 0) {
        respond(req, &res);
        return res.status;
    }
    conn_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        h2o_send_error_503(req, "Service Unavailable", "out of memory", 0);
        return 503;
    }
    c->owner = l;
    c->req = req;
    memcpy(c->id, id, sizeof(id));
    buf_init(&c->pending, MAX_PENDING_BYTES);
    buf_init(&c->sending, 0);
    c->generator.proceed = conn_on_proceed;
    c->generator.stop = conn_on_stop;
    c->keepalive.cb = conn_on_keepalive;
    c->liveness.cb = conn_on_liveness;
    c->next = l->conns;
    l->conns = c;
    conn_t **slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), on_conn_dispose);
    *slot = c;
    req->res.status = 200;
    req->res.reason = "OK";
    for (size_t i = 0; i != res.num_headers; ++i) /* Vary, and CORS for an allowed Origin */
        h2o_add_header_by_str(&req->pool, &req->res.headers, res.headers[i].name, res.headers[i].name_len, 0, NULL,
                              h2o_strdup(&req->pool, res.headers[i].value, res.headers[i].value_len).base,
                              res.headers[i].value_len);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("text/event-stream"));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-cache"));
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-accel-buffering"), 0, NULL, H2O_STRLIT("no"));
    mcp_response_dispose(&res);
    h2o_start_response(req, &c->generator);
    char endpoint[sizeof(MESSAGES_PATH) + sizeof("?sessionId=") + MCP_SESSION_ID_SIZE];
    int n = snprintf(endpoint, sizeof(endpoint), MESSAGES_PATH "?sessionId=%s", id);
    append_event(c, "endpoint", endpoint, (size_t)n);
    h2o_timeout_link(l->loop, &l->keepalive_timeout, &c->keepalive);
    h2o_timeout_link(l->loop, &l->liveness_timeout, &c->liveness);
    log_msg(LOG_DEBUG, "legacy_sse_open", "an HTTP+SSE client opened its stream");
    conn_pump(c);
    return 200;
}

/* The sessionId of the query string, or NULL. */
static const char *
session_param(h2o_req_t *req, size_t *len)
{
    if (req->query_at == SIZE_MAX)
        return NULL;
    const char *q = req->path.base + req->query_at + 1, *end = req->path.base + req->path.len;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp != NULL ? amp : end;
        if ((size_t)(stop - q) > 10 && memcmp(q, "sessionId=", 10) == 0) {
            *len = (size_t)(stop - q) - 10;
            return q + 10;
        }
        q = stop + 1;
    }
    return NULL;
}

static conn_t *
find_conn(legacy_sse_t *l, const char *id, size_t len)
{
    for (conn_t *c = l->conns; c != NULL; c = c->next)
        if (!c->done && strlen(c->id) == len && memcmp(c->id, id, len) == 0)
            return c;
    return NULL;
}

/* The POST as the core sees it: on the MCP endpoint, the session in Mcp-Session-Id, the answer's format ours to choose. */
static void
as_core_request(const legacy_sse_t *l, const mcp_http_request_t *mreq, const conn_t *c, mcp_header_t *headers,
                mcp_http_request_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i != mreq->num_headers; ++i) {
        const mcp_header_t *h = &mreq->headers[i];
        if ((h->name_len == 6 && strncasecmp(h->name, "accept", 6) == 0) ||
            (h->name_len == 14 && strncasecmp(h->name, "mcp-session-id", 14) == 0))
            continue;
        headers[n++] = *h;
    }
    static const char accept[] = "application/json, text/event-stream";
    headers[n++] = (mcp_header_t){"accept", 6, accept, sizeof(accept) - 1};
    if (c != NULL)
        headers[n++] = (mcp_header_t){"mcp-session-id", 14, c->id, strlen(c->id)};
    *out = *mreq;
    out->path = l->endpoint_path;
    out->path_len = strlen(l->endpoint_path);
    out->headers = headers;
    out->num_headers = n;
}

static int
post_message(legacy_sse_t *l, h2o_req_t *req, const mcp_http_request_t *mreq)
{
    size_t id_len = 0;
    const char *id = session_param(req, &id_len);
    conn_t *c = id != NULL ? find_conn(l, id, id_len) : NULL;
    int preflight = mreq->method_len == 7 && memcmp(mreq->method, "OPTIONS", 7) == 0;
    if (c == NULL && !preflight) {
        if (id == NULL)
            refuse(req, 400, -32000, "Bad Request: sessionId is required (from the endpoint event of GET " SSE_PATH ")");
        else
            refuse(req, 404, -32001,
                   "Session not found: no open SSE stream for this sessionId here; open a new one (GET " SSE_PATH ")");
        return req->res.status;
    }
    mcp_header_t headers[H2O_MAX_HEADERS + 3]; /* the front door's, at most H2O_MAX_HEADERS + Host, and two more */
    mcp_http_request_t core;
    as_core_request(l, mreq, c, headers, &core);
    mcp_response_t res;
    mcp_handle(l->mcp, &core, &res);
    int status = res.status;
    if (preflight || (status != 200 && status != 202)) {
        /* refused before any message was handled (Host, Content-Type, session, parse error): the POST hears why */
        if (res.stream != NULL) {
            mcp_stream_release(res.stream);
            res.stream = NULL;
        }
        respond(req, &res);
        return status;
    }
    if (res.stream != NULL) {
        feed_t *f = calloc(1, sizeof(*f));
        if (f == NULL) {
            mcp_stream_release(res.stream);
            h2o_send_error_503(req, "Service Unavailable", "out of memory", 0);
            return 503;
        }
        pthread_mutex_init(&f->lock, NULL);
        f->conn = c;
        f->stream = res.stream;
        f->owner = l;
        f->next = c->feeds;
        c->feeds = f;
        res.stream = NULL;
        mcp_stream_set_notify(f->stream, feed_notify, f);
        feed_pump(f);
    } else if (res.body != NULL) {
        /* what the core would have answered the POST goes on the stream: SSE as it is, JSON as one event */
        int is_sse = 0;
        for (size_t i = 0; i != res.num_headers; ++i)
            is_sse |= res.headers[i].value_len == 17 && memcmp(res.headers[i].value, "text/event-stream", 17) == 0;
        if (is_sse)
            buf_append(&c->pending, res.body, res.body_len);
        else
            append_event(c, "message", res.body, res.body_len);
        conn_pump(c);
    }
    mcp_response_dispose(&res);
    mcp_response_t accepted;
    memset(&accepted, 0, sizeof(accepted));
    accepted.status = 202;
    respond(req, &accepted);
    return 202;
}

int
legacy_sse_handle(legacy_sse_t *l, h2o_req_t *req, const mcp_http_request_t *mreq, int *status)
{
    if (mreq->path_len == sizeof(SSE_PATH) - 1 && memcmp(mreq->path, SSE_PATH, mreq->path_len) == 0) {
        if (mreq->method_len == 3 && memcmp(mreq->method, "GET", 3) == 0) {
            *status = open_stream(l, req, mreq);
        } else {
            refuse(req, 405, -32000, "Method Not Allowed");
            *status = 405;
        }
        return 1;
    }
    if (mreq->path_len == sizeof(MESSAGES_PATH) - 1 && memcmp(mreq->path, MESSAGES_PATH, mreq->path_len) == 0) {
        *status = post_message(l, req, mreq);
        return 1;
    }
    return 0;
}

legacy_sse_t *
legacy_sse_new(h2o_loop_t *loop, h2o_multithread_queue_t *queue, mcp_server_t *mcp, const char *endpoint_path)
{
    legacy_sse_t *l = calloc(1, sizeof(*l));
    if (l == NULL)
        return NULL;
    l->loop = loop;
    l->queue = queue;
    l->mcp = mcp;
    l->endpoint_path = endpoint_path;
    h2o_timeout_init(loop, &l->keepalive_timeout, KEEPALIVE_MS);
    h2o_timeout_init(loop, &l->liveness_timeout, LIVENESS_MS);
    h2o_multithread_register_receiver(queue, &l->receiver, on_feed_messages);
    return l;
}

void
legacy_sse_drain(legacy_sse_t *l)
{
    for (conn_t *c = l->conns; c != NULL; c = c->next) {
        while (c->feeds != NULL) {
            feed_t *f = c->feeds;
            c->feeds = f->next;
            f->conn = NULL;
            mcp_stream_release(f->stream);
            f->stream = NULL;
            feed_free_unless_queued(f);
        }
        c->closing = 1;
        conn_pump(c);
    }
}

void
legacy_sse_free(legacy_sse_t *l)
{
    if (l == NULL)
        return;
    h2o_multithread_unregister_receiver(l->queue, &l->receiver);
    free(l);
}
