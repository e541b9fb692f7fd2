#include "jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json.h"

void
jsonw_init(jsonw_t *w, buf_t *out)
{
    w->out = out;
    w->depth = 0;
    w->failed = 0;
    w->need_comma[0] = 0;
    w->after_key = 0;
}

void
jsonw_init_in_object(jsonw_t *w, buf_t *out)
{
    jsonw_init(w, out);
    w->need_comma[0] = 1;
    w->depth = 1;
    w->need_comma[1] = 1;
}

/* Separator before a value or a key at the current level. */
static void
before_item(jsonw_t *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->need_comma[w->depth])
        buf_append_char(w->out, ',');
    w->need_comma[w->depth] = 1;
}

static void
open_level(jsonw_t *w, char c)
{
    before_item(w);
    if (w->depth == JSONW_MAX_DEPTH) {
        w->failed = 1;
        return;
    }
    buf_append_char(w->out, c);
    w->need_comma[++w->depth] = 0;
}

static void
close_level(jsonw_t *w, char c)
{
    if (w->depth == 0) {
        w->failed = 1;
        return;
    }
    --w->depth;
    buf_append_char(w->out, c);
}

void
jsonw_object_begin(jsonw_t *w)
{
    open_level(w, '{');
}

void
jsonw_object_begin_raw(jsonw_t *w, const char *json, size_t len)
{
    before_item(w);
    if (w->depth == JSONW_MAX_DEPTH) {
        w->failed = 1;
        return;
    }
    buf_append(w->out, json, len);
    w->need_comma[++w->depth] = 1;
    w->after_key = len != 0 && json[len - 1] == ':';
}

void
jsonw_object_end(jsonw_t *w)
{
    close_level(w, '}');
}

void
jsonw_array_begin(jsonw_t *w)
{
    open_level(w, '[');
}

void
jsonw_array_end(jsonw_t *w)
{
    close_level(w, ']');
}

/* The bytes that end a run copied as it is: control characters, quote, backslash, and 0xE2 (U+2028/U+2029 start with it). */
static const unsigned char special[256] = {
    [0x00 ... 0x1f] = 1,
    ['"'] = 1,
    ['\\'] = 1,
    [0xe2] = 1,
};

void
jsonw_escape_into(buf_t *out, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str, *end = s + len, *run = s;
    for (;;) {
        s = json_skip_plain_ascii(s, end); /* then what is not ASCII, byte by byte */
        while (s != end && !special[*s])
            ++s;
        if (s == end)
            break;
        unsigned char c = *s;
        const char *esc = NULL;
        char ubuf[7];
        if (c == 0xe2) {
            /* U+2028 and U+2029 (E2 80 A8/A9) are line terminators in JavaScript */
            if (end - s < 3 || s[1] != 0x80 || (s[2] != 0xa8 && s[2] != 0xa9)) {
                ++s;
                continue;
            }
            buf_append(out, run, (size_t)(s - run));
            buf_append_str(out, s[2] == 0xa8 ? "\\u2028" : "\\u2029");
            s += 3;
            run = s;
            continue;
        }
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        default:
            ubuf[0] = '\\', ubuf[1] = 'u', ubuf[2] = '0', ubuf[3] = '0', ubuf[4] = hex[c >> 4], ubuf[5] = hex[c & 15];
            ubuf[6] = '\0';
            esc = ubuf;
            break;
        }
        buf_append(out, run, (size_t)(s - run));
        buf_append_str(out, esc);
        run = ++s;
    }
    buf_append(out, run, (size_t)(s - run));
}

ptrdiff_t
jsonw_plain_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (!special[*p])
        ++p;
    return *p == '\0' ? (ptrdiff_t)(p - (const unsigned char *)s) : -1;
}

void
jsonw_keyn(jsonw_t *w, const char *key, size_t len)
{
    if (!w->after_key) {
        const unsigned char *k = (const unsigned char *)key, *end = k + len;
        while (k != end && !special[*k])
            ++k;
        if (k == end) {
            /* nothing to escape (the usual case): one reservation and a copy */
            int comma = w->need_comma[w->depth];
            w->need_comma[w->depth] = 1;
            w->after_key = 1;
            char *p = buf_reserve(w->out, (size_t)comma + len + 3);
            if (p == NULL)
                return; /* the buffer is marked failed */
            char *start = p;
            if (comma)
                *p++ = ',';
            *p++ = '"';
            memcpy(p, key, len);
            p += len;
            *p++ = '"';
            *p++ = ':';
            buf_commit(w->out, (size_t)(p - start));
            return;
        }
    }
    before_item(w);
    buf_append_char(w->out, '"');
    jsonw_escape_into(w->out, key, len);
    buf_append(w->out, "\":", 2);
    w->after_key = 1;
}

void
jsonw_key(jsonw_t *w, const char *key)
{
    jsonw_keyn(w, key, strlen(key));
}

void
jsonw_stringn(jsonw_t *w, const char *s, size_t len)
{
    before_item(w);
    buf_append_char(w->out, '"');
    jsonw_escape_into(w->out, s, len);
    buf_append_char(w->out, '"');
}

void
jsonw_string(jsonw_t *w, const char *s)
{
    if (s == NULL) {
        jsonw_null(w);
        return;
    }
    jsonw_stringn(w, s, strlen(s));
}

/* The digits of v, right-aligned in tmp[0..24); returns where they start. No snprintf: this runs per request. */
static char *
format_int(int64_t v, char tmp[24])
{
    char *p = tmp + 24;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    return p;
}

void
jsonw_int(jsonw_t *w, int64_t v)
{
    before_item(w);
    char tmp[24], *p = format_int(v, tmp);
    buf_append(w->out, p, (size_t)(tmp + 24 - p));
}

void
jsonw_fixed(jsonw_t *w, int64_t v, unsigned decimals)
{
    before_item(w);
    int negative = v < 0;
    uint64_t u = negative ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, scale = 1;
    for (unsigned i = 0; i != decimals; ++i)
        scale *= 10;
    char tmp[24], *p = format_int((int64_t)(u / scale), tmp);
    if (negative)
        buf_append_char(w->out, '-');
    buf_append(w->out, p, (size_t)(tmp + 24 - p));
    if (decimals == 0)
        return;
    char frac[20];
    uint64_t f = u % scale;
    for (unsigned i = decimals; i != 0; --i, f /= 10)
        frac[i - 1] = (char)('0' + f % 10);
    buf_append_char(w->out, '.');
    buf_append(w->out, frac, decimals);
}

void
jsonw_double(jsonw_t *w, double v)
{
    if (!isfinite(v)) {
        jsonw_null(w);
        return;
    }
    before_item(w);
    char tmp[32];
    int n = 0;
    if (v == floor(v) && fabs(v) < 1e15) {
        n = snprintf(tmp, sizeof(tmp), "%.0f", v);
    } else {
        /* the shortest of 15..17 significant digits that reads back as the same value */
        for (int prec = 15; prec <= 17; ++prec) {
            n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
    }
    buf_append(w->out, tmp, (size_t)n);
}

void
jsonw_bool(jsonw_t *w, int v)
{
    before_item(w);
    buf_append_str(w->out, v ? "true" : "false");
}

void
jsonw_null(jsonw_t *w)
{
    before_item(w);
    buf_append(w->out, "null", 4);
}

void
jsonw_raw(jsonw_t *w, const char *json, size_t len)
{
    before_item(w);
    buf_append(w->out, json, len);
}

void
jsonw_value(jsonw_t *w, const json_value_t *v)
{
    if (v == NULL) {
        jsonw_null(w);
        return;
    }
    switch (v->type) {
    case JSON_NULL:
        jsonw_null(w);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        jsonw_bool(w, v->type == JSON_TRUE);
        break;
    case JSON_NUMBER:
        jsonw_raw(w, v->u.num.raw, v->u.num.len);
        break;
    case JSON_STRING:
        jsonw_stringn(w, v->u.str.ptr, v->u.str.len);
        break;
    case JSON_ARRAY:
        jsonw_array_begin(w);
        for (size_t i = 0; i != v->u.arr.len; ++i)
            jsonw_value(w, v->u.arr.items[i]);
        jsonw_array_end(w);
        break;
    case JSON_OBJECT:
        jsonw_object_begin(w);
        for (size_t i = 0; i != v->u.obj.len; ++i) {
            jsonw_keyn(w, v->u.obj.items[i].key, v->u.obj.items[i].key_len);
            jsonw_value(w, v->u.obj.items[i].value);
        }
        jsonw_object_end(w);
        break;
    }
}

void
jsonw_base64(jsonw_t *w, const void *data, size_t len)
{
    before_item(w);
    buf_append_char(w->out, '"');
    base64_encode(w->out, data, len);
    buf_append_char(w->out, '"');
}

void
jsonw_kv_string(jsonw_t *w, const char *key, const char *value)
{
    ptrdiff_t klen, vlen;
    if (value != NULL && !w->after_key && (klen = jsonw_plain_length(key)) >= 0 && (vlen = jsonw_plain_length(value)) >= 0) {
        /* nothing to escape (the usual case): one reservation and two copies */
        int comma = w->need_comma[w->depth];
        char *p = buf_reserve(w->out, (size_t)comma + (size_t)klen + (size_t)vlen + 5);
        if (p == NULL)
            return; /* the buffer is marked failed */
        w->need_comma[w->depth] = 1;
        char *start = p;
        if (comma)
            *p++ = ',';
        *p++ = '"';
        memcpy(p, key, (size_t)klen);
        p += klen;
        memcpy(p, "\":\"", 3);
        p += 3;
        memcpy(p, value, (size_t)vlen);
        p += vlen;
        *p++ = '"';
        buf_commit(w->out, (size_t)(p - start));
        return;
    }
    jsonw_key(w, key);
    jsonw_string(w, value);
}

void
jsonw_kv_int(jsonw_t *w, const char *key, int64_t value)
{
    jsonw_key(w, key);
    jsonw_int(w, value);
}

void
jsonw_kv_bool(jsonw_t *w, const char *key, int value)
{
    jsonw_key(w, key);
    jsonw_bool(w, value);
}

void
jsonw_kv_raw(jsonw_t *w, const char *key, const char *json)
{
    jsonw_key(w, key);
    jsonw_raw(w, json, strlen(json));
}
