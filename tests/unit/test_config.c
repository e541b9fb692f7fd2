/*
 * Tests of configuration parsing: each module's table (the core's, the HTTP and the Lambda front
 * doors'), parsed together as mcp-server does, with defaults, environment, flags, and a clear error for
 * every bad value; the request-state key only from the environment.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "http_config.h"
#include "lambda_config.h"
#include "test.h"

typedef struct st_all_t {
    mcp_config_t core;
    http_config_t http;
    lambda_config_t lambda;
} all_t;

static void
tables(all_t *a, settings_table_t out[3])
{
    out[0] = config_settings(&a->core);
    out[1] = http_config_settings(&a->http);
    out[2] = lambda_config_settings(&a->lambda);
}

static int
parse(const char *const *args, all_t *a, char *err, size_t err_len)
{
    char *argv[32] = {"mcp-server"};
    int argc = 1;
    for (size_t i = 0; args != NULL && args[i] != NULL; ++i)
        argv[argc++] = (char *)args[i];
    memset(a, 0, sizeof(*a));
    settings_table_t t[3];
    tables(a, t);
    return settings_parse(t, 3, argc, argv, NULL, NULL, "test", err, err_len);
}

static void
dispose(all_t *a)
{
    settings_table_t t[3];
    tables(a, t);
    settings_dispose(t, 3);
}

static void
test_defaults(void)
{
    all_t a;
    char err[256];
    CHECK(parse(NULL, &a, err, sizeof(err)) == SETTINGS_OK);
    CHECK_STR(a.http.bind, "127.0.0.1");
    CHECK(a.http.port == 8080);
    CHECK_STR(a.core.path, "/mcp");
    CHECK(a.core.max_body_bytes == 1048576);
    CHECK(a.core.toolsets.len == 1 && strcmp(a.core.toolsets.items[0], "default") == 0);
    CHECK(a.core.allowed_hosts.len == 3);
    CHECK_STR(a.lambda.response_mode, "buffered");
    CHECK_STR(a.lambda.pending_table, ""); /* may be empty: no table */
    CHECK_STR(a.core.public_url, "");
    CHECK(a.core.request_state_key.len == 0 && a.core.request_state_ttl_ms == 600000);
    dispose(&a);
}

static void
test_env_and_flags(void)
{
    all_t a;
    char err[256];
    setenv("MCP_PORT", "9000", 1);
    setenv("MCP_TOOLSETS", "default, conformance", 1);
    const char *const args[] = {"--port=0",        "--lambda-response-mode",     "streaming",
                                "--allowed-hosts", "*.example.com,api.test:443", NULL};
    CHECK(parse(args, &a, err, sizeof(err)) == SETTINGS_OK);
    CHECK(a.http.port == 0);
    CHECK(a.core.toolsets.len == 2 && strcmp(a.core.toolsets.items[1], "conformance") == 0);
    CHECK_STR(a.lambda.response_mode, "streaming");
    CHECK(a.core.allowed_hosts.len == 2);
    dispose(&a);
    unsetenv("MCP_PORT");
    unsetenv("MCP_TOOLSETS");
}

static void
test_bad_values(void)
{
    static const char *const cases[][3] = {
        {"--port", "65536", "--port"},
        {"--port", "-1", "--port"},
        {"--port", "80x", "--port"},
        {"--max-body-bytes", "0", "between"},
        {"--toolsets", "nope", "tool set"},
        {"--allowed-hosts", "a/b", "invalid"},
        {"--allowed-origins", "localhost", "invalid"},
        {"--allowed-origins", "http://x/y", "invalid"},
        {"--workers", "0", "between"},
        {"--path", "mcp", "starting with '/'"},
        {"--client-log-level", "x", "expected"},
        {"--bind", "localhost", "IPv4 or IPv6"},
        {"--lambda-response-mode", "chunked", "buffered or streaming"},
        {"--public-url", "ftp://x", "http(s) URL"},
        {"--authorization-servers", "https://a, nope", "invalid entry 'nope'"},
        {"--path", "", "must not be empty"},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        all_t a;
        char err[256] = "";
        const char *const args[] = {cases[i][0], cases[i][1], NULL};
        CHECK(parse(args, &a, err, sizeof(err)) == SETTINGS_ERROR);
        if (strstr(err, cases[i][2]) == NULL)
            fprintf(stderr, "  case %s %s: message '%s'\n", cases[i][0], cases[i][1], err);
        CHECK(strstr(err, cases[i][2]) != NULL);
        dispose(&a);
    }
    all_t a;
    char err[256];
    const char *const unknown[] = {"--nope", NULL};
    CHECK(parse(unknown, &a, err, sizeof(err)) == SETTINGS_ERROR && strstr(err, "unknown option") != NULL);
    dispose(&a);
    const char *const missing[] = {"--port", NULL};
    CHECK(parse(missing, &a, err, sizeof(err)) == SETTINGS_ERROR && strstr(err, "needs a value") != NULL);
    dispose(&a);
    setenv("MCP_MAX_BODY_BYTES", "lots", 1);
    CHECK(parse(NULL, &a, err, sizeof(err)) == SETTINGS_ERROR && strstr(err, "MCP_MAX_BODY_BYTES") != NULL);
    dispose(&a);
    unsetenv("MCP_MAX_BODY_BYTES");
}

/* The requestState key is a secret: a flag would show in ps and /proc/<pid>/cmdline, so there is none. */
static void
test_state_key_environment_only(void)
{
    all_t a;
    char err[256];
    const char *const flag[] = {"--request-state-key", "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", NULL};
    CHECK(parse(flag, &a, err, sizeof(err)) == SETTINGS_ERROR && strstr(err, "unknown option '--request-state-key'") != NULL);
    CHECK(strstr(err, "q83v") == NULL);
    dispose(&a);
    setenv("MCP_REQUEST_STATE_KEY", "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", 1);
    CHECK(parse(NULL, &a, err, sizeof(err)) == SETTINGS_OK && a.core.request_state_key.len == 32);
    dispose(&a);
    CHECK(a.core.request_state_key.len == 0 && a.core.request_state_key.bytes[0] == 0); /* wiped */
    unsetenv("MCP_REQUEST_STATE_KEY");
}

/* --scopes-supported: scope tokens only (RFC 6749 3.3), for the protected resource metadata. */
static void
test_scopes_supported(void)
{
    all_t a;
    char err[256];
    const char *const good[] = {"--scopes-supported", "mcp:tools,mcp/admin", NULL};
    CHECK(parse(good, &a, err, sizeof(err)) == SETTINGS_OK);
    CHECK(a.core.scopes_supported.len == 2 && strcmp(a.core.scopes_supported.items[1], "mcp/admin") == 0);
    dispose(&a);
    const char *const bad[] = {"--scopes-supported", "mcp tools", NULL};
    CHECK(parse(bad, &a, err, sizeof(err)) == SETTINGS_ERROR);
    CHECK(strstr(err, "an OAuth scope") != NULL);
    dispose(&a);
    const char *const quote[] = {"--scopes-supported", "a\"b", NULL};
    CHECK(parse(quote, &a, err, sizeof(err)) == SETTINGS_ERROR);
    dispose(&a);
}

int
main(void)
{
    RUN(test_defaults);
    RUN(test_env_and_flags);
    RUN(test_bad_values);
    RUN(test_state_key_environment_only);
    RUN(test_scopes_supported);
    return TEST_REPORT("test_config");
}
