/*
 * authz: the token authorizer's decision, separated from the Lambda runtime loop (authorizer/main.c) so it can be
 * unit-tested and fuzzed as a pure function: an event in, a response (or "fail with Unauthorized") out, no I/O, no
 * clock, no logging.
 *
 * Three event formats are answered, told apart by their shape (docs/authorizer.md):
 *   - REST API TOKEN authorizer:   {"type":"TOKEN","authorizationToken":"Bearer ...","methodArn":"arn:..."}
 *   - REST API REQUEST authorizer (and HTTP API payload 1.0): {"type":"REQUEST","methodArn":..,"headers":..}
 *   - HTTP API payload 2.0 with simple responses: {"version":"2.0","type":"REQUEST","routeArn":..,"headers":..}
 * The first two are answered with an IAM policy on an Allow and by failing the invocation with the error message
 * "Unauthorized" otherwise (API Gateway then answers 401); the third with {"isAuthorized":true|false,...}.
 */
#ifndef AUTHORIZER_AUTHZ_H
#define AUTHORIZER_AUTHZ_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Why a request was refused. 0 means allowed; every refusal has its own negative code, never reused, and a short
 * fixed text that is what the decision log line carries as "reason" (it never contains input).
 */
#define AUTHZ_REASONS(X)                                                                                                           \
    X(AUTHZ_ERR_EVENT, -1, "malformed event")                                                                                      \
    X(AUTHZ_ERR_ARN, -2, "malformed methodArn")                                                                                    \
    X(AUTHZ_ERR_MISSING, -3, "missing")                                                                                            \
    X(AUTHZ_ERR_AMBIGUOUS, -4, "several Authorization headers")                                                                    \
    X(AUTHZ_ERR_SCHEME, -5, "scheme")                                                                                              \
    X(AUTHZ_ERR_EMPTY_TOKEN, -6, "empty token")                                                                                    \
    X(AUTHZ_ERR_TOKEN_SYNTAX, -7, "malformed token")                                                                               \
    X(AUTHZ_ERR_TOKEN_TOO_LONG, -8, "token too long")                                                                              \
    X(AUTHZ_ERR_UNKNOWN_TOKEN, -9, "unknown token")                                                                                \
    X(AUTHZ_ERR_JWT_MALFORMED, -10, "jwt malformed")                                                                               \
    X(AUTHZ_ERR_JWT_ALG, -11, "jwt algorithm")                                                                                     \
    X(AUTHZ_ERR_JWT_SIGNATURE, -12, "jwt signature")                                                                               \
    X(AUTHZ_ERR_JWT_EXPIRED, -13, "jwt expired")                                                                                   \
    X(AUTHZ_ERR_JWT_NOT_YET_VALID, -14, "jwt not yet valid")                                                                       \
    X(AUTHZ_ERR_JWT_ISSUER, -15, "jwt issuer")                                                                                     \
    X(AUTHZ_ERR_JWT_AUDIENCE, -16, "jwt audience")                                                                                 \
    X(AUTHZ_ERR_JWT_CLAIMS, -17, "jwt claims")                                                                                     \
    X(AUTHZ_ERR_INTERNAL, -18, "internal error")                                                                                   \
    X(AUTHZ_ERR_JWT_TYPE, -19, "jwt type")                                                                                         \
    X(AUTHZ_ERR_JWT_UNKNOWN_KEY, -20, "jwt unknown key")                                                                           \
    X(AUTHZ_ERR_JWT_NO_KEYS, -21, "jwt keys unavailable")                                                                          \
    X(AUTHZ_ERR_JWT_SCOPE, -22, "jwt scope")                                                                                       \
    X(AUTHZ_ERR_JWT_CLAIM_VALUE, -23, "jwt claim value")

enum {
    AUTHZ_ALLOW = 0,
#define AUTHZ_REASON_ENUM(name, code, text) name = code,
    AUTHZ_REASONS(AUTHZ_REASON_ENUM)
#undef AUTHZ_REASON_ENUM
};

/* The fixed text of a reason ("allow" for 0). */
const char *authz_strreason(int reason);

/* The error message (and type) that makes API Gateway answer 401; exactly this, nothing else works. */
#define AUTHZ_UNAUTHORIZED "Unauthorized"

#define AUTHZ_MAX_TOKENS 16        /* configured static tokens */
#define AUTHZ_MAX_LABEL 64         /* a label's length */
#define AUTHZ_MAX_TOKEN_BYTES 8192 /* a bearer token's length; API Gateway's own header limits are about 10 KB */
#define AUTHZ_MAX_EVENT_BYTES (1u << 20)
#define AUTHZ_MAX_PRINCIPAL 128    /* a JWT sub, and its client_id */
#define AUTHZ_MAX_SCOPE_CLAIM 2048 /* the granted scopes a JWT carries, as passed on to tools */
#define AUTHZ_MAX_RESPONSE_BYTES 8192
#define AUTHZ_JWT_MIN_KEY 32 /* RFC 7518 3.2: an HS256 key is at least as long as the hash */
#define AUTHZ_JWT_MAX_KEY 512
#define AUTHZ_JWT_MAX_CLAIM 256 /* configured issuer and audience */
#define AUTHZ_JWT_LEEWAY 60     /* seconds of clock skew allowed on exp and nbf */

typedef struct st_authz_token_t {
    char label[AUTHZ_MAX_LABEL + 1];
    unsigned char digest[32]; /* SHA-256 of the token */
} authz_token_t;

typedef struct st_authz_jwt_config_t {
    int enabled;
    unsigned char key[AUTHZ_JWT_MAX_KEY];
    size_t key_len;
    char issuer[AUTHZ_JWT_MAX_CLAIM + 1];
    char audience[AUTHZ_JWT_MAX_CLAIM + 1];
    int64_t leeway;
} authz_jwt_config_t;

#define AUTHZ_OAUTH_MAX_ISSUERS 8   /* = AUTHZ_MAX_ISSUERS of authz_jwk.h: one key set each */
#define AUTHZ_OAUTH_MAX_URL 512     /* an issuer, a metadata URL, a JWKS URI, the resource */
#define AUTHZ_OAUTH_MAX_AUDIENCES 8 /* per issuer */
#define AUTHZ_OAUTH_MAX_TYPS 4      /* accepted "typ" values per issuer */
#define AUTHZ_OAUTH_MAX_SCOPES 16   /* required scopes per issuer */
#define AUTHZ_OAUTH_MAX_SCOPE 128   /* one scope name */
#define AUTHZ_OAUTH_MAX_CLAIMS 8    /* required claim values per issuer */
#define AUTHZ_OAUTH_MAX_CLAIM_NAME 64

/* Where an issuer puts the audience it checks (Cognito's access tokens have client_id and no aud). */
typedef enum en_authz_audience_claim_t {
    AUTHZ_AUDIENCE_AUD,       /* "aud": a string, or an array that must contain one of the audiences */
    AUTHZ_AUDIENCE_CLIENT_ID, /* "client_id": a string equal to one of the audiences */
} authz_audience_claim_t;

/*
 * One OAuth authorization server whose JWT access tokens (RFC 9068) are accepted, from MCP_OAUTH_ISSUERS
 * (docs/authorizer.md has the JSON form and the defaults).
 */
typedef struct st_authz_issuer_t {
    char issuer[AUTHZ_OAUTH_MAX_URL + 1];       /* the exact "iss", an https URL */
    char metadata_url[AUTHZ_OAUTH_MAX_URL + 1]; /* where discovery starts; "" for the well-known URLs under issuer */
    char jwks_uri[AUTHZ_OAUTH_MAX_URL + 1];     /* configured JWKS URL, skipping discovery; "" to discover it */
    char audiences[AUTHZ_OAUTH_MAX_AUDIENCES][AUTHZ_OAUTH_MAX_URL + 1];
    size_t num_audiences;
    authz_audience_claim_t audience_claim;
    int check_typ;                       /* 0: the header's typ is not looked at */
    char typs[AUTHZ_OAUTH_MAX_TYPS][64]; /* accepted media types, without "application/", compared case-insensitively */
    size_t num_typs;
    char scopes[AUTHZ_OAUTH_MAX_SCOPES][AUTHZ_OAUTH_MAX_SCOPE + 1]; /* every one must have been granted */
    size_t num_scopes;
    char scope_challenge[AUTHZ_OAUTH_MAX_SCOPES * (AUTHZ_OAUTH_MAX_SCOPE + 1)]; /* the scopes, space-separated */
    struct {
        char name[AUTHZ_OAUTH_MAX_CLAIM_NAME + 1];
        char value[AUTHZ_JWT_MAX_CLAIM + 1];
    } claims[AUTHZ_OAUTH_MAX_CLAIMS]; /* claims that must be strings with exactly these values (token_use: access) */
    size_t num_claims;
    unsigned algorithms; /* allowed authz_jwa_t bits (asymmetric only) */
} authz_issuer_t;

typedef struct st_authz_oauth_config_t {
    authz_issuer_t issuers[AUTHZ_OAUTH_MAX_ISSUERS];
    size_t num_issuers;
    char resource[AUTHZ_OAUTH_MAX_URL + 1]; /* this endpoint's canonical URI, stage included: the default audience */
    char ca_file[AUTHZ_OAUTH_MAX_URL + 1];  /* PEM CAs trusted for metadata and JWKS instead of the system store; "" */
    int64_t leeway;                         /* seconds of clock skew on exp, nbf and iat */
    int64_t jwks_refresh;                   /* seconds after which cached keys are refreshed (after an answer) */
    int64_t jwks_max_age;                   /* seconds after which cached keys that could not be refreshed are dropped */
    int64_t jwks_min_interval;              /* seconds between two fetches for one issuer, whatever asks for them */
    int fetch_timeout_ms;                   /* for connecting, and each wait, per metadata or JWKS request */
} authz_oauth_config_t;

#define AUTHZ_MAX_USAGE_PREFIX 64
/*
 * The usage-plan label of every JWT principal (OAuth access tokens, HS256): clients the plan cannot know in advance
 * share one key, prefix + this (cdk/lib/config.ts JWT_USAGE_LABEL). Static tokens use their own label.
 */
#define AUTHZ_JWT_USAGE_LABEL "jwt-clients"

typedef struct st_authz_config_t {
    authz_token_t tokens[AUTHZ_MAX_TOKENS];
    size_t num_tokens;
    authz_jwt_config_t jwt;
    authz_oauth_config_t oauth;
    /*
     * REST API usage plans keyed by the authorizer (API key source AUTHORIZER): an Allow carries usageIdentifierKey =
     * this prefix + the principal, the value of that client's API key. "": no usageIdentifierKey.
     */
    char usage_key_prefix[AUTHZ_MAX_USAGE_PREFIX + 1];
} authz_config_t;

/* The raw settings, as the environment holds them; NULL means unset. */
typedef struct st_authz_settings_t {
    const char *tokens;                  /* MCP_AUTH_TOKENS: "label:sha256hex[,label:sha256hex...]" */
    const char *jwt_key;                 /* MCP_JWT_HS256_KEY: the key in base64 (standard, padded) or base64url (unpadded) */
    const char *jwt_issuer;              /* MCP_JWT_ISSUER */
    const char *jwt_audience;            /* MCP_JWT_AUDIENCE */
    const char *oauth_issuers;           /* MCP_OAUTH_ISSUERS: a JSON array of issuer objects */
    const char *oauth_resource;          /* MCP_OAUTH_RESOURCE: the canonical URI, e.g. https://host/prod/mcp */
    const char *oauth_ca_file;           /* MCP_OAUTH_CA_FILE */
    const char *oauth_jwks_refresh;      /* MCP_OAUTH_JWKS_REFRESH_SECONDS (default 3600) */
    const char *oauth_jwks_max_age;      /* MCP_OAUTH_JWKS_MAX_AGE_SECONDS (default 86400) */
    const char *oauth_jwks_min_interval; /* MCP_OAUTH_JWKS_MIN_INTERVAL_SECONDS (default 30) */
    const char *oauth_fetch_timeout_ms;  /* MCP_OAUTH_FETCH_TIMEOUT_MS (default 2000) */
    /* MCP_USAGE_KEY_PREFIX: [A-Za-z0-9._-], 1 to 64 characters */
    const char *usage_key_prefix;
} authz_settings_t;

/*
 * Builds the configuration from the settings. Returns 0, or -1 with a message in err naming the variable and the
 * problem (the entry's position and, when it is valid, its label), never a digest, a key or the raw entry: whoever
 * pastes a token where a label belongs must not find it in the logs. A configuration that could only deny is an
 * error too: nothing is silently turned into deny-all.
 */
int authz_config_parse(authz_config_t *c, const authz_settings_t *s, char *err, size_t err_len);
/* The raw settings from the environment variables named in authz_settings_t (the strings stay the environment's). */
void authz_settings_from_env(authz_settings_t *s);
/* authz_config_parse() of authz_settings_from_env(). */
int authz_config_from_env(authz_config_t *c, char *err, size_t err_len);
/* Wipes the key material. */
void authz_config_dispose(authz_config_t *c);

typedef enum en_authz_format_t {
    AUTHZ_FORMAT_UNKNOWN,
    AUTHZ_FORMAT_TOKEN,       /* REST API TOKEN authorizer */
    AUTHZ_FORMAT_REQUEST,     /* REST API REQUEST authorizer, and HTTP API payload 1.0 */
    AUTHZ_FORMAT_HTTP_SIMPLE, /* HTTP API payload 2.0, simple responses */
} authz_format_t;

typedef enum en_authz_method_t {
    AUTHZ_METHOD_NONE,
    AUTHZ_METHOD_TOKEN, /* a static token, matched by its digest */
    AUTHZ_METHOD_JWT,   /* a JWT: HS256 with the shared key, or an OAuth issuer's access token */
} authz_method_t;

/* The names the log uses for formats and methods. */
const char *authz_format_name(authz_format_t f);
const char *authz_method_name(authz_method_t m);

struct st_authz_result_t {
    int reason;  /* AUTHZ_ALLOW or an AUTHZ_ERR_* code */
    int respond; /* 1: send `out` as the invocation's response; 0: fail the invocation with AUTHZ_UNAUTHORIZED */
    authz_format_t format;
    authz_method_t method;
    char principal[AUTHZ_MAX_PRINCIPAL + 1]; /* the label or the JWT's sub when allowed; "" otherwise */
    char client[AUTHZ_MAX_PRINCIPAL + 1];    /* a JWT's client_id (or azp) when allowed; "" otherwise */
    int issuer; /* the OAuth issuer (index in c->oauth.issuers) the JWT named, allowed or not; -1 for none */
};

typedef struct st_authz_result_t authz_result_t;
struct st_authz_keyring_t;

/*
 * Decides on one event (event[0..len), need not be NUL-terminated) at time `now` (seconds since the epoch, for JWT
 * expiry and the age of cached keys), with the OAuth issuers' keys in keys (NULL: none fetched). Writes the response
 * to out when result->respond is 1 (out is reset first). Returns result->reason.
 *
 * Guarantees, checked by the unit tests and the fuzz target: an Allow (a policy with Effect Allow, or isAuthorized
 * true) is written only when the reason is AUTHZ_ALLOW; a refusal either fails the invocation (401), or answers a
 * Deny policy for the stage when a valid JWT lacks a required scope (AUTHZ_ERR_JWT_SCOPE: API Gateway answers 403),
 * or, for HTTP API simple responses, answers exactly {"isAuthorized":false}; an event that does not parse is refused.
 * AUTHZ_ERR_JWT_UNKNOWN_KEY and AUTHZ_ERR_JWT_NO_KEYS name the issuer in result->issuer: the caller may fetch its keys
 * again (at a bounded rate) and decide once more.
 */
int authz_decide(const authz_config_t *c, const struct st_authz_keyring_t *keys, const char *event, size_t len, int64_t now,
                 buf_t *out, authz_result_t *result);

/*
 * Makes OpenSSL load its providers now: the first digest otherwise costs about a millisecond, which belongs in the
 * Lambda init phase (done once, ahead of the first request with provisioned concurrency), not in the first decision.
 */
void authz_warm_up(void);

#endif
