"""The functions keep their promises when AWS misbehaves as it does under load: conflicts,
throttling, lost answers, partial batches and crashes (injected by infra.faults)."""

from __future__ import annotations

import pytest

from infra.faults import Fault, ProcessDied
from tests.factories import api_event, channel_principal, response_json, unique_order_payload
from tests.integration.test_allocation import fulfilment_requests, stock, stream_event


def post(intake, **overrides) -> dict:
    answer = intake.invoke(api_event("POST", "/orders", body=unique_order_payload(**overrides),
                                     principal=channel_principal()))
    assert answer["statusCode"] in (200, 201), answer
    return response_json(answer)


def header(deployed, order_id: str) -> dict:
    key = {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "ORDER"}}
    return deployed.client("dynamodb").get_item(TableName=deployed.name_of("OrdersTable"), Key=key)["Item"]


def test_allocation_outlasts_a_run_of_transaction_conflicts_on_its_commit(deployed, intake, allocation, faults):
    order = post(intake)
    event = stream_event(deployed, order["order_id"])
    faults.next(Fault.CONFLICT, "TransactWriteItems", times=5)

    assert allocation.invoke(event) == {"batchItemFailures": []}

    assert header(deployed, order["order_id"])["status"]["S"] == "allocated"
    assert faults.injected[Fault.CONFLICT] == 5


def test_allocation_answered_with_a_lost_response_commits_once(deployed, intake, allocation, faults):
    order = post(intake)
    before = stock(deployed, "TSHIRT-RED-M")
    faults.next(Fault.LOST_ANSWER, "TransactWriteItems")  # carried out; botocore sends it again

    assert allocation.invoke(stream_event(deployed, order["order_id"])) == {"batchItemFailures": []}

    reserved = sum(on[1] for on in stock(deployed, "TSHIRT-RED-M").values()) - sum(on[1] for on in before.values())
    assert reserved == 2
    assert header(deployed, order["order_id"])["status"]["S"] == "allocated"


def test_a_crash_in_the_middle_of_allocation_is_redelivered_and_allocates_once(deployed, intake, allocation, faults):
    order = post(intake)
    event = stream_event(deployed, order["order_id"])
    faults.next(Fault.DIE, "TransactWriteItems")

    with pytest.raises(ProcessDied):
        allocation.invoke(event)
    assert allocation.invoke(event) == {"batchItemFailures": []}  # the stream delivers it again
    assert allocation.invoke(event) == {"batchItemFailures": []}  # and perhaps once more

    with faults.paused():
        assert header(deployed, order["order_id"])["status"]["S"] == "allocated"
        assert len(fulfilment_requests(deployed)) == 1


def test_a_pick_request_sqs_reports_failed_is_sent_again_and_none_is_lost(deployed, intake, allocation, faults):
    orders = [post(intake) for _ in range(3)]
    allocation.invoke(stream_event(deployed, *(order["order_id"] for order in orders)))
    faults.next(Fault.SQS_FAILED, "SendMessageBatch", times=2)

    requests = fulfilment_requests(deployed)

    assert sorted(request["order_id"] for request in requests) == sorted(order["order_id"] for order in orders)


def test_throttling_botocore_retries_is_not_seen_by_allocation(deployed, intake, allocation, faults):
    order = post(intake)
    event = stream_event(deployed, order["order_id"])
    faults.next(Fault.THROTTLE, times=2).next(Fault.TIMEOUT)  # within botocore's five attempts

    assert allocation.invoke(event) == {"batchItemFailures": []}

    assert faults.injected[Fault.THROTTLE] == 2 and faults.injected[Fault.TIMEOUT] == 1
    assert header(deployed, order["order_id"])["status"]["S"] == "allocated"



def test_an_order_changed_under_allocation_but_still_approved_is_allocated_all_the_same(deployed, intake, allocation,
                                                                                      faults):
    order = post(intake)
    event = stream_event(deployed, order["order_id"])
    faults.next(Fault.CONDITION, "TransactWriteItems")  # as if someone edited the order meanwhile

    assert allocation.invoke(event) == {"batchItemFailures": []}

    assert header(deployed, order["order_id"])["status"]["S"] == "allocated"
