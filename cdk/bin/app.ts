// Composes the app: the stage and region from the environment, one stack for that stage, cdk-nag over all of it.
// Usage: STAGE=prod REGION=ap-southeast-2 MCP_AUTH_TOKEN_DIGESTS=label:sha256hex npx cdk synth (see README).
import * as path from 'node:path';
import { Annotations, App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { STAGES } from '../lib/config';
import { McpStack, stackName } from '../lib/mcp-stack';
import { AppSettings, resolveAppSettings } from '../lib/settings';

const app = new App();
let settings: AppSettings;
try {
    settings = resolveAppSettings(process.env, (key) => app.node.tryGetContext(key));
} catch (error) {
    // A wrong STAGE, REGION or digest list: the message says what to fix, a stack trace would only bury it.
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
}

const stack = new McpStack(app, stackName(settings.stage), {
    stackName: stackName(settings.stage),
    description: `MCP server on Lambda behind API Gateway, stage ${settings.stage}`,
    env: { region: settings.region },
    config: STAGES[settings.stage],
    imageContext: path.resolve(__dirname, '..', '..'),
    authTokens: settings.authTokens,
});
Annotations.of(stack).addInfo(`stage ${settings.stage}, region ${settings.region} (from ${settings.regionSource})`);
if (settings.authTokensArePlaceholder) {
    Annotations.of(stack).addWarningV2(
        'mcp:auth-token-placeholder',
        'No MCP_AUTH_TOKEN_DIGESTS given: the authorizer gets a placeholder digest and would reject every token.',
    );
}
Tags.of(app).add('project', 'mcp-lambda-c');
Tags.of(app).add('stage', settings.stage);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
