/*
 * cli: the command line (and the two environment variables) turned into mcpc_options_t.
 *
 * Options may come before or after the command; "--" ends them. Every option is in one table, which
 * also writes --help.
 */
#ifndef MCPC_CLI_H
#define MCPC_CLI_H

#include <stddef.h>
#include <stdio.h>

#define MCPC_MAX_HEADER_OPTIONS 64
#define MCPC_DEFAULT_TIMEOUT_MS 30000
#define MCPC_DEFAULT_TOOL_TIMEOUT_MS 300000 /* proxy: a tools/call may be silent this long */

struct st_mcpc_command_t;

typedef struct st_mcpc_options_t {
    const char *url;                 /* --url, else $MCP_SERVER_ENDPOINT */
    const char *token;               /* --token, else $MCP_AUTH_TOKEN; NULL: none */
    int oauth_client_credentials;    /* --oauth-client-credentials */
    const char *oauth_client_id;     /* $MCP_OAUTH_CLIENT_ID, with the option */
    const char *oauth_client_secret; /* $MCP_OAUTH_CLIENT_SECRET, with the option */
    const char *oauth_issuer;        /* $MCP_OAUTH_ISSUER, with the option; NULL: unset */
    const char *cacert;
    const char *headers[MCPC_MAX_HEADER_OPTIONS];
    size_t num_headers;
    int timeout_ms;
    const char *protocol_version; /* NULL: negotiate */
    const char *log_level;        /* --log-level, checked to be a level; NULL: none */
    const char *elicit;           /* --elicit, checked: "decline", "cancel" or a JSON object; NULL: decline */
    const char *args_json;        /* --args */
    int aws_sigv4;                /* --aws-sigv4: sign every request (sigv4.h) */
    const char *aws_service;      /* --aws-service; NULL: inferred from the host */
    const char *aws_region;       /* --aws-region; NULL: from the host or the configuration */
    const char *aws_profile;      /* --aws-profile; NULL: the default chain */
    int read_only;                /* proxy --read-only: only tools annotated readOnlyHint */
    int tool_timeout_ms;          /* proxy --tool-timeout */
    const char *admin_url;        /* admin: --admin-url, else $MCP_ADMIN_ENDPOINT */
    const char *kind;             /* admin --kind: tool (default), resource or prompt */
    const char *if_match;         /* admin --if-match: the version an update or delete expects */
    int json;
    int verbose;
    int help;
    int version;
    const struct st_mcpc_command_t *command;
    char **words; /* the command's arguments (borrowed from argv; the array is owned) */
    size_t num_words;
} mcpc_options_t;

/*
 * Parses argv. Returns 0 (with help or version set, nothing else is checked), or MCPC_ERR_USAGE with the
 * reason in err. Release with mcpc_cli_dispose() either way.
 */
int mcpc_cli_parse(int argc, char **argv, mcpc_options_t *o, char *err, size_t err_len);
void mcpc_cli_dispose(mcpc_options_t *o);
void mcpc_cli_usage(FILE *f);

#endif
