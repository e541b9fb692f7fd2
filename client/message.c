/* message.c: writing JSON-RPC requests (message.h). */
#include "message.h"

#include <string.h>

#include "jsonw.h"

/* Members of the caller's params that the message writes itself. */
static const char *const replaced_members[] = {"_meta", "inputResponses", "requestState", NULL};

static int
replaced(const char *key)
{
    for (const char *const *r = replaced_members; *r != NULL; ++r)
        if (strcmp(*r, key) == 0)
            return 1;
    return 0;
}

static void
write_meta(jsonw_t *w, const mcpc_message_t *m)
{
    jsonw_key(w, "_meta");
    jsonw_object_begin(w);
    if (m->progress)
        jsonw_kv_int(w, "progressToken", m->id);
    if (m->protocol_version != NULL) {
        jsonw_kv_string(w, MCPC_META_PROTOCOL_VERSION, m->protocol_version);
        jsonw_kv_raw(w, MCPC_META_CLIENT_CAPABILITIES, m->capabilities != NULL ? m->capabilities : "{}");
        jsonw_key(w, MCPC_META_CLIENT_INFO);
        jsonw_object_begin(w);
        jsonw_kv_string(w, "name", MCPC_CLIENT_NAME);
        jsonw_kv_string(w, "version", MCPC_CLIENT_VERSION);
        jsonw_object_end(w);
        if (m->log_level != NULL)
            jsonw_kv_string(w, MCPC_META_LOG_LEVEL, m->log_level);
    }
    jsonw_object_end(w);
}

void
mcpc_message_write(buf_t *out, const mcpc_message_t *m)
{
    const json_value_t *params = m->params != NULL && m->params->type == JSON_OBJECT ? m->params : NULL;
    int modern = m->protocol_version != NULL;
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "jsonrpc", "2.0");
    jsonw_kv_int(&w, "id", m->id);
    jsonw_kv_string(&w, "method", m->method);
    if (params != NULL || m->progress || modern) {
        jsonw_key(&w, "params");
        jsonw_object_begin(&w);
        if (m->progress || modern)
            write_meta(&w, m);
        for (size_t i = 0; params != NULL && i != params->u.obj.len; ++i) {
            const json_member_t *p = &params->u.obj.items[i];
            if (replaced(p->key))
                continue;
            jsonw_keyn(&w, p->key, p->key_len);
            jsonw_value(&w, p->value);
        }
        if (modern && m->input_responses != NULL)
            jsonw_kv_raw(&w, "inputResponses", m->input_responses);
        if (modern && m->request_state != NULL) {
            jsonw_key(&w, "requestState");
            jsonw_stringn(&w, m->request_state, m->request_state_len);
        }
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    if (jsonw_failed(&w))
        out->failed = 1;
}
