/*
 * exchange.c: one HTTP request and its response (see exchange.h for the lifetime and the lock order).
 *
 * Until the response starts streaming, every message is collected twice: responses comma-separated for
 * a JSON body, and every message SSE-framed for an event-stream body, because which one the client gets
 * is known only at the end. The SSE copy is made only once it may be needed: while the request has
 * produced nothing but a few responses (the usual case: one), only where each ends in the JSON buffer is
 * noted, and they are framed from there when a notification comes or the response starts streaming. Once
 * calls run on workers the response is a stream and only the SSE buffer grows; the front door takes its
 * bytes as they come (mcp_stream_take()).
 *
 * The exchange a request is done with is kept for the next one (spare.h), its lock and condition still
 * initialised.
 */
#include "exchange.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "http_checks.h"
#include "jsonrpc.h"
#include "log.h"
#include "server.h"
#include "spare.h"
#include "subscriptions.h"

struct st_exchange_call_t {
    exchange_call_t *next; /* in the exchange's list, under its lock */
    mcp_exchange_t *ex;
    const json_value_t *id;
    const char *label;
    atomic_int cut_off;
    unsigned wakes; /* under the exchange's lock */
};

/* Responses noted while the SSE copy waits; past this many it is made as they come. */
#define UNFRAMED_MAX 8

/* Everything up to arena is zeroed for each request; arena, lock and cond are set up on their own. */
struct st_mcp_exchange_t {
    mcp_request_t req;
    buf_t json; /* responses, comma-separated, until the response streams */
    size_t num_responses;
    buf_t sse; /* every message, SSE-framed, in order (but see unframed) */
    size_t num_notifications;
    /* while non-zero, the first unframed responses are in json only (and sse is empty): each ends at json_ends[i] */
    size_t unframed;
    size_t json_ends[UNFRAMED_MAX];
    int sse_started;     /* sse has been written to: responses are framed as they come */
    atomic_int released; /* the front door is done with it */
    int streaming;
    int running; /* calls registered and not ended */
    int refcnt;
    exchange_call_t *calls;
    mcp_stream_notify_cb notify;
    void *notify_data;
    arena_t arena;
    pthread_mutex_t lock; /* guards everything above, and the buffers once calls run */
    pthread_cond_t cond;  /* on the monotonic clock; broadcast on every change, for mcp_stream_wait() and call waits */
};

static _Atomic(void *) spare_exchange;

int64_t
mcp_now_ms(void)
{
    return clock_wall_ms();
}

int64_t
mcp_monotonic_ms(void)
{
    return clock_monotonic_ms();
}

/* Waits on cond until the monotonic clock reaches until_mono_ms (0: no limit); returns non-zero on the timeout. */
static int
wait_until(pthread_cond_t *cond, pthread_mutex_t *lock, int64_t until_mono_ms)
{
    if (until_mono_ms == 0)
        return pthread_cond_wait(cond, lock);
    struct timespec ts = {.tv_sec = until_mono_ms / 1000, .tv_nsec = (until_mono_ms % 1000) * 1000000};
    return pthread_cond_timedwait(cond, lock, &ts);
}

static void
exchange_destroy(mcp_exchange_t *ex)
{
    pthread_mutex_destroy(&ex->lock);
    pthread_cond_destroy(&ex->cond);
    free(ex);
}

mcp_exchange_t *
exchange_new(mcp_server_t *s, const mcp_http_request_t *http)
{
    mcp_exchange_t *ex = spare_take(&spare_exchange, sizeof(*ex));
    if (ex == NULL) {
        if ((ex = malloc(sizeof(*ex))) == NULL)
            return NULL;
        pthread_mutex_init(&ex->lock, NULL);
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&ex->cond, &attr);
        pthread_condattr_destroy(&attr);
    }
    memset(ex, 0, offsetof(mcp_exchange_t, arena));
    size_t max_body = server_config(s)->max_body_bytes;
    arena_init(&ex->arena, 32 * max_body + (1 << 20)); /* a dense document takes ~28 bytes per byte */
    mcp_request_t *req = &ex->req;
    req->server = s;
    req->arena = &ex->arena;
    req->http = http;
    req->can_stream = http->can_stream;
    req->concurrent = http->concurrent;
    req->client_log_level = server_config(s)->client_log_level;
    req->deadline_ms = http->deadline_ms;
    /* zeroed: the copies stay NUL-terminated */
    if (http->request_id != NULL)
        strncpy(req->log_id, http->request_id, sizeof(req->log_id) - 1);
    if (http->trace_id != NULL)
        strncpy(req->trace_id, http->trace_id, sizeof(req->trace_id) - 1);
    /* what the front door has not taken yet (responses and SSE events) is bounded */
    buf_init(&ex->json, server_config(s)->max_response_bytes);
    buf_init(&ex->sse, server_config(s)->max_response_bytes);
    atomic_init(&ex->released, 0);
    ex->refcnt = 1;
    return ex;
}

void
exchange_drop_spare(void)
{
    mcp_exchange_t *ex = spare_take(&spare_exchange, sizeof(*ex));
    if (ex != NULL)
        exchange_destroy(ex);
}

mcp_request_t *
exchange_request(mcp_exchange_t *ex)
{
    return &ex->req;
}

mcp_exchange_t *
exchange_from_stream(mcp_stream_t *st)
{
    return (mcp_exchange_t *)st;
}

static void
exchange_free(mcp_exchange_t *ex)
{
    buf_dispose(&ex->json);
    buf_dispose(&ex->sse);
    arena_dispose(&ex->arena);
    mcp_exchange_t *displaced = spare_put(&spare_exchange, ex, sizeof(*ex));
    if (displaced != NULL)
        exchange_destroy(displaced);
}

void
exchange_retain(mcp_exchange_t *ex)
{
    pthread_mutex_lock(&ex->lock);
    ++ex->refcnt;
    pthread_mutex_unlock(&ex->lock);
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

int
exchange_released(const mcp_exchange_t *ex)
{
    return atomic_load(&ex->released);
}

static void
frame_sse(buf_t *out, const char *json, size_t len)
{
    buf_append(out, "event: message\ndata: ", 21);
    buf_append(out, json, len);
    buf_append(out, "\n\n", 2);
}

/* Makes the SSE copy of the responses noted so far in json only; from then on every message is framed as it comes. */
static void
start_sse_locked(mcp_exchange_t *ex)
{
    if (ex->sse_started)
        return;
    ex->sse_started = 1;
    if (buf_failed(&ex->json)) {
        ex->sse.failed = 1; /* what they were did not fit: the SSE copy could only be cut short */
    } else {
        for (size_t i = 0, start = 0; i != ex->unframed; start = ex->json_ends[i++] + 1)
            frame_sse(&ex->sse, ex->json.data + start, ex->json_ends[i] - start);
    }
    ex->unframed = 0;
}

/* Notes a response just added to json, or frames it in sse when the SSE copy exists (or one more cannot be noted). */
static void
frame_response_locked(mcp_exchange_t *ex, const char *json, size_t len)
{
    if (!ex->sse_started && ex->unframed != UNFRAMED_MAX) {
        ex->json_ends[ex->unframed++] = ex->json.len;
        return;
    }
    start_sse_locked(ex);
    frame_sse(&ex->sse, json, len);
}

static void
wake_locked(mcp_exchange_t *ex)
{
    pthread_cond_broadcast(&ex->cond);
    if (ex->notify != NULL)
        ex->notify(ex->notify_data);
}

static void
add_locked(mcp_exchange_t *ex, const char *json, size_t len, int is_response)
{
    if (is_response && !ex->streaming) {
        if (ex->num_responses++ != 0)
            buf_append_char(&ex->json, ',');
        buf_append(&ex->json, json, len);
        frame_response_locked(ex, json, len);
    } else {
        if (!is_response)
            ++ex->num_notifications;
        start_sse_locked(ex);
        frame_sse(&ex->sse, json, len);
    }
    wake_locked(ex);
}

static void
add(mcp_exchange_t *ex, const char *json, size_t len, int is_response)
{
    pthread_mutex_lock(&ex->lock);
    add_locked(ex, json, len, is_response);
    pthread_mutex_unlock(&ex->lock);
}

void
exchange_add_response(mcp_exchange_t *ex, const char *json, size_t len)
{
    add(ex, json, len, 1);
}

void
exchange_add_response_buf(mcp_exchange_t *ex, buf_t *b)
{
    pthread_mutex_lock(&ex->lock);
    if (ex->num_responses == 0 && !ex->streaming && ex->json.data == NULL && b->data != NULL &&
        (ex->json.limit == 0 || b->len <= ex->json.limit)) {
        /* the first response: its buffer becomes the JSON body as it is */
        ex->json.data = b->data;
        ex->json.len = b->len;
        ex->json.capacity = b->capacity;
        buf_init(b, b->limit);
        ex->num_responses = 1;
        frame_response_locked(ex, ex->json.data, ex->json.len);
        wake_locked(ex);
    } else {
        add_locked(ex, b->data, b->len, 1);
        buf_dispose(b);
    }
    pthread_mutex_unlock(&ex->lock);
}

void
exchange_add_message(mcp_exchange_t *ex, const char *json, size_t len)
{
    add(ex, json, len, 0);
}

/* ---- calls that answer later ---- */

exchange_call_t *
exchange_begin_call(mcp_exchange_t *ex, const json_value_t *id, const char *label)
{
    exchange_call_t *call = malloc(sizeof(*call));
    if (call == NULL)
        return NULL;
    call->ex = ex;
    call->id = id;
    call->label = label;
    call->wakes = 0;
    atomic_init(&call->cut_off, 0);
    pthread_mutex_lock(&ex->lock);
    ++ex->running;
    ++ex->refcnt;
    call->next = ex->calls;
    ex->calls = call;
    pthread_mutex_unlock(&ex->lock);
    return call;
}

/* Takes the call off the list; returns 0 if it was no longer there (cut off). */
static int
unlink_locked(mcp_exchange_t *ex, exchange_call_t *call)
{
    for (exchange_call_t **pp = &ex->calls; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == call) {
            *pp = call->next;
            return 1;
        }
    }
    return 0;
}

static void
end_call(exchange_call_t *call, const char *json, size_t len)
{
    mcp_exchange_t *ex = call->ex;
    pthread_mutex_lock(&ex->lock);
    if (unlink_locked(ex, call)) {
        /* a call cut off was counted out when its stand-in was sent */
        --ex->running;
        if (json != NULL)
            add_locked(ex, json, len, 1);
        else
            pthread_cond_broadcast(&ex->cond);
    }
    pthread_mutex_unlock(&ex->lock);
    free(call);
    exchange_release(ex);
}

void
exchange_complete_call(exchange_call_t *call, const char *json, size_t len)
{
    end_call(call, json, len);
}

void
exchange_end_call(exchange_call_t *call)
{
    end_call(call, NULL, 0);
}

int
exchange_call_cut_off(const exchange_call_t *call)
{
    return atomic_load(&call->cut_off);
}

mcp_exchange_t *
exchange_call_exchange(const exchange_call_t *call)
{
    return call->ex;
}

unsigned
exchange_call_wakes(exchange_call_t *call)
{
    pthread_mutex_lock(&call->ex->lock);
    unsigned wakes = call->wakes;
    pthread_mutex_unlock(&call->ex->lock);
    return wakes;
}

void
exchange_call_wait(exchange_call_t *call, unsigned seen, int64_t until_mono_ms)
{
    mcp_exchange_t *ex = call->ex;
    pthread_mutex_lock(&ex->lock);
    while (call->wakes == seen && !atomic_load(&ex->released) && !atomic_load(&call->cut_off))
        if (wait_until(&ex->cond, &ex->lock, until_mono_ms) != 0)
            break;
    pthread_mutex_unlock(&ex->lock);
}

void
exchange_call_wake(exchange_call_t *call)
{
    mcp_exchange_t *ex = call->ex;
    pthread_mutex_lock(&ex->lock);
    ++call->wakes;
    pthread_cond_broadcast(&ex->cond);
    pthread_mutex_unlock(&ex->lock);
}

/*
 * Ends every call still running, under the lock: each is answered with what write_answer writes for it
 * and marked cut off, so that its own result is dropped when it comes; their waits end.
 */
static void
end_calls_locked(mcp_exchange_t *ex,
                 void (*write_answer)(jsonw_t *w, const mcp_request_t *req, const json_value_t *id, const char *label))
{
    while (ex->calls != NULL) {
        exchange_call_t *call = ex->calls;
        ex->calls = call->next;
        atomic_store(&call->cut_off, 1);
        --ex->running;
        buf_t out = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &out);
        write_answer(&w, &ex->req, call->id, call->label);
        add_locked(ex, out.data, out.len, 1);
        buf_dispose(&out);
    }
    pthread_cond_broadcast(&ex->cond);
}

void
exchange_cut_off_calls(mcp_exchange_t *ex,
                       void (*write_stand_in)(jsonw_t *w, const mcp_request_t *req, const json_value_t *id, const char *label))
{
    pthread_mutex_lock(&ex->lock);
    end_calls_locked(ex, write_stand_in);
    pthread_mutex_unlock(&ex->lock);
}

static void
write_overflow_error(jsonw_t *w, const mcp_request_t *req, const json_value_t *id, const char *label)
{
    (void)req;
    (void)label;
    jsonrpc_write_error(w, id, JSONRPC_INTERNAL_ERROR, "Internal error: the response exceeded the server's limit", NULL);
}

/*
 * More was produced than the bound allows: the stream ends, and each call still running is answered
 * with an error for its request instead of a result that would arrive cut short. Under the lock.
 */
static void
overflow_locked(mcp_exchange_t *ex)
{
    log_msg(LOG_WARN, "response_overflow",
            "the response exceeded %zu bytes (the client reads too slowly, or a tool wrote too much)", ex->sse.limit);
    buf_reset(&ex->sse);
    end_calls_locked(ex, write_overflow_error);
}

/* ---- the front door's side (core.h) ---- */

void
mcp_stream_set_notify(mcp_stream_t *st, mcp_stream_notify_cb cb, void *data)
{
    mcp_exchange_t *ex = exchange_from_stream(st);
    pthread_mutex_lock(&ex->lock);
    ex->notify = cb;
    ex->notify_data = data;
    pthread_mutex_unlock(&ex->lock);
}

int
mcp_stream_take(mcp_stream_t *st, buf_t *out)
{
    mcp_exchange_t *ex = exchange_from_stream(st);
    pthread_mutex_lock(&ex->lock);
    if (buf_failed(&ex->sse))
        overflow_locked(ex); /* end the stream rather than grow without bound, or send a truncated answer */
    int done = ex->running == 0;
    buf_append(out, ex->sse.data, ex->sse.len);
    buf_reset(&ex->sse);
    pthread_mutex_unlock(&ex->lock);
    return done;
}

int
mcp_stream_wait(mcp_stream_t *st, int64_t deadline_ms)
{
    mcp_exchange_t *ex = exchange_from_stream(st);
    /* the deadline is the wall clock's (Lambda's); the wait runs on the monotonic one */
    int64_t until = deadline_ms == 0 ? 0 : mcp_monotonic_ms() + (deadline_ms - mcp_now_ms());
    if (deadline_ms != 0 && until <= 0)
        until = 1;
    pthread_mutex_lock(&ex->lock);
    while (ex->running != 0 && !buf_failed(&ex->sse))
        if (wait_until(&ex->cond, &ex->lock, until) != 0)
            break;
    if (buf_failed(&ex->sse))
        overflow_locked(ex);
    int done = ex->running == 0;
    pthread_mutex_unlock(&ex->lock);
    return done;
}

void
mcp_stream_release(mcp_stream_t *st)
{
    mcp_exchange_t *ex = exchange_from_stream(st);
    pthread_mutex_lock(&ex->lock);
    atomic_store(&ex->released, 1);
    ex->notify = NULL;
    pthread_cond_broadcast(&ex->cond); /* calls waiting for anything stop: nobody is left to answer */
    pthread_mutex_unlock(&ex->lock);
    /* a listen stream's client is gone: nobody to send its final result to */
    subscriptions_end(ex, 0);
    exchange_release(ex);
}

/* ---- the response ---- */

static void
event_stream_headers(mcp_response_t *res)
{
    response_add_header(res, "content-type", "text/event-stream");
    response_add_header(res, "cache-control", "no-cache");
    response_add_header(res, "x-accel-buffering", "no");
}

void
exchange_finish(mcp_exchange_t *ex, int is_batch, mcp_response_t *res)
{
    ex->req.http = NULL; /* borrowed for mcp_handle() only; calls never look at it afterwards */
    pthread_mutex_lock(&ex->lock);
    int running = ex->running;
    if (running != 0) {
        start_sse_locked(ex); /* the stream starts with what is there */
        ex->streaming = 1;
    }
    pthread_mutex_unlock(&ex->lock);

    if (running != 0) {
        res->status = 200;
        res->stream = (mcp_stream_t *)ex;
        event_stream_headers(res);
        return;
    }
    if (buf_failed(&ex->json) || buf_failed(&ex->sse)) {
        /* never a truncated 200: the whole answer did not fit in the bound */
        log_msg(LOG_WARN, "response_overflow", "the response exceeded %zu bytes", ex->json.limit);
        response_refuse(res, 500, JSONRPC_INTERNAL_ERROR, "Internal error: the response exceeded the server's limit");
    } else if (ex->num_responses == 0) {
        /* only notifications and responses: accepted, no body */
        res->status = 202;
    } else if (ex->num_notifications != 0) {
        res->status = 200;
        res->body = buf_release(&ex->sse, &res->body_len);
        event_stream_headers(res);
    } else if (is_batch) {
        buf_t body = BUF_INIT(0);
        buf_append_char(&body, '[');
        buf_append(&body, ex->json.data, ex->json.len);
        buf_append_char(&body, ']');
        res->status = 200;
        res->body = buf_release(&body, &res->body_len);
        response_add_header(res, "content-type", "application/json");
    } else {
        res->status = 200;
        res->body = buf_release(&ex->json, &res->body_len);
        response_add_header(res, "content-type", "application/json");
    }
    exchange_release(ex);
}
