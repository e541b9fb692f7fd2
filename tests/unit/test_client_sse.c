/*
 * Tests of client/sse.c: each case is an event stream and the transcript of what the parser reports.
 * Every case is fed whole, split in two at every byte boundary, and in chunks of every size from one
 * byte up (yajl's way of catching chunk-boundary bugs); every feeding must give the same transcript.
 */
#include <stdlib.h>
#include <string.h>

#include "mcpc_errors.h"
#include "sse.h"
#include "test.h"

typedef struct st_transcript_t {
    buf_t text;
    int stop_after; /* the callback returns 1 after this many events (0: never) */
    int events;
} transcript_t;

static int
on_event(void *data, const mcpc_sse_event_t *ev)
{
    transcript_t *t = data;
    buf_printf(&t->text, "[%s id=%s data=", ev->type, ev->id);
    append_escaped(&t->text, ev->data, ev->data_len);
    buf_append_str(&t->text, "]");
    CHECK(ev->data[ev->data_len] == '\0');
    return ++t->events == t->stop_after ? 1 : 0;
}

static int
on_comment(void *data, const char *text, size_t len)
{
    transcript_t *t = data;
    buf_append_str(&t->text, "[comment ");
    append_escaped(&t->text, text, len);
    buf_append_str(&t->text, "]");
    return 0;
}

/* Feeds input in the given pieces (sizes summing to len) and returns the transcript (caller frees). */
static char *
run_pieces(const char *input, const size_t *pieces, size_t num_pieces, size_t max_event, int stop_after)
{
    mcpc_sse_parser_t p;
    mcpc_sse_init(&p, max_event);
    transcript_t t = {.stop_after = stop_after};
    buf_init(&t.text, 0);
    p.on_event = on_event;
    p.on_comment = on_comment;
    p.cb_data = &t;
    size_t off = 0;
    int ret = 0;
    for (size_t i = 0; i != num_pieces && ret == 0; ++i) {
        ret = mcpc_sse_feed(&p, input + off, pieces[i]);
        off += pieces[i];
    }
    if (p.retry_ms >= 0)
        buf_printf(&t.text, "[retry %lld]", (long long)p.retry_ms);
    if (ret != 0)
        buf_printf(&t.text, "[return %d]", ret);
    mcpc_sse_dispose(&p);
    if (t.text.data == NULL)
        buf_append_str(&t.text, "");
    return buf_release(&t.text, NULL);
}

/* Checks that every way of splitting input gives expected; returns how many feedings disagreed. */
static int
check_all_splits(const char *name, const char *input, size_t len, const char *expected, size_t max_event, int stop_after)
{
    int bad = 0;
    size_t *pieces = malloc((len + 2) * sizeof(*pieces));
    char *got;
#define COMPARE(how, ...)                                                                                                          \
    do {                                                                                                                           \
        if (strcmp(got, expected) != 0) {                                                                                          \
            if (bad++ == 0)                                                                                                        \
                fprintf(stderr, "  case %s, " how ":\n    got:      %s\n    expected: %s\n", name, __VA_ARGS__, got, expected);    \
        }                                                                                                                          \
        free(got);                                                                                                                 \
    } while (0)

    pieces[0] = len;
    got = run_pieces(input, pieces, 1, max_event, stop_after);
    COMPARE("%s", "whole");
    for (size_t split = 0; split <= len; ++split) {
        pieces[0] = split;
        pieces[1] = len - split;
        got = run_pieces(input, pieces, 2, max_event, stop_after);
        COMPARE("split at %zu", split);
    }
    for (size_t size = 1; size <= len; ++size) {
        size_t n = 0;
        for (size_t off = 0; off < len; off += size)
            pieces[n++] = off + size <= len ? size : len - off;
        got = run_pieces(input, pieces, n, max_event, stop_after);
        COMPARE("chunks of %zu", size);
    }
#undef COMPARE
    free(pieces);
    return bad;
}

/* The cases: input, and the transcript every feeding must produce. */
static const struct {
    const char *name;
    const char *input;
    const char *expected;
} cases[] = {
    {"one event", "data: hello\n\n", "[message id= data=hello]"},
    {"mcp message", "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n",
     "[message id= data={\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}]"},
    {"multi-line data", "data: line one\ndata: line two\ndata:\ndata: four\n\n",
     "[message id= data=line one\\nline two\\n\\nfour]"},
    {"CRLF", "event: message\r\ndata: a\r\ndata: b\r\n\r\n", "[message id= data=a\\nb]"},
    {"CR", "data: a\rdata: b\r\rdata: c\r\r", "[message id= data=a\\nb][message id= data=c]"},
    {"mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", "[message id= data=a\\nb\\nc]"},
    {"comments", ": keep-alive\n\n:\ndata: x\n: inside\n\n",
     "[comment  keep-alive][comment ][comment  inside][message id= data=x]"},
    {"event type", "event: progress\ndata: 1\n\ndata: 2\n\n", "[progress id= data=1][message id= data=2]"},
    {"no event field", "data: {}\n\n", "[message id= data={}]"},
    {"event without data", "event: ignored\n\ndata: after\n\n", "[message id= data=after]"},
    {"id persists", "id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n",
     "[message id=7 data=a][message id=7 data=b][message id= data=c]"},
    {"id with NUL ignored", "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n", "[message id=1 data=a][message id=1 data=b]"},
    {"retry", "retry: 3000\ndata: a\n\nretry: 12x\n\n", "[message id= data=a][retry 3000]"},
    {"retry only", "retry: 250\n\n", "[retry 250]"},
    {"priming event", "id: 0\nretry: 1000\ndata:\n\n", "[message id=0 data=][retry 1000]"},
    {"no space after colon", "data:x\ndata:  y\n\n", "[message id= data=x\\n y]"},
    {"field without colon", "data\n\n", "[message id= data=]"},
    {"unknown field", "foo: bar\ndata: a\nbar\n\n", "[message id= data=a]"},
    {"unfinished event discarded", "data: a\n\ndata: b\n", "[message id= data=a]"},
    {"unfinished line discarded", "data: a\n\ndata: b", "[message id= data=a]"},
    {"blank lines", "\n\n\r\n\r\r", ""},
    {"BOM",
     "\xef\xbb\xbf"
     "data: a\n\n",
     "[message id= data=a]"},
    {"partial BOM is data",
     "\xef\xbb"
     "data: a\n\n",
     ""},
    {"second BOM is not skipped",
     "\xef\xbb\xbf\xef\xbb\xbf"
     "data: a\n\n",
     ""},
    {"colon in value", "data: a: b\n\n", "[message id= data=a: b]"},
    {"empty", "", ""},
};

static void
test_cases(void)
{
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        size_t len = strlen(cases[i].input);
        if (strcmp(cases[i].name, "id with NUL ignored") == 0)
            len = sizeof("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n") - 1;
        CHECK(check_all_splits(cases[i].name, cases[i].input, len, cases[i].expected, 1 << 20, 0) == 0);
    }
}

static void
test_stop(void)
{
    /* a callback's non-zero return stops the feed there: the second event is not reported */
    const char *in = "data: 1\n\ndata: 2\n\n";
    CHECK(check_all_splits("stop", in, strlen(in), "[message id= data=1][return 1]", 1 << 20, 1) == 0);
}

static void
test_limits(void)
{
    /* a line, or an event's data, over the limit fails the feed */
    const char *long_line = "data: 0123456789abcdef\n\n";
    CHECK(check_all_splits("long line", long_line, strlen(long_line), "[return -12]", 8, 0) == 0);
    const char *long_data = "data: 0123\ndata: 4567\ndata: 89ab\n\n";
    CHECK(check_all_splits("long data", long_data, strlen(long_data), "[return -12]", 12, 0) == 0);
    const char *fits = "data: 0123\n\n";
    CHECK(check_all_splits("fits", fits, strlen(fits), "[message id= data=0123]", 12, 0) == 0);
}

int
main(void)
{
    RUN(test_cases);
    RUN(test_stop);
    RUN(test_limits);
    return TEST_REPORT("test_client_sse");
}
