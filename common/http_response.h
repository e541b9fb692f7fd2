/*
 * http_response: an incremental HTTP/1.1 response parser, free of I/O so it can be tested byte by byte.
 *
 * Bytes are fed as they arrive, split anywhere. The head (status line and header fields) is collected
 * until its blank line, then parsed at once; interim 1xx responses are skipped. The body is framed as
 * RFC 9112 section 6.3 says: no body for 1xx, 204 and 304; Transfer-Encoding ending in chunked (chunk
 * extensions and trailer fields are read and ignored); otherwise Content-Length; otherwise everything
 * until the server closes the connection. Bare LF line ends are accepted. Body bytes (de-chunked) go to
 * on_body as they arrive, so a text/event-stream is seen while it streams.
 */
#ifndef MCPC_HTTP_RESPONSE_H
#define MCPC_HTTP_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MCPC_HTTP_MAX_HEAD (64 * 1024)    /* status line and header fields together */
#define MCPC_HTTP_MAX_HEADERS 100         /* header fields per response */
#define MCPC_HTTP_MAX_CHUNK_LINE 4096     /* one chunk-size line with its extensions */
#define MCPC_HTTP_MAX_TRAILER (64 * 1024) /* trailer fields together */

typedef struct st_mcpc_http_header_t {
    const char *name; /* as received (compare case-insensitively) */
    size_t name_len;
    const char *value; /* without surrounding whitespace; obsolete line folding becomes spaces */
    size_t value_len;
} mcpc_http_header_t;

typedef struct st_mcpc_http_response_t {
    int minor_version; /* HTTP/1.x */
    int status;
    const char *reason;
    size_t reason_len;
    mcpc_http_header_t headers[MCPC_HTTP_MAX_HEADERS];
    size_t num_headers;
    int keep_alive; /* the connection may carry another request once this response is complete */
} mcpc_http_response_t;

/*
 * Callbacks: return 0 to go on, a positive value to stop reading (the feed returns it), or a negative
 * error code to fail (the feed returns it). on_head sees the final (non-1xx) head; it and everything it
 * points to stay valid until the parser is disposed. on_body borrows its bytes.
 */
typedef int (*mcpc_http_on_head_cb)(void *data, const mcpc_http_response_t *res);
typedef int (*mcpc_http_on_body_cb)(void *data, const char *bytes, size_t len);

typedef struct st_mcpc_http_parser_t {
    /* public: set before the first feed */
    mcpc_http_on_head_cb on_head; /* may be NULL */
    mcpc_http_on_body_cb on_body; /* may be NULL */
    void *cb_data;
    /* read-only */
    mcpc_http_response_t res; /* valid once on_head was called */
    int done;                 /* the whole response has been parsed */
    size_t bytes_seen;        /* fed so far, for telling "nothing received" from "cut off" */
    /* private */
    int _state;
    int _framing;
    buf_t _head;
    size_t _head_scanned;
    buf_t _line; /* a chunk-size line, a chunk's closing line end, or trailer fields */
    uint64_t _remaining;
} mcpc_http_parser_t;

void mcpc_http_parser_init(mcpc_http_parser_t *p);
/*
 * Feeds bytes. *consumed (optional) is how many were used: fewer than len when the response ended or a
 * callback stopped. Returns 0, a callback's positive value, or a negative error (MCPC_ERR_HTTP_SYNTAX,
 * MCPC_ERR_TOO_LARGE, MCPC_ERR_NOMEM or the callback's).
 */
int mcpc_http_parser_feed(mcpc_http_parser_t *p, const char *bytes, size_t len, size_t *consumed);
/*
 * The server closed the connection. Returns 0 when that completes the response (a body delimited by
 * the close), MCPC_ERR_CLOSED_EARLY when nothing was received, else MCPC_ERR_CLOSED.
 */
int mcpc_http_parser_eof(mcpc_http_parser_t *p);
void mcpc_http_parser_dispose(mcpc_http_parser_t *p);

/* The value of the last header field of that name, or NULL. */
const mcpc_http_header_t *mcpc_http_find_header(const mcpc_http_response_t *res, const char *name);

#endif
