"""WooCommerce: the order webhook (order.created / order.updated) or a REST API v3 order.

The webhook body is the REST order itself. Money comes as strings with the store's
decimals. A line's `price` is a float of its *discounted* total divided by its quantity,
so prices are read from the line's `subtotal` (before discounts) and `total` (after).
Every line amount is net of tax; `total_tax` carries the tax of lines and shipping alike,
whether or not the store's prices include tax.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from oms.channels import ChannelOrder, ChannelPayloadError, ChannelRefund, WebhookSignature, e164, require, submission_from
from oms.channels.reading import amount, as_list, decimal, joined, moment, scalar_text, unit_price_and_discount
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

SIGNATURE = WebhookSignature(header="X-WC-Webhook-Signature", encoding="base64")

# Where an order stands for us. pending (not paid yet), on-hold (a bank transfer or cheque
# to confirm) and failed (declined; the customer may pay again) are kept but not fulfilled.
# completed means the merchant dispatched it: WooCommerce does not track delivery, so it is
# SHIPPED and a carrier's events may still take it to DELIVERED (a pickup is handed over:
# see _status). checkout-draft is the block checkout's cart, not yet placed (a REST pull
# may return it). trash is an order deleted in the admin.
ORDER_STATUS: dict[str, OrderStatus] = {
    "pending": OrderStatus.ON_HOLD,
    "processing": OrderStatus.RECEIVED,
    "on-hold": OrderStatus.ON_HOLD,
    "completed": OrderStatus.SHIPPED,
    "cancelled": OrderStatus.CANCELLED,
    "refunded": OrderStatus.REFUNDED,
    "failed": OrderStatus.ON_HOLD,
    "trash": OrderStatus.CANCELLED,
    "checkout-draft": OrderStatus.ON_HOLD,
}

PAYMENT_STATUS: dict[str, PaymentStatus] = {
    "pending": PaymentStatus.PENDING,
    "processing": PaymentStatus.PAID,
    "on-hold": PaymentStatus.PENDING,
    "completed": PaymentStatus.PAID,
    "cancelled": PaymentStatus.VOIDED,
    "refunded": PaymentStatus.REFUNDED,
    "failed": PaymentStatus.FAILED,
    "trash": PaymentStatus.VOIDED,
    "checkout-draft": PaymentStatus.PENDING,
}

# Plugins add statuses of their own ("shipped", "partially-paid", ...): such an order is
# kept and held for a person rather than refused or fulfilled on a guess.
UNKNOWN_STATUS = (OrderStatus.ON_HOLD, PaymentStatus.PENDING)

# Gateway ids: the core's (bacs, cheque, cod, paypal) and the most used gateway plugins'.
# A cheque is an offline payment the merchant confirms when it clears, as a bank transfer is.
PAYMENT_METHOD: dict[str, PaymentMethod] = {
    "bacs": PaymentMethod.BANK_TRANSFER,
    "cheque": PaymentMethod.BANK_TRANSFER,
    "cod": PaymentMethod.CASH_ON_DELIVERY,
    "paypal": PaymentMethod.WALLET,
    "ppcp-gateway": PaymentMethod.WALLET,
    "ppcp-credit-card-gateway": PaymentMethod.CARD,
    "stripe": PaymentMethod.CARD,
    "woocommerce_payments": PaymentMethod.CARD,
    "square_credit_card": PaymentMethod.CARD,
    "braintree_credit_card": PaymentMethod.CARD,
    "braintree_paypal": PaymentMethod.WALLET,
    "klarna_payments": PaymentMethod.BUY_NOW_PAY_LATER,
}
# Any plugin can be a gateway, and the money is taken already: an unknown one is recorded
# as a card, with a note, rather than the order refused.
UNKNOWN_PAYMENT_METHOD = PaymentMethod.CARD
# An order with nothing to pay has no gateway. We have no "none": a gift card is the
# nearest (nothing to collect, and never cash on delivery for screening's limit).
NOTHING_TO_PAY = PaymentMethod.GIFT_CARD

# Shipping method ids (core, the block checkout's local pickup, and WooCommerce 2.6's legacy).
DELIVERY_METHOD: dict[str, DeliveryMethod] = {
    "flat_rate": DeliveryMethod.STANDARD,
    "free_shipping": DeliveryMethod.STANDARD,
    "local_pickup": DeliveryMethod.STORE_PICKUP,
    "pickup_location": DeliveryMethod.STORE_PICKUP,
    "legacy_flat_rate": DeliveryMethod.STANDARD,
    "legacy_free_shipping": DeliveryMethod.STANDARD,
    "legacy_international_delivery": DeliveryMethod.STANDARD,
    "legacy_local_delivery": DeliveryMethod.STANDARD,
    "legacy_local_pickup": DeliveryMethod.STORE_PICKUP,
}
# Carrier and table-rate plugins ship to the address: standard, with a note.
UNKNOWN_DELIVERY_METHOD = DeliveryMethod.STANDARD

_ADDRESS_FIELDS = {
    "name": "first_name", "company": "company", "line1": "address_1", "line2": "address_2",
    "city": "city", "region": "state", "postal_code": "postcode", "country": "country",
}


def to_channel_order(payload: dict) -> ChannelOrder:
    problems = require(payload, "id", "status", "currency", "date_created_gmt", "total", "line_items.0")
    if problems:
        raise ChannelPayloadError(problems)
    notes: list[str] = []
    lines, line_fields = _lines(payload, notes, problems)
    placed_at = _utc(payload["date_created_gmt"], "date_created_gmt", problems)
    total = amount(payload["total"], "total", problems)
    shipping = amount(payload.get("shipping_total") or "0", "shipping_total", problems)
    tax = amount(payload.get("total_tax") or "0", "total_tax", problems)
    discount = _fees(payload, notes, problems)
    refunded = _refunded(payload, problems)
    if problems:
        raise ChannelPayloadError(problems)

    status = str(payload["status"])
    delivery, delivery_field = _delivery(payload, notes)
    shipping_address, shipping_source = _shipping_address(payload, delivery, notes)
    payment_method = _payment_method(payload, total, notes)
    order_status, payment_status = _status(status, delivery, payment_method, refunded, notes)
    canonical = {
        "channel_order_id": str(payload["id"]),
        "channel_order_number": scalar_text(payload.get("number")),
        "placed_at": placed_at,
        "currency": payload["currency"],
        "customer": _customer(payload.get("billing"), notes),
        "delivery": delivery,
        "payment": {
            "method": payment_method,
            "status": payment_status,
            "reference": scalar_text(payload.get("transaction_id")),
        },
        "shipping_address": shipping_address,
        "billing_address": _address(payload.get("billing")),
        "lines": lines,
        "shipping": shipping,
        "tax": tax,
        "discount": discount,
        "total": total,
    }
    native_field_of = {
        "channel_order_id": "id", "channel_order_number": "number", "placed_at": "date_created_gmt",
        "currency": "currency", "customer.name": "billing.first_name", "customer.email": "billing.email",
        "shipping": "shipping_total", "tax": "total_tax", "discount": "fee_lines", "total": "total",
        "lines": "line_items", "delivery": delivery_field, "delivery.pickup_location_id": delivery_field,
        "shipping_address": shipping_source, "billing_address": "billing",
        **{f"shipping_address.{ours}": f"{shipping_source}.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()},
        **{f"billing_address.{ours}": f"billing.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()},
        **line_fields,
    }
    return ChannelOrder(
        submission=submission_from(canonical, native_field_of),
        status=order_status,
        channel_status=status,
        notes=tuple(notes),
        updated_at=moment(payload.get("date_modified_gmt")),
        # An order lists its refunds (there is no refund webhook): each is money paid back.
        refunds=tuple(ChannelRefund(channel_order_id=str(payload["id"]), refund_id=str(refund.get("id")),
                                    amount=abs(read), completed=True, note=scalar_text(refund.get("reason")))
                      for refund in as_list(payload.get("refunds")) if isinstance(refund, dict)
                      and refund.get("id") is not None and (read := decimal(refund.get("total"))) is not None),
    )


def _lines(payload: dict, notes: list[str], problems: list[dict[str, str]]) -> tuple[list[dict], dict[str, str]]:
    coupons = [c.get("code") for c in as_list(payload.get("coupon_lines")) if isinstance(c, dict) and c.get("code")]
    # WooCommerce spreads coupons over the lines without saying which gave what: a line's
    # discount can be named only when the order has a single coupon.
    coupon = coupons[0] if len(coupons) == 1 else None
    lines, fields = [], {}
    for index, item in enumerate(as_list(payload["line_items"])):
        native = f"line_items.{index}"
        missing = require(payload, f"{native}.quantity", f"{native}.subtotal", f"{native}.total")
        if missing:
            problems += missing
            continue
        quantity = _quantity(item["quantity"], f"{native}.quantity", problems)
        subtotal = amount(item["subtotal"], f"{native}.subtotal", problems)
        net = amount(item["total"], f"{native}.total", problems)
        unit_price, discount = unit_price_and_discount(subtotal, net, quantity, native, notes)
        name = scalar_text(html.unescape(str(item.get("name") or "")))  # names arrive HTML-escaped ("&ndash;")
        lines.append({
            "sku": _sku(item, native, notes),
            "name": name[:200] if name else None,
            "quantity": quantity,
            "unit_price": unit_price,
            "discounts": [{"amount": discount, "code": coupon}] if discount else [],
        })
        ours = f"lines.{len(lines) - 1}"
        fields |= {
            ours: native, f"{ours}.sku": f"{native}.sku", f"{ours}.name": f"{native}.name",
            f"{ours}.quantity": f"{native}.quantity", f"{ours}.unit_price": f"{native}.subtotal",
            f"{ours}.discounts.0.amount": f"{native}.total", f"{ours}.discounts.0.code": "coupon_lines.0.code",
        }
    return lines, fields


def _sku(item: dict, native: str, notes: list[str]) -> str:
    if sku := scalar_text(item.get("sku")):
        return sku
    if item.get("variation_id"):
        reference = f"woocommerce-variation-{item['variation_id']}"
    elif item.get("product_id"):
        reference = f"woocommerce-product-{item['product_id']}"
    else:  # the product was deleted from the store since
        reference = f"woocommerce-line-{item.get('id')}"
    notes.append(f"{native} has no SKU: recorded as {reference}")
    return reference


def _fees(payload: dict, notes: list[str], problems: list[dict[str, str]]) -> Decimal:
    """Negative fees are discounts; a positive fee (a surcharge, gift wrap) has no place in
    our order, so it stays in the total and shows as its discrepancy, with a note."""
    discount = Decimal(0)
    for index, fee in enumerate(as_list(payload.get("fee_lines"))):
        if not isinstance(fee, dict):
            continue
        fee_total = amount(fee.get("total"), f"fee_lines.{index}.total", problems)
        if fee_total < 0:
            discount -= fee_total
        elif fee_total > 0:
            notes.append(f"fee_lines.{index} ({scalar_text(fee.get('name'))}, {fee_total}) is not an order line: "
                         "it is in the total only")
    return discount


def _refunded(payload: dict, problems: list[dict[str, str]]) -> Decimal:
    """What was refunded so far: each refund's total is negative ("-10.00")."""
    return sum((abs(amount(refund.get("total"), f"refunds.{index}.total", problems))
                for index, refund in enumerate(as_list(payload.get("refunds"))) if isinstance(refund, dict)), Decimal(0))


def _status(
    status: str, delivery: dict, payment_method: PaymentMethod, refunded: Decimal, notes: list[str]
) -> tuple[OrderStatus, PaymentStatus]:
    if status in ORDER_STATUS:
        order_status, payment_status = ORDER_STATUS[status], PAYMENT_STATUS[status]
    else:
        order_status, payment_status = UNKNOWN_STATUS
        notes.append(f"status {status!r} is not one of WooCommerce's: held for review")
    if order_status == OrderStatus.SHIPPED and delivery["method"] == DeliveryMethod.STORE_PICKUP:
        order_status = OrderStatus.DELIVERED  # a completed pickup was handed over the counter
    if payment_method == PaymentMethod.CASH_ON_DELIVERY and status == "processing":
        payment_status = PaymentStatus.PENDING  # WooCommerce sets cash orders processing before any cash moves
    if payment_status == PaymentStatus.PAID and refunded:
        payment_status = PaymentStatus.PARTIALLY_REFUNDED  # fully refunded would be "refunded"
    return order_status, payment_status


def _payment_method(payload: dict, total: Decimal, notes: list[str]) -> PaymentMethod:
    gateway = scalar_text(payload.get("payment_method"))
    if gateway in PAYMENT_METHOD:
        return PAYMENT_METHOD[gateway]
    if gateway is None and total == 0:
        return NOTHING_TO_PAY
    title = scalar_text(payload.get("payment_method_title"))
    notes.append(f"payment_method {gateway!r} ({title}) is not one we know: recorded as {UNKNOWN_PAYMENT_METHOD}")
    return UNKNOWN_PAYMENT_METHOD


def _delivery(payload: dict, notes: list[str]) -> tuple[dict, str]:
    shipping_lines = [line for line in as_list(payload.get("shipping_lines")) if isinstance(line, dict)]
    if not shipping_lines:
        notes.append(f"no shipping line: recorded as {UNKNOWN_DELIVERY_METHOD} delivery")
        return {"method": UNKNOWN_DELIVERY_METHOD}, "shipping_lines"
    line = shipping_lines[0]
    # Older orders carry the instance in the method id (the docs' 3.0 example: "flat_rate:25").
    # An instance of "0" is none, as PHP reads it (the block checkout's pickup has none).
    method_id, _, legacy_instance = str(line.get("method_id") or "").partition(":")
    instance_id = scalar_text(line.get("instance_id")) or legacy_instance
    instance_id = None if instance_id in ("", "0") else instance_id
    title = scalar_text(line.get("method_title"))
    if len({str(other.get("method_id")) for other in shipping_lines}) > 1:
        notes.append(f"{len(shipping_lines)} shipping lines of different methods: delivery follows shipping_lines.0")
    method = DELIVERY_METHOD.get(method_id)
    if method is None:
        method = UNKNOWN_DELIVERY_METHOD
        notes.append(f"shipping method {method_id!r} ({title}) is not one we know: recorded as {method}")
    if method != DeliveryMethod.STORE_PICKUP:
        return {"method": method}, "shipping_lines.0.method_id"
    location = f"woocommerce-{instance_id or method_id}"
    chosen = [f"{meta.get('key')}: {meta.get('value')}" for meta in as_list(line.get("meta_data"))
              if isinstance(meta, dict) and meta.get("key") in ("pickup_location", "pickup_address")]
    notes.append(f"store pickup ({'; '.join([title or method_id, *chosen])}): "
                 f"map pickup location {location} to one of our stores")
    return {"method": method, "pickup_location_id": location}, "shipping_lines.0.instance_id"


def _shipping_address(payload: dict, delivery: dict, notes: list[str]) -> tuple[dict | None, str]:
    address = _address(payload.get("shipping"))
    if address is not None or delivery["method"] == DeliveryMethod.STORE_PICKUP:
        return address, "shipping"
    # WooCommerce's checkout copies the billing address into an empty shipping one; an order
    # created in the admin or over the API may not have, so we do the same.
    if (address := _address(payload.get("billing"))) is not None:
        notes.append("shipping address is empty: the billing address is used")
    return address, "billing"


def _customer(billing: Any, notes: list[str]) -> dict | None:
    if not isinstance(billing, dict):
        return None
    phone = e164(scalar_text(billing.get("phone")), scalar_text(billing.get("country")))
    if phone is None and scalar_text(billing.get("phone")):
        notes.append("billing.phone dropped: not a valid phone number")
    customer = {
        "name": joined(billing.get("first_name"), billing.get("last_name")),
        "email": scalar_text(billing.get("email")),
        "phone": phone,
    }
    return customer if any(customer.values()) else None


def _address(block: Any) -> dict | None:
    """Our address from a billing or shipping block; None when it holds no address at all
    (WooCommerce sends every field, empty)."""
    if not isinstance(block, dict) or not any(scalar_text(block.get(k)) for k in ("address_1", "city", "country")):
        return None
    address = {ours: scalar_text(block.get(theirs)) for ours, theirs in _ADDRESS_FIELDS.items()}
    address["name"] = joined(block.get("first_name"), block.get("last_name"))
    return address


def _quantity(value: Any, field: str, problems: list[dict[str, str]]) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    problems.append({"field": field, "problem": "not a whole number"})
    return 0


def _utc(value: Any, field: str, problems: list[dict[str, str]]) -> datetime | None:
    """WooCommerce's *_gmt times are UTC without an offset (the others are the site's
    local time, whose zone the order does not say): made timezone-aware."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        problems.append({"field": field, "problem": "not an ISO-8601 time"})
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
