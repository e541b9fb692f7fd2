/*
 * http_fetch: one request to a URL whose whole response is wanted (a metadata document, a key set, a token response),
 * for the few calls the authorizer and mcp-client make to OAuth servers: a client for that URL (http_client.h), the
 * request, the status and the body, the client freed. The body is capped by the limit of the buffer it goes into.
 */
#ifndef MCPC_HTTP_FETCH_H
#define MCPC_HTTP_FETCH_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "http_response.h"

typedef struct st_mcpc_fetch_t {
    const char *url;
    const char *method;
    const mcpc_http_header_t *headers;
    size_t num_headers;
    const char *body;   /* NUL-terminated, or NULL */
    const char *cacert; /* see http_client.h; NULL: the system store */
    int timeout_ms;
    FILE *trace; /* see http_client.h; NULL: none */
} mcpc_fetch_t;

/*
 * Sends the request and reads the whole response: 0 with the status in *status and the body appended to body, or a
 * negative MCPC_ERR_* (MCPC_ERR_TOO_LARGE when the body outgrew the buffer's limit) with the reason, starting with
 * the URL, in err. A status other than 2xx is not an error here.
 */
int mcpc_http_fetch(const mcpc_fetch_t *f, int *status, buf_t *body, char *err, size_t err_len);

#endif
