/*
 * create_counter: a new counter behind a state handle (mcp_state_create()), for clients without a session
 * (2026-07-28); the other tools of the set take it as counter_id. Nothing is stored until the first increment.
 */
#include "counter.h"

#define CREATE_COUNTER_OUTPUT(P)                                                                                                   \
    P(counter_id, STRING,                                                                                                          \
      "The new counter's handle: pass it as counter_id to increment_counter, get_counter, delete_counter "                         \
      "and get_elapsed_time",                                                                                                      \
      .required = 1)                                                                                                               \
    P(count, INTEGER, "The counter's value: 0", .required = 1)
MCP_OUTPUT(create_counter, CREATE_COUNTER_OUTPUT);

static int
create_counter(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    mcp_state_t *st;
    const char *handle;
    int err = mcp_state_create(ctx, COUNTER_IDLE_S, COUNTER_MAX_S, &st, &handle);
    if (err != 0)
        return mcp_state_error(ctx, st, err);
    mcp_textf(ctx, "Created a counter at 0. Its counter_id: %s. " COUNTER_LIFETIME, handle);
    create_counter_output(ctx, &(struct create_counter_output){.counter_id = handle, .count = 0});
    return 0;
}

MCP_TOOL(create_counter, .title = "Create a counter",
         .description = "Creates a counter, at 0, and returns its counter_id, a handle that increment_counter, get_counter, "
                        "delete_counter and get_elapsed_time take. Clients of protocol version 2026-07-28 (which have no "
                        "session) need one; others may use their session's counter instead. " COUNTER_LIFETIME
                        " Only the caller who created it can use it.",
         .output = create_counter_output_rows,
         .annotations = "{\"readOnlyHint\":false,\"destructiveHint\":false,\"idempotentHint\":false,\"openWorldHint\":false}",
         .handler = create_counter);
