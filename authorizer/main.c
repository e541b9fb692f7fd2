/*
 * mcp-authorizer: the token authorizer, a Lambda custom runtime (the bootstrap).
 *
 * Reads the configuration once (a mistake is reported to /runtime/init/error and ends the process: a Lambda that
 * starts anyway would refuse everyone and look like an outage of the tokens, not of the configuration), fetches the
 * OAuth issuers' keys (in the init phase, so that the first request does not wait for them; a failure there is
 * logged, not fatal: static tokens keep working, and that issuer's tokens are refused until its keys can be had),
 * then answers one invocation at a time with the decision of authz_decide() and logs one JSON line per decision.
 *
 * With MCP_AUTH_TOKENS_SECRET the digest list comes from Secrets Manager (aws_secrets.h) instead of MCP_AUTH_TOKENS,
 * and is re-read between invocations when due: a valid new list replaces the whole configuration (parsed again from
 * the environment with the new list, so the OAuth issuers, and with them the key cache's indexes, stay the same).
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
#include <string.h>
#include <time.h>

#include "arena.h"
#include "authz.h"
#include "authz_jwks_fetch.h"
#include "aws_secrets.h"
#include "clock.h"
#include "error.h"
#include "json.h"
#include "lambda_runtime.h"
#include "log.h"

#define INIT_ERROR_TYPE "Runtime.InvalidConfiguration"
#define LOG_LEVEL_VAR "MCP_LOG_LEVEL"
#define DEADLINE_MARGIN_MS 500 /* what an invocation keeps for answering after a fetch it waited for */
/* The digests in Secrets Manager instead of MCP_AUTH_TOKENS: the secret's ARN; its SecretString is the same list. */
#define TOKENS_SECRET_VAR "MCP_AUTH_TOKENS_SECRET"

/* The digest list's secret when MCP_AUTH_TOKENS_SECRET is set, re-read between invocations when due. */
static aws_secret_t *tokens_secret;

/*
 * The secret holds the list either as MCP_AUTH_TOKENS does ("label:sha256hex,...") or, as the CDK app creates it, as
 * a JSON object {"label": "sha256hex", ...} (easy to edit with jq); the object becomes the list. 0, or -1 with err.
 */
static int
tokens_from_json(const buf_t *value, buf_t *tokens, char *err, size_t err_len)
{
    size_t i = 0;
    while (i != value->len && (value->data[i] == ' ' || value->data[i] == '\n' || value->data[i] == '\r' || value->data[i] == '\t'))
        ++i;
    if (i == value->len || value->data[i] != '{') {
        buf_append(tokens, value->data, value->len);
        return 0;
    }
    arena_t a;
    arena_init(&a, 4 * value->len + 4096);
    json_value_t *v;
    int ret = -1;
    if (json_parse(&a, value->data, value->len, 4, &v) != 0 || v->type != JSON_OBJECT) {
        error_format(err, err_len, TOKENS_SECRET_VAR ": the value is neither label:sha256hex[,...] nor a JSON object");
        goto exit;
    }
    for (size_t m = 0; m != v->u.obj.len; ++m) {
        const json_member_t *member = &v->u.obj.items[m];
        if (member->value->type != JSON_STRING) {
            error_format(err, err_len, TOKENS_SECRET_VAR ": member %zu of the JSON object is not a string (a sha256hex digest)",
                         m + 1);
            goto exit;
        }
        buf_printf(tokens, "%s%s:%s", m != 0 ? "," : "", member->key, member->value->u.str.ptr);
    }
    ret = buf_failed(tokens) ? error_format(err, err_len, TOKENS_SECRET_VAR ": the list is too long") : 0;
exit:
    arena_dispose(&a);
    return ret;
}

/* The configuration with the secret's AWSCURRENT value as the token list (and the JWT settings from the environment). */
static int
config_from_secret(authz_config_t *config, char *err, size_t err_len)
{
    buf_t value = BUF_INIT(AWS_SECRET_MAX_BYTES + 1), tokens = BUF_INIT(2 * AWS_SECRET_MAX_BYTES);
    aws_secret_get(tokens_secret, &value, NULL);
    if (tokens_from_json(&value, &tokens, err, err_len) != 0) {
        aws_secret_wipe(&value);
        aws_secret_wipe(&tokens);
        return -1;
    }
    aws_secret_wipe(&value);
    buf_append_char(&tokens, '\0');
    authz_settings_t s;
    authz_settings_from_env(&s);
    s.tokens = buf_failed(&tokens) ? "" : tokens.data;
    int ret = authz_config_parse(config, &s, err, err_len);
    if (ret != 0)
        error_format(err + strlen(err), err_len - strlen(err), " (in the value of " TOKENS_SECRET_VAR ")");
    aws_secret_wipe(&tokens);
    return ret;
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
    const char *secret_id = getenv(TOKENS_SECRET_VAR);
    if (secret_id == NULL || secret_id[0] == '\0')
        return authz_config_from_env(config, err, err_len);
    if (getenv("MCP_AUTH_TOKENS") != NULL)
        return error_format(err, err_len, "set MCP_AUTH_TOKENS or " TOKENS_SECRET_VAR ", not both");
    aws_secret_config_t sc;
    if (aws_secret_config_from_env(&sc, secret_id, err, err_len) != 0 || aws_secret_open(&sc, &tokens_secret, err, err_len) != 0)
        return -1;
    aws_secret_refresh(tokens_secret, clock_monotonic_ms(), 0); /* starts its clock */
    return config_from_secret(config, err, err_len);
}

static void
log_ready(const authz_config_t *config, const char *event)
{
    log_line_t l;
    if (!log_begin(&l, LOG_INFO, event))
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
    int64_t now_ms = clock_monotonic_us() / 1000;
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
        int64_t left = inv->deadline_ms - clock_wall_ms() - DEADLINE_MARGIN_MS;
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

/*
 * Between invocations: re-reads the token secret when due. A new list replaces the old one only when it is valid; a
 * token added or removed takes effect here, within MCP_SECRETS_REFRESH_SECONDS (plus API Gateway's cache TTL).
 */
static void
reload_tokens(authz_config_t *config, int64_t now_ms)
{
    static authz_config_t next; /* static, like the one in use: about 100 KB */
    if (aws_secret_refresh(tokens_secret, now_ms, 0) != 1)
        return;
    char err[512];
    if (config_from_secret(&next, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "tokens_reload_refused", "%s; the tokens read before stay in use", err);
        return;
    }
    authz_config_dispose(config);
    *config = next;
    authz_config_dispose(&next);
    log_ready(config, "tokens_reloaded");
}

/* The invocation loop; returns only when the Runtime API can no longer be used. */
static void
serve(lambda_runtime_t *rt, authz_config_t *config, authz_keycache_t *kc)
{
    buf_t out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    for (;;) {
        lambda_invocation_t inv;
        int ret = lambda_runtime_next(rt, &inv);
        if (ret != 0) {
            log_msg(LOG_ERROR, "next_failed", "%s (HTTP status %d)", lambda_strerror(ret), rt->last_status);
            break;
        }
        int64_t start = clock_monotonic_us();
        log_set_request_id(inv.request_id);
        /* a custom runtime passes the trace header on itself (the X-Ray SDK reads it from here) */
        if (inv.trace_id[0] != '\0')
            setenv("_X_AMZN_TRACE_ID", inv.trace_id, 1);
        if (tokens_secret != NULL)
            reload_tokens(config, start / 1000);
        authz_result_t result;
        authz_decide(config, &kc->ring, inv.event, inv.event_len, (int64_t)time(NULL), &out, &result);
        /* a key we do not have (rotation at the provider), or no keys at all: fetch once more, within the rate */
        if ((result.reason == AUTHZ_ERR_JWT_UNKNOWN_KEY || result.reason == AUTHZ_ERR_JWT_NO_KEYS) && result.issuer >= 0) {
            int budget = fetch_budget_ms(config, &inv);
            if (budget >= 100 && fetch_keys(config, kc, (size_t)result.issuer,
                                            result.reason == AUTHZ_ERR_JWT_UNKNOWN_KEY ? "unknown kid" : "no keys", budget))
                authz_decide(config, &kc->ring, inv.event, inv.event_len, (int64_t)time(NULL), &out, &result);
        }
        log_decision(&result, result.issuer >= 0 ? config->oauth.issuers[result.issuer].issuer : NULL,
                     clock_monotonic_us() - start);
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
        aws_secret_free(tokens_secret);
        lambda_runtime_dispose(&rt);
        return 1;
    }
    authz_warm_up();
    log_ready(&config, "ready");
    authz_keycache_init(&keys);
    for (size_t i = 0; i != config.oauth.num_issuers; ++i)
        fetch_keys(&config, &keys, i, "start", config.oauth.fetch_timeout_ms);
    serve(&rt, &config, &keys);
    authz_keycache_dispose(&keys);
    authz_config_dispose(&config);
    aws_secret_free(tokens_secret);
    lambda_runtime_dispose(&rt);
    return 1;
}
