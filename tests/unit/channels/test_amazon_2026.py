"""Amazon's Orders API 2026-01-01 shape read as the channel order."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from oms.channels import ChannelPayloadError, adapter_for
from oms.channels.amazon_2026 import ORDER_STATUS
from oms.models import OrderStatus

VERSIONS = Path(__file__).parents[2] / "fixtures" / "channels" / "amazon" / "versions_2026"
# FulfillmentStatus as the 2026-01-01 spec documents it.
DOCUMENTED = {"PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED",
              "UNFULFILLABLE"}


def page(name: str) -> dict:
    return json.loads((VERSIONS / f"{name}.json").read_text())


def test_every_documented_fulfilment_status_is_mapped():
    assert set(ORDER_STATUS) == DOCUMENTED


def test_an_unshipped_order_reads_as_an_open_order_that_adds_up():
    read = adapter_for("amazon").to_channel_order(page("unshipped"))

    assert read.status == OrderStatus.RECEIVED and read.submission.total == Decimal("87.43")
    assert read.submission.total_discrepancy is None and read.submission.payment.status == "authorized"
    assert [(line.sku, line.quantity) for line in read.submission.lines] == [("TEA-KETTLE-1L-BLK", 1),
                                                                           ("TEA-CUP-SET-3", 2)]
    assert read.submission.customer.phone == "+14155550147" and read.cancels == ()


def test_an_executed_item_cancellation_cancels_what_is_neither_fulfilled_nor_to_be():
    read = adapter_for("amazon").to_channel_order(page("item_cancelled"))

    assert read.cancels == (("TEA-CUP-SET-3", 2),)
    assert any("cancelled in Amazon" in note for note in read.notes)


@pytest.mark.parametrize(("status", "ours"), [("CANCELLED", OrderStatus.CANCELLED), ("PENDING", OrderStatus.ON_HOLD),
                                              ("SHIPPED", OrderStatus.SHIPPED)])
def test_the_orders_status_is_its_fulfilment_status(status, ours):
    changed = copy.deepcopy(page("unshipped"))
    changed["orders"][0]["fulfillment"]["fulfillmentStatus"] = status

    assert adapter_for("amazon").to_channel_order(changed).status == ours


def test_an_undocumented_status_or_a_missing_field_is_named():
    changed = copy.deepcopy(page("unshipped"))
    changed["orders"][0]["fulfillment"]["fulfillmentStatus"] = "LOST_IN_SPACE"
    del changed["orders"][0]["createdTime"]

    with pytest.raises(ChannelPayloadError) as error:
        adapter_for("amazon").to_channel_order(changed)

    assert {p["field"] for p in error.value.problems} == {"createdTime", "fulfillment.fulfillmentStatus"}
