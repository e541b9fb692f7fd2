/*
 * static_server.c: the yardstick for `make bench`.
 *
 * A minimal HTTP/1.1 server on the same libh2o-evloop setup as mcp-server (one global config, one host, one evloop
 * thread, one listener accepted through h2o_accept) that answers every POST /mcp with a fixed JSON-RPC result. It does
 * no parsing, no JSON and no allocation of its own, so its throughput and its cold start are the ceiling that the real
 * server is measured against: what is left between the two is the cost of our code, not of h2o or the kernel.
 *
 *     bench-static_server [--bind 127.0.0.1] [--port N (0 = pick a free port)] [--max-body-bytes N]
 *
 * On startup it prints {"event":"listening","url":...,"port":N} on stderr, the same fields the real server logs, so
 * the bench script can find either server's port the same way. SIGTERM or SIGINT make it exit 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <h2o.h>

/* A tools/call result of `ping`, so that both servers send about the same bytes per response. */
static const char RESPONSE_BODY[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"pong\"}]}}";

static h2o_globalconf_t config;
static h2o_context_t ctx;
static h2o_accept_ctx_t accept_ctx;
static int stopping;

static int
on_mcp(h2o_handler_t *self, h2o_req_t *req)
{
    /* The body is sent from static storage and the response completes in one call, so the generator is never asked
     * to proceed or stop: an empty static one is enough. */
    static h2o_generator_t generator = {NULL, NULL};
    h2o_iovec_t body = {(char *)RESPONSE_BODY, sizeof(RESPONSE_BODY) - 1};

    (void)self;
    /* h2o also routes /mcp/<anything> here; the endpoint is the exact path only. */
    if (!h2o_memis(req->path_normalized.base, req->path_normalized.len, H2O_STRLIT("/mcp"))) {
        h2o_send_error_404(req, "Not Found", "not found\n", 0);
        return 0;
    }
    if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST"))) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL, H2O_STRLIT("POST"));
        h2o_send_error_405(req, "Method Not Allowed", "method not allowed\n", H2O_SEND_ERROR_KEEP_HEADERS);
        return 0;
    }

    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = body.len;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("application/json"));
    h2o_start_response(req, &generator);
    h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
    return 0;
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
    if (err != NULL)
        return;
    /* Drain a burst of pending connections per wake-up (wrk opens 64 at once), but bounded so that a flood of
     * connects cannot starve the requests already being served. */
    for (int i = 0; i < 32; ++i) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (sock == NULL)
            return;
        h2o_accept(&accept_ctx, sock);
    }
}

static void
on_signal(h2o_socket_t *sock, const char *err)
{
    /* The content (a signalfd_siginfo) does not matter: SIGTERM and SIGINT both mean stop. */
    if (err == NULL)
        h2o_buffer_consume(&sock->input, sock->input->size);
    stopping = 1;
}

/* Signals arrive through a signalfd watched by the loop itself, so there is no window between checking a flag and
 * blocking in epoll_wait in which a SIGTERM could be lost. */
static int
watch_signals(h2o_evloop_t *loop)
{
    sigset_t mask;
    int fd;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 || (fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
        perror("signalfd");
        return -1;
    }
    h2o_socket_read_start(h2o_evloop_socket_create(loop, fd, H2O_SOCKET_FLAG_DONT_READ), on_signal);
    return 0;
}

static int
create_listener(h2o_evloop_t *loop, const char *bind_addr, unsigned short port, unsigned short *bound_port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    socklen_t addrlen = sizeof(addr);
    int fd, on = 1;

    if (inet_pton(AF_INET, bind_addr, &addr.sin_addr) != 1) {
        fprintf(stderr, "invalid --bind address: %s (IPv4 only)\n", bind_addr);
        return -1;
    }
    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 || bind(fd, (struct sockaddr *)&addr, addrlen) != 0 ||
        listen(fd, SOMAXCONN) != 0 || getsockname(fd, (struct sockaddr *)&addr, &addrlen) != 0) {
        fprintf(stderr, "cannot listen on %s:%u: %s\n", bind_addr, port, strerror(errno));
        if (fd != -1)
            close(fd);
        return -1;
    }
    *bound_port = ntohs(addr.sin_port);
    h2o_socket_read_start(h2o_evloop_socket_create(loop, fd, H2O_SOCKET_FLAG_DONT_READ), on_accept);
    return 0;
}

static int
parse_number(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static void
usage(FILE *fp)
{
    fprintf(fp, "usage: bench-static_server [--bind ADDR] [--port N (0 = pick a free port)] [--max-body-bytes N]\n");
}

int
main(int argc, char **argv)
{
    const char *bind_addr = "127.0.0.1";
    unsigned long port = 0, max_body = 1024 * 1024;
    unsigned short bound_port;
    h2o_hostconf_t *hostconf;
    h2o_pathconf_t *pathconf;
    h2o_evloop_t *loop;

    for (int i = 1; i < argc; i += 2) { /* --name value pairs */
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (val == NULL) {
            usage(stderr);
            return 2;
        }
        if (strcmp(opt, "--bind") == 0) {
            bind_addr = val;
        } else if (strcmp(opt, "--port") == 0) {
            if (parse_number(val, 65535, &port) != 0) {
                fprintf(stderr, "invalid --port: %s\n", val);
                return 2;
            }
        } else if (strcmp(opt, "--max-body-bytes") == 0) {
            if (parse_number(val, SIZE_MAX, &max_body) != 0 || max_body == 0) {
                fprintf(stderr, "invalid --max-body-bytes: %s\n", val);
                return 2;
            }
        } else {
            usage(stderr);
            return 2;
        }
    }

    h2o_config_init(&config);
    config.max_request_entity_size = max_body;
    /* HTTP/1.1 only, as in the real server: no TLS context (so no ALPN) and no h2c upgrade. */
    config.http1.upgrade_to_http2 = 0;
    hostconf = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    pathconf = h2o_config_register_path(hostconf, "/mcp", 0);
    h2o_create_handler(pathconf, sizeof(h2o_handler_t))->on_req = on_mcp;

    loop = h2o_evloop_create();
    h2o_context_init(&ctx, loop, &config);
    accept_ctx.ctx = &ctx;
    accept_ctx.hosts = config.hosts;

    if (watch_signals(loop) != 0 || create_listener(loop, bind_addr, (unsigned short)port, &bound_port) != 0)
        return 1;
    fprintf(stderr, "{\"event\":\"listening\",\"url\":\"http://%s:%u/mcp\",\"port\":%u}\n", bind_addr, bound_port, bound_port);

    /* h2o_evloop_run returns after each batch of events (or on EINTR), which is when the stop flag is looked at. */
    while (!stopping)
        h2o_evloop_run(loop, INT32_MAX);
    return 0;
}
