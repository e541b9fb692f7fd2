#include "authz_bearer.h"

#include <string.h>

#include "authz.h"

static int
is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 9110 5.6.2: an auth-scheme is a token; where it ends is where the scheme ends. */
static int
is_tchar(unsigned char c)
{
    return is_alnum(c) || (c != '\0' && memchr("!#$%&'*+-.^_`|~", c, 15) != NULL);
}

static int
is_b64token_char(unsigned char c)
{
    return is_alnum(c) || (c != '\0' && memchr("-._~+/", c, 6) != NULL);
}

static int
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

int
authz_bearer_token(const char *value, size_t len, const char **token, size_t *token_len)
{
    static const char scheme[] = "bearer";
    const char *p = value, *end = value + len;

    while (p != end && is_ows(*p))
        ++p;
    while (end != p && is_ows(end[-1]))
        --end;
    if (p == end)
        return AUTHZ_ERR_MISSING;

    const char *scheme_end = p;
    while (scheme_end != end && is_tchar((unsigned char)*scheme_end))
        ++scheme_end;
    if ((size_t)(scheme_end - p) != sizeof(scheme) - 1)
        return AUTHZ_ERR_SCHEME;
    for (size_t i = 0; i != sizeof(scheme) - 1; ++i) {
        /* ASCII case folding by hand: tolower() would follow the locale */
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != (unsigned char)scheme[i])
            return AUTHZ_ERR_SCHEME;
    }

    p = scheme_end;
    if (p == end)
        return AUTHZ_ERR_EMPTY_TOKEN; /* "Bearer", or "Bearer " before the trailing space was stripped */
    if (*p != ' ')
        return AUTHZ_ERR_TOKEN_SYNTAX; /* "Bearer\tabc" and the like: 1*SP means spaces only */
    while (p != end && *p == ' ')
        ++p;

    size_t n = (size_t)(end - p);
    if (n > AUTHZ_MAX_TOKEN_BYTES)
        return AUTHZ_ERR_TOKEN_TOO_LONG;
    size_t chars = 0;
    while (chars != n && is_b64token_char((unsigned char)p[chars]))
        ++chars;
    if (chars == 0)
        return AUTHZ_ERR_TOKEN_SYNTAX; /* "Bearer =" */
    size_t pad = chars;
    while (pad != n && p[pad] == '=')
        ++pad;
    if (pad != n)
        return AUTHZ_ERR_TOKEN_SYNTAX;
    *token = p;
    *token_len = n;
    return 0;
}
