/*
 * get_elapsed_time: the current UTC time and how long since it was last asked in this session (or for this
 * counter_id). The default set's get_time only tells the time; the two names differ because tool names are
 * global across the enabled sets.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "counter.h"

#define LAST_ASKED_KEY "lastAskedAtMs"

#define GET_ELAPSED_TIME_PARAMS(P) COUNTER_ID_PARAM(P)
MCP_PARAMS(get_elapsed_time, GET_ELAPSED_TIME_PARAMS);

#define GET_ELAPSED_TIME_OUTPUT(P)                                                                                                 \
    P(utc, STRING, "The current UTC time, ISO 8601 to the millisecond", .required = 1, .format = "date-time")                      \
    P(secondsSinceLastAsked, NUMBER,                                                                                               \
      "Seconds since this tool was last asked in this session or for this counter_id; absent "                                     \
      "the first time",                                                                                                            \
      .minimum = "0")
MCP_OUTPUT(get_elapsed_time, GET_ELAPSED_TIME_OUTPUT);

static int
get_elapsed_time(mcp_ctx_t *ctx, const struct get_elapsed_time_params *p)
{
    struct timespec ts;
    struct tm tm;
    char seconds[sizeof("-2147483648-12-31T23:59:59")], utc[sizeof(seconds) + 8], ms_text[24];
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL ||
        strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        return mcp_error(ctx, "The server's clock is unavailable.");
    int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    snprintf(utc, sizeof(utc), "%s.%03dZ", seconds, (int)(now_ms % 1000));
    mcp_state_t *st;
    if (counter_open(ctx, p->counter_id, &st) != 0)
        return 1;
    const json_value_t *last;
    int64_t last_ms;
    int err = mcp_state_get(st, LAST_ASKED_KEY, &last);
    snprintf(ms_text, sizeof(ms_text), "%" PRId64, now_ms);
    if (err == 0)
        err = mcp_state_set(st, LAST_ASKED_KEY, ms_text);
    if (err != 0)
        return mcp_state_error(ctx, st, err);
    struct get_elapsed_time_output out = {.utc = utc};
    if (last != NULL && json_int64(last, &last_ms) == 0 && last_ms <= now_ms) {
        out.secondsSinceLastAsked = (double)(now_ms - last_ms) / 1000;
        out.has.secondsSinceLastAsked = 1;
        mcp_textf(ctx, "It is %s; you last asked %.3f seconds ago.", utc, out.secondsSinceLastAsked);
    } else {
        mcp_textf(ctx, "It is %s; this is the first time you ask.", utc);
    }
    get_elapsed_time_output(ctx, &out);
    return 0;
}

#define GET_ELAPSED_TIME_ANNOTATIONS                                                                                               \
    "{\"readOnlyHint\":false,\"destructiveHint\":false,\"idempotentHint\":false,\"openWorldHint\":false}"

MCP_TOOL_TYPED(get_elapsed_time, .title = "Time, and time since last asked",
               .description = "Returns the current UTC time and how many seconds have passed since this tool was last asked "
                              "in this session, or for the counter_id given (from create_counter; clients of protocol "
                              "version 2026-07-28 need one).",
               .output = get_elapsed_time_output_rows, .annotations = GET_ELAPSED_TIME_ANNOTATIONS);
