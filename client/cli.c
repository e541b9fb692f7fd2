/* cli.c: command-line options (cli.h). */
#include "cli.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "mcpc_errors.h"
#include "mrtr.h"
#include "negotiate.h"

enum { OPT_STRING, OPT_FLAG, OPT_HEADER, OPT_TIMEOUT };

/* The log levels of the protocol (RFC 5424 severities), least severe first. */
static const char *const log_levels[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency", NULL};

/*
 * The options.
 *   name     the long form, without its dashes
 *   short_   the one-letter form, or 0
 *   value    the value's name in --help, NULL for a flag
 *   kind     how the value is stored: OPT_STRING and OPT_FLAG at offset, the others by their own rule
 *   offset   of the field in mcpc_options_t
 *   help     for --help
 */
static const struct {
    const char *name;
    char short_;
    const char *value;
    int kind;
    size_t offset;
    const char *help;
} options[] = {
    {"url", 0, "URL", OPT_STRING, offsetof(mcpc_options_t, url), "the MCP endpoint (default: $MCP_SERVER_ENDPOINT)"},
    {"token", 0, "TOKEN", OPT_STRING, offsetof(mcpc_options_t, token),
     "sent as 'Authorization: Bearer TOKEN' (default: $MCP_AUTH_TOKEN; prefer it: options show in ps)"},
    {"oauth-client-credentials", 0, NULL, OPT_FLAG, offsetof(mcpc_options_t, oauth_client_credentials),
     "get the token from the server's OAuth authorization server (client credentials grant): client id and secret from "
     "$MCP_OAUTH_CLIENT_ID and $MCP_OAUTH_CLIENT_SECRET; $MCP_OAUTH_ISSUER, if set, is the only authorization server trusted"},
    {"header", 'H', "'NAME: VALUE'", OPT_HEADER, 0, "an extra request header; repeatable; replaces a default of the same name"},
    {"cacert", 0, "FILE", OPT_STRING, offsetof(mcpc_options_t, cacert),
     "trust the CA certificates in FILE (PEM) instead of the system's"},
    {"timeout", 0, "SECONDS", OPT_TIMEOUT, offsetof(mcpc_options_t, timeout_ms),
     "give up connecting, or waiting for data, after this long (default 30)"},
    {"protocol-version", 0, "VERSION", OPT_STRING, offsetof(mcpc_options_t, protocol_version),
     "speak this protocol revision (default: the newest the server and mcp-client share)"},
    {"log-level", 0, "LEVEL", OPT_STRING, offsetof(mcpc_options_t, log_level),
     "ask for log messages at LEVEL and above (debug, info, notice, warning, error, critical, alert, emergency)"},
    {"elicit", 0, "ANSWER", OPT_STRING, offsetof(mcpc_options_t, elicit),
     "answer a server's elicitation: decline (default), cancel, or a JSON object to accept with (2026-07-28)"},
    {"args", 0, "JSON", OPT_STRING, offsetof(mcpc_options_t, args_json), "call: the tool's arguments as one JSON object"},
    {"aws-sigv4", 0, NULL, OPT_FLAG, offsetof(mcpc_options_t, aws_sigv4),
     "sign every request with AWS SigV4 (IAM: Function URLs, API Gateway, AgentCore), credentials as AWS tools find them"},
    {"aws-service", 0, "NAME", OPT_STRING, offsetof(mcpc_options_t, aws_service),
     "the service to sign for (default: from the host: lambda, execute-api, bedrock-agentcore)"},
    {"aws-region", 0, "REGION", OPT_STRING, offsetof(mcpc_options_t, aws_region),
     "the region to sign for (default: from the host, else AWS_REGION or the profile's)"},
    {"aws-profile", 0, "NAME", OPT_STRING, offsetof(mcpc_options_t, aws_profile),
     "take the credentials from this profile of ~/.aws/credentials or ~/.aws/config"},
    {"read-only", 0, NULL, OPT_FLAG, offsetof(mcpc_options_t, read_only),
     "proxy: offer and call only the tools annotated readOnlyHint: true"},
    {"tool-timeout", 0, "SECONDS", OPT_TIMEOUT, offsetof(mcpc_options_t, tool_timeout_ms),
     "proxy: how long a tools/call may wait for data from the server (default 300)"},
    {"admin-url", 0, "URL", OPT_STRING, offsetof(mcpc_options_t, admin_url),
     "admin: the registry's admin API (default: $MCP_ADMIN_ENDPOINT)"},
    {"kind", 0, "KIND", OPT_STRING, offsetof(mcpc_options_t, kind), "admin: tool (default), resource or prompt"},
    {"if-match", 0, "VERSION", OPT_STRING, offsetof(mcpc_options_t, if_match),
     "admin: the version update or delete expects (412 if the record has moved on)"},
    {"json", 0, NULL, OPT_FLAG, offsetof(mcpc_options_t, json), "print results as JSON, and notifications as JSON lines on stderr"},
    {"verbose", 'v', NULL, OPT_FLAG, offsetof(mcpc_options_t, verbose),
     "show HTTP request and response heads on stderr (credentials redacted)"},
    {"help", 'h', NULL, OPT_FLAG, offsetof(mcpc_options_t, help), "show this help"},
    {"version", 0, NULL, OPT_FLAG, offsetof(mcpc_options_t, version), "show mcp-client's version"},
};
#define NUM_OPTIONS (sizeof(options) / sizeof(options[0]))

static int
find_option(const char *arg, size_t *index, const char **inline_value)
{
    *inline_value = NULL;
    if (arg[1] != '-') {
        for (size_t i = 0; i != NUM_OPTIONS; ++i) {
            if (options[i].short_ != 0 && arg[1] == options[i].short_ && arg[2] == '\0') {
                *index = i;
                return 0;
            }
        }
        return -1;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    for (size_t i = 0; i != NUM_OPTIONS; ++i) {
        if (strlen(options[i].name) == len && memcmp(options[i].name, name, len) == 0) {
            *index = i;
            *inline_value = eq != NULL ? eq + 1 : NULL;
            return 0;
        }
    }
    return -1;
}

static int
set_option(mcpc_options_t *o, size_t i, const char *value, char *err, size_t err_len)
{
    char *end;
    double seconds;
    switch (options[i].kind) {
    case OPT_STRING:
        *(const char **)((char *)o + options[i].offset) = value;
        return 0;
    case OPT_FLAG:
        *(int *)((char *)o + options[i].offset) = 1;
        return 0;
    case OPT_HEADER:
        if (o->num_headers == MCPC_MAX_HEADER_OPTIONS) {
            snprintf(err, err_len, "at most %d --header options", MCPC_MAX_HEADER_OPTIONS);
            return MCPC_ERR_USAGE;
        }
        o->headers[o->num_headers++] = value;
        return 0;
    case OPT_TIMEOUT:
        seconds = strtod(value, &end);
        if (end == value || *end != '\0' || !isfinite(seconds) || seconds < 0.001 || seconds > 86400) {
            snprintf(err, err_len, "--%s must be a number of seconds from 0.001 to 86400", options[i].name);
            return MCPC_ERR_USAGE;
        }
        *(int *)((char *)o + options[i].offset) = (int)(seconds * 1000);
        return 0;
    }
    return MCPC_ERR_USAGE;
}

static const char *
env_or_null(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The checks that need the whole command line. */
static int
validate(mcpc_options_t *o, char *err, size_t err_len)
{
    if (o->command == NULL) {
        snprintf(err, err_len, "no command given");
        return MCPC_ERR_USAGE;
    }
    if (o->num_words < o->command->min_words || o->num_words > o->command->max_words) {
        snprintf(err, err_len, "usage: mcp-client %s%s%s", o->command->name, o->command->synopsis[0] != '\0' ? " " : "",
                 o->command->synopsis);
        return MCPC_ERR_USAGE;
    }
    if (o->args_json != NULL) {
        if (!o->command->takes_args) {
            snprintf(err, err_len, "--args is for the call command");
            return MCPC_ERR_USAGE;
        }
        if (o->num_words > 1) {
            snprintf(err, err_len, "give the arguments as key=value words or with --args, not both");
            return MCPC_ERR_USAGE;
        }
        arena_t scratch;
        arena_init(&scratch, 0);
        json_value_t *v;
        int object = json_parse(&scratch, o->args_json, strlen(o->args_json), 64, &v) == 0 && v->type == JSON_OBJECT;
        arena_dispose(&scratch);
        if (!object) {
            snprintf(err, err_len, "--args must be a JSON object");
            return MCPC_ERR_USAGE;
        }
    }
    int admin = strcmp(o->command->name, "admin") == 0, proxy = strcmp(o->command->name, "proxy") == 0;
    if ((o->read_only || o->tool_timeout_ms != 0) && !proxy) {
        snprintf(err, err_len, "--read-only and --tool-timeout are for the proxy command");
        return MCPC_ERR_USAGE;
    }
    if ((o->admin_url != NULL || o->kind != NULL || o->if_match != NULL) && !admin) {
        snprintf(err, err_len, "--admin-url, --kind and --if-match are for the admin command");
        return MCPC_ERR_USAGE;
    }
    if (o->tool_timeout_ms == 0)
        o->tool_timeout_ms = MCPC_DEFAULT_TOOL_TIMEOUT_MS;
    if (admin) {
        /* the admin API is its own endpoint, signed with SigV4 */
        if ((o->url = o->admin_url != NULL ? o->admin_url : env_or_null("MCP_ADMIN_ENDPOINT")) == NULL) {
            snprintf(err, err_len, "no admin endpoint: use --admin-url or set MCP_ADMIN_ENDPOINT");
            return MCPC_ERR_USAGE;
        }
        o->aws_sigv4 = 1;
        if (o->kind != NULL && strcmp(o->kind, "tool") != 0 && strcmp(o->kind, "resource") != 0 && strcmp(o->kind, "prompt") != 0) {
            snprintf(err, err_len, "--kind must be tool, resource or prompt");
            return MCPC_ERR_USAGE;
        }
    } else if (o->url == NULL && (o->url = env_or_null("MCP_SERVER_ENDPOINT")) == NULL) {
        snprintf(err, err_len, "no endpoint: use --url or set MCP_SERVER_ENDPOINT");
        return MCPC_ERR_USAGE;
    }
    if (o->oauth_client_credentials) {
        if (o->token != NULL) {
            snprintf(err, err_len, "--token and --oauth-client-credentials exclude each other");
            return MCPC_ERR_USAGE;
        }
        if (o->aws_sigv4) {
            snprintf(err, err_len, "--aws-sigv4 and --oauth-client-credentials exclude each other");
            return MCPC_ERR_USAGE;
        }
        o->oauth_client_id = env_or_null("MCP_OAUTH_CLIENT_ID");
        o->oauth_client_secret = env_or_null("MCP_OAUTH_CLIENT_SECRET");
        o->oauth_issuer = env_or_null("MCP_OAUTH_ISSUER");
        if (o->oauth_client_id == NULL || o->oauth_client_secret == NULL) {
            snprintf(err, err_len,
                     "--oauth-client-credentials needs MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET in the environment");
            return MCPC_ERR_USAGE;
        }
        if (o->oauth_issuer != NULL && strncmp(o->oauth_issuer, "https://", 8) != 0) {
            snprintf(err, err_len, "MCP_OAUTH_ISSUER must be an https:// URL");
            return MCPC_ERR_USAGE;
        }
    } else if (o->token == NULL && !o->aws_sigv4) { /* with --aws-sigv4 a token in the environment is not for this endpoint */
        o->token = env_or_null("MCP_AUTH_TOKEN");
    }
    if (!o->aws_sigv4 && (o->aws_service != NULL || o->aws_region != NULL || o->aws_profile != NULL)) {
        snprintf(err, err_len, "--aws-service, --aws-region and --aws-profile go with --aws-sigv4");
        return MCPC_ERR_USAGE;
    }
    if (o->aws_sigv4 && o->token != NULL) {
        /* SigV4 is the Authorization header: a second credential must travel in a header of its own (-H) */
        snprintf(err, err_len,
                 "--aws-sigv4 signs with the Authorization header, so a bearer token (--token, MCP_AUTH_TOKEN) "
                 "cannot be sent too; pass it in another header with -H");
        return MCPC_ERR_USAGE;
    }
    if (o->protocol_version != NULL && mcpc_protocol_find(o->protocol_version) == NULL) {
        size_t len = (size_t)snprintf(err, err_len, "--protocol-version must be one of:");
        for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; v->version != NULL && len < err_len; ++v)
            len += (size_t)snprintf(err + len, err_len - len, " %s", v->version);
        return MCPC_ERR_USAGE;
    }
    if (o->log_level != NULL) {
        const char *const *l = log_levels;
        while (*l != NULL && strcmp(*l, o->log_level) != 0)
            ++l;
        if (*l == NULL) {
            snprintf(err, err_len, "--log-level must be debug, info, notice, warning, error, critical, alert or emergency");
            return MCPC_ERR_USAGE;
        }
    }
    mcpc_input_policy_t policy;
    if (o->elicit != NULL && mcpc_mrtr_parse_elicit(o->elicit, &policy) != 0) {
        snprintf(err, err_len, "--elicit must be decline, cancel or a JSON object (the content to accept with)");
        return MCPC_ERR_USAGE;
    }
    return 0;
}

int
mcpc_cli_parse(int argc, char **argv, mcpc_options_t *o, char *err, size_t err_len)
{
    memset(o, 0, sizeof(*o));
    o->timeout_ms = MCPC_DEFAULT_TIMEOUT_MS;
    if ((o->words = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*o->words))) == NULL)
        return MCPC_ERR_NOMEM;
    int options_done = 0;
    for (int a = 1; a < argc; ++a) {
        const char *arg = argv[a];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (o->command != NULL) {
                o->words[o->num_words++] = argv[a];
            } else if ((o->command = mcpc_command_find(arg)) == NULL) {
                snprintf(err, err_len, "unknown command '%s'", arg);
                return MCPC_ERR_USAGE;
            }
            continue;
        }
        size_t i;
        const char *value;
        if (find_option(arg, &i, &value) != 0) {
            snprintf(err, err_len, "unknown option '%s' (an argument starting with '-' goes after '--')", arg);
            return MCPC_ERR_USAGE;
        }
        if (options[i].value == NULL && value != NULL) {
            snprintf(err, err_len, "--%s takes no value", options[i].name);
            return MCPC_ERR_USAGE;
        }
        if (options[i].value != NULL && value == NULL) {
            if (a + 1 == argc) {
                snprintf(err, err_len, "--%s needs a value (%s)", options[i].name, options[i].value);
                return MCPC_ERR_USAGE;
            }
            value = argv[++a];
        }
        int ret = set_option(o, i, value, err, err_len);
        if (ret != 0)
            return ret;
    }
    if (o->help || o->version)
        return 0;
    return validate(o, err, err_len);
}

void
mcpc_cli_dispose(mcpc_options_t *o)
{
    free(o->words);
    o->words = NULL;
}

void
mcpc_cli_usage(FILE *f)
{
    fputs("Usage: mcp-client [OPTIONS] COMMAND [ARGUMENTS]\n\n"
          "A command-line client for MCP servers over Streamable HTTP (http:// and https://), with bearer tokens or\n"
          "AWS SigV4; a stdio bridge for MCP hosts (proxy); the tool registry's admin API (admin).\n\nCommands:\n",
          f);
    for (const mcpc_command_t *c = mcpc_commands; c->name != NULL; ++c) {
        char left[128];
        snprintf(left, sizeof(left), "%s %s", c->name, c->synopsis);
        if (strlen(left) > 30)
            fprintf(f, "  %s\n  %-30s %s\n", left, "", c->summary);
        else
            fprintf(f, "  %-30s %s\n", left, c->summary);
    }
    fputs("\nOptions:\n", f);
    for (size_t i = 0; i != NUM_OPTIONS; ++i) {
        char left[128], short_form[8] = "    ";
        if (options[i].short_ != 0)
            snprintf(short_form, sizeof(short_form), "-%c, ", options[i].short_);
        snprintf(left, sizeof(left), "%s--%s%s%s", short_form, options[i].name, options[i].value != NULL ? " " : "",
                 options[i].value != NULL ? options[i].value : "");
        fprintf(f, "  %-30s %s\n", left, options[i].help);
    }
    fputs("\nProtocol revisions:", f);
    for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; v->version != NULL; ++v)
        fprintf(f, " %s (%s)", v->version, mcpc_era_name(v->era));
    fputs("\n  mcp-client asks the server with server/discover and speaks the newest modern revision both\n"
          "  know; a server that does not know it gets initialize, offering the newest legacy revision.\n\n"
          "Arguments of call and prompt:\n"
          "  key=value    for call, sent as a string when the tool's inputSchema gives the property type\n"
          "               \"string\"; otherwise sent as JSON when it is valid JSON (42, true, [1,2]), else as a\n"
          "               string. For prompt, always a string.\n"
          "  key:=JSON    for call, always sent as JSON.\n\n"
          "Exit status:\n"
          "  0  success\n"
          "  1  the tool returned isError, the server answered with a JSON-RPC error, it needs input\n"
          "     mcp-client cannot give (sampling), or the admin API refused the request\n"
          "  2  usage error\n"
          "  3  transport error: connection, TLS, timeout, HTTP status, malformed or cut-off response\n"
          "  4  authentication refused (HTTP 401 or 403; the server's WWW-Authenticate challenge and AWS's\n"
          "     reason are shown), or --aws-sigv4 found no usable AWS credentials\n",
          f);
}
