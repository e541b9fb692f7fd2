/* test_embedded_resource: one embedded text resource (conformance scenario tools-call-embedded-resource). */
#include "mcp.h"

static int
embedded_resource(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_resource_text(ctx, "test://embedded-resource", "text/plain", "This is an embedded resource content.");
    return 0;
}

MCP_TOOL(test_embedded_resource, .title = "Embedded resource",
         .description = "Returns an embedded text resource (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = embedded_resource,
         .nonblocking = 1);
