/*
 * Tests of the authorizer's decision (authorizer/authz_decide.c) and configuration (authorizer/authz_config.c): the
 * table of Authorization values, rotation, the three event formats, events that must never be allowed, and every
 * malformed configuration being an error whose message names the problem and never a digest.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "authz.h"
#include "json.h"
#include "jsonw.h"
#include "test.h"

#define TOKEN_CI "ci-7Hq2vX9pLmN4rT8wK3zB"
#define TOKEN_LAPTOP "laptop.Zx9_Qw~8+Er/7Ty=="
#define TOKEN_NEXT "next-9f8e7d6c5b4a"
#define METHOD_ARN "arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/POST/mcp"
#define STAGE_WILDCARD "arn:aws:execute-api:eu-central-1:123456789012:abc123/dev/*/*"
#define ROUTE_ARN "arn:aws:execute-api:us-east-1:123456789012:api0id/$default/POST/mcp"
#define NOW 1763700000

/* The hex SHA-256 of s, as an operator would configure it (upper-case when upper is set). */
static void
digest_hex(const char *s, int upper, char hex[65])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)s, strlen(s), d);
    for (size_t i = 0; i != sizeof(d); ++i)
        snprintf(hex + 2 * i, 3, upper ? "%02X" : "%02x", d[i]);
}

/* "label:digest(token)" entries joined by commas; pairs of (label, token), NULL-terminated. */
static void
tokens_setting(char *out, size_t out_len, const char *const *pairs)
{
    out[0] = '\0';
    for (size_t i = 0; pairs[i] != NULL; i += 2) {
        char hex[65];
        digest_hex(pairs[i + 1], i == 2, hex);
        snprintf(out + strlen(out), out_len - strlen(out), "%s%s:%s", i == 0 ? "" : ",", pairs[i], hex);
    }
}

static int
configure(authz_config_t *c, const char *const *pairs)
{
    char setting[2048], err[512];
    tokens_setting(setting, sizeof(setting), pairs);
    authz_settings_t s = {.tokens = setting};
    int ret = authz_config_parse(c, &s, err, sizeof(err));
    if (ret != 0)
        fprintf(stderr, "  configuration refused: %s\n", err);
    return ret;
}

/* A TOKEN event carrying value as authorizationToken; value may hold any bytes (jsonw escapes them). */
static void
token_event(buf_t *out, const char *value, size_t len, const char *method_arn)
{
    jsonw_t w;
    buf_reset(out);
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "TOKEN");
    jsonw_key(&w, "authorizationToken");
    jsonw_stringn(&w, value, len);
    jsonw_kv_string(&w, "methodArn", method_arn);
    jsonw_object_end(&w);
}

typedef struct st_decision_t {
    authz_result_t r;
    buf_t out;
    arena_t arena;
    json_value_t *response; /* the parsed response, when there is one */
} decision_t;

/*
 * Runs the decision and checks what must hold whatever the event: an Allow only with reason 0, a refusal either failing
 * the invocation with nothing written or (simple responses) exactly {"isAuthorized":false}.
 */
static void
decide(decision_t *d, const authz_config_t *c, const char *event, size_t len)
{
    buf_init(&d->out, AUTHZ_MAX_RESPONSE_BYTES);
    arena_init(&d->arena, 0);
    d->response = NULL;
    CHECK(authz_decide(c, NULL, event, len, NOW, &d->out, &d->r) == d->r.reason);
    if (d->r.reason == AUTHZ_ALLOW) {
        CHECK(d->r.respond == 1);
        CHECK(d->r.principal[0] != '\0');
        CHECK(json_parse(&d->arena, d->out.data, d->out.len, 16, &d->response) == 0);
    } else if (d->r.format == AUTHZ_FORMAT_HTTP_SIMPLE) {
        CHECK(d->r.respond == 1);
        CHECK_STR(d->out.data, "{\"isAuthorized\":false}");
        CHECK(d->r.principal[0] == '\0');
    } else {
        CHECK(d->r.respond == 0);
        CHECK(d->out.len == 0);
        CHECK(d->r.principal[0] == '\0');
    }
}

static void
dispose(decision_t *d)
{
    buf_dispose(&d->out);
    arena_dispose(&d->arena);
}

static int
decide_token(const authz_config_t *c, const char *value, size_t len, char *principal, size_t principal_len)
{
    buf_t event = BUF_INIT(0);
    decision_t d;
    token_event(&event, value, len, METHOD_ARN);
    decide(&d, c, event.data, event.len);
    snprintf(principal, principal_len, "%s", d.r.principal);
    dispose(&d);
    buf_dispose(&event);
    return d.r.reason;
}

/* The table, on TOKEN events: each Authorization value and the decision it must get. */
static void
test_authorization_values(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, "laptop", TOKEN_LAPTOP, NULL};
    static const struct {
        const char *value;
        int reason;
        const char *principal;
    } cases[] = {
        {"Bearer " TOKEN_CI, AUTHZ_ALLOW, "ci"},
        {"Bearer " TOKEN_LAPTOP, AUTHZ_ALLOW, "laptop"}, /* two configured tokens; "~+/" and padding are b64token */
        {"Bearer unknown-token-value", AUTHZ_ERR_UNKNOWN_TOKEN, ""},
        /* the scheme: case-insensitive, nothing else */
        {"bearer " TOKEN_CI, AUTHZ_ALLOW, "ci"},
        {"BEARER " TOKEN_CI, AUTHZ_ALLOW, "ci"},
        {"bEaReR " TOKEN_CI, AUTHZ_ALLOW, "ci"},
        {"Basic Y2k6c2VjcmV0", AUTHZ_ERR_SCHEME, ""},
        {"Token " TOKEN_CI, AUTHZ_ERR_SCHEME, ""},
        {"Bearerx " TOKEN_CI, AUTHZ_ERR_SCHEME, ""},
        {"Bear " TOKEN_CI, AUTHZ_ERR_SCHEME, ""},
        {TOKEN_CI, AUTHZ_ERR_SCHEME, ""},
        {"B\xc3\xa9"
         "arer " TOKEN_CI,
         AUTHZ_ERR_SCHEME, ""},
        /* spaces: 1*SP after the scheme; optional whitespace around the whole value is not part of it */
        {"Bearer  " TOKEN_CI, AUTHZ_ALLOW, "ci"},
        {"Bearer      " TOKEN_CI, AUTHZ_ALLOW, "ci"},
        {"  Bearer " TOKEN_CI, AUTHZ_ALLOW, "ci"},
        {"Bearer " TOKEN_CI "  ", AUTHZ_ALLOW, "ci"},
        {"\tBearer " TOKEN_CI "\t", AUTHZ_ALLOW, "ci"},
        {"Bearer\t" TOKEN_CI, AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer \t" TOKEN_CI, AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer " TOKEN_CI " x", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer " TOKEN_CI ", Bearer " TOKEN_LAPTOP, AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer\r\n " TOKEN_CI, AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer " TOKEN_CI "\n", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        /* empty */
        {"Bearer ", AUTHZ_ERR_EMPTY_TOKEN, ""},
        {"Bearer", AUTHZ_ERR_EMPTY_TOKEN, ""},
        {"bearer    ", AUTHZ_ERR_EMPTY_TOKEN, ""},
        {"", AUTHZ_ERR_MISSING, ""},
        {"   ", AUTHZ_ERR_MISSING, ""},
        /* the token's own grammar, and exactness: no prefix, suffix or case variant of a token is it */
        {"Bearer \"" TOKEN_CI "\"", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer =", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer a=b", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer ci-7Hq2vX9pLmN4rT8wK3z", AUTHZ_ERR_UNKNOWN_TOKEN, ""},
        {"Bearer " TOKEN_CI "x", AUTHZ_ERR_UNKNOWN_TOKEN, ""},
        {"Bearer CI-7HQ2VX9PLMN4RT8WK3ZB", AUTHZ_ERR_UNKNOWN_TOKEN, ""},
        {"Bearer " TOKEN_LAPTOP TOKEN_CI, AUTHZ_ERR_TOKEN_SYNTAX, ""}, /* '=' only at the end */
        /* non-ASCII bytes (valid UTF-8, so the event parses and the token is what is refused) */
        {"Bearer t\xc3\xb6k\xc3\xa9n", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer " TOKEN_CI "\xc3\xa9", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer \xe2\x80\x8b" TOKEN_CI, AUTHZ_ERR_TOKEN_SYNTAX, ""}, /* a zero-width space */
        {"Bearer " TOKEN_CI "\x7f", AUTHZ_ERR_TOKEN_SYNTAX, ""},
        {"Bearer " TOKEN_CI "\x01", AUTHZ_ERR_TOKEN_SYNTAX, ""},
    };
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        char principal[AUTHZ_MAX_PRINCIPAL + 1];
        int reason = decide_token(&c, cases[i].value, strlen(cases[i].value), principal, sizeof(principal));
        if (reason != cases[i].reason || strcmp(principal, cases[i].principal) != 0)
            fprintf(stderr, "  case %zu \"%s\": got %s (principal \"%s\"), expected %s\n", i, cases[i].value,
                    authz_strreason(reason), principal, authz_strreason(cases[i].reason));
        CHECK(reason == cases[i].reason);
        CHECK_STR(principal, cases[i].principal);
    }
    authz_config_dispose(&c);
}

/* 100 KB tokens, and the boundary of the length limit. */
static void
test_long_tokens(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, NULL};
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    static const struct {
        size_t token_len;
        char fill;
        int reason;
    } cases[] = {
        {100 * 1024, 'a', AUTHZ_ERR_TOKEN_TOO_LONG},
        {100 * 1024, '\x80', AUTHZ_ERR_EVENT}, /* raw non-UTF-8 bytes: the event itself does not parse */
        {AUTHZ_MAX_TOKEN_BYTES + 1, 'a', AUTHZ_ERR_TOKEN_TOO_LONG},
        {AUTHZ_MAX_TOKEN_BYTES, 'a', AUTHZ_ERR_UNKNOWN_TOKEN},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        size_t len = 7 + cases[i].token_len;
        char *value = malloc(len);
        memcpy(value, "Bearer ", 7);
        memset(value + 7, cases[i].fill, cases[i].token_len);
        buf_t event = BUF_INIT(0);
        if (cases[i].fill == 'a') {
            token_event(&event, value, len, METHOD_ARN);
        } else {
            /* jsonw would escape nothing here, so the bytes go into the event raw */
            buf_append_str(&event, "{\"type\":\"TOKEN\",\"methodArn\":\"" METHOD_ARN "\",\"authorizationToken\":\"");
            buf_append(&event, value, len);
            buf_append_str(&event, "\"}");
        }
        decision_t d;
        decide(&d, &c, event.data, event.len);
        if (d.r.reason != cases[i].reason)
            fprintf(stderr, "  case %zu: got %s\n", i, authz_strreason(d.r.reason));
        CHECK(d.r.reason == cases[i].reason);
        dispose(&d);
        buf_dispose(&event);
        free(value);
    }
    authz_config_dispose(&c);
}

/* Rotation: old alone, then old and new (both work), then new alone (the old one is refused). */
static void
test_rotation(void)
{
    static const char *const before[] = {"ci-2025", TOKEN_CI, NULL};
    static const char *const during[] = {"ci-2025", TOKEN_CI, "ci-2026", TOKEN_NEXT, NULL};
    static const char *const after[] = {"ci-2026", TOKEN_NEXT, NULL};
    static const struct {
        const char *const *pairs;
        const char *old_principal, *new_principal;
    } phases[] = {{before, "ci-2025", NULL}, {during, "ci-2025", "ci-2026"}, {after, NULL, "ci-2026"}};
    for (size_t i = 0; i != sizeof(phases) / sizeof(phases[0]); ++i) {
        authz_config_t c;
        char principal[AUTHZ_MAX_PRINCIPAL + 1];
        CHECK(configure(&c, phases[i].pairs) == 0);
        int reason = decide_token(&c, "Bearer " TOKEN_CI, strlen("Bearer " TOKEN_CI), principal, sizeof(principal));
        CHECK(reason == (phases[i].old_principal != NULL ? AUTHZ_ALLOW : AUTHZ_ERR_UNKNOWN_TOKEN));
        CHECK_STR(principal, phases[i].old_principal != NULL ? phases[i].old_principal : "");
        reason = decide_token(&c, "Bearer " TOKEN_NEXT, strlen("Bearer " TOKEN_NEXT), principal, sizeof(principal));
        CHECK(reason == (phases[i].new_principal != NULL ? AUTHZ_ALLOW : AUTHZ_ERR_UNKNOWN_TOKEN));
        CHECK_STR(principal, phases[i].new_principal != NULL ? phases[i].new_principal : "");
        authz_config_dispose(&c);
    }
}

static const json_value_t *
path(const json_value_t *v, const char *const *keys)
{
    for (; *keys != NULL && v != NULL; ++keys)
        v = json_get(v, *keys);
    return v;
}

#define PATH(v, ...) path((v), (const char *const[]){__VA_ARGS__, NULL})

/* The policy of an Allow: the stage wildcard, the label as principalId, a context of strings only. */
static void
check_policy(const json_value_t *response, const char *principal)
{
    CHECK_STR(json_string(json_get(response, "principalId")), principal);
    CHECK_STR(json_string(PATH(response, "policyDocument", "Version")), "2012-10-17");
    const json_value_t *statements = PATH(response, "policyDocument", "Statement");
    CHECK(statements != NULL && statements->type == JSON_ARRAY && statements->u.arr.len == 1);
    if (statements == NULL || statements->type != JSON_ARRAY || statements->u.arr.len != 1)
        return;
    const json_value_t *s = statements->u.arr.items[0];
    CHECK_STR(json_string(json_get(s, "Effect")), "Allow");
    CHECK_STR(json_string(json_get(s, "Action")), "execute-api:Invoke");
    CHECK_STR(json_string(json_get(s, "Resource")), STAGE_WILDCARD);
    CHECK_STR(json_string(PATH(response, "context", "principal")), principal);
    CHECK_STR(json_string(PATH(response, "context", "authMethod")), "token");
    const json_value_t *context = json_get(response, "context");
    for (size_t i = 0; context != NULL && i != context->u.obj.len; ++i)
        CHECK(context->u.obj.items[i].value->type == JSON_STRING);
}

static void
test_token_event_policy(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, NULL};
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    buf_t event = BUF_INIT(0);
    token_event(&event, "Bearer " TOKEN_CI, strlen("Bearer " TOKEN_CI), METHOD_ARN);
    decision_t d;
    decide(&d, &c, event.data, event.len);
    CHECK(d.r.reason == AUTHZ_ALLOW && d.r.format == AUTHZ_FORMAT_TOKEN && d.r.method == AUTHZ_METHOD_TOKEN);
    check_policy(d.response, "ci");
    CHECK(json_get(d.response, "isAuthorized") == NULL);
    dispose(&d);
    buf_dispose(&event);
    authz_config_dispose(&c);
}

/* REST REQUEST events (and HTTP API payload 1.0): where the header can be, and when it is ambiguous. */
static void
test_request_events(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, NULL};
#define REQ(members) "{\"type\":\"REQUEST\",\"methodArn\":\"" METHOD_ARN "\",\"httpMethod\":\"POST\",\"path\":\"/mcp\"" members "}"
#define AUTH "\"Bearer " TOKEN_CI "\""
    static const struct {
        const char *event;
        int reason;
    } cases[] = {
        {REQ(",\"headers\":{\"Authorization\":" AUTH "},\"multiValueHeaders\":{\"Authorization\":[" AUTH "]}"), AUTHZ_ALLOW},
        {REQ(",\"headers\":{\"authorization\":" AUTH "}"), AUTHZ_ALLOW},
        {REQ(",\"headers\":{\"AUTHORIZATION\":" AUTH ",\"Accept\":\"*/*\"}"), AUTHZ_ALLOW},
        {REQ(",\"headers\":null,\"multiValueHeaders\":{\"Authorization\":[" AUTH "]}"), AUTHZ_ALLOW},
        {REQ(",\"version\":\"1.0\",\"headers\":{\"authorization\":" AUTH "}"), AUTHZ_ALLOW},
        {REQ(",\"headers\":{\"Authorization\":\"Bearer nope\"}"), AUTHZ_ERR_UNKNOWN_TOKEN},
        {REQ(",\"headers\":{\"Authorization\":\"Basic Y2k6eA==\"}"), AUTHZ_ERR_SCHEME},
        {REQ(",\"headers\":{\"Accept\":\"*/*\"}"), AUTHZ_ERR_MISSING},
        {REQ(",\"headers\":null,\"multiValueHeaders\":null"), AUTHZ_ERR_MISSING},
        {REQ(""), AUTHZ_ERR_MISSING},
        {REQ(",\"headers\":{\"Authorization\":null}"), AUTHZ_ERR_MISSING},
        /* the header twice: refused whichever copy is good */
        {REQ(",\"multiValueHeaders\":{\"Authorization\":[" AUTH ",\"Bearer other\"]}"), AUTHZ_ERR_AMBIGUOUS},
        {REQ(",\"multiValueHeaders\":{\"Authorization\":[" AUTH "],\"authorization\":[" AUTH "]}"), AUTHZ_ERR_AMBIGUOUS},
        {REQ(",\"headers\":{\"Authorization\":" AUTH ",\"authorization\":\"Bearer other\"}"), AUTHZ_ERR_AMBIGUOUS},
        {REQ(",\"headers\":{\"Authorization\":" AUTH ",\"authorization\":" AUTH "}"), AUTHZ_ERR_AMBIGUOUS},
        {REQ(",\"headers\":{\"Authorization\":\"Bearer other\"},\"multiValueHeaders\":{\"Authorization\":[" AUTH "]}"),
         AUTHZ_ERR_AMBIGUOUS},
        /* shapes API Gateway never sends */
        {REQ(",\"headers\":{\"Authorization\":[" AUTH "]}"), AUTHZ_ERR_EVENT},
        {REQ(",\"headers\":{\"Authorization\":42}"), AUTHZ_ERR_EVENT},
        {REQ(",\"headers\":[" AUTH "]"), AUTHZ_ERR_EVENT},
        {REQ(",\"multiValueHeaders\":{\"Authorization\":" AUTH "}"), AUTHZ_ERR_EVENT},
        {REQ(",\"multiValueHeaders\":{\"Authorization\":[42]}"), AUTHZ_ERR_EVENT},
        {REQ(",\"headers\":{\"Authorization\":" AUTH "},\"headers\":{}"), AUTHZ_ERR_EVENT},
        {REQ(",\"version\":\"3.0\",\"headers\":{\"Authorization\":" AUTH "}"), AUTHZ_ERR_EVENT},
    };
#undef REQ
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        decision_t d;
        decide(&d, &c, cases[i].event, strlen(cases[i].event));
        if (d.r.reason != cases[i].reason)
            fprintf(stderr, "  case %zu: got %s, expected %s\n", i, authz_strreason(d.r.reason), authz_strreason(cases[i].reason));
        CHECK(d.r.reason == cases[i].reason);
        if (cases[i].reason == AUTHZ_ALLOW) {
            CHECK(d.r.format == AUTHZ_FORMAT_REQUEST);
            check_policy(d.response, "ci");
        }
        dispose(&d);
    }
    authz_config_dispose(&c);
}

/* HTTP API payload 2.0: simple responses, and a refusal is an answer ({"isAuthorized":false}), not an error. */
static void
test_http_api_events(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, NULL};
#define V2(arn, headers)                                                                                                           \
    "{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"" arn "\",\"identitySource\":[\"x\"],\"routeKey\":\"POST /mcp\","    \
    "\"rawPath\":\"/mcp\",\"headers\":" headers ",\"requestContext\":{\"http\":{\"method\":\"POST\"}}}"
    static const struct {
        const char *event;
        int reason;
    } cases[] = {
        {V2(ROUTE_ARN, "{\"authorization\":" AUTH ",\"content-type\":\"application/json\"}"), AUTHZ_ALLOW},
        {V2(ROUTE_ARN, "{\"authorization\":\"bearer " TOKEN_CI "\"}"), AUTHZ_ALLOW},
        {V2(ROUTE_ARN, "{\"authorization\":\"Bearer nope\"}"), AUTHZ_ERR_UNKNOWN_TOKEN},
        {V2(ROUTE_ARN, "{\"authorization\":\"Bearer " TOKEN_CI ",Bearer " TOKEN_CI "\"}"), AUTHZ_ERR_TOKEN_SYNTAX},
        {V2(ROUTE_ARN, "{}"), AUTHZ_ERR_MISSING},
        {V2(ROUTE_ARN, "{\"authorization\":\"Basic eA==\"}"), AUTHZ_ERR_SCHEME},
        {V2("arn:aws:execute-api:us-east-1:123456789012:api0id", "{\"authorization\":" AUTH "}"), AUTHZ_ERR_ARN},
        {V2(ROUTE_ARN, "{\"authorization\":7}"), AUTHZ_ERR_EVENT},
        /* a 2.0 event without routeArn, or with methodArn only */
        {"{\"version\":\"2.0\",\"type\":\"REQUEST\",\"headers\":{\"authorization\":" AUTH "}}", AUTHZ_ERR_EVENT},
        {"{\"version\":\"2.0\",\"type\":\"REQUEST\",\"methodArn\":\"" METHOD_ARN "\",\"headers\":{\"authorization\":" AUTH "}}",
         AUTHZ_ERR_EVENT},
    };
#undef V2
#undef AUTH
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        decision_t d;
        decide(&d, &c, cases[i].event, strlen(cases[i].event));
        if (d.r.reason != cases[i].reason)
            fprintf(stderr, "  case %zu: got %s, expected %s\n", i, authz_strreason(d.r.reason), authz_strreason(cases[i].reason));
        CHECK(d.r.reason == cases[i].reason);
        CHECK(d.r.format == AUTHZ_FORMAT_HTTP_SIMPLE);
        if (cases[i].reason == AUTHZ_ALLOW) {
            CHECK(json_get(d.response, "isAuthorized") != NULL && json_get(d.response, "isAuthorized")->type == JSON_TRUE);
            CHECK_STR(json_string(PATH(d.response, "context", "principal")), "ci");
            CHECK_STR(json_string(PATH(d.response, "context", "authMethod")), "token");
            CHECK(json_get(d.response, "policyDocument") == NULL);
        }
        dispose(&d);
    }
    authz_config_dispose(&c);
}

/* Events that cannot be parsed, or whose shape is not one of the three, are refused with "Unauthorized". */
static void
test_malformed_events(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, NULL};
#define TOK "\"authorizationToken\":\"Bearer " TOKEN_CI "\""
    static const struct {
        const char *event;
        int reason;
    } cases[] = {
        {"", AUTHZ_ERR_EVENT},
        {"null", AUTHZ_ERR_EVENT},
        {"[]", AUTHZ_ERR_EVENT},
        {"\"TOKEN\"", AUTHZ_ERR_EVENT},
        {"{}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"" METHOD_ARN "\"", AUTHZ_ERR_EVENT},          /* truncated */
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"" METHOD_ARN "\"}x", AUTHZ_ERR_EVENT},        /* trailing data */
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"" METHOD_ARN "\"} /* c */", AUTHZ_ERR_EVENT}, /* a comment */
        {"{\"type\":\"token\"," TOK ",\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\",\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\"," TOK "," TOK ",\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"" METHOD_ARN "\",\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\",\"version\":\"1.0\"," TOK ",\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\"," TOK "}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\",\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\",\"authorizationToken\":null,\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\",\"authorizationToken\":[\"Bearer " TOKEN_CI "\"],\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":42}", AUTHZ_ERR_EVENT},
        {"{\"type\":[\"TOKEN\"]," TOK ",\"methodArn\":\"" METHOD_ARN "\"}", AUTHZ_ERR_EVENT},
        /* U+0000 or a lone surrogate are data in an event (it parses), so it is the token that is refused */
        {"{\"type\":\"TOKEN\",\"authorizationToken\":\"Bearer " TOKEN_CI "\\u0000\",\"methodArn\":\"" METHOD_ARN "\"}",
         AUTHZ_ERR_TOKEN_SYNTAX},
        {"{\"type\":\"TOKEN\",\"authorizationToken\":\"Bearer " TOKEN_CI "\\ud800\",\"methodArn\":\"" METHOD_ARN "\"}",
         AUTHZ_ERR_TOKEN_SYNTAX},
        {"{\"type\":\"TOKEN\",\"authorizationToken\":\"Bearer \\u0000" TOKEN_CI "\",\"methodArn\":\"" METHOD_ARN "\"}",
         AUTHZ_ERR_TOKEN_SYNTAX},
        {"{\"type\":\"TOKEN\",\"authorizationToken\":\"Bearer " TOKEN_CI "\xff\",\"methodArn\":\"" METHOD_ARN "\"}",
         AUTHZ_ERR_EVENT},
        /* the ARN the policy would be built from */
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"\"}", AUTHZ_ERR_ARN},
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"*\"}", AUTHZ_ERR_ARN},
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"arn:aws:execute-api:eu-central-1:123456789012:*/dev/GET/mcp\"}",
         AUTHZ_ERR_ARN},
        {"{\"type\":\"TOKEN\"," TOK ",\"methodArn\":\"arn:aws:execute-api:eu-central-1:123456789012:abc123/*/GET/mcp\"}",
         AUTHZ_ERR_ARN},
    };
#undef TOK
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        decision_t d;
        decide(&d, &c, cases[i].event, strlen(cases[i].event));
        if (d.r.reason != cases[i].reason)
            fprintf(stderr, "  case %zu: got %s, expected %s\n", i, authz_strreason(d.r.reason), authz_strreason(cases[i].reason));
        CHECK(d.r.reason == cases[i].reason);
        CHECK(d.r.respond == 0);
        dispose(&d);
    }
    /* not NUL-terminated: the length is what counts */
    const char event[] = "{\"type\":\"TOKEN\",\"authorizationToken\":\"Bearer " TOKEN_CI "\",\"methodArn\":\"" METHOD_ARN "\"}";
    char *copy = malloc(sizeof(event) - 1);
    memcpy(copy, event, sizeof(event) - 1);
    decision_t d;
    decide(&d, &c, copy, sizeof(event) - 1);
    CHECK(d.r.reason == AUTHZ_ALLOW);
    dispose(&d);
    decide(&d, &c, copy, sizeof(event) - 2);
    CHECK(d.r.reason == AUTHZ_ERR_EVENT);
    dispose(&d);
    free(copy);
    authz_config_dispose(&c);
}

/*
 * A valid token is allowed whatever else the event carries: U+0000 and lone surrogates (a client's "?x=%00", decoded by
 * API Gateway) in query and path parameters, other headers, stage variables and the request context, and 200 headers,
 * in every format; the same events with an unknown token are still refused.
 */
static void
test_event_data(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, NULL};
#define ODD "\"a\\u0000b\\ud800c\\udc00\""
#define DATA                                                                                                                       \
    ",\"queryStringParameters\":{\"x\":\"\\u0000\",\"y\":" ODD "},\"multiValueQueryStringParameters\":{\"x\":[\"\\u0000\"," ODD    \
    "]},\"pathParameters\":{\"proxy\":" ODD "},\"stageVariables\":{\"s\":" ODD                                                     \
    "},\"requestContext\":{\"identity\":{\"userAgent\":" ODD "},\"path\":" ODD "}"
    static const struct {
        const char *event_head, *event_tail; /* the token goes between */
        authz_format_t format;
    } cases[] = {
        {"{\"type\":\"TOKEN\",\"methodArn\":\"" METHOD_ARN "\",\"extra\":" ODD ",\"authorizationToken\":\"Bearer ", "\"}",
         AUTHZ_FORMAT_TOKEN},
        {"{\"type\":\"REQUEST\",\"methodArn\":\"" METHOD_ARN "\"" DATA ",\"headers\":{\"X-Odd\":" ODD
         ",\"Authorization\":\"Bearer ",
         "\"},\"multiValueHeaders\":{\"X-Odd\":[" ODD ",\"\\udfff\"]}}", AUTHZ_FORMAT_REQUEST},
        {"{\"type\":\"REQUEST\",\"version\":\"1.0\",\"methodArn\":\"" METHOD_ARN "\"" DATA ",\"headers\":{\"x-odd\":" ODD
         ",\"authorization\":\"Bearer ",
         "\"}}", AUTHZ_FORMAT_REQUEST},
        {"{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"" ROUTE_ARN "\",\"rawQueryString\":\"x=%00\",\"cookies\":[" ODD
         "]" DATA ",\"headers\":{\"x-odd\":" ODD ",\"authorization\":\"Bearer ",
         "\"}}", AUTHZ_FORMAT_HTTP_SIMPLE},
    };
#undef DATA
#undef ODD
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        for (int known = 1; known >= 0; --known) {
            buf_t event = BUF_INIT(0);
            buf_printf(&event, "%s%s%s", cases[i].event_head, known ? TOKEN_CI : "unknown-token", cases[i].event_tail);
            decision_t d;
            decide(&d, &c, event.data, event.len);
            int expected = known ? AUTHZ_ALLOW : AUTHZ_ERR_UNKNOWN_TOKEN;
            if (d.r.reason != expected)
                fprintf(stderr, "  case %zu (%s token): got %s\n", i, known ? "known" : "unknown", authz_strreason(d.r.reason));
            CHECK(d.r.reason == expected);
            CHECK(d.r.format == cases[i].format);
            dispose(&d);
            buf_dispose(&event);
        }
    }

    /* 200 headers besides Authorization, in each format that has headers */
    for (int v2 = 0; v2 != 2; ++v2) {
        buf_t event = BUF_INIT(0);
        buf_printf(&event,
                   v2 ? "{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"%s\",\"headers\":{"
                      : "{\"type\":\"REQUEST\",\"methodArn\":\"%s\",\"headers\":{",
                   v2 ? ROUTE_ARN : METHOD_ARN);
        for (int i = 0; i != 200; ++i)
            buf_printf(&event, "\"x-extra-%d\":\"value-%d\",", i, i);
        buf_printf(&event, "\"authorization\":\"Bearer %s\"}}", TOKEN_CI);
        decision_t d;
        decide(&d, &c, event.data, event.len);
        CHECK(d.r.reason == AUTHZ_ALLOW);
        dispose(&d);
        buf_dispose(&event);
    }
    authz_config_dispose(&c);
}

/* A response buffer too small for the policy: an internal error, and still never an Allow. */
static void
test_response_too_large(void)
{
    static const char *const pairs[] = {"ci", TOKEN_CI, NULL};
    authz_config_t c;
    CHECK(configure(&c, pairs) == 0);
    buf_t event = BUF_INIT(0), out = BUF_INIT(64);
    token_event(&event, "Bearer " TOKEN_CI, strlen("Bearer " TOKEN_CI), METHOD_ARN);
    authz_result_t r;
    CHECK(authz_decide(&c, NULL, event.data, event.len, NOW, &out, &r) == AUTHZ_ERR_INTERNAL);
    CHECK(r.respond == 0 && out.len == 0 && r.principal[0] == '\0');
    buf_dispose(&event);
    buf_dispose(&out);
    authz_config_dispose(&c);
}

/* A formatted configuration value that lives until the test ends (the table below holds many at once). */
static const char *
config_value(const char *fmt, ...)
{
    static char values[64][300];
    static size_t used;
    char *v = values[used++ % 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof(values[0]), fmt, ap);
    va_end(ap);
    return v;
}

static int
contains_digest(const char *message, const char *setting)
{
    /* any 16 consecutive hex digits of the setting would be a piece of a digest */
    size_t len = strlen(setting);
    for (size_t i = 0; i + 16 <= len; ++i) {
        if (strspn(setting + i, "0123456789abcdefABCDEF") >= 16) {
            char piece[17];
            memcpy(piece, setting + i, 16);
            piece[16] = '\0';
            if (strstr(message, piece) != NULL)
                return 1;
        }
    }
    return 0;
}

/* A malformed configuration is an error naming the problem, never a silent deny-all, and never shows a digest. */
static void
test_config_errors(void)
{
    char a[65], b[65], upper_a[65], long_label[80], many[17 * 90] = "";
    digest_hex(TOKEN_CI, 0, a);
    digest_hex(TOKEN_LAPTOP, 0, b);
    digest_hex(TOKEN_CI, 1, upper_a);
    memset(long_label, 'x', 65);
    long_label[65] = '\0';
    for (int i = 0; i != 17; ++i)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%st%d:%.62s%02d", i == 0 ? "" : ",", i, a, i);
    const struct {
        const char *tokens, *key, *issuer, *audience;
        const char *message;
    } cases[] = {
        {config_value("ci:%.63s", a), NULL, NULL, NULL, "entry 1 (label \"ci\"): the digest must be 64 hexadecimal characters"},
        {config_value("ci:%s0", a), NULL, NULL, NULL, "not 65"},
        {config_value("ci:%.62sg0", a), NULL, NULL, NULL, "entry 1 (label \"ci\"): the digest is not hexadecimal"},
        {config_value("ci:%s,laptop:%.32s", a, b), NULL, NULL, NULL, "entry 2 (label \"laptop\")"},
        {config_value("ci:%.62s  ", a), NULL, NULL, NULL, "not 62"},
        {config_value("ci: %s", a), NULL, NULL, NULL, "not 65"},
        {config_value("c i:%s", a), NULL, NULL, NULL, "entry 1: the label must be"},
        {config_value(":%s", a), NULL, NULL, NULL, "entry 1: the label must be"},
        {config_value("%s:%s", long_label, a), NULL, NULL, NULL, "entry 1: the label must be 1 to 64"},
        {config_value("l\xc3\xa4"
                      "bel:%s",
                      a),
         NULL, NULL, NULL, "the label must be"},
        {config_value("%s", a), NULL, NULL, NULL, "entry 1 is not label:sha256hex"},
        {config_value("super-secret-token-pasted-here"), NULL, NULL, NULL, "entry 1 is not label:sha256hex"},
        {"", NULL, NULL, NULL, "MCP_AUTH_TOKENS is set but empty"},
        {" \n ", NULL, NULL, NULL, "MCP_AUTH_TOKENS is set but empty"},
        {config_value("ci:%s,", a), NULL, NULL, NULL, "entry 2 is empty"},
        {config_value(",ci:%s", a), NULL, NULL, NULL, "entry 1 is empty"},
        {config_value("ci:%s,,laptop:%s", a, b), NULL, NULL, NULL, "entry 2 is empty"},
        {config_value("ci:%s,ci:%s", a, b), NULL, NULL, NULL, "entries 1 and 2 have the same label \"ci\""},
        {config_value("ci:%s,laptop:%s", a, upper_a), NULL, NULL, NULL,
         "entries 1 (\"ci\") and 2 (\"laptop\") have the same digest"},
        {many, NULL, NULL, NULL, "more than 16 entries"},
        {NULL, NULL, NULL, NULL, "no credentials configured"},
        /* JWT settings: all three or none, and a key long enough for HS256 */
        {NULL, NULL, "https://issuer.example", NULL, "MCP_JWT_ISSUER is set but MCP_JWT_HS256_KEY is not"},
        {NULL, NULL, NULL, "mcp", "MCP_JWT_AUDIENCE is set but MCP_JWT_HS256_KEY is not"},
        {NULL, "c2VjcmV0LWtleS10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==", NULL, "mcp", "are required"},
        {NULL, "c2VjcmV0LWtleS10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==", "iss", NULL, "are required"},
        {NULL, "c2hvcnQta2V5", "iss", "mcp", "decodes to 9 bytes; HS256 needs a key of at least 32"},
        {NULL, "not base64!", "iss", "mcp", "MCP_JWT_HS256_KEY is not base64"},
        {NULL, "c2VjcmV0LWtleS10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng=", "iss", "mcp", "is not base64"},
        {NULL, "", "iss", "mcp", "decodes to 0 bytes"},
        {NULL, "c2VjcmV0LWtleS10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==", "", "mcp", "MCP_JWT_ISSUER must be 1 to 256"},
        {config_value("ci:%s", a), "c2VjcmV0LWtleS10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==", "iss", "",
         "MCP_JWT_AUDIENCE must be"},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        authz_config_t c;
        char err[512] = "";
        authz_settings_t settings = {cases[i].tokens, cases[i].key, cases[i].issuer, cases[i].audience};
        CHECK(authz_config_parse(&c, &settings, err, sizeof(err)) == -1);
        if (strstr(err, cases[i].message) == NULL)
            fprintf(stderr, "  case %zu: message \"%s\", expected \"%s\"\n", i, err, cases[i].message);
        CHECK(strstr(err, cases[i].message) != NULL);
        CHECK(c.num_tokens == 0 && !c.jwt.enabled); /* nothing half-configured survives */
        if (cases[i].tokens != NULL) {
            CHECK(!contains_digest(err, cases[i].tokens));
            CHECK(strstr(err, "super-secret") == NULL);
        }
        if (cases[i].key != NULL && cases[i].key[0] != '\0')
            CHECK(strstr(err, cases[i].key) == NULL);
    }
}

/* What is accepted: either case of hex, whitespace around entries, a JWT key in either base64 alphabet. */
static void
test_config_accepted(void)
{
    char a[65], upper_b[65], setting[400], err[512];
    digest_hex(TOKEN_CI, 0, a);
    digest_hex(TOKEN_LAPTOP, 1, upper_b);
    snprintf(setting, sizeof(setting), " ci:%s ,\n\tlaptop.v2_x-y:%s\n", a, upper_b);
    authz_config_t c;
    authz_settings_t s = {.tokens = setting};
    CHECK(authz_config_parse(&c, &s, err, sizeof(err)) == 0);
    CHECK(c.num_tokens == 2);
    CHECK_STR(c.tokens[0].label, "ci");
    CHECK_STR(c.tokens[1].label, "laptop.v2_x-y");
    CHECK(!c.jwt.enabled);
    char principal[AUTHZ_MAX_PRINCIPAL + 1];
    CHECK(decide_token(&c, "Bearer " TOKEN_LAPTOP, strlen("Bearer " TOKEN_LAPTOP), principal, sizeof(principal)) == AUTHZ_ALLOW);
    CHECK_STR(principal, "laptop.v2_x-y");
    authz_config_dispose(&c);

    /* 48 bytes: "+/" in the standard alphabet, "-_" in the URL-safe one */
    static const char *const keys[] = {"+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/",
                                       "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_"};
    for (size_t i = 0; i != 2; ++i) {
        authz_settings_t j = {.jwt_key = keys[i], .jwt_issuer = "https://issuer.example", .jwt_audience = "mcp"};
        CHECK(authz_config_parse(&c, &j, err, sizeof(err)) == 0);
        CHECK(c.num_tokens == 0 && c.jwt.enabled && c.jwt.key_len == 48 && c.jwt.leeway == 60);
        CHECK(c.jwt.key[0] == 0xfb && c.jwt.key[1] == 0xff);
        CHECK_STR(c.jwt.issuer, "https://issuer.example");
        authz_config_dispose(&c);
        CHECK(c.jwt.key[0] == 0 && !c.jwt.enabled); /* wiped */
    }

    /* sixteen entries are fine */
    char many[16 * 90] = "";
    for (int i = 0; i != 16; ++i)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%st%d:%.62s%02d", i == 0 ? "" : ",", i, a, i);
    authz_settings_t m = {.tokens = many};
    CHECK(authz_config_parse(&c, &m, err, sizeof(err)) == 0 && c.num_tokens == 16);
    authz_config_dispose(&c);
}

static void
test_names(void)
{
    CHECK_STR(authz_strreason(AUTHZ_ALLOW), "allow");
    CHECK_STR(authz_strreason(AUTHZ_ERR_UNKNOWN_TOKEN), "unknown token");
    CHECK_STR(authz_strreason(AUTHZ_ERR_EVENT), "malformed event");
    CHECK_STR(authz_strreason(-1000), "unknown reason");
    CHECK_STR(authz_format_name(AUTHZ_FORMAT_HTTP_SIMPLE), "http-api-2.0");
    CHECK_STR(authz_method_name(AUTHZ_METHOD_JWT), "jwt");
}

int
main(void)
{
    RUN(test_authorization_values);
    RUN(test_long_tokens);
    RUN(test_rotation);
    RUN(test_token_event_policy);
    RUN(test_request_events);
    RUN(test_http_api_events);
    RUN(test_malformed_events);
    RUN(test_event_data);
    RUN(test_response_too_large);
    RUN(test_config_errors);
    RUN(test_config_accepted);
    RUN(test_names);
    return TEST_REPORT("test_authorizer");
}
