// The server behind a Lambda Function URL with AuthType AWS_IAM: callers sign every request with SigV4 (service
// `lambda`; mcp-client --aws-sigv4 or proxy, AWS's mcp-proxy-for-aws, an SDK's signer) and need both permissions
// Function URLs ask for since October 2025, lambda:InvokeFunctionUrl and lambda:InvokeFunction (the second only
// through a Function URL), granted here to each configured principal in the function's resource policy. The
// caller's IAM identity reaches tools as requestContext.authorizer.iam (the server's mcp_identity()).
// Invoke mode follows the stage's streaming setting: the function answers in one response mode for every front door.
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FunctionUrlSettings } from './config';

export interface McpFunctionUrlProps {
    readonly server: lambda.IFunction;
    readonly settings: FunctionUrlSettings;
    /** RESPONSE_STREAM when the stage streams, else BUFFERED. */
    readonly streaming: boolean;
}

/** An invoker of the configuration as a principal: a 12-digit account id, or an IAM role or user ARN. */
export function invokerPrincipal(invoker: string): iam.IPrincipal {
    return /^\d{12}$/.test(invoker) ? new iam.AccountPrincipal(invoker) : new iam.ArnPrincipal(invoker);
}

export class McpFunctionUrl extends Construct {
    readonly functionUrl: lambda.FunctionUrl;
    /** The MCP endpoint: the Function URL with /mcp (every path reaches the function; the server serves /mcp). */
    readonly mcpUrl: string;
    /** The Host a Function URL of this region is reached by, as a pattern for MCP_ALLOWED_HOSTS. */
    readonly hostPattern: string;

    constructor(scope: Construct, id: string, props: McpFunctionUrlProps) {
        super(scope, id);
        this.functionUrl = new lambda.FunctionUrl(this, 'Url', {
            function: props.server,
            authType: lambda.FunctionUrlAuthType.AWS_IAM,
            invokeMode: props.streaming ? lambda.InvokeMode.RESPONSE_STREAM : lambda.InvokeMode.BUFFERED,
        });
        for (const invoker of props.settings.invokers) {
            props.server.grantInvokeUrl(invokerPrincipal(invoker));
        }
        // the URL ends with "/"
        this.mcpUrl = `${this.functionUrl.url}mcp`;
        this.hostPattern = `*.lambda-url.${Stack.of(this).region}.on.aws`;
    }
}
