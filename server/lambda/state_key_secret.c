#include "state_key_secret.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_secrets.h"
#include "base64.h"
#include "clock.h"
#include "error.h"
#include "log.h"

#define UNKNOWN_STATE_RETRY_MS 10000
#define MAX_KEY 256
#define MIN_KEY 32

static aws_secret_t *secret;
static mcp_server_t *server;

/* A key in either base64 alphabet, as MCP_REQUEST_STATE_KEY takes it; 0 or -1. */
static int
decode_key(const buf_t *text, buf_t *key)
{
    buf_reset(key);
    if (base64_decode(key, text->data, text->len, 0) != 0) {
        buf_reset(key);
        if (base64_decode(key, text->data, text->len, 1) != 0)
            return -1;
    }
    return buf_failed(key) || key->len < MIN_KEY || key->len > MAX_KEY ? -1 : 0;
}

/* Installs the secret's values as the server's keys; 0, or -1 with the reason in err (the keys held are kept). */
static int
install_keys(char *err, size_t err_len)
{
    buf_t current = BUF_INIT(AWS_SECRET_MAX_BYTES + 1), previous = BUF_INIT(AWS_SECRET_MAX_BYTES + 1);
    buf_t key = BUF_INIT(MAX_KEY + 4), prev_key = BUF_INIT(MAX_KEY + 4);
    int ret = -1;
    aws_secret_get(secret, &current, &previous);
    if (decode_key(&current, &key) != 0) {
        error_format(err, err_len, STATE_KEY_SECRET_VAR ": the AWSCURRENT value is not a base64 key of %d to %d bytes", MIN_KEY,
                     MAX_KEY);
        goto exit;
    }
    /* a malformed old value only costs the states sealed under it */
    if (previous.len != 0 && decode_key(&previous, &prev_key) != 0) {
        log_msg(LOG_WARN, "state_key_previous_ignored",
                STATE_KEY_SECRET_VAR ": the AWSPREVIOUS value is not a base64 key of %d to %d bytes", MIN_KEY, MAX_KEY);
        buf_reset(&prev_key);
    }
    if (mcp_server_set_state_keys(server, key.data, key.len, prev_key.data, prev_key.len) != 0) {
        error_format(err, err_len, STATE_KEY_SECRET_VAR ": the keys were refused");
        goto exit;
    }
    ret = 0;
exit:
    aws_secret_wipe(&current);
    aws_secret_wipe(&previous);
    aws_secret_wipe(&key);
    aws_secret_wipe(&prev_key);
    return ret;
}

static void
on_keys_needed(void *data, int unknown_state)
{
    (void)data;
    if (aws_secret_refresh(secret, clock_monotonic_ms(), unknown_state) != 1)
        return;
    char err[256];
    if (install_keys(err, sizeof(err)) != 0)
        log_msg(LOG_ERROR, "state_key_rotation_refused", "%s; the keys read before stay in use", err);
    else
        log_msg(LOG_INFO, "state_key_rotated", "new request-state keys from " STATE_KEY_SECRET_VAR);
}

int
state_key_secret_start(mcp_server_t *s, char *err, size_t err_len)
{
    const char *id = getenv(STATE_KEY_SECRET_VAR);
    if (id == NULL || id[0] == '\0')
        return 0;
    const char *inline_key = getenv("MCP_REQUEST_STATE_KEY");
    if (inline_key != NULL && inline_key[0] != '\0')
        return error_format(err, err_len, "set MCP_REQUEST_STATE_KEY or " STATE_KEY_SECRET_VAR ", not both");
    aws_secret_config_t config;
    if (aws_secret_config_from_env(&config, id, err, err_len) != 0)
        return -1;
    config.retry_ms = UNKNOWN_STATE_RETRY_MS;
    if (aws_secret_open(&config, &secret, err, err_len) != 0)
        return -1;
    server = s;
    aws_secret_refresh(secret, clock_monotonic_ms(), 0); /* starts its clock */
    if (install_keys(err, err_len) != 0) {
        state_key_secret_stop();
        return -1;
    }
    /* from here on the server calls back until it is freed; main.c stops this after that */
    mcp_server_set_state_key_source(s, on_keys_needed, NULL);
    log_msg(LOG_INFO, "state_key_loaded", "request-state keys from " STATE_KEY_SECRET_VAR ", re-read every %lld s",
            (long long)(config.refresh_ms != 0 ? config.refresh_ms : AWS_SECRET_DEFAULT_REFRESH_MS) / 1000);
    return 0;
}

void
state_key_secret_stop(void)
{
    aws_secret_free(secret);
    secret = NULL;
    server = NULL;
}
