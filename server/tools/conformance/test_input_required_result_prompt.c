/*
 * test_input_required_result_prompt: a prompt that needs the user's input first (conformance scenario
 * input-required-result-non-tool-request): it asks for the context to use under the key "user_context"
 * and renders it. Under 2026-07-28 prompts/get answers InputRequiredResult like tools/call; a legacy
 * prompts/get cannot ask the client (prompts are rendered on the front door's thread).
 */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

static int
get_input_required_prompt(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *context;
    if (conformance_elicit(ctx, "user_context", "What context should the prompt use?", "context", "string", &context) != 0)
        return 1;
    const char *text = json_string(context);
    size_t size = 64 + (text != NULL ? strlen(text) : 0);
    char *message = mcp_alloc(ctx, size);
    if (message == NULL)
        return 1;
    snprintf(message, size, "Answer with this context in mind: %s", text != NULL ? text : "(none given)");
    mcp_prompt_text(ctx, "user", message);
    return 0;
}

MCP_PROMPT(test_input_required_result_prompt, .title = "Input required: prompt",
           .description = "Asks the user for context (elicitation, key user_context) before rendering (conformance fixture).",
           .get = get_input_required_prompt);
