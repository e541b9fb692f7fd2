/*
 * s3_list.h: reading S3's answer to ListBuckets (ListAllMyBucketsResult) and its error documents (Error) with
 * expat, a streaming XML parser from Debian: the buckets on the page, the continuation token of the next page,
 * or S3's error code and message. Elements are matched by name and depth, whatever their namespace.
 */
#ifndef AWS_S3_LIST_H
#define AWS_S3_LIST_H

#include <stddef.h>

#define S3_MAX_TOKEN 1024

typedef struct st_s3_list_page_t {
    size_t buckets;               /* ListAllMyBucketsResult/Buckets/Bucket elements */
    char token[S3_MAX_TOKEN + 1]; /* ListAllMyBucketsResult/ContinuationToken; "" on the last page */
    char error_code[128];         /* Error/Code */
    char error_message[512];      /* Error/Message */
    int is_list;                  /* the root was ListAllMyBucketsResult */
    int is_error;                 /* the root was Error */
} s3_list_page_t;

/* Parses one reply body. Returns 0, or -1 when it is not well-formed XML (or a token is longer than allowed). */
int s3_list_parse(const char *xml, size_t len, s3_list_page_t *out);

#endif
