"""The lifecycles: orders move forward only, cancellation before shipping, refunds last; shipments
likewise; and the order's status is what its shipments make it."""

from datetime import UTC, datetime

import pytest

from oms.lifecycle import (
    ORDER_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    TransitionRefused,
    check_shipment_move,
    check_transition,
    derived_status,
)
from oms.models import CHANNEL_DATA, Order, OrderStatus as S, Shipment, ShipmentStatus as P


def test_every_status_has_a_row():
    assert set(ORDER_TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "wanted"), [
    (S.RECEIVED, S.APPROVED), (S.RECEIVED, S.ON_HOLD), (S.ON_HOLD, S.APPROVED), (S.ON_HOLD, S.CANCELLED),
    (S.APPROVED, S.ALLOCATED), (S.SHIPPED, S.DELIVERED), (S.DELIVERED, S.RETURN_REQUESTED), (S.CANCELLED, S.REFUNDED),
])
def test_allowed_moves(current, wanted):
    check_transition(current, wanted)


@pytest.mark.parametrize(("current", "wanted"), [
    (S.DELIVERED, S.SHIPPED), (S.SHIPPED, S.CANCELLED), (S.APPROVED, S.APPROVED), (S.REFUNDED, S.RECEIVED),
    (S.ON_HOLD, S.SHIPPED), (S.CANCELLED, S.APPROVED),
])
def test_refused_moves_name_both_ends(current, wanted):
    with pytest.raises(TransitionRefused, match=f"{current}.*{wanted}"):
        check_transition(current, wanted)


# ---------------------------------------------------------------- shipments, and the status they make

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)


def order_of(*quantities: int, shipments=()) -> Order:
    return Order.model_validate({
        "order_id": "ord_01M8RCQTWV8W01VGZE6GKW9D1C", "channel": "web", "channel_order_id": "W-1",
        "placed_at": AT, "currency": "USD", "customer": None, "delivery": {"method": "standard"},
        "payment": {"method": "card", "status": "paid"},
        "shipping_address": {"line1": "1 Main St", "city": "Denver", "country": "US"},
        "lines": [{"sku": f"SKU-{n}", "quantity": q, "unit_price": "1.00"} for n, q in enumerate(quantities, 1)],
        "total": str(sum(quantities)), "status": "allocated", "created_at": AT, "updated_at": AT,
        "shipments": list(shipments),
    }, context=CHANNEL_DATA)


def shipment(number: int, status: P, *lines: tuple[int, int], mode: str = "ship") -> Shipment:
    return Shipment(shipment_id=f"shp_01M8RCQTWV8W01VGZE6GKW9D1C_{number:02d}", order_id="ord_01M8RCQTWV8W01VGZE6GKW9D1C",
                    location_id="wh-reno", status=status, created_at=AT, mode=mode,
                    lines=[{"line_no": line_no, "sku": f"SKU-{line_no}", "quantity": q} for line_no, q in lines])


def test_every_shipment_status_has_a_row():
    assert set(SHIPMENT_TRANSITIONS) == set(P)


@pytest.mark.parametrize(("shipments", "status"), [
    ((), S.BACKORDERED),
    ((shipment(1, P.PENDING, (1, 1)),), S.PARTIALLY_ALLOCATED),
    ((shipment(1, P.PENDING, (1, 2)), shipment(2, P.ACCEPTED, (2, 1))), S.ALLOCATED),
    ((shipment(1, P.SHIPPED, (1, 2)), shipment(2, P.PICKED, (2, 1))), S.PARTIALLY_SHIPPED),
    ((shipment(1, P.SHIPPED, (1, 2)),), S.PARTIALLY_SHIPPED),  # the rest waits for stock
    ((shipment(1, P.SHIPPED, (1, 2)), shipment(2, P.IN_TRANSIT, (2, 1))), S.SHIPPED),
    ((shipment(1, P.SHIPPED, (1, 1)), shipment(2, P.SHIPPED, (1, 1)), shipment(3, P.SHIPPED, (2, 1))), S.SHIPPED),
    ((shipment(1, P.DELIVERED, (1, 2)), shipment(2, P.IN_TRANSIT, (2, 1))), S.SHIPPED),
    ((shipment(1, P.DELIVERED, (1, 2), (2, 1)),), S.DELIVERED),
    # a rejected or cancelled shipment carries nothing
    ((shipment(1, P.REJECTED, (1, 2), (2, 1)),), S.BACKORDERED),
    ((shipment(1, P.CANCELLED, (1, 2)), shipment(2, P.SHIPPED, (1, 2), (2, 1))), S.SHIPPED),
    # a transfer to the pickup store covers units but sends nothing to the customer
    ((shipment(1, P.SHIPPED, (1, 2), (2, 1), mode="transfer"),), S.ALLOCATED),
])
def test_the_order_is_what_its_shipments_make_it(shipments, status):
    assert derived_status(order_of(2, 1), shipments) == status


@pytest.mark.parametrize(("current", "wanted"), [
    (P.PENDING, P.ACCEPTED), (P.ACCEPTED, P.PICKED), (P.PICKED, P.SHIPPED), (P.PENDING, P.SHIPPED),
    (P.PICKED, P.REJECTED), (P.SHIPPED, P.IN_TRANSIT), (P.EXCEPTION, P.DELIVERED),
])
def test_allowed_shipment_moves(current, wanted):
    check_shipment_move(current, wanted)


@pytest.mark.parametrize(("current", "wanted"), [
    (P.SHIPPED, P.ACCEPTED), (P.CANCELLED, P.SHIPPED), (P.REJECTED, P.PENDING), (P.DELIVERED, P.IN_TRANSIT),
    (P.SHIPPED, P.REJECTED), (P.SHIPPED, P.SHIPPED),
])
def test_refused_shipment_moves_name_both_ends(current, wanted):
    with pytest.raises(TransitionRefused, match=f"a shipment that is {current}.*{wanted}"):
        check_shipment_move(current, wanted)
