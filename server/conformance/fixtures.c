/* fixtures.c: the pieces several conformance fixtures share (see fixtures.h). */
#include <string.h>

#include "fixtures.h"

/* Generated for this project: signature, IHDR (1x1, 8-bit RGB), one zlib-compressed IDAT row, IEND. */
const char conformance_png_base64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC";

/* Whether the capabilities the client declared include capability. */
static int
client_supports(const json_value_t *caps, const char *capability)
{
    const json_value_t *cap = json_get(caps, capability);
    if (cap == NULL)
        return 0;
    /*
     * These fixtures ask for form-mode elicitation. Since 2025-11-25 a client lists the modes it
     * supports; an empty object still means form only, as before modes existed.
     */
    if (strcmp(capability, "elicitation") == 0 && cap->type == JSON_OBJECT && cap->u.obj.len != 0)
        return json_get(cap, "form") != NULL;
    return 1;
}

static const char *
reason_or_unknown(const char *why)
{
    return why != NULL && why[0] != '\0' ? why : "no reason given";
}

int
conformance_ask(mcp_ctx_t *ctx, const char *capability, const char *method, const char *params_json, const json_value_t **result)
{
    /* a stateless request does not know the capabilities (NULL); then the client's answer decides */
    const json_value_t *caps = mcp_client_capabilities(ctx);
    if (caps != NULL && !client_supports(caps, capability))
        return mcp_error(ctx, "The client did not declare the %s capability, so this tool cannot ask it (%s).", capability, method);
    if (params_json == NULL)
        return mcp_error(ctx, "Internal error: the %s request could not be built.", method);

    const char *why = NULL;
    switch (mcp_client_request(ctx, method, params_json, result, &why)) {
    case 0:
        break;
    case MCP_EREQ_UNSUPPORTED:
        return mcp_error(ctx, "This server cannot send %s to the client on this connection: %s", method, reason_or_unknown(why));
    case MCP_EREQ_TIMEOUT:
        return mcp_error(ctx, "The client did not answer %s in time.", method);
    case MCP_EREQ_REJECTED:
        return mcp_error(ctx, "The client answered %s with an error: %s", method, reason_or_unknown(why));
    case MCP_EREQ_CANCELLED:
        return mcp_error(ctx, "The call was cancelled while waiting for the client's answer to %s.", method);
    default:
        return mcp_error(ctx, "%s failed: %s", method, reason_or_unknown(why));
    }
    if (*result == NULL || (*result)->type != JSON_OBJECT)
        return mcp_error(ctx, "The client's answer to %s is not an object.", method);
    return 0;
}

int
conformance_report_elicitation(mcp_ctx_t *ctx, const char *prefix, const json_value_t *answer)
{
    const char *action = json_string(json_get(answer, "action"));
    if (action == NULL || (strcmp(action, "accept") != 0 && strcmp(action, "decline") != 0 && strcmp(action, "cancel") != 0))
        return mcp_error(ctx, "The client's elicitation answer has no valid action (accept, decline or cancel).");
    const json_value_t *content = json_get(answer, "content");
    if (content == NULL) {
        /* decline and cancel carry no content */
        mcp_textf(ctx, "%saction=%s", prefix, action);
        return 0;
    }
    buf_t b = BUF_INIT(1u << 20);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_value(&w, content);
    const char *text = conformance_take_json(ctx, &w);
    if (text == NULL)
        return mcp_error(ctx, "The client's elicitation answer is too large to report.");
    mcp_textf(ctx, "%saction=%s, content=%s", prefix, action, text);
    return 0;
}

char *
conformance_take_json(mcp_ctx_t *ctx, jsonw_t *w)
{
    char *copy = NULL;
    if (!jsonw_failed(w) && w->depth == 0 && w->out->data != NULL)
        copy = mcp_strdup(ctx, w->out->data);
    buf_dispose(w->out);
    return copy;
}
