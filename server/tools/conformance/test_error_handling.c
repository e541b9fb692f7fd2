/*
 * test_error_handling: always fails as a tool execution error, a result with isError, not a JSON-RPC
 * error (conformance scenario tools-call-error).
 */
#include "mcp.h"

static int
error_handling(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    return mcp_error(ctx, "This tool intentionally returns an error for testing");
}

MCP_TOOL(test_error_handling, .title = "Error handling",
         .description = "Always returns a tool error (isError: true) (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = error_handling,
         .nonblocking = 1);
