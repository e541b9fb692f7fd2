/*
 * fuzz_authorizer: a libFuzzer target over the token authorizer's event parsing and decision (authz_decide), with
 * the configuration the example events were made for (tests/authorizer/events/: two static tokens and an HS256 key),
 * plus an OAuth issuer whose key set holds an EC P-256 key made at start, so the seed corpus starts from Allow and the
 * fuzzer works outwards from there. Each input is used six ways:
 *   1. as the event itself;
 *   2. as the claims of a JWT that the harness signs with the configured HS256 key, inside a TOKEN event: a fuzzer
 *      cannot forge an HMAC, so without this the claim checks (exp, nbf, iss, aud, sub) would never be reached;
 *   3. as the claims of an OAuth access token the harness signs with the issuer's ES256 key (the same reason: the
 *      OAuth claim checks, audiences, scopes, typ-independent parts);
 *   4. as an Authorization value, straight into the RFC 6750 parser (no JSON escaping in the way);
 *   5. as a JWK Set document (authz_jwks_parse: RSA and EC keys into OpenSSL, what is skipped, what is refused);
 *   6. as MCP_OAUTH_ISSUERS (the issuer configuration parser).
 * Besides what AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer find, every result is checked against
 * the guarantees (authz.h, authz_bearer.h); a broken one aborts, which libFuzzer reports as a crash:
 *   - an Allow only with reason 0, for a configured principal, in the event format's own words, for a whole stage;
 *     a signed JWT only when its claims name our issuer, audience and a subject equal to the principal, and an OAuth
 *     token only with the required scope;
 *   - a refusal answers nothing but {"isAuthorized":false} (HTTP API simple responses), or a Deny policy for a valid
 *     token short of a scope, and otherwise fails the invocation with nothing written;
 *   - a parsed key set holds at most AUTHZ_MAX_KEYS keys, each an OpenSSL key of its type;
 *   - whatever is answered is valid JSON;
 *   - a token the Bearer parser returns lies inside the value, within the length limit, in the b64token alphabet.
 * Build and run: tests/fuzz/run.sh SECONDS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "arena.h"
#include "authz.h"
#include "authz_bearer.h"
#include "authz_jwk.h"
#include "base64.h"
#include "json.h"
#include "jsonw.h"

/* The example events' test credentials (tests/authorizer/authorizer.test.mjs uses the same ones). */
#define TOKEN_CI "mcp-test-ci-4f9c2b7e1d8a6053"
#define TOKEN_LAPTOP "mcp-test-laptop-9a1e7c3d5b"
#define JWT_KEY "mcp-authorizer-test-key-not-a-secret-0123456789"
#define JWT_SUB "user-42" /* the subject of the JWT seed, the only one the fuzzer can hold a signature for */
#define NOW 1763700000    /* the JWT seed expires in 2100 */
#define ISSUER "https://issuer.example"
#define AUDIENCE "mcp-server"
#define METHOD_ARN "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/prod/POST/mcp"
#define MAX_CLAIMS_BYTES 1024 /* real claim sets are a few hundred bytes; longer inputs only slow the fuzzer down */
#define OAUTH_ISSUER "https://oauth.example"
#define OAUTH_RESOURCE "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/prod/mcp"
#define OAUTH_SCOPE "mcp:tools"
#define OAUTH_KID "fuzz-es256"

static authz_config_t config;
static authz_keyring_t keyring;
static EVP_PKEY *oauth_key; /* the issuer's private key: the harness signs what the fuzzer writes */

static void
require(int ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_authorizer: guarantee broken: %s\n", what);
    abort();
}

static void
append_entry(buf_t *out, const char *label, const char *token)
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, strlen(token), d);
    buf_printf(out, "%s%s:", out->len != 0 ? "," : "", label);
    for (size_t i = 0; i != sizeof(d); ++i)
        buf_printf(out, "%02x", d[i]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    buf_t tokens = BUF_INIT(0), key = BUF_INIT(0);
    append_entry(&tokens, "ci", TOKEN_CI);
    append_entry(&tokens, "laptop", TOKEN_LAPTOP);
    base64_encode(&key, JWT_KEY, strlen(JWT_KEY));
    authz_settings_t s = {tokens.data, key.data, ISSUER, AUDIENCE};
    s.oauth_issuers = "[{\"issuer\":\"" OAUTH_ISSUER "\",\"scopes\":[\"" OAUTH_SCOPE "\"]}]";
    s.oauth_resource = OAUTH_RESOURCE;
    char err[512];
    if (authz_config_parse(&config, &s, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_authorizer: configuration: %s\n", err);
        abort();
    }
    /* the issuer's key set: the public half of a P-256 key made now, as a JWK */
    oauth_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    unsigned char point[65];
    size_t point_len = 0;
    if (oauth_key == NULL ||
        EVP_PKEY_get_octet_string_param(oauth_key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &point_len) != 1 ||
        point_len != 65)
        abort();
    buf_t jwks = BUF_INIT(0);
    buf_append_str(&jwks, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" OAUTH_KID "\",\"x\":\"");
    base64url_encode(&jwks, point + 1, 32);
    buf_append_str(&jwks, "\",\"y\":\"");
    base64url_encode(&jwks, point + 33, 32);
    buf_append_str(&jwks, "\"}]}");
    if (authz_jwks_parse(&keyring.sets[0], jwks.data, jwks.len, NULL, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_authorizer: key set: %s\n", err);
        abort();
    }
    keyring.sets[0].fetched_at = NOW;
    buf_dispose(&jwks);
    buf_dispose(&tokens);
    buf_dispose(&key);
    authz_warm_up();
    return 0;
}

static int
string_is(const json_value_t *v, const char *s)
{
    return v != NULL && v->type == JSON_STRING && strcmp(v->u.str.ptr, s) == 0;
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* An Allow: the principal is one we configured, and the answer is the format's, for a whole stage. */
static void
check_allow(const authz_result_t *r, const json_value_t *answer)
{
    require(r->respond == 1, "an Allow is answered");
    require((r->method == AUTHZ_METHOD_TOKEN && (strcmp(r->principal, "ci") == 0 || strcmp(r->principal, "laptop") == 0)) ||
                (r->method == AUTHZ_METHOD_JWT && r->principal[0] != '\0'),
            "an Allow is for a configured principal");
    require(answer != NULL && answer->type == JSON_OBJECT, "an Allow is a JSON object");
    require(string_is(json_get(json_get(answer, "context"), "principal"), r->principal), "the context names the principal");
    if (r->format == AUTHZ_FORMAT_HTTP_SIMPLE) {
        require(json_get(answer, "isAuthorized") != NULL && json_get(answer, "isAuthorized")->type == JSON_TRUE,
                "a simple Allow says isAuthorized true");
        require(json_get(answer, "policyDocument") == NULL, "a simple response has no policy");
        return;
    }
    require(r->format == AUTHZ_FORMAT_TOKEN || r->format == AUTHZ_FORMAT_REQUEST, "a policy answers a REST format");
    require(string_is(json_get(answer, "principalId"), r->principal), "principalId is the principal");
    const json_value_t *statements = json_get(json_get(answer, "policyDocument"), "Statement");
    require(statements != NULL && statements->type == JSON_ARRAY && statements->u.arr.len == 1, "one statement");
    const json_value_t *s = statements->u.arr.items[0];
    const char *resource = json_string(json_get(s, "Resource"));
    require(string_is(json_get(s, "Effect"), "Allow") && string_is(json_get(s, "Action"), "execute-api:Invoke"), "Allow Invoke");
    require(resource != NULL && strncmp(resource, "arn:aws", 7) == 0 && ends_with(resource, "/*/*") &&
                strchr(resource, '*') == resource + strlen(resource) - 3,
            "the Resource is one stage, wildcarded only after it");
}

/*
 * A refusal with a policy: only for a valid token short of a scope, a Deny and nothing that allows, read from the
 * answer's structure (the subject, which the client chose, is the principalId and may say anything, "Allow" too).
 */
static void
check_scope_deny(int ret, const json_value_t *answer)
{
    require(ret == AUTHZ_ERR_JWT_SCOPE, "a refusal with a policy is only for a missing scope");
    require(answer != NULL && answer->type == JSON_OBJECT, "a Deny is a JSON object");
    require(json_get(answer, "isAuthorized") == NULL, "a Deny has no isAuthorized");
    const json_value_t *statements = json_get(json_get(answer, "policyDocument"), "Statement");
    require(statements != NULL && statements->type == JSON_ARRAY && statements->u.arr.len == 1, "one statement");
    require(string_is(json_get(statements->u.arr.items[0], "Effect"), "Deny"), "no Allow in a refusal");
    require(string_is(json_get(json_get(answer, "context"), "error"), "insufficient_scope"), "the context says insufficient_scope");
}

/* Runs the decision on event[0..len) and checks the guarantees; returns the result for more specific checks. */
static authz_result_t
decide_and_check(const char *event, size_t len)
{
    buf_t out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    authz_result_t r;
    int ret = authz_decide(&config, &keyring, event, len, NOW, &out, &r);
    require(ret == r.reason, "the return value is the reason");
    require(strcmp(authz_strreason(ret), "unknown reason") != 0, "every reason is a known one");

    json_value_t *answer = NULL;
    arena_t arena;
    arena_init(&arena, 0);
    if (r.respond)
        require(json_parse(&arena, out.data, out.len, 16, &answer) == 0, "what is answered is JSON");
    if (ret == AUTHZ_ALLOW) {
        check_allow(&r, answer);
    } else {
        require(r.principal[0] == '\0', "a refusal has no principal");
        if (r.respond && r.format == AUTHZ_FORMAT_HTTP_SIMPLE)
            require(strcmp(out.data, "{\"isAuthorized\":false}") == 0, "a simple refusal answers only {\"isAuthorized\":false}");
        else if (r.respond)
            check_scope_deny(ret, answer);
        else
            require(out.len == 0, "a failed invocation writes nothing");
    }
    arena_dispose(&arena);
    buf_dispose(&out);
    return r;
}

/*
 * An independent, coarse oracle for a signed token the decision accepted (allowed, or refused only for a scope): its
 * claims are a JSON object naming issuer, with audience among "aud", and an exp in the future give or take the skew.
 */
static const json_value_t *
accepted_claims(arena_t *arena, const uint8_t *data, size_t size, const char *issuer, const char *audience)
{
    json_value_t *claims;
    require(json_parse(arena, (const char *)data, size, 64, &claims) == 0 && claims->type == JSON_OBJECT,
            "an accepted JWT has a JSON object as claims");
    require(string_is(json_get(claims, "iss"), issuer), "the issuer is ours");
    const json_value_t *aud = json_get(claims, "aud"), *exp = json_get(claims, "exp");
    int aud_ok = string_is(aud, audience);
    for (size_t i = 0; aud != NULL && aud->type == JSON_ARRAY && i != aud->u.arr.len; ++i)
        aud_ok |= string_is(aud->u.arr.items[i], audience);
    require(aud_ok, "the audience is ours");
    double e;
    require(json_double(exp, &e) == 0 && e > NOW - 60, "exp is in the future, give or take the skew");
    return claims;
}

/* The decision on a TOKEN event carrying the Authorization value, checked. */
static authz_result_t
decide_token(const char *value)
{
    buf_t event = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &event);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "TOKEN");
    jsonw_kv_string(&w, "authorizationToken", value);
    jsonw_kv_string(&w, "methodArn", METHOD_ARN);
    jsonw_object_end(&w);
    authz_result_t r = decide_and_check(event.data, event.len);
    buf_dispose(&event);
    return r;
}

/* The input as the claims of a JWT signed with the configured key. */
static void
fuzz_signed_claims(const uint8_t *data, size_t size)
{
    if (size > MAX_CLAIMS_BYTES)
        return;
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    buf_t value = BUF_INIT(0);
    buf_append_str(&value, "Bearer ");
    size_t signed_from = value.len;
    base64url_encode(&value, header, sizeof(header) - 1);
    buf_append_char(&value, '.');
    base64url_encode(&value, data, size);
    HMAC(EVP_sha256(), JWT_KEY, (int)strlen(JWT_KEY), (const unsigned char *)value.data + signed_from, value.len - signed_from, mac,
         &mac_len);
    buf_append_char(&value, '.');
    base64url_encode(&value, mac, mac_len);

    authz_result_t r = decide_token(value.data);

    if (r.reason == AUTHZ_ALLOW) {
        /* an independent, coarse oracle: the claims must at least say what an Allow requires */
        arena_t arena;
        arena_init(&arena, 0);
        const json_value_t *claims = accepted_claims(&arena, data, size, ISSUER, AUDIENCE);
        require(r.method == AUTHZ_METHOD_JWT, "a signed JWT is allowed as a JWT");
        require(string_is(json_get(claims, "sub"), r.principal), "the principal is the sub");
        arena_dispose(&arena);
    }
    buf_dispose(&value);
}

/* The input as the claims of an OAuth access token signed with the issuer's key. */
static void
fuzz_oauth_claims(const uint8_t *data, size_t size)
{
    if (size > MAX_CLAIMS_BYTES)
        return;
    static const char header[] = "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"" OAUTH_KID "\"}";
    buf_t value = BUF_INIT(0);
    buf_append_str(&value, "Bearer ");
    size_t signed_from = value.len;
    base64url_encode(&value, header, sizeof(header) - 1);
    buf_append_char(&value, '.');
    base64url_encode(&value, data, size);
    unsigned char der[80], raw[64];
    size_t der_len = sizeof(der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, oauth_key) != 1 ||
        EVP_DigestSign(md, der, &der_len, (const unsigned char *)value.data + signed_from, value.len - signed_from) != 1)
        abort();
    EVP_MD_CTX_free(md);
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (sig == NULL || BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32) != 32 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32) != 32)
        abort();
    ECDSA_SIG_free(sig);
    buf_append_char(&value, '.');
    base64url_encode(&value, raw, sizeof(raw));

    authz_result_t r = decide_token(value.data);
    if (r.reason == AUTHZ_ALLOW || r.reason == AUTHZ_ERR_JWT_SCOPE) {
        arena_t arena;
        arena_init(&arena, 0);
        const json_value_t *claims = accepted_claims(&arena, data, size, OAUTH_ISSUER, OAUTH_RESOURCE);
        require(r.issuer == 0, "the OAuth issuer's rules applied");
        if (r.reason == AUTHZ_ALLOW) {
            require(string_is(json_get(claims, "sub"), r.principal), "the principal is the sub");
            const char *scope = json_string(json_get(claims, "scope"));
            const json_value_t *scp = json_get(claims, "scp");
            require((scope != NULL && strstr(scope, OAUTH_SCOPE) != NULL) || scp != NULL, "the required scope was granted");
        }
        arena_dispose(&arena);
    }
    buf_dispose(&value);
}

/* The input as a JWK Set. */
static void
fuzz_jwks(const uint8_t *data, size_t size)
{
    authz_jwks_t set;
    memset(&set, 0, sizeof(set));
    size_t skipped = 0;
    char err[512];
    if (authz_jwks_parse(&set, (const char *)data, size, &skipped, err, sizeof(err)) == 0) {
        require(set.num_keys >= 1 && set.num_keys <= AUTHZ_MAX_KEYS, "a parsed key set holds 1 to AUTHZ_MAX_KEYS keys");
        for (size_t i = 0; i != set.num_keys; ++i)
            require(set.keys[i].pkey != NULL && EVP_PKEY_is_a(set.keys[i].pkey, set.keys[i].kty == AUTHZ_KTY_RSA ? "RSA" : "EC"),
                    "each key is an OpenSSL key of its type");
    } else {
        require(set.num_keys == 0 && err[0] != '\0', "a refused key set is empty and says why");
    }
    authz_jwks_dispose(&set);
}

/* The input as MCP_OAUTH_ISSUERS. */
static void
fuzz_issuers(const uint8_t *data, size_t size)
{
    if (size > 4096 || memchr(data, '\0', size) != NULL)
        return;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    static authz_config_t c;
    authz_settings_t s = {.oauth_issuers = text, .oauth_resource = OAUTH_RESOURCE};
    char err[512];
    if (authz_config_parse(&c, &s, err, sizeof(err)) == 0) {
        require(c.oauth.num_issuers >= 1 && c.oauth.num_issuers <= AUTHZ_OAUTH_MAX_ISSUERS, "1 to 8 issuers");
        for (size_t i = 0; i != c.oauth.num_issuers; ++i)
            require(strncmp(c.oauth.issuers[i].issuer, "https://", 8) == 0 && c.oauth.issuers[i].num_audiences >= 1 &&
                        c.oauth.issuers[i].algorithms != 0,
                    "an accepted issuer has an https URL, an audience and algorithms");
        authz_config_dispose(&c);
    } else {
        require(err[0] != '\0', "a refused configuration says why");
    }
    free(text);
}

/* The input as an Authorization value. */
static void
fuzz_bearer(const uint8_t *data, size_t size)
{
    const char *value = (const char *)data, *token;
    size_t len;
    if (authz_bearer_token(value, size, &token, &len) != 0)
        return;
    require(token >= value && token + len <= value + size && len != 0 && len <= AUTHZ_MAX_TOKEN_BYTES, "the token is in range");
    size_t i = 0;
    while (i != len && token[i] != '=') {
        unsigned char c = (unsigned char)token[i++];
        require((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~+/", c) != NULL,
                "b64token characters");
    }
    require(i != 0, "at least one character before any padding");
    while (i != len)
        require(token[i++] == '=', "only padding after the first '='");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decide_and_check((const char *)data, size);
    fuzz_signed_claims(data, size);
    fuzz_oauth_claims(data, size);
    fuzz_bearer(data, size);
    fuzz_jwks(data, size);
    fuzz_issuers(data, size);
    return 0;
}
