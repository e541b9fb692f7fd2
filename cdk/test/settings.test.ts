// What the app takes from outside: STAGE, the region precedence, and the token digest list.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PLACEHOLDER_AUTH_TOKENS, parseAuthTokenDigests } from '../lib/auth-tokens';
import { resolveAppSettings, resolveAuthTokens, resolveRegion, resolveStage } from '../lib/settings';
import { TEST_AUTH_TOKENS, TEST_TOKEN, sha256 } from './helpers';

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

describe('auth token digests', () => {
    const digest = sha256(TEST_TOKEN);

    test('parses label:sha256hex entries', () => {
        assert.deepEqual(parseAuthTokenDigests(`ci-2026:${digest},laptop_1.x:${'0'.repeat(64)}`), [
            { label: 'ci-2026', digest },
            { label: 'laptop_1.x', digest: '0'.repeat(64) },
        ]);
    });
    test('refuses a plaintext token instead of a digest, without echoing it', () => {
        assert.throws(
            () => parseAuthTokenDigests(`ci:${TEST_TOKEN}`),
            (error: Error) =>
                /entry 1 \("ci"\): the digest must be 64 lower-case hex characters/.test(error.message) &&
                !error.message.includes(TEST_TOKEN),
        );
    });
    test('refuses a bare token with no label, without echoing it', () => {
        assert.throws(
            () => parseAuthTokenDigests(digest),
            (error: Error) => /expected label:sha256hex/.test(error.message) && !error.message.includes(digest),
        );
    });
    test('refuses upper-case hex, short digests and bad labels', () => {
        assert.throws(() => parseAuthTokenDigests(`ci:${digest.toUpperCase()}`), /64 lower-case hex/);
        assert.throws(() => parseAuthTokenDigests(`ci:${digest.slice(1)}`), /got 63 characters/);
        assert.throws(() => parseAuthTokenDigests(`ci team:${digest}`), /label must be 1-64 characters/);
        assert.throws(() => parseAuthTokenDigests(`:${digest}`), /label must be 1-64 characters/);
        assert.throws(() => parseAuthTokenDigests(`${'a'.repeat(65)}:${digest}`), /label must be 1-64 characters/);
        assert.throws(() => parseAuthTokenDigests(`ci:${digest},`), /entry 2: expected label:sha256hex/);
        assert.throws(() => parseAuthTokenDigests(''), /the list is empty/);
    });
    test('refuses one token under two labels, and more entries than the authorizer holds', () => {
        assert.throws(
            () => parseAuthTokenDigests(`a:${digest},b:${digest}`),
            /entry 2: "b" has the same digest as "a"/,
        );
        const seventeen = Array.from({ length: 17 }, (_, i) => `t${i}:${sha256(String(i))}`).join(',');
        assert.throws(() => parseAuthTokenDigests(seventeen), /17 entries; the authorizer takes at most 16/);
        assert.equal(parseAuthTokenDigests(seventeen.split(',').slice(0, 16).join(',')).length, 16);
    });
    test('refuses a label used twice', () => {
        assert.throws(() => parseAuthTokenDigests(`ci:${digest},ci:${'1'.repeat(64)}`), /label "ci" is used twice/);
    });
    test('context wins over MCP_AUTH_TOKEN_DIGESTS; whitespace around entries is dropped', () => {
        const fromEnv = resolveAuthTokens(
            { MCP_AUTH_TOKEN_DIGESTS: ` ci:${digest} , b:${'2'.repeat(64)} ` },
            noContext,
        );
        assert.deepEqual(fromEnv, { value: `ci:${digest},b:${'2'.repeat(64)}`, placeholder: false });
        const fromContext = resolveAuthTokens(
            { MCP_AUTH_TOKEN_DIGESTS: `env:${digest}` },
            context({ authTokenDigests: TEST_AUTH_TOKENS }),
        );
        assert.deepEqual(fromContext, { value: TEST_AUTH_TOKENS, placeholder: false });
    });
    test('without digests, synth gets the placeholder that admits nobody', () => {
        assert.deepEqual(resolveAuthTokens({}, noContext), { value: PLACEHOLDER_AUTH_TOKENS, placeholder: true });
        assert.doesNotThrow(() => parseAuthTokenDigests(PLACEHOLDER_AUTH_TOKENS));
    });
    test('without digests, a deploy (requireAuthTokenDigests=true) fails with a clear message', () => {
        assert.throws(
            () => resolveAuthTokens({}, context({ requireAuthTokenDigests: 'true' })),
            /no auth token digests: set MCP_AUTH_TOKEN_DIGESTS/,
        );
        assert.equal(
            resolveAuthTokens(
                { MCP_AUTH_TOKEN_DIGESTS: TEST_AUTH_TOKENS },
                context({ requireAuthTokenDigests: 'true' }),
            ).placeholder,
            false,
        );
    });
    test('resolveAppSettings puts it together', () => {
        assert.deepEqual(
            resolveAppSettings(
                { STAGE: 'qas', REGION: 'eu-west-1', MCP_AUTH_TOKEN_DIGESTS: TEST_AUTH_TOKENS },
                noContext,
            ),
            {
                stage: 'qas',
                region: 'eu-west-1',
                regionSource: 'REGION',
                authTokens: TEST_AUTH_TOKENS,
                authTokensArePlaceholder: false,
            },
        );
    });
});
