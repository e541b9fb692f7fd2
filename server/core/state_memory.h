/*
 * state_memory.h: the state store (core.h's mcp_state_store_t) in this process's memory, for --sessions memory:
 * one process, nothing shared, nothing survives a restart. Rows expire as DynamoDB's would (expires_at), and
 * expired ones are swept as new rows arrive. Bounded: STATE_MEMORY_MAX_ROWS rows, STATE_MEMORY_MAX_ROW_BYTES
 * per row (as DynamoDB's item limit bounds a row there), STATE_MEMORY_MAX_BYTES in all.
 */
#ifndef MCP_STATE_MEMORY_H
#define MCP_STATE_MEMORY_H

#include "core.h"

#define STATE_MEMORY_MAX_ROWS 100000
#define STATE_MEMORY_MAX_ROW_BYTES (350u * 1024)
#define STATE_MEMORY_MAX_BYTES (256u << 20)

/* NULL when out of memory. now_s is the clock (NULL: the wall clock's seconds), for tests. */
mcp_state_store_t *state_memory_new(int64_t (*now_s)(void));
void state_memory_free(mcp_state_store_t *store);

#endif
