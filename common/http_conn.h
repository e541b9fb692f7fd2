/*
 * http_conn: one connection to the endpoint, plain TCP or TLS, with every wait bounded by a timeout.
 *
 * Sockets are non-blocking and each wait goes through poll(), so connecting, the TLS handshake and
 * every read and write give up after timeout_ms without progress (an idle timeout, not a deadline for
 * the whole response: a tool may stream for longer as long as bytes keep coming). Host names are tried
 * address by address. TLS verifies the certificate chain (system store, or only the --cacert file) and
 * the host name (or IP address), and sends SNI for names.
 */
#ifndef MCPC_CONN_H
#define MCPC_CONN_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "http_url.h"

typedef struct st_mcpc_conn_t {
    int fd;   /* -1 when closed */
    SSL *ssl; /* NULL for plain HTTP */
    int timeout_ms;
} mcpc_conn_t;

/*
 * A TLS client context that verifies peers: against cacert (a PEM file; the system store is then not
 * used) or, when cacert is NULL, against the system store. Returns 0, or MCPC_ERR_USAGE with a reason
 * in err when cacert cannot be loaded. The caller frees it with SSL_CTX_free().
 */
int mcpc_tls_context_new(const char *cacert, SSL_CTX **out, char *err, size_t err_len);

/* Connects to url's host and port (with TLS when ssl_ctx is not NULL). Returns 0 or a negative MCPC_ERR_*, with err filled. */
int mcpc_conn_open(mcpc_conn_t *c, const mcpc_url_t *url, SSL_CTX *ssl_ctx, int timeout_ms, char *err, size_t err_len);
/* Writes all of bytes. Returns 0 or a negative MCPC_ERR_*. */
int mcpc_conn_write(mcpc_conn_t *c, const char *bytes, size_t len, char *err, size_t err_len);
/*
 * Reads what is available (waiting up to the timeout for something). *n == 0 means the server closed
 * the connection. Returns 0, MCPC_ERR_CLOSED when the connection was reset, or another negative MCPC_ERR_*.
 */
int mcpc_conn_read(mcpc_conn_t *c, char *bytes, size_t cap, size_t *n, char *err, size_t err_len);
void mcpc_conn_close(mcpc_conn_t *c);

#endif
