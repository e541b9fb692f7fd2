/*
 * http_url: the endpoint URL, split into what a connection and a request need.
 *
 * Only http:// and https:// with a host are accepted. Credentials in the URL (user:pass@) are refused
 * rather than sent or printed: the token belongs in --token or MCP_AUTH_TOKEN. The fragment is dropped.
 */
#ifndef MCPC_URL_H
#define MCPC_URL_H

#include <stddef.h>
#include <stdint.h>

#define MCPC_URL_MAX_HOST 255  /* a DNS name's limit */
#define MCPC_URL_MAX_PATH 8192 /* path and query */

typedef struct st_mcpc_url_t {
    int tls;                                /* https */
    char host[MCPC_URL_MAX_HOST + 1];       /* without the brackets of an IPv6 literal */
    char authority[MCPC_URL_MAX_HOST + 10]; /* the Host header: host[:port], brackets kept, default port omitted */
    uint16_t port;
    char *path; /* path and query, starting with '/'; owned, freed by mcpc_url_dispose() */
} mcpc_url_t;

/*
 * Parses s into *url. Returns 0, or MCPC_ERR_USAGE with a reason in err (which never repeats the URL,
 * since it might hold a secret).
 */
int mcpc_url_parse(const char *s, mcpc_url_t *url, char *err, size_t err_len);
void mcpc_url_dispose(mcpc_url_t *url);

#endif
