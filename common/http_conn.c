/* conn.c: TCP and TLS connections with timeouts (conn.h). */
#include "http_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "mcpc_errors.h"

/* Waits until fd is ready for events; 0, MCPC_ERR_TIMEOUT or MCPC_ERR_IO. */
static int
wait_fd(int fd, short events, int timeout_ms)
{
    int64_t deadline = clock_monotonic_ms() + timeout_ms;
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = events};
        int64_t left = deadline - clock_monotonic_ms();
        if (left < 0)
            left = 0;
        int r = poll(&pfd, 1, (int)left);
        if (r > 0)
            return 0; /* readable, writable or in error: the next call says which */
        if (r == 0)
            return MCPC_ERR_TIMEOUT;
        if (errno != EINTR)
            return MCPC_ERR_IO;
    }
}

static void
tls_reason(char *out, size_t out_len)
{
    unsigned long e = ERR_peek_last_error();
    if (e == 0) {
        snprintf(out, out_len, "%s", errno != 0 ? strerror(errno) : "the server closed the connection");
        return;
    }
    ERR_error_string_n(e, out, out_len);
}

int
mcpc_tls_context_new(const char *cacert, SSL_CTX **out, char *err, size_t err_len)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        snprintf(err, err_len, "cannot create a TLS context");
        return MCPC_ERR_NOMEM;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    /* many servers close without close_notify; the HTTP framing still detects a cut-off body */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
    static const unsigned char alpn[] = "\x08http/1.1";
    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1);
    int ok = cacert != NULL ? SSL_CTX_load_verify_locations(ctx, cacert, NULL) : SSL_CTX_set_default_verify_paths(ctx);
    if (ok != 1) {
        char reason[256];
        tls_reason(reason, sizeof(reason));
        snprintf(err, err_len, cacert != NULL ? "cannot load the --cacert file: %s" : "cannot load the system CA store: %s",
                 reason);
        SSL_CTX_free(ctx);
        return MCPC_ERR_USAGE;
    }
    *out = ctx;
    return 0;
}

static int
connect_one(const struct addrinfo *ai, int timeout_ms, int *fd_out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return errno;
    int err = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            err = errno;
        } else if (wait_fd(fd, POLLOUT, timeout_ms) != 0) {
            err = ETIMEDOUT;
        } else {
            socklen_t len = sizeof(err);
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = errno;
        }
    }
    if (err != 0) {
        close(fd);
        return err;
    }
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    *fd_out = fd;
    return 0;
}

static int
tls_handshake(mcpc_conn_t *c, const mcpc_url_t *url, SSL_CTX *ssl_ctx, char *err, size_t err_len)
{
    if ((c->ssl = SSL_new(ssl_ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
        snprintf(err, err_len, "cannot create a TLS connection");
        return MCPC_ERR_NOMEM;
    }
    unsigned char addr[16];
    int is_ip = inet_pton(AF_INET, url->host, addr) == 1 || inet_pton(AF_INET6, url->host, addr) == 1;
    if (is_ip) {
        /* an address is checked against the certificate's IP entries, and SNI carries no addresses */
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), url->host);
    } else {
        SSL_set_tlsext_host_name(c->ssl, url->host);
        SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(c->ssl, url->host);
    }
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int r = SSL_connect(c->ssl);
        if (r == 1)
            return 0;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            int w = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, c->timeout_ms);
            if (w == 0)
                continue;
            snprintf(err, err_len, "%s: during the TLS handshake with %s", mcpc_strerror(w), url->authority);
            return w;
        }
        long verify = SSL_get_verify_result(c->ssl);
        if (verify != X509_V_OK) {
            snprintf(err, err_len, "%s (%s): %s", mcpc_strerror(MCPC_ERR_TLS_VERIFY), url->authority,
                     X509_verify_cert_error_string(verify));
            return MCPC_ERR_TLS_VERIFY;
        }
        char reason[256];
        tls_reason(reason, sizeof(reason));
        snprintf(err, err_len, "%s with %s: %s", mcpc_strerror(MCPC_ERR_TLS), url->authority, reason);
        return MCPC_ERR_TLS;
    }
}

int
mcpc_conn_open(mcpc_conn_t *c, const mcpc_url_t *url, SSL_CTX *ssl_ctx, int timeout_ms, char *err, size_t err_len)
{
    c->fd = -1;
    c->ssl = NULL;
    c->timeout_ms = timeout_ms;

    char port[8];
    snprintf(port, sizeof(port), "%u", (unsigned)url->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res = NULL;
    int gai = getaddrinfo(url->host, port, &hints, &res);
    if (gai != 0) {
        snprintf(err, err_len, "%s (%s): %s", mcpc_strerror(MCPC_ERR_RESOLVE), url->host, gai_strerror(gai));
        return MCPC_ERR_RESOLVE;
    }
    int last = 0;
    for (const struct addrinfo *ai = res; ai != NULL && c->fd < 0; ai = ai->ai_next)
        last = connect_one(ai, timeout_ms, &c->fd);
    freeaddrinfo(res);
    if (c->fd < 0) {
        int code = last == ETIMEDOUT ? MCPC_ERR_TIMEOUT : MCPC_ERR_CONNECT;
        snprintf(err, err_len, "%s (%s): %s", mcpc_strerror(MCPC_ERR_CONNECT), url->authority,
                 last == ETIMEDOUT ? "timed out" : strerror(last));
        return code;
    }
    if (ssl_ctx != NULL) {
        int ret = tls_handshake(c, url, ssl_ctx, err, err_len);
        if (ret != 0) {
            mcpc_conn_close(c);
            return ret;
        }
    }
    return 0;
}

int
mcpc_conn_write(mcpc_conn_t *c, const char *bytes, size_t len, char *err, size_t err_len)
{
    while (len != 0) {
        ssize_t n;
        short want = POLLOUT;
        if (c->ssl != NULL) {
            ERR_clear_error();
            errno = 0;
            int r = SSL_write(c->ssl, bytes, len > INT32_MAX ? INT32_MAX : (int)len);
            n = r;
            if (r <= 0) {
                int e = SSL_get_error(c->ssl, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                    char reason[256];
                    tls_reason(reason, sizeof(reason));
                    snprintf(err, err_len, "%s: cannot send the request: %s", mcpc_strerror(MCPC_ERR_IO), reason);
                    return MCPC_ERR_IO;
                }
                want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
                n = -1;
            }
        } else {
            n = send(c->fd, bytes, len, MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                snprintf(err, err_len, "%s: cannot send the request: %s", mcpc_strerror(MCPC_ERR_IO), strerror(errno));
                return MCPC_ERR_IO;
            }
        }
        if (n > 0) {
            bytes += n;
            len -= (size_t)n;
            continue;
        }
        int w = wait_fd(c->fd, want, c->timeout_ms);
        if (w != 0) {
            snprintf(err, err_len, "%s: while sending the request", mcpc_strerror(w));
            return w;
        }
    }
    return 0;
}

int
mcpc_conn_read(mcpc_conn_t *c, char *bytes, size_t cap, size_t *n, char *err, size_t err_len)
{
    *n = 0;
    for (;;) {
        short want = POLLIN;
        if (c->ssl != NULL) {
            ERR_clear_error();
            errno = 0;
            int r = SSL_read(c->ssl, bytes, cap > INT32_MAX ? INT32_MAX : (int)cap);
            if (r > 0) {
                *n = (size_t)r;
                return 0;
            }
            int e = SSL_get_error(c->ssl, r);
            if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0))
                return 0;
            if (e == SSL_ERROR_SYSCALL && (errno == ECONNRESET || errno == EPIPE))
                return MCPC_ERR_CLOSED;
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                char reason[256];
                tls_reason(reason, sizeof(reason));
                snprintf(err, err_len, "%s: %s", mcpc_strerror(MCPC_ERR_IO), reason);
                return MCPC_ERR_IO;
            }
            want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        } else {
            ssize_t r = recv(c->fd, bytes, cap, 0);
            if (r >= 0) {
                *n = (size_t)r;
                return 0;
            }
            if (errno == ECONNRESET)
                return MCPC_ERR_CLOSED;
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                snprintf(err, err_len, "%s: %s", mcpc_strerror(MCPC_ERR_IO), strerror(errno));
                return MCPC_ERR_IO;
            }
        }
        int w = wait_fd(c->fd, want, c->timeout_ms);
        if (w != 0) {
            if (w == MCPC_ERR_TIMEOUT)
                snprintf(err, err_len, "%s: no data for %g s (--timeout)", mcpc_strerror(w), c->timeout_ms / 1000.0);
            else
                snprintf(err, err_len, "%s", mcpc_strerror(w));
            return w;
        }
    }
}

void
mcpc_conn_close(mcpc_conn_t *c)
{
    if (c->ssl != NULL) {
        ERR_clear_error();
        SSL_shutdown(c->ssl); /* one non-blocking attempt: nothing waits for the server's close_notify */
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    ERR_clear_error();
}
