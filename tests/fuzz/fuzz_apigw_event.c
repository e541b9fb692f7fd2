/*
 * fuzz_apigw_event: a libFuzzer target over the Lambda front door's reading of API Gateway and Function URL events
 * (server/lambda/apigw_event.c) and what follows from it, as server/lambda/lambda_server.c does: the input is the
 * event; a parsed one goes into mcp_handle() (with fuzz_core.h's checks) and its response is written in the
 * event's format, buffered and as a streaming prelude; a refused one is answered as its refusal says. Checked:
 *   - a result is 0 or a known APIGW_ERR_*, and a refusal of a recognised shape maps to an HTTP status;
 *   - a parsed request has a method and a path, headers within APIGW_MAX_HEADER_BYTES as header_bytes counts them,
 *     and every header is there with its length (a NUL inside a value is data);
 *   - the event is read as AWS writes it: any JSON object within 64 levels (json_parse_lenient: a NUL or a lone
 *     surrogate escape is data) is never refused as "not JSON";
 *   - what is written back is valid JSON (buffered) or JSON followed by eight NUL bytes (the prelude).
 * Build and run: tests/fuzz/run.sh SECONDS apigw_event.
 */
#include <stdint.h>

#include "apigw_event.h"
#include "fuzz_core.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_core_init();
    return 0;
}

static int
known_error(int err)
{
    return strcmp(apigw_strerror(err), apigw_strerror(1)) != 0;
}

static void
check_request(const apigw_request_t *ar)
{
    const mcp_http_request_t *r = &ar->req;
    fuzz_require(r->method != NULL && r->method_len != 0 && r->path != NULL, "a request has a method and a path");
    fuzz_require(ar->header_bytes <= APIGW_MAX_HEADER_BYTES, "headers within the limit");
    size_t counted = 0;
    for (size_t i = 0; i != r->num_headers; ++i) {
        fuzz_require(r->headers[i].name != NULL && r->headers[i].value != NULL, "a header has a name and a value");
        counted += r->headers[i].name_len + r->headers[i].value_len + 4;
    }
    fuzz_require(counted <= ar->header_bytes, "header_bytes counts every header line");
    fuzz_require(r->body != NULL || r->body_len == 0, "a body has its bytes");
}

static void
check_written(apigw_format_t format, const mcp_response_t *res, const char *body, size_t body_len)
{
    buf_t out = BUF_INIT(0);
    apigw_write_response(format, res, body, body_len, &out);
    fuzz_require(!buf_failed(&out) && fuzz_core_is_json(out.data, out.len), "a buffered response is JSON");
    buf_reset(&out);
    apigw_write_prelude(format, res, &out);
    fuzz_require(!buf_failed(&out) && out.len > 8 && memcmp(out.data + out.len - 8, "\0\0\0\0\0\0\0\0", 8) == 0,
                 "a prelude ends in eight NUL bytes");
    fuzz_require(fuzz_core_is_json(out.data, out.len - 8), "a prelude is JSON");
    buf_dispose(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apigw_request_t ar;
    int err = apigw_parse_event((const char *)data, size, &ar);
    fuzz_require(err == 0 || known_error(err), "every result is a known code");
    arena_t arena;
    arena_init(&arena, 0);
    json_value_t *event;
    if (json_parse_lenient(&arena, (const char *)data, size, 64, &event) == 0 && event->type == JSON_OBJECT)
        fuzz_require(err != APIGW_ERR_JSON, "a JSON object is never refused as not JSON");
    arena_dispose(&arena);
    if (err == 0) {
        check_request(&ar);
        mcp_response_t res;
        buf_t body = BUF_INIT(0);
        fuzz_core_exchange(0, &ar.req, &res, &body);
        check_written(ar.format, &res, body.data, body.len);
        mcp_response_dispose(&res);
        buf_dispose(&body);
    } else if (err != APIGW_ERR_JSON && err != APIGW_ERR_SHAPE) {
        apigw_refusal_t refusal = apigw_refusal(err);
        fuzz_require(refusal.status >= 400 && refusal.status <= 599 && refusal.message != NULL, "a refusal has a status");
    }
    apigw_request_dispose(&ar);
    return 0;
}
