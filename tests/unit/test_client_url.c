/* Tests of client/url.c: accepted URLs and how they split, and refused ones. */
#include <string.h>

#include "mcpc_errors.h"
#include "test.h"
#include "http_url.h"

static const struct {
    const char *url;
    int tls;
    const char *host, *authority;
    unsigned port;
    const char *path;
} good[] = {
    {"http://127.0.0.1:8080/mcp", 0, "127.0.0.1", "127.0.0.1:8080", 8080, "/mcp"},
    {"https://example.com/mcp", 1, "example.com", "example.com", 443, "/mcp"},
    {"HTTPS://example.com:8443", 1, "example.com", "example.com:8443", 8443, "/"},
    {"http://example.com:80/a/b?x=1&y=%20#frag", 0, "example.com", "example.com", 80, "/a/b?x=1&y=%20"},
    {"http://[::1]:9000/mcp", 0, "::1", "[::1]:9000", 9000, "/mcp"},
    {"https://[2001:db8::1]/", 1, "2001:db8::1", "[2001:db8::1]", 443, "/"},
    {"http://localhost?q", 0, "localhost", "localhost", 80, "/?q"},
    {"https://abc.execute-api.eu-west-1.amazonaws.com/prod/mcp", 1, "abc.execute-api.eu-west-1.amazonaws.com",
     "abc.execute-api.eu-west-1.amazonaws.com", 443, "/prod/mcp"},
};

static const char *const bad[] = {
    "ftp://example.com/", "example.com/mcp",  "http://",          "http:///mcp",           "http://user:pw@host/", "http://host:0/",
    "http://host:65536/", "http://host:12a/", "http://host:/",    "http://[::1/",          "http://[zz]/",         "http://[::1]x/",
    "http://ho st/",      "http://host/a b",  "http://host/\x01", "http://h\xc3\xa9.com/", "http://host/{x}",
};

static void
test_good(void)
{
    for (size_t i = 0; i != sizeof(good) / sizeof(good[0]); ++i) {
        mcpc_url_t u;
        char err[256] = "";
        CHECK(mcpc_url_parse(good[i].url, &u, err, sizeof(err)) == 0);
        CHECK(u.tls == good[i].tls);
        CHECK_STR(u.host, good[i].host);
        CHECK_STR(u.authority, good[i].authority);
        CHECK(u.port == good[i].port);
        CHECK_STR(u.path, good[i].path);
        mcpc_url_dispose(&u);
    }
}

static void
test_bad(void)
{
    for (size_t i = 0; i != sizeof(bad) / sizeof(bad[0]); ++i) {
        mcpc_url_t u;
        char err[256] = "";
        int ret = mcpc_url_parse(bad[i], &u, err, sizeof(err));
        if (ret != MCPC_ERR_USAGE)
            fprintf(stderr, "  accepted: %s\n", bad[i]);
        CHECK(ret == MCPC_ERR_USAGE);
        CHECK(err[0] != '\0');
        /* the message never repeats the URL, which may hold a secret */
        CHECK(strstr(err, "pw") == NULL);
        mcpc_url_dispose(&u);
    }
}

static void
test_long_host(void)
{
    char url[400] = "http://";
    memset(url + 7, 'a', 300);
    mcpc_url_t u;
    char err[256];
    CHECK(mcpc_url_parse(url, &u, err, sizeof(err)) == MCPC_ERR_USAGE);
    mcpc_url_dispose(&u);
}

int
main(void)
{
    RUN(test_good);
    RUN(test_bad);
    RUN(test_long_host);
    return TEST_REPORT("test_client_url");
}
