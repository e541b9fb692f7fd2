/* The "default" set: small, real tools, a resource and a prompt that any deployment can offer. */
#include "mcp.h"

MCP_TOOLSET_DESCRIPTION(default, "General tools: ping, get_time, get_weather (simulated), whoami; the info://server resource; the "
                                 "weather_report prompt.");
