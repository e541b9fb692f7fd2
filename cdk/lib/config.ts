// Per-stage settings: one typed map, one entry per stage. Everything that differs between dev, qas and
// prod lives here; the constructs read nothing else.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGE_NAMES = ['dev', 'qas', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Lambda architecture; the container image is built for the matching Docker platform. */
export type Architecture = 'x86_64' | 'arm64';

/** Values of MCP_LOG_LEVEL the server and the authorizer understand. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * How much longer API Gateway waits than the function may run: a cold start's init does not count against the
 * function's timeout but does against API Gateway's, so the server's own "cut off before the deadline" answer
 * must have time to arrive before API Gateway gives up with a 504.
 */
export const INTEGRATION_MARGIN = Duration.seconds(2);
/** API Gateway's integration timeout without a quota increase (BUFFERED). */
export const BUFFERED_MAX_TIMEOUT = Duration.seconds(29);
/** The longest a streamed REST API response may last (STREAM). */
export const STREAMING_MAX_TIMEOUT = Duration.minutes(15);

export interface ServerSettings {
    readonly memoryMiB: number;
    /**
     * How long a request may take: the function's timeout, or with `taskTimeout` the time by which the server answers
     * every request (MCP_RESPONSE_TIMEOUT_MS). The integration timeout is INTEGRATION_MARGIN longer, so the
     * function's answer arrives first.
     */
    readonly timeout: Duration;
    /**
     * The function's timeout when it is longer than `timeout`: tasks (the MCP tasks extension) run on after their
     * CreateTaskResult went out, up to this, while every request is still answered by `timeout`. At most 15 minutes.
     * Absent: `timeout`.
     */
    readonly taskTimeout?: Duration;
    readonly logLevel: LogLevel;
    /** MCP_TOOLSETS, e.g. ['default']. */
    readonly toolsets: readonly string[];
    /** MCP_ALLOWED_ORIGINS entries; empty: the server's own default (local origins only). */
    readonly allowedOrigins: readonly string[];
}

export interface AuthorizerSettings {
    readonly memoryMiB: number;
    readonly timeout: Duration;
    readonly logLevel: LogLevel;
    /**
     * How long API Gateway caches an authorizer decision per token (0 disables; at most 1 hour). A token removed
     * from the digest list keeps working until its cached decision expires.
     */
    readonly cacheTtl: Duration;
}

export interface ThrottleSettings {
    /** Steady-state requests per second for the whole stage. */
    readonly rateLimit: number;
    /** Burst capacity for the whole stage. */
    readonly burstLimit: number;
}

export interface AlarmSettings {
    /** Length of one evaluated period. */
    readonly period: Duration;
    /** Periods looked at, and how many of them must breach. */
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    /** API Gateway 5XX responses per period on the stage. */
    readonly api5xxThreshold: number;
    /** Server function errors per period. */
    readonly serverErrorsThreshold: number;
    /**
     * Authorizer function errors per period. Every rejected token is reported by the authorizer as an
     * "Unauthorized" invocation error, so this is a flood detector, not a bug detector: crashes of the
     * authorizer show up as API 5XX (AUTHORIZER_FAILURE) instead.
     */
    readonly authorizerErrorsThreshold: number;
    /** Throttled invocations per period, either function. */
    readonly throttlesThreshold: number;
    /** API Gateway 4XX answers per period: a flood of refused or malformed requests. */
    readonly api4xxThreshold: number;
    /** p99 of API Gateway's Latency per period, in milliseconds. */
    readonly latencyP99Ms: number;
}

/** How CodeDeploy moves the live alias to a new version; the alarms roll it back. */
export type DeploymentStrategy = 'all-at-once' | 'canary-10-percent-5-minutes' | 'linear-10-percent-every-minute';

export interface ConcurrencySettings {
    /**
     * Reserved concurrency of each function: a ceiling (a flood cannot take the account's pool) and a floor (other
     * functions cannot starve this API). The account must keep at least 100 unreserved (a new account's quota
     * may be 10: ask for an increase first).
     */
    readonly server: number;
    readonly authorizer: number;
}

export interface ProtectionSettings {
    /** An AWS WAF web ACL on the stage: requests per 5 minutes from one IP before it is blocked (100..2e9). */
    readonly wafRateLimitPer5Minutes: number;
    /**
     * Per-client throttling: a usage plan keyed by the authorizer's identity (API key source AUTHORIZER). Each
     * client label gets an API key whose value is `mcp-<stage>-usage-<label>` (not a secret: it only picks the
     * client's budget); the authorizer returns it as usageIdentifierKey.
     */
    readonly perClient: { readonly rateLimit: number; readonly burstLimit: number; readonly quotaPerDay: number };
    /** The labels that get an API key in the plan (the CI label always does). A label without one is refused (403). */
    readonly clients: readonly string[];
}

export interface CustomDomainSettings {
    /** e.g. mcp.example.com; the DNS record (CNAME or alias to the CustomDomainTarget output) is managed outside. */
    readonly domainName: string;
    /** A validated ACM certificate for domainName in the stack's region (regional endpoint). */
    readonly certificateArn: string;
}

export interface FunctionUrlSettings {
    /**
     * Who may call the server through its Function URL (AuthType AWS_IAM): 12-digit account ids (any principal of
     * that account whose own IAM policy allows it) or IAM role or user ARNs. Each is granted lambda:InvokeFunctionUrl
     * and lambda:InvokeFunction (through the URL only).
     */
    readonly invokers: readonly string[];
}

/**
 * One OAuth authorization server whose JWT access tokens (RFC 9068) the authorizer accepts; the authorizer's
 * MCP_OAUTH_ISSUERS entry (docs/authorizer.md). Providers that differ are described here, not in code.
 */
export interface OAuthIssuerSettings {
    /** The exact "iss" of its tokens, an https URL (Okta: https://<org>.okta.com/oauth2/<server>; Entra ID: https://login.microsoftonline.com/<tenant>/v2.0). */
    readonly issuer: string;
    /** Accepted audiences; default: this stage's endpoint URL (stage included), the RFC 8707 resource. */
    readonly audiences?: readonly string[];
    /** Where the audience is: "aud" (default) or "client_id" (Cognito access tokens have no aud). */
    readonly audienceClaim?: 'aud' | 'client_id';
    /** Accepted "typ" header values; default ["at+jwt"]; null: not checked (Cognito sets none, Entra ID and Keycloak "JWT"). */
    readonly typ?: readonly string[] | null;
    /** Scopes every token must carry; default: the stage's oauth.scopes. */
    readonly scopes?: readonly string[];
    /** Claims that must have exactly these string values, e.g. { token_use: 'access' } for Cognito. */
    readonly claims?: Readonly<Record<string, string>>;
    /** Allowed algorithms; default every RS, PS and ES size. */
    readonly algorithms?: readonly string[];
    /** The metadata document's URL when it is not at the issuer's well-known location. */
    readonly metadata?: string;
    /** The JWKS URL, skipping discovery. */
    readonly jwksUri?: string;
}

/** A Cognito user pool made by the stack, for teams without an identity provider (cdk/lib/oauth.ts). */
export interface CognitoSettings {
    /** The hosted domain's prefix (<prefix>.auth.<region>.amazoncognito.com), unique in the region; the account id is appended. */
    readonly domainPrefix: string;
    /** The resource server's identifier: Cognito names its scopes "<identifier>/<scope>". */
    readonly resourceServerIdentifier: string;
}

/** The stage as an OAuth 2.1 resource server (MCP authorization; RFC 9728, RFC 8707, RFC 9068). */
export interface OAuthSettings {
    /**
     * The scopes a token needs: required of every issuer's tokens unless it says otherwise, and announced in the
     * metadata (scopes_supported) and in the 401 and 403 challenges.
     */
    readonly scopes: readonly string[];
    /** Identity providers whose access tokens are accepted (several at once); may be empty with cognito. */
    readonly issuers: readonly OAuthIssuerSettings[];
    /** Also make a Cognito user pool, with a resource server for the scopes and a machine-to-machine app client. */
    readonly cognito?: CognitoSettings;
}

/**
 * Sessions for 2025-era clients (Mcp-Session-Id) and state handles for 2026-07-28 ones, kept in a DynamoDB table of
 * the stage (cdk/lib/state-table.ts; the server's --sessions dynamodb). Needed by the `session` tool set.
 */
export interface SessionSettings {
    /** A session ends this long after its last request (whole seconds, at least 1). */
    readonly idleTimeout: Duration;
    /** ... and this long after it began, however busy (at most 30 days). */
    readonly maxLifetime: Duration;
    /**
     * Continuous backups of the table. Sessions live hours at most, so a restore could bring back nothing useful: it
     * earns its cost only where a handle's state outlives its request by long enough to matter (long maxLifetime).
     */
    readonly pointInTimeRecovery: boolean;
}

/**
 * Registered tools (docs/registered-tools.md): Lambda functions served as MCP tools, their records in a DynamoDB table
 * of the stage, registered at run time through the admin API (mcp-admin behind a Function URL with AWS_IAM).
 */
export interface RegisteredToolsSettings {
    /**
     * The allow-list: tools may only name functions of this account and region whose names start with this prefix.
     * The server's role may invoke exactly those (never "*"); the admin API refuses any other ARN.
     */
    readonly functionNamePrefix: string;
    /** How often an instance reads the registry (whole seconds, 1 to 3600); 2026-07-28's tools/list ttlMs agrees. */
    readonly refresh: Duration;
    /**
     * Who may call the admin API (IAM role or user ARNs): a different principal from the tool callers. Each is granted
     * lambda:InvokeFunctionUrl and lambda:InvokeFunction (through the URL only) on the admin function.
     */
    readonly adminPrincipals: readonly string[];
    /**
     * Registrations declared here (infrastructure as code): the deploy writes them into the registry table (a custom
     * resource, cdk/lib/registry-writer/) and grants the server lambda:InvokeFunction on exactly their functions,
     * whether or not they match the prefix. Removed from here, they are removed from the table.
     */
    readonly declared?: readonly DeclaredTool[];
    /** Resources declared the same way (records of kind "resource": the item resource#<name>). */
    readonly declaredResources?: readonly DeclaredResource[];
    /** Prompts declared the same way (records of kind "prompt": the item prompt#<name>). */
    readonly declaredPrompts?: readonly DeclaredPrompt[];
    /**
     * Deploys the example functions with the stage and declares their registrations: examples/tools/ (Python:
     * word_count; Node.js: greet and add), examples/resources/node (docs://handbook/onboarding, orders://{id}) and
     * examples/prompts/python (code_review, summarise); a declaration may also name them (appFunction).
     */
    readonly examples?: boolean;
}

/** Functions the app itself deploys that a declaration may name (appFunction); examples: true deploys them. */
export const APP_FUNCTIONS = [
    'example-python',
    'example-node',
    'example-node-resources',
    'example-python-prompts',
] as const;
export type AppFunctionName = (typeof APP_FUNCTIONS)[number];

/**
 * The tools of examples/tools/ (python/handler.py, node/index.mjs), declared on stages with registeredTools.examples:
 * the records examples/tools/run-local.mjs registers locally, naming the functions the app deploys.
 */
export const EXAMPLE_TOOLS: readonly DeclaredTool[] = [
    {
        name: 'word_count',
        title: 'Word count',
        description: 'Counts the words and characters of a text (Python).',
        inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
        outputSchema: {
            type: 'object',
            properties: { words: { type: 'integer' }, characters: { type: 'integer' } },
            required: ['words', 'characters'],
        },
        annotations: { readOnlyHint: true },
        appFunction: 'example-python',
        target: 'python-tools',
    },
    {
        name: 'greet',
        description: 'Greets someone by name (Node.js).',
        inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        appFunction: 'example-node',
        target: 'node-tools',
    },
    {
        name: 'add',
        description: 'Adds two numbers (Node.js).',
        inputSchema: {
            type: 'object',
            properties: { a: { type: 'number' }, b: { type: 'number' } },
            required: ['a', 'b'],
        },
        appFunction: 'example-node',
        target: 'node-tools',
    },
];

/**
 * The resources of examples/resources/node (index.mjs) and the prompts of examples/prompts/python (handler.py),
 * declared on stages with registeredTools.examples: run-local.mjs's records too.
 */
export const EXAMPLE_RESOURCES: readonly DeclaredResource[] = [
    {
        name: 'handbook',
        uri: 'docs://handbook/onboarding',
        title: 'Onboarding handbook',
        mimeType: 'text/markdown',
        appFunction: 'example-node-resources',
    },
    {
        name: 'order',
        uriTemplate: 'orders://{id}',
        description: 'An order by its id (Node.js).',
        mimeType: 'application/json',
        appFunction: 'example-node-resources',
    },
];
export const EXAMPLE_PROMPTS: readonly DeclaredPrompt[] = [
    {
        name: 'code_review',
        description: 'Asks for a review of a piece of code (Python).',
        arguments: [
            { name: 'code', description: 'The code to review.', required: true },
            { name: 'language', description: 'Its language.' },
        ],
        appFunction: 'example-python-prompts',
    },
    {
        name: 'summarise',
        description: 'Asks for a summary of a text (Python).',
        arguments: [{ name: 'text', required: true }, { name: 'words' }],
        appFunction: 'example-python-prompts',
    },
];

/** Every registration a stage declares: the examples' (with registeredTools.examples), then its own. */
export function declaredTools(settings: RegisteredToolsSettings): readonly DeclaredTool[] {
    return [...(settings.examples ? EXAMPLE_TOOLS : []), ...(settings.declared ?? [])];
}
export function declaredResources(settings: RegisteredToolsSettings): readonly DeclaredResource[] {
    return [...(settings.examples ? EXAMPLE_RESOURCES : []), ...(settings.declaredResources ?? [])];
}
export function declaredPrompts(settings: RegisteredToolsSettings): readonly DeclaredPrompt[] {
    return [...(settings.examples ? EXAMPLE_PROMPTS : []), ...(settings.declaredPrompts ?? [])];
}

/** What a declaration of every kind has: the function that answers, how long to wait for it, its AgentCore target. */
export interface DeclaredFunction {
    /** How long the server waits for the function (the record's timeoutMs; 1 ms to 15 minutes; default 30 s). */
    readonly timeout?: Duration;
    /** The function: its full, unqualified ARN (arn:aws:lambda:<region>:<account>:function:<name>) ... */
    readonly lambdaArn?: string;
    /** ... or one the app deploys (exactly one of the two). */
    readonly appFunction?: AppFunctionName;
    /** A version or alias of the function; the grant covers that qualified ARN too. */
    readonly qualifier?: string;
    /** The AgentCore target name, the part of bedrockAgentCoreToolName before "___" (default mcp). */
    readonly target?: string;
}

/**
 * One resource registration (docs/registered-tools.md): a fixed uri or an RFC 6570 level-1 uriTemplate, exactly one;
 * neither may name a built-in resource's URI (the server would refuse the record).
 */
export interface DeclaredResource extends DeclaredFunction {
    /** 1-128 of A-Z a-z 0-9 _ . - (the item is resource#<name>). */
    readonly name: string;
    /** An absolute URI (a scheme, ':', no spaces, no '{') ... */
    readonly uri?: string;
    /** ... or a template of 1-8 {variables} (A-Z a-z 0-9 _ names, never two adjacent). */
    readonly uriTemplate?: string;
    readonly title?: string;
    readonly description?: string;
    readonly mimeType?: string;
    readonly annotations?: Readonly<Record<string, unknown>>;
}

/** One argument of a prompt, as prompts/list shows it. */
export interface DeclaredPromptArgument {
    readonly name: string;
    readonly description?: string;
    readonly required?: boolean;
}

/** One prompt registration (docs/registered-tools.md); never a built-in prompt's name. */
export interface DeclaredPrompt extends DeclaredFunction {
    /** 1-128 of A-Z a-z 0-9 _ . - (the item is prompt#<name>). */
    readonly name: string;
    readonly title?: string;
    readonly description: string;
    /** At most 32, names unique. */
    readonly arguments?: readonly DeclaredPromptArgument[];
}

/**
 * One tool registration, the record of docs/registered-tools.md without its audit fields: the deploy adds those
 * (createdBy and updatedBy are the stack's ARN, which marks the record as declared).
 */
export interface DeclaredTool extends DeclaredFunction {
    /** 1-128 of A-Z a-z 0-9 _ . -; never a built-in tool's name (the server would refuse the record). */
    readonly name: string;
    readonly title?: string;
    readonly description: string;
    /** A JSON Schema object of type "object" the server's validator implements (server/core/schema.h). */
    readonly inputSchema: Readonly<Record<string, unknown>>;
    readonly outputSchema?: Readonly<Record<string, unknown>>;
    readonly annotations?: Readonly<Record<string, unknown>>;
    /** 2026-07-28's Tool.execution: whether a client may (optional) or must (required) run the tool as a task. */
    readonly execution?: { readonly taskSupport: 'forbidden' | 'optional' | 'required' };
}

export interface StageConfig {
    readonly stage: StageName;
    readonly architecture: Architecture;
    readonly server: ServerSettings;
    readonly authorizer: AuthorizerSettings;
    /**
     * Response streaming on the server's integrations (API Gateway STREAM mode, the server's
     * MCP_LAMBDA_RESPONSE_MODE=streaming, and the DynamoDB table for pending client answers).
     */
    readonly streaming: boolean;
    readonly throttling: ThrottleSettings;
    /** Retention of every log group of the stage (both functions, API access and execution logs). */
    readonly logRetention: RetentionDays;
    readonly alarms: AlarmSettings;
    readonly customDomain?: CustomDomainSettings;
    /**
     * The server also behind a Lambda Function URL with AuthType AWS_IAM (for callers on AWS: agents, services,
     * AgentCore Gateway); its invoke mode is RESPONSE_STREAM when `streaming`, else BUFFERED. Absent: no URL.
     */
    readonly functionUrl?: FunctionUrlSettings;
    /** The bearer-token REST API and its authorizer (default true); false leaves the Function URL as the only way in. */
    readonly restApi?: boolean;
    /** OAuth access tokens beside the static bearer tokens; absent: static tokens (and no authorization servers) only. */
    readonly oauth?: OAuthSettings;
    /** Sessions and state handles; absent: the server is stateless (no table, the `session` tool set unusable). */
    readonly sessions?: SessionSettings;
    /** Lambda functions registered as tools, and the admin API that registers them; absent: none. */
    readonly registeredTools?: RegisteredToolsSettings;
    /**
     * What happens to the stage's log groups, table and secrets when the stack is deleted. RETAIN_ON_UPDATE_OR_DELETE
     * (CloudFormation's RetainExceptOnCreate) keeps data but still lets a failed first create roll back cleanly.
     */
    readonly removalPolicy: RemovalPolicy;
    /** CloudFormation termination protection on the stage's stack. */
    readonly terminationProtection: boolean;
    readonly deployment: DeploymentStrategy;
    readonly reservedConcurrency: ConcurrencySettings;
    /** WAF and per-client usage plans; absent: stage throttling and the authorizer only. */
    readonly protection?: ProtectionSettings;
    /** How often (seconds) the functions re-read their secrets: a token added or revoked takes effect within it. */
    readonly secretsRefreshSeconds: number;
}

const authorizerDefaults: Omit<AuthorizerSettings, 'logLevel'> = {
    memoryMiB: 128,
    timeout: Duration.seconds(5),
    cacheTtl: Duration.minutes(5),
};

export const STAGES: Readonly<Record<StageName, StageConfig>> = {
    dev: {
        stage: 'dev',
        architecture: 'x86_64',
        server: {
            memoryMiB: 256,
            timeout: Duration.seconds(298),
            logLevel: 'debug',
            toolsets: ['default'],
            allowedOrigins: [],
        },
        authorizer: { ...authorizerDefaults, logLevel: 'debug' },
        streaming: true,
        throttling: { rateLimit: 10, burstLimit: 20 },
        logRetention: RetentionDays.ONE_WEEK,
        alarms: {
            period: Duration.minutes(5),
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            api5xxThreshold: 5,
            serverErrorsThreshold: 5,
            authorizerErrorsThreshold: 100,
            throttlesThreshold: 5,
            api4xxThreshold: 200,
            latencyP99Ms: 10_000,
        },
        removalPolicy: RemovalPolicy.DESTROY,
        terminationProtection: false,
        deployment: 'all-at-once',
        reservedConcurrency: { server: 10, authorizer: 5 },
        secretsRefreshSeconds: 60,
    },
    qas: {
        stage: 'qas',
        architecture: 'x86_64',
        server: {
            memoryMiB: 512,
            timeout: Duration.seconds(27),
            // tasks run on after their CreateTaskResult, to 5 minutes; every request is still answered by 27 s
            taskTimeout: Duration.minutes(5),
            logLevel: 'info',
            toolsets: ['default'],
            allowedOrigins: [],
        },
        authorizer: { ...authorizerDefaults, logLevel: 'info' },
        streaming: false,
        throttling: { rateLimit: 20, burstLimit: 40 },
        logRetention: RetentionDays.TWO_WEEKS,
        alarms: {
            period: Duration.minutes(5),
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            api5xxThreshold: 5,
            serverErrorsThreshold: 5,
            authorizerErrorsThreshold: 200,
            throttlesThreshold: 5,
            api4xxThreshold: 400,
            latencyP99Ms: 5_000,
        },
        removalPolicy: RemovalPolicy.DESTROY,
        terminationProtection: false,
        deployment: 'canary-10-percent-5-minutes',
        reservedConcurrency: { server: 20, authorizer: 10 },
        secretsRefreshSeconds: 60,
    },
    prod: {
        stage: 'prod',
        architecture: 'x86_64',
        server: {
            memoryMiB: 512,
            timeout: Duration.seconds(27),
            // tasks run on after their CreateTaskResult, to 5 minutes; every request is still answered by 27 s
            taskTimeout: Duration.minutes(5),
            logLevel: 'info',
            toolsets: ['default'],
            allowedOrigins: [],
        },
        authorizer: { ...authorizerDefaults, logLevel: 'info' },
        streaming: false,
        throttling: { rateLimit: 100, burstLimit: 200 },
        logRetention: RetentionDays.THREE_MONTHS,
        alarms: {
            period: Duration.minutes(1),
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            api5xxThreshold: 1,
            serverErrorsThreshold: 1,
            authorizerErrorsThreshold: 500,
            throttlesThreshold: 1,
            api4xxThreshold: 1000,
            latencyP99Ms: 5_000,
        },
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        terminationProtection: true,
        deployment: 'canary-10-percent-5-minutes',
        reservedConcurrency: { server: 100, authorizer: 50 },
        protection: {
            wafRateLimitPer5Minutes: 2000,
            perClient: { rateLimit: 20, burstLimit: 40, quotaPerDay: 200_000 },
            clients: [],
        },
        secretsRefreshSeconds: 60,
    },
};

/**
 * The usage-plan label every JWT client shares (protection): OAuth clients are not known in advance, so the
 * authorizer answers `mcp-<stage>-usage-jwt-clients` for any JWT (AUTHZ_JWT_USAGE_LABEL in authorizer/authz.h).
 */
export const JWT_USAGE_LABEL = 'jwt-clients';

/** The label of the deploy pipeline's own token in a stage's digest list (never a client's). */
export function ciTokenLabel(stage: StageName): string {
    return `ci-github-${stage}`;
}

/** The integration timeout of the server's routes: a request's time (`server.timeout`) plus INTEGRATION_MARGIN. */
export function integrationTimeout(config: StageConfig): Duration {
    return Duration.seconds(config.server.timeout.toSeconds() + INTEGRATION_MARGIN.toSeconds());
}

/** The server function's timeout: `server.taskTimeout` when given (tasks run on after the response), else `server.timeout`. */
export function serverFunctionTimeout(config: StageConfig): Duration {
    return config.server.taskTimeout ?? config.server.timeout;
}

export function isStageName(value: string): value is StageName {
    return (STAGE_NAMES as readonly string[]).includes(value);
}

/** Checks the limits API Gateway and Lambda impose; returns every problem found, empty when the config is usable. */
export function configProblems(config: StageConfig): string[] {
    const problems: string[] = [];
    const where = `stage ${config.stage}`;
    const serverTimeoutMax =
        (config.streaming ? STREAMING_MAX_TIMEOUT : BUFFERED_MAX_TIMEOUT).toSeconds() - INTEGRATION_MARGIN.toSeconds();
    const seconds = config.server.timeout.toSeconds();
    if (seconds < 1 || seconds > serverTimeoutMax) {
        problems.push(
            `${where}: server timeout ${seconds} s must be 1..${serverTimeoutMax} s ` +
                `(${config.streaming ? 'streaming' : 'buffered'} integrations end ${INTEGRATION_MARGIN.toSeconds()} s later, at their limit)`,
        );
    }
    if (config.server.taskTimeout !== undefined) {
        const task = config.server.taskTimeout.toSeconds();
        if (!Number.isInteger(task) || task < seconds || task > STREAMING_MAX_TIMEOUT.toSeconds()) {
            problems.push(
                `${where}: server taskTimeout ${task} s must be whole seconds from the server timeout (${seconds} s) ` +
                    `to ${STREAMING_MAX_TIMEOUT.toSeconds()} s (Lambda's longest)`,
            );
        }
    }
    for (const [name, n] of Object.entries(config.reservedConcurrency)) {
        if (!Number.isInteger(n) || n < 1 || n > 1000) {
            problems.push(`${where}: reserved concurrency of the ${name} must be an integer in 1..1000`);
        }
    }
    if (config.secretsRefreshSeconds < 1 || config.secretsRefreshSeconds > 86400) {
        problems.push(`${where}: secretsRefreshSeconds must be 1..86400`);
    }
    if (config.protection) {
        const p = config.protection;
        if (p.wafRateLimitPer5Minutes < 100)
            problems.push(`${where}: the WAF rate limit must be at least 100 per 5 minutes`);
        if (p.perClient.rateLimit <= 0 || p.perClient.burstLimit <= 0 || p.perClient.quotaPerDay <= 0) {
            problems.push(`${where}: per-client rate, burst and quota must be positive`);
        }
        for (const label of p.clients) {
            if (!/^[A-Za-z0-9._-]{1,64}$/.test(label))
                problems.push(`${where}: client label "${label}" is not a token label`);
            if (label === JWT_USAGE_LABEL)
                problems.push(`${where}: client label "${label}" is reserved for the key JWT clients share`);
        }
        if (config.restApi === false) {
            problems.push(`${where}: WAF and usage plans protect the REST API, which is turned off`);
        }
    }
    if (config.stage === 'prod' && config.removalPolicy !== RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE) {
        problems.push(
            `${where}: prod keeps its data with RETAIN_ON_UPDATE_OR_DELETE (plain RETAIN blocks re-creating the stack)`,
        );
    }
    for (const [name, memory] of [
        ['server', config.server.memoryMiB],
        ['authorizer', config.authorizer.memoryMiB],
    ] as const) {
        if (!Number.isInteger(memory) || memory < 128 || memory > 10240) {
            problems.push(`${where}: ${name} memory ${memory} MiB must be an integer in 128..10240`);
        }
    }
    const authorizerSeconds = config.authorizer.timeout.toSeconds();
    if (authorizerSeconds < 1 || authorizerSeconds > 29) {
        problems.push(`${where}: authorizer timeout ${authorizerSeconds} s must be 1..29 s`);
    }
    const ttl = config.authorizer.cacheTtl.toSeconds();
    if (ttl < 0 || ttl > 3600) {
        problems.push(`${where}: authorizer cache TTL ${ttl} s must be 0..3600 s`);
    }
    if (config.throttling.rateLimit <= 0 || config.throttling.burstLimit <= 0) {
        problems.push(`${where}: throttling rate and burst must be positive`);
    }
    if (config.alarms.datapointsToAlarm < 1 || config.alarms.datapointsToAlarm > config.alarms.evaluationPeriods) {
        problems.push(`${where}: alarms need 1 <= datapointsToAlarm <= evaluationPeriods`);
    }
    if (config.server.toolsets.length === 0) {
        problems.push(`${where}: at least one tool set must be enabled`);
    }
    if (config.server.toolsets.includes('session') && !config.sessions) {
        problems.push(`${where}: the session tool set keeps state, which needs sessions (set sessions)`);
    }
    if (config.sessions) {
        const idle = config.sessions.idleTimeout.toSeconds();
        const max = config.sessions.maxLifetime.toSeconds();
        if (!Number.isInteger(idle) || idle < 1 || idle > max || max > 30 * 86400) {
            problems.push(`${where}: sessions need whole seconds with 1 <= idleTimeout <= maxLifetime <= 30 days`);
        }
    }
    for (const origin of config.server.allowedOrigins) {
        if (!/^https?:\/\/[^\s,/]+$/.test(origin)) {
            problems.push(`${where}: allowed origin "${origin}" must be scheme://host[:port]`);
        }
    }
    if (config.functionUrl) {
        if (config.functionUrl.invokers.length === 0) {
            problems.push(
                `${where}: the Function URL needs at least one invoker (an account id or an IAM role or user ARN)`,
            );
        }
        for (const invoker of config.functionUrl.invokers) {
            if (!/^\d{12}$/.test(invoker) && !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(invoker)) {
                problems.push(
                    `${where}: Function URL invoker "${invoker}" must be an account id or an IAM role or user ARN`,
                );
            }
        }
    }
    if (config.registeredTools) {
        const t = config.registeredTools;
        if (!/^[A-Za-z0-9_-]{1,60}$/.test(t.functionNamePrefix)) {
            problems.push(
                `${where}: registeredTools.functionNamePrefix must be 1-60 of A-Z a-z 0-9 _ - (never empty: no "*" grant)`,
            );
        }
        const refresh = t.refresh.toSeconds();
        if (!Number.isInteger(refresh) || refresh < 1 || refresh > 3600) {
            problems.push(`${where}: registeredTools.refresh must be whole seconds from 1 to 3600`);
        }
        if (t.adminPrincipals.length === 0) {
            problems.push(`${where}: registeredTools needs at least one admin principal (an IAM role or user ARN)`);
        }
        for (const p of t.adminPrincipals) {
            if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(p)) {
                problems.push(`${where}: admin principal "${p}" must be an IAM role or user ARN`);
            }
        }
        problems.push(...declaredToolProblems(`${where}: registeredTools`, declaredTools(t), t.examples === true));
        problems.push(
            ...declaredResourceProblems(
                `${where}: registeredTools.declaredResources`,
                declaredResources(t),
                t.examples === true,
            ),
            ...declaredPromptProblems(
                `${where}: registeredTools.declaredPrompts`,
                declaredPrompts(t),
                t.examples === true,
            ),
        );
    }
    if (config.restApi === false && !config.functionUrl) {
        problems.push(`${where}: without the REST API, a Function URL is needed: the stage would have no way in`);
    }
    if (config.restApi === false && config.oauth) {
        problems.push(`${where}: OAuth tokens are checked by the REST API's authorizer, which is turned off`);
    }
    if (config.restApi === false && config.customDomain) {
        problems.push(`${where}: the custom domain belongs to the REST API, which is turned off`);
    }
    problems.push(...oauthProblems(config));
    if (
        config.customDomain &&
        !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(config.customDomain.domainName)
    ) {
        problems.push(`${where}: custom domain "${config.customDomain.domainName}" is not a lower-case DNS name`);
    }
    return problems;
}

/** Characters a value must not have to sit in the metadata's mapping template (VTL) or a quoted challenge header. */
const TEMPLATE_UNSAFE = /[$#\\"'\s]/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

function oauthProblems(config: StageConfig): string[] {
    const oauth = config.oauth;
    if (oauth === undefined) {
        return [];
    }
    const where = `stage ${config.stage}: oauth`;
    const problems: string[] = [];
    const issuerCount = oauth.issuers.length + (oauth.cognito ? 1 : 0);
    if (issuerCount === 0) {
        problems.push(`${where}: no issuers and no cognito: leave oauth out instead`);
    }
    if (issuerCount > 8) {
        problems.push(`${where}: at most 8 issuers (the authorizer's limit), cognito included`);
    }
    for (const scope of oauth.scopes) {
        if (!SCOPE_TOKEN.test(scope) || TEMPLATE_UNSAFE.test(scope) || scope.length > 128) {
            problems.push(
                `${where}: scope "${scope}" must be 1-128 printable characters without spaces, quotes, $, # or \\`,
            );
        }
    }
    const seen = new Set<string>();
    oauth.issuers.forEach((issuer, index) => {
        const at = `${where}.issuers[${index}]`;
        for (const [name, url] of [
            ['issuer', issuer.issuer],
            ['metadata', issuer.metadata],
            ['jwksUri', issuer.jwksUri],
        ] as const) {
            if (url !== undefined && (!/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(url) || TEMPLATE_UNSAFE.test(url))) {
                problems.push(`${at}: ${name} "${url}" must be an https URL without query, fragment, quotes, $ or #`);
            }
        }
        if (seen.has(issuer.issuer)) {
            problems.push(`${at}: issuer "${issuer.issuer}" is listed twice`);
        }
        seen.add(issuer.issuer);
        for (const algorithm of issuer.algorithms ?? []) {
            if (!ALGORITHMS.includes(algorithm)) {
                problems.push(`${at}: algorithm "${algorithm}" is not one of ${ALGORITHMS.join(' ')}`);
            }
        }
        if (issuer.audienceClaim === 'client_id' && (issuer.audiences ?? []).length === 0) {
            problems.push(`${at}: audienceClaim client_id needs the accepted client ids in audiences`);
        }
        for (const scope of issuer.scopes ?? []) {
            if (!SCOPE_TOKEN.test(scope)) {
                problems.push(`${at}: scope "${scope}" is not a scope token`);
            }
        }
    });
    if (oauth.cognito) {
        const prefix = oauth.cognito.domainPrefix;
        if (!/^[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
            problems.push(
                `${where}.cognito: domainPrefix "${prefix}" must be 1-42 lower-case letters, digits and hyphens, ` +
                    'without aws, amazon or cognito (the account id is appended)',
            );
        }
        if (!/^[A-Za-z0-9._~:-]{1,200}$/.test(oauth.cognito.resourceServerIdentifier)) {
            problems.push(`${where}.cognito: resourceServerIdentifier must be 1-200 of A-Z a-z 0-9 . _ ~ : -`);
        }
        const prefixOf = `${oauth.cognito.resourceServerIdentifier}/`;
        if (oauth.scopes.length === 0 || !oauth.scopes.every((s) => s.startsWith(prefixOf))) {
            problems.push(`${where}.cognito: the scopes must be Cognito's "${prefixOf}<name>" (Cognito names them so)`);
        }
    }
    return problems;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;
const QUALIFIER = /^[A-Za-z0-9$_-]{1,128}$/;
const TARGET = /^[A-Za-z0-9-]{1,100}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the server and the admin API would refuse in a declared registration, found at synth time instead. */
export function declaredToolProblems(where: string, declared: readonly DeclaredTool[], examples: boolean): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    declared.forEach((tool, index) => {
        const at = `${where}[${index}]${typeof tool.name === 'string' ? ` (${tool.name})` : ''}`;
        if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
            problems.push(`${at}: name must be 1-128 of A-Z a-z 0-9 _ . -`);
        } else if (seen.has(tool.name)) {
            problems.push(`${at}: the name is declared twice`);
        }
        seen.add(tool.name);
        if (tool.title !== undefined && typeof tool.title !== 'string') problems.push(`${at}: title must be a string`);
        if (typeof tool.description !== 'string' || tool.description.trim() === '') {
            problems.push(`${at}: description is required (a non-empty string)`);
        }
        for (const [field, schema, required] of [
            ['inputSchema', tool.inputSchema, true],
            ['outputSchema', tool.outputSchema, false],
        ] as const) {
            if (schema === undefined && !required) continue;
            if (!isObject(schema) || schema.type !== 'object') {
                problems.push(`${at}: ${field} must be a JSON Schema object of type "object"`);
            }
        }
        if (tool.annotations !== undefined && !isObject(tool.annotations)) {
            problems.push(`${at}: annotations must be an object`);
        }
        if (
            tool.execution !== undefined &&
            (!isObject(tool.execution) ||
                Object.keys(tool.execution).join() !== 'taskSupport' ||
                !['forbidden', 'optional', 'required'].includes(tool.execution.taskSupport))
        ) {
            problems.push(`${at}: execution must be { taskSupport: 'forbidden' | 'optional' | 'required' }`);
        }
        problems.push(...functionProblems(at, tool, examples));
    });
    return problems;
}

/** The function fields every kind has (timeoutMs, lambdaArn or appFunction, qualifier, target), as the server checks them. */
function functionProblems(at: string, decl: DeclaredFunction, examples: boolean): string[] {
    const problems: string[] = [];
    if (decl.timeout !== undefined) {
        const ms = decl.timeout.toMilliseconds();
        if (!Number.isInteger(ms) || ms < 1 || ms > 900_000) {
            problems.push(`${at}: timeout must be whole milliseconds from 1 ms to 15 minutes`);
        }
    }
    if ((decl.lambdaArn === undefined) === (decl.appFunction === undefined)) {
        problems.push(`${at}: name its function with exactly one of lambdaArn and appFunction`);
    } else if (decl.lambdaArn !== undefined && !FUNCTION_ARN.test(decl.lambdaArn)) {
        problems.push(
            `${at}: lambdaArn "${decl.lambdaArn}" must be a full, unqualified function ARN ` +
                '(arn:aws:lambda:<region>:<account>:function:<name>; a version or alias goes in qualifier)',
        );
    } else if (decl.appFunction !== undefined) {
        if (!(APP_FUNCTIONS as readonly string[]).includes(decl.appFunction)) {
            problems.push(`${at}: appFunction "${decl.appFunction}" is not one of ${APP_FUNCTIONS.join(', ')}`);
        } else if (!examples) {
            problems.push(`${at}: appFunction "${decl.appFunction}" is deployed only with registeredTools.examples`);
        }
    }
    if (decl.qualifier !== undefined && !QUALIFIER.test(decl.qualifier)) {
        problems.push(`${at}: qualifier must be a version or alias name (1-128 of A-Z a-z 0-9 $ _ -)`);
    }
    if (decl.target !== undefined && !TARGET.test(decl.target)) {
        problems.push(`${at}: target must be 1-100 of A-Z a-z 0-9 -`);
    }
    return problems;
}

/** A URI as the server takes one (resources_valid_uri): a letter, then A-Z a-z 0-9 + . -, ':', nothing <= ' ' or DEL. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20\x7f]*$/;
const MAX_TEMPLATE_VARIABLES = 8;

/** An RFC 6570 level-1 template as the server takes one (remote_tools.c valid_template). */
export function validUriTemplate(t: string): boolean {
    if (t.length > 1024 || !URI.test(t)) return false;
    let vars = 0;
    for (let i = 0; i < t.length; i++) {
        if (t[i] === '}') return false;
        if (t[i] !== '{') continue;
        const m = /^[A-Za-z0-9_]+/.exec(t.slice(i + 1));
        const len = m ? m[0].length : 0;
        if (len === 0 || t[i + 1 + len] !== '}' || t[i + 2 + len] === '{' || ++vars > MAX_TEMPLATE_VARIABLES)
            return false;
        i += 1 + len;
    }
    return vars !== 0;
}

const textProblems = (
    at: string,
    decl: { title?: unknown; description?: unknown; annotations?: unknown },
    descriptionRequired: boolean,
) => {
    const problems: string[] = [];
    if (decl.title !== undefined && typeof decl.title !== 'string') problems.push(`${at}: title must be a string`);
    if (
        (decl.description !== undefined || descriptionRequired) &&
        (typeof decl.description !== 'string' || decl.description.trim() === '')
    ) {
        problems.push(
            `${at}: description ${descriptionRequired ? 'is required (a non-empty string)' : 'must be a non-empty string'}`,
        );
    }
    if (decl.annotations !== undefined && !isObject(decl.annotations))
        problems.push(`${at}: annotations must be an object`);
    return problems;
};

/** Names: the pattern, and once per kind. */
function nameProblems(at: string, name: unknown, seen: Set<string>): string[] {
    const problems: string[] = [];
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
        problems.push(`${at}: name must be 1-128 of A-Z a-z 0-9 _ . -`);
    } else if (seen.has(name)) {
        problems.push(`${at}: the name is declared twice`);
    }
    seen.add(name as string);
    return problems;
}

/** What the server and the admin API would refuse in a declared resource (remote_tools.c check_resource). */
export function declaredResourceProblems(
    where: string,
    declared: readonly DeclaredResource[],
    examples: boolean,
): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    const uris = new Map<string, string>();
    declared.forEach((r, index) => {
        const at = `${where}[${index}]${typeof r.name === 'string' ? ` (${r.name})` : ''}`;
        problems.push(...nameProblems(at, r.name, seen));
        // the server serves the first record of a URI or template: a second would never answer
        const address = r.uri !== undefined ? `uri "${r.uri}"` : `uriTemplate "${r.uriTemplate}"`;
        const oneAddress = (r.uri === undefined) !== (r.uriTemplate === undefined); // else reported below
        if (oneAddress && uris.has(address)) problems.push(`${at}: ${address} is ${uris.get(address)}'s already`);
        if (oneAddress && !uris.has(address)) uris.set(address, String(r.name));
        problems.push(...textProblems(at, r, false));
        if (
            r.mimeType !== undefined &&
            (typeof r.mimeType !== 'string' || r.mimeType.length === 0 || r.mimeType.length > 255)
        ) {
            problems.push(`${at}: mimeType must be a MIME type (1-255 characters)`);
        }
        if ((r.uri === undefined) === (r.uriTemplate === undefined)) {
            problems.push(`${at}: a resource has exactly one of uri and uriTemplate`);
        } else if (
            r.uri !== undefined &&
            (typeof r.uri !== 'string' || r.uri.length > 1024 || !URI.test(r.uri) || r.uri.includes('{'))
        ) {
            problems.push(
                `${at}: uri "${r.uri}" must be an absolute URI (a scheme, ':', no spaces; no '{': that is a uriTemplate)`,
            );
        } else if (
            r.uriTemplate !== undefined &&
            (typeof r.uriTemplate !== 'string' || !validUriTemplate(r.uriTemplate))
        ) {
            problems.push(
                `${at}: uriTemplate "${r.uriTemplate}" must be an absolute URI with 1-8 {variables} ` +
                    '(RFC 6570 level 1: A-Z a-z 0-9 _ names, never two adjacent)',
            );
        }
        problems.push(...functionProblems(at, r, examples));
    });
    return problems;
}

/** What the server and the admin API would refuse in a declared prompt (remote_tools.c check_prompt). */
export function declaredPromptProblems(
    where: string,
    declared: readonly DeclaredPrompt[],
    examples: boolean,
): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    declared.forEach((p, index) => {
        const at = `${where}[${index}]${typeof p.name === 'string' ? ` (${p.name})` : ''}`;
        problems.push(...nameProblems(at, p.name, seen));
        problems.push(...textProblems(at, p, true));
        if (p.arguments !== undefined && (!Array.isArray(p.arguments) || p.arguments.length > 32)) {
            problems.push(`${at}: arguments must be an array of at most 32 arguments`);
        } else {
            const names = new Set<string>();
            (p.arguments ?? []).forEach((a, i) => {
                const arg = `${at}: arguments[${i}]`;
                if (!isObject(a)) {
                    problems.push(`${arg} must be an object`);
                    return;
                }
                const unknown = Object.keys(a).filter((k) => !['name', 'description', 'required'].includes(k));
                if (unknown.length > 0)
                    problems.push(`${arg} has only name, description and required (not ${unknown.join(', ')})`);
                if (typeof a.name !== 'string' || !TOOL_NAME.test(a.name)) {
                    problems.push(`${arg}.name must be 1-128 of A-Z a-z 0-9 _ . -`);
                } else if (names.has(a.name)) {
                    problems.push(`${arg}.name "${a.name}" is the name of an earlier argument`);
                }
                names.add(a.name as string);
                if (a.description !== undefined && typeof a.description !== 'string')
                    problems.push(`${arg}.description must be a string`);
                if (a.required !== undefined && typeof a.required !== 'boolean')
                    problems.push(`${arg}.required must be a boolean`);
            });
        }
        problems.push(...functionProblems(at, p, examples));
    });
    return problems;
}
