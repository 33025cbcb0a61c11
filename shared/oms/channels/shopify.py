"""Shopify: the orders/create webhook body, which is the REST Admin Order resource.

Money is read from the plain fields (`price`, `total_price`, ...). Shopify states them in
the shop's currency, `currency`, in every API version; the `*_set` objects of 2019 and
later carry the same shop amounts beside the customer's `presentment_currency` ones. The
shop currency is what Shopify pays the merchant and reports in, and the only one the
older shape has, so it is the order's currency here.

Discounts: every discount Shopify applies is allocated to a line item or a shipping line
(`discount_allocations`), and `total_discounts` is their sum. Lines carry their own
allocations and shipping is taken after its own (`discounted_price`), so the order-level
discount is only what `total_discounts` leaves unallocated: for the older shape, which
has no allocations, that is all of it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from oms.channels import ChannelOrder, ChannelRefund, ChannelPayloadError, WebhookSignature, e164, require, submission_from
from oms.channels.reading import amount, as_dict, as_list, decimal, dicts, full_name, moment, text
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

SIGNATURE: WebhookSignature | None = WebhookSignature(header="X-Shopify-Hmac-Sha256", encoding="base64")

# `financial_status`; "expired" (an authorization that lapsed before capture, from the
# GraphQL display enum) holds no money any more, as a voided one does.
PAYMENT_STATUS: dict[str, PaymentStatus] = {
    "pending": PaymentStatus.PENDING,
    "authorized": PaymentStatus.AUTHORIZED,
    "partially_paid": PaymentStatus.PARTIALLY_PAID,
    "paid": PaymentStatus.PAID,
    "partially_refunded": PaymentStatus.PARTIALLY_REFUNDED,
    "refunded": PaymentStatus.REFUNDED,
    "voided": PaymentStatus.VOIDED,
    "expired": PaymentStatus.VOIDED,
}

# `fulfillment_status`: null = nothing fulfilled yet; "restocked" = every line restocked
# and the order cancelled. A cancelled (`cancelled_at`) or fully refunded order is so
# whatever this says.
FULFILLMENT_STATUS: dict[str | None, OrderStatus] = {
    None: OrderStatus.RECEIVED,
    "partial": OrderStatus.PARTIALLY_SHIPPED,
    "fulfilled": OrderStatus.SHIPPED,
    "restocked": OrderStatus.CANCELLED,
}

# `payment_gateway_names` / `gateway`, lower-cased. Gateway names are open-ended (every
# payment app and every manual method the merchant types has its own), so an unknown one
# is recorded as card with a note rather than refused: the order is paid or not by
# `financial_status`, which is a closed list; the method only informs.
PAYMENT_METHOD: dict[str, PaymentMethod] = {
    "shopify_payments": PaymentMethod.CARD,
    "bogus": PaymentMethod.CARD,  # Shopify's test gateway, which simulates a card
    "authorize_net": PaymentMethod.CARD,
    "stripe": PaymentMethod.CARD,
    "paypal": PaymentMethod.WALLET,
    "gift_card": PaymentMethod.GIFT_CARD,
    "cash": PaymentMethod.CASH,  # handed over at a POS till: nothing left to collect
    "cash on delivery (cod)": PaymentMethod.CASH_ON_DELIVERY,
    # Settled outside checkout (an admin-created or draft order); Shopify's other manual methods:
    "manual": PaymentMethod.BANK_TRANSFER,
    "bank deposit": PaymentMethod.BANK_TRANSFER,
    "money order": PaymentMethod.BANK_TRANSFER,
}

# Words in a shipping line's merchant-written `title` or `code`, first match wins (an
# "express pickup" is a pickup). Anything else is the merchant's ordinary shipping.
DELIVERY_KEYWORDS: dict[str, DeliveryMethod] = {
    "pickup": DeliveryMethod.STORE_PICKUP,
    "pick up": DeliveryMethod.STORE_PICKUP,
    "pick-up": DeliveryMethod.STORE_PICKUP,
    "click & collect": DeliveryMethod.STORE_PICKUP,
    "click and collect": DeliveryMethod.STORE_PICKUP,
    "same day": DeliveryMethod.SAME_DAY,
    "same-day": DeliveryMethod.SAME_DAY,
    "express": DeliveryMethod.EXPRESS,
    "overnight": DeliveryMethod.EXPRESS,
    "next day": DeliveryMethod.EXPRESS,
    "next-day": DeliveryMethod.EXPRESS,
    "priority": DeliveryMethod.EXPRESS,
    "expedited": DeliveryMethod.EXPRESS,
}

# An online-store pickup order names its store only in Shopify's fulfillment orders, not in
# the Order (`location_id` is set for POS sales only): staff choose the store.
UNKNOWN_PICKUP_LOCATION = "shopify-unknown-location"

_ADDRESS_FIELDS = {
    "name": "first_name",
    "company": "company",
    "line1": "address1",
    "line2": "address2",
    "city": "city",
    "region": "province_code",
    "postal_code": "zip",
    "country": "country_code",
    "latitude": "latitude",
    "longitude": "longitude",
}
_COORDINATE = Decimal("1e-7")


def to_channel_order(payload: dict) -> ChannelOrder:
    problems = _shape_problems(payload)
    if problems:
        raise ChannelPayloadError(problems)
    notes: list[str] = []
    applications = dicts(payload.get("discount_applications"))
    lines = [_line(item, index, applications, problems, notes) for index, item in enumerate(payload["line_items"])]
    shipping_lines = dicts(payload.get("shipping_lines"))
    shipping, shipping_discount = _shipping(shipping_lines, problems)
    allocated = sum((d["amount"] for line in lines for d in line["discounts"]), shipping_discount)
    total_discounts = _optional_amount(payload, "total_discounts", problems)
    unallocated = Decimal(0) if total_discounts is None else max(total_discounts - allocated, Decimal(0))
    tax = _optional_amount(payload, "total_tax", problems) or Decimal(0)
    total = amount(payload["total_price"], "total_price", problems)
    delivery = _delivery(payload, shipping_lines, problems, notes)
    if problems:
        raise ChannelPayloadError(problems)

    currency = payload["currency"]
    if payload.get("taxes_included") is True:
        # Prices, shipping and the total already hold the tax: adding it again would charge it twice.
        notes.append(f"prices include tax of {tax} {currency} (Shopify taxes_included): not added on top")
        tax = Decimal(0)
    presentment = text(payload.get("presentment_currency"))
    if presentment and presentment != currency:
        notes.append(f"customer paid in {presentment}; amounts are in the shop currency {currency}")
    if payload.get("test") is True:
        notes.append("Shopify test order: no real payment was taken")

    shipping_address = as_dict(payload.get("shipping_address"))
    billing_address = as_dict(payload.get("billing_address"))
    country = text(shipping_address.get("country_code")) or text(billing_address.get("country_code"))
    payment_status = PAYMENT_STATUS[payload["financial_status"]]
    canonical = {
        "channel_order_id": str(payload["id"]),
        "channel_order_number": text(payload.get("name")) or text(str(payload.get("order_number") or "")),
        "locale": text(payload.get("customer_locale")),
        "placed_at": payload["created_at"],
        "currency": currency,
        "customer": _customer(payload, country, notes),
        "delivery": delivery,
        "payment": {"method": _payment_method(payload, notes), "status": payment_status},
        "shipping_address": _address(shipping_address) if shipping_address else None,
        "billing_address": _billing_address(billing_address, notes),
        "lines": lines,
        "shipping": shipping,
        "tax": tax,
        "discount": unallocated,
        "total": total,
    }
    submission = submission_from(canonical, _native_fields(len(lines)))
    status = _status(payload, payment_status, delivery["method"], notes)
    return ChannelOrder(
        submission=submission, status=status, channel_status=_channel_status(payload), notes=tuple(notes),
        updated_at=moment(payload.get("updated_at")),
        refunds=tuple(_refund(payload.get("id"), refund) for refund in dicts(payload.get("refunds"))),
    )


def _shape_problems(payload: Any) -> list[dict[str, str]]:
    problems = require(payload, "id", "created_at", "currency", "financial_status", "total_price")
    items = payload.get("line_items") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        return [*problems, {"field": "line_items", "problem": "missing"}]
    problems += require(
        payload, *(f"line_items.{i}.{name}" for i in range(len(items)) for name in ("price", "quantity"))
    )
    if payload.get("id") is not None and not isinstance(payload["id"], (int, str)):
        problems.append({"field": "id", "problem": "not an order id"})
    financial = payload.get("financial_status")
    if financial is not None and not (isinstance(financial, str) and financial in PAYMENT_STATUS):
        problems.append({"field": "financial_status", "problem": f"unknown value {financial!r}"})
    fulfillment = payload.get("fulfillment_status")
    if fulfillment is not None and not (isinstance(fulfillment, str) and fulfillment in FULFILLMENT_STATUS):
        problems.append({"field": "fulfillment_status", "problem": f"unknown value {fulfillment!r}"})
    return problems


def _line(item: dict, index: int, applications: list[dict], problems: list, notes: list[str]) -> dict:
    path = f"line_items.{index}"
    name = (text(item.get("name")) or text(item.get("title")) or "")[:200] or None
    sku = text(item.get("sku"))
    if sku is None:
        sku = _fallback_sku(item)
        if sku is None:
            problems.append({"field": f"{path}.sku", "problem": "missing, and no variant_id or id to stand in"})
        else:
            notes.append(f"line {index + 1} ({name or 'unnamed'}) has no SKU in Shopify: recorded as {sku}")
    discounts = []
    for j, allocation in enumerate(dicts(item.get("discount_allocations"))):
        allocated = amount(allocation.get("amount"), f"{path}.discount_allocations.{j}.amount", problems)
        if allocated:
            code = _discount_name(applications, allocation.get("discount_application_index"))
            discounts.append({"amount": allocated, "code": code})
    return {
        "sku": sku,
        "name": name,
        "quantity": item["quantity"],
        "unit_price": amount(item["price"], f"{path}.price", problems),
        "discounts": discounts,
    }


def _fallback_sku(item: dict) -> str | None:
    if isinstance(item.get("variant_id"), (int, str)):
        return f"shopify-variant-{item['variant_id']}"
    if isinstance(item.get("id"), (int, str)):
        return f"shopify-line-{item['id']}"  # a custom item, sold without a product variant
    return None


def _discount_name(applications: list[dict], index: Any) -> str | None:
    if not isinstance(index, int) or not 0 <= index < len(applications):
        return None
    application = applications[index]
    # Codes have a `code`; manual, automatic and script discounts a `title`.
    return text(application.get("code")) or text(application.get("title"))


def _shipping(shipping_lines: list[dict], problems: list) -> tuple[Decimal, Decimal]:
    """What shipping costs after its own discounts (`discounted_price`, where given), and those discounts."""
    charged = discounted_by = Decimal(0)
    for i, line in enumerate(shipping_lines):
        price = amount(line.get("price"), f"shipping_lines.{i}.price", problems)
        after = price if line.get("discounted_price") is None else amount(
            line["discounted_price"], f"shipping_lines.{i}.discounted_price", problems
        )
        charged += after
        discounted_by += price - after
    return charged, discounted_by


def _delivery(payload: dict, shipping_lines: list[dict], problems: list, notes: list[str]) -> dict:
    location_id = payload.get("location_id")
    if payload.get("source_name") == "pos" and not shipping_lines:
        # A sale at the counter: the goods leave with the customer from that store.
        if not isinstance(location_id, (int, str)):
            problems.append({"field": "location_id", "problem": "missing: a POS sale names its store"})
            return {"method": DeliveryMethod.STORE_PICKUP}
        return _pickup(f"shopify-{location_id}", f"Shopify POS location {location_id}", notes)
    method = _shipping_method(shipping_lines)
    if method != DeliveryMethod.STORE_PICKUP:
        return {"method": method}
    if isinstance(location_id, (int, str)):
        return _pickup(f"shopify-{location_id}", f"Shopify location {location_id}", notes)
    notes.append("pickup order without a Shopify location_id: choose the pickup store")
    return {"method": method, "pickup_location_id": UNKNOWN_PICKUP_LOCATION}


def _pickup(location: str, described: str, notes: list[str]) -> dict:
    notes.append(f"pickup at {described}: map it to an OMS location as {location}")
    return {"method": DeliveryMethod.STORE_PICKUP, "pickup_location_id": location}


def _shipping_method(shipping_lines: list[dict]) -> DeliveryMethod:
    for line in shipping_lines:
        words = f"{text(line.get('title')) or ''} {text(line.get('code')) or ''}".lower()
        for keyword, method in DELIVERY_KEYWORDS.items():
            if keyword in words:
                return method
    return DeliveryMethod.STANDARD


def _payment_method(payload: dict, notes: list[str]) -> PaymentMethod:
    names = [name.strip() for name in as_list(payload.get("payment_gateway_names")) if text(name)]
    if not names and text(payload.get("gateway")):
        names = [payload["gateway"].strip()]  # the older shape's single gateway
    if len(names) > 1:
        notes.append(f"paid through several gateways: {', '.join(names)}")
    # A gift card that pays part of an order leaves the rest to the gateway that matters.
    chosen = next((name for name in names if name.lower() != "gift_card"), names[0] if names else None)
    method = PAYMENT_METHOD.get(chosen.lower()) if chosen else None
    if method is None:
        notes.append(f"payment gateway {chosen or 'not named'} is not one we know: recorded as card")
        return PaymentMethod.CARD
    return method


def _customer(payload: dict, country: str | None, notes: list[str]) -> dict | None:
    customer = as_dict(payload.get("customer"))
    name = (
        full_name(customer)
        or full_name(as_dict(payload.get("billing_address")))
        or full_name(as_dict(payload.get("shipping_address")))
    )
    email = text(customer.get("email")) or text(payload.get("email")) or text(payload.get("contact_email"))
    given_phone = text(customer.get("phone")) or text(payload.get("phone"))
    phone = e164(given_phone, country)
    if given_phone and phone is None:
        notes.append("customer phone dropped: not a valid number")
    if not (name or email or phone):
        return None  # a walk-in sale with no customer attached
    return {"name": name, "email": email, "phone": phone}


def _address(address: dict) -> dict:
    return {
        "name": full_name(address) or text(address.get("name")),
        "company": text(address.get("company")),
        "line1": text(address.get("address1")),
        "line2": text(address.get("address2")),
        "city": text(address.get("city")),
        "region": text(address.get("province_code")) or text(address.get("province")),
        "postal_code": text(address.get("zip")),
        "country": text(address.get("country_code")),
        "latitude": _coordinate(address.get("latitude"), 90),
        "longitude": _coordinate(address.get("longitude"), 180),
    }


def _billing_address(address: dict, notes: list[str]) -> dict | None:
    if not address:
        return None
    billing = _address(address)
    if not (billing["line1"] and billing["city"] and billing["country"]):
        # Wallets may pass on only part of it; the order ships to the shipping address anyway.
        notes.append("billing address incomplete in Shopify: left out")
        return None
    return billing


def _coordinate(value: Any, limit: int) -> Decimal | None:
    """Shopify's geocode, a number (or a string in the older shape); unusable ones are left out."""
    if not isinstance(value, (int, float, str)) or isinstance(value, bool):
        return None
    try:
        coordinate = Decimal(str(value))
    except InvalidOperation:
        return None
    if not coordinate.is_finite() or abs(coordinate) > limit:
        return None
    # Finer than a centimetre is noise, and more than the model keeps.
    return coordinate.quantize(_COORDINATE) if coordinate.as_tuple().exponent < -7 else coordinate


def _status(payload: dict, payment: PaymentStatus, delivery: DeliveryMethod, notes: list[str]) -> OrderStatus:
    if payload.get("cancelled_at"):
        reason = payload.get("cancel_reason") or "none given"
        notes.append(f"cancelled in Shopify at {payload['cancelled_at']}, reason: {reason}")
        return OrderStatus.CANCELLED
    if payment == PaymentStatus.REFUNDED:
        return OrderStatus.REFUNDED
    status = FULFILLMENT_STATUS[payload.get("fulfillment_status")]
    if status == OrderStatus.SHIPPED and delivery == DeliveryMethod.STORE_PICKUP:
        return OrderStatus.DELIVERED  # a fulfilled pickup is one the customer has collected
    return status


def _channel_status(payload: dict) -> str:
    fulfillment = payload.get("fulfillment_status") or "null"
    words = f"financial_status={payload['financial_status']}, fulfillment_status={fulfillment}"
    if payload.get("cancelled_at"):
        words += f", cancel_reason={payload.get('cancel_reason') or 'null'}"
    return words


def _native_fields(line_count: int) -> dict[str, str]:
    """Canonical paths back to the Shopify fields they came from, for error reports."""
    native = {
        "channel_order_id": "id",
        "channel_order_number": "name",
        "locale": "customer_locale",
        "placed_at": "created_at",
        "currency": "currency",
        "customer.email": "email",
        "customer.name": "customer.first_name",
        "delivery": "location_id",
        "payment.status": "financial_status",
        "shipping": "shipping_lines",
        "tax": "total_tax",
        "discount": "total_discounts",
        "total": "total_price",
        "lines": "line_items",
    }
    for kind in ("shipping_address", "billing_address"):
        native[kind] = kind
        native.update({f"{kind}.{ours}": f"{kind}.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()})
    for i in range(line_count):
        native.update({
            f"lines.{i}": f"line_items.{i}",
            f"lines.{i}.sku": f"line_items.{i}.sku",
            f"lines.{i}.name": f"line_items.{i}.name",
            f"lines.{i}.quantity": f"line_items.{i}.quantity",
            f"lines.{i}.unit_price": f"line_items.{i}.price",
            f"lines.{i}.discounts": f"line_items.{i}.discount_allocations",
        })
    return native


def _optional_amount(payload: dict, field: str, problems: list) -> Decimal | None:
    return None if payload.get(field) is None else amount(payload[field], field, problems)


def refund_from(payload: dict) -> ChannelRefund | None:
    """A refunds/create webhook: a Refund, not an Order (it names its order and has no line items)."""
    if not isinstance(payload, dict) or "refund_line_items" not in payload or "line_items" in payload:
        return None
    if text(str(payload.get("order_id") or "")) is None or payload.get("id") is None:
        raise ChannelPayloadError([{"field": name, "problem": "missing"} for name in ("order_id", "id")
                                   if payload.get(name) is None])
    return _refund(payload["order_id"], payload)


def _refund(order_id: Any, refund: dict) -> ChannelRefund:
    """Its successful refund transactions are what was paid back; lines restocked as `cancel`
    were never shipped, and are cancelled with it."""
    paid = [t for t in dicts(refund.get("transactions")) if t.get("kind") == "refund" and t.get("status") == "success"]
    amount = sum((amount_read for t in paid if (amount_read := decimal(t.get("amount"))) is not None), Decimal(0))
    cancels = tuple((sku, int(line.get("quantity") or 0)) for line in dicts(refund.get("refund_line_items"))
                    if line.get("restock_type") == "cancel" and (sku := text(as_dict(line.get("line_item")).get("sku")))
                    and int(line.get("quantity") or 0) > 0)
    return ChannelRefund(channel_order_id=str(order_id), refund_id=str(refund.get("id")), amount=amount,
                         completed=bool(paid), at=moment(refund.get("created_at")), cancels=cancels,
                         note=text(refund.get("note")))
