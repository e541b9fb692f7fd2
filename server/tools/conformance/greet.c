/*
 * greet: the tasks extension scenarios' synchronous tool (SEP-2663 fixture): it never runs as a task, with
 * or without the extension, and a legacy `task` param does not make it one. Its C name is conformance_greet,
 * so that the README's own greet example (server/tools/default/greet.c) can sit beside it in the tree.
 */
#include "mcp.h"

#define CONFORMANCE_GREET_PARAMS(P) P(name, STRING, "Who to greet", .required = 1, .max_length = 200)
MCP_PARAMS(conformance_greet, CONFORMANCE_GREET_PARAMS);

static int
conformance_greet(mcp_ctx_t *ctx, const struct conformance_greet_params *p)
{
    mcp_textf(ctx, "Hello, %s!", p->name);
    return 0;
}

MCP_TOOL_TYPED(conformance_greet, .name = "greet", .title = "Greet",
               .description = "Greets someone by name, at once (conformance fixture).",
               .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .nonblocking = 1);
