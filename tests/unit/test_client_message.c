/* Tests of client/message.c: requests of either era, byte for byte. */
#include <string.h>

#include "message.h"
#include "test.h"

/* The request m describes, with params parsed from params_json (or none), as text (static buffer). */
static const char *
write_message(mcpc_message_t m, const char *params_json)
{
    static char out[2048];
    arena_t a;
    arena_init(&a, 0);
    json_value_t *params = NULL;
    if (params_json != NULL)
        CHECK(json_parse(&a, params_json, strlen(params_json), 64, &params) == 0);
    m.params = params;
    buf_t b = BUF_INIT(0);
    mcpc_message_write(&b, &m);
    CHECK(!buf_failed(&b));
    snprintf(out, sizeof(out), "%s", b.data);
    buf_dispose(&b);
    arena_dispose(&a);
    return out;
}

#define MODERN_META                                                                                                                \
    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{\"roots\":{}},"    \
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"mcp-client\",\"version\":\"0.1.0\"}"

static void
test_legacy(void)
{
    CHECK_STR(write_message((mcpc_message_t){.id = 1, .method = "ping"}, NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    CHECK_STR(write_message((mcpc_message_t){.id = 2, .method = "tools/list"}, "{\"cursor\":\"c\\u00e9\"}"),
              "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\"c\xc3\xa9\"}}");
    CHECK_STR(write_message((mcpc_message_t){.id = 3, .method = "tools/call", .progress = 1}, "{\"name\":\"t\",\"arguments\":{}}"),
              "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"_meta\":{\"progressToken\":3},\"name\":\"t\","
              "\"arguments\":{}}}");
    CHECK_STR(write_message((mcpc_message_t){.id = 4, .method = "ping", .progress = 1}, NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"params\":{\"_meta\":{\"progressToken\":4}}}");
    /* the modern members are never written without a modern revision */
    CHECK_STR(write_message((mcpc_message_t){.id = 5,
                                             .method = "tools/call",
                                             .log_level = "info",
                                             .input_responses = "{}",
                                             .request_state = "s",
                                             .request_state_len = 1},
                            "{\"name\":\"t\"}"),
              "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"t\"}}");
}

static void
test_modern(void)
{
    mcpc_message_t discover = {
        .id = 1, .method = "server/discover", .protocol_version = "2026-07-28", .capabilities = "{\"roots\":{}}"};
    CHECK_STR(write_message(discover, NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{" MODERN_META "}}}");
    /* progress token first, log level last; params follow _meta */
    mcpc_message_t call = discover;
    call.id = 7;
    call.method = "tools/call";
    call.progress = 1;
    call.log_level = "warning";
    CHECK_STR(write_message(call, "{\"name\":\"t\",\"arguments\":{\"x\":[1,{\"y\":null}]}}"),
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"_meta\":{\"progressToken\":7," MODERN_META
              ",\"io.modelcontextprotocol/logLevel\":\"warning\"},\"name\":\"t\",\"arguments\":{\"x\":[1,{\"y\":null}]}}}");
    /* a retry: the answers and the state, escaped as JSON needs; the caller's own copies are replaced */
    call.progress = 0;
    call.log_level = NULL;
    call.input_responses = "{\"k\":{\"action\":\"decline\"}}";
    call.request_state = "a\"b\n\xc3\xa9";
    call.request_state_len = strlen(call.request_state);
    CHECK_STR(write_message(call, "{\"_meta\":{\"evil\":1},\"requestState\":\"old\",\"name\":\"t\",\"inputResponses\":{}}"),
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"_meta\":{" MODERN_META "},\"name\":\"t\","
              "\"inputResponses\":{\"k\":{\"action\":\"decline\"}},\"requestState\":\"a\\\"b\\n\xc3\xa9\"}}");
    /* capabilities default to none */
    mcpc_message_t bare = {.id = 9, .method = "tools/list", .protocol_version = "2026-07-28"};
    CHECK_STR(write_message(bare, NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/"
              "protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/"
              "clientInfo\":{\"name\":\"mcp-client\",\"version\":\"0.1.0\"}}}}");
}

static void
test_limit(void)
{
    buf_t b = BUF_INIT(16);
    mcpc_message_t m = {.id = 1, .method = "server/discover", .protocol_version = "2026-07-28"};
    mcpc_message_write(&b, &m);
    CHECK(buf_failed(&b));
    buf_dispose(&b);
}

int
main(void)
{
    RUN(test_legacy);
    RUN(test_modern);
    RUN(test_limit);
    return TEST_REPORT("test_client_message");
}
