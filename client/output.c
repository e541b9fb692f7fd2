/* output.c: rendering results and notifications (output.h). */
#include "output.h"

#include <string.h>

#include "jsonw.h"
#include "message.h"
#include "text.h"

/* ---- small writers ---- */

static void
put(FILE *f, const buf_t *b)
{
    if (b->data != NULL)
        fwrite(b->data, 1, b->len, f);
}

/* Text from the server, cleaned as the output asks (multi-line text keeps its line breaks). */
static void
put_text(FILE *f, int clean, const char *s, size_t len)
{
    if (!clean) {
        fwrite(s, 1, len, f);
        return;
    }
    buf_t b = BUF_INIT(0);
    mcpc_text_clean(&b, s, len, 1);
    put(f, &b);
    buf_dispose(&b);
}

static void
put_str(FILE *f, int clean, const char *s)
{
    if (s != NULL)
        put_text(f, clean, s, strlen(s));
}

/* A string member as text, or nothing. */
static const char *
str(const json_value_t *obj, const char *key)
{
    return json_string(json_get(obj, key));
}

static void
pretty(buf_t *b, const json_value_t *v, int indent)
{
    switch (v->type) {
    case JSON_ARRAY:
    case JSON_OBJECT: {
        int is_obj = v->type == JSON_OBJECT;
        size_t len = is_obj ? v->u.obj.len : v->u.arr.len;
        if (len == 0) {
            buf_append_str(b, is_obj ? "{}" : "[]");
            return;
        }
        buf_append_char(b, is_obj ? '{' : '[');
        for (size_t i = 0; i != len; ++i) {
            buf_printf(b, "%s\n%*s", i == 0 ? "" : ",", (indent + 1) * 2, "");
            if (is_obj) {
                buf_append_char(b, '"');
                jsonw_escape_into(b, v->u.obj.items[i].key, v->u.obj.items[i].key_len);
                buf_append_str(b, "\": ");
            }
            pretty(b, is_obj ? v->u.obj.items[i].value : v->u.arr.items[i], indent + 1);
        }
        buf_printf(b, "\n%*s%c", indent * 2, "", is_obj ? '}' : ']');
        return;
    }
    default: {
        jsonw_t w;
        jsonw_init(&w, b);
        jsonw_value(&w, v);
        return;
    }
    }
}

void
mcpc_output_pretty(FILE *f, const json_value_t *v, int clean)
{
    buf_t b = BUF_INIT(0);
    pretty(&b, v, 0);
    buf_append_char(&b, '\n');
    /* JSON escapes every control character, so only terminal-unsafe C1 characters could remain */
    put_text(f, clean, b.data, b.len);
    buf_dispose(&b);
}

void
mcpc_output_json(const mcpc_output_t *o, const char *key, const json_value_t *v)
{
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    if (key != NULL) {
        jsonw_object_begin(&w);
        jsonw_key(&w, key);
    }
    jsonw_value(&w, v);
    if (key != NULL)
        jsonw_object_end(&w);
    buf_append_char(&b, '\n');
    put(o->out, &b);
    buf_dispose(&b);
}

/* A number or string member as written, for progress figures. */
static const char *
figure(const json_value_t *v)
{
    if (v != NULL && v->type == JSON_NUMBER)
        return v->u.num.raw;
    return json_string(v);
}

/* ---- notifications ---- */

void
mcpc_output_notification(void *data, const json_value_t *message)
{
    const mcpc_output_t *o = data;
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    if (o->json) {
        jsonw_value(&w, message);
        buf_append_char(&b, '\n');
        put(o->err, &b);
        buf_dispose(&b);
        fflush(o->err);
        return;
    }
    const char *method = str(message, "method");
    const json_value_t *params = json_get(message, "params");
    buf_t line = BUF_INIT(0);
    if (strcmp(method, "notifications/progress") == 0) {
        const char *progress = figure(json_get(params, "progress")), *total = figure(json_get(params, "total"));
        const char *text = str(params, "message");
        buf_printf(&line, "progress: %s%s%s%s%s", progress != NULL ? progress : "?", total != NULL ? "/" : "",
                   total != NULL ? total : "", text != NULL ? " " : "", text != NULL ? text : "");
    } else if (strcmp(method, "notifications/message") == 0) {
        const char *level = str(params, "level"), *logger = str(params, "logger");
        const json_value_t *d = json_get(params, "data");
        buf_printf(&line, "log [%s] %s%s", level != NULL ? level : "?", logger != NULL ? logger : "", logger != NULL ? ": " : "");
        if (json_string(d) != NULL) {
            buf_append_str(&line, d->u.str.ptr);
        } else if (d != NULL) {
            jsonw_value(&w, d);
            buf_append(&line, b.data, b.len);
        }
    } else {
        buf_printf(&line, "notification: %s", method);
    }
    buf_t shown = BUF_INIT(0);
    mcpc_text_clean(&shown, line.data, line.len, 0);
    buf_append_char(&shown, '\n');
    put(o->err, &shown);
    fflush(o->err);
    buf_dispose(&shown);
    buf_dispose(&line);
    buf_dispose(&b);
}

/* ---- results ---- */

/* How init describes each era. */
static const char *const era_notes[] = {
    [MCPC_ERA_LEGACY] = "legacy (initialize handshake)",
    [MCPC_ERA_MODERN] = "modern (no handshake; revision and capabilities on every request)",
};

void
mcpc_output_init(const mcpc_output_t *o, const json_value_t *result, mcpc_era_t era, const char *version)
{
    FILE *f = o->out;
    /* the modern era moved serverInfo into the result's _meta */
    const json_value_t *info =
        era == MCPC_ERA_MODERN ? json_get(json_get(result, "_meta"), MCPC_META_SERVER_INFO) : json_get(result, "serverInfo");
    fputs("server:       ", f);
    put_str(f, o->clean, str(info, "name") != NULL ? str(info, "name") : "(unnamed)");
    if (str(info, "version") != NULL) {
        fputc(' ', f);
        put_str(f, o->clean, str(info, "version"));
    }
    if (str(info, "title") != NULL) {
        fputs(" (", f);
        put_str(f, o->clean, str(info, "title"));
        fputc(')', f);
    }
    fprintf(f, "\nprotocol:     %s\nera:          %s\n", version, era_notes[era]);
    const json_value_t *supported = json_get(result, "supportedVersions");
    if (era == MCPC_ERA_MODERN && supported != NULL && supported->type == JSON_ARRAY) {
        buf_t b = BUF_INIT(0);
        buf_append_str(&b, "supported:   ");
        for (size_t i = 0; i != supported->u.arr.len; ++i)
            if (json_string(supported->u.arr.items[i]) != NULL)
                buf_printf(&b, " %s", supported->u.arr.items[i]->u.str.ptr);
        buf_append_char(&b, '\n');
        put_text(f, o->clean, b.data, b.len);
        buf_dispose(&b);
    }
    fputs("capabilities:", f);
    const json_value_t *caps = json_get(result, "capabilities");
    for (size_t i = 0; caps != NULL && caps->type == JSON_OBJECT && i != caps->u.obj.len; ++i) {
        const json_member_t *cap = &caps->u.obj.items[i];
        fputs(i == 0 ? " " : ", ", f);
        put_str(f, o->clean, cap->key);
        /* the sub-capabilities that are on, e.g. "resources (subscribe)" */
        int first = 1;
        for (size_t j = 0; cap->value->type == JSON_OBJECT && j != cap->value->u.obj.len; ++j) {
            if (cap->value->u.obj.items[j].value->type != JSON_TRUE)
                continue;
            fputs(first ? " (" : ", ", f);
            put_str(f, o->clean, cap->value->u.obj.items[j].key);
            first = 0;
        }
        if (!first)
            fputc(')', f);
    }
    fputc('\n', f);
    if (str(result, "instructions") != NULL) {
        fputs("instructions: ", f);
        put_str(f, o->clean, str(result, "instructions"));
        fputc('\n', f);
    }
}

/* "name - title" (or just the name) on the first line, the description indented below. */
static void
heading(const mcpc_output_t *o, const char *name, const char *title, const char *description)
{
    FILE *f = o->out;
    put_str(f, o->clean, name != NULL ? name : "(unnamed)");
    if (title != NULL && (name == NULL || strcmp(title, name) != 0)) {
        fputs(" - ", f);
        put_str(f, o->clean, title);
    }
    fputc('\n', f);
    if (description != NULL) {
        fputs("    ", f);
        put_str(f, o->clean, description);
        fputc('\n', f);
    }
}

/* A property's type for the argument summary: "string", "metric|imperial", "integer|null", ... */
static void
describe_type(buf_t *b, const json_value_t *schema)
{
    const json_value_t *values = json_get(schema, "enum"), *type = json_get(schema, "type");
    if (values != NULL && values->type == JSON_ARRAY) {
        for (size_t i = 0; i != values->u.arr.len; ++i) {
            const json_value_t *v = values->u.arr.items[i];
            if (i != 0)
                buf_append_char(b, '|');
            if (json_string(v) != NULL) {
                buf_append_str(b, v->u.str.ptr);
            } else {
                jsonw_t w;
                jsonw_init(&w, b);
                jsonw_value(&w, v);
            }
        }
    } else if (json_string(type) != NULL) {
        buf_append_str(b, type->u.str.ptr);
    } else if (type != NULL && type->type == JSON_ARRAY) {
        for (size_t i = 0; i != type->u.arr.len; ++i)
            buf_printf(b, "%s%s", i != 0 ? "|" : "",
                       json_string(type->u.arr.items[i]) != NULL ? type->u.arr.items[i]->u.str.ptr : "?");
    } else {
        buf_append_str(b, "any");
    }
}

static int
is_required(const json_value_t *required, const char *name)
{
    for (size_t i = 0; required != NULL && required->type == JSON_ARRAY && i != required->u.arr.len; ++i)
        if (json_string(required->u.arr.items[i]) != NULL && strcmp(required->u.arr.items[i]->u.str.ptr, name) == 0)
            return 1;
    return 0;
}

void
mcpc_output_tools(const mcpc_output_t *o, const json_value_t *tools)
{
    for (size_t i = 0; i != tools->u.arr.len; ++i) {
        const json_value_t *tool = tools->u.arr.items[i], *schema = json_get(tool, "inputSchema");
        const json_value_t *annotations = json_get(tool, "annotations");
        const char *title = str(tool, "title") != NULL ? str(tool, "title") : str(annotations, "title");
        heading(o, str(tool, "name"), title, str(tool, "description"));
        const json_value_t *props = json_get(schema, "properties"), *required = json_get(schema, "required");
        if (props == NULL || props->type != JSON_OBJECT || props->u.obj.len == 0)
            continue;
        buf_t b = BUF_INIT(0);
        buf_append_str(&b, "    arguments: ");
        for (size_t j = 0; j != props->u.obj.len; ++j) {
            const json_member_t *p = &props->u.obj.items[j];
            buf_printf(&b, "%s%s (", j != 0 ? ", " : "", p->key);
            describe_type(&b, p->value);
            buf_append_str(&b, is_required(required, p->key) ? ", required)" : ")");
        }
        buf_append_char(&b, '\n');
        put_text(o->out, o->clean, b.data, b.len);
        buf_dispose(&b);
    }
    if (tools->u.arr.len == 0)
        fputs("(no tools)\n", o->out);
}

/* Bytes that base64 text of this length decodes to. */
static size_t
decoded_size(const char *b64)
{
    size_t len = strlen(b64);
    while (len != 0 && b64[len - 1] == '=')
        --len;
    /* every 4 characters are 3 bytes; a tail of 2 or 3 characters is 1 or 2 bytes */
    return len / 4 * 3 + (len % 4 > 1 ? len % 4 - 1 : 0);
}

/* One resource's contents (of a read result or an embedded resource). */
static void
resource_contents(const mcpc_output_t *o, const json_value_t *c, int embedded)
{
    FILE *f = o->out;
    const char *text = str(c, "text"), *blob = str(c, "blob"), *uri = str(c, "uri"), *mime = str(c, "mimeType");
    if (embedded || blob != NULL) {
        fputs(blob != NULL ? "[binary resource " : "[resource ", f);
        put_str(f, o->clean, uri != NULL ? uri : "(no uri)");
        if (mime != NULL) {
            fputs(", ", f);
            put_str(f, o->clean, mime);
        }
        if (blob != NULL)
            fprintf(f, ", %zu bytes; --json shows the base64 data", decoded_size(blob));
        fputs("]\n", f);
    }
    if (text != NULL) {
        put_str(f, o->clean, text);
        if (text[0] == '\0' || text[strlen(text) - 1] != '\n')
            fputc('\n', f);
    }
}

/* One content block of a tool result or a prompt message. */
static void
content_block(const mcpc_output_t *o, const json_value_t *block)
{
    FILE *f = o->out;
    const char *type = str(block, "type");
    if (type == NULL)
        type = "(untyped)";
    if (strcmp(type, "text") == 0) {
        const char *text = str(block, "text");
        put_str(f, o->clean, text != NULL ? text : "");
        if (text == NULL || text[0] == '\0' || text[strlen(text) - 1] != '\n')
            fputc('\n', f);
    } else if (strcmp(type, "image") == 0 || strcmp(type, "audio") == 0) {
        const char *data = str(block, "data"), *mime = str(block, "mimeType");
        fprintf(f, "[%s", type);
        if (mime != NULL) {
            fputs(", ", f);
            put_str(f, o->clean, mime);
        }
        fprintf(f, ", %zu bytes; --json shows the base64 data]\n", data != NULL ? decoded_size(data) : 0);
    } else if (strcmp(type, "resource_link") == 0) {
        fputs("[resource link ", f);
        put_str(f, o->clean, str(block, "uri") != NULL ? str(block, "uri") : "(no uri)");
        if (str(block, "name") != NULL) {
            fputs(" (", f);
            put_str(f, o->clean, str(block, "name"));
            fputc(')', f);
        }
        fputs("]\n", f);
    } else if (strcmp(type, "resource") == 0) {
        resource_contents(o, json_get(block, "resource"), 1);
    } else {
        fputc('[', f);
        put_str(f, o->clean, type);
        fputs(" content]\n", f);
        mcpc_output_pretty(f, block, o->clean);
    }
}

void
mcpc_output_call(const mcpc_output_t *o, const json_value_t *result)
{
    const json_value_t *content = json_get(result, "content"), *structured = json_get(result, "structuredContent");
    for (size_t i = 0; content != NULL && content->type == JSON_ARRAY && i != content->u.arr.len; ++i)
        content_block(o, content->u.arr.items[i]);
    if (structured != NULL) {
        fputs("structured content:\n", o->out);
        mcpc_output_pretty(o->out, structured, o->clean);
    }
}

void
mcpc_output_resources(const mcpc_output_t *o, const json_value_t *resources)
{
    for (size_t i = 0; i != resources->u.arr.len; ++i) {
        const json_value_t *r = resources->u.arr.items[i];
        heading(o, str(r, "uri"), str(r, "title") != NULL ? str(r, "title") : str(r, "name"), str(r, "description"));
        if (str(r, "mimeType") != NULL) {
            fputs("    type: ", o->out);
            put_str(o->out, o->clean, str(r, "mimeType"));
            fputc('\n', o->out);
        }
    }
    if (resources->u.arr.len == 0)
        fputs("(no resources)\n", o->out);
}

void
mcpc_output_templates(const mcpc_output_t *o, const json_value_t *templates)
{
    for (size_t i = 0; i != templates->u.arr.len; ++i) {
        const json_value_t *t = templates->u.arr.items[i];
        heading(o, str(t, "uriTemplate"), str(t, "title") != NULL ? str(t, "title") : str(t, "name"), str(t, "description"));
    }
    if (templates->u.arr.len == 0)
        fputs("(no resource templates)\n", o->out);
}

void
mcpc_output_read(const mcpc_output_t *o, const json_value_t *result)
{
    const json_value_t *contents = json_get(result, "contents");
    for (size_t i = 0; contents != NULL && contents->type == JSON_ARRAY && i != contents->u.arr.len; ++i)
        resource_contents(o, contents->u.arr.items[i], 0);
}

void
mcpc_output_prompts(const mcpc_output_t *o, const json_value_t *prompts)
{
    for (size_t i = 0; i != prompts->u.arr.len; ++i) {
        const json_value_t *p = prompts->u.arr.items[i], *args = json_get(p, "arguments");
        heading(o, str(p, "name"), str(p, "title"), str(p, "description"));
        if (args == NULL || args->type != JSON_ARRAY || args->u.arr.len == 0)
            continue;
        buf_t b = BUF_INIT(0);
        buf_append_str(&b, "    arguments: ");
        for (size_t j = 0; j != args->u.arr.len; ++j) {
            const json_value_t *a = args->u.arr.items[j];
            buf_printf(&b, "%s%s%s", j != 0 ? ", " : "", str(a, "name") != NULL ? str(a, "name") : "?",
                       json_get(a, "required") != NULL && json_get(a, "required")->type == JSON_TRUE ? " (required)" : "");
        }
        buf_append_char(&b, '\n');
        put_text(o->out, o->clean, b.data, b.len);
        buf_dispose(&b);
    }
    if (prompts->u.arr.len == 0)
        fputs("(no prompts)\n", o->out);
}

void
mcpc_output_prompt(const mcpc_output_t *o, const json_value_t *result)
{
    const json_value_t *messages = json_get(result, "messages");
    if (str(result, "description") != NULL) {
        put_str(o->out, o->clean, str(result, "description"));
        fputc('\n', o->out);
    }
    for (size_t i = 0; messages != NULL && messages->type == JSON_ARRAY && i != messages->u.arr.len; ++i) {
        const json_value_t *m = messages->u.arr.items[i];
        fputc('[', o->out);
        put_str(o->out, o->clean, str(m, "role") != NULL ? str(m, "role") : "?");
        fputs("]\n", o->out);
        content_block(o, json_get(m, "content"));
    }
}

void
mcpc_output_completion(const mcpc_output_t *o, const json_value_t *result)
{
    const json_value_t *completion = json_get(result, "completion"), *values = json_get(completion, "values");
    size_t n = values != NULL && values->type == JSON_ARRAY ? values->u.arr.len : 0;
    for (size_t i = 0; i != n; ++i) {
        put_str(o->out, o->clean, json_string(values->u.arr.items[i]) != NULL ? values->u.arr.items[i]->u.str.ptr : "?");
        fputc('\n', o->out);
    }
    const json_value_t *total = json_get(completion, "total"), *more = json_get(completion, "hasMore");
    if (more != NULL && more->type == JSON_TRUE)
        fprintf(o->out, "(%zu shown of %s; more available)\n", n,
                total != NULL && total->type == JSON_NUMBER ? total->u.num.raw : "more");
    else if (n == 0)
        fputs("(no completions)\n", o->out);
}
