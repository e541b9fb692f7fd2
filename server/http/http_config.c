/* http_config.c: the HTTP front door's settings table (common/settings.h). */
#include "http_config.h"

#include <arpa/inet.h>
#include <string.h>

/* An IPv4 or IPv6 address to listen on. */
static int
valid_address(const char *s)
{
    unsigned char addr[16];
    return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

static int
parse_on_off(const char *value, void *field)
{
    int on = strcmp(value, "on") == 0;
    if (!on && strcmp(value, "off") != 0)
        return -1;
    *(int *)field = on;
    return 0;
}

#define OFF(f) offsetof(http_config_t, f)
#define NUMBER(f) SETTING_NUMBER, OFF(f), sizeof(((http_config_t *)0)->f)

static const setting_t settings[] = {
    {"--bind", "MCP_BIND", "127.0.0.1", "address to listen on (0.0.0.0 inside a container)", SETTING_STRING, OFF(bind),
     .valid = valid_address, .expect = "an IPv4 or IPv6 address"},
    {"--port", "MCP_PORT", "8080", "TCP port; 0 picks a free port (logged at start)", NUMBER(port), 0, 65535},
    {"--shutdown-grace-ms", "MCP_SHUTDOWN_GRACE_MS", "30000", "how long SIGTERM waits for in-flight requests",
     NUMBER(shutdown_grace_ms), 0, 3600000},
    {"--request-timeout-ms", "MCP_REQUEST_TIMEOUT_MS", "10000",
     "how long a client may take to send a request's head and body, and to send its next request on a kept connection",
     NUMBER(request_timeout_ms), 100, 3600000},
    {"--max-connections", "MCP_MAX_CONNECTIONS", "1024",
     "open connections at once; past it a new connection gets HTTP 503 with Retry-After and is closed", NUMBER(max_connections), 1,
     1000000},
    {"--legacy-sse", "MCP_LEGACY_SSE", "off",
     "also serve the deprecated HTTP+SSE transport of 2024-11-05 (GET /sse, POST /messages) for clients that still speak it; "
     "needs --sessions",
     SETTING_PARSED, OFF(legacy_sse), .parse = parse_on_off, .expect = "on or off"},
};

settings_table_t
http_config_settings(http_config_t *config)
{
    return (settings_table_t){"HTTP front door", settings, sizeof(settings) / sizeof(settings[0]), config};
}
