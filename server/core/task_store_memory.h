/* task_store_memory.h: the tasks of one process (task_store.h), kept by the core when no shared store is installed. */
#ifndef MCP_TASK_STORE_MEMORY_H
#define MCP_TASK_STORE_MEMORY_H

#include "task_store.h"

mcp_task_store_t *task_store_memory_new(void);
void task_store_memory_free(mcp_task_store_t *store);

#endif
