/*
 * protocol_error_job: a job that fails as the server, not as a tool (SEP-2663 fixture): mcp_fail() makes its
 * task end failed, with a JSON-RPC error and no result (and an ordinary call, a JSON-RPC error).
 */
#include "mcp.h"

static int
protocol_error_job(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    return mcp_fail(ctx, "Internal error: the job's backend failed");
}

MCP_TOOL(protocol_error_job, .title = "Protocol error job",
         .description = "Runs as a task and fails with a protocol error (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = protocol_error_job,
         .task_support = MCP_TASK_OPTIONAL);
