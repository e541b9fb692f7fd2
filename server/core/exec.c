/*
 * exec.c: where tools that may block run. A small pool of worker threads, started on first use so
 * that cold start pays nothing for it, takes tools/call jobs from a queue. A worker's tool may ask the
 * client something (sampling, elicitation): the request goes out on the tool's SSE stream with an id
 * unique to this process, the tool waits, and the client's answer (a separate POST, on any connection)
 * is matched by id in the pending list and handed back. No session is involved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "internal.h"
#include "log.h"

#define MAX_QUEUED_JOBS 1024
#define WORKER_STACK_SIZE (512 * 1024)
#define CUT_OFF_CONTENT "[{\"type\":\"text\",\"text\":\"The tool did not finish before the deadline and was stopped.\"}]"

typedef struct st_job_t {
    struct st_job_t *next;
    mcp_ctx_t *ctx;
    const json_value_t *args;
} job_t;

struct st_mcp_pool_t {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    job_t *head, *tail;
    size_t queued;
    pthread_t threads[256];
    unsigned num_threads, idle;
    int stopping;
};

struct st_mcp_pending_t {
    mcp_pending_t *next;
    char id[64];
    pthread_cond_t cond;
    int answered;
    buf_t answer; /* the client's result or error object, serialised */
    int is_error;
};

static void
run_job(job_t *job)
{
    mcp_ctx_t *ctx = job->ctx;
    mcp_exchange_t *ex = ctx->ex;
    log_set_request_id(ex->log_id[0] != '\0' ? ex->log_id : NULL);
    pthread_mutex_lock(&ex->lock);
    int cut_off = ctx->abandoned;
    pthread_mutex_unlock(&ex->lock);
    buf_t out = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &out);
    jsonrpc_begin_result(&w, ctx->id);
    /* a job still queued when the client was told it was stopped must not run later after all */
    int code = cut_off ? 0 : ctx_run_tool(ctx, job->args, &w);
    jsonrpc_end_result(&w);
    if (code != 0 || jsonw_failed(&w)) {
        /* an error instead of a result (a capability the client lacks, ...): its HTTP status is long sent */
        buf_reset(&out);
        jsonw_init(&w, &out);
        if (code != 0)
            jsonrpc_write_error(&w, ctx->id, code, ctx->error_message, ctx->error_data);
        else
            jsonrpc_write_error(&w, ctx->id, JSONRPC_INTERNAL_ERROR, "Internal error: result too large", NULL);
    }
    pthread_mutex_lock(&ex->lock);
    int abandoned = ctx->abandoned;
    for (mcp_ctx_t **pp = &ex->calls; *pp != NULL; pp = &(*pp)->next_call) {
        if (*pp == ctx) {
            *pp = ctx->next_call;
            break;
        }
    }
    if (!abandoned)
        exchange_add_locked(ex, out.data, out.len, 1, 1);
    pthread_mutex_unlock(&ex->lock);
    buf_dispose(&out);
    ctx_dispose(ctx);
    free(ctx);
    exchange_release(ex);
    log_set_request_id(NULL);
}

static void *
worker_main(void *arg)
{
    mcp_pool_t *pool = arg;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->head == NULL && !pool->stopping) {
            ++pool->idle;
            pthread_cond_wait(&pool->cond, &pool->lock);
            --pool->idle;
        }
        if (pool->head == NULL)
            break;
        job_t *job = pool->head;
        pool->head = job->next;
        if (pool->head == NULL)
            pool->tail = NULL;
        --pool->queued;
        pthread_mutex_unlock(&pool->lock);
        run_job(job);
        free(job);
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

int
exec_submit_tool(mcp_ctx_t *ctx, const json_value_t *args)
{
    mcp_server_t *s = ctx->server;
    if (s->pool == NULL) {
        mcp_pool_t *pool = calloc(1, sizeof(*pool));
        if (pool == NULL)
            return -1;
        pthread_mutex_init(&pool->lock, NULL);
        pthread_cond_init(&pool->cond, NULL);
        s->pool = pool;
    }
    mcp_pool_t *pool = s->pool;
    job_t *job = malloc(sizeof(*job));
    if (job == NULL)
        return -1;
    job->next = NULL;
    job->ctx = ctx;
    job->args = args;

    pthread_mutex_lock(&pool->lock);
    if (pool->queued >= MAX_QUEUED_JOBS || pool->stopping) {
        pthread_mutex_unlock(&pool->lock);
        free(job);
        return -1;
    }
    if (pool->idle <= pool->queued && pool->num_threads < s->config->workers) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
        if (pthread_create(&pool->threads[pool->num_threads], &attr, worker_main, pool) == 0)
            ++pool->num_threads;
        pthread_attr_destroy(&attr);
        if (pool->num_threads == 0) {
            pthread_mutex_unlock(&pool->lock);
            free(job);
            return -1;
        }
    }
    mcp_exchange_t *ex = ctx->ex;
    pthread_mutex_lock(&ex->lock);
    ++ex->running;
    ++ex->refcnt;
    ctx->next_call = ex->calls;
    ex->calls = ctx;
    pthread_mutex_unlock(&ex->lock);
    if (pool->tail != NULL)
        pool->tail->next = job;
    else
        pool->head = job;
    pool->tail = job;
    ++pool->queued;
    pthread_cond_signal(&pool->cond);
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

void
mcp_stream_cut_off(mcp_stream_t *st)
{
    mcp_exchange_t *ex = &st->ex;
    subscriptions_end(ex, 1); /* before taking ex->lock: it takes the listeners' lock, which comes first */
    pthread_mutex_lock(&ex->lock);
    while (ex->calls != NULL) {
        mcp_ctx_t *ctx = ex->calls;
        ex->calls = ctx->next_call;
        ctx->abandoned = 1;
        atomic_store(&ctx->cancelled, 1);
        buf_t out = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &out);
        jsonrpc_begin_result(&w, ctx->id);
        jsonw_object_begin(&w);
        jsonw_key(&w, "content");
        jsonw_raw(&w, CUT_OFF_CONTENT, sizeof(CUT_OFF_CONTENT) - 1);
        jsonw_kv_bool(&w, "isError", 1);
        era_result_end(ex, &w, NULL); /* resultType and serverInfo for 2026-07-28 clients, as every result */
        jsonrpc_end_result(&w);
        exchange_add_locked(ex, out.data, out.len, 1, 1);
        buf_dispose(&out);
        log_msg(LOG_WARN, "tool_cut_off", "tool %s was still running at the deadline", ctx->tool->tool->name);
    }
    pthread_mutex_unlock(&ex->lock);
}

void
exec_shutdown(mcp_server_t *s)
{
    pthread_mutex_lock(&s->pending_lock);
    atomic_store(&s->shutting_down, 1);
    for (mcp_pending_t *p = s->pending; p != NULL; p = p->next)
        pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&s->pending_lock);
    mcp_pool_t *pool = s->pool;
    if (pool == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->cond);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i != pool->num_threads; ++i)
        pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->cond);
    free(pool);
    s->pool = NULL;
}

int
exec_deliver_response(mcp_server_t *s, const json_value_t *msg)
{
    const char *id = json_string(json_get(msg, "id"));
    /* only ids this server could have made (srv- and 32 hex digits) reach the waiting tools or the store */
    if (id == NULL || strlen(id) != 36 || strncmp(id, "srv-", 4) != 0 || strspn(id + 4, "0123456789abcdef") != 32 ||
        s->answers == ANSWERS_NONE)
        return 0;
    const json_value_t *error = json_get(msg, "error");
    buf_t answer = BUF_INIT(32u << 20);
    jsonw_t w;
    jsonw_init(&w, &answer);
    jsonw_value(&w, error != NULL ? error : json_get(msg, "result"));
    int found = 0;
    if (jsonw_failed(&w)) {
        found = 0;
    } else if (s->answers == ANSWERS_STORE) {
        found = s->answer_store->put(s->answer_store, id, answer.data, answer.len, error != NULL) == 0 ? 1 : -1;
    } else {
        pthread_mutex_lock(&s->pending_lock);
        for (mcp_pending_t *p = s->pending; p != NULL; p = p->next) {
            if (p->answered || strcmp(p->id, id) != 0)
                continue;
            buf_append(&p->answer, answer.data, answer.len);
            p->is_error = error != NULL;
            p->answered = 1;
            pthread_cond_signal(&p->cond);
            found = 1;
            break;
        }
        pthread_mutex_unlock(&s->pending_lock);
    }
    buf_dispose(&answer);
    return found;
}

static void
send_cancelled(mcp_ctx_t *ctx, const char *id, const char *reason)
{
    buf_t msg = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &msg);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "jsonrpc", "2.0");
    jsonw_kv_string(&w, "method", "notifications/cancelled");
    jsonw_key(&w, "params");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "requestId", id);
    jsonw_kv_string(&w, "reason", reason);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    exchange_add_message(ctx->ex, msg.data, msg.len);
    buf_dispose(&msg);
}

/* Waits for the answer to arrive through exec_deliver_response() in this process. */
static int
wait_in_process(mcp_ctx_t *ctx, mcp_pending_t *p, int64_t deadline)
{
    mcp_server_t *s = ctx->server;
    int ret = MCP_EREQ_TIMEOUT;
    pthread_mutex_lock(&s->pending_lock);
    for (;;) {
        if (p->answered) {
            ret = 0;
            break;
        }
        if (atomic_load(&s->shutting_down)) {
            ret = MCP_EREQ_CANCELLED;
            break;
        }
        int64_t now = mcp_now_ms();
        if (now >= deadline)
            break;
        /* wake up regularly to notice cancellation (the client went away, the deadline is near) */
        pthread_mutex_unlock(&s->pending_lock);
        int cancelled = mcp_cancelled(ctx);
        pthread_mutex_lock(&s->pending_lock);
        if (cancelled && !p->answered) {
            ret = MCP_EREQ_CANCELLED;
            break;
        }
        int64_t until = now + 100 < deadline ? now + 100 : deadline;
        struct timespec ts = {.tv_sec = until / 1000, .tv_nsec = (until % 1000) * 1000000};
        pthread_cond_timedwait(&p->cond, &s->pending_lock, &ts);
    }
    for (mcp_pending_t **pp = &s->pending; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    pthread_mutex_unlock(&s->pending_lock);
    return ret;
}

/* Polls the shared store, where another process puts the answer it received. */
static int
wait_in_store(mcp_ctx_t *ctx, mcp_pending_t *p, int64_t deadline)
{
    mcp_answer_store_t *store = ctx->server->answer_store;
    for (;;) {
        int found = store->take(store, p->id, &p->answer, &p->is_error);
        if (found == 1)
            return 0;
        if (found < 0)
            log_msg(LOG_WARN, "answer_store", "could not read the answer store");
        if (mcp_cancelled(ctx))
            return MCP_EREQ_CANCELLED;
        if (mcp_now_ms() >= deadline)
            return MCP_EREQ_TIMEOUT;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 200 * 1000000};
        nanosleep(&ts, NULL);
    }
}

int
exec_client_request(mcp_ctx_t *ctx, const char *method, const char *params_json, const json_value_t **result,
                    const char **error_message)
{
    mcp_server_t *s = ctx->server;
    const char *unused;
    if (error_message == NULL)
        error_message = &unused;
    *result = NULL;
    if (!ctx->on_worker || !ctx->ex->can_stream || s->answers == ANSWERS_NONE) {
        /* a buffered response reaches the client only when the tool has finished: it cannot ask and wait */
        *error_message = "this deployment cannot send requests to the client during a tool call (its responses are not "
                         "streamed); configure response streaming to use sampling and elicitation";
        return MCP_EREQ_UNSUPPORTED;
    }
    json_value_t *params = NULL;
    if (params_json != NULL &&
        (json_parse(&ctx->arena, params_json, strlen(params_json), 64, &params) != 0 || params->type != JSON_OBJECT)) {
        *error_message = "invalid request parameters";
        return MCP_EREQ_UNSUPPORTED;
    }

    mcp_pending_t p = {.answered = 0};
    /* random, so that no client can guess (and answer) a request sent to another */
    unsigned char rnd[16];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        *error_message = "no randomness available";
        return MCP_EREQ_UNSUPPORTED;
    }
    memcpy(p.id, "srv-", 4);
    for (size_t i = 0; i != sizeof(rnd); ++i)
        snprintf(p.id + 4 + 2 * i, 3, "%02x", rnd[i]);
    pthread_cond_init(&p.cond, NULL);
    buf_init(&p.answer, 32u << 20);
    int in_process = s->answers == ANSWERS_IN_PROCESS;
    if (in_process) {
        pthread_mutex_lock(&s->pending_lock);
        p.next = s->pending;
        s->pending = &p;
        pthread_mutex_unlock(&s->pending_lock);
    }

    buf_t msg = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &msg);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "jsonrpc", "2.0");
    jsonw_kv_string(&w, "id", p.id);
    jsonw_kv_string(&w, "method", method);
    if (params != NULL) {
        jsonw_key(&w, "params");
        jsonw_value(&w, params);
    }
    jsonw_object_end(&w);
    exchange_add_message(ctx->ex, msg.data, msg.len);
    buf_dispose(&msg);

    int64_t deadline = mcp_now_ms() + s->config->client_request_timeout_ms;
    int ret = in_process ? wait_in_process(ctx, &p, deadline) : wait_in_store(ctx, &p, deadline);

    if (ret == MCP_EREQ_TIMEOUT || ret == MCP_EREQ_CANCELLED) {
        send_cancelled(ctx, p.id, ret == MCP_EREQ_TIMEOUT ? "timeout" : "cancelled");
        *error_message = ret == MCP_EREQ_TIMEOUT ? "the client did not answer in time" : "the call was cancelled";
    } else {
        json_value_t *answer;
        if (json_parse(&ctx->arena, p.answer.data, p.answer.len, 64, &answer) != 0) {
            ret = MCP_EREQ_REJECTED;
            *error_message = "the client's answer could not be read";
        } else if (p.is_error) {
            ret = MCP_EREQ_REJECTED;
            const char *m = json_string(json_get(answer, "message"));
            *error_message = m != NULL ? m : "the client refused the request";
        } else {
            *result = answer;
        }
    }
    buf_dispose(&p.answer);
    pthread_cond_destroy(&p.cond);
    return ret;
}
