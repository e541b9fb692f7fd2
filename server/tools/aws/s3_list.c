/* s3_list.c: S3's ListBuckets replies, parsed with expat (see s3_list.h). */
#include "s3_list.h"

#include <expat.h>
#include <stdio.h>
#include <string.h>

/* Where the parser is: the names of the open elements that matter, as a path of at most three. */
typedef struct st_parse_t {
    XML_Parser parser;
    s3_list_page_t *page;
    int depth;
    char path[3][32];
    char *text; /* the element whose text is being collected, or NULL */
    size_t text_size, text_len;
    int too_long;
} parse_t;

static int
at(const parse_t *p, int depth, const char *a, const char *b, const char *c)
{
    return p->depth == depth && strcmp(p->path[0], a) == 0 && (b == NULL || strcmp(p->path[1], b) == 0) &&
           (c == NULL || strcmp(p->path[2], c) == 0);
}

static void XMLCALL
on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    parse_t *p = data;
    if (p->depth < 3)
        snprintf(p->path[p->depth], sizeof(p->path[0]), "%s", name);
    ++p->depth;
    s3_list_page_t *page = p->page;
    if (p->depth == 1) {
        page->is_list = strcmp(name, "ListAllMyBucketsResult") == 0;
        page->is_error = strcmp(name, "Error") == 0;
    }
    p->text = NULL;
    if (at(p, 3, "ListAllMyBucketsResult", "Buckets", "Bucket"))
        ++page->buckets;
    else if (at(p, 2, "ListAllMyBucketsResult", "ContinuationToken", NULL))
        p->text = page->token, p->text_size = sizeof(page->token);
    else if (at(p, 2, "Error", "Code", NULL))
        p->text = page->error_code, p->text_size = sizeof(page->error_code);
    else if (at(p, 2, "Error", "Message", NULL))
        p->text = page->error_message, p->text_size = sizeof(page->error_message);
    p->text_len = 0;
}

static void XMLCALL
on_end(void *data, const XML_Char *name)
{
    (void)name;
    parse_t *p = data;
    --p->depth;
    p->text = NULL;
}

static void XMLCALL
on_text(void *data, const XML_Char *s, int len)
{
    parse_t *p = data;
    if (p->text == NULL)
        return;
    size_t n = (size_t)len;
    if (p->text_len + n >= p->text_size) {
        /* a token cut short would fetch the wrong page; a message cut short is only shorter */
        if (p->text == p->page->token)
            p->too_long = 1;
        n = p->text_size - 1 - p->text_len;
    }
    memcpy(p->text + p->text_len, s, n);
    p->text_len += n;
    p->text[p->text_len] = '\0';
}

/* S3 never sends a document type: one that comes is refused, and with it any entity it could declare. */
static void XMLCALL
on_doctype(void *data, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    XML_StopParser(((parse_t *)data)->parser, XML_FALSE);
}

int
s3_list_parse(const char *xml, size_t len, s3_list_page_t *out)
{
    memset(out, 0, sizeof(*out));
    XML_Parser parser = XML_ParserCreate("UTF-8");
    if (parser == NULL)
        return -1;
    parse_t p = {.parser = parser, .page = out};
    XML_SetUserData(parser, &p);
    XML_SetStartDoctypeDeclHandler(parser, on_doctype);
    XML_SetElementHandler(parser, on_start, on_end);
    XML_SetCharacterDataHandler(parser, on_text);
    int ok = XML_Parse(parser, xml, (int)len, 1) == XML_STATUS_OK && !p.too_long;
    XML_ParserFree(parser);
    return ok ? 0 : -1;
}
