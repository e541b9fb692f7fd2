/* text.c: cleaning server-supplied text for display (text.h). */
#include "text.h"

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
