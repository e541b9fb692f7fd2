/*
 * authz_jwks_fetch: getting an OAuth issuer's keys over HTTPS (common/http_client.h), and the cache policy around it.
 * This is the authorizer's only I/O besides the Runtime API; the decision never calls it.
 *
 * Discovery: the issuer's configured "jwksUri" if any; otherwise its metadata document, from the configured
 * "metadata" URL, or the OpenID Connect location <issuer>/.well-known/openid-configuration and, if that fails, the
 * RFC 8414 one https://<host>/.well-known/oauth-authorization-server<path>. The document's "issuer" must be the
 * configured issuer exactly (RFC 8414 3.3, OpenID Discovery 4.3: a document for another issuer is a mix-up) and its
 * "jwks_uri" an https URL. The JWKS URI found is remembered; discovery runs again only when fetching it fails.
 * Redirects are not followed; anything but 200 is a failure; documents are capped (AUTHZ_MAX_JWKS_BYTES).
 *
 * The policy (authz_keycache_*): per issuer, fetches are at least jwks_min_interval seconds apart, whatever asks
 * (a start, an unknown kid, an age refresh), so a flood of tokens with made-up kids costs one fetch per interval;
 * a successful fetch replaces the set whole (so keys the provider removed are gone); a failed one keeps the old set,
 * which authz_decide() stops trusting once it is older than jwks_max_age.
 */
#ifndef AUTHORIZER_AUTHZ_JWKS_FETCH_H
#define AUTHORIZER_AUTHZ_JWKS_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "authz.h"
#include "authz_jwk.h"

typedef struct st_authz_keycache_t {
    authz_keyring_t ring;
    struct {
        char jwks_uri[AUTHZ_OAUTH_MAX_URL + 1]; /* discovered or configured; "" until known */
        int64_t last_attempt_ms;                /* monotonic; 0: never */
        int attempts;                           /* fetches tried, for the log and the tests */
    } issuers[AUTHZ_MAX_ISSUERS];
} authz_keycache_t;

/* What one fetch did, for the log line. */
typedef struct st_authz_fetch_report_t {
    int ok;
    size_t keys, skipped;
    int64_t duration_ms;
    char jwks_uri[AUTHZ_OAUTH_MAX_URL + 1];
    char error[1024]; /* on failure; or a note on an ignored key when ok. Never a document's content. */
} authz_fetch_report_t;

void authz_keycache_init(authz_keycache_t *kc);
void authz_keycache_dispose(authz_keycache_t *kc);

/* Whether issuer's keys may be fetched now (the minimum interval since the last attempt has passed). */
int authz_keycache_may_fetch(const authz_config_t *c, const authz_keycache_t *kc, size_t issuer, int64_t now_ms);
/* Whether issuer's keys are due for a refresh at wall-clock time now (older than jwks_refresh, or none). */
int authz_keycache_stale(const authz_config_t *c, const authz_keycache_t *kc, size_t issuer, int64_t now);

/*
 * Fetches issuer's keys (discovering the JWKS URI if needed) with each request bounded by timeout_ms, and on success
 * installs them with fetched_at = now. Counts as an attempt at now_ms whatever happens. Returns 0 or -1; *report says
 * what happened either way.
 */
int authz_keycache_fetch(const authz_config_t *c, authz_keycache_t *kc, size_t issuer, int64_t now, int64_t now_ms, int timeout_ms,
                         authz_fetch_report_t *report);

#endif
