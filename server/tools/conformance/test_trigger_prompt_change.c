/*
 * test_trigger_prompt_change: announces a change of the prompt list (conformance scenario
 * server-stateless): notifications/prompts/list_changed on the subscriptions/listen streams of this
 * process that asked for prompt changes. Nothing actually changes: this server's lists are fixed.
 */
#include "mcp.h"

static int
trigger_prompt_change(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_notify_list_changed(ctx, MCP_LIST_PROMPTS);
    mcp_text(ctx, "Announced a prompt list change to this process's listen streams.");
    return 0;
}

MCP_TOOL(test_trigger_prompt_change, .title = "Announce a prompt list change",
         .description = "Sends notifications/prompts/list_changed to the subscriptions/listen streams that asked for it "
                        "(conformance fixture).",
         .handler = trigger_prompt_change, .nonblocking = 1);
