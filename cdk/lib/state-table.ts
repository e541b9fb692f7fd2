// With sessions on (config.sessions), the state of sessions (2025 revisions) and state handles (2026-07-28) lives here,
// one item per session or handle, so every instance of the server sees the same ones (the server's
// --sessions dynamodb). Items are made lazily by the first write, slide their expiresAt with use up to their cap, and
// DynamoDB's TTL sweeps them after it; the server checks expiry on every read anyway, since TTL deletes days late.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface StateTableProps {
    readonly tableName: string;
    readonly removalPolicy: RemovalPolicy;
    /** See SessionSettings.pointInTimeRecovery. */
    readonly pointInTimeRecovery: boolean;
}

export class StateTable extends Construct {
    readonly table: dynamodb.Table;

    constructor(scope: Construct, id: string, props: StateTableProps) {
        super(scope, id);
        this.table = new dynamodb.Table(this, 'Table', {
            tableName: props.tableName,
            partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
            timeToLiveAttribute: 'expiresAt',
            billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
            pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
            removalPolicy: props.removalPolicy,
        });
        if (!props.pointInTimeRecovery) {
            Validations.of(this.table).acknowledge({
                id: 'AwsSolutions-DDB3',
                reason:
                    'Point-in-time recovery is off for this stage by choice (SessionSettings.pointInTimeRecovery): the table ' +
                    'holds sessions and state handles that live hours at most, which a restore days later could not bring ' +
                    'back to any use, so continuous backups would cost without earning it.',
            });
        }
    }

    /**
     * The only item operations the server performs: read an item (GetItem), write one under a condition (UpdateItem:
     * values, increments, last use), replace one with a tombstone when a session is deleted (PutItem).
     */
    grantServerAccess(grantee: iam.IGrantable): void {
        this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem');
    }
}
