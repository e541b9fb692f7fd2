/* text.c: cleaning server-supplied text for display (text.h). */
#include "text.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "json.h"

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0 if it is not one. */
static size_t
utf8_char_len(const unsigned char *s, size_t len)
{
    size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || n > len || !json_utf8_valid((const char *)s, n))
        return 0;
    return n;
}

void
mcpc_text_clean(buf_t *out, const char *s, size_t len, int keep_newlines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_char_len(p + i, len - i);
        if (n == 0) {
            buf_append_char(out, '?');
            ++i;
            continue;
        }
        /* C0 controls, DEL, and the C1 controls U+0080..U+009F (encoded 0xc2 0x80..0x9f) */
        int control = (n == 1 && (p[i] < 0x20 || p[i] == 0x7f)) || (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0);
        if (control && !(keep_newlines && (p[i] == '\n' || p[i] == '\t')))
            buf_append_char(out, '?');
        else
            buf_append(out, p + i, n);
        i += n;
    }
}

void
mcpc_text_snippet(buf_t *out, const char *s, size_t len, size_t max)
{
    if (len <= max) {
        mcpc_text_clean(out, s, len, 0);
        return;
    }
    size_t cut = max;
    while (cut != 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
        --cut;
    mcpc_text_clean(out, s, cut, 0);
    buf_append(out, "...", 3);
}

void
mcpc_text_error_message(buf_t *out, const char *body, size_t len)
{
    if (body == NULL || len == 0)
        return;
    arena_t a;
    arena_init(&a, 1u << 20);
    json_value_t *v;
    if (json_parse(&a, body, len, 64, &v) == 0) {
        const char *m = json_string(json_get(v, "message"));
        if (m == NULL)
            m = json_string(json_get(v, "Message"));
        if (m == NULL)
            m = json_string(json_get(json_get(v, "error"), "message"));
        if (m != NULL)
            mcpc_text_snippet(out, m, strlen(m), 400);
    } else {
        mcpc_text_snippet(out, body, strcspn(body, "\r\n"), 200);
    }
    arena_dispose(&a);
}

void
mcpc_text_error_type(char *out, size_t out_len, const mcpc_http_response_t *res)
{
    out[0] = '\0';
    const mcpc_http_header_t *type = mcpc_http_find_header(res, "x-amzn-errortype");
    if (type == NULL)
        return;
    const char *colon = memchr(type->value, ':', type->value_len); /* "Code:http://internal.amazon.com/..." */
    buf_t shown = BUF_INIT(0);
    mcpc_text_snippet(&shown, type->value, colon != NULL ? (size_t)(colon - type->value) : type->value_len, out_len - 4);
    snprintf(out, out_len, "%s", shown.data != NULL ? shown.data : "");
    buf_dispose(&shown);
}
