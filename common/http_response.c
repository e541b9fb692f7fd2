/* http_response.c: the incremental HTTP/1.1 response parser (http_response.h). */
#include "http_response.h"

#include <string.h>
#include <strings.h>

#include "hex.h"
#include "http_token.h"
#include "mcpc_errors.h"

enum {
    STATE_HEAD,
    STATE_BODY_LENGTH,
    STATE_BODY_CLOSE,
    STATE_CHUNK_SIZE,
    STATE_CHUNK_DATA,
    STATE_CHUNK_END,
    STATE_TRAILER,
    STATE_DONE,
};

enum { FRAMING_NONE, FRAMING_LENGTH, FRAMING_CHUNKED, FRAMING_CLOSE };

void
mcpc_http_parser_init(mcpc_http_parser_t *p)
{
    memset(p, 0, sizeof(*p));
    buf_init(&p->_head, MCPC_HTTP_MAX_HEAD);
    buf_init(&p->_line, MCPC_HTTP_MAX_CHUNK_LINE);
}

void
mcpc_http_parser_dispose(mcpc_http_parser_t *p)
{
    buf_dispose(&p->_head);
    buf_dispose(&p->_line);
}

const mcpc_http_header_t *
mcpc_http_find_header(const mcpc_http_response_t *res, const char *name)
{
    size_t len = strlen(name);
    const mcpc_http_header_t *found = NULL;
    for (size_t i = 0; i != res->num_headers; ++i)
        if (res->headers[i].name_len == len && strncasecmp(res->headers[i].name, name, len) == 0)
            found = &res->headers[i];
    return found;
}

/* ---- the head ---- */

/* Field values and reason phrases: HTAB, visible ASCII, spaces and obs-text; no other control character. */
static int
is_field_text(const char *s, size_t len)
{
    for (size_t i = 0; i != len; ++i) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    }
    return 1;
}

static void
trim(const char **s, size_t *len)
{
    while (*len != 0 && ((*s)[0] == ' ' || (*s)[0] == '\t'))
        ++*s, --*len;
    while (*len != 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        --*len;
}

/* The next line of the head at *pos, without its CRLF or LF. */
static char *
next_line(char **pos, char *end, size_t *len)
{
    char *line = *pos;
    char *lf = memchr(line, '\n', (size_t)(end - line));
    if (lf == NULL) /* cannot happen: the head ends with a blank line */
        lf = end;
    *len = (size_t)(lf - line);
    if (*len != 0 && line[*len - 1] == '\r')
        --*len;
    *pos = lf < end ? lf + 1 : end;
    return line;
}

static int
parse_status_line(mcpc_http_response_t *res, const char *line, size_t len)
{
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') || line[8] != ' ')
        return MCPC_ERR_HTTP_SYNTAX;
    for (int i = 9; i != 12; ++i)
        if (line[i] < '0' || line[i] > '9')
            return MCPC_ERR_HTTP_SYNTAX;
    if (len > 12 && line[12] != ' ')
        return MCPC_ERR_HTTP_SYNTAX;
    res->minor_version = line[7] - '0';
    res->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    res->reason = len > 13 ? line + 13 : "";
    res->reason_len = len > 13 ? len - 13 : 0;
    if (res->status < 100 || !is_field_text(res->reason, res->reason_len))
        return MCPC_ERR_HTTP_SYNTAX;
    return 0;
}

static int
parse_field_line(mcpc_http_response_t *res, char *line, size_t len)
{
    if (line[0] == ' ' || line[0] == '\t') {
        /* obsolete line folding: the continuation joins the previous value, the line break becoming spaces */
        if (res->num_headers == 0)
            return MCPC_ERR_HTTP_SYNTAX;
        const char *more = line;
        size_t more_len = len;
        trim(&more, &more_len);
        if (!is_field_text(more, more_len))
            return MCPC_ERR_HTTP_SYNTAX;
        if (more_len == 0)
            return 0;
        mcpc_http_header_t *prev = &res->headers[res->num_headers - 1];
        if (prev->value_len == 0) {
            prev->value = more;
            prev->value_len = more_len;
            return 0;
        }
        /* the value and its continuation are in the same buffer: blank out the line break between them */
        char *gap = (char *)prev->value + prev->value_len;
        memset(gap, ' ', (size_t)(more - gap));
        prev->value_len = (size_t)(more + more_len - prev->value);
        return 0;
    }
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || colon == line)
        return MCPC_ERR_HTTP_SYNTAX;
    if (!http_token(line, (size_t)(colon - line)))
        return MCPC_ERR_HTTP_SYNTAX;
    const char *value = colon + 1;
    size_t value_len = len - (size_t)(value - line);
    trim(&value, &value_len);
    if (!is_field_text(value, value_len))
        return MCPC_ERR_HTTP_SYNTAX;
    if (res->num_headers == MCPC_HTTP_MAX_HEADERS)
        return MCPC_ERR_TOO_LARGE;
    res->headers[res->num_headers++] = (mcpc_http_header_t){line, (size_t)(colon - line), value, value_len};
    return 0;
}

/* Calls fn on each comma-separated, trimmed element of every header field of that name; stops when fn returns non-zero. */
static int
each_element(const mcpc_http_response_t *res, const char *name, int (*fn)(void *, const char *, size_t), void *arg)
{
    size_t name_len = strlen(name);
    for (size_t i = 0; i != res->num_headers; ++i) {
        const mcpc_http_header_t *h = &res->headers[i];
        if (h->name_len != name_len || strncasecmp(h->name, name, name_len) != 0)
            continue;
        const char *s = h->value, *end = h->value + h->value_len;
        while (s <= end) {
            const char *comma = memchr(s, ',', (size_t)(end - s));
            const char *elem_end = comma != NULL ? comma : end;
            const char *elem = s;
            size_t elem_len = (size_t)(elem_end - s);
            trim(&elem, &elem_len);
            int ret = fn(arg, elem, elem_len);
            if (ret != 0)
                return ret;
            s = elem_end + 1;
        }
    }
    return 0;
}

static int
is_close_token(void *arg, const char *s, size_t len)
{
    (void)arg;
    return len == 5 && strncasecmp(s, "close", 5) == 0;
}

static int
note_last_coding(void *arg, const char *s, size_t len)
{
    /* a coding may carry parameters ("chunked" never does; anything else is just not chunked) */
    int *last_is_chunked = arg;
    if (len != 0)
        *last_is_chunked = len == 7 && strncasecmp(s, "chunked", 7) == 0;
    return 0;
}

typedef struct st_content_length_t {
    int seen;
    uint64_t value;
} content_length_t;

static int
note_content_length(void *arg, const char *s, size_t len)
{
    content_length_t *cl = arg;
    if (len == 0 || len > 18)
        return MCPC_ERR_HTTP_SYNTAX;
    uint64_t v = 0;
    for (size_t i = 0; i != len; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return MCPC_ERR_HTTP_SYNTAX;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    /* "Content-Length: 5, 5" is one length said twice; two different lengths are an error */
    if (cl->seen && cl->value != v)
        return MCPC_ERR_HTTP_SYNTAX;
    cl->seen = 1;
    cl->value = v;
    return 0;
}

/* Decides how the body ends (RFC 9112 section 6.3) and whether the connection can be reused. */
static int
set_framing(mcpc_http_parser_t *p)
{
    mcpc_http_response_t *res = &p->res;
    if (res->status == 204 || res->status == 304) {
        p->_framing = FRAMING_NONE;
    } else if (mcpc_http_find_header(res, "transfer-encoding") != NULL) {
        int chunked = 0;
        each_element(res, "transfer-encoding", note_last_coding, &chunked);
        p->_framing = chunked ? FRAMING_CHUNKED : FRAMING_CLOSE;
    } else {
        content_length_t cl = {0};
        int ret = each_element(res, "content-length", note_content_length, &cl);
        if (ret != 0)
            return ret;
        if (cl.seen) {
            p->_framing = cl.value == 0 ? FRAMING_NONE : FRAMING_LENGTH;
            p->_remaining = cl.value;
        } else {
            p->_framing = FRAMING_CLOSE;
        }
    }
    res->keep_alive =
        res->minor_version == 1 && p->_framing != FRAMING_CLOSE && each_element(res, "connection", is_close_token, NULL) == 0;
    return 0;
}

/* The head is complete in _head: parse it, skip it if interim, else announce it and move to the body. */
static int
finish_head(mcpc_http_parser_t *p)
{
    mcpc_http_response_t *res = &p->res;
    memset(res, 0, sizeof(*res));
    char *pos = p->_head.data, *end = p->_head.data + p->_head.len;
    size_t len;
    char *line = next_line(&pos, end, &len);
    int ret = parse_status_line(res, line, len);
    if (ret != 0)
        return ret;
    while ((line = next_line(&pos, end, &len)), len != 0)
        if ((ret = parse_field_line(res, line, len)) != 0)
            return ret;
    if (res->status < 200) {
        if (res->status == 101) /* an upgrade nobody asked for */
            return MCPC_ERR_HTTP_SYNTAX;
        buf_reset(&p->_head);
        p->_head_scanned = 0;
        return 0;
    }
    if ((ret = set_framing(p)) != 0)
        return ret;
    switch (p->_framing) {
    case FRAMING_NONE:
        p->_state = STATE_DONE;
        break;
    case FRAMING_LENGTH:
        p->_state = STATE_BODY_LENGTH;
        break;
    case FRAMING_CHUNKED:
        p->_state = STATE_CHUNK_SIZE;
        break;
    default:
        p->_state = STATE_BODY_CLOSE;
        break;
    }
    p->done = p->_state == STATE_DONE;
    return p->on_head != NULL ? p->on_head(p->cb_data, res) : 0;
}

/* Collects head bytes up to the blank line; *used is how many of bytes belonged to the head. */
static int
feed_head(mcpc_http_parser_t *p, const char *bytes, size_t len, size_t *used)
{
    *used = 0;
    while (*used != len) {
        const char *lf = memchr(bytes + *used, '\n', len - *used);
        size_t n = lf != NULL ? (size_t)(lf - (bytes + *used)) + 1 : len - *used;
        buf_append(&p->_head, bytes + *used, n);
        *used += n;
        if (buf_failed(&p->_head))
            return MCPC_ERR_TOO_LARGE;
        if (lf == NULL)
            return 0;
        /* a line just ended: the head ends if that line was empty (LF or CRLF) */
        const char *h = p->_head.data;
        size_t hl = p->_head.len;
        size_t line_start = p->_head_scanned;
        p->_head_scanned = hl;
        size_t line_len = hl - line_start;
        int empty = line_len == 1 || (line_len == 2 && h[line_start] == '\r');
        if (!empty)
            continue;
        if (line_start == 0) {
            /* blank lines before the status line are tolerated */
            buf_reset(&p->_head);
            p->_head_scanned = 0;
            continue;
        }
        int ret = finish_head(p);
        if (ret != 0 || p->_state != STATE_HEAD)
            return ret;
    }
    return 0;
}

/* ---- the body ---- */

static int
deliver(mcpc_http_parser_t *p, const char *bytes, size_t len)
{
    return p->on_body != NULL && len != 0 ? p->on_body(p->cb_data, bytes, len) : 0;
}

/* Appends to _line until an LF; returns 1 with a complete line (CR stripped) in _line, 0 if more is needed. */
static int
take_line(mcpc_http_parser_t *p, const char *bytes, size_t len, size_t *used, int *err)
{
    const char *lf = memchr(bytes, '\n', len);
    size_t n = lf != NULL ? (size_t)(lf - bytes) + 1 : len;
    buf_append(&p->_line, bytes, n);
    *used = n;
    if (buf_failed(&p->_line)) {
        *err = MCPC_ERR_TOO_LARGE;
        return 0;
    }
    if (lf == NULL)
        return 0;
    p->_line.len -= 1;
    if (p->_line.len != 0 && p->_line.data[p->_line.len - 1] == '\r')
        p->_line.len -= 1;
    p->_line.data[p->_line.len] = '\0';
    return 1;
}

static int
parse_chunk_size(mcpc_http_parser_t *p)
{
    const char *s = p->_line.data, *end = s + p->_line.len;
    uint64_t size = 0;
    size_t digits = 0;
    for (int d; s != end && (d = hex_digit((unsigned char)*s)) >= 0; ++s, ++digits) {
        if (digits == 15)
            return MCPC_ERR_HTTP_SYNTAX;
        size = size * 16 + (uint64_t)d;
    }
    if (digits == 0)
        return MCPC_ERR_HTTP_SYNTAX;
    while (s != end && (*s == ' ' || *s == '\t'))
        ++s;
    if (s != end && *s != ';')
        return MCPC_ERR_HTTP_SYNTAX;
    p->_remaining = size;
    p->_state = size == 0 ? STATE_TRAILER : STATE_CHUNK_DATA;
    return 0;
}

static int
feed_body(mcpc_http_parser_t *p, const char *bytes, size_t len, size_t *used)
{
    int ret = 0;
    size_t n;
    *used = 0;
    switch (p->_state) {
    case STATE_BODY_CLOSE:
        *used = len;
        return deliver(p, bytes, len);
    case STATE_BODY_LENGTH:
    case STATE_CHUNK_DATA:
        n = p->_remaining < len ? (size_t)p->_remaining : len;
        *used = n;
        p->_remaining -= n;
        if (p->_remaining == 0)
            p->_state = p->_state == STATE_BODY_LENGTH ? STATE_DONE : STATE_CHUNK_END;
        p->done = p->_state == STATE_DONE;
        return deliver(p, bytes, n);
    case STATE_CHUNK_SIZE:
        if (take_line(p, bytes, len, used, &ret)) {
            ret = parse_chunk_size(p);
            buf_reset(&p->_line);
        }
        return ret;
    case STATE_CHUNK_END:
        if (take_line(p, bytes, len, used, &ret)) {
            if (p->_line.len != 0)
                return MCPC_ERR_HTTP_SYNTAX;
            p->_state = STATE_CHUNK_SIZE;
        } else if (ret == 0 && p->_line.len > 1) {
            return MCPC_ERR_HTTP_SYNTAX; /* only CRLF or LF may follow a chunk's data */
        }
        return ret;
    case STATE_TRAILER:
        /* trailer fields are read and dropped; _remaining counts their bytes against the cap */
        if (take_line(p, bytes, len, used, &ret)) {
            if (p->_line.len == 0) {
                p->_state = STATE_DONE;
                p->done = 1;
            }
            buf_reset(&p->_line);
        }
        p->_remaining += *used;
        if (p->_remaining > MCPC_HTTP_MAX_TRAILER)
            return MCPC_ERR_TOO_LARGE;
        return ret;
    default:
        return 0;
    }
}

int
mcpc_http_parser_feed(mcpc_http_parser_t *p, const char *bytes, size_t len, size_t *consumed)
{
    size_t total = 0;
    int ret = 0;
    while (total != len && p->_state != STATE_DONE && ret == 0) {
        size_t used;
        if (p->_state == STATE_HEAD)
            ret = feed_head(p, bytes + total, len - total, &used);
        else
            ret = feed_body(p, bytes + total, len - total, &used);
        total += used;
    }
    p->bytes_seen += total;
    if (consumed != NULL)
        *consumed = total;
    return ret;
}

int
mcpc_http_parser_eof(mcpc_http_parser_t *p)
{
    if (p->_state == STATE_BODY_CLOSE) {
        p->_state = STATE_DONE;
        p->done = 1;
    }
    if (p->done)
        return 0;
    return p->bytes_seen == 0 ? MCPC_ERR_CLOSED_EARLY : MCPC_ERR_CLOSED;
}
