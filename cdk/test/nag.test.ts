// cdk-nag (AwsSolutions) over every stage: no finding left unacknowledged, every acknowledgement has a written
// reason, and every acknowledgement is still needed (removing it brings its finding back).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ACCOUNT_STACK_NAME, McpAccountStack } from '../lib/account-stack';
import { STAGE_NAMES } from '../lib/config';
import { CDK_CONTEXT, synthStage } from './helpers';

interface Acknowledgement {
    readonly construct: IConstruct;
    readonly data: Record<string, string>;
    readonly key: string;
    readonly ruleId: string;
    readonly reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
    const found: Acknowledgement[] = [];
    for (const construct of root.node.findAll()) {
        for (const entry of construct.node.metadata) {
            if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
                continue;
            }
            const data = entry.data as Record<string, string>;
            for (const [key, reason] of Object.entries(data)) {
                found.push({ construct, data, key, ruleId: key.replace(/^annotation::/i, ''), reason });
            }
        }
    }
    return found;
}

function findings(root: IConstruct): string[] {
    return new AwsSolutionsChecks()
        .validateScope(root)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

test('the checker is live: an unprotected REST API has findings', () => {
    const app = new App({ context: CDK_CONTEXT });
    const api = new apigw.RestApi(new Stack(app, 'bare'), 'Api');
    api.root.addMethod('GET', new apigw.MockIntegration());
    const found = findings(app).join('\n');
    assert.match(found, /AwsSolutions-APIG2/);
    assert.match(found, /AwsSolutions-APIG4/);
});

function accountApp(): App {
    const app = new App({ context: CDK_CONTEXT });
    new McpAccountStack(app, ACCOUNT_STACK_NAME, { env: { region: 'ap-southeast-2' } });
    return app;
}

/** The acknowledgements only a configuration variant has: registered tools, declared ones and the examples. */
function registeredToolsApp(): App {
    return synthStage('dev', {
        registeredTools: {
            functionNamePrefix: 'mcp-dev-tool-',
            refresh: Duration.seconds(30),
            adminPrincipals: ['arn:aws:iam::123456789012:role/registry-admin'],
            examples: true,
        },
    }).app;
}

for (const [name, make] of [
    ...STAGE_NAMES.map((stage) => [`mcp-${stage}-stack`, () => synthStage(stage).app] as const),
    ['mcp-dev-stack with registered tools and the examples', registeredToolsApp] as const,
    [ACCOUNT_STACK_NAME, accountApp] as const,
]) {
    describe(`cdk-nag AwsSolutions on ${name}`, () => {
        const app = make();
        const acks = acknowledgements(app);

        test('zero unacknowledged findings (errors and warnings)', () => {
            assert.deepEqual(findings(app), []);
        });

        test('every acknowledgement names a rule and gives a written reason', () => {
            assert.ok(acks.length > 0);
            for (const ack of acks) {
                assert.match(ack.ruleId, /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/, ack.key);
                assert.ok(
                    ack.reason.trim().length >= 60,
                    `${ack.ruleId} at ${ack.construct.node.path}: reason too short`,
                );
            }
        });

        test('every acknowledgement is needed', () => {
            for (const ack of acks) {
                const where = `${ack.ruleId} at ${ack.construct.node.path}`;
                delete ack.data[ack.key];
                try {
                    const reappeared = findings(app).filter((f) =>
                        f.startsWith(`${ack.ruleId} at ${ack.construct.node.path}`),
                    );
                    assert.ok(reappeared.length > 0, `${where} acknowledges nothing`);
                } finally {
                    ack.data[ack.key] = ack.reason;
                }
            }
            assert.deepEqual(findings(app), []);
        });
    });
}
