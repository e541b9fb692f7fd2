/*
 * cut_off.c: the deadline cut-off (core.h's mcp_stream_cut_off()), for front doors with a hard deadline
 * (Lambda): shortly before it, every call still running is answered with a tool error saying it was
 * stopped, and whatever it produces later is dropped, so the response is complete in time. A held
 * subscriptions/listen stream ends with its normal final result first.
 */
#include "exchange.h"
#include "jsonrpc.h"
#include "log.h"
#include "subscriptions.h"

#define CUT_OFF_CONTENT "[{\"type\":\"text\",\"text\":\"The tool did not finish before the deadline and was stopped.\"}]"

static void
write_stand_in(jsonw_t *w, const mcp_request_t *req, const json_value_t *id, const char *label)
{
    jsonrpc_begin_result(w, id);
    jsonw_object_begin(w);
    jsonw_key(w, "content");
    jsonw_raw(w, CUT_OFF_CONTENT, sizeof(CUT_OFF_CONTENT) - 1);
    jsonw_kv_bool(w, "isError", 1);
    era_result_end(req, w, NULL); /* resultType and serverInfo for 2026-07-28 clients, as every result */
    jsonrpc_end_result(w);
    log_msg(LOG_WARN, "tool_cut_off", "tool %s was still running at the deadline", label);
}

void
mcp_stream_cut_off(mcp_stream_t *st)
{
    mcp_exchange_t *ex = exchange_from_stream(st);
    subscriptions_end(ex, 1); /* before the exchange's lock: the subscriptions lock comes first */
    exchange_cut_off_calls(ex, write_stand_in);
}
