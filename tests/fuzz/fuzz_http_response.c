/*
 * fuzz_http_response: a libFuzzer target over the client's incremental HTTP/1.1 response parser
 * (common/http_response.c, used by mcp-client, the authorizer's key fetches and every AWS call). The input is what a
 * server sends, up to the close of the connection. It is fed three ways: whole, one byte at a time, and in pieces
 * whose size the input's length picks; each feeding writes a transcript (the final head: version, status, reason,
 * headers, keep-alive; the de-chunked body; how it ended: the return code, done, or what the close means; bytes
 * left unread), and the three must be identical, as tests/unit/test_client_http.c requires of its cases.
 * Checked besides: a piece is never over-consumed, a head has at most MCPC_HTTP_MAX_HEADERS fields, every header
 * points into a head that stays valid until the parser is disposed (ASan sees a stale one).
 * Build and run: tests/fuzz/run.sh SECONDS http_response.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "http_response.h"
#include "mcpc_errors.h"

static void
require(int ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_http_response: guarantee broken: %s\n", what);
    abort();
}

typedef struct st_transcript_t {
    buf_t text;
    buf_t body;
} transcript_t;

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    transcript_t *t = data;
    require(res->num_headers <= MCPC_HTTP_MAX_HEADERS, "at most MCPC_HTTP_MAX_HEADERS fields");
    require(res->status >= 200 || res->status < 100, "interim responses are skipped");
    buf_printf(&t->text, "[head 1.%d %d ", res->minor_version, res->status);
    buf_append(&t->text, res->reason, res->reason_len);
    for (size_t i = 0; i != res->num_headers; ++i) {
        buf_append_str(&t->text, "|");
        buf_append(&t->text, res->headers[i].name, res->headers[i].name_len);
        buf_append_str(&t->text, ":");
        buf_append(&t->text, res->headers[i].value, res->headers[i].value_len);
    }
    buf_printf(&t->text, " keep-alive %d]", res->keep_alive);
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    transcript_t *t = data;
    require(len != 0, "no empty body callbacks");
    buf_append(&t->body, bytes, len);
    return 0;
}

/* Feeds input in pieces of piece bytes (the last one shorter); returns the transcript, which the caller disposes. */
static buf_t
feed(const char *input, size_t len, size_t piece)
{
    mcpc_http_parser_t p;
    mcpc_http_parser_init(&p);
    transcript_t t;
    buf_init(&t.text, 0);
    buf_init(&t.body, 0);
    p.on_head = on_head;
    p.on_body = on_body;
    p.cb_data = &t;
    size_t off = 0, consumed_total = 0;
    int ret = 0;
    while (off != len && ret == 0 && !p.done) {
        size_t n = len - off < piece ? len - off : piece, consumed = 0;
        ret = mcpc_http_parser_feed(&p, input + off, n, &consumed);
        require(consumed <= n, "a piece is never over-consumed");
        require(ret != 0 || p.done || consumed == n, "a piece is consumed unless the response ended");
        consumed_total += consumed;
        off += n;
    }
    buf_printf(&t.text, "[body %zu ", t.body.len);
    buf_append(&t.text, t.body.data, t.body.len);
    buf_append_str(&t.text, "]");
    if (ret != 0) {
        require(ret < 0 && strcmp(mcpc_strerror(ret), mcpc_strerror(1)) != 0, "an error is a known one");
        buf_printf(&t.text, "[return %d]", ret);
    } else if (p.done) {
        buf_printf(&t.text, "[done, left %zu]", len - consumed_total);
    } else {
        buf_printf(&t.text, "[eof %d]", mcpc_http_parser_eof(&p));
    }
    require(!buf_failed(&t.text), "the transcript fits");
    mcpc_http_parser_dispose(&p);
    buf_dispose(&t.body);
    return t.text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *input = (const char *)data;
    buf_t whole = feed(input, size, size == 0 ? 1 : size);
    buf_t bytewise = feed(input, size, 1);
    buf_t pieces = feed(input, size, 2 + size % 13);
    require(whole.len == bytewise.len && memcmp(whole.data, bytewise.data, whole.len) == 0, "byte by byte as whole");
    require(whole.len == pieces.len && memcmp(whole.data, pieces.data, whole.len) == 0, "in pieces as whole");
    buf_dispose(&whole);
    buf_dispose(&bytewise);
    buf_dispose(&pieces);
    return 0;
}
