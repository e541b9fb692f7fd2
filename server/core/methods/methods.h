/*
 * methods.h: the handlers of the method table (dispatch.c), one file per family: lifecycle.c
 * (initialize, ping, logging/setLevel, server/discover), tools.c, resources.c, prompts.c, completion.c
 * and subscriptions.c (2026-07-28 subscriptions/listen).
 */
#ifndef MCP_METHODS_H
#define MCP_METHODS_H

#include "dispatch.h"
#include "registry.h"
#include "workers.h"

mcp_outcome_t lifecycle_initialize(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t lifecycle_ping(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t lifecycle_set_level(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t lifecycle_discover(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t tools_list(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t tools_call(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t resources_list(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t resources_templates_list(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t resources_read(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t resources_subscribe(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t prompts_list(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t prompts_get(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t completion_complete(mcp_call_t *call, jsonw_t *w);
mcp_outcome_t subscriptions_listen(mcp_call_t *call, jsonw_t *w);

/* The "arguments" param of tools/call and prompts/get: an empty object when absent or null; NULL (with the call's error set) when
 * not an object. */
const json_value_t *methods_arguments(mcp_call_t *call);
/* Finds the fixed resource or the template matching uri; fills vars (an object) for a template. */
const mcp_resource_t *resources_find(const registry_t *r, arena_t *arena, const char *uri, json_value_t **vars);
/*
 * Matches uri against an RFC 6570 level-1 template; each {var} takes one or more characters up to the next '/',
 * '?' or '#', percent-decoded (at most 8 variables). On a match (1), the variables are put in vars (an object).
 */
int resources_template_match(arena_t *arena, const char *tmpl, const char *uri, json_value_t *vars);
/* RFC 3986 shape: a scheme, ':', then no spaces or control characters. */
int resources_valid_uri(const char *uri, size_t len);
/*
 * Hands a call's work to a worker (tools.c; registered resources and prompts, remote_tools.c): takes an admission
 * slot (a client-wait one too with waits_for_client) and an exchange call for ctx (label names it in logs), then
 * submits job, whose done must give the slot back and end the exchange call. Returns 0, or -1 when a bound or the
 * pool refuses it (busy: nothing is held, job is the caller's).
 */
int methods_submit(mcp_call_t *call, mcp_ctx_t *ctx, const char *label, int waits_for_client, const workers_job_t *job);
/* At the start of such a job's run: its log lines get the request's ids; 0 when nobody is left to read the answer. */
int methods_job_begin(mcp_ctx_t *ctx);
/*
 * At its end, its slot given back: the response goes out (empty: the call ends without one; NULL: it was answered
 * elsewhere, a task), ctx is freed and the log ids cleared.
 */
void methods_job_end(mcp_ctx_t *ctx, const buf_t *response);
/*
 * Keeps a context's error for the response written after the context is gone: its data moves into the
 * request's memory. For handlers that run on the front door's thread.
 */
mcp_outcome_t methods_keep_error(mcp_call_t *call, const mcp_rpc_error_t *e);

#endif
