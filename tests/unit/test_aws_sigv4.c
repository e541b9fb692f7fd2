/*
 * test_aws_sigv4: common/aws_sigv4.c against AWS's own SigV4 test suite (awslabs/aws-c-auth
 * tests/aws-signing-test-suite/v4, read in place from ../shared/reference/test-suites/aws-sigv4-test-suite/v4),
 * then the rules the suite does not cover (S3 paths, the double-encoded Lambda ARN, x-amz-content-sha256, limits).
 *
 * Each case directory holds context.json (credentials, region, service, timestamp, whether to normalize the path,
 * to sign the body, to leave the session token out of the signature), request.txt (the request as sent), and the
 * expected canonical request, string to sign and signature of the Authorization-header variant, which are compared
 * byte for byte. The query-* files describe presigned URLs: the project never presigns (every AWS call and every
 * MCP request it signs carries an Authorization header), so the signer has no presigning mode and they are not read.
 * Every case directory must be checked: a case the test cannot read fails.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "aws_sigv4.h"
#include "json.h"
#include "test.h"

#define SUITE "aws-sigv4-test-suite/v4"
#define EXPECTED_CASES 38

static char suite[1024];

/* The whole file, NUL-terminated (malloc'd), or NULL. */
static char *
slurp(const char *dir, const char *name, size_t *len_out)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s/%s", suite, dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    buf_t b = BUF_INIT(1 << 20);
    buf_append_stream(&b, f);
    fclose(f);
    if (len_out != NULL)
        *len_out = b.len;
    char *text = buf_release(&b, NULL);
    return text != NULL ? text : strdup("");
}

typedef struct st_parsed_request_t {
    char method[16];
    char *path, *query;
    aws_header_t headers[16];
    size_t num_headers;
    char *body;
    size_t body_len;
    char *storage; /* request.txt, cut up in place */
} parsed_request_t;

/* request.txt: "METHOD PATH HTTP/1.1", header lines (a line starting with white space continues the value
 * before it), an empty line, the body. The path may hold a space, so the version is found from the end. */
static int
parse_request(char *text, size_t len, parsed_request_t *r)
{
    memset(r, 0, sizeof(*r));
    r->storage = text;
    char *end = text + len, *line_end = strchr(text, '\n');
    if (line_end == NULL)
        return -1;
    *line_end = '\0';
    char *version = strstr(text, " HTTP/1.1");
    char *space = strchr(text, ' ');
    if (version == NULL || space == NULL || space >= version || (size_t)(space - text) >= sizeof(r->method))
        return -1;
    memcpy(r->method, text, (size_t)(space - text));
    *version = '\0';
    r->path = space + 1;
    char *q = strchr(r->path, '?');
    if (q != NULL) {
        *q = '\0';
        r->query = q + 1;
    }
    char *p = line_end + 1;
    while (p < end && *p != '\n') {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if (*p == ' ' || *p == '\t') {
            /* a folded line: it belongs to the previous value, which stays one string */
            if (r->num_headers == 0)
                return -1;
            if (eol < end)
                *eol = '\0';
            char *prev = (char *)r->headers[r->num_headers - 1].value;
            prev[strlen(prev)] = '\n'; /* rejoin: the NUL written at the end of the previous line */
        } else {
            char *colon = memchr(p, ':', (size_t)(eol - p));
            if (colon == NULL || r->num_headers == sizeof(r->headers) / sizeof(r->headers[0]))
                return -1;
            *colon = '\0';
            if (eol < end)
                *eol = '\0';
            r->headers[r->num_headers++] = (aws_header_t){p, colon + 1};
        }
        p = eol < end ? eol + 1 : end;
    }
    if (p < end && *p == '\n') {
        r->body = p + 1;
        r->body_len = (size_t)(end - r->body);
    }
    return 0;
}

static void
trim_newline(char *s)
{
    size_t n = strlen(s);
    while (n != 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* The Authorization value in header-signed-request.txt. */
static char *
expected_authorization(const char *dir)
{
    char *text = slurp(dir, "header-signed-request.txt", NULL);
    if (text == NULL)
        return NULL;
    char *line = strstr(text, "\nAuthorization:");
    char *out = NULL;
    if (line != NULL) {
        line += strlen("\nAuthorization:");
        out = strndup(line, strcspn(line, "\r\n"));
    }
    free(text);
    return out;
}

static int cases_checked;

static void
check_case(const char *dir)
{
    size_t len;
    char *context = slurp(dir, "context.json", &len), *request = NULL;
    arena_t arena;
    arena_init(&arena, 0);
    json_value_t *ctx = NULL;
    parsed_request_t r = {0};
    CHECK(context != NULL && json_parse(&arena, context, len, 16, &ctx) == 0);
    if (ctx == NULL)
        goto Exit;
    const json_value_t *creds = json_get(ctx, "credentials");
    const json_value_t *omit = json_get(ctx, "omit_session_token"), *normalize = json_get(ctx, "normalize"),
                       *sign_body = json_get(ctx, "sign_body");
    /* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
    const char *iso = json_string(json_get(ctx, "timestamp"));
    CHECK(iso != NULL && strlen(iso) == 20);
    if (iso == NULL || strlen(iso) != 20)
        goto Exit;
    char timestamp[17];
    snprintf(timestamp, sizeof(timestamp), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14, iso + 17);
    /* omit_session_token: the token is sent but added after signing, so the signer never sees it */
    aws_credentials_t c = {
        .access_key_id = json_string(json_get(creds, "access_key_id")),
        .secret_access_key = json_string(json_get(creds, "secret_access_key")),
        .session_token = omit != NULL && omit->type == JSON_TRUE ? NULL : json_string(json_get(creds, "token")),
    };
    aws_sigv4_params_t params = {
        .credentials = &c,
        .region = json_string(json_get(ctx, "region")),
        .service = json_string(json_get(ctx, "service")),
        .timestamp = timestamp,
        .flags = (normalize != NULL && normalize->type == JSON_FALSE ? AWS_SIGV4_UNNORMALIZED_PATH : 0) |
                 (sign_body != NULL && sign_body->type == JSON_TRUE ? AWS_SIGV4_CONTENT_SHA256 : 0),
    };
    CHECK(c.access_key_id != NULL && c.secret_access_key != NULL && params.region != NULL && params.service != NULL);
    request = slurp(dir, "request.txt", &len);
    CHECK(request != NULL && parse_request(request, len, &r) == 0);
    if (request == NULL || r.path == NULL)
        goto Exit;
    aws_sigv4_request_t req = {
        .method = r.method,
        .path = r.path,
        .query = r.query,
        .headers = r.headers,
        .num_headers = r.num_headers,
        .body = r.body,
        .body_len = r.body_len,
    };
    aws_sigv4_signature_t sig;
    CHECK(aws_sigv4_sign(&params, &req, &sig) == 0);
    char *canonical = slurp(dir, "header-canonical-request.txt", NULL), *to_sign = slurp(dir, "header-string-to-sign.txt", NULL),
         *signature = slurp(dir, "header-signature.txt", NULL), *authorization = expected_authorization(dir);
    CHECK(canonical != NULL && to_sign != NULL && signature != NULL && authorization != NULL);
    if (canonical != NULL && to_sign != NULL && signature != NULL && authorization != NULL) {
        trim_newline(signature);
        int before = test_checks_failed;
        CHECK_STR(sig.canonical_request.data, canonical);
        CHECK_STR(sig.string_to_sign.data, to_sign);
        CHECK_STR(sig.signature, signature);
        CHECK_STR(sig.authorization.data, authorization);
        CHECK_STR(sig.date, "20150830T123600Z");
        if (test_checks_failed != before)
            fprintf(stderr, "  in case %s\n", dir);
        else
            ++cases_checked;
    }
    free(canonical);
    free(to_sign);
    free(signature);
    free(authorization);
    aws_sigv4_signature_dispose(&sig);
Exit:
    free(context);
    free(request);
    arena_dispose(&arena);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_aws_suite(void)
{
    DIR *d = opendir(suite);
    CHECK(d != NULL);
    if (d == NULL)
        return;
    char *names[128];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n != sizeof(names) / sizeof(names[0]))
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(names[0]), compare_names);
    CHECK(n == EXPECTED_CASES);
    for (size_t i = 0; i != n; ++i) {
        check_case(names[i]);
        free(names[i]);
    }
    printf("  AWS SigV4 suite: %d of %zu cases match (canonical request, string to sign, signature, Authorization)\n",
           cases_checked, n);
    CHECK(cases_checked == EXPECTED_CASES);
}

/* ---- beyond the suite ---- */

static const aws_credentials_t example_creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};

/* The canonical request's second line (the canonical path) for path under flags. */
static void
check_path(const char *path, int flags, const char *expected)
{
    aws_header_t host = {"Host", "example.amazonaws.com"};
    aws_sigv4_params_t p = {&example_creds, "us-east-1", "lambda", "20150830T123600Z", flags};
    aws_sigv4_request_t req = {.method = "POST", .path = path, .headers = &host, .num_headers = 1};
    aws_sigv4_signature_t sig;
    CHECK(aws_sigv4_sign(&p, &req, &sig) == 0);
    const char *line = strchr(sig.canonical_request.data, '\n');
    char got[512] = "";
    if (line != NULL)
        snprintf(got, sizeof(got), "%.*s", (int)strcspn(line + 1, "\n"), line + 1);
    CHECK_STR(got, expected);
    aws_sigv4_signature_dispose(&sig);
}

static void
test_paths(void)
{
    /* a Lambda Invoke path: the ARN is percent-encoded on the wire, and encoded once more in the signature */
    check_path("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Atool/invocations", 0,
               "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Atool/invocations");
    /* S3 signs the path as sent */
    check_path("/bucket/a%20b/../c", AWS_SIGV4_S3_PATH, "/bucket/a%20b/../c");
    check_path("", 0, "/");
    check_path("/a/b/../../..", 0, "/");
    check_path("/a/./b/..", 0, "/a/");
    check_path("/a//b/", 0, "/a/b/");
    check_path("/..a/.b/...", 0, "/..a/.b/...");
    check_path("/mcp", 0, "/mcp");
}

static void
test_query(void)
{
    aws_header_t host = {"host", "example.amazonaws.com"};
    aws_sigv4_params_t p = {&example_creds, "us-east-1", "s3", "20150830T123600Z", AWS_SIGV4_S3_PATH};
    /* decoded then encoded again: '+' is a literal plus, a bad escape stays text, repeated names sort by value */
    aws_sigv4_request_t req = {
        .method = "GET", .path = "/", .query = "b=2&a=%7e&&c&b=1&d=a+b&e=%zz&f=%41/", .headers = &host, .num_headers = 1};
    aws_sigv4_signature_t sig;
    CHECK(aws_sigv4_sign(&p, &req, &sig) == 0);
    CHECK(strstr(sig.canonical_request.data, "\na=~&b=1&b=2&c=&d=a%2Bb&e=%25zz&f=A%2F\n") != NULL);
    aws_sigv4_signature_dispose(&sig);
}

static void
test_added_headers(void)
{
    aws_credentials_t creds = {"AKIDEXAMPLE", "secret", "token-1"};
    aws_header_t headers[] = {{"Host", "h.example"}, {"Content-Type", "application/json"}, {"MCP-Protocol-Version", "2026-07-28"}};
    aws_sigv4_params_t p = {&creds, "eu-west-1", "lambda", "20260101T000000Z", AWS_SIGV4_CONTENT_SHA256};
    aws_sigv4_request_t req = {.method = "POST", .path = "/mcp", .headers = headers, .num_headers = 3, .body = "{}", .body_len = 2};
    aws_sigv4_signature_t sig;
    CHECK(aws_sigv4_sign(&p, &req, &sig) == 0);
    /* sha256("{}") */
    CHECK_STR(sig.content_sha256, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    CHECK(strstr(sig.authorization.data,
                 "SignedHeaders=content-type;host;mcp-protocol-version;x-amz-content-sha256;x-amz-date;x-amz-security-token,") !=
          NULL);
    CHECK(strstr(sig.authorization.data, "Credential=AKIDEXAMPLE/20260101/eu-west-1/lambda/aws4_request") != NULL);
    CHECK(strstr(sig.canonical_request.data, "\nx-amz-security-token:token-1\n") != NULL);
    aws_sigv4_signature_dispose(&sig);
}

static void
test_limits(void)
{
    aws_header_t headers[AWS_SIGV4_MAX_HEADERS + 1];
    for (size_t i = 0; i != AWS_SIGV4_MAX_HEADERS + 1; ++i)
        headers[i] = (aws_header_t){"x-many", "v"};
    aws_sigv4_params_t p = {&example_creds, "us-east-1", "lambda", "20150830T123600Z", 0};
    aws_sigv4_request_t req = {.method = "GET", .path = "/", .headers = headers, .num_headers = AWS_SIGV4_MAX_HEADERS - 1};
    aws_sigv4_signature_t sig;
    CHECK(aws_sigv4_sign(&p, &req, &sig) == 0); /* x-amz-date takes the last place */
    aws_sigv4_signature_dispose(&sig);
    req.num_headers = AWS_SIGV4_MAX_HEADERS;
    CHECK(aws_sigv4_sign(&p, &req, &sig) == -1);
    aws_sigv4_signature_dispose(&sig);
    aws_header_t empty = {"  ", "v"};
    req.headers = &empty;
    req.num_headers = 1;
    CHECK(aws_sigv4_sign(&p, &req, &sig) == -1);
    aws_sigv4_signature_dispose(&sig);
}

int
main(void)
{
    if (!test_suite_dir(SUITE, suite, sizeof(suite)))
        return test_suite_missing("test_aws_sigv4", suite);
    RUN(test_aws_suite);
    RUN(test_paths);
    RUN(test_query);
    RUN(test_added_headers);
    RUN(test_limits);
    return TEST_REPORT("test_aws_sigv4");
}
