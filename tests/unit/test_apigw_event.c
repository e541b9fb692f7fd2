/*
 * Tests of the Lambda front door's event translation, both directions: the example events in
 * tests/lambda/events/ (one per format, from AWS's documented shapes) become core requests, and core
 * responses become each format's response JSON or streaming prelude; malformed events are refused. What a
 * client can put into an event (U+0000 and lone surrogates through percent-decoding, hundreds of headers) is
 * data, and only headers beyond the total size AWS itself allows are refused.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apigw_event.h"
#include "json.h"
#include "jsonw.h"
#include "test.h"

static char *
read_file(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/lambda/events/%s", TEST_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "  cannot open %s\n", path);
        return NULL;
    }
    buf_t b = BUF_INIT(0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) != 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_release(&b, len);
}

/* The header's value and length (NULL when absent); unlike header(), nothing stops at a NUL byte. */
static const mcp_header_t *
find_header(const apigw_request_t *r, const char *name)
{
    for (size_t i = 0; i != r->req.num_headers; ++i) {
        const mcp_header_t *h = &r->req.headers[i];
        if (strlen(name) == h->name_len && strncasecmp(h->name, name, h->name_len) == 0)
            return h;
    }
    return NULL;
}

static const char *
header(const apigw_request_t *r, const char *name)
{
    static char value[512];
    for (size_t i = 0; i != r->req.num_headers; ++i) {
        const mcp_header_t *h = &r->req.headers[i];
        if (strlen(name) == h->name_len && strncasecmp(h->name, name, h->name_len) == 0) {
            snprintf(value, sizeof(value), "%.*s", (int)h->value_len, h->value);
            return value;
        }
    }
    return NULL;
}

static int
body_is(const apigw_request_t *r, const char *expected)
{
    return r->req.body_len == strlen(expected) && memcmp(r->req.body, expected, r->req.body_len) == 0;
}

static int
starts(const char *s, size_t len, const char *prefix)
{
    return len >= strlen(prefix) && memcmp(s, prefix, strlen(prefix)) == 0;
}

#define MCP_BODY                                                                                                                   \
    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"get_weather\",\"arguments\":{\"city\":"        \
    "\"Paris\"}}}"

static void
test_rest_event(void)
{
    size_t len;
    char *event = read_file("rest-v1-mcp-post.json", &len);
    CHECK(event != NULL);
    if (event == NULL)
        return;
    apigw_request_t r;
    CHECK(apigw_parse_event(event, len, &r) == 0);
    CHECK(r.format == APIGW_REST);
    CHECK(r.req.method_len == 4 && memcmp(r.req.method, "POST", 4) == 0);
    CHECK(r.req.path_len == 4 && memcmp(r.req.path, "/mcp", 4) == 0);
    CHECK(body_is(&r, MCP_BODY)); /* the example's body is base64 */
    /* multiValueHeaders wins, repeated values joined */
    CHECK(header(&r, "accept") != NULL && strstr(header(&r, "accept"), "application/json") != NULL &&
          strstr(header(&r, "accept"), "text/event-stream") != NULL);
    CHECK(r.req.public_base != NULL && strncmp(r.req.public_base, "https://", 8) == 0 && strstr(r.req.public_base, "/dev") != NULL);
    /* the authorizer's context as a JSON object, without API Gateway's own timing */
    CHECK(r.req.identity != NULL && r.req.identity->type == JSON_OBJECT && json_get(r.req.identity, "principalId") != NULL &&
          json_get(r.req.identity, "integrationLatency") == NULL);
    apigw_request_dispose(&r);
    free(event);
}

/* A Function URL with AuthType AWS_IAM: the caller's identity, with principalId = userArn and no access key id. */
static void
test_function_url_iam_identity(void)
{
    static const char event[] =
        "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/mcp\",\"rawQueryString\":\"\",\"headers\":{},"
        "\"requestContext\":{\"accountId\":\"111122223333\",\"apiId\":\"abc\",\"authorizer\":{\"iam\":{"
        "\"accessKey\":\"ASIAROTATES\",\"accountId\":\"111122223333\",\"callerId\":\"AROAX:s1\",\"cognitoIdentity\":null,"
        "\"principalOrgId\":\"o-abc\",\"userArn\":\"arn:aws:sts::111122223333:assumed-role/agent/s1\",\"userId\":\"AROAX:s1\"}},"
        "\"domainName\":\"abc.lambda-url.us-east-1.on.aws\",\"domainPrefix\":\"abc\",\"http\":{\"method\":\"POST\","
        "\"path\":\"/mcp\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"1.2.3.4\",\"userAgent\":\"x\"},\"requestId\":\"r\","
        "\"routeKey\":\"$default\",\"stage\":\"$default\",\"time\":\"t\",\"timeEpoch\":1},\"isBase64Encoded\":false}";
    apigw_request_t r;
    CHECK(apigw_parse_event(event, sizeof(event) - 1, &r) == 0);
    CHECK(r.format == APIGW_FUNCTION_URL);
    /* the identity as the core gets it: a JSON object, principalId the caller's ARN, no rotating access key */
    buf_t text = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &text);
    if (r.req.identity != NULL)
        jsonw_value(&w, r.req.identity);
    const char *id = text.data;
    CHECK(id != NULL && strstr(id, "\"principalId\":\"arn:aws:sts::111122223333:assumed-role/agent/s1\"") != NULL);
    CHECK(id != NULL && strstr(id, "\"userArn\":\"arn:aws:sts::111122223333:assumed-role/agent/s1\"") != NULL);
    CHECK(id != NULL && strstr(id, "\"accountId\":\"111122223333\"") != NULL && strstr(id, "\"principalOrgId\":\"o-abc\"") != NULL);
    CHECK(id != NULL && strstr(id, "accessKey") == NULL && strstr(id, "ASIAROTATES") == NULL);
    buf_dispose(&text);
    apigw_request_dispose(&r);
}

static void
test_http_api_event(void)
{
    size_t len;
    char *event = read_file("http-v2-mcp-post.json", &len);
    CHECK(event != NULL);
    if (event == NULL)
        return;
    apigw_request_t r;
    CHECK(apigw_parse_event(event, len, &r) == 0);
    CHECK(r.format == APIGW_HTTP);
    CHECK(r.req.path_len == 4 && memcmp(r.req.path, "/mcp", 4) == 0);
    CHECK(header(&r, "cookie") != NULL && strchr(header(&r, "cookie"), ';') != NULL); /* cookies array joined */
    CHECK(header(&r, "content-type") != NULL);
    CHECK(body_is(&r, MCP_BODY));
    apigw_request_dispose(&r);
    free(event);
}

static void
test_function_url_event(void)
{
    size_t len;
    char *event = read_file("function-url-mcp-post.json", &len);
    CHECK(event != NULL);
    if (event == NULL)
        return;
    apigw_request_t r;
    CHECK(apigw_parse_event(event, len, &r) == 0);
    CHECK(r.format == APIGW_FUNCTION_URL);
    CHECK(r.req.public_base != NULL && strstr(r.req.public_base, ".lambda-url.") != NULL);
    apigw_request_dispose(&r);
    free(event);
}

static void
test_named_stage_v2(void)
{
    const char *event = "{\"version\":\"2.0\",\"rawPath\":\"/prod/mcp\",\"requestContext\":{\"stage\":\"prod\",\"domainName\":"
                        "\"a.execute-api.eu-west-1.amazonaws.com\",\"http\":{\"method\":\"POST\"}},\"headers\":{},\"body\":\"{}\"}";
    apigw_request_t r;
    CHECK(apigw_parse_event(event, strlen(event), &r) == 0);
    CHECK(r.req.path_len == 4 && memcmp(r.req.path, "/mcp", 4) == 0);
    CHECK(r.req.public_base != NULL && strcmp(r.req.public_base, "https://a.execute-api.eu-west-1.amazonaws.com/prod") == 0);
    apigw_request_dispose(&r);
}

static void
test_bad_events(void)
{
    static const struct {
        const char *event;
        int expected;
    } cases[] = {
        {"[1,2]", APIGW_ERR_JSON},
        {"not json", APIGW_ERR_JSON},
        {"{\"foo\":1}", APIGW_ERR_SHAPE},
        {"{\"httpMethod\":\"POST\",\"path\":\"/mcp\"}", APIGW_ERR_SHAPE}, /* no requestContext */
        {"{\"httpMethod\":5,\"path\":\"/mcp\",\"requestContext\":{}}", APIGW_ERR_FIELD},
        {"{\"httpMethod\":\"POST\",\"requestContext\":{}}", APIGW_ERR_FIELD},
        {"{\"httpMethod\":\"\",\"path\":\"/mcp\",\"requestContext\":{}}", APIGW_ERR_FIELD}, /* an empty method */
        {"{\"version\":\"2.0\",\"rawPath\":\"/mcp\",\"requestContext\":{\"http\":{\"method\":\"\"}}}", APIGW_ERR_FIELD},
        {"{\"httpMethod\":\"POST\",\"path\":\"/mcp\",\"requestContext\":{},\"headers\":{\"a\":1}}", APIGW_ERR_FIELD},
        {"{\"httpMethod\":\"POST\",\"path\":\"/mcp\",\"requestContext\":{},\"multiValueHeaders\":{\"a\":\"b\"}}", APIGW_ERR_FIELD},
        {"{\"httpMethod\":\"POST\",\"path\":\"/mcp\",\"requestContext\":{},\"body\":\"!!\",\"isBase64Encoded\":true}",
         APIGW_ERR_BASE64},
        {"{\"httpMethod\":\"POST\",\"path\":\"/mcp\",\"requestContext\":{},\"body\":\"e30=\",\"isBase64Encoded\":\"yes\"}",
         APIGW_ERR_FIELD},
        {"{\"version\":\"2.0\",\"rawPath\":\"/mcp\",\"requestContext\":{\"http\":{}}}", APIGW_ERR_FIELD},
        {"{\"version\":\"2.0\",\"rawPath\":\"/mcp\",\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"cookies\":[1]}",
         APIGW_ERR_FIELD},
    };
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        apigw_request_t r;
        int ret = apigw_parse_event(cases[i].event, strlen(cases[i].event), &r);
        if (ret != cases[i].expected)
            fprintf(stderr, "  case %zu: got %d, expected %d\n", i, ret, cases[i].expected);
        CHECK(ret == cases[i].expected);
        apigw_request_dispose(&r);
    }
    /* over the 6 MB invocation limit, but well-formed: the shape is known, so it can be answered 413 */
    size_t n = APIGW_MAX_EVENT_BYTES + 16;
    char *big = malloc(n + 128);
    int head = snprintf(big, 128, "{\"httpMethod\":\"POST\",\"path\":\"/mcp\",\"requestContext\":{},\"body\":\"");
    memset(big + head, 'a', n);
    strcpy(big + head + n, "\"}");
    apigw_request_t r;
    CHECK(apigw_parse_event(big, strlen(big), &r) == APIGW_ERR_TOO_LARGE);
    CHECK(r.format == APIGW_REST);
    apigw_request_dispose(&r);
    free(big);
}

/* Replaces every occurrence of from in *text (NUL-terminated, malloc'd) by to; returns how many. */
static int
replace_all(char **text, const char *from, const char *to)
{
    buf_t out = BUF_INIT(0);
    int count = 0;
    const char *p = *text, *hit;
    while ((hit = strstr(p, from)) != NULL) {
        buf_append(&out, p, (size_t)(hit - p));
        buf_append_str(&out, to);
        p = hit + strlen(from);
        ++count;
    }
    buf_append_str(&out, p);
    free(*text);
    size_t len;
    *text = buf_release(&out, &len);
    return count;
}

static int
bytes_are(const char *s, size_t len, const char *expected, size_t expected_len)
{
    return s != NULL && len == expected_len && memcmp(s, expected, len) == 0;
}

/*
 * Each format's example event with U+0000 and lone surrogates where a client can put them (query and path
 * parameters, a header, the authorizer's context of a token it sent, stage variables): the event parses, the
 * header and the identity carry the bytes with their lengths, and each unpaired surrogate is U+FFFD.
 */
static void
test_events_carry_data(void)
{
    static const struct {
        const char *file;
        apigw_format_t format;
        const char *agent_from, *agent_to; /* the User-Agent header's value, as JSON text */
        const char *context_from, *context_to;
    } cases[] = {
        {"rest-v1-mcp-post.json", APIGW_REST, "\"node\"", "\"no\\u0000de\\ud800\"", "\"tenant\": \"acme\"",
         "\"tenant\": \"ac\\u0000me\\udc00\""},
        {"http-v2-mcp-post.json", APIGW_HTTP, "\"python-httpx/0.28.1\"", "\"no\\u0000de\\ud800\"", "\"tenant\": \"acme\"",
         "\"tenant\": \"ac\\u0000me\\udc00\""},
        {"function-url-mcp-post.json", APIGW_FUNCTION_URL, "\"node\"", "\"no\\u0000de\\ud800\"", NULL, NULL},
    };
    static const char params[] = "{\"queryStringParameters\":{\"x\":\"%00\\u0000\",\"y\":\"\\ud800\\udbff\"},"
                                 "\"multiValueQueryStringParameters\":{\"x\":[\"\\u0000\",\"\\udfff\"]},"
                                 "\"pathParameters\":{\"proxy\":\"a\\u0000/\\ud83d\"},\"stageVariables\":{\"s\":\"\\u0000\"},";
    for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); ++i) {
        size_t len;
        char *event = read_file(cases[i].file, &len);
        CHECK(event != NULL);
        if (event == NULL)
            continue;
        CHECK(replace_all(&event, cases[i].agent_from, cases[i].agent_to) >= 1);
        if (cases[i].context_from != NULL)
            CHECK(replace_all(&event, cases[i].context_from, cases[i].context_to) == 1);
        /* the parameters go first, into the event's own object */
        CHECK(event[0] == '{');
        buf_t with_params = BUF_INIT(0);
        buf_append_str(&with_params, params);
        buf_append_str(&with_params, event + 1);
        free(event);
        event = buf_release(&with_params, &len);
        apigw_request_t r;
        int ret = apigw_parse_event(event, strlen(event), &r);
        if (ret != 0)
            fprintf(stderr, "  %s: %s\n", cases[i].file, apigw_strerror(ret));
        CHECK(ret == 0);
        CHECK(r.format == cases[i].format);
        const mcp_header_t *agent = find_header(&r, "user-agent");
        CHECK(agent != NULL && bytes_are(agent->value, agent->value_len, "no\0de\xef\xbf\xbd", 8));
        if (cases[i].context_from != NULL) {
            const json_value_t *tenant = json_get(r.req.identity, "tenant");
            CHECK(tenant != NULL && tenant->type == JSON_STRING &&
                  bytes_are(tenant->u.str.ptr, tenant->u.str.len, "ac\0me\xef\xbf\xbd", 8));
        }
        CHECK(body_is(&r, MCP_BODY));
        apigw_request_dispose(&r);
        free(event);
    }
}

/* The MCP body is handed over as the event spells it, NUL bytes included: judging it is the core's strict parser's job. */
static void
test_body_bytes_as_sent(void)
{
    const char event[] = "{\"version\":\"2.0\",\"rawPath\":\"/mcp\",\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                         "\"body\":\"{\\\"a\\\":\\\"\\u0000\\\\ud800\\ud800\\\"}\",\"isBase64Encoded\":false}";
    apigw_request_t r;
    CHECK(apigw_parse_event(event, sizeof(event) - 1, &r) == 0);
    CHECK(bytes_are(r.req.body, r.req.body_len, "{\"a\":\"\0\\ud800\xef\xbf\xbd\"}", 18));
    json_value_t *v;
    arena_t a;
    arena_init(&a, 0);
    CHECK(json_parse(&a, r.req.body, r.req.body_len, 8, &v) == JSON_ERR_SYNTAX); /* the raw NUL */
    arena_dispose(&a);
    apigw_request_dispose(&r);
}

/* An event with n headers named x-h-<i>, each with a value of value_len bytes, in the format's own way. */
static char *
event_with_headers(apigw_format_t format, size_t n, size_t value_len)
{
    buf_t b = BUF_INIT(0);
    char *value = malloc(value_len + 1);
    memset(value, 'v', value_len);
    value[value_len] = '\0';
    if (format == APIGW_REST)
        buf_append_str(&b, "{\"httpMethod\":\"POST\",\"path\":\"/mcp\",\"requestContext\":{},\"multiValueHeaders\":{");
    else
        buf_append_str(
            &b, "{\"version\":\"2.0\",\"rawPath\":\"/mcp\",\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"headers\":{");
    for (size_t i = 0; i != n; ++i) {
        char name[32];
        snprintf(name, sizeof(name), "%s\"x-h-%03zu\":%s", i != 0 ? "," : "", i, format == APIGW_REST ? "[" : "");
        buf_append_str(&b, name);
        buf_append_str(&b, "\"");
        buf_append_str(&b, value);
        buf_append_str(&b, format == APIGW_REST ? "\"]" : "\"");
    }
    buf_append_str(&b, "},\"body\":\"{}\"}");
    free(value);
    size_t len;
    return buf_release(&b, &len);
}

/* Headers are limited by their total size, as AWS limits them, never by their number. */
static void
test_header_limits(void)
{
    for (int f = 0; f != 2; ++f) {
        apigw_format_t format = f == 0 ? APIGW_REST : APIGW_HTTP;
        char *event = event_with_headers(format, 200, 40);
        apigw_request_t r;
        CHECK(apigw_parse_event(event, strlen(event), &r) == 0);
        CHECK(r.req.num_headers == 200);
        CHECK(header(&r, "x-h-000") != NULL && header(&r, "x-h-199") != NULL && strlen(header(&r, "x-h-199")) == 40);
        /* "POST /mcp HTTP/1.1\r\n" and 200 lines of "x-h-NNN: " + 40 bytes + CRLF */
        CHECK(r.header_bytes == 20 + 200 * (7 + 2 + 40 + 2));
        apigw_request_dispose(&r);
        free(event);

        /* the most headers AWS can deliver: 1 MB of the shortest distinct header lines, as a Function URL may carry */
        buf_t many = BUF_INIT(0);
        buf_append_str(&many, format == APIGW_REST
                                  ? "{\"httpMethod\":\"POST\",\"path\":\"/mcp\",\"requestContext\":{},\"headers\":{"
                                  : "{\"version\":\"2.0\",\"rawPath\":\"/mcp\",\"requestContext\":{\"http\":{"
                                    "\"method\":\"POST\"}},\"headers\":{");
        size_t count = 0, bytes = 20;
        for (;; ++count) {
            char line[32];
            int name_len = snprintf(line, sizeof(line), "%s\"%zx\":\"v\"", count != 0 ? "," : "", count) - (count != 0) - 6;
            if (bytes + (size_t)name_len + 2 + 1 + 2 > APIGW_MAX_HEADER_BYTES)
                break;
            bytes += (size_t)name_len + 2 + 1 + 2;
            buf_append_str(&many, line);
        }
        buf_append_str(&many, "}}");
        int ret = apigw_parse_event(many.data, many.len, &r);
        if (ret != 0)
            fprintf(stderr, "  %zu headers: %s\n", count, apigw_strerror(ret));
        CHECK(ret == 0 && count > 100000);
        CHECK(r.req.num_headers == count && r.header_bytes == bytes);
        apigw_request_dispose(&r);
        buf_dispose(&many);

        /* exactly at the limit, and one byte over it: refused with 431, in the event's own format */
        size_t at_limit = APIGW_MAX_HEADER_BYTES - 20 - (7 + 2 + 2);
        event = event_with_headers(format, 1, at_limit);
        CHECK(apigw_parse_event(event, strlen(event), &r) == 0);
        CHECK(r.header_bytes == APIGW_MAX_HEADER_BYTES);
        apigw_request_dispose(&r);
        free(event);
        event = event_with_headers(format, 1, at_limit + 1);
        CHECK(apigw_parse_event(event, strlen(event), &r) == APIGW_ERR_HEADERS_TOO_LARGE);
        CHECK(r.format == format);
        apigw_request_dispose(&r);
        free(event);
    }
    /* repeated values of a REST header count as the lines they were */
    const char repeated[] =
        "{\"httpMethod\":\"GET\",\"path\":\"/mcp\",\"requestContext\":{},\"multiValueHeaders\":{\"a\":[\"1\",\"22\",\"333\"]}}";
    apigw_request_t r;
    CHECK(apigw_parse_event(repeated, sizeof(repeated) - 1, &r) == 0);
    CHECK(r.header_bytes == 19 + (1 + 2 + 1 + 2) + (1 + 2 + 2 + 2) + (1 + 2 + 3 + 2));
    CHECK(header(&r, "a") != NULL && strcmp(header(&r, "a"), "1, 22, 333") == 0);
    apigw_request_dispose(&r);
    /* a payload 2.0 query string is part of the request line; the cookies array is one more header */
    const char v2[] = "{\"version\":\"2.0\",\"rawPath\":\"/mcp\",\"rawQueryString\":\"a=1\",\"cookies\":[\"c=1\",\"d=2\"],"
                      "\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"headers\":{\"h\":\"v\"}}";
    CHECK(apigw_parse_event(v2, sizeof(v2) - 1, &r) == 0);
    CHECK(r.req.num_headers == 2 && header(&r, "cookie") != NULL && strcmp(header(&r, "cookie"), "c=1; d=2") == 0);
    CHECK(r.header_bytes == 24 + (1 + 2 + 1 + 2) + (6 + 2 + 8 + 2));
    apigw_request_dispose(&r);

    apigw_refusal_t refusal = apigw_refusal(APIGW_ERR_HEADERS_TOO_LARGE);
    CHECK(refusal.status == 431 && strcmp(refusal.message, "Request Header Fields Too Large") == 0);
    CHECK(apigw_refusal(APIGW_ERR_TOO_LARGE).status == 413 && apigw_refusal(APIGW_ERR_FIELD).status == 400);
}

static void
test_responses(void)
{
    mcp_response_t res;
    memset(&res, 0, sizeof(res));
    res.status = 200;
    res.headers[0] = (mcp_header_t){"content-type", 12, "text/event-stream", 17};
    res.num_headers = 1;
    const char *body = "event: message\ndata: {\"a\":\"\xc3\xa9\"}\n\n";
    buf_t out = BUF_INIT(0);
    apigw_write_response(APIGW_REST, &res, body, strlen(body), &out);
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v;
    CHECK(json_parse(&a, out.data, out.len, 16, &v) == 0);
    int64_t status;
    CHECK(json_int64(json_get(v, "statusCode"), &status) == 0 && status == 200);
    CHECK(json_string(json_get(v, "body")) != NULL && strcmp(json_string(json_get(v, "body")), body) == 0);
    CHECK(json_get(v, "isBase64Encoded") != NULL && json_get(v, "isBase64Encoded")->type == JSON_FALSE);
    CHECK(json_string(json_get(json_get(v, "headers"), "content-type")) != NULL);

    /* 202 with no body and no content type */
    buf_reset(&out);
    res.status = 202;
    res.num_headers = 0;
    apigw_write_response(APIGW_HTTP, &res, NULL, 0, &out);
    CHECK(strstr(out.data, "\"statusCode\":202") != NULL && strstr(out.data, "\"body\":\"\"") != NULL);

    /* the streaming prelude: JSON, then exactly eight NUL bytes */
    buf_reset(&out);
    res.status = 200;
    res.headers[0] = (mcp_header_t){"content-type", 12, "text/event-stream", 17};
    res.num_headers = 1;
    apigw_write_prelude(APIGW_FUNCTION_URL, &res, &out);
    CHECK(out.len > 8 && memcmp(out.data + out.len - 8, "\0\0\0\0\0\0\0\0", 8) == 0);
    CHECK(starts(out.data, out.len, "{\"statusCode\":200,\"headers\":{\"content-type\":\"text/event-stream\"}}"));
    CHECK(memchr(out.data, '\0', out.len - 8) == NULL);
    buf_dispose(&out);
    arena_dispose(&a);
}

int
main(void)
{
    RUN(test_rest_event);
    RUN(test_http_api_event);
    RUN(test_function_url_event);
    RUN(test_function_url_iam_identity);
    RUN(test_named_stage_v2);
    RUN(test_bad_events);
    RUN(test_events_carry_data);
    RUN(test_body_bytes_as_sent);
    RUN(test_header_limits);
    RUN(test_responses);
    return TEST_REPORT("test_apigw_event");
}
