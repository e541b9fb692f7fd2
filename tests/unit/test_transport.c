/*
 * Tests of the MCP core through its front-door interface (core.h): HTTP-level refusals, JSON-RPC
 * envelopes, batches, pagination, tools on worker threads streaming their output, and the 2026-07-28
 * era next to the legacy one (era selection, the mirrored headers, results, multi round-trip requests,
 * subscriptions/listen). No socket: requests go straight into mcp_handle().
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    char names[16][64], values[16][1024];
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
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{"
         "},"
         "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    CHECK(body_has("\"protocolVersion\":\"2025-06-18\""));
    CHECK(body_has("\"completions\":{}") && body_has("\"logging\":{}"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2030-01-01\",\"capabilities\":{"
         "}}}");
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
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/"
         "call\",\"params\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}");
    CHECK(body_has("\"structuredContent\":{"));
    CHECK(!body_has("isError"));
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/"
         "call\",\"params\":{\"name\":\"get_weather\",\"arguments\":{\"city\":5}}}");
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

/*
 * Responses a batch produced before its answer became an event stream are all in the stream, each framed once and
 * in order: a few (noted, and framed when the stream starts) and more than the exchange notes (framed as they come).
 */
static void
test_batch_then_stream(void)
{
    for (int pings = 2; pings <= 12; pings += 10) {
        buf_t body = BUF_INIT(0);
        buf_append_char(&body, '[');
        for (int i = 1; i <= pings; ++i)
            buf_printf(&body, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"},", i);
        buf_append_str(&body, "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"tools/call\",\"params\":{\"name\":"
                              "\"test_tool_with_progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}]");
        post(body.data);
        buf_dispose(&body);
        CHECK(last.status == 200);
        CHECK_STR(header("content-type"), "text/event-stream");
        const char *at = last.body;
        for (int i = 1; i <= pings && at != NULL; ++i) {
            char want[96];
            snprintf(want, sizeof(want), "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":{}}\n\n", i);
            const char *p = strstr(at, want);
            CHECK(p != NULL && strstr(p + 1, want) == NULL);
            at = p != NULL ? p + strlen(want) : NULL;
        }
        CHECK(at != NULL && strstr(at, "\"id\":99,\"result\"") != NULL);
    }
}

/*
 * The Lambda front door's last resort before its deadline: a tool still running is answered with an error
 * result at once, and its own result, when it comes, is dropped.
 */
static void
test_cut_off(void)
{
    static const char body[] = "{\"jsonrpc\":\"2.0\",\"id\":\"slow\",\"method\":\"tools/call\",\"params\":{\"name\":"
                               "\"test_tool_with_logging\",\"arguments\":{}}}";
    mcp_header_t hs[] = {{"Content-Type", 12, "application/json", 16}, {"Accept", 6, "application/json, text/event-stream", 35}};
    mcp_http_request_t req = {.method = "POST",
                              .method_len = 4,
                              .path = "/mcp",
                              .path_len = 4,
                              .headers = hs,
                              .num_headers = 2,
                              .body = body,
                              .body_len = sizeof(body) - 1,
                              .can_stream = 1};
    mcp_response_t res;
    mcp_handle(server, &req, &res);
    CHECK(res.stream != NULL); /* the tool runs on a worker and takes ~150 ms */
    if (res.stream == NULL) {
        mcp_response_dispose(&res);
        return;
    }
    mcp_stream_cut_off(res.stream);
    buf_t out = BUF_INIT(0);
    CHECK(mcp_stream_wait(res.stream, 0) == 1); /* complete at once */
    CHECK(mcp_stream_take(res.stream, &out) == 1);
    CHECK(out.data != NULL && strstr(out.data, "\"id\":\"slow\",\"result\"") != NULL &&
          strstr(out.data, "did not finish before the deadline") != NULL && strstr(out.data, "\"isError\":true") != NULL);
    /* the tool goes on until it notices the cancellation; whatever it returns never reaches the response */
    struct timespec pause = {0, 300 * 1000000};
    nanosleep(&pause, NULL);
    buf_reset(&out);
    CHECK(mcp_stream_take(res.stream, &out) == 1);
    CHECK(out.data == NULL || strstr(out.data, "\"result\"") == NULL);
    buf_dispose(&out);
    mcp_stream_release(res.stream);
    mcp_response_dispose(&res);
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

/* ---- 2026-07-28 ---- */

#define META_CAPS(caps)                                                                                                            \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                                                       \
    "\"io.modelcontextprotocol/clientCapabilities\":" caps "}"
#define META META_CAPS("{\"sampling\":{},\"elicitation\":{},\"roots\":{}}")

/*
 * A 2026-07-28 request as a conforming client sends it: params (members, may be empty) plus _meta with
 * caps, and MCP-Protocol-Version, Mcp-Method and Mcp-Name (when name is not NULL) headers, then extra.
 */
static void
post_modern_caps(const char *method, const char *name, const char *params, const char *caps, const char *const *extra)
{
    static char body[8192];
    snprintf(
        body, sizeof(body),
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"%s\",\"params\":{%s%s\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
        "\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":%s}}}",
        method, params, params[0] != '\0' ? "," : "", caps);
    const char *headers[16];
    char mcp_method[128], mcp_name[256];
    size_t n = 0;
    headers[n++] = "MCP-Protocol-Version: 2026-07-28";
    snprintf(mcp_method, sizeof(mcp_method), "Mcp-Method: %s", method);
    headers[n++] = mcp_method;
    if (name != NULL) {
        snprintf(mcp_name, sizeof(mcp_name), "Mcp-Name: %s", name);
        headers[n++] = mcp_name;
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 12; ++i)
        headers[n++] = extra[i];
    headers[n] = NULL;
    post_with(body, headers);
}

static void
post_modern(const char *method, const char *name, const char *params, const char *const *extra)
{
    post_modern_caps(method, name, params, "{\"sampling\":{},\"elicitation\":{},\"roots\":{}}", extra);
}

/* The value of a JSON string member in the last body ("requestState" -> its value), or "". */
static const char *
body_string(const char *key)
{
    static char value[4096];
    char pattern[128];
    snprintf(pattern, sizeof(pattern), "\"%s\":\"", key);
    const char *p = last.body != NULL ? strstr(last.body, pattern) : NULL;
    if (p == NULL)
        return "";
    p += strlen(pattern);
    snprintf(value, sizeof(value), "%.*s", (int)strcspn(p, "\""), p);
    return value;
}

static void
test_era_selection(void)
{
    /* modern: by the _meta's version, or by the header naming a modern version */
    post_modern("server/discover", NULL, "", NULL);
    CHECK(last.status == 200 && body_has("\"supportedVersions\":[\"2026-07-28\",\"2025-11-25\",\"2025-06-18\",\"2025-03-26\"]"));
    CHECK(body_has("\"resultType\":\"complete\"") && body_has("\"ttlMs\":") && body_has("\"cacheScope\":\"public\""));
    CHECK(body_has("\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"mcp-lambda-c\""));
    const char *const modern_header[] = {"MCP-Protocol-Version: 2026-07-28", "Mcp-Method: server/discover", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\",\"params\":{}}", modern_header);
    CHECK(last.status == 400 && body_has("\"code\":-32602") && body_has("\"id\":3"));
    post_with("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\"}", modern_header);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    /* legacy: no header (2025-03-26), a legacy header, or a legacy version in _meta */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    CHECK(last.status == 200 && body_has("\"result\":{}"));
    const char *const v1125[] = {"MCP-Protocol-Version: 2025-11-25", "Mcp-Method: something/else", NULL};
    post_with(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
        "\"2025-11-25\"}}}",
        v1125);
    CHECK(last.status == 200 && body_has("\"result\":{}")); /* legacy ignores the mirrored headers */
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", v1125);
    CHECK(!body_has("resultType") && !body_has("ttlMs"));
    /* an unknown header version: legacy's refusal, unless the body is modern (then -32022) */
    const char *const v999[] = {"MCP-Protocol-Version: v999.0.0", "Mcp-Method: server/discover", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", v999);
    CHECK(last.status == 400 && body_has("-32000") && body_has("\"id\":null"));
    post_with("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
              "\"io.modelcontextprotocol/protocolVersion\":\"v999.0.0\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
              v999);
    CHECK(last.status == 400 && body_has("\"code\":-32022") && body_has("\"requested\":\"v999.0.0\"") &&
          body_has("\"supported\":[\"2026-07-28\"") && body_has("\"id\":4"));
    /* a legacy initialize asking for the modern revision is offered the latest legacy one */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2026-07-28\",\"capabilities\":{"
         "}}}");
    CHECK(body_has("\"protocolVersion\":\"2025-11-25\""));
}

static void
test_modern_envelope(void)
{
    /* removed and unknown methods: 404 with -32601 */
    static const char *const gone[] = {"initialize",    "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
                                       "unknown/method"};
    for (size_t i = 0; i != sizeof(gone) / sizeof(gone[0]); ++i) {
        post_modern(gone[i], NULL, "", NULL);
        CHECK(last.status == 404 && body_has("\"code\":-32601") && body_has("\"id\":7"));
    }
    /* the headers must mirror the body */
    const char *const no_version[] = {"Mcp-Method: tools/list", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" META "}}", no_version);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    const char *const other_version[] = {"MCP-Protocol-Version: 2025-11-25", "Mcp-Method: tools/list", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" META "}}", other_version);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    const char *const no_method[] = {"MCP-Protocol-Version: 2026-07-28", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" META "}}", no_method);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    const char *const upper[] = {"MCP-Protocol-Version: 2026-07-28", "Mcp-Method: TOOLS/LIST", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" META "}}", upper);
    CHECK(last.status == 400 && body_has("\"code\":-32020")); /* values are case-sensitive */
    const char *const spaced[] = {"mcp-protocol-version:  2026-07-28 ", "MCP-METHOD: \ttools/list  ", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" META "}}", spaced);
    CHECK(last.status == 200 && body_has("\"tools\":[")); /* names are not; spaces around values do not count */
    post_modern("tools/call", NULL, "\"name\":\"test_simple_text\"", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32020")); /* no Mcp-Name */
    post_modern("tools/call", "test_image_content", "\"name\":\"test_simple_text\"", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    post_modern("tools/call", "=?base64?dGVzdF9zaW1wbGVfdGV4dA==?=", "\"name\":\"test_simple_text\"", NULL);
    CHECK(last.status == 200 && body_has("\"resultType\":\"complete\"")); /* the base64 form, decoded */
    post_modern("tools/call", "=?base64?dGVzdF9zaW1wbGVfdGV4dA?=", "\"name\":\"test_simple_text\"", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32020")); /* padding is required */
    post_modern("resources/read", "test://static-text", "\"uri\":\"test://static-text\"", NULL);
    CHECK(last.status == 200 && body_has("\"cacheScope\":\"private\""));
    post_modern("resources/read", "test://static-binary", "\"uri\":\"test://static-text\"", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    /* a malformed _meta */
    post_modern_caps("tools/list", NULL, "", "[]", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    const char *const modern[] = {"MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/list", NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/"
              "protocolVersion\":2026,\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
              modern);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    /* no batches, no responses to server requests, notifications accepted */
    post_with("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" META "}}]", modern);
    CHECK(last.status == 400 && body_has("-32600"));
    post_with("{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"result\":{}}", modern);
    CHECK(last.status == 400 && body_has("-32600"));
    post_with("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}", modern);
    CHECK(last.status == 202);
}

static void
test_modern_results(void)
{
    post_modern("tools/list", NULL, "", NULL);
    CHECK(body_has("\"resultType\":\"complete\",\"ttlMs\":300000,\"cacheScope\":\"public\""));
    post_modern("prompts/list", NULL, "", NULL);
    CHECK(body_has("\"cacheScope\":\"public\""));
    post_modern("resources/templates/list", NULL, "", NULL);
    CHECK(body_has("\"resourceTemplates\":[") && body_has("\"ttlMs\":"));
    post_modern("tools/call", "get_weather", "\"name\":\"get_weather\",\"arguments\":{\"city\":5}", NULL);
    CHECK(last.status == 200 && body_has("\"isError\":true,\"resultType\":\"complete\""));
    post_modern(
        "completion/complete", NULL,
        "\"ref\":{\"type\":\"ref/prompt\",\"name\":\"test_prompt_with_arguments\"},\"argument\":{\"name\":\"arg1\",\"value\":\"\"}",
        NULL);
    CHECK(body_has("\"completion\":{") && body_has("\"resultType\":\"complete\"") && !body_has("ttlMs"));
    /* resource not found: -32602 (SEP-2164) with the uri, where legacy says -32002 */
    post_modern("resources/read", "test://nothing", "\"uri\":\"test://nothing\"", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602") && body_has("\"data\":{\"uri\":\"test://nothing\"}"));
    post_modern("tools/call", "nope", "\"name\":\"nope\"", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    post_modern("prompts/get", "test_simple_prompt", "\"name\":\"test_simple_prompt\"", NULL);
    CHECK(body_has("\"messages\":[") && body_has("\"resultType\":\"complete\""));
}

static void
test_modern_logging_and_capabilities(void)
{
    /* no log level in _meta: no notifications/message at all */
    post_modern("tools/call", "test_logging_tool", "\"name\":\"test_logging_tool\"", NULL);
    CHECK(last.status == 200 && !body_has("notifications/message") && body_has("Logged three messages"));
    const char *const modern[] = {"MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/call", "Mcp-Name: test_logging_tool",
                                  NULL};
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"test_logging_tool\",\"_meta\":{"
              "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
              "\"io.modelcontextprotocol/logLevel\":\"info\"}}}",
              modern);
    CHECK(body_has("Logging tool started") && body_has("Logging tool finished") && !body_has("Logging tool working"));
    post_with("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"test_logging_tool\",\"_meta\":{"
              "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
              "\"io.modelcontextprotocol/logLevel\":\"loud\"}}}",
              modern);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    /* a tool that needs sampling, asked by a client that did not declare it */
    post_modern_caps("tools/call", "test_missing_capability", "\"name\":\"test_missing_capability\"", "{}", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32021") && body_has("\"data\":{\"requiredCapabilities\":{\"sampling\":{}}}"));
    post_modern_caps("tools/call", "test_elicitation", "\"name\":\"test_elicitation\",\"arguments\":{\"message\":\"m\"}",
                     "{\"elicitation\":{\"url\":{}}}", NULL);
    CHECK(last.status == 400 && body_has("\"requiredCapabilities\":{\"elicitation\":{\"form\":{}}}"));
    post_modern_caps("tools/call", "test_elicitation", "\"name\":\"test_elicitation\",\"arguments\":{\"message\":\"m\"}",
                     "{\"elicitation\":{}}", NULL);
    CHECK(last.status == 200 && body_has("\"resultType\":\"input_required\"")); /* {} is form mode */
    /* a tool that adapts to what the client declared */
    post_modern_caps("tools/call", "test_input_required_result_capabilities",
                     "\"name\":\"test_input_required_result_capabilities\"", "{\"sampling\":{}}", NULL);
    CHECK(body_has("\"inputRequests\":{\"sample\":{\"method\":\"sampling/createMessage\"") && !body_has("elicitation/create"));
}

static void
test_mrtr_rounds(void)
{
    /* one question: the round ends with it and a requestState; the retry with the answer completes */
    post_modern("tools/call", "test_input_required_result_elicitation", "\"name\":\"test_input_required_result_elicitation\"",
                NULL);
    CHECK(
        last.status == 200 && body_has("\"resultType\":\"input_required\"") &&
        body_has(
            "\"inputRequests\":{\"user_name\":{\"method\":\"elicitation/create\",\"params\":{\"message\":\"What is your name?\""));
    char params[4096];
    snprintf(params, sizeof(params),
             "\"name\":\"test_input_required_result_elicitation\",\"requestState\":\"%s\",\"inputResponses\":{\"user_name\":"
             "{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}}}",
             body_string("requestState"));
    post_modern("tools/call", "test_input_required_result_elicitation", params, NULL);
    CHECK(last.status == 200 && body_has("Hello, Alice!") && body_has("\"resultType\":\"complete\""));
    /* unknown keys are ignored; a missing answer is asked for again, not an error */
    post_modern("tools/call", "test_input_required_result_elicitation",
                "\"name\":\"test_input_required_result_elicitation\",\"inputResponses\":{\"wrong\":{\"action\":\"accept\"}}", NULL);
    CHECK(body_has("\"resultType\":\"input_required\"") && body_has("\"user_name\""));

    /* two rounds: the second round's state carries the first answer, so the last retry sends only the second */
    post_modern("tools/call", "test_input_required_result_multi_round", "\"name\":\"test_input_required_result_multi_round\"",
                NULL);
    CHECK(body_has("\"step1\""));
    char state1[2048];
    snprintf(state1, sizeof(state1), "%s", body_string("requestState"));
    snprintf(params, sizeof(params),
             "\"name\":\"test_input_required_result_multi_round\",\"requestState\":\"%s\",\"inputResponses\":{\"step1\":"
             "{\"action\":\"accept\",\"content\":{\"name\":\"Ann\"}}}",
             state1);
    post_modern("tools/call", "test_input_required_result_multi_round", params, NULL);
    CHECK(body_has("\"step2\"") && !body_has("\"step1\"") && strcmp(body_string("requestState"), state1) != 0);
    snprintf(params, sizeof(params),
             "\"name\":\"test_input_required_result_multi_round\",\"requestState\":\"%s\",\"inputResponses\":{\"step2\":"
             "{\"action\":\"accept\",\"content\":{\"color\":\"teal\"}}}",
             body_string("requestState"));
    post_modern("tools/call", "test_input_required_result_multi_round", params, NULL);
    CHECK(body_has("Ann likes teal.") && body_has("\"resultType\":\"complete\""));

    /* independent questions go out together */
    post_modern("tools/call", "test_input_required_result_multiple_inputs",
                "\"name\":\"test_input_required_result_multiple_inputs\"", NULL);
    CHECK(body_has("\"user_name\":{") && body_has("\"greeting\":{") && body_has("\"client_roots\":{\"method\":\"roots/list\""));

    /* a verified state is visible to the handler */
    post_modern("tools/call", "test_input_required_result_request_state", "\"name\":\"test_input_required_result_request_state\"",
                NULL);
    snprintf(params, sizeof(params),
             "\"name\":\"test_input_required_result_request_state\",\"requestState\":\"%s\",\"inputResponses\":{\"confirm\":"
             "{\"action\":\"accept\",\"content\":{\"ok\":true}}}",
             body_string("requestState"));
    post_modern("tools/call", "test_input_required_result_request_state", params, NULL);
    CHECK(body_has("state-ok: confirmed=true"));

    /* prompts/get asks the same way */
    post_modern("prompts/get", "test_input_required_result_prompt", "\"name\":\"test_input_required_result_prompt\"", NULL);
    CHECK(body_has("\"resultType\":\"input_required\"") && body_has("\"user_context\""));
    snprintf(params, sizeof(params),
             "\"name\":\"test_input_required_result_prompt\",\"requestState\":\"%s\",\"inputResponses\":{\"user_context\":"
             "{\"action\":\"accept\",\"content\":{\"context\":\"gardening\"}}}",
             body_string("requestState"));
    post_modern("prompts/get", "test_input_required_result_prompt", params, NULL);
    CHECK(body_has("Answer with this context in mind: gardening") && body_has("\"resultType\":\"complete\""));

    /* a tool on a worker thread: the question comes back in the stream's result, never as a request of its own */
    post_modern("tools/call", "test_streaming_elicitation", "\"name\":\"test_streaming_elicitation\"", NULL);
    CHECK(last.status == 200 && body_has("\"resultType\":\"input_required\"") &&
          !body_has("\"method\":\"elicitation/create\",\"id\""));
    CHECK(!body_has("\"jsonrpc\":\"2.0\",\"id\":\"srv-"));
}

static void
test_mrtr_refusals(void)
{
    post_modern("tools/call", "test_input_required_result_tampered_state", "\"name\":\"test_input_required_result_tampered_state\"",
                NULL);
    char state[2048], params[4096];
    snprintf(state, sizeof(state), "%s", body_string("requestState"));
    const char *answer = "\"inputResponses\":{\"confirm\":{\"action\":\"accept\",\"content\":{\"ok\":true}}}";
    /* intact: accepted */
    snprintf(params, sizeof(params), "\"name\":\"test_input_required_result_tampered_state\",\"requestState\":\"%s\",%s", state,
             answer);
    post_modern("tools/call", "test_input_required_result_tampered_state", params, NULL);
    CHECK(last.status == 200 && body_has("Confirmed: yes"));
    /* tampered: one character changed, or something appended */
    char tampered[2048];
    snprintf(tampered, sizeof(tampered), "%s", state);
    tampered[12] = tampered[12] == 'A' ? 'B' : 'A';
    snprintf(params, sizeof(params), "\"name\":\"test_input_required_result_tampered_state\",\"requestState\":\"%s\",%s", tampered,
             answer);
    post_modern("tools/call", "test_input_required_result_tampered_state", params, NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602") && body_has("requestState"));
    snprintf(params, sizeof(params), "\"name\":\"test_input_required_result_tampered_state\",\"requestState\":\"%s-TAMPERED\",%s",
             state, answer);
    post_modern("tools/call", "test_input_required_result_tampered_state", params, NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    /* foreign: the state of another tool, or of the same tool with other arguments */
    snprintf(params, sizeof(params), "\"name\":\"test_input_required_result_request_state\",\"requestState\":\"%s\",%s", state,
             answer);
    post_modern("tools/call", "test_input_required_result_request_state", params, NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    post_modern("tools/call", "test_elicitation", "\"name\":\"test_elicitation\",\"arguments\":{\"message\":\"a\"}", NULL);
    CHECK(body_has("\"inputRequests\":{\"r0\":{"));
    snprintf(params, sizeof(params), "\"name\":\"test_elicitation\",\"arguments\":{\"message\":\"b\"},\"requestState\":\"%s\"",
             body_string("requestState"));
    post_modern("tools/call", "test_elicitation", params, NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    /* malformed */
    post_modern("tools/call", "test_input_required_result_tampered_state",
                "\"name\":\"test_input_required_result_tampered_state\",\"requestState\":\"!!!\"", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    post_modern("tools/call", "test_input_required_result_tampered_state",
                "\"name\":\"test_input_required_result_tampered_state\",\"requestState\":5", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    post_modern("tools/call", "test_input_required_result_elicitation",
                "\"name\":\"test_input_required_result_elicitation\",\"inputResponses\":null", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    post_modern("tools/call", "test_input_required_result_elicitation",
                "\"name\":\"test_input_required_result_elicitation\",\"inputResponses\":{\"user_name\":12345}", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));
    /* no InputRequiredResult where 2026-07-28 does not allow one: the tool's question fails instead */
    post_modern("tools/list", NULL, "\"inputResponses\":{\"x\":{}}", NULL);
    CHECK(last.status == 200 && !body_has("input_required"));
}

static void
test_mcp_param_headers(void)
{
    const char *tool =
        "\"name\":\"test_mcp_param_headers\",\"arguments\":{\"region\":\"us-west1\",\"priority\":42,\"dry_run\":true}";
    const char *const all[] = {"Mcp-Param-Region: us-west1", "mcp-param-priority: 42.0", "MCP-PARAM-DRY-RUN: true", NULL};
    post_modern("tools/call", "test_mcp_param_headers", tool, all);
    CHECK(last.status == 200 && body_has("region=us-west1 priority=42 dry_run=true"));
    const char *const base64[] = {"Mcp-Param-Region: =?base64?dXMtd2VzdDE=?=", "Mcp-Param-Priority: 42", "Mcp-Param-Dry-Run: true",
                                  NULL};
    post_modern("tools/call", "test_mcp_param_headers", tool, base64);
    CHECK(last.status == 200);
    const char *const different[] = {"Mcp-Param-Region: eu-west1", "Mcp-Param-Priority: 42", "Mcp-Param-Dry-Run: true", NULL};
    post_modern("tools/call", "test_mcp_param_headers", tool, different);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    const char *const missing[] = {"Mcp-Param-Region: us-west1", "Mcp-Param-Dry-Run: true", NULL};
    post_modern("tools/call", "test_mcp_param_headers", tool, missing);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    const char *const bad_base64[] = {"Mcp-Param-Region: =?base64?dXMtd2VzdDE?=", "Mcp-Param-Priority: 42",
                                      "Mcp-Param-Dry-Run: true", NULL};
    post_modern("tools/call", "test_mcp_param_headers", tool, bad_base64);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    const char *const wrong_bool[] = {"Mcp-Param-Region: us-west1", "Mcp-Param-Priority: 42", "Mcp-Param-Dry-Run: True", NULL};
    post_modern("tools/call", "test_mcp_param_headers", tool, wrong_bool);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    /* only what the arguments hold is mirrored: no argument, no header */
    const char *const region_only[] = {"Mcp-Param-Region: x", NULL};
    post_modern("tools/call", "test_mcp_param_headers", "\"name\":\"test_mcp_param_headers\",\"arguments\":{\"region\":\"x\"}",
                region_only);
    CHECK(last.status == 200 && body_has("priority=(none)"));
    const char *const extra[] = {"Mcp-Param-Region: x", "Mcp-Param-Priority: 1", NULL};
    post_modern("tools/call", "test_mcp_param_headers", "\"name\":\"test_mcp_param_headers\",\"arguments\":{\"region\":\"x\"}",
                extra);
    CHECK(last.status == 400 && body_has("\"code\":-32020"));
    /* legacy requests do not mirror anything */
    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"test_mcp_param_headers\","
         "\"arguments\":{\"region\":\"x\"}}}");
    CHECK(last.status == 200 && body_has("region=x"));
}

/* Sends a subscriptions/listen as a front door that serves other requests meanwhile, and returns its stream. */
static mcp_stream_t *
open_listen(const char *filter, buf_t *out)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "{\"jsonrpc\":\"2.0\",\"id\":\"sub-1\",\"method\":\"subscriptions/listen\",\"params\":{"
             "\"notifications\":%s," META "}}",
             filter);
    mcp_header_t hs[] = {{"Content-Type", 12, "application/json", 16},
                         {"Accept", 6, "application/json, text/event-stream", 35},
                         {"MCP-Protocol-Version", 20, "2026-07-28", 10},
                         {"Mcp-Method", 10, "subscriptions/listen", 20}};
    mcp_http_request_t req = {.method = "POST",
                              .method_len = 4,
                              .path = "/mcp",
                              .path_len = 4,
                              .headers = hs,
                              .num_headers = sizeof(hs) / sizeof(hs[0]),
                              .body = body,
                              .body_len = strlen(body),
                              .can_stream = 1,
                              .concurrent = 1};
    mcp_response_t res;
    mcp_handle(server, &req, &res);
    CHECK(res.status == 200 && res.stream != NULL);
    if (res.stream != NULL)
        CHECK(mcp_stream_take(res.stream, out) == 0); /* open */
    mcp_response_dispose(&res);
    return res.stream;
}

static void
test_listen(void)
{
    /* where nothing could reach it (Lambda), the stream ends after the acknowledgement */
    post_modern("subscriptions/listen", NULL, "\"notifications\":{\"toolsListChanged\":true,\"resourceSubscriptions\":[\"a://b\"]}",
                NULL);
    CHECK(last.status == 200 && header("content-type") != NULL && strcmp(header("content-type"), "text/event-stream") == 0);
    const char *ack = last.body != NULL ? strstr(last.body, "notifications/subscriptions/acknowledged") : NULL;
    const char *result = last.body != NULL ? strstr(last.body, "\"result\":{") : NULL;
    CHECK(ack != NULL && result != NULL && ack < result);
    CHECK(body_has("\"notifications\":{\"toolsListChanged\":true},\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":7}"));
    CHECK(body_has("\"io.modelcontextprotocol/subscriptionId\":7}}}"));
    post_modern("subscriptions/listen", NULL, "", NULL);
    CHECK(last.status == 400 && body_has("\"code\":-32602"));

    /* held open: notifications it asked for arrive tagged; the deadline ends it with its result */
    buf_t tools = BUF_INIT(0), prompts = BUF_INIT(0);
    mcp_stream_t *tools_stream = open_listen("{\"toolsListChanged\":true}", &tools);
    mcp_stream_t *prompts_stream = open_listen("{\"promptsListChanged\":true}", &prompts);
    CHECK(strstr(tools.data != NULL ? tools.data : "", "subscriptions/acknowledged") != NULL &&
          strstr(tools.data != NULL ? tools.data : "", "subscriptionId\":\"sub-1\"") != NULL);
    post_modern("tools/call", "test_trigger_tool_change", "\"name\":\"test_trigger_tool_change\"", NULL);
    CHECK(last.status == 200);
    if (tools_stream != NULL && prompts_stream != NULL) {
        CHECK(mcp_stream_take(tools_stream, &tools) == 0);
        CHECK(strstr(tools.data, "\"method\":\"notifications/tools/list_changed\",\"params\":{\"_meta\":{"
                                 "\"io.modelcontextprotocol/subscriptionId\":\"sub-1\"}}") != NULL);
        CHECK(mcp_stream_take(prompts_stream, &prompts) == 0);
        CHECK(strstr(prompts.data, "list_changed") == NULL); /* it asked for prompt changes only */
        mcp_stream_cut_off(tools_stream);
        CHECK(mcp_stream_take(tools_stream, &tools) == 1);
        CHECK(strstr(tools.data, "\"id\":\"sub-1\",\"result\":{\"resultType\":\"complete\"") != NULL);
        mcp_stream_release(tools_stream);
        /* the client leaves: the stream is gone, and nothing is sent to it any more */
        mcp_stream_release(prompts_stream);
        post_modern("tools/call", "test_trigger_prompt_change", "\"name\":\"test_trigger_prompt_change\"", NULL);
        CHECK(last.status == 200);
    }
    /* draining (shutdown) ends open streams with their result */
    buf_t drained = BUF_INIT(0);
    mcp_stream_t *st = open_listen("{}", &drained);
    if (st != NULL) {
        mcp_server_drain(server);
        CHECK(mcp_stream_take(st, &drained) == 1 && strstr(drained.data, "\"result\":{") != NULL);
        mcp_stream_release(st);
    }
    buf_dispose(&tools);
    buf_dispose(&prompts);
    buf_dispose(&drained);
}

int
main(void)
{
    char *argv[] = {"test",
                    "--toolsets",
                    "default,conformance",
                    "--page-size",
                    "1",
                    "--max-body-bytes",
                    "4096",
                    "--allowed-hosts",
                    "localhost,127.0.0.1,*.execute-api.ap-southeast-2.amazonaws.com,api.test:8443",
                    "--allowed-origins",
                    "http://localhost,http://127.0.0.1,https://*.example.com",
                    NULL};
    char err[256];
    if (config_parse(&config, sizeof(argv) / sizeof(argv[0]) - 1, argv, err, sizeof(err)) != SETTINGS_OK) {
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
    RUN(test_batch_then_stream);
    RUN(test_pagination);
    RUN(test_tools);
    RUN(test_worker_stream);
    RUN(test_cut_off);
    RUN(test_logging_and_completion);
    RUN(test_resources_and_prompts);
    RUN(test_era_selection);
    RUN(test_modern_envelope);
    RUN(test_modern_results);
    RUN(test_modern_logging_and_capabilities);
    RUN(test_mrtr_rounds);
    RUN(test_mrtr_refusals);
    RUN(test_mcp_param_headers);
    RUN(test_listen);
    free(last.body);
    mcp_server_free(server);
    config_dispose(&config);
    return TEST_REPORT("test_transport");
}
