// cfn-lint (the CloudFormation resource schemas, for every region we deploy to) over every stage's template, the
// once-per-account stack and the configuration variants: no errors allowed (warnings are printed). cfn-lint comes
// from PyPI (cfn-lint 1.51 on the project's machines; the workflows install it with pip), so it must be on PATH:
// a missing cfn-lint fails this test rather than skipping it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT_STACK_NAME, McpAccountStack } from '../lib/account-stack';
import { STAGES, STAGE_NAMES } from '../lib/config';
import { CDK_CONTEXT, TEST_IMAGES, synthStage } from './helpers';

const REGIONS = ['ap-southeast-2', 'us-east-1', 'eu-central-1'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-cfn-lint-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Finding {
    readonly Level: string;
    readonly Rule: { readonly Id: string };
    readonly Message: string;
}

function lint(name: string, template: object): Finding[] {
    const file = path.join(work, `${name}.template.json`);
    fs.writeFileSync(file, JSON.stringify(template));
    const result = spawnSync('cfn-lint', ['--format', 'json', '--regions', ...REGIONS, '--', file], {
        encoding: 'utf8',
        timeout: 120_000,
    });
    assert.ok(result.error === undefined, `cfn-lint could not run (${result.error?.message}): pip install cfn-lint`);
    assert.ok(result.stdout.trim().startsWith('['), `cfn-lint said: ${result.stdout}${result.stderr}`);
    return JSON.parse(result.stdout);
}

function assertNoErrors(name: string, template: object): void {
    const findings = lint(name, template);
    for (const f of findings.filter((f) => f.Level !== 'Error')) console.log(`  ${name}: ${f.Rule.Id} ${f.Message}`);
    const errors = findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Message}`);
    assert.deepEqual(errors, [], `${name}: cfn-lint errors`);
}

const images = {
    server: {
        repositoryArn: 'arn:aws:ecr:ap-southeast-2:123456789012:repository/mcp-lambda-c',
        digest: TEST_IMAGES.server.split('@')[1],
    },
    authorizer: {
        repositoryArn: 'arn:aws:ecr:ap-southeast-2:123456789012:repository/mcp-lambda-c',
        digest: TEST_IMAGES.authorizer.split('@')[1],
    },
};

describe('cfn-lint: no errors', () => {
    test('the linter is live: a misspelt property is an error', { timeout: 180_000 }, () => {
        const bad = { Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { DisplayNam: 'x' } } } };
        assert.ok(lint('planted', bad).some((f) => f.Level === 'Error'));
    });
    for (const stage of STAGE_NAMES) {
        test(`mcp-${stage}-stack`, { timeout: 180_000 }, () => assertNoErrors(stage, synthStage(stage).json));
        test(`mcp-${stage}-stack with the images by digest`, { timeout: 180_000 }, () =>
            assertNoErrors(`${stage}-digest`, synthStage(stage, {}, images).json),
        );
    }
    test('variants: arm64, streaming prod, a custom domain', { timeout: 180_000 }, () => {
        assertNoErrors('arm64', synthStage('qas', { architecture: 'arm64' }).json);
        assertNoErrors(
            'prod-streaming',
            synthStage('prod', {
                streaming: true,
                server: { ...STAGES.prod.server, timeout: Duration.seconds(898), taskTimeout: undefined },
            }).json,
        );
        assertNoErrors(
            'prod-domain',
            synthStage('prod', {
                customDomain: {
                    domainName: 'mcp.example.com',
                    certificateArn:
                        'arn:aws:acm:ap-southeast-2:123456789012:certificate/11111111-2222-3333-4444-555555555555',
                },
            }).json,
        );
    });
    test(
        'variants: registered tools with the examples and a declared tool, the tasks table',
        { timeout: 180_000 },
        () => {
            assertNoErrors(
                'registered-tools',
                synthStage('dev', {
                    registeredTools: {
                        functionNamePrefix: 'mcp-dev-tool-',
                        refresh: Duration.seconds(30),
                        adminPrincipals: ['arn:aws:iam::123456789012:role/registry-admin'],
                        examples: true,
                        declared: [
                            {
                                name: 'lookup_order',
                                description: 'Finds an order by its id.',
                                inputSchema: { type: 'object', properties: { id: { type: 'string' } } },
                                timeout: Duration.seconds(5),
                                lambdaArn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:orders',
                                qualifier: 'live',
                            },
                        ],
                    },
                }).json,
            );
        },
    );
    test(ACCOUNT_STACK_NAME, { timeout: 180_000 }, () => {
        const app = new App({ context: CDK_CONTEXT });
        const stack = new McpAccountStack(app, ACCOUNT_STACK_NAME, { env: { region: 'ap-southeast-2' } });
        assertNoErrors('account', Template.fromStack(stack).toJSON());
    });
});
