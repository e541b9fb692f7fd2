// Registered tools (docs/registered-tools.md): the stage's registry table, the admin API that writes it (mcp-admin,
// from the server's image, behind a Function URL with AWS_IAM that only the configured admin principals may call),
// and the server's access: Scan on the table, and lambda:InvokeFunction on exactly the allow-listed functions (this
// account and region, names starting with the stage's prefix; never "*"). Registrations made at run time name only
// functions the grant covers, since the admin API refuses any other ARN.
import { CfnOutput, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RegisteredToolsSettings } from './config';
import { McpFunction } from './mcp-function';

export interface ToolRegistryProps {
    readonly tableName: string;
    readonly settings: RegisteredToolsSettings;
    readonly server: McpFunction;
    /** The admin function (mcp-admin: the server's image with another entrypoint). */
    readonly admin: McpFunction;
    readonly removalPolicy: RemovalPolicy;
}

export class ToolRegistry extends Construct {
    readonly table: dynamodb.Table;
    readonly adminUrl: lambda.FunctionUrl;
    /** The functions registered tools may name: arn:aws:lambda:<region>:<account>:function:<prefix>*. */
    readonly allowedFunctions: string;

    constructor(scope: Construct, id: string, props: ToolRegistryProps) {
        super(scope, id);
        const stack = Stack.of(this);
        this.table = new dynamodb.Table(this, 'Table', {
            tableName: props.tableName,
            partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
            billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
            pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
            removalPolicy: props.removalPolicy,
        });
        this.allowedFunctions = `arn:${stack.partition}:lambda:${stack.region}:${stack.account}:function:${props.settings.functionNamePrefix}*`;

        // the server reads the whole table (at most once per refresh interval) and invokes the allow-listed functions
        this.table.grant(props.server.role, 'dynamodb:Scan');
        props.server.role.addToPrincipalPolicy(
            new iam.PolicyStatement({
                sid: 'InvokeRegisteredTools',
                actions: ['lambda:InvokeFunction'],
                // the function, and its versions and aliases (a record's qualifier)
                resources: [this.allowedFunctions, `${this.allowedFunctions}:*`],
            }),
        );
        props.server.function.addEnvironment('MCP_TOOL_REGISTRY_TABLE', this.table.tableName);
        props.server.function.addEnvironment('MCP_TOOL_REGISTRY_REFRESH_S', String(props.settings.refresh.toSeconds()));
        // cdk-nag names the resource as it appears in the template: tokens as <AWS::...>, known values as they are
        const shown = (v: string, token: string) => (Token.isUnresolved(v) ? `<AWS::${token}>` : v);
        const nagged = `arn:${shown(stack.partition, 'Partition')}:lambda:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:function:${props.settings.functionNamePrefix}*`;
        Validations.of(props.server.role).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${nagged}]`,
            reason:
                'Registered tools are Lambda functions registered at run time, so the grant cannot list them: it is the ' +
                'stage\'s allow-list, this account and region and a function-name prefix, never "*"; the admin API refuses ' +
                'any ARN outside it.',
        });
        Validations.of(props.server.role).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${nagged}:*]`,
            reason: 'The same allow-list, for the versions and aliases a record may name as its qualifier.',
        });

        // the admin API: item reads and conditional writes, and the paginated Scan of its list route
        this.table.grant(
            props.admin.role,
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:DeleteItem',
            'dynamodb:Scan',
        );
        props.admin.function.addEnvironment('MCP_TOOL_REGISTRY_TABLE', this.table.tableName);
        props.admin.function.addEnvironment('MCP_ADMIN_ALLOWED_FUNCTIONS', this.allowedFunctions);
        this.adminUrl = new lambda.FunctionUrl(this, 'AdminUrl', {
            function: props.admin.alias,
            authType: lambda.FunctionUrlAuthType.AWS_IAM,
        });
        for (const principal of props.settings.adminPrincipals) {
            props.admin.alias.grantInvokeUrl(new iam.ArnPrincipal(principal));
        }
        new CfnOutput(stack, 'ToolRegistryAdminUrl', {
            description: 'The tool registry admin API (AWS_IAM; mcp-client --aws-service lambda admin ...)',
            value: this.adminUrl.url,
        });
        new CfnOutput(stack, 'ToolRegistryTable', {
            description: 'The tool registry table',
            value: this.table.tableName,
        });
    }
}
