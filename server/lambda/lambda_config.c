/* lambda_config.c: the Lambda front door's settings table (common/settings.h). */
#include "lambda_config.h"

#include <string.h>

static int
valid_response_mode(const char *s)
{
    return strcmp(s, "buffered") == 0 || strcmp(s, "streaming") == 0;
}

#define OFF(f) offsetof(lambda_config_t, f)
#define NUMBER(f) SETTING_NUMBER, OFF(f), sizeof(((lambda_config_t *)0)->f)

static const setting_t settings[] = {
    {"--lambda-response-mode", "MCP_LAMBDA_RESPONSE_MODE", "buffered",
     "on Lambda: buffered, or streaming (API Gateway responseTransferMode STREAM, Function URL RESPONSE_STREAM)", SETTING_STRING,
     OFF(response_mode), .valid = valid_response_mode, .expect = "buffered or streaming"},
    {"--pending-table", "MCP_PENDING_TABLE", "",
     "on Lambda with streaming: the DynamoDB table where clients' answers to sampling and elicitation wait", SETTING_STRING,
     OFF(pending_table), .may_be_empty = 1},
    {"--task-table", "MCP_TASK_TABLE", "",
     "on Lambda: the DynamoDB table (partition key id, TTL attribute expiresAt) where the tasks of the tasks extension "
     "live, so that any instance answers for them; \"\": each instance keeps its own in memory",
     SETTING_STRING, OFF(task_table), .may_be_empty = 1},
    {"--response-timeout-ms", "MCP_RESPONSE_TIMEOUT_MS", "0",
     "on Lambda: how long after an invocation starts its answer goes out, tools still running then cut off as at the "
     "deadline (API Gateway's integration timeout, less a margin, when the function's timeout is longer); tasks run "
     "on to the function's deadline; 0: the deadline only",
     NUMBER(response_timeout_ms), 0, 900000},
};

settings_table_t
lambda_config_settings(lambda_config_t *config)
{
    return (settings_table_t){"Lambda front door", settings, sizeof(settings) / sizeof(settings[0]), config};
}
