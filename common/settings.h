/*
 * settings: configuration from command-line flags and environment variables, declared as tables.
 *
 * Each module that has settings declares a table of rows (a flag, an environment variable, a default,
 * one line of help, how to parse and check the value, where it goes in the module's struct); a program
 * parses all its modules' tables in one pass, so every module owns exactly the settings it reads. The
 * flag wins over the variable, the variable over the default. Everything is validated up front, so a
 * bad value stops the program at start with a message that names the flag or variable.
 */
#ifndef COMMON_SETTINGS_H
#define COMMON_SETTINGS_H

#include <stddef.h>

#define SETTINGS_MAX_LIST 32

typedef struct st_settings_list_t {
    char *items[SETTINGS_MAX_LIST];
    size_t len;
} settings_list_t;

typedef enum en_setting_kind_t {
    SETTING_STRING, /* char * (malloc'd) */
    SETTING_NUMBER, /* a whole number in [min, max], stored in a field of `width` bytes (int, unsigned, size_t) */
    SETTING_LIST,   /* settings_list_t: comma-separated, entries trimmed, empty entries dropped */
    SETTING_PARSED, /* the row's parse() turns the text into the field */
} setting_kind_t;

typedef struct st_setting_t {
    const char *flag; /* "--port"; NULL: environment only (for secrets: a flag shows in ps and /proc) */
    const char *env;  /* "MCP_PORT" */
    const char *def;  /* the default, as text */
    const char *help; /* one line for --help */
    setting_kind_t kind;
    size_t offset; /* of the field in the module's struct */
    size_t width;  /* SETTING_NUMBER: sizeof the field */
    unsigned long long min, max;
    int may_be_empty; /* SETTING_STRING: "" is a valid value (it usually means "none" or "derive it") */
    /* SETTING_STRING: the value; SETTING_LIST: each entry. Returns 1 when valid. NULL: anything non-empty. */
    int (*valid)(const char *value);
    /* SETTING_PARSED: fills the field from the text; returns 0, or -1 (the message then says `expect`). */
    int (*parse)(const char *value, void *field);
    void (*dispose)(void *field); /* SETTING_PARSED: frees or wipes what parse() stored; NULL: nothing to do */
    const char *expect;           /* what a valid value looks like, for the error message */
    int secret;                   /* never echoed; wiped when freed */
} setting_t;

typedef struct st_settings_table_t {
    const char *title; /* heading in --help: "MCP core", "HTTP front door", ... */
    const setting_t *rows;
    size_t num_rows;
    void *base; /* the struct the rows' offsets point into */
} settings_table_t;

#define SETTINGS_OK 0
#define SETTINGS_EXIT_HELP 1 /* --help or --version was printed: exit 0 */
#define SETTINGS_ERROR -1    /* err holds the message: exit 2 */

/*
 * Fills every table's struct from defaults, the environment, then argv (--flag VALUE or --flag=VALUE).
 * --help prints usage (intro, then each table's rows, then epilogue, either may be NULL) and --version
 * prints version; both return SETTINGS_EXIT_HELP. The structs must be zeroed beforehand.
 */
int settings_parse(const settings_table_t *tables, size_t num_tables, int argc, char **argv, const char *intro,
                   const char *epilogue, const char *version, char *err, size_t err_len);
/* Frees what settings_parse() stored (wiping secrets). */
void settings_dispose(const settings_table_t *tables, size_t num_tables);

#endif
