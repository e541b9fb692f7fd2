/*
 * handler_ctx.h: the context a handler writes through (mcp.h's mcp_ctx_t), as the core's methods see it.
 * One per tools/call, resources/read, prompts/get and completion/complete. What the handler emits
 * accumulates here (content items, contents, messages, completion values, structured content);
 * progress and log notifications go straight to the exchange, so a worker's tool is heard while it runs.
 * The method then writes the result from it with the writer for its kind. A handler that emits output
 * of another kind (a resource reader calling mcp_text()) is a bug: it is logged and the request fails
 * with -32603 instead of producing malformed JSON.
 */
#ifndef MCP_HANDLER_CTX_H
#define MCP_HANDLER_CTX_H

#include "dispatch.h"
#include "exchange.h"
#include "mcp.h"
#include "registry.h"

typedef enum en_mcp_ctx_kind_t { MCP_CTX_TOOL, MCP_CTX_RESOURCE, MCP_CTX_PROMPT, MCP_CTX_COMPLETION } mcp_ctx_kind_t;

typedef struct st_input_round_t input_round_t;
typedef struct st_task_run_t task_run_t;

/* A context for the call (whose exchange and request it uses); NULL when out of memory. */
mcp_ctx_t *ctx_new(const mcp_call_t *call, mcp_ctx_kind_t kind);
void ctx_free(mcp_ctx_t *ctx);
/* Frees the context kept for reuse, if any (at the end, so that nothing is left allocated). */
void ctx_drop_spare(void);

const mcp_request_t *ctx_request(const mcp_ctx_t *ctx);
mcp_ctx_kind_t ctx_kind(const mcp_ctx_t *ctx);
mcp_exchange_t *ctx_exchange(const mcp_ctx_t *ctx);
const json_value_t *ctx_id(const mcp_ctx_t *ctx);
/* The tool being called, and the progress token of its request (NULL: no progress notifications). */
void ctx_set_tool(mcp_ctx_t *ctx, const mcp_tool_entry_t *tool, const json_value_t *progress_token);
const mcp_tool_entry_t *ctx_tool(const mcp_ctx_t *ctx);
/* The exchange call a worker's tool answers through; its cut-off is a cancellation. NULL: runs inline. */
void ctx_set_exchange_call(mcp_ctx_t *ctx, exchange_call_t *call);
exchange_call_t *ctx_exchange_call(const mcp_ctx_t *ctx);
/*
 * Set when a prompt getter or resource reader asked the client in a legacy request, which cannot carry
 * the question: the message (static) that names the revision that can; NULL otherwise.
 */
const char *ctx_needs_modern(const mcp_ctx_t *ctx);
/* Whether the call holds a client-wait slot of the admission bounds (admission.h) for its whole run. */
void ctx_set_client_wait_slot(mcp_ctx_t *ctx, int held);
int ctx_has_client_wait_slot(const mcp_ctx_t *ctx);
/*
 * Waits until the monotonic clock reaches until_mono_ms, or less: until the call is woken (an answer,
 * shutdown), its client leaves, it is cut off, or the request's deadline comes near (it is then
 * cancelled). seen is exchange_call_wakes() read before the caller checked what it waits for. For a
 * call on a worker; a context without one sleeps the whole time.
 */
void ctx_wait(mcp_ctx_t *ctx, unsigned seen, int64_t until_mono_ms);
/* The method and params of the call the context was made for, and a tool's arguments (tasks.c runs it again). */
const mcp_method_t *ctx_method(const mcp_ctx_t *ctx);
const json_value_t *ctx_params(const mcp_ctx_t *ctx);
void ctx_set_args(mcp_ctx_t *ctx, const json_value_t *args);
const json_value_t *ctx_args(const mcp_ctx_t *ctx);
/*
 * The task the call became (tasks.h), NULL until then: from then on tasks/cancel cancels it (not its client
 * leaving), and it waits on the task's run rather than on its exchange call, which has been answered.
 */
void ctx_set_task(mcp_ctx_t *ctx, task_run_t *task);
task_run_t *ctx_task(mcp_ctx_t *ctx);
/*
 * The wall-clock deadline the call is cancelled ahead of (the request's by default; a task's run resumed by
 * tasks/update gets that request's), and whether it is near.
 */
void ctx_set_deadline(mcp_ctx_t *ctx, int64_t deadline_ms);
int ctx_deadline_near(const mcp_ctx_t *ctx);
/* Whether the call may become a task (tasks_decide()). */
void ctx_set_may_become_task(mcp_ctx_t *ctx, int may);
int ctx_may_become_task(const mcp_ctx_t *ctx);
/* Wakes whatever the call waits on (shutdown). */
void ctx_wake(mcp_ctx_t *ctx);
/* The 2026-07-28 round this run belongs to (input_required.h); NULL: the handler may not ask. */
void ctx_set_round(mcp_ctx_t *ctx, input_round_t *round);
input_round_t *ctx_round(const mcp_ctx_t *ctx);
/* Parses JSON text (at most 64 deep) into the context's memory; returns 0 or a JSON_ERR_* code. */
int ctx_parse_json(mcp_ctx_t *ctx, const char *text, size_t len, json_value_t **out);
/* The handler wrote state (mcp_state_*()): a 2026-07-28 question after that is logged as a mistake. */
void ctx_set_state_written(mcp_ctx_t *ctx);
/* Whether the handler marked its result an error (mcp_error(), or a non-zero return the method reported). */
void ctx_set_error(mcp_ctx_t *ctx);

/*
 * The result writers, one per kind; each returns 0, or a JSON-RPC error code recorded in *e (output too
 * large, output of the wrong kind, nothing emitted where something must be).
 */
/* A CallToolResult: content, structuredContent (checked against the output schema), isError. */
int ctx_write_tool_result(mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e);
/* A ReadResourceResult's contents array, without closing the result. */
int ctx_write_contents(mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e);
/* A GetPromptResult's description (the handler's, else default_description) and messages, without closing the result. */
int ctx_write_prompt(mcp_ctx_t *ctx, jsonw_t *w, const char *default_description, mcp_rpc_error_t *e);
/* A CompleteResult's completion object, without closing the result. */
int ctx_write_completion(mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e);
/*
 * An item of the handler's own kind given as JSON: a content block (a tool), contents (a resource) or a message (a
 * prompt), passed on as a registered function returned it (checked by the caller).
 */
void ctx_item_json(mcp_ctx_t *ctx, const json_value_t *item);
/* Whether the handler emitted anything of its kind (a resource reader must). */
size_t ctx_num_items(const mcp_ctx_t *ctx);

#endif
