/*
 * json_schema_2020_12_tool: a tool whose input schema uses JSON Schema 2020-12 features ($schema, $defs
 * with a $ref, additionalProperties), which tools/list must send exactly as written (conformance
 * scenario json-schema-2020-12, SEP-1613). It reports the arguments it received.
 */
#include "fixtures.h"

static int
json_schema_2020_12(mcp_ctx_t *ctx, const json_value_t *args)
{
    buf_t b = BUF_INIT(1u << 20);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_value(&w, args);
    const char *text = conformance_take_json(ctx, &w);
    if (text == NULL)
        return mcp_error(ctx, "The arguments are too large to report.");
    mcp_textf(ctx, "Received arguments: %s", text);
    return 0;
}

MCP_TOOL(json_schema_2020_12_tool, .title = "JSON Schema 2020-12",
         .description = "Tool with JSON Schema 2020-12 features ($schema, $defs, $ref, additionalProperties); returns the "
                        "arguments it received (conformance fixture).",
         .input_schema = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                         "\"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{"
                         "\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}},"
                         "\"properties\":{\"name\":{\"type\":\"string\"},\"address\":{\"$ref\":\"#/$defs/address\"}},"
                         "\"additionalProperties\":false}",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = json_schema_2020_12,
         .inline_ = 1);
