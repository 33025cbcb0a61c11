"""TikTok Shop: an order from Get Order Detail (version 202507, GET /order/202507/orders).

TikTok's order webhooks carry ids only: the receiver takes them with
`order_id_from_webhook` (or `order_ids_from_webhook`), fetches the detail and adapts it
here, either the whole response `{"code": 0, "data": {"orders": [...]}}` holding one order
or the order object alone.

Each TikTok line item is ONE unit: units of one SKU at one price become one line, their
count its quantity. Amounts are decimal strings in the currency's major unit. A unit's
price is its `original_price` and its discounts are `seller_discount` and
`platform_discount` (TikTok funds the latter, but the buyer paid that much less), so the
lines add up to `payment.sub_total`. Shipping is the buyer-paid `shipping_fee`, after its
own discounts, plus the fees TikTok charges buyers beside the goods; tax is `payment.tax`
plus the US retail delivery fee, a state levy collected like a tax.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from oms.channels import ChannelOrder, ChannelPayloadError, ChannelRefund, WebhookSignature, e164, require, submission_from
from oms.channels.reading import amount, as_dict, as_list, dicts, full_name, moment, text
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

# TikTok Shop puts its signature in the `Authorization` header: per the webhook guide's
# pointer to the signing guide (and TikTok SDKs), hex HMAC-SHA256 keyed by the app secret
# over the app key followed by the raw body. WebhookSignature cannot say "the app key
# first", and the app key is the lead's configuration, not this module's: the receiver
# verifies TikTok webhooks itself (webhooks.is_signed_by over app_key + body, "hex").
SIGNATURE: WebhookSignature | None = None

# Order `status` (Get Order Detail), and `CANCEL`, the webhook's word for CANCELLED.
ORDER_STATUS: dict[str, OrderStatus] = {
    "UNPAID": OrderStatus.ON_HOLD,  # nothing ships until TikTok reports it paid
    "ON_HOLD": OrderStatus.ON_HOLD,  # the buyer may still cancel without the seller's approval
    "AWAITING_SHIPMENT": OrderStatus.RECEIVED,
    "PARTIALLY_SHIPPING": OrderStatus.PARTIALLY_SHIPPED,
    # Packed and labelled already, outside the OMS: only the carrier is awaited, and
    # fulfilling it again would ship it twice.
    "AWAITING_COLLECTION": OrderStatus.SHIPPED,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "COMPLETED": OrderStatus.DELIVERED,  # delivered, and no returns or refunds any more
    "CANCELLED": OrderStatus.CANCELLED,
    "CANCEL": OrderStatus.CANCELLED,
}

# The payment, by order `status`. A cancelled order TikTok had taken money for is refunded
# (the buyer gets it back); a cash-on-delivery order is paid when delivered; a pre-order
# ON_HOLD waits for its release, a day before which the payment is only authorized.
PAYMENT_STATUS: dict[str, PaymentStatus] = {
    "UNPAID": PaymentStatus.PENDING,
    "ON_HOLD": PaymentStatus.PAID,
    "AWAITING_SHIPMENT": PaymentStatus.PAID,
    "PARTIALLY_SHIPPING": PaymentStatus.PAID,
    "AWAITING_COLLECTION": PaymentStatus.PAID,
    "IN_TRANSIT": PaymentStatus.PAID,
    "DELIVERED": PaymentStatus.PAID,
    "COMPLETED": PaymentStatus.PAID,
    "CANCELLED": PaymentStatus.VOIDED,
    "CANCEL": PaymentStatus.VOIDED,
}
_CASH_COLLECTED = frozenset({"DELIVERED", "COMPLETED"})

# `payment_method_name`, lower-cased. TikTok documents it as display text with no list of
# values, so an unknown name is recorded as card with a note rather than refused: TikTok
# has taken (or will collect) the money whatever its label. A card payment also says so in
# `payment_card_type`, and cash on delivery in `is_cod`, both read first.
PAYMENT_METHOD: dict[str, PaymentMethod] = {
    "ccdc": PaymentMethod.CARD,  # credit/debit card, as the docs' example names it
    "card": PaymentMethod.CARD,
    "credit/debit card": PaymentMethod.CARD,
    "paypal": PaymentMethod.WALLET,
    "apple pay": PaymentMethod.WALLET,
    "google pay": PaymentMethod.WALLET,
    "klarna": PaymentMethod.BUY_NOW_PAY_LATER,
    "afterpay": PaymentMethod.BUY_NOW_PAY_LATER,
    "cod": PaymentMethod.CASH_ON_DELIVERY,
    "cash on delivery": PaymentMethod.CASH_ON_DELIVERY,
    "bank transfer": PaymentMethod.BANK_TRANSFER,
}

# `delivery_type`. A collection point (PUDO) is a carrier's, chosen by the buyer, and the
# parcel goes to the address TikTok gives: still ordinary shipping, never our store.
DELIVERY_METHOD: dict[str, DeliveryMethod] = {
    "HOME_DELIVERY": DeliveryMethod.STANDARD,
    "COLLECTION_POINT": DeliveryMethod.STANDARD,
}

# `fulfillment_type`: whether the seller ships it. TikTok's and Tokopedia's warehouses ship
# their own orders from stock the seller sent them, so the OMS must not ship those again. An
# unknown type is held as theirs are: a late parcel costs less than one shipped twice.
SELLER_SHIPS: dict[str, bool] = {
    "FULFILLMENT_BY_SELLER": True,
    "FULFILLMENT_BY_TIKTOK": False,
    "FULFILLMENT_BY_DILAYANI_TOKOPEDIA": False,
}

# Buyer-paid `payment` fees beside the goods, counted with shipping.
FEES_WITH_SHIPPING: tuple[str, ...] = (
    "small_order_fee",
    "buyer_service_fee",
    "handling_fee",
    "shipping_insurance_fee",
    "item_insurance_fee",
)

# Webhook `type`s about orders: 1 order status change and 3 recipient address update name
# one order; 4 package update names the orders in each package it combined or split.
ORDER_WEBHOOKS: dict[int, str] = {1: "order status change", 3: "recipient address update", 4: "package update"}

_ADDRESS_FIELDS = {
    "name": "name",
    "line1": "address_line1",
    "line2": "address_line2",
    "city": "district_info",
    "region": "district_info",
    "postal_code": "postal_code",
    "country": "region_code",
}


def order_ids_from_webhook(event: dict) -> tuple[str, ...]:
    """The orders an order webhook is about, in the order it names them."""
    kind = event.get("type") if isinstance(event, dict) else None
    if not isinstance(kind, int) or isinstance(kind, bool) or kind not in ORDER_WEBHOOKS:
        raise ChannelPayloadError([{"field": "type", "problem": f"not a TikTok Shop order event: {kind!r}"}])
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    if kind != 4:
        named = [("data.order_id", data.get("order_id"))]
    else:
        named = [
            (f"data.package_list.{i}.order_id_list.{j}", order_id)
            for i, package in enumerate(dicts(data.get("package_list")))
            for j, order_id in enumerate(as_list(package.get("order_id_list")))
        ]
    problems = [{"field": path, "problem": "not an order id"} for path, order_id in named if not text(order_id)]
    if problems or not named:
        raise ChannelPayloadError(problems or [{"field": "data.package_list", "problem": "names no order"}])
    return tuple(dict.fromkeys(order_id.strip() for _, order_id in named))


def order_id_from_webhook(event: dict) -> str:
    """The one order an order webhook is about; a package update naming several is refused."""
    order_ids = order_ids_from_webhook(event)
    if len(order_ids) != 1:
        raise ChannelPayloadError([{
            "field": "data.package_list",
            "problem": f"names {len(order_ids)} orders: take them with order_ids_from_webhook",
        }])
    return order_ids[0]


def to_channel_order(payload: dict) -> ChannelOrder:
    """A Get Order Detail response holding one order, or the order; problems name fields as sent."""
    if not isinstance(payload, dict):
        raise ChannelPayloadError([{"field": "body", "problem": "not a TikTok Shop order object"}])
    if "data" not in payload and "code" not in payload:
        return _adapted(payload)
    if payload.get("code") != 0:
        message = payload.get("message") or "no message"
        raise ChannelPayloadError([{"field": "code", "problem": f"TikTok answered {payload.get('code')!r}: {message}"}])
    orders = payload["data"].get("orders") if isinstance(payload.get("data"), dict) else None
    if not isinstance(orders, list) or len(orders) != 1 or not isinstance(orders[0], dict):
        count = len(orders) if isinstance(orders, list) else 0
        raise ChannelPayloadError([{"field": "data.orders", "problem": f"holds {count} orders: adapt one at a time"}])
    try:
        return _adapted(orders[0])
    except ChannelPayloadError as error:
        raise ChannelPayloadError(
            [{**problem, "field": f"data.orders.0.{problem['field']}"} for problem in error.problems]
        ) from None


def _adapted(order: dict) -> ChannelOrder:
    problems = _shape_problems(order)
    if problems:
        raise ChannelPayloadError(problems)
    notes: list[str] = []
    status = order["status"]
    payment = order["payment"]
    lines, line_paths = _lines(order, status, problems, notes)
    shipping = amount(payment.get("shipping_fee"), "payment.shipping_fee", problems, default=Decimal(0))
    fees = {name: amount(payment.get(name), f"payment.{name}", problems, default=Decimal(0)) for name in FEES_WITH_SHIPPING}
    if any(fees.values()):
        notes.append("TikTok fees counted with shipping: " + ", ".join(f"{name} {fee}" for name, fee in fees.items() if fee))
    levy = amount(payment.get("retail_delivery_fee"), "payment.retail_delivery_fee", problems, default=Decimal(0))
    tax = amount(payment.get("tax"), "payment.tax", problems, default=Decimal(0)) + levy
    total = amount(payment["total_amount"], "payment.total_amount", problems)
    placed_at = _placed_at(order["create_time"], problems)
    if problems:
        raise ChannelPayloadError(problems)

    recipient = order["recipient_address"]
    payment_status = _payment_status(order, status)
    canonical = {
        "channel_order_id": order["id"],
        "channel_order_number": order["id"],
        "placed_at": placed_at,
        "currency": payment["currency"],
        "customer": _customer(recipient, notes),
        "delivery": {"method": _delivery_method(order, notes)},
        "payment": {"method": _payment_method(order, notes), "status": payment_status},
        "shipping_address": _address(recipient),
        "lines": lines,
        "shipping": shipping + sum(fees.values(), Decimal(0)),
        "tax": tax,
        "total": total,
    }
    submission = submission_from(canonical, _native_fields(line_paths))
    return ChannelOrder(
        submission=submission,
        status=_status(order, status, notes),
        channel_status=", ".join(
            f"{name}={order[name]}" for name in ("status", "fulfillment_type", "shipping_type") if text(order.get(name))
        ),
        notes=tuple(notes),
        updated_at=moment(order.get("update_time")),
    )


def _shape_problems(order: dict) -> list[dict[str, str]]:
    problems = require(order, "id", "status", "create_time", "payment.currency", "payment.total_amount")
    items = order.get("line_items")
    if not isinstance(items, list) or not items:
        problems.append({"field": "line_items", "problem": "missing"})
    else:
        problems += require(order, *(f"line_items.{i}.original_price" for i in range(len(items))))
    if not isinstance(order.get("recipient_address"), dict):
        problems.append({
            "field": "recipient_address",
            "problem": "missing: TikTok withholds it while an order is UNPAID or ON_HOLD; "
                       "adapt the order again once it is AWAITING_SHIPMENT",
        })
    if order.get("id") is not None and not text(order["id"]):
        problems.append({"field": "id", "problem": "not a TikTok order id"})
    status = order.get("status")
    if status is not None and not (isinstance(status, str) and status in ORDER_STATUS):
        problems.append({"field": "status", "problem": f"unknown value {status!r}"})
    return problems


def _lines(order: dict, status: str, problems: list, notes: list[str]) -> tuple[list[dict], list[str]]:
    """Units of one SKU at one price grouped into lines, and each line's first native item."""
    items = dicts(order["line_items"])
    units = list(enumerate(items))
    if ORDER_STATUS[status] != OrderStatus.CANCELLED:
        # TikTok cancels single units (item-level cancellation); what is left ships.
        left = [(i, item) for i, item in units if item.get("display_status") != "CANCELLED"]
        if left and len(left) < len(units):
            notes.append(f"{len(units) - len(left)} unit(s) cancelled in TikTok left out")
            units = left
    groups: dict[tuple[str, ...], list[tuple[int, dict]]] = {}
    for i, item in units:
        key = tuple(str(item.get(name)) for name in ("sku_id", "seller_sku", "original_price"))
        groups.setdefault(key, []).append((i, item))
    lines = [_line(group, problems, notes) for group in groups.values()]
    return lines, [f"line_items.{group[0][0]}" for group in groups.values()]


def _line(group: list[tuple[int, dict]], problems: list, notes: list[str]) -> dict:
    index, item = group[0]
    path = f"line_items.{index}"
    product, variant = text(item.get("product_name")), text(item.get("sku_name"))
    name = f"{product} ({variant})" if product and variant else product or variant
    sku = text(item.get("seller_sku"))
    if sku is None:
        sku_id = text(item.get("sku_id"))
        if sku_id is None:
            problems.append({"field": f"{path}.seller_sku", "problem": "missing, and no sku_id to stand in"})
        else:
            sku = f"tiktok-{sku_id}"
            notes.append(f"{name or 'a line'} has no seller SKU in TikTok: recorded as {sku}")
    bundle = [
        f"{part.get('sku_count') or 1} × {text(part.get('seller_sku')) or text(part.get('sku_id'))}"
        for part in dicts(item.get("combined_listing_skus"))
    ]
    if bundle:
        notes.append(f"{sku} is a TikTok virtual bundle of {', '.join(bundle)}")
    discounts = [
        {"amount": sum((amount(unit.get(field), f"line_items.{i}.{field}", problems, default=Decimal(0))
                        for i, unit in group), Decimal(0)), "code": code}
        for field, code in (("seller_discount", "seller discount"), ("platform_discount", "TikTok platform discount"))
    ]
    return {
        "sku": sku,
        "name": name[:200] if name else None,
        "quantity": len(group),
        "unit_price": amount(item["original_price"], f"{path}.original_price", problems),
        "discounts": [discount for discount in discounts if discount["amount"]],
    }


def _placed_at(create_time: Any, problems: list) -> datetime | None:
    if isinstance(create_time, int) and not isinstance(create_time, bool):
        try:
            return datetime.fromtimestamp(create_time, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    problems.append({"field": "create_time", "problem": f"not a Unix time: {create_time!r}"})
    return None


def _status(order: dict, status: str, notes: list[str]) -> OrderStatus:
    ours = ORDER_STATUS[status]
    if ours == OrderStatus.CANCELLED:
        reason = text(order.get("cancel_reason")) or "none given"
        notes.append(f"cancelled in TikTok by {order.get('cancellation_initiator') or 'unknown'}, reason: {reason}")
        return ours
    if status == "UNPAID":
        notes.append("TikTok order not paid yet: do not ship until TikTok reports it paid")
    if order.get("is_buyer_request_cancel") is True:
        notes.append("the buyer has asked TikTok to cancel this order")
    fulfillment = order.get("fulfillment_type")
    if fulfillment is None or (isinstance(fulfillment, str) and SELLER_SHIPS.get(fulfillment, False)):
        return ours
    if ours != OrderStatus.RECEIVED:
        notes.append(f"fulfilled by the platform ({fulfillment}), not by us")
        return ours
    notes.append(f"fulfilled by the platform ({fulfillment}), not by us: held so the OMS does not ship it too")
    return OrderStatus.ON_HOLD


def _payment_status(order: dict, status: str) -> PaymentStatus:
    paid = PAYMENT_STATUS[status]
    cash_on_delivery = order.get("is_cod") is True
    if paid == PaymentStatus.VOIDED and order.get("paid_time") and not cash_on_delivery:
        return PaymentStatus.REFUNDED
    if paid == PaymentStatus.PAID and cash_on_delivery and status not in _CASH_COLLECTED:
        return PaymentStatus.PENDING
    if status == "ON_HOLD" and order.get("order_type") == "PRE_ORDER":
        return PaymentStatus.PENDING
    return paid


def _payment_method(order: dict, notes: list[str]) -> PaymentMethod:
    if order.get("is_cod") is True:
        return PaymentMethod.CASH_ON_DELIVERY
    if text(order.get("payment_card_type")):  # "Debit", "Credit" or "Prepaid"
        return PaymentMethod.CARD
    name = text(order.get("payment_method_name"))
    method = PAYMENT_METHOD.get(name.lower()) if name else None
    if method is None:
        notes.append(f"TikTok payment method {name or 'not named'} is not one we know: recorded as card")
        return PaymentMethod.CARD
    return method


def _delivery_method(order: dict, notes: list[str]) -> DeliveryMethod:
    kind = order.get("delivery_type")
    if kind is None:
        return DeliveryMethod.STANDARD
    if not (isinstance(kind, str) and kind in DELIVERY_METHOD):
        notes.append(f"TikTok delivery_type {kind!r} is not one we know: shipped as standard")
        return DeliveryMethod.STANDARD
    if kind == "COLLECTION_POINT":
        notes.append("the buyer collects from a carrier's collection point: ship to the address given")
    return DELIVERY_METHOD[kind]


def _customer(recipient: dict, notes: list[str]) -> dict | None:
    """The recipient. `buyer_email` is left out: TikTok gives an anonymised relay address and
    asks sellers to reach buyers through Seller Center instead."""
    name = text(recipient.get("name")) or full_name(recipient)
    given_phone = text(recipient.get("phone_number"))
    phone = None
    if given_phone and "*" in given_phone:
        notes.append("recipient phone masked by TikTok: dropped")
    elif given_phone:
        phone = e164(given_phone, text(recipient.get("region_code")))
        if phone is None:
            notes.append("recipient phone dropped: not a valid number")
    if name and "*" in name:
        notes.append("recipient name masked by TikTok (platform logistics): ship with TikTok's label")
    if not (name or phone):
        return None
    return {"name": name[:200] if name else None, "phone": phone}


def _address(recipient: dict) -> dict:
    lines = [text(recipient.get(f"address_line{n}")) for n in (2, 3, 4)]
    return {
        "name": text(recipient.get("name")) or full_name(recipient),
        "line1": text(recipient.get("address_line1"))
        or text(recipient.get("address_detail"))
        or text(recipient.get("full_address")),
        "line2": ", ".join(line for line in lines if line) or None,
        "city": _city(recipient),
        "region": _district(recipient, "L1"),
        "postal_code": text(recipient.get("postal_code")),
        "country": text(recipient.get("region_code")),
    }


def _city(recipient: dict) -> str | None:
    """The district TikTok names a city (the US L3), else the UK post town, else the most
    local district below the country."""
    districts = dicts(recipient.get("district_info"))
    named = next((text(d.get("address_name")) for d in districts
                  if (text(d.get("address_level_name")) or "").lower() == "city" and text(d.get("address_name"))), None)
    below_country = sorted(
        (d for d in districts if text(d.get("address_level")) not in (None, "L0") and text(d.get("address_name"))),
        key=lambda d: d["address_level"],
    )
    deepest = text(below_country[-1]["address_name"]) if below_country else None
    return named or text(recipient.get("post_town")) or deepest


def _district(recipient: dict, level: str) -> str | None:
    return next((text(d.get("address_name")) for d in dicts(recipient.get("district_info"))
                 if d.get("address_level") == level and text(d.get("address_name"))), None)


def _native_fields(line_paths: list[str]) -> dict[str, str]:
    """Canonical paths back to the TikTok fields they came from, for error reports."""
    native = {
        "channel_order_id": "id",
        "channel_order_number": "id",
        "placed_at": "create_time",
        "currency": "payment.currency",
        "customer.name": "recipient_address.name",
        "customer.phone": "recipient_address.phone_number",
        "delivery": "delivery_type",
        "payment": "payment_method_name",
        "shipping": "payment.shipping_fee",
        "tax": "payment.tax",
        "total": "payment.total_amount",
        "lines": "line_items",
        "shipping_address": "recipient_address",
        **{f"shipping_address.{ours}": f"recipient_address.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()},
    }
    for i, path in enumerate(line_paths):
        native.update({
            f"lines.{i}": path,
            f"lines.{i}.sku": f"{path}.seller_sku",
            f"lines.{i}.name": f"{path}.product_name",
            f"lines.{i}.quantity": path,
            f"lines.{i}.unit_price": f"{path}.original_price",
            f"lines.{i}.discounts": f"{path}.seller_discount",
        })
    return native




# Webhooks about what happened after the order: type 11 a cancellation's status, 12 a return's.
CANCELLATION_WEBHOOK, RETURN_WEBHOOK = 11, 12
# A cancellation TikTok has granted: the order is cancelled (and refunded by TikTok).
CANCELLATION_DONE = ("CANCELLATION_REQUEST_SUCCESS", "CANCELLATION_REQUEST_COMPLETE")
CANCELLATION_STATUS = ("CANCELLATION_REQUEST_PENDING", *CANCELLATION_DONE, "CANCELLATION_REQUEST_CANCELLED")
RETURN_STATUS = (
    "RETURN_OR_REFUND_REQUEST_PENDING", "REFUND_OR_RETURN_REQUEST_REJECT", "AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM",
    "REJECT_RECEIVE_PACKAGE", "RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_CANCEL",
    "RETURN_OR_REFUND_REQUEST_COMPLETE", "REPLACEMENT_REQUEST_PENDING", "REPLACEMENT_REQUEST_REJECT",
    "REPLACEMENT_REQUEST_REFUND_SUCCESS", "REPLACEMENT_REQUEST_CANCEL", "REPLACEMENT_REQUEST_COMPLETE",
    "AWAITING_BUYER_RESPONSE",
)


def refund_from(payload: dict) -> ChannelRefund | None:
    """A cancellation or return status webhook. They carry ids and a status, no amounts: a granted
    cancellation cancels the order; a return's progress is recorded for support (its amounts come
    from TikTok's Search Returns, which the OMS does not call)."""
    kind = payload.get("type") if isinstance(payload, dict) else None
    if kind not in (CANCELLATION_WEBHOOK, RETURN_WEBHOOK):
        return None
    data = as_dict(payload.get("data"))
    cancelling = kind == CANCELLATION_WEBHOOK
    status_field, known = ("cancel_status", CANCELLATION_STATUS) if cancelling else ("return_status", RETURN_STATUS)
    problems = require(data, "order_id", status_field, "cancel_id" if cancelling else "return_id")
    if data.get(status_field) is not None and data[status_field] not in known:
        problems.append({"field": f"data.{status_field}", "problem": "not a documented status"})
    if problems:
        raise ChannelPayloadError([{**p, "field": p["field"] if p["field"].startswith("data") else f"data.{p['field']}"}
                                   for p in problems])
    status = data[status_field]
    refund_id = f"{'cancel' if cancelling else 'return'}:{data['cancel_id' if cancelling else 'return_id']}:{status}"
    return ChannelRefund(
        channel_order_id=str(data["order_id"]), refund_id=refund_id, amount=None,
        completed=status in CANCELLATION_DONE or status == "RETURN_OR_REFUND_REQUEST_COMPLETE",
        at=moment(data.get("update_time") or payload.get("timestamp")), cancels_order=cancelling and status in CANCELLATION_DONE,
        note=f"TikTok {'cancellation' if cancelling else 'return'} {status} (by {data.get('cancellations_role') or data.get('return_role') or 'unknown'})")
