/*
 * main.c: configuration, then one of the two front doors. With AWS_LAMBDA_RUNTIME_API set (Lambda
 * sets it), the binary is a Lambda custom runtime; otherwise it is an HTTP server.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "core.h"
#include "http/http_server.h"
#include "lambda/lambda_server.h"
#include "lambda/state_key_secret.h"
#include "log.h"

/*
 * Behind API Gateway or a Function URL the Host header is AWS's domain, not localhost; unless the
 * deployment configures its own list (a custom domain), allow AWS's domains for the function's region.
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

int
main(int argc, char **argv)
{
    const char *lambda_api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (lambda_api != NULL)
        default_lambda_hosts();
    mcp_config_t config;
    char err[512];
    int status = 0;
    mcp_server_t *server = NULL;
    switch (config_parse(&config, argc, argv, err, sizeof(err))) {
    case CONFIG_OK:
        break;
    case CONFIG_EXIT_HELP:
        goto exit;
    default:
        status = 2;
        goto fail;
    }
    log_set_level(config.log_level);
    if ((server = mcp_server_new(&config, err, sizeof(err))) == NULL || state_key_secret_start(server, err, sizeof(err)) != 0) {
        status = 1;
        goto fail;
    }
    status = lambda_api != NULL ? lambda_server_run(server, &config, lambda_api) : http_server_run(server, &config);
    goto exit;
fail:
    fprintf(stderr, "mcp-server: %s\n", err);
    if (lambda_api != NULL)
        lambda_server_report_init_error(lambda_api, err);
exit:
    mcp_server_free(server);
    state_key_secret_stop(); /* after the server: its workers may ask for the keys until it is freed */
    config_dispose(&config);
    return status;
}
