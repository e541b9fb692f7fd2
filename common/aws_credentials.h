/*
 * aws_credentials: AWS credentials and region, found where AWS's own tools look, in their order:
 *
 *   1. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (what Lambda sets);
 *   2. the shared files: the profile (the one asked for, else $AWS_PROFILE, else "default") in the credentials
 *      file ($AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials, section [name]) and then in the config file
 *      ($AWS_CONFIG_FILE, else ~/.aws/config, section [profile name], or [default]): aws_access_key_id,
 *      aws_secret_access_key, aws_session_token;
 *   3. the container credentials endpoint of ECS, CodeBuild, Greengrass, EKS Pod Identity and Lambda SnapStart:
 *      http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or $AWS_CONTAINER_CREDENTIALS_FULL_URI
 *      (https, or http to a loopback address or to the ECS and EKS link-local addresses only), with
 *      "Authorization: <token>" from $AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or $AWS_CONTAINER_AUTHORIZATION_TOKEN.
 *
 * A profile asked for by name (explicitly, not from $AWS_PROFILE) skips the environment, as the AWS CLI's
 * --profile does. A profile that gets its keys another way (role_arn, sso_session, credential_process,
 * web_identity_token_file) is reported as such, with the workaround.
 *
 * Credentials are cached and found again when they are within five minutes of their expiration (the container
 * endpoint's), when the file they came from changed, or after aws_credentials_invalidate() (a service said they
 * expired). Secrets are never put in an error message. One provider may be used by several threads.
 */
#ifndef COMMON_AWS_CREDENTIALS_H
#define COMMON_AWS_CREDENTIALS_H

#include <stddef.h>
#include <time.h>

#include "aws_sigv4.h"

typedef struct st_aws_credentials_provider_t aws_credentials_provider_t;

typedef struct st_aws_credentials_config_t {
    const char *profile; /* a profile asked for by name; NULL: $AWS_PROFILE, else "default" */
    int timeout_ms;      /* for the container endpoint; 0: 5000 */
} aws_credentials_config_t;

/* Credentials owned by the caller: release with aws_owned_credentials_dispose(), which wipes them. */
typedef struct st_aws_owned_credentials_t {
    aws_credentials_t c;
    time_t expiration; /* 0: none known */
    char source[128];  /* where they came from, for messages: "environment", "profile dev (/root/.aws/credentials)", ... */
} aws_owned_credentials_t;

int aws_credentials_provider_new(const aws_credentials_config_t *config, aws_credentials_provider_t **out);
void aws_credentials_provider_free(aws_credentials_provider_t *p);

/*
 * Copies the current credentials into *out. Returns 0, or -1 with the reason in err: where it looked when
 * there are none, or what is wrong with what it found (an incomplete pair, an unsupported profile, the
 * container endpoint's failure).
 */
int aws_credentials_get(aws_credentials_provider_t *p, aws_owned_credentials_t *out, char *err, size_t err_len);
/* Forgets the cached credentials, so the next aws_credentials_get() looks again. */
void aws_credentials_invalidate(aws_credentials_provider_t *p);
void aws_owned_credentials_dispose(aws_owned_credentials_t *c);

/*
 * The region: $AWS_REGION, else $AWS_DEFAULT_REGION, else the profile's "region" in the config file (profile as
 * for the credentials). Returns 0 with it in out, or -1 when none is set.
 */
int aws_config_region(const char *profile, char *out, size_t out_len);

/* The shared files' parser, exposed for tests: the value of key in section of the INI text, or NULL (malloc'd). */
char *aws_ini_value(const char *text, const char *section, const char *key);

#endif
