/* The "aws" set: tools that call AWS with the server's own credentials (the Lambda function's role). */
#include "mcp.h"

MCP_TOOLSET_DESCRIPTION(aws, "Tools that call AWS as the server's role: count_s3_buckets (needs s3:ListAllMyBuckets).");
