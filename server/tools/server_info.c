/* info://server: a short description of the server, a resource any client can read to see what it talks to. */
#include "mcp.h"

static const char about[] =
    "This is an MCP server written in C, speaking the Streamable HTTP transport.\n"
    "Its default tool set offers the tools ping, get_time, get_weather (simulated weather, stable per city) and whoami "
    "(the caller's identity), "
    "the prompt weather_report, and this resource.\n";

static int
read_server_info(mcp_ctx_t *ctx, const char *uri, const json_value_t *vars)
{
    (void)vars;
    mcp_contents_text(ctx, uri, "text/plain", about);
    return 0;
}

MCP_RESOURCE(server_info, .uri = "info://server", .name = "server-info", .title = "About this server",
             .description = "What this server is and what its default tool set offers.", .mime_type = "text/plain",
             .annotations = "{\"audience\":[\"user\",\"assistant\"],\"priority\":0.3}", .read = read_server_info);
