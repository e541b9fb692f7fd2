/* http_config.h: the settings of the HTTP front door (server/http), beside the core's (server/core/config.h). */
#ifndef MCP_HTTP_CONFIG_H
#define MCP_HTTP_CONFIG_H

#include "settings.h"

typedef struct st_http_config_t {
    char *bind;
    unsigned port;               /* 0: any free port */
    unsigned shutdown_grace_ms;  /* how long SIGTERM waits for in-flight requests */
    unsigned request_timeout_ms; /* for reading a request's head and body (slow senders), and between requests */
    size_t max_connections;      /* open connections at once; past it a connection gets 503 and is closed */
    int legacy_sse;              /* also the HTTP+SSE transport of 2024-11-05 (legacy_sse.h) */
} http_config_t;

settings_table_t http_config_settings(http_config_t *config);

#endif
