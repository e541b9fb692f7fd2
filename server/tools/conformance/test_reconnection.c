/*
 * test_reconnection: a call that lasts a moment before it returns text (pending conformance scenario
 * server-sse-polling, SEP-1699). The scenario watches what the transport does with the call's SSE
 * stream meanwhile (priming event, retry, resumption with Last-Event-ID); the tool only has to take
 * long enough for that to show. It sleeps, so it runs on a worker thread.
 */
#include "mcp.h"

#define DURATION_MS 100

static int
reconnection(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    if (mcp_sleep(ctx, DURATION_MS))
        return mcp_error(ctx, "The call was cancelled.");
    mcp_text(ctx, "Reconnection test completed successfully");
    return 0;
}

MCP_TOOL(test_reconnection, .title = "Reconnection",
         .description = "Takes a moment, then returns text; used to test SSE stream resumption (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = reconnection);
