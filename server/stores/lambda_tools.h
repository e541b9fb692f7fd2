/*
 * lambda_tools.h: registered tools, resources and prompts (core.h's mcp_tool_source_t) whose records live in a
 * DynamoDB table and whose code is a Lambda function, called with the Invoke API.
 *
 * The table: partition key id (S). An item per registration: id "<kind>#<name>", kind "tool", "resource" or
 * "prompt" (the record's own kind must agree), name, version (N), record (S: the record's JSON, remote_tools.h), and
 * audit attributes (createdAt/By, updatedAt/By). The server
 * reads it with Scan (strongly consistent, every page) at most once per --tool-registry-refresh-s.
 *
 * Invocation follows Amazon Bedrock AgentCore Gateway's contract for Lambda targets, so a function written for a
 * gateway works here unchanged: POST /2015-03-31/functions/<lambdaArn>/invocations[?Qualifier=q], signed with
 * SigV4 for service "lambda" with the server's own credentials (the environment Lambda sets: key, secret, session
 * token), X-Amz-Invocation-Type RequestResponse; the event is the tool's arguments object; X-Amz-Client-Context is
 * base64 JSON {"custom": {...}} with
 *   bedrockAgentCoreToolName        "<target>___<tool>" (the record's target, default "mcp")
 *   bedrockAgentCoreGatewayId       --tool-gateway-id
 *   bedrockAgentCoreTargetId        the target
 *   bedrockAgentCoreMessageVersion  "1.0"
 *   bedrockAgentCoreAwsRequestId    the front door's request id
 *   bedrockAgentCoreMcpMessageId    the JSON-RPC id (as JSON text)
 *   mcpCallerIdentity               ours: the caller's identity from the authorizer, as JSON text
 * within Lambda's limit of 3,583 bytes: when the identity does not fit, mcpCallerPrincipal carries its principal
 * alone and mcpCallerIdentityTruncated "true" says so. A resource's or prompt's invoke has the same keys, with
 * mcpKind ("resource", "prompt") and mcpName (the registration's name) in place of bedrockAgentCoreToolName.
 */
#ifndef MCP_LAMBDA_TOOLS_H
#define MCP_LAMBDA_TOOLS_H

#include <stddef.h>

#include "buf.h"
#include "core.h"
#include "settings.h"

#define LAMBDA_CLIENT_CONTEXT_MAX 3583 /* bytes of base64, the Invoke API's limit */

typedef struct st_lambda_tools_config_t {
    char *table;           /* the registry table; "": no registered tools */
    char *endpoint;        /* the table's DynamoDB endpoint URL; "": DynamoDB's own in the region */
    char *invoke_endpoint; /* the Lambda Invoke API's base URL; "": Lambda's own in the region */
    char *gateway_id;      /* bedrockAgentCoreGatewayId in the client context */
    unsigned refresh_s;    /* read the table at most this often */
} lambda_tools_config_t;

settings_table_t lambda_tools_settings(lambda_tools_config_t *config);

/* Returns 0 with *out NULL when no table is configured, or the source; -1 with the reason in err. */
int lambda_tools_new(const lambda_tools_config_t *config, mcp_tool_source_t **out, char *err, size_t err_len);
void lambda_tools_free(mcp_tool_source_t *source);

/* The X-Amz-Client-Context value for a call (base64), always within LAMBDA_CLIENT_CONTEXT_MAX. Returns 0 or -1. */
int lambda_tools_client_context(const mcp_invoke_t *call, const char *gateway_id, buf_t *out);

#endif
