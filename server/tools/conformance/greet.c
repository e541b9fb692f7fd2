/*
 * greet: the tasks extension scenarios' synchronous tool (SEP-2663 fixture): it never runs as a task, with
 * or without the extension, and a legacy `task` param does not make it one.
 */
#include "mcp.h"

#define GREET_PARAMS(P) P(name, STRING, "Who to greet", .required = 1, .max_length = 200)
MCP_PARAMS(greet, GREET_PARAMS);

static int
greet(mcp_ctx_t *ctx, const struct greet_params *p)
{
    mcp_textf(ctx, "Hello, %s!", p->name);
    return 0;
}

MCP_TOOL_TYPED(greet, .title = "Greet", .description = "Greets someone by name, at once (conformance fixture).",
               .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .nonblocking = 1);
