/*
 * apigw_event: API Gateway and Lambda Function URL events in and out.
 *
 * An event is recognised by its shape: payload 2.0 (version "2.0" with requestContext.http) is an HTTP
 * API event, or a Function URL event when its domain is a lambda-url one; payload 1.0 (httpMethod and
 * requestContext) is a REST API proxy event (an HTTP API configured for payload 1.0 looks the same and
 * is answered the same way). The request handed to the core borrows from the parsed event; each format
 * is answered in its own response shape, buffered or as a streaming prelude.
 *
 * The event is AWS's JSON, read as AWS writes it (json_parse_lenient): a client's "?x=%00" or a lone
 * surrogate anywhere in it is data, not a reason to refuse the request. Header values reach the core with
 * their lengths (a NUL byte may be inside; the core compares by length). The MCP body inside the event is
 * not judged here: the core parses it with the strict parser, as it does on the HTTP front door.
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

/*
 * Why an event was not turned into a request: the code, the description for the log, and how the client is
 * answered (HTTP status, JSON-RPC code, message) when the event's shape is known. An event that is not JSON or
 * of no known shape has no response shape to answer in: its invocation fails instead (Runtime.InvalidEvent).
 */
#define APIGW_ERRORS(X)                                                                                                            \
    X(APIGW_ERR_JSON, -1, "the event is not a JSON object", 400, -32600, "Bad Request: malformed event")                           \
    X(APIGW_ERR_SHAPE, -2, "the event is not an API Gateway or Function URL event", 400, -32600, "Bad Request: malformed event")   \
    X(APIGW_ERR_FIELD, -3, "a field of the event is missing or has the wrong type", 400, -32600, "Bad Request: malformed event")   \
    X(APIGW_ERR_BASE64, -4, "the body is marked base64 but is not valid base64", 400, -32600, "Bad Request: malformed event")      \
    X(APIGW_ERR_TOO_LARGE, -5, "the request is larger than a Lambda invocation allows", 413, -32000, "Payload Too Large")          \
    X(APIGW_ERR_HEADERS_TOO_LARGE, -6, "the request's headers are larger than this server accepts", 431, -32000,                   \
      "Request Header Fields Too Large")

enum {
#define APIGW_ERR_ENUM(name, code, text, status, rpc_code, message) name = code,
    APIGW_ERRORS(APIGW_ERR_ENUM)
#undef APIGW_ERR_ENUM
};

const char *apigw_strerror(int err);

/* How a refused event is answered: the HTTP status, the JSON-RPC error code and the client's message (fixed text). */
typedef struct st_apigw_refusal_t {
    int status;
    int rpc_code;
    const char *message;
} apigw_refusal_t;

apigw_refusal_t apigw_refusal(int err);

#define APIGW_MAX_EVENT_BYTES (6u << 20) /* a synchronous invocation's payload limit */
/*
 * The headers' total size, each counted as an HTTP/1.1 header line (name, ": ", value, CRLF), plus the
 * request line (method, path, the payload 2.0 raw query, " HTTP/1.1" CRLF). There is no limit on their
 * number. AWS enforces its own limits before it makes an event: 10,240 bytes of header lines for REST and
 * HTTP APIs (8,000 for a private REST API), and for Function URLs Lambda's 1 MB "total combined size of
 * request line and header values". Ours is the largest of these, so an API Gateway event is never refused
 * for its headers and a Function URL one only past the size Lambda itself allows; beyond it (in practice a
 * hand-made event, a direct Invoke) the answer is 431.
 */
#define APIGW_MAX_HEADER_BYTES (1u << 20)

typedef struct st_apigw_request_t {
    apigw_format_t format;
    mcp_http_request_t req; /* points into the arena, headers included */
    size_t header_bytes;    /* counted as APIGW_MAX_HEADER_BYTES says */
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
