"""moto patched for the local stack: a cancelled transaction leaves no trace, a good one is whole."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from infra.local.moto_transactions import roll_back_touched_items_only


@pytest.fixture
def table():
    roll_back_touched_items_only()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="t", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        for sku, available in (("a", "5"), ("b", "1")):
            dynamodb.put_item(TableName="t", Item={"pk": {"S": "stock"}, "sk": {"S": sku}, "available": {"N": available}})
        yield dynamodb


def stream_records(dynamodb) -> int:
    streams = boto3.client("dynamodbstreams", region_name="us-east-1")
    arn = dynamodb.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])


def items(dynamodb) -> dict:
    return {(i["pk"]["S"], i["sk"]["S"]): i for i in dynamodb.scan(TableName="t")["Items"]}


def reserve(quantity: int, sku: str = "a") -> dict:
    return {"Update": {
        "TableName": "t", "Key": {"pk": {"S": "stock"}, "sk": {"S": sku}},
        "UpdateExpression": "SET available = available - :q",
        "ConditionExpression": "available >= :q",
        "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
    }}


def new_item(sk: str) -> dict:
    return {"Put": {"TableName": "t", "Item": {"pk": {"S": "order"}, "sk": {"S": sk}},
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def test_a_cancelled_transaction_undoes_the_writes_that_came_before_the_failure(table):
    # GIVEN 5 of a and 1 of b available
    before, records_before = items(table), stream_records(table)

    # WHEN a transaction writes an order line, reserves 3 of a, then fails to reserve 2 of b
    with pytest.raises(table.exceptions.TransactionCanceledException):
        table.transact_write_items(TransactItems=[new_item("line-1"), reserve(3), reserve(2, "b")])

    # THEN nothing changed: no order line, the stock as it was, no stream records
    assert items(table) == before
    assert stream_records(table) == records_before


def test_a_transaction_that_passes_is_applied_whole(table):
    table.transact_write_items(TransactItems=[new_item("line-1"), new_item("line-2"), reserve(5)])

    assert items(table)[("stock", "a")]["available"] == {"N": "0"}
    assert {("order", "line-1"), ("order", "line-2")} <= set(items(table))
    assert stream_records(table) == 2 + 3


def test_cancellation_reasons_still_carry_the_old_item_when_asked(table):
    table.transact_write_items(TransactItems=[new_item("line-1")])
    duplicate = new_item("line-1")
    duplicate["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"

    with pytest.raises(table.exceptions.TransactionCanceledException) as cancelled:
        table.transact_write_items(TransactItems=[duplicate, new_item("line-2")])

    reasons = cancelled.value.response["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed" and reasons[0]["Item"]["sk"] == {"S": "line-1"}
    assert ("order", "line-2") not in items(table)
