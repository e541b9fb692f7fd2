/*
 * Tests of mirrored_headers.c: the header values 2026-07-28 mirrors from the body (the =?base64?...?= form, the
 * characters a value may have), and the x-mcp-header tool parameters: which annotations a tool may
 * declare, and how a call's Mcp-Param headers are held against its arguments.
 */
#include <string.h>

#include "arena.h"
#include "http_checks.h"
#include "mirrored_headers.h"
#include "test.h"

/* Decodes value; returns the decoded text, or "(refused)". */
static const char *
decode(const char *value)
{
    static char text[256];
    buf_t out = BUF_INIT(0);
    if (headers_decode_value(value, strlen(value), &out) != 0)
        snprintf(text, sizeof(text), "(refused)");
    else
        snprintf(text, sizeof(text), "%.*s", (int)out.len, out.data != NULL ? out.data : "");
    buf_dispose(&out);
    return text;
}

static void
test_decode(void)
{
    CHECK_STR(decode("us-west1"), "us-west1");
    CHECK_STR(decode("=?base64?SGVsbG8=?="), "Hello");
    CHECK_STR(decode("=?base64?SGVsbG8sIOS4lueVjA==?="), "Hello, \xe4\xb8\x96\xe7\x95\x8c");
    CHECK_STR(decode("=?base64?IHBhZGRlZCA=?="), " padded ");
    CHECK_STR(decode("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="), "=?base64?literal?=");
    CHECK_STR(decode("=?base64?\?="), "");                    /* "?\?" keeps the compiler from reading a trigraph */
    CHECK_STR(decode("=?base64?SGVsbG8?="), "(refused)");     /* padding missing */
    CHECK_STR(decode("=?base64?SGVs!!!bG8=?="), "(refused)"); /* not the alphabet */
    CHECK_STR(decode("=?base64?_-8=?="), "(refused)");        /* the URL-safe alphabet is not the one */
    CHECK_STR(decode("=?base64?/w==?="), "(refused)");        /* decodes to something that is not UTF-8 */
    CHECK_STR(decode("=?base64?AA==?="), "(refused)");        /* or to a NUL */
    /* without both markers the value is literal */
    CHECK_STR(decode("SGVsbG8="), "SGVsbG8=");
    CHECK_STR(decode("=?base64?SGVsbG8="), "=?base64?SGVsbG8=");
    CHECK_STR(decode("=?BASE64?SGVsbG8=?="), "=?BASE64?SGVsbG8=?="); /* the markers are case-sensitive */
    /* characters a field value cannot have */
    CHECK_STR(decode("a\x01z"), "(refused)");
    CHECK_STR(decode("caf\xc3\xa9"), "(refused)");
    CHECK_STR(decode("tab\tand space"), "tab\tand space");
    const char *v = " \t x y \t";
    size_t len = strlen(v);
    headers_trim(&v, &len);
    CHECK(len == 3 && memcmp(v, "x y", 3) == 0);
}

/* Collects a schema's parameters; returns the error text, or "" with *num set. */
static const char *
collect(const char *schema, size_t *num, mcp_header_param_t **params, arena_t *arena)
{
    static char err[256];
    json_value_t *s;
    err[0] = '\0';
    if (json_parse(arena, schema, strlen(schema), 64, &s) != 0)
        return "(bad JSON)";
    if (headers_collect_params(arena, s, params, num, err, sizeof(err)) != 0)
        return err;
    return "";
}

static void
test_collect(void)
{
    arena_t a;
    arena_init(&a, 0);
    size_t n;
    mcp_header_param_t *p;
    CHECK_STR(collect("{\"type\":\"object\",\"properties\":{\"r\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},"
                      "\"o\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"x-mcp-header\":\"Deep-N\"}}},"
                      "\"q\":{\"type\":\"string\"}}}",
                      &n, &p, &a),
              "");
    CHECK(n == 2 && strcmp(p[0].header, "mcp-param-region") == 0 && p[0].path_len == 1 && strcmp(p[0].path[0], "r") == 0);
    CHECK(strcmp(p[1].header, "mcp-param-deep-n") == 0 && p[1].path_len == 2 && strcmp(p[1].path[1], "n") == 0);
    CHECK_STR(collect("{\"type\":\"object\"}", &n, &p, &a), "");
    CHECK(n == 0);
    /* what 2026-07-28 forbids */
    CHECK(strstr(collect("{\"properties\":{\"r\":{\"type\":\"number\",\"x-mcp-header\":\"R\"}}}", &n, &p, &a),
                 "string, integer or boolean"));
    CHECK(strstr(collect("{\"properties\":{\"r\":{\"type\":\"object\",\"x-mcp-header\":\"R\"}}}", &n, &p, &a), "string, integer"));
    CHECK(strstr(collect("{\"properties\":{\"r\":{\"type\":\"string\",\"x-mcp-header\":\"\"}}}", &n, &p, &a), "token"));
    CHECK(strstr(collect("{\"properties\":{\"r\":{\"type\":\"string\",\"x-mcp-header\":\"A B\"}}}", &n, &p, &a), "token"));
    CHECK(strstr(collect("{\"properties\":{\"r\":{\"type\":\"string\",\"x-mcp-header\":\"A:B\"}}}", &n, &p, &a), "token"));
    CHECK(strstr(collect("{\"properties\":{\"r\":{\"type\":\"string\",\"x-mcp-header\":5}}}", &n, &p, &a), "token"));
    CHECK(strstr(collect("{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Same\"},"
                         "\"b\":{\"type\":\"string\",\"x-mcp-header\":\"sAME\"}}}",
                         &n, &p, &a),
                 "twice"));
    CHECK(strstr(
        collect("{\"properties\":{\"l\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"x-mcp-header\":\"I\"}}}}", &n, &p, &a),
        "through \"properties\""));
    CHECK(strstr(collect("{\"anyOf\":[{\"properties\":{\"r\":{\"type\":\"string\",\"x-mcp-header\":\"R\"}}}]}", &n, &p, &a),
                 "through \"properties\""));
    CHECK(
        strstr(collect("{\"$defs\":{\"d\":{\"type\":\"string\",\"x-mcp-header\":\"D\"}}}", &n, &p, &a), "through \"properties\""));
    CHECK(strstr(collect("{\"type\":\"object\",\"x-mcp-header\":\"Root\"}", &n, &p, &a), "the root"));
    arena_dispose(&a);
}

/* Checks args against the headers (NULL-terminated "name: value" strings). */
static int
check(const mcp_header_param_t *params, size_t n, const char *args, const char *const *headers)
{
    mcp_header_t hs[8];
    size_t count = 0;
    static char names[8][64];
    for (; headers[count] != NULL; ++count) {
        const char *colon = strchr(headers[count], ':');
        snprintf(names[count], sizeof(names[count]), "%.*s", (int)(colon - headers[count]), headers[count]);
        hs[count] = (mcp_header_t){names[count], strlen(names[count]), colon + 1, strlen(colon + 1)};
    }
    mcp_http_request_t req = {.headers = hs, .num_headers = count};
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v;
    int ret = json_parse(&a, args, strlen(args), 64, &v) == 0 ? headers_check_params(&req, params, n, v) : -2;
    arena_dispose(&a);
    return ret;
}

static void
test_check(void)
{
    arena_t a;
    arena_init(&a, 0);
    size_t n;
    mcp_header_param_t *p;
    CHECK_STR(collect("{\"properties\":{\"s\":{\"type\":\"string\",\"x-mcp-header\":\"S\"},\"i\":{\"type\":\"integer\","
                      "\"x-mcp-header\":\"I\"},\"b\":{\"type\":\"boolean\",\"x-mcp-header\":\"B\"},\"o\":{\"properties\":{\"d\":"
                      "{\"type\":\"string\",\"x-mcp-header\":\"D\"}}}}}",
                      &n, &p, &a),
              "");
    const char *args = "{\"s\":\"Hello\",\"i\":-7,\"b\":false,\"o\":{\"d\":\"deep\"}}";
    CHECK(check(p, n, args,
                (const char *const[]){"Mcp-Param-S: Hello", "mcp-param-i: -7", "MCP-PARAM-B: false", "Mcp-Param-D: deep", NULL}) ==
          0);
    CHECK(check(p, n, args,
                (const char *const[]){"Mcp-Param-S:  =?base64?SGVsbG8=?= ", "Mcp-Param-I: -7.0", "Mcp-Param-B: false",
                                      "Mcp-Param-D: deep", NULL}) == 0);
    CHECK(check(p, n, args,
                (const char *const[]){"Mcp-Param-S: hello", "Mcp-Param-I: -7", "Mcp-Param-B: false", "Mcp-Param-D: deep", NULL}) ==
          -1);
    CHECK(check(p, n, args,
                (const char *const[]){"Mcp-Param-S: Hello", "Mcp-Param-I: 0x7", "Mcp-Param-B: false", "Mcp-Param-D: deep", NULL}) ==
          -1);
    CHECK(check(p, n, args,
                (const char *const[]){"Mcp-Param-S: Hello", "Mcp-Param-I: -7", "Mcp-Param-B: 0", "Mcp-Param-D: deep", NULL}) == -1);
    CHECK(check(p, n, args, (const char *const[]){"Mcp-Param-S: Hello", "Mcp-Param-I: -7", "Mcp-Param-B: false", NULL}) == -1);
    /* null or absent arguments are not mirrored, and must not be */
    CHECK(check(p, n, "{\"s\":null}", (const char *const[]){NULL}) == 0);
    CHECK(check(p, n, "{}", (const char *const[]){"Mcp-Param-S: x", NULL}) == -1);
    arena_dispose(&a);
}

int
main(void)
{
    RUN(test_decode);
    RUN(test_collect);
    RUN(test_check);
    return TEST_REPORT("test_headers");
}
