/*
 * exchange.h: one HTTP request and its response, the object every thread touches. Opaque: this header is
 * the whole of what other files may do with it.
 *
 * What it holds: the parsed request (request.h) in an arena, and the messages the request produced
 * (responses to its JSON-RPC requests, notifications, server-to-client requests), collected until
 * mcp_handle() turns them into a JSON body, an SSE body, or a stream the front door reads over time
 * (core.h's mcp_stream_t is an exchange seen from outside).
 *
 * Lifetime: reference-counted. mcp_handle() creates it with one reference, the front door's, which it
 * keeps while it reads the stream (mcp_stream_release()) and which finishing a complete response drops.
 * Every call that answers later (a tool on a worker, a held subscriptions/listen stream) holds another,
 * from exchange_begin_call() to its end. A call may therefore outlive the HTTP request: it keeps reading
 * the request while the front door has long gone (mcp_stream_release()); what it adds after that is
 * dropped, and it learns so from exchange_released(). A call whose result goes somewhere other than the
 * response (a task store) ends with exchange_end_call() and writes its result there.
 *
 * Threads: exchange_new(), exchange_finish() and the mcp_stream_* functions of core.h run on the front
 * door's thread; everything else may run on any thread.
 *
 * Waits: a call on a worker that waits (for a client's answer, in mcp_sleep(), between polls of a shared
 * store) waits on its exchange (exchange_call_wait()), so that the front door's release, the deadline
 * cut-off, an answer arriving and shutdown all wake it at once; nothing polls the clock.
 *
 * Lock order, the whole of it (a lock is only ever taken while holding locks above it in this list):
 *   1. the server's subscriptions lock (subscriptions.c), held while listen streams are added to; the
 *      worker pool's lock (workers.c), held while running jobs are woken at shutdown; the pending-answers
 *      lock (client_requests.c), held while a waiting call is woken;
 *   2. an exchange's lock (exchange.c);
 *   3. the front door's own locks, taken by the notify callback it registered (http_server.c: its stream
 *      state lock, then h2o's multithread queue mutex; lambda_server.c: its wake-up lock).
 * The admission counters (admission.c) are atomics and take no lock.
 */
#ifndef MCP_EXCHANGE_H
#define MCP_EXCHANGE_H

#include <stddef.h>

#include "buf.h"
#include "core.h"
#include "json.h"
#include "request.h"

typedef struct st_mcp_exchange_t mcp_exchange_t;
typedef struct st_exchange_call_t exchange_call_t;

/* A new exchange for http (whose headers and body are borrowed until exchange_finish()); NULL when out of memory. */
mcp_exchange_t *exchange_new(mcp_server_t *s, const mcp_http_request_t *http);
/* Frees the exchange kept for reuse, if any (at the end, so that nothing is left allocated). */
void exchange_drop_spare(void);
/* The parsed request: filled in by mcp_handle(), read-only afterwards. */
mcp_request_t *exchange_request(mcp_exchange_t *ex);
void exchange_retain(mcp_exchange_t *ex);
void exchange_release(mcp_exchange_t *ex);
/* The exchange a stream handle stands for, and back (core.h's mcp_stream_t). */
mcp_exchange_t *exchange_from_stream(mcp_stream_t *st);

/* A complete response to one of the request's messages (any thread). */
void exchange_add_response(mcp_exchange_t *ex, const char *json, size_t len);
/* The same, taking b's memory when it can (else copying it); b is left empty. */
void exchange_add_response_buf(mcp_exchange_t *ex, buf_t *b);
/* A notification or a server-to-client request, sent on the response stream (any thread). */
void exchange_add_message(mcp_exchange_t *ex, const char *json, size_t len);
/* Whether the front door is done with the response (sent, or the client went away); any thread, lock-free. */
int exchange_released(const mcp_exchange_t *ex);

/*
 * Registers a call that answers after mcp_handle() returns; it holds a reference to the exchange until it
 * ends. id is the request's id (in the exchange's arena), label names the call in log lines (a tool name).
 * Returns NULL when out of memory.
 */
exchange_call_t *exchange_begin_call(mcp_exchange_t *ex, const json_value_t *id, const char *label);
/* Adds the call's response, unless it was cut off (its stand-in was sent instead), and ends it. */
void exchange_complete_call(exchange_call_t *call, const char *json, size_t len);
/* Ends the call without a response (its result went elsewhere, or nobody is left to read it). */
void exchange_end_call(exchange_call_t *call);
/* Whether the call was cut off at the deadline (its answer is already sent); any thread, lock-free. */
int exchange_call_cut_off(const exchange_call_t *call);
/*
 * Waiting on a call. A waiter reads exchange_call_wakes(), checks what it waits for, then calls
 * exchange_call_wait() with the count it read: the wait returns at once if the call was woken since, and
 * otherwise when exchange_call_wake() is called, the front door releases the exchange, the call is cut
 * off, or the monotonic clock reaches until_mono_ms (0: no limit). The waiter then checks again.
 */
unsigned exchange_call_wakes(exchange_call_t *call);
void exchange_call_wait(exchange_call_t *call, unsigned seen, int64_t until_mono_ms);
void exchange_call_wake(exchange_call_t *call);
mcp_exchange_t *exchange_call_exchange(const exchange_call_t *call);

/*
 * Cuts off every call still running: each is answered with what write_stand_in writes for it (a complete
 * response to id, with w) and marked cut off, so that its own result is dropped when it comes. Runs
 * write_stand_in with the exchange's lock held: it must only write.
 */
void exchange_cut_off_calls(mcp_exchange_t *ex, void (*write_stand_in)(jsonw_t *w, const mcp_request_t *req, const json_value_t *id,
                                                                       const char *label));

/*
 * Turns what the request's messages produced into the HTTP response: a stream when calls still run,
 * otherwise 202 (nothing to answer), an SSE body (notifications came too), a JSON array (a batch) or a
 * JSON object. Drops the front door's reference unless the response is a stream.
 */
void exchange_finish(mcp_exchange_t *ex, int is_batch, mcp_response_t *res);

#endif
