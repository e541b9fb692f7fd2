/*
 * http_server.c: the libh2o front door. One event loop thread accepts HTTP/1.1 connections, turns
 * each request into an mcp_http_request_t and sends back the core's response. Streamed responses
 * (tools running on workers) are pumped from the stream whenever a worker signals new bytes through
 * h2o's multithread queue; the stream is tied to the request's memory pool with a dispose hook, so a
 * client that disconnects releases it too.
 */
#include "http_server.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <h2o.h>
#include <h2o/multithread.h>

#include "http_peer.h"
#include "legacy_sse.h"
#include "log.h"
#include "version.h"

#define KEEPALIVE_MS 15000
/* How often a streamed response checks that its client is still there: a worker waiting for a client
 * that left is free within this (plus the wake-up), not when a keep-alive write fails 15-30 s later. A check
 * is one recv(MSG_PEEK) per open stream; a tenth of a second keeps abandoned calls from holding workers
 * that clients who stay are queued for. */
#define LIVENESS_MS 100
/* How long access log lines may wait to be written together: a person tailing the log does not notice it */
#define LOG_BATCH_MS 20
/* The event loop's longest sleep: the signal handler only sets a flag, which the loop notices when it wakes */
#define WAKE_MS 100

typedef struct st_http_server_t {
    h2o_globalconf_t globalconf;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener;
    h2o_multithread_queue_t *queue;
    h2o_multithread_receiver_t receiver; /* streams with new bytes */
    h2o_timeout_t keepalive_timeout;     /* idle streams get an SSE comment */
    h2o_timeout_t liveness_timeout;      /* streams check that their client is still there */
    mcp_server_t *mcp;
    const http_config_t *config;
    legacy_sse_t *legacy; /* --legacy-sse: GET /sse and POST /messages; NULL otherwise */
    size_t in_flight;
    size_t connections; /* open, accepted ones */
} http_server_t;

typedef struct st_mcp_handler_t {
    h2o_handler_t super;
    http_server_t *server;
} mcp_handler_t;

/*
 * A streamed response. Allocated with malloc because it may outlive the request: a wake-up message
 * can still sit in the multithread queue when the request is disposed; whoever sees the other side
 * gone frees it (both run on the loop thread).
 */
typedef struct st_stream_state_t {
    h2o_multithread_message_t message; /* must be first: the queue hands back this pointer */
    h2o_generator_t generator;
    http_server_t *server;
    h2o_req_t *req; /* NULL once the request is gone */
    mcp_stream_t *stream;
    pthread_mutex_t lock; /* guards queued, between workers and the loop */
    int queued;
    h2o_timeout_entry_t keepalive;
    h2o_timeout_entry_t liveness;
    int sending; /* an h2o_send is in progress: wait for proceed */
    int done;
    int client_gone; /* the client closed its connection: the response ends with an error */
    buf_t buf;       /* bytes handed to h2o_send, kept until proceed */
} stream_state_t;

/* Access-log details kept per request on its pool. */
typedef struct st_request_log_t {
    http_server_t *server;
    struct timespec start;
    const char *rpc_method;
    const char *tool_name;
    int status;
    char request_id[17];
    char *body; /* a buffered response's body, which h2o writes from where it is: freed with the request */
} request_log_t;

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void
random_id(char out[17])
{
    static uint64_t counter;
    static uint64_t seed;
    if (seed == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
    }
    /* splitmix64: distinct ids per request for log correlation; not a secret */
    uint64_t z = (seed += 0x9e3779b97f4a7c15ull) + ++counter;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, z >>= 4)
        out[i] = digits[z & 15];
    out[16] = '\0';
}

static void
on_request_done(void *p)
{
    request_log_t *rl = p;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t us = (int64_t)(now.tv_sec - rl->start.tv_sec) * 1000000 + (now.tv_nsec - rl->start.tv_nsec) / 1000;
    /* the line's time is the loop's for this turn (h2o reads the clock once a turn): one clock call less a request */
    log_request(rl->request_id, rl->rpc_method, rl->tool_name, rl->status, us, (int64_t)h2o_now(rl->server->ctx.loop));
    free(rl->body);
    --rl->server->in_flight;
}

static void
stream_pump(stream_state_t *st)
{
    if (st->req == NULL || st->stream == NULL || st->sending || st->done)
        return;
    buf_reset(&st->buf);
    int complete = mcp_stream_take(st->stream, &st->buf);
    if (st->buf.len == 0 && !complete)
        return;
    st->sending = 1;
    st->done = complete;
    if (h2o_timeout_is_linked(&st->keepalive))
        h2o_timeout_unlink(&st->keepalive);
    if (!complete)
        h2o_timeout_link(st->server->ctx.loop, &st->server->keepalive_timeout, &st->keepalive);
    else if (h2o_timeout_is_linked(&st->liveness))
        h2o_timeout_unlink(&st->liveness);
    h2o_iovec_t vec = h2o_iovec_init(st->buf.data != NULL ? st->buf.data : "", st->buf.len);
    h2o_send(st->req, &vec, 1, complete ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

/* Ends a response whose client left: h2o closes the connection, and the pool's dispose hook frees the rest. */
static void
stream_abort(stream_state_t *st)
{
    st->sending = 1;
    st->done = 1;
    h2o_send(st->req, NULL, 0, H2O_SEND_STATE_ERROR);
}

static void
stream_on_proceed(h2o_generator_t *generator, h2o_req_t *req)
{
    (void)req;
    stream_state_t *st = H2O_STRUCT_FROM_MEMBER(stream_state_t, generator, generator);
    st->sending = 0;
    if (st->client_gone && !st->done)
        stream_abort(st);
    else
        stream_pump(st);
}

/*
 * Every LIVENESS_MS while a response streams: a client that left releases the stream at once, so the
 * calls it started see mcp_cancelled(), stop waiting and free their workers.
 */
static void
stream_on_liveness(h2o_timeout_entry_t *entry)
{
    stream_state_t *st = H2O_STRUCT_FROM_MEMBER(stream_state_t, liveness, entry);
    if (st->req == NULL || st->done)
        return;
    if (!http_peer_closed(st->req)) {
        h2o_timeout_link(st->server->ctx.loop, &st->server->liveness_timeout, &st->liveness);
        return;
    }
    log_set_request_id(NULL);
    log_msg(LOG_DEBUG, "client_gone", "the client closed its connection while its response streamed");
    st->client_gone = 1;
    if (h2o_timeout_is_linked(&st->keepalive))
        h2o_timeout_unlink(&st->keepalive);
    mcp_stream_release(st->stream); /* no stream_notify() after this */
    st->stream = NULL;
    if (!st->sending)
        stream_abort(st);
}

static void
stream_on_stop(h2o_generator_t *generator, h2o_req_t *req)
{
    /* the client went away; the pool's dispose hook releases the stream */
    (void)generator;
    (void)req;
}

/*
 * A stream with nothing to say for a while gets an SSE comment: proxies and API Gateway keep idle
 * streams open only so long, and writing is how a client that went away is noticed (its tool then
 * sees mcp_cancelled()).
 */
static void
stream_on_keepalive(h2o_timeout_entry_t *entry)
{
    stream_state_t *st = H2O_STRUCT_FROM_MEMBER(stream_state_t, keepalive, entry);
    if (st->req == NULL || st->done || st->client_gone)
        return;
    if (st->sending) {
        /* a write is still in flight (a slow reader): look again later rather than never */
        h2o_timeout_link(st->server->ctx.loop, &st->server->keepalive_timeout, &st->keepalive);
        return;
    }
    static const char comment[] = ": keep-alive\n\n";
    st->sending = 1;
    h2o_iovec_t vec = h2o_iovec_init(comment, sizeof(comment) - 1);
    h2o_timeout_link(st->server->ctx.loop, &st->server->keepalive_timeout, &st->keepalive);
    h2o_send(st->req, &vec, 1, H2O_SEND_STATE_IN_PROGRESS);
}

/* Called by workers (any thread) when the stream has new bytes. */
static void
stream_notify(void *data)
{
    stream_state_t *st = data;
    pthread_mutex_lock(&st->lock);
    if (!st->queued) {
        st->queued = 1;
        h2o_multithread_send_message(&st->server->receiver, &st->message);
    }
    pthread_mutex_unlock(&st->lock);
}

static void
stream_free(stream_state_t *st)
{
    buf_dispose(&st->buf);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* On the loop thread: wake-ups from workers. */
static void
on_stream_messages(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *msg = H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&msg->link);
        stream_state_t *st = (stream_state_t *)msg;
        pthread_mutex_lock(&st->lock);
        st->queued = 0;
        pthread_mutex_unlock(&st->lock);
        if (st->req == NULL)
            stream_free(st); /* the request ended while this wake-up was queued */
        else
            stream_pump(st);
    }
}

/* The request's pool is being destroyed: the response is complete or the client is gone. */
static void
on_stream_dispose(void *p)
{
    stream_state_t *st = *(stream_state_t **)p;
    st->req = NULL;
    if (h2o_timeout_is_linked(&st->keepalive))
        h2o_timeout_unlink(&st->keepalive);
    if (h2o_timeout_is_linked(&st->liveness))
        h2o_timeout_unlink(&st->liveness);
    if (st->stream != NULL)
        mcp_stream_release(st->stream); /* no stream_notify() after this */
    pthread_mutex_lock(&st->lock);
    int queued = st->queued;
    pthread_mutex_unlock(&st->lock);
    if (!queued)
        stream_free(st);
}

static void
set_headers(h2o_req_t *req, const mcp_response_t *res)
{
    for (size_t i = 0; i != res->num_headers; ++i) {
        const mcp_header_t *h = &res->headers[i];
        h2o_add_header_by_str(&req->pool, &req->res.headers, h->name, h->name_len, 0, NULL, h->value, h->value_len);
    }
}

/* The reason phrase of a status the core answers with. */
static const char *
reason_phrase(int status)
{
    static const struct {
        int status;
        const char *reason;
    } phrases[] = {
        {200, "OK"},
        {202, "Accepted"},
        {204, "No Content"},
        {400, "Bad Request"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {413, "Payload Too Large"},
        {415, "Unsupported Media Type"},
        {500, "Internal Server Error"},
        {503, "Service Unavailable"},
    };
    for (size_t i = 0; i != sizeof(phrases) / sizeof(phrases[0]); ++i)
        if (phrases[i].status == status)
            return phrases[i].reason;
    return status >= 500 ? "Internal Server Error" : "Bad Request";
}

/*
 * The core's view of the request. Every header must reach the core: a dropped Origin or Host would skip
 * the DNS-rebinding checks, and a page can add custom headers without a preflight. Returns 0, or -1 when
 * there are more headers than h2o's parser allows (it refuses such requests itself: a guard).
 */
static int
translate(h2o_req_t *req, const request_log_t *rl, mcp_header_t *headers, mcp_http_request_t *out)
{
    if (req->headers.size > H2O_MAX_HEADERS)
        return -1;
    size_t num_headers = 0;
    for (size_t i = 0; i != req->headers.size; ++i) {
        const h2o_header_t *h = &req->headers.entries[i];
        headers[num_headers++] = (mcp_header_t){h->name->base, h->name->len, h->value.base, h->value.len};
    }
    /* h2o keeps Host as the authority rather than a header */
    if (req->authority.len != 0)
        headers[num_headers++] = (mcp_header_t){"host", 4, req->authority.base, req->authority.len};
    char *public_base = NULL;
    if (req->authority.len != 0 && req->authority.len < 256) {
        public_base = h2o_mem_alloc_pool(&req->pool, req->authority.len + 8);
        memcpy(public_base, "http://", 7); /* no snprintf per request */
        memcpy(public_base + 7, req->authority.base, req->authority.len);
        public_base[7 + req->authority.len] = '\0';
    }
    *out = (mcp_http_request_t){
        .method = req->method.base,
        .method_len = req->method.len,
        .path = req->path_normalized.base,
        .path_len = req->path_normalized.len,
        .headers = headers,
        .num_headers = num_headers,
        .body = req->entity.base,
        .body_len = req->entity.base != NULL ? req->entity.len : 0,
        .request_id = rl->request_id,
        .public_base = public_base,
        .can_stream = 1,
        .concurrent = 1,
    };
    return 0;
}

/* A complete body (or none), sent at once. */
static void
respond_buffered(h2o_req_t *req, request_log_t *rl, mcp_response_t *res)
{
    /* the body is sent from the response's own buffer, not a copy in the pool: rl frees it when the pool goes */
    static h2o_generator_t generator = {NULL, NULL};
    h2o_iovec_t vec = h2o_iovec_init(res->body, res->body_len);
    req->res.content_length = res->body != NULL ? res->body_len : 0;
    rl->body = res->body;
    res->body = NULL;
    h2o_start_response(req, &generator);
    h2o_send(req, &vec, rl->body != NULL ? 1 : 0, H2O_SEND_STATE_FINAL);
    mcp_response_dispose(res);
}

/* A stream fed by workers: pumped whenever they signal, tied to the request's pool so a hang-up releases it. */
static void
respond_streaming(http_server_t *server, h2o_req_t *req, mcp_stream_t *stream)
{
    stream_state_t *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        mcp_stream_release(stream);
        h2o_send_error_503(req, "Service Unavailable", "out of memory", 0);
        return;
    }
    st->server = server;
    st->req = req;
    st->stream = stream;
    st->generator.proceed = stream_on_proceed;
    st->generator.stop = stream_on_stop;
    st->keepalive.cb = stream_on_keepalive;
    st->liveness.cb = stream_on_liveness;
    pthread_mutex_init(&st->lock, NULL);
    buf_init(&st->buf, 0);
    stream_state_t **slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), on_stream_dispose);
    *slot = st;
    h2o_start_response(req, &st->generator);
    mcp_stream_set_notify(stream, stream_notify, st);
    h2o_timeout_link(server->ctx.loop, &server->liveness_timeout, &st->liveness);
    stream_pump(st);
    if (!st->sending) {
        /*
         * Nothing to say yet: a comment carries the headers out now, so the client knows the call is
         * running (h2o's chunked encoder sends nothing, headers included, for an empty send).
         */
        static const char opened[] = ": stream open\n\n";
        st->sending = 1;
        h2o_timeout_link(server->ctx.loop, &server->keepalive_timeout, &st->keepalive);
        h2o_iovec_t vec = h2o_iovec_init(opened, sizeof(opened) - 1);
        h2o_send(req, &vec, 1, H2O_SEND_STATE_IN_PROGRESS);
    }
}

static int
on_req(h2o_handler_t *self, h2o_req_t *req)
{
    http_server_t *server = ((mcp_handler_t *)self)->server;
    request_log_t *rl = h2o_mem_alloc_shared(&req->pool, sizeof(*rl), on_request_done);
    memset(rl, 0, sizeof(*rl));
    rl->server = server;
    clock_gettime(CLOCK_MONOTONIC, &rl->start);
    random_id(rl->request_id);
    ++server->in_flight;

    mcp_header_t headers[H2O_MAX_HEADERS + 1];
    mcp_http_request_t mreq;
    if (translate(req, rl, headers, &mreq) != 0) {
        rl->status = 431;
        h2o_send_error_generic(req, 431, "Request Header Fields Too Large", "too many header fields\n", 0);
        return 0;
    }
    mcp_response_t res;
    log_set_request_id(rl->request_id);
    if (server->legacy != NULL && legacy_sse_handle(server->legacy, req, &mreq, &rl->status)) {
        log_set_request_id(NULL);
        return 0;
    }
    mcp_handle(server->mcp, &mreq, &res);
    log_set_request_id(NULL);
    rl->rpc_method = res.rpc_method;
    rl->tool_name = res.tool_name;
    rl->status = res.status;
    req->res.status = res.status;
    req->res.reason = reason_phrase(res.status);
    set_headers(req, &res);
    if (res.stream != NULL)
        respond_streaming(server, req, res.stream);
    else
        respond_buffered(req, rl, &res);
    return 0;
}

static void
on_connection_closed(void *data)
{
    --((http_server_t *)data)->connections;
}

/* Past the cap on open connections: one short answer, written without waiting, and the connection closes. */
static void
refuse_connection(h2o_socket_t *sock)
{
    static const char body[] = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"Server busy: too many "
                               "connections; retry later\"}}";
    char head[200];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     sizeof(body) - 1);
    struct iovec iov[2] = {{head, (size_t)n}, {(void *)body, sizeof(body) - 1}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t sent = sendmsg(h2o_socket_get_fd(sock), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    (void)sent; /* best effort: the client learns why, or sees the connection close */
    h2o_socket_close(sock);
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
    if (err != NULL)
        return;
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (sock == NULL)
        return;
    http_server_t *server = listener->data;
    if (server->connections >= server->config->max_connections) {
        log_msg(LOG_WARN, "overloaded", "refused a connection: %zu are open (--max-connections)", server->connections);
        refuse_connection(sock);
        return;
    }
    ++server->connections;
    sock->on_close.cb = on_connection_closed;
    sock->on_close.data = server;
    /* SSE events are small writes that must not wait for the client's delayed ACK */
    int on = 1;
    setsockopt(h2o_socket_get_fd(sock), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    h2o_accept(&server->accept_ctx, sock);
}

static int
create_listener(http_server_t *server, const char *bind_addr, int port, int *bound_port, char *err, size_t err_len)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, bind_addr, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        sslen = sizeof(*sin);
    } else if (inet_pton(AF_INET6, bind_addr[0] == '[' ? "" : bind_addr, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        sslen = sizeof(*sin6);
    } else {
        snprintf(err, err_len, "--bind: '%s' is not an IPv4 or IPv6 address", bind_addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_len, "socket: %s", strerror(errno));
        return -1;
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, (struct sockaddr *)&ss, sslen) != 0 || listen(fd, SOMAXCONN) != 0) {
        snprintf(err, err_len, "cannot listen on %s:%d: %s", bind_addr, port, strerror(errno));
        close(fd);
        return -1;
    }
    sslen = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &sslen);
    *bound_port = ntohs(ss.ss_family == AF_INET ? sin->sin_port : sin6->sin6_port);
    server->listener = h2o_evloop_socket_create(server->ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    server->listener->data = server;
    h2o_socket_read_start(server->listener, on_accept);
    return 0;
}

int
http_server_run(mcp_server_t *mcp, const mcp_config_t *core, const http_config_t *config)
{
    static http_server_t server;
    server.mcp = mcp;
    server.config = config;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    h2o_config_init(&server.globalconf);
    /* a little over the core's limit, so a body just over it gets the core's JSON-RPC 413 */
    server.globalconf.max_request_entity_size = core->max_body_bytes + 1024;
    /* a slow sender gets this long for a request's head and body (and an idle connection for its next request) */
    server.globalconf.http1.req_timeout = config->request_timeout_ms;
    server.globalconf.server_name = h2o_iovec_init(H2O_STRLIT(MCP_PROJECT_NAME));
    h2o_hostconf_t *host = h2o_config_register_host(&server.globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    mcp_handler_t *handler = (mcp_handler_t *)h2o_create_handler(path, sizeof(*handler));
    handler->super.on_req = on_req;
    handler->server = &server;

    h2o_context_init(&server.ctx, h2o_evloop_create(), &server.globalconf);
    server.accept_ctx.ctx = &server.ctx;
    server.accept_ctx.hosts = server.globalconf.hosts;
    h2o_timeout_init(server.ctx.loop, &server.keepalive_timeout, KEEPALIVE_MS);
    h2o_timeout_init(server.ctx.loop, &server.liveness_timeout, LIVENESS_MS);
    server.queue = h2o_multithread_create_queue(server.ctx.loop);
    h2o_multithread_register_receiver(server.queue, &server.receiver, on_stream_messages);
    if (config->legacy_sse) {
        if (core->sessions == MCP_SESSIONS_OFF) {
            /* the transport is made of sessions: its POSTs name the stream their answers go to */
            log_msg(LOG_ERROR, "config", "--legacy-sse needs --sessions memory or dynamodb");
            fprintf(stderr, "mcp-server: --legacy-sse needs --sessions memory or dynamodb\n");
            return 2;
        }
        server.legacy = legacy_sse_new(server.ctx.loop, server.queue, mcp, core->path);
    }

    char err[256];
    int port;
    if (create_listener(&server, config->bind, (int)config->port, &port, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "listen_failed", "%s", err);
        fprintf(stderr, "mcp-server: %s\n", err);
        return 1;
    }
    log_line_t l;
    {
        /* always written, whatever the log level: it says where the server is (port 0 picks one) */
        log_begin_always(&l, LOG_INFO, "listening");
        char url[300];
        int v6 = strchr(config->bind, ':') != NULL;
        snprintf(url, sizeof(url), "http://%s%s%s:%d%s", v6 ? "[" : "", config->bind, v6 ? "]" : "", port, core->path);
        jsonw_kv_string(&l.w, "url", url);
        jsonw_kv_int(&l.w, "port", port);
        log_end(&l);
    }

    /*
     * access log lines wait in a buffer and go out together, LOG_BATCH_MS after the turn that wrote the first of them
     * (or sooner, at 64 KiB or with a warning): under load one write carries the lines of many turns
     */
    log_set_buffered(1);
    /* wake up often enough to notice a stop request promptly, and when lines are due */
    int wait_ms = WAKE_MS;
    while (!stop_requested) {
        h2o_evloop_run(server.ctx.loop, wait_ms);
        long due = log_flush_due(LOG_BATCH_MS);
        wait_ms = due < 0 || due > WAKE_MS ? WAKE_MS : (int)due;
    }

    /* SIGTERM: stop accepting, end subscriptions/listen streams, let in-flight requests finish (bounded), then exit 0 */
    h2o_socket_read_stop(server.listener);
    h2o_socket_close(server.listener);
    mcp_server_drain(mcp);
    if (server.legacy != NULL)
        legacy_sse_drain(server.legacy);
    log_msg(LOG_INFO, "shutting_down", "waiting for %zu in-flight request(s)", server.in_flight);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (server.in_flight != 0) {
        h2o_evloop_run(server.ctx.loop, WAKE_MS);
        log_flush();
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= config->shutdown_grace_ms) {
            log_msg(LOG_WARN, "shutdown_timeout", "%zu request(s) still in flight", server.in_flight);
            break;
        }
    }
    mcp_server_shutdown(mcp);
    log_set_buffered(0);
    log_msg(LOG_INFO, "stopped", "bye");
    return 0;
}
