/* Tests of client/cli.c: options before and after the command, "--", the environment, and refusals. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "mcpc_errors.h"
#include "test.h"

/* A NULL-terminated argv with the program name first. */
#define ARGV(...) ((char *[]){"mcp-client", __VA_ARGS__, NULL})

/* Parses argv (counting its arguments); returns the status, with the options in *o (disposed by the caller). */
static int
parse(char **argv, mcpc_options_t *o)
{
    int argc = 0;
    while (argv[argc] != NULL)
        ++argc;
    char err[512] = "";
    int ret = mcpc_cli_parse(argc, argv, o, err, sizeof(err));
    CHECK(ret == 0 || err[0] != '\0');
    return ret;
}

static void
test_options_anywhere(void)
{
    unsetenv("MCP_SERVER_ENDPOINT");
    unsetenv("MCP_AUTH_TOKEN");
    mcpc_options_t o;
    CHECK(parse(ARGV("--url", "http://h/mcp", "call", "get_weather", "--json", "city=Paris", "-H", "X-A: 1", "--timeout=2.5",
                     "units=metric", "--header=X-B: 2", "-v"),
                &o) == 0);
    CHECK_STR(o.url, "http://h/mcp");
    CHECK(o.command != NULL && strcmp(o.command->name, "call") == 0);
    CHECK(o.num_words == 3);
    CHECK_STR(o.words[0], "get_weather");
    CHECK_STR(o.words[1], "city=Paris");
    CHECK_STR(o.words[2], "units=metric");
    CHECK(o.json == 1 && o.verbose == 1);
    CHECK(o.timeout_ms == 2500);
    CHECK(o.num_headers == 2);
    CHECK_STR(o.headers[0], "X-A: 1");
    CHECK_STR(o.headers[1], "X-B: 2");
    CHECK(o.token == NULL);
    mcpc_cli_dispose(&o);
}

static void
test_double_dash(void)
{
    mcpc_options_t o;
    CHECK(parse(ARGV("--url", "http://h/mcp", "complete", "--", "prompt", "p", "arg", "-x"), &o) == 0);
    CHECK(o.num_words == 4);
    CHECK_STR(o.words[3], "-x");
    mcpc_cli_dispose(&o);
}

static void
test_environment(void)
{
    setenv("MCP_SERVER_ENDPOINT", "https://env/mcp", 1);
    setenv("MCP_AUTH_TOKEN", "from-env", 1);
    mcpc_options_t o;
    CHECK(parse(ARGV("ping"), &o) == 0);
    CHECK_STR(o.url, "https://env/mcp");
    CHECK_STR(o.token, "from-env");
    CHECK(o.timeout_ms == MCPC_DEFAULT_TIMEOUT_MS);
    mcpc_cli_dispose(&o);
    /* options win over the environment */
    CHECK(parse(ARGV("--url", "http://opt/mcp", "--token", "from-option", "ping"), &o) == 0);
    CHECK_STR(o.url, "http://opt/mcp");
    CHECK_STR(o.token, "from-option");
    mcpc_cli_dispose(&o);
    /* an empty variable counts as unset */
    setenv("MCP_AUTH_TOKEN", "", 1);
    CHECK(parse(ARGV("ping"), &o) == 0);
    CHECK(o.token == NULL);
    mcpc_cli_dispose(&o);
    unsetenv("MCP_SERVER_ENDPOINT");
    unsetenv("MCP_AUTH_TOKEN");
}

static void
test_help_needs_nothing_else(void)
{
    mcpc_options_t o;
    CHECK(parse(ARGV("--help"), &o) == 0 && o.help);
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--version"), &o) == 0 && o.version);
    mcpc_cli_dispose(&o);
}

static void
test_args_option(void)
{
    mcpc_options_t o;
    CHECK(parse(ARGV("--url", "http://h/mcp", "--args", "{\"a\":1}", "call", "t"), &o) == 0);
    CHECK_STR(o.args_json, "{\"a\":1}");
    mcpc_cli_dispose(&o);
}

static void
test_protocol_options(void)
{
    mcpc_options_t o;
    CHECK(parse(ARGV("--url", "http://h/mcp", "--protocol-version", "2026-07-28", "--log-level", "warning", "--elicit",
                     "{\"name\":\"Ada\"}", "call", "t"),
                &o) == 0);
    CHECK_STR(o.protocol_version, "2026-07-28");
    CHECK_STR(o.log_level, "warning");
    CHECK_STR(o.elicit, "{\"name\":\"Ada\"}");
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "http://h/mcp", "--protocol-version", "2025-03-26", "--elicit", "cancel", "--log-level=emergency",
                     "ping"),
                &o) == 0);
    CHECK_STR(o.elicit, "cancel");
    CHECK_STR(o.log_level, "emergency");
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "http://h/mcp", "ping"), &o) == 0);
    CHECK(o.protocol_version == NULL && o.log_level == NULL && o.elicit == NULL);
    mcpc_cli_dispose(&o);
}

static void
test_refusals(void)
{
    char **const cases[] = {
        ARGV("--url", "http://h/mcp"),                                             /* no command */
        ARGV("ping"),                                                              /* no endpoint */
        ARGV("--url", "http://h/mcp", "frobnicate"),                               /* unknown command */
        ARGV("--url", "http://h/mcp", "read"),                                     /* too few arguments */
        ARGV("--url", "http://h/mcp", "ping", "extra"),                            /* too many */
        ARGV("--url", "http://h/mcp", "--bogus", "ping"),                          /* unknown option */
        ARGV("ping", "--url"),                                                     /* an option without its value */
        ARGV("--url", "http://h/mcp", "--json=1", "ping"),                         /* a flag with a value */
        ARGV("--url", "http://h/mcp", "--timeout", "0", "ping"),                   /* timeout out of range */
        ARGV("--url", "http://h/mcp", "--timeout", "1s", "ping"),                  /* not a number */
        ARGV("--url", "http://h/mcp", "--protocol-version", "2024-11-05", "init"), /* a revision we do not speak */
        ARGV("--url", "http://h/mcp", "--args", "{}", "ping"),                     /* --args is for call */
        ARGV("--url", "http://h/mcp", "--args", "{}", "call", "t", "a=1"),         /* --args and key=value */
        ARGV("--url", "http://h/mcp", "--args", "[1]", "call", "t"),               /* --args not an object */
        ARGV("--url", "http://h/mcp", "--log-level", "verbose", "ping"),           /* not a log level */
        ARGV("--url", "http://h/mcp", "--log-level", "INFO", "ping"),              /* levels are lower case */
        ARGV("--url", "http://h/mcp", "--elicit", "accept", "ping"),               /* neither an action nor an object */
        ARGV("--url", "http://h/mcp", "--elicit", "[1]", "ping"),                  /* content must be an object */
        ARGV("--url", "http://h/mcp", "--protocol-version", "2026-07-29", "ping"), /* not a revision */
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        mcpc_options_t o;
        int ret = parse(cases[i], &o);
        if (ret != MCPC_ERR_USAGE)
            fprintf(stderr, "  case %zu was accepted\n", i);
        CHECK(ret == MCPC_ERR_USAGE);
        mcpc_cli_dispose(&o);
    }
}

/* --oauth-client-credentials: the credentials come from the environment only, and exclude --token. */
static void
test_oauth_client_credentials(void)
{
    mcpc_options_t o;
    unsetenv("MCP_OAUTH_CLIENT_ID");
    unsetenv("MCP_OAUTH_CLIENT_SECRET");
    unsetenv("MCP_OAUTH_ISSUER");
    CHECK(parse(ARGV("--url", "http://h/mcp", "--oauth-client-credentials", "ping"), &o) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    setenv("MCP_OAUTH_CLIENT_ID", "svc", 1);
    CHECK(parse(ARGV("--url", "http://h/mcp", "--oauth-client-credentials", "ping"), &o) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    setenv("MCP_OAUTH_CLIENT_SECRET", "s3cret", 1);
    setenv("MCP_AUTH_TOKEN", "ignored-with-the-option", 1);
    CHECK(parse(ARGV("--url", "http://h/mcp", "--oauth-client-credentials", "ping"), &o) == 0);
    CHECK(o.oauth_client_credentials == 1 && o.token == NULL && o.oauth_issuer == NULL);
    CHECK_STR(o.oauth_client_id, "svc");
    CHECK_STR(o.oauth_client_secret, "s3cret");
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "http://h/mcp", "--oauth-client-credentials", "--token", "t", "ping"), &o) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    setenv("MCP_OAUTH_ISSUER", "http://id.example.com", 1);
    CHECK(parse(ARGV("--url", "http://h/mcp", "--oauth-client-credentials", "ping"), &o) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    setenv("MCP_OAUTH_ISSUER", "https://id.example.com", 1);
    CHECK(parse(ARGV("--url", "http://h/mcp", "--oauth-client-credentials", "ping"), &o) == 0);
    CHECK_STR(o.oauth_issuer, "https://id.example.com");
    mcpc_cli_dispose(&o);
    /* without the option, the variables mean nothing */
    CHECK(parse(ARGV("--url", "http://h/mcp", "ping"), &o) == 0);
    CHECK(o.oauth_client_id == NULL && o.oauth_client_credentials == 0);
    CHECK_STR(o.token, "ignored-with-the-option");
    mcpc_cli_dispose(&o);
    unsetenv("MCP_OAUTH_CLIENT_ID");
    unsetenv("MCP_OAUTH_CLIENT_SECRET");
    unsetenv("MCP_OAUTH_ISSUER");
    unsetenv("MCP_AUTH_TOKEN");
}

int
main(void)
{
    RUN(test_options_anywhere);
    RUN(test_double_dash);
    RUN(test_environment);
    RUN(test_help_needs_nothing_else);
    RUN(test_args_option);
    RUN(test_protocol_options);
    RUN(test_refusals);
    RUN(test_oauth_client_credentials);
    return TEST_REPORT("test_client_cli");
}
