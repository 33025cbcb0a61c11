"""DynamoDB requests per accepted order, per duplicate post, per allocation, per ship, per change
after the order, per tracking event and per whole order lifecycle, counted with botocore events."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
from moto import mock_aws

from infra.local.invoke import LocalLambda
from infra.local.moto_transactions import roll_back_touched_items_only
from infra.local.resources import LocalResources
from infra.local.seed import seed_demo_data
from infra.local.seed import webhook_secret
from infra.local.template import Template
from oms.store import keys
from oms.store.tables import Tables
from oms.webhooks import signature
from tests.bench.figures import Figure
from tests.factories import api_event, channel_principal, unique_order_payload

ORDERS = 50
UPDATES = 20
LIFECYCLES = 10
HISTORY = ("in_transit", "in_transit", "out_for_delivery", "delivered")


def figures(template_path) -> list[Figure]:
    calls: Counter = Counter()
    roll_back_touched_items_only()  # otherwise moto copies whole tables for each item of a transaction
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
        shipments = [(item["shipment_id"]["S"], item["location_id"]["S"], item["order_id"]["S"])
                     for item in _items(intrinsics, "shipment")]
        half = len(shipments) // 2
        calls.clear()
        for shipment_id, location_id, _ in shipments[:half]:
            assert fulfilment.invoke(_ship(shipment_id, location_id))["statusCode"] == 200
        shipped = dict(calls)

        review_function = template.function("ReviewFunction")
        review = LocalLambda(review_function, review_function.environment(intrinsics))
        calls.clear()
        for _, _, order_id in shipments[half:]:
            assert review.invoke(_admin_post("/orders/{order_id}/cancel", order_id=order_id))["statusCode"] == 200
        cancelled = dict(calls)

        tables = Tables(intrinsics.resolve({"Ref": "OrdersTable"}), intrinsics.resolve({"Ref": "InventoryTable"}),
                        boto3.client("dynamodb", region_name="us-east-1"))
        carrier_function = template.function("CarrierUpdatesFunction")
        carrier = LocalLambda(carrier_function, carrier_function.environment(intrinsics))
        calls.clear()
        for shipment_id, _, _ in shipments[:half]:
            _carrier_history(carrier, _tracking_number(shipment_id))
        tracked = dict(calls)
        service_function = template.function("ServiceFunction")
        service = LocalLambda(service_function, service_function.environment(intrinsics))
        calls.clear()
        for _, location_id, order_id in shipments[:half]:
            asked = service.invoke(_admin_post("/orders/{order_id}/returns", {"lines": [
                {"line_no": 1, "quantity": 2, "reason": "too_small"}]}, order_id=order_id))
            return_id = json.loads(asked["body"])["return_id"]
            received = service.invoke(_admin_post("/returns/{return_id}/receive", {
                "lines": [{"line_no": 1, "quantity": 2, "condition": "sellable"}], "location_id": location_id},
                return_id=return_id))
            refund_id = json.loads(received["body"])["refund_id"]
            assert service.invoke(_admin_post("/refunds/{refund_id}/confirm", refund_id=refund_id))["statusCode"] == 200
        returned = dict(calls)

        updates = _channel_updates(intake, allocator, tables, calls)
        lifecycle = _lifecycles(intake, allocator, fulfilment, carrier, tables, calls)
    boto3.DEFAULT_SESSION = None
    return [
        Figure("ddb_requests_per_order", sum(accepted.values()) / ORDERS, "requests", "1",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(accepted.items()))),
        Figure("ddb_requests_per_duplicate", sum(duplicate.values()) / ORDERS, "requests", "",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(duplicate.items()))),
        Figure("ddb_requests_per_allocation", sum(allocated.values()) / ORDERS, "requests", "",
               ", ".join(f"{name} {count / ORDERS:g}" for name, count in sorted(allocated.items()))
               + "; one-line orders, demo stock"),
        _per("ddb_requests_per_ship", shipped, half,
             "; the order read, then one transaction: shipment, stock, movement, order, history"),
        _per("ddb_requests_per_cancel", cancelled, len(shipments) - half,
             "; an allocated one-line order, cancelled whole by operations: the order read, one transaction"),
        _per("ddb_requests_per_return", returned, half,
             "; asked, received at a location and refunded: three requests of the API"),
        _per("ddb_requests_per_channel_update", updates[0], updates[1],
             "; Shopify's orders/updated with a new address for an allocated order"),
        _per("ddb_requests_per_tracking_event", tracked, half * len(HISTORY),
             "; one event a push (in transit twice, out for delivery, delivered): the index, the order, "
             "one transaction", goal="<= 3"),
        _per("ddb_requests_per_order_lifecycle", lifecycle, LIFECYCLES,
             "; intake, allocation, ship and 4 tracking events of a 3-line order at one location", goal="<= 12"),
    ]


def _per(name: str, calls: dict, count: int, note: str, goal: str = "") -> Figure:
    return Figure(name, round(sum(calls.values()) / count, 2), "requests", goal,
                  ", ".join(f"{kind} {n / count:g}" for kind, n in sorted(calls.items())) + note)


def _admin_post(resource: str, body: dict | None = None, **path_parameters: str) -> dict:
    path = resource.format(**path_parameters)
    return api_event("POST", resource, path, body=body, principal={"principalId": "admin", "kind": "admin"},
                     path_parameters=path_parameters)


def _tracking_number(shipment_id: str) -> str:
    return f"1Z{shipment_id[-14:]}"


def _carrier_history(carrier: LocalLambda, tracking_number: str) -> None:
    """A parcel's journey as a carrier pushes it, one event a push, through the carrier updates function."""
    start = datetime.now(UTC)
    for step, status in enumerate(HISTORY):
        body = json.dumps({"tracking_number": tracking_number, "carrier": "UPS", "events": [
            {"at": (start + timedelta(hours=step)).isoformat(), "status": status}]})
        assert carrier.invoke({"Records": [{
            "messageId": f"{tracking_number}-{step}", "receiptHandle": "r", "body": body, "md5OfBody": "",
            "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs", "awsRegion": "us-east-1",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:carrier-events",
            "messageAttributes": {"provider": {"stringValue": "generic", "dataType": "String"}},
        }]}) == {"batchItemFailures": []}


def _lifecycles(intake: LocalLambda, allocator: LocalLambda, fulfilment: LocalLambda, carrier: LocalLambda,
                tables: Tables, calls: Counter) -> dict:
    """Orders of three lines that one location holds, each placed, allocated, shipped and delivered."""
    lines = [{"sku": sku, "quantity": 1, "unit_price": "10.00"} for sku in ("TSHIRT-RED-M", "MUG-LOGO", "CAP-BLACK")]
    tables.inventory.receive("CAP-BLACK", "wh-reno", LIFECYCLES)
    calls.clear()
    for _ in range(LIFECYCLES):
        payload = unique_order_payload(lines=lines, subtotal="30.00", total="38.20")
        answer = intake.invoke(api_event("POST", "/orders", body=payload, principal=channel_principal()))
        order_id = json.loads(answer["body"])["order_id"]
        assert allocator.invoke(_approved_record(order_id)) == {"batchItemFailures": []}
        [shipment] = tables.order(order_id).shipments
        assert fulfilment.invoke(_ship(shipment.shipment_id, shipment.location_id))["statusCode"] == 200
        _carrier_history(carrier, _tracking_number(shipment.shipment_id))
    return dict(calls)


def _channel_updates(intake: LocalLambda, allocator: LocalLambda, tables: Tables, calls: Counter) -> tuple[dict, int]:
    """Shopify orders placed, allocated, then each updated with a new address (what is counted)."""
    fixtures = Path(__file__).parents[1] / "fixtures" / "channels" / "shopify" / "versions"
    placed, updated = (json.loads((fixtures / name).read_text()) for name in ("placed.json", "updated.json"))
    for line in placed["line_items"]:
        tables.inventory.receive(line["sku"], "wh-reno", 10 * UPDATES)
    secret = webhook_secret("shopify")
    order_ids = []
    for number in range(UPDATES):
        body = json.dumps({**placed, "id": placed["id"] + number})
        answer = intake.invoke(_shopify(body, secret))
        order_ids.append(json.loads(answer["body"])["order_id"])
    for order_id in order_ids:
        assert allocator.invoke(_approved_record(order_id)) == {"batchItemFailures": []}
    calls.clear()
    for number in range(UPDATES):
        assert intake.invoke(_shopify(json.dumps({**updated, "id": updated["id"] + number}), secret))["statusCode"] == 200
    return dict(calls), UPDATES


def _shopify(body: str, secret: str) -> dict:
    return api_event("POST", "/channels/{channel}/orders", "/channels/shopify/orders", body=body,
                     principal=channel_principal("shopify"), path_parameters={"channel": "shopify"},
                     headers={"X-Shopify-Hmac-Sha256": signature(secret, body.encode())})


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
                     body={"carrier": "UPS", "tracking_number": _tracking_number(shipment_id)},
                     principal={"principalId": f"location:{location_id}", "kind": "location",
                                "location_id": location_id},
                     path_parameters={"shipment_id": shipment_id})
