/*
 * test_elicitation: asks the user, through the client (elicitation/create), for a username and an email
 * address, and returns the answer as text (conformance scenario tools-call-elicitation). It waits for
 * the client, so it runs on a worker thread.
 */
#include "fixtures.h"

static int
elicitation(mcp_ctx_t *ctx, const json_value_t *args)
{
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "message", json_string(json_get(args, "message")));
    jsonw_kv_raw(&w, "requestedSchema",
                 "{\"type\":\"object\",\"properties\":{"
                 "\"username\":{\"type\":\"string\",\"description\":\"User's response\"},"
                 "\"email\":{\"type\":\"string\",\"description\":\"User's email address\"}},"
                 "\"required\":[\"username\",\"email\"]}");
    jsonw_object_end(&w);

    const json_value_t *answer;
    if (conformance_ask(ctx, NULL, "elicitation/create", conformance_take_json(ctx, &w), &answer) != 0)
        return 1;
    return conformance_report_elicitation(ctx, "User response: ", answer);
}

MCP_TOOL(test_elicitation, .title = "Elicitation",
         .description = "Asks the user for a username and an email address (elicitation/create) and returns the answer "
                        "(conformance fixture).",
         .input_schema = "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\","
                         "\"description\":\"The message to show the user\"}},"
                         "\"required\":[\"message\"],\"additionalProperties\":false}",
         .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .client_capabilities = "{\"elicitation\":{\"form\":{}}}",
         .handler = elicitation);
