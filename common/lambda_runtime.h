/*
 * lambda_runtime: a client of the AWS Lambda Runtime API (version 2018-06-01), for custom runtimes.
 *
 * The runtime loop is: lambda_runtime_next() (blocks until an invocation arrives; deliberately no
 * timeout, since Lambda freezes the process between invocations), then exactly one of
 * lambda_runtime_respond(), lambda_runtime_report_error(), or the streaming trio begin/write/end.
 * Configuration problems at start-up go to lambda_runtime_report_init_error(), after which the
 * process should exit. One connection to the Runtime API is kept alive and re-opened when needed; answers
 * are read with the shared HTTP/1.1 response parser (http_response.h).
 * Not thread-safe: one runtime object belongs to the thread running the loop.
 */
#ifndef COMMON_LAMBDA_RUNTIME_H
#define COMMON_LAMBDA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#define LAMBDA_ERRORS(X)                                                                                                           \
    X(LAMBDA_ERR_CONFIG, -1, "AWS_LAMBDA_RUNTIME_API is not host:port")                                                            \
    X(LAMBDA_ERR_CONNECT, -2, "cannot connect to the Runtime API")                                                                 \
    X(LAMBDA_ERR_IO, -3, "connection to the Runtime API failed")                                                                   \
    X(LAMBDA_ERR_PROTOCOL, -4, "malformed answer from the Runtime API")                                                            \
    X(LAMBDA_ERR_STATUS, -5, "the Runtime API refused the request")                                                                \
    X(LAMBDA_ERR_TOO_LARGE, -6, "the event is larger than the runtime accepts")                                                    \
    X(LAMBDA_ERR_NOMEM, -7, "out of memory")

enum {
#define LAMBDA_ERR_ENUM(name, code, text) name = code,
    LAMBDA_ERRORS(LAMBDA_ERR_ENUM)
#undef LAMBDA_ERR_ENUM
};

const char *lambda_strerror(int err);

#define LAMBDA_MAX_EVENT_BYTES (7u << 20) /* invocation payloads are at most 6 MB */

typedef struct st_lambda_runtime_t {
    char host[256];
    char port[8];
    char authority[272]; /* the Host header: host:port, an IPv6 address in brackets */
    int fd;              /* -1 when not connected */
    int last_status;     /* HTTP status of the last Runtime API answer */
    int streaming;       /* between stream_begin and stream_end */
} lambda_runtime_t;

typedef struct st_lambda_invocation_t {
    char request_id[128];
    int64_t deadline_ms; /* wall clock, ms since the epoch; 0 if not given */
    char function_arn[256];
    char trace_id[512];
    char client_context[4096]; /* Lambda-Runtime-Client-Context: the Invoke call's client context, JSON; "" if none */
    char *event;               /* malloc'd, NUL-terminated */
    size_t event_len;
} lambda_invocation_t;

/* api is the value of AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001"). */
int lambda_runtime_init(lambda_runtime_t *rt, const char *api);
void lambda_runtime_dispose(lambda_runtime_t *rt);

/* Waits for the next invocation. On success the caller owns inv (lambda_invocation_dispose). */
int lambda_runtime_next(lambda_runtime_t *rt, lambda_invocation_t *inv);
void lambda_invocation_dispose(lambda_invocation_t *inv);

/* Sends the invocation's whole response. LAMBDA_ERR_STATUS with last_status 413 means it was too large. */
int lambda_runtime_respond(lambda_runtime_t *rt, const char *request_id, const char *body, size_t len);
/* Reports a failed invocation: error_type such as "Runtime.InvalidEvent", a human-readable message. */
int lambda_runtime_report_error(lambda_runtime_t *rt, const char *request_id, const char *error_type, const char *message);
/* Reports a failed initialisation (bad configuration); the process should exit afterwards. */
int lambda_runtime_report_init_error(lambda_runtime_t *rt, const char *error_type, const char *message);

/*
 * Streaming response mode (InvokeWithResponseStream: a Function URL with RESPONSE_STREAM, or an API
 * Gateway REST integration with responseTransferMode STREAM). begin sends the request head, write
 * sends one chunk as soon as it is called, end finishes the body; if error_type is not NULL the
 * failure travels in the Lambda-Runtime-Function-Error-Type/-Body trailers, the only way to report
 * an error once bytes have been sent.
 */
int lambda_runtime_stream_begin(lambda_runtime_t *rt, const char *request_id, const char *content_type);
int lambda_runtime_stream_write(lambda_runtime_t *rt, const void *data, size_t len);
int lambda_runtime_stream_end(lambda_runtime_t *rt, const char *error_type, const char *message);

#endif
