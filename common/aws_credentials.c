/* aws_credentials.c: the credential chain (aws_credentials.h). */
#include "aws_credentials.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "arena.h"
#include "error.h"
#include "http_client.h"
#include "http_url.h"
#include "json.h"

#define DEFAULT_TIMEOUT_MS 5000
#define REFRESH_BEFORE_S 300           /* credentials this close to expiring are fetched again */
#define MAX_FILE_BYTES (1u << 20)      /* a shared credentials or config file */
#define MAX_ENDPOINT_REPLY (64u << 10) /* the container endpoint's answer */
#define ECS_ENDPOINT "http://169.254.170.2"

/* What a source can say. */
enum { FOUND = 0, NOT_THERE = 1, BROKEN = -1 };

typedef struct st_file_stamp_t {
    int exists;
    struct timespec mtime;
    off_t size;
    ino_t ino;
} file_stamp_t;

struct st_aws_credentials_provider_t {
    pthread_mutex_t lock;
    char *profile; /* asked for by name; NULL: $AWS_PROFILE or "default" */
    int timeout_ms;
    int cached;
    char *access_key_id, *secret_access_key, *session_token;
    time_t expiration;
    char source[128];
    int from_files;
    file_stamp_t stamps[2]; /* the credentials and config files when they were read */
};

static void
free_secret(char **s)
{
    if (*s != NULL) {
        OPENSSL_cleanse(*s, strlen(*s));
        free(*s);
        *s = NULL;
    }
}

static const char *
env(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static const char *
profile_name(const char *asked)
{
    return asked != NULL ? asked : env("AWS_PROFILE") != NULL ? env("AWS_PROFILE") : "default";
}

/* ~/.aws/<name>, or the file the variable names. */
static void
shared_file(char *out, size_t len, const char *variable, const char *name)
{
    const char *set = env(variable), *home = env("HOME");
    if (set != NULL)
        snprintf(out, len, "%s", set);
    else
        snprintf(out, len, "%s/.aws/%s", home != NULL ? home : "", name);
}

static void
stamp(const char *path, file_stamp_t *s)
{
    struct stat st;
    memset(s, 0, sizeof(*s));
    if (stat(path, &st) == 0) {
        s->exists = 1;
        s->mtime = st.st_mtim;
        s->size = st.st_size;
        s->ino = st.st_ino;
    }
}

static int
same_stamp(const file_stamp_t *a, const file_stamp_t *b)
{
    return a->exists == b->exists && a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
           a->size == b->size && a->ino == b->ino;
}

static char *
read_file(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    buf_t b = BUF_INIT(max);
    int ret = buf_append_stream(&b, f);
    fclose(f);
    if (ret != 0) {
        buf_dispose(&b);
        return NULL;
    }
    char *text = buf_release(&b, NULL);
    return text != NULL ? text : strdup("");
}

/* ---- the INI files ---- */

static const char *
skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        ++p;
    return p;
}

static const char *
trim_end(const char *start, const char *end)
{
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        --end;
    return end;
}

char *
aws_ini_value(const char *text, const char *section, const char *key)
{
    int in_section = 0;
    size_t section_len = strlen(section), key_len = strlen(key);
    for (const char *line = text; *line != '\0';) {
        const char *eol = line + strcspn(line, "\n");
        const char *next = *eol != '\0' ? eol + 1 : eol;
        int indented = *line == ' ' || *line == '\t';
        const char *p = skip_space(line, eol), *end = trim_end(p, eol);
        if (p == end || *p == '#' || *p == ';') {
            /* blank or comment */
        } else if (*p == '[' && !indented) {
            const char *close = memchr(p, ']', (size_t)(end - p));
            const char *name = close != NULL ? skip_space(p + 1, close) : NULL;
            const char *name_end = close != NULL ? trim_end(name, close) : NULL;
            in_section = name != NULL && (size_t)(name_end - name) == section_len && memcmp(name, section, section_len) == 0;
        } else if (in_section && !indented) {
            /* a line that starts with white space continues a nested block ("s3 =\n  max_concurrent_requests = 4") */
            const char *eq = memchr(p, '=', (size_t)(end - p));
            if (eq != NULL) {
                const char *k_end = trim_end(p, eq), *v = skip_space(eq + 1, end);
                if ((size_t)(k_end - p) == key_len && strncasecmp(p, key, key_len) == 0)
                    return strndup(v, (size_t)(end - v));
            }
        }
        line = next;
    }
    return NULL;
}

/* Keys that mean the profile gets its credentials in a way this provider does not implement. */
static const char *const indirect_keys[] = {
    "role_arn", "sso_session", "sso_start_url", "credential_process", "web_identity_token_file", NULL};

/*
 * Looks for the profile in one file's section. FOUND with the keys set, NOT_THERE, or BROKEN with the reason
 * (half a key pair; keys obtained another way).
 */
static int
from_section(aws_credentials_provider_t *p, const char *text, const char *path, const char *section, const char *profile, char *err,
             size_t err_len)
{
    char *id = aws_ini_value(text, section, "aws_access_key_id"), *secret = aws_ini_value(text, section, "aws_secret_access_key");
    int ret = NOT_THERE;
    if (id != NULL && secret != NULL && id[0] != '\0' && secret[0] != '\0') {
        p->access_key_id = id;
        p->secret_access_key = secret;
        p->session_token = aws_ini_value(text, section, "aws_session_token");
        if (p->session_token != NULL && p->session_token[0] == '\0')
            free_secret(&p->session_token);
        snprintf(p->source, sizeof(p->source), "profile %.40s (%.70s)", profile, path);
        return FOUND;
    }
    if (id != NULL || secret != NULL) {
        error_format(err, err_len, "profile %s in %s has %s without %s", profile, path,
                     id != NULL ? "aws_access_key_id" : "aws_secret_access_key",
                     id != NULL ? "aws_secret_access_key" : "aws_access_key_id");
        ret = BROKEN;
    } else {
        for (const char *const *k = indirect_keys; *k != NULL && ret == NOT_THERE; ++k) {
            char *v = aws_ini_value(text, section, *k);
            if (v != NULL) {
                error_format(err, err_len,
                             "profile %s in %s gets its credentials through %s, which this program does not do; export "
                             "them first: eval \"$(aws configure export-credentials --profile %s --format env)\"",
                             profile, path, *k, profile);
                ret = BROKEN;
            }
            free(v);
        }
    }
    free_secret(&id);
    free_secret(&secret);
    return ret;
}

static int
from_files(aws_credentials_provider_t *p, char *err, size_t err_len)
{
    const char *profile = profile_name(p->profile);
    char paths[2][1024], section[300];
    shared_file(paths[0], sizeof(paths[0]), "AWS_SHARED_CREDENTIALS_FILE", "credentials");
    shared_file(paths[1], sizeof(paths[1]), "AWS_CONFIG_FILE", "config");
    int ret = NOT_THERE;
    for (int i = 0; i != 2 && ret == NOT_THERE; ++i) {
        stamp(paths[i], &p->stamps[i]);
        char *text = read_file(paths[i], MAX_FILE_BYTES);
        if (text == NULL)
            continue;
        /* the credentials file names sections after the profile; the config file says "profile name", except default */
        if (i == 0 || strcmp(profile, "default") == 0)
            snprintf(section, sizeof(section), "%s", profile);
        else
            snprintf(section, sizeof(section), "profile %s", profile);
        ret = from_section(p, text, paths[i], section, profile, err, err_len);
        OPENSSL_cleanse(text, strlen(text));
        free(text);
    }
    p->from_files = ret == FOUND;
    return ret;
}

static int
from_environment(aws_credentials_provider_t *p, char *err, size_t err_len)
{
    const char *id = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY"), *token = env("AWS_SESSION_TOKEN");
    if (id == NULL && secret == NULL)
        return NOT_THERE;
    if (id == NULL || secret == NULL) {
        error_format(err, err_len, "%s is set but %s is not", id != NULL ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                     id != NULL ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        return BROKEN;
    }
    p->access_key_id = strdup(id);
    p->secret_access_key = strdup(secret);
    p->session_token = token != NULL ? strdup(token) : NULL;
    snprintf(p->source, sizeof(p->source), "environment");
    return FOUND;
}

/* ---- the container endpoint ---- */

/* Whether FULL_URI may use plain http: loopback, or the link-local addresses of ECS (169.254.170.2) and EKS. */
static int
http_host_allowed(const char *host)
{
    if (strcasecmp(host, "localhost") == 0)
        return 1;
    unsigned char a[16];
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127 || (a[0] == 169 && a[1] == 254 && a[2] == 170 && (a[3] == 2 || a[3] == 23));
    if (inet_pton(AF_INET6, host, a) == 1) {
        static const unsigned char loopback[16] = {[15] = 1};
        static const unsigned char eks[16] = {0xfd, 0x00, 0x0e, 0xc2, [15] = 0x23};
        return memcmp(a, loopback, 16) == 0 || memcmp(a, eks, 16) == 0;
    }
    return 0;
}

/* The container endpoint's answer: its status and body. */
typedef struct st_endpoint_reply_t {
    int status;
    buf_t body;
} endpoint_reply_t;

static int
on_endpoint_head(void *data, const mcpc_http_response_t *res)
{
    ((endpoint_reply_t *)data)->status = res->status;
    return 0;
}

static int
on_endpoint_body(void *data, const char *bytes, size_t len)
{
    endpoint_reply_t *reply = data;
    buf_append(&reply->body, bytes, len);
    return buf_failed(&reply->body) ? -1 : 0;
}

/* "2026-01-02T03:04:05Z" (fractions of a second allowed) as time_t, or 0. */
static time_t
parse_iso8601(const char *s)
{
    struct tm tm = {0};
    if (s == NULL ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static int
from_container(aws_credentials_provider_t *p, char *err, size_t err_len)
{
    const char *relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (relative == NULL && full == NULL)
        return NOT_THERE;
    char url[2048];
    if (relative != NULL)
        snprintf(url, sizeof(url), "%s%s%s", ECS_ENDPOINT, relative[0] == '/' ? "" : "/", relative);
    else
        snprintf(url, sizeof(url), "%s", full);
    mcpc_url_t parsed;
    char why[256];
    if (mcpc_url_parse(url, &parsed, why, sizeof(why)) != 0)
        return error_format(err, err_len, "the container credentials URI is not usable: %s", why);
    int allowed = parsed.tls || relative != NULL || http_host_allowed(parsed.host);
    mcpc_url_dispose(&parsed);
    if (!allowed)
        return error_format(err, err_len,
                            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, 169.254.170.2, "
                            "169.254.170.23 or fd00:ec2::23");

    char *token = NULL;
    const char *token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (token_file != NULL) {
        if ((token = read_file(token_file, 16384)) == NULL)
            return error_format(err, err_len, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        token[strcspn(token, "\r\n")] = '\0';
    } else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN") != NULL) {
        token = strdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    }
    mcpc_http_client_t *http = NULL;
    mcpc_http_config_t hc = {.url = url, .timeout_ms = p->timeout_ms};
    mcpc_http_header_t auth = {"Authorization", 13, token, token != NULL ? strlen(token) : 0};
    endpoint_reply_t reply = {.body = BUF_INIT(MAX_ENDPOINT_REPLY)};
    mcpc_http_request_t req = {.method = "GET",
                               .headers = &auth,
                               .num_headers = token != NULL ? 1 : 0,
                               .on_head = on_endpoint_head,
                               .on_body = on_endpoint_body,
                               .cb_data = &reply};
    int ret = BROKEN;
    if (mcpc_http_client_new(&hc, &http, why, sizeof(why)) != 0) {
        error_format(err, err_len, "the container credentials endpoint: %s", why);
        goto Exit;
    }
    if (mcpc_http_send(http, &req) != 0) {
        error_format(err, err_len, "the container credentials endpoint: %s", mcpc_http_error(http));
        goto Exit;
    }
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v = NULL;
    if (reply.body.len == 0 || json_parse(&a, reply.body.data, reply.body.len, 8, &v) != 0 || v->type != JSON_OBJECT) {
        error_format(err, err_len, "the container credentials endpoint answered HTTP %d without credentials", reply.status);
    } else {
        const char *id = json_string(json_get(v, "AccessKeyId")), *secret = json_string(json_get(v, "SecretAccessKey")),
                   *session = json_string(json_get(v, "Token")), *message = json_string(json_get(v, "message"));
        if (id == NULL || secret == NULL) {
            error_format(err, err_len, "the container credentials endpoint answered HTTP %d without credentials%s%.200s",
                         reply.status, message != NULL ? ": " : "", message != NULL ? message : "");
        } else {
            p->access_key_id = strdup(id);
            p->secret_access_key = strdup(secret);
            p->session_token = session != NULL && session[0] != '\0' ? strdup(session) : NULL;
            p->expiration = parse_iso8601(json_string(json_get(v, "Expiration")));
            snprintf(p->source, sizeof(p->source), "container credentials endpoint");
            ret = FOUND;
        }
    }
    arena_dispose(&a);
Exit:
    if (reply.body.data != NULL)
        OPENSSL_cleanse(reply.body.data, reply.body.len);
    buf_dispose(&reply.body);
    mcpc_http_client_free(http);
    free_secret(&token);
    return ret;
}

/* ---- the chain ---- */

static void
forget(aws_credentials_provider_t *p)
{
    free_secret(&p->access_key_id);
    free_secret(&p->secret_access_key);
    free_secret(&p->session_token);
    p->cached = 0;
    p->expiration = 0;
    p->from_files = 0;
    p->source[0] = '\0';
}

static int
still_good(aws_credentials_provider_t *p)
{
    if (!p->cached)
        return 0;
    if (p->expiration != 0 && time(NULL) + REFRESH_BEFORE_S >= p->expiration)
        return 0;
    if (p->from_files) {
        char paths[2][1024];
        shared_file(paths[0], sizeof(paths[0]), "AWS_SHARED_CREDENTIALS_FILE", "credentials");
        shared_file(paths[1], sizeof(paths[1]), "AWS_CONFIG_FILE", "config");
        for (int i = 0; i != 2; ++i) {
            file_stamp_t now;
            stamp(paths[i], &now);
            if (!same_stamp(&now, &p->stamps[i]))
                return 0;
        }
    }
    return 1;
}

static int
resolve(aws_credentials_provider_t *p, char *err, size_t err_len)
{
    forget(p);
    int ret = p->profile != NULL ? NOT_THERE : from_environment(p, err, err_len);
    if (ret == NOT_THERE)
        ret = from_files(p, err, err_len);
    if (ret == NOT_THERE && p->profile == NULL)
        ret = from_container(p, err, err_len);
    if (ret == FOUND && (p->access_key_id == NULL || p->secret_access_key == NULL)) {
        forget(p);
        return error_format(err, err_len, "out of memory");
    }
    if (ret == FOUND) {
        p->cached = 1;
        return 0;
    }
    if (ret == NOT_THERE) {
        char paths[2][1024];
        shared_file(paths[0], sizeof(paths[0]), "AWS_SHARED_CREDENTIALS_FILE", "credentials");
        shared_file(paths[1], sizeof(paths[1]), "AWS_CONFIG_FILE", "config");
        const char *profile = profile_name(p->profile);
        if (p->profile != NULL || env("AWS_PROFILE") != NULL)
            return error_format(err, err_len, "no credentials for profile %s in %s or %s", profile, paths[0], paths[1]);
        return error_format(err, err_len,
                            "no AWS credentials: none in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), "
                            "for profile %s in %s or %s, or from a container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
                            "or _FULL_URI)",
                            profile, paths[0], paths[1]);
    }
    forget(p);
    return -1;
}

int
aws_credentials_provider_new(const aws_credentials_config_t *config, aws_credentials_provider_t **out)
{
    aws_credentials_provider_t *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return -1;
    pthread_mutex_init(&p->lock, NULL);
    p->timeout_ms = config->timeout_ms > 0 ? config->timeout_ms : DEFAULT_TIMEOUT_MS;
    if (config->profile != NULL && (p->profile = strdup(config->profile)) == NULL) {
        aws_credentials_provider_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

void
aws_credentials_provider_free(aws_credentials_provider_t *p)
{
    if (p == NULL)
        return;
    forget(p);
    free(p->profile);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

int
aws_credentials_get(aws_credentials_provider_t *p, aws_owned_credentials_t *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&p->lock);
    int ret = still_good(p) ? 0 : resolve(p, err, err_len);
    if (ret == 0) {
        out->c.access_key_id = strdup(p->access_key_id);
        out->c.secret_access_key = strdup(p->secret_access_key);
        out->c.session_token = p->session_token != NULL ? strdup(p->session_token) : NULL;
        out->expiration = p->expiration;
        snprintf(out->source, sizeof(out->source), "%s", p->source);
        if (out->c.access_key_id == NULL || out->c.secret_access_key == NULL ||
            (p->session_token != NULL && out->c.session_token == NULL)) {
            aws_owned_credentials_dispose(out);
            ret = error_format(err, err_len, "out of memory");
        }
    }
    pthread_mutex_unlock(&p->lock);
    return ret;
}

void
aws_credentials_invalidate(aws_credentials_provider_t *p)
{
    pthread_mutex_lock(&p->lock);
    forget(p);
    pthread_mutex_unlock(&p->lock);
}

void
aws_owned_credentials_dispose(aws_owned_credentials_t *c)
{
    char *id = (char *)c->c.access_key_id, *secret = (char *)c->c.secret_access_key, *token = (char *)c->c.session_token;
    free_secret(&id);
    free_secret(&secret);
    free_secret(&token);
    memset(c, 0, sizeof(*c));
}

int
aws_config_region(const char *profile, char *out, size_t out_len)
{
    const char *set = env("AWS_REGION") != NULL ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
    if (set != NULL) {
        snprintf(out, out_len, "%s", set);
        return 0;
    }
    char path[1024], section[300];
    shared_file(path, sizeof(path), "AWS_CONFIG_FILE", "config");
    const char *name = profile_name(profile);
    if (strcmp(name, "default") == 0)
        snprintf(section, sizeof(section), "default");
    else
        snprintf(section, sizeof(section), "profile %s", name);
    char *text = read_file(path, MAX_FILE_BYTES);
    char *region = text != NULL ? aws_ini_value(text, section, "region") : NULL;
    free(text);
    int ret = region != NULL && region[0] != '\0' ? 0 : -1;
    if (ret == 0)
        snprintf(out, out_len, "%s", region);
    free(region);
    return ret;
}
