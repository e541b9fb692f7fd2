/*
 * subscriptions.h: the open subscriptions/listen streams of this process (methods/subscriptions.c has the
 * method itself), which change notifications reach.
 */
#ifndef MCP_SUBSCRIPTIONS_H
#define MCP_SUBSCRIPTIONS_H

#include "exchange.h"

typedef struct st_subscriptions_t subscriptions_t;

subscriptions_t *subscriptions_new(void);
void subscriptions_free(subscriptions_t *subs);
/* Sends a notification to this process's listen streams that asked for it (filter: "toolsListChanged", ...). */
void subscriptions_broadcast(subscriptions_t *subs, const char *filter, const char *method);
/* Ends an exchange's listen stream: with its final result when send_result, silently when the client is gone. */
void subscriptions_end(mcp_exchange_t *ex, int send_result);
/* Ends every listen stream with its final result, and refuses new ones (shutdown). NULL is fine. */
void subscriptions_end_all(subscriptions_t *subs);

#endif
