/* Tests of the execute-api ARN parser (authorizer/authz_arn.c) and the stage-wide Resource built from it. */
#include <string.h>

#include "authz.h"
#include "authz_arn.h"
#include "test.h"

static void
test_table(void)
{
    static const struct {
        const char *arn;
        const char *wildcard; /* NULL: refused */
    } cases[] = {
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/POST/mcp",
         "arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/*/*"},
        {"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/",
         "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*"},
        {"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET",
         "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*"},
        {"arn:aws:execute-api:us-east-1:123456789012:a1/Stage_2-x/DELETE/mcp/items/42",
         "arn:aws:execute-api:us-east-1:123456789012:a1/Stage_2-x/*/*"},
        {"arn:aws:execute-api:us-east-1:123456789012:api0id/$default/POST/mcp",
         "arn:aws:execute-api:us-east-1:123456789012:api0id/$default/*/*"},
        {"arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev/GET/x",
         "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev/*/*"},
        {"arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/dev/GET/x",
         "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/dev/*/*"},
        {"arn:aws:execute-api:eu-west-1:123456789012:abc/dev/GET/path with spaces/%2F",
         "arn:aws:execute-api:eu-west-1:123456789012:abc/dev/*/*"},
        /* refused: anything that would put a wildcard, another service or another account's API in the policy */
        {"", NULL},
        {"*", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/dev", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:*/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/*/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:*:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:12345678901*:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-*:123456789012:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc12*/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/de*/GET/x", NULL},
        {"arn:aws:execute-api:*:123456789012:abc123/dev/GET/x", NULL},
        {"arn:*:execute-api:eu-central-1:123456789012:abc123/dev/GET/x", NULL},
        {"arn:aws:lambda:eu-central-1:123456789012:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:12345678901:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:1234567890123:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:12345678901a:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:EU-CENTRAL-1:123456789012:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:ABC123/dev/GET/x", NULL},
        {"arn:aws:execute-api::123456789012:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123//GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/de.v/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc:123/dev/GET/x", NULL},
        {"arn:notaws:execute-api:eu-central-1:123456789012:abc123/dev/GET/x", NULL},
        {"arn:awsx:execute-api:eu-central-1:123456789012:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/GET/x\n", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/GET/\x7f", NULL},
        {"ARN:aws:execute-api:eu-central-1:123456789012:abc123/dev/GET/x", NULL},
        {" arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/GET/x", NULL},
        {"arn:aws:execute-api:eu-central-1:123456789012:abc123/d\xc3\xa9v/GET/x", NULL},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        authz_arn_t arn;
        int ret = authz_arn_parse(cases[i].arn, strlen(cases[i].arn), &arn);
        if ((ret == 0) != (cases[i].wildcard != NULL))
            fprintf(stderr, "  case %zu \"%s\": got %d\n", i, cases[i].arn, ret);
        if (cases[i].wildcard == NULL) {
            CHECK(ret == AUTHZ_ERR_ARN);
            continue;
        }
        CHECK(ret == 0);
        buf_t out = BUF_INIT(0);
        authz_arn_stage_wildcard(&out, &arn);
        CHECK_STR(out.data, cases[i].wildcard);
        buf_dispose(&out);
    }
}

/* Length limits: 1600 bytes in all, 128 for a stage; the longest accepted ARN still gives a Resource within 512. */
static void
test_limits(void)
{
    char arn[AUTHZ_MAX_ARN_BYTES + 2];
    authz_arn_t parsed;
    int n = snprintf(arn, sizeof(arn), "arn:aws-xxxxxxxxxxxxxxxxxxxxxxxxxxxx:execute-api:%.32s:123456789012:%.64s/%.128s/GET/",
                     "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr", "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
                     "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS"
                     "SSSSSSSSSSSSSSSSSSSSSSS");
    CHECK(authz_arn_parse(arn, (size_t)n, &parsed) == 0);
    buf_t out = BUF_INIT(0);
    authz_arn_stage_wildcard(&out, &parsed);
    CHECK(out.len <= 512);
    buf_dispose(&out);
    /* a 129-byte stage */
    n = snprintf(arn, sizeof(arn), "arn:aws:execute-api:eu-west-1:123456789012:abc/%0129d/GET/", 0);
    CHECK(authz_arn_parse(arn, (size_t)n, &parsed) == AUTHZ_ERR_ARN);
    /* exactly 1600 bytes, then 1601 */
    n = snprintf(arn, sizeof(arn), "arn:aws:execute-api:eu-west-1:123456789012:abc/dev/GET/");
    memset(arn + n, 'p', AUTHZ_MAX_ARN_BYTES + 1 - (size_t)n);
    CHECK(authz_arn_parse(arn, AUTHZ_MAX_ARN_BYTES, &parsed) == 0);
    CHECK(authz_arn_parse(arn, AUTHZ_MAX_ARN_BYTES + 1, &parsed) == AUTHZ_ERR_ARN);
}

int
main(void)
{
    RUN(test_table);
    RUN(test_limits);
    return TEST_REPORT("test_authorizer_arn");
}
