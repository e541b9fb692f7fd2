/*
 * input_required.h: 2026-07-28 multi round-trip requests (basic/patterns/mrtr), which replace
 * server-to-client requests. A stateless server cannot ask the client and wait, so a handler's question
 * ends the round: the result is an InputRequiredResult with the question(s) and a sealed requestState
 * (request_state.h) holding the answers collected so far, and the client retries the same request with
 * its answers. The retry runs the handler from the start (mcp.h: handlers are deterministic up to their
 * questions); each question it asks again is answered from the requestState or from the retry's
 * inputResponses, until none is left unanswered.
 */
#ifndef MCP_INPUT_REQUIRED_H
#define MCP_INPUT_REQUIRED_H

#include "dispatch.h"
#include "handler_ctx.h"

/*
 * Starts the round of a modern request whose method may answer InputRequiredResult (nothing happens for
 * a legacy request): reads inputResponses and verifies requestState against what it is bound to (method,
 * name or uri, arguments, the caller's identity), and attaches the round to ctx. Returns 0, or -32602
 * recorded in *e.
 */
int input_required_begin(mcp_ctx_t *ctx, const mcp_call_t *call, const char *name, const json_value_t *arguments,
                         mcp_rpc_error_t *e);
/* mcp_client_request_named() for a modern request (round is NULL when the method may not ask). */
int input_required_ask(input_round_t *round, mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json,
                       const json_value_t **result, const char **error_message);
/*
 * After the handler: writes an InputRequiredResult with w when it asked the client something
 * (MCP_OUTCOME_INPUT_REQUIRED); records -32021 in *e when it needed a capability the client lacks; else
 * MCP_OUTCOME_DONE with *e untouched: the handler's own result stands. Error data lives in ctx's memory.
 */
mcp_outcome_t input_required_finish(input_round_t *round, mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e);
/*
 * For a task's run (tasks.h), whose questions wait in the task rather than in an InputRequiredResult: writes
 * the pending questions as a JSON object into out and returns how many there are (0: none), or records -32021
 * in *e when the handler needed a capability the client lacks.
 */
int input_required_questions(input_round_t *round, mcp_ctx_t *ctx, buf_t *out, mcp_rpc_error_t *e);
/* The answers this run used so far, as a JSON object (what a task created after the questions starts with). */
void input_required_used_answers(const input_round_t *round, buf_t *out);
/* A task's run: its answers (an object, or NULL) take the place of the request's inputResponses. */
void input_required_set_answers(input_round_t *round, const json_value_t *answers);
/* Whether this run resumes a verified requestState (mcp_resumed()). */
int input_required_resumed(const input_round_t *round);
void input_required_dispose(input_round_t *round);

#endif
