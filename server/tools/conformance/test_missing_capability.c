/*
 * test_missing_capability: a tool that cannot work without sampling (conformance scenario
 * server-stateless). It declares so, and a 2026-07-28 request whose _meta does not list sampling is
 * refused with -32021 and HTTP 400 before the tool runs; a client that has sampling gets the model's
 * answer.
 */
#include "fixtures.h"

static int
missing_capability(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *reply;
    if (mcp_ask(ctx, NULL, "sampling/createMessage",
                "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"Say hello.\"}}],"
                "\"maxTokens\":20}",
                &reply) != 0)
        return 1;
    mcp_textf(ctx, "The client can sample (model %s).", json_string(json_get(reply, "model")) ?: "unknown");
    return 0;
}

MCP_TOOL(test_missing_capability, .title = "Needs sampling",
         .description = "Needs the client's sampling capability: refused with -32021 when a request does not declare it "
                        "(conformance fixture).",
         .client_capabilities = "{\"sampling\":{}}", .annotations = "{\"readOnlyHint\":true}", .handler = missing_capability);
