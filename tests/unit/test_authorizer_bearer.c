/* Tests of the RFC 6750 credentials parser (authorizer/authz_bearer.c): the token it finds, or why there is none. */
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "authz_bearer.h"
#include "test.h"

static void
test_table(void)
{
    static const struct {
        const char *value;
        int ret;
        const char *token; /* what is found, when ret is 0 */
    } cases[] = {
        {"Bearer abc", 0, "abc"},
        {"bearer abc", 0, "abc"},
        {"BeArEr abc", 0, "abc"},
        {"Bearer    abc", 0, "abc"},
        {" \t Bearer abc \t ", 0, "abc"},
        {"Bearer A-Z.a_z~0+9/==", 0, "A-Z.a_z~0+9/=="},
        {"Bearer a.b.c", 0, "a.b.c"},
        {"Bearer ===", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer a=a", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer abc =", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer abc= =", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer a b", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer\tabc", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer,abc", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer abc,", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer abc;", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer a%62c", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer ab\xc3\xa7", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer \x80", AUTHZ_ERR_TOKEN_SYNTAX, NULL},
        {"Bearer", AUTHZ_ERR_EMPTY_TOKEN, NULL},
        {"Bearer \t ", AUTHZ_ERR_EMPTY_TOKEN, NULL},
        {"", AUTHZ_ERR_MISSING, NULL},
        {" \t", AUTHZ_ERR_MISSING, NULL},
        {"Basic abc", AUTHZ_ERR_SCHEME, NULL},
        {"Bearers abc", AUTHZ_ERR_SCHEME, NULL},
        {"Beare abc", AUTHZ_ERR_SCHEME, NULL},
        {"abc", AUTHZ_ERR_SCHEME, NULL},
        {"\"Bearer\" abc", AUTHZ_ERR_SCHEME, NULL},
        {"DPoP abc", AUTHZ_ERR_SCHEME, NULL},
        {"Bearer\xc2\xa0"
         "abc",
         AUTHZ_ERR_TOKEN_SYNTAX, NULL}, /* a no-break space is not SP */
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        const char *token = NULL;
        size_t len = 0;
        int ret = authz_bearer_token(cases[i].value, strlen(cases[i].value), &token, &len);
        if (ret != cases[i].ret)
            fprintf(stderr, "  case %zu \"%s\": got %s\n", i, cases[i].value, authz_strreason(ret));
        CHECK(ret == cases[i].ret);
        if (cases[i].token != NULL) {
            CHECK(ret == 0 && len == strlen(cases[i].token) && memcmp(token, cases[i].token, len) == 0);
            CHECK(token >= cases[i].value && token + len <= cases[i].value + strlen(cases[i].value));
        }
    }
}

/* The length limit counts the token, not the value, and is checked before the characters. */
static void
test_length_limit(void)
{
    size_t max = AUTHZ_MAX_TOKEN_BYTES;
    char *value = malloc(7 + max + 2);
    memcpy(value, "Bearer ", 7);
    memset(value + 7, 'x', max + 1);
    const char *token;
    size_t len;
    CHECK(authz_bearer_token(value, 7 + max, &token, &len) == 0 && len == max);
    CHECK(authz_bearer_token(value, 7 + max + 1, &token, &len) == AUTHZ_ERR_TOKEN_TOO_LONG);
    value[7 + max] = ' '; /* trailing whitespace does not count */
    CHECK(authz_bearer_token(value, 7 + max + 1, &token, &len) == 0 && len == max);
    value[8] = '\xff';
    CHECK(authz_bearer_token(value, 7 + max, &token, &len) == AUTHZ_ERR_TOKEN_SYNTAX);
    free(value);
}

/* The value need not be NUL-terminated, and a NUL inside it is just a byte outside the grammar. */
static void
test_lengths(void)
{
    const char *token;
    size_t len;
    CHECK(authz_bearer_token("Bearer abcdef", 10, &token, &len) == 0 && len == 3 && memcmp(token, "abc", 3) == 0);
    CHECK(authz_bearer_token("Bearer ab\0cd", 12, &token, &len) == AUTHZ_ERR_TOKEN_SYNTAX);
    CHECK(authz_bearer_token("Bear\0r abc", 10, &token, &len) == AUTHZ_ERR_SCHEME);
}

int
main(void)
{
    RUN(test_table);
    RUN(test_length_limit);
    RUN(test_lengths);
    return TEST_REPORT("test_authorizer_bearer");
}
