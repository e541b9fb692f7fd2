/*
 * Tests of client/headers.c: header value encoding (the specification's own examples among them),
 * x-mcp-header annotations valid and invalid (the table in tests/unit/cases/x-mcp-header.json, which the
 * server's tests run too), and the metadata headers of whole requests.
 */
#include <string.h>

#include "headers.h"
#include "param_header_cases.h"
#include "test.h"

/* value -> the header value (static buffer). */
static const char *
encode(const char *value, size_t len)
{
    static char out[512];
    buf_t b = BUF_INIT(0);
    mcpc_headers_encode_value(&b, value, len);
    snprintf(out, sizeof(out), "%s", b.data != NULL ? b.data : "");
    buf_dispose(&b);
    return out;
}

#define ENCODE(s) encode((s), sizeof(s) - 1)

static void
test_encode_value(void)
{
    /* the examples of the 2026-07-28 Streamable HTTP transport, "Value Encoding" */
    CHECK_STR(ENCODE("us-west1"), "us-west1");
    CHECK_STR(ENCODE("Hello, \xe4\xb8\x96\xe7\x95\x8c"), "=?base64?SGVsbG8sIOS4lueVjA==?=");
    CHECK_STR(ENCODE(" padded "), "=?base64?IHBhZGRlZCA=?=");
    CHECK_STR(ENCODE("line1\nline2"), "=?base64?bGluZTEKbGluZTI=?=");
    CHECK_STR(ENCODE("=?base64?literal?="), "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
    /* printable ASCII, inner spaces and the empty string go as they are */
    CHECK_STR(ENCODE("a b ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}"), "a b ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}");
    CHECK_STR(ENCODE(""), "");
    CHECK_STR(ENCODE("file:///projects/app/config.json"), "file:///projects/app/config.json");
    /* control characters (tab and DEL too), a lone edge space */
    CHECK_STR(ENCODE("a\tb"), "=?base64?YQli?=");
    CHECK_STR(ENCODE("a\x7f"), "=?base64?YX8=?=");
    CHECK_STR(ENCODE("a "), "=?base64?YSA=?=");
    CHECK_STR(ENCODE(" "), "=?base64?IA==?=");
    CHECK_STR(encode("a\0b", 3), "=?base64?YQBi?=");
    /* only text shaped like the whole sentinel is encoded */
    CHECK_STR(ENCODE("=?base64?abc"), "=?base64?abc");
    CHECK_STR(ENCODE("abc?="), "abc?=");
    CHECK_STR(ENCODE("=?base64?="), "=?base64?PT9iYXNlNjQ/PQ==?=");
    CHECK_STR(ENCODE("=?BASE64?x?="), "=?BASE64?x?="); /* the markers are case-sensitive */
}

/* The client's side of the x-mcp-header table. */
static int
collect_case(const json_value_t *schema, arena_t *arena, buf_t *out, char *err, size_t err_len)
{
    mcpc_param_header_t *params;
    size_t num;
    if (mcpc_headers_tool_params(schema, arena, &params, &num, err, err_len) != 0)
        return -1;
    for (size_t i = 0; i != num; ++i)
        param_header_format(out, &params[i]);
    return 0;
}

static void
test_annotations(void)
{
    CHECK(param_header_cases_run(collect_case) >= 40);
    /* more annotations than the client keeps */
    arena_t a;
    arena_init(&a, 0);
    buf_t many = BUF_INIT(0);
    buf_append_str(&many, "{\"properties\":{");
    for (int i = 0; i <= MCPC_MAX_PARAM_HEADERS; ++i)
        buf_printf(&many, "%s\"p%d\":{\"type\":\"string\",\"x-mcp-header\":\"P%d\"}", i != 0 ? "," : "", i, i);
    buf_append_str(&many, "}}");
    json_value_t *schema;
    mcpc_param_header_t *params;
    size_t num;
    char err[256] = "";
    CHECK(json_parse(&a, many.data, many.len, 64, &schema) == 0);
    CHECK(mcpc_headers_tool_params(schema, &a, &params, &num, err, sizeof(err)) == -1 && err[0] != '\0');
    buf_dispose(&many);
    arena_dispose(&a);
}

/* The headers of a request, one "Name: value" a line, or "ERR" (static buffer). */
static const char *
build(const char *method, const char *params_json, const char *schema_json, size_t max)
{
    static char out[2048];
    arena_t a;
    arena_init(&a, 0);
    json_value_t *params = NULL, *schema = NULL;
    if (params_json != NULL)
        CHECK(json_parse(&a, params_json, strlen(params_json), 64, &params) == 0);
    if (schema_json != NULL)
        CHECK(json_parse(&a, schema_json, strlen(schema_json), 64, &schema) == 0);
    mcpc_http_header_t headers[MCPC_MAX_METADATA_HEADERS];
    char err[256] = "";
    int n = mcpc_headers_build(method, params, schema, &a, headers, max, err, sizeof(err));
    if (n < 0) {
        CHECK(err[0] != '\0');
        snprintf(out, sizeof(out), "ERR");
    } else {
        out[0] = '\0';
        for (int i = 0; i != n; ++i) {
            size_t len = strlen(out);
            CHECK(strlen(headers[i].name) == headers[i].name_len && strlen(headers[i].value) == headers[i].value_len);
            snprintf(out + len, sizeof(out) - len, "%s: %s\n", headers[i].name, headers[i].value);
        }
    }
    arena_dispose(&a);
    return out;
}

static const char tool_schema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"region\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},"
    "\"count\":{\"type\":\"integer\",\"x-mcp-header\":\"Count\"},"
    "\"flag\":{\"type\":\"boolean\",\"x-mcp-header\":\"Flag\"},"
    "\"nested\":{\"type\":\"object\",\"properties\":{\"inner\":{\"type\":\"string\",\"x-mcp-header\":\"Inner\"}}},"
    "\"query\":{\"type\":\"string\"}}}";

static void
test_build(void)
{
    /* every request names its method; list methods nothing else */
    CHECK_STR(build("server/discover", NULL, NULL, MCPC_MAX_METADATA_HEADERS), "Mcp-Method: server/discover\n");
    CHECK_STR(build("tools/list", "{\"cursor\":\"c\"}", NULL, MCPC_MAX_METADATA_HEADERS), "Mcp-Method: tools/list\n");
    /* Mcp-Name from params.name or params.uri, encoded when it must be */
    CHECK_STR(build("prompts/get", "{\"name\":\"greet\",\"arguments\":{}}", NULL, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: prompts/get\nMcp-Name: greet\n");
    CHECK_STR(build("resources/read", "{\"uri\":\"test://caf\xc3\xa9/menu\"}", NULL, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: resources/read\nMcp-Name: =?base64?dGVzdDovL2NhZsOpL21lbnU=?=\n");
    CHECK_STR(build("completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"}}", NULL, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: completion/complete\n");
    /* x-mcp-header arguments, in schema order; absent, null and non-primitive values have no header */
    CHECK_STR(build("tools/call",
                    "{\"name\":\"t\",\"arguments\":{\"query\":\"q\",\"flag\":false,\"count\":42,\"region\":\"us-west1\","
                    "\"nested\":{\"inner\":\"h\xc3\xa9llo\"}}}",
                    tool_schema, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: t\nMcp-Param-Region: us-west1\nMcp-Param-Count: 42\nMcp-Param-Flag: false\n"
              "Mcp-Param-Inner: =?base64?aMOpbGxv?=\n");
    CHECK_STR(build("tools/call", "{\"name\":\"t\",\"arguments\":{\"region\":null,\"count\":-7,\"flag\":true,\"nested\":\"x\"}}",
                    tool_schema, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: t\nMcp-Param-Count: -7\nMcp-Param-Flag: true\n");
    /* an integer written another way is sent in decimal; a number that is not an integer as written */
    CHECK_STR(build("tools/call", "{\"name\":\"t\",\"arguments\":{\"count\":4.2e1}}", tool_schema, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: t\nMcp-Param-Count: 42\n");
    CHECK_STR(build("tools/call", "{\"name\":\"t\",\"arguments\":{\"count\":1.5}}", tool_schema, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: t\nMcp-Param-Count: 1.5\n");
    CHECK_STR(build("tools/call", "{\"name\":\"t\",\"arguments\":{\"region\":[\"a\"],\"count\":{}}}", tool_schema,
                    MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: t\n");
    CHECK_STR(build("tools/call", "{\"name\":\"t\"}", tool_schema, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: t\n");
    /* header injection through a value is impossible: it is encoded */
    CHECK_STR(build("tools/call", "{\"name\":\"t\",\"arguments\":{\"region\":\"a\\r\\nX-Evil: 1\"}}", tool_schema,
                    MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: t\nMcp-Param-Region: =?base64?YQ0KWC1FdmlsOiAx?=\n");
    CHECK_STR(build("tools/call", "{\"name\":\"bad\\nname\",\"arguments\":{}}", NULL, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: tools/call\nMcp-Name: =?base64?YmFkCm5hbWU=?=\n");
    /* the schema is only read for tools/call */
    CHECK_STR(build("prompts/get", "{\"name\":\"p\",\"arguments\":{\"region\":\"x\"}}", tool_schema, MCPC_MAX_METADATA_HEADERS),
              "Mcp-Method: prompts/get\nMcp-Name: p\n");
    /* an invalid tool definition, and too little room, are errors */
    CHECK_STR(build("tools/call", "{\"name\":\"t\",\"arguments\":{}}", "{\"x-mcp-header\":\"Root\"}", MCPC_MAX_METADATA_HEADERS),
              "ERR");
    CHECK_STR(build("tools/call", "{\"name\":\"t\",\"arguments\":{\"region\":\"r\"}}", tool_schema, 2), "ERR");
}

int
main(void)
{
    RUN(test_encode_value);
    RUN(test_annotations);
    RUN(test_build);
    return TEST_REPORT("test_client_headers");
}
