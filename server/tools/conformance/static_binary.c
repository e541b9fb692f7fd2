/* test://static-binary: a fixed binary resource, the 1x1 PNG (conformance scenario resources-read-binary). */
#include "fixtures.h"

static int
read_static_binary(mcp_ctx_t *ctx, const char *uri, const json_value_t *vars)
{
    (void)vars;
    mcp_contents_blob_base64(ctx, uri, "image/png", conformance_png_base64);
    return 0;
}

MCP_RESOURCE(static_binary, .uri = "test://static-binary", .name = "static-binary", .title = "Static binary",
             .description = "A fixed binary resource, a 1x1 PNG image (conformance fixture).", .mime_type = "image/png",
             .read = read_static_binary);
