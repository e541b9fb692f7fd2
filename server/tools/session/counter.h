/*
 * counter.h: what the session set's tools share: the lifetime of the handles create_counter makes (stated in
 * the tools' descriptions from the same text), and opening the counter a call names.
 */
#ifndef SESSION_COUNTER_H
#define SESSION_COUNTER_H

#include "mcp.h"

#define COUNTER_IDLE_S 3600
#define COUNTER_MAX_S 86400
#define COUNTER_LIFETIME "A counter_id lasts 1 hour after its last use, and 24 hours after it was created at the latest."
#define COUNTER_KEY "count"

/* The counter_id parameter, the same in every tool that takes one. */
#define COUNTER_ID_PARAM(P)                                                                                                        \
    P(counter_id, STRING,                                                                                                          \
      "The counter's handle, from create_counter. Needed by clients of protocol version 2026-07-28, which have no session; "       \
      "without it, the call uses this session's counter",                                                                          \
      .min_length = 1, .max_length = 256)

/*
 * The scope a call works in: the handle's, or the session's when counter_id is NULL. Returns 0, or 1 after
 * making the failure the tool's isError result, in words that say what to do (`return counter_open(...)`).
 */
int counter_open(mcp_ctx_t *ctx, const char *counter_id, mcp_state_t **st);

#endif
