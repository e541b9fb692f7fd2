/*
 * Tests of handler_ctx.c: each kind of handler writes its own kind of output, and a handler that emits
 * another kind (a resource reader calling mcp_text(), a tool calling mcp_contents_text()) fails its
 * request with -32603 instead of producing malformed JSON. Also tool_params.c: the schema a row list
 * generates, and start-up refusals of rows the server could not honour.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exchange.h"
#include "handler_ctx.h"
#include "test.h"
#include "tool_params.h"

static mcp_config_t config;
static mcp_server_t *server;

static const mcp_header_t headers[] = {{"content-type", 12, "application/json", 16}};
static const mcp_http_request_t http = {
    .method = "POST", .method_len = 4, .path = "/mcp", .path_len = 4, .headers = headers, .num_headers = 1};

/* A context of the kind for a fresh exchange; the caller frees both. */
static mcp_ctx_t *
new_ctx(mcp_ctx_kind_t kind, mcp_exchange_t **ex)
{
    static const json_value_t id = {.type = JSON_NUMBER, .u.num = {"1", 1}};
    *ex = exchange_new(server, &http);
    mcp_request_t *req = exchange_request(*ex);
    req->era = MCP_ERA_LEGACY;
    req->version = MCP_V2025_11_25;
    mcp_call_t call = {.ex = *ex, .req = req, .id = &id};
    return ctx_new(&call, kind);
}

/* Writes the kind's result into out and returns the writer's error code (0: written). */
static int
write_result(mcp_ctx_t *ctx, mcp_ctx_kind_t kind, buf_t *out, mcp_rpc_error_t *e)
{
    jsonw_t w;
    jsonw_init(&w, out);
    switch (kind) {
    case MCP_CTX_RESOURCE:
        return ctx_write_contents(ctx, &w, e);
    case MCP_CTX_PROMPT:
        return ctx_write_prompt(ctx, &w, NULL, e);
    case MCP_CTX_COMPLETION:
        return ctx_write_completion(ctx, &w, e);
    case MCP_CTX_TOOL:
        break;
    }
    return -1;
}

static void
test_right_kind(void)
{
    mcp_exchange_t *ex;
    mcp_ctx_t *ctx = new_ctx(MCP_CTX_RESOURCE, &ex);
    mcp_contents_text(ctx, "test://a", "text/plain", "A");
    buf_t out = BUF_INIT(0);
    mcp_rpc_error_t e = {0};
    CHECK(write_result(ctx, MCP_CTX_RESOURCE, &out, &e) == 0 && e.code == 0);
    CHECK(out.data != NULL && strstr(out.data, "\"contents\":[{\"uri\":\"test://a\"") != NULL);
    buf_dispose(&out);
    ctx_free(ctx);
    exchange_release(ex);
}

static void
test_wrong_kind(void)
{
    /* each emit function called from a handler of another kind */
    static const struct {
        mcp_ctx_kind_t kind;
        const char *what;
    } cases[] = {
        {MCP_CTX_RESOURCE, "mcp_text"},     {MCP_CTX_PROMPT, "mcp_image_base64"},      {MCP_CTX_COMPLETION, "mcp_resource_link"},
        {MCP_CTX_PROMPT, "mcp_completion"}, {MCP_CTX_COMPLETION, "mcp_contents_text"}, {MCP_CTX_RESOURCE, "mcp_prompt_text"},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        mcp_exchange_t *ex;
        mcp_ctx_t *ctx = new_ctx(cases[i].kind, &ex);
        if (strcmp(cases[i].what, "mcp_text") == 0)
            mcp_text(ctx, "a tool's content");
        else if (strcmp(cases[i].what, "mcp_image_base64") == 0)
            mcp_image_base64(ctx, "AAAA", "image/png");
        else if (strcmp(cases[i].what, "mcp_resource_link") == 0)
            mcp_resource_link(ctx, "test://x", "x", NULL, NULL);
        else if (strcmp(cases[i].what, "mcp_completion") == 0)
            mcp_completion(ctx, "value");
        else if (strcmp(cases[i].what, "mcp_contents_text") == 0)
            mcp_contents_text(ctx, "test://a", NULL, "A");
        else
            mcp_prompt_text(ctx, "user", "hi");
        CHECK(ctx_num_items(ctx) == 0); /* nothing of another kind is kept */
        buf_t out = BUF_INIT(0);
        mcp_rpc_error_t e = {0};
        CHECK(write_result(ctx, cases[i].kind, &out, &e) == JSONRPC_INTERNAL_ERROR);
        CHECK(e.code == JSONRPC_INTERNAL_ERROR && e.message != NULL && strstr(e.message, "another kind") != NULL);
        CHECK(out.len == 0); /* no half-written result */
        buf_dispose(&out);
        ctx_free(ctx);
        exchange_release(ex);
    }
}

#define GOOD_PARAMS(P)                                                                                                             \
    P(city, STRING, "City", .required = 1, .min_length = 1, .max_length = 100, .pattern = "^[^0-9]+$")                             \
    P(days, INTEGER, "Days ahead", .minimum = "0", .maximum = "14", .def = "3")                                                    \
    P(ratio, NUMBER, NULL, .def = "0.5")                                                                                           \
    P(verbose, BOOLEAN, NULL, .def = "false")                                                                                      \
    P(units, ENUM, NULL, .values = "metric|imperial", .def = "metric", .header = "Units")                                          \
    P(tags, STRINGS, NULL, .max_items = 3, .max_length = 8)
MCP_PARAMS(good, GOOD_PARAMS);

static void
test_generated_schema(void)
{
    buf_t out = BUF_INIT(0);
    char err[200] = "";
    CHECK(tool_params_schema(good_params_rows(), &out, err, sizeof(err)) == 0);
    CHECK_STR(out.data, "{\"type\":\"object\",\"properties\":{"
                        "\"city\":{\"type\":\"string\",\"description\":\"City\",\"minLength\":1,\"maxLength\":100,"
                        "\"pattern\":\"^[^0-9]+$\"},"
                        "\"days\":{\"type\":\"integer\",\"description\":\"Days ahead\",\"minimum\":0,\"maximum\":14,\"default\":3},"
                        "\"ratio\":{\"type\":\"number\",\"default\":0.5},"
                        "\"verbose\":{\"type\":\"boolean\",\"default\":false},"
                        "\"units\":{\"type\":\"string\",\"enum\":[\"metric\",\"imperial\"],\"default\":\"metric\","
                        "\"x-mcp-header\":\"Units\"},"
                        "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":8},\"maxItems\":3}},"
                        "\"required\":[\"city\"],\"additionalProperties\":false}");
    buf_dispose(&out);
}

/* Rows the server refuses at start, each with the reason. */
#define BAD_DEFAULT(P) P(n, INTEGER, NULL, .def = "1.5")
MCP_PARAMS(bad_default, BAD_DEFAULT);
#define BAD_ENUM(P) P(e, ENUM, NULL)
MCP_PARAMS(bad_enum, BAD_ENUM);
#define BAD_BOUND(P) P(s, STRING, NULL, .minimum = "1")
MCP_PARAMS(bad_bound, BAD_BOUND);
#define BAD_HEADER(P) P(list, STRINGS, NULL, .header = "List")
MCP_PARAMS(bad_header, BAD_HEADER);
#define BAD_ENUM_DEFAULT(P) P(e, ENUM, NULL, .values = "a|b", .def = "c")
MCP_PARAMS(bad_enum_default, BAD_ENUM_DEFAULT);
#define BAD_NAME(P) P(bad_name_because_it_is_far_too_long_for_a_parameter_name_of_a_tool_really, STRING, NULL)
MCP_PARAMS(bad_name, BAD_NAME);

static void
test_refused_rows(void)
{
    const struct {
        const mcp_param_t *rows;
        const char *why;
    } cases[] = {
        {bad_default_params_rows(), "default is not a value of its type"},
        {bad_enum_params_rows(), "needs .values"},
        {bad_bound_params_rows(), ".minimum and .maximum are JSON numbers, for INTEGER and NUMBER"},
        {bad_header_params_rows(), "cannot be mirrored in a header"},
        {bad_enum_default_params_rows(), "default is not a value of its type"},
        {bad_name_params_rows(), "a name is 1-64 of"},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        buf_t out = BUF_INIT(0);
        char err[200] = "";
        CHECK(tool_params_schema(cases[i].rows, &out, err, sizeof(err)) == -1);
        if (strstr(err, cases[i].why) == NULL)
            fprintf(stderr, "  case %zu: '%s'\n", i, err);
        CHECK(strstr(err, cases[i].why) != NULL);
        buf_dispose(&out);
    }
}

int
main(void)
{
    char *argv[] = {"test", NULL};
    char err[256];
    log_set_level(LOG_ERROR);
    if (config_parse(&config, 1, argv, err, sizeof(err)) != SETTINGS_OK ||
        (server = mcp_server_new(&config, err, sizeof(err))) == NULL) {
        fprintf(stderr, "setup: %s\n", err);
        return 1;
    }
    RUN(test_right_kind);
    RUN(test_wrong_kind);
    RUN(test_generated_schema);
    RUN(test_refused_rows);
    mcp_server_free(server);
    config_dispose(&config);
    return TEST_REPORT("test_handler_ctx");
}
