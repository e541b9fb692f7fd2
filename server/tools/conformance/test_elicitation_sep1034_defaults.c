/*
 * test_elicitation_sep1034_defaults: an elicitation whose schema gives a default for every primitive
 * type, as SEP-1034 allows (conformance scenario elicitation-sep1034-defaults). Runs on a worker thread.
 */
#include "fixtures.h"

static const char params[] =
    "{\"message\":\"Please confirm or change these details.\","
    "\"requestedSchema\":{\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\",\"title\":\"Name\",\"description\":\"Your full name\",\"default\":\"John Doe\"},"
    "\"age\":{\"type\":\"integer\",\"title\":\"Age\",\"description\":\"Your age in years\",\"minimum\":0,\"default\":30},"
    "\"score\":{\"type\":\"number\",\"title\":\"Score\",\"description\":\"Your score\",\"minimum\":0,\"maximum\":100,"
    "\"default\":95.5},"
    "\"status\":{\"type\":\"string\",\"title\":\"Status\",\"description\":\"Your account status\","
    "\"enum\":[\"active\",\"inactive\",\"pending\"],\"default\":\"active\"},"
    "\"verified\":{\"type\":\"boolean\",\"title\":\"Verified\",\"description\":\"Whether your account is verified\","
    "\"default\":true}}}}";

static int
elicitation_sep1034_defaults(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *answer;
    if (conformance_ask(ctx, NULL, "elicitation/create", params, &answer) != 0)
        return 1;
    return conformance_report_elicitation(ctx, "Elicitation completed: ", answer);
}

MCP_TOOL(test_elicitation_sep1034_defaults, .title = "Elicitation with defaults (SEP-1034)",
         .description = "Asks the user for a form whose string, integer, number, enum and boolean fields all have defaults "
                        "(conformance fixture).",
         .input_schema = "{\"type\":\"object\",\"additionalProperties\":false}",
         .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .client_capabilities = "{\"elicitation\":{\"form\":{}}}",
         .handler = elicitation_sep1034_defaults);
