"""Marketplaces hide the buyer, tills sell to no one in particular: every channel's documented
order payloads are taken with the buyer's email, phone or name absent, or all three.

Each variant goes through the channel's adapter, screening, sealing and the order store on
moto (one deployment for all of them, each variant its own channel order id); one of each
channel's goes the whole way in over HTTP in test_channel_orders.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from moto import mock_aws

from infra.local.moto_transactions import roll_back_touched_items_only
from infra.local.resources import LocalResources
from infra.local.seed import seed_demo_data
from oms.channels import adapter_for
from oms.intake import Outcome, order_receiving, receive_order
from oms.settings import IntakeSettings
from tests.integration.conftest import _TEMPLATE, fresh_powertools_parameters

FIXTURES = Path(__file__).parents[1] / "fixtures" / "channels"
# Each channel's order payloads (not its id-only notifications, lists or errors).
ORDERS = {
    "amazon": ["order.json", "order_afn.json", "order_cod_jpy.json", "order_pending.json"],
    "magento": ["order.json", "canceled_order.json", "configurable_item_order.json", "guest_authorized_order.json",
                "instore_pickup_order.json"],
    "shopify": ["order.json", "cancelled_order.json", "legacy_order.json", "pos_order.json",
                "taxes_included_order.json"],
    "square": ["order.json", "in_store_sale.json", "jpy_order.json", "pickup_order.json"],
    "tiktok": ["order.json", "cancelled_order.json", "multi_unit_order.json"],
    "woocommerce": ["order.json", "completed_order.json", "fee_lines_order.json", "free_order.json",
                    "guest_order_local_phone.json", "local_pickup_order.json"],
}
KINDS = [{"email"}, {"phone"}, {"name"}, {"email", "phone", "name"}]
# Where a person, rather than a product or a place, is named.
_PERSONS = ("customer", "billing", "shipping", "address", "recipient", "buyer", "shipto", "ship_to")
_PERSON_NAMES = {"name", "first_name", "last_name", "firstname", "lastname", "middlename", "given_name",
                 "family_name", "display_name", "buyername", "full_name"}


def payload(channel: str, name: str) -> dict:
    return json.loads((FIXTURES / channel / name).read_text())


def without(native, kinds: set[str], person: bool = False):
    """The payload with every email, phone or person's name (as `kinds` says) taken out."""
    if isinstance(native, list):
        return [without(item, kinds, person) for item in native]
    if not isinstance(native, dict):
        return native
    kept = {}
    for key, value in native.items():
        lowered = key.lower()
        if ("email" in kinds and "email" in lowered) or ("phone" in kinds and "phone" in lowered):
            continue
        if "name" in kinds and person and lowered in _PERSON_NAMES:
            continue
        kept[key] = without(value, kinds, person or any(part in lowered for part in _PERSONS))
    return kept


@pytest.fixture(scope="module")
def receiving():
    roll_back_touched_items_only()
    fresh_powertools_parameters()
    with mock_aws():
        resources = LocalResources(_TEMPLATE)
        intrinsics = resources.create_all()
        seed_demo_data(_TEMPLATE, intrinsics, resources)
        settings = IntakeSettings.model_validate(_TEMPLATE.function("IntakeFunction").environment(intrinsics))
        yield order_receiving(settings, resources.client("dynamodb"), resources.client("kms"))


@pytest.mark.parametrize("kinds", KINDS, ids=lambda kinds: "+".join(sorted(kinds)))
@pytest.mark.parametrize(("channel", "name"), [(c, n) for c, names in ORDERS.items() for n in names])
def test_an_order_without_its_buyers_details_is_taken(receiving, channel, name, kinds):
    orders, screening = receiving.orders, receiving.screening
    channel_order = adapter_for(channel).to_channel_order(without(copy.deepcopy(payload(channel, name)), kinds))
    submission = channel_order.submission.model_copy(update={
        "channel_order_id": f"{channel_order.submission.channel_order_id}-{'-'.join(sorted(kinds))}"})

    receipt = receive_order(submission, channel, orders, screening=screening, reported=channel_order)

    assert receipt.outcome == Outcome.CREATED
    stored = orders.get(receipt.order.order_id)
    customer = stored.customer
    for kind in kinds & {"email", "phone"}:
        assert getattr(customer, kind, None) is None
