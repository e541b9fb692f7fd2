/*
 * server.c: the server object: its configuration, what it offers (registry.c), and the modules that keep
 * state for the life of the process. Built once at start; a broken declaration or setting stops the
 * server there rather than producing bad answers later.
 */
#include "server.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "admission.h"
#include "client_requests.h"
#include "error.h"
#include "state_memory.h"
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
    unsigned char state_key[CONFIG_MAX_STATE_KEY_BYTES]; /* seals requestState (configured, or random per process) */
    size_t state_key_len;
    mcp_state_store_t *state_store;
    mcp_state_store_t *own_state_store; /* --sessions memory: made and freed here */
    unsigned char token_key[32];        /* seals session ids and state handles (with sessions on) */
};

/* A key of its own for session ids and state handles, so that no token can ever pass for a requestState. */
static int
derive_token_key(mcp_server_t *s)
{
    static const char label[] = "mcp-lambda-c state token key v1";
    unsigned len = 0;
    const unsigned char *mac = HMAC(EVP_sha256(), s->state_key, (int)s->state_key_len, (const unsigned char *)label,
                                    sizeof(label) - 1, s->token_key, &len);
    return mac != NULL && len == sizeof(s->token_key) ? 0 : -1;
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
    /* only with sessions: HMAC is OpenSSL's first use, which maps megabytes of it and costs cold start */
    if (config->sessions != MCP_SESSIONS_OFF && derive_token_key(s) != 0) {
        error_format(err, err_len, "cannot derive the session key");
        goto fail;
    }
    if (config->sessions != MCP_SESSIONS_OFF && config->session_idle_s > config->session_max_s) {
        error_format(err, err_len, "--session-idle-s (%u) must not exceed --session-max-s (%u)", config->session_idle_s,
                     config->session_max_s);
        goto fail;
    }
    if (config->sessions == MCP_SESSIONS_DYNAMODB && config->request_state_key.len == 0) {
        /* an instance must verify the session ids and handles the others issued */
        error_format(err, err_len, "--sessions dynamodb needs MCP_REQUEST_STATE_KEY, the same on every instance");
        goto fail;
    }
    if (config->sessions == MCP_SESSIONS_MEMORY && (s->state_store = s->own_state_store = state_memory_new(NULL)) == NULL) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    if (registry_new(config, &s->registry, err, err_len) != 0)
        goto fail;
    if ((s->admission = admission_new(config)) == NULL || (s->workers = workers_new(config->workers)) == NULL ||
        (s->client_requests = client_requests_new(s)) == NULL || (s->subscriptions = subscriptions_new()) == NULL) {
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

const unsigned char *
server_state_key(const mcp_server_t *s, size_t *len)
{
    *len = s->state_key_len;
    return s->state_key;
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

const unsigned char *
server_token_key(const mcp_server_t *s, size_t *len)
{
    *len = sizeof(s->token_key);
    return s->token_key;
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
    admission_free(s->admission);
    client_requests_free(s->client_requests);
    subscriptions_free(s->subscriptions);
    registry_free(s->registry);
    state_memory_free(s->own_state_store);
    OPENSSL_cleanse(s->state_key, sizeof(s->state_key));
    OPENSSL_cleanse(s->token_key, sizeof(s->token_key));
    free(s);
}
