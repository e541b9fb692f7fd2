/*
 * test_input_required_result_elicitation: asks the user's name under the key "user_name" and greets
 * them (conformance scenarios input-required-result-basic-elicitation, -missing-input-response,
 * -result-type, -ignore-extra-params and -validate-input). Under 2026-07-28 the first round is an
 * InputRequiredResult and the retry with the answer completes; a legacy client is asked on the stream.
 */
#include "fixtures.h"

static int
input_required_elicitation(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *name;
    if (conformance_elicit(ctx, "user_name", "What is your name?", "name", "string", &name) != 0)
        return 1;
    if (json_string(name) == NULL)
        return mcp_error(ctx, "The user did not give a name.");
    mcp_textf(ctx, "Hello, %s!", json_string(name));
    return 0;
}

MCP_TOOL(test_input_required_result_elicitation, .title = "Input required: elicitation",
         .description = "Asks the user's name (elicitation, key user_name) and greets them (conformance fixture).",
         .client_capabilities = "{\"elicitation\":{\"form\":{}}}", .annotations = "{\"readOnlyHint\":true}",
         .handler = input_required_elicitation);
