/*
 * test_tool_with_task: questions first, then a task (SEP-2663 fixture, scenario tasks-mrtr-composition). The
 * name is asked in ordinary 2026-07-28 rounds, before any task exists; once it is answered the handler turns
 * the call into a task (mcp_task_start()) and the task's result carries the name.
 */
#include "fixtures.h"

static int
tool_with_task(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *name;
    if (conformance_elicit(ctx, "user_name", "What is your name?", "name", "string", &name))
        return 1;
    mcp_task_start(ctx);
    if (mcp_sleep(ctx, 200))
        return mcp_error(ctx, "Cancelled.");
    mcp_textf(ctx, "Hello, %s!", json_string(name) ?: "whoever you are");
    return 0;
}

MCP_TOOL(test_tool_with_task, .title = "Questions, then a task",
         .description = "Asks for a name, then finishes as a task (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = tool_with_task,
         .task_support = MCP_TASK_ALWAYS, .task_starts_in_handler = 1);
