/* test_simple_text: one fixed text block (conformance scenario tools-call-simple-text, called without arguments). */
#include "mcp.h"

static int
simple_text(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_text(ctx, "This is a simple text response for testing.");
    return 0;
}

MCP_TOOL(test_simple_text, .title = "Simple text", .description = "Returns a fixed text response (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = simple_text,
         .nonblocking = 1);
