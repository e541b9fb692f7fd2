/*
 * mcpc_errors: every way an mcp-client operation can fail (including the HTTP client in common/ it shares
 * with the server), as one X-macro list.
 *
 * Each row is (name, code, exit status, text): the code is negative and never reused (a retired row
 * keeps its number), the exit status is what the process returns when that error ends it, and the
 * text is the fixed description mcpc_strerror() gives. Call sites add details (a host name, an OpenSSL
 * reason) in their own message buffer; the text here is what a message starts with.
 */
#ifndef MCPC_ERRORS_H
#define MCPC_ERRORS_H

/* The process's exit statuses (documented in --help and docs/client.md). */
#define MCPC_EXIT_OK 0
#define MCPC_EXIT_FAILED 1    /* the tool returned isError, or the server answered with a JSON-RPC error */
#define MCPC_EXIT_USAGE 2     /* bad command line */
#define MCPC_EXIT_TRANSPORT 3 /* network, TLS, HTTP or protocol failure */
#define MCPC_EXIT_AUTH 4      /* 401 or 403 */

#define MCPC_ERRORS(X)                                                                                                             \
    X(MCPC_ERR_USAGE, -1, MCPC_EXIT_USAGE, "usage error")                                                                          \
    X(MCPC_ERR_NOMEM, -2, MCPC_EXIT_TRANSPORT, "out of memory")                                                                    \
    X(MCPC_ERR_RESOLVE, -3, MCPC_EXIT_TRANSPORT, "cannot resolve the server's host name")                                          \
    X(MCPC_ERR_CONNECT, -4, MCPC_EXIT_TRANSPORT, "cannot connect to the server")                                                   \
    X(MCPC_ERR_TIMEOUT, -5, MCPC_EXIT_TRANSPORT, "timed out waiting for the server")                                               \
    X(MCPC_ERR_TLS, -6, MCPC_EXIT_TRANSPORT, "TLS handshake failed")                                                               \
    X(MCPC_ERR_TLS_VERIFY, -7, MCPC_EXIT_TRANSPORT, "the server's TLS certificate could not be verified")                          \
    X(MCPC_ERR_IO, -8, MCPC_EXIT_TRANSPORT, "network error")                                                                       \
    X(MCPC_ERR_CLOSED_EARLY, -9, MCPC_EXIT_TRANSPORT, "server closed the connection before responding")                            \
    X(MCPC_ERR_CLOSED, -10, MCPC_EXIT_TRANSPORT, "server closed the connection mid-response")                                      \
    X(MCPC_ERR_HTTP_SYNTAX, -11, MCPC_EXIT_TRANSPORT, "malformed HTTP response")                                                   \
    X(MCPC_ERR_TOO_LARGE, -12, MCPC_EXIT_TRANSPORT, "response too large")                                                          \
    X(MCPC_ERR_HTTP_STATUS, -13, MCPC_EXIT_TRANSPORT, "HTTP error")                                                                \
    X(MCPC_ERR_AUTH, -14, MCPC_EXIT_AUTH, "authentication refused")                                                                \
    X(MCPC_ERR_CONTENT_TYPE, -15, MCPC_EXIT_TRANSPORT, "unexpected response content type")                                         \
    X(MCPC_ERR_BAD_MESSAGE, -16, MCPC_EXIT_TRANSPORT, "invalid JSON-RPC message from the server")                                  \
    X(MCPC_ERR_NO_RESPONSE, -17, MCPC_EXIT_TRANSPORT, "the server's response ended without an answer")                             \
    X(MCPC_ERR_VERSION, -18, MCPC_EXIT_TRANSPORT, "the server offered an unsupported protocol version")                            \
    X(MCPC_ERR_RPC, -19, MCPC_EXIT_FAILED, "the server answered with a JSON-RPC error")                                            \
    X(MCPC_ERR_TOOL, -20, MCPC_EXIT_FAILED, "the tool reported an error")                                                          \
    X(MCPC_ERR_CREDENTIALS, -21, MCPC_EXIT_AUTH, "no usable AWS credentials")                                                      \
    X(MCPC_ERR_REFUSED, -22, MCPC_EXIT_FAILED, "the admin API refused the request")

enum {
#define MCPC_ERR_ENUM(name, code, exit_status, text) name = code,
    MCPC_ERRORS(MCPC_ERR_ENUM)
#undef MCPC_ERR_ENUM
};

/* The fixed text of an error code ("unknown error" for anything else). */
const char *mcpc_strerror(int err);
/* The exit status for an error code: 0 for 0, MCPC_EXIT_TRANSPORT for an unknown code. */
int mcpc_exit_status(int err);

#endif
