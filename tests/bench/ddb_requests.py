"""DynamoDB requests per accepted order, per duplicate post, per allocation and per ship, counted with
botocore events."""

from __future__ import annotations

from collections import Counter

import boto3
from moto import mock_aws

from infra.local.invoke import LocalLambda
from infra.local.resources import LocalResources
from infra.local.seed import seed_demo_data
from infra.local.template import Template
from oms.store import keys
from tests.bench.figures import Figure
from tests.factories import api_event, channel_principal, unique_order_payload

ORDERS = 50


def figures(template_path) -> list[Figure]:
    calls: Counter = Counter()
    with mock_aws():
        # Clients copy their session's event hooks when created, so register before the handler loads.
        boto3.setup_default_session(region_name="us-east-1")
        boto3.DEFAULT_SESSION.events.register(
            "before-call.dynamodb", lambda model, **_: calls.update([model.name])
        )
        template = Template(template_path)
        resources = LocalResources(template)
        intrinsics = resources.create_all()
        seed_demo_data(template, intrinsics, resources)
        function = template.function("IntakeFunction")
        intake = LocalLambda(function, function.environment(intrinsics))
        payloads = [unique_order_payload() for _ in range(ORDERS)]

        calls.clear()
        for payload in payloads:
            assert intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal()))["statusCode"] == 201
        accepted = dict(calls)

        calls.clear()
        for payload in payloads:
            assert intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal()))["statusCode"] == 200
        duplicate = dict(calls)

        allocation_function = template.function("AllocationFunction")
        allocator = LocalLambda(allocation_function, allocation_function.environment(intrinsics))
        order_ids = [item["order_id"]["S"] for item in _headers(intrinsics)]
        calls.clear()
        for order_id in order_ids:
            assert allocator.invoke(_approved_record(order_id)) == {"batchItemFailures": []}
        allocated = dict(calls)

        fulfilment_function = template.function("FulfilmentFunction")
        fulfilment = LocalLambda(fulfilment_function, fulfilment_function.environment(intrinsics))
        shipments = [(item["shipment_id"]["S"], item["location_id"]["S"]) for item in _items(intrinsics, "shipment")]
        calls.clear()
        for shipment_id, location_id in shipments:
            assert fulfilment.invoke(_ship(shipment_id, location_id))["statusCode"] == 200
        shipped = dict(calls)
    boto3.DEFAULT_SESSION = None
    return [
        Figure("ddb_requests_per_order", sum(accepted.values()) / ORDERS, "requests", "1",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(accepted.items()))),
        Figure("ddb_requests_per_duplicate", sum(duplicate.values()) / ORDERS, "requests", "",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(duplicate.items()))),
        Figure("ddb_requests_per_allocation", sum(allocated.values()) / ORDERS, "requests", "",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(allocated.items()))
               + "; one-line orders, demo stock"),
        Figure("ddb_requests_per_ship", sum(shipped.values()) / len(shipments), "requests", "",
               ", ".join(f"{name} {count / len(shipments):g}" for name, count in sorted(shipped.items()))
               + "; the order read, then one transaction: shipment, stock, movement, order, history"),
    ]


def _items(intrinsics, entity: str) -> list[dict]:
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    table = intrinsics.resolve({"Ref": "OrdersTable"})
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table, FilterExpression="entity = :entity", ExpressionAttributeValues={":entity": {"S": entity}})
    return [item for page in pages for item in page["Items"]]


def _headers(intrinsics) -> list[dict]:
    return _items(intrinsics, "order")


def _approved_record(order_id: str) -> dict:
    """The Orders stream record Lambda delivers for a newly approved order (keys are all it reads)."""
    key = keys.order_header(order_id)
    return {"Records": [{
        "eventID": order_id, "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/x",
        "dynamodb": {"Keys": key, "SequenceNumber": "1", "SizeBytes": 10, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }]}


def _ship(shipment_id: str, location_id: str) -> dict:
    return api_event("POST", "/shipments/{shipment_id}/ship", f"/shipments/{shipment_id}/ship",
                     body={"carrier": "UPS", "tracking_number": f"1Z{shipment_id[-14:]}"},
                     principal={"principalId": f"location:{location_id}", "kind": "location",
                                "location_id": location_id},
                     path_parameters={"shipment_id": shipment_id})
