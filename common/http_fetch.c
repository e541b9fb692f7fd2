/* http_fetch.c: one whole request and response (http_fetch.h). */
#include "http_fetch.h"

#include <string.h>

#include "http_client.h"
#include "mcpc_errors.h"

typedef struct st_fetch_state_t {
    int status;
    buf_t *body;
} fetch_state_t;

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    ((fetch_state_t *)data)->status = res->status;
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    fetch_state_t *st = data;
    buf_append(st->body, bytes, len);
    return buf_failed(st->body) ? MCPC_ERR_TOO_LARGE : 0;
}

int
mcpc_http_fetch(const mcpc_fetch_t *f, int *status, buf_t *body, char *err, size_t err_len)
{
    mcpc_http_config_t hc = {.url = f->url, .cacert = f->cacert, .timeout_ms = f->timeout_ms, .trace = f->trace};
    mcpc_http_client_t *client;
    fetch_state_t st = {.body = body};
    char why[512];
    int ret = mcpc_http_client_new(&hc, &client, why, sizeof(why));
    if (ret != 0) {
        snprintf(err, err_len, "%s: %.300s", f->url, why);
        return ret;
    }
    mcpc_http_request_t req = {.method = f->method,
                               .headers = f->headers,
                               .num_headers = f->num_headers,
                               .body = f->body,
                               .body_len = f->body != NULL ? strlen(f->body) : 0,
                               .on_head = on_head,
                               .on_body = on_body,
                               .cb_data = &st};
    ret = mcpc_http_send(client, &req);
    if (ret == MCPC_ERR_TOO_LARGE)
        snprintf(err, err_len, "%s: the response is larger than %zu bytes", f->url, body->limit);
    else if (ret != 0)
        snprintf(err, err_len, "%s: %.300s", f->url, mcpc_http_error(client));
    *status = st.status;
    mcpc_http_client_free(client);
    return ret;
}
