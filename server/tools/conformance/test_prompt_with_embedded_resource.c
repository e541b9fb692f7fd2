/*
 * test_prompt_with_embedded_resource: a message embedding a text resource under the URI the client
 * names, then a text message (conformance scenario prompts-get-embedded-resource).
 */
#include "mcp.h"

static const mcp_prompt_arg_t arguments[] = {
    {.name = "resourceUri", .description = "URI of the resource to embed", .required = 1},
    {NULL},
};

static int
get_prompt_with_embedded_resource(mcp_ctx_t *ctx, const json_value_t *args)
{
    mcp_prompt_resource_text(ctx, "user", json_string(json_get(args, "resourceUri")), "text/plain",
                             "Embedded resource content for testing.");
    mcp_prompt_text(ctx, "user", "Please process the embedded resource above.");
    return 0;
}

MCP_PROMPT(test_prompt_with_embedded_resource, .title = "Prompt with embedded resource",
           .description = "A prompt that embeds a text resource under the given URI (conformance fixture).", .arguments = arguments,
           .get = get_prompt_with_embedded_resource);
