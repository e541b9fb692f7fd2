// What the app is told from outside (environment variables and CDK context), resolved and validated in one place.
//
//   STAGE                    dev | qas | prod (default dev)
//   region                   first of: REGION; AWS_REGION; AWS_DEFAULT_REGION; CDK_DEFAULT_REGION only when the app
//                            is not run by the CDK CLI; else ap-southeast-2. Under the CLI, CDK_DEFAULT_REGION is
//                            always overwritten by the CLI: with AWS_REGION/AWS_DEFAULT_REGION (already taken
//                            above), a ~/.aws profile's region, or a silent us-east-1 when nothing is configured;
//                            those cannot be told apart, so a stage never lands in a region nobody chose.
//   token digests            context authTokenDigests (-c authTokenDigests=...), else MCP_AUTH_TOKEN_DIGESTS;
//                            label:sha256hex[,...], see auth-tokens.ts. Absent: a placeholder that admits nobody,
//                            unless context requireAuthTokenDigests=true (set by `npm run deploy`), which fails.
import { PLACEHOLDER_AUTH_TOKENS, formatAuthTokenDigests, parseAuthTokenDigests } from './auth-tokens';
import { STAGE_NAMES, StageName, isStageName } from './config';

export const DEFAULT_STAGE: StageName = 'dev';
export const DEFAULT_REGION = 'ap-southeast-2';

export interface AppSettings {
    readonly stage: StageName;
    readonly region: string;
    /** Where the region came from, for the synth log. */
    readonly regionSource: string;
    /** The validated MCP_AUTH_TOKENS value (digests only). */
    readonly authTokens: string;
    /** True when no digests were supplied and the placeholder is used. */
    readonly authTokensArePlaceholder: boolean;
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

export function resolveAuthTokens(env: Env, context: ContextReader): { value: string; placeholder: boolean } {
    const supplied = nonEmpty(contextString(context, 'authTokenDigests')) ?? nonEmpty(env.MCP_AUTH_TOKEN_DIGESTS);
    if (supplied !== undefined) {
        return { value: formatAuthTokenDigests(parseAuthTokenDigests(supplied)), placeholder: false };
    }
    if (contextString(context, 'requireAuthTokenDigests') === 'true') {
        throw new Error(
            'no auth token digests: set MCP_AUTH_TOKEN_DIGESTS (or -c authTokenDigests=...) to label:sha256hex[,...]; ' +
                'deploying without them would give an API that rejects every token',
        );
    }
    return { value: PLACEHOLDER_AUTH_TOKENS, placeholder: true };
}

export function resolveAppSettings(env: Env, context: ContextReader): AppSettings {
    const stage = resolveStage(env);
    const { region, source } = resolveRegion(env);
    const authTokens = resolveAuthTokens(env, context);
    return {
        stage,
        region,
        regionSource: source,
        authTokens: authTokens.value,
        authTokensArePlaceholder: authTokens.placeholder,
    };
}
