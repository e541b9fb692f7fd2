#include "config.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#include "base64.h"

#define MCP_SERVER_VERSION_STRING "0.1.0"

const char *const mcp_log_level_names[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

/*
 * The settings table: each row is one setting with its flag, its environment variable, its default
 * and how to parse it. --help is generated from it.
 */
typedef enum en_setting_kind_t {
    SETTING_STRING,
    SETTING_UINT,
    SETTING_SIZE,
    SETTING_LIST,
    SETTING_LOG,
    SETTING_CLIENT_LOG
} setting_kind_t;

typedef struct st_setting_t {
    const char *flag; /* "--port" */
    const char *env;  /* "MCP_PORT" */
    const char *def;  /* default, as text */
    const char *help; /* one line */
    setting_kind_t kind;
    size_t offset;               /* into mcp_config_t */
    unsigned long long min, max; /* for SETTING_UINT and SETTING_SIZE */
} setting_t;

#define OFF(f) offsetof(mcp_config_t, f)

static const setting_t settings[] = {
    {"--bind", "MCP_BIND", "127.0.0.1", "address to listen on (0.0.0.0 inside a container)", SETTING_STRING, OFF(bind)},
    {"--port", "MCP_PORT", "8080", "TCP port; 0 picks a free port (logged at start)", SETTING_UINT, OFF(port), 0, 65535},
    {"--path", "MCP_PATH", "/mcp", "path of the MCP endpoint", SETTING_STRING, OFF(path)},
    {"--allowed-origins", "MCP_ALLOWED_ORIGINS", "http://localhost,http://127.0.0.1,http://[::1]",
     "comma list of browser origins allowed (scheme://host[:port]; no port: any port; host may be *.domain; * allows any)",
     SETTING_LIST, OFF(allowed_origins)},
    {"--allowed-hosts", "MCP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]",
     "comma list of Host header values allowed (host[:port]; no port: any port; *.domain; * allows any)", SETTING_LIST,
     OFF(allowed_hosts)},
    {"--max-body-bytes", "MCP_MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)", SETTING_SIZE,
     OFF(max_body_bytes), 2, 64ull << 20},
    {"--log-level", "MCP_LOG_LEVEL", "info", "server log level: debug, info, warn, error", SETTING_LOG, OFF(log_level)},
    {"--toolsets", "MCP_TOOLSETS", "default", "comma list of tool sets to enable (see the list below)", SETTING_LIST,
     OFF(toolsets)},
    {"--workers", "MCP_WORKERS", "8", "threads that run tools which may block", SETTING_UINT, OFF(workers), 1, 256},
    {"--page-size", "MCP_PAGE_SIZE", "100", "items per page of tools/list, resources/list, prompts/list", SETTING_UINT,
     OFF(page_size), 1, 10000},
    {"--client-log-level", "MCP_CLIENT_LOG_LEVEL", "info",
     "lowest level of log notifications sent to clients (debug ... emergency)", SETTING_CLIENT_LOG, OFF(client_log_level)},
    {"--client-request-timeout-ms", "MCP_CLIENT_REQUEST_TIMEOUT_MS", "60000",
     "how long a tool waits for the client to answer sampling or elicitation", SETTING_UINT, OFF(client_request_timeout_ms), 10,
     3600000},
    {"--shutdown-grace-ms", "MCP_SHUTDOWN_GRACE_MS", "30000", "how long SIGTERM waits for in-flight requests", SETTING_UINT,
     OFF(shutdown_grace_ms), 0, 3600000},
    {"--lambda-response-mode", "MCP_LAMBDA_RESPONSE_MODE", "buffered",
     "on Lambda: buffered, or streaming (API Gateway responseTransferMode STREAM, Function URL RESPONSE_STREAM)", SETTING_STRING,
     OFF(lambda_response_mode)},
    {"--public-url", "MCP_PUBLIC_URL", "",
     "the endpoint's canonical URL, e.g. https://mcp.example.com/mcp (default: derived from each request)", SETTING_STRING,
     OFF(public_url)},
    {"--pending-table", "MCP_PENDING_TABLE", "",
     "on Lambda with streaming: the DynamoDB table where clients' answers to sampling and elicitation wait", SETTING_STRING,
     OFF(pending_table)},
    {"--request-state-key", "MCP_REQUEST_STATE_KEY", "",
     "base64 of at least 32 random bytes: the key that seals 2026-07-28 requestState; every instance behind one endpoint "
     "needs the same (default: a random key per process)",
     SETTING_STRING, OFF(request_state_key)},
    {"--request-state-ttl-ms", "MCP_REQUEST_STATE_TTL_MS", "600000",
     "how long a client may take to answer a 2026-07-28 input request (the requestState expires then)", SETTING_UINT,
     OFF(request_state_ttl_ms), 1000, 86400000},
    {"--authorization-servers", "MCP_AUTHORIZATION_SERVERS", "",
     "comma list of OAuth authorization server URLs announced in /.well-known/oauth-protected-resource", SETTING_LIST,
     OFF(authorization_servers)},
    {"--scopes-supported", "MCP_SCOPES_SUPPORTED", "",
     "comma list of the OAuth scopes announced as scopes_supported in /.well-known/oauth-protected-resource", SETTING_LIST,
     OFF(scopes_supported)},
};

#define NUM_SETTINGS (sizeof(settings) / sizeof(settings[0]))

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

static void
list_clear(config_list_t *list)
{
    for (size_t i = 0; i != list->len; ++i)
        free(list->items[i]);
    list->len = 0;
}

static int
list_parse(config_list_t *list, const char *value)
{
    list_clear(list);
    const char *p = value;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        const char *s = p, *e = end;
        while (s < e && (*s == ' ' || *s == '\t'))
            ++s;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            --e;
        if (e > s) {
            if (list->len == CONFIG_MAX_LIST)
                return -1;
            list->items[list->len++] = strndup(s, (size_t)(e - s));
        }
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

/* A host pattern: "*", or [*.]name[:port] with name made of letters, digits, '-', '.', or [v6]. */
static int
valid_host_pattern(const char *s)
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

static int
valid_origin_pattern(const char *s)
{
    if (strcmp(s, "*") == 0)
        return 1;
    const char *sep = strstr(s, "://");
    if (sep == NULL || sep == s)
        return 0;
    for (const char *c = s; c != sep; ++c)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.'))
            return 0;
    return strchr(sep + 3, '/') == NULL && valid_host_pattern(sep + 3) && strcmp(sep + 3, "*") != 0;
}

static int
valid_url(const char *s)
{
    const char *rest = strncmp(s, "https://", 8) == 0 ? s + 8 : strncmp(s, "http://", 7) == 0 ? s + 7 : NULL;
    if (rest == NULL || *rest == '\0' || *rest == '/')
        return 0;
    for (const char *c = rest; *c != '\0'; ++c)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '\\' || *c == '#')
            return 0;
    return 1;
}

/* The key in either base64 alphabet (openssl rand -base64 32 gives the standard one). */
static int
decode_state_key(mcp_config_t *c)
{
    buf_t b = BUF_INIT(sizeof(c->request_state_key_bytes));
    const char *text = c->request_state_key;
    int ret = -1;
    if (base64_decode(&b, text, strlen(text), 0) != 0) {
        buf_reset(&b);
        if (base64_decode(&b, text, strlen(text), 1) != 0)
            goto exit;
    }
    if (b.len < CONFIG_MIN_STATE_KEY_BYTES || buf_failed(&b))
        goto exit;
    memcpy(c->request_state_key_bytes, b.data, b.len);
    c->request_state_key_len = b.len;
    ret = 0;
exit:
    if (b.data != NULL)
        OPENSSL_cleanse(b.data, b.len);
    buf_dispose(&b);
    return ret;
}

static int
set_value(mcp_config_t *c, const setting_t *st, const char *value, const char *source, char *err, size_t err_len)
{
    void *field = (char *)c + st->offset;
    switch (st->kind) {
    case SETTING_STRING:
        if (*value == '\0' && st->offset != OFF(public_url) && st->offset != OFF(pending_table) &&
            st->offset != OFF(request_state_key))
            return error_format(err, err_len, "%s: must not be empty", source);
        free(*(char **)field);
        *(char **)field = strdup(value);
        break;
    case SETTING_UINT:
    case SETTING_SIZE: {
        errno = 0;
        char *end;
        if (*value < '0' || *value > '9')
            return error_format(err, err_len, "%s: expected a whole number", source);
        unsigned long long v = strtoull(value, &end, 10);
        if (errno != 0 || *end != '\0')
            return error_format(err, err_len, "%s: expected a whole number", source);
        if (v < st->min || v > st->max)
            return error_format(err, err_len, "%s: must be between %llu and %llu", source, st->min, st->max);
        if (st->kind == SETTING_SIZE)
            *(size_t *)field = (size_t)v;
        else if (st->offset == OFF(port))
            *(int *)field = (int)v;
        else
            *(unsigned *)field = (unsigned)v;
        break;
    }
    case SETTING_LIST: {
        config_list_t *list = field;
        if (list_parse(list, value) != 0)
            return error_format(err, err_len, "%s: at most %d entries", source, CONFIG_MAX_LIST);
        for (size_t i = 0; i != list->len; ++i) {
            int ok = st->offset == OFF(allowed_origins) ? valid_origin_pattern(list->items[i])
                     : st->offset == OFF(allowed_hosts) ? valid_host_pattern(list->items[i])
                                                        : list->items[i][0] != '\0';
            if (!ok)
                return error_format(err, err_len, "%s: invalid entry '%.100s'", source, list->items[i]);
        }
        break;
    }
    case SETTING_LOG:
        if (log_parse_level(value, (log_level_t *)field) != 0)
            return error_format(err, err_len, "%s: expected debug, info, warn or error", source);
        break;
    case SETTING_CLIENT_LOG:
        if (config_parse_client_log_level(value, (mcp_log_level_t *)field) != 0)
            return error_format(err, err_len, "%s: expected debug, info, notice, warning, error, critical, alert or emergency", source);
        break;
    }
    return CONFIG_OK;
}

static void
print_help(const char *prog)
{
    printf("Usage: %s [options]\n\n"
           "An MCP server (Streamable HTTP, stateless). Every option can also be set with the environment\n"
           "variable shown; a flag overrides the variable.\n\n",
           prog);
    for (size_t i = 0; i != NUM_SETTINGS; ++i)
        printf("  %s VALUE\n      %s\n      env %s, default %s\n", settings[i].flag, settings[i].help, settings[i].env,
               settings[i].def);
    printf("  --help     print this help and exit\n  --version  print the version and exit\n\nTool sets:\n");
    for (size_t i = 0; mcp_toolsets[i] != NULL; ++i)
        printf("  %-12s %s\n", mcp_toolsets[i]->name, mcp_toolsets[i]->description);
}

int
config_parse(mcp_config_t *c, int argc, char **argv, char *err, size_t err_len)
{
    memset(c, 0, sizeof(*c));
    char source[128];
    for (size_t i = 0; i != NUM_SETTINGS; ++i) {
        snprintf(source, sizeof(source), "default of %s", settings[i].flag);
        if (set_value(c, &settings[i], settings[i].def, source, err, err_len) != CONFIG_OK)
            return CONFIG_ERROR;
    }
    for (size_t i = 0; i != NUM_SETTINGS; ++i) {
        const char *v = getenv(settings[i].env);
        if (v == NULL)
            continue;
        snprintf(source, sizeof(source), "%s", settings[i].env);
        if (set_value(c, &settings[i], v, source, err, err_len) != CONFIG_OK)
            return CONFIG_ERROR;
    }
    for (int a = 1; a < argc; ++a) {
        const char *arg = argv[a];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(argv[0]);
            return CONFIG_EXIT_HELP;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("mcp-server %s\n", MCP_SERVER_VERSION_STRING);
            return CONFIG_EXIT_HELP;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        const setting_t *st = NULL;
        for (size_t i = 0; i != NUM_SETTINGS; ++i)
            if (strlen(settings[i].flag) == name_len && strncmp(settings[i].flag, arg, name_len) == 0)
                st = &settings[i];
        if (st == NULL)
            return error_format(err, err_len, "unknown option '%.100s' (see --help)", arg);
        const char *value = eq != NULL ? eq + 1 : NULL;
        if (value == NULL) {
            if (a + 1 >= argc)
                return error_format(err, err_len, "%s needs a value", st->flag);
            value = argv[++a];
        }
        if (set_value(c, st, value, st->flag, err, err_len) != CONFIG_OK)
            return CONFIG_ERROR;
    }
    if (c->path[0] != '/')
        return error_format(err, err_len, "--path: must start with '/'");
    if (c->public_url[0] != '\0' && !valid_url(c->public_url))
        return error_format(err, err_len, "--public-url: expected an absolute http(s) URL");
    for (size_t i = 0; i != c->authorization_servers.len; ++i)
        if (!valid_url(c->authorization_servers.items[i]))
            return error_format(err, err_len, "--authorization-servers: '%.100s' is not an absolute http(s) URL",
                          c->authorization_servers.items[i]);
    for (size_t i = 0; i != c->scopes_supported.len; ++i)
        for (const char *p = c->scopes_supported.items[i]; *p != '\0'; ++p)
            if (!(*p == 0x21 || (*p >= 0x23 && *p <= 0x5b) || (*p >= 0x5d && *p <= 0x7e)))
                return error_format(err, err_len, "--scopes-supported: '%.100s' is not an OAuth scope (RFC 6749 3.3)",
                                    c->scopes_supported.items[i]);
    if (c->request_state_key[0] != '\0' && decode_state_key(c) != 0)
        return error_format(err, err_len, "--request-state-key: expected base64 (standard or URL-safe) of %d to %zu bytes",
                      CONFIG_MIN_STATE_KEY_BYTES, sizeof(c->request_state_key_bytes));
    if (strcmp(c->lambda_response_mode, "buffered") != 0 && strcmp(c->lambda_response_mode, "streaming") != 0)
        return error_format(err, err_len, "--lambda-response-mode: expected buffered or streaming");
    for (size_t i = 0; i != c->toolsets.len; ++i) {
        size_t k = 0;
        while (mcp_toolsets[k] != NULL && strcmp(mcp_toolsets[k]->name, c->toolsets.items[i]) != 0)
            ++k;
        if (mcp_toolsets[k] == NULL)
            return error_format(err, err_len, "--toolsets: unknown tool set '%.100s' (see --help)", c->toolsets.items[i]);
    }
    return CONFIG_OK;
}

void
config_dispose(mcp_config_t *c)
{
    free(c->bind);
    free(c->path);
    free(c->lambda_response_mode);
    free(c->public_url);
    free(c->pending_table);
    if (c->request_state_key != NULL)
        OPENSSL_cleanse(c->request_state_key, strlen(c->request_state_key));
    free(c->request_state_key);
    OPENSSL_cleanse(c->request_state_key_bytes, sizeof(c->request_state_key_bytes));
    list_clear(&c->authorization_servers);
    list_clear(&c->scopes_supported);
    list_clear(&c->allowed_origins);
    list_clear(&c->allowed_hosts);
    list_clear(&c->toolsets);
}
