/*
 * test://template/{id}/data: a resource template; reading an expansion returns JSON naming the id
 * (conformance scenario resources-templates-read).
 */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

static int
read_template_data(mcp_ctx_t *ctx, const char *uri, const json_value_t *vars)
{
    const char *id = json_string(json_get(vars, "id"));
    if (id == NULL)
        return 1;
    char *data = mcp_alloc(ctx, sizeof("Data for ID: ") + strlen(id));
    if (data == NULL)
        return 1;
    sprintf(data, "Data for ID: %s", id);

    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "id", id);
    jsonw_kv_bool(&w, "templateTest", 1);
    jsonw_kv_string(&w, "data", data);
    jsonw_object_end(&w);
    const char *text = mcp_take_json(ctx, &w);
    if (text == NULL)
        return 1;
    mcp_contents_text(ctx, uri, "application/json", text);
    return 0;
}

MCP_RESOURCE(template_data, .uri_template = "test://template/{id}/data", .name = "template-data", .title = "Template data",
             .description = "JSON data for any id, from a URI template (conformance fixture).", .mime_type = "application/json",
             .read = read_template_data);
