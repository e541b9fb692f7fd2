/*
 * test_aws_credentials: the credential chain (common/aws_credentials.c): the order of the sources, the shared
 * files' sections, profiles asked for by name, refusals with their reasons (never the secret), re-reading a file
 * that changed, the container endpoint (a loopback server thread here, which checks the Authorization token),
 * expiry, and the region.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aws_credentials.h"
#include "test.h"

static char dir[256];

static void
write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* A clean environment: no AWS variable, HOME in the scratch directory (so ~/.aws is ours). */
static void
reset_env(void)
{
    static const char *const vars[] = {"AWS_ACCESS_KEY_ID",
                                       "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN",
                                       "AWS_PROFILE",
                                       "AWS_SHARED_CREDENTIALS_FILE",
                                       "AWS_CONFIG_FILE",
                                       "AWS_REGION",
                                       "AWS_DEFAULT_REGION",
                                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                       "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                       NULL};
    for (const char *const *v = vars; *v != NULL; ++v)
        unsetenv(*v);
    setenv("HOME", dir, 1);
    char path[512];
    snprintf(path, sizeof(path), "%s/.aws", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/.aws/credentials", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/.aws/config", dir);
    unlink(path);
}

/* Gets credentials with profile (NULL: the default); returns 0 or -1 with the reason in err. */
static int
get(const char *profile, aws_owned_credentials_t *c, char *err, size_t err_len)
{
    aws_credentials_config_t config = {.profile = profile, .timeout_ms = 2000};
    aws_credentials_provider_t *p;
    if (aws_credentials_provider_new(&config, &p) != 0)
        return -1;
    err[0] = '\0';
    int ret = aws_credentials_get(p, c, err, err_len);
    aws_credentials_provider_free(p);
    return ret;
}

static void
test_ini(void)
{
    const char *text = "# comment\n[default]\naws_access_key_id = AKIA1 \n; another\n[profile dev]\nregion=eu-west-1\n"
                       "s3 =\n  region = nested-not-this\n[ spaced ]\nKey = v = w\n";
    char *v;
    CHECK_STR(v = aws_ini_value(text, "default", "aws_access_key_id"), "AKIA1");
    free(v);
    CHECK_STR(v = aws_ini_value(text, "profile dev", "region"), "eu-west-1");
    free(v);
    CHECK_STR(v = aws_ini_value(text, "spaced", "key"), "v = w");
    free(v);
    CHECK(aws_ini_value(text, "dev", "region") == NULL);
    CHECK(aws_ini_value(text, "default", "region") == NULL);
}

static void
test_environment_first(void)
{
    reset_env();
    write_file(".aws/credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n");
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    setenv("AWS_SESSION_TOKEN", "env-token", 1);
    aws_owned_credentials_t c;
    char err[512];
    CHECK(get(NULL, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIAENV");
    CHECK_STR(c.c.session_token, "env-token");
    CHECK_STR(c.source, "environment");
    aws_owned_credentials_dispose(&c);
    /* a profile asked for by name skips the environment (the CLI's --profile) */
    CHECK(get("default", &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIAFILE");
    CHECK(c.c.session_token == NULL);
    aws_owned_credentials_dispose(&c);
    /* half a pair is an error that names the missing variable */
    unsetenv("AWS_SECRET_ACCESS_KEY");
    CHECK(get(NULL, &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "AWS_SECRET_ACCESS_KEY is not") != NULL);
    CHECK(strstr(err, "AKIAENV") == NULL);
}

static void
test_files(void)
{
    reset_env();
    write_file(".aws/credentials", "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = dev-secret\n"
                                   "aws_session_token = dev-token\n[half]\naws_access_key_id = AKIAHALF\n");
    write_file(".aws/config",
               "[default]\nregion = us-west-2\naws_access_key_id = AKIACFG\naws_secret_access_key = cfg-secret\n"
               "[profile ops]\nregion = eu-central-1\naws_access_key_id = AKIAOPS\naws_secret_access_key = ops-secret\n"
               "[profile sso]\nsso_session = corp\n[profile role]\nrole_arn = arn:aws:iam::1:role/x\n"
               "[ops]\naws_access_key_id = AKIAWRONGSECTION\naws_secret_access_key = wrong\n");
    aws_owned_credentials_t c;
    char err[512];
    /* the default profile from the config file's [default] */
    CHECK(get(NULL, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIACFG");
    aws_owned_credentials_dispose(&c);
    /* AWS_PROFILE; the credentials file, with a session token */
    setenv("AWS_PROFILE", "dev", 1);
    CHECK(get(NULL, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIADEV");
    CHECK_STR(c.c.session_token, "dev-token");
    CHECK(strstr(c.source, "profile dev") != NULL);
    aws_owned_credentials_dispose(&c);
    /* the config file names sections "profile <name>" */
    CHECK(get("ops", &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIAOPS");
    aws_owned_credentials_dispose(&c);
    char region[64];
    CHECK(aws_config_region("ops", region, sizeof(region)) == 0);
    CHECK_STR(region, "eu-central-1");
    CHECK(aws_config_region("nope", region, sizeof(region)) == -1);
    unsetenv("AWS_PROFILE");
    CHECK(aws_config_region(NULL, region, sizeof(region)) == 0);
    CHECK_STR(region, "us-west-2");
    setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
    CHECK(aws_config_region(NULL, region, sizeof(region)) == 0);
    CHECK_STR(region, "ap-south-1");
    setenv("AWS_REGION", "ap-southeast-2", 1);
    CHECK(aws_config_region(NULL, region, sizeof(region)) == 0);
    CHECK_STR(region, "ap-southeast-2");
    /* refusals say why */
    CHECK(get("half", &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "has aws_access_key_id without aws_secret_access_key") != NULL);
    CHECK(get("sso", &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "through sso_session") != NULL && strstr(err, "aws configure export-credentials --profile sso") != NULL);
    CHECK(get("role", &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "through role_arn") != NULL);
    CHECK(get("missing", &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "no credentials for profile missing") != NULL);
    /* AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files */
    write_file("elsewhere", "[default]\naws_access_key_id = AKIAMOVED\naws_secret_access_key = moved\n");
    char path[512];
    snprintf(path, sizeof(path), "%s/elsewhere", dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    CHECK(get(NULL, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIAMOVED");
    aws_owned_credentials_dispose(&c);
}

static void
test_nothing(void)
{
    reset_env();
    aws_owned_credentials_t c;
    char err[512];
    CHECK(get(NULL, &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "no AWS credentials") != NULL && strstr(err, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != NULL);
}

static void
test_file_changes(void)
{
    reset_env();
    write_file(".aws/credentials", "[default]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n");
    aws_credentials_config_t config = {0};
    aws_credentials_provider_t *p;
    CHECK(aws_credentials_provider_new(&config, &p) == 0);
    aws_owned_credentials_t c;
    char err[256];
    CHECK(aws_credentials_get(p, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIAOLD");
    aws_owned_credentials_dispose(&c);
    /* rotated: the file changed (size and inode), so the next get reads it again */
    char path[512], tmp[512];
    snprintf(tmp, sizeof(tmp), "%s/.aws/credentials.new", dir);
    snprintf(path, sizeof(path), "%s/.aws/credentials", dir);
    write_file(".aws/credentials.new", "[default]\naws_access_key_id = AKIANEWER\naws_secret_access_key = newer\n");
    rename(tmp, path);
    CHECK(aws_credentials_get(p, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIANEWER");
    aws_owned_credentials_dispose(&c);
    aws_credentials_provider_free(p);
}

/* ---- the container endpoint ---- */

typedef struct st_endpoint_t {
    int listener;
    int port;
    const char *expected_token; /* the request must carry "Authorization: <token>" */
    char answer[1024];          /* the JSON body */
    int requests;
    int saw_token;
    pthread_t thread;
} endpoint_t;

static void *
serve(void *data)
{
    endpoint_t *e = data;
    for (;;) {
        int fd = accept(e->listener, NULL, NULL);
        if (fd < 0)
            return NULL;
        char req[4096];
        ssize_t n = read(fd, req, sizeof(req) - 1);
        req[n > 0 ? n : 0] = '\0';
        ++e->requests;
        char want[512];
        snprintf(want, sizeof(want), "\r\nAuthorization: %s\r\n", e->expected_token);
        e->saw_token = strstr(req, want) != NULL;
        char res[2048];
        int len = snprintf(res, sizeof(res), "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                           e->saw_token ? "200 OK" : "403 Forbidden", strlen(e->answer), e->answer);
        if (write(fd, res, (size_t)len) < 0)
            perror("write");
        close(fd);
    }
}

static void
endpoint_start(endpoint_t *e)
{
    e->listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    bind(e->listener, (struct sockaddr *)&a, sizeof(a));
    listen(e->listener, 8);
    getsockname(e->listener, (struct sockaddr *)&a, &len);
    e->port = ntohs(a.sin_port);
    pthread_create(&e->thread, NULL, serve, e);
}

static void
endpoint_stop(endpoint_t *e)
{
    shutdown(e->listener, SHUT_RDWR);
    close(e->listener);
    pthread_join(e->thread, NULL);
}

/* An ISO 8601 time seconds from now. */
static void
iso_in(int seconds, char out[32])
{
    time_t t = time(NULL) + seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
test_container(void)
{
    reset_env();
    endpoint_t e = {.expected_token = "container-auth-token"};
    char expires[32];
    iso_in(3600, expires);
    snprintf(e.answer, sizeof(e.answer),
             "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"container-secret\",\"Token\":\"container-token\","
             "\"Expiration\":\"%s\"}",
             expires);
    endpoint_start(&e);
    char uri[128];
    snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/v2/credentials/abc", e.port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
    write_file("token", "container-auth-token\n");
    char token_path[512];
    snprintf(token_path, sizeof(token_path), "%s/token", dir);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_path, 1);

    aws_credentials_config_t config = {.timeout_ms = 2000};
    aws_credentials_provider_t *p;
    CHECK(aws_credentials_provider_new(&config, &p) == 0);
    aws_owned_credentials_t c;
    char err[512] = "";
    CHECK(aws_credentials_get(p, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "ASIACONTAINER");
    CHECK_STR(c.c.session_token, "container-token");
    CHECK_STR(c.source, "container credentials endpoint");
    CHECK(c.expiration > time(NULL) + 3000);
    CHECK(e.saw_token);
    aws_owned_credentials_dispose(&c);
    /* cached while far from expiring */
    CHECK(aws_credentials_get(p, &c, err, sizeof(err)) == 0);
    aws_owned_credentials_dispose(&c);
    CHECK(e.requests == 1);
    /* within five minutes of expiring: fetched again, every time */
    iso_in(60, expires);
    snprintf(e.answer, sizeof(e.answer),
             "{\"AccessKeyId\":\"ASIASOON\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"%s\"}", expires);
    aws_credentials_invalidate(p);
    CHECK(aws_credentials_get(p, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "ASIASOON");
    aws_owned_credentials_dispose(&c);
    CHECK(aws_credentials_get(p, &c, err, sizeof(err)) == 0);
    aws_owned_credentials_dispose(&c);
    CHECK(e.requests == 3);
    /* the token from the variable when there is no file; a wrong token gets the endpoint's refusal */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token", 1);
    snprintf(e.answer, sizeof(e.answer), "{\"message\":\"bad token\"}");
    aws_credentials_invalidate(p);
    CHECK(aws_credentials_get(p, &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "HTTP 403") != NULL && strstr(err, "bad token") != NULL);
    CHECK(strstr(err, "wrong-token") == NULL);
    aws_credentials_provider_free(p);
    endpoint_stop(&e);

    /* plain http only to loopback and the ECS/EKS addresses */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.169.254/latest", 1);
    CHECK(get(NULL, &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "must be https") != NULL);
    /* the environment still comes first */
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    CHECK(get(NULL, &c, err, sizeof(err)) == 0);
    CHECK_STR(c.c.access_key_id, "AKIAENV");
    aws_owned_credentials_dispose(&c);
}

int
main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/test_aws_credentials.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_ini);
    RUN(test_environment_first);
    RUN(test_files);
    RUN(test_nothing);
    RUN(test_file_changes);
    RUN(test_container);
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return TEST_REPORT("test_aws_credentials");
}
