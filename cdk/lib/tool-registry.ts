// Registered tools (docs/registered-tools.md): the stage's registry table, the admin API that writes it (mcp-admin,
// from the server's image, behind a Function URL with AWS_IAM that only the configured admin principals may call),
// and the server's access: Scan on the table, and lambda:InvokeFunction on exactly the allow-listed functions (this
// account and region, names starting with the stage's prefix; never "*"). Registrations made at run time name only
// functions the grant covers, since the admin API refuses any other ARN.
//
// Registrations declared in the configuration (tools, resources and prompts: registeredTools.declared,
// declaredResources, declaredPrompts) are written into the table at deploy time, one custom resource each,
// by a small function of this app (registry-writer/index.js: the admin API's item and record format, its conditional
// writes, createdBy/updatedBy the stack's ARN), and the server may invoke exactly their functions (and the qualified
// ARNs they name) besides the allow-list.
import * as path from 'node:path';
import { CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
    AppFunctionName,
    DeclaredFunction,
    DeclaredPrompt,
    DeclaredResource,
    DeclaredTool,
    RegisteredToolsSettings,
} from './config';
import { McpFunction } from './mcp-function';

/** The CloudFormation type of one declared registration. */
export const DECLARED_TOOL_RESOURCE_TYPE = 'Custom::McpToolRegistration';

export interface ToolRegistryProps {
    readonly tableName: string;
    readonly settings: RegisteredToolsSettings;
    readonly server: McpFunction;
    /** The admin function (mcp-admin: the server's image with another entrypoint). */
    readonly admin: McpFunction;
    readonly removalPolicy: RemovalPolicy;
    /** The registrations to write at deploy time (declaredTools(settings)); none of any kind: no writer function either. */
    readonly declared: readonly DeclaredTool[];
    /** The resources and prompts to write likewise (declaredResources(settings), declaredPrompts(settings)). */
    readonly declaredResources?: readonly DeclaredResource[];
    readonly declaredPrompts?: readonly DeclaredPrompt[];
    /** The functions the app deploys that declarations may name (appFunction). */
    readonly appFunctions: Partial<Record<AppFunctionName, lambda.IFunction>>;
    /** Name of the writer function (mcp-<stage>-registry-writer), its log retention and architecture. */
    readonly writerName: string;
    readonly logRetention: logs.RetentionDays;
    readonly architecture: lambda.Architecture;
}

/** The kinds of registration, each an item "<kind>#<name>" of the registry table. */
export type RegistrationKind = 'tool' | 'resource' | 'prompt';

/** The function fields every kind's record ends with (timeoutMs, lambdaArn, qualifier, target). */
function functionFields(decl: DeclaredFunction, lambdaArn: string): Record<string, unknown> {
    return { timeoutMs: decl.timeout?.toMilliseconds(), lambdaArn, qualifier: decl.qualifier, target: decl.target };
}

const defined = (record: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));

/**
 * The record as the admin API stores it (admin/registry_admin.c's tool_fields, resource_fields and prompt_fields, in
 * their order: a resource's and a prompt's "kind" first), less the audit fields.
 */
export function recordOf(kind: 'tool', decl: DeclaredTool, lambdaArn: string): Record<string, unknown>;
export function recordOf(kind: 'resource', decl: DeclaredResource, lambdaArn: string): Record<string, unknown>;
export function recordOf(kind: 'prompt', decl: DeclaredPrompt, lambdaArn: string): Record<string, unknown>;
export function recordOf(kind: RegistrationKind, decl: any, lambdaArn: string): Record<string, unknown> {
    switch (kind) {
        case 'tool':
            return defined({
                name: decl.name,
                title: decl.title,
                description: decl.description,
                inputSchema: decl.inputSchema,
                outputSchema: decl.outputSchema,
                annotations: decl.annotations,
                execution: decl.execution,
                ...functionFields(decl, lambdaArn),
            });
        case 'resource':
            return defined({
                kind,
                name: decl.name,
                title: decl.title,
                description: decl.description,
                uri: decl.uri,
                uriTemplate: decl.uriTemplate,
                mimeType: decl.mimeType,
                annotations: decl.annotations,
                ...functionFields(decl, lambdaArn),
            });
        case 'prompt':
            return defined({
                kind,
                name: decl.name,
                title: decl.title,
                description: decl.description,
                arguments: (decl.arguments as DeclaredPrompt['arguments'])?.map((a) =>
                    defined({ name: a.name, description: a.description, required: a.required }),
                ),
                ...functionFields(decl, lambdaArn),
            });
    }
}

export class ToolRegistry extends Construct {
    readonly table: dynamodb.Table;
    readonly adminUrl: lambda.FunctionUrl;
    /** The functions registered tools may name: arn:aws:lambda:<region>:<account>:function:<prefix>*. */
    readonly allowedFunctions: string;
    /** The function that writes declared registrations, when there are any. */
    readonly writer?: lambda.Function;
    /** One custom resource per declared tool, by its name. */
    readonly registrations: Record<string, CustomResource> = {};
    /** One custom resource per declared resource and prompt, by name. */
    readonly resourceRegistrations: Record<string, CustomResource> = {};
    readonly promptRegistrations: Record<string, CustomResource> = {};

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
        if (props.declared.length + (props.declaredResources?.length ?? 0) + (props.declaredPrompts?.length ?? 0) > 0) {
            this.writer = this.declareTools(props);
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

    /** The writer, a custom resource per declaration, and the server's grant on exactly the declared functions. */
    private declareTools(props: ToolRegistryProps): lambda.Function {
        const logGroup = new logs.LogGroup(this, 'WriterLogGroup', {
            logGroupName: `/aws/lambda/${props.writerName}`,
            retention: props.logRetention,
            removalPolicy: props.removalPolicy,
        });
        const role = new iam.Role(this, 'WriterRole', {
            assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
            description: `Execution role of ${props.writerName}`,
        });
        role.addToPrincipalPolicy(
            new iam.PolicyStatement({
                sid: 'WriteOwnLogGroup',
                actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                resources: [logGroup.logGroupArn],
            }),
        );
        // read a record, write it under a condition on the version read, delete it under the same condition
        this.table.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
        const writer = new lambda.Function(this, 'Writer', {
            functionName: props.writerName,
            description:
                'Writes the declared registrations (tools, resources, prompts) into the registry table at deploy time',
            runtime: lambda.Runtime.NODEJS_24_X,
            architecture: props.architecture,
            handler: 'index.handler',
            code: lambda.Code.fromAsset(path.join(__dirname, 'registry-writer')),
            memorySize: 128,
            timeout: Duration.minutes(1),
            role,
            logGroup,
        });

        const invoked = new Set<string>();
        const invokable: string[] = [];
        const grant = (arn: string) => {
            const key = Token.isUnresolved(arn) ? Stack.of(this).resolve(arn) : arn;
            const text = JSON.stringify(key);
            if (!invoked.has(text)) {
                invoked.add(text);
                invokable.push(arn);
            }
        };
        const declare = (
            kind: RegistrationKind,
            decl: DeclaredFunction & { name: string },
            record: (arn: string) => Record<string, unknown>,
        ): CustomResource => {
            const fn = decl.appFunction !== undefined ? props.appFunctions[decl.appFunction] : undefined;
            if (decl.appFunction !== undefined && fn === undefined) {
                throw new Error(`declared ${kind} ${decl.name}: the app deploys no function ${decl.appFunction}`);
            }
            const arn = fn?.functionArn ?? (decl.lambdaArn as string);
            grant(arn);
            if (decl.qualifier !== undefined) grant(`${arn}:${decl.qualifier}`);
            // tools keep the ids and properties they had before resources and prompts could be declared (no Kind: tool)
            const id =
                { tool: 'Declared', resource: 'DeclaredResource', prompt: 'DeclaredPrompt' }[kind] + `-${decl.name}`;
            const registration = new CustomResource(this, id, {
                resourceType: DECLARED_TOOL_RESOURCE_TYPE,
                serviceToken: writer.functionArn,
                properties: {
                    TableName: this.table.tableName,
                    ...(kind === 'tool' ? {} : { Kind: kind }),
                    Name: decl.name,
                    Record: Stack.of(this).toJsonString(record(arn)),
                },
            });
            // the writer may touch the table before CloudFormation asks it to
            registration.node.addDependency(role);
            return registration;
        };
        for (const tool of props.declared) {
            this.registrations[tool.name] = declare('tool', tool, (arn) => recordOf('tool', tool, arn));
        }
        for (const resource of props.declaredResources ?? []) {
            this.resourceRegistrations[resource.name] = declare('resource', resource, (arn) =>
                recordOf('resource', resource, arn),
            );
        }
        for (const prompt of props.declaredPrompts ?? []) {
            this.promptRegistrations[prompt.name] = declare('prompt', prompt, (arn) => recordOf('prompt', prompt, arn));
        }
        props.server.role.addToPrincipalPolicy(
            new iam.PolicyStatement({
                sid: 'InvokeDeclaredTools',
                actions: ['lambda:InvokeFunction'],
                resources: invokable,
            }),
        );
        return writer;
    }
}
