"""Carriers' pushes through the whole path on moto: the webhook checks each provider's proof and
queues the raw push; the carrier updates function applies it to the shipment and the order;
the notices function tells the customer, once per event; events for a number not yet recorded
wait for it; a push that cannot be read ends in the dead-letter queue."""

from __future__ import annotations

import io
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from infra.local.gateway import LocalGateway
from infra.local.invoke import LocalLambda
from infra.local.pump import Pump
from infra.local.seed import carrier_secret
from infra.notices import notices_topic, tail
from oms.carriers import SignedRequest, adapter
from oms.carriers.easypost_api import TrackersApi
from oms.changes import Change, ShipmentMove
from oms.store.tables import Tables
from tests.emf import counted
from tests.factories import api_event, channel_principal, response_json, unique_order_payload
from tests.unit.carriers import senders

DRAIN_SECONDS = 30
DOCUMENTED = {  # provider -> (its documented push, how it proves it is its own)
    "easypost": ("tracker_updated_delivered.json", senders.easypost),
    "aftership": ("tracking_update.json", senders.aftership),
    "shippo": ("track_updated.json", senders.shippo),
    "17track": ("tracking_updated.json", senders.seventeen_track),
    "ups": ("delivered.json", senders.ups),
    "generic": ("push.json", senders.generic),
}


class Stack:
    def __init__(self, deployed):
        self.deployed = deployed
        self.tables = Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"),
                             deployed.client("dynamodb"))
        self.lambdas = {f.logical_id: LocalLambda(f, deployed.environment(f.logical_id))
                        for f in deployed.template.functions()}
        self.pump = Pump(deployed.template, deployed.intrinsics, lambdas=self.lambdas, poll_interval=0.02).start()
        self.gateway = LocalGateway(deployed.template, deployed.intrinsics, log=lambda *args, **kwargs: None)
        self.notices_queue = deployed.inbox("CustomerNoticesTopic", "notices-seen")

    def allocated_order(self) -> tuple[str, str, str]:
        """An order sourced to a location: its id, its shipment's and that location's."""
        answer = self.lambdas["IntakeFunction"].invoke(api_event("POST", "/orders", body=unique_order_payload(),
                                                                 principal=channel_principal()))
        assert answer["statusCode"] == 201, answer["body"]
        order_id = response_json(answer)["order_id"]
        self.pump.drain(DRAIN_SECONDS)
        [shipment] = self.tables.order(order_id).shipments
        return order_id, shipment.shipment_id, shipment.location_id

    def ship(self, shipment_id: str, location_id: str, carrier: str, number: str) -> dict:
        answer = self.lambdas["FulfilmentFunction"].invoke(api_event(
            "POST", "/shipments/{shipment_id}/ship", f"/shipments/{shipment_id}/ship",
            body={"carrier": carrier, "tracking_number": number}, path_parameters={"shipment_id": shipment_id},
            principal={"principalId": f"location:{location_id}", "kind": "location", "location_id": location_id}))
        assert answer["statusCode"] == 200, answer["body"]
        return response_json(answer)

    def push(self, provider: str, request: SignedRequest) -> tuple[int, dict]:
        query = "".join(f"?{name}={value}" for name, value in request.query.items())
        status, _, body = self.gateway.handle("POST", f"/carriers/{provider}/events{query}",
                                              [("content-type", "application/json"), *request.headers.items()],
                                              request.body)
        return status, json.loads(body) if body else {}

    def notices(self) -> list[dict]:
        sqs = self.deployed.client("sqs")
        seen = []
        while messages := sqs.receive_message(QueueUrl=self.notices_queue, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                seen.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.notices_queue, ReceiptHandle=message["ReceiptHandle"])
        return seen


@pytest.fixture
def stack(deployed):
    running = Stack(deployed)
    yield running
    running.pump.stop()


def documented(provider: str):
    name, sign = DOCUMENTED[provider]
    body = senders.raw(provider, name)
    [update] = adapter(provider).to_tracking_updates(json.loads(body))
    return body, sign, update


def test_a_documented_delivered_history_delivers_the_order_and_tells_the_customer_once(stack, capsys):
    body, sign, update = documented("easypost")
    order_id, shipment_id, location_id = stack.allocated_order()
    stack.ship(shipment_id, location_id, "UPS", update.tracking_number)

    for _ in range(3):  # EasyPost delivers at least once
        assert stack.push("easypost", sign(carrier_secret("easypost"), body))[0] == 202
    stack.pump.drain(DRAIN_SECONDS)

    order = stack.tables.order(order_id)
    [shipment] = order.shipments
    assert order.status == "delivered" and shipment.status == "delivered"
    assert [event.description for event in shipment.tracking.events][-1] in ("OUT FOR DELIVERY", "DELIVERED")
    assert len(shipment.tracking.events) == len(update.events)
    assert shipment.tracking.eta is not None and order.promised_delivery is not None
    told = Counter(notice["notice"] for notice in stack.notices())
    assert told == Counter({"confirmed": 1, "shipped": 1, "out_for_delivery": 1, "delivered": 1})
    output = capsys.readouterr().out
    assert counted(output, "CarrierPushesQueued", service="carrier-webhooks", provider="easypost") == 3
    assert counted(output, "TrackingUpdatesApplied", service="carrier-updates") == 1  # the repeats add nothing
    assert counted(output, "NoticesPublished", service="notices") == 4


@pytest.mark.parametrize("provider", sorted(DOCUMENTED))
def test_each_providers_documented_push_signed_right_is_applied_and_signed_wrong_is_refused(stack, provider):
    body, sign, update = documented(provider)
    order_id, shipment_id, location_id = stack.allocated_order()
    stack.ship(shipment_id, location_id, update.carrier or "UPS", update.tracking_number)

    assert stack.push(provider, sign("not-the-secret", body))[0] == 401
    if provider != "ups":  # UPS's credential header says who sends, not what
        signed = sign(carrier_secret(provider), body)
        assert stack.push(provider, signed.model_copy(update={"body": body + b" "}))[0] == 401  # not these bytes
    assert stack.push(provider, SignedRequest(body=body))[0] == 401
    stack.pump.drain(DRAIN_SECONDS)
    assert stack.tables.order(order_id).shipments[0].tracking.events == ()

    assert stack.push(provider, sign(carrier_secret(provider), body)) == (202, {"queued": True})
    stack.pump.drain(DRAIN_SECONDS)
    shipment = stack.tables.order(order_id).shipments[0]
    assert {event.key for event in shipment.tracking.events} == {event.key for event in update.events}


def test_shippo_without_signing_proves_itself_with_the_token_on_its_webhook_url(stack):
    body, _, update = documented("shippo")
    assert stack.push("shippo", senders.shippo_token("wrong", body))[0] == 401
    assert stack.push("shippo", senders.shippo_token(carrier_secret("shippo"), body))[0] == 202


def test_an_unknown_provider_is_404_a_body_that_is_not_json_400_and_a_bad_push_in_our_format_422(stack, capsys):
    assert stack.push("fedex-direct", SignedRequest(body=b"{}"))[0] == 404
    assert stack.push("ups", senders.ups(carrier_secret("ups"), b"not json"))[0] == 400
    body = json.dumps({"tracking_number": "NX1", "events": [{"at": "2026-03-12T09:15:00", "status": "moving"}]})
    status, answer = stack.push("generic", senders.generic(carrier_secret("generic"), body.encode()))
    assert status == 422
    assert {problem["field"] for problem in answer["errors"]} >= {"carrier", "events.0.at", "events.0.status"}
    assert counted(capsys.readouterr().out, "CarrierPushesRefused", service="carrier-webhooks") == 3


def test_events_that_arrive_before_the_location_ships_are_applied_when_it_does(stack, capsys):
    body, sign, update = documented("aftership")
    order_id, shipment_id, location_id = stack.allocated_order()
    assert stack.push("aftership", sign(carrier_secret("aftership"), body))[0] == 202
    stack.pump.drain(DRAIN_SECONDS)
    assert stack.tables.order(order_id).shipments[0].status == "pending"

    stack.ship(shipment_id, location_id, "FedEx", update.tracking_number)
    stack.pump.drain(DRAIN_SECONDS)

    order = stack.tables.order(order_id)
    assert order.shipments[0].status == "delivered" and order.status == "delivered"
    output = capsys.readouterr().out
    assert counted(output, "TrackingUpdatesParked", service="carrier-updates") == 1
    assert counted(output, "ParkedUpdatesApplied", service="parked-tracking") == 1


def test_a_shipment_no_carrier_reports_on_is_fetched_again_then_called_delayed(stack, capsys):
    order_id, _, _ = stack.allocated_order()
    order = stack.tables.order(order_id)
    long_ago = datetime.now(UTC) - timedelta(days=10)
    stack.tables.commit(Change(at=long_ago, actor="location", order_id=order_id, order_from=order.status,
                               order_version=order.version, order_to="shipped",
                               shipment_moves=(ShipmentMove(order.shipments[0], "shipped", carrier="UPS",
                                                            tracking_number="1ZQUIET", shipped_at=long_ago),)))
    sweep = stack.lambdas["TrackingSweepFunction"]
    sys.modules[sweep.handler.__module__]._trackers = lambda: TrackersApi(lambda path, query: {"trackers": []})

    assert sweep.invoke({}) == {"delayed": 1}
    output = capsys.readouterr().out
    assert counted(output, "ShipmentsRefetched", service="tracking-sweep") == 1
    assert counted(output, "SilentShipmentsDelayed", service="tracking-sweep") == 1


def test_a_push_that_cannot_be_read_ends_in_the_dead_letter_queue(stack):
    sqs = stack.deployed.client("sqs")
    queue = stack.deployed.intrinsics.resolve({"Ref": "CarrierEventsQueue"})
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "0"})  # retries at once
    sqs.send_message(QueueUrl=queue, MessageBody='{"object": "Event", "result": "not a tracker"}',
                     MessageAttributes={"provider": {"DataType": "String", "StringValue": "easypost"}})
    stack.pump.drain(DRAIN_SECONDS)

    dead_letters = stack.deployed.intrinsics.resolve({"Ref": "CarrierEventsDeadLetterQueue"})
    [dead] = sqs.receive_message(QueueUrl=dead_letters, MaxNumberOfMessages=10,
                                 AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert json.loads(dead["Body"])["result"] == "not a tracker"
    assert int(dead["Attributes"]["ApproximateReceiveCount"]) >= 5  # the queue's five tries, then here


def test_oms_notices_prints_what_customers_are_told_and_leaves_nothing_behind(deployed):
    sns, sqs = deployed.client("sns"), deployed.client("sqs")
    topic = notices_topic(sns)
    assert topic == deployed.intrinsics.resolve({"Ref": "CustomerNoticesTopic"})
    out, polls = io.StringIO(), []

    def running() -> bool:
        if not polls:
            sns.publish(TopicArn=topic, Message=json.dumps({
                "notice": "shipped", "language": "en", "channel": "web", "order_number": "#1001",
                "subject": "Order #1001 is on its way", "text": "Your order #1001 has left with UPS."}))
        polls.append(1)
        return len(polls) < 3

    queues_before = sqs.list_queues().get("QueueUrls", [])
    tail(sns, sqs, topic, out, running, wait_seconds=0)
    assert out.getvalue() == "[shipped · en · web #1001] Order #1001 is on its way — Your order #1001 has left with UPS.\n"
    assert sqs.list_queues().get("QueueUrls", []) == queues_before
    assert not [s for s in sns.list_subscriptions()["Subscriptions"] if s["Endpoint"].endswith("oms-notices-tail")]
