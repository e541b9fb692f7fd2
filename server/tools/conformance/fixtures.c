/* fixtures.c: the pieces several conformance fixtures share (see fixtures.h). */
#include <string.h>

#include "fixtures.h"

/* Generated for this project: signature, IHDR (1x1, 8-bit RGB), one zlib-compressed IDAT row, IEND. */
const char conformance_png_base64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC";

int
conformance_elicit(mcp_ctx_t *ctx, const char *key, const char *message, const char *name, const char *type,
                   const json_value_t **value)
{
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
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
    const char *schema = mcp_take_json(ctx, &w), *action;
    const json_value_t *content;
    *value = NULL;
    if (schema == NULL)
        return mcp_error(ctx, "Internal error: the elicitation request could not be built.");
    int ret = mcp_elicit(ctx, key, message, schema, &action, &content);
    if (ret == 0)
        *value = json_get(content, name);
    return ret;
}

int
conformance_report_elicitation(mcp_ctx_t *ctx, const char *prefix, const char *action, const json_value_t *content)
{
    if (content == NULL) {
        /* decline and cancel carry no content */
        mcp_textf(ctx, "%saction=%s", prefix, action);
        return 0;
    }
    buf_t b = BUF_INIT(1u << 20);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_value(&w, content);
    const char *text = mcp_take_json(ctx, &w);
    if (text == NULL)
        return mcp_error(ctx, "The client's elicitation answer is too large to report.");
    mcp_textf(ctx, "%saction=%s, content=%s", prefix, action, text);
    return 0;
}
