"""Transfer and purchase orders, pure: what a proposal becomes, what each step moves of stock, and
that deliveries never receive more than was ordered."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.changes import stock_updates
from oms.planning import Proposal, ProposalLine, PurchaseOrder, PurchaseStatus, TransferOrder
from oms.stock_orders import (
    MAX_RECEIPT_LINES,
    MAX_TRANSFER_LINES,
    NothingOutstanding,
    ReceiptRefused,
    UnfitProposal,
    arriving,
    delivered,
    order_from,
    releasing,
    reserving,
    shipping,
)

AT = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def proposal(kind: str = "transfer", lines: tuple[tuple[str, int], ...] = (("MUG", 12),), tail: str = "20260302-x"):
    return Proposal(proposal_id=f"{'trp' if kind == 'transfer' else 'pup'}_{tail}", kind=kind, run_on=date(2026, 3, 2),
                    to_location="store-sf", from_location="wh-reno" if kind == "transfer" else None,
                    supplier_id="acme" if kind == "purchase" else None, reason="below its reorder point",
                    lines=tuple(ProposalLine(sku=sku, units=units) for sku, units in lines), created_at=AT,
                    arrives_by=date(2026, 3, 9))


def test_a_transfer_proposal_becomes_a_transfer_order_named_after_it():
    order = order_from(proposal(tail="20260302-mug-wh-reno-store-sf-0a1b"), AT, "admin")

    assert isinstance(order, TransferOrder)
    assert order.transfer_id == "tro_20260302-mug-wh-reno-store-sf-0a1b"
    assert (order.from_location, order.to_location, order.status, order.created_by) == (
        "wh-reno", "store-sf", "reserved", "admin")


def test_a_purchase_proposal_becomes_an_open_purchase_order_expected_when_the_proposal_arrives():
    order = order_from(proposal("purchase", (("MUG", 144), ("CAP", 48))), AT, "admin")

    assert isinstance(order, PurchaseOrder) and order.purchase_id == "poo_20260302-x"
    assert [(line.sku, line.units, line.received) for line in order.lines] == [("MUG", 144, 0), ("CAP", 48, 0)]
    assert order.status == "open" and order.expected_on == date(2026, 3, 9)


@given(st.from_regex(r"[0-9a-z-]{1,120}", fullmatch=True), st.sampled_from(["transfer", "purchase"]))
def test_every_proposal_id_names_a_valid_order(tail, kind):
    order = order_from(proposal(kind, tail=tail), AT, "admin")

    assert (order.transfer_id if kind == "transfer" else order.purchase_id)[4:] == tail


@pytest.mark.parametrize("lines", [
    (("MUG", 1), ("MUG", 2)),
    tuple((f"SKU-{n}", 1) for n in range(MAX_TRANSFER_LINES + 1)),
])
def test_a_transfer_that_could_not_be_received_in_one_transaction_is_unfit(lines):
    with pytest.raises(UnfitProposal):
        order_from(proposal(lines=lines), AT, "admin")


def test_a_transfer_reserves_at_the_source_as_an_allocation_does_and_ships_without_touching_available():
    transfer = order_from(proposal(), AT, "admin")

    [reserve] = stock_updates(reserving(transfer))
    [ship] = stock_updates(shipping(transfer))
    [release] = stock_updates(releasing(transfer))
    [arrive] = stock_updates(arriving(transfer))

    assert (reserve.location_id, reserve.reserved, reserve.available, reserve.least_available) == (
        "wh-reno", 12, -12, 12)
    assert (ship.on_hand, ship.reserved, ship.available, ship.least_on_hand, ship.least_reserved) == (
        -12, -12, 0, 12, 12)
    assert (release.reserved, release.available, release.least_reserved) == (-12, 12, 12)
    assert (arrive.location_id, arrive.on_hand, arrive.available) == ("store-sf", 12, 12)
    assert {m.reference for m in (*reserving(transfer), *shipping(transfer), *arriving(transfer))} == {
        transfer.transfer_id}


def purchase(*units: int) -> PurchaseOrder:
    return order_from(proposal("purchase", tuple((f"SKU-{n}", count) for n, count in enumerate(units))), AT, "admin")


def test_a_delivery_without_lines_receives_everything_outstanding():
    partly, _ = delivered(purchase(10, 5), [("SKU-0", 4)])
    after, units = delivered(partly, None)

    assert units == {"SKU-0": 6, "SKU-1": 5}
    assert after.status == PurchaseStatus.RECEIVED


@pytest.mark.parametrize(("asked", "field"), [
    ([("NOPE", 1)], "lines.0.sku"),
    ([("SKU-0", 1), ("SKU-0", 1)], "lines.1.sku"),
    ([("SKU-1", 6)], "lines.0.units"),
])
def test_a_delivery_that_does_not_match_the_order_names_the_line(asked, field):
    with pytest.raises(ReceiptRefused) as refused:
        delivered(purchase(10, 5), asked)

    assert [error["field"] for error in refused.value.errors] == [field]


def test_a_delivery_of_more_lines_than_one_transaction_holds_must_name_them():
    with pytest.raises(ReceiptRefused) as refused:
        delivered(purchase(*[1] * (MAX_RECEIPT_LINES + 1)), None)

    assert refused.value.errors[0]["field"] == "lines"


def test_nothing_left_to_deliver_is_a_conflict():
    with pytest.raises(NothingOutstanding):
        delivered(delivered(purchase(3), None)[0], None)


@given(st.lists(st.integers(1, 50), min_size=1, max_size=5),
       st.lists(st.tuples(st.integers(0, 4), st.integers(1, 60)), max_size=20))
def test_deliveries_never_receive_more_than_was_ordered_and_the_status_follows(ordered, attempts):
    order = purchase(*ordered)
    taken = [0] * len(ordered)
    for line, count in attempts:
        sku = f"SKU-{line}"
        try:
            order, units = delivered(order, [(sku, count)])
        except (ReceiptRefused, NothingOutstanding):
            assert line >= len(ordered) or taken[line] + count > ordered[line]
            continue
        assert units == {sku: count}
        taken[line] += count

    assert [line.received for line in order.lines] == taken
    assert all(line.received <= line.units for line in order.lines)
    expected = (PurchaseStatus.OPEN if not any(taken) else
                PurchaseStatus.RECEIVED if taken == ordered else PurchaseStatus.PARTLY_RECEIVED)
    assert order.status == expected
