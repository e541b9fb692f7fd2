/* test_simple_prompt: one fixed user message (conformance scenario prompts-get-simple). */
#include "mcp.h"

static int
get_simple_prompt(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_prompt_text(ctx, "user", "This is a simple prompt for testing.");
    return 0;
}

MCP_PROMPT(test_simple_prompt, .title = "Simple prompt", .description = "A prompt without arguments (conformance fixture).",
           .get = get_simple_prompt);
