/*
 * config.h: the server's configuration, from command-line flags and environment variables.
 *
 * Every setting has a flag and an environment variable (the flag wins). config_parse() validates
 * everything up front so that a bad value stops the server at start with a clear message instead of
 * misbehaving later.
 */
#ifndef MCP_CONFIG_H
#define MCP_CONFIG_H

#include <stddef.h>

#include "log.h"
#include "mcp.h"

#define CONFIG_MAX_LIST 32
#define CONFIG_MIN_STATE_KEY_BYTES 32 /* an HMAC-SHA256 key shorter than the hash weakens it */

typedef struct st_config_list_t {
    char *items[CONFIG_MAX_LIST];
    size_t len;
} config_list_t;

struct st_mcp_config_t {
    char *bind;
    int port;                      /* 0: any free port */
    char *path;                    /* the MCP endpoint, "/mcp" */
    config_list_t allowed_origins; /* "scheme://host[:port]"; no port: any; host may start with "*."; "*": any */
    config_list_t allowed_hosts;   /* "host[:port]", same rules */
    size_t max_body_bytes;
    log_level_t log_level;
    config_list_t toolsets;
    unsigned workers;
    unsigned page_size;
    mcp_log_level_t client_log_level;           /* notifications/message below this level are not sent */
    unsigned client_request_timeout_ms;         /* how long a tool waits for a sampling/elicitation answer */
    unsigned shutdown_grace_ms;                 /* how long SIGTERM waits for in-flight requests */
    char *lambda_response_mode;                 /* "buffered" or "streaming": must match the integration */
    char *public_url;                           /* the endpoint's canonical URL (custom domains); "" derives it per request */
    config_list_t authorization_servers;        /* for the protected resource metadata */
    config_list_t scopes_supported;             /* for the protected resource metadata */
    char *pending_table;                        /* on Lambda with streaming: the DynamoDB table for clients' answers; "" none */
    char *request_state_key;                    /* base64 of the requestState HMAC key (a secret); "": random per process */
    unsigned request_state_ttl_ms;              /* how long a requestState stays valid */
    unsigned char request_state_key_bytes[256]; /* request_state_key decoded */
    size_t request_state_key_len;
};

typedef struct st_mcp_config_t mcp_config_t;

#define CONFIG_OK 0
#define CONFIG_EXIT_HELP 1 /* --help or --version was printed: exit 0 */
#define CONFIG_ERROR -1    /* err holds the message: exit 2 */

/* Fills config from defaults, then the environment, then argv. */
int config_parse(mcp_config_t *config, int argc, char **argv, char *err, size_t err_len);
void config_dispose(mcp_config_t *config);
/* Parses a log level name ("debug" ... "emergency"); returns 0 or -1. */
int config_parse_client_log_level(const char *s, mcp_log_level_t *out);
extern const char *const mcp_log_level_names[];

#endif
