/*
 * whoami: the caller as the front door established it (mcp_identity()): behind the API Gateway authorizer, the token's
 * principal and, for an OAuth access token, its subject, issuer, client and granted scopes. A tool can make the same
 * decisions from mcp_identity(); this one shows what it would see. Nothing secret is in it: never the token itself.
 */
#include <string.h>

#include "mcp.h"

/* The identity's members that are shown, in this order: the authorizer's context names (docs/authorizer.md). */
static const char *const fields[] = {"principal", "authMethod", "sub", "iss", "client_id", "scope", NULL};

static int
whoami(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *id = mcp_identity(ctx);
    const char *principal = json_string(json_get(id, "principal"));
    if (principal == NULL)
        principal = json_string(json_get(id, "principalId"));
    jsonw_t *w = mcp_structured(ctx);
    jsonw_object_begin(w);
    jsonw_kv_bool(w, "authenticated", principal != NULL);
    for (const char *const *f = fields; *f != NULL; ++f) {
        const char *v = strcmp(*f, "principal") == 0 ? principal : json_string(json_get(id, *f));
        if (v != NULL)
            jsonw_kv_string(w, *f, v);
    }
    jsonw_object_end(w);
    if (principal == NULL) {
        mcp_text(ctx, "anonymous: no authorizer identified the caller of this request");
        return 0;
    }
    const char *method = json_string(json_get(id, "authMethod")), *client = json_string(json_get(id, "client_id")),
               *scope = json_string(json_get(id, "scope"));
    mcp_textf(ctx, "%s (%s%s%s%s%s)", principal, method != NULL ? method : "authorizer", client != NULL ? ", client " : "",
              client != NULL ? client : "", scope != NULL ? ", scopes: " : "", scope != NULL ? scope : "");
    return 0;
}

MCP_TOOL(whoami, .title = "Who am I",
         .description = "Returns the caller's identity as the server's authorizer established it: principal, and for OAuth "
                        "access tokens the subject, issuer, client and granted scopes.",
         .input_schema = "{\"type\":\"object\",\"additionalProperties\":false}",
         .output_schema = "{\"type\":\"object\",\"properties\":{\"authenticated\":{\"type\":\"boolean\"},"
                          "\"principal\":{\"type\":\"string\"},\"authMethod\":{\"type\":\"string\"},\"sub\":{\"type\":\"string\"},"
                          "\"iss\":{\"type\":\"string\"},\"client_id\":{\"type\":\"string\"},\"scope\":{\"type\":\"string\"}},"
                          "\"required\":[\"authenticated\"],\"additionalProperties\":false}",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = whoami, .inline_ = 1);
