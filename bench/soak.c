/*
 * soak.c: the load generator of `make soak` (bench/soak.sh). A benchmark, not a test: it prints figures and
 * exits 0 whatever they are; only a run that could not happen (bad arguments, no server) exits non-zero.
 *
 *     bench-soak --port P --rate R --seconds S [--pid PID] [--threads 2] [--connections 64] [--report-s 60]
 *                [--hangups 4] [--early-hangups 2] [--slow-readers 4] [--slow-headers 32] [--slow-bodies 32]
 *                [--ping-only 1]
 *
 * Against http://127.0.0.1:P/mcp only. Two kinds of clients share the threads' epoll loops:
 * - well-behaved ones: --connections kept-alive connections sending R requests/s in all, each on its own fixed
 *   schedule (a connection whose answer comes late sends its next request at once: the rate is a target, and the
 *   achieved rate is printed). 97 of every 100 requests are tools/call of ping (answered inline); the others are
 *   tools/list, initialize and tools/call of slow_compute for 0 s (run on a worker). An error is any answer that is
 *   not a 200 carrying a JSON-RPC result (isError false), a connection closed or refused, or no answer within 10 s.
 *   Latency is from the request's write to the last byte of its answer.
 * - hostile ones, which count what happened to them but whose outcome is not an error:
 *   hangups       call slow_compute for 30 s (a worker tool) and close the connection 100-1000 ms later, mid-call;
 *   early-hangups send a tools/call of ping and close at once, without reading the answer;
 *   slow-readers  ask for the tool list with a 2 KiB receive buffer and read it 512 bytes every 20 ms;
 *   slow-headers  send a request head one header line a second, never finishing it (slowloris);
 *   slow-bodies   send a complete head announcing a 100 000-byte body and then 16 bytes of it a second.
 * Every --report-s seconds, and at the end, one line of figures, with the server's VmRSS when --pid is given.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HIST_LINEAR_US 100000                  /* 1 µs buckets up to 100 ms ... */
#define HIST_BUCKETS (HIST_LINEAR_US + 100000) /* ... then 1 ms buckets up to 100 s */
#define ANSWER_TIMEOUT_US 10000000
#define MAX_ANSWER 262144

enum kind { GOOD, HANGUP, EARLY_HANGUP, SLOW_READER, SLOW_HEADERS, SLOW_BODY, NUM_KINDS };
static const char *const kind_names[] = {"good", "hangups", "early-hangups", "slow-readers", "slow-headers", "slow-bodies"};

enum state { IDLE, CONNECTING, SENT, WAITING };

typedef struct conn {
    enum kind kind;
    enum state state;
    int fd;
    int64_t next_at;   /* when the next timed action is due (µs, CLOCK_MONOTONIC) */
    int64_t sent_at;   /* when the request in flight was written */
    int64_t opened_at; /* when the connection was opened */
    uint64_t seq;      /* requests sent on the schedule so far (GOOD) */
    int64_t phase;     /* offset of this connection's schedule (GOOD) */
    int req_type;
    char *in;
    size_t in_len;
    unsigned sent_lines; /* SLOW_HEADERS, SLOW_BODY: what has gone out so far */
} conn_t;

typedef struct stats {
    uint64_t ok, errors, err_status, err_rpc, err_closed, err_connect, err_timeout;
    uint64_t by_type[4];
    uint64_t err_by_type[4];
    uint64_t err_codes[600];            /* non-200 answers by status */
    uint64_t hostile_cycles[NUM_KINDS]; /* hostile connections opened */
    uint64_t hostile_cut[NUM_KINDS];    /* ... closed by the server */
    uint64_t hostile_done[NUM_KINDS];   /* ... answers read in full (slow readers) */
    uint64_t hostile_503[NUM_KINDS];
    uint32_t *hist;
    uint64_t max_us;
} stats_t;

typedef struct thread {
    pthread_t tid;
    pthread_mutex_t lock; /* guards interval and total */
    stats_t interval, total;
    conn_t *conns;
    size_t num_conns;
    int ep;
    double rate; /* this thread's share of the well-behaved rate */
    size_t num_good;
    unsigned rnd;
} thread_t;

static int port;
static int ping_only; /* --ping-only 1: every well-behaved request is tools/call of ping (bench/callgrind.sh) */
static volatile int stopping;
static int64_t start_us, end_us;

static const char *const BODIES[4] = {
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
    ("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
     "\"capabilities\":{},\"clientInfo\":{\"name\":\"soak\",\"version\":\"1\"}}}"),
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"slow_compute\",\"arguments\":{\"seconds\":0}}}",
};
static const char *const TYPE_NAMES[4] = {"ping", "tools/list", "initialize", "slow_compute(0)"};
static const char HANGUP_BODY[] = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/"
                                  "call\",\"params\":{\"name\":\"slow_compute\",\"arguments\":{\"seconds\":30}}}";
static char *requests[4], *hangup_request;
static size_t request_lens[4], hangup_request_len;

static int64_t
now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static char *
make_request(const char *body, int initialize, size_t *len)
{
    char *out = malloc(1024 + strlen(body));
    int n = sprintf(out,
                    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                    "Accept: application/json, text/event-stream\r\n%sContent-Length: %zu\r\n\r\n%s",
                    port, initialize ? "" : "MCP-Protocol-Version: 2025-11-25\r\n", strlen(body), body);
    *len = (size_t)n;
    return out;
}

static void
stats_init(stats_t *s)
{
    memset(s, 0, sizeof(*s));
    s->hist = calloc(HIST_BUCKETS, sizeof(uint32_t));
}

static void
stats_add(stats_t *into, const stats_t *from)
{
    into->ok += from->ok;
    into->errors += from->errors;
    into->err_status += from->err_status;
    into->err_rpc += from->err_rpc;
    into->err_closed += from->err_closed;
    into->err_connect += from->err_connect;
    into->err_timeout += from->err_timeout;
    for (int i = 0; i != 4; ++i) {
        into->by_type[i] += from->by_type[i];
        into->err_by_type[i] += from->err_by_type[i];
    }
    for (int i = 0; i != 600; ++i)
        into->err_codes[i] += from->err_codes[i];
    for (int i = 0; i != NUM_KINDS; ++i) {
        into->hostile_cycles[i] += from->hostile_cycles[i];
        into->hostile_cut[i] += from->hostile_cut[i];
        into->hostile_done[i] += from->hostile_done[i];
        into->hostile_503[i] += from->hostile_503[i];
    }
    for (size_t i = 0; i != HIST_BUCKETS; ++i)
        into->hist[i] += from->hist[i];
    if (from->max_us > into->max_us)
        into->max_us = from->max_us;
}

static void
stats_clear(stats_t *s)
{
    uint32_t *hist = s->hist;
    memset(s, 0, sizeof(*s));
    memset(hist, 0, HIST_BUCKETS * sizeof(uint32_t));
    s->hist = hist;
}

static uint64_t
percentile(const stats_t *s, double p)
{
    uint64_t n = 0, seen = 0;
    for (size_t i = 0; i != HIST_BUCKETS; ++i)
        n += s->hist[i];
    if (n == 0)
        return 0;
    uint64_t want = (uint64_t)(p / 100 * (double)n + 0.5);
    if (want == 0)
        want = 1;
    for (size_t i = 0; i != HIST_BUCKETS; ++i) {
        seen += s->hist[i];
        if (seen >= want)
            return i < HIST_LINEAR_US ? i : HIST_LINEAR_US + (i - HIST_LINEAR_US) * 1000;
    }
    return s->max_us;
}

static void
record(thread_t *t, int64_t us)
{
    size_t b = us < HIST_LINEAR_US ? (size_t)us : HIST_LINEAR_US + (size_t)(us - HIST_LINEAR_US) / 1000;
    if (b >= HIST_BUCKETS)
        b = HIST_BUCKETS - 1;
    ++t->interval.hist[b];
    if ((uint64_t)us > t->interval.max_us)
        t->interval.max_us = (uint64_t)us;
}

static unsigned
rnd(thread_t *t, unsigned n)
{
    t->rnd = t->rnd * 1103515245u + 12345u;
    return (t->rnd >> 8) % n;
}

static void
conn_close(thread_t *t, conn_t *c)
{
    if (c->fd >= 0) {
        epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->in_len = 0;
    c->state = IDLE;
}

/* Starts a non-blocking connect; the connection is writable once it is up. */
static int
conn_open(thread_t *t, conn_t *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    if (c->kind == SLOW_READER) {
        int small = 2048;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->state = CONNECTING;
    c->in_len = 0;
    c->sent_lines = 0;
    c->opened_at = now_us();
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.ptr = c};
    epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev);
    if (c->kind != GOOD) {
        pthread_mutex_lock(&t->lock);
        ++t->interval.hostile_cycles[c->kind];
        pthread_mutex_unlock(&t->lock);
    }
    return 0;
}

static void
want_write(thread_t *t, conn_t *c, int on)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes it all or fails: requests are small, and a socket that cannot take one has a problem worth counting. */
static int
send_all(int fd, const char *p, size_t n)
{
    while (n != 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * Is c->in a complete HTTP response? Returns 1 (and sets the status and where the body is), 0 if more is to come,
 * -1 if it cannot be parsed. Handles Content-Length and chunked bodies (streamed answers from workers).
 */
static int
response_complete(conn_t *c, int *status, const char **body, size_t *body_len)
{
    char *head_end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
    if (head_end == NULL)
        return c->in_len > 65536 ? -1 : 0;
    if (c->in_len < 12 || memcmp(c->in, "HTTP/1.1 ", 9) != 0)
        return -1;
    *status = atoi(c->in + 9);
    size_t head_len = (size_t)(head_end - c->in) + 4;
    *body = c->in + head_len;
    char saved = *head_end;
    *head_end = '\0';
    const char *cl = strcasestr(c->in, "\r\ncontent-length:");
    int chunked = strcasestr(c->in, "\r\ntransfer-encoding: chunked") != NULL;
    *head_end = saved;
    if (cl != NULL) {
        size_t n = strtoul(cl + 17, NULL, 10);
        if (c->in_len < head_len + n)
            return 0;
        *body_len = n;
        return 1;
    }
    if (!chunked)
        return -1;
    const char *p = *body, *end = c->in + c->in_len;
    for (;;) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (eol == NULL)
            return 0;
        size_t size = strtoul(p, NULL, 16);
        if (size == 0) {
            if (end - eol < 4)
                return 0;
            *body_len = (size_t)(eol - *body);
            return 1;
        }
        p = eol + 2 + size + 2;
        if (p > end)
            return 0;
    }
}

/* The next well-behaved request, on this connection's schedule. */
static void
good_send(thread_t *t, conn_t *c, int64_t now)
{
    c->req_type = ping_only ? 0 : c->seq % 100 == 17 ? 1 : c->seq % 100 == 53 ? 2 : c->seq % 100 == 89 ? 3 : 0;
    c->in_len = 0;
    c->sent_at = now;
    if (send_all(c->fd, requests[c->req_type], request_lens[c->req_type]) != 0) {
        ++t->interval.errors;
        ++t->interval.err_closed;
        conn_close(t, c);
        c->next_at = now;
        return;
    }
    c->state = SENT;
}

static void
good_schedule_next(thread_t *t, conn_t *c)
{
    double interval_us = (double)t->num_good * 1e6 / t->rate;
    ++c->seq;
    c->next_at = start_us + c->phase + (int64_t)((double)c->seq * interval_us);
    c->state = WAITING;
}

static void
good_answer(thread_t *t, conn_t *c, int64_t now, int status, const char *body, size_t body_len)
{
    pthread_mutex_lock(&t->lock);
    if (status != 200) {
        ++t->interval.errors;
        ++t->interval.err_status;
        ++t->interval.err_by_type[c->req_type];
        ++t->interval.err_codes[status > 0 && status < 600 ? status : 0];
        if (t->interval.err_status == 1)
            fprintf(stderr, "bench-soak: a %s got %d: %.*s\n", TYPE_NAMES[c->req_type], status,
                    (int)(body_len < 300 ? body_len : 300), body);
    } else if (memmem(body, body_len, "\"result\":", 9) == NULL || memmem(body, body_len, "\"isError\":true", 14) != NULL) {
        ++t->interval.errors;
        ++t->interval.err_rpc;
        ++t->interval.err_by_type[c->req_type];
        if (t->interval.err_rpc == 1)
            fprintf(stderr, "bench-soak: a %s answered: %.*s\n", TYPE_NAMES[c->req_type], (int)(body_len < 300 ? body_len : 300),
                    body);
    } else {
        ++t->interval.ok;
        ++t->interval.by_type[c->req_type];
        record(t, now - c->sent_at);
    }
    pthread_mutex_unlock(&t->lock);
}

static void
good_error(thread_t *t, conn_t *c, uint64_t *which)
{
    pthread_mutex_lock(&t->lock);
    ++t->interval.errors;
    ++*which;
    pthread_mutex_unlock(&t->lock);
    conn_close(t, c);
}

/* Readable: read what there is; for a slow reader only a little, and only when its timer says so. */
static void
on_readable(thread_t *t, conn_t *c, int64_t now)
{
    size_t room = MAX_ANSWER - c->in_len;
    if (c->kind == SLOW_READER && room > 512)
        room = 512;
    if (c->in == NULL)
        c->in = malloc(MAX_ANSWER + 1);
    ssize_t r = recv(c->fd, c->in + c->in_len, room, 0);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r <= 0 || room == 0) {
        /* the server closed (or the answer is too large to be one of ours) */
        if (c->kind == GOOD) {
            if (c->state == SENT) {
                good_error(t, c, &t->interval.err_closed);
                c->next_at = now; /* reconnect, and the next request goes at once */
            } else {
                conn_close(t, c); /* an idle kept-alive connection closed: reopen it, no request was lost */
            }
            return;
        }
        pthread_mutex_lock(&t->lock);
        ++t->interval.hostile_cut[c->kind];
        pthread_mutex_unlock(&t->lock);
        conn_close(t, c);
        c->next_at = now + 100000;
        return;
    }
    c->in_len += (size_t)r;
    c->in[c->in_len] = '\0';
    int status = 0;
    const char *body = NULL;
    size_t body_len = 0;
    int done = response_complete(c, &status, &body, &body_len);
    if (c->kind == SLOW_READER)
        c->next_at = now + 20000;
    if (done == 0)
        return;
    if (c->kind == GOOD) {
        if (done < 0) {
            good_error(t, c, &t->interval.err_status);
            c->next_at = now;
            return;
        }
        good_answer(t, c, now, status, body, body_len);
        good_schedule_next(t, c);
        c->in_len = 0;
        return;
    }
    pthread_mutex_lock(&t->lock);
    if (status == 503)
        ++t->interval.hostile_503[c->kind];
    if (c->kind == SLOW_READER && done > 0)
        ++t->interval.hostile_done[c->kind];
    pthread_mutex_unlock(&t->lock);
    c->in_len = 0;
    if (c->kind == SLOW_READER && done > 0) {
        c->state = IDLE; /* the next request on the same connection, right away */
        c->next_at = now;
        if (send_all(c->fd, requests[1], request_lens[1]) == 0)
            c->state = SENT;
        else {
            conn_close(t, c);
            c->next_at = now + 100000;
        }
    }
}

/* Connected (writable for the first time): the first move of each kind. */
static void
on_connected(thread_t *t, conn_t *c, int64_t now)
{
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        if (c->kind == GOOD) {
            good_error(t, c, &t->interval.err_connect);
            c->next_at = now + 10000;
        } else {
            conn_close(t, c);
            c->next_at = now + 100000;
        }
        return;
    }
    want_write(t, c, 0);
    if (c->kind == SLOW_READER) {
        /* it reads on its timer only: no EPOLLIN, which would fire over and over with the answer waiting */
        struct epoll_event ev = {.events = 0, .data.ptr = c};
        epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
    int ok = 0;
    switch (c->kind) {
    case GOOD:
        c->state = WAITING; /* its schedule says when */
        return;
    case HANGUP:
        ok = send_all(c->fd, hangup_request, hangup_request_len) == 0;
        c->next_at = now + 100000 + rnd(t, 900000); /* when it leaves, mid-call */
        break;
    case EARLY_HANGUP:
        ok = send_all(c->fd, requests[0], request_lens[0]) == 0;
        if (ok) {
            conn_close(t, c); /* gone before the answer */
            c->next_at = now + 20000;
            return;
        }
        break;
    case SLOW_READER:
        ok = send_all(c->fd, requests[1], request_lens[1]) == 0;
        c->next_at = now + 20000;
        break;
    case SLOW_HEADERS: {
        static const char start[] = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        ok = send_all(c->fd, start, sizeof(start) - 1) == 0;
        c->next_at = now + 1000000;
        break;
    }
    case SLOW_BODY: {
        char head[512];
        int n = snprintf(head, sizeof(head),
                         "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                         "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n"
                         "Content-Length: 100000\r\n\r\n",
                         port);
        ok = send_all(c->fd, head, (size_t)n) == 0;
        c->next_at = now + 1000000;
        break;
    }
    default:
        break;
    }
    if (!ok) {
        conn_close(t, c);
        c->next_at = now + 100000;
        return;
    }
    c->state = SENT;
}

/* A connection's timer is due. */
static void
on_timer(thread_t *t, conn_t *c, int64_t now)
{
    if (c->fd < 0) {
        if (stopping)
            return;
        if (conn_open(t, c) != 0) {
            if (c->kind == GOOD)
                good_error(t, c, &t->interval.err_connect);
            c->next_at = now + 100000;
        } else {
            c->next_at = c->kind == GOOD ? c->next_at : INT64_MAX;
        }
        return;
    }
    switch (c->kind) {
    case GOOD:
        if (c->state == WAITING && !stopping)
            good_send(t, c, now);
        else if (c->state == SENT && now - c->sent_at >= ANSWER_TIMEOUT_US) {
            good_error(t, c, &t->interval.err_timeout);
            good_schedule_next(t, c);
        }
        break;
    case HANGUP:
        conn_close(t, c); /* mid-call */
        c->next_at = now + 100000;
        break;
    case SLOW_READER:
        c->next_at = INT64_MAX;
        on_readable(t, c, now);
        if (c->fd >= 0 && c->next_at == INT64_MAX)
            c->next_at = now + 20000; /* nothing was there to read yet */
        break;
    case SLOW_HEADERS:
    case SLOW_BODY: {
        static const char header[] = "X-Slow: 1\r\n";
        static const char body[] = "{\"jsonrpc\":\"2.0\",";
        int ok = c->kind == SLOW_HEADERS ? send_all(c->fd, header, sizeof(header) - 1) == 0 : send_all(c->fd, body, 16) == 0;
        if (!ok) {
            pthread_mutex_lock(&t->lock);
            ++t->interval.hostile_cut[c->kind];
            pthread_mutex_unlock(&t->lock);
            conn_close(t, c);
            c->next_at = now + 100000;
        } else {
            c->next_at = now + 1000000;
        }
        break;
    }
    default:
        break;
    }
}

/* When a good connection's timer is: due to send, or due to give up on its answer. */
static int64_t
deadline(const conn_t *c)
{
    if (c->kind == GOOD && c->fd >= 0 && c->state == SENT)
        return c->sent_at + ANSWER_TIMEOUT_US;
    if (c->kind == GOOD && c->fd >= 0 && c->state == CONNECTING)
        return INT64_MAX;
    return c->next_at;
}

static void *
thread_main(void *arg)
{
    thread_t *t = arg;
    struct epoll_event events[256];
    while (!stopping || now_us() < end_us + 2000000) {
        int64_t now = now_us();
        if (now >= end_us)
            stopping = 1;
        int64_t next = now + 100000;
        for (size_t i = 0; i != t->num_conns; ++i) {
            conn_t *c = &t->conns[i];
            int64_t d = deadline(c);
            if (d <= now)
                on_timer(t, c, now);
            d = deadline(c);
            if (d < next)
                next = d;
        }
        if (stopping) {
            int busy = 0;
            for (size_t i = 0; i != t->num_conns; ++i)
                busy |= t->conns[i].kind == GOOD && t->conns[i].fd >= 0 && t->conns[i].state == SENT;
            if (!busy)
                break; /* every answer in flight at the end has come back */
        }
        now = now_us();
        int64_t wait = next > now ? next - now : 0;
        struct timespec ts = {wait / 1000000, (wait % 1000000) * 1000};
        int n = epoll_pwait2(t->ep, events, 256, &ts, NULL);
        now = now_us();
        for (int i = 0; i < n; ++i) {
            conn_t *c = events[i].data.ptr;
            if (c->fd < 0)
                continue;
            if (c->state == CONNECTING) {
                if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                    on_connected(t, c, now);
                continue;
            }
            if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))
                on_readable(t, c, now);
        }
    }
    for (size_t i = 0; i != t->num_conns; ++i)
        conn_close(t, &t->conns[i]);
    return NULL;
}

static void
fmt_ms(char *out, size_t n, uint64_t us)
{
    snprintf(out, n, "%.2f ms", (double)us / 1000);
}

static long
rss_kib(int pid)
{
    if (pid <= 0)
        return -1;
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void
print_line(const char *label, double seconds, const stats_t *s, long rss)
{
    char p50[32], p99[32], max[32];
    fmt_ms(p50, sizeof(p50), percentile(s, 50));
    fmt_ms(p99, sizeof(p99), percentile(s, 99));
    fmt_ms(max, sizeof(max), s->max_us);
    printf("soak-%s t=%.0fs good=%llu rate=%.0f/s errors=%llu (status %llu, rpc %llu, closed %llu, connect %llu, timeout %llu) "
           "p50=%s p99=%s max=%s rss_kib=%ld",
           label, (double)(now_us() - start_us) / 1e6, (unsigned long long)s->ok, seconds > 0 ? (double)s->ok / seconds : 0,
           (unsigned long long)s->errors, (unsigned long long)s->err_status, (unsigned long long)s->err_rpc,
           (unsigned long long)s->err_closed, (unsigned long long)s->err_connect, (unsigned long long)s->err_timeout, p50, p99, max,
           rss);
    for (int k = HANGUP; k != NUM_KINDS; ++k)
        printf(" %s=%llu/%llu/%llu/%llu", kind_names[k], (unsigned long long)s->hostile_cycles[k],
               (unsigned long long)s->hostile_cut[k], (unsigned long long)s->hostile_done[k],
               (unsigned long long)s->hostile_503[k]);
    printf("\n");
    fflush(stdout);
}

static void
usage(void)
{
    fprintf(stderr, "usage: bench-soak --port P --rate R --seconds S [--pid PID] [--threads N] [--connections N] "
                    "[--report-s S] [--hangups N] [--early-hangups N] [--slow-readers N] [--slow-headers N] "
                    "[--slow-bodies N] [--ping-only 1]\n");
}

int
main(int argc, char **argv)
{
    double rate = 0, seconds = 0, report_s = 60;
    int pid = 0, threads = 2, connections = 64;
    int counts[NUM_KINDS] = {0, 4, 2, 4, 32, 32};
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            usage();
            return 2;
        }
        ++i;
        if (strcmp(a, "--port") == 0)
            port = atoi(v);
        else if (strcmp(a, "--rate") == 0)
            rate = atof(v);
        else if (strcmp(a, "--seconds") == 0)
            seconds = atof(v);
        else if (strcmp(a, "--pid") == 0)
            pid = atoi(v);
        else if (strcmp(a, "--threads") == 0)
            threads = atoi(v);
        else if (strcmp(a, "--connections") == 0)
            connections = atoi(v);
        else if (strcmp(a, "--report-s") == 0)
            report_s = atof(v);
        else if (strcmp(a, "--ping-only") == 0)
            ping_only = atoi(v);
        else {
            int k;
            for (k = HANGUP; k != NUM_KINDS; ++k)
                if (strncmp(a, "--", 2) == 0 && strcmp(a + 2, kind_names[k]) == 0)
                    break;
            if (k == NUM_KINDS) {
                usage();
                return 2;
            }
            counts[k] = atoi(v);
        }
    }
    if (port <= 0 || rate <= 0 || seconds <= 0 || threads < 1 || connections < threads || report_s <= 0) {
        usage();
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i != 4; ++i)
        requests[i] = make_request(BODIES[i], i == 2, &request_lens[i]);
    hangup_request = make_request(HANGUP_BODY, 0, &hangup_request_len);

    /* the server must be there: a run against nothing is not a soak */
    {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
            fprintf(stderr, "bench-soak: cannot connect to 127.0.0.1:%d: %s\n", port, strerror(errno));
            return 1;
        }
        close(fd);
    }

    thread_t *ts = calloc((size_t)threads, sizeof(*ts));
    start_us = now_us();
    end_us = start_us + (int64_t)(seconds * 1e6);
    for (int i = 0; i != threads; ++i) {
        thread_t *t = &ts[i];
        pthread_mutex_init(&t->lock, NULL);
        stats_init(&t->interval);
        stats_init(&t->total);
        t->ep = epoll_create1(EPOLL_CLOEXEC);
        t->rnd = 12345u + (unsigned)i;
        t->num_good = (size_t)(connections / threads + (i < connections % threads));
        t->rate = rate * (double)t->num_good / connections;
        size_t n = t->num_good;
        for (int k = HANGUP; k != NUM_KINDS; ++k)
            n += (size_t)(counts[k] / threads + (i < counts[k] % threads));
        t->conns = calloc(n, sizeof(conn_t));
        t->num_conns = n;
        size_t j = 0;
        double interval_us = (double)t->num_good * 1e6 / t->rate;
        for (; j != t->num_good; ++j)
            t->conns[j] = (conn_t){.kind = GOOD, .fd = -1, .phase = (int64_t)(interval_us * (double)j / (double)t->num_good)};
        for (int k = HANGUP; k != NUM_KINDS; ++k)
            for (int m = 0; m != counts[k] / threads + (i < counts[k] % threads); ++m)
                t->conns[j++] = (conn_t){.kind = (enum kind)k, .fd = -1, .next_at = start_us + rnd(t, 1000000)};
        for (j = 0; j != t->num_good; ++j)
            t->conns[j].next_at = start_us; /* open now; the schedule starts with the phase */
    }
    printf("soak-start rate=%.0f/s seconds=%.0f threads=%d connections=%d hangups=%d early-hangups=%d slow-readers=%d "
           "slow-headers=%d slow-bodies=%d rss_kib=%ld\n",
           rate, seconds, threads, connections, counts[HANGUP], counts[EARLY_HANGUP], counts[SLOW_READER], counts[SLOW_HEADERS],
           counts[SLOW_BODY], rss_kib(pid));
    printf("(hostile columns: connections opened/cut off by the server/answers read in full/503s)\n");
    fflush(stdout);
    for (int i = 0; i != threads; ++i)
        pthread_create(&ts[i].tid, NULL, thread_main, &ts[i]);

    stats_t interval, total;
    stats_init(&interval);
    stats_init(&total);
    int64_t last = start_us;
    int finished = 0;
    while (!finished) {
        int64_t next = last + (int64_t)(report_s * 1e6);
        if (next > end_us)
            next = end_us;
        while (now_us() < next)
            usleep(50000);
        if (next >= end_us) {
            for (int i = 0; i != threads; ++i)
                pthread_join(ts[i].tid, NULL);
            finished = 1;
        }
        int64_t now = now_us();
        stats_clear(&interval);
        for (int i = 0; i != threads; ++i) {
            pthread_mutex_lock(&ts[i].lock);
            stats_add(&interval, &ts[i].interval);
            stats_clear(&ts[i].interval);
            pthread_mutex_unlock(&ts[i].lock);
        }
        stats_add(&total, &interval);
        print_line("interval", (double)(now - last) / 1e6, &interval, rss_kib(pid));
        last = now;
    }
    print_line("total", seconds, &total, rss_kib(pid));
    for (int i = 0; i != 4; ++i)
        printf("soak-type %s=%llu errors=%llu\n", TYPE_NAMES[i], (unsigned long long)total.by_type[i],
               (unsigned long long)total.err_by_type[i]);
    for (int i = 0; i != 600; ++i)
        if (total.err_codes[i] != 0)
            printf("soak-status %d=%llu\n", i, (unsigned long long)total.err_codes[i]);
    return 0;
}
