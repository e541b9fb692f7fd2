/* test_multiple_content_types: text, image and embedded resource in one result (scenario tools-call-mixed-content). */
#include "fixtures.h"

static int
multiple_content_types(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_text(ctx, "Multiple content types test:");
    mcp_image_base64(ctx, conformance_png_base64, "image/png");
    mcp_resource_text(ctx, "test://mixed-content-resource", "application/json", "{\"test\":\"data\",\"value\":123}");
    return 0;
}

MCP_TOOL(test_multiple_content_types, .title = "Multiple content types",
         .description = "Returns a text, an image and an embedded JSON resource together (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}",
         .handler = multiple_content_types, .nonblocking = 1);
