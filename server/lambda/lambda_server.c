/*
 * lambda_server.c: the Lambda front door. The same core as the HTTP server, fed by the Runtime API
 * loop: each invocation's API Gateway or Function URL event becomes a core request, and the core's
 * response goes back in the event format's response shape, either whole (buffered, the default) or
 * as a stream (Runtime API streaming mode: a JSON prelude, eight NUL bytes, then SSE events as they
 * happen). Tools still running near the invocation's deadline are cut off with an error result, so
 * Lambda never has to kill the process mid-response.
 */
#include "lambda_server.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apigw_event.h"
#include "dynamodb_store.h"
#include "dynamodb_task_store.h"
#include "lambda_runtime.h"
#include "log.h"
#include "task_store.h"

/* Tools see mcp_cancelled() earlier (the core's margin); this is when the front door stops waiting. */
#define CUT_OFF_MARGIN_MS 500
#define KEEPALIVE_MS 15000
#define STREAM_CONTENT_TYPE "application/vnd.awslambda.http-integration-response"

typedef struct st_lambda_server_t {
    lambda_runtime_t rt;
    mcp_server_t *mcp;
    int streaming;
    int64_t response_timeout_ms; /* --response-timeout-ms; 0: none */
    pthread_mutex_t lock;        /* new stream bytes: workers signal, the loop waits */
    pthread_cond_t cond;
    int ready;
} lambda_server_t;

static void
on_stream_data(void *data)
{
    lambda_server_t *ls = data;
    /* called with the exchange's lock held: only signal */
    pthread_mutex_lock(&ls->lock);
    ls->ready = 1;
    pthread_cond_signal(&ls->cond);
    pthread_mutex_unlock(&ls->lock);
}

/* Waits until a worker signals new bytes or until the wall clock reaches until_ms (measured on the monotonic clock). */
static void
wait_for_data(lambda_server_t *ls, int64_t until_ms)
{
    int64_t until = mcp_monotonic_ms() + (until_ms - mcp_now_ms());
    struct timespec ts = {.tv_sec = until / 1000, .tv_nsec = (until % 1000) * 1000000};
    pthread_mutex_lock(&ls->lock);
    while (!ls->ready && until > mcp_monotonic_ms())
        if (pthread_cond_timedwait(&ls->cond, &ls->lock, &ts) != 0)
            break;
    ls->ready = 0;
    pthread_mutex_unlock(&ls->lock);
}

static void
log_invocation(const mcp_response_t *res, int64_t start_ms, const char *outcome)
{
    log_line_t l;
    if (!log_begin(&l, LOG_INFO, "request"))
        return;
    if (res != NULL && res->rpc_method != NULL)
        jsonw_kv_string(&l.w, "rpcMethod", res->rpc_method);
    if (res != NULL && res->tool_name != NULL)
        jsonw_kv_string(&l.w, "tool", res->tool_name);
    if (res != NULL)
        jsonw_kv_int(&l.w, "status", res->status);
    if (outcome != NULL)
        jsonw_kv_string(&l.w, "outcome", outcome);
    jsonw_kv_int(&l.w, "durationMs", mcp_now_ms() - start_ms);
    log_end(&l);
}

/* A refusal of a malformed event, in the event's own response shape. */
static void
respond_bad_event(lambda_server_t *ls, const lambda_invocation_t *inv, apigw_format_t format, int err)
{
    apigw_refusal_t refusal = apigw_refusal(err);
    mcp_response_t res;
    memset(&res, 0, sizeof(res));
    res.status = refusal.status;
    res.headers[0] = (mcp_header_t){"content-type", 12, "application/json", 16};
    res.num_headers = 1;
    char body[256];
    int n = snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,\"message\":\"%s\"}}",
                     refusal.rpc_code, refusal.message);
    buf_t out = BUF_INIT(0);
    if (ls->streaming) {
        apigw_write_prelude(format, &res, &out);
        buf_append(&out, body, (size_t)n);
        if (lambda_runtime_stream_begin(&ls->rt, inv->request_id, STREAM_CONTENT_TYPE) == 0 &&
            lambda_runtime_stream_write(&ls->rt, out.data, out.len) == 0)
            lambda_runtime_stream_end(&ls->rt, NULL, NULL);
    } else {
        apigw_write_response(format, &res, body, (size_t)n, &out);
        lambda_runtime_respond(&ls->rt, inv->request_id, out.data, out.len);
    }
    buf_dispose(&out);
}

/* Buffered mode: the whole body at once, by respond_by (wall clock; 0: no limit). */
static void
respond_buffered(lambda_server_t *ls, const lambda_invocation_t *inv, int64_t respond_by, apigw_format_t format,
                 mcp_response_t *res)
{
    buf_t body = BUF_INIT(0);
    if (res->stream != NULL) {
        int64_t cut_off = respond_by != 0 ? respond_by - CUT_OFF_MARGIN_MS : 0;
        if (!mcp_stream_wait(res->stream, cut_off))
            mcp_stream_cut_off(res->stream);
        mcp_stream_take(res->stream, &body);
        mcp_stream_release(res->stream);
        res->stream = NULL;
    } else if (res->body != NULL) {
        buf_append(&body, res->body, res->body_len);
    }
    buf_t out = BUF_INIT(0);
    apigw_write_response(format, res, body.data, body.len, &out);
    int ret = lambda_runtime_respond(&ls->rt, inv->request_id, out.data, out.len);
    if (ret != 0) {
        log_msg(LOG_ERROR, "respond_failed", "%s (status %d)", lambda_strerror(ret), ls->rt.last_status);
        if (ls->rt.last_status == 413)
            lambda_runtime_report_error(&ls->rt, inv->request_id, "Runtime.ResponseTooLarge",
                                        "the response is larger than a buffered Lambda response allows");
    }
    buf_dispose(&out);
    buf_dispose(&body);
}

/* Streaming mode: the prelude, then each piece of the body as soon as the core has it, the last by respond_by. */
static void
respond_streaming(lambda_server_t *ls, const lambda_invocation_t *inv, int64_t respond_by, apigw_format_t format,
                  mcp_response_t *res)
{
    buf_t out = BUF_INIT(0);
    apigw_write_prelude(format, res, &out);
    int ret = lambda_runtime_stream_begin(&ls->rt, inv->request_id, STREAM_CONTENT_TYPE);
    if (ret == 0)
        ret = lambda_runtime_stream_write(&ls->rt, out.data, out.len);
    if (res->stream == NULL) {
        if (ret == 0 && res->body != NULL)
            ret = lambda_runtime_stream_write(&ls->rt, res->body, res->body_len);
    } else {
        mcp_stream_set_notify(res->stream, on_stream_data, ls);
        int64_t cut_off = respond_by != 0 ? respond_by - CUT_OFF_MARGIN_MS : 0;
        int64_t last_write = mcp_now_ms();
        for (;;) {
            buf_reset(&out);
            int done = mcp_stream_take(res->stream, &out);
            if (ret == 0 && out.len != 0) {
                ret = lambda_runtime_stream_write(&ls->rt, out.data, out.len);
                last_write = mcp_now_ms();
            }
            if (done || ret != 0)
                break;
            int64_t now = mcp_now_ms();
            if (cut_off != 0 && now >= cut_off) {
                mcp_stream_cut_off(res->stream);
                continue;
            }
            if (now - last_write >= KEEPALIVE_MS) {
                /* API Gateway closes streams idle for long; a comment keeps this one open */
                ret = lambda_runtime_stream_write(&ls->rt, ": keep-alive\n\n", 14);
                last_write = now;
                continue;
            }
            int64_t until = last_write + KEEPALIVE_MS;
            if (cut_off != 0 && cut_off < until)
                until = cut_off;
            wait_for_data(ls, until);
        }
        mcp_stream_release(res->stream); /* after a write failure, running tools see mcp_cancelled() */
        res->stream = NULL;
    }
    if (ret == 0)
        ret = lambda_runtime_stream_end(&ls->rt, NULL, NULL);
    if (ret != 0)
        log_msg(LOG_ERROR, "stream_failed", "%s", lambda_strerror(ret));
    buf_dispose(&out);
}

static void
handle(lambda_server_t *ls, lambda_invocation_t *inv)
{
    int64_t start = mcp_now_ms();
    apigw_request_t ar;
    int err = apigw_parse_event(inv->event, inv->event_len, &ar);
    if (err == APIGW_ERR_JSON || err == APIGW_ERR_SHAPE) {
        /* no response shape to answer in: fail the invocation the documented way */
        log_msg(LOG_WARN, "bad_event", "%s", apigw_strerror(err));
        lambda_runtime_report_error(&ls->rt, inv->request_id, "Runtime.InvalidEvent", apigw_strerror(err));
        log_invocation(NULL, start, "invalid event");
    } else if (err != 0) {
        log_msg(LOG_WARN, "bad_event", "%s", apigw_strerror(err));
        respond_bad_event(ls, inv, ar.format, err);
        log_invocation(NULL, start, "malformed event");
    } else {
        ar.req.deadline_ms = inv->deadline_ms;
        ar.req.request_id = inv->request_id;
        ar.req.trace_id = inv->trace_id[0] != '\0' ? inv->trace_id : NULL;
        ar.req.can_stream = ls->streaming;
        /*
         * The answer goes out by the function's deadline, or earlier with --response-timeout-ms: a function whose
         * timeout is longer than API Gateway's integration timeout (so that tasks may run longer) still answers
         * every request before the gateway gives up on it. The calls keep the deadline: a task runs on to it.
         */
        int64_t respond_by = inv->deadline_ms;
        if (ls->response_timeout_ms != 0 && (respond_by == 0 || start + ls->response_timeout_ms < respond_by))
            respond_by = start + ls->response_timeout_ms;
        mcp_response_t res;
        mcp_handle(ls->mcp, &ar.req, &res);
        if (ls->streaming)
            respond_streaming(ls, inv, respond_by, ar.format, &res);
        else
            respond_buffered(ls, inv, respond_by, ar.format, &res);
        log_invocation(&res, start, NULL);
        mcp_response_dispose(&res);
        /*
         * The client has its answer; a task the call started (the tasks extension) keeps working here, before
         * the next invocation is asked for, since Lambda freezes the process once it is. The invocation's
         * deadline bounds it: its handler is cancelled ahead of it and the task ends failed.
         */
        int64_t until = inv->deadline_ms != 0 ? inv->deadline_ms - CUT_OFF_MARGIN_MS : 0;
        int still = mcp_server_wait_tasks(ls->mcp, until);
        if (still != 0)
            log_msg(LOG_WARN, "tasks_left_running", "%d task(s) still running at the deadline", still);
    }
    apigw_request_dispose(&ar);
}

int
lambda_server_report_init_error(const char *api, const char *message)
{
    lambda_runtime_t rt;
    int ret = lambda_runtime_init(&rt, api);
    if (ret == 0)
        ret = lambda_runtime_report_init_error(&rt, "Runtime.InvalidConfiguration", message);
    lambda_runtime_dispose(&rt);
    return ret;
}

int
lambda_server_run(mcp_server_t *mcp, const lambda_config_t *config, const char *api)
{
    static lambda_server_t ls;
    ls.mcp = mcp;
    ls.streaming = strcmp(config->response_mode, "streaming") == 0;
    ls.response_timeout_ms = config->response_timeout_ms;
    pthread_mutex_init(&ls.lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&ls.cond, &attr);
    pthread_condattr_destroy(&attr);
    int ret = lambda_runtime_init(&ls.rt, api);
    if (ret != 0) {
        log_msg(LOG_ERROR, "runtime_api", "%s", lambda_strerror(ret));
        return 1;
    }
    /*
     * The client's answer to a sampling or elicitation request arrives as another invocation, which
     * Lambda may give to another instance: it meets the waiting tool in a shared table, or, without
     * one (or without streaming, where the request cannot reach the client in time), tools cannot ask.
     */
    dynamodb_store_t *store = NULL;
    if (ls.streaming && config->pending_table[0] != '\0') {
        char err[256];
        if (dynamodb_store_new(config->pending_table, &store, err, sizeof(err)) != 0) {
            log_msg(LOG_ERROR, "init", "%s", err);
            lambda_runtime_report_init_error(&ls.rt, "Runtime.InvalidConfiguration", err);
            lambda_runtime_dispose(&ls.rt);
            return 2;
        }
    }
    mcp_server_set_answer_store(mcp, store != NULL ? dynamodb_store_base(store) : NULL);
    /* tasks in a shared table, so that any instance answers for a task another one runs */
    dynamodb_task_store_t *tasks = NULL;
    if (config->task_table[0] != '\0') {
        char err[256];
        if (dynamodb_task_store_new(config->task_table, &tasks, err, sizeof(err)) != 0) {
            log_msg(LOG_ERROR, "init", "%s", err);
            lambda_runtime_report_init_error(&ls.rt, "Runtime.InvalidConfiguration", err);
            lambda_runtime_dispose(&ls.rt);
            dynamodb_store_free(store);
            return 2;
        }
        mcp_server_set_task_store(mcp, dynamodb_task_store_base(tasks));
    }
    log_line_t l;
    if (log_begin(&l, LOG_INFO, "lambda_ready")) {
        jsonw_kv_string(&l.w, "responseMode", config->response_mode);
        jsonw_kv_bool(&l.w, "clientRequests", store != NULL);
        jsonw_kv_bool(&l.w, "sharedTasks", tasks != NULL);
        jsonw_kv_int(&l.w, "responseTimeoutMs", ls.response_timeout_ms);
        log_end(&l);
    }
    for (;;) {
        lambda_invocation_t inv;
        if ((ret = lambda_runtime_next(&ls.rt, &inv)) != 0) {
            /* the Runtime API is the process's only reason to exist: without it, exit */
            log_msg(LOG_ERROR, "runtime_api", "next invocation: %s", lambda_strerror(ret));
            break;
        }
        /*
         * The invocation's ids travel with it, into every log line of this thread and of the workers its
         * calls run on: the environment is not touched (setenv is unsafe while workers may run).
         */
        log_set_request_id(inv.request_id);
        log_set_trace_id(inv.trace_id[0] != '\0' ? inv.trace_id : NULL);
        handle(&ls, &inv);
        log_set_request_id(NULL);
        log_set_trace_id(NULL);
        lambda_invocation_dispose(&inv);
    }
    lambda_runtime_dispose(&ls.rt);
    mcp_server_shutdown(mcp);
    dynamodb_store_free(store);
    dynamodb_task_store_free(tasks); /* the workers have stopped: no task writes any more */
    return 1;
}
