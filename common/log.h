/*
 * log: structured logging, one JSON object per line on stderr (CloudWatch Logs Insights reads the fields).
 *
 * Every line has ts, level and event; the thread's request id (set by a front door for the duration of
 * one request or invocation) is added as requestId. Callers add fields through the line's JSON writer
 * and must never add a request body, a token or a secret.
 *
 *     log_line_t l;
 *     if (log_begin(&l, LOG_INFO, "request")) {
 *         jsonw_kv_string(&l.w, "method", method);
 *         log_end(&l);
 *     }
 */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdint.h>

#include "buf.h"
#include "jsonw.h"

typedef enum en_log_level_t { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level_t;

typedef struct st_log_line_t {
    buf_t buf;
    jsonw_t w;
    log_level_t level;
    const char *event;
    const char *request_id; /* the line's ("": none), until log_end */
    /* a buffering thread writes the line straight into its pending lines, from this offset on (no malloc, no copy) */
    size_t start;
    int in_pending;
} log_line_t;

void log_set_level(log_level_t level);
/* Parses "debug", "info", "warn" or "error"; returns 0 or -1. */
int log_parse_level(const char *s, log_level_t *out);
/* The id added to every line this thread writes; NULL clears it. The string is not copied: it must stay as it is
 * until the id is cleared or replaced (each caller sets it for a request or an invocation that holds it). */
void log_set_request_id(const char *id);
const char *log_request_id(void);
/* The trace id (X-Ray) added to every line this thread writes, as traceId; NULL clears it. */
void log_set_trace_id(const char *id);
/*
 * Buffering, per thread: with it on, debug and info lines wait in the thread's buffer until log_flush()
 * (a worker flushes at the end of a job, Lambda after each invocation), log_flush_due() (an event loop, after each
 * turn) or until 64 KiB wait; warnings and errors go out at once, after what waits. Each flush is one write, so
 * lines from several threads never interleave. Off by default.
 */
void log_set_buffered(int on);
void log_flush(void);
/*
 * For an event loop, after each turn: writes the waiting lines once they have waited max_wait_ms (counted from the
 * first call that found them waiting), so a busy loop writes a batch every few milliseconds rather than every turn.
 * Returns the milliseconds until the lines still waiting are due (the loop's longest sleep), or -1 when none wait.
 */
long log_flush_due(unsigned max_wait_ms);
/* Returns 1 and starts a line when level is enabled, else 0 (and nothing needs ending). */
int log_begin(log_line_t *l, log_level_t level, const char *event);
/* Starts a line whatever the configured level: for the few lines operators and tools always need (startup). */
void log_begin_always(log_line_t *l, log_level_t level, const char *event);
void log_end(log_line_t *l);
/*
 * The access-log line of one HTTP request, at info: event "request" with requestId rid (NULL: none), rpcMethod and
 * tool (each left out when NULL), status, and durationMs with three decimals. Written in one go: it runs per request.
 * wall_ms is the line's time in milliseconds since the epoch, for an event loop that has read the clock for its turn
 * already (as h2o's and nginx's access logs do); -1 reads the clock.
 */
void log_request(const char *rid, const char *rpc_method, const char *tool, int status, int64_t duration_us, int64_t wall_ms);
/* A line with a "message" field. */
void log_msg(log_level_t level, const char *event, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
