/* http.c: the blocking HTTP/1.1 client (http.h). */
#include "http_client.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_conn.h"
#include <openssl/crypto.h>
#include "mcpc_errors.h"

#define READ_SIZE 16384

struct st_mcpc_http_client_t {
    mcpc_url_t url;
    SSL_CTX *ssl_ctx; /* NULL for http:// */
    int timeout_ms;
    FILE *trace;
    const mcpc_http_signer_t *signer;
    mcpc_conn_t idle; /* a connection kept alive for the next request */
    int has_idle;
    char error[512];
};

/* One request on one connection. */
typedef struct st_exchange_t {
    mcpc_http_client_t *client;
    const mcpc_http_request_t *req;
    int callback_failed; /* a negative return came from the caller's callback, which described it */
} exchange_t;

/* Header fields whose values are credentials: --verbose shows that they were sent, not what they are. */
static const char *const redacted_headers[] = {"authorization", "proxy-authorization",  "cookie",
                                               "x-api-key",     "x-amz-security-token", NULL};

static int
is_redacted(const char *name, size_t len)
{
    for (const char *const *r = redacted_headers; *r != NULL; ++r)
        if (strlen(*r) == len && strncasecmp(*r, name, len) == 0)
            return 1;
    return 0;
}

int
mcpc_http_header_valid(const char *name, size_t name_len, const char *value, size_t value_len)
{
    if (name_len == 0)
        return 0;
    for (size_t i = 0; i != name_len; ++i) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL) ||
            c == '\0')
            return 0;
    }
    for (size_t i = 0; i != value_len; ++i)
        if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0')
            return 0;
    return 1;
}

int
mcpc_http_client_new(const mcpc_http_config_t *config, mcpc_http_client_t **out, char *err, size_t err_len)
{
    mcpc_http_client_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return MCPC_ERR_NOMEM;
    c->timeout_ms = config->timeout_ms;
    c->trace = config->trace;
    c->signer = config->signer;
    int ret = mcpc_url_parse(config->url, &c->url, err, err_len);
    if (ret == 0 && c->url.tls)
        ret = mcpc_tls_context_new(config->cacert, &c->ssl_ctx, err, err_len);
    if (ret != 0) {
        mcpc_http_client_free(c);
        return ret;
    }
    *out = c;
    return 0;
}

void
mcpc_http_client_free(mcpc_http_client_t *c)
{
    if (c == NULL)
        return;
    if (c->has_idle)
        mcpc_conn_close(&c->idle);
    if (c->ssl_ctx != NULL)
        SSL_CTX_free(c->ssl_ctx);
    mcpc_url_dispose(&c->url);
    free(c);
}

const char *
mcpc_http_error(const mcpc_http_client_t *c)
{
    return c->error;
}

static void
trace_header(FILE *f, char dir, const char *name, size_t name_len, const char *value, size_t value_len)
{
    if (is_redacted(name, name_len))
        fprintf(f, "%c %.*s: [redacted]\n", dir, (int)name_len, name);
    else
        fprintf(f, "%c %.*s: %.*s\n", dir, (int)name_len, name, (int)value_len, value);
}

static void
append_header(buf_t *out, const mcpc_http_header_t *h)
{
    buf_append(out, h->name, h->name_len);
    buf_append(out, ": ", 2);
    buf_append(out, h->value, h->value_len);
    buf_append(out, "\r\n", 2);
}

static void
build_request(mcpc_http_client_t *c, const mcpc_http_request_t *req, const mcpc_http_header_t *added, size_t num_added, buf_t *out)
{
    const char *path = req->path != NULL ? req->path : c->url.path;
    buf_printf(out, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: " MCPC_USER_AGENT "\r\n", req->method, path, c->url.authority);
    for (size_t i = 0; i != req->num_headers; ++i)
        append_header(out, &req->headers[i]);
    for (size_t i = 0; i != num_added; ++i)
        append_header(out, &added[i]);
    if (req->body != NULL || strcmp(req->method, "POST") == 0)
        buf_printf(out, "Content-Length: %zu\r\n", req->body_len);
    buf_append(out, "\r\n", 2);
    buf_append(out, req->body, req->body_len);

    if (c->trace != NULL) {
        fprintf(c->trace, "> %s %s HTTP/1.1\n> Host: %s\n", req->method, path, c->url.authority);
        for (size_t i = 0; i != req->num_headers; ++i) {
            const mcpc_http_header_t *h = &req->headers[i];
            trace_header(c->trace, '>', h->name, h->name_len, h->value, h->value_len);
        }
        for (size_t i = 0; i != num_added; ++i)
            trace_header(c->trace, '>', added[i].name, added[i].name_len, added[i].value, added[i].value_len);
        fflush(c->trace);
    }
}

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    exchange_t *x = data;
    FILE *trace = x->client->trace;
    if (trace != NULL) {
        fprintf(trace, "< HTTP/1.%d %d %.*s\n", res->minor_version, res->status, (int)res->reason_len, res->reason);
        for (size_t i = 0; i != res->num_headers; ++i)
            trace_header(trace, '<', res->headers[i].name, res->headers[i].name_len, res->headers[i].value,
                         res->headers[i].value_len);
        fflush(trace);
    }
    int ret = x->req->on_head != NULL ? x->req->on_head(x->req->cb_data, res) : 0;
    x->callback_failed = ret < 0;
    return ret;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    exchange_t *x = data;
    int ret = x->req->on_body != NULL ? x->req->on_body(x->req->cb_data, bytes, len) : 0;
    x->callback_failed = ret < 0;
    return ret;
}

static void
describe(mcpc_http_client_t *c, int err)
{
    switch (err) {
    case MCPC_ERR_CLOSED:
    case MCPC_ERR_CLOSED_EARLY:
        snprintf(c->error, sizeof(c->error), "%s (%s)", mcpc_strerror(err), c->url.authority);
        break;
    case MCPC_ERR_HTTP_SYNTAX:
    case MCPC_ERR_TOO_LARGE:
        snprintf(c->error, sizeof(c->error), "%s from %s", mcpc_strerror(err), c->url.authority);
        break;
    default:
        snprintf(c->error, sizeof(c->error), "%s", mcpc_strerror(err));
        break;
    }
}

/*
 * Writes the request on conn and reads the response. *keep says whether conn can carry another request;
 * *nothing_received whether the server sent nothing at all (a reused connection may then be retried).
 */
static int
exchange(mcpc_http_client_t *c, mcpc_conn_t *conn, const buf_t *request, const mcpc_http_request_t *req, int *keep,
         int *nothing_received)
{
    *keep = 0;
    *nothing_received = 1;
    int ret = mcpc_conn_write(conn, request->data, request->len, c->error, sizeof(c->error));
    if (ret != 0)
        return ret;

    exchange_t x = {.client = c, .req = req};
    mcpc_http_parser_t parser;
    mcpc_http_parser_init(&parser);
    parser.on_head = on_head;
    parser.on_body = on_body;
    parser.cb_data = &x;
    char *bytes = malloc(READ_SIZE);
    if (bytes == NULL) {
        ret = MCPC_ERR_NOMEM;
        describe(c, ret);
        goto Exit;
    }
    for (;;) {
        size_t n, consumed;
        ret = mcpc_conn_read(conn, bytes, READ_SIZE, &n, c->error, sizeof(c->error));
        if (ret == 0 && n == 0)
            ret = mcpc_http_parser_eof(&parser);
        else if (ret == MCPC_ERR_CLOSED)
            ret =
                parser.bytes_seen == 0 ? MCPC_ERR_CLOSED_EARLY : MCPC_ERR_CLOSED; /* a reset ends even a body delimited by close */
        if (ret == MCPC_ERR_CLOSED || ret == MCPC_ERR_CLOSED_EARLY)
            describe(c, ret);
        if (ret != 0 || n == 0)
            break;
        ret = mcpc_http_parser_feed(&parser, bytes, n, &consumed);
        if (ret < 0) {
            if (!x.callback_failed)
                describe(c, ret);
            break;
        }
        if (ret > 0 && !parser.done && consumed != n) {
            /* the caller has what it wanted; if the rest of the response is already here, the connection stays usable */
            size_t rest;
            parser.on_head = NULL;
            parser.on_body = NULL;
            if (mcpc_http_parser_feed(&parser, bytes + consumed, n - consumed, &rest) == 0)
                consumed += rest;
        }
        if (ret > 0 || parser.done) {
            /* a response not read to its end, or followed by stray bytes, leaves the connection unusable */
            *keep = parser.done && consumed == n && parser.res.keep_alive;
            ret = 0;
            break;
        }
    }
Exit:
    *nothing_received = parser.bytes_seen == 0;
    free(bytes);
    mcpc_http_parser_dispose(&parser);
    return ret;
}

int
mcpc_http_send(mcpc_http_client_t *c, const mcpc_http_request_t *req)
{
    c->error[0] = '\0';
    for (size_t i = 0; i != req->num_headers; ++i) {
        const mcpc_http_header_t *h = &req->headers[i];
        if (!mcpc_http_header_valid(h->name, h->name_len, h->value, h->value_len)) {
            snprintf(c->error, sizeof(c->error), "invalid header field %.*s", (int)h->name_len, h->name);
            return MCPC_ERR_USAGE;
        }
    }
    mcpc_http_header_t added[MCPC_HTTP_MAX_SIGNED];
    size_t num_added = 0;
    int ret;
    if (c->signer != NULL && (ret = c->signer->sign(c->signer->data, req->method, c->url.authority,
                                                    req->path != NULL ? req->path : c->url.path, req->headers, req->num_headers,
                                                    req->body, req->body_len, added, &num_added, c->error, sizeof(c->error))) != 0)
        return ret;
    buf_t request = BUF_INIT(MCPC_HTTP_MAX_REQUEST);
    build_request(c, req, added, num_added, &request);
    for (size_t i = 0; i != num_added; ++i) {
        OPENSSL_cleanse((char *)added[i].value, added[i].value_len);
        free((char *)added[i].value);
    }
    if (buf_failed(&request)) {
        ret = MCPC_ERR_NOMEM;
        snprintf(c->error, sizeof(c->error), "the request is too large");
        goto Exit;
    }
    for (int attempt = 0;; ++attempt) {
        mcpc_conn_t conn;
        int reused = c->has_idle;
        if (reused) {
            conn = c->idle;
            c->has_idle = 0;
        } else if ((ret = mcpc_conn_open(&conn, &c->url, c->ssl_ctx, c->timeout_ms, c->error, sizeof(c->error))) != 0) {
            goto Exit;
        }
        conn.timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : c->timeout_ms;
        int keep, nothing_received;
        ret = exchange(c, &conn, &request, req, &keep, &nothing_received);
        if ((ret == MCPC_ERR_IO || ret == MCPC_ERR_CLOSED_EARLY) && reused && nothing_received && attempt == 0) {
            /* the server had closed the idle connection: this request never reached it */
            mcpc_conn_close(&conn);
            continue;
        }
        if (keep && !c->has_idle) {
            c->idle = conn;
            c->has_idle = 1;
        } else {
            mcpc_conn_close(&conn);
        }
        break;
    }
Exit:
    if (request.len > req->body_len)
        OPENSSL_cleanse(request.data, request.len - req->body_len); /* the head may hold a token or a session token */
    buf_dispose(&request);
    return ret;
}

void
mcpc_http_invalidate_credentials(mcpc_http_client_t *c)
{
    if (c->signer != NULL && c->signer->invalidate != NULL)
        c->signer->invalidate(c->signer->data);
}

int
mcpc_http_signs(const mcpc_http_client_t *c)
{
    return c->signer != NULL;
}
