/*
 * test_streaming_elicitation: asks the user a question from a tool that runs on a worker thread and
 * streams (conformance scenario server-stateless: a 2026-07-28 response stream must carry the question
 * inside an InputRequiredResult, never as a request of its own). The same tool, called by a legacy
 * client, sends elicitation/create on its response stream and waits, as legacy revisions do.
 */
#include "fixtures.h"

static int
streaming_elicitation(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_progress(ctx, 0, 1, "asking the user");
    const json_value_t *answer;
    if (conformance_elicit(ctx, "favorite_animal", "What is your favourite animal?", "animal", "string", &answer) != 0)
        return 1;
    mcp_progress(ctx, 1, 1, "answered");
    mcp_textf(ctx, "Favourite animal: %s", json_string(answer) ?: "(not given)");
    return 0;
}

MCP_TOOL(test_streaming_elicitation, .title = "Elicitation while streaming",
         .description = "Reports progress, asks the user a question, and returns the answer (conformance fixture).",
         .client_capabilities = "{\"elicitation\":{\"form\":{}}}", .annotations = "{\"readOnlyHint\":true}",
         .handler = streaming_elicitation);
