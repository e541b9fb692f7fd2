/* sigv4.c: --aws-sigv4 (sigv4.h). */
#include "sigv4.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws_credentials.h"
#include "aws_sigv4.h"
#include "http_url.h"
#include "mcpc_errors.h"

struct st_mcpc_sigv4_t {
    mcpc_http_signer_t signer;
    aws_credentials_provider_t *credentials;
    char service[64];
    char region[64];
    char source[128]; /* where the credentials came from at the start */
};

/* Header fields a hop may add or change: signing them would break the signature on the way (botocore's list). */
static const char *const unsigned_headers[] = {"user-agent",     "expect", "transfer-encoding", "connection", "x-amzn-trace-id",
                                               "content-length", NULL};

static int
label_is(const char *label, size_t len, const char *s)
{
    return strlen(s) == len && strncasecmp(label, s, len) == 0;
}

/* "lambda", "bedrock-agentcore": lower case, digits and dashes */
static int
valid_service(const char *s, size_t len)
{
    if (len == 0 || len > 63)
        return 0;
    for (size_t i = 0; i != len; ++i)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* "us-east-1", "eu-central-2": lower case, digits and dashes, with a dash and a digit */
static int
valid_region(const char *s, size_t len)
{
    int dash = 0, digit = 0;
    if (len == 0 || len > 40)
        return 0;
    for (size_t i = 0; i != len; ++i) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
        dash |= s[i] == '-';
        digit |= s[i] >= '0' && s[i] <= '9';
    }
    return dash && digit;
}

void
mcpc_sigv4_infer(const char *host, char *service, size_t service_len, char *region, size_t region_len)
{
    service[0] = region[0] = '\0';
    const char *labels[64];
    size_t lens[64], n = 0;
    for (const char *p = host; *p != '\0' && n != 64;) {
        size_t len = strcspn(p, ".");
        labels[n] = p;
        lens[n++] = len;
        p += len;
        if (*p == '.')
            ++p;
    }
    /* the label that names the service, the region after it, then the domain */
    static const struct {
        const char *label, *service, *domain;
    } markers[] = {{"lambda-url", "lambda", "on"},
                   {"execute-api", "execute-api", "amazonaws"},
                   {"bedrock-agentcore", "bedrock-agentcore", "amazonaws"}};
    for (size_t i = 0; i + 2 < n; ++i) {
        for (size_t m = 0; m != sizeof(markers) / sizeof(markers[0]); ++m) {
            if (label_is(labels[i], lens[i], markers[m].label) && valid_region(labels[i + 1], lens[i + 1]) &&
                label_is(labels[i + 2], lens[i + 2], markers[m].domain)) {
                snprintf(service, service_len, "%s", markers[m].service);
                snprintf(region, region_len, "%.*s", (int)lens[i + 1], labels[i + 1]);
                return;
            }
        }
    }
    /* <service>.<region>.api.aws: the dual-stack endpoints */
    if (n >= 4 && label_is(labels[n - 2], lens[n - 2], "api") && label_is(labels[n - 1], lens[n - 1], "aws") &&
        valid_region(labels[n - 3], lens[n - 3]) && valid_service(labels[n - 4], lens[n - 4])) {
        snprintf(service, service_len, "%.*s", (int)lens[n - 4], labels[n - 4]);
        snprintf(region, region_len, "%.*s", (int)lens[n - 3], labels[n - 3]);
    }
}

static int
is_unsigned(const char *name, size_t len)
{
    for (const char *const *u = unsigned_headers; *u != NULL; ++u)
        if (label_is(name, len, *u))
            return 1;
    return 0;
}

static int
sign(void *data, const char *method, const char *authority, const char *path, const mcpc_http_header_t *headers, size_t num_headers,
     const char *body, size_t body_len, mcpc_http_header_t *added, size_t *num_added, char *err, size_t err_len)
{
    mcpc_sigv4_t *s = data;
    *num_added = 0;
    aws_owned_credentials_t creds;
    char why[512];
    if (aws_credentials_get(s->credentials, &creds, why, sizeof(why)) != 0) {
        snprintf(err, err_len, "%s: %s", mcpc_strerror(MCPC_ERR_CREDENTIALS), why);
        return MCPC_ERR_CREDENTIALS;
    }
    /* the signer wants NUL-terminated names and values: copy them, with Host first */
    aws_header_t *signed_headers = calloc(num_headers + 1, sizeof(*signed_headers));
    char **copies = calloc(2 * num_headers, sizeof(*copies));
    size_t n = 0, num_copies = 0;
    int ret = MCPC_ERR_NOMEM;
    if (signed_headers == NULL || copies == NULL)
        goto Exit;
    signed_headers[n++] = (aws_header_t){"host", authority};
    for (size_t i = 0; i != num_headers; ++i) {
        if (is_unsigned(headers[i].name, headers[i].name_len))
            continue;
        char *name = strndup(headers[i].name, headers[i].name_len), *value = strndup(headers[i].value, headers[i].value_len);
        copies[num_copies++] = name;
        copies[num_copies++] = value;
        if (name == NULL || value == NULL)
            goto Exit;
        signed_headers[n++] = (aws_header_t){name, value};
    }
    size_t path_len = strcspn(path, "?");
    char *bare_path = strndup(path, path_len);
    if (bare_path == NULL)
        goto Exit;
    char timestamp[17];
    aws_sigv4_timestamp(time(NULL), timestamp);
    aws_sigv4_params_t params = {
        .credentials = &creds.c, .region = s->region, .service = s->service, .timestamp = timestamp, .flags = 0};
    aws_sigv4_request_t req = {
        .method = method,
        .path = bare_path,
        .query = path[path_len] == '?' ? path + path_len + 1 : NULL,
        .headers = signed_headers,
        .num_headers = n,
        .body = body,
        .body_len = body_len,
    };
    aws_sigv4_signature_t sig;
    int signed_ok = aws_sigv4_sign(&params, &req, &sig) == 0;
    free(bare_path);
    if (!signed_ok) {
        aws_sigv4_signature_dispose(&sig);
        snprintf(err, err_len, "cannot sign the request (too many header fields?)");
        ret = MCPC_ERR_USAGE;
        goto Exit;
    }
    added[(*num_added)++] = (mcpc_http_header_t){"X-Amz-Date", 10, strdup(sig.date), strlen(sig.date)};
    if (creds.c.session_token != NULL)
        added[(*num_added)++] =
            (mcpc_http_header_t){"X-Amz-Security-Token", 20, strdup(creds.c.session_token), strlen(creds.c.session_token)};
    added[(*num_added)++] = (mcpc_http_header_t){"Authorization", 13, buf_release(&sig.authorization, NULL), 0};
    added[*num_added - 1].value_len = added[*num_added - 1].value != NULL ? strlen(added[*num_added - 1].value) : 0;
    aws_sigv4_signature_dispose(&sig);
    ret = 0;
    for (size_t i = 0; i != *num_added; ++i)
        if (added[i].value == NULL)
            ret = MCPC_ERR_NOMEM;
    if (ret != 0) {
        for (size_t i = 0; i != *num_added; ++i)
            free((char *)added[i].value);
        *num_added = 0;
    }
Exit:
    if (ret == MCPC_ERR_NOMEM)
        snprintf(err, err_len, "%s", mcpc_strerror(MCPC_ERR_NOMEM));
    for (size_t i = 0; i != num_copies; ++i)
        free(copies[i]);
    free(copies);
    free(signed_headers);
    aws_owned_credentials_dispose(&creds);
    return ret;
}

static void
invalidate(void *data)
{
    aws_credentials_invalidate(((mcpc_sigv4_t *)data)->credentials);
}

/* Plain http may carry a session token only to this machine. */
static int
loopback_host(const char *host)
{
    unsigned char a[16];
    if (strcasecmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    static const unsigned char loopback6[16] = {[15] = 1};
    return inet_pton(AF_INET6, host, a) == 1 && memcmp(a, loopback6, 16) == 0;
}

int
mcpc_sigv4_new(const mcpc_sigv4_config_t *config, mcpc_sigv4_t **out, char *err, size_t err_len)
{
    *out = NULL;
    mcpc_url_t url;
    int ret = mcpc_url_parse(config->url, &url, err, err_len);
    if (ret != 0)
        return ret;
    char service[64], region[64];
    mcpc_sigv4_infer(url.host, service, sizeof(service), region, sizeof(region));
    int clear_text = !url.tls && !loopback_host(url.host);
    char host[sizeof(url.host)];
    snprintf(host, sizeof(host), "%s", url.host);
    mcpc_url_dispose(&url);
    if (clear_text) {
        snprintf(err, err_len, "--aws-sigv4 needs https (plain http only to this machine: the request carries credentials)");
        return MCPC_ERR_USAGE;
    }
    mcpc_sigv4_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return MCPC_ERR_NOMEM;
    snprintf(s->service, sizeof(s->service), "%s", config->service != NULL ? config->service : service);
    if (config->region != NULL)
        snprintf(s->region, sizeof(s->region), "%s", config->region);
    else if (region[0] != '\0')
        snprintf(s->region, sizeof(s->region), "%s", region);
    else
        aws_config_region(config->profile, s->region, sizeof(s->region));
    if (s->service[0] == '\0') {
        snprintf(err, err_len,
                 "cannot tell the AWS service to sign for from the host %.100s: give --aws-service (lambda for a Function URL, "
                 "execute-api for API Gateway, bedrock-agentcore for AgentCore)",
                 host);
        ret = MCPC_ERR_USAGE;
    } else if (s->region[0] == '\0') {
        snprintf(err, err_len, "no AWS region: the host %.100s does not name one; give --aws-region or set AWS_REGION", host);
        ret = MCPC_ERR_USAGE;
    }
    aws_credentials_config_t cc = {.profile = config->profile, .timeout_ms = config->timeout_ms};
    if (ret == 0 && aws_credentials_provider_new(&cc, &s->credentials) != 0)
        ret = MCPC_ERR_NOMEM;
    aws_owned_credentials_t creds;
    char why[768];
    if (ret == 0) {
        if (aws_credentials_get(s->credentials, &creds, why, sizeof(why)) != 0) {
            snprintf(err, err_len, "%s: %s", mcpc_strerror(MCPC_ERR_CREDENTIALS), why);
            ret = MCPC_ERR_CREDENTIALS;
        } else {
            snprintf(s->source, sizeof(s->source), "%s", creds.source);
            aws_owned_credentials_dispose(&creds);
        }
    }
    if (ret != 0) {
        mcpc_sigv4_free(s);
        return ret;
    }
    s->signer = (mcpc_http_signer_t){.sign = sign, .invalidate = invalidate, .data = s};
    *out = s;
    return 0;
}

void
mcpc_sigv4_free(mcpc_sigv4_t *s)
{
    if (s == NULL)
        return;
    aws_credentials_provider_free(s->credentials);
    free(s);
}

const mcpc_http_signer_t *
mcpc_sigv4_signer(const mcpc_sigv4_t *s)
{
    return &s->signer;
}

void
mcpc_sigv4_describe(const mcpc_sigv4_t *s, char *out, size_t out_len)
{
    snprintf(out, out_len, "service %s, region %s, credentials from %s", s->service, s->region, s->source);
}
