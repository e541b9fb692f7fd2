// The authorizer's token digests, kept in Secrets Manager instead of the function's environment or the template: a
// JSON object {"<label>": "<sha256 hex of the token>", ...}. The authorizer gets only the ARN (MCP_AUTH_TOKENS_SECRET),
// reads the value at start-up and again every MCP_SECRETS_REFRESH_SECONDS, so adding a client's token or revoking
// one is a `put-secret-value`, not a deploy (docs/deploy.md, "Tokens"). The deploy pipeline keeps its own entry,
// ciTokenLabel(stage), up to date; clients get labels of their own.
//
// The stack creates the secret with one entry that admits nobody (a random 64-hex "digest" no token hashes to), so a
// stage is never open before its digests are set, and an update of the stack never overwrites the entries.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { grantGetSecretValue } from './request-state-key';

export const PLACEHOLDER_LABEL = 'placeholder-admits-nobody';

export interface AuthTokensSecretProps {
    readonly removalPolicy: RemovalPolicy;
}

export class AuthTokensSecret extends Construct {
    readonly secret: secretsmanager.Secret;

    constructor(scope: Construct, id: string, props: AuthTokensSecretProps) {
        super(scope, id);
        this.secret = new secretsmanager.Secret(this, 'Secret', {
            description: 'MCP bearer token digests: {"<label>": "<sha256 hex of the token>", ...}; never the tokens',
            generateSecretString: {
                secretStringTemplate: '{}',
                generateStringKey: PLACEHOLDER_LABEL,
                // 64 characters of 0-9a-f: shaped like a SHA-256 digest, of a token nobody has
                passwordLength: 64,
                excludeUppercase: true,
                excludePunctuation: true,
                includeSpace: false,
                excludeCharacters: 'ghijklmnopqrstuvwxyz',
            },
            removalPolicy: props.removalPolicy,
        });
        Validations.of(this.secret).acknowledge({
            id: 'AwsSolutions-SMG4',
            reason:
                'Holds SHA-256 digests that people add and revoke (put-secret-value) as clients come and go; there is ' +
                'nothing for a rotation function to generate, and the authorizer re-reads it on a short interval.',
        });
    }

    grantRead(grantee: iam.IGrantable): void {
        grantGetSecretValue(this.secret, grantee);
    }
}
