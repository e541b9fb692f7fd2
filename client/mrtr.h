/*
 * mrtr: multi round-trip requests (2026-07-28), from the client's side.
 *
 * In the modern era a server never sends requests of its own. When a tools/call, prompts/get or
 * resources/read needs something from the client, the result has resultType "input_required" and
 * carries inputRequests (the server's keys, each with a sampling, elicitation or roots request) and/or
 * requestState (opaque text). The client answers what it can and sends the original request again,
 * with a new id, inputResponses (an answer under each key) and requestState echoed unchanged.
 *
 * mcp-client runs without a person or a model, so it answers:
 *   roots/list              {"roots": []}: it exposes no roots;
 *   elicitation/create      as --elicit says: decline (the default) or cancel, or accept with the JSON
 *                           object given; a URL-mode elicitation is always declined;
 *   sampling/createMessage  not at all: the command stops with an error (so do unknown methods).
 * The capabilities it declares (roots, form elicitation) are exactly what it answers. session.c runs
 * the rounds, at most MCPC_MRTR_MAX_ROUNDS of them.
 */
#ifndef MCPC_MRTR_H
#define MCPC_MRTR_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

#define MCPC_MRTR_MAX_ROUNDS 10 /* requests sent for one command request, the first included */

/* The clientCapabilities the client declares in the modern era (a JSON object). */
#define MCPC_MRTR_CAPABILITIES "{\"roots\":{},\"elicitation\":{\"form\":{}}}"

typedef enum en_mcpc_elicit_action_t {
    MCPC_ELICIT_DECLINE,
    MCPC_ELICIT_CANCEL,
    MCPC_ELICIT_ACCEPT,
} mcpc_elicit_action_t;

/* How the client answers an elicitation. */
typedef struct st_mcpc_input_policy_t {
    mcpc_elicit_action_t elicit;
    const char *elicit_content; /* MCPC_ELICIT_ACCEPT: the content, a JSON object */
} mcpc_input_policy_t;

/* Parses an --elicit value ("decline", "cancel", or a JSON object to accept with). Returns 0 or -1. */
int mcpc_mrtr_parse_elicit(const char *arg, mcpc_input_policy_t *policy);

/* The resultType of a result: "complete" when absent (what earlier servers send), NULL when it is not a string. */
const char *mcpc_mrtr_result_type(const json_value_t *result);
/* Whether a server may answer method with input_required. */
int mcpc_mrtr_method_allows(const char *method);

/* What one round of answers is: the retry's new members, and a note for the user. */
typedef struct st_mcpc_mrtr_round_t {
    buf_t responses; /* the inputResponses object; empty when the server asked for nothing */
    buf_t state;     /* requestState, copied */
    int has_state;
    buf_t report; /* one line per input request ("elicitation/create \"message\": declined"), cleaned for display */
} mcpc_mrtr_round_t;

void mcpc_mrtr_round_init(mcpc_mrtr_round_t *round);
void mcpc_mrtr_round_dispose(mcpc_mrtr_round_t *round);

/* What mcpc_mrtr_next() says to do. */
#define MCPC_MRTR_COMPLETE 0 /* the result is final */
#define MCPC_MRTR_RETRY 1    /* send the request again, with round's answers */

/*
 * Decides on the result of the n-th request (counting from 1) sent for method: MCPC_MRTR_COMPLETE, or
 * MCPC_MRTR_RETRY with the answers in round (see mcpc_mrtr_answer()). Fails with MCPC_ERR_BAD_MESSAGE
 * for a resultType that is not a string or not known, or input_required where the method allows none,
 * and with MCPC_ERR_RPC when the server still wants input after MCPC_MRTR_MAX_ROUNDS requests; the
 * reason is in err. This is the retry loop's every decision, so session.c only sends and receives.
 */
int mcpc_mrtr_next(const char *method, const json_value_t *result, int n, const mcpc_input_policy_t *policy,
                   mcpc_mrtr_round_t *round, char *err, size_t err_len);

/*
 * Answers an InputRequiredResult as policy says, replacing round's contents. Returns 0; MCPC_ERR_RPC
 * when an input request cannot be answered (sampling, an unknown method); or MCPC_ERR_BAD_MESSAGE when
 * the result is malformed (neither inputRequests nor requestState, a request that is not an object with
 * a method, requestState not a string). The reason is in err.
 */
int mcpc_mrtr_answer(const json_value_t *result, const mcpc_input_policy_t *policy, mcpc_mrtr_round_t *round, char *err,
                     size_t err_len);

#endif
