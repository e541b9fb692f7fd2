/*
 * main.c: configuration, then one of the two front doors. With AWS_LAMBDA_RUNTIME_API set (Lambda sets
 * it), the binary is a Lambda custom runtime; otherwise it is an HTTP server. Each module owns its
 * settings (the core's, the HTTP front door's, the Lambda front door's); they are parsed here in one pass.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "core.h"
#include "http_config.h"
#include "http_server.h"
#include "lambda_config.h"
#include "lambda_server.h"
#include "lambda_tools.h"
#include "log.h"
#include "state_dynamodb.h"
#include "state_key_secret.h"
#include "version.h"

typedef struct st_process_config_t {
    log_level_t log_level;
} process_config_t;

static int
parse_log_level(const char *value, void *field)
{
    return log_parse_level(value, field);
}

static const setting_t process_settings[] = {
    {"--log-level", "MCP_LOG_LEVEL", "info", "server log level: debug, info, warn, error", SETTING_PARSED,
     offsetof(process_config_t, log_level), .parse = parse_log_level, .expect = "debug, info, warn or error"},
};

/*
 * Behind API Gateway or a Function URL the Host header is AWS's domain, not localhost; unless the
 * deployment configures its own list (a custom domain), allow AWS's domains for the function's region.
 * (Before any thread exists: setenv is not safe once there are.)
 */
static void
default_lambda_hosts(void)
{
    if (getenv("MCP_ALLOWED_HOSTS") != NULL)
        return;
    const char *region = getenv("AWS_REGION");
    char hosts[512];
    if (region != NULL && region[0] != '\0')
        snprintf(hosts, sizeof(hosts), "*.execute-api.%s.amazonaws.com,*.lambda-url.%s.on.aws", region, region);
    else
        snprintf(hosts, sizeof(hosts), "*.amazonaws.com,*.on.aws");
    setenv("MCP_ALLOWED_HOSTS", hosts, 1);
}

/* The tool sets, for the end of --help. */
static char *
toolsets_help(void)
{
    buf_t b = BUF_INIT(0);
    buf_append_str(&b, "Tool sets:\n");
    for (size_t i = 0; mcp_toolsets[i] != NULL; ++i)
        buf_printf(&b, "  %-12s %s\n", mcp_toolsets[i]->name, mcp_toolsets[i]->description);
    size_t len;
    return buf_release(&b, &len);
}

/*
 * Where sessions and state handles live, when not in this process: a DynamoDB table every instance shares.
 * Returns 0 (with *store NULL unless --sessions dynamodb), or -1 with the reason in err.
 */
static int
make_state_store(const mcp_config_t *core, int on_lambda, mcp_state_store_t **store, char *err, size_t err_len)
{
    *store = NULL;
    if (core->sessions == MCP_SESSIONS_MEMORY && on_lambda) {
        /* Lambda runs many instances, each with its own memory: a session would be unknown to the next one */
        snprintf(err, err_len, "--sessions memory cannot work on Lambda, whose instances share no memory: use --sessions dynamodb");
        return -1;
    }
    if (core->sessions != MCP_SESSIONS_DYNAMODB)
        return 0;
    const char *key_secret = getenv(STATE_KEY_SECRET_VAR);
    if (core->request_state_key.len == 0 && (key_secret == NULL || key_secret[0] == '\0')) {
        /* an instance must verify the session ids and handles the others issued */
        snprintf(err, err_len,
                 "--sessions dynamodb needs MCP_REQUEST_STATE_KEY or " STATE_KEY_SECRET_VAR ", the same on every instance");
        return -1;
    }
    if (core->session_table[0] == '\0') {
        snprintf(err, err_len, "--sessions dynamodb needs --session-table (MCP_SESSION_TABLE)");
        return -1;
    }
    /* the endpoint can be overridden for local tests (a DynamoDB emulator) */
    return state_dynamodb_new(core->session_table, getenv("MCP_DYNAMODB_ENDPOINT"), store, err, err_len);
}

int
main(int argc, char **argv)
{
    const char *lambda_api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (lambda_api != NULL)
        default_lambda_hosts();
    static mcp_config_t core;
    static http_config_t http;
    static lambda_config_t lambda;
    static process_config_t process;
    static lambda_tools_config_t tools;
    const settings_table_t tables[] = {
        config_settings(&core),
        http_config_settings(&http),
        lambda_config_settings(&lambda),
        lambda_tools_settings(&tools),
        {"Logging", process_settings, sizeof(process_settings) / sizeof(process_settings[0]), &process},
    };
    const size_t num_tables = sizeof(tables) / sizeof(tables[0]);
    char err[512];
    int status = 0;
    mcp_server_t *server = NULL;
    mcp_state_store_t *state_store = NULL;
    mcp_tool_source_t *tool_source = NULL;
    char *epilogue = toolsets_help();
    int parsed = settings_parse(tables, num_tables, argc, argv,
                                "An MCP server (Streamable HTTP, stateless by default). Every option can also be set with the\n"
                                "environment variable shown; a flag overrides the variable.\n",
                                epilogue, "mcp-server " MCP_PROJECT_VERSION, err, sizeof(err));
    free(epilogue);
    switch (parsed) {
    case SETTINGS_OK:
        break;
    case SETTINGS_EXIT_HELP:
        goto exit;
    default:
        status = 2;
        goto fail;
    }
    log_set_level(process.log_level);
    if ((server = mcp_server_new(&core, err, sizeof(err))) == NULL || state_key_secret_start(server, err, sizeof(err)) != 0 ||
        make_state_store(&core, lambda_api != NULL, &state_store, err, sizeof(err)) != 0 ||
        lambda_tools_new(&tools, &tool_source, err, sizeof(err)) != 0) {
        status = 1;
        goto fail;
    }
    if (state_store != NULL)
        mcp_server_set_state_store(server, state_store);
    if (tool_source != NULL && mcp_server_set_tool_source(server, tool_source, tools.refresh_s * 1000u) != 0) {
        snprintf(err, sizeof(err), "out of memory");
        status = 1;
        goto fail;
    }
    status = lambda_api != NULL ? lambda_server_run(server, &lambda, lambda_api) : http_server_run(server, &core, &http);
    goto exit;
fail:
    fprintf(stderr, "mcp-server: %s\n", err);
    if (lambda_api != NULL)
        lambda_server_report_init_error(lambda_api, err);
exit:
    mcp_server_free(server);
    state_key_secret_stop(); /* after the server: its workers may ask for the keys until it is freed */
    state_dynamodb_free(state_store);
    lambda_tools_free(tool_source); /* after the server, whose calls use it */
    settings_dispose(tables, num_tables);
    return status;
}
