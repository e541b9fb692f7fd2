/* dynamodb_task_store.h: the tasks of the tasks extension (core/task_store.h) in a DynamoDB table every instance shares. */
#ifndef MCP_DYNAMODB_TASK_STORE_H
#define MCP_DYNAMODB_TASK_STORE_H

#include <stddef.h>

#include "task_store.h"

typedef struct st_dynamodb_task_store_t dynamodb_task_store_t;

/* Returns 0, or -1 with the reason in err. MCP_DYNAMODB_ENDPOINT overrides the endpoint (tests). */
int dynamodb_task_store_new(const char *table, dynamodb_task_store_t **out, char *err, size_t err_len);
mcp_task_store_t *dynamodb_task_store_base(dynamodb_task_store_t *st);
void dynamodb_task_store_free(dynamodb_task_store_t *st);

#endif
