// The key that seals the state 2026-07-28 clients carry between the rounds of an input-required request. Every
// instance of the server must use the same key, or a retry landing on another instance would be refused, so it is
// generated once per stage in Secrets Manager. The function gets only the secret's ARN
// (MCP_REQUEST_STATE_KEY_SECRET) and reads the value at start-up with its own role, which may read this secret and
// nothing else: the key is in no template and in no function configuration (GetFunctionConfiguration, the console).
//
// Rotation without a deploy: `put-secret-value` with a new key (docs/deploy.md). The server re-reads the secret every
// MCP_SECRETS_REFRESH_SECONDS, seals with AWSCURRENT and still opens states sealed under AWSPREVIOUS, and re-reads at
// once when it meets a state sealed under a key it does not know yet.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface RequestStateKeyProps {
    readonly removalPolicy: RemovalPolicy;
}

export class RequestStateKey extends Construct {
    readonly secret: secretsmanager.Secret;

    constructor(scope: Construct, id: string, props: RequestStateKeyProps) {
        super(scope, id);
        // No secretName: a fixed name would be held for the deleted secret's recovery window and block a re-create.
        this.secret = new secretsmanager.Secret(this, 'Secret', {
            description: 'MCP request-state key (base64): seals the requestState of input-required round trips',
            // 64 letters and digits are valid base64 for 48 random bytes (the server wants at least 32)
            generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
            removalPolicy: props.removalPolicy,
        });
        Validations.of(this.secret).acknowledge({
            id: 'AwsSolutions-SMG4',
            reason:
                'Rotated by put-secret-value (docs/deploy.md) rather than a rotation function: the server accepts the ' +
                'AWSCURRENT and AWSPREVIOUS keys and re-reads the secret on a short interval, so no state in flight is refused.',
        });
    }

    /** The function may read this secret's value, and nothing else of Secrets Manager. */
    grantRead(grantee: iam.IGrantable): void {
        grantGetSecretValue(this.secret, grantee);
    }
}

/** secretsmanager:GetSecretValue on exactly this secret (Secret.grantRead would add DescribeSecret too). */
export function grantGetSecretValue(secret: secretsmanager.ISecret, grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secret.secretArn] });
}
