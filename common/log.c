#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define MAX_LINE_BYTES 16384
#define MAX_MESSAGE_BYTES 4096
#define FLUSH_AT_BYTES 65536 /* a buffering thread writes its lines out once it holds this much */

static log_level_t min_level = LOG_INFO;
/* the caller's string, not a copy (a copy per request was a measurable cost): valid until cleared or replaced */
static __thread const char *request_id;
static __thread char trace_id[128];
/* a thread that buffers keeps its lines here until log_flush() (its turn of work is over) */
static __thread int buffering;
static __thread buf_t pending;
/* when log_flush_due() first saw lines waiting (monotonic ms), -1 when none wait */
static __thread int64_t pending_since_ms = -1;
/* a line is being written into pending (it holds pending's memory until log_end) */
static __thread int pending_lent;
/* the timestamp's second, formatted once per second per thread */
static __thread time_t ts_second = -1;
static __thread char ts_prefix[sizeof("2026-12-02T15:00:25.")];
static __thread size_t ts_prefix_len;

/* each level's name, with its length taken from the literal */
static const struct {
    const char *name;
    size_t len;
} levels[] = {
    {"debug", sizeof("debug") - 1}, {"info", sizeof("info") - 1}, {"warn", sizeof("warn") - 1}, {"error", sizeof("error") - 1}};

void
log_set_level(log_level_t level)
{
    min_level = level;
}

int
log_parse_level(const char *s, log_level_t *out)
{
    for (size_t i = 0; i != sizeof(levels) / sizeof(levels[0]); ++i) {
        if (strcmp(s, levels[i].name) == 0) {
            *out = (log_level_t)i;
            return 0;
        }
    }
    return -1;
}

static void
set_id(char *dst, size_t size, const char *id)
{
    size_t len = 0;
    while (id != NULL && len != size - 1 && id[len] != '\0')
        ++len;
    memcpy(dst, id != NULL ? id : "", len);
    dst[len] = '\0';
}

void
log_set_request_id(const char *id)
{
    request_id = id != NULL && id[0] != '\0' ? id : NULL;
}

void
log_set_trace_id(const char *id)
{
    set_id(trace_id, sizeof(trace_id), id);
}

static void
write_all(const char *data, size_t len)
{
    while (len != 0) {
        ssize_t r = write(STDERR_FILENO, data, len);
        if (r <= 0)
            return; /* stderr is gone: nothing else to tell */
        data += r;
        len -= (size_t)r;
    }
}

void
log_set_buffered(int on)
{
    if (!on) {
        log_flush();
        buf_dispose(&pending);
    }
    buffering = on;
}

void
log_flush(void)
{
    if (pending_lent)
        return; /* a line is being written into the pending lines: they go out after it ends */
    if (pending.len != 0)
        write_all(pending.data, pending.len);
    buf_reset(&pending);
}

long
log_flush_due(unsigned max_wait_ms)
{
    if (pending.len == 0) {
        pending_since_ms = -1;
        return -1;
    }
    int64_t now = clock_monotonic_ms();
    if (pending_since_ms < 0)
        pending_since_ms = now;
    int64_t waited = now - pending_since_ms;
    if (waited < (int64_t)max_wait_ms)
        return (long)((int64_t)max_wait_ms - waited);
    log_flush();
    pending_since_ms = -1;
    return -1;
}

const char *
log_request_id(void)
{
    return request_id;
}

int
log_begin(log_line_t *l, log_level_t level, const char *event)
{
    if (level < min_level)
        return 0;
    log_begin_always(l, level, event);
    return 1;
}

/* Appends "key":"value" (key a literal that needs no escaping, value escaped), with the comma before it. */
static void
append_member(buf_t *b, const char *key_part, size_t key_part_len, const char *value)
{
    size_t len = strlen(value);
    const unsigned char *v = (const unsigned char *)value;
    char *p;
    if (json_skip_plain_ascii(v, v + len) == v + len && (p = buf_reserve(b, key_part_len + len + 1)) != NULL) {
        /* nothing to escape (the usual case): in one go */
        memcpy(p, key_part, key_part_len);
        memcpy(p + key_part_len, value, len);
        p[key_part_len + len] = '"';
        buf_commit(b, key_part_len + len + 1);
        return;
    }
    buf_append(b, key_part, key_part_len);
    jsonw_escape_into(b, value, len);
    buf_append_char(b, '"');
}

/* log_begin_always with the request id given (NULL or "": none) rather than the thread's, and the line's time (NULL:
 * now, from the clock). */
static void
begin_line(log_line_t *l, log_level_t level, const char *event, const char *rid, const struct timespec *at)
{
    if (buffering && !pending_lent) {
        /* the line goes straight into the pending lines; log_end gives the memory back */
        l->buf = pending;
        l->start = pending.len;
        l->buf.limit = pending.len + MAX_LINE_BYTES;
        l->in_pending = 1;
        pending_lent = 1;
    } else {
        buf_init(&l->buf, MAX_LINE_BYTES);
        l->start = 0;
        l->in_pending = 0;
    }
    l->level = level;
    l->event = event;
    struct timespec ts;
    if (at != NULL)
        ts = *at;
    else
        clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != ts_second) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        ts_prefix_len = strftime(ts_prefix, sizeof(ts_prefix), "%Y-%m-%dT%H:%M:%S.", &tm);
        ts_second = ts.tv_sec;
    }
    /*
     * {"ts":"2026-12-02T15:00:25.123Z","level":"info","event":"request","requestId":"..","traceId":".." in one go when
     * the event and the ids need no escaping (the usual case); else the fixed part in one go and the rest escaped
     */
    static const char ts_key[] = "{\"ts\":\"";
    static const char level_key[] = "Z\",\"level\":\"";
    static const char event_key[] = "\",\"event\":\"";
    static const char request_id_key[] = "\",\"requestId\":\"";
    static const char trace_id_key[] = "\",\"traceId\":\"";
    size_t prefix_len = ts_prefix_len, level_len = levels[level].len;
    ptrdiff_t event_len = jsonw_plain_length(event);
    if (rid == NULL)
        rid = "";
    l->request_id = rid;
    ptrdiff_t rid_len = rid[0] != '\0' ? jsonw_plain_length(rid) : 0;
    ptrdiff_t tid_len = trace_id[0] != '\0' ? jsonw_plain_length(trace_id) : 0;
    int plain = event_len >= 0 && rid_len >= 0 && tid_len >= 0;
    size_t fixed = sizeof(ts_key) - 1 + prefix_len + 3 + sizeof(level_key) - 1 + level_len + sizeof(event_key) - 1;
    size_t rest = !plain ? 0
                         : (size_t)event_len + 1 + (rid_len != 0 ? sizeof(request_id_key) - 1 + (size_t)rid_len : 0) +
                               (tid_len != 0 ? sizeof(trace_id_key) - 1 + (size_t)tid_len : 0);
    char *p = buf_reserve(&l->buf, fixed + rest);
    if (p != NULL) {
        char *start = p;
        unsigned ms = (unsigned)(ts.tv_nsec / 1000000);
        memcpy(p, ts_key, sizeof(ts_key) - 1);
        p += sizeof(ts_key) - 1;
        memcpy(p, ts_prefix, prefix_len);
        p += prefix_len;
        *p++ = (char)('0' + ms / 100);
        *p++ = (char)('0' + ms / 10 % 10);
        *p++ = (char)('0' + ms % 10);
        memcpy(p, level_key, sizeof(level_key) - 1);
        p += sizeof(level_key) - 1;
        memcpy(p, levels[level].name, level_len);
        p += level_len;
        memcpy(p, event_key, sizeof(event_key) - 1);
        p += sizeof(event_key) - 1;
        if (plain) {
            memcpy(p, event, (size_t)event_len);
            p += event_len;
            if (rid_len != 0) {
                memcpy(p, request_id_key, sizeof(request_id_key) - 1);
                p += sizeof(request_id_key) - 1;
                memcpy(p, rid, (size_t)rid_len);
                p += rid_len;
            }
            if (tid_len != 0) {
                memcpy(p, trace_id_key, sizeof(trace_id_key) - 1);
                p += sizeof(trace_id_key) - 1;
                memcpy(p, trace_id, (size_t)tid_len);
                p += tid_len;
            }
            *p++ = '"';
        }
        buf_commit(&l->buf, (size_t)(p - start));
    }
    if (!plain) {
        jsonw_escape_into(&l->buf, event, strlen(event));
        buf_append_char(&l->buf, '"');
        if (rid[0] != '\0')
            append_member(&l->buf, ",\"requestId\":\"", 14, rid);
        if (trace_id[0] != '\0')
            append_member(&l->buf, ",\"traceId\":\"", 12, trace_id);
    }
    /* the caller adds members after these */
    jsonw_init_in_object(&l->w, &l->buf);
}

void
log_begin_always(log_line_t *l, log_level_t level, const char *event)
{
    begin_line(l, level, event, request_id, NULL);
}

/* Writes the digits of v (at least min_digits of them, zero-padded) at p; returns the end. */
static char *
put_uint(char *p, uint64_t v, unsigned min_digits)
{
    char tmp[20];
    unsigned n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n < min_digits)
        tmp[n++] = '0';
    while (n != 0)
        *p++ = tmp[--n];
    return p;
}

void
log_request(const char *rid, const char *rpc_method, const char *tool, int status, int64_t duration_us, int64_t wall_ms)
{
    if (LOG_INFO < min_level)
        return;
    log_line_t l;
    struct timespec at = {.tv_sec = (time_t)(wall_ms / 1000), .tv_nsec = (long)(wall_ms % 1000) * 1000000};
    begin_line(&l, LOG_INFO, "request", rid, wall_ms >= 0 ? &at : NULL);
    if (rpc_method != NULL)
        append_member(&l.buf, ",\"rpcMethod\":\"", 14, rpc_method);
    if (tool != NULL)
        append_member(&l.buf, ",\"tool\":\"", 9, tool);
    static const char status_key[] = ",\"status\":", duration_key[] = ",\"durationMs\":";
    char *p = buf_reserve(&l.buf, sizeof(status_key) + 12 + sizeof(duration_key) + 24);
    if (p != NULL) {
        char *start = p;
        memcpy(p, status_key, sizeof(status_key) - 1);
        p += sizeof(status_key) - 1;
        if (status < 0)
            *p++ = '-';
        p = put_uint(p, status < 0 ? (uint64_t)0 - (uint64_t)status : (uint64_t)status, 1);
        memcpy(p, duration_key, sizeof(duration_key) - 1);
        p += sizeof(duration_key) - 1;
        uint64_t us = duration_us < 0 ? 0 : (uint64_t)duration_us; /* the monotonic clock never runs backwards */
        p = put_uint(p, us / 1000, 1);
        *p++ = '.';
        p = put_uint(p, us % 1000, 3);
        buf_commit(&l.buf, (size_t)(p - start));
    }
    log_end(&l);
}

void
log_end(log_line_t *l)
{
    jsonw_object_end(&l->w);
    buf_append_char(&l->buf, '\n');
    int failed = buf_failed(&l->buf);
    if (l->in_pending) {
        /* give the memory back, without this line if it did not fit */
        if (failed) {
            l->buf.len = l->start;
            l->buf.failed = 0;
            if (l->buf.data != NULL)
                l->buf.data[l->start] = '\0';
        }
        l->buf.limit = 0;
        pending = l->buf;
        pending_lent = 0;
    }
    if (failed) {
        /* a line that does not fit is not dropped without a word: its event is reported */
        log_line_t short_line;
        begin_line(&short_line, l->level, "log_line_too_long", l->request_id, NULL);
        jsonw_kv_string(&short_line.w, "lineEvent", l->event);
        if (!l->in_pending)
            buf_dispose(&l->buf);
        log_end(&short_line);
        return;
    }
    if (l->in_pending) {
        /* a warning or an error goes out at once, after what waits, so lines keep their order */
        if (l->level >= LOG_WARN || pending.len >= FLUSH_AT_BYTES)
            log_flush();
        return;
    }
    if (!buffering || pending_lent) {
        /* one write per line, so lines from several threads never interleave; a line begun while another is being
         * written into the pending lines (their memory is lent to it) goes out at once too */
        write_all(l->buf.data, l->buf.len);
    } else {
        buf_append(&pending, l->buf.data, l->buf.len);
        if (l->level >= LOG_WARN || buf_failed(&pending) || pending.len >= FLUSH_AT_BYTES)
            log_flush();
    }
    buf_dispose(&l->buf);
}

void
log_msg(log_level_t level, const char *event, const char *fmt, ...)
{
    log_line_t l;
    if (!log_begin(&l, level, event))
        return;
    char msg[MAX_MESSAGE_BYTES];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    jsonw_kv_string(&l.w, "message", msg);
    if (n >= (int)sizeof(msg))
        jsonw_kv_bool(&l.w, "messageTruncated", 1); /* jsonw escapes what vsnprintf cut mid-character */
    log_end(&l);
}
