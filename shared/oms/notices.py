"""What the customer is told, and when: one notice per order and event, in their language.

A notice is due when the order is confirmed, a parcel leaves (with its tracking link), is out
for delivery, is delivered or is delayed (with the new ETA), when the order is cancelled, a
return is authorised and a refund paid. Each is read off the order's history, so it is due
exactly when the change that causes it commits, and `Notice.key` names it once: the order,
the event and what it concerns (a shipment, a return, a refund, the n-th delay).

The language is the order's locale as the channel gave it, else the shipping country's.
A notice names the order by the number the customer knows, never a person: whoever sends
it (an email sender, the channel's own messaging) looks the recipient up from the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from oms.carriers.links import tracking_url
from oms.models import (
    HistoryEvent,
    Order,
    OrderStatus,
    RefundStatus,
    ReturnStatus,
    Shipment,
    ShipmentMode,
    ShipmentStatus,
)
from oms.notice_texts import TEXTS


class NoticeKind(StrEnum):
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    DELAYED = "delayed"
    CANCELLED = "cancelled"
    RETURN_AUTHORISED = "return_authorised"
    REFUNDED = "refunded"


LANGUAGES = ("en", "zh")
# Where Chinese is what a customer most likely reads, when the channel does not say.
_CHINESE_SPEAKING = frozenset({"CN", "TW", "HK", "MO"})
_SHIPMENT_NOTICES = {
    ShipmentStatus.SHIPPED: NoticeKind.SHIPPED,
    ShipmentStatus.OUT_FOR_DELIVERY: NoticeKind.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED: NoticeKind.DELIVERED,
}
_CONFIRMING = frozenset({OrderStatus.RECEIVED, OrderStatus.ON_HOLD})
_WITH_ETA = frozenset({NoticeKind.CONFIRMED, NoticeKind.SHIPPED, NoticeKind.DELAYED})
_WITH_TRACKING = frozenset({NoticeKind.SHIPPED, NoticeKind.OUT_FOR_DELIVERY, NoticeKind.DELAYED})


@dataclass(frozen=True)
class Due:
    """A notice an event calls for, and what it concerns (a shipment, a return, a refund)."""

    kind: NoticeKind
    subject: str | None = None


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    order_id: str
    key: str
    language: str
    subject: str
    text: str
    fields: dict


def due(event: HistoryEvent) -> Due | None:
    """The notice this history event calls for, if any."""
    if event.refused:
        return None
    shipment = event.shipment.shipment_id if event.shipment else None
    if event.delay is not None:
        return Due(NoticeKind.DELAYED, shipment)
    if event.shipment and event.shipment.to_status in _SHIPMENT_NOTICES:
        return Due(_SHIPMENT_NOTICES[event.shipment.to_status], shipment)
    if event.return_status == ReturnStatus.AUTHORISED:
        return Due(NoticeKind.RETURN_AUTHORISED, event.return_id)
    if event.refund_status == RefundStatus.REFUNDED:
        return Due(NoticeKind.REFUNDED, event.refund_id)
    if event.to_status == OrderStatus.APPROVED and event.from_status in _CONFIRMING:
        return Due(NoticeKind.CONFIRMED)
    # An order that arrived cancelled was the channel's to tell the customer about.
    if event.to_status == OrderStatus.CANCELLED and event.from_status != OrderStatus.RECEIVED:
        return Due(NoticeKind.CANCELLED)
    return None


def language_of(order: Order) -> str:
    if order.locale:
        spoken = order.locale.replace("_", "-").split("-")[0].lower()
        if spoken in LANGUAGES:
            return spoken
    country = order.shipping_address.country if order.shipping_address else None
    return "zh" if country in _CHINESE_SPEAKING else "en"


def notice(order: Order, wanted: Due, event: HistoryEvent) -> Notice | None:
    """The notice, rendered; None when it would tell the customer nothing true (a transfer to
    the pickup store is not their parcel leaving)."""
    shipment = next((s for s in order.shipments if s.shipment_id == wanted.subject), None)
    if wanted.kind in (NoticeKind.SHIPPED, NoticeKind.OUT_FOR_DELIVERY, NoticeKind.DELIVERED, NoticeKind.DELAYED):
        if shipment is None or shipment.mode == ShipmentMode.TRANSFER:
            return None
    language = language_of(order)
    fields = _fields(order, shipment, event)
    texts = TEXTS[language][wanted.kind]
    subject, text = texts["subject"].format(**fields), texts["text"].format(**fields)
    if fields["eta"] and wanted.kind in _WITH_ETA:
        text += " " + TEXTS[language]["eta"].format(**fields)
    if fields["tracking_url"] and wanted.kind in _WITH_TRACKING:
        text += " " + TEXTS[language]["track"].format(**fields)
    occurrence = f"#{event.delay.raised_at.isoformat()}" if event.delay else ""
    return Notice(kind=wanted.kind, order_id=order.order_id, language=language, subject=subject, text=text,
                  key=f"{order.order_id}:{wanted.kind}:{wanted.subject or '-'}{occurrence}",
                  fields={name: value for name, value in fields.items() if value})


def _fields(order: Order, shipment: Shipment | None, event: HistoryEvent) -> dict:
    number = order.channel_order_number or order.channel_order_id
    eta = _eta(order, shipment, event)
    refund = next((r for r in order.refunds if r.refund_id == event.refund_id), None)
    return {
        "order_number": number, "status": str(order.status), "channel": order.channel,
        "eta": eta.isoformat() if eta else "", "carrier": shipment.carrier if shipment else "",
        "tracking_number": shipment.tracking_number if shipment else "",
        "tracking_url": tracking_url(shipment.carrier, shipment.tracking_number) if shipment else "",
        "amount": f"{refund.amount} {refund.currency}" if refund else "",
    }


def _eta(order: Order, shipment: Shipment | None, event: HistoryEvent) -> date | None:
    if event.delay is not None and event.delay.eta:
        return event.delay.eta
    if shipment is not None and shipment.tracking.eta:
        return shipment.tracking.eta
    return order.promised_delivery
