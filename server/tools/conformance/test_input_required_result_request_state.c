/*
 * test_input_required_result_request_state: asks for a confirmation under the key "confirm"; the retry
 * echoes the requestState, and the result says "state-ok" when the server verified it (conformance
 * scenario input-required-result-request-state).
 */
#include "fixtures.h"

static int
input_required_request_state(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *ok;
    if (conformance_elicit(ctx, "confirm", "Please confirm", "ok", "boolean", &ok) != 0)
        return 1;
    mcp_textf(ctx, "%s: confirmed=%s", mcp_resumed(ctx) ? "state-ok" : "no request state",
              ok != NULL && ok->type == JSON_TRUE ? "true" : "false");
    return 0;
}

MCP_TOOL(test_input_required_result_request_state, .title = "Input required: request state",
         .description = "Asks for a confirmation (key confirm) and reports whether the retry's requestState verified "
                        "(conformance fixture).",
         .client_capabilities = "{\"elicitation\":{\"form\":{}}}", .annotations = "{\"readOnlyHint\":true}",
         .handler = input_required_request_state);
