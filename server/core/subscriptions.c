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

#include "internal.h"

/* The notification types this server may send on a listen stream: SubscriptionFilter's boolean members. */
static const char *const filter_names[] = {"toolsListChanged", "promptsListChanged", "resourcesListChanged"};
#define NUM_FILTERS (sizeof(filter_names) / sizeof(filter_names[0]))

#define MAX_LISTENERS 256                 /* open listen streams per process */
#define MAX_HELD_REQUEST_BYTES (16 * 1024) /* a listen request is a few hundred bytes */

struct st_mcp_listener_t {
    mcp_listener_t *next;
    mcp_exchange_t *ex;     /* holds a reference */
    const json_value_t *id; /* the subscription id: the request's id, in the exchange's arena */
    unsigned filter;        /* bit i: filter_names[i] */
};

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
write_final_result(buf_t *out, const mcp_exchange_t *ex, const json_value_t *id)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonrpc_begin_result(&w, id);
    jsonw_object_begin(&w);
    era_listen_result_end(ex, &w, id);
    jsonrpc_end_result(&w);
}

int
subscriptions_listen(mcp_call_t *call, jsonw_t *w)
{
    mcp_exchange_t *ex = call->ex;
    mcp_server_t *s = ex->server;
    const json_value_t *requested = json_get(call->params, "notifications");
    if (requested == NULL || requested->type != JSON_OBJECT) {
        call->error_message = "Invalid params: notifications must be an object (a SubscriptionFilter)";
        return JSONRPC_INVALID_PARAMS;
    }
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
    mcp_listener_t *l = NULL;
    if (ex->can_stream && ex->concurrent && ex->req->body_len <= MAX_HELD_REQUEST_BYTES && (l = malloc(sizeof(*l))) != NULL) {
        *l = (mcp_listener_t){.ex = ex, .id = call->id, .filter = filter};
        pthread_mutex_lock(&s->listen_lock);
        size_t open = 0;
        for (mcp_listener_t *o = s->listeners; o != NULL; o = o->next)
            ++open;
        if (s->listen_closed || open >= MAX_LISTENERS) {
            free(l);
            l = NULL;
        } else {
            pthread_mutex_lock(&ex->lock);
            ++ex->running;
            ++ex->refcnt;
            pthread_mutex_unlock(&ex->lock);
            ex->listener = l;
            l->next = s->listeners;
            s->listeners = l;
        }
        pthread_mutex_unlock(&s->listen_lock);
    }
    if (l != NULL)
        return MCP_DEFERRED;
    jsonw_object_begin(w);
    era_listen_result_end(ex, w, call->id);
    return 0;
}

/* Ends a listener already taken off the list. */
static void
end_listener(mcp_listener_t *l, int send_result)
{
    mcp_exchange_t *ex = l->ex;
    if (send_result) {
        buf_t out = BUF_INIT(0);
        write_final_result(&out, ex, l->id);
        exchange_complete_call(ex, out.data, out.len);
        buf_dispose(&out);
    } else {
        pthread_mutex_lock(&ex->lock);
        --ex->running;
        pthread_cond_broadcast(&ex->cond);
        pthread_mutex_unlock(&ex->lock);
    }
    free(l);
    exchange_release(ex);
}

void
subscriptions_end(mcp_exchange_t *ex, int send_result)
{
    mcp_server_t *s = ex->server;
    pthread_mutex_lock(&s->listen_lock);
    mcp_listener_t *l = ex->listener;
    if (l != NULL) {
        for (mcp_listener_t **pp = &s->listeners; *pp != NULL; pp = &(*pp)->next) {
            if (*pp == l) {
                *pp = l->next;
                break;
            }
        }
        ex->listener = NULL;
    }
    pthread_mutex_unlock(&s->listen_lock);
    if (l != NULL)
        end_listener(l, send_result);
}

void
subscriptions_end_all(mcp_server_t *s)
{
    for (;;) {
        pthread_mutex_lock(&s->listen_lock);
        s->listen_closed = 1;
        mcp_listener_t *l = s->listeners;
        if (l != NULL) {
            s->listeners = l->next;
            l->ex->listener = NULL;
        }
        pthread_mutex_unlock(&s->listen_lock);
        if (l == NULL)
            return;
        end_listener(l, 1);
    }
}

void
subscriptions_broadcast(mcp_server_t *s, const char *filter, const char *method)
{
    unsigned bit = 0;
    for (size_t i = 0; i != NUM_FILTERS; ++i)
        if (strcmp(filter_names[i], filter) == 0)
            bit = 1u << i;
    /* the listeners' lock keeps every listed exchange alive while it is written to */
    pthread_mutex_lock(&s->listen_lock);
    for (mcp_listener_t *l = s->listeners; l != NULL; l = l->next) {
        if (!(l->filter & bit))
            continue;
        buf_t msg = BUF_INIT(0);
        write_notification(&msg, method, l->id, NULL);
        exchange_add_message(l->ex, msg.data, msg.len);
        buf_dispose(&msg);
    }
    pthread_mutex_unlock(&s->listen_lock);
}

void
mcp_server_drain(mcp_server_t *s)
{
    subscriptions_end_all(s);
}
