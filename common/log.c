#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static log_level_t min_level = LOG_INFO;
static __thread char request_id[128];

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

void
log_set_request_id(const char *id)
{
    if (id == NULL) {
        request_id[0] = '\0';
        return;
    }
    size_t len = strnlen(id, sizeof(request_id) - 1);
    memcpy(request_id, id, len);
    request_id[len] = '\0';
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
    buf_init(&l->buf, 16384);
    jsonw_init(&l->w, &l->buf);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[96];
    snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    jsonw_object_begin(&l->w);
    jsonw_kv_string(&l->w, "ts", when);
    jsonw_kv_string(&l->w, "level", level_names[level]);
    jsonw_kv_string(&l->w, "event", event);
    if (request_id[0] != '\0')
        jsonw_kv_string(&l->w, "requestId", request_id);
}

void
log_end(log_line_t *l)
{
    jsonw_object_end(&l->w);
    buf_append_char(&l->buf, '\n');
    if (!buf_failed(&l->buf)) {
        /* one write per line, so lines from several threads never interleave */
        ssize_t r = write(STDERR_FILENO, l->buf.data, l->buf.len);
        (void)r;
    }
    buf_dispose(&l->buf);
}

void
log_msg(log_level_t level, const char *event, const char *fmt, ...)
{
    log_line_t l;
    if (!log_begin(&l, level, event))
        return;
    buf_t msg = BUF_INIT(4096);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    jsonw_kv_string(&l.w, "message", msg.data != NULL ? msg.data : "");
    buf_dispose(&msg);
    log_end(&l);
}
