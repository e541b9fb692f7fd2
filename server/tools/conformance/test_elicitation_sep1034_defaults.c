/*
 * test_elicitation_sep1034_defaults: an elicitation whose schema gives a default for every primitive
 * type, as SEP-1034 allows (conformance scenario elicitation-sep1034-defaults). Runs on a worker thread.
 */
#include "fixtures.h"

MCP_SCHEMA(test_elicitation_sep1034_defaults_requested); /* test_elicitation_sep1034_defaults.requested.json */

static int
elicitation_sep1034_defaults(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const char *action;
    const json_value_t *content;
    if (mcp_elicit(ctx, NULL, "Please confirm or change these details.", mcp_schema_test_elicitation_sep1034_defaults_requested,
                   &action, &content) != 0)
        return 1;
    return conformance_report_elicitation(ctx, "Elicitation completed: ", action, content);
}

MCP_TOOL(test_elicitation_sep1034_defaults, .title = "Elicitation with defaults (SEP-1034)",
         .description = "Asks the user for a form whose string, integer, number, enum and boolean fields all have defaults "
                        "(conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .client_capabilities = "{\"elicitation\":{\"form\":{}}}",
         .handler = elicitation_sep1034_defaults);
