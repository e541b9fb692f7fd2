/*
 * sigv4: mcp-client's AWS Signature Version 4 (--aws-sigv4), as a signer for the HTTP client (http_client.h).
 *
 * Every request is signed just before it is sent, after every other header (the MCP ones among them) is set:
 * all of its header fields and Host are signed, except those a hop may change (User-Agent, Expect,
 * Transfer-Encoding, Connection, X-Amzn-Trace-Id; Content-Length is the client's own), and the body is hashed.
 * Credentials come from the chain in aws_credentials.h, looked up again when they near expiry, when their file
 * changed, or when the server said they expired.
 *
 * The service is --aws-service, else inferred from the endpoint's host; the region is --aws-region, else from
 * the host, else AWS_REGION / AWS_DEFAULT_REGION / the profile's region:
 *   <id>.lambda-url.<region>.on.aws                      lambda (a Function URL)
 *   <id>.execute-api.<region>.amazonaws.com              execute-api (API Gateway with IAM authorization)
 *   [<id>.<kind>.]bedrock-agentcore.<region>.amazonaws.com  bedrock-agentcore (AgentCore Runtime and Gateway)
 *   <service>.<region>.api.aws                           <service>
 */
#ifndef MCPC_SIGV4_H
#define MCPC_SIGV4_H

#include <stddef.h>

#include "http_client.h"

typedef struct st_mcpc_sigv4_t mcpc_sigv4_t;

typedef struct st_mcpc_sigv4_config_t {
    const char *url;     /* the endpoint: https, or http to a loopback address (a session token is never sent in clear) */
    const char *service; /* --aws-service; NULL: inferred */
    const char *region;  /* --aws-region; NULL: inferred or configured */
    const char *profile; /* --aws-profile; NULL: $AWS_PROFILE or the environment first */
    int timeout_ms;      /* for the container credentials endpoint */
} mcpc_sigv4_config_t;

/*
 * Sets up signing for url and checks that credentials can be found. Returns 0; MCPC_ERR_USAGE when the URL is
 * plain http to another host or the service or region cannot be told; MCPC_ERR_CREDENTIALS when there are none
 * (where it looked is in err).
 */
int mcpc_sigv4_new(const mcpc_sigv4_config_t *config, mcpc_sigv4_t **out, char *err, size_t err_len);
void mcpc_sigv4_free(mcpc_sigv4_t *s);
const mcpc_http_signer_t *mcpc_sigv4_signer(const mcpc_sigv4_t *s);
/* What signing uses, for --verbose: "service lambda, region us-east-1, credentials from environment". */
void mcpc_sigv4_describe(const mcpc_sigv4_t *s, char *out, size_t out_len);

/* The service and region a host implies (either may come back ""). Pure; for tests. */
void mcpc_sigv4_infer(const char *host, char *service, size_t service_len, char *region, size_t region_len);

#endif
