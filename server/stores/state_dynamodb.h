/*
 * state_dynamodb.h: the state store (core.h's mcp_state_store_t) in a DynamoDB table, for --sessions dynamodb:
 * every instance (Lambda's, or several HTTP servers') sees the same sessions and state handles.
 *
 * The table: partition key id (S); TTL attribute expiresAt (N, seconds). An item is one session or handle:
 * lastUsed (N), ended (BOOL, a tombstone), and each value a tool set under key K as the attribute v_K, a number
 * (N) for an integer and JSON text (S) otherwise. Reads are strongly consistent; every write is one UpdateItem
 * whose condition is the core's (not ended, used recently enough, or not there yet), so an increment is atomic
 * and a session deleted or expired on another instance is never written to again. DynamoDB deletes expired
 * items days late, if at all in a local peer; the core judges every item it reads by its last use.
 */
#ifndef MCP_STATE_DYNAMODB_H
#define MCP_STATE_DYNAMODB_H

#include <stddef.h>

#include "core.h"

/* endpoint: NULL or "" for DynamoDB's own in the region. Returns 0, or -1 with the reason in err. */
int state_dynamodb_new(const char *table, const char *endpoint, mcp_state_store_t **out, char *err, size_t err_len);
void state_dynamodb_free(mcp_state_store_t *store);

#endif
