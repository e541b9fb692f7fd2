/*
 * failing_job: a job that only runs as a task (SEP-2663 fixture) and fails as a tool, after about a second:
 * the task ends completed, its result marked isError. A client that does not declare the tasks extension
 * is refused with -32021 before it runs.
 */
#include "mcp.h"

static int
failing_job(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    if (mcp_sleep(ctx, 1000))
        return mcp_error(ctx, "The job was cancelled.");
    return mcp_error(ctx, "The job failed: its input could not be processed.");
}

MCP_TOOL(failing_job, .title = "Failing job",
         .description = "Runs as a task for about a second, then fails with a tool error (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = failing_job,
         .task_support = MCP_TASK_ALWAYS);
