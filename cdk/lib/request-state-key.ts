// The key that seals the state 2026-07-28 clients carry between the rounds of an input-required request (the server's
// MCP_REQUEST_STATE_KEY). Every instance of the server must use the same key, or a retry landing on another instance
// would be refused, so it is generated once per stage in Secrets Manager and reaches the function as a CloudFormation
// dynamic reference: the template holds a reference, never the value.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface RequestStateKeyProps {
    readonly secretName: string;
    readonly removalPolicy: RemovalPolicy;
}

export class RequestStateKey extends Construct {
    readonly secret: secretsmanager.Secret;

    constructor(scope: Construct, id: string, props: RequestStateKeyProps) {
        super(scope, id);
        this.secret = new secretsmanager.Secret(this, 'Secret', {
            secretName: props.secretName,
            description: 'MCP_REQUEST_STATE_KEY: seals the requestState of input-required round trips (MCP 2026-07-28)',
            // 64 letters and digits are valid base64 for 48 random bytes (the server wants at least 32)
            generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
            removalPolicy: props.removalPolicy,
        });
        Validations.of(this.secret).acknowledge({
            id: 'AwsSolutions-SMG4',
            reason:
                'The key only seals request states that expire within minutes; rotating it would refuse the retries in ' +
                'flight, so it is replaced by a deliberate redeploy rather than a rotation Lambda.',
        });
    }

    /** The value for the function's environment: a {{resolve:secretsmanager:...}} reference CloudFormation resolves. */
    environmentValue(): string {
        return this.secret.secretValue.unsafeUnwrap();
    }
}
