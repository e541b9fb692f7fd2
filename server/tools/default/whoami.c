/*
 * whoami: the caller as the front door established it (mcp_identity()): behind the API Gateway authorizer,
 * the token's principal and, for an OAuth access token, its subject, issuer, client and granted scopes;
 * behind a Function URL with AWS_IAM, the caller's account, ARN and user id. A tool can make the same
 * decisions from mcp_identity(); this one shows what it would see. Nothing secret is in it: never a token.
 */
#include <string.h>

#include "mcp.h"

#define WHOAMI_OUTPUT(P)                                                                                                           \
    P(authenticated, BOOLEAN, "Whether a front door identified the caller", .required = 1)                                         \
    P(principal, STRING, "Who the caller is: the authorizer's principal, or the IAM caller's ARN")                                 \
    P(authMethod, STRING, "How the authorizer identified the caller (static, jwt, ...)")                                           \
    P(sub, STRING, "OAuth: the token's subject")                                                                                   \
    P(iss, STRING, "OAuth: the token's issuer")                                                                                    \
    P(client_id, STRING, "OAuth: the client the token was issued to")                                                              \
    P(scope, STRING, "OAuth: the scopes granted")                                                                                  \
    P(accountId, STRING, "IAM: the caller's account")                                                                              \
    P(userArn, STRING, "IAM: the caller's ARN")                                                                                    \
    P(userId, STRING, "IAM: the caller's unique id")
MCP_OUTPUT(whoami, WHOAMI_OUTPUT);

/* Fills a member from the identity's field of the same name when it is a string. */
#define FROM_IDENTITY(field)                                                                                                       \
    do {                                                                                                                           \
        out.field = json_string(json_get(id, #field));                                                                             \
        out.has.field = out.field != NULL;                                                                                         \
    } while (0)

static int
whoami(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *id = mcp_identity(ctx);
    struct whoami_output out = {0};
    out.principal = json_string(json_get(id, "principal"));
    if (out.principal == NULL)
        out.principal = json_string(json_get(id, "principalId"));
    out.has.principal = out.authenticated = out.principal != NULL;
    FROM_IDENTITY(authMethod);
    FROM_IDENTITY(sub);
    FROM_IDENTITY(iss);
    FROM_IDENTITY(client_id);
    FROM_IDENTITY(scope);
    FROM_IDENTITY(accountId);
    FROM_IDENTITY(userArn);
    FROM_IDENTITY(userId);
    whoami_output(ctx, &out);
    if (out.principal == NULL) {
        mcp_text(ctx, "anonymous: no front door identified the caller of this request (no authorizer, no IAM)");
        return 0;
    }
    mcp_textf(ctx, "caller: %s (%s%s%s%s%s)", out.principal,
              out.authMethod != NULL ? out.authMethod
              : out.userArn != NULL  ? "iam"
                                     : "authorizer",
              out.client_id != NULL ? ", client " : "", out.client_id != NULL ? out.client_id : "",
              out.scope != NULL ? ", scopes: " : "", out.scope != NULL ? out.scope : "");
    return 0;
}

MCP_TOOL(whoami, .title = "Who am I",
         .description = "Tells who the server thinks the caller is: the identity the front door established (the bearer "
                        "token's principal; for OAuth access tokens the subject, issuer, client and granted scopes; for the "
                        "IAM caller of a Function URL the account, ARN and user id). Use it to check which credentials reach "
                        "the server.",
         .output = whoami_output_rows, .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}",
         .handler = whoami, .nonblocking = 1);
