/* commands.c: the command table and each command (commands.h). */
#include "commands.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "arguments.h"
#include "headers.h"
#include "jsonw.h"
#include "mcpc_errors.h"
#include "proxy.h"
#include "text.h"

static int
usage(mcpc_run_t *run, const char *message)
{
    snprintf(run->error, sizeof(run->error), "%s", message);
    return MCPC_ERR_USAGE;
}

static void
print_items(mcpc_run_t *run, const char *key, const json_value_t *items,
            void (*render)(const mcpc_output_t *, const json_value_t *))
{
    if (run->output->json)
        mcpc_output_json(run->output, key, items);
    else
        render(run->output, items);
}

/* Lists every page of method and prints the items under key. */
static int
list(mcpc_run_t *run, const char *method, const char *key, void (*render)(const mcpc_output_t *, const json_value_t *))
{
    const json_value_t *items;
    int ret = mcpc_session_list(run->session, method, key, run->arena, &items);
    if (ret == 0)
        print_items(run, key, items, render);
    return ret;
}

/* Sends req and prints the result. */
static int
request(mcpc_run_t *run, const mcpc_request_t *req, void (*render)(const mcpc_output_t *, const json_value_t *),
        const json_value_t **result_out)
{
    const json_value_t *result;
    int ret = mcpc_session_request(run->session, req, run->arena, &result);
    if (ret != 0)
        return ret;
    if (run->output->json)
        mcpc_output_json(run->output, NULL, result);
    else
        render(run->output, result);
    if (result_out != NULL)
        *result_out = result;
    return 0;
}

static int
run_init(mcpc_run_t *run)
{
    const json_value_t *server = mcpc_session_server(run->session);
    if (run->output->json)
        mcpc_output_json(run->output, NULL, server);
    else
        mcpc_output_init(run->output, server, mcpc_session_era(run->session), mcpc_session_version(run->session));
    return 0;
}

/* In the modern era, whether a tool's x-mcp-header annotations are valid; the reason (cleaned) in why if not. */
static int
tool_is_valid(mcpc_run_t *run, const json_value_t *tool, char *why, size_t why_len)
{
    if (mcpc_session_era(run->session) != MCPC_ERA_MODERN)
        return 1;
    mcpc_param_header_t *params;
    size_t num;
    char raw[512];
    if (mcpc_headers_tool_params(json_get(tool, "inputSchema"), run->arena, &params, &num, raw, sizeof(raw)) == 0)
        return 1;
    buf_t shown = BUF_INIT(0);
    mcpc_text_snippet(&shown, raw, strlen(raw), why_len - 4);
    snprintf(why, why_len, "%s", shown.data != NULL ? shown.data : "");
    buf_dispose(&shown);
    return 0;
}

/* A tool's name, cleaned for a message (never empty). */
static void
tool_name(buf_t *out, const json_value_t *tool)
{
    const char *name = json_string(json_get(tool, "name"));
    if (name == NULL || name[0] == '\0')
        name = "(unnamed)";
    mcpc_text_snippet(out, name, strlen(name), 128);
}

static int
run_tools(mcpc_run_t *run)
{
    const json_value_t *tools;
    int ret = mcpc_session_list(run->session, "tools/list", "tools", run->arena, &tools);
    if (ret != 0)
        return ret;
    /* a tool with invalid x-mcp-header annotations cannot be called correctly, so it is not listed */
    json_value_t *shown = arena_alloc(run->arena, sizeof(*shown));
    json_value_t **items = tools->u.arr.len != 0 ? arena_alloc(run->arena, tools->u.arr.len * sizeof(*items)) : NULL;
    if (shown == NULL || (tools->u.arr.len != 0 && items == NULL)) {
        snprintf(run->error, sizeof(run->error), "%s", mcpc_strerror(MCPC_ERR_NOMEM));
        return MCPC_ERR_NOMEM;
    }
    *shown = (json_value_t){.type = JSON_ARRAY, .u.arr = {items, 0}};
    for (size_t i = 0; i != tools->u.arr.len; ++i) {
        char why[300];
        if (tool_is_valid(run, tools->u.arr.items[i], why, sizeof(why))) {
            items[shown->u.arr.len++] = tools->u.arr.items[i];
        } else {
            buf_t name = BUF_INIT(0);
            tool_name(&name, tools->u.arr.items[i]);
            fprintf(run->output->err, "mcp-client: tool %s is not listed: its definition is invalid (%s)\n", name.data, why);
            buf_dispose(&name);
        }
    }
    print_items(run, "tools", shown, mcpc_output_tools);
    return 0;
}

/* The tool called name, from tools/list; NULL if the server does not list it. */
static int
find_tool(mcpc_run_t *run, const char *name, const json_value_t **tool)
{
    const json_value_t *tools;
    *tool = NULL;
    int ret = mcpc_session_list(run->session, "tools/list", "tools", run->arena, &tools);
    for (size_t i = 0; ret == 0 && i != tools->u.arr.len; ++i) {
        const char *n = json_string(json_get(tools->u.arr.items[i], "name"));
        if (n != NULL && strcmp(n, name) == 0)
            *tool = tools->u.arr.items[i];
    }
    return ret;
}

/* {"name": name, "arguments": <arguments>} into params. */
static void
name_and_arguments(buf_t *params, const char *name_key, const char *name, const char *arguments)
{
    jsonw_t w;
    jsonw_init(&w, params);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, name_key, name);
    jsonw_kv_raw(&w, "arguments", arguments);
    jsonw_object_end(&w);
}

static int
run_call(mcpc_run_t *run)
{
    const mcpc_options_t *o = run->options;
    const char *name = o->words[0];
    buf_t arguments = BUF_INIT(0), params = BUF_INIT(0);
    const json_value_t *tool = NULL;
    int ret = 0;
    char why[300];
    /* the schema types key=value words; in the modern era it also says which arguments are mirrored in headers */
    if (((o->args_json == NULL && o->num_words > 1) || mcpc_session_era(run->session) == MCPC_ERA_MODERN) &&
        (ret = find_tool(run, name, &tool)) != 0)
        goto Exit;
    if (tool != NULL && !tool_is_valid(run, tool, why, sizeof(why))) {
        buf_t shown = BUF_INIT(0);
        tool_name(&shown, tool);
        snprintf(run->error, sizeof(run->error), "%s: the server's definition of tool %s is invalid (%s), so it is not called",
                 mcpc_strerror(MCPC_ERR_BAD_MESSAGE), shown.data, why);
        buf_dispose(&shown);
        ret = MCPC_ERR_BAD_MESSAGE;
        goto Exit;
    }
    const json_value_t *schema = json_get(tool, "inputSchema");
    if (o->args_json != NULL)
        buf_append_str(&arguments, o->args_json); /* checked to be an object by cli.c */
    else if ((ret = mcpc_arguments_build(o->words + 1, o->num_words - 1, schema, 0, &arguments, run->error, sizeof(run->error))) !=
             0)
        goto Exit;
    name_and_arguments(&params, "name", name, arguments.data);
    const json_value_t *result;
    mcpc_request_t req = {.method = "tools/call", .params = params.data, .flags = MCPC_REQUEST_PROGRESS, .input_schema = schema};
    if ((ret = request(run, &req, mcpc_output_call, &result)) != 0)
        goto Exit;
    const json_value_t *is_error = json_get(result, "isError");
    if (is_error != NULL && is_error->type == JSON_TRUE)
        ret = MCPC_ERR_TOOL;
Exit:
    buf_dispose(&arguments);
    buf_dispose(&params);
    return ret;
}

static int
run_resources(mcpc_run_t *run)
{
    return list(run, "resources/list", "resources", mcpc_output_resources);
}

static int
run_templates(mcpc_run_t *run)
{
    return list(run, "resources/templates/list", "resourceTemplates", mcpc_output_templates);
}

static int
run_read(mcpc_run_t *run)
{
    buf_t params = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &params);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "uri", run->options->words[0]);
    jsonw_object_end(&w);
    mcpc_request_t req = {.method = "resources/read", .params = params.data};
    int ret = request(run, &req, mcpc_output_read, NULL);
    buf_dispose(&params);
    return ret;
}

static int
run_prompts(mcpc_run_t *run)
{
    return list(run, "prompts/list", "prompts", mcpc_output_prompts);
}

static int
run_prompt(mcpc_run_t *run)
{
    const mcpc_options_t *o = run->options;
    buf_t arguments = BUF_INIT(0), params = BUF_INIT(0);
    int ret = mcpc_arguments_build(o->words + 1, o->num_words - 1, NULL, 1, &arguments, run->error, sizeof(run->error));
    if (ret == 0) {
        name_and_arguments(&params, "name", o->words[0], arguments.data);
        mcpc_request_t req = {.method = "prompts/get", .params = params.data};
        ret = request(run, &req, mcpc_output_prompt, NULL);
    }
    buf_dispose(&arguments);
    buf_dispose(&params);
    return ret;
}

/* complete prompt NAME ARG VALUE [key=value ...] | complete resource URI ARG VALUE [key=value ...] */
static int
run_complete(mcpc_run_t *run)
{
    const mcpc_options_t *o = run->options;
    const char *kind = o->words[0];
    int is_prompt = strcmp(kind, "prompt") == 0;
    if (!is_prompt && strcmp(kind, "resource") != 0)
        return usage(run,
                     "usage: mcp-client complete prompt NAME ARG VALUE [key=value ...] | resource URI ARG VALUE [key=value ...]");
    /* context (the arguments already chosen) exists since 2025-06-18; ISO dates compare as strings */
    if (o->num_words > 4 && strcmp(mcpc_session_version(run->session), "2025-06-18") < 0)
        return usage(run, "completion context (key=value after VALUE) needs protocol revision 2025-06-18 or later");
    buf_t context = BUF_INIT(0), params = BUF_INIT(0);
    int ret = 0;
    if (o->num_words > 4 &&
        (ret = mcpc_arguments_build(o->words + 4, o->num_words - 4, NULL, 1, &context, run->error, sizeof(run->error))) != 0)
        goto Exit;
    jsonw_t w;
    jsonw_init(&w, &params);
    jsonw_object_begin(&w);
    jsonw_key(&w, "ref");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", is_prompt ? "ref/prompt" : "ref/resource");
    jsonw_kv_string(&w, is_prompt ? "name" : "uri", o->words[1]);
    jsonw_object_end(&w);
    jsonw_key(&w, "argument");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "name", o->words[2]);
    jsonw_kv_string(&w, "value", o->words[3]);
    jsonw_object_end(&w);
    if (context.len != 0) {
        jsonw_key(&w, "context");
        jsonw_object_begin(&w);
        jsonw_kv_raw(&w, "arguments", context.data);
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    mcpc_request_t req = {.method = "completion/complete", .params = params.data};
    ret = request(run, &req, mcpc_output_completion, NULL);
Exit:
    buf_dispose(&context);
    buf_dispose(&params);
    return ret;
}

static void
print_pong(const mcpc_output_t *o, const json_value_t *result)
{
    (void)result;
    fputs("pong\n", o->out);
}

/* 2026-07-28 has no ping: there, the cheapest request, server/discover, shows the server answers. */
static int
run_ping(mcpc_run_t *run)
{
    mcpc_request_t req = {.method = mcpc_session_era(run->session) == MCPC_ERA_MODERN ? "server/discover" : "ping"};
    return request(run, &req, print_pong, NULL);
}

/* The stdio bridge (proxy.h): the host's messages on stdin, the server's on stdout, notes on stderr. */
static int
run_proxy(mcpc_run_t *run)
{
    const mcpc_options_t *o = run->options;
    mcpc_proxy_config_t config = {
        .url = o->url,
        .token = o->token,
        .headers = o->headers,
        .num_headers = o->num_headers,
        .cacert = o->cacert,
        .timeout_ms = o->timeout_ms,
        .tool_timeout_ms = o->tool_timeout_ms,
        .read_only = o->read_only,
        .signer = run->signer,
        .trace = o->verbose ? stderr : NULL,
        .in = stdin,
        .out = stdout,
        .diag = stderr,
    };
    return mcpc_proxy_run(&config, run->error, sizeof(run->error));
}

const mcpc_command_t mcpc_commands[] = {
    {"init", "", "the server's name, protocol revision and era, and capabilities", 0, 0, 0, run_init},
    {"tools", "", "list the tools (every page)", 0, 0, 0, run_tools},
    {"call", "NAME [key=value ...]", "call a tool (or: call NAME --args '{\"key\": ...}')", 1, SIZE_MAX, 1, run_call},
    {"resources", "", "list the resources", 0, 0, 0, run_resources},
    {"read", "URI", "read a resource", 1, 1, 0, run_read},
    {"templates", "", "list the resource templates", 0, 0, 0, run_templates},
    {"prompts", "", "list the prompts", 0, 0, 0, run_prompts},
    {"prompt", "NAME [key=value ...]", "get a prompt", 1, SIZE_MAX, 0, run_prompt},
    {"complete", "prompt NAME|resource URI ARG VALUE [key=value ...]", "complete an argument's value", 4, SIZE_MAX, 0,
     run_complete},
    {"ping", "", "check that the server answers", 0, 0, 0, run_ping},
    {"proxy", "", "bridge stdio to the endpoint, for MCP hosts that launch stdio servers (see --read-only, --tool-timeout)", 0, 0,
     0, run_proxy, 1},
    {"admin", "register FILE|list|show NAME|update NAME FILE|delete NAME",
     "the tool registry's admin API (--admin-url), signed with SigV4 (see --kind, --if-match)", 1, 3, 0, mcpc_admin_run, 1},
    {NULL},
};

const mcpc_command_t *
mcpc_command_find(const char *name)
{
    for (const mcpc_command_t *c = mcpc_commands; c->name != NULL; ++c)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}
