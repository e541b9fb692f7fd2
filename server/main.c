/* main.c: configuration, then the front door. */
#include <stdio.h>

#include "config.h"
#include "core.h"
#include "http/http_server.h"
#include "log.h"

int
main(int argc, char **argv)
{
    mcp_config_t config;
    char err[512];
    switch (config_parse(&config, argc, argv, err, sizeof(err))) {
    case CONFIG_OK:
        break;
    case CONFIG_EXIT_HELP:
        config_dispose(&config);
        return 0;
    default:
        fprintf(stderr, "mcp-server: %s\n", err);
        config_dispose(&config);
        return 2;
    }
    log_set_level(config.log_level);
    mcp_server_t *server = mcp_server_new(&config, err, sizeof(err));
    if (server == NULL) {
        fprintf(stderr, "mcp-server: %s\n", err);
        config_dispose(&config);
        return 1;
    }
    int status = http_server_run(server, &config);
    mcp_server_free(server);
    config_dispose(&config);
    return status;
}
