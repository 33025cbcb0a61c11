"""The rules of what may be done to an order, and what is owed back, on worked examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from oms.models import CHANNEL_DATA, Order, ReturnReason, ShipmentStatus as P
from oms.policy import NotAllowed, ReturnRules, cancellable, check_address_change, check_cancel, check_return, refund_due
from tests.unit.test_lifecycle import shipment

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)


def order(shipments=(), payment="paid", refunds=(), returns=(), delivery=None, **lines_cancelled) -> Order:
    """A 2 × 10.00 (2.00 off the line) and B 1 × 30.00; 4.80 off the order, 5.00 shipping, 3.96 tax."""
    return Order.model_validate({
        "order_id": "ord_01M8RCQTWV8W01VGZE6GKW9D1C", "channel": "shopify", "channel_order_id": "1", "placed_at": AT,
        "currency": "USD", "customer": None, "delivery": delivery or {"method": "standard"},
        "payment": {"method": "card", "status": payment},
        "shipping_address": None if delivery else {"line1": "1 Main St", "city": "Denver", "country": "US"},
        "lines": [{"sku": "SKU-1", "quantity": 2, "unit_price": "10.00", "discounts": [{"amount": "2.00"}],
                   "cancelled": lines_cancelled.get("a", 0)},
                  {"sku": "SKU-2", "quantity": 1, "unit_price": "30.00", "cancelled": lines_cancelled.get("b", 0)}],
        "discount": "4.80", "shipping": "5.00", "tax": "3.96", "total": "52.16", "status": "allocated",
        "created_at": AT, "updated_at": AT, "shipments": list(shipments), "refunds": list(refunds),
        "returns": list(returns),
    }, context=CHANNEL_DATA)


def test_a_unit_is_owed_its_price_less_its_share_of_the_discounts_and_its_share_of_tax():
    due = refund_due(order(), {1: 1}, include_shipping=False)

    # line A nets 18.00; its share of the order's 4.80 off is 1.80: 8.10 a unit; tax 3.96 × 8.10 / 43.20
    assert [(line.line_no, line.quantity, line.amount) for line in due.lines] == [(1, 1, Decimal("8.10"))]
    assert (due.tax, due.shipping, due.amount) == (Decimal("0.74"), Decimal(0), Decimal("8.84"))


def test_cancelling_everything_gives_back_everything_paid():
    due = refund_due(order(), {1: 2, 2: 1}, include_shipping=True)

    assert due.amount == Decimal("52.16") and due.shipping == Decimal("5.00") and due.tax == Decimal("3.96")


def test_nothing_is_owed_for_what_was_never_paid():
    assert refund_due(order(payment="pending"), {1: 1}, include_shipping=False) is None


def test_refunds_never_add_up_to_more_than_was_paid():
    from oms.models import Refund

    earlier = Refund(refund_id="rfd_01M8RCQTWV8W01VGZE6GKW9D1C_01", order_id="ord_01M8RCQTWV8W01VGZE6GKW9D1C",
                     channel="shopify", channel_order_id="1", reason="channel", currency="USD", amount=Decimal("50.00"), status="refunded", created_at=AT)

    assert refund_due(order(refunds=[earlier]), {2: 1}, include_shipping=False).amount == Decimal("2.16")


def test_what_has_left_a_location_cannot_be_cancelled_and_the_refusal_says_what_can():
    gone = order(shipments=[shipment(1, P.SHIPPED, (1, 2)), shipment(2, P.PENDING, (2, 1))])

    assert cancellable(gone) == {1: 0, 2: 1}
    assert check_cancel(gone) == {2: 1}
    with pytest.raises(NotAllowed, match=r"line 1 \(SKU-1\): 0 unit\(s\) can still be cancelled, 1 asked; .*returned"):
        check_cancel(gone, {1: 1})
    everything_gone = order(shipments=[shipment(1, P.SHIPPED, (1, 2), (2, 1))])
    with pytest.raises(NotAllowed, match="every unit has shipped"):
        check_cancel(everything_gone)


@pytest.mark.parametrize(("asked", "reason"), [({3: 1}, "no line 3"), ({1: 0}, "one unit or more"),
                                                ({1: 5}, "2 unit")])
def test_a_cancellation_of_what_the_order_does_not_have_is_refused(asked, reason):
    with pytest.raises(NotAllowed, match=reason):
        check_cancel(order(), asked)


def test_the_address_may_change_until_a_pick_starts():
    check_address_change(order(shipments=[shipment(1, P.ACCEPTED, (1, 2), (2, 1))]))

    with pytest.raises(NotAllowed, match="already picked"):
        check_address_change(order(shipments=[shipment(1, P.PICKED, (1, 2), (2, 1))]))
    with pytest.raises(NotAllowed, match="store pickup"):
        check_address_change(order(delivery={"method": "store_pickup", "pickup_location_id": "store-sf"}))


def delivered(days_ago: int):
    return shipment(1, P.DELIVERED, (1, 2), (2, 1)).model_copy(update={"delivered_at": AT - timedelta(days=days_ago)})


def test_a_return_within_the_window_needs_no_one_and_one_after_it_is_held():
    rules = ReturnRules(window_days={"default": 30, "shopify": 14})
    why = {1: ReturnReason.TOO_SMALL}

    assert check_return(order(shipments=[delivered(3)]), {1: 1}, why, rules, AT) is None
    assert "window is 14 days" in check_return(order(shipments=[delivered(20)]), {1: 1}, why, rules, AT)


def test_only_what_was_delivered_and_not_yet_returned_can_be_returned():
    rules, why = ReturnRules(), {1: ReturnReason.DAMAGED, 2: ReturnReason.DAMAGED}

    with pytest.raises(NotAllowed, match="nothing of the order has been delivered"):
        check_return(order(shipments=[shipment(1, P.SHIPPED, (1, 2))]), {1: 1}, why, rules, AT)
    with pytest.raises(NotAllowed, match="2 delivered unit"):
        check_return(order(shipments=[delivered(1)]), {1: 3}, why, rules, AT)
    with pytest.raises(NotAllowed, match="needs a reason"):
        check_return(order(shipments=[delivered(1)]), {2: 1}, {}, rules, AT)
