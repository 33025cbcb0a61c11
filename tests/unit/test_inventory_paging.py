"""The inventory store reads every page of a Query: DynamoDB stops one page at 1 MB."""

from __future__ import annotations

import boto3
from botocore.stub import ANY, Stubber

from oms.store.inventory import InventoryStore


def stock_item(location_id: str, on_hand: int) -> dict:
    return {"pk": {"S": "SKU#MUG"}, "sk": {"S": f"LOC#{location_id}"}, "sku": {"S": "MUG"},
            "location_id": {"S": location_id}, "on_hand": {"N": str(on_hand)}, "reserved": {"N": "0"},
            "safety_stock": {"N": "0"}, "reorder_point": {"N": "0"}, "available": {"N": str(on_hand)}}


def test_a_skus_stock_past_one_page_is_read_whole():
    client = boto3.client("dynamodb", region_name="us-east-1")
    stubber = Stubber(client)
    more = {"pk": {"S": "SKU#MUG"}, "sk": {"S": "LOC#wh-reno"}}
    stubber.add_response("query", {"Items": [stock_item("wh-reno", 3)], "LastEvaluatedKey": more},
                         {"TableName": "inventory", "KeyConditionExpression": ANY, "ExpressionAttributeValues": ANY,
                          "ConsistentRead": True})
    stubber.add_response("query", {"Items": [stock_item("store-sf", 5)]},
                         {"TableName": "inventory", "KeyConditionExpression": ANY, "ExpressionAttributeValues": ANY,
                          "ConsistentRead": True, "ExclusiveStartKey": more})
    with stubber:
        stock = InventoryStore("inventory", client).stock("MUG")

    assert [(s.location_id, s.on_hand) for s in stock] == [("wh-reno", 3), ("store-sf", 5)]
    stubber.assert_no_pending_responses()
