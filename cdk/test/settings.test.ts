// What the app takes from outside: STAGE, the region precedence, and the images by digest.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseImageReference, resolveAppSettings, resolveImages, resolveRegion, resolveStage } from '../lib/settings';

const noContext = () => undefined;
const context = (values: Record<string, string>) => (key: string) => values[key];

describe('STAGE', () => {
    test('defaults to dev', () => {
        assert.equal(resolveStage({}), 'dev');
        assert.equal(resolveStage({ STAGE: '' }), 'dev');
    });
    test('accepts dev, qas and prod', () => {
        for (const stage of ['dev', 'qas', 'prod']) {
            assert.equal(resolveStage({ STAGE: stage }), stage);
        }
    });
    test('refuses anything else, naming the choices', () => {
        assert.throws(
            () => resolveStage({ STAGE: 'staging' }),
            /STAGE="staging" is not a stage; use one of: dev, qas, prod/,
        );
        assert.throws(() => resolveStage({ STAGE: 'Prod' }), /not a stage/);
    });
});

describe('region precedence', () => {
    const underCli = { CDK_OUTDIR: '/tmp/cdk.out' };
    test('REGION wins over everything', () => {
        const env = {
            ...underCli,
            REGION: 'eu-west-1',
            AWS_REGION: 'us-west-2',
            AWS_DEFAULT_REGION: 'us-east-2',
            CDK_DEFAULT_REGION: 'us-east-1',
        };
        assert.deepEqual(resolveRegion(env), { region: 'eu-west-1', source: 'REGION' });
    });
    test('then AWS_REGION, then AWS_DEFAULT_REGION', () => {
        assert.deepEqual(resolveRegion({ ...underCli, AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' }), {
            region: 'us-west-2',
            source: 'AWS_REGION',
        });
        assert.deepEqual(resolveRegion({ ...underCli, AWS_DEFAULT_REGION: 'us-east-2' }), {
            region: 'us-east-2',
            source: 'AWS_DEFAULT_REGION',
        });
    });
    test("under the CDK CLI, CDK_DEFAULT_REGION (the CLI's us-east-1 fallback) is ignored", () => {
        assert.deepEqual(resolveRegion({ ...underCli, CDK_DEFAULT_REGION: 'us-east-1' }), {
            region: 'ap-southeast-2',
            source: 'default',
        });
    });
    test('outside the CLI, a CDK_DEFAULT_REGION set by the user counts', () => {
        assert.deepEqual(resolveRegion({ CDK_DEFAULT_REGION: 'eu-central-1' }), {
            region: 'eu-central-1',
            source: 'CDK_DEFAULT_REGION',
        });
    });
    test('defaults to ap-southeast-2', () => {
        assert.deepEqual(resolveRegion({}), { region: 'ap-southeast-2', source: 'default' });
    });
    test('refuses something that is not a region name', () => {
        assert.throws(() => resolveRegion({ REGION: 'sydney' }), /REGION="sydney" is not an AWS region name/);
        assert.throws(
            () => resolveRegion({ AWS_REGION: 'ap-southeast-2 ' + 'x' }),
            /AWS_REGION=.* is not an AWS region name/,
        );
    });
    test('accepts partitions other than aws', () => {
        assert.equal(resolveRegion({ REGION: 'us-gov-west-1' }).region, 'us-gov-west-1');
        assert.equal(resolveRegion({ REGION: 'cn-northwest-1' }).region, 'cn-northwest-1');
    });
});

describe('images by digest', () => {
    const server = `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/mcp-lambda-c@sha256:${'a'.repeat(64)}`;
    const authorizer = `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/mcp-lambda-c@sha256:${'b'.repeat(64)}`;
    test('an ECR reference by digest gives the repository ARN and the digest', () => {
        assert.deepEqual(parseImageReference('MCP_SERVER_IMAGE', server), {
            repositoryArn: 'arn:aws:ecr:ap-southeast-2:123456789012:repository/mcp-lambda-c',
            digest: `sha256:${'a'.repeat(64)}`,
        });
    });
    test('a tag, another registry or a short digest is refused', () => {
        for (const bad of [
            '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/mcp-lambda-c:latest',
            `docker.io/library/mcp@sha256:${'a'.repeat(64)}`,
            `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/mcp-lambda-c@sha256:${'a'.repeat(63)}`,
        ]) {
            assert.throws(() => parseImageReference('MCP_SERVER_IMAGE', bad), /not an ECR image by digest/);
        }
    });
    test('from the environment or the context; both or neither', () => {
        const images = resolveImages({ MCP_SERVER_IMAGE: server }, context({ authorizerImage: authorizer }));
        assert.equal(images?.authorizer.digest, `sha256:${'b'.repeat(64)}`);
        assert.throws(() => resolveImages({ MCP_SERVER_IMAGE: server }, noContext), /both .* or neither/);
        assert.equal(resolveImages({}, noContext), undefined);
    });
    test('a deploy (requireImages=true) without images fails: it never builds its own', () => {
        assert.throws(
            () => resolveImages({}, context({ requireImages: 'true' })),
            /no images: set MCP_SERVER_IMAGE and MCP_AUTHORIZER_IMAGE/,
        );
    });
    test('resolveAppSettings puts it together', () => {
        const settings = resolveAppSettings(
            { STAGE: 'prod', REGION: 'eu-central-1', MCP_SERVER_IMAGE: server, MCP_AUTHORIZER_IMAGE: authorizer },
            noContext,
        );
        assert.equal(settings.stage, 'prod');
        assert.equal(settings.region, 'eu-central-1');
        assert.equal(settings.images?.server.digest, `sha256:${'a'.repeat(64)}`);
    });
});
