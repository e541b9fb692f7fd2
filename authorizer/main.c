/*
 * mcp-authorizer: the token authorizer, a Lambda custom runtime (the bootstrap).
 *
 * Reads the configuration once (a mistake is reported to /runtime/init/error and ends the process: a Lambda that
 * starts anyway would refuse everyone and look like an outage of the tokens, not of the configuration), then answers
 * one invocation at a time with the decision of authz_decide() and logs one JSON line per decision. Tokens, digests
 * and keys are never logged: the decision line carries the decision, the principal's label, the reason of a refusal
 * and (through log_set_request_id) the invocation's request id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "authz.h"
#include "lambda_runtime.h"
#include "log.h"

#define INIT_ERROR_TYPE "Runtime.InvalidConfiguration"
#define LOG_LEVEL_VAR "MCP_LOG_LEVEL"

static int64_t
monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
load_config(authz_config_t *config, char *err, size_t err_len)
{
    const char *level = getenv(LOG_LEVEL_VAR);
    log_level_t parsed;
    if (level != NULL) {
        if (log_parse_level(level, &parsed) != 0) {
            snprintf(err, err_len, LOG_LEVEL_VAR " must be debug, info, warn or error");
            return -1;
        }
        log_set_level(parsed);
    }
    return authz_config_from_env(config, err, err_len);
}

static void
log_ready(const authz_config_t *config)
{
    log_line_t l;
    if (!log_begin(&l, LOG_INFO, "ready"))
        return;
    jsonw_key(&l.w, "tokens"); /* the labels, which are not secret: what is configured, at a glance */
    jsonw_array_begin(&l.w);
    for (size_t i = 0; i != config->num_tokens; ++i)
        jsonw_string(&l.w, config->tokens[i].label);
    jsonw_array_end(&l.w);
    jsonw_kv_bool(&l.w, "jwt", config->jwt.enabled);
    log_end(&l);
}

/* Written before the answer is sent: once it is, Lambda may freeze or end the process before anything else runs. */
static void
log_decision(const authz_result_t *r, int64_t decision_us)
{
    log_line_t l;
    if (!log_begin(&l, LOG_INFO, "decision"))
        return;
    jsonw_kv_string(&l.w, "decision", r->reason == AUTHZ_ALLOW ? "allow" : "deny");
    jsonw_kv_string(&l.w, "format", authz_format_name(r->format));
    if (r->reason == AUTHZ_ALLOW) {
        jsonw_kv_string(&l.w, "principal", r->principal);
        jsonw_kv_string(&l.w, "authMethod", authz_method_name(r->method));
    } else {
        jsonw_kv_string(&l.w, "reason", authz_strreason(r->reason));
    }
    jsonw_kv_string(&l.w, "answer", r->respond ? "response" : AUTHZ_UNAUTHORIZED);
    jsonw_kv_int(&l.w, "durationUs", decision_us);
    log_end(&l);
}

/* The invocation loop; returns only when the Runtime API can no longer be used. */
static void
serve(lambda_runtime_t *rt, const authz_config_t *config)
{
    buf_t out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    for (;;) {
        lambda_invocation_t inv;
        int ret = lambda_runtime_next(rt, &inv);
        if (ret != 0) {
            log_msg(LOG_ERROR, "next_failed", "%s (HTTP status %d)", lambda_strerror(ret), rt->last_status);
            break;
        }
        int64_t start = monotonic_us();
        log_set_request_id(inv.request_id);
        /* a custom runtime passes the trace header on itself (the X-Ray SDK reads it from here) */
        if (inv.trace_id[0] != '\0')
            setenv("_X_AMZN_TRACE_ID", inv.trace_id, 1);
        authz_result_t result;
        authz_decide(config, inv.event, inv.event_len, (int64_t)time(NULL), &out, &result);
        log_decision(&result, monotonic_us() - start);
        ret = result.respond ? lambda_runtime_respond(rt, inv.request_id, out.data, out.len)
                             : lambda_runtime_report_error(rt, inv.request_id, AUTHZ_UNAUTHORIZED, AUTHZ_UNAUTHORIZED);
        if (ret != 0)
            log_msg(LOG_ERROR, "answer_failed", "%s (HTTP status %d)", lambda_strerror(ret), rt->last_status);
        log_set_request_id(NULL);
        lambda_invocation_dispose(&inv);
        /* a 4xx is about this invocation only; anything else means the Runtime API is gone or wants us gone */
        if (ret != 0 && !(ret == LAMBDA_ERR_STATUS && rt->last_status >= 400 && rt->last_status < 500))
            break;
    }
    buf_dispose(&out);
}

int
main(void)
{
    static authz_config_t config; /* static: a few kilobytes, and wiped on the way out */
    lambda_runtime_t rt;
    char err[512];

    if (lambda_runtime_init(&rt, getenv("AWS_LAMBDA_RUNTIME_API")) != 0) {
        log_msg(LOG_ERROR, "runtime_api_missing", "AWS_LAMBDA_RUNTIME_API must be host:port; is this running in Lambda?");
        lambda_runtime_dispose(&rt);
        return 2;
    }
    if (load_config(&config, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "config_error", "%s", err);
        int ret = lambda_runtime_report_init_error(&rt, INIT_ERROR_TYPE, err);
        if (ret != 0)
            log_msg(LOG_ERROR, "init_error_not_reported", "%s", lambda_strerror(ret));
        lambda_runtime_dispose(&rt);
        return 1;
    }
    authz_warm_up();
    log_ready(&config);
    serve(&rt, &config);
    authz_config_dispose(&config);
    lambda_runtime_dispose(&rt);
    return 1;
}
