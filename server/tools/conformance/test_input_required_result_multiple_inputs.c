/*
 * test_input_required_result_multiple_inputs: three independent questions at once, an elicitation
 * ("user_name"), a sampling request ("greeting") and roots/list ("client_roots"), answered together in
 * one retry (conformance scenario input-required-result-multiple-input-requests). Every question is
 * asked before any answer is looked at, so a 2026-07-28 client gets all three in one round.
 */
#include <string.h>

#include "fixtures.h"

static int
input_required_multiple_inputs(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *name, *greeting, *roots;
    int pending = conformance_elicit(ctx, "user_name", "What is your name?", "name", "string", &name);
    pending |= mcp_ask(ctx, "greeting", "sampling/createMessage",
                       "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"Generate a "
                       "greeting\"}}],\"maxTokens\":50}",
                       &greeting);
    pending |= mcp_ask(ctx, "client_roots", "roots/list", "{}", &roots);
    if (pending)
        return 1;
    const json_value_t *content = json_get(greeting, "content");
    const char *text = json_string(json_get(content, "text"));
    const json_value_t *list = json_get(roots, "roots");
    mcp_textf(ctx, "%s, %s! (%zu root(s))", text != NULL ? text : "Hello", json_string(name) ?: "whoever you are",
              list != NULL && list->type == JSON_ARRAY ? list->u.arr.len : 0);
    return 0;
}

MCP_TOOL(test_input_required_result_multiple_inputs, .title = "Input required: several questions",
         .description = "Asks an elicitation, a sampling request and roots/list at once and combines the answers "
                        "(conformance fixture).",
         .client_capabilities = "{\"elicitation\":{\"form\":{}},\"sampling\":{},\"roots\":{}}",
         .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .handler = input_required_multiple_inputs);
