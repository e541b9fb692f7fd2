/*
 * test_elicitation_sep1330_enums: an elicitation with each enum form of SEP-1330: untitled and titled
 * single choice, the legacy enumNames form, and untitled and titled multiple choice (conformance
 * scenario elicitation-sep1330-enums). Runs on a worker thread.
 */
#include "fixtures.h"

MCP_SCHEMA(test_elicitation_sep1330_enums_requested); /* test_elicitation_sep1330_enums.requested.json */

static int
elicitation_sep1330_enums(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const char *action;
    const json_value_t *content;
    if (mcp_elicit(ctx, NULL, "Please pick from each list.", mcp_schema_test_elicitation_sep1330_enums_requested, &action,
                   &content) != 0)
        return 1;
    return conformance_report_elicitation(ctx, "Elicitation completed: ", action, content);
}

MCP_TOOL(test_elicitation_sep1330_enums, .title = "Elicitation with enums (SEP-1330)",
         .description = "Asks the user for a form with every enum variant: untitled, titled and legacy single choice, "
                        "untitled and titled multiple choice (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .client_capabilities = "{\"elicitation\":{\"form\":{}}}",
         .handler = elicitation_sep1330_enums);
