/*
 * apigw_event: API Gateway and Lambda Function URL events in and out.
 *
 * An event is recognised by its shape: payload 2.0 (version "2.0" with requestContext.http) is an HTTP
 * API event, or a Function URL event when its domain is a lambda-url one; payload 1.0 (httpMethod and
 * requestContext) is a REST API proxy event (an HTTP API configured for payload 1.0 looks the same and
 * is answered the same way). The request handed to the core borrows from the parsed event; each format
 * is answered in its own response shape, buffered or as a streaming prelude.
 */
#ifndef MCP_APIGW_EVENT_H
#define MCP_APIGW_EVENT_H

#include "arena.h"
#include "buf.h"
#include "core.h"

typedef enum en_apigw_format_t {
    APIGW_REST,         /* REST API proxy integration, payload 1.0 */
    APIGW_HTTP,         /* HTTP API, payload 2.0 */
    APIGW_FUNCTION_URL, /* Lambda Function URL (payload 2.0 shape) */
} apigw_format_t;

#define APIGW_ERRORS(X)                                                                                                            \
    X(APIGW_ERR_JSON, -1, "the event is not a JSON object")                                                                        \
    X(APIGW_ERR_SHAPE, -2, "the event is not an API Gateway or Function URL event")                                                \
    X(APIGW_ERR_FIELD, -3, "a field of the event is missing or has the wrong type")                                               \
    X(APIGW_ERR_BASE64, -4, "the body is marked base64 but is not valid base64")                                                  \
    X(APIGW_ERR_TOO_LARGE, -5, "the request is larger than a Lambda invocation allows")

enum {
#define APIGW_ERR_ENUM(name, code, text) name = code,
    APIGW_ERRORS(APIGW_ERR_ENUM)
#undef APIGW_ERR_ENUM
};

const char *apigw_strerror(int err);

#define APIGW_MAX_EVENT_BYTES (6u << 20) /* a synchronous invocation's payload limit */
#define APIGW_MAX_HEADERS 128

typedef struct st_apigw_request_t {
    apigw_format_t format;
    mcp_http_request_t req; /* points into the arena */
    mcp_header_t headers[APIGW_MAX_HEADERS];
    arena_t arena;
} apigw_request_t;

/*
 * Parses an event into out (initialise nothing beforehand; dispose with apigw_request_dispose even on
 * failure). On failure, out->format still tells how to answer when the shape was recognised.
 */
int apigw_parse_event(const char *event, size_t len, apigw_request_t *out);
void apigw_request_dispose(apigw_request_t *r);

/* The buffered response for the format: {"statusCode":..,"headers":{..},"body":"..","isBase64Encoded":false}. */
void apigw_write_response(apigw_format_t format, const mcp_response_t *res, const char *body, size_t body_len, buf_t *out);
/* The streaming response's prelude: the status and headers as JSON, then eight NUL bytes; the body follows. */
void apigw_write_prelude(apigw_format_t format, const mcp_response_t *res, buf_t *out);

#endif
