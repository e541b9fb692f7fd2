/*
 * Tests of the MCP core through its front-door interface (core.h): HTTP-level refusals, JSON-RPC
 * envelopes, batches, pagination, and tools on worker threads streaming their output. No socket:
 * requests go straight into mcp_handle().
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"
#include "test.h"

static mcp_config_t config;
static mcp_server_t *server;

typedef struct st_exchange_result_t {
    int status;
    char *body;
    char headers[1024];
} exchange_result_t;

static exchange_result_t last;

static const char *
header(const char *name)
{
    static char value[256];
    const char *p = strstr(last.headers, name);
    if (p == NULL)
        return NULL;
    p += strlen(name) + 1;
    size_t n = strcspn(p, "\n");
    snprintf(value, sizeof(value), "%.*s", (int)n, p);
    return value;
}

/* Sends one request; extra headers come as "name: value" strings, NULL-terminated. */
static void
send_req(const char *method, const char *path, const char *body, const char *const *extra, int use_defaults)
{
    mcp_header_t hs[16];
    size_t n = 0;
    char names[16][64], values[16][256];
    if (use_defaults) {
        static const char *const defaults[][2] = {
            {"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}, {"Host", "127.0.0.1:8080"}};
        for (size_t i = 0; i != 3; ++i)
            hs[n++] = (mcp_header_t){defaults[i][0], strlen(defaults[i][0]), defaults[i][1], strlen(defaults[i][1])};
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL; ++i) {
        const char *colon = strchr(extra[i], ':');
        snprintf(names[i], sizeof(names[i]), "%.*s", (int)(colon - extra[i]), extra[i]);
        snprintf(values[i], sizeof(values[i]), "%s", colon + 2);
        hs[n++] = (mcp_header_t){names[i], strlen(names[i]), values[i], strlen(values[i])};
    }
    mcp_http_request_t req = {.method = method,
                              .method_len = strlen(method),
                              .path = path,
                              .path_len = strlen(path),
                              .headers = hs,
                              .num_headers = n,
                              .body = body,
                              .body_len = body != NULL ? strlen(body) : 0,
                              .can_stream = 1};
    mcp_response_t res;
    mcp_handle(server, &req, &res);
    free(last.body);
    last.status = res.status;
    last.headers[0] = '\0';
    for (size_t i = 0; i != res.num_headers; ++i) {
        size_t len = strlen(last.headers);
        snprintf(last.headers + len, sizeof(last.headers) - len, "%.*s:%.*s\n", (int)res.headers[i].name_len, res.headers[i].name,
                 (int)res.headers[i].value_len, res.headers[i].value);
    }
    if (res.stream != NULL) {
        buf_t out = BUF_INIT(0);
        CHECK(mcp_stream_wait(res.stream, mcp_now_ms() + 10000) == 1);
        CHECK(mcp_stream_take(res.stream, &out) == 1);
        mcp_stream_release(res.stream);
        last.body = buf_release(&out, NULL);
    } else {
        last.body = res.body != NULL ? strndup(res.body, res.body_len) : NULL;
    }
    mcp_response_dispose(&res);
}

static void
post(const char *body)
{
    send_req("POST", "/mcp", body, NULL, 1);
}

static void
post_with(const char *body, const char *const *extra)
{
    send_req("POST", "/mcp", body, extra, 1);
}

static int
body_has(const char *s)
{
    return last.body != NULL && strstr(last.body, s) != NULL;
}

static void
test_http_refusals(void)
{
    send_req("POST", "/other", "{}", NULL, 1);
    CHECK(last.status == 404);
    send_req("GET", "/mcp", NULL, NULL, 1);
    CHECK(last.status == 405);
    CHECK_STR(header("allow"), "POST");
    CHECK(body_has("\"code\":-32000") && body_has("\"id\":null"));
    send_req("DELETE", "/mcp", NULL, NULL, 1);
    CHECK(last.status == 405);

    const char *const json_only[] = {"Content-Type: application/json", "Accept: application/json", NULL};
    send_req("POST", "/mcp", "{}", json_only, 0);
    CHECK(last.status == 406);
    const char *const wildcard[] = {"Content-Type: application/json", "Accept: */*", NULL};
    send_req("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", wildcard, 0);
    CHECK(last.status == 200);
    const char *const q0[] = {"Content-Type: application/json", "Accept: application/json, text/event-stream;q=0", NULL};
    send_req("POST", "/mcp", "{}", q0, 0);
    CHECK(last.status == 406);
    const char *const text[] = {"Content-Type: text/plain", "Accept: application/json, text/event-stream", NULL};
    send_req("POST", "/mcp", "{}", text, 0);
    CHECK(last.status == 415);
    const char *const charset[] = {"Content-Type: Application/JSON; charset=utf-8", "Accept: application/json, text/event-stream",
                                   NULL};
    send_req("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", charset, 0);
    CHECK(last.status == 200);

    const char *const bad_version[] = {"MCP-Protocol-Version: 1999-01-01", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", bad_version);
    CHECK(last.status == 400 && body_has("-32000"));

    char *big = malloc(config.max_body_bytes + 2);
    memset(big, ' ', config.max_body_bytes + 1);
    big[config.max_body_bytes + 1] = '\0';
    post(big);
    CHECK(last.status == 413);
    big[config.max_body_bytes] = '\0';
    post(big);
    CHECK(last.status == 400 && body_has("-32700")); /* at the limit it is parsed: all spaces */
    free(big);
}

static void
test_host_and_origin(void)
{
    const char *const evil_origin[] = {"Origin: http://evil.example.com", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", evil_origin);
    CHECK(last.status == 403);
    const char *const good_origin[] = {"Origin: http://localhost:3000", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", good_origin);
    CHECK(last.status == 200);
    CHECK_STR(header("access-control-allow-origin"), "http://localhost:3000");
    const char *const api_origin[] = {"Origin: https://app.example.com", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", api_origin);
    CHECK(last.status == 200); /* *.example.com over https is configured */
    const char *const http_origin[] = {"Origin: http://app.example.com", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", http_origin);
    CHECK(last.status == 403); /* wrong scheme */
    const char *const suffix_trick[] = {"Origin: https://example.com.evil.net", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", suffix_trick);
    CHECK(last.status == 403);

    const char *const gw_host[] = {"Content-Type: application/json", "Accept: application/json, text/event-stream",
                                   "Host: abc123.execute-api.ap-southeast-2.amazonaws.com", NULL};
    send_req("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", gw_host, 0);
    CHECK(last.status == 200);
    const char *const evil_host[] = {"Content-Type: application/json", "Accept: application/json, text/event-stream",
                                     "Host: evil.example.com", NULL};
    send_req("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", evil_host, 0);
    CHECK(last.status == 403);
    const char *const port_host[] = {"Content-Type: application/json", "Accept: application/json, text/event-stream",
                                     "Host: api.test:8443", NULL};
    send_req("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", port_host, 0);
    CHECK(last.status == 200);
    const char *const wrong_port[] = {"Content-Type: application/json", "Accept: application/json, text/event-stream",
                                      "Host: api.test:8444", NULL};
    send_req("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", wrong_port, 0);
    CHECK(last.status == 403);

    const char *const preflight[] = {"Origin: http://127.0.0.1:5173", NULL};
    send_req("OPTIONS", "/mcp", NULL, preflight, 1);
    CHECK(last.status == 204);
    CHECK(header("access-control-allow-headers") != NULL && strstr(header("access-control-allow-headers"), "mcp-protocol-version"));
}

static void
test_jsonrpc(void)
{
    post("{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"ping\"}");
    CHECK_STR(last.body, "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"result\":{}}");
    post("{\"jsonrpc\":\"2.0\",\"id\":\"a\\u00e9\",\"method\":\"ping\"}");
    CHECK_STR(last.body, "{\"jsonrpc\":\"2.0\",\"id\":\"a\xc3\xa9\",\"result\":{}}");
    post("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}");
    CHECK(last.status == 400 && body_has("-32600") && body_has("\"id\":null"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}");
    CHECK(last.status == 400 && body_has("-32600"));
    post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"}");
    CHECK(last.status == 200 && body_has("-32601") && body_has("\"id\":3"));
    post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    CHECK(last.status == 202 && last.body == NULL && header("content-type") == NULL);
    post("{\"jsonrpc\":\"2.0\",\"method\":\"no/such/notification\"}");
    CHECK(last.status == 202);
    post("{\"jsonrpc\":\"2.0\",\"id\":\"srv-unknown\",\"result\":{}}");
    CHECK(last.status == 202);
    post("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}");
    CHECK(last.status == 400 && body_has("-32600"));
    post("[1,2");
    CHECK(last.status == 400 && body_has("-32700"));
    post("7");
    CHECK(last.status == 400 && body_has("-32600"));
}

static void
test_initialize(void)
{
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
         "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    CHECK(body_has("\"protocolVersion\":\"2025-06-18\""));
    CHECK(body_has("\"completions\":{}") && body_has("\"logging\":{}"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2030-01-01\",\"capabilities\":{}}}");
    CHECK(body_has("\"protocolVersion\":\"2025-11-25\""));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}");
    CHECK(body_has("-32602"));
}

static void
test_batches(void)
{
    /* no MCP-Protocol-Version header: 2025-03-26, where batches exist */
    post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"},"
         "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"nope\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\","
         "\"params\":{\"protocolVersion\":\"2025-03-26\"}},5]");
    CHECK(last.status == 200);
    CHECK(last.body != NULL && last.body[0] == '[');
    CHECK(body_has("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
    CHECK(body_has("\"id\":\"b\",\"error\":{\"code\":-32601"));
    CHECK(body_has("\"id\":2,\"error\":{\"code\":-32600"));
    CHECK(body_has("\"id\":null,\"error\":{\"code\":-32600"));
    post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]");
    CHECK(last.status == 202);
    post("[]");
    CHECK(last.status == 400 && body_has("-32600"));
    const char *const v0618[] = {"MCP-Protocol-Version: 2025-06-18", NULL};
    post_with("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", v0618);
    CHECK(last.status == 400 && body_has("-32600"));
}

static void
test_pagination(void)
{
    /* the test server lists one item per page */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    CHECK(body_has("nextCursor"));
    size_t seen = 0;
    char cursor[64] = "";
    for (int guard = 0; guard < 100; ++guard) {
        char req[256];
        if (cursor[0] == '\0')
            snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        else
            snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"%s\"}}",
                     cursor);
        post(req);
        CHECK(body_has("\"tools\":[{"));
        ++seen;
        const char *next = strstr(last.body, "\"nextCursor\":\"");
        if (next == NULL)
            break;
        next += 14;
        snprintf(cursor, sizeof(cursor), "%.*s", (int)strcspn(next, "\""), next);
    }
    CHECK(seen >= 3); /* ping, get_time, get_weather at least */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"bogus!\"}}");
    CHECK(body_has("-32602"));
    /* a cursor of another list is refused */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/list\",\"params\":{\"cursor\":\"dDox\"}}");
    CHECK(body_has("-32602"));
}

static void
test_tools(void)
{
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}");
    CHECK(body_has("\"structuredContent\":{"));
    CHECK(!body_has("isError"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_weather\",\"arguments\":{\"city\":5}}}");
    CHECK(body_has("\"isError\":true") && body_has("Invalid arguments"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_weather\",\"arguments\":[]}}");
    CHECK(body_has("-32602"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}");
    CHECK(body_has("-32602"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"test_simple_text\"}}");
    CHECK(body_has("\"type\":\"text\""));
}

static void
test_worker_stream(void)
{
    post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"test_tool_with_progress\","
         "\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}");
    CHECK(last.status == 200);
    CHECK_STR(header("content-type"), "text/event-stream");
    const char *p1 = last.body ? strstr(last.body, "\"progress\":0") : NULL;
    const char *p2 = last.body ? strstr(last.body, "\"progress\":50") : NULL;
    const char *p3 = last.body ? strstr(last.body, "\"progress\":100") : NULL;
    const char *result = last.body ? strstr(last.body, "\"id\":9,\"result\"") : NULL;
    CHECK(p1 && p2 && p3 && result && p1 < p2 && p2 < p3 && p3 < result);
}

static void
test_logging_and_completion(void)
{
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}");
    CHECK(body_has("\"result\":{}"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}");
    CHECK(body_has("-32602"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/prompt\","
         "\"name\":\"test_prompt_with_arguments\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"}}}");
    CHECK(body_has("\"completion\":{\"values\":["));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/prompt\","
         "\"name\":\"nope\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"}}}");
    CHECK(body_has("-32602"));
}

static void
test_resources_and_prompts(void)
{
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"test://template/123/data\"}}");
    CHECK(body_has("123"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"test://template/a%2Fb%22/data\"}}");
    CHECK(body_has("Data for ID: a/b")); /* the variable reaches the reader percent-decoded */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"test://template/a%2/data\"}}");
    CHECK(body_has("-32002"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"test://template/a%00/data\"}}");
    CHECK(body_has("-32002"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"test://static-text\"}}");
    CHECK(body_has("-32602"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"test://nothing\"}}");
    CHECK(body_has("-32002") && body_has("\"data\":{\"uri\":\"test://nothing\"}"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"no scheme\"}}");
    CHECK(body_has("-32602"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"test://watched-resource\"}}");
    CHECK(body_has("\"result\":{}"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":\"test_prompt_with_arguments\","
         "\"arguments\":{\"arg1\":\"A\"}}}");
    CHECK(body_has("-32602")); /* arg2 missing */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":\"test_prompt_with_arguments\","
         "\"arguments\":{\"arg1\":\"A1\",\"arg2\":\"B2\"}}}");
    CHECK(body_has("A1") && body_has("B2"));
}

int
main(void)
{
    char *argv[] = {"test", "--toolsets", "default,conformance", "--page-size", "1", "--max-body-bytes", "4096",
                    "--allowed-hosts", "localhost,127.0.0.1,*.execute-api.ap-southeast-2.amazonaws.com,api.test:8443",
                    "--allowed-origins", "http://localhost,http://127.0.0.1,https://*.example.com", NULL};
    char err[256];
    if (config_parse(&config, sizeof(argv) / sizeof(argv[0]) - 1, argv, err, sizeof(err)) != CONFIG_OK) {
        fprintf(stderr, "config: %s\n", err);
        return 1;
    }
    log_set_level(LOG_ERROR);
    if ((server = mcp_server_new(&config, err, sizeof(err))) == NULL) {
        fprintf(stderr, "server: %s\n", err);
        return 1;
    }
    RUN(test_http_refusals);
    RUN(test_host_and_origin);
    RUN(test_jsonrpc);
    RUN(test_initialize);
    RUN(test_batches);
    RUN(test_pagination);
    RUN(test_tools);
    RUN(test_worker_stream);
    RUN(test_logging_and_completion);
    RUN(test_resources_and_prompts);
    free(last.body);
    mcp_server_free(server);
    config_dispose(&config);
    return TEST_REPORT("test_transport");
}
