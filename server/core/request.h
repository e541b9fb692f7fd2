/*
 * request.h: what the core knows about one HTTP request once mcp_handle() has parsed it. handle.c and
 * era.c fill it in; methods and handlers only read it. It lives in its exchange (exchange.h) and is valid
 * as long as the exchange, so calls that outlive mcp_handle() (workers, held streams) keep reading it.
 */
#ifndef MCP_REQUEST_H
#define MCP_REQUEST_H

#include <stdint.h>

#include "arena.h"
#include "core.h"
#include "era.h"
#include "json.h"
#include "state_token.h"

typedef struct st_mcp_request_t {
    mcp_server_t *server;
    arena_t *arena;                 /* the exchange's: the parsed body and anything that must live as long as the request */
    const mcp_http_request_t *http; /* the front door's request (headers, body): during mcp_handle() only, NULL afterwards */
    mcp_era_t era;                  /* era.c decides, per request */
    mcp_version_t version;          /* legacy: from MCP-Protocol-Version, 2025-03-26 when absent; modern: from _meta */
    const json_value_t *identity;   /* the caller, as the front door established it; NULL: unknown */
    const state_token_t *session;   /* legacy era with sessions on: the session the request belongs to (sessions.c); else NULL */
    const json_value_t *client_capabilities; /* a modern request's _meta; NULL for a legacy one (a stateless server cannot know) */
    mcp_log_level_t client_log_level;        /* legacy: the configured level; modern: the request's _meta, or none */
    int can_stream;                          /* mcp_http_request_t */
    int concurrent;
    int64_t deadline_ms;
    char log_id[128];   /* the front door's request id, for workers' log lines */
    char trace_id[128]; /* the caller's trace id, likewise */
} mcp_request_t;

#endif
