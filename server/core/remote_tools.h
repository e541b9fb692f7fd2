/*
 * remote_tools.h: registered tools, resources and prompts (core.h's mcp_tool_source_t), as the methods see them:
 * listed after the built-in ones, called through the source (a Lambda function each).
 *
 * The records are read from the source at most once per refresh interval, on the thread that needs them (a
 * listing or a call; one reader at a time, the others use what was read before). Each read that changed
 * something becomes a snapshot of checked entries; a record that fails a check (a name taken by a built-in
 * tool, prompt or resource URI or used twice, a schema the validator cannot enforce, no function) is left out with
 * the reason logged (registered_tool_refused, registered_resource_refused, registered_prompt_refused),
 * and the others are served. Snapshots that were replaced are kept until the server is freed, since a call may
 * still be running with an entry of one (they are replaced only when the registry changes).
 *
 * A tool's record (the JSON the source stores, one per tool):
 *   {"name": "...", "title": "...", "description": "...", "inputSchema": {...}, "outputSchema": {...},
 *    "annotations": {...}, "execution": {"taskSupport": "optional"}, "timeoutMs": 30000,
 *    "lambdaArn": "arn:aws:lambda:...", "qualifier": "live", "target": "...", "version": 3, "createdAt": ..., "createdBy": ...,
 * "updatedAt": ..., "updatedBy": ...}
 */
#ifndef MCP_REMOTE_TOOLS_H
#define MCP_REMOTE_TOOLS_H

#include <stddef.h>

#include "core.h"
#include "dispatch.h"
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
/* Registered resources (templates 0) or templates (1), and prompts; found as resources_find() finds built-in ones. */
size_t remote_snapshot_num_resources(const remote_snapshot_t *snap, int templates);
const mcp_resource_t *remote_snapshot_resource(const remote_snapshot_t *snap, int templates, size_t i);
const mcp_resource_t *remote_snapshot_find_resource(const remote_snapshot_t *snap, arena_t *arena, const char *uri,
                                                    json_value_t **vars);
size_t remote_snapshot_num_prompts(const remote_snapshot_t *snap);
const mcp_prompt_t *remote_snapshot_prompt(const remote_snapshot_t *snap, size_t i);
const mcp_prompt_t *remote_snapshot_find_prompt(const remote_snapshot_t *snap, const char *name);
/* The caching hint of listings that include registered entries: no longer than the refresh interval. */
const mcp_cache_hint_t *remote_tools_cache_hint(const remote_tools_t *rt);

/*
 * Reads a registered resource (r from remote_snapshot_find_resource(), the template's variables in vars) or gets a
 * registered prompt (args checked against its arguments) through its function, on a worker: a Lambda call must not
 * hold the front door's thread. The answer goes out through the exchange: the function's contents (a string as
 * text contents, null as Resource not found, any other JSON as its text) or messages (a string as one user
 * message), or a -32603 error with what happened in data.reason. Returns MCP_OUTCOME_DEFERRED (the worker owns ctx
 * now), or MCP_OUTCOME_DONE with the call's error set when the server is too busy (ctx stays the caller's).
 */
mcp_outcome_t remote_tools_submit_read(mcp_call_t *call, mcp_ctx_t *ctx, const mcp_resource_t *r, const char *uri,
                                       const json_value_t *vars);
mcp_outcome_t remote_tools_submit_get(mcp_call_t *call, mcp_ctx_t *ctx, const mcp_prompt_t *p, const json_value_t *args);

/* Whether a resource registration (a fixed uri, or else a template) would answer for a built-in resource's URIs. */
int remote_tools_shadows_resource(const char *uri, const char *tmpl, const mcp_resource_t *builtin);

/*
 * Checks one record (of any kind); returns 0, or -1 with what is wrong and where (a JSON pointer into the record) in err.
 * builtin may be NULL (no shadowing check).
 */
int remote_tools_check_record(const json_value_t *record, const registry_t *builtin, char *err, size_t err_len);

#endif
