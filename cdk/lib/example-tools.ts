// The example functions deployed with a stage (registeredTools.examples): examples/tools/'s Python handler
// (word_count) and Node.js one (greet, add), examples/resources/node (docs://handbook/onboarding, orders://{id}) and
// examples/prompts/python (code_review, summarise), plain Lambda handlers from their directories, each with its own
// log group and a role that may write to it and do nothing else (the examples call no AWS service). Their tools,
// resources and prompts are declared (config.ts EXAMPLE_TOOLS, EXAMPLE_RESOURCES, EXAMPLE_PROMPTS), so the registry
// writer records them and the server may invoke exactly these four.
import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { APP_FUNCTIONS, AppFunctionName } from './config';

/** examples/tools/ of the repository this app is part of. */
export const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

/** What each example is: its directory, handler and runtime (the runtimes its README names). */
const EXAMPLES: Record<AppFunctionName, { dir: string; handler: string; runtime: lambda.Runtime; what: string }> = {
    'example-python': {
        dir: 'tools/python',
        handler: 'handler.handler',
        runtime: lambda.Runtime.PYTHON_3_12,
        what: 'Example registered tool in Python (word_count)',
    },
    'example-node': {
        dir: 'tools/node',
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        what: 'Example registered tools in Node.js (greet, add)',
    },
    'example-node-resources': {
        dir: 'resources/node',
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        what: 'Example registered resources in Node.js (docs://handbook/onboarding, orders://{id})',
    },
    'example-python-prompts': {
        dir: 'prompts/python',
        handler: 'handler.handler',
        runtime: lambda.Runtime.PYTHON_3_13,
        what: 'Example registered prompts in Python (code_review, summarise)',
    },
};

export interface ExampleToolsProps {
    /** mcp-<stage>: the functions are mcp-<stage>-example-python and mcp-<stage>-example-node. */
    readonly namePrefix: string;
    readonly architecture: lambda.Architecture;
    readonly logRetention: logs.RetentionDays;
    readonly removalPolicy: RemovalPolicy;
}

export class ExampleTools extends Construct {
    readonly functions: Record<AppFunctionName, lambda.Function>;

    constructor(scope: Construct, id: string, props: ExampleToolsProps) {
        super(scope, id);
        const make = (key: AppFunctionName): lambda.Function => {
            const example = EXAMPLES[key];
            const functionName = `${props.namePrefix}-${key}`;
            const logGroup = new logs.LogGroup(this, `${key}-LogGroup`, {
                logGroupName: `/aws/lambda/${functionName}`,
                retention: props.logRetention,
                removalPolicy: props.removalPolicy,
            });
            const role = new iam.Role(this, `${key}-Role`, {
                assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
                description: `Execution role of ${functionName}`,
            });
            role.addToPrincipalPolicy(
                new iam.PolicyStatement({
                    sid: 'WriteOwnLogGroup',
                    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                    resources: [logGroup.logGroupArn],
                }),
            );
            const fn = new lambda.Function(this, key, {
                functionName,
                description: example.what,
                runtime: example.runtime,
                architecture: props.architecture,
                handler: example.handler,
                code: lambda.Code.fromAsset(path.join(EXAMPLES_DIR, example.dir), {
                    exclude: ['README.md', '__pycache__', '*.pyc'],
                }),
                memorySize: 128,
                timeout: Duration.seconds(10),
                role,
                logGroup,
            });
            Validations.of(fn).acknowledge({
                id: 'AwsSolutions-L1',
                reason:
                    `The example runs on ${example.runtime.name}, the runtime its README (examples/${example.dir}) ` +
                    'documents and tests it with; it is a sample deployed on opted-in stages only, not a service.',
            });
            return fn;
        };
        this.functions = Object.fromEntries(APP_FUNCTIONS.map((key) => [key, make(key)])) as Record<
            AppFunctionName,
            lambda.Function
        >;
    }
}
