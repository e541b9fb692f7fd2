/*
 * count_s3_buckets: how many S3 buckets the server's AWS account has, with S3's ListBuckets, a page of up to
 * 1000 at a time (AWS asks for paginated calls; unpaginated ones fail for accounts allowed more than 10,000
 * buckets). The calls are signed with the server's own credentials (the Lambda function's role: it needs
 * s3:ListAllMyBuckets) through the shared AWS client (common/aws_client.h: SigV4 for S3, with its single-encoded
 * path and x-amz-content-sha256). S3's refusals (AccessDenied, ...) are the tool's isError result, with S3's
 * code and message. MCP_S3_ENDPOINT, when set, replaces S3's endpoint (a local peer in tests).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aws_client.h"
#include "mcp.h"
#include "s3_list.h"

#define PAGE_SIZE "1000"
#define MAX_PAGES 1000 /* 1,000,000 buckets: the most an account may be allowed */

static pthread_mutex_t client_lock = PTHREAD_MUTEX_INITIALIZER;
static aws_client_t *client; /* made at the first call (credentials may come later than the server's start), kept */

/* The S3 client, or NULL with the reason in err. */
static aws_client_t *
s3_client(char *err, size_t err_len)
{
    pthread_mutex_lock(&client_lock);
    if (client == NULL) {
        aws_client_config_t config = {.service = "s3", .endpoint = getenv("MCP_S3_ENDPOINT"), .timeout_ms = 10000};
        if (aws_client_new(&config, &client, err, err_len) != 0)
            client = NULL;
    }
    aws_client_t *c = client;
    pthread_mutex_unlock(&client_lock);
    return c;
}

#define COUNT_S3_BUCKETS_OUTPUT(P)                                                                                                 \
    P(count, INTEGER, "How many buckets the account has", .required = 1, .minimum = "0")                                           \
    P(region, STRING, "The region whose S3 endpoint was asked (the count covers every region)", .required = 1)
MCP_OUTPUT(count_s3_buckets, COUNT_S3_BUCKETS_OUTPUT);

/* One page; returns 0 with *page filled, or 1 after making the failure the tool's result. */
static int
list_page(mcp_ctx_t *ctx, aws_client_t *s3, const char *token, s3_list_page_t *page)
{
    buf_t query = BUF_INIT(4 * S3_MAX_TOKEN);
    /* the canonical query: names in order, values encoded as SigV4 wants */
    if (token[0] != '\0') {
        buf_append_str(&query, "continuation-token=");
        aws_uri_encode(&query, token, strlen(token), 0);
        buf_append_char(&query, '&');
    }
    buf_append_str(&query, "max-buckets=" PAGE_SIZE);
    aws_request_t req = {.method = "GET", .path = "/", .query = query.data};
    aws_reply_t reply;
    int sent = aws_client_send(s3, &req, &reply);
    buf_dispose(&query);
    int ret = 1;
    if (sent != 0) {
        mcp_error(ctx, "S3 could not be reached: %s", reply.error_message);
    } else if (s3_list_parse(reply.body.data != NULL ? reply.body.data : "", reply.body.len, page) != 0) {
        mcp_error(ctx, "S3 answered ListBuckets with HTTP %d and a body that is not the XML it sends", reply.status);
    } else if (reply.status != 200 || page->is_error) {
        mcp_error(ctx, "S3 refused ListBuckets: %s: %s (HTTP %d)", page->error_code[0] != '\0' ? page->error_code : "(no code)",
                  page->error_message[0] != '\0' ? page->error_message : "(no message)", reply.status);
    } else if (!page->is_list) {
        mcp_error(ctx, "S3 answered ListBuckets with a document other than ListAllMyBucketsResult");
    } else {
        ret = 0;
    }
    aws_reply_dispose(&reply);
    return ret;
}

static int
count_s3_buckets(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    char err[512];
    aws_client_t *s3 = s3_client(err, sizeof(err));
    if (s3 == NULL)
        return mcp_error(ctx, "count_s3_buckets cannot call S3: %s", err);
    char token[S3_MAX_TOKEN + 1] = "";
    int64_t count = 0;
    for (int pages = 0;; ++pages) {
        if (pages == MAX_PAGES)
            return mcp_error(ctx, "S3 kept answering with more pages after %d; stopped", MAX_PAGES);
        if (mcp_cancelled(ctx))
            return mcp_error(ctx, "Cancelled after %d pages (%lld buckets so far)", pages, (long long)count);
        s3_list_page_t page;
        if (list_page(ctx, s3, token, &page) != 0)
            return 1;
        count += (int64_t)page.buckets;
        if (page.token[0] == '\0')
            break;
        if (strcmp(page.token, token) == 0)
            return mcp_error(ctx, "S3 answered with the same continuation token twice; stopped");
        memcpy(token, page.token, sizeof(token));
    }
    const char *region = aws_client_region(s3);
    mcp_textf(ctx, "The account has %lld S3 bucket%s.", (long long)count, count == 1 ? "" : "s");
    count_s3_buckets_output(ctx, &(struct count_s3_buckets_output){.count = count, .region = region});
    return 0;
}

MCP_TOOL(count_s3_buckets, .title = "Count S3 buckets",
         .description = "Counts the S3 buckets of the AWS account the server runs in (all regions), as the server's own "
                        "role sees them.",
         .output = count_s3_buckets_output_rows,
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":true}", .handler = count_s3_buckets);
