/* lambda_config.h: the settings of the Lambda front door (server/lambda), beside the core's (server/core/config.h). */
#ifndef MCP_LAMBDA_CONFIG_H
#define MCP_LAMBDA_CONFIG_H

#include "settings.h"

typedef struct st_lambda_config_t {
    char *response_mode;          /* "buffered" or "streaming": must match the integration */
    char *pending_table;          /* with streaming: the DynamoDB table for clients' answers; "" none */
    char *task_table;             /* the DynamoDB table of tasks (task_store.h); "" in memory */
    unsigned response_timeout_ms; /* an invocation's answer goes out by then; tasks run on to the deadline; 0: none */
} lambda_config_t;

settings_table_t lambda_config_settings(lambda_config_t *config);

#endif
