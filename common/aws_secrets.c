#include "aws_secrets.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "aws_client.h"
#include "error.h"
#include "json.h"
#include "jsonw.h"
#include "log.h"

#define TARGET_PREFIX "secretsmanager"
#define JSON_VERSION "1.1"
#define STAGE_CURRENT "AWSCURRENT"
#define STAGE_PREVIOUS "AWSPREVIOUS"
#define MAX_VERSION_ID 64 /* Secrets Manager version ids are 32 to 64 characters */

typedef struct st_secret_version_t {
    buf_t value;
    char version_id[MAX_VERSION_ID + 1];
} secret_version_t;

struct st_aws_secret_t {
    pthread_mutex_t lock;
    aws_client_t *aws;
    char *secret_id;
    int64_t refresh_ms, retry_ms;
    int timeout_ms;
    int64_t last_read_ms, last_attempt_ms, last_forced_ms;
    int clock_started, last_failed, forced, have_read;
    uint64_t generation;
    secret_version_t current, previous; /* previous.version_id[0] == '\0': none */
};

void
aws_secret_wipe(buf_t *b)
{
    if (b->data != NULL)
        OPENSSL_cleanse(b->data, b->capacity);
    buf_dispose(b);
}

static void
version_clear(secret_version_t *v)
{
    aws_secret_wipe(&v->value);
    buf_init(&v->value, AWS_SECRET_MAX_BYTES + 1);
    v->version_id[0] = '\0';
}

/*
 * GetSecretValue of one staging label into *out. Returns 0, 1 when the secret has no version with that label
 * (ResourceNotFoundException for AWSPREVIOUS: never rotated), or -1 with the reason in err.
 */
static int
get_version(aws_secret_t *s, const char *stage, secret_version_t *out, char *err, size_t err_len)
{
    buf_t body = BUF_INIT(4096);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "SecretId", s->secret_id);
    jsonw_kv_string(&w, "VersionStage", stage);
    jsonw_object_end(&w);
    aws_reply_t reply;
    int ret = -1;
    if (jsonw_failed(&w)) {
        error_format(err, err_len, "secret %s: the request does not fit", s->secret_id);
        buf_dispose(&body);
        return -1;
    }
    if (aws_client_json_call(s->aws, TARGET_PREFIX, "GetSecretValue", JSON_VERSION, body.data, body.len, &reply) != 0) {
        error_format(err, err_len, "secret %s: %s", s->secret_id, reply.error_message);
        goto exit;
    }
    if (reply.status != 200) {
        if (strcmp(stage, STAGE_PREVIOUS) == 0 && reply.status == 400 &&
            strcmp(reply.error_code, "ResourceNotFoundException") == 0) {
            ret = 1;
            goto exit;
        }
        /* AWS's message names the secret and the principal, never the value: safe to pass on */
        error_format(err, err_len, "secret %s, %s: HTTP %d %s%s%s", s->secret_id, stage, reply.status,
                     reply.error_code[0] != '\0' ? reply.error_code : "error", reply.error_message[0] != '\0' ? ": " : "",
                     reply.error_message);
        goto exit;
    }
    arena_t a;
    arena_init(&a, 4 * reply.body.len + 4096);
    json_value_t *v;
    if (json_parse(&a, reply.body.data != NULL ? reply.body.data : "", reply.body.len, 8, &v) != 0 || v->type != JSON_OBJECT) {
        error_format(err, err_len, "secret %s, %s: the answer is not a JSON object", s->secret_id, stage);
    } else {
        const json_value_t *value = json_get(v, "SecretString");
        const char *version = json_string(json_get(v, "VersionId"));
        if (value == NULL || value->type != JSON_STRING) {
            error_format(err, err_len, "secret %s, %s: no SecretString (a SecretBinary secret is not supported)", s->secret_id,
                         stage);
        } else if (value->u.str.len == 0 || value->u.str.len > AWS_SECRET_MAX_BYTES) {
            error_format(err, err_len, "secret %s, %s: the value is empty or longer than %d bytes", s->secret_id, stage,
                         AWS_SECRET_MAX_BYTES);
        } else if (version == NULL || strlen(version) > MAX_VERSION_ID) {
            error_format(err, err_len, "secret %s, %s: no VersionId", s->secret_id, stage);
        } else {
            buf_reset(&out->value);
            buf_append(&out->value, value->u.str.ptr, value->u.str.len);
            /* wherever the parser left its copy (the reply body or the arena), it is wiped */
            OPENSSL_cleanse((char *)value->u.str.ptr, value->u.str.len);
            snprintf(out->version_id, sizeof(out->version_id), "%s", version);
            ret = buf_failed(&out->value) ? -1 : 0;
            if (ret != 0)
                error_format(err, err_len, "secret %s: out of memory", s->secret_id);
        }
    }
    arena_dispose(&a);
exit:
    if (reply.body.data != NULL)
        OPENSSL_cleanse(reply.body.data, reply.body.capacity);
    aws_reply_dispose(&reply);
    buf_dispose(&body);
    return ret;
}

/* One read, with the lock held: AWSCURRENT, then AWSPREVIOUS only when the current version is new. */
static int
read_locked(aws_secret_t *s, char *err, size_t err_len)
{
    secret_version_t current = {.value = BUF_INIT(AWS_SECRET_MAX_BYTES + 1)},
                     previous = {.value = BUF_INIT(AWS_SECRET_MAX_BYTES + 1)};
    int ret = get_version(s, STAGE_CURRENT, &current, err, err_len);
    if (ret != 0) {
        ret = -1;
        goto exit;
    }
    if (s->have_read && strcmp(current.version_id, s->current.version_id) == 0) {
        ret = 0;
        goto exit;
    }
    int prev = get_version(s, STAGE_PREVIOUS, &previous, err, err_len);
    if (prev < 0) {
        ret = -1;
        goto exit;
    }
    if (prev == 1)
        version_clear(&previous);
    version_clear(&s->current);
    version_clear(&s->previous);
    s->current = current;
    s->previous = previous;
    current = (secret_version_t){.value = BUF_INIT(0)};
    previous = (secret_version_t){.value = BUF_INIT(0)};
    ++s->generation;
    ret = s->have_read ? 1 : 0;
    s->have_read = 1;
exit:
    aws_secret_wipe(&current.value);
    aws_secret_wipe(&previous.value);
    return ret;
}

int
aws_secret_config_from_env(aws_secret_config_t *c, const char *secret_id, char *err, size_t err_len)
{
    *c = (aws_secret_config_t){.secret_id = secret_id, .endpoint = getenv(AWS_SECRET_ENDPOINT_VAR)};
    const char *text = getenv(AWS_SECRET_REFRESH_VAR);
    if (text == NULL)
        return 0;
    char *end;
    long seconds = strtol(text, &end, 10);
    if (end == text || *end != '\0' || seconds < 1 || seconds > 86400)
        return error_format(err, err_len, AWS_SECRET_REFRESH_VAR " must be a number of seconds, 1 to 86400");
    c->refresh_ms = (int64_t)seconds * 1000;
    return 0;
}

int
aws_secret_open(const aws_secret_config_t *config, aws_secret_t **out, char *err, size_t err_len)
{
    *out = NULL;
    if (config->secret_id == NULL || config->secret_id[0] == '\0')
        return error_format(err, err_len, "no secret id");
    aws_secret_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return error_format(err, err_len, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    buf_init(&s->current.value, AWS_SECRET_MAX_BYTES + 1);
    buf_init(&s->previous.value, AWS_SECRET_MAX_BYTES + 1);
    s->refresh_ms = config->refresh_ms > 0 ? config->refresh_ms : AWS_SECRET_DEFAULT_REFRESH_MS;
    s->retry_ms = config->retry_ms > 0 ? config->retry_ms : AWS_SECRET_DEFAULT_RETRY_MS;
    s->timeout_ms = config->timeout_ms;
    if ((s->secret_id = strdup(config->secret_id)) == NULL) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    aws_client_config_t client = {.service = "secretsmanager", .endpoint = config->endpoint, .timeout_ms = config->timeout_ms};
    if (aws_client_new(&client, &s->aws, err, err_len) != 0 || read_locked(s, err, err_len) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    aws_secret_free(s);
    return -1;
}

void
aws_secret_free(aws_secret_t *s)
{
    if (s == NULL)
        return;
    aws_client_free(s->aws);
    aws_secret_wipe(&s->current.value);
    aws_secret_wipe(&s->previous.value);
    free(s->secret_id);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int
aws_secret_refresh(aws_secret_t *s, int64_t now_ms, int force)
{
    pthread_mutex_lock(&s->lock);
    int ret = 0;
    /* the first call starts the clock: aws_secret_open() cannot know the caller's */
    if (!s->clock_started) {
        s->last_read_ms = s->last_attempt_ms = now_ms;
        s->clock_started = 1;
    }
    int may_try = !s->last_failed || now_ms - s->last_attempt_ms >= s->retry_ms;
    int due =
        may_try && (force ? !s->forced || now_ms - s->last_forced_ms >= s->retry_ms : now_ms - s->last_read_ms >= s->refresh_ms);
    if (due && force) {
        s->forced = 1;
        s->last_forced_ms = now_ms;
    }
    if (due) {
        char err[512];
        s->last_attempt_ms = now_ms;
        ret = read_locked(s, err, sizeof(err));
        s->last_failed = ret < 0;
        if (ret < 0)
            log_msg(LOG_WARN, "secret_refresh_failed", "%s; the values read before stay in use", err);
        else
            s->last_read_ms = now_ms;
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

uint64_t
aws_secret_get(aws_secret_t *s, buf_t *current, buf_t *previous)
{
    pthread_mutex_lock(&s->lock);
    if (current != NULL) {
        buf_reset(current);
        buf_append(current, s->current.value.data, s->current.value.len);
    }
    if (previous != NULL) {
        buf_reset(previous);
        if (s->previous.version_id[0] != '\0')
            buf_append(previous, s->previous.value.data, s->previous.value.len);
    }
    uint64_t generation = s->generation;
    pthread_mutex_unlock(&s->lock);
    return generation;
}
