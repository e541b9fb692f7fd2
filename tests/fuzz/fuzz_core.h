/*
 * fuzz_core.h: what the targets that drive the MCP core (fuzz_core.c, fuzz_apigw_event.c) share: one server built
 * at start with every tool set that needs no network (default, conformance, session) and sessions in memory, and
 * one exchange through mcp_handle() with its response checked:
 *   - a status between 100 and 599, at most MCP_MAX_RESPONSE_HEADERS headers, each with a name;
 *   - a JSON body (Content-Type application/json) parses strictly, and so does the data of every event of an SSE
 *     body (text/event-stream): never a truncated or malformed answer, whatever came in.
 * With FUZZ_TRACE=1 in the environment each exchange is printed to stderr (status and the body's start), to see what
 * an input does: FUZZ_TRACE=1 build-fuzz/fuzz_core INPUT.
 * Tools that run on worker threads get WAIT_MS to finish and are then cut off, as Lambda does at its deadline, so a
 * tool that sleeps or waits for a client's answer costs an input milliseconds, not seconds.
 */
#ifndef FUZZ_CORE_H
#define FUZZ_CORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "config.h"
#include "core.h"
#include "json.h"
#include "log.h"

#define FUZZ_CORE_WAIT_MS 20

static mcp_config_t fuzz_core_configs[2];
static mcp_server_t *fuzz_core_servers[2]; /* [0]: stateless, as the servers run by default; [1]: sessions in memory */
static int fuzz_core_trace;

static void
fuzz_require(int ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz: guarantee broken: %s\n", what);
    abort();
}

static void
fuzz_core_init(void)
{
    char *argv[] = {"fuzz",
                    "--toolsets",
                    "default,conformance,session",
                    "--workers",
                    "4",
                    "--page-size",
                    "2",
                    "--max-body-bytes",
                    "65536",
                    "--client-request-timeout-ms",
                    "100",
                    "--allowed-hosts",
                    "localhost,127.0.0.1,*.execute-api.eu-central-1.amazonaws.com,*.lambda-url.eu-central-1.on.aws",
                    "--allowed-origins",
                    "http://localhost,https://*.example.com",
                    "--sessions",
                    "off",
                    NULL};
    const int argc = sizeof(argv) / sizeof(argv[0]) - 1;
    char err[256];
    log_set_level(LOG_ERROR);
    fuzz_core_trace = getenv("FUZZ_TRACE") != NULL && strcmp(getenv("FUZZ_TRACE"), "1") == 0;
    for (int i = 0; i != 2; ++i) {
        argv[argc - 1] = i == 0 ? "off" : "memory";
        if (config_parse(&fuzz_core_configs[i], argc, argv, err, sizeof(err)) != SETTINGS_OK ||
            (fuzz_core_servers[i] = mcp_server_new(&fuzz_core_configs[i], err, sizeof(err))) == NULL) {
            fprintf(stderr, "fuzz: server: %s\n", err);
            abort();
        }
    }
}

static const mcp_header_t *
fuzz_core_header(const mcp_response_t *res, const char *name)
{
    for (size_t i = 0; i != res->num_headers; ++i)
        if (res->headers[i].name_len == strlen(name) && strncasecmp(res->headers[i].name, name, res->headers[i].name_len) == 0)
            return &res->headers[i];
    return NULL;
}

static int
fuzz_core_is_json(const char *text, size_t len)
{
    arena_t arena;
    arena_init(&arena, 0);
    json_value_t *v;
    int ok = json_parse(&arena, text, len, 256, &v) == 0;
    arena_dispose(&arena);
    return ok;
}

/* Every data: line of an SSE body is a JSON message (the core writes each message on one line). */
static void
fuzz_core_check_sse(const char *body, size_t len)
{
    for (const char *p = body, *end = body + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
        if (n >= 5 && memcmp(p, "data:", 5) == 0) {
            size_t skip = n > 5 && p[5] == ' ' ? 6 : 5;
            fuzz_require(fuzz_core_is_json(p + skip, n - skip), "every SSE event carries a JSON message");
        }
        p += n + 1;
    }
}

/* One exchange with server 0 or 1; the whole body (from the stream if there is one) is left in body for the caller. */
static void
fuzz_core_exchange(int server, const mcp_http_request_t *req, mcp_response_t *res, buf_t *body)
{
    mcp_handle(fuzz_core_servers[server], req, res);
    fuzz_require(res->status >= 100 && res->status <= 599, "a status is an HTTP status");
    fuzz_require(res->num_headers <= MCP_MAX_RESPONSE_HEADERS, "at most MCP_MAX_RESPONSE_HEADERS headers");
    for (size_t i = 0; i != res->num_headers; ++i)
        fuzz_require(res->headers[i].name_len != 0 && res->headers[i].value != NULL, "every header has a name and a value");
    if (res->stream != NULL) {
        if (!mcp_stream_wait(res->stream, mcp_now_ms() + FUZZ_CORE_WAIT_MS))
            mcp_stream_cut_off(res->stream);
        fuzz_require(mcp_stream_take(res->stream, body) == 1, "a cut-off stream is complete");
        mcp_stream_release(res->stream);
        res->stream = NULL;
    } else if (res->body != NULL) {
        buf_append(body, res->body, res->body_len);
    }
    fuzz_require(!buf_failed(body), "the body fits");
    if (fuzz_core_trace)
        fprintf(stderr, "fuzz: %.*s %.*s -> %d %.*s\n", (int)req->method_len, req->method, (int)req->path_len, req->path,
                res->status, (int)(body->len < 300 ? body->len : 300), body->data != NULL ? body->data : "");
    const mcp_header_t *type = fuzz_core_header(res, "content-type");
    if (type != NULL && body->len != 0) {
        if (type->value_len >= 16 && strncasecmp(type->value, "application/json", 16) == 0)
            fuzz_require(fuzz_core_is_json(body->data, body->len), "a JSON body is JSON");
        else if (type->value_len >= 17 && strncasecmp(type->value, "text/event-stream", 17) == 0)
            fuzz_core_check_sse(body->data, body->len);
    }
}

#endif
