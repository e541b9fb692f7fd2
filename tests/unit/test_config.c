/* Tests of configuration parsing: defaults, environment, flags, and a clear error for every bad value. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "test.h"

static int
parse(const char *const *args, mcp_config_t *c, char *err, size_t err_len)
{
    char *argv[32] = {"mcp-server"};
    int argc = 1;
    for (size_t i = 0; args != NULL && args[i] != NULL; ++i)
        argv[argc++] = (char *)args[i];
    return config_parse(c, argc, argv, err, err_len);
}

static void
test_defaults(void)
{
    mcp_config_t c;
    char err[256];
    CHECK(parse(NULL, &c, err, sizeof(err)) == CONFIG_OK);
    CHECK_STR(c.bind, "127.0.0.1");
    CHECK(c.port == 8080);
    CHECK_STR(c.path, "/mcp");
    CHECK(c.max_body_bytes == 1048576);
    CHECK(c.toolsets.len == 1 && strcmp(c.toolsets.items[0], "default") == 0);
    CHECK(c.allowed_hosts.len == 3);
    config_dispose(&c);
}

static void
test_env_and_flags(void)
{
    mcp_config_t c;
    char err[256];
    setenv("MCP_PORT", "9000", 1);
    setenv("MCP_TOOLSETS", "default, conformance", 1);
    const char *const args[] = {"--port=0", "--log-level", "debug", "--allowed-hosts", "*.example.com,api.test:443", NULL};
    CHECK(parse(args, &c, err, sizeof(err)) == CONFIG_OK);
    CHECK(c.port == 0);
    CHECK(c.toolsets.len == 2 && strcmp(c.toolsets.items[1], "conformance") == 0);
    CHECK(c.log_level == LOG_DEBUG);
    CHECK(c.allowed_hosts.len == 2);
    config_dispose(&c);
    unsetenv("MCP_PORT");
    unsetenv("MCP_TOOLSETS");
}

static void
test_bad_values(void)
{
    static const char *const cases[][3] = {
        {"--port", "65536", "--port"},        {"--port", "-1", "--port"},          {"--port", "80x", "--port"},
        {"--max-body-bytes", "0", "between"}, {"--log-level", "loud", "expected"}, {"--toolsets", "nope", "unknown tool set"},
        {"--allowed-hosts", "a/b", "invalid"}, {"--allowed-origins", "localhost", "invalid"},
        {"--allowed-origins", "http://x/y", "invalid"}, {"--workers", "0", "between"}, {"--path", "mcp", "must start"},
        {"--client-log-level", "x", "expected"},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        mcp_config_t c;
        char err[256] = "";
        const char *const args[] = {cases[i][0], cases[i][1], NULL};
        CHECK(parse(args, &c, err, sizeof(err)) == CONFIG_ERROR);
        if (strstr(err, cases[i][2]) == NULL)
            fprintf(stderr, "  case %s %s: message '%s'\n", cases[i][0], cases[i][1], err);
        CHECK(strstr(err, cases[i][2]) != NULL);
        config_dispose(&c);
    }
    mcp_config_t c;
    char err[256];
    const char *const unknown[] = {"--nope", NULL};
    CHECK(parse(unknown, &c, err, sizeof(err)) == CONFIG_ERROR && strstr(err, "unknown option") != NULL);
    config_dispose(&c);
    const char *const missing[] = {"--port", NULL};
    CHECK(parse(missing, &c, err, sizeof(err)) == CONFIG_ERROR && strstr(err, "needs a value") != NULL);
    config_dispose(&c);
    setenv("MCP_MAX_BODY_BYTES", "lots", 1);
    CHECK(parse(NULL, &c, err, sizeof(err)) == CONFIG_ERROR && strstr(err, "MCP_MAX_BODY_BYTES") != NULL);
    config_dispose(&c);
    unsetenv("MCP_MAX_BODY_BYTES");
}

/* --scopes-supported: scope tokens only (RFC 6749 3.3), for the protected resource metadata. */
static void
test_scopes_supported(void)
{
    mcp_config_t c;
    char err[256];
    const char *const good[] = {"--scopes-supported", "mcp:tools,mcp/admin", NULL};
    CHECK(parse(good, &c, err, sizeof(err)) == CONFIG_OK);
    CHECK(c.scopes_supported.len == 2 && strcmp(c.scopes_supported.items[1], "mcp/admin") == 0);
    config_dispose(&c);
    const char *const bad[] = {"--scopes-supported", "mcp tools", NULL};
    CHECK(parse(bad, &c, err, sizeof(err)) == CONFIG_ERROR);
    CHECK(strstr(err, "is not an OAuth scope") != NULL);
    config_dispose(&c);
    const char *const quote[] = {"--scopes-supported", "a\"b", NULL};
    CHECK(parse(quote, &c, err, sizeof(err)) == CONFIG_ERROR);
    config_dispose(&c);
}

int
main(void)
{
    RUN(test_defaults);
    RUN(test_env_and_flags);
    RUN(test_bad_values);
    RUN(test_scopes_supported);
    return TEST_REPORT("test_config");
}
