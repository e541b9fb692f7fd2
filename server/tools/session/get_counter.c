/* get_counter: the counter of the session or of a counter_id (0 before the first increment). */
#include "counter.h"

#define GET_COUNTER_PARAMS(P) COUNTER_ID_PARAM(P)
MCP_PARAMS(get_counter, GET_COUNTER_PARAMS);

#define GET_COUNTER_OUTPUT(P) P(count, INTEGER, "The counter's value", .required = 1)
MCP_OUTPUT(get_counter, GET_COUNTER_OUTPUT);

static int
get_counter(mcp_ctx_t *ctx, const struct get_counter_params *p)
{
    mcp_state_t *st;
    if (counter_open(ctx, p->counter_id, &st) != 0)
        return 1;
    const json_value_t *value;
    int64_t count = 0;
    int err = mcp_state_get(st, COUNTER_KEY, &value);
    if (err != 0)
        return mcp_state_error(ctx, st, err);
    if (value != NULL && json_int64(value, &count) != 0)
        return mcp_error(ctx, "The counter holds something other than an integer.");
    mcp_textf(ctx, "The counter is %lld.", (long long)count);
    get_counter_output(ctx, &(struct get_counter_output){.count = count});
    return 0;
}

MCP_TOOL_TYPED(get_counter, .title = "Read a counter",
               .description = "Returns a counter's value (0 before its first increment): this session's counter, or the one "
                              "counter_id names (from create_counter; clients of protocol version 2026-07-28 need one).",
               .output = get_counter_output_rows,
               .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}");
