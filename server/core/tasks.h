/*
 * tasks.h: the tasks extension (io.modelcontextprotocol/tasks, SEP-2663) in the 2026-07-28 era. A tools/call
 * of a tool that supports tasks (mcp.h's task_support), from a client that declares the extension in the
 * request's _meta, is answered with a CreateTaskResult while the tool keeps running on its worker; the
 * client polls tasks/get, answers questions with tasks/update and stops the task with tasks/cancel.
 *
 * The task's row (task_store.h) is the truth: it is written before the CreateTaskResult is sent, bound to
 * the caller's identity, and every change to it is a conditional write, so that a terminal task never
 * changes. What runs in this process is a task's run: the request it came from (its exchange, kept alive
 * for as long as the task may still run), whether it was cancelled, and how its handler waits. A question
 * the handler asks (mcp_ask()) ends its run as in a 2026-07-28 round (input_required.h): the task waits in
 * input_required with the questions, and once tasks/update has answered them all the handler runs again
 * from the start with the answers.
 *
 * Every change written to a row is also told to this process's subscriptions/listen streams that listen for
 * the task (notifications/tasks, subscriptions.h), as the DetailedTask tasks/get would answer.
 *
 * Locks: the tasks lock is a leaf, taken alone (never while an exchange's lock is held); a change is told to
 * the listen streams without it.
 */
#ifndef MCP_TASKS_H
#define MCP_TASKS_H

#include "dispatch.h"
#include "handler_ctx.h"
#include "subscriptions.h"
#include "task_store.h"

#define MCP_TASKS_EXTENSION "io.modelcontextprotocol/tasks"

typedef struct st_tasks_t tasks_t;
typedef struct st_task_run_t task_run_t;

tasks_t *tasks_new(const mcp_config_t *config, subscriptions_t *subs);
void tasks_set_store(tasks_t *t, mcp_task_store_t *store);
/* After the workers have stopped: every run still kept lets go of its request. */
void tasks_free(tasks_t *t);

/*
 * Whether this tools/call runs as a task: *as_task is set for a modern request that declares the extension
 * when the tool supports tasks. A tool that only runs as a task, called without the extension, is refused
 * with -32021 (recorded in *e, returns -1).
 */
int tasks_decide(const mcp_request_t *req, const mcp_tool_t *tool, int *as_task, mcp_rpc_error_t *e);
/*
 * On the worker, before or during the handler (mcp_task_start()): writes the task's row, answers the call
 * with the CreateTaskResult and makes ctx the task's. The round's answers so far become the task's. Returns
 * 0, or -1 with *e set (the store refused) and nothing answered.
 */
int tasks_start(mcp_ctx_t *ctx, mcp_rpc_error_t *e);
/*
 * After the handler of a task's run: records what it came to (questions, a result, a protocol error) unless
 * the task was cancelled meanwhile. failed: the handler returned non-zero.
 */
void tasks_finish(mcp_ctx_t *ctx);
/* The job of a task's run ended (its context is about to be freed). */
void tasks_run_ended(task_run_t *run);

/* For handler_ctx.c: a task's handler is cancelled by tasks/cancel, and waits on its run. */
int task_run_cancelled(task_run_t *run);
unsigned task_run_wakes(task_run_t *run);
void task_run_wait(task_run_t *run, unsigned seen, int64_t until_mono_ms);
void task_run_wake(task_run_t *run);

/* For subscriptions/listen. The principal a row is bound to: SHA-256 (hex) of the caller's identity, "" without one. */
void tasks_principal(const mcp_request_t *req, char out[65]);
/* Reads the task for req's caller: 0 with row filled (initialised by the caller) when it exists, is live and is theirs. */
int tasks_read_own(const mcp_request_t *req, const char *id, mcp_task_row_t *row);
/* Appends the DetailedTask of row to out, as a JSON object without resultType. Returns 0, or -1 (too large). */
int tasks_write_detailed(mcp_server_t *s, const mcp_task_row_t *row, buf_t *out);

/* The methods (dispatch.c's table). */
mcp_outcome_t tasks_get(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t tasks_update(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t tasks_cancel(mcp_call_t *call, jsonw_t *w);

#endif
