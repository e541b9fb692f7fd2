/*
 * fuzz_sse: a libFuzzer target over the client's text/event-stream parser (client/sse.c), which reads every
 * streamed MCP response mcp-client receives. The input is the stream. It is fed whole, one byte at a time, and in
 * pieces whose size the input's length picks (so a CR ending one piece and an LF starting the next are tried); each
 * feeding writes a transcript (events with type, id and data; comments; the retry value; the return code) and
 * the three must be identical, as tests/unit/test_client_sse.c requires of its cases. Checked besides: an event's
 * data is NUL-terminated at its length, within the event cap, and its type and id are C strings.
 * Build and run: tests/fuzz/run.sh SECONDS sse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mcpc_errors.h"
#include "sse.h"

#define MAX_EVENT_BYTES 4096 /* small, so the fuzzer reaches the cap */

static void
require(int ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_sse: guarantee broken: %s\n", what);
    abort();
}

static int
on_event(void *data, const mcpc_sse_event_t *ev)
{
    buf_t *t = data;
    require(ev->data[ev->data_len] == '\0', "data is NUL-terminated at its length");
    require(ev->data_len <= MAX_EVENT_BYTES, "data within the cap");
    buf_printf(t, "[event %s id=%s data %zu ", ev->type, ev->id, ev->data_len);
    buf_append(t, ev->data, ev->data_len);
    buf_append_str(t, "]");
    return 0;
}

static int
on_comment(void *data, const char *text, size_t len)
{
    buf_t *t = data;
    buf_printf(t, "[comment %zu ", len);
    buf_append(t, text, len);
    buf_append_str(t, "]");
    return 0;
}

static buf_t
feed(const char *input, size_t len, size_t piece)
{
    buf_t t = BUF_INIT(0);
    mcpc_sse_parser_t p;
    mcpc_sse_init(&p, MAX_EVENT_BYTES);
    p.on_event = on_event;
    p.on_comment = on_comment;
    p.cb_data = &t;
    int ret = 0;
    for (size_t off = 0; off != len && ret == 0;) {
        size_t n = len - off < piece ? len - off : piece;
        ret = mcpc_sse_feed(&p, input + off, n);
        off += n;
    }
    require(ret == 0 || ret == MCPC_ERR_TOO_LARGE || ret == MCPC_ERR_NOMEM, "only the documented errors");
    buf_printf(&t, "[retry %lld][return %d]", (long long)p.retry_ms, ret);
    require(!buf_failed(&t), "the transcript fits");
    mcpc_sse_dispose(&p);
    return t;
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
