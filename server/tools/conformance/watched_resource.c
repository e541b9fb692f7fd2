/*
 * test://watched-resource: a resource clients may subscribe to (conformance scenarios resources-subscribe
 * and resources-unsubscribe). Its content never changes, so no update is ever due.
 */
#include "mcp.h"

static int
read_watched_resource(mcp_ctx_t *ctx, const char *uri, const json_value_t *vars)
{
    (void)vars;
    mcp_contents_text(ctx, uri, "text/plain", "This is the watched resource; clients may subscribe to it.");
    return 0;
}

MCP_RESOURCE(watched_resource, .uri = "test://watched-resource", .name = "watched-resource", .title = "Watched resource",
             .description = "A subscribable text resource (conformance fixture).", .mime_type = "text/plain",
             .read = read_watched_resource, .subscribable = 1);
