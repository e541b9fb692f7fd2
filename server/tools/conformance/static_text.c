/* test://static-text: a fixed text resource (conformance scenario resources-read-text). */
#include "mcp.h"

static int
read_static_text(mcp_ctx_t *ctx, const char *uri, const json_value_t *vars)
{
    (void)vars;
    mcp_contents_text(ctx, uri, "text/plain", "This is the content of the static text resource.");
    return 0;
}

MCP_RESOURCE(static_text, .uri = "test://static-text", .name = "static-text", .title = "Static text",
             .description = "A fixed text resource (conformance fixture).", .mime_type = "text/plain", .read = read_static_text);
