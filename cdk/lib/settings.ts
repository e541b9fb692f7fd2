// What the app is told from outside (environment variables and CDK context), resolved and validated in one place.
//
//   STAGE                    dev | qas | prod (default dev)
//   region                   first of: REGION; AWS_REGION; AWS_DEFAULT_REGION; CDK_DEFAULT_REGION only when the app
//                            is not run by the CDK CLI; else ap-southeast-2. Under the CLI, CDK_DEFAULT_REGION is
//                            always overwritten by the CLI: with AWS_REGION/AWS_DEFAULT_REGION (already taken
//                            above), a ~/.aws profile's region, or a silent us-east-1 when nothing is configured;
//                            those cannot be told apart, so a stage never lands in a region nobody chose.
//   images                   MCP_SERVER_IMAGE and MCP_AUTHORIZER_IMAGE (or context serverImage / authorizerImage):
//                            <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64 hex>, the images CI
//                            built, tested and pushed; deployed by digest, never rebuilt. Absent: the Dockerfile is
//                            built as CDK assets (a laptop), unless context requireImages=true (set by
//                            `npm run deploy`, which CI runs), which fails.
//
// The token digests are no business of the app any more: they live in the stage's secret (auth-tokens-secret.ts).
import { STAGE_NAMES, StageName, isStageName } from './config';
import { ImageDigest } from './mcp-function';

export const DEFAULT_STAGE: StageName = 'dev';
export const DEFAULT_REGION = 'ap-southeast-2';

export interface AppSettings {
    readonly stage: StageName;
    readonly region: string;
    /** Where the region came from, for the synth log. */
    readonly regionSource: string;
    /** The tested images by digest, or undefined: build them from the Dockerfile. */
    readonly images?: { readonly server: ImageDigest; readonly authorizer: ImageDigest };
}

type Env = Readonly<Record<string, string | undefined>>;
type ContextReader = (key: string) => unknown;

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function nonEmpty(value: string | undefined): string | undefined {
    const trimmed = value?.trim();
    return trimmed ? trimmed : undefined;
}

export function resolveStage(env: Env): StageName {
    const stage = nonEmpty(env.STAGE) ?? DEFAULT_STAGE;
    if (!isStageName(stage)) {
        throw new Error(`STAGE="${stage}" is not a stage; use one of: ${STAGE_NAMES.join(', ')}`);
    }
    return stage;
}

export function resolveRegion(env: Env): { region: string; source: string } {
    const runByCdkCli = env.CDK_OUTDIR !== undefined;
    const candidates: [string, string | undefined][] = [
        ['REGION', env.REGION],
        ['AWS_REGION', env.AWS_REGION],
        ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION],
        ['CDK_DEFAULT_REGION', runByCdkCli ? undefined : env.CDK_DEFAULT_REGION],
    ];
    for (const [source, value] of candidates) {
        const region = nonEmpty(value);
        if (region === undefined) {
            continue;
        }
        if (!REGION_PATTERN.test(region)) {
            throw new Error(`${source}="${region}" is not an AWS region name (e.g. ${DEFAULT_REGION})`);
        }
        return { region, source };
    }
    return { region: DEFAULT_REGION, source: 'default' };
}

function contextString(context: ContextReader, key: string): string | undefined {
    const value = context(key);
    if (value === undefined || value === null) {
        return undefined;
    }
    return String(value);
}

const IMAGE_REFERENCE =
    /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(?:\.cn)?\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)@(sha256:[0-9a-f]{64})$/;

/** An ECR image reference by digest -> the repository's ARN and the digest; throws on anything else (a tag included). */
export function parseImageReference(name: string, value: string): ImageDigest {
    const m = IMAGE_REFERENCE.exec(value);
    if (!m) {
        throw new Error(
            `${name}="${value}" is not an ECR image by digest ` +
                '(<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64 hex>); tags are not deployed',
        );
    }
    const [, account, region, repository, digest] = m;
    const partition = value.includes('.amazonaws.com.cn/') ? 'aws-cn' : 'aws';
    return { repositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${repository}`, digest };
}

export function resolveImages(env: Env, context: ContextReader): AppSettings['images'] {
    const server = nonEmpty(contextString(context, 'serverImage')) ?? nonEmpty(env.MCP_SERVER_IMAGE);
    const authorizer = nonEmpty(contextString(context, 'authorizerImage')) ?? nonEmpty(env.MCP_AUTHORIZER_IMAGE);
    if (server === undefined && authorizer === undefined) {
        if (contextString(context, 'requireImages') === 'true') {
            throw new Error(
                'no images: set MCP_SERVER_IMAGE and MCP_AUTHORIZER_IMAGE to the ECR images by digest that CI built ' +
                    'and tested; a deploy never builds its own',
            );
        }
        return undefined;
    }
    if (server === undefined || authorizer === undefined) {
        throw new Error('set both MCP_SERVER_IMAGE and MCP_AUTHORIZER_IMAGE, or neither');
    }
    return {
        server: parseImageReference('MCP_SERVER_IMAGE', server),
        authorizer: parseImageReference('MCP_AUTHORIZER_IMAGE', authorizer),
    };
}

export function resolveAppSettings(env: Env, context: ContextReader): AppSettings {
    const stage = resolveStage(env);
    const { region, source } = resolveRegion(env);
    return { stage, region, regionSource: source, images: resolveImages(env, context) };
}
