#include "settings.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static void
list_clear(settings_list_t *list, int secret)
{
    for (size_t i = 0; i != list->len; ++i) {
        if (secret)
            OPENSSL_cleanse(list->items[i], strlen(list->items[i]));
        free(list->items[i]);
    }
    list->len = 0;
}

/* Returns 0, -1 for too many entries, -2 when out of memory. */
static int
list_parse(settings_list_t *list, const char *value, int secret)
{
    list_clear(list, secret);
    const char *p = value;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        const char *s = p, *e = end;
        while (s < e && (*s == ' ' || *s == '\t'))
            ++s;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            --e;
        if (e > s) {
            if (list->len == SETTINGS_MAX_LIST)
                return -1;
            if ((list->items[list->len] = strndup(s, (size_t)(e - s))) == NULL)
                return -2;
            ++list->len;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

static void
store_number(void *field, size_t width, unsigned long long v)
{
    if (width == sizeof(unsigned long long))
        *(unsigned long long *)field = v;
    else if (width == sizeof(unsigned))
        *(unsigned *)field = (unsigned)v; /* int and unsigned share the width; min/max keep the value in range */
}

static void
dispose_field(const setting_t *st, void *field)
{
    switch (st->kind) {
    case SETTING_STRING: {
        char **s = field;
        if (*s != NULL && st->secret)
            OPENSSL_cleanse(*s, strlen(*s));
        free(*s);
        *s = NULL;
        break;
    }
    case SETTING_LIST:
        list_clear(field, st->secret);
        break;
    case SETTING_PARSED:
        if (st->dispose != NULL)
            st->dispose(field);
        break;
    case SETTING_NUMBER:
        break;
    }
}

/* The value is never repeated in messages: it may be a secret, and the source names where it came from. */
static int
set_value(const setting_t *st, void *base, const char *value, const char *source, char *err, size_t err_len)
{
    void *field = (char *)base + st->offset;
    switch (st->kind) {
    case SETTING_STRING: {
        if (*value == '\0' && !st->may_be_empty)
            return error_format(err, err_len, "%s: must not be empty", source);
        if (*value != '\0' && st->valid != NULL && !st->valid(value))
            return error_format(err, err_len, "%s: expected %s", source, st->expect != NULL ? st->expect : "a valid value");
        char *copy = strdup(value);
        if (copy == NULL)
            return error_format(err, err_len, "%s: out of memory", source);
        dispose_field(st, field);
        *(char **)field = copy;
        break;
    }
    case SETTING_NUMBER: {
        errno = 0;
        char *end;
        if (*value < '0' || *value > '9')
            return error_format(err, err_len, "%s: expected a whole number", source);
        unsigned long long v = strtoull(value, &end, 10);
        if (errno != 0 || *end != '\0')
            return error_format(err, err_len, "%s: expected a whole number", source);
        if (v < st->min || v > st->max)
            return error_format(err, err_len, "%s: must be between %llu and %llu", source, st->min, st->max);
        store_number(field, st->width, v);
        break;
    }
    case SETTING_LIST: {
        settings_list_t *list = field;
        int ret = list_parse(list, value, st->secret);
        if (ret != 0)
            return ret == -1 ? error_format(err, err_len, "%s: at most %d entries", source, SETTINGS_MAX_LIST)
                             : error_format(err, err_len, "%s: out of memory", source);
        for (size_t i = 0; i != list->len; ++i)
            if (st->valid != NULL && !st->valid(list->items[i]))
                return st->secret ? error_format(err, err_len, "%s: entry %zu is invalid", source, i + 1)
                                  : error_format(err, err_len, "%s: invalid entry '%.100s'%s%s", source, list->items[i],
                                                 st->expect != NULL ? ", expected " : "", st->expect != NULL ? st->expect : "");
        break;
    }
    case SETTING_PARSED:
        dispose_field(st, field);
        if (st->parse(value, field) != 0)
            return error_format(err, err_len, "%s: expected %s", source, st->expect != NULL ? st->expect : "a valid value");
        break;
    }
    return SETTINGS_OK;
}

static void
print_help(const settings_table_t *tables, size_t num_tables, const char *prog, const char *intro, const char *epilogue)
{
    printf("Usage: %s [options]\n\n", prog);
    if (intro != NULL)
        printf("%s\n", intro);
    for (size_t t = 0; t != num_tables; ++t) {
        printf("%s:\n", tables[t].title);
        for (size_t i = 0; i != tables[t].num_rows; ++i) {
            const setting_t *st = &tables[t].rows[i];
            if (st->flag != NULL)
                printf("  %s VALUE\n      %s\n      env %s, default %s\n", st->flag, st->help, st->env,
                       st->def[0] != '\0' ? st->def : "none");
            else
                printf("  (environment only) %s\n      %s\n      default %s\n", st->env, st->help,
                       st->def[0] != '\0' ? st->def : "none");
        }
        printf("\n");
    }
    printf("  --help     print this help and exit\n  --version  print the version and exit\n");
    if (epilogue != NULL)
        printf("\n%s", epilogue);
}

int
settings_parse(const settings_table_t *tables, size_t num_tables, int argc, char **argv, const char *intro, const char *epilogue,
               const char *version, char *err, size_t err_len)
{
    char source[128];
    for (size_t t = 0; t != num_tables; ++t) {
        for (size_t i = 0; i != tables[t].num_rows; ++i) {
            const setting_t *st = &tables[t].rows[i];
            snprintf(source, sizeof(source), "default of %s", st->flag != NULL ? st->flag : st->env);
            if (set_value(st, tables[t].base, st->def, source, err, err_len) != SETTINGS_OK)
                return SETTINGS_ERROR;
        }
    }
    for (size_t t = 0; t != num_tables; ++t) {
        for (size_t i = 0; i != tables[t].num_rows; ++i) {
            const setting_t *st = &tables[t].rows[i];
            const char *v = getenv(st->env);
            if (v != NULL && set_value(st, tables[t].base, v, st->env, err, err_len) != SETTINGS_OK)
                return SETTINGS_ERROR;
        }
    }
    for (int a = 1; a < argc; ++a) {
        const char *arg = argv[a];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(tables, num_tables, argv[0], intro, epilogue);
            return SETTINGS_EXIT_HELP;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("%s\n", version);
            return SETTINGS_EXIT_HELP;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        const setting_t *st = NULL;
        void *base = NULL;
        for (size_t t = 0; st == NULL && t != num_tables; ++t) {
            for (size_t i = 0; i != tables[t].num_rows; ++i) {
                const char *flag = tables[t].rows[i].flag;
                if (flag != NULL && strlen(flag) == name_len && strncmp(flag, arg, name_len) == 0) {
                    st = &tables[t].rows[i];
                    base = tables[t].base;
                    break;
                }
            }
        }
        if (st == NULL)
            return error_format(err, err_len, "unknown option '%.*s' (see --help)", (int)(name_len > 100 ? 100 : name_len), arg);
        const char *value = eq != NULL ? eq + 1 : NULL;
        if (value == NULL) {
            if (a + 1 >= argc)
                return error_format(err, err_len, "%s needs a value", st->flag);
            value = argv[++a];
        }
        if (set_value(st, base, value, st->flag, err, err_len) != SETTINGS_OK)
            return SETTINGS_ERROR;
    }
    return SETTINGS_OK;
}

void
settings_dispose(const settings_table_t *tables, size_t num_tables)
{
    for (size_t t = 0; t != num_tables; ++t)
        for (size_t i = 0; i != tables[t].num_rows; ++i)
            dispose_field(&tables[t].rows[i], (char *)tables[t].base + tables[t].rows[i].offset);
}
