/* whoami: who the server thinks the caller is, as the front door established it (mcp_identity()). */
#include "mcp.h"

static int
whoami(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *identity = mcp_identity(ctx);
    if (identity == NULL) {
        mcp_text(ctx, "anonymous: the front door established no identity (no authorizer, no IAM)");
        return 0;
    }
    const char *principal = json_string(json_get(identity, "principalId"));
    mcp_textf(ctx, "caller: %s", principal != NULL ? principal : "(an identity without principalId)");
    jsonw_value(mcp_structured(ctx), identity);
    return 0;
}

MCP_TOOL(whoami, .title = "Who am I",
         .description = "Tells who the server thinks the caller is: the identity the front door established (the bearer "
                        "token's authorizer context, or the IAM caller of a Function URL: account, ARN, user id), as "
                        "structured content. Use it to check which credentials reach the server.",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = whoami,
         .nonblocking = 1);
