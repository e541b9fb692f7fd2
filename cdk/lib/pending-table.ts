// With streaming on, a tool's server-to-client request (sampling, elicitation) goes out on one invocation's response
// stream and the client's answer arrives as a separate POST, possibly on another Lambda instance. The server parks
// pending answers here by JSON-RPC id; DynamoDB's TTL sweeps the ones nobody collected.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface PendingTableProps {
    readonly tableName: string;
    readonly removalPolicy: RemovalPolicy;
}

export class PendingTable extends Construct {
    readonly table: dynamodb.Table;

    constructor(scope: Construct, id: string, props: PendingTableProps) {
        super(scope, id);
        this.table = new dynamodb.Table(this, 'Table', {
            tableName: props.tableName,
            partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
            timeToLiveAttribute: 'expiresAt',
            billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
            removalPolicy: props.removalPolicy,
        });
        Validations.of(this.table).acknowledge({
            id: 'AwsSolutions-DDB3',
            reason:
                'Point-in-time recovery would back up answers that live for minutes and are worthless once the ' +
                'tool that waited for them has finished; restoring them could only replay stale answers.',
        });
    }

    /** The only item operations the server performs: park an answer, read it, remove it. */
    grantServerAccess(grantee: iam.IGrantable): void {
        this.table.grant(grantee, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem');
    }
}
