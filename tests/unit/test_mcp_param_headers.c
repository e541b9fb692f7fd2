/*
 * Tests of common/mcp_param_headers.c: the x-mcp-header table (tests/unit/cases/x-mcp-header.json, which the
 * server's and the client's tests run too), and the limits: how many annotations, how deep, how much memory.
 */
#include <string.h>

#include "mcp_param_headers.h"
#include "param_header_cases.h"
#include "test.h"

static int
collect(const json_value_t *schema, arena_t *arena, buf_t *out, char *err, size_t err_len)
{
    mcp_param_header_t *params;
    size_t num;
    if (mcp_param_headers_collect(schema, arena, &params, &num, err, err_len) != 0)
        return -1;
    CHECK((num == 0) == (params == NULL));
    for (size_t i = 0; i != num; ++i)
        param_header_format(out, &params[i]);
    return 0;
}

static void
test_cases(void)
{
    CHECK(param_header_cases_run(collect) >= 40);
}

/* Collects from schema_json (into an arena already full if full): the table's form, or "ERR: reason" (static buffer). */
static const char *
run(const char *schema_json, int full)
{
    static char result[512];
    arena_t a;
    arena_init(&a, full ? 1 : 0);
    while (full && arena_alloc(&a, 16) != NULL)
        ;
    json_value_t *schema;
    arena_t parse_arena;
    arena_init(&parse_arena, 0);
    buf_t out = BUF_INIT(0);
    char err[256] = "";
    if (json_parse(&parse_arena, schema_json, strlen(schema_json), 128, &schema) != 0)
        snprintf(result, sizeof(result), "BAD JSON");
    else if (collect(schema, &a, &out, err, sizeof(err)) != 0)
        snprintf(result, sizeof(result), "ERR: %s", err);
    else
        snprintf(result, sizeof(result), "%s", out.data != NULL ? out.data : "");
    buf_dispose(&out);
    arena_dispose(&parse_arena);
    arena_dispose(&a);
    return result;
}

/* {"properties":{"p1":{"type":"object","properties":{"p2":... "pN":{...leaf...}}}}} with the leaf at depth n. */
static void
nested(buf_t *b, int n, const char *leaf)
{
    for (int i = 1; i <= n; ++i)
        buf_printf(b, "{\"type\":\"object\",\"properties\":{\"p%d\":", i);
    buf_append_str(b, leaf);
    for (int i = 1; i <= n; ++i)
        buf_append_str(b, "}}");
}

static void
test_limits(void)
{
    /* as many annotations as allowed, and one more */
    for (int extra = 0; extra != 2; ++extra) {
        buf_t many = BUF_INIT(0);
        buf_append_str(&many, "{\"properties\":{");
        for (int i = 0; i != MCP_PARAM_HEADERS_MAX + extra; ++i)
            buf_printf(&many, "%s\"p%d\":{\"type\":\"string\",\"x-mcp-header\":\"P%d\"}", i != 0 ? "," : "", i, i);
        buf_append_str(&many, "}}");
        const char *got = run(many.data, 0);
        if (extra == 0)
            CHECK(strncmp(got, "P0@p0;P1@p1;", 12) == 0 && strstr(got, "P31@p31") != NULL);
        else
            CHECK_STR(got, "ERR: more than 32 x-mcp-header annotations");
        buf_dispose(&many);
    }
    /* an annotation as deep as allowed, one deeper, and a deeper schema with none */
    buf_t deep = BUF_INIT(0);
    nested(&deep, MCP_PARAM_HEADERS_MAX_DEPTH, "{\"type\":\"string\",\"x-mcp-header\":\"Deep\"}");
    const char *got = run(deep.data, 0);
    CHECK(strncmp(got, "Deep@p1.p2.", 11) == 0 && strcmp(got + strlen(got) - 8, ".p31.p32") == 0);
    buf_reset(&deep);
    nested(&deep, MCP_PARAM_HEADERS_MAX_DEPTH,
           "{\"type\":\"object\",\"properties\":{\"leaf\":{\"type\":\"string\","
           "\"x-mcp-header\":\"Deep\"}}}");
    CHECK_STR(run(deep.data, 0), "ERR: property 'leaf' with an x-mcp-header is nested more than 32 properties deep");
    buf_reset(&deep);
    nested(&deep, MCP_PARAM_HEADERS_MAX_DEPTH + 20, "{\"type\":\"string\"}");
    CHECK_STR(run(deep.data, 0), "");
    buf_dispose(&deep);
    /* the whole messages, which name the property and the keyword */
    CHECK_STR(run("{\"properties\":{\"l\":{\"items\":{\"x-mcp-header\":\"I\"}}}}", 0),
              "ERR: an x-mcp-header inside \"items\" (under property 'l'): it is allowed only on properties reached through "
              "\"properties\" from the root");
    CHECK_STR(run("{\"$defs\":{\"d\":{\"type\":\"string\",\"x-mcp-header\":\"D\"}}}", 0),
              "ERR: an x-mcp-header inside \"$defs\": it is allowed only on properties reached through \"properties\" from the "
              "root");
    /* no schema, or one that is not an object, has no annotations */
    mcp_param_header_t *params = (mcp_param_header_t *)1;
    size_t num = 7;
    arena_t a;
    arena_init(&a, 0);
    CHECK(mcp_param_headers_collect(NULL, &a, &params, &num, NULL, 0) == 0 && params == NULL && num == 0);
    CHECK_STR(run("true", 0), "");
    CHECK_STR(run("[{\"x-mcp-header\":\"A\"}]", 0), "");
    arena_dispose(&a);
    /* an arena that is full is an error, not a crash */
    CHECK_STR(run("{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}", 1), "ERR: out of memory");
}

int
main(void)
{
    RUN(test_cases);
    RUN(test_limits);
    return TEST_REPORT("test_mcp_param_headers");
}
