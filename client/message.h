/*
 * message: the JSON-RPC requests mcp-client sends, in either era.
 *
 * Legacy: {"jsonrpc":"2.0","id":N,"method":M,"params":P}, with params._meta.progressToken when progress
 * is asked for. Modern: params always, with _meta carrying the revision, the client's capabilities and
 * identity (and the log level, when one is asked for), and, on a multi round-trip retry,
 * inputResponses and requestState beside the original params.
 */
#ifndef MCPC_MESSAGE_H
#define MCPC_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "version.h"

#define MCPC_CLIENT_NAME "mcp-client"
#define MCPC_CLIENT_VERSION MCP_PROJECT_VERSION

/* The _meta keys of the modern era. */
#define MCPC_META_PROTOCOL_VERSION "io.modelcontextprotocol/protocolVersion"
#define MCPC_META_CLIENT_CAPABILITIES "io.modelcontextprotocol/clientCapabilities"
#define MCPC_META_CLIENT_INFO "io.modelcontextprotocol/clientInfo"
#define MCPC_META_LOG_LEVEL "io.modelcontextprotocol/logLevel"
#define MCPC_META_SERVER_INFO "io.modelcontextprotocol/serverInfo"

typedef struct st_mcpc_message_t {
    int64_t id;
    const char *method;
    const json_value_t *params; /* an object or NULL; its _meta, inputResponses and requestState are replaced */
    int progress;               /* ask for progress: _meta.progressToken is the id */
    /* the modern era, when protocol_version is set */
    const char *protocol_version;
    const char *capabilities;    /* a JSON object */
    const char *log_level;       /* NULL: no log messages */
    const char *input_responses; /* a JSON object, or NULL */
    const char *request_state;   /* echoed as given, or NULL */
    size_t request_state_len;
} mcpc_message_t;

/* Appends the request to out (check buf_failed(out) for a size limit). */
void mcpc_message_write(buf_t *out, const mcpc_message_t *m);

#endif
