/* client_requests.c: server-to-client requests of the legacy era (see client_requests.h). */
#include "client_requests.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "admission.h"
#include "exchange.h"
#include "handler_ctx.h"
#include "log.h"
#include "server.h"

/* Between two reads of a shared answer store (it is remote: a table another instance writes to). */
#define STORE_POLL_MS 200

typedef struct st_mcp_pending_t mcp_pending_t;

struct st_mcp_pending_t {
    mcp_pending_t *next;
    char id[64];
    exchange_call_t *call; /* woken when the answer arrives */
    int answered;
    buf_t answer; /* the client's result or error object, serialised */
    int is_error;
};

struct st_client_requests_t {
    pthread_mutex_t pending_lock; /* the requests waiting for an answer */
    mcp_pending_t *pending;
    int shutting_down;                                                /* under pending_lock */
    enum { ANSWERS_IN_PROCESS, ANSWERS_STORE, ANSWERS_NONE } answers; /* where clients' answers meet waiting tools */
    mcp_answer_store_t *answer_store;
    unsigned timeout_ms;
};

client_requests_t *
client_requests_new(mcp_server_t *server)
{
    client_requests_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    pthread_mutex_init(&s->pending_lock, NULL);
    s->answers = ANSWERS_IN_PROCESS;
    s->timeout_ms = server_config(server)->client_request_timeout_ms;
    return s;
}

void
client_requests_free(client_requests_t *s)
{
    if (s == NULL)
        return;
    pthread_mutex_destroy(&s->pending_lock);
    free(s);
}

void
client_requests_set_store(client_requests_t *s, mcp_answer_store_t *store)
{
    s->answer_store = store;
    s->answers = store != NULL ? ANSWERS_STORE : ANSWERS_NONE;
}

void
client_requests_shutdown(client_requests_t *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->pending_lock);
    s->shutting_down = 1;
    for (mcp_pending_t *p = s->pending; p != NULL; p = p->next)
        exchange_call_wake(p->call);
    pthread_mutex_unlock(&s->pending_lock);
}

int
client_requests_deliver(client_requests_t *s, const json_value_t *msg)
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
            exchange_call_wake(p->call); /* alive: the waiter takes its entry off the list before it returns */
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
    exchange_add_message(ctx_exchange(ctx), msg.data, msg.len);
    buf_dispose(&msg);
}

/* Waits for the answer to arrive through client_requests_deliver() in this process; every wake-up is signalled. */
static int
wait_in_process(client_requests_t *s, mcp_ctx_t *ctx, mcp_pending_t *p, int64_t deadline)
{
    int ret;
    for (;;) {
        unsigned seen = exchange_call_wakes(p->call);
        pthread_mutex_lock(&s->pending_lock);
        int answered = p->answered, shutting_down = s->shutting_down;
        pthread_mutex_unlock(&s->pending_lock);
        if (answered) {
            ret = 0;
            break;
        }
        if (shutting_down || mcp_cancelled(ctx)) {
            ret = MCP_EREQ_CANCELLED;
            break;
        }
        if (mcp_monotonic_ms() >= deadline) {
            ret = MCP_EREQ_TIMEOUT;
            break;
        }
        ctx_wait(ctx, seen, deadline);
    }
    pthread_mutex_lock(&s->pending_lock);
    for (mcp_pending_t **pp = &s->pending; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    if (p->answered)
        ret = 0; /* it arrived as the wait ended: the client's answer is not thrown away */
    pthread_mutex_unlock(&s->pending_lock);
    return ret;
}

/* Polls the shared store, where another process puts the answer it received; between polls the wait is a signalled one. */
static int
wait_in_store(client_requests_t *s, mcp_ctx_t *ctx, mcp_pending_t *p, int64_t deadline)
{
    mcp_answer_store_t *store = s->answer_store;
    for (;;) {
        unsigned seen = exchange_call_wakes(p->call);
        int found = store->take(store, p->id, &p->answer, &p->is_error);
        if (found == 1)
            return 0;
        if (found < 0)
            log_msg(LOG_WARN, "answer_store", "could not read the answer store");
        if (mcp_cancelled(ctx))
            return MCP_EREQ_CANCELLED;
        int64_t now = mcp_monotonic_ms();
        if (now >= deadline)
            return MCP_EREQ_TIMEOUT;
        ctx_wait(ctx, seen, now + STORE_POLL_MS < deadline ? now + STORE_POLL_MS : deadline);
    }
}

int
client_requests_ask(client_requests_t *s, mcp_ctx_t *ctx, const char *method, const char *params_json, const json_value_t **result,
                    const char **error_message)
{
    const char *unused;
    if (error_message == NULL)
        error_message = &unused;
    *result = NULL;
    if (ctx_exchange_call(ctx) == NULL || !ctx_request(ctx)->can_stream || s->answers == ANSWERS_NONE) {
        /* a buffered response reaches the client only when the tool has finished: it cannot ask and wait */
        *error_message = "this deployment cannot send requests to the client during a tool call (its responses are not "
                         "streamed); configure response streaming to use sampling and elicitation";
        return MCP_EREQ_UNSUPPORTED;
    }
    json_value_t *params = NULL;
    if (params_json != NULL &&
        (ctx_parse_json(ctx, params_json, strlen(params_json), &params) != 0 || params->type != JSON_OBJECT)) {
        *error_message = "invalid request parameters";
        return MCP_EREQ_UNSUPPORTED;
    }

    /* a tool that did not declare it asks holds a client-wait slot only while it waits */
    admission_t *admission = server_admission(ctx_request(ctx)->server);
    int own_slot = !ctx_has_client_wait_slot(ctx);
    if (own_slot && admission_take_wait(admission) != 0) {
        *error_message = "the server has too many calls waiting for clients' answers; try again later";
        return MCP_EREQ_UNSUPPORTED;
    }
    mcp_pending_t p = {.call = ctx_exchange_call(ctx)};
    /* random, so that no client can guess (and answer) a request sent to another */
    unsigned char rnd[16];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        if (own_slot)
            admission_release_wait(admission);
        *error_message = "no randomness available";
        return MCP_EREQ_UNSUPPORTED;
    }
    memcpy(p.id, "srv-", 4);
    for (size_t i = 0; i != sizeof(rnd); ++i)
        snprintf(p.id + 4 + 2 * i, 3, "%02x", rnd[i]);
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
    exchange_add_message(ctx_exchange(ctx), msg.data, msg.len);
    buf_dispose(&msg);

    int64_t deadline = mcp_monotonic_ms() + s->timeout_ms;
    int ret = in_process ? wait_in_process(s, ctx, &p, deadline) : wait_in_store(s, ctx, &p, deadline);
    if (own_slot)
        admission_release_wait(admission);

    if (ret == MCP_EREQ_TIMEOUT || ret == MCP_EREQ_CANCELLED) {
        send_cancelled(ctx, p.id, ret == MCP_EREQ_TIMEOUT ? "timeout" : "cancelled");
        *error_message = ret == MCP_EREQ_TIMEOUT ? "the client did not answer in time" : "the call was cancelled";
    } else {
        json_value_t *answer;
        if (ctx_parse_json(ctx, p.answer.data, p.answer.len, &answer) != 0) {
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
    return ret;
}
