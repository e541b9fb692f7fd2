/*
 * Tests of HS256 JWT verification (authorizer/authz_jwt.c) through the decision: the signature, the pinned algorithm
 * (none and algorithm confusion refused), iss, aud, exp and nbf with their 60 s of skew at the boundaries, sub,
 * malformed segments, duplicate members, and a JWT never shadowing a static token.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "authz.h"
#include "base64.h"
#include "json.h"
#include "jsonw.h"
#include "test.h"

#define NOW 1763700000
#define FUTURE "1763703600"       /* NOW + 1 h */
#define EXPIRED_EDGE "1763699940" /* NOW - 60: refused, the skew is exclusive */
#define EXPIRED_SKEW "1763699941" /* NOW - 59: still accepted */
#define NBF_SKEW "1763700060"     /* NOW + 60: accepted */
#define NBF_EDGE "1763700061"     /* NOW + 61: refused */
#define ISSUER "https://issuer.example"
#define AUDIENCE "mcp-server"
#define KEY "an-hs256-key-of-at-least-32-bytes-for-tests"
#define OTHER_KEY "another-hs256-key-of-32-bytes-or-more-here"
#define METHOD_ARN "arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/POST/mcp"

#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define CLAIMS(...) "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"user-42\",\"exp\":" FUTURE __VA_ARGS__ "}"

static void
b64url(buf_t *out, const char *s)
{
    base64url_encode(out, s, strlen(s));
}

/* header.claims.signature, signed with key (HMAC-SHA256 whatever the header says, as an attacker would). */
static void
make_jwt(buf_t *out, const char *header, const char *claims, const char *key)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    buf_reset(out);
    b64url(out, header);
    buf_append_char(out, '.');
    b64url(out, claims);
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)out->data, out->len, mac, &mac_len);
    buf_append_char(out, '.');
    base64url_encode(out, mac, mac_len);
}

static void
configure(authz_config_t *c, int with_jwt, const char *static_tokens)
{
    buf_t key = BUF_INIT(0);
    base64_encode(&key, KEY, strlen(KEY));
    char err[512];
    authz_settings_t s = {static_tokens, with_jwt ? key.data : NULL, with_jwt ? ISSUER : NULL, with_jwt ? AUDIENCE : NULL};
    int ret = authz_config_parse(c, &s, err, sizeof(err));
    if (ret != 0)
        fprintf(stderr, "  configuration refused: %s\n", err);
    CHECK(ret == 0);
    buf_dispose(&key);
}

/* The decision on a TOKEN event carrying "Bearer <token>"; the response is left in out. */
static int
decide(const authz_config_t *c, const char *token, buf_t *out, authz_result_t *r)
{
    buf_t event = BUF_INIT(0), value = BUF_INIT(0);
    buf_printf(&value, "Bearer %s", token);
    jsonw_t w;
    jsonw_init(&w, &event);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "TOKEN");
    jsonw_kv_string(&w, "authorizationToken", value.data);
    jsonw_kv_string(&w, "methodArn", METHOD_ARN);
    jsonw_object_end(&w);
    int ret = authz_decide(c, NULL, event.data, event.len, NOW, out, r);
    CHECK(ret == AUTHZ_ALLOW ? r->respond && strstr(out->data, "\"Allow\"") != NULL : !r->respond && out->len == 0);
    buf_dispose(&event);
    buf_dispose(&value);
    return ret;
}

static void
test_table(void)
{
    static const struct {
        const char *header, *claims, *key;
        int reason;
    } cases[] = {
        {HS256, CLAIMS(), KEY, AUTHZ_ALLOW},
        {"{\"alg\":\"HS256\"}", CLAIMS(), KEY, AUTHZ_ALLOW},
        {"{\"typ\":\"at+jwt\",\"kid\":\"k1\",\"alg\":\"HS256\"}", CLAIMS(), KEY, AUTHZ_ALLOW},
        {HS256, CLAIMS(), OTHER_KEY, AUTHZ_ERR_JWT_SIGNATURE},
        /* the algorithm is pinned */
        {"{\"alg\":\"none\"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"alg\":\"HS512\"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"alg\":\"RS256\"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"alg\":\"ES256\"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"alg\":\"hs256\"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"alg\":\"HS256 \"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"alg\":[\"HS256\"]}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"alg\":null}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        {"{\"typ\":\"JWT\"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_ALG},
        /* headers we cannot honour or parse */
        {"{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", CLAIMS(), KEY, AUTHZ_ERR_JWT_MALFORMED},
        {"{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", CLAIMS(), KEY, AUTHZ_ERR_JWT_MALFORMED},
        {"{\"alg\":\"none\",\"alg\":\"HS256\"}", CLAIMS(), KEY, AUTHZ_ERR_JWT_MALFORMED},
        {"[\"HS256\"]", CLAIMS(), KEY, AUTHZ_ERR_JWT_MALFORMED},
        {"{\"alg\":\"HS256\"", CLAIMS(), KEY, AUTHZ_ERR_JWT_MALFORMED},
        {"", CLAIMS(), KEY, AUTHZ_ERR_JWT_MALFORMED},
        /* claims, which are only read once the signature holds */
        {HS256, "not json", KEY, AUTHZ_ERR_JWT_MALFORMED},
        {HS256, "[]", KEY, AUTHZ_ERR_JWT_MALFORMED},
        {HS256, CLAIMS(",\"exp\":" FUTURE), KEY, AUTHZ_ERR_JWT_MALFORMED}, /* exp twice */
        {HS256, CLAIMS(",\"sub\":\"admin\""), KEY, AUTHZ_ERR_JWT_MALFORMED},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\"}", KEY, AUTHZ_ERR_JWT_CLAIMS},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":\"" FUTURE "\"}", KEY,
         AUTHZ_ERR_JWT_CLAIMS},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":1e400}", KEY, AUTHZ_ERR_JWT_CLAIMS},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":" EXPIRED_EDGE "}", KEY,
         AUTHZ_ERR_JWT_EXPIRED},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":" EXPIRED_SKEW "}", KEY, AUTHZ_ALLOW},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":1000}", KEY, AUTHZ_ERR_JWT_EXPIRED},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":1763703600.5}", KEY, AUTHZ_ALLOW},
        {HS256, CLAIMS(",\"nbf\":" NBF_SKEW), KEY, AUTHZ_ALLOW},
        {HS256, CLAIMS(",\"nbf\":" NBF_EDGE), KEY, AUTHZ_ERR_JWT_NOT_YET_VALID},
        {HS256, CLAIMS(",\"nbf\":\"0\""), KEY, AUTHZ_ERR_JWT_CLAIMS},
        {HS256, CLAIMS(",\"nbf\":0,\"iat\":" FUTURE), KEY, AUTHZ_ALLOW},
        {HS256, "{\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_ISSUER},
        {HS256, "{\"iss\":\"https://issuer.example/\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":" FUTURE "}", KEY,
         AUTHZ_ERR_JWT_ISSUER},
        {HS256, "{\"iss\":\"HTTPS://ISSUER.EXAMPLE\",\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":" FUTURE "}", KEY,
         AUTHZ_ERR_JWT_ISSUER},
        {HS256, "{\"iss\":[\"" ISSUER "\"],\"aud\":\"" AUDIENCE "\",\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_ISSUER},
        {HS256, "{\"iss\":\"" ISSUER "\",\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_AUDIENCE},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"other\",\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_AUDIENCE},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"\",\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_AUDIENCE},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":[\"other\",\"" AUDIENCE "\"],\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ALLOW},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":[\"" AUDIENCE "\",\"other\"],\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ALLOW},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":[\"other\"],\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_AUDIENCE},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":[],\"sub\":\"u\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_AUDIENCE},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":[1,\"" AUDIENCE "\"],\"sub\":\"u\",\"exp\":" FUTURE "}", KEY,
         AUTHZ_ERR_JWT_CLAIMS},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":{\"" AUDIENCE "\":1},\"sub\":\"u\",\"exp\":" FUTURE "}", KEY,
         AUTHZ_ERR_JWT_CLAIMS},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_CLAIMS},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":42,\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_CLAIMS},
        {HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"\",\"exp\":" FUTURE "}", KEY, AUTHZ_ERR_JWT_CLAIMS},
    };
    authz_config_t c;
    configure(&c, 1, NULL);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        authz_result_t r;
        make_jwt(&jwt, cases[i].header, cases[i].claims, cases[i].key);
        int reason = decide(&c, jwt.data, &out, &r);
        if (reason != cases[i].reason)
            fprintf(stderr, "  case %zu %s %s: got %s, expected %s\n", i, cases[i].header, cases[i].claims, authz_strreason(reason),
                    authz_strreason(cases[i].reason));
        CHECK(reason == cases[i].reason);
        if (reason == AUTHZ_ALLOW)
            CHECK(r.method == AUTHZ_METHOD_JWT);
    }
    buf_dispose(&jwt);
    buf_dispose(&out);
    authz_config_dispose(&c);
}

/* sub is the principal, up to 128 bytes. */
static void
test_subject_length(void)
{
    authz_config_t c;
    configure(&c, 1, NULL);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES), claims = BUF_INIT(0);
    for (size_t len = AUTHZ_MAX_PRINCIPAL; len <= AUTHZ_MAX_PRINCIPAL + 1; ++len) {
        buf_reset(&claims);
        buf_printf(&claims, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"exp\":" FUTURE ",\"sub\":\"%0*d\"}", (int)len, 7);
        make_jwt(&jwt, HS256, claims.data, KEY);
        authz_result_t r;
        int reason = decide(&c, jwt.data, &out, &r);
        CHECK(reason == (len == AUTHZ_MAX_PRINCIPAL ? AUTHZ_ALLOW : AUTHZ_ERR_JWT_CLAIMS));
        if (reason == AUTHZ_ALLOW)
            CHECK(strlen(r.principal) == len && r.principal[len - 1] == '7');
    }
    buf_dispose(&jwt);
    buf_dispose(&out);
    buf_dispose(&claims);
    authz_config_dispose(&c);
}

/* Tokens whose segments are wrong after signing: tampering, padding, lengths, the wrong alphabet, missing parts. */
static void
test_segments(void)
{
    authz_config_t c;
    configure(&c, 1, NULL);
    buf_t good = BUF_INIT(0), jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES), other = BUF_INIT(0);
    authz_result_t r;
    make_jwt(&good, HS256, CLAIMS(), KEY);
    const char *d1 = strchr(good.data, '.'), *d2 = strchr(d1 + 1, '.');
    CHECK(decide(&c, good.data, &out, &r) == AUTHZ_ALLOW);
    CHECK_STR(r.principal, "user-42");

    /* another token's claims under this token's signature */
    make_jwt(&other, HS256, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"sub\":\"admin\",\"exp\":" FUTURE "}", KEY);
    const char *o1 = strchr(other.data, '.'), *o2 = strchr(o1 + 1, '.');
    buf_reset(&jwt);
    buf_append(&jwt, good.data, (size_t)(d1 - good.data) + 1);
    buf_append(&jwt, o1 + 1, (size_t)(o2 - o1 - 1));
    buf_append_str(&jwt, d2);
    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ERR_JWT_SIGNATURE);

    /* alg none, unsigned: the classic */
    buf_reset(&jwt);
    b64url(&jwt, "{\"alg\":\"none\",\"typ\":\"JWT\"}");
    buf_append_char(&jwt, '.');
    b64url(&jwt, CLAIMS());
    buf_append_char(&jwt, '.');
    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ERR_JWT_ALG);
    /* HS256 claimed, no signature */
    buf_reset(&jwt);
    buf_append(&jwt, good.data, (size_t)(d2 - good.data) + 1);
    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ERR_JWT_SIGNATURE);

    static const struct {
        const char *suffix; /* appended to the good token */
        size_t cut;         /* bytes cut from its end first */
        int reason;
    } tails[] = {
        {"=", 0, AUTHZ_ERR_JWT_SIGNATURE},     /* padded */
        {"", 1, AUTHZ_ERR_JWT_SIGNATURE},      /* 42 characters: not 32 bytes, nor canonical */
        {"AAAA", 0, AUTHZ_ERR_JWT_SIGNATURE},  /* 35 bytes */
        {"", 43, AUTHZ_ERR_JWT_SIGNATURE},     /* empty signature */
        {".AAAA", 0, AUTHZ_ERR_UNKNOWN_TOKEN}, /* four segments: not a JWS compact serialisation */
        {"+", 1, AUTHZ_ERR_JWT_SIGNATURE},     /* the standard alphabet */
    };
    for (size_t i = 0; i != sizeof(tails) / sizeof(tails[0]); ++i) {
        buf_reset(&jwt);
        buf_append(&jwt, good.data, good.len - tails[i].cut);
        buf_append_str(&jwt, tails[i].suffix);
        int reason = decide(&c, jwt.data, &out, &r);
        if (reason != tails[i].reason)
            fprintf(stderr, "  tail %zu: got %s\n", i, authz_strreason(reason));
        CHECK(reason == tails[i].reason);
    }
    /* a 64-byte (HS512-sized) signature */
    buf_reset(&jwt);
    buf_append(&jwt, good.data, (size_t)(d2 - good.data) + 1);
    unsigned char sig[64] = {0};
    base64url_encode(&jwt, sig, sizeof(sig));
    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ERR_JWT_SIGNATURE);

    static const char *const shapes[] = {"a.b", "a.b.c.d", "..", "a..", ".b.c", "abc"};
    static const int shape_reasons[] = {AUTHZ_ERR_UNKNOWN_TOKEN, AUTHZ_ERR_UNKNOWN_TOKEN, AUTHZ_ERR_JWT_MALFORMED,
                                        AUTHZ_ERR_JWT_MALFORMED, AUTHZ_ERR_JWT_MALFORMED, AUTHZ_ERR_UNKNOWN_TOKEN};
    for (size_t i = 0; i != sizeof(shapes) / sizeof(shapes[0]); ++i)
        CHECK(decide(&c, shapes[i], &out, &r) == shape_reasons[i]);

    buf_dispose(&good);
    buf_dispose(&other);
    buf_dispose(&jwt);
    buf_dispose(&out);
    authz_config_dispose(&c);
}

/* The answer carries sub and iss in the context, for REST policies and HTTP API simple responses alike. */
static void
test_context(void)
{
    authz_config_t c;
    configure(&c, 1, NULL);
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES), event = BUF_INIT(0);
    make_jwt(&jwt, HS256, CLAIMS(), KEY);
    buf_printf(&event,
               "{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"arn:aws:execute-api:us-east-1:123456789012:api/$default/"
               "POST/mcp\",\"headers\":{\"authorization\":\"Bearer %s\"}}",
               jwt.data);
    authz_result_t r;
    CHECK(authz_decide(&c, NULL, event.data, event.len, NOW, &out, &r) == AUTHZ_ALLOW);
    arena_t arena;
    arena_init(&arena, 0);
    json_value_t *v;
    CHECK(json_parse(&arena, out.data, out.len, 8, &v) == 0);
    const json_value_t *context = json_get(v, "context");
    CHECK(json_get(v, "isAuthorized") != NULL && json_get(v, "isAuthorized")->type == JSON_TRUE);
    CHECK_STR(json_string(json_get(context, "principal")), "user-42");
    CHECK_STR(json_string(json_get(context, "sub")), "user-42");
    CHECK_STR(json_string(json_get(context, "iss")), ISSUER);
    CHECK_STR(json_string(json_get(context, "authMethod")), "jwt");
    arena_dispose(&arena);

    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ALLOW);
    arena_init(&arena, 0);
    CHECK(json_parse(&arena, out.data, out.len, 8, &v) == 0);
    CHECK_STR(json_string(json_get(v, "principalId")), "user-42");
    CHECK_STR(json_string(json_get(json_get(v, "context"), "iss")), ISSUER);
    arena_dispose(&arena);
    buf_dispose(&jwt);
    buf_dispose(&out);
    buf_dispose(&event);
    authz_config_dispose(&c);
}

/* Without JWT configuration a JWT is just an unknown token; static tokens are tried first, dots or not. */
static void
test_with_static_tokens(void)
{
    buf_t jwt = BUF_INIT(0), out = BUF_INIT(AUTHZ_MAX_RESPONSE_BYTES);
    authz_result_t r;
    make_jwt(&jwt, HS256, CLAIMS(), KEY);

    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)"static.shaped.token", 19, d);
    char setting[100] = "dotted:";
    for (size_t i = 0; i != sizeof(d); ++i)
        snprintf(setting + strlen(setting), 3, "%02x", d[i]);

    authz_config_t c;
    configure(&c, 0, setting);
    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ERR_UNKNOWN_TOKEN);
    CHECK(decide(&c, "static.shaped.token", &out, &r) == AUTHZ_ALLOW && r.method == AUTHZ_METHOD_TOKEN);
    authz_config_dispose(&c);

    configure(&c, 1, setting);
    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ALLOW && r.method == AUTHZ_METHOD_JWT);
    CHECK(decide(&c, "static.shaped.token", &out, &r) == AUTHZ_ALLOW && r.method == AUTHZ_METHOD_TOKEN);
    CHECK_STR(r.principal, "dotted");
    CHECK(decide(&c, "static.shaped.tokem", &out, &r) == AUTHZ_ERR_JWT_MALFORMED);
    CHECK(strstr(out.data != NULL ? out.data : "", "usageIdentifierKey") == NULL); /* no prefix: no usage key */
    authz_config_dispose(&c);

    /* usage plans keyed by the authorizer: a static token's own label, one shared key for every JWT principal */
    buf_t key = BUF_INIT(0);
    base64_encode(&key, KEY, strlen(KEY));
    char err[512];
    authz_settings_t s = {setting, key.data, ISSUER, AUDIENCE};
    s.usage_key_prefix = "mcp-prod-usage-";
    CHECK(authz_config_parse(&c, &s, err, sizeof(err)) == 0);
    CHECK(decide(&c, "static.shaped.token", &out, &r) == AUTHZ_ALLOW);
    CHECK(strstr(out.data, "\"usageIdentifierKey\":\"mcp-prod-usage-dotted\"") != NULL);
    CHECK(decide(&c, jwt.data, &out, &r) == AUTHZ_ALLOW && r.method == AUTHZ_METHOD_JWT);
    CHECK(strstr(out.data, "\"usageIdentifierKey\":\"mcp-prod-usage-" AUTHZ_JWT_USAGE_LABEL "\"") != NULL);
    CHECK(strstr(out.data, "usage-user-42") == NULL); /* a subject would need a key nobody created */
    authz_config_dispose(&c);
    s.usage_key_prefix = "bad prefix";
    CHECK(authz_config_parse(&c, &s, err, sizeof(err)) == -1 && strstr(err, "MCP_USAGE_KEY_PREFIX") != NULL);
    buf_dispose(&key);
    buf_dispose(&jwt);
    buf_dispose(&out);
}

int
main(void)
{
    RUN(test_table);
    RUN(test_subject_length);
    RUN(test_segments);
    RUN(test_context);
    RUN(test_with_static_tokens);
    return TEST_REPORT("test_authorizer_jwt");
}
