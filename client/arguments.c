/* arguments.c: key=value words to a JSON arguments object (arguments.h). */
#include "arguments.h"

#include <stdio.h>
#include <string.h>

#include "mcpc_errors.h"
#include "jsonw.h"

#define MAX_JSON_DEPTH 64

/* Whether the schema of property key (in input_schema.properties) allows strings. */
static int
allows_string(const json_value_t *input_schema, const char *key, size_t key_len)
{
    const json_value_t *props = json_get(input_schema, "properties"), *prop = NULL;
    for (size_t i = 0; props != NULL && props->type == JSON_OBJECT && i != props->u.obj.len; ++i)
        if (props->u.obj.items[i].key_len == key_len && memcmp(props->u.obj.items[i].key, key, key_len) == 0)
            prop = props->u.obj.items[i].value;
    const json_value_t *type = json_get(prop, "type");
    if (json_string(type) != NULL)
        return strcmp(type->u.str.ptr, "string") == 0;
    for (size_t i = 0; type != NULL && type->type == JSON_ARRAY && i != type->u.arr.len; ++i) {
        const char *t = json_string(type->u.arr.items[i]);
        if (t != NULL && strcmp(t, "string") == 0)
            return 1;
    }
    return 0;
}

int
mcpc_arguments_build(char *const *words, size_t n, const json_value_t *input_schema, int strings_only, buf_t *out, char *err,
                     size_t err_len)
{
    arena_t scratch;
    arena_init(&scratch, 0);
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    int ret = 0;
    for (size_t i = 0; i != n && ret == 0; ++i) {
        const char *word = words[i], *eq = strchr(word, '=');
        size_t key_len = eq != NULL ? (size_t)(eq - word) : 0;
        int raw = key_len != 0 && word[key_len - 1] == ':';
        if (raw)
            --key_len;
        if (key_len == 0) {
            snprintf(err, err_len, "'%s' is not key=value", word);
            ret = MCPC_ERR_USAGE;
            break;
        }
        for (size_t j = 0; j != i; ++j) {
            size_t other = strcspn(words[j], "=");
            if (other != 0 && words[j][other - 1] == ':')
                --other;
            if (other == key_len && memcmp(words[j], word, key_len) == 0) {
                snprintf(err, err_len, "argument '%.*s' is given twice", (int)key_len, word);
                ret = MCPC_ERR_USAGE;
            }
        }
        if (ret != 0)
            break;
        if (raw && strings_only) {
            snprintf(err, err_len, "'%s': prompt arguments are strings, so use %.*s=value", word, (int)key_len, word);
            ret = MCPC_ERR_USAGE;
            break;
        }
        const char *value = eq + 1;
        if (!json_utf8_valid(word, strlen(word))) {
            snprintf(err, err_len, "argument %zu is not valid UTF-8", i + 1);
            ret = MCPC_ERR_USAGE;
            break;
        }
        json_value_t *parsed = NULL;
        if (!strings_only && !(!raw && allows_string(input_schema, word, key_len)) &&
            json_parse(&scratch, value, strlen(value), MAX_JSON_DEPTH, &parsed) != 0)
            parsed = NULL;
        if (raw && parsed == NULL) {
            snprintf(err, err_len, "the value of '%.*s' (after :=) is not valid JSON", (int)key_len, word);
            ret = MCPC_ERR_USAGE;
            break;
        }
        jsonw_keyn(&w, word, key_len);
        if (parsed != NULL)
            jsonw_value(&w, parsed);
        else
            jsonw_string(&w, value);
    }
    jsonw_object_end(&w);
    if (ret == 0 && jsonw_failed(&w)) {
        snprintf(err, err_len, "the arguments are too large");
        ret = MCPC_ERR_USAGE;
    }
    arena_dispose(&scratch);
    return ret;
}
