/*
 * request_state.c: the requestState of a 2026-07-28 InputRequiredResult. The client holds it between
 * rounds and echoes it back, so it is attacker-controlled input: it is sealed with HMAC-SHA256 under a
 * server key, expires, and is bound to the request it belongs to (method, tool or prompt name or uri,
 * arguments) and to the caller's identity, so a state cannot be altered, kept for later, or moved to
 * another request or another principal. The binding is not stored in the state; it is recomputed from
 * the retry and enters the MAC, so a state presented with anything else simply fails to verify.
 *
 * Layout before base64url: format (1 byte) | expiry, ms since the epoch (8 bytes, big-endian) | payload
 * (the answers so far, JSON) | HMAC-SHA256(key, format | expiry | payload | binding) (32 bytes).
 * The payload is readable by the client, which wrote every answer in it anyway.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "request_state.h"
#include "jsonw.h"

#define FORMAT_V1 1
#define HEADER_LEN 9
#define MAC_LEN 32

/* ---- binding ---- */

static int
compare_members(const void *a, const void *b)
{
    const json_member_t *x = *(const json_member_t *const *)a, *y = *(const json_member_t *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Writes v with every object's members sorted by key; depth is bounded by the parser's limit. */
static void
write_canonical(jsonw_t *w, const json_value_t *v)
{
    if (v->type == JSON_ARRAY) {
        jsonw_array_begin(w);
        for (size_t i = 0; i != v->u.arr.len; ++i)
            write_canonical(w, v->u.arr.items[i]);
        jsonw_array_end(w);
        return;
    }
    if (v->type != JSON_OBJECT) {
        jsonw_value(w, v);
        return;
    }
    const json_member_t **sorted = v->u.obj.len != 0 ? malloc(v->u.obj.len * sizeof(*sorted)) : NULL;
    if (v->u.obj.len != 0 && sorted == NULL) {
        w->failed = 1;
        return;
    }
    for (size_t i = 0; i != v->u.obj.len; ++i)
        sorted[i] = &v->u.obj.items[i];
    if (sorted != NULL)
        qsort(sorted, v->u.obj.len, sizeof(*sorted), compare_members);
    jsonw_object_begin(w);
    for (size_t i = 0; i != v->u.obj.len; ++i) {
        jsonw_keyn(w, sorted[i]->key, sorted[i]->key_len);
        write_canonical(w, sorted[i]->value);
    }
    jsonw_object_end(w);
    free(sorted);
}

static void
digest_part(EVP_MD_CTX *md, const char *tag, const json_value_t *v, const char *text)
{
    buf_t b = BUF_INIT(0);
    if (v != NULL) {
        jsonw_t w;
        jsonw_init(&w, &b);
        write_canonical(&w, v);
    } else if (text != NULL) {
        buf_append_str(&b, text);
    }
    /* each part as tag, length, bytes: no two different requests produce the same input */
    unsigned char len[8];
    for (int i = 0; i != 8; ++i)
        len[i] = (unsigned char)((uint64_t)b.len >> (56 - 8 * i));
    EVP_DigestUpdate(md, tag, strlen(tag) + 1);
    EVP_DigestUpdate(md, len, sizeof(len));
    EVP_DigestUpdate(md, b.data != NULL && !buf_failed(&b) ? b.data : "", buf_failed(&b) ? 0 : b.len);
    buf_dispose(&b);
}

void
request_state_binding(const char *method, const char *name, const json_value_t *arguments, const json_value_t *identity,
                      unsigned char out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len = 0;
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        /* no binding can be computed: make it one no state will ever match */
        memset(out, 0xff, 32);
        EVP_MD_CTX_free(md);
        return;
    }
    digest_part(md, "method", NULL, method);
    digest_part(md, "name", NULL, name);
    digest_part(md, "arguments", arguments, NULL);
    digest_part(md, "identity", identity, NULL);
    EVP_DigestFinal_ex(md, out, &len);
    EVP_MD_CTX_free(md);
}

/* ---- sealing ---- */

static int
mac(const unsigned char *key, size_t key_len, const unsigned char *data, size_t len, const unsigned char binding[32],
    unsigned char out[MAC_LEN])
{
    unsigned char *input = malloc(len + 32);
    if (input == NULL)
        return -1;
    memcpy(input, data, len);
    memcpy(input + len, binding, 32);
    unsigned out_len = 0;
    int ok = HMAC(EVP_sha256(), key, (int)key_len, input, len + 32, out, &out_len) != NULL && out_len == MAC_LEN;
    free(input);
    return ok ? 0 : -1;
}

void
request_state_seal(const unsigned char *key, size_t key_len, const unsigned char binding[32], int64_t expires_ms,
                   const char *payload, size_t payload_len, buf_t *out)
{
    buf_t raw = BUF_INIT(0);
    unsigned char header[HEADER_LEN];
    header[0] = FORMAT_V1;
    for (int i = 0; i != 8; ++i)
        header[1 + i] = (unsigned char)((uint64_t)expires_ms >> (56 - 8 * i));
    buf_append(&raw, header, sizeof(header));
    buf_append(&raw, payload, payload_len);
    unsigned char tag[MAC_LEN];
    if (buf_failed(&raw) || mac(key, key_len, (const unsigned char *)raw.data, raw.len, binding, tag) != 0) {
        out->failed = 1;
    } else {
        buf_append(&raw, tag, sizeof(tag));
        base64url_encode(out, raw.data, raw.len);
    }
    buf_dispose(&raw);
}

int
request_state_open(const unsigned char *key, size_t key_len, const unsigned char binding[32], int64_t now_ms, const char *state,
                   size_t state_len, buf_t *out)
{
    buf_t raw = BUF_INIT(0);
    int ret = REQUEST_STATE_MALFORMED;
    if (base64_decode(&raw, state, state_len, 1) != 0 || raw.len < HEADER_LEN + MAC_LEN || (unsigned char)raw.data[0] != FORMAT_V1)
        goto exit;
    const unsigned char *bytes = (const unsigned char *)raw.data;
    size_t signed_len = raw.len - MAC_LEN;
    unsigned char expected[MAC_LEN];
    ret = REQUEST_STATE_FORGED;
    /* the MAC first, in constant time: nothing about a forged state is looked at */
    if (mac(key, key_len, bytes, signed_len, binding, expected) != 0 || CRYPTO_memcmp(expected, bytes + signed_len, MAC_LEN) != 0)
        goto exit;
    uint64_t expires = 0;
    for (int i = 0; i != 8; ++i)
        expires = expires << 8 | bytes[1 + i];
    ret = REQUEST_STATE_EXPIRED;
    if ((int64_t)expires <= now_ms)
        goto exit;
    buf_append(out, bytes + HEADER_LEN, signed_len - HEADER_LEN);
    ret = 0;
exit:
    buf_dispose(&raw);
    return ret;
}
