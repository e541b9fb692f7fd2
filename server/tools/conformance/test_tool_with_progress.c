/*
 * test_tool_with_progress: progress 0, 50 and 100 of 100 about 50 ms apart, then a text (conformance
 * scenario tools-call-with-progress). Without a progressToken the steps still take their time.
 */
#include "mcp.h"

#define STEP_MS 50

static int
tool_with_progress(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_progress(ctx, 0, 100, NULL);
    if (mcp_sleep(ctx, STEP_MS))
        return mcp_error(ctx, "The call was cancelled.");
    mcp_progress(ctx, 50, 100, NULL);
    if (mcp_sleep(ctx, STEP_MS))
        return mcp_error(ctx, "The call was cancelled.");
    mcp_progress(ctx, 100, 100, NULL);
    mcp_text(ctx, "Tool with progress executed successfully");
    return 0;
}

MCP_TOOL(test_tool_with_progress, .title = "Tool with progress",
         .description = "Reports progress 0, 50 and 100 of 100 about 50 ms apart, then returns (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = tool_with_progress);
