/*
 * Tests of common/lambda_runtime.c against a scripted Runtime API on 127.0.0.1 (a thread): answers framed
 * every way the shared parser reads (chunks split anywhere, interim 1xx, Content-Length), the invocation's
 * headers, the caps, and when a request is sent again: a GET whose connection died unanswered is; a POST that
 * may have been received is not; a connection closed while idle, or by "Connection: close", is replaced before
 * anything is written to it.
 *
 * The fake server records each request it reads as "METHOD path body" (the path after /2018-06-01/runtime/,
 * a chunked body de-chunked); every wait it makes is bounded, so a client that misbehaves fails the test
 * instead of hanging it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lambda_runtime.h"
#include "test.h"

#define WAIT_MS 10000 /* the longest the fake server waits for anything; only a broken client makes it wait */

typedef enum en_op_t {
    OP_ACCEPT,        /* take the next connection */
    OP_READ,          /* read one request and record it */
    OP_WRITE,         /* write bytes */
    OP_WRITE_BIG,     /* write a chunked answer whose body is larger than an event may be */
    OP_CLOSE,         /* close the connection */
    OP_SIGNAL,        /* tell the test the steps so far are done */
    OP_ACCEPT_RESENT, /* record whether the client connects again before it reports that its call returned */
    OP_END,
} op_t;

typedef struct st_step_t {
    op_t op;
    const char *bytes;
} step_t;

typedef struct st_fake_t {
    lambda_runtime_t rt; /* the client under test, pointed at this server */
    pthread_t thread;
    const step_t *steps;
    int listen_fd, conn_fd;
    int returned[2]; /* a pipe: the test writes to it when the client's call has returned */
    sem_t signal;
    char in[1 << 16];
    size_t in_len;
    buf_t log; /* the requests read, one a line, and what happened instead */
} fake_t;

/* Waits for fd to be readable (and, if other >= 0, reports which of the two is); 0 on timeout. */
static int
wait_readable(int fd, int other)
{
    struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = other, .events = POLLIN}};
    int n = poll(pfd, other >= 0 ? 2 : 1, WAIT_MS);
    if (n <= 0)
        return 0;
    return pfd[0].revents != 0 ? 1 : 2;
}

/* Reads until in holds a line; returns its length with the CRLF, or 0 when the connection ended. */
static size_t
fake_line(fake_t *f)
{
    for (;;) {
        char *lf = memchr(f->in, '\n', f->in_len);
        if (lf != NULL)
            return (size_t)(lf - f->in) + 1;
        if (f->in_len == sizeof(f->in) || wait_readable(f->conn_fd, -1) == 0)
            return 0;
        ssize_t n = recv(f->conn_fd, f->in + f->in_len, sizeof(f->in) - f->in_len, 0);
        if (n <= 0)
            return 0;
        f->in_len += (size_t)n;
    }
}

/* Takes n bytes from in into out (if not NULL); 0, or -1 when the connection ended first. */
static int
fake_take(fake_t *f, size_t n, buf_t *out)
{
    while (f->in_len < n) {
        if (wait_readable(f->conn_fd, -1) == 0)
            return -1;
        ssize_t got = recv(f->conn_fd, f->in + f->in_len, sizeof(f->in) - f->in_len, 0);
        if (got <= 0)
            return -1;
        f->in_len += (size_t)got;
    }
    if (out != NULL)
        buf_append(out, f->in, n);
    memmove(f->in, f->in + n, f->in_len - n);
    f->in_len -= n;
    return 0;
}

/* Reads one request: its head, and a body by Content-Length or in chunks. Records it, or "EOF". */
static void
fake_read(fake_t *f)
{
    buf_t head = BUF_INIT(0), body = BUF_INIT(0);
    size_t len;
    while ((len = fake_line(f)) > 2)
        fake_take(f, len, &head);
    if (len == 0 || fake_take(f, len, NULL) != 0 || head.data == NULL)
        goto Eof;
    const char *cl = strcasestr(head.data, "\r\nContent-Length:");
    if (cl != NULL) {
        if (fake_take(f, strtoul(cl + 17, NULL, 10), &body) != 0)
            goto Eof;
    } else if (strcasestr(head.data, "\r\nTransfer-Encoding: chunked") != NULL) {
        for (;;) {
            if ((len = fake_line(f)) == 0)
                goto Eof;
            size_t size = strtoul(f->in, NULL, 16);
            fake_take(f, len, NULL);
            if (size == 0)
                break;
            if (fake_take(f, size, &body) != 0 || (len = fake_line(f)) == 0 || fake_take(f, len, NULL) != 0)
                goto Eof;
        }
        while ((len = fake_line(f)) > 2) /* trailer fields, up to the blank line */
            fake_take(f, len, NULL);
        if (len == 0 || fake_take(f, len, NULL) != 0)
            goto Eof;
    }
    char method[8] = "", path[256] = "";
    sscanf(head.data, "%7s /2018-06-01/runtime/%255s", method, path);
    buf_printf(&f->log, "%s %s%s%.*s\n", method, path, body.len != 0 ? " " : "", (int)body.len, body.data != NULL ? body.data : "");
    buf_dispose(&head);
    buf_dispose(&body);
    return;
Eof:
    buf_append_str(&f->log, "EOF\n");
    buf_dispose(&head);
    buf_dispose(&body);
}

static void
fake_close(fake_t *f)
{
    if (f->conn_fd >= 0)
        close(f->conn_fd);
    f->conn_fd = -1;
    f->in_len = 0;
}

static int
fake_accept(fake_t *f)
{
    fake_close(f);
    if (wait_readable(f->listen_fd, -1) == 0)
        return -1;
    f->conn_fd = accept(f->listen_fd, NULL, NULL);
    return f->conn_fd >= 0 ? 0 : -1;
}

static void
fake_write(fake_t *f, const void *bytes, size_t len)
{
    if (f->conn_fd >= 0)
        send(f->conn_fd, bytes, len, MSG_NOSIGNAL);
}

static void *
fake_run(void *arg)
{
    fake_t *f = arg;
    for (const step_t *s = f->steps; s->op != OP_END; ++s) {
        switch (s->op) {
        case OP_ACCEPT:
            if (fake_accept(f) != 0) {
                buf_append_str(&f->log, "NO CONNECTION\n");
                goto Exit;
            }
            break;
        case OP_READ:
            fake_read(f);
            break;
        case OP_WRITE:
            fake_write(f, s->bytes, strlen(s->bytes));
            break;
        case OP_WRITE_BIG: {
            static const char head[] =
                "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: big\r\nTransfer-Encoding: chunked\r\n\r\n";
            fake_write(f, head, sizeof(head) - 1);
            static char chunk[65536];
            memset(chunk, 'x', sizeof(chunk));
            for (size_t sent = 0; sent <= LAMBDA_MAX_EVENT_BYTES && f->conn_fd >= 0; sent += sizeof(chunk)) {
                fake_write(f, "10000\r\n", 7);
                fake_write(f, chunk, sizeof(chunk));
                fake_write(f, "\r\n", 2);
            }
            break;
        }
        case OP_CLOSE:
            fake_close(f);
            break;
        case OP_SIGNAL:
            sem_post(&f->signal);
            break;
        case OP_ACCEPT_RESENT:
            /* the client's call returns before it connects again, or it connects and is answered */
            if (wait_readable(f->listen_fd, f->returned[0]) == 1 && fake_accept(f) == 0) {
                buf_append_str(&f->log, "RESENT: ");
                fake_read(f);
                fake_write(f, s->bytes, strlen(s->bytes));
            }
            break;
        case OP_END:
            break;
        }
    }
Exit:
    fake_close(f);
    sem_post(&f->signal); /* a test waiting for a step that never came goes on, and fails */
    return NULL;
}

/* Starts the fake Runtime API with steps (ending in END), and a client (f->rt) pointed at it. */
static void
fake_start(fake_t *f, const step_t *steps)
{
    memset(f, 0, sizeof(*f));
    f->steps = steps;
    f->conn_fd = -1;
    buf_init(&f->log, 0);
    sem_init(&f->signal, 0, 0);
    CHECK(pipe(f->returned) == 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t addr_len = sizeof(addr);
    f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(bind(f->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(f->listen_fd, 8) == 0 &&
          getsockname(f->listen_fd, (struct sockaddr *)&addr, &addr_len) == 0);
    char api[32];
    snprintf(api, sizeof(api), "127.0.0.1:%u", ntohs(addr.sin_port));
    CHECK(lambda_runtime_init(&f->rt, api) == 0);
    CHECK(pthread_create(&f->thread, NULL, fake_run, f) == 0);
}

/* Tells the fake server the client's last call has returned, waits for it to finish, and returns its log. */
static const char *
fake_finish(fake_t *f)
{
    static char log[4096];
    CHECK(write(f->returned[1], "x", 1) == 1);
    pthread_join(f->thread, NULL);
    lambda_runtime_dispose(&f->rt);
    snprintf(log, sizeof(log), "%s", f->log.data != NULL ? f->log.data : "");
    buf_dispose(&f->log);
    close(f->listen_fd);
    close(f->returned[0]);
    close(f->returned[1]);
    sem_destroy(&f->signal);
    return log;
}

#define NEXT_ANSWER(id, body)                                                                                                      \
    "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: " id "\r\nLambda-Runtime-Deadline-Ms: 1700000000123\r\n"                    \
    "Content-Length: " #body "\r\n\r\n"
#define ACCEPTED "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}"
/* clang-format off */
#define END {OP_END, NULL}
#define SERVE_NEXT(answer) {OP_ACCEPT, NULL}, {OP_READ, NULL}, {OP_WRITE, answer} /* a connection, /next and its answer */
/* clang-format on */

static void
test_next_and_respond(void)
{
    /* a chunked event cut into odd pieces, after an interim 100; the answer to the POST in two writes */
    static const step_t steps[] = {
        SERVE_NEXT("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id: abc-1\r\n"
                   "Lambda-Runtime-Deadline-Ms: 1700000000123\r\nLambda-Runtime-Invoked-Function-Arn: "
                   "arn:aws:lambda:ap-southeast-2:123456789012:function:mcp\r\nLambda-Runtime-Trace-Id: Root=1-5759e988\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n"),
        {OP_WRITE, "A;ext=1\r\n\":[1,2,3]}\r\n0\r\nX-Trailer: t\r\n\r\n"},
        {OP_READ, NULL},
        {OP_WRITE, "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\""},
        {OP_WRITE, ":\"OK\"}"},
        {OP_READ, NULL},
        {OP_WRITE, ACCEPTED},
        END,
    };
    fake_t f;
    fake_start(&f, steps);
    lambda_invocation_t inv;
    CHECK(lambda_runtime_next(&f.rt, &inv) == 0);
    CHECK_STR(inv.request_id, "abc-1");
    CHECK(inv.deadline_ms == 1700000000123);
    CHECK_STR(inv.function_arn, "arn:aws:lambda:ap-southeast-2:123456789012:function:mcp");
    CHECK_STR(inv.trace_id, "Root=1-5759e988");
    CHECK(inv.event_len == 13 && strcmp(inv.event, "{\"a\":[1,2,3]}") == 0);
    CHECK(lambda_runtime_respond(&f.rt, inv.request_id, "{\"ok\":true}", 11) == 0 && f.rt.last_status == 202);
    /* the same connection carries the streaming answer of the next call */
    CHECK(lambda_runtime_stream_begin(&f.rt, inv.request_id, "application/octet-stream") == 0);
    CHECK(lambda_runtime_stream_write(&f.rt, "part1,", 6) == 0 && lambda_runtime_stream_write(&f.rt, "part2", 5) == 0);
    CHECK(lambda_runtime_stream_end(&f.rt, NULL, NULL) == 0 && f.rt.last_status == 202);
    lambda_invocation_dispose(&inv);
    CHECK_STR(fake_finish(&f),
              "GET invocation/next\nPOST invocation/abc-1/response {\"ok\":true}\nPOST invocation/abc-1/response part1,part2\n");
}

/*
 * Runs steps, which answer /next and then signal: the client asks for the invocation, waits for the signal,
 * and responds "{}". Returns what the respond returned; *status is the last HTTP status, *log the server's.
 */
static int
next_then_respond(const step_t *steps, int *status, const char **log)
{
    fake_t f;
    fake_start(&f, steps);
    lambda_invocation_t inv;
    int ret = lambda_runtime_next(&f.rt, &inv);
    CHECK(ret == 0);
    sem_wait(&f.signal);
    if (ret == 0) {
        ret = lambda_runtime_respond(&f.rt, inv.request_id, "{}", 2);
        lambda_invocation_dispose(&inv);
    }
    *status = f.rt.last_status;
    *log = fake_finish(&f);
    return ret;
}

static void
test_resending(void)
{
    int status;
    const char *log;
    /* the Runtime API closes the kept-alive connection after its answer: the POST goes on a new one, once */
    static const step_t idle_close[] = {
        SERVE_NEXT(NEXT_ANSWER("id-2", 2) "{}"),
        {OP_CLOSE, NULL},
        {OP_SIGNAL, NULL},
        {OP_ACCEPT, NULL},
        {OP_READ, NULL},
        {OP_WRITE, ACCEPTED},
        {OP_ACCEPT_RESENT, ACCEPTED},
        END,
    };
    CHECK(next_then_respond(idle_close, &status, &log) == 0 && status == 202);
    CHECK_STR(log, "GET invocation/next\nPOST invocation/id-2/response {}\n");
    /* the POST is read, then the connection dies unanswered: it may have been taken, so it is not sent again */
    static const step_t unanswered[] = {
        SERVE_NEXT(NEXT_ANSWER("id-3", 2) "{}"),
        {OP_SIGNAL, NULL},
        {OP_READ, NULL},
        {OP_CLOSE, NULL},
        {OP_ACCEPT_RESENT, ACCEPTED},
        END,
    };
    CHECK(next_then_respond(unanswered, &status, &log) == LAMBDA_ERR_IO);
    CHECK_STR(log, "GET invocation/next\nPOST invocation/id-3/response {}\n");
    /* "Connection: close" ends the connection even if the server leaves it open; the next request opens another */
    static const step_t connection_close[] = {
        SERVE_NEXT("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: id-5\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"),
        {OP_SIGNAL, NULL},
        {OP_ACCEPT, NULL},
        {OP_READ, NULL},
        {OP_WRITE, "HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 2\r\n\r\n{}"},
        END,
    };
    CHECK(next_then_respond(connection_close, &status, &log) == LAMBDA_ERR_STATUS && status == 413);
    CHECK_STR(log, "GET invocation/next\nPOST invocation/id-5/response {}\n");
    /* a GET whose connection dies before an answer is asked again, once */
    static const step_t get_unanswered[] = {
        {OP_ACCEPT, NULL}, {OP_READ, NULL}, {OP_CLOSE, NULL},     SERVE_NEXT(NEXT_ANSWER("id-4", 2) "{}"),
        {OP_SIGNAL, NULL}, {OP_READ, NULL}, {OP_WRITE, ACCEPTED}, END,
    };
    CHECK(next_then_respond(get_unanswered, &status, &log) == 0 && status == 202);
    CHECK_STR(log, "GET invocation/next\nGET invocation/next\nPOST invocation/id-4/response {}\n");
}

/* One /next whose answer is answer (or, if NULL, OP_WRITE_BIG); returns what lambda_runtime_next returned. */
static int
next_with_answer(const char *answer)
{
    const step_t steps[] = {{OP_ACCEPT, NULL}, {OP_READ, NULL}, {answer != NULL ? OP_WRITE : OP_WRITE_BIG, answer}, END};
    fake_t f;
    fake_start(&f, steps);
    lambda_invocation_t inv;
    int ret = lambda_runtime_next(&f.rt, &inv);
    if (ret == 0)
        lambda_invocation_dispose(&inv);
    fake_finish(&f);
    return ret;
}

static void
test_bad_answers(void)
{
    char too_long[160];
    snprintf(too_long, sizeof(too_long), "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: x\r\nContent-Length: %u\r\n\r\n",
             LAMBDA_MAX_EVENT_BYTES + 1);
    CHECK(next_with_answer(too_long) == LAMBDA_ERR_TOO_LARGE); /* refused from its head */
    CHECK(next_with_answer(NULL) == LAMBDA_ERR_TOO_LARGE);     /* chunks that pass the cap */
    CHECK(next_with_answer("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "zz\r\n{}\r\n0\r\n\r\n") == LAMBDA_ERR_PROTOCOL);
    CHECK(next_with_answer("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "ffffffffffffffffff\r\n") == LAMBDA_ERR_PROTOCOL);
    CHECK(next_with_answer("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n") == LAMBDA_ERR_PROTOCOL);
    CHECK(next_with_answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}") == LAMBDA_ERR_PROTOCOL); /* no request id */
    CHECK(next_with_answer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n") == LAMBDA_ERR_STATUS);
    /* a body that ends with the connection is whole; one cut short is not */
    CHECK(next_with_answer("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: x\r\n\r\n{\"closed\":true}") == 0);
    CHECK(next_with_answer("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: x\r\nContent-Length: 9\r\n\r\n{}") == LAMBDA_ERR_IO);
}

int
main(void)
{
    RUN(test_next_and_respond);
    RUN(test_resending);
    RUN(test_bad_answers);
    return TEST_REPORT("test_lambda_runtime");
}
