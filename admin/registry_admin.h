/*
 * registry_admin: the tool registry's admin API (docs/registered-tools.md), the routes mcp-client admin calls.
 * Behind a Function URL or an API Gateway route with AWS_IAM authorization: AWS has checked the SigV4 signature
 * and the caller's permission before the event arrives; the caller's IAM identity is recorded with every change
 * (and a request without one is refused, 403, in case the function is ever exposed without IAM).
 *
 *   POST   /tools               201 with the record (version 1, ETag "1"); 409 when the name is taken
 *   GET    /tools?limit&cursor  200 {"items": [...], "nextCursor"?}
 *   GET    /tools/{name}        200 with the record and its ETag; 404
 *   PUT    /tools/{name}        200 with the record (version + 1); If-Match "<version>" (or *) else 412; 404
 *   DELETE /tools/{name}        204; 404; If-Match as for PUT
 *   400 {"message", "pointer"}: what is wrong, and where in the record (a JSON pointer)
 * and the same routes under /resources and /prompts for registered resources and prompts (their records carry
 * "kind"; the route gives it when the body does not).
 *
 * Records are checked as the server checks them when it reads them (server/core/remote_tools.h: the schemas by the
 * server's own validator), and more strictly: no unknown field, no built-in tool's or prompt's name and no
 * built-in resource's URI in any tool set, and a
 * lambdaArn that is a full, unqualified function ARN inside the allow-list (MCP_ADMIN_ALLOWED_FUNCTIONS: ARNs,
 * each may end with '*' for a name prefix). Creates and updates are conditional writes, so of two concurrent
 * creates of one name exactly one wins, and an update never overwrites a change it did not see.
 */
#ifndef MCP_REGISTRY_ADMIN_H
#define MCP_REGISTRY_ADMIN_H

#include <stddef.h>

#include "buf.h"
#include "dynamodb.h"
#include "json.h"

typedef struct st_registry_admin_t registry_admin_t;

/* allowed: comma-separated ARN patterns ("arn:aws:lambda:r:a:function:prefix-*"). Returns NULL on a bad pattern (err). */
registry_admin_t *registry_admin_new(dynamodb_t *db, const char *allowed, char *err, size_t err_len);
void registry_admin_free(registry_admin_t *a);

typedef struct st_admin_request_t {
    const char *method;
    const char *path;     /* "/tools", "/tools/name", "/resources/name", ... (a stage or base path before them is skipped) */
    const char *query;    /* "limit=10&cursor=..." or NULL */
    const char *if_match; /* NULL: absent */
    const char *body;
    size_t body_len;
    const json_value_t *identity; /* the IAM caller (principalId: its ARN); NULL: none */
} admin_request_t;

typedef struct st_admin_response_t {
    int status;
    char etag[32]; /* "" when none */
    buf_t body;    /* JSON; empty for 204 */
} admin_response_t;

/* Handles one request; res->body must be initialised by the caller. */
void registry_admin_handle(registry_admin_t *a, const admin_request_t *req, admin_response_t *res);

#endif
