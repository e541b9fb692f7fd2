/*
 * aws_sigv4: AWS Signature Version 4, with the Authorization header.
 *
 * The caller describes the request as it goes on the wire (method, path and query as sent, the headers to
 * sign, the body); aws_sigv4_sign() derives the canonical request the way AWS's own signers do and
 * returns the headers to add: X-Amz-Date, X-Amz-Security-Token when the credentials have a session token,
 * x-amz-content-sha256 when asked, and Authorization. Checked against AWS's published test suite
 * (tests/unit/test_aws_sigv4.c).
 *
 * The canonical request:
 *   path     every service but S3: dot segments and repeated slashes removed, then each byte but the
 *            unreserved ones and '/' percent-encoded once more (so "%3A" on the wire is signed "%253A");
 *            S3: the path as sent
 *   query    each name and value percent-decoded, then encoded again (unreserved bytes kept), sorted by
 *            name then value
 *   headers  names in lower case; each value trimmed and its runs of white space (line folds included)
 *            made one space; repeated names joined with ',' in the order given; sorted by name
 *   payload  the hex SHA-256 of the body
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
    const char *name; /* any case */
    const char *value;
} aws_header_t;

/* Flags of aws_sigv4_params_t. */
#define AWS_SIGV4_S3_PATH 1           /* S3's rule: the path is signed as sent (no normalisation, no second encoding) */
#define AWS_SIGV4_UNNORMALIZED_PATH 2 /* encode the path once more but keep its dot segments and repeated slashes */
#define AWS_SIGV4_CONTENT_SHA256 4    /* send and sign x-amz-content-sha256 (S3 requires it; other services accept it) */

typedef struct st_aws_sigv4_params_t {
    const aws_credentials_t *credentials;
    const char *region;
    const char *service;   /* the signing name: "lambda", "execute-api", "dynamodb", ... */
    const char *timestamp; /* "20150830T123600Z" (aws_sigv4_timestamp()) */
    int flags;             /* AWS_SIGV4_* */
} aws_sigv4_params_t;

typedef struct st_aws_sigv4_request_t {
    const char *method;
    const char *path;            /* as sent, without the query ("" is "/") */
    const char *query;           /* as sent, without the '?'; NULL or "": none */
    const aws_header_t *headers; /* every header to sign, Host among them; sent by the caller as given */
    size_t num_headers;
    const void *body;
    size_t body_len;
} aws_sigv4_request_t;

#define AWS_SIGV4_MAX_HEADERS 64 /* headers one request may sign */

/* What aws_sigv4_sign() produces. Dispose with aws_sigv4_signature_dispose(). */
typedef struct st_aws_sigv4_signature_t {
    char date[17];           /* the X-Amz-Date header to send */
    char content_sha256[65]; /* the x-amz-content-sha256 header to send (with AWS_SIGV4_CONTENT_SHA256) and the payload hash */
    buf_t authorization;     /* the Authorization header to send */
    buf_t canonical_request; /* for tests and diagnostics: it holds the session token, so never log it */
    buf_t string_to_sign;
    char signature[65];
} aws_sigv4_signature_t;

/* "20150830T123600Z" for t. */
void aws_sigv4_timestamp(time_t t, char out[17]);

/*
 * Signs req. Returns 0, or -1 when a header name is empty or there are more than AWS_SIGV4_MAX_HEADERS,
 * or on a crypto or memory failure. out is filled either way and must be disposed.
 */
int aws_sigv4_sign(const aws_sigv4_params_t *params, const aws_sigv4_request_t *req, aws_sigv4_signature_t *out);
void aws_sigv4_signature_dispose(aws_sigv4_signature_t *sig);

/*
 * Percent-encodes s the way SigV4 and AWS's REST APIs want a path segment or a query value: every byte
 * but A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex); "/" too unless keep_slash.
 */
void aws_uri_encode(buf_t *out, const char *s, size_t len, int keep_slash);

#endif
