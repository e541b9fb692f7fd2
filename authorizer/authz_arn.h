/*
 * authz_arn: the execute-api ARN API Gateway puts in an event (methodArn for REST, routeArn for HTTP API):
 *
 *     arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<verb>/<resource path...>
 *
 * Parsed strictly: every part the policy copies (partition, region, account, API id, stage) must match its own
 * character set and length, so nothing from the event can widen or redirect the policy; the method and path after
 * the stage must be present but are not used, because the policy covers the whole stage (a cached decision must
 * cover every method and path, or the next request on another path gets a 403 from the cache).
 */
#ifndef AUTHORIZER_AUTHZ_ARN_H
#define AUTHORIZER_AUTHZ_ARN_H

#include <stddef.h>

#include "buf.h"

#define AUTHZ_MAX_ARN_BYTES 1600 /* API Gateway's limit on methodArn */

typedef struct st_authz_span_t {
    const char *ptr;
    size_t len;
} authz_span_t;

typedef struct st_authz_arn_t {
    authz_span_t partition, region, account, api_id, stage; /* point into the parsed string */
} authz_arn_t;

/* Parses s[0..len). Returns 0 or AUTHZ_ERR_ARN. */
int authz_arn_parse(const char *s, size_t len, authz_arn_t *arn);
/* Appends "arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/STAR/STAR" (at most 292 bytes, inside the 512 a policy
 * Resource may have). */
void authz_arn_stage_wildcard(buf_t *out, const authz_arn_t *arn);

#endif
