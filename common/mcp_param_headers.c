/* mcp_param_headers.c: the x-mcp-header annotations of a tool's inputSchema (mcp_param_headers.h). */
#include "mcp_param_headers.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_token.h"

#define ANNOTATION "x-mcp-header"

/* Keywords whose values are instance data, not schemas. */
static const char *const instance_keywords[] = {"const", "enum", "default", "examples", NULL};

/* Keywords whose values are objects keyed by names (of properties, definitions, vocabularies), not by keywords. */
static const char *const named_keywords[] = {"properties",   "patternProperties", "$defs",
                                             "definitions",  "dependentSchemas",  "dependentRequired",
                                             "dependencies", "$vocabulary",       NULL};

/* The types an annotated property may have ("number" is excluded: its text form is ambiguous). */
static const char *const header_types[] = {"string", "integer", "boolean", NULL};

typedef struct st_walk_t {
    arena_t *arena;
    mcp_param_header_t params[MCP_PARAM_HEADERS_MAX];
    size_t num;
    const char *path[MCP_PARAM_HEADERS_MAX_DEPTH]; /* the property names down to the schema being walked */
    size_t depth;                                  /* may exceed the path's size: names past it are not kept */
    const char *property;                          /* the last of those names, for messages ("" at the root) */
    const char *off_chain;                         /* the first keyword other than "properties" on the way down */
    char *err;
    size_t err_len;
} walk_t;

static int
in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; ++list)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static int invalid(walk_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
invalid(walk_t *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, w->err_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* type is one of header_types, or an array of them, with "null" allowed beside at least one. */
static int
type_allows_header(const json_value_t *type)
{
    if (json_string(type) != NULL)
        return in_list(header_types, type->u.str.ptr);
    if (type == NULL || type->type != JSON_ARRAY)
        return 0;
    size_t primitive = 0;
    for (size_t i = 0; i != type->u.arr.len; ++i) {
        const char *t = json_string(type->u.arr.items[i]);
        if (t != NULL && in_list(header_types, t))
            ++primitive;
        else if (t == NULL || strcmp(t, "null") != 0)
            return 0;
    }
    return primitive != 0;
}

/* An annotation on schema, a property reached from the root through "properties" alone. */
static int
record(walk_t *w, const json_value_t *schema, const json_value_t *annotation)
{
    const char *name = json_string(annotation);
    if (name == NULL || !http_token(name, annotation->u.str.len))
        return invalid(w, "the " ANNOTATION " of property '%s' is not a non-empty header-name token", w->property);
    if (!type_allows_header(json_get(schema, "type")))
        return invalid(w, "property '%s' has an " ANNOTATION " but is not of type string, integer or boolean", w->property);
    for (size_t i = 0; i != w->num; ++i)
        if (strcasecmp(w->params[i].name, name) == 0)
            return invalid(w, "the " ANNOTATION " '%s' is used twice (names are case-insensitive)", name);
    if (w->num == MCP_PARAM_HEADERS_MAX)
        return invalid(w, "more than %d " ANNOTATION " annotations", MCP_PARAM_HEADERS_MAX);
    if (w->depth > MCP_PARAM_HEADERS_MAX_DEPTH)
        return invalid(w, "property '%s' with an " ANNOTATION " is nested more than %d properties deep", w->property,
                       MCP_PARAM_HEADERS_MAX_DEPTH);
    const char **path = arena_alloc(w->arena, w->depth * sizeof(*path));
    if (path == NULL)
        return invalid(w, "out of memory");
    memcpy(path, w->path, w->depth * sizeof(*path));
    w->params[w->num++] = (mcp_param_header_t){.name = name, .path = path, .path_len = w->depth};
    return 0;
}

static int walk_schema(walk_t *w, const json_value_t *schema);

/* A value under keyword: a schema, an array of schemas, or anything else (searched all the same). */
static int
walk_value(walk_t *w, const char *keyword, const json_value_t *v)
{
    const char *saved = w->off_chain;
    if (w->off_chain == NULL)
        w->off_chain = keyword;
    int ret = 0;
    if (v->type == JSON_OBJECT)
        ret = walk_schema(w, v);
    for (size_t i = 0; ret == 0 && v->type == JSON_ARRAY && i != v->u.arr.len; ++i)
        ret = walk_value(w, keyword, v->u.arr.items[i]);
    w->off_chain = saved;
    return ret;
}

/* The members of an object keyed by names; under "properties", each schema is a property one step further down. */
static int
walk_named(walk_t *w, const char *keyword, const json_value_t *map)
{
    int is_properties = strcmp(keyword, "properties") == 0;
    for (size_t i = 0; i != map->u.obj.len; ++i) {
        const json_member_t *m = &map->u.obj.items[i];
        int ret;
        if (is_properties && m->value->type == JSON_OBJECT) {
            const char *saved = w->property;
            if (w->depth < MCP_PARAM_HEADERS_MAX_DEPTH)
                w->path[w->depth] = m->key;
            ++w->depth;
            w->property = m->key;
            ret = walk_schema(w, m->value);
            w->property = saved;
            --w->depth;
        } else {
            ret = walk_value(w, keyword, m->value);
        }
        if (ret != 0)
            return -1;
    }
    return 0;
}

static int
walk_schema(walk_t *w, const json_value_t *schema)
{
    for (size_t i = 0; i != schema->u.obj.len; ++i) {
        const json_member_t *m = &schema->u.obj.items[i];
        int ret = 0;
        if (strcmp(m->key, ANNOTATION) == 0) {
            if (w->depth == 0 && w->off_chain == NULL)
                return invalid(w, "an " ANNOTATION " on the root schema: it is allowed only on properties reached through "
                                  "\"properties\" from the root");
            if (w->off_chain != NULL)
                return invalid(w,
                               "an " ANNOTATION " inside \"%s\"%s%s%s: it is allowed only on properties reached through "
                               "\"properties\" from the root",
                               w->off_chain, w->depth != 0 ? " (under property '" : "", w->property, w->depth != 0 ? "')" : "");
            ret = record(w, schema, m->value);
        } else if (in_list(instance_keywords, m->key)) {
            continue;
        } else if (m->value->type == JSON_OBJECT && in_list(named_keywords, m->key)) {
            ret = walk_named(w, m->key, m->value);
        } else {
            ret = walk_value(w, m->key, m->value);
        }
        if (ret != 0)
            return -1;
    }
    return 0;
}

int
mcp_param_headers_collect(const json_value_t *input_schema, arena_t *arena, mcp_param_header_t **params, size_t *num, char *err,
                          size_t err_len)
{
    walk_t w = {.arena = arena, .property = "", .err = err, .err_len = err_len};
    *params = NULL;
    *num = 0;
    if (input_schema == NULL || input_schema->type != JSON_OBJECT)
        return 0;
    if (walk_schema(&w, input_schema) != 0)
        return -1;
    if (w.num == 0)
        return 0;
    if ((*params = arena_alloc(arena, w.num * sizeof(**params))) == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    memcpy(*params, w.params, w.num * sizeof(**params));
    *num = w.num;
    return 0;
}
