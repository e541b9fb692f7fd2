/* http_server.h: the libh2o front door. */
#ifndef MCP_HTTP_SERVER_H
#define MCP_HTTP_SERVER_H

#include "config.h"
#include "core.h"
#include "http_config.h"

/* Serves MCP over HTTP until SIGTERM or SIGINT; returns the process exit status. */
int http_server_run(mcp_server_t *mcp, const mcp_config_t *core, const http_config_t *config);

#endif
