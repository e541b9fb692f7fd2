/* Fetching and caching the issuers' keys (authz_jwks_fetch.h). */
#include "authz_jwks_fetch.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "http_fetch.h"
#include "json.h"

#define METADATA_DEPTH 8
#define OIDC_SUFFIX "/.well-known/openid-configuration"
#define RFC8414_PREFIX "/.well-known/oauth-authorization-server"

void
authz_keycache_init(authz_keycache_t *kc)
{
    memset(kc, 0, sizeof(*kc));
}

void
authz_keycache_dispose(authz_keycache_t *kc)
{
    authz_keyring_dispose(&kc->ring);
    memset(kc, 0, sizeof(*kc));
}

int
authz_keycache_may_fetch(const authz_config_t *c, const authz_keycache_t *kc, size_t issuer, int64_t now_ms)
{
    int64_t last = kc->issuers[issuer].last_attempt_ms;
    return last == 0 || now_ms - last >= c->oauth.jwks_min_interval * 1000;
}

int
authz_keycache_stale(const authz_config_t *c, const authz_keycache_t *kc, size_t issuer, int64_t now)
{
    const authz_jwks_t *set = &kc->ring.sets[issuer];
    return set->num_keys == 0 || now - set->fetched_at >= c->oauth.jwks_refresh;
}

/* One GET: the body of a 200 response into body (whose limit caps it). */
static int
http_get(const authz_config_t *c, const char *url, int timeout_ms, buf_t *body, char *err, size_t err_len)
{
    static const mcpc_http_header_t accept = {"Accept", 6, "application/json", 16};
    mcpc_fetch_t f = {.url = url,
                      .method = "GET",
                      .headers = &accept,
                      .num_headers = 1,
                      .cacert = c->oauth.ca_file[0] != '\0' ? c->oauth.ca_file : NULL,
                      .timeout_ms = timeout_ms};
    int status = 0;
    if (mcpc_http_fetch(&f, &status, body, err, err_len) != 0)
        return -1;
    if (status != 200) {
        snprintf(err, err_len, "%s: HTTP status %d", url, status);
        return -1;
    }
    return 0;
}

/* The metadata document at url, for issuer: its jwks_uri into out. */
static int
read_metadata(const authz_config_t *c, const authz_issuer_t *iss, const char *url, int timeout_ms, char *out, char *err,
              size_t err_len)
{
    buf_t body = BUF_INIT(AUTHZ_MAX_JWKS_BYTES);
    arena_t arena;
    arena_init(&arena, 32 * AUTHZ_MAX_JWKS_BYTES);
    json_value_t *doc;
    int ret = -1;
    if (http_get(c, url, timeout_ms, &body, err, err_len) != 0)
        goto exit;
    if (json_parse(&arena, body.data, body.len, METADATA_DEPTH, &doc) != 0 || doc->type != JSON_OBJECT) {
        snprintf(err, err_len, "%s: not a JSON object", url);
        goto exit;
    }
    const char *issuer = json_string(json_get(doc, "issuer")), *jwks_uri = json_string(json_get(doc, "jwks_uri"));
    if (issuer == NULL || strcmp(issuer, iss->issuer) != 0) {
        snprintf(err, err_len, "%s: its \"issuer\" is not the configured issuer (a document for another server)", url);
        goto exit;
    }
    if (jwks_uri == NULL || strncmp(jwks_uri, "https://", 8) != 0 || strlen(jwks_uri) > AUTHZ_OAUTH_MAX_URL) {
        snprintf(err, err_len, "%s: no \"jwks_uri\" that is an https URL of at most %d bytes", url, AUTHZ_OAUTH_MAX_URL);
        goto exit;
    }
    strcpy(out, jwks_uri);
    ret = 0;
exit:
    arena_dispose(&arena);
    buf_dispose(&body);
    return ret;
}

/* The JWKS URI: configured, or from the metadata at the configured or the well-known locations. */
static int
discover(const authz_config_t *c, const authz_issuer_t *iss, int timeout_ms, char *out, char *err, size_t err_len)
{
    if (iss->jwks_uri[0] != '\0') {
        strcpy(out, iss->jwks_uri);
        return 0;
    }
    if (iss->metadata_url[0] != '\0')
        return read_metadata(c, iss, iss->metadata_url, timeout_ms, out, err, err_len);
    /* <issuer>/.well-known/openid-configuration, then https://host/.well-known/oauth-authorization-server/path */
    char url[AUTHZ_OAUTH_MAX_URL + 64], first_err[512];
    size_t len = strlen(iss->issuer);
    while (len > 8 && iss->issuer[len - 1] == '/')
        --len;
    snprintf(url, sizeof(url), "%.*s" OIDC_SUFFIX, (int)len, iss->issuer);
    if (read_metadata(c, iss, url, timeout_ms, out, first_err, sizeof(first_err)) == 0)
        return 0;
    const char *host_end = strchr(iss->issuer + 8, '/');
    size_t host_len = host_end != NULL && (size_t)(host_end - iss->issuer) < len ? (size_t)(host_end - iss->issuer) : len;
    snprintf(url, sizeof(url), "%.*s" RFC8414_PREFIX "%.*s", (int)host_len, iss->issuer, (int)(len - host_len),
             iss->issuer + host_len);
    char second_err[512];
    if (read_metadata(c, iss, url, timeout_ms, out, second_err, sizeof(second_err)) == 0)
        return 0;
    snprintf(err, err_len, "no metadata: %.450s; %.450s", first_err, second_err);
    return -1;
}

static int
fetch_jwks(const authz_config_t *c, const char *uri, int timeout_ms, authz_jwks_t *set, size_t *skipped, char *err, size_t err_len)
{
    buf_t body = BUF_INIT(AUTHZ_MAX_JWKS_BYTES);
    char why[400];
    int ret = http_get(c, uri, timeout_ms, &body, err, err_len);
    if (ret == 0 && (ret = authz_jwks_parse(set, body.data != NULL ? body.data : "", body.len, skipped, why, sizeof(why))) != 0)
        snprintf(err, err_len, "%s: %s", uri, why);
    else if (ret == 0 && why[0] != '\0')
        snprintf(err, err_len, "%s: %s", uri, why); /* a note, the fetch succeeded */
    buf_dispose(&body);
    return ret;
}

int
authz_keycache_fetch(const authz_config_t *c, authz_keycache_t *kc, size_t issuer, int64_t now, int64_t now_ms, int timeout_ms,
                     authz_fetch_report_t *report)
{
    const authz_issuer_t *iss = &c->oauth.issuers[issuer];
    char *uri = kc->issuers[issuer].jwks_uri;
    authz_jwks_t fresh;
    memset(&fresh, 0, sizeof(fresh));
    memset(report, 0, sizeof(*report));
    kc->issuers[issuer].last_attempt_ms = now_ms != 0 ? now_ms : 1;
    ++kc->issuers[issuer].attempts;
    int64_t start = clock_monotonic_ms();
    int ret = -1;
    if (uri[0] == '\0' && discover(c, iss, timeout_ms, uri, report->error, sizeof(report->error)) != 0)
        goto exit;
    if (fetch_jwks(c, uri, timeout_ms, &fresh, &report->skipped, report->error, sizeof(report->error)) != 0) {
        /* the provider may have moved its keys: discover again next time (a configured URI stays) */
        snprintf(report->jwks_uri, sizeof(report->jwks_uri), "%s", uri);
        uri[0] = '\0';
        goto exit;
    }
    fresh.fetched_at = now;
    report->keys = fresh.num_keys;
    authz_jwks_move(&kc->ring.sets[issuer], &fresh);
    ret = 0;
exit:
    if (report->jwks_uri[0] == '\0')
        snprintf(report->jwks_uri, sizeof(report->jwks_uri), "%s", uri);
    report->ok = ret == 0;
    report->duration_ms = clock_monotonic_ms() - start;
    authz_jwks_dispose(&fresh);
    return ret;
}
