#include "authz_arn.h"

#include <stdint.h>
#include <string.h>

#include "authz.h"

#define LOWER 1u
#define UPPER 2u
#define DIGIT 4u
#define NOT_KEPT SIZE_MAX

/*
 * The ARN, part by part up to the stage. Each row is either a literal or a field:
 *   literal   the exact text, or NULL for a field
 *   classes   the letter and digit classes a field may use, extra the other characters it may use
 *   min, max  its length in bytes
 *   end       the separator that follows it
 *   offset    where the field's span goes in authz_arn_t (NOT_KEPT for literals)
 * The character sets are the documented ones: account ids are 12 digits, API ids lower-case alphanumeric, stage names
 * "alphanumerics, hyphens and underscores" (HTTP APIs add "$default"), regions and partitions lower-case with hyphens.
 */
typedef struct st_arn_part_t {
    const char *literal;
    unsigned classes;
    const char *extra;
    size_t min, max;
    char end;
    size_t offset;
} arn_part_t;

static const arn_part_t parts[] = {
    {"arn", 0, NULL, 0, 0, ':', NOT_KEPT},
    {NULL, LOWER | DIGIT, "-", 3, 32, ':', offsetof(authz_arn_t, partition)},
    {"execute-api", 0, NULL, 0, 0, ':', NOT_KEPT},
    {NULL, LOWER | DIGIT, "-", 1, 32, ':', offsetof(authz_arn_t, region)},
    {NULL, DIGIT, "", 12, 12, ':', offsetof(authz_arn_t, account)},
    {NULL, LOWER | DIGIT, "", 1, 64, '/', offsetof(authz_arn_t, api_id)},
    {NULL, LOWER | UPPER | DIGIT, "-_$", 1, 128, '/', offsetof(authz_arn_t, stage)},
};

static int
in_part(const arn_part_t *part, unsigned char c)
{
    if (((part->classes & LOWER) && c >= 'a' && c <= 'z') || ((part->classes & UPPER) && c >= 'A' && c <= 'Z') ||
        ((part->classes & DIGIT) && c >= '0' && c <= '9'))
        return 1;
    return c != '\0' && strchr(part->extra, c) != NULL;
}

int
authz_arn_parse(const char *s, size_t len, authz_arn_t *arn)
{
    memset(arn, 0, sizeof(*arn));
    if (len > AUTHZ_MAX_ARN_BYTES)
        return AUTHZ_ERR_ARN;
    const char *p = s, *end = s + len;
    for (size_t i = 0; i != sizeof(parts) / sizeof(parts[0]); ++i) {
        const arn_part_t *part = &parts[i];
        const char *sep = memchr(p, part->end, (size_t)(end - p));
        if (sep == NULL)
            return AUTHZ_ERR_ARN;
        size_t n = (size_t)(sep - p);
        if (part->literal != NULL) {
            if (n != strlen(part->literal) || memcmp(p, part->literal, n) != 0)
                return AUTHZ_ERR_ARN;
        } else {
            if (n < part->min || n > part->max)
                return AUTHZ_ERR_ARN;
            for (size_t j = 0; j != n; ++j)
                if (!in_part(part, (unsigned char)p[j]))
                    return AUTHZ_ERR_ARN;
            *(authz_span_t *)((char *)arn + part->offset) = (authz_span_t){p, n};
        }
        p = sep + 1;
    }
    /* aws, aws-cn, aws-us-gov, aws-iso, ...: never a made-up partition */
    if (!(arn->partition.len == 3 || arn->partition.ptr[3] == '-') || memcmp(arn->partition.ptr, "aws", 3) != 0)
        return AUTHZ_ERR_ARN;
    /* the method and the path: unused, but there must be something, and nothing that could not come from a request */
    if (p == end)
        return AUTHZ_ERR_ARN;
    for (; p != end; ++p)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return AUTHZ_ERR_ARN;
    return 0;
}

void
authz_arn_stage_wildcard(buf_t *out, const authz_arn_t *arn)
{
    buf_printf(out, "arn:%.*s:execute-api:%.*s:%.*s:%.*s/%.*s/*/*", (int)arn->partition.len, arn->partition.ptr,
               (int)arn->region.len, arn->region.ptr, (int)arn->account.len, arn->account.ptr, (int)arn->api_id.len,
               arn->api_id.ptr, (int)arn->stage.len, arn->stage.ptr);
}
