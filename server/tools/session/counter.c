/* counter.c: opening the counter a call of the session set names (see counter.h). */
#include "counter.h"

int
counter_open(mcp_ctx_t *ctx, const char *counter_id, mcp_state_t **st)
{
    int err = mcp_state_open(ctx, counter_id, st);
    if (err == 0)
        return 0;
    if (err == MCP_STATE_ENOSCOPE)
        return mcp_error(ctx, "This client has no session (protocol version 2026-07-28 has none): call create_counter first and "
                              "pass the counter_id it returns.");
    return mcp_state_error(ctx, *st, err);
}
