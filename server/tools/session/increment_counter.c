/* increment_counter: adds to the counter of the session or of a counter_id, atomically (no increment is lost). */
#include "counter.h"

#define INCREMENT_COUNTER_PARAMS(P)                                                                                                \
    COUNTER_ID_PARAM(P)                                                                                                            \
    P(by, INTEGER, "How much to add (negative subtracts)", .def = "1", .minimum = "-1000000000", .maximum = "1000000000")
MCP_PARAMS(increment_counter, INCREMENT_COUNTER_PARAMS);

#define INCREMENT_COUNTER_OUTPUT(P) P(count, INTEGER, "The counter's value after the increment", .required = 1)
MCP_OUTPUT(increment_counter, INCREMENT_COUNTER_OUTPUT);

static int
increment_counter(mcp_ctx_t *ctx, const struct increment_counter_params *p)
{
    mcp_state_t *st;
    if (counter_open(ctx, p->counter_id, &st) != 0)
        return 1;
    int64_t count;
    int err = mcp_state_increment(st, COUNTER_KEY, p->by, &count);
    if (err != 0)
        return mcp_state_error(ctx, st, err);
    mcp_textf(ctx, "The counter is now %lld.", (long long)count);
    increment_counter_output(ctx, &(struct increment_counter_output){.count = count});
    return 0;
}

#define INCREMENT_COUNTER_ANNOTATIONS                                                                                              \
    "{\"readOnlyHint\":false,\"destructiveHint\":false,\"idempotentHint\":false,\"openWorldHint\":false}"

MCP_TOOL_TYPED(increment_counter, .title = "Increment a counter",
               .description = "Adds 1 (or `by`) to a counter and returns its new value: this session's counter, or the one "
                              "counter_id names (from create_counter; clients of protocol version 2026-07-28 need one). "
                              "Concurrent increments are never lost.",
               .output = increment_counter_output_rows, .annotations = INCREMENT_COUNTER_ANNOTATIONS);
