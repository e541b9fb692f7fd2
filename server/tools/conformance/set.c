/*
 * The "conformance" set: the fixtures the official MCP conformance suite (@modelcontextprotocol/conformance,
 * 0.1.16 and the 0.2 line with its 2025-11-25 and 2026-07-28 requirement sets) calls by name. Enable it
 * only to run the suite: its tools exist to exercise the protocol, not to be useful.
 */
#include "mcp.h"

MCP_TOOLSET_DESCRIPTION(conformance,
                        "The fixtures of the MCP conformance suite (test_* tools, test:// resources, test_* prompts).");
