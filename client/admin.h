/*
 * admin: `mcp-client admin`, the command line of the tool registry's admin API (issue 14: Lambda functions
 * registered as MCP tools, resources and prompts). Every request is signed with SigV4 (the admin API is
 * IAM-only), against --admin-url or $MCP_ADMIN_ENDPOINT.
 *
 *   admin register FILE            POST   /{kind}s          201 with the record; 409 when the name exists
 *   admin list                     GET    /{kind}s          200 {"items": [...], "nextCursor"}, every page followed
 *   admin show NAME                GET    /{kind}s/{name}   200 with the record; 404
 *   admin update NAME FILE         PUT    /{kind}s/{name}   200; --if-match VERSION sends If-Match, 412 when it moved on
 *   admin delete NAME              DELETE /{kind}s/{name}   204; 404; --if-match as for update
 *
 * {kind} is --kind: tool (default), resource or prompt. FILE is the record as JSON ("-": stdin). A refusal
 * prints the API's message and, for 400, where in the record the problem is (its JSON pointer). The routes
 * are one table in admin.c; the server side arrives with issue 14, and the tests run against a loopback fake
 * (tests/client/admin-fake.mjs) that verifies every signature.
 */
#ifndef MCPC_ADMIN_H
#define MCPC_ADMIN_H

#include "commands.h"

int mcpc_admin_run(mcpc_run_t *run);

#endif
