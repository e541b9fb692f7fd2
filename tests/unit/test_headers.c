/*
 * Tests of mirrored_headers.c: the header values 2026-07-28 mirrors from the body (the =?base64?...?= form, the
 * characters a value may have), and the x-mcp-header tool parameters: which annotations a tool may
 * declare (the table in tests/unit/cases/x-mcp-header.json, which the client's tests run too), and how a
 * call's Mcp-Param headers are held against its arguments. And http_checks.c's reading of an Accept value.
 */
#include <string.h>

#include "arena.h"
#include "http_checks.h"
#include "mirrored_headers.h"
#include "param_header_cases.h"
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

/* The server's side of the x-mcp-header table: every parameter also names its header, in lower case. */
static int
collect_case(const json_value_t *schema, arena_t *arena, buf_t *out, char *err, size_t err_len)
{
    mcp_header_param_t *params;
    size_t num;
    if (headers_collect_params(arena, schema, &params, &num, err, err_len) != 0)
        return -1;
    for (size_t i = 0; i != num; ++i) {
        char header[256];
        snprintf(header, sizeof(header), "mcp-param-%s", params[i].annotation.name);
        for (char *c = header; *c != '\0'; ++c)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        CHECK_STR(params[i].header, header);
        param_header_format(out, &params[i].annotation);
    }
    return 0;
}

static void
test_collect(void)
{
    CHECK(param_header_cases_run(collect_case) >= 40);
}

/* Collects a schema's parameters (they must be valid). */
static mcp_header_param_t *
collect(const char *schema, size_t *num, arena_t *arena)
{
    json_value_t *s;
    mcp_header_param_t *params = NULL;
    char err[256];
    CHECK(json_parse(arena, schema, strlen(schema), 64, &s) == 0 &&
          headers_collect_params(arena, s, &params, num, err, sizeof(err)) == 0);
    return params;
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
    size_t n = 0;
    mcp_header_param_t *p = collect("{\"properties\":{\"s\":{\"type\":\"string\",\"x-mcp-header\":\"S\"},\"i\":{\"type\":"
                                    "\"integer\",\"x-mcp-header\":\"I\"},\"b\":{\"type\":\"boolean\",\"x-mcp-header\":\"B\"},"
                                    "\"o\":{\"properties\":{\"d\":{\"type\":\"string\",\"x-mcp-header\":\"D\"}}}}}",
                                    &n, &a);
    CHECK(n == 4);
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

/* An Accept value admits a media type exactly, by its type's wildcard or by the full one, in any case, unless its
 * q is zero; parameters, spaces and the other elements do not get in the way. */
static void
test_accepts(void)
{
    static const struct {
        const char *value, *type;
        int admits;
    } cases[] = {
        {"application/json, text/event-stream", "application/json", 1},
        {"application/json, text/event-stream", "text/event-stream", 1},
        {"application/json,text/event-stream", "text/event-stream", 1},
        {"Application/JSON", "application/json", 1},
        {"\tapplication/json ;charset=utf-8", "application/json", 1},
        {"application/*", "application/json", 1},
        {"APPLICATION/*", "application/json", 1},
        {"*/*", "text/event-stream", 1},
        {"text/*;q=0.5", "text/event-stream", 1},
        {"text/event-stream;q=0", "text/event-stream", 0},
        {"text/event-stream; q=0.000", "text/event-stream", 0},
        {"text/event-stream;q=0, */*", "text/event-stream", 1},
        {"application/jsonx", "application/json", 0},
        {"application/jso", "application/json", 0},
        {"application/", "application/json", 0},
        {"application/**", "application/json", 0},
        {"applicatio/*", "application/json", 0},
        {"*/json", "application/json", 0},
        {"text/html", "application/json", 0},
        {"", "application/json", 0},
        {",,, ,", "application/json", 0},
        {"text/plain,application/json", "application/json", 1},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        int admits = http_accepts(cases[i].value, strlen(cases[i].value), cases[i].type);
        if (admits != cases[i].admits)
            fprintf(stderr, "  Accept: %s, %s: %d, expected %d\n", cases[i].value, cases[i].type, admits, cases[i].admits);
        CHECK(admits == cases[i].admits);
    }
}

int
main(void)
{
    RUN(test_decode);
    RUN(test_collect);
    RUN(test_check);
    RUN(test_accepts);
    return TEST_REPORT("test_headers");
}
