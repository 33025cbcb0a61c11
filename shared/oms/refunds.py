"""Refunds are recorded, not paid: the OMS works out what is due (oms.policy) and asks for it (the
Orders stream carries each new refund to the refund requests topic), and marks it refunded when
the channel or payment system confirms, by its own refund webhook or POST /refunds/{id}/confirm."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from oms import ids
from oms.changes import Change, RefundMove
from oms.deciding import OrderNotFound, decide_and_commit
from oms.errors import NotFound
from oms.lifecycle import DERIVED, check_transition, derived_status
from oms.models import HistoryEvent, Order, PaymentStatus, Refund, RefundStatus
from oms.ports import Store



class RefundNotFound(NotFound):
    pass


def confirm(refund_id: str, actor: str, store: Store, channel_refund_id: str | None = None,
            now: datetime | None = None) -> Refund:
    """Marks the refund refunded (a repeat changes nothing); the order's payment status follows."""
    def decide(order: Order, at: datetime) -> Change | None:
        refund = _find(order, refund_id)
        if refund.status == RefundStatus.REFUNDED:
            return None
        return confirmation(order, refund, actor, at, channel_refund_id)

    if not refund_id.startswith("rfd_"):
        raise RefundNotFound(f"no refund {refund_id}")
    order, change = decide_and_commit(ids.order_id_of(refund_id), store, decide, now, missing=f"no refund {refund_id}")
    if change is None:
        return _find(order, refund_id)
    move = change.refund_moves[0]
    return move.refund.model_copy(update={"status": move.to, "confirmed_at": move.confirmed_at,
                                          "channel_refund_id": move.channel_refund_id or move.refund.channel_refund_id})


def _find(order: Order, refund_id: str) -> Refund:
    refund = next((r for r in order.refunds if r.refund_id == refund_id), None)
    if refund is None:
        raise RefundNotFound(f"no refund {refund_id}")
    return refund


def confirmation(order: Order, refund: Refund, actor: str, at: datetime, channel_refund_id: str | None = None) -> Change:
    refunds = tuple(r.model_copy(update={"status": RefundStatus.REFUNDED}) if r.refund_id == refund.refund_id else r
                    for r in order.refunds)
    after = order.model_copy(update={"refunds": refunds})
    order_to = derived_status(after) if order.status in DERIVED else None
    order_to = None if order_to == order.status else order_to
    if order_to:
        check_transition(order.status, order_to)
    event = HistoryEvent(at=at, actor=actor, from_status=order.status if order_to else None, to_status=order_to,
                         refund_id=refund.refund_id, refund_status=RefundStatus.REFUNDED,
                         reason=f"refund of {refund.amount} {refund.currency} confirmed")
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  order_to=order_to, header={"payment": {**order.payment.model_dump(mode="json"),
                                                         "status": str(payment_after(order, refunds))}},
                  refund_moves=(RefundMove(refund, RefundStatus.REFUNDED, at, channel_refund_id),), history=(event,))


def payment_after(order: Order, refunds: tuple[Refund, ...]) -> PaymentStatus:
    """What the payment is once these refunds are: refunded in full, in part, or as it was."""
    paid_back = sum((r.amount for r in refunds if r.status == RefundStatus.REFUNDED), Decimal(0))
    if paid_back >= order.total:
        return PaymentStatus.REFUNDED
    return PaymentStatus.PARTIALLY_REFUNDED if paid_back else PaymentStatus(order.payment.status)


__all__ = ["OrderNotFound", "RefundNotFound", "confirm", "confirmation", "payment_after"]
