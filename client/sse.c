/* sse.c: the text/event-stream parser (sse.h). */
#include "sse.h"

#include <string.h>

#include "mcpc_errors.h"

static const char bom[3] = {'\xef', '\xbb', '\xbf'};

void
mcpc_sse_init(mcpc_sse_parser_t *p, size_t max_event_bytes)
{
    memset(p, 0, sizeof(*p));
    p->retry_ms = -1;
    buf_init(&p->_line, max_event_bytes);
    buf_init(&p->_data, max_event_bytes);
    buf_init(&p->_type, max_event_bytes);
    buf_init(&p->_id, max_event_bytes);
}

void
mcpc_sse_dispose(mcpc_sse_parser_t *p)
{
    buf_dispose(&p->_line);
    buf_dispose(&p->_data);
    buf_dispose(&p->_type);
    buf_dispose(&p->_id);
}

static int
dispatch(mcpc_sse_parser_t *p)
{
    int ret = 0;
    if (p->_data.len != 0) {
        --p->_data.len; /* the LF after the last data line */
        p->_data.data[p->_data.len] = '\0';
        mcpc_sse_event_t ev = {
            .type = p->_type.len != 0 ? p->_type.data : "message",
            .data = p->_data.data,
            .data_len = p->_data.len,
            .id = p->_id.data != NULL ? p->_id.data : "",
        };
        ret = p->on_event(p->cb_data, &ev);
    }
    buf_reset(&p->_data);
    buf_reset(&p->_type);
    return ret;
}

static void
set_retry(mcpc_sse_parser_t *p, const char *value, size_t len)
{
    /* only ASCII digits count; more than 9 of them would be an absurd delay, so they are ignored too */
    if (len == 0 || len > 9)
        return;
    int64_t ms = 0;
    for (size_t i = 0; i != len; ++i) {
        if (value[i] < '0' || value[i] > '9')
            return;
        ms = ms * 10 + (value[i] - '0');
    }
    p->retry_ms = ms;
}

static int
process_line(mcpc_sse_parser_t *p, const char *line, size_t len)
{
    if (len == 0)
        return dispatch(p);
    if (line[0] == ':')
        return p->on_comment != NULL ? p->on_comment(p->cb_data, line + 1, len - 1) : 0;

    const char *colon = memchr(line, ':', len);
    size_t name_len = colon != NULL ? (size_t)(colon - line) : len;
    const char *value = colon != NULL ? colon + 1 : line + len;
    size_t value_len = (size_t)(line + len - value);
    if (value_len != 0 && value[0] == ' ')
        ++value, --value_len;

#define FIELD_IS(lit) (name_len == sizeof(lit) - 1 && memcmp(line, lit, name_len) == 0)
    if (FIELD_IS("data")) {
        buf_append(&p->_data, value, value_len);
        buf_append_char(&p->_data, '\n');
        if (buf_failed(&p->_data))
            return MCPC_ERR_TOO_LARGE;
    } else if (FIELD_IS("event")) {
        buf_reset(&p->_type);
        buf_append(&p->_type, value, value_len);
        if (buf_failed(&p->_type))
            return MCPC_ERR_TOO_LARGE;
    } else if (FIELD_IS("id")) {
        if (memchr(value, '\0', value_len) == NULL) {
            buf_reset(&p->_id);
            buf_append(&p->_id, value, value_len);
            if (buf_failed(&p->_id))
                return MCPC_ERR_TOO_LARGE;
        }
    } else if (FIELD_IS("retry")) {
        set_retry(p, value, value_len);
    }
#undef FIELD_IS
    return 0;
}

/* Splits bytes into lines; the part of a line not yet ended waits in _line. */
static int
feed_lines(mcpc_sse_parser_t *p, const char *bytes, size_t len)
{
    while (len != 0) {
        if (p->_after_cr) {
            p->_after_cr = 0;
            if (bytes[0] == '\n') {
                ++bytes, --len;
                continue;
            }
        }
        size_t i = 0;
        while (i != len && bytes[i] != '\r' && bytes[i] != '\n')
            ++i;
        if (i == len) {
            buf_append(&p->_line, bytes, len);
            return buf_failed(&p->_line) ? MCPC_ERR_TOO_LARGE : 0;
        }
        int ret;
        if (p->_line.len == 0) {
            ret = process_line(p, bytes, i); /* the whole line is in this feed: no copy */
        } else {
            buf_append(&p->_line, bytes, i);
            if (buf_failed(&p->_line))
                return MCPC_ERR_TOO_LARGE;
            ret = process_line(p, p->_line.data, p->_line.len);
            buf_reset(&p->_line);
        }
        if (ret != 0)
            return ret;
        p->_after_cr = bytes[i] == '\r';
        bytes += i + 1;
        len -= i + 1;
    }
    return 0;
}

int
mcpc_sse_feed(mcpc_sse_parser_t *p, const char *bytes, size_t len)
{
    while (p->_bom_matched < sizeof(bom) && len != 0) {
        if (bytes[0] == bom[p->_bom_matched]) {
            ++p->_bom_matched;
            ++bytes, --len;
            continue;
        }
        /* not a BOM after all: what matched so far is ordinary input */
        unsigned matched = p->_bom_matched;
        p->_bom_matched = sizeof(bom);
        int ret = feed_lines(p, bom, matched);
        if (ret != 0)
            return ret;
    }
    return feed_lines(p, bytes, len);
}
