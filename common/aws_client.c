#include "aws_client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "aws_credentials.h"
#include "error.h"
#include "http_client.h"
#include "http_url.h"
#include "json.h"
#include "mcpc_errors.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_MAX_REPLY (8u << 20)
#define MAX_HEADERS 16

struct st_aws_client_t {
    pthread_mutex_t lock; /* one connection, shared by every thread */
    mcpc_http_client_t *http;
    char *service;
    char *region;
    char *host;        /* the Host header, as signed */
    char *path_prefix; /* the endpoint URL's path without its trailing '/' ("" for most) */
    int s3;            /* S3 signs the path as sent; every other service encodes it once more */
    aws_credentials_provider_t *credentials;
};

int
aws_client_new(const aws_client_config_t *config, aws_client_t **out, char *err, size_t err_len)
{
    *out = NULL;
    aws_client_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return error_format(err, err_len, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    c->service = strdup(config->service);
    c->s3 = strcmp(config->service, "s3") == 0;
    char region[64], why[512];
    if (aws_config_region(NULL, region, sizeof(region)) != 0) {
        error_format(err, err_len, "calling %s needs a region: set AWS_REGION", config->service);
        goto fail;
    }
    c->region = strdup(region);
    aws_credentials_config_t cc = {.timeout_ms = config->timeout_ms};
    aws_owned_credentials_t creds;
    if (aws_credentials_provider_new(&cc, &c->credentials) != 0) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    if (aws_credentials_get(c->credentials, &creds, why, sizeof(why)) != 0) {
        error_format(err, err_len, "calling %s: %s", config->service, why);
        goto fail;
    }
    aws_owned_credentials_dispose(&creds);
    char url[512];
    if (config->endpoint != NULL && config->endpoint[0] != '\0')
        snprintf(url, sizeof(url), "%s", config->endpoint);
    else
        snprintf(url, sizeof(url), "https://%s.%s.amazonaws.com/", config->service, c->region);
    mcpc_url_t parsed;
    if (mcpc_url_parse(url, &parsed, err, err_len) != 0)
        goto fail;
    size_t prefix_len = strcspn(parsed.path, "?");
    while (prefix_len != 0 && parsed.path[prefix_len - 1] == '/')
        --prefix_len;
    c->host = strdup(parsed.authority);
    c->path_prefix = strndup(parsed.path, prefix_len);
    mcpc_url_dispose(&parsed);
    mcpc_http_config_t http = {.url = url, .timeout_ms = config->timeout_ms != 0 ? config->timeout_ms : DEFAULT_TIMEOUT_MS};
    if (mcpc_http_client_new(&http, &c->http, err, err_len) != 0)
        goto fail;
    if (c->service == NULL || c->host == NULL || c->path_prefix == NULL) {
        error_format(err, err_len, "out of memory");
        goto fail;
    }
    *out = c;
    return 0;
fail:
    aws_client_free(c);
    return -1;
}

void
aws_client_free(aws_client_t *c)
{
    if (c == NULL)
        return;
    if (c->http != NULL)
        mcpc_http_client_free(c->http);
    free(c->service);
    free(c->region);
    free(c->host);
    free(c->path_prefix);
    aws_credentials_provider_free(c->credentials);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

const char *
aws_client_region(const aws_client_t *c)
{
    return c->region;
}

typedef struct st_collect_t {
    aws_reply_t *reply;
    size_t max;
} collect_t;

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    aws_reply_t *reply = ((collect_t *)data)->reply;
    reply->status = res->status;
    for (size_t i = 0; i != res->num_headers && reply->num_headers != AWS_REPLY_MAX_HEADERS; ++i) {
        const mcpc_http_header_t *h = &res->headers[i];
        if (h->name_len < 5 || strncasecmp(h->name, "x-amz", 5) != 0 || h->name_len >= sizeof(reply->headers[0].name))
            continue;
        size_t k = reply->num_headers++;
        for (size_t j = 0; j != h->name_len; ++j)
            reply->headers[k].name[j] = (char)(h->name[j] >= 'A' && h->name[j] <= 'Z' ? h->name[j] - 'A' + 'a' : h->name[j]);
        reply->headers[k].name[h->name_len] = '\0';
        snprintf(reply->headers[k].value, sizeof(reply->headers[k].value), "%.*s", (int)h->value_len, h->value);
    }
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    aws_reply_t *reply = ((collect_t *)data)->reply;
    buf_append(&reply->body, bytes, len);
    return buf_failed(&reply->body) ? MCPC_ERR_TOO_LARGE : 0;
}

const char *
aws_reply_header(const aws_reply_t *reply, const char *name)
{
    for (size_t i = 0; i != reply->num_headers; ++i)
        if (strcmp(reply->headers[i].name, name) == 0)
            return reply->headers[i].value;
    return NULL;
}

void
aws_reply_dispose(aws_reply_t *reply)
{
    buf_dispose(&reply->body);
}

/* Copies text up to the first ':' (x-amzn-ErrorType: "Code:http://...") or after the last '#' (__type). */
static void
set_error_code(aws_reply_t *reply, const char *code, size_t len)
{
    const char *hash = memrchr(code, '#', len);
    if (hash != NULL) {
        len -= (size_t)(hash + 1 - code);
        code = hash + 1;
    }
    const char *colon = memchr(code, ':', len);
    if (colon != NULL)
        len = (size_t)(colon - code);
    snprintf(reply->error_code, sizeof(reply->error_code), "%.*s", (int)len, code);
}

/* What AWS says went wrong: the JSON protocols' __type/code and message, or the x-amzn-ErrorType header. */
static void
read_error(aws_reply_t *reply)
{
    const char *type = aws_reply_header(reply, "x-amzn-errortype");
    if (type != NULL)
        set_error_code(reply, type, strlen(type));
    if (reply->body.len == 0 || reply->body.data[0] != '{')
        return; /* XML (S3) errors are read by the caller, which parses its service's XML anyway */
    arena_t a;
    arena_init(&a, 4 * reply->body.len + 4096);
    json_value_t *v;
    if (json_parse(&a, reply->body.data, reply->body.len, 16, &v) == 0) {
        static const char *const code_keys[] = {"__type", "code", "Code", "Type"};
        for (size_t i = 0; reply->error_code[0] == '\0' && i != sizeof(code_keys) / sizeof(code_keys[0]); ++i) {
            const json_value_t *c = json_get(v, code_keys[i]);
            if (c != NULL && c->type == JSON_STRING)
                set_error_code(reply, c->u.str.ptr, c->u.str.len);
        }
        const char *m = json_string(json_get(v, "message"));
        if (m == NULL)
            m = json_string(json_get(v, "Message"));
        if (m != NULL)
            snprintf(reply->error_message, sizeof(reply->error_message), "%s", m);
    }
    arena_dispose(&a);
}

int
aws_client_send(aws_client_t *c, const aws_request_t *req, aws_reply_t *reply)
{
    memset(reply, 0, sizeof(*reply));
    buf_init(&reply->body, req->max_reply_bytes != 0 ? req->max_reply_bytes : DEFAULT_MAX_REPLY);
    if (req->num_headers > MAX_HEADERS - 4) {
        snprintf(reply->error_message, sizeof(reply->error_message), "too many headers");
        return -1;
    }
    const char *path = req->path != NULL ? req->path : "/";
    buf_t wire_path = BUF_INIT(0);
    buf_append_str(&wire_path, c->path_prefix);
    buf_append_str(&wire_path, path);
    size_t path_len = wire_path.len;
    if (req->query != NULL && req->query[0] != '\0')
        buf_printf(&wire_path, "?%s", req->query);

    char timestamp[17];
    aws_sigv4_timestamp(time(NULL), timestamp);
    aws_header_t headers[MAX_HEADERS];
    size_t n = 0;
    for (size_t i = 0; i != req->num_headers; ++i)
        headers[n++] = req->headers[i];
    headers[n++] = (aws_header_t){"host", c->host};
    aws_owned_credentials_t creds;
    char why[512];
    if (aws_credentials_get(c->credentials, &creds, why, sizeof(why)) != 0) {
        snprintf(reply->error_message, sizeof(reply->error_message), "%s: %.400s", c->service, why);
        buf_dispose(&wire_path);
        return -1;
    }
    aws_sigv4_params_t params = {.credentials = &creds.c,
                                 .region = c->region,
                                 .service = c->service,
                                 .timestamp = timestamp,
                                 .flags = c->s3 ? AWS_SIGV4_S3_PATH | AWS_SIGV4_CONTENT_SHA256 : 0};
    aws_sigv4_signature_t sig;
    int ret = -1;
    char *signed_path = buf_failed(&wire_path) ? NULL : strndup(wire_path.data, path_len);
    aws_sigv4_request_t sreq = {.method = req->method,
                                .path = signed_path,
                                .query = req->query,
                                .headers = headers,
                                .num_headers = n,
                                .body = req->body,
                                .body_len = req->body_len};
    int tried = signed_path != NULL, signed_ok = tried && aws_sigv4_sign(&params, &sreq, &sig) == 0;
    free(signed_path);
    if (!signed_ok) {
        if (tried)
            aws_sigv4_signature_dispose(&sig);
        snprintf(reply->error_message, sizeof(reply->error_message), "cannot sign the request");
        goto exit;
    }
    mcpc_http_header_t wire[MAX_HEADERS + 4];
    size_t h = 0;
    for (size_t i = 0; i != req->num_headers; ++i)
        wire[h++] = (mcpc_http_header_t){headers[i].name, strlen(headers[i].name), headers[i].value, strlen(headers[i].value)};
    /* Host is sent by the HTTP client itself, from the same URL */
    wire[h++] = (mcpc_http_header_t){"x-amz-date", 10, sig.date, strlen(sig.date)};
    if (creds.c.session_token != NULL)
        wire[h++] = (mcpc_http_header_t){"x-amz-security-token", 20, creds.c.session_token, strlen(creds.c.session_token)};
    if (c->s3)
        wire[h++] = (mcpc_http_header_t){"x-amz-content-sha256", 20, sig.content_sha256, 64};
    wire[h++] = (mcpc_http_header_t){"authorization", 13, sig.authorization.data, sig.authorization.len};
    collect_t collect = {.reply = reply};
    mcpc_http_request_t hreq = {.method = req->method,
                                .path = wire_path.data,
                                .headers = wire,
                                .num_headers = h,
                                .body = req->body,
                                .body_len = req->body_len,
                                .timeout_ms = req->timeout_ms,
                                .on_head = on_head,
                                .on_body = on_body,
                                .cb_data = &collect};
    pthread_mutex_lock(&c->lock);
    ret = mcpc_http_send(c->http, &hreq);
    if (ret != 0) {
        snprintf(reply->error_message, sizeof(reply->error_message), "%s: %s", c->service, mcpc_http_error(c->http));
        ret = -1;
    }
    pthread_mutex_unlock(&c->lock);
    if (ret == 0 && (reply->status < 200 || reply->status > 299))
        read_error(reply);
    if (ret == 0 && strstr(reply->error_code, "ExpiredToken") != NULL)
        aws_credentials_invalidate(c->credentials); /* the next call looks for fresh ones */
    aws_sigv4_signature_dispose(&sig);
exit:
    aws_owned_credentials_dispose(&creds);
    buf_dispose(&wire_path);
    return ret;
}

int
aws_client_json_call(aws_client_t *c, const char *target_prefix, const char *operation, const char *json_version, const void *body,
                     size_t body_len, aws_reply_t *reply)
{
    char target[128], content_type[48];
    snprintf(target, sizeof(target), "%s.%s", target_prefix, operation);
    snprintf(content_type, sizeof(content_type), "application/x-amz-json-%s", json_version);
    aws_header_t headers[] = {{"content-type", content_type}, {"x-amz-target", target}};
    aws_request_t req = {.method = "POST", .headers = headers, .num_headers = 2, .body = body, .body_len = body_len};
    return aws_client_send(c, &req, reply);
}
