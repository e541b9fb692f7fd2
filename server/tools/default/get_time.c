/* get_time: the current UTC time, ISO 8601 to the second, as text and as structured content. */
#include <time.h>

#include "mcp.h"

#define GET_TIME_OUTPUT(P) P(utc, STRING, "The current UTC time, ISO 8601 to the second", .required = 1, .format = "date-time")
MCP_OUTPUT(get_time, GET_TIME_OUTPUT);

static int
get_time(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    time_t now = time(NULL);
    struct tm tm;
    char utc[sizeof("-2147483648-12-31T23:59:59Z")];
    if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL || strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return mcp_error(ctx, "The server's clock is unavailable.");
    mcp_text(ctx, utc);
    get_time_output(ctx, &(struct get_time_output){.utc = utc});
    return 0;
}

MCP_TOOL(get_time, .title = "Current time", .description = "Returns the current UTC time in ISO 8601, e.g. 2026-11-21T09:36:07Z.",
         .output = get_time_output_rows, .annotations = "{\"readOnlyHint\":true,\"openWorldHint\":false}", .handler = get_time,
         .nonblocking = 1);
