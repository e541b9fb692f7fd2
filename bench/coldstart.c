/*
 * coldstart.c: how long a server takes from exec to its first answered MCP initialize.
 *
 *     bench-coldstart [--runs N] [--timeout-ms MS] [--label NAME] [--server-stderr FILE] [--verbose] -- CMD ARG...
 *
 * Every ARG equal to or containing "{port}" gets a port that was free a moment before the run (a fresh one per run, so
 * that no run waits for the previous server's socket to go away). Each run forks, notes CLOCK_MONOTONIC in the child
 * just before execvp, and then keeps connecting to 127.0.0.1:PORT and POSTing an initialize request until a 200
 * response carrying a JSON-RPC "result" has arrived in full; the time between the two is the run's cold start. The
 * server then gets SIGTERM and is waited for. The result is one line of JSON on stdout:
 *
 *     {"label":"...","runs":20,"ok":20,"median_us":..,"min_us":..,"max_us":..,"mean_us":..,"unclean_exits":0,
 *      "samples_us":[..sorted..]}
 *
 * Retries are a few tens of microseconds apart so that the figure is the server's start-up time, not our polling
 * interval; the retry loop takes one of the two cores while it spins, which is the same for every server measured.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RETRY_SLEEP_NS 20000 /* between connection attempts */
#define MAX_RESPONSE 65536

static const char INITIALIZE_BODY[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                                      "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";

static int verbose;

static int64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Asks the kernel for a port that is free right now. Another process could take it before the server binds it, but on
 * a bench machine that is rare, and the run then fails loudly instead of measuring the wrong thing. */
static int
pick_free_port(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

    if (fd == -1)
        return -1;
    if (bind(fd, (struct sockaddr *)&addr, len) == 0 && getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

/* Returns a copy of s with every "{port}" replaced by port (allocated; the caller frees it). */
static char *
substitute_port(const char *s, int port)
{
    char portstr[8], *out, *p;
    size_t n = 0;
    const char *q;

    snprintf(portstr, sizeof(portstr), "%d", port);
    for (q = s; (q = strstr(q, "{port}")) != NULL; q += 6)
        ++n;
    if ((out = malloc(strlen(s) + n * strlen(portstr) + 1)) == NULL)
        abort();
    for (p = out; *s != '\0';) {
        if (strncmp(s, "{port}", 6) == 0) {
            p = stpcpy(p, portstr);
            s += 6;
        } else {
            *p++ = *s++;
        }
    }
    *p = '\0';
    return out;
}

static const char *
find_header(const char *headers, size_t len, const char *name)
{
    size_t name_len = strlen(name);

    for (const char *p = headers; p < headers + len;) {
        const char *eol = memmem(p, headers + len - p, "\r\n", 2);
        if (eol == NULL)
            break;
        if ((size_t)(eol - p) > name_len && strncasecmp(p, name, name_len) == 0 && p[name_len] == ':') {
            p += name_len + 1;
            while (*p == ' ' || *p == '\t')
                ++p;
            return p;
        }
        p = eol + 2;
    }
    return NULL;
}

/* Whether a chunked body starting at body is complete (its last, zero-sized chunk and the final CRLF are in). */
static int
chunked_complete(const char *body, size_t len)
{
    size_t pos = 0;

    for (;;) {
        const char *eol = memmem(body + pos, len - pos, "\r\n", 2);
        char *end;
        unsigned long size;
        if (eol == NULL)
            return 0;
        size = strtoul(body + pos, &end, 16);
        if (end == body + pos)
            return -1;
        pos = eol + 2 - body;
        /* The last chunk: done at the empty line that follows it, or that ends its trailers. Backing up over the CRLF
         * of the size line finds the first case as CRLF CRLF too. */
        if (size == 0)
            return memmem(body + pos - 2, len - pos + 2, "\r\n\r\n", 4) != NULL;
        if (len - pos < size + 2)
            return 0;
        pos += size + 2;
    }
}

/*
 * One attempt: connect, POST initialize, read the whole response. Returns 1 when the response was a 200 with a JSON-RPC
 * result, 0 when the server is not ready yet (refused, reset, other status), -1 when the attempt timed out. why holds
 * what went wrong, for the message printed when a run gives up.
 */
static int
try_initialize(int port, int64_t deadline_ns, char *why, size_t why_size)
{
    static char buf[MAX_RESPONSE + 1];
    char request[1024];
    size_t request_len;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    size_t got = 0, header_len = 0, body_need = SIZE_MAX;
    int fd, on = 1, status = 0, chunked = 0, ret = 0;

    request_len = (size_t)snprintf(request, sizeof(request),
                                   "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                                   "Accept: application/json, text/event-stream\r\nContent-Length: %zu\r\n"
                                   "Connection: close\r\n\r\n%s",
                                   port, sizeof(INITIALIZE_BODY) - 1, INITIALIZE_BODY);

    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
        snprintf(why, why_size, "socket: %s", strerror(errno));
        return 0;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    /* Connecting to a loopback port nobody listens on fails at once with ECONNREFUSED, so a blocking connect is fine. */
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        snprintf(why, why_size, "connect: %s", strerror(errno));
        goto Exit;
    }
    if (write(fd, request, request_len) != (ssize_t)request_len) {
        snprintf(why, why_size, "write: %s", strerror(errno));
        goto Exit;
    }

    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int64_t left_ms = (deadline_ns - now_ns()) / 1000000;
        ssize_t n;
        int ready = left_ms <= 0 ? 0 : poll(&pfd, 1, (int)left_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            snprintf(why, why_size, ready == 0 ? "timed out waiting for the response" : "poll: %s", strerror(errno));
            ret = -1;
            goto Exit;
        }
        if ((n = read(fd, buf + got, MAX_RESPONSE - got)) < 0) {
            if (errno == EINTR)
                continue;
            snprintf(why, why_size, "read: %s", strerror(errno));
            goto Exit;
        }
        got += n;
        buf[got] = '\0';
        if (header_len == 0) {
            const char *end = memmem(buf, got, "\r\n\r\n", 4), *v;
            if (end != NULL) {
                header_len = end + 4 - buf;
                if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) {
                    snprintf(why, why_size, "not an HTTP response");
                    goto Exit;
                }
                if ((v = find_header(buf, header_len, "content-length")) != NULL)
                    body_need = strtoul(v, NULL, 10);
                else if ((v = find_header(buf, header_len, "transfer-encoding")) != NULL && strncasecmp(v, "chunked", 7) == 0)
                    chunked = 1;
            }
        }
        if (header_len != 0) {
            /* Without a length or chunking the body ends when the server closes (we asked for Connection: close). */
            int complete = n == 0 || (chunked ? chunked_complete(buf + header_len, got - header_len) != 0
                                              : body_need != SIZE_MAX && got - header_len >= body_need);
            if (complete)
                break;
        }
        if (n == 0 || got == MAX_RESPONSE) {
            snprintf(why, why_size, n == 0 ? "connection closed before the response was complete" : "response too large");
            goto Exit;
        }
    }

    if (status != 200) {
        snprintf(why, why_size, "status %d", status);
    } else if (strstr(buf + header_len, "\"result\"") == NULL) {
        snprintf(why, why_size, "200 without a JSON-RPC result: %.200s", buf + header_len);
    } else {
        ret = 1;
    }

Exit:
    close(fd);
    return ret;
}

/* SIGTERM, then up to 5 s for a clean exit (in-flight requests finish first), then SIGKILL. Returns the wait status. */
static int
stop_server(pid_t pid)
{
    int64_t deadline = now_ns() + 5000000000LL;
    int wstatus;

    kill(pid, SIGTERM);
    while (waitpid(pid, &wstatus, WNOHANG) == 0) {
        if (now_ns() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &wstatus, 0);
            fprintf(stderr, "coldstart: server %d did not exit within 5 s of SIGTERM; killed\n", (int)pid);
            return wstatus;
        }
        usleep(1000);
    }
    return wstatus;
}

static int
cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void
usage(FILE *fp)
{
    fprintf(fp, "usage: bench-coldstart [--runs N] [--timeout-ms MS] [--label NAME] [--server-stderr FILE] [--verbose] -- CMD "
                "ARG...\n"
                "  every \"{port}\" in ARG is replaced by a free port; the server must listen on 127.0.0.1 there\n");
}

int
main(int argc, char **argv)
{
    const char *label = "", *server_stderr = "/dev/null";
    long runs = 20, timeout_ms = 10000;
    int cmd_at = -1, uses_port = 0, unclean = 0;
    volatile int64_t *exec_at;
    int64_t *samples, sum = 0;
    long ok = 0;

    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--") == 0) {
            cmd_at = i + 1;
            break;
        } else if (strcmp(argv[i], "--verbose") == 0) {
            verbose = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (i + 1 < argc && strcmp(argv[i], "--runs") == 0) {
            runs = strtol(argv[++i], NULL, 10);
        } else if (i + 1 < argc && strcmp(argv[i], "--timeout-ms") == 0) {
            timeout_ms = strtol(argv[++i], NULL, 10);
        } else if (i + 1 < argc && strcmp(argv[i], "--label") == 0) {
            label = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--server-stderr") == 0) {
            server_stderr = argv[++i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (cmd_at < 0 || cmd_at >= argc || runs < 1 || timeout_ms < 1) {
        usage(stderr);
        return 2;
    }
    for (int i = cmd_at; i < argc; ++i)
        uses_port |= strstr(argv[i], "{port}") != NULL;
    if (!uses_port) {
        fprintf(stderr, "coldstart: the command must contain {port}, so that we know where to connect\n");
        return 2;
    }
    /* A label ends up inside a JSON string; keep it to characters that need no escaping. */
    for (const char *p = label; *p != '\0'; ++p) {
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) {
            fprintf(stderr, "coldstart: --label must not contain quotes, backslashes or control characters\n");
            return 2;
        }
    }

    signal(SIGPIPE, SIG_IGN);
    /* The child stores the time it is about to exec in a page shared with us, so that fork's cost is not counted. */
    exec_at = mmap(NULL, sizeof(*exec_at), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (exec_at == MAP_FAILED || (samples = calloc(runs, sizeof(*samples))) == NULL) {
        perror("coldstart");
        return 1;
    }

    for (long run = 0; run < runs; ++run) {
        int port = pick_free_port(), wstatus, answered = 0, attempts = 0;
        char **child_argv = calloc(argc - cmd_at + 1, sizeof(char *)), why[300] = "no attempt made";
        int64_t deadline, done_at = 0;
        pid_t pid;

        if (port < 0 || child_argv == NULL) {
            perror("coldstart: picking a port");
            return 1;
        }
        for (int i = cmd_at; i < argc; ++i)
            child_argv[i - cmd_at] = substitute_port(argv[i], port);
        *exec_at = 0;

        if ((pid = fork()) == -1) {
            perror("coldstart: fork");
            return 1;
        }
        if (pid == 0) {
            int devnull = open("/dev/null", O_RDWR), errfd = open(server_stderr, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (devnull != -1) {
                dup2(devnull, 0);
                dup2(devnull, 1);
            }
            if (errfd != -1)
                dup2(errfd, 2);
            *exec_at = now_ns();
            execvp(child_argv[0], child_argv);
            fprintf(stderr, "coldstart: exec %s: %s\n", child_argv[0], strerror(errno));
            _exit(127);
        }

        deadline = now_ns() + timeout_ms * 1000000LL;
        while (!answered) {
            int r;
            ++attempts;
            if ((r = try_initialize(port, deadline, why, sizeof(why))) == 1) {
                done_at = now_ns();
                answered = 1;
                break;
            }
            if (r < 0 || now_ns() > deadline)
                break;
            if (waitpid(pid, &wstatus, WNOHANG) == pid) {
                fprintf(stderr, "coldstart: run %ld: the server exited (status 0x%x) before answering: %s\n", run + 1, wstatus,
                        why);
                return 1;
            }
            struct timespec pause = {0, RETRY_SLEEP_NS};
            nanosleep(&pause, NULL);
        }
        if (!answered) {
            fprintf(stderr, "coldstart: run %ld: no successful initialize within %ld ms (%d attempts): %s\n", run + 1, timeout_ms,
                    attempts, why);
            stop_server(pid);
            return 1;
        }

        samples[ok] = (done_at - *exec_at) / 1000;
        sum += samples[ok];
        if (verbose)
            fprintf(stderr, "coldstart: run %ld: %lld us, %d attempts\n", run + 1, (long long)samples[ok], attempts);
        ++ok;

        wstatus = stop_server(pid);
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
            ++unclean;
            fprintf(stderr, "coldstart: run %ld: the server did not exit 0 on SIGTERM (status 0x%x)\n", run + 1, wstatus);
        }
        for (int i = 0; child_argv[i] != NULL; ++i)
            free(child_argv[i]);
        free(child_argv);
    }

    qsort(samples, ok, sizeof(*samples), cmp_int64);
    printf("{\"label\":\"%s\",\"runs\":%ld,\"ok\":%ld,\"median_us\":%lld,\"min_us\":%lld,\"max_us\":%lld,\"mean_us\":%lld,"
           "\"unclean_exits\":%d,\"samples_us\":[",
           label, runs, ok, (long long)(ok % 2 ? samples[ok / 2] : (samples[ok / 2 - 1] + samples[ok / 2]) / 2),
           (long long)samples[0], (long long)samples[ok - 1], (long long)(sum / ok), unclean);
    /* Every sample too, so that a caller running several servers in alternating batches can take one median. */
    for (long i = 0; i < ok; ++i)
        printf("%s%lld", i == 0 ? "" : ",", (long long)samples[i]);
    printf("]}\n");
    return 0;
}
