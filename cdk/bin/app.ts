// Composes the app: the stage and region from the environment, one stack for that stage, the once-per-account stack,
// cdk-nag over all of it.
// Usage: STAGE=prod REGION=ap-southeast-2 [MCP_SERVER_IMAGE=... MCP_AUTHORIZER_IMAGE=...] npx cdk synth (see README).
import * as path from 'node:path';
import { Annotations, App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ACCOUNT_STACK_NAME, McpAccountStack } from '../lib/account-stack';
import { STAGES } from '../lib/config';
import { McpStack, stackName } from '../lib/mcp-stack';
import { AppSettings, resolveAppSettings } from '../lib/settings';

const app = new App();
let settings: AppSettings;
try {
    settings = resolveAppSettings(process.env, (key) => app.node.tryGetContext(key));
} catch (error) {
    // A wrong STAGE, REGION or image: the message says what to fix, a stack trace would only bury it.
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
}

const stack = new McpStack(app, stackName(settings.stage), {
    stackName: stackName(settings.stage),
    description: `MCP server on Lambda behind API Gateway, stage ${settings.stage}`,
    env: { region: settings.region },
    config: STAGES[settings.stage],
    imageContext: path.resolve(__dirname, '..', '..'),
    images: settings.images,
});
Annotations.of(stack).addInfo(`stage ${settings.stage}, region ${settings.region} (from ${settings.regionSource})`);
if (!settings.images) {
    Annotations.of(stack).addInfo(
        'no MCP_SERVER_IMAGE / MCP_AUTHORIZER_IMAGE: the images are built from the Dockerfile',
    );
}
new McpAccountStack(app, ACCOUNT_STACK_NAME, {
    stackName: ACCOUNT_STACK_NAME,
    description: 'Once per account and region: the CloudWatch Logs role of API Gateway (account setting)',
    env: { region: settings.region },
});
Tags.of(app).add('project', 'mcp-lambda-c');
Tags.of(app).add('stage', settings.stage);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
