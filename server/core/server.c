/*
 * server.c: the server object: its configuration, what it offers (registry.c), and the modules that keep
 * state for the life of the process. Built once at start; a broken declaration or setting stops the
 * server there rather than producing bad answers later.
 */
#include "server.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "admission.h"
#include "client_requests.h"
#include "error.h"
#include "exchange.h"
#include "handler_ctx.h"
#include "remote_tools.h"
#include "state_memory.h"
#include "tasks.h"
#include "subscriptions.h"
#include "workers.h"

struct st_mcp_server_t {
    const mcp_config_t *config;
    registry_t *registry;
    admission_t *admission;
    workers_t *workers;
    client_requests_t *client_requests;
    subscriptions_t *subscriptions;
    atomic_int shutting_down;
    pthread_mutex_t state_key_lock; /* a front door may replace the keys (a rotation) while workers seal and open */
    unsigned char state_key[CONFIG_MAX_STATE_KEY_BYTES]; /* seals requestState (configured, or random per process) */
    size_t state_key_len;
    unsigned char state_key_prev[CONFIG_MAX_STATE_KEY_BYTES]; /* opens only: the key before a rotation; len 0: none */
    size_t state_key_prev_len;
    /* with sessions on, each key's derivation for session ids and state handles (token_key_prev: when state_key_prev) */
    unsigned char token_key[32], token_key_prev[32];
    uint64_t state_key_generation;            /* counts mcp_server_set_state_keys() calls */
    mcp_state_key_source_cb state_key_source; /* a front door's secret, re-read on demand; NULL: fixed keys */
    void *state_key_source_data;
    mcp_state_store_t *state_store;
    mcp_state_store_t *own_state_store;     /* --sessions memory: made and freed here */
    tasks_t *tasks;                         /* the tasks extension (tasks.h) */
    struct st_remote_tools_t *remote_tools; /* registered tools (remote_tools.h); NULL: none */
};

/* A key of its own for session ids and state handles, so that no token can ever pass for a requestState. */
static int
derive_token_key(const unsigned char *state_key, size_t state_key_len, unsigned char out[32])
{
    static const char label[] = "mcp-lambda-c state token key v1";
    unsigned len = 0;
    const unsigned char *mac =
        HMAC(EVP_sha256(), state_key, (int)state_key_len, (const unsigned char *)label, sizeof(label) - 1, out, &len);
    return mac != NULL && len == 32 ? 0 : -1;
}

/* The token keys of the state keys held (only with sessions: HMAC is OpenSSL's first use, which costs cold start). */
static int
derive_token_keys(mcp_server_t *s)
{
    if (s->config->sessions == MCP_SESSIONS_OFF)
        return 0;
    return derive_token_key(s->state_key, s->state_key_len, s->token_key) != 0 ||
                   (s->state_key_prev_len != 0 &&
                    derive_token_key(s->state_key_prev, s->state_key_prev_len, s->token_key_prev) != 0)
               ? -1
               : 0;
}

mcp_server_t *
mcp_server_new(const mcp_config_t *config, char *err, size_t err_len)
{
    mcp_server_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        error_format(err, err_len, "out of memory");
        return NULL;
    }
    s->config = config;
    atomic_init(&s->shutting_down, 0);
    pthread_mutex_init(&s->state_key_lock, NULL);
    if (config->request_state_key.len != 0) {
        memcpy(s->state_key, config->request_state_key.bytes, config->request_state_key.len);
        s->state_key_len = config->request_state_key.len;
    } else {
        /* only this process can verify what it seals: fine for one server, not for several behind one endpoint */
        s->state_key_len = 32;
        if (getrandom(s->state_key, s->state_key_len, 0) != (ssize_t)s->state_key_len) {
            error_format(err, err_len, "no randomness for the request state key");
            goto fail;
        }
    }
    if (derive_token_keys(s) != 0) {
        error_format(err, err_len, "cannot derive the session key");
        goto fail;
    }
    if (config->sessions != MCP_SESSIONS_OFF && config->session_idle_s > config->session_max_s) {
        error_format(err, err_len, "--session-idle-s (%u) must not exceed --session-max-s (%u)", config->session_idle_s,
                     config->session_max_s);
        goto fail;
    }
    if (config->sessions == MCP_SESSIONS_MEMORY && (s->state_store = s->own_state_store = state_memory_new(NULL)) == NULL) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    if (registry_new(config, &s->registry, err, err_len) != 0)
        goto fail;
    if ((s->admission = admission_new(config)) == NULL || (s->workers = workers_new(config->workers)) == NULL ||
        (s->client_requests = client_requests_new(s)) == NULL || (s->subscriptions = subscriptions_new()) == NULL ||
        (s->tasks = tasks_new(config, s->subscriptions)) == NULL) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    return s;
fail:
    mcp_server_free(s);
    return NULL;
}

const mcp_config_t *
server_config(const mcp_server_t *s)
{
    return s->config;
}

tasks_t *
server_tasks(mcp_server_t *s)
{
    return s->tasks;
}

const registry_t *
server_registry(const mcp_server_t *s)
{
    return s->registry;
}

workers_t *
server_workers(mcp_server_t *s)
{
    return s->workers;
}

admission_t *
server_admission(mcp_server_t *s)
{
    return s->admission;
}

client_requests_t *
server_client_requests(mcp_server_t *s)
{
    return s->client_requests;
}

subscriptions_t *
server_subscriptions(mcp_server_t *s)
{
    return s->subscriptions;
}

mcp_state_store_t *
server_state_store(mcp_server_t *s)
{
    return s->state_store;
}

void
mcp_server_set_state_store(mcp_server_t *s, mcp_state_store_t *store)
{
    s->state_store = store;
}

int
server_shutting_down(const mcp_server_t *s)
{
    return atomic_load(&s->shutting_down);
}

void
mcp_server_set_answer_store(mcp_server_t *s, mcp_answer_store_t *store)
{
    client_requests_set_store(s->client_requests, store);
}

void
mcp_server_drain(mcp_server_t *s)
{
    subscriptions_end_all(s->subscriptions);
}

int
mcp_server_set_state_keys(mcp_server_t *s, const void *current, size_t current_len, const void *previous, size_t previous_len)
{
    if (current_len < CONFIG_MIN_STATE_KEY_BYTES || current_len > CONFIG_MAX_STATE_KEY_BYTES ||
        (previous_len != 0 && (previous_len < CONFIG_MIN_STATE_KEY_BYTES || previous_len > CONFIG_MAX_STATE_KEY_BYTES)))
        return -1;
    pthread_mutex_lock(&s->state_key_lock);
    OPENSSL_cleanse(s->state_key, sizeof(s->state_key));
    OPENSSL_cleanse(s->state_key_prev, sizeof(s->state_key_prev));
    memcpy(s->state_key, current, current_len);
    s->state_key_len = current_len;
    if (previous_len != 0)
        memcpy(s->state_key_prev, previous, previous_len);
    s->state_key_prev_len = previous_len;
    int ret = derive_token_keys(s);
    ++s->state_key_generation;
    pthread_mutex_unlock(&s->state_key_lock);
    return ret;
}

void
mcp_server_set_state_key_source(mcp_server_t *s, mcp_state_key_source_cb cb, void *data)
{
    s->state_key_source = cb;
    s->state_key_source_data = data;
}

void
server_keys(mcp_server_t *s, server_keys_t which, int unknown_state, state_keys_t *out)
{
    if (s->state_key_source != NULL)
        s->state_key_source(s->state_key_source_data, unknown_state);
    pthread_mutex_lock(&s->state_key_lock);
    if (which == SERVER_KEYS_TOKENS) {
        memcpy(out->current, s->token_key, sizeof(s->token_key));
        out->current_len = sizeof(s->token_key);
        memcpy(out->previous, s->token_key_prev, sizeof(s->token_key_prev));
        out->previous_len = s->state_key_prev_len != 0 ? sizeof(s->token_key_prev) : 0;
    } else {
        memcpy(out->current, s->state_key, s->state_key_len);
        out->current_len = s->state_key_len;
        memcpy(out->previous, s->state_key_prev, s->state_key_prev_len);
        out->previous_len = s->state_key_prev_len;
    }
    out->generation = s->state_key_generation;
    pthread_mutex_unlock(&s->state_key_lock);
}

int
server_open_sealed(mcp_server_t *s, server_keys_t which, int not_verified, server_open_cb open, void *arg)
{
    state_keys_t keys = {.generation = 0};
    int ret = not_verified;
    for (int unknown = 0; unknown != 2 && ret == not_verified; ++unknown) {
        uint64_t before = keys.generation;
        server_keys(s, which, unknown, &keys);
        if (unknown && keys.generation == before)
            break; /* nothing new to try */
        ret = open(keys.current, keys.current_len, arg);
        if (ret == not_verified && keys.previous_len != 0)
            ret = open(keys.previous, keys.previous_len, arg);
    }
    OPENSSL_cleanse(&keys, sizeof(keys));
    return ret;
}

void
mcp_server_shutdown(mcp_server_t *s)
{
    subscriptions_end_all(s->subscriptions);
    atomic_store(&s->shutting_down, 1);
    client_requests_shutdown(s->client_requests); /* wakes every call waiting for a client */
    workers_shutdown(s->workers);
}

void
mcp_server_free(mcp_server_t *s)
{
    if (s == NULL)
        return;
    mcp_server_shutdown(s); /* again if it already was: every step is idempotent */
    workers_free(s->workers);
    tasks_free(s->tasks); /* after the workers: no task's handler runs any more */
    admission_free(s->admission);
    client_requests_free(s->client_requests);
    subscriptions_free(s->subscriptions);
    remote_tools_free(s->remote_tools); /* after the workers: a call may hold an entry until then */
    registry_free(s->registry);
    pthread_mutex_destroy(&s->state_key_lock);
    state_memory_free(s->own_state_store);
    OPENSSL_cleanse(s->state_key, sizeof(s->state_key));
    OPENSSL_cleanse(s->state_key_prev, sizeof(s->state_key_prev));
    OPENSSL_cleanse(s->token_key, sizeof(s->token_key));
    OPENSSL_cleanse(s->token_key_prev, sizeof(s->token_key_prev));
    exchange_drop_spare();
    ctx_drop_spare();
    free(s);
}

/* ---- registered tools (remote_tools.h) ---- */

int
mcp_server_set_tool_source(mcp_server_t *s, mcp_tool_source_t *source, unsigned refresh_ms)
{
    remote_tools_free(s->remote_tools);
    s->remote_tools = source != NULL ? remote_tools_new(source, s->registry, refresh_ms) : NULL;
    return source == NULL || s->remote_tools != NULL ? 0 : -1;
}

struct st_remote_tools_t *
server_remote_tools(const mcp_server_t *s)
{
    return s->remote_tools;
}
