/*
 * Tests of client/http_response.c: each case is the bytes of an HTTP/1.x response and the transcript
 * of what the parser reports (the head, the body bytes joined, and how it ended). Every case is fed
 * whole, split in two at every byte boundary, and in chunks of every size from one byte up; every
 * feeding must give the same transcript. A feeding that ends before the response does is followed by
 * mcpc_http_parser_eof(), as when the server closes the connection.
 */
#include <stdlib.h>
#include <string.h>

#include "mcpc_errors.h"
#include "http_response.h"
#include "test.h"

typedef struct st_transcript_t {
    buf_t text;
    buf_t body;
    int stop_on_head;
} transcript_t;

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    transcript_t *t = data;
    buf_printf(&t->text, "[HTTP/1.%d %d %.*s keep=%d", res->minor_version, res->status, (int)res->reason_len, res->reason,
               res->keep_alive);
    for (size_t i = 0; i != res->num_headers; ++i) {
        buf_printf(&t->text, " %.*s=", (int)res->headers[i].name_len, res->headers[i].name);
        append_escaped(&t->text, res->headers[i].value, res->headers[i].value_len);
    }
    buf_append_str(&t->text, "]");
    return t->stop_on_head;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    transcript_t *t = data;
    CHECK(len != 0);
    buf_append(&t->body, bytes, len);
    return 0;
}

static char *
run_pieces(const char *input, const size_t *pieces, size_t num_pieces, int stop_on_head)
{
    mcpc_http_parser_t p;
    mcpc_http_parser_init(&p);
    transcript_t t = {.stop_on_head = stop_on_head};
    buf_init(&t.text, 0);
    buf_init(&t.body, 0);
    p.on_head = on_head;
    p.on_body = on_body;
    p.cb_data = &t;
    size_t off = 0, consumed_total = 0;
    int ret = 0;
    for (size_t i = 0; i != num_pieces && ret == 0 && !p.done; ++i) {
        size_t consumed;
        ret = mcpc_http_parser_feed(&p, input + off, pieces[i], &consumed);
        CHECK(consumed <= pieces[i]);
        CHECK(ret != 0 || p.done || consumed == pieces[i]);
        consumed_total += consumed;
        off += pieces[i];
    }
    if (t.body.len != 0) {
        buf_append_str(&t.text, "[body ");
        append_escaped(&t.text, t.body.data, t.body.len);
        buf_append_str(&t.text, "]");
    }
    if (ret != 0)
        buf_printf(&t.text, "[return %d]", ret);
    else if (p.done)
        buf_append_str(&t.text, "[done]");
    else
        buf_printf(&t.text, "[eof %d]", mcpc_http_parser_eof(&p));
    size_t total = 0;
    for (size_t i = 0; i != num_pieces; ++i)
        total += pieces[i];
    if (ret == 0 && consumed_total != total)
        buf_printf(&t.text, "[left %zu]", total - consumed_total);
    mcpc_http_parser_dispose(&p);
    buf_dispose(&t.body);
    return buf_release(&t.text, NULL);
}

static int
check_all_splits(const char *name, const char *input, const char *expected, int stop_on_head)
{
    size_t len = strlen(input);
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
    got = run_pieces(input, pieces, 1, stop_on_head);
    COMPARE("%s", "whole");
    for (size_t split = 0; split <= len; ++split) {
        pieces[0] = split;
        pieces[1] = len - split;
        got = run_pieces(input, pieces, 2, stop_on_head);
        COMPARE("split at %zu", split);
    }
    for (size_t size = 1; size <= len; ++size) {
        size_t n = 0;
        for (size_t off = 0; off < len; off += size)
            pieces[n++] = off + size <= len ? size : len - off;
        got = run_pieces(input, pieces, n, stop_on_head);
        COMPARE("chunks of %zu", size);
    }
#undef COMPARE
    free(pieces);
    return bad;
}

/* The cases: a response, and the transcript every feeding must produce. */
static const struct {
    const char *name;
    const char *input;
    const char *expected;
} cases[] = {
    /* framing */
    {"content-length", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}",
     "[HTTP/1.1 200 OK keep=1 Content-Type=application/json Content-Length=11][body {\"ok\":true}][done]"},
    {"chunked",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n,\r\nB \r\n world!!!!\n\r\n0\r\n\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][body hello, world!!!!\\n][done]"},
    {"chunked upper-case hex and trailers",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0B\r\nhello world\r\n0\r\nX-Checksum: 1\r\nX-More: 2\r\n\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][body hello world][done]"},
    {"chunked event stream",
     "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
     "e\r\n: keep-alive\n\n\r\n15\r\nevent: message\ndata: \r\n3\r\n{}\n\r\n1\r\n\n\r\n0\r\n\r\n",
     "[HTTP/1.1 200 OK keep=1 content-type=text/event-stream transfer-encoding=chunked]"
     "[body : keep-alive\\n\\nevent: message\\ndata: {}\\n\\n][done]"},
    {"close-delimited", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
     "[HTTP/1.1 200 OK keep=0 Content-Type=text/plain][body until the end][eof 0]"},
    {"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", "[HTTP/1.0 200 OK keep=0 Content-Length=2][body hi][done]"},
    {"connection close", "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nhi",
     "[HTTP/1.1 200 OK keep=0 Connection=keep-alive, Close Content-Length=2][body hi][done]"},
    {"no body for 204", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
     "[HTTP/1.1 204 No Content keep=1 Content-Length=10][done]"},
    {"no body for 304", "HTTP/1.1 304 Not Modified\r\n\r\n", "[HTTP/1.1 304 Not Modified keep=1][done]"},
    {"empty body", "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", "[HTTP/1.1 202 Accepted keep=1 Content-Length=0][done]"},
    {"transfer-encoding wins over content-length",
     "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
     "[HTTP/1.1 200 OK keep=1 Content-Length=100 Transfer-Encoding=chunked][body ok][done]"},
    {"transfer-encoding not chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz",
     "[HTTP/1.1 200 OK keep=0 Transfer-Encoding=gzip][body zz][eof 0]"},
    {"chunked last of two", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=gzip Transfer-Encoding=chunked][body z][done]"},
    {"repeated equal content-length", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok",
     "[HTTP/1.1 200 OK keep=1 Content-Length=2, 2 Content-Length=2][body ok][done]"},
    {"bytes after the response", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
     "[HTTP/1.1 200 OK keep=1 Content-Length=2][body ok][done][left 5]"},

    /* heads */
    {"LF line ends", "HTTP/1.1 200 OK\nContent-Length: 2\nX-A:  spaced value \t\n\nhi",
     "[HTTP/1.1 200 OK keep=1 Content-Length=2 X-A=spaced value][body hi][done]"},
    {"interim responses skipped",
     "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
     "[HTTP/1.1 200 OK keep=1 Content-Length=1][body x][done]"},
    {"blank line before the status line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
     "[HTTP/1.1 200 OK keep=1 Content-Length=1][body x][done]"},
    {"obsolete line folding",
     "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"mcp\",\r\n   error=\"invalid_token\"\r\nContent-Length: "
     "0\r\n\r\n",
     "[HTTP/1.1 401 Unauthorized keep=1 WWW-Authenticate=Bearer realm=\"mcp\",     error=\"invalid_token\" "
     "Content-Length=0][done]"},
    {"no reason phrase", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "[HTTP/1.1 200  keep=1 Content-Length=0][done]"},
    {"empty header value", "HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n",
     "[HTTP/1.1 200 OK keep=1 X-Empty= Content-Length=0][done]"},

    /* cut off */
    {"nothing", "", "[eof -9]"},
    {"cut in the status line", "HTTP/1.1 20", "[eof -10]"},
    {"cut in the head", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "[eof -10]"},
    {"cut in a content-length body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc",
     "[HTTP/1.1 200 OK keep=1 Content-Length=5][body abc][eof -10]"},
    {"cut in a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][body ab][eof -10]"},
    {"cut before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][body ab][eof -10]"},
    {"cut in the trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: 1\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][eof -10]"},

    /* malformed */
    {"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "[return -11]"},
    {"HTTP/2 status line", "HTTP/2 200\r\n\r\n", "[return -11]"},
    {"bad status code", "HTTP/1.1 2x0 OK\r\n\r\n", "[return -11]"},
    {"control character in reason", "HTTP/1.1 200 O\x01K\r\n\r\n", "[return -11]"},
    {"space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", "[return -11]"},
    {"no colon", "HTTP/1.1 200 OK\r\nContent-Length\r\n\r\n", "[return -11]"},
    {"not a token before the colon", "HTTP/1.1 200 OK\r\nX@Y: 1\r\n\r\n", "[return -11]"},
    {"fold before any field", "HTTP/1.1 200 OK\r\n folded\r\n\r\n", "[return -11]"},
    {"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "[return -11]"},
    {"negative content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "[return -11]"},
    {"conflicting content-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "[return -11]"},
    {"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][return -11]"},
    {"chunk size overflow", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][return -11]"},
    {"chunk without its line end", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
     "[HTTP/1.1 200 OK keep=1 Transfer-Encoding=chunked][body ab][return -11]"},
    {"unrequested upgrade", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", "[return -11]"},
};

static void
test_cases(void)
{
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i)
        CHECK(check_all_splits(cases[i].name, cases[i].input, cases[i].expected, 0) == 0);
}

static void
test_stop_on_head(void)
{
    /* a positive return from on_head stops the feed right after the head */
    CHECK(check_all_splits("stop", "HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope",
                           "[HTTP/1.1 401 Unauthorized keep=1 Content-Length=4][return 1]", 1) == 0);
}

static void
test_limits(void)
{
    /* a NUL is not a tchar (the case table cannot carry one) */
    static const char nul_in_name[] = "HTTP/1.1 200 OK\r\nX-A\0B: 1\r\nContent-Length: 0\r\n\r\n";
    mcpc_http_parser_t nul;
    mcpc_http_parser_init(&nul);
    CHECK(mcpc_http_parser_feed(&nul, nul_in_name, sizeof(nul_in_name) - 1, NULL) == MCPC_ERR_HTTP_SYNTAX);
    mcpc_http_parser_dispose(&nul);
    /* a head over MCPC_HTTP_MAX_HEAD, and more than MCPC_HTTP_MAX_HEADERS fields, are refused */
    buf_t big = BUF_INIT(0);
    buf_append_str(&big, "HTTP/1.1 200 OK\r\nX-Big: ");
    for (int i = 0; i != MCPC_HTTP_MAX_HEAD; ++i)
        buf_append_char(&big, 'a');
    buf_append_str(&big, "\r\n\r\n");
    mcpc_http_parser_t p;
    mcpc_http_parser_init(&p);
    CHECK(mcpc_http_parser_feed(&p, big.data, big.len, NULL) == MCPC_ERR_TOO_LARGE);
    mcpc_http_parser_dispose(&p);

    buf_reset(&big);
    buf_append_str(&big, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i != MCPC_HTTP_MAX_HEADERS + 1; ++i)
        buf_printf(&big, "X-%d: %d\r\n", i, i);
    buf_append_str(&big, "\r\n");
    mcpc_http_parser_init(&p);
    CHECK(mcpc_http_parser_feed(&p, big.data, big.len, NULL) == MCPC_ERR_TOO_LARGE);
    mcpc_http_parser_dispose(&p);

    /* a large body in chunks crosses no limit: only heads and chunk lines are buffered */
    buf_reset(&big);
    buf_append_str(&big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i != 1000; ++i) {
        buf_append_str(&big, "400\r\n");
        for (int j = 0; j != 0x400; ++j)
            buf_append_char(&big, 'b');
        buf_append_str(&big, "\r\n");
    }
    buf_append_str(&big, "0\r\n\r\n");
    mcpc_http_parser_init(&p);
    CHECK(mcpc_http_parser_feed(&p, big.data, big.len, NULL) == 0);
    CHECK(p.done);
    mcpc_http_parser_dispose(&p);
    buf_dispose(&big);
}

static void
test_find_header(void)
{
    mcpc_http_parser_t p;
    mcpc_http_parser_init(&p);
    const char *in = "HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n";
    CHECK(mcpc_http_parser_feed(&p, in, strlen(in), NULL) == 0);
    const mcpc_http_header_t *h = mcpc_http_find_header(&p.res, "X-A");
    CHECK(h != NULL && h->value_len == 1 && h->value[0] == '2');
    CHECK(mcpc_http_find_header(&p.res, "x-b") == NULL);
    mcpc_http_parser_dispose(&p);
}

int
main(void)
{
    RUN(test_cases);
    RUN(test_stop_on_head);
    RUN(test_limits);
    RUN(test_find_header);
    return TEST_REPORT("test_client_http");
}
