/*
 * test_input_required_result_sampling: asks the client's model for the capital of France under the key
 * "capital_question" and returns its answer (conformance scenario input-required-result-basic-sampling).
 */
#include <string.h>

#include "fixtures.h"

static int
input_required_sampling(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *reply;
    if (mcp_ask(ctx, "capital_question", "sampling/createMessage",
                "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"What is the capital of "
                "France?\"}}],\"maxTokens\":100}",
                &reply) != 0)
        return 1;
    const json_value_t *content = json_get(reply, "content");
    const char *type = json_string(json_get(content, "type"));
    const char *text = type != NULL && strcmp(type, "text") == 0 ? json_string(json_get(content, "text")) : NULL;
    if (text == NULL)
        return mcp_error(ctx, "The client's sampling answer has no text content.");
    mcp_textf(ctx, "The model says: %s", text);
    return 0;
}

MCP_TOOL(test_input_required_result_sampling, .title = "Input required: sampling",
         .description = "Asks the client's model a question (sampling, key capital_question) and returns the answer "
                        "(conformance fixture).",
         .client_capabilities = "{\"sampling\":{}}", .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}",
         .handler = input_required_sampling);
