/*
 * test_logging_tool: emits three log messages, then a text result (conformance scenario server-stateless:
 * a 2026-07-28 request that names no io.modelcontextprotocol/logLevel in _meta must get no
 * notifications/message at all; one that names a level gets those at or above it).
 */
#include "mcp.h"

static int
logging_tool(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_log(ctx, MCP_LOG_INFO, "test_logging_tool", "Logging tool started");
    mcp_log(ctx, MCP_LOG_DEBUG, "test_logging_tool", "Logging tool working");
    mcp_log(ctx, MCP_LOG_WARNING, "test_logging_tool", "Logging tool finished");
    mcp_text(ctx, "Logged three messages at levels info, debug and warning.");
    return 0;
}

MCP_TOOL(test_logging_tool, .title = "Logging",
         .description = "Emits three log messages (info, debug, warning) and returns (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true}", .handler = logging_tool, .nonblocking = 1);
