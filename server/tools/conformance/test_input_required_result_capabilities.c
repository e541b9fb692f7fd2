/*
 * test_input_required_result_capabilities: asks only what the client declared it can answer (conformance
 * scenario input-required-result-capability-check): sampling, elicitation and roots questions, each only
 * when the request's capabilities list it. A legacy request carries no capabilities on a stateless
 * server, so there the tool asks nothing.
 */
#include "fixtures.h"

static int
input_required_capabilities(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *caps = mcp_client_capabilities(ctx);
    if (caps == NULL) {
        mcp_text(ctx, "This request does not carry the client's capabilities, so nothing was asked.");
        return 0;
    }
    const json_value_t *sample = NULL, *name = NULL, *roots = NULL;
    int pending = 0;
    if (json_get(caps, "sampling") != NULL)
        pending |= mcp_ask(ctx, "sample", "sampling/createMessage",
                           "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"Say hello.\"}}],"
                           "\"maxTokens\":20}",
                           &sample);
    if (json_get(caps, "elicitation") != NULL)
        pending |= conformance_elicit(ctx, "user_name", "What is your name?", "name", "string", &name);
    if (json_get(caps, "roots") != NULL)
        pending |= mcp_ask(ctx, "client_roots", "roots/list", "{}", &roots);
    if (pending)
        return 1;
    mcp_textf(ctx, "Asked what the client declared: sampling %s, elicitation %s, roots %s.",
              sample != NULL ? "answered" : "not asked", json_get(caps, "elicitation") != NULL ? "answered" : "not asked",
              roots != NULL ? "answered" : "not asked");
    return 0;
}

MCP_TOOL(test_input_required_result_capabilities, .title = "Input required: declared capabilities only",
         .description = "Asks the client only what its declared capabilities allow (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true}", .handler = input_required_capabilities);
