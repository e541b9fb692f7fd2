#include "lambda_runtime.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base64.h"
#include "jsonw.h"

#define API_PREFIX "/2018-06-01/runtime/"
#define MAX_HEAD_BYTES 65536

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
    buf_init(&rt->in, MAX_HEAD_BYTES + LAMBDA_MAX_EVENT_BYTES);
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
    buf_reset(&rt->in);
}

void
lambda_runtime_dispose(lambda_runtime_t *rt)
{
    disconnect(rt);
    buf_dispose(&rt->in);
}

static int
ensure_connected(lambda_runtime_t *rt)
{
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
    buf_reset(&rt->in);
    return 0;
}

static int
write_all(lambda_runtime_t *rt, const void *data, size_t len)
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
    }
    return 0;
}

/* Reads more bytes into rt->in; returns 0, or LAMBDA_ERR_IO when the peer closed or failed. */
static int
read_more(lambda_runtime_t *rt)
{
    char *dst = buf_reserve(&rt->in, 16384);
    if (dst == NULL)
        return LAMBDA_ERR_TOO_LARGE;
    ssize_t n;
    do {
        n = recv(rt->fd, dst, 16384, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return LAMBDA_ERR_IO;
    buf_commit(&rt->in, (size_t)n);
    return 0;
}

static void
consume(lambda_runtime_t *rt, size_t n)
{
    memmove(rt->in.data, rt->in.data + n, rt->in.len - n);
    rt->in.len -= n;
    rt->in.data[rt->in.len] = '\0';
}

typedef struct st_response_t {
    int status;
    buf_t body;
    /* the invocation headers, for /next */
    lambda_invocation_t *inv;
} response_t;

static void
copy_header(char *dst, size_t dst_len, const char *value, size_t len)
{
    if (len >= dst_len)
        len = dst_len - 1;
    memcpy(dst, value, len);
    dst[len] = '\0';
}

/* Parses one header line into the response; returns 0 or an error. */
static int
on_header(response_t *r, const char *name, size_t name_len, const char *value, size_t value_len, size_t *content_length,
          int *has_length, int *chunked)
{
#define IS(h) (name_len == sizeof(h) - 1 && strncasecmp(name, h, name_len) == 0)
    if (IS("content-length")) {
        char tmp[24];
        if (value_len == 0 || value_len >= sizeof(tmp) || strspn(value, "0123456789") < value_len)
            return LAMBDA_ERR_PROTOCOL;
        memcpy(tmp, value, value_len);
        tmp[value_len] = '\0';
        *content_length = (size_t)strtoull(tmp, NULL, 10);
        *has_length = 1;
    } else if (IS("transfer-encoding")) {
        *chunked = value_len == 7 && strncasecmp(value, "chunked", 7) == 0;
    } else if (r->inv != NULL) {
        if (IS("lambda-runtime-aws-request-id")) {
            copy_header(r->inv->request_id, sizeof(r->inv->request_id), value, value_len);
        } else if (IS("lambda-runtime-deadline-ms")) {
            char tmp[24];
            copy_header(tmp, sizeof(tmp), value, value_len);
            r->inv->deadline_ms = strtoll(tmp, NULL, 10);
        } else if (IS("lambda-runtime-invoked-function-arn")) {
            copy_header(r->inv->function_arn, sizeof(r->inv->function_arn), value, value_len);
        } else if (IS("lambda-runtime-trace-id")) {
            copy_header(r->inv->trace_id, sizeof(r->inv->trace_id), value, value_len);
        }
    }
#undef IS
    return 0;
}

/* Reads one HTTP/1.1 response (head and body) from the connection. */
static int
read_response(lambda_runtime_t *rt, response_t *r, size_t max_body)
{
    int ret;
    char *end;
    while ((end = rt->in.data != NULL ? strstr(rt->in.data, "\r\n\r\n") : NULL) == NULL) {
        if (rt->in.len > MAX_HEAD_BYTES)
            return LAMBDA_ERR_PROTOCOL;
        if ((ret = read_more(rt)) != 0)
            return ret;
    }
    size_t head_len = (size_t)(end - rt->in.data) + 4;
    const char *line = rt->in.data;
    if (strncmp(line, "HTTP/1.", 7) != 0 || strlen(line) < 12)
        return LAMBDA_ERR_PROTOCOL;
    r->status = atoi(line + 9);
    size_t content_length = 0;
    int chunked = 0, has_length = 0;
    const char *p = strstr(line, "\r\n") + 2;
    while (p < end) {
        const char *eol = strstr(p, "\r\n");
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (colon == NULL)
            return LAMBDA_ERR_PROTOCOL;
        const char *v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t'))
            ++v;
        size_t vlen = (size_t)(eol - v);
        while (vlen != 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
            --vlen;
        if ((ret = on_header(r, p, (size_t)(colon - p), v, vlen, &content_length, &has_length, &chunked)) != 0)
            return ret;
        p = eol + 2;
    }
    consume(rt, head_len);
    if (chunked) {
        for (;;) {
            char *crlf;
            while ((crlf = strstr(rt->in.data != NULL ? rt->in.data : "", "\r\n")) == NULL) {
                if ((ret = read_more(rt)) != 0)
                    return ret;
            }
            size_t size = (size_t)strtoull(rt->in.data, NULL, 16);
            size_t line_len = (size_t)(crlf - rt->in.data) + 2;
            if (size > max_body || r->body.len + size > max_body)
                return LAMBDA_ERR_TOO_LARGE;
            while (rt->in.len < line_len + size + 2) {
                if ((ret = read_more(rt)) != 0)
                    return ret;
            }
            buf_append(&r->body, rt->in.data + line_len, size);
            consume(rt, line_len + size + 2);
            if (size == 0)
                break; /* trailers are not used by the Runtime API's answers */
        }
    } else if (has_length) {
        if (content_length > max_body)
            return LAMBDA_ERR_TOO_LARGE;
        while (rt->in.len < content_length) {
            if ((ret = read_more(rt)) != 0)
                return ret;
        }
        buf_append(&r->body, rt->in.data, content_length);
        consume(rt, content_length);
    }
    return buf_failed(&r->body) ? LAMBDA_ERR_NOMEM : 0;
}

/*
 * Sends a request and reads the answer, reconnecting once if the kept-alive connection turns out to
 * be closed before anything was read.
 */
static int
exchange(lambda_runtime_t *rt, const char *head, size_t head_len, const char *body, size_t body_len, response_t *r, size_t max_body)
{
    int ret = LAMBDA_ERR_IO;
    for (int attempt = 0; attempt != 2; ++attempt) {
        if ((ret = ensure_connected(rt)) != 0)
            return ret;
        if ((ret = write_all(rt, head, head_len)) == 0 && (body_len == 0 || (ret = write_all(rt, body, body_len)) == 0) &&
            (ret = read_response(rt, r, max_body)) == 0) {
            rt->last_status = r->status;
            return 0;
        }
        disconnect(rt);
        if (ret != LAMBDA_ERR_IO || r->status != 0)
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
                     "GET " API_PREFIX "invocation/next HTTP/1.1\r\nHost: %s\r\nUser-Agent: mcp-lambda-c\r\n\r\n", rt->authority);
    response_t r = {.inv = inv};
    buf_init(&r.body, LAMBDA_MAX_EVENT_BYTES);
    int ret = exchange(rt, head, (size_t)n, NULL, 0, &r, LAMBDA_MAX_EVENT_BYTES);
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
                     "POST " API_PREFIX "%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: mcp-lambda-c\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n%s%s%s\r\n",
                     path, rt->authority, len, error_type != NULL ? "Lambda-Runtime-Function-Error-Type: " : "",
                     error_type != NULL ? error_type : "", error_type != NULL ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof(head))
        return LAMBDA_ERR_PROTOCOL;
    response_t r = {0};
    buf_init(&r.body, MAX_HEAD_BYTES);
    int ret = exchange(rt, head, (size_t)n, body, len, &r, MAX_HEAD_BYTES);
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
    int ret = ensure_connected(rt);
    if (ret != 0)
        return ret;
    char head[1024];
    int n = snprintf(head, sizeof(head),
                     "POST " API_PREFIX "invocation/%s/response HTTP/1.1\r\nHost: %s\r\nUser-Agent: mcp-lambda-c\r\n"
                     "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
                     "Content-Type: %s\r\nTrailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n",
                     request_id, rt->authority, content_type);
    if (n < 0 || (size_t)n >= sizeof(head))
        return LAMBDA_ERR_PROTOCOL;
    if ((ret = write_all(rt, head, (size_t)n)) != 0) {
        /* the kept-alive connection may have been closed while idle: one fresh attempt */
        disconnect(rt);
        if ((ret = ensure_connected(rt)) != 0 || (ret = write_all(rt, head, (size_t)n)) != 0)
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
    if ((ret = write_all(rt, size, (size_t)n)) != 0 || (ret = write_all(rt, data, len)) != 0 ||
        (ret = write_all(rt, "\r\n", 2)) != 0)
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
    int ret = buf_failed(&tail) ? LAMBDA_ERR_NOMEM : write_all(rt, tail.data, tail.len);
    buf_dispose(&tail);
    if (ret != 0) {
        disconnect(rt);
        return ret;
    }
    response_t r = {0};
    buf_init(&r.body, MAX_HEAD_BYTES);
    ret = read_response(rt, &r, MAX_HEAD_BYTES);
    buf_dispose(&r.body);
    if (ret != 0) {
        disconnect(rt);
        return ret;
    }
    rt->last_status = r.status;
    return r.status >= 200 && r.status <= 299 ? 0 : LAMBDA_ERR_STATUS;
}
