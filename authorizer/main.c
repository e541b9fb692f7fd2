/*
 * mcp-authorizer: the token authorizer, a Lambda custom runtime (the bootstrap).
 *
 * Reads the configuration once (a mistake is reported to /runtime/init/error and ends the process: a Lambda that
 * starts anyway would refuse everyone and look like an outage of the tokens, not of the configuration), fetches the
 * OAuth issuers' keys (in the init phase, so that the first request does not wait for them; a failure there is
 * logged, not fatal: static tokens keep working, and that issuer's tokens are refused until its keys can be had),
 * then answers one invocation at a time with the decision of authz_decide() and logs one JSON line per decision.
 *
 * The keys live in this process across invocations (authz_jwks_fetch.h). A token naming a key we do not have, or an
 * issuer whose keys we could not get, makes us fetch that issuer's keys once more (at most once per minimum interval)
 * and decide again; keys older than the refresh age are refreshed after the answer is sent, before asking for the
 * next invocation, so no request waits for a routine refresh.
 *
 * Tokens, digests and keys are never logged: the decision line carries the decision, the principal's label or sub,
 * the client, the reason of a refusal and (through log_set_request_id) the invocation's request id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "authz.h"
#include "authz_jwks_fetch.h"
#include "lambda_runtime.h"
#include "log.h"

#define INIT_ERROR_TYPE "Runtime.InvalidConfiguration"
#define LOG_LEVEL_VAR "MCP_LOG_LEVEL"
#define DEADLINE_MARGIN_MS 500 /* what an invocation keeps for answering after a fetch it waited for */

static int64_t
monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
    jsonw_key(&l.w, "issuers");
    jsonw_array_begin(&l.w);
    for (size_t i = 0; i != config->oauth.num_issuers; ++i)
        jsonw_string(&l.w, config->oauth.issuers[i].issuer);
    jsonw_array_end(&l.w);
    log_end(&l);
}

/* One line per fetch of an issuer's keys: what was asked for, why, and what came of it; never the documents. */
static void
log_fetch(const authz_config_t *config, size_t issuer, const char *why, const authz_fetch_report_t *r)
{
    log_line_t l;
    if (!log_begin(&l, r->ok ? LOG_INFO : LOG_WARN, r->ok ? "jwks" : "jwks_error"))
        return;
    jsonw_kv_string(&l.w, "issuer", config->oauth.issuers[issuer].issuer);
    jsonw_kv_string(&l.w, "why", why);
    if (r->jwks_uri[0] != '\0')
        jsonw_kv_string(&l.w, "jwksUri", r->jwks_uri);
    if (r->ok) {
        jsonw_kv_int(&l.w, "keys", (int64_t)r->keys);
        jsonw_kv_int(&l.w, "skipped", (int64_t)r->skipped);
    }
    if (r->error[0] != '\0')
        jsonw_kv_string(&l.w, r->ok ? "note" : "message", r->error);
    jsonw_kv_int(&l.w, "durationMs", r->duration_ms);
    log_end(&l);
}

/* Fetches issuer's keys now if the minimum interval allows; 1 if it did (successfully or not). */
static int
fetch_keys(const authz_config_t *config, authz_keycache_t *kc, size_t issuer, const char *why, int timeout_ms)
{
    int64_t now_ms = monotonic_us() / 1000;
    if (!authz_keycache_may_fetch(config, kc, issuer, now_ms))
        return 0;
    authz_fetch_report_t report;
    authz_keycache_fetch(config, kc, issuer, (int64_t)time(NULL), now_ms, timeout_ms, &report);
    log_fetch(config, issuer, why, &report);
    return 1;
}

/* How long a fetch may wait within this invocation: the configured timeout, cut to what the deadline leaves. */
static int
fetch_budget_ms(const authz_config_t *config, const lambda_invocation_t *inv)
{
    int64_t budget = config->oauth.fetch_timeout_ms;
    if (inv->deadline_ms != 0) {
        int64_t left = inv->deadline_ms - wall_ms() - DEADLINE_MARGIN_MS;
        if (left < budget)
            budget = left;
    }
    return (int)budget;
}

/* Written before the answer is sent: once it is, Lambda may freeze or end the process before anything else runs. */
static void
log_decision(const authz_result_t *r, const char *issuer_name, int64_t decision_us)
{
    log_line_t l;
    if (!log_begin(&l, LOG_INFO, "decision"))
        return;
    jsonw_kv_string(&l.w, "decision", r->reason == AUTHZ_ALLOW ? "allow" : "deny");
    jsonw_kv_string(&l.w, "format", authz_format_name(r->format));
    if (r->reason == AUTHZ_ALLOW) {
        jsonw_kv_string(&l.w, "principal", r->principal);
        jsonw_kv_string(&l.w, "authMethod", authz_method_name(r->method));
        if (r->client[0] != '\0')
            jsonw_kv_string(&l.w, "client", r->client);
    } else {
        jsonw_kv_string(&l.w, "reason", authz_strreason(r->reason));
    }
    if (r->issuer >= 0)
        jsonw_kv_string(&l.w, "issuer", issuer_name);
    jsonw_kv_string(&l.w, "answer", r->respond ? "response" : AUTHZ_UNAUTHORIZED);
    jsonw_kv_int(&l.w, "durationUs", decision_us);
    log_end(&l);
}

/* The invocation loop; returns only when the Runtime API can no longer be used. */
static void
serve(lambda_runtime_t *rt, const authz_config_t *config, authz_keycache_t *kc)
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
        authz_decide(config, &kc->ring, inv.event, inv.event_len, (int64_t)time(NULL), &out, &result);
        /* a key we do not have (rotation at the provider), or no keys at all: fetch once more, within the rate */
        if ((result.reason == AUTHZ_ERR_JWT_UNKNOWN_KEY || result.reason == AUTHZ_ERR_JWT_NO_KEYS) && result.issuer >= 0) {
            int budget = fetch_budget_ms(config, &inv);
            if (budget >= 100 && fetch_keys(config, kc, (size_t)result.issuer,
                                            result.reason == AUTHZ_ERR_JWT_UNKNOWN_KEY ? "unknown kid" : "no keys", budget))
                authz_decide(config, &kc->ring, inv.event, inv.event_len, (int64_t)time(NULL), &out, &result);
        }
        log_decision(&result, result.issuer >= 0 ? config->oauth.issuers[result.issuer].issuer : NULL, monotonic_us() - start);
        ret = result.respond ? lambda_runtime_respond(rt, inv.request_id, out.data, out.len)
                             : lambda_runtime_report_error(rt, inv.request_id, AUTHZ_UNAUTHORIZED, AUTHZ_UNAUTHORIZED);
        if (ret != 0)
            log_msg(LOG_ERROR, "answer_failed", "%s (HTTP status %d)", lambda_strerror(ret), rt->last_status);
        /* the answer is out; Lambda waits for our next /next, so a routine refresh costs no request any time */
        if (result.issuer >= 0 && authz_keycache_stale(config, kc, (size_t)result.issuer, (int64_t)time(NULL)))
            fetch_keys(config, kc, (size_t)result.issuer, "refresh", config->oauth.fetch_timeout_ms);
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
    static authz_config_t config; /* static: about 100 KB, and wiped on the way out */
    static authz_keycache_t keys;
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
    authz_keycache_init(&keys);
    for (size_t i = 0; i != config.oauth.num_issuers; ++i)
        fetch_keys(&config, &keys, i, "start", config.oauth.fetch_timeout_ms);
    serve(&rt, &config, &keys);
    authz_keycache_dispose(&keys);
    authz_config_dispose(&config);
    lambda_runtime_dispose(&rt);
    return 1;
}
