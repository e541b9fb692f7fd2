/*
 * config.h: the MCP core's settings, the ones the core itself reads. Each front door has its own
 * (server/http/http_config.h, server/lambda/lambda_config.h); main.c parses all of them in one pass
 * (common/settings.h), and --help lists them by module.
 */
#ifndef MCP_CONFIG_H
#define MCP_CONFIG_H

#include <stddef.h>

#include "log.h"
#include "mcp.h"
#include "settings.h"

#define CONFIG_MIN_STATE_KEY_BYTES 32 /* an HMAC-SHA256 key shorter than the hash weakens it */
#define CONFIG_MAX_STATE_KEY_BYTES 256

typedef struct st_config_key_t {
    unsigned char bytes[CONFIG_MAX_STATE_KEY_BYTES];
    size_t len; /* 0: none configured */
} config_key_t;

/* Where sessions and state handles keep their state (--sessions). */
typedef enum en_mcp_sessions_t {
    MCP_SESSIONS_OFF,      /* stateless: no Mcp-Session-Id, no state handles */
    MCP_SESSIONS_MEMORY,   /* in this process */
    MCP_SESSIONS_DYNAMODB, /* in a DynamoDB table every instance shares (--session-table) */
} mcp_sessions_t;

typedef struct st_mcp_config_t {
    char *path;                      /* the MCP endpoint, "/mcp" */
    settings_list_t allowed_origins; /* "scheme://host[:port]"; no port: any; host may start with "*."; "*": any */
    settings_list_t allowed_hosts;   /* "host[:port]", same rules */
    size_t max_body_bytes;
    size_t max_response_bytes; /* what one request's response may hold before the front door takes it */
    settings_list_t toolsets;
    unsigned workers;
    unsigned max_calls;        /* tool calls queued or running on workers at once; more get 503 */
    unsigned max_client_waits; /* calls waiting for a client's answer (sampling, elicitation) at once */
    unsigned page_size;
    mcp_log_level_t client_log_level;      /* notifications/message below this level are not sent */
    unsigned client_request_timeout_ms;    /* how long a tool waits for a sampling/elicitation answer */
    char *public_url;                      /* the endpoint's canonical URL (custom domains); "" derives it per request */
    settings_list_t authorization_servers; /* for the protected resource metadata */
    settings_list_t scopes_supported;      /* likewise: the OAuth scopes clients may ask for */
    config_key_t request_state_key;        /* seals 2026-07-28 requestState; len 0: random per process */
    unsigned request_state_ttl_ms;         /* how long a requestState stays valid */
    unsigned task_ttl_ms;                  /* how long a task stays readable after its creation (tasks.h) */
    mcp_sessions_t sessions;
    char *session_table;     /* --sessions dynamodb: the table */
    unsigned session_idle_s; /* a session ends this long after its last use ... */
    unsigned session_max_s;  /* ... and this long after it began, at the latest */
} mcp_config_t;

/* The core's rows of the settings table, bound to config. */
settings_table_t config_settings(mcp_config_t *config);
/* Parses the core's settings alone (defaults, environment, argv): for tests and tools that embed the core. */
int config_parse(mcp_config_t *config, int argc, char **argv, char *err, size_t err_len);
void config_dispose(mcp_config_t *config);
/* Parses a client log level name ("debug" ... "emergency"); returns 0 or -1. */
int config_parse_client_log_level(const char *s, mcp_log_level_t *out);
extern const char *const mcp_log_level_names[];
/*
 * Allow-list patterns: "*", or [*.]name[:port] with name made of letters, digits, '-', '.', or [v6];
 * origins are scheme://host-pattern. For the tables' valid columns (1 when valid).
 */
int config_valid_host_pattern(const char *s);
int config_valid_origin_pattern(const char *s);
/* An absolute http(s) URL without spaces, quotes or a fragment (1 when valid). */
int config_valid_url(const char *s);

#endif
