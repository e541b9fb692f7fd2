/* state_token.c: session ids and state handles (see state_token.h). */
#include "state_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <sys/random.h>

#include "base64.h"
#include "request_state.h"

#define FORMAT_V1 1
#define RANDOM_LEN 16
#define SIGNED_LEN (2 + RANDOM_LEN + 8 + 4 + 4)
#define MAC_LEN 16
#define RAW_LEN (SIGNED_LEN + MAC_LEN)

_Static_assert((RAW_LEN * 4 + 2) / 3 == STATE_TOKEN_LEN, "the token's length in base64url");

/* The first of the fields that name the caller, in order of preference. */
static const json_value_t *
principal_of(const json_value_t *identity, const char **which)
{
    static const char *const names[] = {"principalId", "principal", "userArn"};
    for (size_t i = 0; i != sizeof(names) / sizeof(names[0]); ++i) {
        const json_value_t *v = json_get(identity, names[i]);
        if (v != NULL && v->type == JSON_STRING) {
            *which = names[i];
            return v;
        }
    }
    return NULL;
}

void
state_token_owner(const json_value_t *identity, unsigned char out[32])
{
    if (identity == NULL || identity->type != JSON_OBJECT) {
        request_state_binding("state-owner", "anonymous", NULL, NULL, out);
        return;
    }
    /*
     * An OAuth subject is unique within its issuer only; principalId, principal and userArn are the front
     * doors' names of the caller. Claims that change from one token to the next (scopes, expiry) do not
     * count: a session outlives the access token it began with.
     */
    const char *iss = json_string(json_get(identity, "iss")), *sub = json_string(json_get(identity, "sub")), *which = NULL;
    const json_value_t *principal = principal_of(identity, &which);
    if (iss != NULL && sub != NULL) {
        json_value_t claims = {.type = JSON_OBJECT};
        json_member_t members[2] = {{"iss", 3, (json_value_t *)json_get(identity, "iss")},
                                    {"sub", 3, (json_value_t *)json_get(identity, "sub")}};
        claims.u.obj.items = members;
        claims.u.obj.len = 2;
        request_state_binding("state-owner", "oauth", NULL, &claims, out);
    } else if (principal != NULL) {
        request_state_binding("state-owner", which, NULL, principal, out);
    } else {
        request_state_binding("state-owner", "identity", NULL, identity, out);
    }
}

static int
mac(const unsigned char *key, size_t key_len, const unsigned char *data, const unsigned char owner[32], unsigned char out[MAC_LEN])
{
    unsigned char input[SIGNED_LEN + 32], full[EVP_MAX_MD_SIZE];
    unsigned full_len = 0;
    memcpy(input, data, SIGNED_LEN);
    memcpy(input + SIGNED_LEN, owner, 32);
    if (HMAC(EVP_sha256(), key, (int)key_len, input, sizeof(input), full, &full_len) == NULL || full_len < MAC_LEN)
        return -1;
    memcpy(out, full, MAC_LEN);
    OPENSSL_cleanse(full, sizeof(full));
    return 0;
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i != n; ++i)
        p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

static uint64_t
get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i != n; ++i)
        v = v << 8 | p[i];
    return v;
}

/* Fills out's fields from a verified raw token. */
static void
fill(const unsigned char *raw, state_token_t *out)
{
    static const char digits[] = "0123456789abcdef";
    out->kind = (char)raw[1];
    out->row[0] = out->kind;
    out->row[1] = ':';
    for (int i = 0; i != RANDOM_LEN; ++i) {
        out->row[2 + 2 * i] = digits[raw[2 + i] >> 4];
        out->row[3 + 2 * i] = digits[raw[2 + i] & 15];
    }
    out->row[STATE_TOKEN_ROW_LEN] = '\0';
    out->created_s = (int64_t)get_be(raw + 2 + RANDOM_LEN, 8);
    out->idle_s = (uint32_t)get_be(raw + 2 + RANDOM_LEN + 8, 4);
    out->max_s = (uint32_t)get_be(raw + 2 + RANDOM_LEN + 12, 4);
}

int
state_token_mint(const unsigned char *key, size_t key_len, char kind, const unsigned char owner[32], int64_t created_s,
                 uint32_t idle_s, uint32_t max_s, state_token_t *out)
{
    unsigned char raw[RAW_LEN];
    raw[0] = FORMAT_V1;
    raw[1] = (unsigned char)kind;
    if (getrandom(raw + 2, RANDOM_LEN, 0) != RANDOM_LEN)
        return -1;
    put_be(raw + 2 + RANDOM_LEN, (uint64_t)created_s, 8);
    put_be(raw + 2 + RANDOM_LEN + 8, idle_s, 4);
    put_be(raw + 2 + RANDOM_LEN + 12, max_s, 4);
    if (mac(key, key_len, raw, owner, raw + SIGNED_LEN) != 0)
        return -1;
    buf_t text = BUF_INIT(0);
    base64url_encode(&text, raw, sizeof(raw));
    int ret = !buf_failed(&text) && text.len == STATE_TOKEN_LEN ? 0 : -1;
    if (ret == 0) {
        fill(raw, out);
        memcpy(out->text, text.data, STATE_TOKEN_LEN + 1);
    }
    buf_dispose(&text);
    return ret;
}

int
state_token_open(const unsigned char *key, size_t key_len, char kind, const unsigned char owner[32], const char *text, size_t len,
                 state_token_t *out)
{
    if (len != STATE_TOKEN_LEN)
        return -1;
    buf_t raw = BUF_INIT(RAW_LEN + 3); /* the decoder may reserve a whole group beyond the end */
    unsigned char expected[MAC_LEN];
    int ret = -1;
    if (base64_decode(&raw, text, len, 1) != 0 || raw.len != RAW_LEN)
        goto exit;
    const unsigned char *bytes = (const unsigned char *)raw.data;
    /* the MAC first, in constant time: nothing else about a forged token is looked at */
    if (mac(key, key_len, bytes, owner, expected) != 0 || CRYPTO_memcmp(expected, bytes + SIGNED_LEN, MAC_LEN) != 0)
        goto exit;
    if (bytes[0] != FORMAT_V1 || bytes[1] != (unsigned char)kind)
        goto exit;
    fill(bytes, out);
    memcpy(out->text, text, STATE_TOKEN_LEN);
    out->text[STATE_TOKEN_LEN] = '\0';
    ret = 0;
exit:
    buf_dispose(&raw);
    return ret;
}
