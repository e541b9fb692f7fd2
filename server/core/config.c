/*
 * config.c: the core's settings table. Each row is one setting with its flag, its environment variable,
 * its default and how the value is checked; --help is generated from the rows (common/settings.c).
 */
#include "config.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

const char *const mcp_log_level_names[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

int
config_parse_client_log_level(const char *s, mcp_log_level_t *out)
{
    for (int i = 0; i <= MCP_LOG_EMERGENCY; ++i) {
        if (strcmp(s, mcp_log_level_names[i]) == 0) {
            *out = (mcp_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

static int
parse_client_log_level(const char *value, void *field)
{
    return config_parse_client_log_level(value, field);
}

/* A host pattern: "*", or [*.]name[:port] with name made of letters, digits, '-', '.', or [v6]. */
int
config_valid_host_pattern(const char *s)
{
    if (strcmp(s, "*") == 0)
        return 1;
    if (strncmp(s, "*.", 2) == 0)
        s += 2;
    const char *port = NULL;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close == s + 1)
            return 0;
        for (const char *c = s + 1; c != close; ++c)
            if (!(strchr("0123456789abcdefABCDEF:.", *c)))
                return 0;
        port = close[1] == ':' ? close + 2 : NULL;
        if (close[1] != '\0' && close[1] != ':')
            return 0;
    } else {
        const char *c = s;
        for (; *c != '\0' && *c != ':'; ++c)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
                return 0;
        if (c == s)
            return 0;
        port = *c == ':' ? c + 1 : NULL;
    }
    if (port != NULL) {
        if (*port == '\0' || strlen(port) > 5 || strspn(port, "0123456789") != strlen(port) || atoi(port) > 65535)
            return 0;
    }
    return 1;
}

int
config_valid_origin_pattern(const char *s)
{
    if (strcmp(s, "*") == 0)
        return 1;
    const char *sep = strstr(s, "://");
    if (sep == NULL || sep == s)
        return 0;
    for (const char *c = s; c != sep; ++c)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.'))
            return 0;
    return strchr(sep + 3, '/') == NULL && config_valid_host_pattern(sep + 3) && strcmp(sep + 3, "*") != 0;
}

int
config_valid_url(const char *s)
{
    const char *rest = strncmp(s, "https://", 8) == 0 ? s + 8 : strncmp(s, "http://", 7) == 0 ? s + 7 : NULL;
    if (rest == NULL || *rest == '\0' || *rest == '/')
        return 0;
    for (const char *c = rest; *c != '\0'; ++c)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '\\' || *c == '#')
            return 0;
    return 1;
}

/* An OAuth scope token (RFC 6749 3.3): printable ASCII without space, '"' or '\\'. */
static int
valid_scope(const char *s)
{
    for (const char *p = s; *p != '\0'; ++p)
        if (!(*p == 0x21 || (*p >= 0x23 && *p <= 0x5b) || (*p >= 0x5d && *p <= 0x7e)))
            return 0;
    return 1;
}

static int
valid_path(const char *s)
{
    return s[0] == '/';
}

static int
valid_toolset(const char *s)
{
    for (size_t k = 0; mcp_toolsets[k] != NULL; ++k)
        if (strcmp(mcp_toolsets[k]->name, s) == 0)
            return 1;
    return 0;
}

/* The key in either base64 alphabet (openssl rand -base64 32 gives the standard one); "" means none. */
static int
parse_state_key(const char *text, void *field)
{
    config_key_t *key = field;
    key->len = 0;
    if (*text == '\0')
        return 0;
    buf_t b = BUF_INIT(sizeof(key->bytes));
    int ret = -1;
    if (base64_decode(&b, text, strlen(text), 0) != 0) {
        buf_reset(&b);
        if (base64_decode(&b, text, strlen(text), 1) != 0)
            goto exit;
    }
    if (b.len < CONFIG_MIN_STATE_KEY_BYTES || buf_failed(&b))
        goto exit;
    memcpy(key->bytes, b.data, b.len);
    key->len = b.len;
    ret = 0;
exit:
    if (b.data != NULL)
        OPENSSL_cleanse(b.data, b.len);
    buf_dispose(&b);
    return ret;
}

static void
dispose_state_key(void *field)
{
    OPENSSL_cleanse(field, sizeof(config_key_t));
}

static int
parse_sessions(const char *text, void *field)
{
    static const char *const names[] = {"off", "memory", "dynamodb"};
    for (size_t i = 0; i != sizeof(names) / sizeof(names[0]); ++i) {
        if (strcmp(text, names[i]) == 0) {
            *(mcp_sessions_t *)field = (mcp_sessions_t)i;
            return 0;
        }
    }
    return -1;
}

/* A DynamoDB table name: 3-255 of [A-Za-z0-9_.-]. */
static int
valid_table_name(const char *s)
{
    size_t len = strlen(s);
    return len >= 3 && len <= 255 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
}

#define OFF(f) offsetof(mcp_config_t, f)
#define NUMBER(f) SETTING_NUMBER, OFF(f), sizeof(((mcp_config_t *)0)->f)

static const setting_t settings[] = {
    {"--path", "MCP_PATH", "/mcp", "path of the MCP endpoint", SETTING_STRING, OFF(path), .valid = valid_path,
     .expect = "a path starting with '/'"},
    {"--allowed-origins", "MCP_ALLOWED_ORIGINS", "http://localhost,http://127.0.0.1,http://[::1]",
     "comma list of browser origins allowed (scheme://host[:port]; no port: any port; host may be *.domain; * allows any)",
     SETTING_LIST, OFF(allowed_origins), .valid = config_valid_origin_pattern, .expect = "scheme://host[:port] or *"},
    {"--allowed-hosts", "MCP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]",
     "comma list of Host header values allowed (host[:port]; no port: any port; *.domain; * allows any)", SETTING_LIST,
     OFF(allowed_hosts), .valid = config_valid_host_pattern, .expect = "host[:port] or *"},
    {"--max-body-bytes", "MCP_MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)", NUMBER(max_body_bytes), 2,
     64ull << 20},
    {"--toolsets", "MCP_TOOLSETS", "default", "comma list of tool sets to enable (see the list below)", SETTING_LIST, OFF(toolsets),
     .valid = valid_toolset, .expect = "the name of a tool set (see --help)"},
    {"--max-response-bytes", "MCP_MAX_RESPONSE_BYTES", "67108864",
     "largest response one request may produce (a batch, a stream the client reads too slowly): beyond it, an error instead",
     NUMBER(max_response_bytes), 4096, 1ull << 30},
    {"--workers", "MCP_WORKERS", "32", "threads that run tools which may block (started as needed)", NUMBER(workers), 1, 256},
    {"--max-calls", "MCP_MAX_CALLS", "256",
     "tool calls queued or running on workers at once; past it a call gets HTTP 503 with Retry-After", NUMBER(max_calls), 1, 65536},
    {"--max-client-waits", "MCP_MAX_CLIENT_WAITS", "4",
     "calls that may wait for a client's answer (sampling, elicitation) at once; past it such a call gets HTTP 503, or its "
     "question an error",
     NUMBER(max_client_waits), 1, 65536},
    {"--page-size", "MCP_PAGE_SIZE", "100", "items per page of tools/list, resources/list, prompts/list", NUMBER(page_size), 1,
     10000},
    {"--client-log-level", "MCP_CLIENT_LOG_LEVEL", "info",
     "lowest level of log notifications sent to clients (debug ... emergency)", SETTING_PARSED, OFF(client_log_level),
     .parse = parse_client_log_level, .expect = "debug, info, notice, warning, error, critical, alert or emergency"},
    {"--client-request-timeout-ms", "MCP_CLIENT_REQUEST_TIMEOUT_MS", "60000",
     "how long a tool waits for the client to answer sampling or elicitation", NUMBER(client_request_timeout_ms), 10, 3600000},
    {"--public-url", "MCP_PUBLIC_URL", "",
     "the endpoint's canonical URL, e.g. https://mcp.example.com/mcp (default: derived from each request)", SETTING_STRING,
     OFF(public_url), .may_be_empty = 1, .valid = config_valid_url, .expect = "an absolute http(s) URL"},
    {NULL, "MCP_REQUEST_STATE_KEY", "",
     "base64 of at least 32 random bytes: the key that seals 2026-07-28 requestState; every instance behind one endpoint "
     "needs the same (default: a random key per process). A secret: environment only, never a flag",
     SETTING_PARSED, OFF(request_state_key), .parse = parse_state_key, .dispose = dispose_state_key,
     .expect = "base64 (standard or URL-safe) of 32 to 256 bytes", .secret = 1},
    {"--request-state-ttl-ms", "MCP_REQUEST_STATE_TTL_MS", "600000",
     "how long a client may take to answer a 2026-07-28 input request (the requestState expires then)",
     NUMBER(request_state_ttl_ms), 1000, 86400000},
    {"--task-ttl-ms", "MCP_TASK_TTL_MS", "3600000",
     "how long a task (the tasks extension) stays readable after it was created; tasks/get answers -32602 afterwards",
     NUMBER(task_ttl_ms), 1000, 86400000},
    {"--sessions", "MCP_SESSIONS", "off",
     "state for tools: sessions (Mcp-Session-Id, 2025 revisions) and state handles (2026-07-28); off (stateless), memory "
     "(this process only), or dynamodb (--session-table, shared by every instance; needs MCP_REQUEST_STATE_KEY)",
     SETTING_PARSED, OFF(sessions), .parse = parse_sessions, .expect = "off, memory or dynamodb"},
    {"--session-table", "MCP_SESSION_TABLE", "", "--sessions dynamodb: the table (partition key id, TTL attribute expiresAt)",
     SETTING_STRING, OFF(session_table), .may_be_empty = 1, .valid = valid_table_name,
     .expect = "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)"},
    {"--session-idle-s", "MCP_SESSION_IDLE_S", "3600", "a session ends this many seconds after its last request",
     NUMBER(session_idle_s), 1, 30u * 86400},
    {"--session-max-s", "MCP_SESSION_MAX_S", "86400", "a session ends this many seconds after it began, however busy",
     NUMBER(session_max_s), 1, 30u * 86400},
    {"--authorization-servers", "MCP_AUTHORIZATION_SERVERS", "",
     "comma list of OAuth authorization server URLs announced in /.well-known/oauth-protected-resource", SETTING_LIST,
     OFF(authorization_servers), .valid = config_valid_url, .expect = "an absolute http(s) URL"},
    {"--scopes-supported", "MCP_SCOPES_SUPPORTED", "",
     "comma list of the OAuth scopes announced as scopes_supported in /.well-known/oauth-protected-resource", SETTING_LIST,
     OFF(scopes_supported), .valid = valid_scope, .expect = "an OAuth scope (RFC 6749 3.3)"},
};

settings_table_t
config_settings(mcp_config_t *config)
{
    return (settings_table_t){"MCP core", settings, sizeof(settings) / sizeof(settings[0]), config};
}

int
config_parse(mcp_config_t *config, int argc, char **argv, char *err, size_t err_len)
{
    memset(config, 0, sizeof(*config));
    settings_table_t table = config_settings(config);
    return settings_parse(&table, 1, argc, argv, NULL, NULL, "mcp-server", err, err_len);
}

void
config_dispose(mcp_config_t *config)
{
    settings_table_t table = config_settings(config);
    settings_dispose(&table, 1);
}
