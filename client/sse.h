/*
 * sse: an incremental parser for text/event-stream (the WHATWG HTML "server-sent events" format).
 *
 * Bytes are fed as they arrive, split anywhere; complete events are handed to on_event. Lines may end in
 * CRLF, LF or CR (a CR at the end of one feed and an LF at the start of the next are one line end). A
 * leading UTF-8 BOM is skipped; comment lines (": keep-alive") go to on_comment; data: lines are joined
 * with LF; event: sets the type (default "message"); id: sets the last event id, which persists across
 * events; retry: with only digits sets retry_ms. An event with no data: line is not dispatched, and an
 * event still incomplete when the stream ends is discarded, both as the specification says.
 */
#ifndef MCPC_SSE_H
#define MCPC_SSE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct st_mcpc_sse_event_t {
    const char *type; /* "message" unless an event: field said otherwise */
    const char *data; /* NUL-terminated (and data_len long: it may itself hold a NUL) */
    size_t data_len;
    const char *id; /* the last event id seen on this stream, "" if none */
} mcpc_sse_event_t;

/* Both callbacks borrow their arguments for the duration of the call. A non-zero return stops the feed. */
typedef int (*mcpc_sse_on_event_cb)(void *data, const mcpc_sse_event_t *event);
typedef int (*mcpc_sse_on_comment_cb)(void *data, const char *text, size_t len);

typedef struct st_mcpc_sse_parser_t {
    /* public: set before the first feed */
    mcpc_sse_on_event_cb on_event;
    mcpc_sse_on_comment_cb on_comment; /* may be NULL */
    void *cb_data;
    /* read-only */
    int64_t retry_ms; /* the last valid retry: field, -1 if none */
    /* private */
    buf_t _line;
    buf_t _data;
    buf_t _type;
    buf_t _id;
    int _after_cr;
    unsigned _bom_matched; /* bytes of a leading BOM matched so far; 3 once the start is decided */
} mcpc_sse_parser_t;

/* max_event_bytes caps one line and one event's data (each); past it the feed fails with MCPC_ERR_TOO_LARGE. */
void mcpc_sse_init(mcpc_sse_parser_t *p, size_t max_event_bytes);
/* Returns 0, the first non-zero value a callback returned, or MCPC_ERR_TOO_LARGE / MCPC_ERR_NOMEM. */
int mcpc_sse_feed(mcpc_sse_parser_t *p, const char *bytes, size_t len);
void mcpc_sse_dispose(mcpc_sse_parser_t *p);

#endif
