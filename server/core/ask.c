/*
 * ask.c: asking the client in one call (mcp.h's mcp_ask(), mcp_sample(), mcp_elicit()). Whatever the era
 * and however the question fails, a handler gets one of two outcomes: the answer, or "return now", with
 * the failure already turned into the tool's isError result that says why.
 */
#include <string.h>

#include "handler_ctx.h"

static const struct {
    int code;
    const char *text;
} ereq_texts[] = {
#define MCP_EREQ_TEXT(name, code, text) {code, text},
    MCP_EREQ_ERRORS(MCP_EREQ_TEXT)
#undef MCP_EREQ_TEXT
};

const char *
mcp_strerror(int err)
{
    for (size_t i = 0; i != sizeof(ereq_texts) / sizeof(ereq_texts[0]); ++i)
        if (ereq_texts[i].code == err)
            return ereq_texts[i].text;
    return "unknown error";
}

static const char *
reason_or_unknown(const char *why)
{
    return why != NULL && why[0] != '\0' ? why : "no reason given";
}

/* Turns a failed question into the tool's isError result (other handlers report it by returning non-zero). */
static int
report(mcp_ctx_t *ctx, int code, const char *method, const char *why)
{
    if (ctx_kind(ctx) != MCP_CTX_TOOL)
        return 1;
    switch (code) {
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
}

int
mcp_ask(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json, const json_value_t **result)
{
    *result = NULL;
    if (params_json == NULL)
        return report(ctx, MCP_EREQ_UNSUPPORTED, method, "the request could not be built");
    const char *why = NULL;
    int code = mcp_client_request_named(ctx, key, method, params_json, result, &why);
    if (code == MCP_EREQ_INPUT_REQUIRED || code == MCP_EREQ_NO_CAPABILITY)
        return 1; /* the server answers for the handler: an InputRequiredResult, or -32021 */
    if (code != 0)
        return report(ctx, code, method, why);
    if (*result == NULL || (*result)->type != JSON_OBJECT)
        return report(ctx, MCP_EREQ_REJECTED, method, "the answer is not an object");
    return 0;
}

const char *
mcp_take_json(mcp_ctx_t *ctx, jsonw_t *w)
{
    const char *copy = !jsonw_failed(w) && w->depth == 0 && w->out->data != NULL ? mcp_strdup(ctx, w->out->data) : NULL;
    buf_dispose(w->out);
    return copy;
}

/* The text of a sampling result's content: one block, or (since 2025-11-25) an array; the first text counts. */
static const char *
first_text(const json_value_t *content)
{
    if (content != NULL && content->type == JSON_ARRAY) {
        for (size_t i = 0; i != content->u.arr.len; ++i) {
            const char *text = first_text(content->u.arr.items[i]);
            if (text != NULL)
                return text;
        }
        return NULL;
    }
    const char *type = json_string(json_get(content, "type"));
    return type != NULL && strcmp(type, "text") == 0 ? json_string(json_get(content, "text")) : NULL;
}

int
mcp_sample(mcp_ctx_t *ctx, const char *key, const char *prompt, unsigned max_tokens, const char **text)
{
    *text = NULL;
    buf_t b = BUF_INIT(1u << 20);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_key(&w, "messages");
    jsonw_array_begin(&w);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "role", "user");
    jsonw_key(&w, "content");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "text");
    jsonw_kv_string(&w, "text", prompt);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    jsonw_array_end(&w);
    jsonw_kv_int(&w, "maxTokens", max_tokens);
    jsonw_object_end(&w);
    const json_value_t *answer;
    int ret = mcp_ask(ctx, key, "sampling/createMessage", mcp_take_json(ctx, &w), &answer);
    if (ret == 0)
        *text = first_text(json_get(answer, "content"));
    return ret;
}

int
mcp_elicit(mcp_ctx_t *ctx, const char *key, const char *message, const char *requested_schema_json, const char **action,
           const json_value_t **content)
{
    *action = NULL;
    *content = NULL;
    buf_t b = BUF_INIT(1u << 20);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "message", message);
    jsonw_kv_raw(&w, "requestedSchema", requested_schema_json);
    jsonw_object_end(&w);
    const json_value_t *answer;
    int ret = mcp_ask(ctx, key, "elicitation/create", mcp_take_json(ctx, &w), &answer);
    if (ret != 0)
        return ret;
    const char *a = json_string(json_get(answer, "action"));
    if (a == NULL || (strcmp(a, "accept") != 0 && strcmp(a, "decline") != 0 && strcmp(a, "cancel") != 0))
        return ctx_kind(ctx) != MCP_CTX_TOOL
                   ? 1
                   : mcp_error(ctx, "The client's elicitation answer has no valid action (accept, decline or cancel).");
    *action = a;
    if (strcmp(a, "accept") == 0)
        *content = json_get(answer, "content");
    return 0;
}
