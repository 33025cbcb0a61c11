"""Picks reach their locations, and none is lost or sent twice: the whole loop through the local
pump (stream and queue event sources as Lambda runs them) on moto, with a webhook on 127.0.0.1.

The faults are the ones that lose a request when it is sent after the commit: the allocating
function dying after its commit, SQS reporting an entry Failed, and the location's webhook
answering 500. Each time every pick still arrives, once per shipment, and nothing is reserved
twice.
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

from infra.local.invoke import LocalLambda
from infra.local.pick_receiver import PickReceiver
from infra.local.pump import Pump
from infra.local.seed import location_webhook_secret
from oms.store.tables import Tables
from tests.emf import counted
from tests.factories import api_event, channel_principal, response_json, unique_order_payload

DRAIN_SECONDS = 30
# Two lines that no one location holds both of at the demo stock: two shipments.
SPLIT_LINES = [{"sku": "TSHIRT-BLUE-L", "quantity": 1, "unit_price": "20.00"},
               {"sku": "MUG-LOGO", "quantity": 1, "unit_price": "12.00"}]


class Loop:
    def __init__(self, deployed, receiver: PickReceiver, lambdas: dict[str, LocalLambda]):
        self.deployed, self.receiver, self.lambdas = deployed, receiver, lambdas
        self.tables = Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"),
                             deployed.client("dynamodb"))
        self.pump = Pump(deployed.template, deployed.intrinsics, lambdas=lambdas, poll_interval=0.02)

    def module(self, function_id: str):
        return sys.modules[self.lambdas[function_id].handler.__module__]

    def post(self, **overrides) -> str:
        intake = self.deployed.function("IntakeFunction")
        answer = intake.invoke(api_event("POST", "/orders", body=unique_order_payload(**overrides),
                                         principal=channel_principal()))
        assert answer["statusCode"] == 201, answer["body"]
        return response_json(answer)["order_id"]

    def shipments(self, order_id: str):
        return self.tables.order(order_id).shipments

    def reserved(self) -> int:
        return sum(s.reserved for sku in ("TSHIRT-RED-M", "TSHIRT-BLUE-L", "MUG-LOGO") for s in self.tables.stock(sku))


@pytest.fixture
def loop(deployed):
    """Every location pushes to one receiver; dispatch retries at once (no back-off wait)."""
    receiver = PickReceiver(location_webhook_secret, log=lambda *_, **__: None).start()
    inventory = Tables(deployed.name_of("OrdersTable"), deployed.name_of("InventoryTable"),
                       deployed.client("dynamodb")).inventory
    for location in inventory.locations():
        inventory.save_location(location.model_copy(update={"webhook_url": receiver.url}))
    lambdas = {}
    for function in deployed.template.functions():
        environment = deployed.environment(function.logical_id)
        if function.logical_id == "DispatchFunction":
            environment = {**environment, "OMS_DISPATCH_RETRY_BASE_SECONDS": "0"}
        lambdas[function.logical_id] = LocalLambda(function, environment)
    running = Loop(deployed, receiver, lambdas)
    yield running
    running.pump.stop()
    receiver.stop()


def everything_arrived_once(loop: Loop, order_ids: list[str]) -> None:
    loop.pump.drain(DRAIN_SECONDS)
    shipments = [s for order_id in order_ids for s in loop.shipments(order_id)]
    assert shipments and all(s.status == "pending" for s in shipments)
    assert loop.receiver.wait_for({s.shipment_id for s in shipments}, timeout=DRAIN_SECONDS)
    loop.pump.drain(DRAIN_SECONDS)  # and nothing more comes
    assert loop.receiver.deliveries == Counter({s.shipment_id: 1 for s in shipments})
    assert loop.reserved() == sum(s.units for s in shipments)


def test_each_shipment_reaches_its_location_once(loop, capsys):
    loop.pump.start()

    order_ids = [loop.post(), loop.post(lines=SPLIT_LINES, shipping="0", tax="0", total="32.00")]

    everything_arrived_once(loop, order_ids)
    assert len(loop.shipments(order_ids[1])) == 2
    output = capsys.readouterr().out
    assert counted(output, "PickRequestsQueued", service="pick-requests") == 3
    assert counted(output, "PickRequestsDelivered", service="dispatch") == 3
    history = loop.tables.order(order_ids[0]).shipments[0].history
    assert any("delivered" in (event.reason or "") for event in history)


def test_allocation_dying_after_its_commit_still_gets_the_pick_there(loop):
    allocation = loop.lambdas["AllocationFunction"]
    real, crashes = allocation.handler, []

    def dies_after_committing(event, context):
        real(event, context)
        if not crashes:
            crashes.append(event)
            raise SystemError("the execution environment went away")  # after the transaction, before anything else

    allocation.handler = dies_after_committing
    loop.pump.start()

    order_ids = [loop.post(), loop.post(lines=SPLIT_LINES, shipping="0", tax="0", total="32.00")]

    everything_arrived_once(loop, order_ids)
    assert crashes  # the stream delivered the batch again; the second run found it done


def test_an_entry_sqs_reports_failed_is_queued_again(loop):
    relay = loop.module("PickRequestFunction")
    real, failed = relay.sqs, []

    class FailsTheFirstEntries:
        def send_message_batch(self, QueueUrl, Entries):  # noqa: N803 - boto3's names
            if len(failed) < 3:  # more than the relay's own resends: the stream must deliver again
                failed.append(Entries[0]["Id"])
                ok = real.send_message_batch(QueueUrl=QueueUrl, Entries=Entries[1:]) if Entries[1:] else {}
                return {"Successful": ok.get("Successful", []),
                        "Failed": [{"Id": Entries[0]["Id"], "Code": "InternalError", "SenderFault": False}]}
            return real.send_message_batch(QueueUrl=QueueUrl, Entries=Entries)

    relay.sqs = FailsTheFirstEntries()
    loop.pump.start()

    order_ids = [loop.post(lines=SPLIT_LINES, shipping="0", tax="0", total="32.00")]

    everything_arrived_once(loop, order_ids)
    assert len(failed) == 3


def test_a_webhook_that_answers_500_three_times_gets_the_pick_once_it_recovers(loop, capsys):
    loop.receiver.fail_next(3)
    loop.pump.start()

    order_ids = [loop.post()]

    everything_arrived_once(loop, order_ids)
    assert loop.receiver.failures_left == 0
    output = capsys.readouterr().out
    assert counted(output, "PickRequestPushFailures", service="dispatch") == 3
    assert counted(output, "PickRequestsDelivered", service="dispatch") == 1


def test_a_shipment_cancelled_before_its_request_goes_out_is_not_sent(loop):
    order_id = loop.post()
    allocation = loop.lambdas["AllocationFunction"]
    allocation.invoke(loop.deployed.stream_event("AllocationFunction", "ApprovedOrders"))
    review = loop.deployed.function("ReviewFunction")
    cancelled = review.invoke(api_event("POST", "/orders/{order_id}/cancel", f"/orders/{order_id}/cancel",
                                        principal={"principalId": "admin", "kind": "admin"},
                                        path_parameters={"order_id": order_id}))
    assert cancelled["statusCode"] == 200

    loop.pump.start()
    loop.pump.drain(DRAIN_SECONDS)

    assert loop.receiver.deliveries == Counter()
    assert loop.reserved() == 0


def test_a_pick_already_pushed_is_withdrawn_when_its_order_is_cancelled(loop):
    loop.pump.start()
    order_id = loop.post()
    loop.pump.drain(DRAIN_SECONDS)
    (shipment,) = loop.shipments(order_id)
    assert loop.receiver.wait_for({shipment.shipment_id}, timeout=DRAIN_SECONDS)

    review = loop.deployed.function("ReviewFunction")
    assert review.invoke(api_event("POST", "/orders/{order_id}/cancel", f"/orders/{order_id}/cancel",
                                   principal={"principalId": "admin", "kind": "admin"},
                                   path_parameters={"order_id": order_id}))["statusCode"] == 200
    loop.pump.drain(DRAIN_SECONDS)

    assert loop.receiver.withdrawals == Counter({shipment.shipment_id: 1})
    assert loop.reserved() == 0
