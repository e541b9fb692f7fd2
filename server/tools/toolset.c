/* toolset.c: the "default" set: small, real tools, a resource and a prompt that any deployment can offer. */
#include "mcp.h"

extern const mcp_tool_t mcp_tool_ping;
extern const mcp_tool_t mcp_tool_get_time;
extern const mcp_tool_t mcp_tool_get_weather;
extern const mcp_tool_t mcp_tool_whoami;

extern const mcp_resource_t mcp_resource_server_info;

extern const mcp_prompt_t mcp_prompt_weather_report;

const mcp_toolset_t mcp_toolset_default = {
    .name = "default",
    .description = "General tools: ping, get_time, get_weather (simulated), whoami; the info://server resource; the "
                   "weather_report prompt.",
    .tools = (const mcp_tool_t *const[]){&mcp_tool_ping, &mcp_tool_get_time, &mcp_tool_get_weather, &mcp_tool_whoami, NULL},
    .resources = (const mcp_resource_t *const[]){&mcp_resource_server_info, NULL},
    .prompts = (const mcp_prompt_t *const[]){&mcp_prompt_weather_report, NULL},
};
