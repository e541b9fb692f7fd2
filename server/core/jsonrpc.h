/*
 * jsonrpc.h: JSON-RPC 2.0 as MCP uses it: the error codes and their fixed messages, the envelope of a
 * message (validated before dispatch), and the writers of responses (ids echoed exactly).
 */
#ifndef MCP_JSONRPC_H
#define MCP_JSONRPC_H

#include "json.h"
#include "jsonw.h"

/* JSON-RPC and MCP error codes, with the fixed messages clients see. */
#define JSONRPC_PARSE_ERROR -32700
#define JSONRPC_INVALID_REQUEST -32600
#define JSONRPC_METHOD_NOT_FOUND -32601
#define JSONRPC_INVALID_PARAMS -32602
#define JSONRPC_INTERNAL_ERROR -32603
#define MCP_TRANSPORT_ERROR -32000 /* the TypeScript SDK's code for HTTP-level refusals */
#define MCP_SERVER_BUSY -32000     /* the same code for a call a bound refused (HTTP 503 with Retry-After) */
#define MCP_SERVER_BUSY_MESSAGE "Server busy: too many calls in progress; retry later"
#define MCP_RESOURCE_NOT_FOUND -32002 /* legacy era only; 2026-07-28 uses -32602 */
#define MCP_HEADER_MISMATCH -32020    /* 2026-07-28: a mirrored header is missing, malformed or differs from the body */
#define MCP_HEADER_MISMATCH_MESSAGE "Header mismatch"
#define MCP_MISSING_CAPABILITY -32021 /* 2026-07-28: the request needs a client capability the client did not declare */
#define MCP_MISSING_CAPABILITY_MESSAGE "Missing required client capability"
#define MCP_UNSUPPORTED_VERSION -32022 /* 2026-07-28: data {supported, requested} */
#define MCP_UNSUPPORTED_VERSION_MESSAGE "Unsupported protocol version"

/*
 * An error answer to a request. The message is static text (never client input); data is JSON text in
 * memory that lives as long as the request (its exchange's arena), or NULL.
 */
typedef struct st_mcp_rpc_error_t {
    int code; /* 0: no error */
    const char *message;
    const char *data;
} mcp_rpc_error_t;

/* Records an error and returns its code, for `return rpc_error_set(...)`. */
int rpc_error_set(mcp_rpc_error_t *e, int code, const char *message, const char *data);

/* The parts of a request message, once its envelope is valid. */
typedef struct st_jsonrpc_request_t {
    const json_value_t *id; /* NULL: a notification */
    const char *method;
    const json_value_t *params; /* an object, an array (refused later, by method) or NULL */
} jsonrpc_request_t;

/*
 * Checks a message that is not a response: an object, jsonrpc "2.0", a string or integer id when
 * present, a string method, params an object or array when present. Returns 0, or -32600 with *message
 * set and out->id the id to answer with (NULL when the id itself is invalid).
 */
int jsonrpc_check_request(const json_value_t *msg, jsonrpc_request_t *out, const char **message);
/* Whether msg is shaped as a response (no method; a result or an error), which goes to the waiting tool instead. */
int jsonrpc_is_response(const json_value_t *msg);
/* Checks a response: jsonrpc "2.0", a valid id, exactly one of result and error. */
int jsonrpc_valid_response(const json_value_t *msg);

/* Writes a JSON-RPC id: the exact literal for numbers, the string for strings, null for NULL. */
void jsonrpc_write_id(jsonw_t *w, const json_value_t *id);
/* 1 if v is a valid request id: a string or an integer literal. */
int jsonrpc_valid_id(const json_value_t *v);
/* Starts {"jsonrpc":"2.0","id":ID,"result": and leaves the writer where the result value goes. */
void jsonrpc_begin_result(jsonw_t *w, const json_value_t *id);
void jsonrpc_end_result(jsonw_t *w);
/* A complete error response; data_json may be NULL. */
void jsonrpc_write_error(jsonw_t *w, const json_value_t *id, int code, const char *message, const char *data_json);
/* A notification {"jsonrpc":"2.0","method":M,"params": and leaves the writer where the params go; end with jsonrpc_end_result(). */
void jsonrpc_begin_notification(jsonw_t *w, const char *method);

#endif
