/* oauth.c: client credentials from the server's metadata chain, and 401/403 in words (oauth.h). */
#include "oauth.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "arena.h"
#include "base64.h"
#include "http_client.h"
#include "http_fetch.h"
#include "http_url.h"
#include "json.h"
#include "mcpc_errors.h"
#include "text.h"

#define MAX_DOCUMENT (1u << 20) /* a metadata document or a token response */
#define DOCUMENT_DEPTH 16
#define EXPIRY_MARGIN_S 30 /* a token this close to its end is not sent any more */

struct st_mcpc_oauth_t {
    mcpc_oauth_config_t config; /* the strings below are our copies */
    char *endpoint, *client_id, *client_secret, *issuer, *cacert;
    char *authorization; /* "Bearer <token>", or NULL */
    int64_t expires_at;  /* monotonic seconds; 0: no expiry given */
};

static int64_t
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* Frees a string that held a secret or a token, wiping it first. */
static void
free_secret(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

/* ---- challenges ---- */

static int
is_tchar(char c)
{
    return isalnum((unsigned char)c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void
set_param(mcpc_challenge_t *out, const char *name, size_t name_len, const char *value, size_t value_len)
{
    static const struct {
        const char *name;
        size_t offset, size;
    } params[] = {
        {"resource_metadata", offsetof(mcpc_challenge_t, resource_metadata), sizeof(out->resource_metadata)},
        {"scope", offsetof(mcpc_challenge_t, scope), sizeof(out->scope)},
        {"error", offsetof(mcpc_challenge_t, error), sizeof(out->error)},
        {"error_description", offsetof(mcpc_challenge_t, error_description), sizeof(out->error_description)},
    };
    for (size_t i = 0; i != sizeof(params) / sizeof(params[0]); ++i) {
        if (strlen(params[i].name) == name_len && strncasecmp(params[i].name, name, name_len) == 0) {
            char *dst = (char *)out + params[i].offset;
            size_t n = value_len < params[i].size - 1 ? value_len : params[i].size - 1;
            memcpy(dst, value, n);
            dst[n] = '\0';
        }
    }
}

/*
 * RFC 9110 11.6.1: challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ], auth-param = token BWS "=" BWS
 * ( token / quoted-string ); several challenges may share one field, separated by commas.
 */
int
mcpc_challenge_parse(const char *text, mcpc_challenge_t *out)
{
    memset(out, 0, sizeof(*out));
    int in_bearer = 0, found = 0;
    const char *p = text;
    char value[MCPC_OAUTH_MAX_URL + 1];
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\n' || *p == '\r')
            ++p;
        const char *name = p;
        while (is_tchar(*p))
            ++p;
        size_t name_len = (size_t)(p - name);
        if (name_len == 0) {
            if (*p != '\0')
                ++p; /* a stray character: skip it */
            continue;
        }
        const char *q = p;
        while (*q == ' ' || *q == '\t')
            ++q;
        if (*q != '=') {
            /* a new auth-scheme (perhaps followed by a token68, which the next round skips as a stray name) */
            in_bearer = name_len == 6 && strncasecmp(name, "Bearer", 6) == 0;
            found |= in_bearer;
            continue;
        }
        p = q + 1;
        while (*p == ' ' || *p == '\t')
            ++p;
        size_t len = 0;
        if (*p == '"') {
            for (++p; *p != '\0' && *p != '"'; ++p) {
                if (*p == '\\' && p[1] != '\0')
                    ++p;
                if (len < sizeof(value) - 1)
                    value[len++] = *p;
            }
            if (*p == '"')
                ++p;
        } else {
            while (is_tchar(*p) || *p == '/' || *p == ':') {
                if (len < sizeof(value) - 1)
                    value[len++] = *p;
                ++p;
            }
        }
        if (in_bearer)
            set_param(out, name, name_len, value, len);
    }
    return found ? 0 : -1;
}

/* A JSON object from a GET that answered 200. */
static int
get_json(arena_t *arena, const char *url, const char *cacert, int timeout_ms, FILE *trace, const json_value_t **doc, char *err,
         size_t err_len)
{
    static const mcpc_http_header_t accept = {"Accept", 6, "application/json", 16};
    mcpc_fetch_t f = {.url = url,
                      .method = "GET",
                      .headers = &accept,
                      .num_headers = 1,
                      .cacert = cacert,
                      .timeout_ms = timeout_ms,
                      .trace = trace};
    buf_t body = BUF_INIT(MAX_DOCUMENT);
    json_value_t *v;
    int status = 0;
    int ret = mcpc_http_fetch(&f, &status, &body, err, err_len);
    if (ret == 0 && status != 200) {
        snprintf(err, err_len, "%s: HTTP %d", url, status);
        ret = MCPC_ERR_HTTP_STATUS;
    } else if (ret == 0 && (json_parse(arena, body.data != NULL ? body.data : "", body.len, DOCUMENT_DEPTH, &v) != 0 ||
                            v->type != JSON_OBJECT)) {
        snprintf(err, err_len, "%s: not a JSON object", url);
        ret = MCPC_ERR_BAD_MESSAGE;
    } else if (ret == 0) {
        *doc = v;
    }
    buf_dispose(&body);
    return ret;
}

/* ---- the chain ---- */

/* Whether the metadata's resource is the endpoint's: same scheme, host and port, and a path the endpoint's starts with. */
static int
resource_matches(const char *resource, const char *endpoint)
{
    mcpc_url_t r, e;
    char why[256];
    if (mcpc_url_parse(resource, &r, why, sizeof(why)) != 0)
        return 0;
    int ok = 0;
    if (mcpc_url_parse(endpoint, &e, why, sizeof(why)) == 0) {
        size_t rlen = strcspn(r.path, "?");
        ok = r.tls == e.tls && r.port == e.port && strcasecmp(r.host, e.host) == 0 && strncmp(r.path, e.path, rlen) == 0 &&
             (rlen == 1 || e.path[rlen] == '\0' || e.path[rlen] == '/' || e.path[rlen] == '?' || r.path[rlen - 1] == '/');
        mcpc_url_dispose(&e);
    }
    mcpc_url_dispose(&r);
    return ok;
}

/* The authorization server's metadata: RFC 8414 first, then OpenID Connect discovery; its issuer must be as. */
static int
as_metadata(arena_t *arena, const char *as, const char *cacert, int timeout_ms, FILE *trace, const json_value_t **doc, char *err,
            size_t err_len)
{
    char url[MCPC_OAUTH_MAX_URL + 64], first[512];
    size_t len = strlen(as);
    while (len > 8 && as[len - 1] == '/')
        --len;
    const char *path = strchr(as + 8, '/');
    size_t host_len = path != NULL && (size_t)(path - as) < len ? (size_t)(path - as) : len;
    snprintf(url, sizeof(url), "%.*s/.well-known/oauth-authorization-server%.*s", (int)host_len, as, (int)(len - host_len),
             as + host_len);
    int ret = get_json(arena, url, cacert, timeout_ms, trace, doc, first, sizeof(first));
    if (ret != 0) {
        snprintf(url, sizeof(url), "%.*s/.well-known/openid-configuration", (int)len, as);
        char second[512];
        if ((ret = get_json(arena, url, cacert, timeout_ms, trace, doc, second, sizeof(second))) != 0) {
            snprintf(err, err_len, "no metadata for the authorization server %s (%s; %s)", as, first, second);
            return ret;
        }
    }
    const char *issuer = json_string(json_get(*doc, "issuer"));
    if (issuer == NULL || strcmp(issuer, as) != 0) {
        snprintf(err, err_len, "the metadata of the authorization server %s names another issuer (RFC 8414 3.3): refused", as);
        return MCPC_ERR_AUTH;
    }
    return 0;
}

/* application/x-www-form-urlencoded, every byte but the unreserved ones percent-encoded */
static void
form_encode(buf_t *b, const char *value)
{
    for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; ++p) {
        if (isalnum(*p) || strchr("-._~", *p) != NULL)
            buf_append_char(b, (char)*p);
        else
            buf_printf(b, "%%%02X", *p);
    }
}

static void
form_append(buf_t *b, const char *name, const char *value)
{
    if (b->len != 0)
        buf_append_char(b, '&');
    buf_append_str(b, name);
    buf_append_char(b, '=');
    form_encode(b, value);
}

static int
supports(const json_value_t *methods, const char *method)
{
    for (size_t i = 0; methods != NULL && methods->type == JSON_ARRAY && i != methods->u.arr.len; ++i) {
        const char *m = json_string(methods->u.arr.items[i]);
        if (m != NULL && strcmp(m, method) == 0)
            return 1;
    }
    return 0;
}

/* The token request itself. */
static int
request_token(mcpc_oauth_t *o, arena_t *arena, const char *as, const json_value_t *meta, const char *scope, const char *resource,
              char *err, size_t err_len)
{
    const char *token_endpoint = json_string(json_get(meta, "token_endpoint"));
    if (token_endpoint == NULL || strncmp(token_endpoint, "https://", 8) != 0) {
        snprintf(err, err_len, "the authorization server %s has no https token endpoint: the client secret is not sent", as);
        return MCPC_ERR_AUTH;
    }
    const json_value_t *methods = json_get(meta, "token_endpoint_auth_methods_supported");
    int post_secret = methods != NULL && !supports(methods, "client_secret_basic") && supports(methods, "client_secret_post");
    buf_t form = BUF_INIT(0), credentials = BUF_INIT(0), basic = BUF_INIT(0);
    form_append(&form, "grant_type", "client_credentials");
    if (scope[0] != '\0')
        form_append(&form, "scope", scope);
    form_append(&form, "resource", resource);
    if (post_secret) {
        form_append(&form, "client_id", o->client_id);
        form_append(&form, "client_secret", o->client_secret);
    } else {
        /* RFC 6749 2.3.1: id and secret are form-encoded before they are joined */
        form_encode(&credentials, o->client_id);
        buf_append_char(&credentials, ':');
        form_encode(&credentials, o->client_secret);
        buf_append_str(&basic, "Basic ");
        base64_encode(&basic, credentials.data, credentials.len);
    }
    mcpc_http_header_t headers[3] = {{"Content-Type", 12, "application/x-www-form-urlencoded", 33},
                                     {"Accept", 6, "application/json", 16}};
    size_t num_headers = 2;
    if (!post_secret)
        headers[num_headers++] = (mcpc_http_header_t){"Authorization", 13, basic.data, basic.len};
    mcpc_fetch_t f = {.url = token_endpoint,
                      .method = "POST",
                      .headers = headers,
                      .num_headers = num_headers,
                      .body = form.data,
                      .cacert = o->cacert,
                      .timeout_ms = o->config.timeout_ms,
                      .trace = o->config.trace};
    buf_t body = BUF_INIT(MAX_DOCUMENT);
    int status = 0;
    int ret = buf_failed(&form) || buf_failed(&basic) ? MCPC_ERR_NOMEM : mcpc_http_fetch(&f, &status, &body, err, err_len);
    json_value_t *v = NULL;
    if (ret == 0 && json_parse(arena, body.data != NULL ? body.data : "", body.len, DOCUMENT_DEPTH, &v) != 0)
        v = NULL;
    if (ret == 0 && status != 200) {
        buf_t what = BUF_INIT(512);
        const char *e = json_string(json_get(v, "error")), *d = json_string(json_get(v, "error_description"));
        if (e != NULL)
            mcpc_text_snippet(&what, e, strlen(e), 64);
        if (d != NULL) {
            buf_append_str(&what, ": ");
            mcpc_text_snippet(&what, d, strlen(d), 200);
        }
        snprintf(err, err_len, "the authorization server %s refused the client credentials (HTTP %d%s%s)", as, status,
                 what.len != 0 ? ", " : "", what.len != 0 ? what.data : "");
        buf_dispose(&what);
        ret = MCPC_ERR_AUTH;
    } else if (ret == 0) {
        const char *token = json_string(json_get(v, "access_token")), *type = json_string(json_get(v, "token_type"));
        int64_t expires_in = 0;
        if (token == NULL || token[0] == '\0' || type == NULL || strcasecmp(type, "Bearer") != 0 ||
            !mcpc_http_header_valid("Authorization", 13, token, strlen(token))) {
            snprintf(err, err_len, "the authorization server %s answered without a Bearer access_token", as);
            ret = MCPC_ERR_BAD_MESSAGE;
        } else if (json_get(v, "expires_in") != NULL &&
                   (json_int64(json_get(v, "expires_in"), &expires_in) != 0 || expires_in <= 0)) {
            snprintf(err, err_len, "the authorization server %s answered with an invalid expires_in", as);
            ret = MCPC_ERR_BAD_MESSAGE;
        } else {
            free_secret(o->authorization);
            size_t len = strlen(token);
            if ((o->authorization = malloc(len + 8)) == NULL) {
                ret = MCPC_ERR_NOMEM;
            } else {
                memcpy(o->authorization, "Bearer ", 7);
                memcpy(o->authorization + 7, token, len + 1);
                o->expires_at = expires_in != 0 ? now_s() + expires_in - EXPIRY_MARGIN_S : 0;
                if (expires_in != 0 && o->expires_at <= now_s())
                    o->expires_at = now_s() + 1; /* a very short-lived token: good for this request at least */
            }
        }
    }
    if (body.data != NULL)
        OPENSSL_cleanse(body.data, body.len); /* it held the token */
    OPENSSL_cleanse(form.data, form.len);
    if (credentials.data != NULL)
        OPENSSL_cleanse(credentials.data, credentials.len);
    if (basic.data != NULL)
        OPENSSL_cleanse(basic.data, basic.len);
    buf_dispose(&body);
    buf_dispose(&form);
    buf_dispose(&credentials);
    buf_dispose(&basic);
    return ret;
}

/* The authorization server to use from the metadata's list: MCP_OAUTH_ISSUER when set, else the first. */
static const char *
pick_as(const mcpc_oauth_t *o, const json_value_t *servers)
{
    for (size_t i = 0; servers != NULL && servers->type == JSON_ARRAY && i != servers->u.arr.len; ++i) {
        const char *s = json_string(servers->u.arr.items[i]);
        if (s != NULL && (o->issuer == NULL || strcmp(s, o->issuer) == 0))
            return s;
    }
    return NULL;
}

int
mcpc_oauth_fetch(mcpc_oauth_t *o, const char *challenges, char *err, size_t err_len)
{
    mcpc_challenge_t ch;
    arena_t arena;
    arena_init(&arena, 64u * MAX_DOCUMENT);
    const json_value_t *prm, *meta;
    int ret;
    if (mcpc_challenge_parse(challenges, &ch) != 0 || ch.resource_metadata[0] == '\0') {
        snprintf(err, err_len,
                 "the server's 401 names no protected resource metadata (WWW-Authenticate: Bearer resource_metadata=...): "
                 "no authorization server to ask");
        ret = MCPC_ERR_AUTH;
        goto exit;
    }
    if ((ret = get_json(&arena, ch.resource_metadata, o->cacert, o->config.timeout_ms, o->config.trace, &prm, err, err_len)) != 0)
        goto exit;
    const char *resource = json_string(json_get(prm, "resource"));
    if (resource == NULL || !resource_matches(resource, o->endpoint)) {
        snprintf(err, err_len,
                 "the protected resource metadata at %s is for another resource than the endpoint (RFC 9728 3.3): refused",
                 ch.resource_metadata);
        ret = MCPC_ERR_AUTH;
        goto exit;
    }
    const char *as = pick_as(o, json_get(prm, "authorization_servers"));
    if (as == NULL) {
        snprintf(err, err_len,
                 o->issuer != NULL ? "the server does not name MCP_OAUTH_ISSUER (%s) among its authorization servers"
                                   : "the server's metadata names no authorization server%s",
                 o->issuer != NULL ? o->issuer : "");
        ret = MCPC_ERR_AUTH;
        goto exit;
    }
    if (strncmp(as, "https://", 8) != 0) {
        snprintf(err, err_len, "the authorization server %s is not an https URL: the client secret is not sent", as);
        ret = MCPC_ERR_AUTH;
        goto exit;
    }
    if ((ret = as_metadata(&arena, as, o->cacert, o->config.timeout_ms, o->config.trace, &meta, err, err_len)) != 0)
        goto exit;
    /* the scope the server asked for, else every scope it supports (SEP-835's order) */
    char scope[MCPC_OAUTH_MAX_SCOPE + 1] = "";
    if (ch.scope[0] != '\0') {
        snprintf(scope, sizeof(scope), "%s", ch.scope);
    } else {
        const json_value_t *supported = json_get(prm, "scopes_supported");
        for (size_t i = 0, at = 0; supported != NULL && supported->type == JSON_ARRAY && i != supported->u.arr.len; ++i) {
            const char *s = json_string(supported->u.arr.items[i]);
            if (s != NULL && at < sizeof(scope))
                at += (size_t)snprintf(scope + at, sizeof(scope) - at, "%s%s", at != 0 ? " " : "", s);
        }
    }
    ret = request_token(o, &arena, as, meta, scope, resource, err, err_len);
exit:
    arena_dispose(&arena);
    return ret;
}

/* ---- the object ---- */

static char *
dup_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

int
mcpc_oauth_new(const mcpc_oauth_config_t *config, mcpc_oauth_t **out)
{
    mcpc_oauth_t *o = calloc(1, sizeof(*o));
    if (o == NULL)
        return MCPC_ERR_NOMEM;
    o->config = *config;
    o->endpoint = dup_or_null(config->endpoint);
    o->client_id = dup_or_null(config->client_id);
    o->client_secret = dup_or_null(config->client_secret);
    o->issuer = dup_or_null(config->issuer);
    o->cacert = dup_or_null(config->cacert);
    if (o->endpoint == NULL || o->client_id == NULL || o->client_secret == NULL ||
        ((config->issuer != NULL && config->issuer[0] != '\0') != (o->issuer != NULL)) ||
        ((config->cacert != NULL && config->cacert[0] != '\0') != (o->cacert != NULL))) {
        mcpc_oauth_free(o);
        return MCPC_ERR_NOMEM;
    }
    *out = o;
    return 0;
}

void
mcpc_oauth_free(mcpc_oauth_t *o)
{
    if (o == NULL)
        return;
    free(o->endpoint);
    free(o->client_id);
    free_secret(o->client_secret);
    free(o->issuer);
    free(o->cacert);
    free_secret(o->authorization);
    free(o);
}

const char *
mcpc_oauth_authorization(mcpc_oauth_t *o)
{
    if (o->authorization != NULL && o->expires_at != 0 && now_s() >= o->expires_at) {
        free_secret(o->authorization);
        o->authorization = NULL;
    }
    return o->authorization;
}

/* ---- 401 and 403 in words ---- */

void
mcpc_oauth_describe(const char *challenges, int status, const char *endpoint, const char *cacert, int timeout_ms, int suggest,
                    buf_t *out)
{
    mcpc_challenge_t ch;
    if (mcpc_challenge_parse(challenges, &ch) != 0)
        return;
    if (ch.error[0] != '\0') {
        buf_append_str(out, "mcp-client: the server says: ");
        mcpc_text_snippet(out, ch.error, strlen(ch.error), 64);
        if (strcmp(ch.error, "insufficient_scope") == 0)
            buf_append_str(out, " (the token is valid but lacks a scope)");
        if (ch.error_description[0] != '\0') {
            buf_append_str(out, ": ");
            mcpc_text_snippet(out, ch.error_description, strlen(ch.error_description), 200);
        }
        buf_append_char(out, '\n');
    }
    if (ch.scope[0] != '\0') {
        buf_append_str(out, status == 403 ? "mcp-client: scope needed: " : "mcp-client: scope: ");
        mcpc_text_snippet(out, ch.scope, strlen(ch.scope), 300);
        buf_append_char(out, '\n');
    }
    if (ch.resource_metadata[0] == '\0')
        return;
    arena_t arena;
    arena_init(&arena, 64u * MAX_DOCUMENT);
    const json_value_t *prm;
    char err[512];
    if (get_json(&arena, ch.resource_metadata, cacert, timeout_ms, NULL, &prm, err, sizeof(err)) == 0) {
        const json_value_t *servers = json_get(prm, "authorization_servers");
        const char *resource = json_string(json_get(prm, "resource"));
        for (size_t i = 0; servers != NULL && servers->type == JSON_ARRAY && i != servers->u.arr.len; ++i) {
            const char *s = json_string(servers->u.arr.items[i]);
            if (s == NULL)
                continue;
            buf_append_str(out, "mcp-client: authorization server: ");
            mcpc_text_snippet(out, s, strlen(s), 300);
            buf_append_char(out, '\n');
        }
        if (resource != NULL) {
            buf_append_str(out, resource_matches(resource, endpoint) ? "mcp-client: resource (the token's audience): "
                                                                     : "mcp-client: resource (NOT this endpoint): ");
            mcpc_text_snippet(out, resource, strlen(resource), 300);
            buf_append_char(out, '\n');
        }
        if (ch.scope[0] == '\0') {
            const json_value_t *supported = json_get(prm, "scopes_supported");
            for (size_t i = 0; supported != NULL && supported->type == JSON_ARRAY && i != supported->u.arr.len; ++i) {
                const char *s = json_string(supported->u.arr.items[i]);
                if (s == NULL)
                    continue;
                buf_append_str(out, i == 0 ? "mcp-client: scopes supported: " : " ");
                mcpc_text_snippet(out, s, strlen(s), 100);
            }
            if (supported != NULL && supported->type == JSON_ARRAY && supported->u.arr.len != 0)
                buf_append_char(out, '\n');
        }
        if (status == 401 && suggest)
            buf_append_str(out,
                           "mcp-client: get a token there (mcp-client --oauth-client-credentials, with MCP_OAUTH_CLIENT_ID and "
                           "MCP_OAUTH_CLIENT_SECRET, does it for a machine client)\n");
    } else {
        buf_append_str(out, "mcp-client: the protected resource metadata could not be read: ");
        mcpc_text_snippet(out, err, strlen(err), 300);
        buf_append_char(out, '\n');
    }
    arena_dispose(&arena);
}
