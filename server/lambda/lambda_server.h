/* lambda_server.h: the Lambda front door (a custom runtime on the Runtime API). */
#ifndef MCP_LAMBDA_SERVER_H
#define MCP_LAMBDA_SERVER_H

#include "core.h"
#include "lambda_config.h"

/* Serves invocations from the Runtime API at api ("host:port") until it goes away; returns the exit status. */
int lambda_server_run(mcp_server_t *mcp, const lambda_config_t *config, const char *api);
/* Reports a failed start (bad configuration) to /runtime/init/error. */
int lambda_server_report_init_error(const char *api, const char *message);

#endif
