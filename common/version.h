/* version.h: the project's name and version, for every program that reports them (server, client). */
#ifndef COMMON_VERSION_H
#define COMMON_VERSION_H

#define MCP_PROJECT_NAME "mcp-lambda-c"
#define MCP_PROJECT_VERSION "0.1.0"

#endif
