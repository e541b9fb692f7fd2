/*
 * test_mcp_param_headers: a tool whose parameters are mirrored in HTTP headers (x-mcp-header) so that a
 * gateway can route on them without reading the body (conformance scenario
 * http-custom-header-server-validation). A 2026-07-28 client sends region as Mcp-Param-Region (base64
 * in the =?base64?...?= form when the value is not plain ASCII), and likewise priority and dry_run; the
 * server refuses a call whose headers and arguments differ (-32020) before the tool runs.
 */
#include "mcp.h"

static int
mcp_param_headers(mcp_ctx_t *ctx, const json_value_t *args)
{
    int64_t priority = 0;
    int has_priority = json_int64(json_get(args, "priority"), &priority) == 0;
    const json_value_t *dry_run = json_get(args, "dry_run");
    mcp_textf(ctx, "region=%s priority=%s%lld dry_run=%s", json_string(json_get(args, "region")), has_priority ? "" : "(none) ",
              (long long)priority,
              dry_run == NULL              ? "(none)"
              : dry_run->type == JSON_TRUE ? "true"
                                           : "false");
    return 0;
}

MCP_TOOL(test_mcp_param_headers, .title = "Parameters in headers",
         .description = "Echoes region, priority and dry_run, which 2026-07-28 clients mirror in Mcp-Param headers "
                        "(conformance fixture).",
         .input_schema = "{\"type\":\"object\",\"properties\":{"
                         "\"region\":{\"type\":\"string\",\"description\":\"Where to run\",\"x-mcp-header\":\"Region\"},"
                         "\"priority\":{\"type\":\"integer\",\"description\":\"Queue priority\",\"x-mcp-header\":\"Priority\"},"
                         "\"dry_run\":{\"type\":\"boolean\",\"description\":\"Only pretend\",\"x-mcp-header\":\"Dry-Run\"}},"
                         "\"required\":[\"region\"],\"additionalProperties\":false}",
         .annotations = "{\"readOnlyHint\":true}", .handler = mcp_param_headers, .nonblocking = 1);
