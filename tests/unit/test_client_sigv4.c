/*
 * Tests of client/sigv4.c and of the command-line options of signing, the proxy and admin: the service and region a
 * host implies, the refusals of mcpc_sigv4_new(), which header fields the signer covers, and the option checks.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "mcpc_errors.h"
#include "sigv4.h"
#include "test.h"

#define ARGV(...) ((char *[]){"mcp-client", __VA_ARGS__, NULL})

static void
check_infer(const char *host, const char *service, const char *region)
{
    char s[64], r[64];
    mcpc_sigv4_infer(host, s, sizeof(s), r, sizeof(r));
    CHECK_STR(s, service);
    CHECK_STR(r, region);
}

static void
test_infer(void)
{
    check_infer("abcdefgh12345.lambda-url.eu-west-1.on.aws", "lambda", "eu-west-1");
    check_infer("ABCDEFGH12345.LAMBDA-URL.us-east-2.on.aws", "lambda", "us-east-2");
    check_infer("a1b2c3.execute-api.ap-southeast-2.amazonaws.com", "execute-api", "ap-southeast-2");
    check_infer("bedrock-agentcore.us-west-2.amazonaws.com", "bedrock-agentcore", "us-west-2");
    check_infer("gw-1234.gateway.bedrock-agentcore.eu-central-1.amazonaws.com", "bedrock-agentcore", "eu-central-1");
    check_infer("lambda.us-east-1.api.aws", "lambda", "us-east-1");
    check_infer("mcp.example.com", "", "");
    check_infer("127.0.0.1", "", "");
    check_infer("lambda-url.on.aws", "", "");
    check_infer("x.lambda-url..on.aws", "", "");
    check_infer("x.execute-api.US_EAST.amazonaws.com", "", "");
}

/* Sets up signing for url with the environment's credentials; returns the status and the reason. */
static int
setup(const char *url, const char *service, const char *region, mcpc_sigv4_t **s, char *err, size_t err_len)
{
    mcpc_sigv4_config_t c = {.url = url, .service = service, .region = region, .timeout_ms = 1000};
    err[0] = '\0';
    return mcpc_sigv4_new(&c, s, err, err_len);
}

static void
test_new(void)
{
    setenv("HOME", "/nonexistent", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    setenv("AWS_ACCESS_KEY_ID", "AKIDUNIT", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "unit-secret", 1);
    unsetenv("AWS_SESSION_TOKEN");
    mcpc_sigv4_t *s = NULL;
    char err[1024], what[256];
    CHECK(setup("https://abc.lambda-url.eu-west-1.on.aws/mcp", NULL, NULL, &s, err, sizeof(err)) == 0);
    mcpc_sigv4_describe(s, what, sizeof(what));
    CHECK_STR(what, "service lambda, region eu-west-1, credentials from environment");
    mcpc_sigv4_free(s);
    /* what is given wins over the host */
    CHECK(setup("https://abc.lambda-url.eu-west-1.on.aws/mcp", "execute-api", "us-east-1", &s, err, sizeof(err)) == 0);
    mcpc_sigv4_describe(s, what, sizeof(what));
    CHECK_STR(what, "service execute-api, region us-east-1, credentials from environment");
    mcpc_sigv4_free(s);
    /* plain http only to this machine */
    CHECK(setup("http://abc.lambda-url.eu-west-1.on.aws/mcp", NULL, NULL, &s, err, sizeof(err)) == MCPC_ERR_USAGE);
    CHECK(strstr(err, "needs https") != NULL);
    CHECK(setup("http://[::1]:8080/mcp", "lambda", "eu-west-1", &s, err, sizeof(err)) == 0);
    mcpc_sigv4_free(s);
    CHECK(setup("http://localhost:8080/mcp", "lambda", "eu-west-1", &s, err, sizeof(err)) == 0);
    mcpc_sigv4_free(s);
    /* no service, no region */
    CHECK(setup("https://mcp.example.com/mcp", NULL, "eu-west-1", &s, err, sizeof(err)) == MCPC_ERR_USAGE);
    CHECK(strstr(err, "give --aws-service") != NULL);
    CHECK(setup("https://mcp.example.com/mcp", "lambda", NULL, &s, err, sizeof(err)) == MCPC_ERR_USAGE);
    CHECK(strstr(err, "no AWS region") != NULL);
    setenv("AWS_REGION", "sa-east-1", 1);
    CHECK(setup("https://mcp.example.com/mcp", "lambda", NULL, &s, err, sizeof(err)) == 0);
    mcpc_sigv4_describe(s, what, sizeof(what));
    CHECK(strstr(what, "region sa-east-1") != NULL);
    mcpc_sigv4_free(s);
    /* no credentials */
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    CHECK(setup("https://abc.lambda-url.eu-west-1.on.aws/mcp", NULL, NULL, &s, err, sizeof(err)) == MCPC_ERR_CREDENTIALS);
    CHECK(strstr(err, "no usable AWS credentials") != NULL);
    unsetenv("AWS_REGION");
}

static void
test_signed_headers(void)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDUNIT", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "unit-secret", 1);
    setenv("AWS_SESSION_TOKEN", "unit-token", 1);
    mcpc_sigv4_t *s = NULL;
    char err[512];
    CHECK(setup("https://abc.lambda-url.eu-west-1.on.aws/mcp", NULL, NULL, &s, err, sizeof(err)) == 0);
    if (s == NULL)
        return;
    const mcpc_http_signer_t *signer = mcpc_sigv4_signer(s);
    mcpc_http_header_t headers[] = {
        {"Accept", 6, "application/json, text/event-stream", 35},
        {"Content-Type", 12, "application/json", 16},
        {"MCP-Protocol-Version", 20, "2026-07-28", 10},
        {"Mcp-Method", 10, "tools/call", 10},
        {"User-Agent", 10, "someone", 7},
        {"X-Amzn-Trace-Id", 15, "Root=1-2-3", 10},
    };
    mcpc_http_header_t added[MCPC_HTTP_MAX_SIGNED];
    size_t n = 0;
    CHECK(signer->sign(signer->data, "POST", "abc.lambda-url.eu-west-1.on.aws", "/mcp?x=1", headers, 6, "{}", 2, added, &n, err,
                       sizeof(err)) == 0);
    CHECK(n == 3);
    const char *auth = NULL, *token = NULL, *date = NULL;
    for (size_t i = 0; i != n; ++i) {
        if (strcmp(added[i].name, "Authorization") == 0)
            auth = added[i].value;
        else if (strcmp(added[i].name, "X-Amz-Security-Token") == 0)
            token = added[i].value;
        else if (strcmp(added[i].name, "X-Amz-Date") == 0)
            date = added[i].value;
    }
    CHECK(date != NULL && strlen(date) == 16);
    CHECK_STR(token, "unit-token");
    /* every MCP header and Host; not User-Agent or X-Amzn-Trace-Id, which a hop may change */
    CHECK(auth != NULL && strstr(auth, "SignedHeaders=accept;content-type;host;mcp-method;mcp-protocol-version;x-amz-date;"
                                       "x-amz-security-token, ") != NULL);
    CHECK(auth != NULL && strstr(auth, "Credential=AKIDUNIT/") != NULL && strstr(auth, "/eu-west-1/lambda/aws4_request") != NULL);
    for (size_t i = 0; i != n; ++i)
        free((char *)added[i].value);
    mcpc_sigv4_free(s);
    unsetenv("AWS_SESSION_TOKEN");
}

static int
parse(char **argv, mcpc_options_t *o, char *err, size_t err_len)
{
    int argc = 0;
    while (argv[argc] != NULL)
        ++argc;
    err[0] = '\0';
    return mcpc_cli_parse(argc, argv, o, err, err_len);
}

static void
test_options(void)
{
    unsetenv("MCP_SERVER_ENDPOINT");
    unsetenv("MCP_ADMIN_ENDPOINT");
    setenv("MCP_AUTH_TOKEN", "env-token", 1);
    mcpc_options_t o;
    char err[512];
    /* with --aws-sigv4 a token from the environment is left alone; one given as an option is refused */
    CHECK(parse(ARGV("--url", "https://h/mcp", "--aws-sigv4", "--aws-region", "eu-west-1", "ping"), &o, err, sizeof(err)) == 0);
    CHECK(o.aws_sigv4 && o.token == NULL);
    CHECK_STR(o.aws_region, "eu-west-1");
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "https://h/mcp", "--aws-sigv4", "--token", "t", "ping"), &o, err, sizeof(err)) == MCPC_ERR_USAGE);
    CHECK(strstr(err, "cannot be sent too") != NULL);
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "https://h/mcp", "--aws-profile", "dev", "ping"), &o, err, sizeof(err)) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    unsetenv("MCP_AUTH_TOKEN");
    /* proxy options */
    CHECK(parse(ARGV("--url", "https://h/mcp", "proxy", "--read-only", "--tool-timeout", "12"), &o, err, sizeof(err)) == 0);
    CHECK(o.read_only && o.tool_timeout_ms == 12000 && o.command->standalone);
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "https://h/mcp", "proxy"), &o, err, sizeof(err)) == 0);
    CHECK(o.tool_timeout_ms == MCPC_DEFAULT_TOOL_TIMEOUT_MS);
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "https://h/mcp", "--read-only", "ping"), &o, err, sizeof(err)) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "https://h/mcp", "proxy", "--tool-timeout", "0"), &o, err, sizeof(err)) == MCPC_ERR_USAGE);
    CHECK(strstr(err, "--tool-timeout must be") != NULL);
    mcpc_cli_dispose(&o);
    /* admin: its own endpoint, always signed */
    CHECK(parse(ARGV("admin", "list"), &o, err, sizeof(err)) == MCPC_ERR_USAGE);
    CHECK(strstr(err, "MCP_ADMIN_ENDPOINT") != NULL);
    mcpc_cli_dispose(&o);
    setenv("MCP_ADMIN_ENDPOINT", "https://x.lambda-url.eu-west-1.on.aws/", 1);
    CHECK(parse(ARGV("admin", "show", "lookup", "--kind", "prompt"), &o, err, sizeof(err)) == 0);
    CHECK(o.aws_sigv4 && o.command->standalone);
    CHECK_STR(o.url, "https://x.lambda-url.eu-west-1.on.aws/");
    CHECK_STR(o.kind, "prompt");
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("admin", "show", "lookup", "--kind", "agent"), &o, err, sizeof(err)) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    CHECK(parse(ARGV("--url", "https://h/mcp", "--if-match", "3", "ping"), &o, err, sizeof(err)) == MCPC_ERR_USAGE);
    mcpc_cli_dispose(&o);
    unsetenv("MCP_ADMIN_ENDPOINT");
}

int
main(void)
{
    RUN(test_infer);
    RUN(test_new);
    RUN(test_signed_headers);
    RUN(test_options);
    return TEST_REPORT("test_client_sigv4");
}
