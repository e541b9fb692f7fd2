/* toolsets.c: the tool sets compiled into the server; configuration (--toolsets) enables them by name. */
#include "mcp.h"

extern const mcp_toolset_t mcp_toolset_default;
extern const mcp_toolset_t mcp_toolset_conformance;

const mcp_toolset_t *const mcp_toolsets[] = {&mcp_toolset_default, &mcp_toolset_conformance, NULL};
