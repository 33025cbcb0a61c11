"""A refund a channel reports: it confirms the refund the OMS asked for, or is recorded as the
channel's own; units it says are not to be shipped are cancelled, and a marketplace that cancels
the whole order with it cancels the order here too (owing nothing through the OMS: the channel
paid it). A report seen before (the same refund in the same state) changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from oms import ids
from oms.cancellation import cancellation, cancelled_by_channel
from oms.changes import Change, RefundMove
from oms.channels import ChannelRefund
from oms.deciding import decide_and_commit
from oms.lifecycle import DERIVED, check_transition, derived_status
from oms.models import HistoryEvent, Order, Refund, RefundStatus
from oms.policy import cancellable
from oms.refunds import payment_after

def apply_refund(order_id: str, channel: str, refund: ChannelRefund, store, now: datetime | None = None) -> Order:
    actor = f"channel:{channel}"
    decide_and_commit(order_id, store, lambda order, at: refund_recorded(order, refund, actor, at), now)
    if refund.cancels_order:
        decide_and_commit(order_id, store, lambda order, at: cancelled_by_channel(
            order, actor, refund.note or "the channel cancelled it", at), now)
    return store.order(order_id)


def refund_recorded(order: Order, refund: ChannelRefund, actor: str, at: datetime) -> Change | None:
    """The refund as the OMS keeps it, if this report says something new about it."""
    if refund.amount is None:  # a notice without money: its words go into the history, once
        note = f"{refund.note or 'the channel reports a refund'} [{refund.refund_id}]"
        if any(event.reason == note for event in order.history):
            return None
        return Change(at=at, actor=actor, order_id=order.order_id, history=(HistoryEvent(at=at, actor=actor,
                                                                                         reason=note),))
    known = next((r for r in order.refunds if r.channel_refund_id == refund.refund_id), None)
    asked = known or next((r for r in order.refunds if r.reason != "channel" and r.channel_refund_id is None
                           and r.status == RefundStatus.REQUESTED and r.amount == refund.amount), None)
    if asked is not None:
        if asked.status == RefundStatus.REFUNDED or (not refund.completed and known is not None):
            return None  # seen already in this state
        to = RefundStatus.REFUNDED if refund.completed else RefundStatus.REQUESTED
        moved = asked.model_copy(update={"status": to, "channel_refund_id": refund.refund_id})
        return _change(order, moved, actor, at, refund_moves=(RefundMove(asked, to, at if refund.completed else None,
                                                                         refund.refund_id),))
    recorded = Refund(refund_id=ids.refund_id(order.order_id, len(order.refunds) + 1), order_id=order.order_id,
                      channel=order.channel, channel_order_id=order.channel_order_id, reason="channel",
                      currency=order.currency, amount=refund.amount, created_at=refund.at or at,
                      status=RefundStatus.REFUNDED if refund.completed else RefundStatus.REQUESTED,
                      confirmed_at=at if refund.completed else None, channel_refund_id=refund.refund_id)
    return _change(order, recorded, actor, at, units_not_to_ship(order, refund.cancels), new_refunds=(recorded,))


def _change(order: Order, refund: Refund, actor: str, at: datetime, units: dict[int, int] | None = None,
            **parts) -> Change:
    """The refund recorded; with `units`, those are cancelled in the same change (so once)."""
    if units:
        cancelled = cancellation(order, units, actor, "the channel refunded them as not to be shipped", at, owed=False)
        order = order.model_copy(update={"lines": tuple(line.model_copy(update={"cancelled": line.cancelled + units[n]})
                                                        if n in units else line
                                                        for n, line in enumerate(order.lines, start=1))})
    refunds = tuple(refund if r.refund_id == refund.refund_id else r for r in order.refunds)
    refunds += () if any(r.refund_id == refund.refund_id for r in order.refunds) else (refund,)
    after = order.model_copy(update={"refunds": refunds})
    order_to = derived_status(after) if order.status in DERIVED else None
    order_to = None if order_to == order.status else order_to
    if order_to:
        check_transition(order.status, order_to)
    state = "paid back" if refund.status == RefundStatus.REFUNDED else "pending"
    # A refund the OMS asked for, paid: the customer hears of it from us. The channel's own, from the channel.
    told = refund.status if refund.reason != "channel" else None
    event = HistoryEvent(at=at, actor=actor, refund_id=refund.refund_id, refund_status=told,
                         from_status=order.status if order_to else None,
                         to_status=order_to, reason=f"the channel's refund {refund.channel_refund_id} of {refund.amount} "
                                                    f"{refund.currency}: {state}")
    header = {"payment": {**order.payment.model_dump(mode="json"), "status": str(payment_after(order, refunds))}}
    if units:
        return replace(cancelled, header=header, history=(*cancelled.history, event), **parts)
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  order_to=order_to, header=header, history=(event,), **parts)


def units_not_to_ship(order: Order, cancels: tuple[tuple[str, int], ...]) -> dict[int, int]:
    """Per line, the units (sku, how many) a channel says are not to be shipped, as many as can
    still be cancelled."""
    can = cancellable(order)
    units: dict[int, int] = {}
    for sku, wanted in cancels:
        for number, line in enumerate(order.lines, start=1):
            if line.sku == sku and wanted > 0:
                take = min(wanted, can.get(number, 0) - units.get(number, 0))
                if take > 0:
                    units[number] = units.get(number, 0) + take
                    wanted -= take
    return units
