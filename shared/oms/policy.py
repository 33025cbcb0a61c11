"""What may be done to an order now, and why not; and what is owed back when it is done.

One set of rules for staff, channels and the chatbot: cancel (all or some units) before they
ship, change the shipping address before the pick starts, return what was delivered within the
channel's window. A refusal says why in words a customer could be told, and what is possible
instead. Pure: it reads an order and decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import iso4217
from pydantic import BaseModel, ConfigDict, Field

from oms.errors import Conflict
from oms.lifecycle import LEFT, covered_units
from oms.models import (
    DeliveryMethod,
    Order,
    OrderStatus,
    PaymentStatus,
    RefundLine,
    ReturnReason,
    ShipmentMode,
    ShipmentStatus,
)


class NotAllowed(Conflict):
    """What was asked is against the rules for this order now; `reason` says why, for a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_GONE = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})
# Money was taken (or held) from the customer, so what is cancelled or returned is owed back.
_PAID = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_PAID, PaymentStatus.PARTIALLY_REFUNDED,
                   PaymentStatus.AUTHORIZED})


# ---------------------------------------------------------------- cancelling


def cancellable(order: Order) -> dict[int, int]:
    """Per line, the units that may still be cancelled: not cancelled and not gone from a location."""
    if order.status in _GONE:
        return {}
    gone = covered_units(order.shipments, LEFT)
    return {number: line.live_quantity - min(gone[number], line.live_quantity)
            for number, line in enumerate(order.lines, start=1)}


def check_cancel(order: Order, asked: Mapping[int, int] | None = None) -> dict[int, int]:
    """The units to cancel per line (every unit that can be, when `asked` is None)."""
    if order.status in _GONE:
        raise NotAllowed(f"the order is already {order.status}")
    can = cancellable(order)
    if asked is None:
        asked = {number: units for number, units in can.items() if units}
        if not asked:
            raise NotAllowed("nothing is left to cancel: every unit has shipped; it can be returned once delivered")
        return dict(asked)
    for number, units in asked.items():
        if number not in can:
            raise NotAllowed(f"the order has no line {number}")
        if units <= 0:
            raise NotAllowed(f"line {number}: a cancellation is of one unit or more")
        if units > can[number]:
            line = order.lines[number - 1]
            raise NotAllowed(f"line {number} ({line.sku}): {can[number]} unit(s) can still be cancelled, {units} "
                             "asked; the rest has shipped and can be returned once delivered")
    return dict(asked)


def ships_nothing_after(order: Order, cancelled: Mapping[int, int]) -> bool:
    """Whether, once these units are cancelled, nothing of the order is left to go or gone."""
    left = sum(line.live_quantity - cancelled.get(number, 0) for number, line in enumerate(order.lines, start=1))
    return left == 0 and not covered_units(order.shipments, LEFT)


# ---------------------------------------------------------------- changing the address


def check_address_change(order: Order) -> None:
    if order.status in _GONE:
        raise NotAllowed(f"the order is {order.status}")
    if order.delivery.method == DeliveryMethod.STORE_PICKUP:
        raise NotAllowed("a store pickup has no shipping address to change")
    for shipment in order.shipments:
        if shipment.status == ShipmentStatus.PICKED or shipment.status in LEFT:
            raise NotAllowed(f"shipment {shipment.shipment_id} is already {shipment.status}: "
                             "its address can no longer change")


# ---------------------------------------------------------------- returning


class ReturnRules(BaseModel):
    """How long after delivery a return is authorised without a person, per channel (SSM JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window_days: dict[str, int] = Field(default_factory=lambda: {"default": 30})

    def window(self, channel: str) -> int:
        return self.window_days.get(channel, self.window_days.get("default", 30))


def returnable(order: Order) -> dict[int, int]:
    """Per line, units delivered to the customer and not yet on a return (one not rejected)."""
    delivered: Counter[int] = Counter()
    for shipment in order.shipments:
        if shipment.status == ShipmentStatus.DELIVERED and shipment.mode != ShipmentMode.TRANSFER:
            for line in shipment.lines:
                delivered[line.line_no] += line.quantity
    asked: Counter[int] = Counter()
    for earlier in order.returns:
        if earlier.status != "rejected":
            for line in earlier.lines:
                asked[line.line_no] += line.quantity
    return {number: max(0, delivered[number] - asked[number]) for number in range(1, len(order.lines) + 1)}


def check_return(order: Order, asked: Mapping[int, int], reasons: Mapping[int, ReturnReason], rules: ReturnRules,
                 now: datetime) -> str | None:
    """Refuses what cannot be returned; otherwise says why a person must authorise it (None: no one)."""
    can = returnable(order)
    if not any(can.values()):
        raise NotAllowed("nothing of the order has been delivered to return yet; returns open once it arrives")
    for number, units in asked.items():
        if number not in can:
            raise NotAllowed(f"the order has no line {number}")
        if units <= 0 or units > can[number]:
            line = order.lines[number - 1]
            raise NotAllowed(f"line {number} ({line.sku}): {can[number]} delivered unit(s) can be returned, "
                             f"{units} asked")
        if number not in reasons:
            raise NotAllowed(f"line {number}: a return needs a reason")
    delivered_at = max((s.delivered_at or s.shipped_at or s.created_at for s in order.shipments
                        if s.status == ShipmentStatus.DELIVERED), default=now)
    days, window = (now - delivered_at).days, rules.window(order.channel)
    if days > window:
        return f"asked {days} days after delivery; the {order.channel} return window is {window} days"
    return None


# ---------------------------------------------------------------- what is owed back


@dataclass(frozen=True)
class RefundDue:
    lines: tuple[RefundLine, ...]
    shipping: Decimal
    tax: Decimal
    amount: Decimal


def refund_due(order: Order, units: Mapping[int, int], include_shipping: bool) -> RefundDue | None:
    """What these units are worth to the customer: each unit's price less its share of the line's
    and the order's discounts, the tax in proportion, and shipping when nothing ships at all. Never
    more than was paid less what is already refunded or asked; None when nothing was paid."""
    if order.payment.status not in _PAID:
        return None
    cent = _minor_unit(order.currency)
    merchandise = sum((line.net for line in order.lines), Decimal(0))
    after_discount = merchandise - order.discount
    lines = []
    for number, quantity in sorted(units.items()):
        line = order.lines[number - 1]
        share = order.discount * line.net / merchandise if merchandise else Decimal(0)
        each = (line.net - share) / line.quantity
        lines.append(RefundLine(line_no=number, quantity=quantity, amount=_round(each * quantity, cent)))
    goods = sum((line.amount for line in lines), Decimal(0))
    tax = _round(order.tax * goods / after_discount, cent) if after_discount > 0 else Decimal(0)
    shipping = order.shipping if include_shipping else Decimal(0)
    owed = order.total - sum((refund.amount for refund in order.refunds), Decimal(0))
    amount = min(goods + tax + shipping, max(owed, Decimal(0)))
    return RefundDue(lines=tuple(lines), shipping=shipping, tax=tax, amount=amount) if amount > 0 else None


def _minor_unit(currency: str) -> Decimal:
    exponent = iso4217.Currency(currency).exponent
    return Decimal(1).scaleb(-(2 if exponent is None else exponent))


def _round(amount: Decimal, unit: Decimal) -> Decimal:
    return amount.quantize(unit, rounding=ROUND_HALF_UP)
