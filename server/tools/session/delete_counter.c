/* delete_counter: ends a counter_id (mcp_state_end()): its value is gone and the handle is refused from then on. */
#include "counter.h"

#define DELETE_COUNTER_PARAMS(P)                                                                                                   \
    P(counter_id, STRING, "The counter's handle, from create_counter", .required = 1, .min_length = 1, .max_length = 256)
MCP_PARAMS(delete_counter, DELETE_COUNTER_PARAMS);

static int
delete_counter(mcp_ctx_t *ctx, const struct delete_counter_params *p)
{
    mcp_state_t *st;
    int err = mcp_state_open(ctx, p->counter_id, &st);
    if (err == 0)
        err = mcp_state_end(st);
    if (err != 0)
        return mcp_state_error(ctx, st, err);
    mcp_text(ctx, "The counter is deleted; its counter_id no longer works.");
    return 0;
}

MCP_TOOL_TYPED(delete_counter, .title = "Delete a counter",
               .description = "Deletes the counter a counter_id names (from create_counter): its value is gone and the "
                              "counter_id is refused from then on. (A session's own counter ends with the session.)",
               .annotations = "{\"readOnlyHint\":false,\"destructiveHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}");
