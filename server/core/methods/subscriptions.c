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
 */
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "dispatch.h"
#include "methods.h"
#include "server.h"
#include "subscriptions.h"

/* The notification types this server may send on a listen stream: SubscriptionFilter's boolean members. */
static const char *const filter_names[] = {"toolsListChanged", "promptsListChanged", "resourcesListChanged"};
#define NUM_FILTERS (sizeof(filter_names) / sizeof(filter_names[0]))

#define MAX_LISTENERS 256                  /* open listen streams per process */
#define MAX_HELD_REQUEST_BYTES (16 * 1024) /* a listen request is a few hundred bytes */

typedef struct st_listener_t listener_t;

struct st_listener_t {
    listener_t *next;
    mcp_exchange_t *ex;
    exchange_call_t *call;  /* holds the stream open, and a reference to the exchange */
    const json_value_t *id; /* the subscription id: the request's id, in the exchange's arena */
    unsigned filter;        /* bit i: filter_names[i] */
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

/*
 * A notification tagged with its subscription's id. The acknowledgement also reports which of the
 * requested types the server agreed to send (agreed; NULL for any other notification).
 */
static void
write_notification(buf_t *out, const char *method, const json_value_t *id, const unsigned *agreed)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "jsonrpc", "2.0");
    jsonw_kv_string(&w, "method", method);
    jsonw_key(&w, "params");
    jsonw_object_begin(&w);
    if (agreed != NULL) {
        jsonw_key(&w, "notifications");
        jsonw_object_begin(&w);
        for (size_t i = 0; i != NUM_FILTERS; ++i)
            if (*agreed & (1u << i))
                jsonw_kv_bool(&w, filter_names[i], 1);
        jsonw_object_end(&w);
    }
    jsonw_key(&w, "_meta");
    jsonw_object_begin(&w);
    jsonw_key(&w, MCP_META_SUBSCRIPTION_ID);
    jsonrpc_write_id(&w, id);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
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
    unsigned filter = 0;
    for (size_t i = 0; i != NUM_FILTERS; ++i)
        if (json_get(requested, filter_names[i]) != NULL && json_get(requested, filter_names[i])->type == JSON_TRUE)
            filter |= 1u << i;
    /* resourceSubscriptions are not agreed to: no resource of this server ever changes */

    buf_t ack = BUF_INIT(0);
    write_notification(&ack, "notifications/subscriptions/acknowledged", call->id, &filter);
    exchange_add_message(ex, ack.data, ack.len);
    buf_dispose(&ack);

    /*
     * An open stream keeps its whole exchange (the parsed request included) until the client leaves: only
     * small listen requests are held open, and only so many at once; the others end after the acknowledgement.
     */
    listener_t *l = NULL;
    if (req->can_stream && req->concurrent && req->http->body_len <= MAX_HELD_REQUEST_BYTES && (l = malloc(sizeof(*l))) != NULL) {
        *l = (listener_t){.ex = ex, .id = call->id, .filter = filter};
        pthread_mutex_lock(&subs->lock);
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
        pthread_mutex_unlock(&subs->lock);
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
