/*
 * test_sampling: asks the client's LLM (sampling/createMessage) and returns "LLM response: <its text>"
 * (conformance scenario tools-call-sampling). It waits for the client, so it runs on a worker thread.
 */
#include <string.h>

#include "fixtures.h"

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

static int
sampling(mcp_ctx_t *ctx, const json_value_t *args)
{
    buf_t b = BUF_INIT(0);
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
    jsonw_kv_string(&w, "text", json_string(json_get(args, "prompt")));
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    jsonw_array_end(&w);
    jsonw_kv_int(&w, "maxTokens", 100);
    jsonw_object_end(&w);

    const json_value_t *reply;
    if (conformance_ask(ctx, NULL, "sampling/createMessage", conformance_take_json(ctx, &w), &reply) != 0)
        return 1;
    const char *text = first_text(json_get(reply, "content"));
    if (text == NULL)
        return mcp_error(ctx, "The client's sampling answer has no text content.");
    mcp_textf(ctx, "LLM response: %s", text);
    return 0;
}

MCP_TOOL(test_sampling, .title = "Sampling",
         .description = "Asks the client's LLM (sampling/createMessage) and returns its reply (conformance fixture).",
         .input_schema = "{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\","
                         "\"description\":\"The prompt to send to the LLM\"}},"
                         "\"required\":[\"prompt\"],\"additionalProperties\":false}",
         .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":true}", .client_capabilities = "{\"sampling\":{}}",
         .handler = sampling);
