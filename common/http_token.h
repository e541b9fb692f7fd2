/*
 * http_token: the RFC 9110 token (section 5.6.2), what a header field name is made of: one or more tchar,
 * the ASCII letters and digits and !#$%&'*+-.^_`|~. Written once for the response parser's field names and
 * the x-mcp-header annotations that name Mcp-Param-{Name} headers.
 */
#ifndef COMMON_HTTP_TOKEN_H
#define COMMON_HTTP_TOKEN_H

#include <stddef.h>
#include <string.h>

static inline int
http_tchar(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c > 0 && c < 0x7f && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Whether s[0..len) is a token (never when empty). */
static inline int
http_token(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i != len; ++i)
        if (!http_tchar((unsigned char)s[i]))
            return 0;
    return 1;
}

#endif
