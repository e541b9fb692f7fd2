/*
 * http_client: a small blocking HTTP/1.1 client for one endpoint, used by mcp-client and by the server's calls to AWS
 * (docs/client.md says why not libh2o's).
 *
 * Each mcpc_http_send() writes one request and reads its response, handing the head and the body bytes
 * to the caller's callbacks as they arrive. A connection whose response ended cleanly is kept for the
 * next request (keep-alive); when a kept connection turns out to have been closed by the server before
 * it answered, the request is sent once more on a new one. A callback may itself call mcpc_http_send()
 * (to answer a server's request while its stream is still open): that request uses another connection.
 */
#ifndef MCPC_HTTP_H
#define MCPC_HTTP_H

#include <stdio.h>

#include "http_response.h"
#include "version.h"

#define MCPC_USER_AGENT "mcp-client/" MCP_PROJECT_VERSION
#define MCPC_HTTP_MAX_REQUEST (64u * 1024 * 1024) /* head and body of one request */

typedef struct st_mcpc_http_client_t mcpc_http_client_t;

#define MCPC_HTTP_MAX_SIGNED 4 /* header fields a signer may add */

/*
 * Signs requests (SigV4, http_sigv4 in mcp-client): called for every request just before it is written, with
 * its method, the Host it goes to, its path, header fields and body; adds the header fields that sign it (the
 * names static, the values malloc'd: the client wipes and frees them). Returns 0, or a negative MCPC_ERR_* with
 * the reason in err. invalidate, if set, forgets cached credentials after the server said they expired.
 */
typedef struct st_mcpc_http_signer_t {
    int (*sign)(void *data, const char *method, const char *authority, const char *path, const mcpc_http_header_t *headers,
                size_t num_headers, const char *body, size_t body_len, mcpc_http_header_t *added, size_t *num_added, char *err,
                size_t err_len);
    void (*invalidate)(void *data);
    void *data;
} mcpc_http_signer_t;

typedef struct st_mcpc_http_config_t {
    const char *url;
    const char *cacert;               /* PEM file of the CAs to trust for https, instead of the system store; NULL: system store */
    int timeout_ms;                   /* for connecting, and for each wait for the server while sending or reading */
    FILE *trace;                      /* non-NULL (--verbose): request and response heads are written here, credentials redacted */
    const mcpc_http_signer_t *signer; /* NULL: requests are sent unsigned */
} mcpc_http_config_t;

typedef struct st_mcpc_http_request_t {
    const char *method;
    const char *path;                  /* path and query; NULL: the configured URL's */
    int timeout_ms;                    /* this request's waits; 0: the configured timeout */
    const mcpc_http_header_t *headers; /* beyond Host, User-Agent and Content-Length, which are added */
    size_t num_headers;
    const char *body;
    size_t body_len;
    mcpc_http_on_head_cb on_head; /* see http_response.h: a positive return stops reading, a negative one fails */
    mcpc_http_on_body_cb on_body;
    void *cb_data;
} mcpc_http_request_t;

/* Returns 0, or MCPC_ERR_USAGE (bad URL or --cacert) / MCPC_ERR_NOMEM with a reason in err. */
int mcpc_http_client_new(const mcpc_http_config_t *config, mcpc_http_client_t **out, char *err, size_t err_len);
void mcpc_http_client_free(mcpc_http_client_t *c);

/*
 * Sends the request and reads the response to its end, or until a callback stops it. Returns 0, the
 * negative value a callback returned, or a negative MCPC_ERR_* of its own, described by mcpc_http_error().
 */
int mcpc_http_send(mcpc_http_client_t *c, const mcpc_http_request_t *req);
/* Whether requests are signed; mcpc_http_invalidate_credentials() makes the signer look for fresh credentials. */
int mcpc_http_signs(const mcpc_http_client_t *c);
void mcpc_http_invalidate_credentials(mcpc_http_client_t *c);
/* What went wrong in the last mcpc_http_send() that failed on its own account. */
const char *mcpc_http_error(const mcpc_http_client_t *c);

/* Whether a header field may be sent as given: a token for a name, no CR, LF or NUL in the value. */
int mcpc_http_header_valid(const char *name, size_t name_len, const char *value, size_t value_len);

#endif
