/*
 * subscriptions.c: subscriptions/listen (2026-07-28 basic/patterns/subscriptions), the long-lived
 * request whose response stream carries change notifications; it replaced the GET stream and
 * resources/subscribe. The stream opens with notifications/subscriptions/acknowledged, and every
 * notification on it carries the subscription's id (the listen request's JSON-RPC id) in _meta.
 *
 * A stateless server has little to say here: its lists are fixed for the life of a deployment and no
 * resource changes, so the acknowledgement promises only the list changes a tool can announce
 * (mcp_notify_list_changed()), and those reach only the streams open in the same process. Where nothing
 * could ever reach the stream (a front door that cannot stream, or Lambda, whose instance serves no other
 * request while this one is open), the stream ends right after the acknowledgement instead of holding
 * the instance; elsewhere it stays open (the front door sends keep-alives) until the client closes it,
 * the request's deadline, or shutdown.
 *
 * Tasks (the tasks extension, tasks.h): a client that declares the extension may ask for notifications/tasks
 * about the tasks it names (notifications.taskIds). The server agrees to those that are the caller's own
 * and live (the others are left out of the acknowledgement, as if they did not exist), sends each one's
 * current DetailedTask right after the acknowledgement (so that a change made between the CreateTaskResult
 * and the listen is not missed), then every change this process writes to it. A stream tells each task's
 * changes in order and never twice: it remembers the last version of the row it sent.
 */
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "dispatch.h"
#include "methods.h"
#include "server.h"
#include "subscriptions.h"
#include "tasks.h"

/* The notification types this server may send on a listen stream: SubscriptionFilter's boolean members. */
static const char *const filter_names[] = {"toolsListChanged", "promptsListChanged", "resourcesListChanged"};
#define NUM_FILTERS (sizeof(filter_names) / sizeof(filter_names[0]))

#define MAX_LISTENERS 256                  /* open listen streams per process */
#define MAX_HELD_REQUEST_BYTES (16 * 1024) /* a listen request is a few hundred bytes */
#define MAX_TASK_IDS 64                    /* tasks one stream may listen for; the acknowledgement names those agreed */
#define TASK_NOTIFICATION "notifications/tasks"

typedef struct st_listener_t listener_t;

typedef struct st_listened_task_t {
    char id[MCP_TASK_ID_LEN + 1];
    unsigned version; /* of the last row this stream was told of; 0: none yet */
} listened_task_t;

struct st_listener_t {
    listener_t *next;
    mcp_exchange_t *ex;
    exchange_call_t *call;  /* holds the stream open, and a reference to the exchange */
    const json_value_t *id; /* the subscription id: the request's id, in the exchange's arena */
    unsigned filter;        /* bit i: filter_names[i] */
    char principal[65];     /* the caller's, as task rows keep it (tasks_principal()) */
    listened_task_t *tasks; /* the tasks agreed to, num_tasks of them */
    size_t num_tasks;
};

struct st_subscriptions_t {
    pthread_mutex_t lock; /* the list; comes before any exchange's lock (exchange.h) */
    listener_t *listeners;
    int closed; /* draining: new listen streams end at once */
};

subscriptions_t *
subscriptions_new(void)
{
    subscriptions_t *subs = calloc(1, sizeof(*subs));
    if (subs != NULL)
        pthread_mutex_init(&subs->lock, NULL);
    return subs;
}

void
subscriptions_free(subscriptions_t *subs)
{
    if (subs == NULL)
        return;
    pthread_mutex_destroy(&subs->lock);
    free(subs);
}

/* The listener of an exchange, if it holds one open (at most one: a listen request is never batched). */
static listener_t *
find_listener_locked(subscriptions_t *subs, mcp_exchange_t *ex)
{
    for (listener_t *l = subs->listeners; l != NULL; l = l->next)
        if (l->ex == ex)
            return l;
    return NULL;
}

/* What the acknowledgement reports the server agreed to send. */
typedef struct st_agreed_t {
    unsigned filter;
    int tasks_asked; /* the request named taskIds: the acknowledgement names those agreed, maybe none */
    const listened_task_t *tasks;
    size_t num_tasks;
} agreed_t;

static void
write_subscription_meta(jsonw_t *w, const json_value_t *id)
{
    jsonw_key(w, "_meta");
    jsonw_object_begin(w);
    jsonw_key(w, MCP_META_SUBSCRIPTION_ID);
    jsonrpc_write_id(w, id);
    jsonw_object_end(w);
}

/* A notification up to its params' value, which the caller writes and then closes the message. */
static void
begin_notification(jsonw_t *w, buf_t *out, const char *method)
{
    jsonw_init(w, out);
    jsonw_object_begin(w);
    jsonw_kv_string(w, "jsonrpc", "2.0");
    jsonw_kv_string(w, "method", method);
    jsonw_key(w, "params");
}

/*
 * A notification tagged with its subscription's id. The acknowledgement also reports which of the
 * requested types the server agreed to send (agreed; NULL for any other notification).
 */
static void
write_notification(buf_t *out, const char *method, const json_value_t *id, const agreed_t *agreed)
{
    jsonw_t w;
    begin_notification(&w, out, method);
    jsonw_object_begin(&w);
    if (agreed != NULL) {
        jsonw_key(&w, "notifications");
        jsonw_object_begin(&w);
        for (size_t i = 0; i != NUM_FILTERS; ++i)
            if (agreed->filter & (1u << i))
                jsonw_kv_bool(&w, filter_names[i], 1);
        if (agreed->tasks_asked) {
            jsonw_key(&w, "taskIds");
            jsonw_array_begin(&w);
            for (size_t i = 0; i != agreed->num_tasks; ++i)
                jsonw_string(&w, agreed->tasks[i].id);
            jsonw_array_end(&w);
        }
        jsonw_object_end(&w);
    }
    write_subscription_meta(&w, id);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
}

/* notifications/tasks: detailed (a DetailedTask, a JSON object) as params, with the subscription's id added. */
static void
write_task_notification(buf_t *out, const json_value_t *id, const char *detailed, size_t len)
{
    buf_t params = BUF_INIT(0);
    buf_append(&params, detailed, len - 1); /* without its closing brace: _meta goes in before it */
    jsonw_t pw;
    jsonw_init_in_object(&pw, &params);
    write_subscription_meta(&pw, id);
    jsonw_object_end(&pw);
    jsonw_t w;
    begin_notification(&w, out, TASK_NOTIFICATION);
    jsonw_raw(&w, params.data, params.len);
    jsonw_object_end(&w);
    buf_dispose(&params);
}

/*
 * Tells one stream of a task's row unless it has been told of this version or a later one; with the list's
 * lock held (which keeps the exchange alive). Returns whether it did.
 */
static int
tell_locked(listener_t *l, const mcp_task_row_t *row, const char *detailed, size_t len)
{
    if (strcmp(l->principal, row->principal) != 0)
        return 0;
    for (size_t i = 0; i != l->num_tasks; ++i) {
        listened_task_t *lt = &l->tasks[i];
        if (strcmp(lt->id, row->id) != 0)
            continue;
        if (lt->version >= row->version)
            return 0;
        lt->version = row->version;
        buf_t msg = BUF_INIT(0);
        write_task_notification(&msg, l->id, detailed, len);
        exchange_add_message(l->ex, msg.data, msg.len);
        buf_dispose(&msg);
        return 1;
    }
    return 0;
}

/*
 * The tasks a listen request names (taskIds) that are the caller's own and live, each at most once, in *out
 * (malloc'd; *n of them). Returns 0, or -1 with the error recorded in the call.
 */
static int
agree_tasks(mcp_call_t *call, const json_value_t *ids, listened_task_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (ids->type != JSON_ARRAY)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: notifications.taskIds must be an array of strings", NULL),
               -1;
    if (json_get(json_get(call->req->client_capabilities, "extensions"), MCP_TASKS_EXTENSION) == NULL)
        return call_error(call, MCP_MISSING_CAPABILITY, MCP_MISSING_CAPABILITY_MESSAGE,
                          "{\"requiredCapabilities\":{\"extensions\":{\"" MCP_TASKS_EXTENSION "\":{}}}}"),
               -1;
    for (size_t i = 0; i != ids->u.arr.len; ++i)
        if (ids->u.arr.items[i]->type != JSON_STRING)
            return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: notifications.taskIds must be an array of strings",
                              NULL),
                   -1;
    if (ids->u.arr.len == 0 || (*out = calloc(MAX_TASK_IDS, sizeof(**out))) == NULL)
        return 0;
    for (size_t i = 0; i != ids->u.arr.len && *n != MAX_TASK_IDS; ++i) {
        const char *id = json_string(ids->u.arr.items[i]);
        int skip = strlen(id) != MCP_TASK_ID_LEN; /* not an id this server gives */
        for (size_t j = 0; j != *n && !skip; ++j)
            skip = strcmp((*out)[j].id, id) == 0; /* named twice */
        if (skip)
            continue;
        mcp_task_row_t row;
        mcp_task_row_init(&row);
        if (tasks_read_own(call->req, id, &row) == 0)
            memcpy((*out)[(*n)++].id, id, MCP_TASK_ID_LEN + 1);
        mcp_task_row_dispose(&row);
    }
    return 0;
}

/*
 * After the acknowledgement: each agreed task as it is now, read after the stream was listed (held), so
 * that a change written meanwhile is either in what is read here or told by the writer, and the version
 * check keeps the stream from going back to an older state.
 */
static void
tell_current(mcp_call_t *call, subscriptions_t *subs, listener_t *held, const listened_task_t *tasks, size_t n)
{
    for (size_t i = 0; i != n; ++i) {
        mcp_task_row_t row;
        mcp_task_row_init(&row);
        buf_t detailed = BUF_INIT(0);
        if (tasks_read_own(call->req, tasks[i].id, &row) == 0 && tasks_write_detailed(call->req->server, &row, &detailed) == 0) {
            if (held != NULL) {
                pthread_mutex_lock(&subs->lock);
                /* the stream may have ended meanwhile (the client left): then it is no longer listed */
                if (find_listener_locked(subs, call->ex) == held)
                    tell_locked(held, &row, detailed.data, detailed.len);
                pthread_mutex_unlock(&subs->lock);
            } else {
                buf_t msg = BUF_INIT(0);
                write_task_notification(&msg, call->id, detailed.data, detailed.len);
                exchange_add_message(call->ex, msg.data, msg.len);
                buf_dispose(&msg);
            }
        }
        buf_dispose(&detailed);
        mcp_task_row_dispose(&row);
    }
}

static void
write_final_result(buf_t *out, const mcp_request_t *req, const json_value_t *id)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonrpc_begin_result(&w, id);
    jsonw_object_begin(&w);
    era_listen_result_end(req, &w, id);
    jsonrpc_end_result(&w);
}

mcp_outcome_t
subscriptions_listen(mcp_call_t *call, jsonw_t *w)
{
    mcp_exchange_t *ex = call->ex;
    const mcp_request_t *req = call->req;
    subscriptions_t *subs = server_subscriptions(req->server);
    const json_value_t *requested = json_get(call->params, "notifications");
    if (requested == NULL || requested->type != JSON_OBJECT)
        return call_error(call, JSONRPC_INVALID_PARAMS, "Invalid params: notifications must be an object (a SubscriptionFilter)",
                          NULL);
    agreed_t agreed = {0};
    for (size_t i = 0; i != NUM_FILTERS; ++i)
        if (json_get(requested, filter_names[i]) != NULL && json_get(requested, filter_names[i])->type == JSON_TRUE)
            agreed.filter |= 1u << i;
    /* resourceSubscriptions are not agreed to: no resource of this server ever changes */
    listened_task_t *tasks = NULL;
    size_t num_tasks = 0;
    const json_value_t *task_ids = json_get(requested, "taskIds");
    if (task_ids != NULL && agree_tasks(call, task_ids, &tasks, &num_tasks) != 0)
        return MCP_OUTCOME_DONE;
    agreed.tasks_asked = task_ids != NULL;
    agreed.tasks = tasks;
    agreed.num_tasks = num_tasks;

    /*
     * An open stream keeps its whole exchange (the parsed request included) until the client leaves: only
     * small listen requests are held open, and only so many at once; the others end after the acknowledgement
     * (and the agreed tasks as they are now). The acknowledgement is added under the list's lock, so that it
     * comes before anything told to the stream.
     */
    listener_t *l = NULL;
    if (req->can_stream && req->concurrent && req->http->body_len <= MAX_HELD_REQUEST_BYTES && (l = malloc(sizeof(*l))) != NULL) {
        *l = (listener_t){.ex = ex, .id = call->id, .filter = agreed.filter, .tasks = tasks, .num_tasks = num_tasks};
        tasks_principal(req, l->principal);
    }
    buf_t ack = BUF_INIT(0);
    write_notification(&ack, "notifications/subscriptions/acknowledged", call->id, &agreed);
    pthread_mutex_lock(&subs->lock);
    if (l != NULL) {
        size_t open = 0;
        for (listener_t *o = subs->listeners; o != NULL; o = o->next)
            ++open;
        if (subs->closed || open >= MAX_LISTENERS || (l->call = exchange_begin_call(ex, call->id, call->method->name)) == NULL) {
            free(l);
            l = NULL;
        } else {
            l->next = subs->listeners;
            subs->listeners = l;
        }
    }
    exchange_add_message(ex, ack.data, ack.len);
    pthread_mutex_unlock(&subs->lock);
    buf_dispose(&ack);
    if (l == NULL) {
        tell_current(call, subs, NULL, tasks, num_tasks);
        free(tasks);
    } else if (num_tasks != 0) {
        /* the listener owns tasks now, and a client leaving frees it: the ids are read from a copy */
        listened_task_t *ids = malloc(num_tasks * sizeof(*ids));
        if (ids != NULL) {
            memcpy(ids, tasks, num_tasks * sizeof(*ids));
            tell_current(call, subs, l, ids, num_tasks);
            free(ids);
        }
    }
    if (l != NULL)
        return MCP_OUTCOME_DEFERRED;
    jsonw_object_begin(w);
    era_listen_result_end(req, w, call->id);
    return MCP_OUTCOME_DONE;
}

/* Ends a listener already taken off the list. */
static void
end_listener(listener_t *l, int send_result)
{
    if (send_result) {
        buf_t out = BUF_INIT(0);
        write_final_result(&out, exchange_request(l->ex), l->id);
        exchange_complete_call(l->call, out.data, out.len);
        buf_dispose(&out);
    } else {
        exchange_end_call(l->call);
    }
    free(l->tasks);
    free(l);
}

void
subscriptions_end(mcp_exchange_t *ex, int send_result)
{
    subscriptions_t *subs = server_subscriptions(exchange_request(ex)->server);
    pthread_mutex_lock(&subs->lock);
    listener_t *l = find_listener_locked(subs, ex);
    if (l != NULL) {
        for (listener_t **pp = &subs->listeners; *pp != NULL; pp = &(*pp)->next) {
            if (*pp == l) {
                *pp = l->next;
                break;
            }
        }
    }
    pthread_mutex_unlock(&subs->lock);
    if (l != NULL)
        end_listener(l, send_result);
}

void
subscriptions_end_all(subscriptions_t *subs)
{
    if (subs == NULL)
        return;
    for (;;) {
        pthread_mutex_lock(&subs->lock);
        subs->closed = 1;
        listener_t *l = subs->listeners;
        if (l != NULL)
            subs->listeners = l->next;
        pthread_mutex_unlock(&subs->lock);
        if (l == NULL)
            return;
        end_listener(l, 1);
    }
}

void
subscriptions_broadcast(subscriptions_t *subs, const char *filter, const char *method)
{
    unsigned bit = 0;
    for (size_t i = 0; i != NUM_FILTERS; ++i)
        if (strcmp(filter_names[i], filter) == 0)
            bit = 1u << i;
    /* the list's lock keeps every listed exchange alive while it is written to */
    pthread_mutex_lock(&subs->lock);
    for (listener_t *l = subs->listeners; l != NULL; l = l->next) {
        if (!(l->filter & bit))
            continue;
        buf_t msg = BUF_INIT(0);
        write_notification(&msg, method, l->id, NULL);
        exchange_add_message(l->ex, msg.data, msg.len);
        buf_dispose(&msg);
    }
    pthread_mutex_unlock(&subs->lock);
}

int
subscriptions_listening_for_task(subscriptions_t *subs, const char *task_id)
{
    int listening = 0;
    pthread_mutex_lock(&subs->lock);
    for (listener_t *l = subs->listeners; l != NULL && !listening; l = l->next)
        for (size_t i = 0; i != l->num_tasks && !listening; ++i)
            listening = strcmp(l->tasks[i].id, task_id) == 0;
    pthread_mutex_unlock(&subs->lock);
    return listening;
}

void
subscriptions_publish_task(subscriptions_t *subs, const mcp_task_row_t *row, const char *detailed, size_t len)
{
    pthread_mutex_lock(&subs->lock);
    for (listener_t *l = subs->listeners; l != NULL; l = l->next)
        tell_locked(l, row, detailed, len);
    pthread_mutex_unlock(&subs->lock);
}
