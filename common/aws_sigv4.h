/*
 * aws_sigv4: AWS Signature Version 4 for requests with a body (the JSON APIs: DynamoDB, ...).
 *
 * The caller gives the request's parts and the credentials; aws_sigv4_sign() writes the value of the
 * Authorization header. Headers must be passed with lower-case names, sorted, and include host and
 * x-amz-date (and x-amz-security-token when there is a session token); all of them are signed.
 */
#ifndef COMMON_AWS_SIGV4_H
#define COMMON_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

typedef struct st_aws_credentials_t {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL for long-lived keys */
} aws_credentials_t;

typedef struct st_aws_header_t {
    const char *name; /* lower case */
    const char *value;
} aws_header_t;

/* "20150830T123600Z" for t. */
void aws_sigv4_timestamp(time_t t, char out[17]);

/*
 * Appends the Authorization header value to out. method "POST", path "/" (already URI-encoded),
 * query "" (already canonical), headers sorted by name. Returns 0, or -1 on a crypto failure.
 */
int aws_sigv4_sign(const aws_credentials_t *creds, const char *region, const char *service, const char *timestamp,
                   const char *method, const char *path, const char *query, const aws_header_t *headers, size_t num_headers,
                   const void *body, size_t body_len, buf_t *out);

/* The hex SHA-256 of the canonical request (exposed for tests against AWS's published test suite). */
int aws_sigv4_canonical_hash(const char *method, const char *path, const char *query, const aws_header_t *headers,
                             size_t num_headers, const void *body, size_t body_len, char out[65]);

#endif
