/*
 * dispatch.h: the method table and how a request reaches its method. A request message whose envelope
 * is valid (jsonrpc.h) and whose era's rules pass (era.h) is handed to its row's handler, which writes a
 * result, records an error, or takes the call over to answer later.
 */
#ifndef MCP_DISPATCH_H
#define MCP_DISPATCH_H

#include "era.h"
#include "exchange.h"
#include "jsonrpc.h"
#include "jsonw.h"
#include "request.h"

/* What a handler did with a call. */
typedef enum en_mcp_outcome_t {
    MCP_OUTCOME_DONE,           /* its result is written with w, or call->error is set (w is then unused) */
    MCP_OUTCOME_DEFERRED,       /* it answers later, through exchange_begin_call(); w is unused */
    MCP_OUTCOME_INPUT_REQUIRED, /* an InputRequiredResult is written with w (2026-07-28): the client retries */
} mcp_outcome_t;

/* One request, as its method's handler sees it. */
typedef struct st_mcp_call_t {
    mcp_exchange_t *ex;
    const mcp_request_t *req;
    const mcp_method_t *method;
    const json_value_t *id;
    const json_value_t *params; /* an object (possibly empty) */
    mcp_rpc_error_t error;      /* set instead of a result */
    const char *tool_name;      /* for the access log: a static string */
    int overloaded;             /* refused by a bound (admission.h): HTTP 503 with Retry-After */
} mcp_call_t;

/* Records the call's error; for `return call_error(...)` in a handler. */
mcp_outcome_t call_error(mcp_call_t *call, int code, const char *message, const char *data);

/* A handler writes its result value with w, positioned after "result":. */
typedef mcp_outcome_t (*mcp_method_handler_t)(mcp_call_t *call, jsonw_t *w);

/*
 * The method table's rows (dispatch.c). Every column but the first two states a rule the dispatcher or
 * era.c applies, so adding a method means adding a row.
 */
struct st_mcp_method_t {
    const char *name;
    mcp_method_handler_t handler;
    unsigned eras;                 /* MCP_ERA_LEGACY and/or MCP_ERA_MODERN */
    mcp_version_t since;           /* legacy era: the first revision that has the method */
    const char *name_param;        /* modern era: the param Mcp-Name mirrors ("name", "uri"); NULL: none */
    int input_required;            /* modern era: may answer InputRequiredResult (multi round-trip) */
    const mcp_cache_hint_t *cache; /* modern era: the caching hint on its result; NULL: none */
};

/* What dispatching one message leaves for the HTTP response and the access log. */
typedef struct st_dispatch_outcome_t {
    const char *rpc_method; /* static; NULL unless a known method */
    const char *tool_name;  /* static; NULL unless tools/call of a known tool */
    int error_code;         /* the JSON-RPC error a request was answered with, 0 for none */
    int invalid_message;    /* the message was not valid JSON-RPC */
    int unavailable;        /* a client's answer could not be stored (the client may retry) */
    int overloaded;         /* a bound refused the call (admission.h): 503 with Retry-After */
} dispatch_outcome_t;

/* Handles one request or notification and adds its response, if any, to the exchange. */
void dispatch_request(mcp_exchange_t *ex, const json_value_t *msg, dispatch_outcome_t *out);
/* Hands a client's response (to a server-to-client request) to the call waiting for it. */
void dispatch_response(mcp_exchange_t *ex, const json_value_t *msg, dispatch_outcome_t *out);

#endif
