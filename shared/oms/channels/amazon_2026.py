"""An Amazon order in the Orders API 2026-01-01 shape (searchOrders / getOrder), as the channel order.

The newer API names things differently from v0 (camelCase; `fulfillment.fulfillmentStatus` in
place of `OrderStatus`, spelt CANCELLED; money as `{amount, currencyCode}`; totals as
`proceeds.breakdowns`) and says what was cancelled item by item: an item with a
`cancellationExecution` has its units not fulfilled, nor to be, cancelled.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms.channels import ChannelOrder, ChannelPayloadError, e164, require, submission_from
from oms.channels.reading import amount, as_dict, dicts, moment, text, unit_price_and_discount
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

# `FulfillmentStatus`, all seven documented values (orders_2026-01-01.json definitions).
ORDER_STATUS: dict[str, OrderStatus] = {
    "PENDING_AVAILABILITY": OrderStatus.ON_HOLD,
    "PENDING": OrderStatus.ON_HOLD,
    "UNSHIPPED": OrderStatus.RECEIVED,
    "PARTIALLY_SHIPPED": OrderStatus.PARTIALLY_SHIPPED,
    "SHIPPED": OrderStatus.SHIPPED,
    "CANCELLED": OrderStatus.CANCELLED,
    "UNFULFILLABLE": OrderStatus.CANCELLED,
}
# As in v0: authorised when it leaves Pending, paid as it ships.
PAYMENT_STATUS: dict[str, PaymentStatus] = {
    "PENDING_AVAILABILITY": PaymentStatus.PENDING,
    "PENDING": PaymentStatus.PENDING,
    "UNSHIPPED": PaymentStatus.AUTHORIZED,
    "PARTIALLY_SHIPPED": PaymentStatus.PARTIALLY_PAID,
    "SHIPPED": PaymentStatus.PAID,
    "CANCELLED": PaymentStatus.VOIDED,
    "UNFULFILLABLE": PaymentStatus.VOIDED,
}
SERVICE_LEVEL: dict[str, DeliveryMethod] = {
    "STANDARD": DeliveryMethod.STANDARD,
    "EXPEDITED": DeliveryMethod.EXPRESS,
    "PRIORITY": DeliveryMethod.EXPRESS,
    "SCHEDULED": DeliveryMethod.STANDARD,
    "SAME_DAY": DeliveryMethod.SAME_DAY,
}
# Order-level proceeds breakdowns that are not the items: what our order calls shipping and tax.
_SHIPPING = frozenset({"SHIPPING", "DELIVERY_TIP"})  # a tip goes to whoever delivers
_TAX = frozenset({"TAX", "SHIPPING_TAX"})


def is_2026(payload: Any) -> bool:
    return isinstance(payload, dict) and ("orderItems" in payload or isinstance(payload.get("orders"), list))


def to_channel_order(payload: dict) -> ChannelOrder:
    order = _the_order(payload)
    problems = require(order, "orderId", "createdTime", "fulfillment.fulfillmentStatus", "proceeds.grandTotal.amount",
                       "proceeds.grandTotal.currencyCode", "orderItems.0")
    status = as_dict(order.get("fulfillment")).get("fulfillmentStatus")
    if status is not None and status not in ORDER_STATUS:
        problems.append({"field": "fulfillment.fulfillmentStatus", "problem": "not a documented status"})
    if problems:
        raise ChannelPayloadError(problems)
    currency = order["proceeds"]["grandTotal"]["currencyCode"]
    notes: list[str] = []
    lines, cancels = _lines(dicts(order["orderItems"]), problems, notes)
    breakdowns = {kind: Decimal(0) for kind in ("shipping", "tax")}
    for index, part in enumerate(dicts(as_dict(order["proceeds"]).get("breakdowns"))):
        value = amount(as_dict(part.get("subtotal")).get("amount"), f"proceeds.breakdowns.{index}.subtotal.amount",
                       problems)
        if part.get("type") in _SHIPPING:
            breakdowns["shipping"] += value
        elif part.get("type") in _TAX:
            breakdowns["tax"] += value
    address = as_dict(as_dict(order.get("recipient")).get("deliveryAddress"))
    buyer = as_dict(order.get("buyer"))
    level = as_dict(order.get("fulfillment")).get("fulfillmentServiceLevel")
    canonical = {
        "channel_order_id": order["orderId"], "channel_order_number": order["orderId"],
        "placed_at": order["createdTime"], "currency": currency,
        "customer": {"name": text(buyer.get("buyerName")) or text(address.get("name")),
                     "email": text(buyer.get("buyerEmail")), "phone": e164(text(address.get("phone")),
                                                                           text(address.get("countryCode")))},
        "shipping_address": {"name": text(address.get("name")), "company": text(address.get("companyName")),
                             "line1": text(address.get("addressLine1")), "line2": text(address.get("addressLine2")),
                             "city": text(address.get("city")), "region": text(address.get("stateOrRegion")),
                             "postal_code": text(address.get("postalCode")),
                             "country": text(address.get("countryCode"))} if address else None,
        "lines": lines, "shipping": breakdowns["shipping"], "tax": breakdowns["tax"], "discount": Decimal(0),
        "total": amount(order["proceeds"]["grandTotal"]["amount"], "proceeds.grandTotal.amount", problems),
        "payment": {"method": PaymentMethod.WALLET, "status": PAYMENT_STATUS[status]},
        "delivery": {"method": SERVICE_LEVEL.get(level, DeliveryMethod.STANDARD)},
    }
    if problems:
        raise ChannelPayloadError(problems)
    return ChannelOrder(submission=submission_from(canonical), status=ORDER_STATUS[status],
                        channel_status=f"fulfillmentStatus={status}", notes=tuple(notes),
                        updated_at=moment(order.get("lastUpdatedTime")), cancels=cancels)


def _the_order(payload: dict) -> dict:
    """An order, or a searchOrders page holding exactly one."""
    if "orderItems" in payload:
        return payload
    orders = dicts(payload.get("orders"))
    if len(orders) != 1:
        raise ChannelPayloadError([{"field": "orders", "problem": f"holds {len(orders)} orders, not one"}])
    return orders[0]


def _lines(items: list[dict], problems: list, notes: list[str]) -> tuple[list[dict], tuple[tuple[str, int], ...]]:
    lines, cancels = [], []
    for index, item in enumerate(items):
        path = f"orderItems.{index}"
        product = as_dict(item.get("product"))
        quantity = item.get("quantityOrdered")
        sku = text(product.get("sellerSku"))
        if not isinstance(quantity, int) or quantity <= 0 or sku is None:
            missing = [{**p, "field": f"{path}.{p['field']}"} for p in require(item, "quantityOrdered", "product.sellerSku")]
            problems += missing or [{"field": f"{path}.quantityOrdered", "problem": "not a whole number of units"}]
            continue
        gross = amount(as_dict(as_dict(product.get("price")).get("unitPrice")).get("amount"),
                       f"{path}.product.price.unitPrice.amount", problems) * quantity
        net = sum((amount(as_dict(part.get("subtotal")).get("amount"), f"{path}.proceeds.breakdowns", problems)
                   for part in dicts(as_dict(item.get("proceeds")).get("breakdowns")) if part.get("type") == "ITEM"),
                  Decimal(0)) or gross
        unit_price, discount = unit_price_and_discount(gross, net, quantity, path, notes)
        lines.append({"sku": sku, "name": text(product.get("title")), "quantity": quantity, "unit_price": unit_price,
                      "discounts": [{"amount": discount}] if discount else []})
        cancelled = _cancelled_units(item, quantity)
        if cancelled:
            cancels.append((sku, cancelled))
            reason = as_dict(as_dict(item.get("cancellation")).get("cancellationExecution")).get("cancelReason")
            notes.append(f"{sku}: {cancelled} unit(s) cancelled in Amazon" + (f" ({reason})" if reason else "")
                         + "; Amazon's total leaves them out, the line keeps what was ordered")
    return lines, tuple(cancels)


def _cancelled_units(item: dict, quantity: int) -> int:
    """An executed cancellation cancels what is neither fulfilled nor still to be."""
    if not as_dict(item.get("cancellation")).get("cancellationExecution"):
        return 0
    fulfilment = as_dict(item.get("fulfillment"))
    fulfilled = fulfilment.get("quantityFulfilled") if isinstance(fulfilment.get("quantityFulfilled"), int) else 0
    unfulfilled = fulfilment.get("quantityUnfulfilled") if isinstance(fulfilment.get("quantityUnfulfilled"), int) else 0
    return max(0, quantity - fulfilled - unfulfilled)
