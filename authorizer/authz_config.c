/*
 * The authorizer's configuration: static tokens as labelled SHA-256 digests, optionally an HS256 JWT key, and
 * optionally OAuth issuers whose JWT access tokens are verified with their published keys (authz_issuers.c).
 * Every mistake is an initialisation error with a message that names the variable, the entry's position and, when
 * it is valid, its label; never a digest, a key or the raw text of an entry.
 */
#include "authz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authz_issuers.h"
#include "base64.h"
#include "error.h"
#include "hex.h"

#define TOKENS_VAR "MCP_AUTH_TOKENS"
#define JWT_KEY_VAR "MCP_JWT_HS256_KEY"
#define JWT_ISSUER_VAR "MCP_JWT_ISSUER"
#define JWT_AUDIENCE_VAR "MCP_JWT_AUDIENCE"
#define USAGE_PREFIX_VAR "MCP_USAGE_KEY_PREFIX"

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
valid_label(const char *s, size_t len)
{
    if (len == 0 || len > AUTHZ_MAX_LABEL)
        return 0;
    for (size_t i = 0; i != len; ++i) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Decodes 64 hex digits (either case) into 32 bytes; -1 on any other byte. */
static int
parse_digest(const char *s, unsigned char *digest)
{
    for (size_t i = 0; i != 32; ++i) {
        int hi = hex_digit((unsigned char)s[2 * i]), lo = hex_digit((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        digest[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

/* One "label:sha256hex" entry (already trimmed), the index-th (from 1), into c->tokens[c->num_tokens]. */
static int
parse_entry(authz_config_t *c, const char *entry, size_t len, size_t index, char *err, size_t err_len)
{
    if (len == 0)
        return error_format(err, err_len, TOKENS_VAR ": entry %zu is empty (expected label:sha256hex)", index);
    const char *colon = memchr(entry, ':', len);
    if (colon == NULL)
        return error_format(err, err_len, TOKENS_VAR ": entry %zu is not label:sha256hex (no ':')", index);
    size_t label_len = (size_t)(colon - entry), digest_len = len - label_len - 1;
    if (!valid_label(entry, label_len))
        return error_format(err, err_len, TOKENS_VAR ": entry %zu: the label must be 1 to %d characters of A-Z a-z 0-9 . _ -",
                            index, AUTHZ_MAX_LABEL);
    authz_token_t *t = &c->tokens[c->num_tokens];
    memcpy(t->label, entry, label_len);
    t->label[label_len] = '\0';
    if (digest_len != 64)
        return error_format(err, err_len,
                            TOKENS_VAR
                            ": entry %zu (label \"%s\"): the digest must be 64 hexadecimal characters (a SHA-256 in hex), "
                            "not %zu",
                            index, t->label, digest_len);
    if (parse_digest(colon + 1, t->digest) != 0)
        return error_format(err, err_len, TOKENS_VAR ": entry %zu (label \"%s\"): the digest is not hexadecimal", index, t->label);
    for (size_t i = 0; i != c->num_tokens; ++i) {
        if (strcmp(c->tokens[i].label, t->label) == 0)
            return error_format(err, err_len, TOKENS_VAR ": entries %zu and %zu have the same label \"%s\"", i + 1, index,
                                t->label);
        /* one token with two labels would make the principal depend on the order of the list */
        if (memcmp(c->tokens[i].digest, t->digest, sizeof(t->digest)) == 0)
            return error_format(err, err_len, TOKENS_VAR ": entries %zu (\"%s\") and %zu (\"%s\") have the same digest", i + 1,
                                c->tokens[i].label, index, t->label);
    }
    ++c->num_tokens;
    return 0;
}

static int
parse_tokens(authz_config_t *c, const char *value, char *err, size_t err_len)
{
    if (value == NULL)
        return 0;
    const char *p = value;
    while (is_space(*p))
        ++p;
    if (*p == '\0')
        return error_format(err, err_len, TOKENS_VAR " is set but empty (expected label:sha256hex[,label:sha256hex...])");
    for (size_t index = 1;; ++index) {
        const char *comma = strchr(p, ','), *end = comma != NULL ? comma : p + strlen(p);
        const char *b = p, *e = end;
        while (b != e && is_space(*b))
            ++b;
        while (e != b && is_space(e[-1]))
            --e;
        if (c->num_tokens == AUTHZ_MAX_TOKENS)
            return error_format(err, err_len, TOKENS_VAR ": more than %d entries", AUTHZ_MAX_TOKENS);
        if (parse_entry(c, b, (size_t)(e - b), index, err, err_len) != 0)
            return -1;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int
copy_claim(char *dst, const char *value, const char *name, char *err, size_t err_len)
{
    size_t len = strlen(value);
    if (len == 0 || len > AUTHZ_JWT_MAX_CLAIM)
        return error_format(err, err_len, "%s must be 1 to %d bytes", name, AUTHZ_JWT_MAX_CLAIM);
    memcpy(dst, value, len + 1);
    return 0;
}

static int
parse_jwt(authz_jwt_config_t *jwt, const authz_settings_t *s, char *err, size_t err_len)
{
    if (s->jwt_key == NULL) {
        if (s->jwt_issuer != NULL || s->jwt_audience != NULL)
            return error_format(err, err_len, "%s is set but " JWT_KEY_VAR " is not",
                                s->jwt_issuer != NULL ? JWT_ISSUER_VAR : JWT_AUDIENCE_VAR);
        return 0;
    }
    /* An HMAC key shared with other services needs both checks, or a token minted for one is good for all. */
    if (s->jwt_issuer == NULL || s->jwt_audience == NULL)
        return error_format(err, err_len, JWT_ISSUER_VAR " and " JWT_AUDIENCE_VAR " are required when " JWT_KEY_VAR " is set");
    int ret = -1;
    buf_t key = BUF_INIT(AUTHZ_JWT_MAX_KEY + 4); /* the decoder reserves up to 3 bytes more than it writes */
    size_t len = strlen(s->jwt_key);
    /* the standard alphabet first; the two alphabets differ in characters, so at most one of them can succeed */
    if (base64_decode(&key, s->jwt_key, len, 0) != 0) {
        buf_reset(&key);
        if (base64_decode(&key, s->jwt_key, len, 1) != 0) {
            error_format(err, err_len, JWT_KEY_VAR " is not base64 (standard, padded) or base64url (unpadded), or is too long");
            goto exit;
        }
    }
    if (key.len > AUTHZ_JWT_MAX_KEY) {
        error_format(err, err_len, JWT_KEY_VAR " decodes to more than %d bytes", AUTHZ_JWT_MAX_KEY);
        goto exit;
    }
    if (key.len < AUTHZ_JWT_MIN_KEY) {
        error_format(err, err_len, JWT_KEY_VAR " decodes to %zu bytes; HS256 needs a key of at least %d (RFC 7518 3.2)", key.len,
                     AUTHZ_JWT_MIN_KEY);
        goto exit;
    }
    memcpy(jwt->key, key.data, key.len);
    jwt->key_len = key.len;
    if (copy_claim(jwt->issuer, s->jwt_issuer, JWT_ISSUER_VAR, err, err_len) != 0 ||
        copy_claim(jwt->audience, s->jwt_audience, JWT_AUDIENCE_VAR, err, err_len) != 0)
        goto exit;
    jwt->leeway = AUTHZ_JWT_LEEWAY;
    jwt->enabled = 1;
    ret = 0;
exit:
    if (key.data != NULL)
        OPENSSL_cleanse(key.data, key.capacity);
    buf_dispose(&key);
    return ret;
}

int
authz_config_parse(authz_config_t *c, const authz_settings_t *s, char *err, size_t err_len)
{
    memset(c, 0, sizeof(*c));
    if (parse_tokens(c, s->tokens, err, err_len) != 0 || parse_jwt(&c->jwt, s, err, err_len) != 0 ||
        authz_issuers_parse(c, s, err, err_len) != 0)
        goto error;
    if (s->usage_key_prefix != NULL) {
        size_t len = strlen(s->usage_key_prefix);
        if (len == 0 || len > AUTHZ_MAX_USAGE_PREFIX || !valid_label(s->usage_key_prefix, len)) {
            error_format(err, err_len, USAGE_PREFIX_VAR " must be 1 to %d characters of A-Z a-z 0-9 . _ -", AUTHZ_MAX_USAGE_PREFIX);
            goto error;
        }
        memcpy(c->usage_key_prefix, s->usage_key_prefix, len + 1);
    }
    if (c->num_tokens == 0 && !c->jwt.enabled && c->oauth.num_issuers == 0) {
        error_format(err, err_len,
                     "no credentials configured: set " TOKENS_VAR " (label:sha256hex[,...]), " JWT_KEY_VAR
                     " or " AUTHZ_OAUTH_ISSUERS_VAR);
        goto error;
    }
    return 0;
error:
    authz_config_dispose(c);
    return -1;
}

void
authz_settings_from_env(authz_settings_t *s)
{
    *s = (authz_settings_t){getenv(TOKENS_VAR),
                            getenv(JWT_KEY_VAR),
                            getenv(JWT_ISSUER_VAR),
                            getenv(JWT_AUDIENCE_VAR),
                            getenv(AUTHZ_OAUTH_ISSUERS_VAR),
                            getenv(AUTHZ_OAUTH_RESOURCE_VAR),
                            getenv(AUTHZ_OAUTH_CA_FILE_VAR),
                            getenv(AUTHZ_OAUTH_REFRESH_VAR),
                            getenv(AUTHZ_OAUTH_MAX_AGE_VAR),
                            getenv(AUTHZ_OAUTH_MIN_INTERVAL_VAR),
                            getenv(AUTHZ_OAUTH_FETCH_TIMEOUT_VAR),
                            getenv(USAGE_PREFIX_VAR)};
}

int
authz_config_from_env(authz_config_t *c, char *err, size_t err_len)
{
    authz_settings_t s;
    authz_settings_from_env(&s);
    return authz_config_parse(c, &s, err, err_len);
}

void
authz_config_dispose(authz_config_t *c)
{
    OPENSSL_cleanse(c, sizeof(*c));
}
