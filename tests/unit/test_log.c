/*
 * test_log: the lines common/log.c writes, captured from stderr. A buffering thread (the HTTP event loop) formats its
 * lines straight into its pending lines and an unbuffered one (Lambda, workers) writes each at once: both must give
 * the same bytes, one JSON object per line, escaped, with warnings flushing what waits before them, and a line too
 * long for its limit reported rather than dropped or cut.
 */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "json.h"
#include "log.h"
#include "test.h"

static int saved_stderr = -1;
static char capture_path[] = "/tmp/test_log.XXXXXX";

static void
capture_begin(void)
{
    fflush(stderr);
    int fd = mkstemp(capture_path);
    saved_stderr = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
}

/* Everything written to stderr since capture_begin(), as a NUL-terminated string (the caller frees it). */
static char *
capture_end(void)
{
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    FILE *f = fopen(capture_path, "r");
    buf_t b;
    buf_init(&b, 0);
    if (f != NULL) {
        buf_append_stream(&b, f);
        fclose(f);
    }
    unlink(capture_path);
    strcpy(capture_path, "/tmp/test_log.XXXXXX");
    size_t len;
    char *s = buf_release(&b, &len);
    return s != NULL ? s : strdup("");
}

/* The line with its "ts" value replaced by TS, so that it can be compared. */
static void
mask_ts(char *line)
{
    char *ts = strstr(line, "{\"ts\":\"");
    if (ts != NULL && strlen(ts) > 7 + 24)
        memcpy(ts + 7, "YYYY-MM-DDTHH:MM:SS.mmmZ", 24);
}

/* Does s[0..len) parse as one JSON object? */
static int
parses(const char *s, size_t len)
{
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v = NULL;
    int ok = json_parse(&a, s, len, 16, &v) == 0 && v != NULL && v->type == JSON_OBJECT;
    arena_dispose(&a);
    return ok;
}

/* The access-log line, written with log_request() (the HTTP front door's way) or member by member. */
static void
write_request_line_with(int with_log_request, const char *request_id, const char *method, const char *tool)
{
    if (with_log_request) {
        log_request(request_id, method, tool, 200, 1234, -1);
        return;
    }
    log_line_t l;
    log_set_request_id(request_id);
    if (log_begin(&l, LOG_INFO, "request")) {
        if (method != NULL)
            jsonw_kv_string(&l.w, "rpcMethod", method);
        if (tool != NULL)
            jsonw_kv_string(&l.w, "tool", tool);
        jsonw_kv_int(&l.w, "status", 200);
        jsonw_key(&l.w, "durationMs");
        jsonw_fixed(&l.w, 1234, 3);
        log_end(&l);
    }
    log_set_request_id(NULL);
}

/* The HTTP front door's line. */
static void
write_request_line(const char *request_id, const char *method, const char *tool)
{
    write_request_line_with(1, request_id, method, tool);
}

static const char *const EXPECTED =
    "{\"ts\":\"YYYY-MM-DDTHH:MM:SS.mmmZ\",\"level\":\"info\",\"event\":\"request\",\"requestId\":\"0123456789abcdef\","
    "\"rpcMethod\":\"tools/call\",\"tool\":\"ping\",\"status\":200,\"durationMs\":1.234}\n"
    "{\"ts\":\"YYYY-MM-DDTHH:MM:SS.mmmZ\",\"level\":\"info\",\"event\":\"request\",\"requestId\":\"id\\\"with\\\\quote\","
    "\"rpcMethod\":\"odd\\nmethod\\u2028\",\"status\":200,\"durationMs\":1.234}\n"
    "{\"ts\":\"YYYY-MM-DDTHH:MM:SS.mmmZ\",\"level\":\"info\",\"event\":\"request\",\"status\":200,\"durationMs\":1.234}\n";

static char *
three_lines(int buffered, int with_log_request)
{
    capture_begin();
    log_set_buffered(buffered);
    write_request_line_with(with_log_request, "0123456789abcdef", "tools/call", "ping");
    write_request_line_with(with_log_request, "id\"with\\quote", "odd\nmethod\xe2\x80\xa8", NULL);
    write_request_line_with(with_log_request, NULL, NULL, NULL);
    log_set_buffered(0);
    char *out = capture_end();
    for (char *line = out; line != NULL && *line != '\0';) {
        mask_ts(line);
        char *nl = strchr(line, '\n');
        line = nl != NULL ? nl + 1 : NULL;
    }
    return out;
}

static void
test_buffered_and_unbuffered_lines_are_the_same(void)
{
    for (int with_log_request = 0; with_log_request != 2; ++with_log_request) {
        char *unbuffered = three_lines(0, with_log_request);
        char *buffered = three_lines(1, with_log_request);
        CHECK_STR(unbuffered, EXPECTED);
        CHECK_STR(buffered, EXPECTED);
        free(unbuffered);
        free(buffered);
    }
}

static void
test_request_line_durations_and_statuses(void)
{
    static const struct {
        int status;
        int64_t us;
        const char *tail;
    } cases[] = {
        {200, 0, "\"status\":200,\"durationMs\":0.000}\n"},
        {202, 5, "\"status\":202,\"durationMs\":0.005}\n"},
        {404, 999999, "\"status\":404,\"durationMs\":999.999}\n"},
        {503, 1000000, "\"status\":503,\"durationMs\":1000.000}\n"},
        {0, INT64_C(123456789012), "\"status\":0,\"durationMs\":123456789.012}\n"},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        capture_begin();
        log_request("r", "ping", NULL, cases[i].status, cases[i].us, -1);
        char *out = capture_end();
        size_t n = strlen(out), tail = strlen(cases[i].tail);
        CHECK(n > tail && strcmp(out + n - tail, cases[i].tail) == 0);
        CHECK(parses(out, n - 1));
        free(out);
    }
    /* above info, nothing */
    log_set_level(LOG_WARN);
    capture_begin();
    log_request("r", "ping", NULL, 200, 1, -1);
    char *out = capture_end();
    CHECK_STR(out, "");
    free(out);
    log_set_level(LOG_INFO);
}

static void
test_timestamp_is_iso8601_utc_with_milliseconds(void)
{
    capture_begin();
    log_msg(LOG_WARN, "x", "y");
    char *out = capture_end();
    /* {"ts":"2026-12-02T15:00:25.123Z", */
    CHECK(strncmp(out, "{\"ts\":\"", 7) == 0);
    CHECK(strlen(out) > 32 && out[11] == '-' && out[17] == 'T' && out[26] == '.' && out[30] == 'Z' && out[31] == '"');
    CHECK(parses(out, strlen(out) - 1));
    free(out);
}

/* A time given to log_request() (an event loop's clock for the turn) is the line's, to the millisecond, and a later
 * second formats its own prefix. */
static void
test_request_line_takes_the_time_given(void)
{
    static const struct {
        int64_t wall_ms;
        const char *ts;
    } cases[] = {
        {INT64_C(1000000000123), "{\"ts\":\"2001-09-09T01:46:40.123Z\","},
        {INT64_C(1000000000999), "{\"ts\":\"2001-09-09T01:46:40.999Z\","},
        {INT64_C(1000000001000), "{\"ts\":\"2001-09-09T01:46:41.000Z\","},
        {INT64_C(1796169600007), "{\"ts\":\"2026-12-02T00:00:00.007Z\","},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        capture_begin();
        log_request("r", "ping", NULL, 200, 1, cases[i].wall_ms);
        char *out = capture_end();
        CHECK(strncmp(out, cases[i].ts, strlen(cases[i].ts)) == 0);
        CHECK(parses(out, strlen(out) - 1));
        free(out);
    }
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The event loop's batching: lines go out max_wait_ms after the first turn that found them, not at every turn. */
static void
test_lines_wait_for_their_batch_time_then_go_out_together(void)
{
    log_set_buffered(1);
    CHECK(log_flush_due(300) == -1); /* nothing waits */
    capture_begin();
    write_request_line("a", "first", NULL);
    long due = log_flush_due(300);
    CHECK(due > 0 && due <= 300);
    write_request_line("b", "second", NULL);
    due = log_flush_due(300); /* a later turn: the batch is still counted from the first */
    CHECK(due > 0 && due <= 300);
    char *so_far = capture_end();
    CHECK_STR(so_far, "");
    free(so_far);
    sleep_ms(320);
    capture_begin();
    CHECK(log_flush_due(300) == -1);
    char *out = capture_end();
    char *first = strstr(out, "\"first\""), *second = strstr(out, "\"second\"");
    CHECK(first != NULL && second != NULL && first < second);
    free(out);
    /* once written, a new line starts a new batch */
    capture_begin();
    write_request_line("c", "third", NULL);
    due = log_flush_due(300);
    CHECK(due > 0 && due <= 300);
    log_set_buffered(0); /* writes what waits */
    out = capture_end();
    CHECK(strstr(out, "\"third\"") != NULL);
    free(out);
}

static void
test_buffered_lines_wait_and_a_warning_flushes_them_in_order(void)
{
    capture_begin();
    log_set_buffered(1);
    write_request_line("a", "first", NULL);
    char *so_far = capture_end();
    CHECK_STR(so_far, ""); /* still waiting */
    free(so_far);
    capture_begin();
    log_msg(LOG_WARN, "overloaded", "busy");
    write_request_line("b", "after", NULL);
    char *out = capture_end();
    char *first = strstr(out, "\"first\""), *warn = strstr(out, "\"overloaded\""), *after = strstr(out, "\"after\"");
    CHECK(first != NULL && warn != NULL && first < warn);
    CHECK(after == NULL); /* the info line after the warning waits for the next flush */
    free(out);
    capture_begin();
    log_flush();
    out = capture_end();
    CHECK(strstr(out, "\"after\"") != NULL);
    CHECK(strchr(out, '\n') == out + strlen(out) - 1);
    log_set_buffered(0);
    free(out);
}

static void
test_a_line_too_long_is_reported_and_the_next_line_is_intact(void)
{
    size_t n = 20000;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\0';
    for (int buffered = 0; buffered != 2; ++buffered) {
        capture_begin();
        log_set_buffered(buffered);
        write_request_line("before", "m1", NULL);
        write_request_line("big", big, NULL);
        write_request_line("after", "m2", NULL);
        log_set_buffered(0);
        char *out = capture_end();
        CHECK(strstr(out, "xxxxxxxxxx") == NULL);
        CHECK(strstr(out, "\"event\":\"log_line_too_long\",\"requestId\":\"big\",\"lineEvent\":\"request\"}\n") != NULL);
        CHECK(strstr(out, "\"requestId\":\"before\",\"rpcMethod\":\"m1\"") != NULL);
        CHECK(strstr(out, "\"requestId\":\"after\",\"rpcMethod\":\"m2\"") != NULL);
        /* every line parses */
        int lines = 0;
        for (char *line = out; *line != '\0'; ++lines) {
            char *nl = strchr(line, '\n');
            CHECK(nl != NULL);
            if (nl == NULL)
                break;
            CHECK(parses(line, (size_t)(nl - line)));
            line = nl + 1;
        }
        CHECK(lines == 3);
        free(out);
    }
    free(big);
}

static void
test_a_line_begun_while_another_is_open_is_written_whole(void)
{
    capture_begin();
    log_set_buffered(1);
    write_request_line("a", "first", NULL);
    log_line_t outer;
    CHECK(log_begin(&outer, LOG_INFO, "outer"));
    jsonw_kv_string(&outer.w, "k", "v");
    /* another line on the same thread before the first ends, long enough to make buffers grow */
    char big[3000];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    log_msg(LOG_INFO, "inner", "%s", big);
    log_flush(); /* nothing goes out while a line is being written */
    jsonw_kv_string(&outer.w, "k2", "v2");
    log_end(&outer);
    log_set_buffered(0);
    char *out = capture_end();
    CHECK(strstr(out, "\"event\":\"inner\",\"message\":\"yyy") != NULL);
    CHECK(strstr(out, "\"event\":\"outer\",\"k\":\"v\",\"k2\":\"v2\"}\n") != NULL);
    char *first = strstr(out, "\"first\""), *outer_at = strstr(out, "\"outer\"");
    CHECK(first != NULL && outer_at != NULL && first < outer_at);
    int lines = 0;
    for (char *line = out; *line != '\0'; ++lines) {
        char *nl = strchr(line, '\n');
        CHECK(nl != NULL);
        if (nl == NULL)
            break;
        CHECK(parses(line, (size_t)(nl - line)));
        line = nl + 1;
    }
    CHECK(lines == 3);
    free(out);
}

static void
test_trace_id_follows_the_request_id_escaped_when_needed(void)
{
    for (int buffered = 0; buffered != 2; ++buffered) {
        capture_begin();
        log_set_buffered(buffered);
        log_set_trace_id("Root=1-5f84c7a9-abc");
        write_request_line("r1", NULL, NULL);
        log_set_trace_id("odd\"trace");
        write_request_line("r2", NULL, NULL);
        log_set_trace_id(NULL);
        write_request_line("r3", NULL, NULL);
        log_set_buffered(0);
        char *out = capture_end();
        CHECK(strstr(out, "\"event\":\"request\",\"requestId\":\"r1\",\"traceId\":\"Root=1-5f84c7a9-abc\",\"status\":200") != NULL);
        CHECK(strstr(out, "\"event\":\"request\",\"requestId\":\"r2\",\"traceId\":\"odd\\\"trace\",\"status\":200") != NULL);
        CHECK(strstr(out, "\"event\":\"request\",\"requestId\":\"r3\",\"status\":200") != NULL);
        free(out);
    }
}

static void
test_levels_below_the_minimum_are_not_written(void)
{
    capture_begin();
    log_set_level(LOG_WARN);
    write_request_line("a", "m", NULL);
    log_msg(LOG_ERROR, "e", "shown");
    log_set_level(LOG_INFO);
    char *out = capture_end();
    CHECK(strstr(out, "\"request\"") == NULL);
    CHECK(strstr(out, "\"event\":\"e\",\"message\":\"shown\"}\n") != NULL);
    free(out);
}

int
main(void)
{
    RUN(test_buffered_and_unbuffered_lines_are_the_same);
    RUN(test_request_line_durations_and_statuses);
    RUN(test_timestamp_is_iso8601_utc_with_milliseconds);
    RUN(test_request_line_takes_the_time_given);
    RUN(test_buffered_lines_wait_and_a_warning_flushes_them_in_order);
    RUN(test_lines_wait_for_their_batch_time_then_go_out_together);
    RUN(test_a_line_too_long_is_reported_and_the_next_line_is_intact);
    RUN(test_a_line_begun_while_another_is_open_is_written_whole);
    RUN(test_trace_id_follows_the_request_id_escaped_when_needed);
    RUN(test_levels_below_the_minimum_are_not_written);
    fprintf(stderr, "test_log: %d passed, %d failed\n", test_passed, test_failed);
    return test_failed != 0;
}
