/*
 * aws_secrets: one secret of AWS Secrets Manager, read with GetSecretValue through aws_client (SigV4 over the shared
 * HTTP client), with the value of its AWSCURRENT version and, when there is one, of its AWSPREVIOUS version.
 *
 * Why both: a rotation (put-secret-value, or a rotation function) moves AWSCURRENT to the new version and
 * AWSPREVIOUS to the old one. Instances re-read the secret on their own schedule, so for a while some hold the new
 * value and some the old; accepting both is what keeps a rotation from refusing anything (a request state sealed by
 * an instance that has not re-read yet, a token just replaced).
 *
 * Re-reading is lazy and bounded: aws_secret_refresh() reads again only when refresh_ms have passed since the last
 * read (or, when forced, retry_ms since the last forced read), so a caller may call it on every request.
 * A re-read first asks for AWSCURRENT; only when its version id changed is AWSPREVIOUS read too, so a steady secret
 * costs one call per interval. A failed re-read keeps the values held; the first read has no such fallback.
 *
 * Values are secrets: they are never logged, error messages name the secret id and AWS's error code only, and the
 * memory holding them is wiped when replaced or freed.
 *
 * Threads: every function may be called from any thread; a re-read holds the secret's lock while it waits for AWS.
 */
#ifndef COMMON_AWS_SECRETS_H
#define COMMON_AWS_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define AWS_SECRET_DEFAULT_REFRESH_MS 300000 /* 5 minutes */
#define AWS_SECRET_DEFAULT_RETRY_MS 10000
#define AWS_SECRET_MAX_BYTES 65536 /* Secrets Manager's own limit on a secret value */

typedef struct st_aws_secret_t aws_secret_t;

typedef struct st_aws_secret_config_t {
    const char *secret_id; /* the secret's ARN (or name) */
    /* the Secrets Manager endpoint; NULL or "": https://secretsmanager.<AWS_REGION>.amazonaws.com */
    const char *endpoint;
    int64_t refresh_ms; /* how old the values may get before a re-read; 0: AWS_SECRET_DEFAULT_REFRESH_MS */
    int64_t retry_ms;   /* the least time between two forced reads, and after a failure; 0: the default */
    int timeout_ms;     /* each call to AWS; 0: aws_client's default */
} aws_secret_config_t;

#define AWS_SECRET_REFRESH_VAR "MCP_SECRETS_REFRESH_SECONDS" /* 1 to 86400; default AWS_SECRET_DEFAULT_REFRESH_MS */
#define AWS_SECRET_ENDPOINT_VAR "MCP_SECRETS_ENDPOINT"       /* tests; default: the region's public endpoint */

/*
 * The configuration every binary of ours reads a secret with: secret_id, and the refresh interval and endpoint from
 * the two variables above (the rest zero: defaults). Returns 0, or -1 with the reason in err (a refresh interval that
 * is not a number of seconds from 1 to 86400).
 */
int aws_secret_config_from_env(aws_secret_config_t *c, const char *secret_id, char *err, size_t err_len);

/*
 * Creates the client and reads the secret now. Returns 0, or -1 with the reason in err: no credentials or region,
 * the secret unreadable (AWS's error code: AccessDeniedException, ResourceNotFoundException, ...), or a value that
 * is not a SecretString of at most AWS_SECRET_MAX_BYTES.
 */
int aws_secret_open(const aws_secret_config_t *config, aws_secret_t **out, char *err, size_t err_len);
void aws_secret_free(aws_secret_t *s);

/*
 * Re-reads the secret if it is due at now_ms (milliseconds of any monotonic clock the caller always uses): when
 * refresh_ms passed since the last successful read, or, with force (the caller met something the values it holds
 * cannot explain), when retry_ms passed since the last forced read. After a failed attempt, nothing is tried for
 * retry_ms.
 * Returns 1 when the values changed, 0 when they did not (or nothing was due), -1 when a due re-read failed (the
 * values held are kept; the reason is logged as event "secret_refresh_failed", without any value).
 */
int aws_secret_refresh(aws_secret_t *s, int64_t now_ms, int force);

/*
 * Copies the values: current always, previous when the secret has an AWSPREVIOUS version (else previous->len is 0).
 * Either buffer may be NULL. Returns the generation: a number that changes whenever the values do.
 */
uint64_t aws_secret_get(aws_secret_t *s, buf_t *current, buf_t *previous);

/* Wipes and frees a buffer that held a secret value. */
void aws_secret_wipe(buf_t *b);

#endif
