/*
 * test_sampling: asks the client's LLM (sampling/createMessage) and returns "LLM response: <its text>"
 * (conformance scenario tools-call-sampling). It waits for the client, so it runs on a worker thread.
 */
#include "mcp.h"

#define TEST_SAMPLING_PARAMS(P) P(prompt, STRING, "The prompt to send to the LLM", .required = 1)
MCP_PARAMS(test_sampling, TEST_SAMPLING_PARAMS);

static int
test_sampling(mcp_ctx_t *ctx, const struct test_sampling_params *p)
{
    const char *text;
    if (mcp_sample(ctx, NULL, p->prompt, 100, &text) != 0)
        return 1;
    if (text == NULL)
        return mcp_error(ctx, "The client's sampling answer has no text content.");
    mcp_textf(ctx, "LLM response: %s", text);
    return 0;
}

MCP_TOOL_TYPED(test_sampling, .title = "Sampling",
               .description = "Asks the client's LLM (sampling/createMessage) and returns its reply (conformance fixture).",
               .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .client_capabilities = "{\"sampling\":{}}");
