/* Tests of common/: the strict JSON parser, the writer, base64 and buffers. */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "json.h"
#include "jsonw.h"
#include "test.h"

/* Parses and writes back; returns the JSON text or "ERR:<code>" (static buffer). */
static const char *
roundtrip(const char *in, size_t len)
{
    static char out[4096];
    arena_t a;
    arena_init(&a, 1 << 20);
    json_value_t *v;
    int err = json_parse(&a, in, len, 64, &v);
    if (err != 0) {
        snprintf(out, sizeof(out), "ERR:%d", err);
    } else {
        buf_t b = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &b);
        jsonw_value(&w, v);
        snprintf(out, sizeof(out), "%s", b.data);
        buf_dispose(&b);
    }
    arena_dispose(&a);
    return out;
}

#define RT(s) roundtrip((s), sizeof(s) - 1)

static void
test_parse_valid(void)
{
    CHECK_STR(RT("{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}"), "{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}");
    CHECK_STR(RT("  [ ]  "), "[]");
    CHECK_STR(RT("{}"), "{}");
    CHECK_STR(RT("\"x\""), "\"x\"");
    /* numbers are kept as written: ids are echoed byte for byte */
    CHECK_STR(RT("12345678901234567890"), "12345678901234567890");
    CHECK_STR(RT("-1.50e+3"), "-1.50e+3");
    CHECK_STR(RT("\"\\ud83d\\ude00\""), "\"\xf0\x9f\x98\x80\"");
    CHECK_STR(RT("\"\\uD83D\\uDE00\""), "\"\xf0\x9f\x98\x80\""); /* hex digits in either case */
    CHECK_STR(RT("\"\\\\ud800\""), "\"\\\\ud800\"");             /* an escaped backslash, then text */
    CHECK_STR(RT("\"a\\nb\\u0001\""), "\"a\\nb\\u0001\"");
    CHECK_STR(RT("\"\xe6\x97\xa5\""), "\"\xe6\x97\xa5\"");
}

static void
test_parse_invalid(void)
{
    CHECK_STR(RT(""), "ERR:-7");
    CHECK_STR(RT("   "), "ERR:-7");
    CHECK_STR(RT("{\"jsonrpc\":\"2.0\","), "ERR:-1");
    CHECK_STR(RT("/* c */ 1"), "ERR:-1");
    CHECK_STR(RT("1 2"), "ERR:-1");
    CHECK_STR(RT("{\"a\":1}x"), "ERR:-1");
    CHECK_STR(RT("[1,]"), "ERR:-1");
    CHECK_STR(RT("{'a':1}"), "ERR:-1");
    CHECK_STR(RT("\"\\u0000\""), "ERR:-4");
    CHECK_STR(RT("\"\\ud800\""), "ERR:-5");
    CHECK_STR(RT("\"\\udc00\\ud800\""), "ERR:-5");
    CHECK_STR(RT("\"\\ud800x\""), "ERR:-5");
    CHECK_STR(RT("\"\\ud800\\u0041\""), "ERR:-5"); /* a high surrogate, then an escape that is not a low one */
    CHECK_STR(RT("\"\\uDBFF\\uE000\""), "ERR:-5");
    CHECK_STR(RT("\"\\ud800\\udc0g\""), "ERR:-5"); /* ... or not an escape at all */
    CHECK_STR(roundtrip("\"a\0b\"", 5), "ERR:-1");
    CHECK_STR(roundtrip("1\0", 2), "ERR:-1");
    CHECK_STR(RT("\"\xff\""), "ERR:-2");
    CHECK_STR(RT("\"\xc0\xaf\""), "ERR:-2");         /* overlong '/' */
    CHECK_STR(RT("\"\xed\xa0\x80\""), "ERR:-2");     /* encoded surrogate */
    CHECK_STR(RT("\"\xf4\x90\x80\x80\""), "ERR:-2"); /* above U+10FFFF */
    CHECK_STR(RT("\"\xe6\x97\""), "ERR:-2");         /* truncated */
}

static void
test_depth_limit(void)
{
    size_t n = 100000;
    char *deep = malloc(2 * n);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    CHECK_STR(roundtrip(deep, 2 * n), "ERR:-3");
    /* exactly at the limit is fine */
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    CHECK(strncmp(roundtrip(deep, 128), "[[", 2) == 0);
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    CHECK_STR(roundtrip(deep, 130), "ERR:-3");
    free(deep);
}

static void
test_arena_limit(void)
{
    arena_t a;
    arena_init(&a, 4096);
    char doc[20000];
    size_t n = 0;
    doc[n++] = '[';
    for (int i = 0; i < 2000; ++i)
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s1", i ? "," : "");
    doc[n++] = ']';
    json_value_t *v;
    CHECK(json_parse(&a, doc, n, 64, &v) == JSON_ERR_NOMEM);
    arena_dispose(&a);
}

static void
test_accessors(void)
{
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v;
    const char *doc = "{\"s\":\"x\",\"i\":42,\"f\":1.0,\"g\":1.5,\"big\":99999999999999999999,\"dup\":1,\"dup\":2}";
    CHECK(json_parse(&a, doc, strlen(doc), 8, &v) == 0);
    CHECK_STR(json_string(json_get(v, "s")), "x");
    CHECK(json_string(json_get(v, "i")) == NULL);
    int64_t n;
    CHECK(json_int64(json_get(v, "i"), &n) == 0 && n == 42);
    CHECK(json_int64(json_get(v, "f"), &n) == 0 && n == 1);
    CHECK(json_int64(json_get(v, "g"), &n) == -1);
    CHECK(json_int64(json_get(v, "big"), &n) == -1);
    CHECK(json_is_integer(json_get(v, "f")));
    CHECK(!json_is_integer(json_get(v, "g")));
    CHECK(json_int64(json_get(v, "dup"), &n) == 0 && n == 2);
    CHECK(json_get(v, "missing") == NULL);
    CHECK(json_get(NULL, "x") == NULL);
    json_value_t *a1, *a2;
    CHECK(json_parse(&a, "{\"a\":[1,{\"b\":2}]}", 17, 8, &a1) == 0);
    CHECK(json_parse(&a, "{\"a\":[1.0,{\"b\":2e0}]}", 21, 8, &a2) == 0);
    CHECK(json_equal(a1, a2));
    CHECK(!json_equal(a1, v));
    arena_dispose(&a);
}

static void
test_writer(void)
{
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "s", "q\"\\\n\x01\xe2\x80\xa8");
    jsonw_kv_int(&w, "i", -5);
    jsonw_key(&w, "d");
    jsonw_double(&w, 0.1);
    jsonw_key(&w, "e");
    jsonw_double(&w, 100);
    jsonw_key(&w, "a");
    jsonw_array_begin(&w);
    jsonw_bool(&w, 1);
    jsonw_null(&w);
    jsonw_base64(&w, "hi", 2);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    CHECK(!jsonw_failed(&w));
    CHECK_STR(b.data, "{\"s\":\"q\\\"\\\\\\n\\u0001\\u2028\",\"i\":-5,\"d\":0.1,\"e\":100,\"a\":[true,null,\"aGk=\"]}");
    buf_dispose(&b);

    /* the limit is sticky */
    buf_t small = BUF_INIT(8);
    jsonw_init(&w, &small);
    jsonw_string(&w, "this is longer than eight bytes");
    CHECK(jsonw_failed(&w));
    buf_dispose(&small);
}

static void
test_base64(void)
{
    buf_t b = BUF_INIT(0);
    base64_encode(&b, "foobar", 6);
    CHECK_STR(b.data, "Zm9vYmFy");
    buf_reset(&b);
    base64_encode(&b, "fo", 2);
    CHECK_STR(b.data, "Zm8=");
    buf_reset(&b);
    base64url_encode(&b, "\xfb\xff", 2);
    CHECK_STR(b.data, "-_8");
    buf_reset(&b);
    CHECK(base64_decode(&b, "Zm9vYg==", 8, 0) == 0 && b.len == 4 && memcmp(b.data, "foob", 4) == 0);
    buf_reset(&b);
    CHECK(base64_decode(&b, "-_8", 3, 1) == 0 && b.len == 2 && memcmp(b.data, "\xfb\xff", 2) == 0);
    buf_reset(&b);
    CHECK(base64_decode(&b, "Zm9vYg=", 7, 0) != 0);  /* bad padding */
    CHECK(base64_decode(&b, "Zm9vYh==", 8, 0) != 0); /* non-zero leftover bits */
    CHECK(base64_decode(&b, "Zm9v\nYg==", 9, 0) != 0);
    CHECK(base64_decode(&b, "Z", 1, 1) != 0);
    CHECK(base64_decode(&b, "", 0, 0) == 0);
    buf_dispose(&b);
}

static void
test_utf8(void)
{
    CHECK(json_utf8_valid("plain", 5));
    CHECK(json_utf8_valid("\xf0\x9f\x98\x80", 4));
    CHECK(!json_utf8_valid("\xf0\x9f\x98", 3));
    CHECK(!json_utf8_valid("\x80", 1));
    CHECK(!json_utf8_valid("\xe0\x80\xaf", 3));
}

int
main(void)
{
    RUN(test_parse_valid);
    RUN(test_parse_invalid);
    RUN(test_depth_limit);
    RUN(test_arena_limit);
    RUN(test_accessors);
    RUN(test_writer);
    RUN(test_base64);
    RUN(test_utf8);
    return TEST_REPORT("test_json");
}
