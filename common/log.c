#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE_BYTES 16384
#define MAX_MESSAGE_BYTES 4096
#define FLUSH_AT_BYTES 16384 /* a buffering thread writes its lines out once it holds this much */

static log_level_t min_level = LOG_INFO;
static __thread char request_id[128];
static __thread char trace_id[128];
/* a thread that buffers keeps its lines here until log_flush() (its turn of work is over) */
static __thread int buffering;
static __thread buf_t pending;
/* the timestamp's second, formatted once per second per thread */
static __thread time_t ts_second = -1;
static __thread char ts_prefix[sizeof("2026-12-02T15:00:25.")];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void
log_set_level(log_level_t level)
{
    min_level = level;
}

int
log_parse_level(const char *s, log_level_t *out)
{
    for (size_t i = 0; i != sizeof(level_names) / sizeof(level_names[0]); ++i) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (log_level_t)i;
            return 0;
        }
    }
    return -1;
}

static void
set_id(char *dst, size_t size, const char *id)
{
    size_t len = id != NULL ? strnlen(id, size - 1) : 0;
    memcpy(dst, id != NULL ? id : "", len);
    dst[len] = '\0';
}

void
log_set_request_id(const char *id)
{
    set_id(request_id, sizeof(request_id), id);
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
    if (pending.len != 0)
        write_all(pending.data, pending.len);
    buf_reset(&pending);
}

const char *
log_request_id(void)
{
    return request_id[0] != '\0' ? request_id : NULL;
}

int
log_begin(log_line_t *l, log_level_t level, const char *event)
{
    if (level < min_level)
        return 0;
    log_begin_always(l, level, event);
    return 1;
}

void
log_begin_always(log_line_t *l, log_level_t level, const char *event)
{
    buf_init(&l->buf, MAX_LINE_BYTES);
    jsonw_init(&l->w, &l->buf);
    l->level = level;
    l->event = event;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != ts_second) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        strftime(ts_prefix, sizeof(ts_prefix), "%Y-%m-%dT%H:%M:%S.", &tm);
        ts_second = ts.tv_sec;
    }
    unsigned ms = (unsigned)(ts.tv_nsec / 1000000);
    char when[sizeof(ts_prefix) + 4];
    size_t n = strlen(ts_prefix);
    memcpy(when, ts_prefix, n);
    when[n] = (char)('0' + ms / 100);
    when[n + 1] = (char)('0' + ms / 10 % 10);
    when[n + 2] = (char)('0' + ms % 10);
    when[n + 3] = 'Z';
    when[n + 4] = '\0';
    jsonw_object_begin(&l->w);
    jsonw_kv_string(&l->w, "ts", when);
    jsonw_kv_string(&l->w, "level", level_names[level]);
    jsonw_kv_string(&l->w, "event", event);
    if (request_id[0] != '\0')
        jsonw_kv_string(&l->w, "requestId", request_id);
    if (trace_id[0] != '\0')
        jsonw_kv_string(&l->w, "traceId", trace_id);
}

void
log_end(log_line_t *l)
{
    jsonw_object_end(&l->w);
    buf_append_char(&l->buf, '\n');
    if (buf_failed(&l->buf)) {
        /* a line that does not fit is not dropped without a word: its event is reported */
        log_line_t short_line;
        log_begin_always(&short_line, l->level, "log_line_too_long");
        jsonw_kv_string(&short_line.w, "lineEvent", l->event);
        buf_dispose(&l->buf);
        log_end(&short_line);
        return;
    }
    if (!buffering) {
        write_all(l->buf.data, l->buf.len); /* one write per line, so lines from several threads never interleave */
    } else {
        /* a warning or an error goes out at once, after what waits, so lines keep their order */
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
