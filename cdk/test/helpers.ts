// Shared by the assertion tests: a test token (plaintext only here, never in a template), the app as bin/app.ts
// builds it (same feature flags from cdk.json), and a tiny evaluator for the intrinsics our URLs are made of.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGES, StageConfig, StageName } from '../lib/config';
import { McpStack, McpStackProps, stackName } from '../lib/mcp-stack';

export const CDK_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(CDK_DIR, '..');
/** A Dockerfile with the real targets, so these tests do not depend on the C build context. */
export const FIXTURE_IMAGE_CONTEXT = path.join(__dirname, 'fixtures', 'image-context');
export const REGION = 'ap-southeast-2';

/** A made-up bearer token: what a client would send. Its plaintext must appear in no template. */
export const TEST_TOKEN = 'mcp-test-token.Zq7wV3nL-0c9f2e1d8b7a6F5E4D3C2B1A0';
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
export const TEST_AUTH_TOKENS = `ci-test:${sha256(TEST_TOKEN)},laptop-test:${sha256(TEST_TOKEN + '-2')}`;

export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
    fs.readFileSync(path.join(CDK_DIR, 'cdk.json'), 'utf8'),
).context;

export interface Synthesized {
    readonly app: App;
    readonly stack: McpStack;
    readonly template: Template;
    readonly json: Record<string, any>;
}

/** Images by digest as CI passes them (MCP_SERVER_IMAGE, MCP_AUTHORIZER_IMAGE). */
export const TEST_IMAGES = {
    server: `123456789012.dkr.ecr.${'ap-southeast-2'}.amazonaws.com/mcp-lambda-c@sha256:${'a'.repeat(64)}`,
    authorizer: `123456789012.dkr.ecr.${'ap-southeast-2'}.amazonaws.com/mcp-lambda-c@sha256:${'b'.repeat(64)}`,
};

export function synthStage(
    stage: StageName,
    overrides: Partial<StageConfig> = {},
    images?: McpStackProps['images'],
): Synthesized {
    const app = new App({ context: CDK_CONTEXT });
    const stack = new McpStack(app, stackName(stage), {
        stackName: stackName(stage),
        env: { region: REGION },
        config: { ...STAGES[stage], ...overrides },
        imageContext: FIXTURE_IMAGE_CONTEXT,
        images,
    });
    const template = Template.fromStack(stack);
    return { app, stack, template, json: template.toJSON() };
}

/** Logical ids and resources of one type. */
export function resourcesOfType(json: Record<string, any>, type: string): [string, any][] {
    return Object.entries(json.Resources as Record<string, any>).filter(([, resource]) => resource.Type === type);
}

export function onlyResource(
    json: Record<string, any>,
    type: string,
    where: (props: any) => boolean = () => true,
): [string, any] {
    const found = resourcesOfType(json, type).filter(([, resource]) => where(resource.Properties ?? {}));
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type} matching, found ${found.length}`);
    }
    return found[0];
}

/**
 * Evaluates Ref, Fn::Join and Fn::GetAtt with made-up values, so URL-building intrinsics can be compared with the
 * string they produce at deploy time. A Ref to a logical id becomes "<id>"; pseudo parameters are given.
 */
export function evaluate(value: unknown, refs: Record<string, string> = {}): string {
    const pseudo: Record<string, string> = {
        'AWS::Region': REGION,
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::AccountId': '123456789012',
        'AWS::Partition': 'aws',
        ...refs,
    };
    if (typeof value === 'string' || typeof value === 'number') {
        return String(value);
    }
    if (value && typeof value === 'object') {
        const obj = value as Record<string, any>;
        if ('Ref' in obj) {
            return pseudo[obj.Ref] ?? `<${obj.Ref}>`;
        }
        if ('Fn::Join' in obj) {
            const [separator, parts] = obj['Fn::Join'];
            return (parts as unknown[]).map((part) => evaluate(part, refs)).join(separator);
        }
        if ('Fn::GetAtt' in obj) {
            return `<${obj['Fn::GetAtt'].join('.')}>`;
        }
    }
    throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}
