/* aws_sigv4.c: Signature Version 4 (aws_sigv4.h). */
#include "aws_sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
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
hmac(const void *key, size_t key_len, const char *data, size_t data_len, unsigned char out[32])
{
    unsigned int len = 0;
    return HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)data, data_len, out, &len) != NULL && len == 32 ? 0 : -1;
}

void
aws_sigv4_timestamp(time_t t, char out[17])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void
aws_uri_encode(buf_t *out, const char *s, size_t len, int keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i != len; ++i) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
            ch == '.' || ch == '~' || (ch == '/' && keep_slash)) {
            buf_append_char(out, (char)ch);
        } else {
            char esc[3] = {'%', digits[ch >> 4], digits[ch & 15]};
            buf_append(out, esc, 3);
        }
    }
}

/* ---- the canonical path ---- */

/* RFC 3986 dot-segment removal, with empty segments dropped too (AWS's normalisation): "//a/./b/../c/" is "/a/c/". */
static void
normalize_path(buf_t *out, const char *path, size_t len)
{
    size_t *starts = malloc((len / 2 + 2) * sizeof(*starts)); /* where each kept segment begins in out */
    size_t depth = 0;
    /* "/a/" and "/a/b/.." keep their trailing slash */
    size_t last = len;
    while (last != 0 && path[last - 1] != '/')
        --last;
    size_t tail = len - last;
    int trailing_slash =
        len != 0 && (tail == 0 || (tail == 1 && path[last] == '.') || (tail == 2 && path[last] == '.' && path[last + 1] == '.'));
    if (starts == NULL) {
        out->failed = 1;
        return;
    }
    buf_append_char(out, '/');
    for (size_t i = 0; i < len;) {
        while (i < len && path[i] == '/')
            ++i;
        size_t end = i;
        while (end < len && path[end] != '/')
            ++end;
        size_t seg = end - i;
        if (seg == 0 || (seg == 1 && path[i] == '.')) {
            /* nothing to keep */
        } else if (seg == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (depth != 0)
                out->len = starts[--depth];
        } else {
            starts[depth++] = out->len;
            if (out->len != 1)
                buf_append_char(out, '/');
            buf_append(out, path + i, seg);
        }
        i = end;
    }
    if (trailing_slash && out->len > 1)
        buf_append_char(out, '/');
    if (out->data != NULL)
        out->data[out->len] = '\0';
    free(starts);
}

static void
canonical_path(buf_t *out, const char *path, int flags)
{
    if (path == NULL || path[0] == '\0')
        path = "/";
    if (flags & AWS_SIGV4_S3_PATH) {
        buf_append_str(out, path);
        return;
    }
    if (flags & AWS_SIGV4_UNNORMALIZED_PATH) {
        aws_uri_encode(out, path, strlen(path), 1);
        return;
    }
    buf_t normal = BUF_INIT(0);
    normalize_path(&normal, path, strlen(path));
    if (buf_failed(&normal))
        out->failed = 1;
    else
        aws_uri_encode(out, normal.data, normal.len, 1);
    buf_dispose(&normal);
}

/* ---- the canonical query ---- */

static int
hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes %XX escapes of s[0..len) ('+' stays a plus: AWS reads it literally), then encodes the result for SigV4. */
static void
reencode(buf_t *out, const char *s, size_t len)
{
    buf_t decoded = BUF_INIT(0);
    for (size_t i = 0; i != len; ++i) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = hex_digit(s[i + 1])) >= 0 && (lo = hex_digit(s[i + 2])) >= 0) {
            buf_append_char(&decoded, (char)(hi << 4 | lo));
            i += 2;
        } else {
            buf_append_char(&decoded, s[i]);
        }
    }
    if (buf_failed(&decoded))
        out->failed = 1;
    else
        aws_uri_encode(out, decoded.data != NULL ? decoded.data : "", decoded.len, 0);
    buf_dispose(&decoded);
}

typedef struct st_query_param_t {
    char *name, *value;
} query_param_t;

static int
compare_params(const void *a, const void *b)
{
    const query_param_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : strcmp(x->value, y->value);
}

static void
canonical_query(buf_t *out, const char *query)
{
    if (query == NULL || query[0] == '\0')
        return;
    size_t n = 1;
    for (const char *p = query; *p != '\0'; ++p)
        n += *p == '&';
    query_param_t *params = calloc(n, sizeof(*params));
    size_t count = 0;
    if (params == NULL) {
        out->failed = 1;
        return;
    }
    for (const char *p = query; *p != '\0';) {
        size_t len = strcspn(p, "&");
        if (len != 0) {
            const char *eq = memchr(p, '=', len);
            size_t name_len = eq != NULL ? (size_t)(eq - p) : len;
            buf_t name = BUF_INIT(0), value = BUF_INIT(0);
            reencode(&name, p, name_len);
            if (eq != NULL)
                reencode(&value, eq + 1, len - name_len - 1);
            params[count].name = buf_release(&name, NULL);
            params[count].value = buf_release(&value, NULL);
            if (params[count].name == NULL)
                params[count].name = strdup("");
            if (params[count].value == NULL)
                params[count].value = strdup("");
            if (params[count].name == NULL || params[count].value == NULL)
                out->failed = 1;
            ++count;
        }
        p += len;
        if (*p == '&')
            ++p;
    }
    if (!out->failed) {
        qsort(params, count, sizeof(*params), compare_params);
        for (size_t i = 0; i != count; ++i)
            buf_printf(out, "%s%s=%s", i != 0 ? "&" : "", params[i].name, params[i].value);
    }
    for (size_t i = 0; i != count; ++i) {
        free(params[i].name);
        free(params[i].value);
    }
    free(params);
}

/* ---- the canonical headers ---- */

typedef struct st_signed_header_t {
    char name[128]; /* lower case */
    const char *value;
    size_t order; /* keeps repeated names in the order given */
} signed_header_t;

static int
compare_headers(const void *a, const void *b)
{
    const signed_header_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : x->order < y->order ? -1 : x->order > y->order;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value trimmed, with every run of white space inside it (a folded line among them) written as one space. */
static void
append_trimmed(buf_t *out, const char *v)
{
    while (is_space(*v))
        ++v;
    int space = 0;
    for (; *v != '\0'; ++v) {
        if (is_space(*v)) {
            space = 1;
            continue;
        }
        if (space)
            buf_append_char(out, ' ');
        space = 0;
        buf_append_char(out, *v);
    }
}

static int
add_header(signed_header_t *h, size_t *n, const char *name, const char *value)
{
    size_t len = strlen(name);
    while (len != 0 && is_space(name[len - 1]))
        --len;
    if (*n == AWS_SIGV4_MAX_HEADERS || len == 0 || len >= sizeof(h->name))
        return -1;
    for (size_t i = 0; i != len; ++i)
        h[*n].name[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    h[*n].name[len] = '\0';
    h[*n].value = value != NULL ? value : "";
    h[*n].order = *n;
    ++*n;
    return 0;
}

/* Writes the canonical headers and the signed-headers list. */
static void
canonical_headers(buf_t *out, buf_t *list, signed_header_t *h, size_t n)
{
    qsort(h, n, sizeof(*h), compare_headers);
    for (size_t i = 0; i != n;) {
        buf_printf(out, "%s:", h[i].name);
        buf_printf(list, "%s%s", list->len != 0 ? ";" : "", h[i].name);
        size_t j = i;
        for (; j != n && strcmp(h[j].name, h[i].name) == 0; ++j) {
            if (j != i)
                buf_append_char(out, ',');
            append_trimmed(out, h[j].value);
        }
        buf_append_char(out, '\n');
        i = j;
    }
}

/* ---- signing ---- */

int
aws_sigv4_sign(const aws_sigv4_params_t *p, const aws_sigv4_request_t *req, aws_sigv4_signature_t *out)
{
    memset(out, 0, sizeof(*out));
    buf_init(&out->authorization, 0);
    buf_init(&out->canonical_request, 0);
    buf_init(&out->string_to_sign, 0);
    snprintf(out->date, sizeof(out->date), "%s", p->timestamp);
    if (sha256_hex(req->body != NULL ? req->body : "", req->body_len, out->content_sha256) != 0)
        return -1;

    signed_header_t *headers = malloc(AWS_SIGV4_MAX_HEADERS * sizeof(*headers));
    if (headers == NULL)
        return -1;
    size_t n = 0;
    int ret = 0;
    for (size_t i = 0; i != req->num_headers && ret == 0; ++i)
        ret = add_header(headers, &n, req->headers[i].name, req->headers[i].value);
    if (ret == 0)
        ret = add_header(headers, &n, "x-amz-date", out->date);
    if (ret == 0 && p->credentials->session_token != NULL)
        ret = add_header(headers, &n, "x-amz-security-token", p->credentials->session_token);
    if (ret == 0 && (p->flags & AWS_SIGV4_CONTENT_SHA256))
        ret = add_header(headers, &n, "x-amz-content-sha256", out->content_sha256);
    if (ret != 0) {
        free(headers);
        return -1;
    }

    buf_t *cr = &out->canonical_request, list = BUF_INIT(0);
    buf_printf(cr, "%s\n", req->method);
    canonical_path(cr, req->path, p->flags);
    buf_append_char(cr, '\n');
    canonical_query(cr, req->query);
    buf_append_char(cr, '\n');
    canonical_headers(cr, &list, headers, n);
    free(headers);
    buf_printf(cr, "\n%s\n%s", list.data != NULL ? list.data : "", out->content_sha256);

    char date[9], cr_hash[65];
    snprintf(date, sizeof(date), "%.8s", p->timestamp);
    buf_t scope = BUF_INIT(0);
    buf_printf(&scope, "%s/%s/%s/aws4_request", date, p->region, p->service);
    if (buf_failed(cr) || buf_failed(&list) || buf_failed(&scope) || sha256_hex(cr->data, cr->len, cr_hash) != 0) {
        ret = -1;
        goto Exit;
    }
    buf_printf(&out->string_to_sign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", p->timestamp, scope.data, cr_hash);

    /* the signing key: HMAC chain over the date, region, service and "aws4_request" */
    buf_t secret = BUF_INIT(0);
    buf_printf(&secret, "AWS4%s", p->credentials->secret_access_key);
    unsigned char k_date[32], k_region[32], k_service[32], k_signing[32], sig[32];
    ret = buf_failed(&secret) || buf_failed(&out->string_to_sign) || hmac(secret.data, secret.len, date, 8, k_date) != 0 ||
                  hmac(k_date, 32, p->region, strlen(p->region), k_region) != 0 ||
                  hmac(k_region, 32, p->service, strlen(p->service), k_service) != 0 ||
                  hmac(k_service, 32, "aws4_request", 12, k_signing) != 0 ||
                  hmac(k_signing, 32, out->string_to_sign.data, out->string_to_sign.len, sig) != 0
              ? -1
              : 0;
    if (secret.data != NULL)
        OPENSSL_cleanse(secret.data, secret.len);
    buf_dispose(&secret);
    OPENSSL_cleanse(k_date, sizeof(k_date));
    OPENSSL_cleanse(k_region, sizeof(k_region));
    OPENSSL_cleanse(k_service, sizeof(k_service));
    OPENSSL_cleanse(k_signing, sizeof(k_signing));
    if (ret != 0)
        goto Exit;
    hex(sig, 32, out->signature);
    buf_printf(&out->authorization, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
               p->credentials->access_key_id, scope.data, list.data, out->signature);
    ret = buf_failed(&out->authorization) ? -1 : 0;
Exit:
    buf_dispose(&list);
    buf_dispose(&scope);
    return ret;
}

void
aws_sigv4_signature_dispose(aws_sigv4_signature_t *sig)
{
    buf_dispose(&sig->authorization);
    if (sig->canonical_request.data != NULL)
        OPENSSL_cleanse(sig->canonical_request.data, sig->canonical_request.len); /* it holds the session token */
    buf_dispose(&sig->canonical_request);
    buf_dispose(&sig->string_to_sign);
}
