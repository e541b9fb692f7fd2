#include "aws_sigv4.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

static void
hex(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i != len; ++i) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static int
sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int md_len = 0;
    if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
        return -1;
    hex(md, 32, out);
    return 0;
}

static int
hmac(const void *key, size_t key_len, const char *data, unsigned char out[32])
{
    unsigned int len = 0;
    return HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)data, strlen(data), out, &len) != NULL && len == 32 ? 0
                                                                                                                            : -1;
}

void
aws_sigv4_timestamp(time_t t, char out[17])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* The signed-headers list: "content-type;host;x-amz-date". */
static void
signed_headers(const aws_header_t *headers, size_t n, buf_t *out)
{
    for (size_t i = 0; i != n; ++i) {
        if (i != 0)
            buf_append_char(out, ';');
        buf_append_str(out, headers[i].name);
    }
}

int
aws_sigv4_canonical_hash(const char *method, const char *path, const char *query, const aws_header_t *headers, size_t num_headers,
                         const void *body, size_t body_len, char out[65])
{
    char body_hash[65];
    if (sha256_hex(body, body_len, body_hash) != 0)
        return -1;
    buf_t req = BUF_INIT(0);
    buf_printf(&req, "%s\n%s\n%s\n", method, path, query);
    for (size_t i = 0; i != num_headers; ++i) {
        /* values are trimmed; inner runs of spaces collapse to one */
        buf_printf(&req, "%s:", headers[i].name);
        const char *v = headers[i].value;
        while (*v == ' ')
            ++v;
        int space = 0;
        for (; *v != '\0'; ++v) {
            if (*v == ' ') {
                space = 1;
                continue;
            }
            if (space)
                buf_append_char(&req, ' ');
            space = 0;
            buf_append_char(&req, *v);
        }
        buf_append_char(&req, '\n');
    }
    buf_append_char(&req, '\n');
    signed_headers(headers, num_headers, &req);
    buf_printf(&req, "\n%s", body_hash);
    int ret = buf_failed(&req) ? -1 : sha256_hex(req.data, req.len, out);
    buf_dispose(&req);
    return ret;
}

int
aws_sigv4_sign(const aws_credentials_t *creds, const char *region, const char *service, const char *timestamp, const char *method,
               const char *path, const char *query, const aws_header_t *headers, size_t num_headers, const void *body,
               size_t body_len, buf_t *out)
{
    char canonical[65];
    if (aws_sigv4_canonical_hash(method, path, query, headers, num_headers, body, body_len, canonical) != 0)
        return -1;
    char date[9];
    snprintf(date, sizeof(date), "%.8s", timestamp);
    char scope[256];
    snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date, region, service);
    char to_sign[512];
    snprintf(to_sign, sizeof(to_sign), "AWS4-HMAC-SHA256\n%s\n%s\n%s", timestamp, scope, canonical);

    /* the signing key: HMAC chain over date, region, service and "aws4_request" */
    char secret[256];
    snprintf(secret, sizeof(secret), "AWS4%s", creds->secret_access_key);
    unsigned char k_date[32], k_region[32], k_service[32], k_signing[32], sig[32];
    int ret = hmac(secret, strlen(secret), date, k_date) != 0 || hmac(k_date, 32, region, k_region) != 0 ||
                      hmac(k_region, 32, service, k_service) != 0 || hmac(k_service, 32, "aws4_request", k_signing) != 0 ||
                      hmac(k_signing, 32, to_sign, sig) != 0
                  ? -1
                  : 0;
    OPENSSL_cleanse(secret, sizeof(secret));
    OPENSSL_cleanse(k_signing, sizeof(k_signing));
    if (ret != 0)
        return -1;
    char sig_hex[65];
    hex(sig, 32, sig_hex);
    buf_printf(out, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=", creds->access_key_id, scope);
    signed_headers(headers, num_headers, out);
    buf_printf(out, ", Signature=%s", sig_hex);
    return buf_failed(out) ? -1 : 0;
}
