/*
 * multi_input: two questions at once (SEP-2663 fixture): as a task it waits in input_required with both,
 * and goes on only once tasks/update has answered each (one at a time is fine).
 */
#include "fixtures.h"

static int
multi_input(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *first, *second;
    int pending = conformance_elicit(ctx, "first", "First name?", "name", "string", &first);
    pending |= conformance_elicit(ctx, "second", "Second name?", "name", "string", &second);
    if (pending)
        return 1;
    mcp_textf(ctx, "Got %s and %s.", json_string(first) ?: "nobody", json_string(second) ?: "nobody");
    return 0;
}

MCP_TOOL(multi_input, .title = "Two questions",
         .description = "Asks two questions at once, then combines the answers (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = multi_input,
         .task_support = MCP_TASK_OPTIONAL);
