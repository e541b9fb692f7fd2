/* test_image_content: one image block, the 1x1 PNG (conformance scenario tools-call-image). */
#include "fixtures.h"

static int
image_content(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_image_base64(ctx, conformance_png_base64, "image/png");
    return 0;
}

MCP_TOOL(test_image_content, .title = "Image content", .description = "Returns a 1x1 red PNG image (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = image_content,
         .nonblocking = 1);
