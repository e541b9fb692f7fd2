/* dynamodb_store.h: an answer store (core.h) in a DynamoDB table, shared by every Lambda instance. */
#ifndef MCP_DYNAMODB_STORE_H
#define MCP_DYNAMODB_STORE_H

#include <stddef.h>

#include "core.h"

typedef struct st_dynamodb_store_t dynamodb_store_t;

/*
 * A store in the table, with the region and credentials Lambda puts in the environment (AWS_REGION,
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and the endpoint from
 * MCP_DYNAMODB_ENDPOINT when set (local tests). Returns 0, or -1 with the reason in err.
 */
int dynamodb_store_new(const char *table, dynamodb_store_t **out, char *err, size_t err_len);
mcp_answer_store_t *dynamodb_store_base(dynamodb_store_t *st);
void dynamodb_store_free(dynamodb_store_t *st);

#endif
