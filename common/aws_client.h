/*
 * aws_client: calls to one AWS service endpoint, signed with Signature Version 4, over the shared HTTP
 * client (http_client.h). The server's DynamoDB tables, Lambda Invoke, S3 and Secrets Manager all go
 * through it, so signing, credentials, endpoints and AWS's error replies are handled in one place.
 *
 * Credentials come from the chain AWS's tools use (aws_credentials.h: the environment Lambda sets, the shared
 * files, the container endpoint of ECS and AgentCore); they are found again when they near their expiration or a
 * service answers ExpiredToken, and never logged. The region is AWS_REGION (or the profile's).
 *
 * Threads: one client holds one keep-alive connection; aws_client_send() serialises callers on it, so a
 * client may be shared by the loop thread and workers. Use several clients for parallel calls.
 */
#ifndef COMMON_AWS_CLIENT_H
#define COMMON_AWS_CLIENT_H

#include <stddef.h>

#include "aws_sigv4.h"
#include "buf.h"

typedef struct st_aws_client_t aws_client_t;

typedef struct st_aws_client_config_t {
    const char *service; /* the signing name: "dynamodb", "lambda", "s3", "secretsmanager", ... */
    /*
     * The base URL ("http://127.0.0.1:8000" for a local peer); NULL or "": the service's public endpoint,
     * https://<service>.<region>.amazonaws.com. Its path, if any, prefixes every request's path.
     */
    const char *endpoint;
    int timeout_ms; /* connect and each wait for the service; 0: 5000 */
} aws_client_config_t;

/* Returns 0, or -1 with the reason in err (no region, no usable credentials, a bad endpoint URL). */
int aws_client_new(const aws_client_config_t *config, aws_client_t **out, char *err, size_t err_len);
void aws_client_free(aws_client_t *c);
/* The region the client signs for (AWS_REGION). */
const char *aws_client_region(const aws_client_t *c);

typedef struct st_aws_request_t {
    const char *method; /* "GET", "POST", ... */
    /*
     * The path as sent on the wire, each segment already percent-encoded once ("/" when NULL). The
     * canonical path is derived from it: encoded once more for every service but S3, as SigV4 wants.
     */
    const char *path;
    const char *query;           /* the canonical query string (sorted, encoded); NULL: none */
    const aws_header_t *headers; /* further headers to send and sign: lower-case names, any order */
    size_t num_headers;
    const void *body;
    size_t body_len;
    size_t max_reply_bytes; /* 0: 8 MiB */
    int timeout_ms;         /* this call's waits; 0: the client's */
} aws_request_t;

#define AWS_REPLY_MAX_HEADERS 8

typedef struct st_aws_reply_t {
    int status; /* the HTTP status; 0 when no response arrived */
    buf_t body;
    /* the x-amz-* and x-amzn-* response headers (X-Amz-Function-Error, x-amzn-RequestId, ...), lower case */
    struct {
        char name[48];
        char value[256];
    } headers[AWS_REPLY_MAX_HEADERS];
    size_t num_headers;
    /* on a status other than 2xx: AWS's error code (__type, <Code>) and message, when the body has them */
    char error_code[128];
    char error_message[512];
} aws_reply_t;

/*
 * Sends the request and reads the whole reply into *reply (aws_reply_dispose() it whatever the result).
 * Returns 0 when a response arrived (any status: check reply->status), or -1 when none did, with the
 * reason in reply->error_message (network, TLS, timeout, signing).
 */
int aws_client_send(aws_client_t *c, const aws_request_t *req, aws_reply_t *reply);
void aws_reply_dispose(aws_reply_t *reply);
/* A reply header's value (name in lower case), or NULL. */
const char *aws_reply_header(const aws_reply_t *reply, const char *name);

/*
 * One operation of an AWS JSON protocol API (DynamoDB, Secrets Manager, ...): POST / with X-Amz-Target
 * "<target_prefix>.<operation>" and Content-Type application/x-amz-json-<json_version>. Returns as
 * aws_client_send().
 */
int aws_client_json_call(aws_client_t *c, const char *target_prefix, const char *operation, const char *json_version,
                         const void *body, size_t body_len, aws_reply_t *reply);

/* aws_uri_encode() (aws_sigv4.h) encodes a path segment or a query value for these requests. */

#endif
