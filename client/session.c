/* session.c: MCP over Streamable HTTP, from the client's side, in both eras (session.h). */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "headers.h"
#include "http_client.h"
#include "jsonw.h"
#include "mcpc_errors.h"
#include "message.h"
#include "oauth.h"
#include "sse.h"
#include "text.h"

#define MAX_JSON_DEPTH 64
/*
 * The parsed tree of a message takes up to about 28 bytes of arena per byte of JSON (measured for
 * "[1,1,...]"; objects and strings take less), so parsing gets 32 per byte: no valid message under the
 * size cap is refused, and the cap still bounds the memory.
 */
#define PARSE_ARENA_FACTOR 32
#define MAX_EXTRA_HEADERS 64
#define MAX_ERROR_BODY 4096 /* kept of a non-2xx body, for its message */
#define MAX_SESSION_ID 256

struct st_mcpc_session_t {
    mcpc_session_config_t config;
    mcpc_http_client_t *http;
    char *authorization; /* "Bearer <token>", or NULL */
    mcpc_oauth_t *oauth; /* --oauth-client-credentials: tokens from the authorization server; NULL otherwise */
    mcpc_http_header_t extra[MAX_EXTRA_HEADERS];
    size_t num_extra;
    mcpc_era_t era;
    const char *version; /* the negotiated revision (an entry of mcpc_protocol_versions); NULL before it is known */
    char *session_id;    /* Mcp-Session-Id, if a legacy server assigned one */
    int64_t next_id;
    arena_t arena; /* the initialize or discover result */
    const json_value_t *server;
    buf_t challenges;
    int auth_status; /* the status of the last 401 or 403 */
    char error[1024];
};

/* What the body of a response is, once its head has been seen. */
enum { BODY_IGNORE, BODY_JSON, BODY_SSE, BODY_ERROR, BODY_REFUSED };

/* One HTTP exchange: a request (which expects a response), or a notification or answer we send. */
typedef struct st_call_t {
    mcpc_session_t *s;
    const char *method;   /* for messages */
    int64_t id;           /* of the request */
    int expects_response; /* a JSON-RPC response must come back */
    int is_initialize;
    int modern;                             /* a modern-era request: servers may not send requests on its stream */
    int keep_status;                        /* a non-2xx answer is left to the caller (status, start of body) */
    const char *version;                    /* MCP-Protocol-Version, or NULL */
    const mcpc_http_header_t *meta_headers; /* modern: Mcp-Method, Mcp-Name, Mcp-Param-* */
    size_t num_meta_headers;
    int status;
    char reason[64];
    char error_type[128]; /* a 401 or 403: AWS's x-amzn-ErrorType, if any */
    int kind;
    buf_t body; /* BODY_JSON: the message(s); BODY_ERROR: the start of the body */
    mcpc_sse_parser_t sse;
    buf_t response; /* our response, serialised */
    int has_response;
    int retried; /* sent again after a refusal for expired credentials */
    int error;   /* a failure found in a callback (its message is in s->error) */
} call_t;

static int fail(mcpc_session_t *s, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int post(call_t *call, const char *http_method, const char *json, size_t len);
static const char *text_of(const buf_t *b);

static int
fail(mcpc_session_t *s, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof(s->error), fmt, ap);
    va_end(ap);
    return err;
}

/* ---- configuration ---- */

/* Header fields mcp-client frames the request with: a --header may not replace them. */
static const char *const reserved_headers[] = {"host", "content-length", "transfer-encoding", "connection", NULL};

int
mcpc_parse_header_option(const char *line, mcpc_http_header_t *out, char *err, size_t err_len)
{
    const char *colon = strchr(line, ':');
    const char *value = colon != NULL ? colon + 1 : NULL;
    size_t name_len = colon != NULL ? (size_t)(colon - line) : 0;
    while (value != NULL && (*value == ' ' || *value == '\t'))
        ++value;
    size_t value_len = value != NULL ? strlen(value) : 0;
    while (value_len != 0 && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
        --value_len;
    if (colon == NULL || !mcpc_http_header_valid(line, name_len, value, value_len)) {
        snprintf(err, err_len, "--header must be 'Name: value' with a valid name and no line breaks");
        return MCPC_ERR_USAGE;
    }
    for (const char *const *r = reserved_headers; *r != NULL; ++r) {
        if (strlen(*r) == name_len && strncasecmp(*r, line, name_len) == 0) {
            snprintf(err, err_len, "--header cannot set %.*s: mcp-client sets it", (int)name_len, line);
            return MCPC_ERR_USAGE;
        }
    }
    *out = (mcpc_http_header_t){line, name_len, value, value_len};
    return 0;
}

int
mcpc_bearer_authorization(const char *token, char **out, char *err, size_t err_len)
{
    size_t len = strlen(token);
    if (len == 0 || !mcpc_http_header_valid("Authorization", 13, token, len)) {
        snprintf(err, err_len, "the token is empty or holds a line break");
        return MCPC_ERR_USAGE;
    }
    if ((*out = malloc(len + 8)) == NULL)
        return MCPC_ERR_NOMEM;
    memcpy(*out, "Bearer ", 7);
    memcpy(*out + 7, token, len + 1);
    return 0;
}

int
mcpc_session_new(const mcpc_session_config_t *config, mcpc_session_t **out, char *err, size_t err_len)
{
    mcpc_session_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return MCPC_ERR_NOMEM;
    s->config = *config;
    s->next_id = 1;
    arena_init(&s->arena, 0); /* holds one parsed initialize or discover result, itself bounded by the message cap */
    buf_init(&s->challenges, 16384);
    int ret = 0;
    if (config->num_headers > MAX_EXTRA_HEADERS) {
        snprintf(err, err_len, "at most %d --header options", MAX_EXTRA_HEADERS);
        ret = MCPC_ERR_USAGE;
    }
    for (size_t i = 0; i != config->num_headers && ret == 0; ++i)
        if ((ret = mcpc_parse_header_option(config->headers[i], &s->extra[s->num_extra], err, err_len)) == 0)
            ++s->num_extra;
    if (ret == 0 && config->oauth_client_id != NULL) {
        mcpc_oauth_config_t oc = {.endpoint = config->url,
                                  .client_id = config->oauth_client_id,
                                  .client_secret = config->oauth_client_secret,
                                  .issuer = config->oauth_issuer,
                                  .cacert = config->cacert,
                                  .timeout_ms = config->timeout_ms,
                                  .trace = config->trace};
        ret = mcpc_oauth_new(&oc, &s->oauth);
    }
    if (ret == 0 && config->token != NULL)
        ret = mcpc_bearer_authorization(config->token, &s->authorization, err, err_len);
    if (ret == 0) {
        mcpc_http_config_t hc = {.url = config->url,
                                 .cacert = config->cacert,
                                 .timeout_ms = config->timeout_ms,
                                 .trace = config->trace,
                                 .signer = config->signer};
        ret = mcpc_http_client_new(&hc, &s->http, err, err_len);
    }
    if (ret != 0) {
        mcpc_session_free(s);
        return ret;
    }
    *out = s;
    return 0;
}

mcpc_era_t
mcpc_session_era(const mcpc_session_t *s)
{
    return s->era;
}

const char *
mcpc_session_version(const mcpc_session_t *s)
{
    return s->version;
}

const json_value_t *
mcpc_session_server(const mcpc_session_t *s)
{
    return s->server;
}

const char *
mcpc_session_error(const mcpc_session_t *s)
{
    return s->error;
}

const char *
mcpc_session_challenges(const mcpc_session_t *s)
{
    return s->challenges.data != NULL ? s->challenges.data : "";
}

int
mcpc_session_auth_status(const mcpc_session_t *s)
{
    return s->auth_status;
}

/* ---- one HTTP exchange ---- */

static int
has_extra(const mcpc_session_t *s, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i != s->num_extra; ++i)
        if (s->extra[i].name_len == len && strncasecmp(s->extra[i].name, name, len) == 0)
            return 1;
    return 0;
}

/*
 * The request's header fields: the defaults and then the metadata headers (modern era), each unless a
 * --header replaces it, then the --header fields.
 */
static size_t
request_headers(mcpc_session_t *s, const call_t *call, mcpc_http_header_t *out)
{
    const struct {
        const char *name, *value;
    } defaults[] = {
        {"Accept", "application/json, text/event-stream"},
        {"Content-Type", "application/json"},
        {"MCP-Protocol-Version", call->version},
        {"Mcp-Session-Id", s->session_id},
        {"Authorization", s->oauth != NULL ? mcpc_oauth_authorization(s->oauth) : s->authorization},
    };
    size_t n = 0;
    for (size_t i = 0; i != sizeof(defaults) / sizeof(defaults[0]); ++i)
        if (defaults[i].value != NULL && !has_extra(s, defaults[i].name))
            out[n++] =
                (mcpc_http_header_t){defaults[i].name, strlen(defaults[i].name), defaults[i].value, strlen(defaults[i].value)};
    for (size_t i = 0; i != call->num_meta_headers; ++i) {
        const mcpc_http_header_t *h = &call->meta_headers[i];
        int replaced = 0;
        for (size_t j = 0; j != s->num_extra && !replaced; ++j)
            replaced = s->extra[j].name_len == h->name_len && strncasecmp(s->extra[j].name, h->name, h->name_len) == 0;
        if (!replaced)
            out[n++] = *h;
    }
    for (size_t i = 0; i != s->num_extra; ++i)
        out[n++] = s->extra[i];
    return n;
}

static int
media_type_is(const mcpc_http_header_t *h, const char *type)
{
    if (h == NULL)
        return 0;
    const char *v = h->value;
    size_t len = h->value_len;
    size_t end = 0;
    while (end != len && v[end] != ';' && v[end] != ' ' && v[end] != '\t')
        ++end;
    return end == strlen(type) && strncasecmp(v, type, end) == 0;
}

/* A request from the server: ping is answered, anything else declined; the answer is its own POST. */
static int
answer_server_request(mcpc_session_t *s, const json_value_t *id, const char *method)
{
    int is_ping = strcmp(method, "ping") == 0;
    buf_t body = BUF_INIT(0), shown = BUF_INIT(256);
    mcpc_text_snippet(&shown, method, strlen(method), 100);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "jsonrpc", "2.0");
    jsonw_key(&w, "id");
    jsonw_value(&w, id);
    if (is_ping) {
        jsonw_kv_raw(&w, "result", "{}");
    } else {
        /* sampling, elicitation and roots need a person or a model; this client has neither */
        jsonw_key(&w, "error");
        jsonw_object_begin(&w);
        jsonw_kv_int(&w, "code", MCPC_JSONRPC_METHOD_NOT_FOUND);
        buf_t message = BUF_INIT(0);
        buf_printf(&message, "Method not found: mcp-client does not support %s", method);
        jsonw_kv_string(&w, "message", message.data);
        buf_dispose(&message);
        jsonw_object_end(&w);
        fprintf(s->config.diag, "mcp-client: declined the server's %s request (not supported by mcp-client)\n", shown.data);
    }
    jsonw_object_end(&w);

    call_t answer = {.s = s, .method = method, .version = s->version};
    if (post(&answer, "POST", body.data, body.len) != 0)
        fprintf(s->config.diag, "mcp-client: could not answer the server's %s request: %s\n", shown.data, s->error);
    buf_dispose(&shown);
    buf_dispose(&body);
    return 0; /* the call goes on: the server decides what an unanswered request means */
}

static int
handle_message(call_t *call, const json_value_t *msg)
{
    mcpc_session_t *s = call->s;
    if (msg->type != JSON_OBJECT)
        return call->error = fail(s, MCPC_ERR_BAD_MESSAGE, "%s: not an object", mcpc_strerror(MCPC_ERR_BAD_MESSAGE));
    const json_value_t *method = json_get(msg, "method"), *id = json_get(msg, "id");
    if (method != NULL) {
        if (method->type != JSON_STRING)
            return call->error = fail(s, MCPC_ERR_BAD_MESSAGE, "%s: method is not a string", mcpc_strerror(MCPC_ERR_BAD_MESSAGE));
        if (id != NULL && id->type != JSON_NULL && call->modern) {
            /* a modern server asks with an input_required result; a client must not send responses */
            buf_t shown = BUF_INIT(256);
            mcpc_text_snippet(&shown, method->u.str.ptr, method->u.str.len, 100);
            fprintf(s->config.diag, "mcp-client: ignored the server's %s request (not part of revision %s)\n", shown.data,
                    call->version);
            buf_dispose(&shown);
            return 0;
        }
        if (id != NULL && id->type != JSON_NULL)
            return answer_server_request(s, id, method->u.str.ptr);
        if (s->config.on_notification != NULL)
            s->config.on_notification(s->config.cb_data, msg);
        return 0;
    }
    int64_t n;
    if (!call->expects_response || call->has_response || json_int64(id, &n) != 0 || n != call->id)
        return 0; /* a response to something else: not ours to handle */
    jsonw_t w;
    jsonw_init(&w, &call->response);
    jsonw_value(&w, msg);
    if (jsonw_failed(&w))
        return call->error = fail(s, MCPC_ERR_TOO_LARGE, "%s: a message over %u bytes", mcpc_strerror(MCPC_ERR_TOO_LARGE),
                                  MCPC_MAX_MESSAGE_BYTES);
    call->has_response = 1;
    return 0;
}

/* One JSON-RPC message, or a batch of them, as text. */
static int
handle_text(call_t *call, const char *text, size_t len)
{
    arena_t scratch;
    arena_init(&scratch, PARSE_ARENA_FACTOR * len + (1u << 20));
    json_value_t *v;
    int ret = json_parse(&scratch, text, len, MAX_JSON_DEPTH, &v);
    if (ret != 0) {
        ret = call->error = fail(call->s, MCPC_ERR_BAD_MESSAGE, "%s (%s)", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), json_strerror(ret));
    } else if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i != v->u.arr.len && ret == 0; ++i)
            ret = handle_message(call, v->u.arr.items[i]);
    } else {
        ret = handle_message(call, v);
    }
    arena_dispose(&scratch);
    return ret;
}

static int
on_event(void *data, const mcpc_sse_event_t *ev)
{
    call_t *call = data;
    /* events of other types are not MCP messages; an event without data is a priming event */
    if (strcmp(ev->type, "message") != 0 || ev->data_len == 0)
        return 0;
    int ret = handle_text(call, ev->data, ev->data_len);
    if (ret != 0)
        return ret;
    return call->has_response ? 1 : 0;
}

static int
capture_session_id(call_t *call, const mcpc_http_response_t *res)
{
    mcpc_session_t *s = call->s;
    const mcpc_http_header_t *h = mcpc_http_find_header(res, "mcp-session-id");
    if (h == NULL)
        return 0;
    int valid = h->value_len != 0 && h->value_len <= MAX_SESSION_ID;
    for (size_t i = 0; valid && i != h->value_len; ++i)
        valid = h->value[i] >= 0x21 && h->value[i] <= 0x7e;
    if (!valid)
        return call->error = fail(s, MCPC_ERR_BAD_MESSAGE, "the server sent an invalid Mcp-Session-Id");
    free(s->session_id);
    if ((s->session_id = strndup(h->value, h->value_len)) == NULL)
        return call->error = fail(s, MCPC_ERR_NOMEM, "%s", mcpc_strerror(MCPC_ERR_NOMEM));
    return 0;
}

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    call_t *call = data;
    mcpc_session_t *s = call->s;
    call->status = res->status;
    buf_t reason = BUF_INIT(0);
    mcpc_text_snippet(&reason, res->reason, res->reason_len, sizeof(call->reason) - 4);
    snprintf(call->reason, sizeof(call->reason), "%s", reason.data != NULL ? reason.data : "");
    buf_dispose(&reason);

    if (res->status == 401 || res->status == 403) {
        s->auth_status = res->status;
        buf_reset(&s->challenges);
        for (size_t i = 0; i != res->num_headers; ++i) {
            const mcpc_http_header_t *h = &res->headers[i];
            if (h->name_len == 16 && strncasecmp(h->name, "www-authenticate", 16) == 0) {
                mcpc_text_snippet(&s->challenges, h->value, h->value_len, 2048);
                buf_append_char(&s->challenges, '\n');
            }
        }
        mcpc_text_error_type(call->error_type, sizeof(call->error_type), res);
        call->kind = BODY_REFUSED; /* read for its message (AWS says why it refused a signature) */
        return 0;
    }
    if (res->status < 200 || res->status > 299) {
        call->kind = BODY_ERROR;
        return 0;
    }
    if (call->is_initialize && capture_session_id(call, res) != 0)
        return call->error;
    const mcpc_http_header_t *ctype = mcpc_http_find_header(res, "content-type");
    if (!call->expects_response || res->status == 202) {
        call->kind = BODY_IGNORE;
    } else if (media_type_is(ctype, "text/event-stream")) {
        call->kind = BODY_SSE;
        mcpc_sse_init(&call->sse, MCPC_MAX_MESSAGE_BYTES);
        call->sse.on_event = on_event;
        call->sse.cb_data = call;
    } else if (media_type_is(ctype, "application/json")) {
        call->kind = BODY_JSON;
    } else {
        buf_t shown = BUF_INIT(256);
        if (ctype != NULL)
            mcpc_text_snippet(&shown, ctype->value, ctype->value_len, 100);
        call->error = fail(s, MCPC_ERR_CONTENT_TYPE, "%s (%s) in answer to %s", mcpc_strerror(MCPC_ERR_CONTENT_TYPE),
                           shown.data != NULL ? shown.data : "none", call->method);
        buf_dispose(&shown);
        return call->error;
    }
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    call_t *call = data;
    int ret = 0;
    switch (call->kind) {
    case BODY_JSON:
        buf_append(&call->body, bytes, len);
        if (buf_failed(&call->body))
            ret = call->error = fail(call->s, MCPC_ERR_TOO_LARGE, "%s: a message over %u bytes", mcpc_strerror(MCPC_ERR_TOO_LARGE),
                                     MCPC_MAX_MESSAGE_BYTES);
        break;
    case BODY_ERROR:
    case BODY_REFUSED:
        if (call->body.len < MAX_ERROR_BODY)
            buf_append(&call->body, bytes, len < MAX_ERROR_BODY - call->body.len ? len : MAX_ERROR_BODY - call->body.len);
        break;
    case BODY_SSE:
        ret = mcpc_sse_feed(&call->sse, bytes, len);
        if (ret < 0 && call->error == 0)
            ret = call->error = fail(call->s, ret, "%s: an event over %u bytes", mcpc_strerror(ret), MCPC_MAX_MESSAGE_BYTES);
        break;
    default:
        break;
    }
    return ret;
}

/* The message for a non-2xx status: the reason in the body (a JSON-RPC error's message, ...), else the body's start. */
static int
status_error(call_t *call)
{
    mcpc_session_t *s = call->s;
    buf_t detail = BUF_INIT(1024);
    mcpc_text_error_message(&detail, call->body.data, call->body.len);
    fail(s, MCPC_ERR_HTTP_STATUS, "%s: the server answered %s with %d %s%s%s%s", mcpc_strerror(MCPC_ERR_HTTP_STATUS), call->method,
         call->status, call->reason, detail.len != 0 ? ": " : "", detail.len != 0 ? detail.data : "",
         call->status == 404 && s->session_id != NULL ? " (the server no longer knows this session)" : "");
    buf_dispose(&detail);
    return MCPC_ERR_HTTP_STATUS;
}

/* The message in a refusal's body (AWS's reason, or a JSON-RPC error's), cleaned; or "". */
static void
refusal_message(const call_t *call, buf_t *out)
{
    if (call->body.len != 0)
        mcpc_text_error_message(out, call->body.data, call->body.len);
}

/* Whether a refusal says the signed request's credentials have expired (ExpiredToken, ExpiredTokenException). */
static int
credentials_expired(const call_t *call)
{
    if (strstr(call->error_type, "ExpiredToken") != NULL)
        return 1;
    buf_t message = BUF_INIT(0);
    refusal_message(call, &message);
    int expired = message.data != NULL && strstr(message.data, "security token included in the request is expired") != NULL;
    buf_dispose(&message);
    return expired;
}

/* A 401 or 403: the failure, with what the server said and a hint for what to do. */
static int
auth_error(call_t *call)
{
    mcpc_session_t *s = call->s;
    buf_t message = BUF_INIT(0);
    refusal_message(call, &message);
    const char *hint = "";
    if (mcpc_http_signs(s->http))
        hint = call->status == 403 ? " (the request was signed with SigV4: check the credentials, --aws-service, --aws-region, "
                                     "the clock, and that the IAM policy allows the call)"
                                   : "";
    else if (s->authorization == NULL && s->oauth == NULL && !has_extra(s, "Authorization"))
        hint = ": no token was sent (use --token or MCP_AUTH_TOKEN, --oauth-client-credentials, or --aws-sigv4 for an IAM "
               "endpoint)";
    fail(s, MCPC_ERR_AUTH, "%s (HTTP %d %s)%s%s%s%s%s%s", mcpc_strerror(MCPC_ERR_AUTH), call->status, call->reason,
         message.len != 0 ? ": " : "", text_of(&message), call->error_type[0] != '\0' ? " [" : "", call->error_type,
         call->error_type[0] != '\0' ? "]" : "", hint);
    buf_dispose(&message);
    return MCPC_ERR_AUTH;
}

/*
 * Sends json (a message, or NULL) and handles whatever comes back according to call. A non-2xx answer
 * fails with MCPC_ERR_HTTP_STATUS, unless call->keep_status: then it returns 0 with call->status and the
 * start of the body in call->body, which the caller disposes.
 */
static int
post_once(call_t *call, const char *http_method, const char *json, size_t len)
{
    mcpc_session_t *s = call->s;
    mcpc_http_header_t headers[8 + MCPC_MAX_METADATA_HEADERS + MAX_EXTRA_HEADERS];
    buf_init(&call->body, MCPC_MAX_MESSAGE_BYTES);
    mcpc_http_request_t req = {
        .method = http_method,
        .headers = headers,
        .num_headers = request_headers(s, call, headers),
        .body = json,
        .body_len = len,
        .on_head = on_head,
        .on_body = on_body,
        .cb_data = call,
    };
    int ret = mcpc_http_send(s->http, &req);
    if (ret == 0 && call->kind == BODY_REFUSED && !call->retried && mcpc_http_signs(s->http) && credentials_expired(call)) {
        /* the credentials expired since they were read: look for fresh ones and send once more */
        mcpc_http_invalidate_credentials(s->http);
        call->retried = 1;
        call->kind = BODY_IGNORE;
        buf_dispose(&call->body);
        return post(call, http_method, json, len);
    }
    if (ret != 0) {
        if (call->error != ret)
            fail(s, ret, "%s", mcpc_http_error(s->http));
    } else if (call->kind == BODY_REFUSED) {
        ret = auth_error(call);
    } else if (call->kind == BODY_ERROR) {
        if (call->keep_status)
            return 0;
        ret = status_error(call);
    } else if (call->kind == BODY_JSON) {
        ret = handle_text(call, call->body.data != NULL ? call->body.data : "", call->body.len);
    }
    if (ret == 0 && call->expects_response && !call->has_response) {
        if (call->kind == BODY_SSE)
            ret = fail(s, MCPC_ERR_NO_RESPONSE, "%s: the event stream ended without the response to %s",
                       mcpc_strerror(MCPC_ERR_NO_RESPONSE), call->method);
        else
            ret = fail(s, MCPC_ERR_NO_RESPONSE, "%s: HTTP %d %s without the response to %s", mcpc_strerror(MCPC_ERR_NO_RESPONSE),
                       call->status, call->reason, call->method);
    }
    if (call->kind == BODY_SSE)
        mcpc_sse_dispose(&call->sse);
    buf_dispose(&call->body);
    return ret;
}

/*
 * One HTTP exchange; with --oauth-client-credentials, a 401 (no token yet, or the one we had was refused) makes us
 * get a token from the authorization server the server names, and send the request once more.
 */
static int
post(call_t *call, const char *http_method, const char *json, size_t len)
{
    mcpc_session_t *s = call->s;
    call_t fresh = *call;
    int ret = post_once(call, http_method, json, len);
    if (ret != MCPC_ERR_AUTH || call->status != 401 || s->oauth == NULL)
        return ret;
    char err[sizeof(s->error)];
    int got = mcpc_oauth_fetch(s->oauth, mcpc_session_challenges(s), err, sizeof(err));
    if (got != 0)
        return fail(s, got, "%s", err);
    *call = fresh;
    return post_once(call, http_method, json, len);
}

/* ---- requests ---- */

static const char *
text_of(const buf_t *b)
{
    return b->data != NULL ? b->data : "";
}

/* Appends the members' keys (an object) or the strings (an array) of v, cleaned, separated by ", ". */
static void
list_names(buf_t *out, const json_value_t *v)
{
    size_t n = v == NULL ? 0 : v->type == JSON_OBJECT ? v->u.obj.len : v->type == JSON_ARRAY ? v->u.arr.len : 0;
    for (size_t i = 0; i != n; ++i) {
        const char *name = v->type == JSON_OBJECT ? v->u.obj.items[i].key : json_string(v->u.arr.items[i]);
        if (name == NULL)
            continue;
        if (i != 0)
            buf_append_str(out, ", ");
        mcpc_text_snippet(out, name, strlen(name), 64);
    }
    if (n == 0)
        buf_append_str(out, "(none given)");
}

/* The failure for a JSON-RPC error object answering method; in the modern era, the era's own codes are explained. */
static int
rpc_error(mcpc_session_t *s, const char *method, const json_value_t *error, int modern)
{
    const char *message = json_string(json_get(error, "message"));
    const json_value_t *code = json_get(error, "code"), *data = json_get(error, "data");
    int64_t n = 0;
    int ret = MCPC_ERR_RPC, known = modern && json_int64(code, &n) == 0;
    buf_t shown = BUF_INIT(1024), detail = BUF_INIT(4096);
    if (message != NULL)
        mcpc_text_snippet(&shown, message, strlen(message), 500);
    if (known && n == MCPC_MCP_MISSING_CAPABILITY) {
        buf_append_str(&detail, "; the server needs client capabilities mcp-client does not declare: ");
        list_names(&detail, json_get(data, "requiredCapabilities"));
    } else if (known && n == MCPC_MCP_UNSUPPORTED_VERSION) {
        ret = MCPC_ERR_VERSION;
        buf_append_str(&detail, "; the server supports: ");
        list_names(&detail, json_get(data, "supported"));
    }
    fail(s, ret, "%s: %s (JSON-RPC error %s)%s", method, message != NULL ? text_of(&shown) : "(no message)",
         code != NULL && code->type == JSON_NUMBER ? code->u.num.raw : "without a code", text_of(&detail));
    buf_dispose(&shown);
    buf_dispose(&detail);
    return ret;
}

/* A modern request's non-2xx answer: a JSON-RPC error in the body is reported as such, except a header mismatch. */
static int
modern_status_error(call_t *call)
{
    arena_t a;
    arena_init(&a, 1u << 20);
    json_value_t *v;
    const json_value_t *error = NULL;
    int64_t code;
    if (call->body.len != 0 && json_parse(&a, call->body.data, call->body.len, MAX_JSON_DEPTH, &v) == 0)
        error = json_get(v, "error");
    int ret = error != NULL && json_int64(json_get(error, "code"), &code) == 0 && code != MCPC_MCP_HEADER_MISMATCH
                  ? rpc_error(call->s, call->method, error, 1)
                  : status_error(call);
    arena_dispose(&a);
    return ret;
}

/*
 * Sends body (a request) as call describes and parses the response into arena. Returns a failure, or 0
 * with *msg; or, with call->keep_status and a non-2xx answer, 0 with *msg NULL and the start of the body
 * in call->body. Release with call_dispose().
 */
static int
exchange(call_t *call, const buf_t *body, arena_t *arena, json_value_t **msg)
{
    *msg = NULL;
    buf_init(&call->response, MCPC_MAX_MESSAGE_BYTES);
    if (buf_failed(body))
        return fail(call->s, MCPC_ERR_USAGE, "the %s request is too large", call->method);
    int ret = post(call, "POST", body->data, body->len);
    if (ret != 0 || call->status < 200 || call->status > 299)
        return ret;
    if (json_parse(arena, call->response.data, call->response.len, MAX_JSON_DEPTH, msg) != 0)
        return fail(call->s, MCPC_ERR_TOO_LARGE, "%s: the response to %s", mcpc_strerror(MCPC_ERR_TOO_LARGE), call->method);
    return 0;
}

static void
call_dispose(call_t *call)
{
    buf_dispose(&call->body);
    buf_dispose(&call->response);
}

/* The result of a response message, or the failure its error (or the lack of both) means. */
static int
take_result(mcpc_session_t *s, const char *method, const json_value_t *msg, const json_value_t **result)
{
    const json_value_t *error = json_get(msg, "error");
    if (error != NULL)
        return rpc_error(s, method, error, s->era == MCPC_ERA_MODERN);
    if ((*result = json_get(msg, "result")) == NULL)
        return fail(s, MCPC_ERR_BAD_MESSAGE, "%s: the response to %s has neither result nor error",
                    mcpc_strerror(MCPC_ERR_BAD_MESSAGE), method);
    return 0;
}

/* A request in the legacy era: one exchange, as a legacy client sends it. */
static int
legacy_request(mcpc_session_t *s, const mcpc_request_t *req, const json_value_t *params, arena_t *arena,
               const json_value_t **result)
{
    call_t call = {
        .s = s,
        .method = req->method,
        .id = s->next_id++,
        .expects_response = 1,
        .is_initialize = strcmp(req->method, "initialize") == 0,
    };
    call.version = call.is_initialize ? NULL : s->version;
    buf_t body = BUF_INIT(MCPC_HTTP_MAX_REQUEST);
    mcpc_message_t m = {
        .id = call.id, .method = req->method, .params = params, .progress = (req->flags & MCPC_REQUEST_PROGRESS) != 0};
    mcpc_message_write(&body, &m);
    json_value_t *msg;
    int ret = exchange(&call, &body, arena, &msg);
    if (ret == 0)
        ret = take_result(s, req->method, msg, result);
    call_dispose(&call);
    buf_dispose(&body);
    return ret;
}

/*
 * One modern request (of version): sends it with the metadata headers, and answers input_required
 * results round after round. The final result is parsed into arena.
 */
static int
modern_request(mcpc_session_t *s, const char *version, const mcpc_request_t *req, const json_value_t *params, arena_t *arena,
               const json_value_t **result)
{
    arena_t scratch;
    arena_init(&scratch, 0);
    mcpc_http_header_t meta[MCPC_MAX_METADATA_HEADERS];
    mcpc_mrtr_round_t round;
    mcpc_mrtr_round_init(&round);
    char why[1024];
    int ret = 0;
    int num_meta =
        mcpc_headers_build(req->method, params, req->input_schema, &scratch, meta, MCPC_MAX_METADATA_HEADERS, why, sizeof(why));
    if (num_meta < 0) {
        buf_t shown = BUF_INIT(0);
        mcpc_text_snippet(&shown, why, strlen(why), 300);
        ret = fail(s, MCPC_ERR_BAD_MESSAGE, "%s: cannot send %s: %s", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), req->method,
                   text_of(&shown));
        buf_dispose(&shown);
        goto Exit;
    }
    for (int n = 1;; ++n) {
        call_t call = {
            .s = s,
            .method = req->method,
            .id = s->next_id++,
            .expects_response = 1,
            .modern = 1,
            .keep_status = 1,
            .version = version,
            .meta_headers = meta,
            .num_meta_headers = (size_t)num_meta,
        };
        mcpc_message_t m = {
            .id = call.id,
            .method = req->method,
            .params = params,
            .progress = (req->flags & MCPC_REQUEST_PROGRESS) != 0,
            .protocol_version = version,
            .capabilities = MCPC_MRTR_CAPABILITIES,
            .log_level = s->config.log_level,
            .input_responses = round.responses.len != 0 ? round.responses.data : NULL, /* the last round's answers */
            .request_state = round.has_state ? text_of(&round.state) : NULL,
            .request_state_len = round.state.len,
        };
        buf_t body = BUF_INIT(MCPC_HTTP_MAX_REQUEST);
        mcpc_message_write(&body, &m);
        arena_t parsed; /* this round's response; the final result is parsed again into the caller's arena */
        arena_init(&parsed, 0);
        json_value_t *msg;
        const json_value_t *r = NULL;
        int next = -1;
        if ((ret = exchange(&call, &body, &parsed, &msg)) == 0)
            ret = msg == NULL ? modern_status_error(&call) : take_result(s, req->method, msg, &r);
        if (ret == 0 && (next = mcpc_mrtr_next(req->method, r, n, &s->config.input, &round, why, sizeof(why))) < 0)
            ret = fail(s, next, "%s", why);
        if (next == MCPC_MRTR_COMPLETE) {
            if (json_parse(arena, call.response.data, call.response.len, MAX_JSON_DEPTH, &msg) == 0)
                *result = json_get(msg, "result");
            else
                ret = fail(s, MCPC_ERR_TOO_LARGE, "%s: the response to %s", mcpc_strerror(MCPC_ERR_TOO_LARGE), req->method);
        } else if (next == MCPC_MRTR_RETRY) {
            fprintf(s->config.diag, "mcp-client: the server needs input to complete %s (request %d of at most %d):\n%s",
                    req->method, n, MCPC_MRTR_MAX_ROUNDS, text_of(&round.report));
        }
        arena_dispose(&parsed);
        call_dispose(&call);
        buf_dispose(&body);
        if (ret != 0 || next == MCPC_MRTR_COMPLETE)
            break;
    }
Exit:
    mcpc_mrtr_round_dispose(&round);
    arena_dispose(&scratch);
    return ret;
}

int
mcpc_session_request(mcpc_session_t *s, const mcpc_request_t *req, arena_t *arena, const json_value_t **result)
{
    arena_t scratch;
    arena_init(&scratch, 0);
    json_value_t *params = NULL;
    /* params are ours (built by commands.c from checked input), so they parse */
    if (req->params != NULL && json_parse(&scratch, req->params, strlen(req->params), MAX_JSON_DEPTH, &params) != 0)
        params = NULL;
    int ret = s->era == MCPC_ERA_MODERN ? modern_request(s, s->version, req, params, arena, result)
                                        : legacy_request(s, req, params, arena, result);
    arena_dispose(&scratch);
    return ret;
}

static int
notify(mcpc_session_t *s, const char *method)
{
    buf_t body = BUF_INIT(0);
    buf_printf(&body, "{\"jsonrpc\":\"2.0\",\"method\":\"%s\"}", method);
    call_t call = {.s = s, .method = method, .version = s->version};
    int ret = post(&call, "POST", body.data, body.len);
    buf_dispose(&body);
    return ret;
}

/* ---- negotiation ---- */

/* The legacy handshake: initialize offering offer, the revision check, notifications/initialized. */
static int
initialize(mcpc_session_t *s, const char *offer)
{
    buf_t params = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &params);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "protocolVersion", offer);
    jsonw_kv_raw(&w, "capabilities", "{}"); /* no sampling, elicitation or roots: those requests are declined */
    jsonw_key(&w, "clientInfo");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "name", MCPC_CLIENT_NAME);
    jsonw_kv_string(&w, "version", MCPC_CLIENT_VERSION);
    jsonw_object_end(&w);
    jsonw_object_end(&w);

    s->era = MCPC_ERA_LEGACY;
    const json_value_t *result;
    mcpc_request_t req = {.method = "initialize", .params = params.data};
    int ret = mcpc_session_request(s, &req, &s->arena, &result);
    buf_dispose(&params);
    if (ret != 0)
        return ret;
    const json_value_t *version = json_get(result, "protocolVersion");
    if (json_string(version) == NULL)
        return fail(s, MCPC_ERR_BAD_MESSAGE, "%s: the initialize result has no protocolVersion",
                    mcpc_strerror(MCPC_ERR_BAD_MESSAGE));
    const mcpc_protocol_version_t *ours = mcpc_protocol_find(version->u.str.ptr);
    if (ours == NULL || ours->era != MCPC_ERA_LEGACY) {
        buf_t shown = BUF_INIT(256), list = BUF_INIT(0);
        mcpc_text_snippet(&shown, version->u.str.ptr, version->u.str.len, 64);
        for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; v->version != NULL; ++v)
            if (v->era == MCPC_ERA_LEGACY)
                buf_printf(&list, "%s%s", list.len != 0 ? ", " : "", v->version);
        fail(s, MCPC_ERR_VERSION, "%s (%s); with initialize mcp-client speaks %s", mcpc_strerror(MCPC_ERR_VERSION), text_of(&shown),
             text_of(&list));
        buf_dispose(&shown);
        buf_dispose(&list);
        return MCPC_ERR_VERSION;
    }
    s->version = ours->version;
    s->server = result;
    if ((ret = notify(s, "notifications/initialized")) != 0)
        return ret;
    if (s->config.log_level == NULL)
        return 0;
    /* the legacy way to choose a log level: once, for the session (a stateless server may not keep it) */
    if (json_get(json_get(result, "capabilities"), "logging") == NULL) {
        fprintf(s->config.diag, "mcp-client: the server does not declare logging; --log-level is not sent\n");
        return 0;
    }
    buf_t level = BUF_INIT(0);
    jsonw_init(&w, &level);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "level", s->config.log_level);
    jsonw_object_end(&w);
    arena_t scratch;
    arena_init(&scratch, 0);
    req = (mcpc_request_t){.method = "logging/setLevel", .params = level.data};
    ret = mcpc_session_request(s, &req, &scratch, &result);
    arena_dispose(&scratch);
    buf_dispose(&level);
    return ret;
}

/* Sends server/discover with revision offer and classifies the answer; a DiscoverResult is kept in s. */
static int
probe(mcpc_session_t *s, const char *offer, mcpc_probe_t *decision)
{
    char our_versions[256] = "";
    for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; v->version != NULL; ++v)
        snprintf(our_versions + strlen(our_versions), sizeof(our_versions) - strlen(our_versions), "%s%s",
                 v == mcpc_protocol_versions ? "" : ", ", v->version);
    arena_t scratch;
    arena_init(&scratch, 0);
    mcpc_http_header_t meta[MCPC_MAX_METADATA_HEADERS];
    char why[256];
    int num_meta = mcpc_headers_build("server/discover", NULL, NULL, &scratch, meta, MCPC_MAX_METADATA_HEADERS, why, sizeof(why));
    call_t call = {
        .s = s,
        .method = "server/discover",
        .id = s->next_id++,
        .expects_response = 1,
        .modern = 1,
        .keep_status = 1,
        .version = offer,
        .meta_headers = meta,
        .num_meta_headers = num_meta > 0 ? (size_t)num_meta : 0,
    };
    mcpc_message_t m = {
        .id = call.id,
        .method = call.method,
        .protocol_version = offer,
        .capabilities = MCPC_MRTR_CAPABILITIES,
        .log_level = s->config.log_level,
    };
    buf_t body = BUF_INIT(MCPC_HTTP_MAX_REQUEST);
    mcpc_message_write(&body, &m);
    json_value_t *msg;
    int ret = exchange(&call, &body, &scratch, &msg);
    if (ret == MCPC_ERR_NO_RESPONSE)
        ret = 0; /* a 2xx without the response: judged by its status alone */
    if (ret == 0 && msg == NULL && call.body.len != 0 &&
        json_parse(&scratch, call.body.data, call.body.len, MAX_JSON_DEPTH, &msg) != 0)
        msg = NULL;
    if (ret == 0) {
        mcpc_negotiate_discover(call.status, msg != NULL && msg->type == JSON_OBJECT ? msg : NULL, offer, decision);
        if (s->config.trace != NULL)
            fprintf(s->config.trace, "* server/discover with %s, HTTP %d: %s\n", offer, call.status, decision->reason);
        if (decision->outcome == MCPC_PROBE_MODERN) {
            json_value_t *kept;
            if (json_parse(&s->arena, call.response.data, call.response.len, MAX_JSON_DEPTH, &kept) == 0)
                s->server = json_get(kept, "result");
            else
                ret = fail(s, MCPC_ERR_TOO_LARGE, "%s: the response to server/discover", mcpc_strerror(MCPC_ERR_TOO_LARGE));
        } else if (decision->outcome == MCPC_PROBE_NO_VERSION) {
            buf_t theirs = BUF_INIT(4096);
            const json_value_t *listed = json_get(json_get(msg, "result"), "supportedVersions");
            list_names(&theirs, listed != NULL ? listed : json_get(json_get(json_get(msg, "error"), "data"), "supported"));
            ret = fail(s, MCPC_ERR_VERSION, "%s: the server speaks %s; mcp-client speaks %s", mcpc_strerror(MCPC_ERR_VERSION),
                       text_of(&theirs), our_versions);
            buf_dispose(&theirs);
        } else if (decision->outcome == MCPC_PROBE_MODERN_ERROR || decision->outcome == MCPC_PROBE_SERVER_ERROR) {
            ret = call.status < 200 || call.status > 299
                      ? status_error(&call)
                      : fail(s, MCPC_ERR_BAD_MESSAGE, "%s: %s", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), decision->reason);
        }
    }
    call_dispose(&call);
    buf_dispose(&body);
    arena_dispose(&scratch);
    return ret;
}

int
mcpc_session_connect(mcpc_session_t *s)
{
    const mcpc_protocol_version_t *forced = mcpc_protocol_find(s->config.protocol_version);
    if (forced != NULL && forced->era == MCPC_ERA_LEGACY)
        return initialize(s, forced->version);
    const char *offer = forced != NULL ? forced->version : mcpc_protocol_newest(MCPC_ERA_MODERN);
    if (offer == NULL)
        return initialize(s, mcpc_protocol_newest(MCPC_ERA_LEGACY));
    for (int attempt = 0;; ++attempt) {
        mcpc_probe_t decision;
        int ret = probe(s, offer, &decision);
        if (ret != 0)
            return ret;
        switch (decision.outcome) {
        case MCPC_PROBE_MODERN:
            s->era = MCPC_ERA_MODERN;
            s->version = decision.version;
            return 0;
        case MCPC_PROBE_RETRY:
            if (forced == NULL && attempt == 0) {
                offer = decision.version;
                continue;
            }
            break;
        case MCPC_PROBE_LEGACY:
            if (forced == NULL)
                return initialize(s, mcpc_protocol_newest(MCPC_ERA_LEGACY));
            break;
        default:
            break;
        }
        return fail(s, MCPC_ERR_VERSION, "%s: the server does not speak %s (%s)", mcpc_strerror(MCPC_ERR_VERSION), offer,
                    decision.reason);
    }
}

int
mcpc_session_list(mcpc_session_t *s, const char *method, const char *key, arena_t *arena, const json_value_t **items)
{
    const json_value_t **all = NULL;
    size_t num = 0, cap = 0;
    const char *cursor = NULL;
    int ret = 0;
    for (int page = 0;; ++page) {
        if (page == MCPC_MAX_PAGES) {
            ret = fail(s, MCPC_ERR_BAD_MESSAGE, "%s: %s did not end after %d pages", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), method,
                       MCPC_MAX_PAGES);
            goto Exit;
        }
        buf_t params = BUF_INIT(0);
        if (cursor != NULL) {
            jsonw_t w;
            jsonw_init(&w, &params);
            jsonw_object_begin(&w);
            jsonw_kv_string(&w, "cursor", cursor);
            jsonw_object_end(&w);
        }
        const json_value_t *result;
        mcpc_request_t req = {.method = method, .params = params.data};
        ret = mcpc_session_request(s, &req, arena, &result);
        buf_dispose(&params);
        if (ret != 0)
            goto Exit;
        const json_value_t *page_items = json_get(result, key);
        if (page_items == NULL || page_items->type != JSON_ARRAY) {
            ret = fail(s, MCPC_ERR_BAD_MESSAGE, "%s: the %s result has no %s array", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), method,
                       key);
            goto Exit;
        }
        for (size_t i = 0; i != page_items->u.arr.len; ++i) {
            if (num == cap) {
                size_t new_cap = cap == 0 ? 64 : cap * 2;
                const json_value_t **grown = realloc(all, new_cap * sizeof(*all));
                if (grown == NULL) {
                    ret = fail(s, MCPC_ERR_NOMEM, "%s", mcpc_strerror(MCPC_ERR_NOMEM));
                    goto Exit;
                }
                all = grown;
                cap = new_cap;
            }
            all[num++] = page_items->u.arr.items[i];
        }
        const char *next = json_string(json_get(result, "nextCursor"));
        if (next == NULL || next[0] == '\0')
            break;
        if (cursor != NULL && strcmp(next, cursor) == 0) {
            ret =
                fail(s, MCPC_ERR_BAD_MESSAGE, "%s: %s returned the same cursor twice", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), method);
            goto Exit;
        }
        cursor = next;
    }
    json_value_t *array = arena_alloc(arena, sizeof(*array));
    json_value_t **copy = num != 0 ? arena_alloc(arena, num * sizeof(*copy)) : NULL;
    if (array == NULL || (num != 0 && copy == NULL)) {
        ret = fail(s, MCPC_ERR_NOMEM, "%s", mcpc_strerror(MCPC_ERR_NOMEM));
        goto Exit;
    }
    if (num != 0)
        memcpy(copy, all, num * sizeof(*copy));
    array->type = JSON_ARRAY;
    array->u.arr.items = copy;
    array->u.arr.len = num;
    *items = array;
Exit:
    free(all);
    return ret;
}

void
mcpc_session_free(mcpc_session_t *s)
{
    if (s == NULL)
        return;
    if (s->session_id != NULL && s->http != NULL) {
        /* the server may keep state for the session: tell it we are done (a 405 answer is fine) */
        call_t call = {.s = s, .method = "DELETE", .version = s->version};
        post(&call, "DELETE", NULL, 0);
    }
    mcpc_http_client_free(s->http);
    free(s->authorization);
    mcpc_oauth_free(s->oauth);
    free(s->session_id);
    buf_dispose(&s->challenges);
    arena_dispose(&s->arena);
    free(s);
}
