/*
 * test_input_required_result_multi_round: two questions in turn, the second asked only once the first
 * is answered: "step1" (a name), then "step2" (a favourite colour) (conformance scenario
 * input-required-result-multi-round). Each round's requestState carries the answers so far.
 */
#include "fixtures.h"

static int
input_required_multi_round(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *name, *color;
    if (conformance_elicit(ctx, "step1", "Step 1: What is your name?", "name", "string", &name) != 0)
        return 1;
    if (conformance_elicit(ctx, "step2", "Step 2: What is your favorite color?", "color", "string", &color) != 0)
        return 1;
    mcp_textf(ctx, "%s likes %s.", json_string(name) ?: "Someone", json_string(color) ?: "no colour in particular");
    return 0;
}

MCP_TOOL(test_input_required_result_multi_round, .title = "Input required: two rounds",
         .description = "Asks a name, then a favourite colour, one round each (conformance fixture).",
         .client_capabilities = "{\"elicitation\":{\"form\":{}}}", .annotations = "{\"readOnlyHint\":true}",
         .handler = input_required_multi_round);
