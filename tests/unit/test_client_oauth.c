/* Tests of client/oauth.c that need no network: WWW-Authenticate challenges as servers write them. */
#include <string.h>

#include "oauth.h"
#include "test.h"

static void
test_challenges(void)
{
    static const struct {
        const char *text;
        int ret;
        const char *resource_metadata, *scope, *error, *error_description;
    } cases[] = {
        {"Bearer resource_metadata=\"https://a.example/.well-known/oauth-protected-resource\", scope=\"mcp:tools\"\n", 0,
         "https://a.example/.well-known/oauth-protected-resource", "mcp:tools", "", ""},
        {"Bearer error=\"insufficient_scope\", scope=\"a b\", resource_metadata=\"https://x/m\", error_description=\"needs "
         "\\\"a\\\"\"",
         0, "https://x/m", "a b", "insufficient_scope", "needs \"a\""},
        {"bearer error=invalid_token,scope=x", 0, "", "x", "invalid_token", ""},
        {"Basic realm=\"r\", Bearer scope=\"s\"", 0, "", "s", "", ""},
        {"Basic realm=\"r\"\nBearer   realm=\"mcp\" ,  scope = \"s t\"\n", 0, "", "s t", "", ""},
        {"Bearer", 0, "", "", "", ""},
        {"Basic realm=\"x\", scope=\"not ours\"", -1, "", "", "", ""},
        {"Negotiate abc123==", -1, "", "", "", ""},
        {"", -1, "", "", "", ""},
        {"Bearer scope=\"unterminated", 0, "", "unterminated", "", ""},
        {"DPoP algs=\"ES256\", Bearer resource_metadata=\"https://r/m\"", 0, "https://r/m", "", "", ""},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        mcpc_challenge_t ch;
        int ret = mcpc_challenge_parse(cases[i].text, &ch);
        if (ret != cases[i].ret)
            fprintf(stderr, "  case %zu: %d\n", i, ret);
        CHECK(ret == cases[i].ret);
        CHECK_STR(ch.resource_metadata, cases[i].resource_metadata);
        CHECK_STR(ch.scope, cases[i].scope);
        CHECK_STR(ch.error, cases[i].error);
        CHECK_STR(ch.error_description, cases[i].error_description);
    }
    /* a value longer than the field is cut, not overflowed */
    char long_value[5000] = "Bearer scope=\"";
    memset(long_value + strlen(long_value), 'a', 4000);
    strcat(long_value, "\"");
    mcpc_challenge_t ch;
    CHECK(mcpc_challenge_parse(long_value, &ch) == 0 && strlen(ch.scope) == MCPC_OAUTH_MAX_SCOPE);
}

int
main(void)
{
    RUN(test_challenges);
    return TEST_REPORT("test_client_oauth");
}
