/*
 * remote_tools.h: registered tools (core.h's mcp_tool_source_t), as tools/list and tools/call see them.
 *
 * The records are read from the source at most once per refresh interval, on the thread that needs them (a
 * listing or a call; one reader at a time, the others use what was read before). Each read that changed
 * something becomes a snapshot of checked entries; a record that fails a check (a name taken by a built-in
 * tool or used twice, a schema the validator cannot enforce, no function) is left out with the reason logged,
 * and the others are served. Snapshots that were replaced are kept until the server is freed, since a call may
 * still be running with an entry of one (they are replaced only when the registry changes).
 *
 * A record (the JSON the source stores, one per tool):
 *   {"name": "...", "title": "...", "description": "...", "inputSchema": {...}, "outputSchema": {...},
 *    "annotations": {...}, "timeoutMs": 30000, "lambdaArn": "arn:aws:lambda:...", "qualifier": "live",
 *    "target": "...", "version": 3, "createdAt": ..., "createdBy": ..., "updatedAt": ..., "updatedBy": ...}
 */
#ifndef MCP_REMOTE_TOOLS_H
#define MCP_REMOTE_TOOLS_H

#include <stddef.h>

#include "core.h"
#include "era.h"
#include "registry.h"

#define REMOTE_TOOLS_MAX_TIMEOUT_MS 900000 /* Lambda's own maximum */
#define REMOTE_TOOLS_DEFAULT_TIMEOUT_MS 30000

typedef struct st_remote_tools_t remote_tools_t;
typedef struct st_remote_snapshot_t remote_snapshot_t;

remote_tools_t *remote_tools_new(mcp_tool_source_t *source, const registry_t *builtin, unsigned refresh_ms);
void remote_tools_free(remote_tools_t *rt);

/* The current snapshot, read again first when it is older than the refresh interval; never NULL. */
const remote_snapshot_t *remote_tools_snapshot(remote_tools_t *rt);
size_t remote_snapshot_num_tools(const remote_snapshot_t *snap);
const mcp_tool_entry_t *remote_snapshot_tool(const remote_snapshot_t *snap, size_t i);
const mcp_tool_entry_t *remote_snapshot_find(const remote_snapshot_t *snap, const char *name);
/* The caching hint of listings that include registered tools: no longer than the refresh interval. */
const mcp_cache_hint_t *remote_tools_cache_hint(const remote_tools_t *rt);

/*
 * Checks one record; returns 0, or -1 with what is wrong and where (a JSON pointer into the record) in err.
 * builtin may be NULL (no shadowing check).
 */
int remote_tools_check_record(const json_value_t *record, const registry_t *builtin, char *err, size_t err_len);

#endif
