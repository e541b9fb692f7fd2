/*
 * test_elicitation_sep1330_enums: an elicitation with each enum form of SEP-1330: untitled and titled
 * single choice, the legacy enumNames form, and untitled and titled multiple choice (conformance
 * scenario elicitation-sep1330-enums). Runs on a worker thread.
 */
#include "fixtures.h"

static const char params[] =
    "{\"message\":\"Please pick from each list.\","
    "\"requestedSchema\":{\"type\":\"object\",\"properties\":{"
    "\"untitledSingle\":{\"type\":\"string\",\"title\":\"Untitled single choice\","
    "\"enum\":[\"option1\",\"option2\",\"option3\"]},"
    "\"titledSingle\":{\"type\":\"string\",\"title\":\"Titled single choice\",\"oneOf\":["
    "{\"const\":\"value1\",\"title\":\"First Option\"},"
    "{\"const\":\"value2\",\"title\":\"Second Option\"},"
    "{\"const\":\"value3\",\"title\":\"Third Option\"}]},"
    "\"legacyEnum\":{\"type\":\"string\",\"title\":\"Legacy titled choice\","
    "\"enum\":[\"opt1\",\"opt2\",\"opt3\"],\"enumNames\":[\"Option One\",\"Option Two\",\"Option Three\"]},"
    "\"untitledMulti\":{\"type\":\"array\",\"title\":\"Untitled multiple choice\","
    "\"items\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\",\"option3\"]}},"
    "\"titledMulti\":{\"type\":\"array\",\"title\":\"Titled multiple choice\",\"items\":{\"anyOf\":["
    "{\"const\":\"value1\",\"title\":\"First Choice\"},"
    "{\"const\":\"value2\",\"title\":\"Second Choice\"},"
    "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}}}}";

static int
elicitation_sep1330_enums(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *answer;
    if (conformance_ask(ctx, NULL, "elicitation/create", params, &answer) != 0)
        return 1;
    return conformance_report_elicitation(ctx, "Elicitation completed: ", answer);
}

MCP_TOOL(test_elicitation_sep1330_enums, .title = "Elicitation with enums (SEP-1330)",
         .description = "Asks the user for a form with every enum variant: untitled, titled and legacy single choice, "
                        "untitled and titled multiple choice (conformance fixture).",
         .input_schema = "{\"type\":\"object\",\"additionalProperties\":false}",
         .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .client_capabilities = "{\"elicitation\":{\"form\":{}}}",
         .handler = elicitation_sep1330_enums);
