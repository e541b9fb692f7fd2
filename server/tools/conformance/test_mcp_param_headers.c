/*
 * test_mcp_param_headers: a tool whose parameters are mirrored in HTTP headers (x-mcp-header) so that a
 * gateway can route on them without reading the body (conformance scenario
 * http-custom-header-server-validation). A 2026-07-28 client sends region as Mcp-Param-Region (base64
 * in the =?base64?...?= form when the value is not plain ASCII), and likewise priority and dry_run; the
 * server refuses a call whose headers and arguments differ (-32020) before the tool runs.
 */
#include "mcp.h"

#define TEST_MCP_PARAM_HEADERS_PARAMS(P)                                                                                           \
    P(region, STRING, "Where to run", .required = 1, .header = "Region")                                                           \
    P(priority, INTEGER, "Queue priority", .header = "Priority")                                                                   \
    P(dry_run, BOOLEAN, "Only pretend", .header = "Dry-Run")
MCP_PARAMS(test_mcp_param_headers, TEST_MCP_PARAM_HEADERS_PARAMS);

static int
test_mcp_param_headers(mcp_ctx_t *ctx, const struct test_mcp_param_headers_params *p)
{
    mcp_textf(ctx, "region=%s priority=%s%lld dry_run=%s", p->region, p->has.priority ? "" : "(none) ", (long long)p->priority,
              !p->has.dry_run ? "(none)"
              : p->dry_run    ? "true"
                              : "false");
    return 0;
}

MCP_TOOL_TYPED(test_mcp_param_headers, .title = "Parameters in headers",
               .description = "Echoes region, priority and dry_run, which 2026-07-28 clients mirror in Mcp-Param headers "
                              "(conformance fixture).",
               .annotations = "{\"readOnlyHint\":true}", .nonblocking = 1);
