/* ping: answers "pong"; a cheap check that tool calls work end to end (unlike the protocol-level ping). */
#include "mcp.h"

static int
ping(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_text(ctx, "pong");
    return 0;
}

MCP_TOOL(ping, .title = "Ping", .description = "Replies \"pong\". Use it to check that the server runs tools.",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = ping,
         .nonblocking = 1);
