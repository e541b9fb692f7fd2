/* tool_params.c: typed tool parameters and structured results (see tool_params.h). */
#include "tool_params.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "error.h"
#include "jsonw.h"

static const char *const type_names[] = {"string", "integer", "number", "boolean", "string", "array"};

static int
valid_name(const char *name)
{
    size_t len = strlen(name);
    return len >= 1 && len <= 64 && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* Whether text is one JSON value of the wanted type (a number for INTEGER must be integral). */
static int
literal_of_type(const char *text, json_type_t type, int integral)
{
    arena_t a;
    arena_init(&a, 1 << 16);
    json_value_t *v;
    int ok = json_parse(&a, text, strlen(text), 4, &v) == 0 && v->type == type && (!integral || json_is_integer(v));
    arena_dispose(&a);
    return ok;
}

/* Calls fn(value, len, data) for each of "a|b|c"; stops at the first non-zero return. */
static int
each_value(const char *values, int (*fn)(const char *value, size_t len, void *data), void *data)
{
    for (const char *p = values;;) {
        size_t len = strcspn(p, "|");
        int ret = fn(p, len, data);
        if (ret != 0 || p[len] == '\0')
            return ret;
        p += len + 1;
    }
}

static int
write_enum_value(const char *value, size_t len, void *data)
{
    jsonw_stringn(data, value, len);
    return 0;
}

static int
nonempty_value(const char *value, size_t len, void *data)
{
    (void)value;
    (void)data;
    return len == 0;
}

static int
matches_value(const char *value, size_t len, void *data)
{
    const char *wanted = data;
    return strlen(wanted) == len && memcmp(wanted, value, len) == 0;
}

/* The keywords a string (or each string of STRINGS) carries. */
static void
write_string_constraints(jsonw_t *w, const mcp_param_t *p)
{
    if (p->values != NULL) {
        jsonw_key(w, "enum");
        jsonw_array_begin(w);
        each_value(p->values, write_enum_value, w);
        jsonw_array_end(w);
    }
    if (p->min_length != 0)
        jsonw_kv_int(w, "minLength", p->min_length);
    if (p->max_length != 0)
        jsonw_kv_int(w, "maxLength", p->max_length);
    if (p->pattern != NULL)
        jsonw_kv_string(w, "pattern", p->pattern);
    if (p->format != NULL)
        jsonw_kv_string(w, "format", p->format);
}

static int
check_row(const mcp_param_t *p, char *err, size_t err_len)
{
    if (!valid_name(p->name))
        return error_format(err, err_len, "parameter '%s': a name is 1-64 of [A-Za-z0-9_]", p->name);
    if ((unsigned)p->type > MCP_PARAM_STRINGS)
        return error_format(err, err_len, "parameter %s: unknown type", p->name);
    if (p->type == MCP_PARAM_ENUM && (p->values == NULL || each_value(p->values, nonempty_value, NULL) != 0))
        return error_format(err, err_len, "parameter %s: an ENUM needs .values, \"a|b|c\", without empty entries", p->name);
    if (p->values != NULL && p->type != MCP_PARAM_ENUM && p->type != MCP_PARAM_STRINGS)
        return error_format(err, err_len, "parameter %s: .values is for ENUM and STRINGS", p->name);
    int numeric = p->type == MCP_PARAM_INTEGER || p->type == MCP_PARAM_NUMBER;
    if ((p->minimum != NULL && (!numeric || !literal_of_type(p->minimum, JSON_NUMBER, 0))) ||
        (p->maximum != NULL && (!numeric || !literal_of_type(p->maximum, JSON_NUMBER, 0))))
        return error_format(err, err_len, "parameter %s: .minimum and .maximum are JSON numbers, for INTEGER and NUMBER", p->name);
    int stringy = p->type == MCP_PARAM_STRING || p->type == MCP_PARAM_STRINGS;
    if ((p->min_length != 0 || p->max_length != 0 || p->pattern != NULL || p->format != NULL) && !stringy)
        return error_format(err, err_len, "parameter %s: lengths, .pattern and .format are for STRING and STRINGS", p->name);
    if ((p->min_items != 0 || p->max_items != 0) && p->type != MCP_PARAM_STRINGS)
        return error_format(err, err_len, "parameter %s: .min_items and .max_items are for STRINGS", p->name);
    if (p->header != NULL && p->type == MCP_PARAM_STRINGS)
        return error_format(err, err_len, "parameter %s: an array cannot be mirrored in a header", p->name);
    if (p->def != NULL) {
        int ok = 0;
        switch (p->type) {
        case MCP_PARAM_STRING:
            ok = 1;
            break;
        case MCP_PARAM_ENUM:
            ok = each_value(p->values, matches_value, (void *)p->def) != 0;
            break;
        case MCP_PARAM_INTEGER:
            ok = literal_of_type(p->def, JSON_NUMBER, 1);
            break;
        case MCP_PARAM_NUMBER:
            ok = literal_of_type(p->def, JSON_NUMBER, 0);
            break;
        case MCP_PARAM_BOOLEAN:
            ok = strcmp(p->def, "true") == 0 || strcmp(p->def, "false") == 0;
            break;
        case MCP_PARAM_STRINGS:
            break;
        }
        if (!ok)
            return error_format(err, err_len, "parameter %s: the default is not a value of its type%s", p->name,
                                p->type == MCP_PARAM_STRINGS ? " (STRINGS take no default)" : "");
    }
    return 0;
}

int
tool_params_schema(const mcp_param_t *rows, buf_t *out, char *err, size_t err_len)
{
    for (const mcp_param_t *p = rows; p->name != NULL; ++p) {
        if (check_row(p, err, err_len) != 0)
            return -1;
        for (const mcp_param_t *q = rows; q != p; ++q)
            if (strcmp(q->name, p->name) == 0)
                return error_format(err, err_len, "parameter %s: declared twice", p->name);
    }
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "type", "object");
    jsonw_key(&w, "properties");
    jsonw_object_begin(&w);
    for (const mcp_param_t *p = rows; p->name != NULL; ++p) {
        jsonw_key(&w, p->name);
        jsonw_object_begin(&w);
        jsonw_kv_string(&w, "type", type_names[p->type]);
        if (p->description != NULL)
            jsonw_kv_string(&w, "description", p->description);
        if (p->type == MCP_PARAM_STRINGS) {
            jsonw_key(&w, "items");
            jsonw_object_begin(&w);
            jsonw_kv_string(&w, "type", "string");
            write_string_constraints(&w, p);
            jsonw_object_end(&w);
            if (p->min_items != 0)
                jsonw_kv_int(&w, "minItems", p->min_items);
            if (p->max_items != 0)
                jsonw_kv_int(&w, "maxItems", p->max_items);
        } else {
            write_string_constraints(&w, p);
        }
        if (p->minimum != NULL)
            jsonw_kv_raw(&w, "minimum", p->minimum);
        if (p->maximum != NULL)
            jsonw_kv_raw(&w, "maximum", p->maximum);
        if (p->def != NULL) {
            if (p->type == MCP_PARAM_STRING || p->type == MCP_PARAM_ENUM)
                jsonw_kv_string(&w, "default", p->def);
            else
                jsonw_kv_raw(&w, "default", p->def);
        }
        if (p->header != NULL)
            jsonw_kv_string(&w, "x-mcp-header", p->header);
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    int any_required = 0;
    for (const mcp_param_t *p = rows; p->name != NULL; ++p) {
        if (!p->required)
            continue;
        if (!any_required++) {
            jsonw_key(&w, "required");
            jsonw_array_begin(&w);
        }
        jsonw_string(&w, p->name);
    }
    if (any_required)
        jsonw_array_end(&w);
    jsonw_kv_bool(&w, "additionalProperties", 0);
    jsonw_object_end(&w);
    return jsonw_failed(&w) ? error_format(err, err_len, "the generated schema is too large") : 0;
}

/* Stores one value into its field; returns 0, or -1 for an integer the field cannot hold. */
static int
store(mcp_ctx_t *ctx, const mcp_param_t *p, const json_value_t *v, char *field)
{
    switch (p->type) {
    case MCP_PARAM_STRING:
    case MCP_PARAM_ENUM:
        *(const char **)field = v->u.str.ptr;
        return 0;
    case MCP_PARAM_INTEGER:
        return json_int64(v, (int64_t *)field);
    case MCP_PARAM_NUMBER:
        return json_double(v, (double *)field);
    case MCP_PARAM_BOOLEAN:
        *(int *)field = v->type == JSON_TRUE;
        return 0;
    case MCP_PARAM_STRINGS: {
        const char **items = v->u.arr.len != 0 ? mcp_alloc(ctx, v->u.arr.len * sizeof(*items)) : NULL;
        if (v->u.arr.len != 0 && items == NULL)
            return -1;
        for (size_t i = 0; i != v->u.arr.len; ++i)
            items[i] = v->u.arr.items[i]->u.str.ptr;
        *(mcp_strings_t *)field = (mcp_strings_t){items, v->u.arr.len};
        return 0;
    }
    }
    return -1;
}

/* The default, from its text (checked at start by check_row()). */
static void
store_default(mcp_ctx_t *ctx, const mcp_param_t *p, char *field)
{
    if (p->type == MCP_PARAM_STRING || p->type == MCP_PARAM_ENUM) {
        *(const char **)field = p->def;
        return;
    }
    json_value_t v = {.type = JSON_NUMBER, .u.num = {p->def, strlen(p->def)}};
    if (p->type == MCP_PARAM_BOOLEAN)
        v.type = strcmp(p->def, "true") == 0 ? JSON_TRUE : JSON_FALSE;
    store(ctx, p, &v, field);
}

int
tool_params_invoke(mcp_ctx_t *ctx, const mcp_tool_t *tool, const json_value_t *args)
{
    if (tool->params == NULL)
        return tool->handler(ctx, args);
    char *values = mcp_alloc(ctx, tool->params_size);
    if (values == NULL)
        return mcp_error(ctx, "Internal error: out of memory.");
    memset(values, 0, tool->params_size);
    for (const mcp_param_t *p = tool->params(); p->name != NULL; ++p) {
        const json_value_t *v = json_get(args, p->name);
        if (v == NULL || v->type == JSON_NULL) {
            if (p->def != NULL)
                store_default(ctx, p, values + p->offset);
            continue;
        }
        if (store(ctx, p, v, values + p->offset) != 0)
            return mcp_error(ctx, "Invalid arguments: argument '%s': out of range", p->name);
        values[p->has_offset] = 1;
    }
    return tool->typed_handler(ctx, values);
}

void
mcp_structured_params(mcp_ctx_t *ctx, const mcp_param_t *rows, const void *values)
{
    const char *base = values;
    jsonw_t *w = mcp_structured(ctx);
    jsonw_object_begin(w);
    for (const mcp_param_t *p = rows; p->name != NULL; ++p) {
        const char *field = base + p->offset;
        if (!p->required && !base[p->has_offset])
            continue;
        jsonw_key(w, p->name);
        switch (p->type) {
        case MCP_PARAM_STRING:
        case MCP_PARAM_ENUM:
            if (*(const char *const *)field != NULL)
                jsonw_string(w, *(const char *const *)field);
            else
                jsonw_null(w);
            break;
        case MCP_PARAM_INTEGER:
            jsonw_int(w, *(const int64_t *)field);
            break;
        case MCP_PARAM_NUMBER:
            jsonw_double(w, *(const double *)field);
            break;
        case MCP_PARAM_BOOLEAN:
            jsonw_bool(w, *(const int *)field);
            break;
        case MCP_PARAM_STRINGS: {
            const mcp_strings_t *s = (const mcp_strings_t *)field;
            jsonw_array_begin(w);
            for (size_t i = 0; i != s->len; ++i)
                jsonw_string(w, s->items[i]);
            jsonw_array_end(w);
            break;
        }
        }
    }
    jsonw_object_end(w);
}
