/* test_prompt_with_image: an image message, then a text asking about it (conformance scenario prompts-get-with-image). */
#include "fixtures.h"

static int
get_prompt_with_image(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_prompt_image_base64(ctx, "user", conformance_png_base64, "image/png");
    mcp_prompt_text(ctx, "user", "Please analyze the image above.");
    return 0;
}

MCP_PROMPT(test_prompt_with_image, .title = "Prompt with image",
           .description = "A prompt with an image message followed by a question about it (conformance fixture).",
           .get = get_prompt_with_image);
