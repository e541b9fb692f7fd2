/* Tests of client/arguments.c: key=value words to a JSON arguments object, with and without a schema. */
#include <string.h>

#include "arguments.h"
#include "mcpc_errors.h"
#include "test.h"

static const char schema_json[] = "{\"type\":\"object\",\"properties\":{"
                                  "\"city\":{\"type\":\"string\"},"
                                  "\"count\":{\"type\":\"integer\"},"
                                  "\"ratio\":{\"type\":\"number\"},"
                                  "\"flag\":{\"type\":\"boolean\"},"
                                  "\"maybe\":{\"type\":[\"string\",\"null\"]},"
                                  "\"list\":{\"type\":\"array\"},"
                                  "\"any\":{}}}";

/* Builds from words (NULL-terminated) and returns the JSON or "ERR" (static buffer). */
static const char *
build(const char *const *words, int with_schema, int strings_only)
{
    static char out[1024];
    arena_t a;
    arena_init(&a, 0);
    json_value_t *schema = NULL;
    if (with_schema)
        json_parse(&a, schema_json, sizeof(schema_json) - 1, 64, &schema);
    size_t n = 0;
    while (words[n] != NULL)
        ++n;
    buf_t b = BUF_INIT(0);
    char err[256] = "";
    int ret = mcpc_arguments_build((char *const *)words, n, schema, strings_only, &b, err, sizeof(err));
    if (ret != 0) {
        CHECK(ret == MCPC_ERR_USAGE && err[0] != '\0');
        snprintf(out, sizeof(out), "ERR");
    } else {
        snprintf(out, sizeof(out), "%s", b.data);
    }
    buf_dispose(&b);
    arena_dispose(&a);
    return out;
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
test_with_schema(void)
{
    /* a property typed string is sent verbatim, whatever it looks like */
    CHECK_STR(build(WORDS("city=Paris"), 1, 0), "{\"city\":\"Paris\"}");
    CHECK_STR(build(WORDS("city=123"), 1, 0), "{\"city\":\"123\"}");
    CHECK_STR(build(WORDS("city=true"), 1, 0), "{\"city\":\"true\"}");
    CHECK_STR(build(WORDS("city="), 1, 0), "{\"city\":\"\"}");
    CHECK_STR(build(WORDS("maybe=null"), 1, 0), "{\"maybe\":\"null\"}");
    /* other types: JSON when it is JSON, else a string (the server's validation then explains) */
    CHECK_STR(build(WORDS("count=3", "ratio=-1.5e3", "flag=false"), 1, 0), "{\"count\":3,\"ratio\":-1.5e3,\"flag\":false}");
    CHECK_STR(build(WORDS("count=three"), 1, 0), "{\"count\":\"three\"}");
    CHECK_STR(build(WORDS("list=[1,\"a\"]"), 1, 0), "{\"list\":[1,\"a\"]}");
    CHECK_STR(build(WORDS("any={\"a\":{}}", "other=7"), 1, 0), "{\"any\":{\"a\":{}},\"other\":7}");
    /* key:=JSON forces JSON, even for a string property */
    CHECK_STR(build(WORDS("city:=\"x\"", "maybe:=null"), 1, 0), "{\"city\":\"x\",\"maybe\":null}");
    CHECK_STR(build(WORDS("city:=Paris"), 1, 0), "ERR");
    /* only the first '=' splits */
    CHECK_STR(build(WORDS("city=a=b"), 1, 0), "{\"city\":\"a=b\"}");
}

static void
test_without_schema(void)
{
    CHECK_STR(build(WORDS("a=1", "b=x", "c=null", "d=\"q\""), 0, 0), "{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":\"q\"}");
    CHECK_STR(build(WORDS("text=hello world"), 0, 0), "{\"text\":\"hello world\"}");
    CHECK_STR(build(WORDS("a=01"), 0, 0), "{\"a\":\"01\"}"); /* not a JSON number */
}

static void
test_strings_only(void)
{
    CHECK_STR(build(WORDS("arg1=1", "arg2=true"), 0, 1), "{\"arg1\":\"1\",\"arg2\":\"true\"}");
    CHECK_STR(build(WORDS("arg1:=1"), 0, 1), "ERR");
}

static void
test_errors(void)
{
    CHECK_STR(build(WORDS("novalue"), 0, 0), "ERR");
    CHECK_STR(build(WORDS("=x"), 0, 0), "ERR");
    CHECK_STR(build(WORDS(":=1"), 0, 0), "ERR");
    CHECK_STR(build(WORDS("a=1", "a=2"), 0, 0), "ERR");
    CHECK_STR(build(WORDS("a=1", "a:=2"), 0, 0), "ERR");
    CHECK_STR(build(WORDS("a=\xff"), 0, 0), "ERR");
    CHECK_STR(build((const char *const[]){NULL}, 0, 0), "{}");
}

int
main(void)
{
    RUN(test_with_schema);
    RUN(test_without_schema);
    RUN(test_strings_only);
    RUN(test_errors);
    return TEST_REPORT("test_client_arguments");
}
