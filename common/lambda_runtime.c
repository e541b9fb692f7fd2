#include "lambda_runtime.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base64.h"
#include "http_response.h"
#include "jsonw.h"
#include "mcpc_errors.h"
#include "version.h"

#define API_PREFIX "/2018-06-01/runtime/"
#define USER_AGENT MCP_PROJECT_NAME "/" MCP_PROJECT_VERSION
#define MAX_ANSWER_BYTES 65536 /* the body of an answer to a POST ({"status":"OK"} or an error) */

const char *
lambda_strerror(int err)
{
    switch (err) {
#define LAMBDA_ERR_CASE(name, code, text)                                                                                          \
    case name:                                                                                                                     \
        return text;
        LAMBDA_ERRORS(LAMBDA_ERR_CASE)
#undef LAMBDA_ERR_CASE
    }
    return "unknown error";
}

int
lambda_runtime_init(lambda_runtime_t *rt, const char *api)
{
    memset(rt, 0, sizeof(*rt));
    rt->fd = -1;
    const char *colon = api != NULL ? strrchr(api, ':') : NULL;
    if (colon == NULL || colon == api || (size_t)(colon - api) >= sizeof(rt->host) || strlen(colon + 1) == 0 ||
        strlen(colon + 1) >= sizeof(rt->port) || strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return LAMBDA_ERR_CONFIG;
    size_t host_len = (size_t)(colon - api);
    /* "[::1]:9001" */
    if (api[0] == '[' && host_len >= 2 && api[host_len - 1] == ']')
        snprintf(rt->host, sizeof(rt->host), "%.*s", (int)host_len - 2, api + 1);
    else
        snprintf(rt->host, sizeof(rt->host), "%.*s", (int)host_len, api);
    snprintf(rt->port, sizeof(rt->port), "%s", colon + 1);
    snprintf(rt->authority, sizeof(rt->authority), strchr(rt->host, ':') != NULL ? "[%s]:%s" : "%s:%s", rt->host, rt->port);
    return 0;
}

static void
disconnect(lambda_runtime_t *rt)
{
    if (rt->fd >= 0)
        close(rt->fd);
    rt->fd = -1;
}

void
lambda_runtime_dispose(lambda_runtime_t *rt)
{
    disconnect(rt);
}

/*
 * Whether a kept-alive connection is still usable. Between requests the Runtime API has nothing to say, so a
 * readable socket means the connection was closed (or broke) while idle: better found now, before a request
 * is written to it, than by a request that then cannot tell whether it was received.
 */
static int
idle_connection_open(lambda_runtime_t *rt)
{
    struct pollfd pfd = {.fd = rt->fd, .events = POLLIN};
    int n;
    do {
        n = poll(&pfd, 1, 0);
    } while (n < 0 && errno == EINTR);
    return n == 0;
}

/* Opens a connection, unless the kept-alive one is still open. */
static int
ensure_connected(lambda_runtime_t *rt)
{
    if (rt->fd >= 0 && !idle_connection_open(rt))
        disconnect(rt);
    if (rt->fd >= 0)
        return 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(rt->host, rt->port, &hints, &res) != 0)
        return LAMBDA_ERR_CONNECT;
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return LAMBDA_ERR_CONNECT;
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    rt->fd = fd;
    return 0;
}

/* Sends len bytes. *sent (if not NULL) grows by those the kernel took: they may have reached the peer. */
static int
write_all(lambda_runtime_t *rt, const void *data, size_t len, size_t *sent)
{
    const char *p = data;
    while (len != 0) {
        ssize_t n = send(rt->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return LAMBDA_ERR_IO;
        p += n;
        len -= (size_t)n;
        if (sent != NULL)
            *sent += (size_t)n;
    }
    return 0;
}

/* The answer to one request. */
typedef struct st_response_t {
    int status; /* 0 until the head of a final (non-1xx) answer was read */
    buf_t body;
    size_t max_body;
    int error;                /* a LAMBDA_ERR_* a callback stopped the parser with */
    lambda_invocation_t *inv; /* for /next: where the invocation's headers go */
} response_t;

static void
copy_header(char *dst, size_t dst_len, const mcpc_http_header_t *h)
{
    size_t len = h->value_len < dst_len ? h->value_len : dst_len - 1;
    memcpy(dst, h->value, len);
    dst[len] = '\0';
}

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    response_t *r = data;
    r->status = res->status;
    /* a declared length past the cap is refused before the body is read (the parser has checked its digits) */
    const mcpc_http_header_t *h = mcpc_http_find_header(res, "content-length");
    if (h != NULL && mcpc_http_find_header(res, "transfer-encoding") == NULL && strtoull(h->value, NULL, 10) > r->max_body) {
        r->error = LAMBDA_ERR_TOO_LARGE;
        return MCPC_ERR_TOO_LARGE;
    }
    if (r->inv == NULL)
        return 0;
    if ((h = mcpc_http_find_header(res, "lambda-runtime-aws-request-id")) != NULL)
        copy_header(r->inv->request_id, sizeof(r->inv->request_id), h);
    if ((h = mcpc_http_find_header(res, "lambda-runtime-deadline-ms")) != NULL) {
        char ms[24];
        copy_header(ms, sizeof(ms), h);
        r->inv->deadline_ms = strtoll(ms, NULL, 10);
    }
    if ((h = mcpc_http_find_header(res, "lambda-runtime-invoked-function-arn")) != NULL)
        copy_header(r->inv->function_arn, sizeof(r->inv->function_arn), h);
    if ((h = mcpc_http_find_header(res, "lambda-runtime-trace-id")) != NULL)
        copy_header(r->inv->trace_id, sizeof(r->inv->trace_id), h);
    if ((h = mcpc_http_find_header(res, "lambda-runtime-client-context")) != NULL)
        copy_header(r->inv->client_context, sizeof(r->inv->client_context), h);
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    response_t *r = data;
    if (len > r->max_body - r->body.len) {
        r->error = LAMBDA_ERR_TOO_LARGE;
        return MCPC_ERR_TOO_LARGE;
    }
    buf_append(&r->body, bytes, len);
    if (buf_failed(&r->body)) {
        r->error = LAMBDA_ERR_NOMEM;
        return MCPC_ERR_NOMEM;
    }
    return 0;
}

/*
 * Reads one HTTP/1.1 answer with the shared response parser (http_response.h). The connection is closed
 * after a failure, after an answer that does not keep it alive, and when bytes follow the answer: nothing is
 * pipelined, so they answer nothing that was asked.
 */
static int
read_response(lambda_runtime_t *rt, response_t *r)
{
    mcpc_http_parser_t p;
    mcpc_http_parser_init(&p);
    p.on_head = on_head;
    p.on_body = on_body;
    p.cb_data = r;
    int ret = 0, reusable = 0;
    while (!p.done) {
        char in[16384];
        ssize_t n;
        do {
            n = recv(rt->fd, in, sizeof(in), 0);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            /* only a body that ends with the connection is complete at its close */
            ret = n == 0 && mcpc_http_parser_eof(&p) == 0 ? 0 : LAMBDA_ERR_IO;
            break;
        }
        size_t used;
        int fed = mcpc_http_parser_feed(&p, in, (size_t)n, &used);
        if (fed < 0) {
            ret = r->error != 0 ? r->error : fed == MCPC_ERR_NOMEM ? LAMBDA_ERR_NOMEM : LAMBDA_ERR_PROTOCOL;
            break;
        }
        reusable = p.done && used == (size_t)n && p.res.keep_alive;
    }
    if (!reusable)
        disconnect(rt);
    mcpc_http_parser_dispose(&p);
    return ret;
}

/*
 * Sends a request and reads the answer. When the connection fails before an answer was read, the request is
 * sent again once, on a new connection, if that cannot make the Runtime API act on it twice: a GET (asking
 * for the next invocation), or a POST none of whose bytes left (its first send failed). A POST that may
 * have been received is not re-sent: the Runtime API could take it twice, and the error it then answers
 * would hide the first outcome.
 */
static int
exchange(lambda_runtime_t *rt, int is_get, const char *head, size_t head_len, const char *body, size_t body_len, response_t *r)
{
    int ret = LAMBDA_ERR_IO;
    for (int attempt = 0; attempt != 2; ++attempt) {
        size_t sent = 0;
        if ((ret = ensure_connected(rt)) != 0)
            return ret;
        if ((ret = write_all(rt, head, head_len, &sent)) == 0 &&
            (body_len == 0 || (ret = write_all(rt, body, body_len, &sent)) == 0) && (ret = read_response(rt, r)) == 0) {
            rt->last_status = r->status;
            return 0;
        }
        disconnect(rt);
        if (ret != LAMBDA_ERR_IO || r->status != 0 || (!is_get && sent != 0))
            break;
    }
    return ret;
}

int
lambda_runtime_next(lambda_runtime_t *rt, lambda_invocation_t *inv)
{
    memset(inv, 0, sizeof(*inv));
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "GET " API_PREFIX "invocation/next HTTP/1.1\r\nHost: %s\r\nUser-Agent: " USER_AGENT "\r\n\r\n", rt->authority);
    response_t r = {.inv = inv, .max_body = LAMBDA_MAX_EVENT_BYTES};
    buf_init(&r.body, LAMBDA_MAX_EVENT_BYTES);
    int ret = exchange(rt, 1, head, (size_t)n, NULL, 0, &r);
    if (ret == 0 && (r.status != 200 || inv->request_id[0] == '\0'))
        ret = r.status != 200 ? LAMBDA_ERR_STATUS : LAMBDA_ERR_PROTOCOL;
    if (ret != 0) {
        buf_dispose(&r.body);
        return ret;
    }
    if (r.body.data == NULL)
        buf_append(&r.body, "", 0);
    inv->event = buf_release(&r.body, &inv->event_len);
    return inv->event != NULL ? 0 : LAMBDA_ERR_NOMEM;
}

void
lambda_invocation_dispose(lambda_invocation_t *inv)
{
    free(inv->event);
    inv->event = NULL;
}

/* POSTs body to API_PREFIX path; 2xx is success. */
static int
post(lambda_runtime_t *rt, const char *path, const char *error_type, const char *body, size_t len)
{
    if (error_type != NULL && strpbrk(error_type, "\r\n") != NULL)
        return LAMBDA_ERR_PROTOCOL;
    char head[1024];
    int n = snprintf(head, sizeof(head),
                     "POST " API_PREFIX "%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: " USER_AGENT "\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n%s%s%s\r\n",
                     path, rt->authority, len, error_type != NULL ? "Lambda-Runtime-Function-Error-Type: " : "",
                     error_type != NULL ? error_type : "", error_type != NULL ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof(head))
        return LAMBDA_ERR_PROTOCOL;
    response_t r = {.max_body = MAX_ANSWER_BYTES};
    buf_init(&r.body, MAX_ANSWER_BYTES);
    int ret = exchange(rt, 0, head, (size_t)n, body, len, &r);
    buf_dispose(&r.body);
    if (ret == 0 && (r.status < 200 || r.status > 299))
        ret = LAMBDA_ERR_STATUS;
    return ret;
}

/* Request ids come from the Runtime API; refuse anything that could break the request line. */
static int
valid_request_id(const char *id)
{
    return id[0] != '\0' && strlen(id) < 128 &&
           strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == strlen(id);
}

int
lambda_runtime_respond(lambda_runtime_t *rt, const char *request_id, const char *body, size_t len)
{
    if (!valid_request_id(request_id))
        return LAMBDA_ERR_PROTOCOL;
    char path[200];
    snprintf(path, sizeof(path), "invocation/%s/response", request_id);
    return post(rt, path, NULL, body, len);
}

static void
error_body(buf_t *out, const char *error_type, const char *message)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "errorMessage", message);
    jsonw_kv_string(&w, "errorType", error_type);
    jsonw_key(&w, "stackTrace");
    jsonw_raw(&w, "[]", 2);
    jsonw_object_end(&w);
}

static int
report(lambda_runtime_t *rt, const char *path, const char *error_type, const char *message)
{
    buf_t body = BUF_INIT(65536);
    error_body(&body, error_type, message);
    if (buf_failed(&body)) {
        buf_reset(&body);
        error_body(&body, error_type, "(the error message was too long to report)");
    }
    int ret = post(rt, path, error_type, body.data, body.len);
    buf_dispose(&body);
    return ret;
}

int
lambda_runtime_report_error(lambda_runtime_t *rt, const char *request_id, const char *error_type, const char *message)
{
    if (!valid_request_id(request_id))
        return LAMBDA_ERR_PROTOCOL;
    char path[200];
    snprintf(path, sizeof(path), "invocation/%s/error", request_id);
    return report(rt, path, error_type, message);
}

int
lambda_runtime_report_init_error(lambda_runtime_t *rt, const char *error_type, const char *message)
{
    return report(rt, "init/error", error_type, message);
}

int
lambda_runtime_stream_begin(lambda_runtime_t *rt, const char *request_id, const char *content_type)
{
    if (!valid_request_id(request_id))
        return LAMBDA_ERR_PROTOCOL;
    char head[1024];
    int n = snprintf(head, sizeof(head),
                     "POST " API_PREFIX "invocation/%s/response HTTP/1.1\r\nHost: %s\r\nUser-Agent: " USER_AGENT "\r\n"
                     "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
                     "Content-Type: %s\r\nTrailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n",
                     request_id, rt->authority, content_type);
    if (n < 0 || (size_t)n >= sizeof(head))
        return LAMBDA_ERR_PROTOCOL;
    /* sent again on a new connection only if none of it left (see exchange) */
    for (int attempt = 0;; ++attempt) {
        size_t sent = 0;
        int ret = ensure_connected(rt);
        if (ret == 0 && (ret = write_all(rt, head, (size_t)n, &sent)) == 0)
            break;
        disconnect(rt);
        if (ret != LAMBDA_ERR_IO || sent != 0 || attempt == 1)
            return ret;
    }
    rt->streaming = 1;
    return 0;
}

int
lambda_runtime_stream_write(lambda_runtime_t *rt, const void *data, size_t len)
{
    if (!rt->streaming)
        return LAMBDA_ERR_PROTOCOL;
    if (len == 0)
        return 0; /* an empty chunk would end the body */
    char size[24];
    int n = snprintf(size, sizeof(size), "%zx\r\n", len);
    int ret;
    if ((ret = write_all(rt, size, (size_t)n, NULL)) != 0 || (ret = write_all(rt, data, len, NULL)) != 0 ||
        (ret = write_all(rt, "\r\n", 2, NULL)) != 0)
        return ret;
    return 0;
}

int
lambda_runtime_stream_end(lambda_runtime_t *rt, const char *error_type, const char *message)
{
    if (!rt->streaming || (error_type != NULL && strpbrk(error_type, "\r\n") != NULL))
        return LAMBDA_ERR_PROTOCOL;
    rt->streaming = 0;
    buf_t tail = BUF_INIT(65536);
    buf_append_str(&tail, "0\r\n");
    if (error_type != NULL) {
        buf_t body = BUF_INIT(65536);
        error_body(&body, error_type, message != NULL ? message : error_type);
        buf_printf(&tail, "Lambda-Runtime-Function-Error-Type: %s\r\nLambda-Runtime-Function-Error-Body: ", error_type);
        base64_encode(&tail, body.data, body.len);
        buf_append_str(&tail, "\r\n");
        buf_dispose(&body);
    }
    buf_append_str(&tail, "\r\n");
    int ret = buf_failed(&tail) ? LAMBDA_ERR_NOMEM : write_all(rt, tail.data, tail.len, NULL);
    buf_dispose(&tail);
    if (ret != 0) {
        disconnect(rt);
        return ret;
    }
    response_t r = {.max_body = MAX_ANSWER_BYTES};
    buf_init(&r.body, MAX_ANSWER_BYTES);
    ret = read_response(rt, &r);
    buf_dispose(&r.body);
    if (ret != 0)
        return ret;
    rt->last_status = r.status;
    return r.status >= 200 && r.status <= 299 ? 0 : LAMBDA_ERR_STATUS;
}
