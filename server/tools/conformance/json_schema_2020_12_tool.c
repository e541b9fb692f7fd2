/*
 * json_schema_2020_12_tool: a tool whose input schema uses JSON Schema 2020-12 features, which tools/list
 * must send exactly as written (conformance scenario json-schema-2020-12): $schema, $defs with a $ref and
 * additionalProperties (SEP-1613, checked by 0.1.16 and 0.2), and from 2026-07-28 an $anchor in
 * $defs.address, allOf holding an anyOf, and if/then/else at the top level (SEP-2106). The schema is the
 * one the 0.2 suite describes, and the server enforces all of it: a phone or an email is required, and
 * which one follows contactMethod. It reports the arguments it received.
 */
#include "mcp.h"

MCP_SCHEMA(json_schema_2020_12_tool_input); /* json_schema_2020_12_tool.input.json */

static int
json_schema_2020_12(mcp_ctx_t *ctx, const json_value_t *args)
{
    buf_t b = BUF_INIT(1u << 20);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_value(&w, args);
    const char *text = mcp_take_json(ctx, &w);
    if (text == NULL)
        return mcp_error(ctx, "The arguments are too large to report.");
    mcp_textf(ctx, "Received arguments: %s", text);
    return 0;
}

MCP_TOOL(json_schema_2020_12_tool, .title = "JSON Schema 2020-12",
         .description = "Tool with JSON Schema 2020-12 features ($schema, $defs, $anchor, $ref, allOf/anyOf, if/then/else, "
                        "additionalProperties); returns the arguments it received (conformance fixture).",
         .input_schema = mcp_schema_json_schema_2020_12_tool_input,
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = json_schema_2020_12,
         .nonblocking = 1);
