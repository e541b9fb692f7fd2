/* tasks.c: the tasks extension; see tasks.h. */
#include "tasks.h"

#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "input_required.h"
#include "log.h"
#include "methods/methods.h"
#include "server.h"
#include "subscriptions.h"
#include "task_store_memory.h"
#include "tool_params.h"
#include "workers.h"

#define POLL_INTERVAL_MS 1000
#define STORE_POLL_MS 1000   /* how often a waiting handler reads its row in a shared store (a cancel from elsewhere) */
#define MAX_WRITE_ATTEMPTS 8 /* a write that lost a race reads the row again and retries */
#define MAX_TASK_JSON (4 * 1024 * 1024)
#define DEADLINE_MESSAGE                                                                                                           \
    "The task was stopped at the function's deadline (its timeout) before it finished; work this long needs a longer "             \
    "timeout, or another home (an asynchronous invocation, Step Functions)"

static const char unknown_task[] = "Invalid params: unknown or expired task";

struct st_task_run_t {
    tasks_t *owner;
    char id[MCP_TASK_ID_LEN + 1];
    mcp_call_t call; /* the tools/call the task came from: its exchange is retained while the run is kept */
    const mcp_tool_entry_t *entry;
    const json_value_t *args; /* in the exchange's arena */
    int64_t expires_ms;
    int running; /* a job runs the handler */
    int ended;   /* the task is terminal: nothing will run again */
    int cancelled;
    int64_t polled_at; /* monotonic ms of the last read of the row (a shared store) */
    arena_t arena;     /* an adopted run's (tasks/update resumed here a task another process started): its call */
    int adopted;
    unsigned wakes;
    pthread_cond_t cond;
    task_run_t *next;
};

struct st_tasks_t {
    const mcp_config_t *config;
    subscriptions_t *subs; /* the listen streams a task's changes are told to (notifications/tasks) */
    mcp_task_store_t *store;
    mcp_task_store_t *own_store;
    pthread_mutex_t lock;
    pthread_cond_t idle; /* a run stopped running (mcp_server_wait_tasks()) */
    task_run_t *runs;
};

tasks_t *
tasks_new(const mcp_config_t *config, subscriptions_t *subs)
{
    tasks_t *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->config = config;
    t->subs = subs;
    if ((t->store = t->own_store = task_store_memory_new()) == NULL) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->idle, NULL);
    return t;
}

void
tasks_set_store(tasks_t *t, mcp_task_store_t *store)
{
    t->store = store;
}

static void
free_run(task_run_t *run)
{
    exchange_release(run->call.ex);
    if (run->adopted)
        arena_dispose(&run->arena);
    pthread_cond_destroy(&run->cond);
    free(run);
}

void
tasks_free(tasks_t *t)
{
    if (t == NULL)
        return;
    while (t->runs != NULL) {
        task_run_t *run = t->runs;
        t->runs = run->next;
        free_run(run);
    }
    task_store_memory_free(t->own_store);
    pthread_cond_destroy(&t->idle);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* Lets go of runs that are over (terminal, or expired) and not running; with the lock held. */
static void
sweep_locked(tasks_t *t, task_run_t **freed)
{
    int64_t now = mcp_now_ms();
    for (task_run_t **pp = &t->runs; *pp != NULL;) {
        task_run_t *run = *pp;
        if (!run->running && (run->ended || run->expires_ms <= now)) {
            *pp = run->next;
            run->next = *freed;
            *freed = run;
        } else {
            pp = &run->next;
        }
    }
}

/* Frees what a sweep took, without the lock (an exchange's release takes its own). */
static void
free_runs(task_run_t *list)
{
    while (list != NULL) {
        task_run_t *next = list->next;
        free_run(list);
        list = next;
    }
}

static task_run_t *
find_run_locked(tasks_t *t, const char *id)
{
    for (task_run_t *run = t->runs; run != NULL; run = run->next)
        if (strcmp(run->id, id) == 0)
            return run;
    return NULL;
}

/* ---- who may see a task ---- */

void
tasks_principal(const mcp_request_t *req, char out[65])
{
    out[0] = '\0';
    if (req->identity == NULL)
        return;
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_value(&w, req->identity);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)(b.data != NULL ? b.data : ""), b.len, digest);
    buf_dispose(&b);
    for (int i = 0; i != SHA256_DIGEST_LENGTH; ++i)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int
tasks_decide(const mcp_request_t *req, const mcp_tool_t *tool, int *as_task, mcp_rpc_error_t *e)
{
    *as_task = 0;
    mcp_task_support_t support = tool->nonblocking ? MCP_TASK_NEVER : tool->task_support;
    if (req->era != MCP_ERA_MODERN || support == MCP_TASK_NEVER)
        return 0;
    if (json_get(json_get(req->client_capabilities, "extensions"), MCP_TASKS_EXTENSION) != NULL) {
        *as_task = 1;
        return 0;
    }
    if (support == MCP_TASK_ALWAYS) {
        rpc_error_set(e, MCP_MISSING_CAPABILITY, MCP_MISSING_CAPABILITY_MESSAGE,
                      "{\"requiredCapabilities\":{\"extensions\":{\"" MCP_TASKS_EXTENSION "\":{}}}}");
        return -1;
    }
    return 0;
}

/* ---- writing a task ---- */

static const char *const status_names[] = {"working", "input_required", "completed", "failed", "cancelled"};

static void
write_time(jsonw_t *w, const char *key, int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char text[40], stamp[48];
    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof(stamp), "%s.%03dZ", text, (int)(ms % 1000));
    jsonw_kv_string(w, key, stamp);
}

/* The Task fields every shape shares (CreateTaskResult, DetailedTask), without closing the object. */
static void
write_task_fields(jsonw_t *w, const mcp_task_row_t *row, const mcp_config_t *config)
{
    jsonw_kv_string(w, "taskId", row->id);
    jsonw_kv_string(w, "status", status_names[row->status]);
    write_time(w, "createdAt", row->created_ms);
    write_time(w, "lastUpdatedAt", row->updated_ms);
    jsonw_kv_int(w, "ttlMs", config->task_ttl_ms);
    if (!MCP_TASK_TERMINAL(row->status))
        jsonw_kv_int(w, "pollIntervalMs", POLL_INTERVAL_MS);
}

/* A DetailedTask's members (tasks/get, notifications/tasks): the Task, and what its status carries. */
static void
write_detailed_fields(jsonw_t *w, const mcp_task_row_t *row, const mcp_config_t *config)
{
    write_task_fields(w, row, config);
    if (row->status == MCP_TASK_INPUT_REQUIRED && row->input_requests.len != 0) {
        jsonw_key(w, "inputRequests");
        jsonw_raw(w, row->input_requests.data, row->input_requests.len);
    } else if (row->status == MCP_TASK_COMPLETED && row->outcome.len != 0) {
        jsonw_key(w, "result");
        jsonw_raw(w, row->outcome.data, row->outcome.len);
    } else if (row->status == MCP_TASK_FAILED && row->outcome.len != 0) {
        jsonw_key(w, "error");
        jsonw_raw(w, row->outcome.data, row->outcome.len);
    }
}

static int
write_detailed(const mcp_config_t *config, const mcp_task_row_t *row, buf_t *out)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    write_detailed_fields(&w, row, config);
    jsonw_object_end(&w);
    return jsonw_failed(&w) ? -1 : 0;
}

int
tasks_write_detailed(mcp_server_t *s, const mcp_task_row_t *row, buf_t *out)
{
    return write_detailed(server_tasks(s)->config, row, out);
}

/*
 * Tells the listen streams of the row's caller that listen for the task what it is now. Only this process's
 * streams hear it: a change another process writes to a shared store reaches the streams open there.
 */
static void
publish(tasks_t *t, const mcp_task_row_t *row)
{
    if (!subscriptions_listening_for_task(t->subs, row->id))
        return;
    buf_t b = BUF_INIT(MAX_TASK_JSON * 2);
    if (write_detailed(t->config, row, &b) == 0)
        subscriptions_publish_task(t->subs, row, b.data, b.len);
    else
        log_msg(LOG_WARN, "task_not_published", "task %s: too large for a notification", row->id);
    buf_dispose(&b);
}

static void
new_task_id(char out[MCP_TASK_ID_LEN + 1])
{
    unsigned char raw[MCP_TASK_ID_LEN / 2];
    size_t got = 0;
    while (got != sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n > 0)
            got += (size_t)n;
    }
    for (size_t i = 0; i != sizeof(raw); ++i)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

int
tasks_start(mcp_ctx_t *ctx, mcp_rpc_error_t *e)
{
    if (ctx_task(ctx) != NULL)
        return 0;
    const mcp_request_t *req = ctx_request(ctx);
    tasks_t *t = server_tasks(req->server);
    task_run_t *run = calloc(1, sizeof(*run));
    if (run == NULL)
        return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error", NULL), -1;
    mcp_task_row_t row;
    mcp_task_row_init(&row);
    new_task_id(row.id);
    tasks_principal(req, row.principal);
    row.status = MCP_TASK_WORKING;
    row.created_ms = row.updated_ms = mcp_now_ms();
    row.expires_ms = row.created_ms + t->config->task_ttl_ms;
    row.version = 1;
    input_required_used_answers(ctx_round(ctx), &row.answers);
    jsonw_t cw;
    jsonw_init(&cw, &row.call);
    jsonw_object_begin(&cw);
    jsonw_kv_string(&cw, "name", ctx_tool(ctx)->tool->name);
    jsonw_key(&cw, "arguments");
    jsonw_value(&cw, ctx_args(ctx));
    jsonw_object_end(&cw);
    int ret = t->store->create(t->store, &row);
    if (ret != 0) {
        log_msg(LOG_WARN, "task_not_created", "tool %s: the task store refused (%d)", ctx_tool(ctx)->tool->name, ret);
        mcp_task_row_dispose(&row);
        free(run);
        if (ret == MCP_TASK_STORE_FULL)
            return rpc_error_set(e, MCP_SERVER_BUSY, MCP_SERVER_BUSY_MESSAGE, NULL), -1;
        return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error: the task could not be stored", NULL), -1;
    }

    exchange_call_t *xc = ctx_exchange_call(ctx);
    mcp_exchange_t *ex = ctx_exchange(ctx);
    run->owner = t;
    memcpy(run->id, row.id, sizeof(run->id));
    run->call = (mcp_call_t){.ex = ex, .req = req, .method = ctx_method(ctx), .id = ctx_id(ctx), .params = ctx_params(ctx)};
    run->entry = ctx_tool(ctx);
    run->args = ctx_args(ctx);
    run->expires_ms = row.expires_ms;
    run->running = 1;
    run->polled_at = mcp_monotonic_ms();
    pthread_cond_init(&run->cond, NULL);
    exchange_retain(ex);
    task_run_t *freed = NULL;
    pthread_mutex_lock(&t->lock);
    sweep_locked(t, &freed);
    run->next = t->runs;
    t->runs = run;
    pthread_mutex_unlock(&t->lock);
    free_runs(freed);
    ctx_set_task(ctx, run);
    ctx_set_tool(ctx, run->entry, NULL); /* a task sends no progress notifications: the client polls */

    /* the CreateTaskResult: the row is stored, so a tasks/get sent the moment it arrives finds the task */
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonrpc_begin_result(&w, ctx_id(ctx));
    jsonw_object_begin(&w);
    write_task_fields(&w, &row, t->config);
    era_task_result_end(req, &w);
    jsonrpc_end_result(&w);
    exchange_complete_call(xc, b.data, b.len);
    buf_dispose(&b);
    log_msg(LOG_INFO, "task_created", "tool %s: task %s", run->entry->tool->name, row.id);
    mcp_task_row_dispose(&row);
    return 0;
}

/* Reads the row for a method: -32602 for an unknown, expired or foreign task (a foreign one is never confirmed). */
static int
read_row(mcp_call_t *call, const char *id, mcp_task_row_t *row)
{
    tasks_t *t = server_tasks(call->req->server);
    int ret = t->store->read(t->store, id, row);
    if (ret == MCP_TASK_STORE_UNAVAILABLE)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error: the task store is unavailable", NULL), -1;
    char principal[65];
    tasks_principal(call->req, principal);
    if (ret != 0 || row->expires_ms <= mcp_now_ms() || strcmp(principal, row->principal) != 0)
        return call_error(call, JSONRPC_INVALID_PARAMS, unknown_task, NULL), -1;
    return 0;
}

int
tasks_read_own(const mcp_request_t *req, const char *id, mcp_task_row_t *row)
{
    tasks_t *t = server_tasks(req->server);
    char principal[65];
    tasks_principal(req, principal);
    if (t->store->read(t->store, id, row) != 0 || row->expires_ms <= mcp_now_ms() || strcmp(principal, row->principal) != 0)
        return -1;
    return 0;
}

/* Writes the next version of the row; returns 0, MCP_TASK_STORE_CONDITION (re-read and retry) or another error. */
static int
write_row(tasks_t *t, mcp_task_row_t *row)
{
    ++row->version;
    row->updated_ms = mcp_now_ms();
    int ret = t->store->write(t->store, row);
    if (ret == 0)
        publish(t, row);
    return ret;
}

/* Ends the task's run in this process, if it runs here: the handler sees mcp_cancelled(). */
static void
end_run(tasks_t *t, const char *id, int cancelled)
{
    pthread_mutex_lock(&t->lock);
    task_run_t *run = find_run_locked(t, id);
    if (run != NULL) {
        run->ended = 1;
        run->cancelled |= cancelled;
        ++run->wakes;
        pthread_cond_broadcast(&run->cond);
    }
    pthread_mutex_unlock(&t->lock);
}

void
tasks_finish(mcp_ctx_t *ctx)
{
    task_run_t *run = ctx_task(ctx);
    tasks_t *t = run->owner;
    /* what the run came to */
    mcp_task_status_t status;
    buf_t questions = BUF_INIT(MAX_TASK_JSON), outcome = BUF_INIT(MAX_TASK_JSON);
    mcp_rpc_error_t e = {0};
    jsonw_t w;
    jsonw_init(&w, &outcome);
    if (ctx_deadline_near(ctx) && !task_run_cancelled(run)) {
        /* the front door's deadline (a Lambda function's timeout) came first: whatever the handler made of it */
        status = MCP_TASK_FAILED;
        rpc_error_set(&e, JSONRPC_INTERNAL_ERROR, DEADLINE_MESSAGE, NULL);
    } else if (server_shutting_down(ctx_request(ctx)->server) && !task_run_cancelled(run)) {
        status = MCP_TASK_FAILED;
        rpc_error_set(&e, JSONRPC_INTERNAL_ERROR, "Internal error: the server shut down before the task finished", NULL);
    } else if (input_required_questions(ctx_round(ctx), ctx, &questions, &e) > 0) {
        status = MCP_TASK_INPUT_REQUIRED;
    } else if (e.code == 0 && ctx_write_tool_result(ctx, &w, &e) == 0 && !buf_failed(&outcome)) {
        status = MCP_TASK_COMPLETED;
    } else {
        status = MCP_TASK_FAILED;
        if (e.code == 0)
            rpc_error_set(&e, JSONRPC_INTERNAL_ERROR, "Internal error: result too large", NULL);
    }
    if (status == MCP_TASK_FAILED) {
        buf_reset(&outcome);
        jsonw_init(&w, &outcome);
        jsonw_object_begin(&w);
        jsonw_kv_int(&w, "code", e.code);
        jsonw_kv_string(&w, "message", e.message != NULL ? e.message : "Internal error");
        if (e.data != NULL)
            jsonw_kv_raw(&w, "data", e.data);
        jsonw_object_end(&w);
    }

    int ret = MCP_TASK_STORE_CONDITION;
    mcp_task_row_t row;
    mcp_task_row_init(&row);
    for (int attempt = 0; ret == MCP_TASK_STORE_CONDITION && attempt != MAX_WRITE_ATTEMPTS; ++attempt) {
        if ((ret = t->store->read(t->store, run->id, &row)) != 0 || MCP_TASK_TERMINAL(row.status))
            break; /* cancelled meanwhile (or gone): what the handler came to no longer matters */
        row.status = status;
        buf_reset(&row.input_requests);
        buf_reset(&row.outcome);
        if (status == MCP_TASK_INPUT_REQUIRED)
            buf_append(&row.input_requests, questions.data, questions.len);
        else
            buf_append(&row.outcome, outcome.data, outcome.len);
        ret = write_row(t, &row);
    }
    if (ret == 0 && row.status == MCP_TASK_CANCELLED) {
        publish(t, &row); /* a cancel another process wrote is heard here now (one written here was told already) */
        log_msg(LOG_INFO, "task_stopped", "task %s: its handler returned after the task was cancelled", run->id);
    } else if (ret != 0 && !MCP_TASK_TERMINAL(row.status))
        log_msg(LOG_ERROR, "task_not_recorded", "task %s: its outcome could not be stored (%d)", run->id, ret);
    else if (ret == 0)
        log_msg(LOG_INFO, "task_updated", "task %s: %s", run->id, status_names[status]);
    if (ret == 0 && MCP_TASK_TERMINAL(status))
        end_run(t, run->id, 0);
    mcp_task_row_dispose(&row);
    buf_dispose(&questions);
    buf_dispose(&outcome);
}

void
tasks_run_ended(task_run_t *run)
{
    tasks_t *t = run->owner;
    task_run_t *freed = NULL;
    pthread_mutex_lock(&t->lock);
    run->running = 0;
    sweep_locked(t, &freed);
    pthread_cond_broadcast(&t->idle);
    pthread_mutex_unlock(&t->lock);
    free_runs(freed);
}

int
task_run_cancelled(task_run_t *run)
{
    pthread_mutex_lock(&run->owner->lock);
    int cancelled = run->cancelled;
    pthread_mutex_unlock(&run->owner->lock);
    return cancelled;
}

unsigned
task_run_wakes(task_run_t *run)
{
    pthread_mutex_lock(&run->owner->lock);
    unsigned wakes = run->wakes;
    pthread_mutex_unlock(&run->owner->lock);
    return wakes;
}

/*
 * With a shared store, tasks/cancel may have been answered by another process: the row says so. A waiting
 * handler reads it every STORE_POLL_MS (nothing else could tell it).
 */
static void
poll_store(task_run_t *run)
{
    tasks_t *t = run->owner;
    mcp_task_row_t row;
    mcp_task_row_init(&row);
    if (t->store->read(t->store, run->id, &row) == 0 && row.status == MCP_TASK_CANCELLED) {
        pthread_mutex_lock(&t->lock);
        run->cancelled = 1;
        run->ended = 1;
        ++run->wakes;
        pthread_cond_broadcast(&run->cond);
        pthread_mutex_unlock(&t->lock);
        publish(t, &row); /* cancelled by another process: this one's listeners hear it here */
    }
    mcp_task_row_dispose(&row);
}

void
task_run_wait(task_run_t *run, unsigned seen, int64_t until_mono_ms)
{
    tasks_t *t = run->owner;
    int shared = t->store != t->own_store;
    pthread_mutex_lock(&t->lock);
    int64_t poll_at = run->polled_at + STORE_POLL_MS;
    if (shared && (until_mono_ms == 0 || poll_at < until_mono_ms))
        until_mono_ms = poll_at;
    while (run->wakes == seen && !run->cancelled) {
        if (until_mono_ms == 0) {
            pthread_cond_wait(&run->cond, &t->lock);
            continue;
        }
        int64_t left = until_mono_ms - mcp_monotonic_ms();
        if (left <= 0)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += left / 1000;
        ts.tv_nsec += (left % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ++ts.tv_sec;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&run->cond, &t->lock, &ts);
    }
    int poll = shared && !run->cancelled && mcp_monotonic_ms() >= poll_at;
    if (poll)
        run->polled_at = mcp_monotonic_ms();
    pthread_mutex_unlock(&t->lock);
    if (poll)
        poll_store(run);
}

void
task_run_wake(task_run_t *run)
{
    pthread_mutex_lock(&run->owner->lock);
    ++run->wakes;
    pthread_cond_broadcast(&run->cond);
    pthread_mutex_unlock(&run->owner->lock);
}

/* ---- running a task's handler again, with the answers tasks/update delivered ---- */

typedef struct st_rerun_job_t {
    mcp_ctx_t *ctx;
    task_run_t *run;
} rerun_job_t;

static void
rerun(void *data)
{
    rerun_job_t *job = data;
    const mcp_request_t *req = ctx_request(job->ctx);
    log_set_request_id(req->log_id[0] != '\0' ? req->log_id : NULL);
    log_set_trace_id(req->trace_id[0] != '\0' ? req->trace_id : NULL);
    if (tool_params_invoke(job->ctx, job->run->entry->tool, job->run->args) != 0)
        ctx_set_error(job->ctx);
    tasks_finish(job->ctx);
}

static void
rerun_wake(void *data)
{
    task_run_wake(((rerun_job_t *)data)->run);
}

static void
rerun_done(void *data)
{
    rerun_job_t *job = data;
    tasks_run_ended(job->run);
    ctx_free(job->ctx);
    free(job);
    log_set_request_id(NULL);
    log_set_trace_id(NULL);
}

/*
 * Starts the handler again on a worker with the task's answers (answers, a JSON object). Returns 0, or -1
 * when it cannot run here (the run is not in this process, or the pool refused): the caller fails the task.
 */
/* tools/call as the dispatch table has it, for a run adopted from its row (the request that resumes it is not one) */
static const mcp_method_t tools_call_method = {"tools/call", tools_call, MCP_ERA_MODERN, .name_param = "name", .input_required = 1};

/*
 * A run for a task that was started by another process (or by this one, which has let go of it): its call is
 * read back from the row, and it lives in the exchange of the tasks/update that resumes it. NULL when the
 * call cannot be read back or names a tool this process does not have.
 */
static task_run_t *
adopt_run(tasks_t *t, mcp_call_t *resumer, const mcp_task_row_t *row)
{
    task_run_t *run = calloc(1, sizeof(*run));
    if (run == NULL)
        return NULL;
    arena_init(&run->arena, MAX_TASK_JSON * 4);
    run->adopted = 1;
    json_value_t *params = NULL;
    const char *name = NULL;
    if (row->call.len == 0 || json_parse(&run->arena, row->call.data, row->call.len, 64, &params) != 0 ||
        (name = json_string(json_get(params, "name"))) == NULL ||
        (run->entry = registry_find_tool(server_registry(resumer->req->server), name)) == NULL ||
        (run->args = json_get(params, "arguments")) == NULL) {
        arena_dispose(&run->arena);
        free(run);
        return NULL;
    }
    run->owner = t;
    memcpy(run->id, row->id, sizeof(run->id));
    run->call =
        (mcp_call_t){.ex = resumer->ex, .req = resumer->req, .method = &tools_call_method, .id = resumer->id, .params = params};
    run->expires_ms = row->expires_ms;
    run->polled_at = mcp_monotonic_ms();
    pthread_cond_init(&run->cond, NULL);
    exchange_retain(resumer->ex);
    return run;
}

static int
start_rerun(tasks_t *t, mcp_call_t *resumer, const mcp_task_row_t *row)
{
    const char *id = row->id;
    const buf_t *answers = &row->answers;
    int64_t deadline_ms = resumer->req->deadline_ms;
    pthread_mutex_lock(&t->lock);
    task_run_t *run = find_run_locked(t, id);
    int ok = run != NULL && !run->running && !run->ended;
    if (ok)
        run->running = 1;
    pthread_mutex_unlock(&t->lock);
    if (run == NULL) {
        /* started elsewhere: the row says what to run */
        if ((run = adopt_run(t, resumer, row)) == NULL)
            return -1;
        run->running = 1;
        task_run_t *freed = NULL;
        pthread_mutex_lock(&t->lock);
        sweep_locked(t, &freed);
        run->next = t->runs;
        t->runs = run;
        pthread_mutex_unlock(&t->lock);
        free_runs(freed);
        ok = 1;
        log_msg(LOG_INFO, "task_adopted", "task %s: resumed here, where it did not start", id);
    }
    if (!ok)
        return -1;
    mcp_rpc_error_t e = {0};
    rerun_job_t *job = calloc(1, sizeof(*job));
    mcp_ctx_t *ctx = job != NULL ? ctx_new(&run->call, MCP_CTX_TOOL) : NULL;
    json_value_t *parsed = NULL;
    if (ctx != NULL) {
        ctx_set_tool(ctx, run->entry, NULL);
        ctx_set_args(ctx, run->args);
        ctx_set_task(ctx, run);
        ctx_set_deadline(ctx, deadline_ms);
    }
    if (ctx == NULL || input_required_begin(ctx, &run->call, run->entry->tool->name, run->args, &e) != 0 ||
        (answers->len != 0 && ctx_parse_json(ctx, answers->data, answers->len, &parsed) != 0)) {
        goto fail;
    }
    input_required_set_answers(ctx_round(ctx), parsed);
    job->ctx = ctx;
    job->run = run;
    workers_job_t wj = {.run = rerun, .wake = rerun_wake, .done = rerun_done, .data = job};
    if (workers_submit(server_workers(run->call.req->server), &wj) != 0)
        goto fail;
    return 0;
fail:
    if (ctx != NULL)
        ctx_free(ctx);
    free(job);
    tasks_run_ended(run);
    return -1;
}

/* ---- the methods ---- */

/* The extension is used only with a client that declares it in the request. */
static int
check_declared(mcp_call_t *call, const char **id)
{
    if (json_get(json_get(call->req->client_capabilities, "extensions"), MCP_TASKS_EXTENSION) == NULL)
        return call_error(call, MCP_MISSING_CAPABILITY, MCP_MISSING_CAPABILITY_MESSAGE,
                          "{\"requiredCapabilities\":{\"extensions\":{\"" MCP_TASKS_EXTENSION "\":{}}}}"),
               -1;
    *id = json_string(json_get(call->params, "taskId"));
    if (*id == NULL)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: taskId must be a string", NULL), -1;
    return 0;
}

mcp_outcome_t
tasks_get(mcp_call_t *call, jsonw_t *w)
{
    const char *id;
    if (check_declared(call, &id) != 0)
        return MCP_OUTCOME_DONE;
    mcp_task_row_t row;
    mcp_task_row_init(&row);
    if (read_row(call, id, &row) == 0) {
        jsonw_object_begin(w);
        write_detailed_fields(w, &row, server_tasks(call->req->server)->config);
        era_result_end(call->req, w, NULL);
    }
    mcp_task_row_dispose(&row);
    return MCP_OUTCOME_DONE;
}

/* The empty acknowledgement of tasks/update and tasks/cancel. */
static mcp_outcome_t
acknowledge(mcp_call_t *call, jsonw_t *w)
{
    jsonw_object_begin(w);
    era_result_end(call->req, w, NULL);
    return MCP_OUTCOME_DONE;
}

/*
 * Moves the answers to pending questions from responses into the row; returns how many it took. Unknown keys
 * and keys already answered are ignored, as the extension asks.
 */
static int
take_answers(mcp_call_t *call, const json_value_t *responses, mcp_task_row_t *row)
{
    arena_t arena;
    arena_init(&arena, MAX_TASK_JSON * 4);
    json_value_t *pending = NULL, *answers = NULL;
    int taken = 0;
    if (json_parse(&arena, row->input_requests.data != NULL ? row->input_requests.data : "{}",
                   row->input_requests.len != 0 ? row->input_requests.len : 2, 64, &pending) != 0 ||
        json_parse(&arena, row->answers.len != 0 ? row->answers.data : "{}", row->answers.len != 0 ? row->answers.len : 2, 64,
                   &answers) != 0) {
        arena_dispose(&arena);
        return -1;
    }
    buf_t still = BUF_INIT(MAX_TASK_JSON), all = BUF_INIT(MAX_TASK_JSON);
    jsonw_t ws, wa;
    jsonw_init(&ws, &still);
    jsonw_init(&wa, &all);
    jsonw_object_begin(&ws);
    jsonw_object_begin(&wa);
    for (size_t i = 0; answers->type == JSON_OBJECT && i != answers->u.obj.len; ++i) {
        jsonw_key(&wa, answers->u.obj.items[i].key);
        jsonw_value(&wa, answers->u.obj.items[i].value);
    }
    for (size_t i = 0; pending->type == JSON_OBJECT && i != pending->u.obj.len; ++i) {
        const char *key = pending->u.obj.items[i].key;
        const json_value_t *answer = json_get(responses, key);
        if (answer != NULL && answer->type == JSON_OBJECT) {
            jsonw_key(&wa, key);
            jsonw_value(&wa, answer);
            ++taken;
        } else {
            jsonw_key(&ws, key);
            jsonw_value(&ws, pending->u.obj.items[i].value);
        }
    }
    jsonw_object_end(&ws);
    jsonw_object_end(&wa);
    if (taken > 0 && !jsonw_failed(&ws) && !jsonw_failed(&wa)) {
        buf_reset(&row->answers);
        buf_append(&row->answers, all.data, all.len);
        buf_reset(&row->input_requests);
        if (strcmp(still.data, "{}") != 0)
            buf_append(&row->input_requests, still.data, still.len);
    } else if (taken > 0) {
        taken = -1;
    }
    buf_dispose(&still);
    buf_dispose(&all);
    arena_dispose(&arena);
    (void)call;
    return taken;
}

mcp_outcome_t
tasks_update(mcp_call_t *call, jsonw_t *w)
{
    const char *id;
    if (check_declared(call, &id) != 0)
        return MCP_OUTCOME_DONE;
    const json_value_t *responses = json_get(call->params, "inputResponses");
    if (responses == NULL || responses->type != JSON_OBJECT)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: inputResponses must be an object", NULL);
    tasks_t *t = server_tasks(call->req->server);
    mcp_task_row_t row;
    mcp_task_row_init(&row);
    int ret = MCP_TASK_STORE_CONDITION, resume = 0;
    for (int attempt = 0; ret == MCP_TASK_STORE_CONDITION && attempt != MAX_WRITE_ATTEMPTS; ++attempt) {
        if (read_row(call, id, &row) != 0) {
            mcp_task_row_dispose(&row);
            return MCP_OUTCOME_DONE;
        }
        ret = 0;
        if (row.status != MCP_TASK_INPUT_REQUIRED)
            break; /* nothing is waiting for an answer: acknowledged, and ignored */
        int taken = take_answers(call, responses, &row);
        if (taken <= 0) {
            ret = taken;
            break;
        }
        resume = row.input_requests.len == 0;
        if (resume)
            row.status = MCP_TASK_WORKING;
        ret = write_row(t, &row);
    }
    if (ret == 0 && resume && start_rerun(t, call, &row) != 0) {
        /* the run cannot go on here: say so in the task rather than leave it working forever */
        row.status = MCP_TASK_FAILED;
        buf_reset(&row.outcome);
        buf_append_str(&row.outcome, "{\"code\":-32603,\"message\":\"Internal error: the task could not be resumed\"}");
        if (write_row(t, &row) == 0)
            end_run(t, id, 1);
    }
    mcp_task_row_dispose(&row);
    if (ret != 0)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error: the answers could not be stored", NULL);
    return acknowledge(call, w);
}

mcp_outcome_t
tasks_cancel(mcp_call_t *call, jsonw_t *w)
{
    const char *id;
    if (check_declared(call, &id) != 0)
        return MCP_OUTCOME_DONE;
    tasks_t *t = server_tasks(call->req->server);
    mcp_task_row_t row;
    mcp_task_row_init(&row);
    int ret = MCP_TASK_STORE_CONDITION;
    for (int attempt = 0; ret == MCP_TASK_STORE_CONDITION && attempt != MAX_WRITE_ATTEMPTS; ++attempt) {
        if (read_row(call, id, &row) != 0) {
            mcp_task_row_dispose(&row);
            return MCP_OUTCOME_DONE;
        }
        if (MCP_TASK_TERMINAL(row.status)) {
            ret = 0; /* idempotent: a finished task stays as it finished */
            break;
        }
        row.status = MCP_TASK_CANCELLED;
        buf_reset(&row.input_requests);
        buf_reset(&row.outcome);
        if ((ret = write_row(t, &row)) == 0) {
            end_run(t, id, 1);
            log_msg(LOG_INFO, "task_cancelled", "task %s", id);
        }
    }
    mcp_task_row_dispose(&row);
    if (ret != 0)
        return call_error(call, JSONRPC_INTERNAL_ERROR, "Internal error: the task store is unavailable", NULL);
    return acknowledge(call, w);
}

void
mcp_server_set_task_store(mcp_server_t *s, mcp_task_store_t *store)
{
    tasks_set_store(server_tasks(s), store);
}

int
mcp_task_start(mcp_ctx_t *ctx)
{
    if (ctx_task(ctx) != NULL)
        return 1;
    if (!ctx_may_become_task(ctx) || ctx_exchange_call(ctx) == NULL)
        return 0;
    mcp_rpc_error_t e = {0};
    return tasks_start(ctx, &e) == 0;
}

int
mcp_server_wait_tasks(mcp_server_t *s, int64_t until_ms)
{
    tasks_t *t = server_tasks(s);
    struct timespec ts = {.tv_sec = until_ms / 1000, .tv_nsec = (until_ms % 1000) * 1000000};
    int running;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        running = 0;
        for (task_run_t *run = t->runs; run != NULL; run = run->next)
            running += run->running;
        if (running == 0 || (until_ms != 0 && mcp_now_ms() >= until_ms))
            break;
        if (until_ms == 0)
            pthread_cond_wait(&t->idle, &t->lock);
        else
            pthread_cond_timedwait(&t->idle, &t->lock, &ts);
    }
    pthread_mutex_unlock(&t->lock);
    return running;
}
