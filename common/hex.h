/*
 * hex: reading hexadecimal digits, written once for every parser that meets them (JSON \u escapes,
 * percent-encoding, chunk sizes, SHA-256 digests in hex).
 */
#ifndef COMMON_HEX_H
#define COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hexadecimal digit, either case; -1 for any other byte. */
static inline int
hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads exactly n (at most 8) hexadecimal digits at s into *out; 0, or -1 if one of them is not a digit. */
static inline int
hex_parse(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    for (size_t i = 0; i != n; ++i) {
        int d = hex_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

#endif
