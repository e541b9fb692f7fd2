/*
 * subscriptions.h: the open subscriptions/listen streams of this process (methods/subscriptions.c has the
 * method itself), which change notifications reach.
 */
#ifndef MCP_SUBSCRIPTIONS_H
#define MCP_SUBSCRIPTIONS_H

#include "exchange.h"
#include "task_store.h"

typedef struct st_subscriptions_t subscriptions_t;

subscriptions_t *subscriptions_new(void);
void subscriptions_free(subscriptions_t *subs);
/* Sends a notification to this process's listen streams that asked for it (filter: "toolsListChanged", ...). */
void subscriptions_broadcast(subscriptions_t *subs, const char *filter, const char *method);
/*
 * Task status (tasks.c, after each write of a task's row): sends notifications/tasks, with detailed (the
 * DetailedTask, a JSON object) as its params, to the streams of the row's caller that listen for the task,
 * unless they have already been told of this version of the row or a later one.
 */
void subscriptions_publish_task(subscriptions_t *subs, const mcp_task_row_t *row, const char *detailed, size_t len);
/* Whether any stream listens for the task (so that a change nobody listens for is not even written). */
int subscriptions_listening_for_task(subscriptions_t *subs, const char *task_id);
/* Ends an exchange's listen stream: with its final result when send_result, silently when the client is gone. */
void subscriptions_end(mcp_exchange_t *ex, int send_result);
/* Ends every listen stream with its final result, and refuses new ones (shutdown). NULL is fine. */
void subscriptions_end_all(subscriptions_t *subs);

#endif
