/* fixtures.c: the pieces several conformance fixtures share (see fixtures.h). */
#include <string.h>

#include "fixtures.h"

/* Generated for this project: signature, IHDR (1x1, 8-bit RGB), one zlib-compressed IDAT row, IEND. */
const char conformance_png_base64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC";

static const char *
reason_or_unknown(const char *why)
{
    return why != NULL && why[0] != '\0' ? why : "no reason given";
}

int
conformance_ask(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json, const json_value_t **result)
{
    if (params_json == NULL)
        return mcp_error(ctx, "Internal error: the %s request could not be built.", method);

    const char *why = NULL;
    switch (mcp_client_request_named(ctx, key, method, params_json, result, &why)) {
    case 0:
        break;
    case MCP_EREQ_INPUT_REQUIRED:
    case MCP_EREQ_NO_CAPABILITY:
        return 1; /* the server answers for us: InputRequiredResult, or -32021 */
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
conformance_elicit(mcp_ctx_t *ctx, const char *key, const char *message, const char *name, const char *type,
                   const json_value_t **value)
{
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "message", message);
    jsonw_key(&w, "requestedSchema");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "object");
    jsonw_key(&w, "properties");
    jsonw_object_begin(&w);
    jsonw_key(&w, name);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", type);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    jsonw_key(&w, "required");
    jsonw_array_begin(&w);
    jsonw_string(&w, name);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    jsonw_object_end(&w);

    const json_value_t *answer;
    *value = NULL;
    int ret = conformance_ask(ctx, key, "elicitation/create", conformance_take_json(ctx, &w), &answer);
    if (ret != 0)
        return ret;
    const char *action = json_string(json_get(answer, "action"));
    if (action == NULL || (strcmp(action, "accept") != 0 && strcmp(action, "decline") != 0 && strcmp(action, "cancel") != 0))
        return mcp_error(ctx, "The client's elicitation answer has no valid action (accept, decline or cancel).");
    if (strcmp(action, "accept") == 0)
        *value = json_get(json_get(answer, "content"), name);
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
