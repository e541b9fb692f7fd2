/* url.c: splitting the endpoint URL (url.h). */
#include "http_url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcpc_errors.h"

static int
is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

/* Visible ASCII that may appear in a request target as sent (RFC 3986 characters, already percent-encoded). */
static int
is_target_char(char c)
{
    return c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' &&
           c != '}';
}

int
mcpc_url_parse(const char *s, mcpc_url_t *url, char *err, size_t err_len)
{
    memset(url, 0, sizeof(*url));
    const char *p;
    if (strncasecmp(s, "http://", 7) == 0) {
        p = s + 7;
        url->port = 80;
    } else if (strncasecmp(s, "https://", 8) == 0) {
        p = s + 8;
        url->tls = 1;
        url->port = 443;
    } else {
        snprintf(err, err_len, "the URL must start with http:// or https://");
        return MCPC_ERR_USAGE;
    }

    size_t auth_len = strcspn(p, "/?#");
    if (memchr(p, '@', auth_len) != NULL) {
        snprintf(err, err_len, "credentials in the URL are not supported; use --token or MCP_AUTH_TOKEN");
        return MCPC_ERR_USAGE;
    }
    const char *host = p, *port = NULL;
    size_t host_len;
    if (auth_len != 0 && p[0] == '[') {
        const char *close = memchr(p, ']', auth_len);
        if (close == NULL) {
            snprintf(err, err_len, "the URL has an unterminated IPv6 address");
            return MCPC_ERR_USAGE;
        }
        host = p + 1;
        host_len = (size_t)(close - host);
        if (host_len == 0 || strspn(host, "0123456789abcdefABCDEF:.") < host_len) {
            snprintf(err, err_len, "the URL has an invalid IPv6 address");
            return MCPC_ERR_USAGE;
        }
        if (close + 1 != p + auth_len) {
            if (close[1] != ':') {
                snprintf(err, err_len, "the URL has an invalid host");
                return MCPC_ERR_USAGE;
            }
            port = close + 2;
        }
    } else {
        const char *colon = memchr(p, ':', auth_len);
        host_len = colon != NULL ? (size_t)(colon - p) : auth_len;
        if (colon != NULL)
            port = colon + 1;
        for (size_t i = 0; i != host_len; ++i) {
            if (!is_host_char(host[i])) {
                snprintf(err, err_len, "the URL has an invalid host");
                return MCPC_ERR_USAGE;
            }
        }
    }
    if (host_len == 0 || host_len > MCPC_URL_MAX_HOST) {
        snprintf(err, err_len, host_len == 0 ? "the URL has no host" : "the URL's host is too long");
        return MCPC_ERR_USAGE;
    }
    memcpy(url->host, host, host_len);
    url->host[host_len] = '\0';

    if (port != NULL) {
        size_t port_len = (size_t)(p + auth_len - port);
        unsigned long n = 0;
        if (port_len == 0 || port_len > 5 || strspn(port, "0123456789") < port_len || (n = strtoul(port, NULL, 10)) == 0 ||
            n > 65535) {
            snprintf(err, err_len, "the URL has an invalid port");
            return MCPC_ERR_USAGE;
        }
        url->port = (uint16_t)n;
    }
    int default_port = url->port == (url->tls ? 443 : 80);
    int v6 = p[0] == '[';
    snprintf(url->authority, sizeof(url->authority), "%s%s%s", v6 ? "[" : "", url->host, v6 ? "]" : "");
    if (!default_port) {
        size_t len = strlen(url->authority);
        snprintf(url->authority + len, sizeof(url->authority) - len, ":%u", (unsigned)url->port);
    }

    const char *target = p + auth_len;
    size_t target_len = strcspn(target, "#");
    if (target_len > MCPC_URL_MAX_PATH) {
        snprintf(err, err_len, "the URL's path is too long");
        return MCPC_ERR_USAGE;
    }
    for (size_t i = 0; i != target_len; ++i) {
        if (!is_target_char(target[i])) {
            snprintf(err, err_len, "the URL's path has a character that must be percent-encoded");
            return MCPC_ERR_USAGE;
        }
    }
    /* "http://host" and "http://host?q" both request from the root */
    int add_slash = target_len == 0 || target[0] != '/';
    if ((url->path = malloc(target_len + 2)) == NULL)
        return MCPC_ERR_NOMEM;
    snprintf(url->path, target_len + 2, "%s%.*s", add_slash ? "/" : "", (int)target_len, target);
    return 0;
}

void
mcpc_url_dispose(mcpc_url_t *url)
{
    free(url->path);
    url->path = NULL;
}
