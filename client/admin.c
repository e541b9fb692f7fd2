/* admin.c: the registry's admin API (admin.h). */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_sigv4.h"
#include "http_client.h"
#include "jsonw.h"
#include "mcpc_errors.h"
#include "http_url.h"
#include "text.h"

#define MAX_RECORD_BYTES (1u << 20) /* a record file */
#define MAX_REPLY_BYTES (16u << 20) /* one answer of the API */
#define PAGE_SIZE "100"

/* What a route needs. */
#define WITH_NAME 1 /* the record's name is the path's last segment */
#define WITH_BODY 2 /* the record (FILE) is the body */
#define IF_MATCH 4  /* --if-match becomes If-Match */

/*
 * The routes of the admin API, one row per action:
 *   action   what is typed after "admin"
 *   method   the HTTP method
 *   flags    WITH_NAME, WITH_BODY, IF_MATCH
 *   success  the status that means it worked
 *   words    how many words follow the action
 * The path is /{collection} or /{collection}/{name}, below the admin URL's own path.
 */
static const struct {
    const char *action;
    const char *method;
    int flags;
    int success;
    size_t words;
} routes[] = {
    {"register", "POST", WITH_BODY, 201, 1},
    {"list", "GET", 0, 200, 0},
    {"show", "GET", WITH_NAME, 200, 1},
    {"update", "PUT", WITH_NAME | WITH_BODY | IF_MATCH, 200, 2},
    {"delete", "DELETE", WITH_NAME | IF_MATCH, 204, 1},
};

typedef struct st_reply_t {
    int status;
    char reason[64];
    char etag[128];
    buf_t body;
} reply_t;

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    reply_t *r = data;
    r->status = res->status;
    buf_t reason = BUF_INIT(0);
    mcpc_text_snippet(&reason, res->reason, res->reason_len, sizeof(r->reason) - 4);
    snprintf(r->reason, sizeof(r->reason), "%s", reason.data != NULL ? reason.data : "");
    buf_dispose(&reason);
    const mcpc_http_header_t *etag = mcpc_http_find_header(res, "etag");
    if (etag != NULL) {
        buf_t shown = BUF_INIT(0);
        mcpc_text_snippet(&shown, etag->value, etag->value_len, sizeof(r->etag) - 4);
        snprintf(r->etag, sizeof(r->etag), "%s", shown.data != NULL ? shown.data : "");
        buf_dispose(&shown);
    }
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    reply_t *r = data;
    buf_append(&r->body, bytes, len);
    return buf_failed(&r->body) ? MCPC_ERR_TOO_LARGE : 0;
}

static char *
read_record(const char *path, char *err, size_t err_len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_len, "cannot read %.300s", path);
        return NULL;
    }
    buf_t b = BUF_INIT(MAX_RECORD_BYTES);
    int ret = buf_append_stream(&b, f);
    if (f != stdin)
        fclose(f);
    if (ret != 0) {
        snprintf(err, err_len, "cannot read %.300s (or it is larger than %u bytes)", path, MAX_RECORD_BYTES);
        buf_dispose(&b);
        return NULL;
    }
    char *text = buf_release(&b, NULL);
    return text != NULL ? text : strdup("");
}

/* The refusal as the API explains it: its message, the JSON pointer of a 400, the version a 412 found. */
static int
refusal(mcpc_run_t *run, const char *action, const reply_t *r)
{
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v = NULL;
    const char *pointer = NULL;
    if (r->body.len != 0 && json_parse(&a, r->body.data, r->body.len, 32, &v) == 0) {
        pointer = json_string(json_get(v, "pointer"));
        if (pointer == NULL)
            pointer = json_string(json_get(json_get(v, "error"), "pointer"));
    }
    buf_t m = BUF_INIT(0), p = BUF_INIT(0);
    mcpc_text_error_message(&m, r->body.data, r->body.len);
    if (pointer != NULL)
        mcpc_text_snippet(&p, pointer, strlen(pointer), 200);
    int ret = r->status == 401 || r->status == 403                                           ? MCPC_ERR_AUTH
              : r->status == 400 || r->status == 404 || r->status == 409 || r->status == 412 ? MCPC_ERR_REFUSED
                                                                                             : MCPC_ERR_HTTP_STATUS;
    snprintf(run->error, sizeof(run->error), "%s: %s: HTTP %d %s%s%s%s%s%s%s", mcpc_strerror(ret), action, r->status, r->reason,
             m.len != 0 ? ": " : "", m.data != NULL ? m.data : "", p.len != 0 ? " (at " : "", p.data != NULL ? p.data : "",
             p.len != 0 ? ")" : "", r->status == 412 && r->etag[0] != '\0' ? "; the record is now at version " : "");
    if (r->status == 412 && r->etag[0] != '\0') {
        size_t len = strlen(run->error);
        snprintf(run->error + len, sizeof(run->error) - len, "%s", r->etag);
    }
    buf_dispose(&m);
    buf_dispose(&p);
    arena_dispose(&a);
    return ret;
}

static int
admin_send(mcpc_http_client_t *http, const char *method, const char *path, const char *body, const char *if_match, reply_t *r)
{
    mcpc_http_header_t headers[4];
    size_t n = 0;
    headers[n++] = (mcpc_http_header_t){"Accept", 6, "application/json", 16};
    if (body != NULL)
        headers[n++] = (mcpc_http_header_t){"Content-Type", 12, "application/json", 16};
    char quoted[160];
    if (if_match != NULL) {
        snprintf(quoted, sizeof(quoted), "\"%s\"", if_match);
        headers[n++] = (mcpc_http_header_t){"If-Match", 8, quoted, strlen(quoted)};
    }
    memset(r, 0, sizeof(*r));
    buf_init(&r->body, MAX_REPLY_BYTES);
    mcpc_http_request_t req = {.method = method,
                               .path = path,
                               .headers = headers,
                               .num_headers = n,
                               .body = body,
                               .body_len = body != NULL ? strlen(body) : 0,
                               .on_head = on_head,
                               .on_body = on_body,
                               .cb_data = r};
    return mcpc_http_send(http, &req);
}

/* Prints the reply's JSON: indented, or as one line with --json. */
static int
print_reply(mcpc_run_t *run, const char *action, const reply_t *r)
{
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v;
    int ret = 0;
    if (r->body.len == 0) {
        /* 204: nothing to show */
    } else if (json_parse(&a, r->body.data, r->body.len, 64, &v) != 0) {
        snprintf(run->error, sizeof(run->error), "%s: %s: the answer is not JSON", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), action);
        ret = MCPC_ERR_BAD_MESSAGE;
    } else if (run->output->json) {
        mcpc_output_json(run->output, NULL, v);
    } else {
        mcpc_output_pretty(run->output->out, v, run->output->clean);
    }
    arena_dispose(&a);
    return ret;
}

/* list: every page, printed as one {"items": [...]} (--json) or a line per record. */
static int
list_all(mcpc_run_t *run, mcpc_http_client_t *http, const char *collection_path)
{
    buf_t all = BUF_INIT(0), cursor = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &all);
    jsonw_object_begin(&w);
    jsonw_key(&w, "items");
    jsonw_array_begin(&w);
    int ret = 0;
    for (int page = 0; ret == 0; ++page) {
        if (page == 1000) {
            snprintf(run->error, sizeof(run->error), "%s: list did not end after 1000 pages", mcpc_strerror(MCPC_ERR_BAD_MESSAGE));
            ret = MCPC_ERR_BAD_MESSAGE;
            break;
        }
        buf_t path = BUF_INIT(0);
        buf_printf(&path, "%s?limit=" PAGE_SIZE, collection_path);
        if (cursor.len != 0) {
            buf_append_str(&path, "&cursor=");
            aws_uri_encode(&path, cursor.data, cursor.len, 0);
        }
        reply_t r;
        if ((ret = admin_send(http, "GET", path.data, NULL, NULL, &r)) != 0) {
            snprintf(run->error, sizeof(run->error), "%s", mcpc_http_error(http));
        } else if (r.status != 200) {
            ret = refusal(run, "list", &r);
        } else {
            arena_t a;
            arena_init(&a, 0);
            json_value_t *v;
            const json_value_t *items = NULL;
            if (json_parse(&a, r.body.data != NULL ? r.body.data : "", r.body.len, 64, &v) == 0)
                items = json_get(v, "items");
            if (items == NULL || items->type != JSON_ARRAY) {
                snprintf(run->error, sizeof(run->error), "%s: the list answer has no items array",
                         mcpc_strerror(MCPC_ERR_BAD_MESSAGE));
                ret = MCPC_ERR_BAD_MESSAGE;
            } else {
                for (size_t i = 0; i != items->u.arr.len; ++i) {
                    const json_value_t *item = items->u.arr.items[i];
                    jsonw_value(&w, item);
                    if (!run->output->json) {
                        const char *name = json_string(json_get(item, "name"));
                        const json_value_t *version = json_get(item, "version");
                        const char *description = json_string(json_get(item, "description"));
                        buf_t line = BUF_INIT(0);
                        buf_printf(&line, "%s  version %s%s%s", name != NULL ? name : "(unnamed)",
                                   version != NULL && version->type == JSON_NUMBER ? version->u.num.raw
                                   : json_string(version) != NULL                  ? json_string(version)
                                                                                   : "?",
                                   description != NULL ? "  " : "", description != NULL ? description : "");
                        buf_t shown = BUF_INIT(0);
                        mcpc_text_clean(&shown, line.data, line.len, 0);
                        fprintf(run->output->out, "%s\n", shown.data != NULL ? shown.data : "");
                        buf_dispose(&shown);
                        buf_dispose(&line);
                    }
                }
                const char *next = json_string(json_get(v, "nextCursor"));
                if (next != NULL && cursor.len != 0 && strcmp(next, cursor.data) == 0) {
                    snprintf(run->error, sizeof(run->error), "%s: list returned the same cursor twice",
                             mcpc_strerror(MCPC_ERR_BAD_MESSAGE));
                    ret = MCPC_ERR_BAD_MESSAGE;
                }
                buf_reset(&cursor);
                if (next != NULL)
                    buf_append_str(&cursor, next);
            }
            arena_dispose(&a);
        }
        buf_dispose(&r.body);
        buf_dispose(&path);
        if (cursor.len == 0)
            break;
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    if (ret == 0 && run->output->json) {
        arena_t a;
        arena_init(&a, 0);
        json_value_t *v;
        if (json_parse(&a, all.data, all.len, 64, &v) == 0)
            mcpc_output_json(run->output, NULL, v);
        arena_dispose(&a);
    }
    buf_dispose(&all);
    buf_dispose(&cursor);
    return ret;
}

int
mcpc_admin_run(mcpc_run_t *run)
{
    const mcpc_options_t *o = run->options;
    const char *action = o->words[0];
    size_t r = 0, num_routes = sizeof(routes) / sizeof(routes[0]);
    while (r != num_routes && strcmp(routes[r].action, action) != 0)
        ++r;
    if (r == num_routes || o->num_words - 1 != routes[r].words) {
        snprintf(run->error, sizeof(run->error),
                 "usage: mcp-client admin register FILE | list | show NAME | update NAME FILE | delete NAME");
        return MCPC_ERR_USAGE;
    }
    if (o->if_match != NULL && !(routes[r].flags & IF_MATCH)) {
        snprintf(run->error, sizeof(run->error), "--if-match goes with update and delete");
        return MCPC_ERR_USAGE;
    }
    char *record = NULL;
    if (routes[r].flags & WITH_BODY) {
        const char *file = o->words[o->num_words - 1];
        char why[400];
        if ((record = read_record(file, why, sizeof(why))) == NULL) {
            snprintf(run->error, sizeof(run->error), "%s", why);
            return MCPC_ERR_USAGE;
        }
        arena_t a;
        arena_init(&a, 0);
        json_value_t *v;
        int object = json_parse(&a, record, strlen(record), 64, &v) == 0 && v->type == JSON_OBJECT;
        arena_dispose(&a);
        if (!object) {
            snprintf(run->error, sizeof(run->error), "%.300s does not hold a JSON object", file);
            free(record);
            return MCPC_ERR_USAGE;
        }
    }
    mcpc_http_client_t *http;
    mcpc_http_config_t hc = {.url = o->url,
                             .cacert = o->cacert,
                             .timeout_ms = o->timeout_ms,
                             .trace = o->verbose ? stderr : NULL,
                             .signer = run->signer};
    int ret = mcpc_http_client_new(&hc, &http, run->error, sizeof(run->error));
    if (ret != 0) {
        free(record);
        return ret;
    }
    /* the admin URL's own path, without its query or trailing slash, then the collection and the name */
    mcpc_url_t url;
    char why[256];
    buf_t path = BUF_INIT(0);
    if (mcpc_url_parse(o->url, &url, why, sizeof(why)) == 0) {
        size_t base = strcspn(url.path, "?");
        while (base != 0 && url.path[base - 1] == '/')
            --base;
        buf_append(&path, url.path, base);
        mcpc_url_dispose(&url);
    }
    buf_printf(&path, "/%ss", o->kind != NULL ? o->kind : "tool");
    if (routes[r].flags & WITH_NAME) {
        buf_append_char(&path, '/');
        aws_uri_encode(&path, o->words[1], strlen(o->words[1]), 0);
    }
    if (strcmp(action, "list") == 0) {
        ret = list_all(run, http, path.data);
    } else {
        reply_t reply;
        if ((ret = admin_send(http, routes[r].method, path.data, record, o->if_match, &reply)) != 0)
            snprintf(run->error, sizeof(run->error), "%s", mcpc_http_error(http));
        else if (reply.status != routes[r].success)
            ret = refusal(run, action, &reply);
        else if (strcmp(action, "delete") == 0 && !run->output->json)
            fprintf(run->output->out, "deleted %s %s\n", o->kind != NULL ? o->kind : "tool", o->words[1]);
        else
            ret = print_reply(run, action, &reply);
        buf_dispose(&reply.body);
    }
    buf_dispose(&path);
    mcpc_http_client_free(http);
    free(record);
    return ret;
}
