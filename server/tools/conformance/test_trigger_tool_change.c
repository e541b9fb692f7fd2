/*
 * test_trigger_tool_change: announces a change of the tool list (conformance scenario server-stateless):
 * notifications/tools/list_changed on the subscriptions/listen streams of this process that asked for
 * tool changes, and on no other. Nothing actually changes: this server's lists are fixed.
 */
#include "mcp.h"

static int
trigger_tool_change(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_notify_list_changed(ctx, MCP_LIST_TOOLS);
    mcp_text(ctx, "Announced a tool list change to this process's listen streams.");
    return 0;
}

MCP_TOOL(test_trigger_tool_change, .title = "Announce a tool list change",
         .description = "Sends notifications/tools/list_changed to the subscriptions/listen streams that asked for it "
                        "(conformance fixture).",
         .handler = trigger_tool_change, .nonblocking = 1);
