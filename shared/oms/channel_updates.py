"""A channel's later version of an order it sent before: applied through the lifecycle, never a conflict.

Versions are ordered by the channel's own update time: one older than (or as old as) the version
applied last changes nothing, so a late or repeated delivery is harmless. What a version changes
is found by comparing it with what the OMS holds:

- before anything is sourced, its content replaces the order's (lines, money, payment,
  addresses) and the order is screened again: a payment that arrived releases a
  payment_not_received hold, a new address is checked against the blocklists;
- after, a payment's new status is kept; a new address is taken while no pick has started
  (and the order sourced again if its shipments no longer suit it); fewer units on a line
  cancel the difference; anything else (more units, new lines, new prices, an address once a
  pick started) is recorded as an alert for operations, not applied;
- a version the channel reports cancelled cancels every unit not yet gone, exactly once; one
  that arrives when everything has gone is recorded as an alert.

A channel refunds what it cancels itself, so its cancellations owe nothing through the OMS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from oms.addresses import stale_shipments, withdrawal_events, withdrawn
from oms.cancellation import cancellation, cancelled_by_channel
from oms.changes import Change
from oms.channel_refunds import refund_recorded, units_not_to_ship
from oms.channels import ChannelOrder
from oms.deciding import decide_and_commit
from oms.lifecycle import check_transition
from oms.models import (
    CHANNEL_DATA,
    HeldLine,
    HistoryEvent,
    Order,
    OrderStatus,
    OrderSubmission,
    utc_iso,
)
from oms.policy import NotAllowed, cancellable, check_address_change

# (order id, changes to its personal data: a customer, addresses) -> the header's personal data
# as stored, sealed anew with the changes made (the sealer reads the rest in clear itself).
PersonalSealer = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]
# The screening of a submission at a moment: (status, hold reasons).
Screen = Callable[[OrderSubmission, datetime], tuple[OrderStatus, tuple[str, ...]]]

CHANGED_AFTER_ALLOCATION = "changed_after_allocation"
_UNSOURCED = frozenset({OrderStatus.RECEIVED, OrderStatus.ON_HOLD, OrderStatus.APPROVED})
_PERSONAL = ("customer", "shipping_address", "billing_address")
_MONEY = ("currency", "subtotal", "shipping", "tax", "discount", "total", "total_discrepancy", "payment", "delivery")


class Applied(StrEnum):
    UPDATED = "updated"
    STALE = "stale"  # as old as, or older than, the version applied last: nothing changed


def apply_version(order_id: str, channel: str, reported: ChannelOrder, store, seal: PersonalSealer,
                  screen: Screen | None, now: datetime | None = None, read: Order | None = None) -> tuple[Applied, Order]:
    """Applies the channel's version in steps, each decided on a fresh read; the channel's update
    time is recorded last, so a delivery cut short is applied again in full when it comes back.
    `store` reads orders with their personal data opened: a new address is compared in clear;
    `read` is the order as the caller just read it that way."""
    actor = f"channel:{channel}"
    order = read or store.order(order_id)
    if _stale(order, reported):
        return Applied.STALE, order
    steps = [_content, _fewer_units, cancelled_items, _cancelled, *([_refunds] * len(reported.refunds)), _recorded]
    for step in steps:  # a step that changes nothing leaves the reading to the next
        _, change = decide_and_commit(order_id, store, lambda o, at, step=step: None if _stale(o, reported)
                                      else step(o, reported, actor, at, seal, screen, store), now, read=order)
        if change is not None:
            order = store.order(order_id)
    return Applied.UPDATED, order


def _stale(order: Order, reported: ChannelOrder) -> bool:
    return (reported.updated_at is not None and order.channel_updated_at is not None
            and reported.updated_at <= order.channel_updated_at)


def _content(order: Order, reported: ChannelOrder, actor: str, at: datetime, seal: PersonalSealer,
             screen: Screen | None, store) -> Change | None:
    new = reported.submission
    if order.status in _UNSOURCED and not order.shipments:
        return _replaced(order, new, reported, actor, at, seal, screen)
    fields: dict[str, Any] = {}
    notes = []
    if new.payment != order.payment:
        fields["payment"] = new.payment.model_dump(mode="json", exclude_none=True)
        notes.append(f"payment {order.payment.status} → {new.payment.status}")
    stale: tuple = ()
    alerts = [f"{what} changed after allocation and was not applied" for what in _changed_after_allocation(order, new)]
    if new.shipping_address != order.shipping_address and new.shipping_address is not None:
        try:
            check_address_change(order)
        except NotAllowed as refused:
            alerts.append(f"the channel changed the address, not applied: {refused.reason}")
        else:
            fields.update(seal(order.order_id, {"shipping_address": new.shipping_address}))
            stale = stale_shipments(order.model_copy(update={"shipping_address": new.shipping_address}), store, at)
            notes.append("shipping address changed" + ("; sourcing again" if stale else ""))
    if not fields and not alerts:
        return None
    order_to = OrderStatus.APPROVED if stale and order.status != OrderStatus.APPROVED else None
    if order_to:
        check_transition(order.status, order_to)
    events = [HistoryEvent(at=at, actor=actor, reason="the channel's new version: " + "; ".join(notes),
                           from_status=order.status if order_to else None, to_status=order_to)] if notes else []
    events += [HistoryEvent(at=at, actor=actor, reason=alert, alert=CHANGED_AFTER_ALLOCATION) for alert in alerts]
    events += withdrawal_events(stale, actor, at)
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  order_to=order_to, header=fields, history=tuple(events), **withdrawn(order, stale, actor, at))


def _replaced(order: Order, new: OrderSubmission, reported: ChannelOrder, actor: str, at: datetime,
              seal: PersonalSealer, screen: Screen | None) -> Change | None:
    """Nothing sourced yet: the new version's content is the order's, screened again while open."""
    same_lines = [line.model_dump() for line in new.lines] == [
        line.model_dump(exclude={"cancelled"}) for line in order.lines]
    same_money = all(getattr(new, name) == getattr(order, name) for name in _MONEY)
    if same_lines and same_money and all(getattr(new, name) == getattr(order, name) for name in _PERSONAL):
        return None
    status, reasons = order.status, order.hold_reasons
    if screen and reported.status == OrderStatus.RECEIVED and order.status != OrderStatus.RECEIVED:
        status, reasons = screen(new, at)
    order_to = status if status != order.status else None
    if order_to:
        check_transition(order.status, order_to)
    fields = {name: _stored(getattr(new, name)) for name in _MONEY}
    fields.update(seal(order.order_id, {name: getattr(new, name) for name in _PERSONAL}))
    why = "the channel's new version replaces the order" + (
        f"; screened again: {'held for ' + ', '.join(reasons) if reasons else 'approved'}" if order_to or reasons
        else "")
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  order_to=order_to, hold_reasons=tuple(reasons), header=fields,
                  lines_replaced=_lines_keeping_cancellations(order, new),
                  lines_before=len(order.lines),
                  history=(HistoryEvent(at=at, actor=actor, reason=why, from_status=order.status if order_to else None,
                                        to_status=order_to),))


def _lines_keeping_cancellations(order: Order, new: OrderSubmission) -> tuple[HeldLine, ...]:
    """The new lines; a line that is the same SKU in the same place keeps what was cancelled of it."""
    def kept(number: int, sku: str, quantity: int) -> int:
        held = order.lines[number - 1] if number <= len(order.lines) else None
        return min(held.cancelled, quantity) if held and held.sku == sku else 0

    return tuple(HeldLine.model_validate({**line.model_dump(), "cancelled": kept(number, line.sku, line.quantity)},
                                         context=CHANNEL_DATA) for number, line in enumerate(new.lines, start=1))


def _fewer_units(order: Order, reported: ChannelOrder, actor: str, at: datetime, *_: Any) -> Change | None:
    """After sourcing, a line the channel now wants fewer of: the difference is cancelled."""
    if order.status in _UNSOURCED and not order.shipments:
        return None
    can = cancellable(order)
    fewer = {}
    for number, (held, wanted) in enumerate(zip(order.lines, reported.submission.lines, strict=False), start=1):
        if held.sku == wanted.sku and wanted.quantity < held.live_quantity:
            fewer[number] = min(held.live_quantity - wanted.quantity, can.get(number, 0))
    fewer = {number: units for number, units in fewer.items() if units}
    if not fewer:
        return None
    return cancellation(order, fewer, actor, "the channel ordered fewer", at, owed=False)


def cancelled_items(order: Order, reported: ChannelOrder, actor: str, at: datetime, *_: Any) -> Change | None:
    """Units the channel cancelled item by item (Amazon's item cancellations): cancelled here too,
    as far as they are still to cancel; what the OMS cancelled of them already counts."""
    asked: dict[str, int] = {}
    for sku, units in reported.cancels:
        asked[sku] = asked.get(sku, 0) + units
    done = {}
    for line in order.lines:
        done[line.sku] = done.get(line.sku, 0) + line.cancelled
    still = tuple((sku, units - done.get(sku, 0)) for sku, units in asked.items() if units > done.get(sku, 0))
    units = units_not_to_ship(order, still)
    return cancellation(order, units, actor, "the channel cancelled these items", at, owed=False) if units else None


def _cancelled(order: Order, reported: ChannelOrder, actor: str, at: datetime, *_: Any) -> Change | None:
    if reported.status != OrderStatus.CANCELLED:
        return None
    return cancelled_by_channel(order, actor, f"the channel cancelled it ({reported.channel_status})", at)


def _refunds(order: Order, reported: ChannelOrder, actor: str, at: datetime, *_: Any) -> Change | None:
    """Refunds the order lists (WooCommerce's, Shopify's), the first one not yet recorded as it is."""
    for refund in reported.refunds:
        change = refund_recorded(order, refund, actor, at)
        if change is not None:
            return change
    return None


def _recorded(order: Order, reported: ChannelOrder, actor: str, at: datetime, *_: Any) -> Change:
    fields = {"channel_status": reported.channel_status}
    if reported.updated_at:
        fields["channel_updated_at"] = utc_iso(reported.updated_at)
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  header={name: value for name, value in fields.items() if value is not None},
                  history=(HistoryEvent(at=at, actor=actor, reason=f"the channel's version of "
                                        f"{utc_iso(reported.updated_at) if reported.updated_at else 'now'} applied"),))


def _changed_after_allocation(order: Order, new: OrderSubmission) -> list[str]:
    changes = []
    for number, wanted in enumerate(new.lines, start=1):
        held = order.lines[number - 1] if number <= len(order.lines) else None
        if held is None or held.sku != wanted.sku:
            changes.append(f"line {number} ({wanted.sku})")
        elif wanted.quantity > held.live_quantity or wanted.unit_price != held.unit_price:
            changes.append(f"line {number} ({held.sku}) quantity or price")
    return changes


def _stored(value: Any) -> Any:
    """As the header holds it: models as their fields (money stays Decimal)."""
    return value.model_dump(exclude_none=True) if hasattr(value, "model_dump") else value
