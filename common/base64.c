#include "base64.h"

#include <stdint.h>

static const char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
encode(buf_t *out, const unsigned char *p, size_t len, const char *alphabet, int pad)
{
    char *dst = buf_reserve(out, (len + 2) / 3 * 4);
    if (dst == NULL)
        return;
    size_t n = 0;
    for (; len >= 3; p += 3, len -= 3) {
        uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        dst[n++] = alphabet[v >> 18];
        dst[n++] = alphabet[(v >> 12) & 63];
        dst[n++] = alphabet[(v >> 6) & 63];
        dst[n++] = alphabet[v & 63];
    }
    if (len != 0) {
        uint32_t v = (uint32_t)p[0] << 16 | (len == 2 ? (uint32_t)p[1] << 8 : 0);
        dst[n++] = alphabet[v >> 18];
        dst[n++] = alphabet[(v >> 12) & 63];
        if (len == 2)
            dst[n++] = alphabet[(v >> 6) & 63];
        else if (pad)
            dst[n++] = '=';
        if (pad)
            dst[n++] = '=';
    }
    buf_commit(out, n);
}

void
base64_encode(buf_t *out, const void *data, size_t len)
{
    encode(out, data, len, std_alphabet, 1);
}

void
base64url_encode(buf_t *out, const void *data, size_t len)
{
    encode(out, data, len, url_alphabet, 0);
}

static int
decode_char(unsigned char c, int url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

int
base64_decode(buf_t *out, const char *src, size_t len, int url)
{
    size_t padding = 0;
    while (padding < 2 && len > 0 && src[len - 1] == '=') {
        --len;
        ++padding;
    }
    if (!url && (len + padding) % 4 != 0)
        return -1;
    if (url && padding != 0 && (len + padding) % 4 != 0)
        return -1;
    if (len % 4 == 1)
        return -1;
    char *dst = buf_reserve(out, len / 4 * 3 + 3);
    if (dst == NULL)
        return -1;
    size_t n = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i != len; ++i) {
        int v = decode_char((unsigned char)src[i], url);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[n++] = (char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* non-canonical: leftover bits must be zero */
        return -1;
    if (!url && padding != (4 - len % 4) % 4)
        return -1;
    buf_commit(out, n);
    return 0;
}
