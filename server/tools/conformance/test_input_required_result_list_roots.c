/*
 * test_input_required_result_list_roots: asks the client for its roots under the key "client_roots" and
 * lists them (conformance scenario input-required-result-basic-list-roots).
 */
#include "fixtures.h"

static int
input_required_list_roots(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    const json_value_t *reply;
    if (mcp_ask(ctx, "client_roots", "roots/list", "{}", &reply) != 0)
        return 1;
    const json_value_t *roots = json_get(reply, "roots");
    if (roots == NULL || roots->type != JSON_ARRAY)
        return mcp_error(ctx, "The client's roots/list answer has no roots array.");
    if (roots->u.arr.len == 0)
        mcp_text(ctx, "The client has no roots.");
    for (size_t i = 0; i != roots->u.arr.len; ++i) {
        const char *uri = json_string(json_get(roots->u.arr.items[i], "uri"));
        const char *name = json_string(json_get(roots->u.arr.items[i], "name"));
        mcp_textf(ctx, "Root: %s%s%s%s", uri != NULL ? uri : "(no uri)", name != NULL ? " (" : "", name != NULL ? name : "",
                  name != NULL ? ")" : "");
    }
    return 0;
}

MCP_TOOL(test_input_required_result_list_roots, .title = "Input required: roots",
         .description = "Asks the client for its roots (roots/list, key client_roots) and lists them (conformance fixture).",
         .client_capabilities = "{\"roots\":{}}", .annotations = "{\"readOnlyHint\":true}", .handler = input_required_list_roots);
