/*
 * test_input_required_result_tampered_state: asks for a confirmation under the key "confirm" (conformance
 * scenario input-required-result-tampered-state). The tool has nothing to do with tampering: the server
 * refuses a retry whose requestState fails verification (-32602) before the tool runs again.
 */
#include "fixtures.h"

static int
input_required_tampered_state(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *ok;
    if (conformance_elicit(ctx, "confirm", "Please confirm", "ok", "boolean", &ok) != 0)
        return 1;
    mcp_textf(ctx, "Confirmed: %s", ok != NULL && ok->type == JSON_TRUE ? "yes" : "no");
    return 0;
}

MCP_TOOL(test_input_required_result_tampered_state, .title = "Input required: tampered state",
         .description = "Asks for a confirmation (key confirm); a retry with an altered requestState is refused "
                        "(conformance fixture).",
         .client_capabilities = "{\"elicitation\":{\"form\":{}}}", .annotations = "{\"readOnlyHint\":true}",
         .handler = input_required_tampered_state);
