/*
 * test_tool_with_logging: three info-level log notifications about 50 ms apart, then a text (conformance
 * scenario tools-call-with-logging). It sleeps, so it runs on a worker thread, whose notifications reach
 * the client while the call is still running.
 */
#include "mcp.h"

#define LOGGER "test_tool_with_logging"
#define STEP_MS 50

static int
tool_with_logging(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_log(ctx, MCP_LOG_INFO, LOGGER, "Tool execution started");
    if (mcp_sleep(ctx, STEP_MS))
        return mcp_error(ctx, "The call was cancelled.");
    mcp_log(ctx, MCP_LOG_INFO, LOGGER, "Tool processing data");
    if (mcp_sleep(ctx, STEP_MS))
        return mcp_error(ctx, "The call was cancelled.");
    mcp_log(ctx, MCP_LOG_INFO, LOGGER, "Tool execution completed");
    mcp_text(ctx, "Tool with logging executed successfully");
    return 0;
}

MCP_TOOL(test_tool_with_logging, .title = "Tool with logging",
         .description = "Sends three info log messages about 50 ms apart, then returns (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = tool_with_logging);
