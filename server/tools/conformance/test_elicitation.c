/*
 * test_elicitation: asks the user, through the client (elicitation/create), for a username and an email
 * address, and returns the answer as text (conformance scenario tools-call-elicitation). It waits for
 * the client, so it runs on a worker thread.
 */
#include "fixtures.h"

MCP_SCHEMA(test_elicitation_requested); /* test_elicitation.requested.json */

#define TEST_ELICITATION_PARAMS(P) P(message, STRING, "The message to show the user", .required = 1)
MCP_PARAMS(test_elicitation, TEST_ELICITATION_PARAMS);

static int
test_elicitation(mcp_ctx_t *ctx, const struct test_elicitation_params *p)
{
    const char *action;
    const json_value_t *content;
    if (mcp_elicit(ctx, NULL, p->message, mcp_schema_test_elicitation_requested, &action, &content) != 0)
        return 1;
    return conformance_report_elicitation(ctx, "User response: ", action, content);
}

MCP_TOOL_TYPED(test_elicitation, .title = "Elicitation",
               .description = "Asks the user for a username and an email address (elicitation/create) and returns the answer "
                              "(conformance fixture).",
               .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}",
               .client_capabilities = "{\"elicitation\":{\"form\":{}}}");
