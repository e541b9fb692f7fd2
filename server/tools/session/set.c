/* The "session" set: tools that keep state between calls (mcp.h's mcp_state_*()), in the session or behind a handle. */
#include "mcp.h"

MCP_TOOLSET_DESCRIPTION(session, "Tools with state (needs --sessions memory or dynamodb): create_counter, increment_counter, "
                                 "get_counter, delete_counter, get_elapsed_time. 2025 clients keep a counter in their "
                                 "session; 2026-07-28 clients, which have no sessions, in a handle from create_counter.");
