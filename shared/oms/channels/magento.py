"""Magento 2 / Adobe Commerce: a sales order as `GET /V1/orders/{id}` returns it
(salesOrderRepositoryV1).

Amounts are JSON numbers, each twice: in the order's currency (`grand_total`, `price`, ...)
and in the store's base currency (`base_grand_total`, ...). We take the order currency's,
which is what the customer was charged and the invoice shows; the base amounts are the
merchant's accounting view. `created_at` is UTC written without an offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from oms.channels import ChannelOrder, ChannelPayloadError, ChannelRefund, WebhookSignature, e164, require, submission_from
from oms.channels.reading import amount, as_list, joined, moment, scalar_text, unit_price_and_discount
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

# Magento has no standard signed order webhook: integrations pull orders over REST with an
# integration's bearer token. (Adobe Commerce's optional webhooks module signs with an RSA
# key pair, not a shared-secret HMAC, so there is nothing here for WebhookSignature.)
SIGNATURE: WebhookSignature | None = None

# Where an order stands for us, by its `state` (the fixed set in Magento's Sales Order
# model; `status` is a store-defined label under a state, kept as the channel status).
# new: placed, not invoiced (offline payments and cash on delivery start here).
# pending_payment: waiting for a payment gateway's redirect or 3-D Secure; holded: put on
# hold by the merchant; payment_review: the gateway flagged it; these are not fulfilled.
# complete: invoiced and shipped, and Magento does not track delivery: SHIPPED, so a
# carrier's events may still take it to DELIVERED (a pickup is handed over: see _statuses).
# closed: credit-memoed in full.
ORDER_STATUS: dict[str, OrderStatus] = {
    "new": OrderStatus.RECEIVED,
    "pending_payment": OrderStatus.ON_HOLD,
    "processing": OrderStatus.RECEIVED,
    "complete": OrderStatus.SHIPPED,
    "closed": OrderStatus.REFUNDED,
    "canceled": OrderStatus.CANCELLED,
    "holded": OrderStatus.ON_HOLD,
    "payment_review": OrderStatus.ON_HOLD,
}
# The "fraud" status (Suspected Fraud) sits under the processing or payment_review state.
STATUS_OVERRIDE: dict[str, OrderStatus] = {"fraud": OrderStatus.ON_HOLD}

# What the state says of the money; refined by the payment's own amounts where it states
# them (an order authorised but not captured is "processing" too).
PAYMENT_STATUS: dict[str, PaymentStatus] = {
    "new": PaymentStatus.PENDING,
    "pending_payment": PaymentStatus.PENDING,
    "processing": PaymentStatus.PAID,
    "complete": PaymentStatus.PAID,
    "closed": PaymentStatus.REFUNDED,
    "canceled": PaymentStatus.VOIDED,
    "holded": PaymentStatus.PENDING,
    "payment_review": PaymentStatus.PENDING,
}

# Payment method codes of Magento's core and bundled modules (offline methods, Braintree,
# PayPal) and Adobe Commerce B2B's payment on account. Check / money order is offline
# money the merchant confirms when it clears, as a bank transfer is; a purchase order is
# paid later against an invoice, by transfer.
PAYMENT_METHOD: dict[str, PaymentMethod] = {
    "checkmo": PaymentMethod.BANK_TRANSFER,
    "banktransfer": PaymentMethod.BANK_TRANSFER,
    "cashondelivery": PaymentMethod.CASH_ON_DELIVERY,
    "purchaseorder": PaymentMethod.BANK_TRANSFER,
    "companycredit": PaymentMethod.BANK_TRANSFER,
    # Zero Subtotal Checkout: nothing to pay. We have no "none": a gift card is the nearest
    # (nothing to collect, and never cash on delivery for screening's limit).
    "free": PaymentMethod.GIFT_CARD,
    "braintree": PaymentMethod.CARD,
    "braintree_cc_vault": PaymentMethod.CARD,
    "braintree_paypal": PaymentMethod.WALLET,
    "braintree_paypal_vault": PaymentMethod.WALLET,
    "braintree_applepay": PaymentMethod.WALLET,
    "braintree_googlepay": PaymentMethod.WALLET,
    "braintree_venmo": PaymentMethod.WALLET,
    "braintree_ach_direct_debit": PaymentMethod.BANK_TRANSFER,
    "paypal_express": PaymentMethod.WALLET,
    "paypal_express_bml": PaymentMethod.BUY_NOW_PAY_LATER,
    "payflow_express": PaymentMethod.WALLET,
    "payflow_express_bml": PaymentMethod.BUY_NOW_PAY_LATER,
    "paypal_billing_agreement": PaymentMethod.WALLET,
    "payflowpro": PaymentMethod.CARD,
    "payflow_link": PaymentMethod.CARD,
    "payflow_advanced": PaymentMethod.CARD,
    "hosted_pro": PaymentMethod.CARD,
    "authorizenet_acceptjs": PaymentMethod.CARD,
}
# Payment modules are many and the money is taken already: an unknown one is recorded as
# a card, with a note, rather than the order refused.
UNKNOWN_PAYMENT_METHOD = PaymentMethod.CARD

# A shipping method is "<carrier>_<method>" (flatrate_flatrate, tablerate_bestway,
# instore_pickup, ups_GND): the carrier says how the goods travel.
DELIVERY_METHOD: dict[str, DeliveryMethod] = {
    "flatrate": DeliveryMethod.STANDARD,
    "freeshipping": DeliveryMethod.STANDARD,
    "tablerate": DeliveryMethod.STANDARD,
    "instore": DeliveryMethod.STORE_PICKUP,
    "ups": DeliveryMethod.STANDARD,
    "usps": DeliveryMethod.STANDARD,
    "fedex": DeliveryMethod.STANDARD,
    "dhl": DeliveryMethod.STANDARD,
}
# Other carriers' modules ship to the address: standard, with a note.
UNKNOWN_DELIVERY_METHOD = DeliveryMethod.STANDARD

_SHIPPING = "extension_attributes.shipping_assignments.0.shipping"
_ADDRESS_FIELDS = {
    "name": "firstname", "company": "company", "line1": "street.0", "line2": "street.1",
    "city": "city", "region": "region_code", "postal_code": "postcode", "country": "country_id",
}


def to_channel_order(payload: dict) -> ChannelOrder:
    problems = require(
        payload, "entity_id", "created_at", "order_currency_code", "grand_total", "state", "payment.method",
        "items.0", f"{_SHIPPING}.method",
    )
    if problems:
        raise ChannelPayloadError(problems)
    notes: list[str] = []
    lines, line_fields = _lines(payload, notes, problems)
    placed_at = _utc(payload["created_at"], "created_at", problems)
    total = amount(payload["grand_total"], "grand_total", problems)
    shipping = amount(payload.get("shipping_amount") or 0, "shipping_amount", problems)
    # Where a discount applies to tax-inclusive prices, Magento adds back the tax hidden in
    # it as "discount tax compensation": it is tax, and the grand total counts it.
    tax = sum((amount(payload.get(field) or 0, field, problems) for field in (
        "tax_amount", "discount_tax_compensation_amount", "shipping_discount_tax_compensation_amount",
    )), Decimal(0))
    # Magento states the order's discount as a negative amount, the items' as positive
    # ones. The part not on the items (a shipping discount) is the order's own.
    order_discount = abs(amount(payload.get("discount_amount") or 0, "discount_amount", problems))
    payment = payload["payment"]
    if problems:
        raise ChannelPayloadError(problems)

    state = str(payload["state"])
    delivery = _delivery(payload, notes)
    order_status, payment_status = _statuses(payload, state, delivery, total, notes)
    on_lines = sum((d["amount"] for line in lines for d in line["discounts"]), Decimal(0))
    shipping_address = _at(payload, _SHIPPING).get("address")
    canonical = {
        "channel_order_id": str(payload["entity_id"]),
        "channel_order_number": scalar_text(payload.get("increment_id")),
        "placed_at": placed_at,
        "currency": payload["order_currency_code"],
        "customer": _customer(payload, notes),
        "delivery": delivery,
        "payment": {
            "method": _payment_method(str(payment["method"]), notes),
            "status": payment_status,
            "reference": scalar_text(payment.get("last_trans_id")),
        },
        "shipping_address": _address(shipping_address),
        "billing_address": _address(payload.get("billing_address")),
        "lines": lines,
        "shipping": shipping,
        "tax": tax,
        "discount": max(order_discount - on_lines, Decimal(0)),
        "total": total,
    }
    native_field_of = {
        "channel_order_id": "entity_id", "channel_order_number": "increment_id", "placed_at": "created_at",
        "currency": "order_currency_code", "customer.name": "customer_firstname", "customer.email": "customer_email",
        "shipping": "shipping_amount", "tax": "tax_amount", "discount": "discount_amount", "total": "grand_total",
        "lines": "items", "delivery": f"{_SHIPPING}.method",
        "delivery.pickup_location_id": "extension_attributes.pickup_location_code",
        "shipping_address": f"{_SHIPPING}.address", "billing_address": "billing_address",
        **{f"shipping_address.{ours}": f"{_SHIPPING}.address.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()},
        **{f"billing_address.{ours}": f"billing_address.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()},
        **line_fields,
    }
    return ChannelOrder(
        submission=submission_from(canonical, native_field_of),
        status=order_status,
        channel_status=scalar_text(payload.get("status")) or state,
        notes=tuple(notes),
        updated_at=moment(payload.get("updated_at")),
    )


def _lines(payload: dict, notes: list[str], problems: list[dict[str, str]]) -> tuple[list[dict], dict[str, str]]:
    """One line per item the customer chose. A configurable product's item carries the
    chosen variant's SKU, the price and the discount, and its child item (parent_item_id
    set) repeats the same units at price 0; a bundle's item carries the bundle's SKU and
    price and its children the components. Counting the children too would ask for the
    stock twice, so they are skipped (a bundle is then a kit SKU in our catalogue). Were a
    store's bundle priced on its components instead, the grand total still counts them and
    the difference shows as the order's discrepancy, for a person to see."""
    lines, fields = [], {}
    for index, item in enumerate(as_list(payload["items"])):
        native = f"items.{index}"
        if isinstance(item, dict) and item.get("parent_item_id"):
            continue
        missing = require(payload, f"{native}.qty_ordered", f"{native}.price")
        if missing:
            problems += missing
            continue
        quantity = _quantity(item["qty_ordered"], f"{native}.qty_ordered", problems)
        # The row total is what Magento's subtotal adds up; price × quantity where it is absent.
        if item.get("row_total") is not None:
            gross_field = f"{native}.row_total"
            gross = amount(item["row_total"], gross_field, problems)
        else:
            gross_field = f"{native}.price"
            gross = amount(item["price"], gross_field, problems) * quantity
        discount = amount(item.get("discount_amount") or 0, f"{native}.discount_amount", problems)
        unit_price, discount = unit_price_and_discount(gross, gross - discount, quantity, native, notes)
        lines.append({
            "sku": _sku(item, native, notes),
            "name": name[:200] if (name := scalar_text(item.get("name"))) else None,
            "quantity": quantity,
            "unit_price": unit_price,
            # Magento does not say which rule gave an item its discount: the order's coupon names it.
            "discounts": [{"amount": discount, "code": scalar_text(payload.get("coupon_code"))}] if discount else [],
        })
        ours = f"lines.{len(lines) - 1}"
        fields |= {
            ours: native, f"{ours}.sku": f"{native}.sku", f"{ours}.name": f"{native}.name",
            f"{ours}.quantity": f"{native}.qty_ordered", f"{ours}.unit_price": gross_field,
            f"{ours}.discounts.0.amount": f"{native}.discount_amount", f"{ours}.discounts.0.code": "coupon_code",
        }
    return lines, fields


def _sku(item: dict, native: str, notes: list[str]) -> str:
    if sku := scalar_text(item.get("sku")):
        return sku
    reference = f"magento-product-{item.get('product_id')}"
    notes.append(f"{native} has no SKU: recorded as {reference}")
    return reference


def _statuses(
    payload: dict, state: str, delivery: dict, total: Decimal, notes: list[str]
) -> tuple[OrderStatus, PaymentStatus]:
    if state not in ORDER_STATUS:
        raise ChannelPayloadError([{"field": "state", "problem": f"{state!r} is not a Magento order state"}])
    status = scalar_text(payload.get("status"))
    order_status = STATUS_OVERRIDE.get(status or "", ORDER_STATUS[state])
    if order_status == OrderStatus.SHIPPED and delivery["method"] == DeliveryMethod.STORE_PICKUP:
        order_status = OrderStatus.DELIVERED  # a complete pickup was handed over the counter
    if status in STATUS_OVERRIDE:
        notes.append(f"status {status!r}: held for review")
    # A held order's money is as it was before the hold.
    before_hold = scalar_text(payload.get("hold_before_state"))
    money_state = before_hold if state == "holded" and before_hold in PAYMENT_STATUS else state
    return order_status, _payment_status(payload["payment"], money_state, total)


def _payment_status(payment: dict, state: str, total: Decimal) -> PaymentStatus:
    stated = PAYMENT_STATUS[state]
    if stated in (PaymentStatus.REFUNDED, PaymentStatus.VOIDED):
        return stated
    problems: list[dict[str, str]] = []  # an unreadable amount is passed over: the state stands
    paid, refunded, authorized = (
        amount(payment.get(field) or 0, field, problems)
        for field in ("amount_paid", "amount_refunded", "amount_authorized")
    )
    if refunded > 0:
        return PaymentStatus.REFUNDED if refunded >= paid else PaymentStatus.PARTIALLY_REFUNDED
    if paid > 0:
        return PaymentStatus.PAID if paid >= total else PaymentStatus.PARTIALLY_PAID
    if authorized > 0:
        return PaymentStatus.AUTHORIZED
    return stated


def _payment_method(code: str, notes: list[str]) -> PaymentMethod:
    if code in PAYMENT_METHOD:
        return PAYMENT_METHOD[code]
    notes.append(f"payment.method {code!r} is not one we know: recorded as {UNKNOWN_PAYMENT_METHOD}")
    return UNKNOWN_PAYMENT_METHOD


def _delivery(payload: dict, notes: list[str]) -> dict:
    code = str(_at(payload, f"{_SHIPPING}.method"))
    method = DELIVERY_METHOD.get(code.partition("_")[0])
    if method is None:
        method = UNKNOWN_DELIVERY_METHOD
        notes.append(f"shipping method {code!r} ({scalar_text(payload.get('shipping_description'))}) "
                     f"is not one we know: recorded as {method}")
    if method != DeliveryMethod.STORE_PICKUP:
        return {"method": method}
    # Magento's In-Store Pickup names the chosen pickup location (a source code) here.
    pickup = scalar_text(payload["extension_attributes"].get("pickup_location_code"))
    location = f"magento-{pickup or code}"
    notes.append(f"store pickup ({scalar_text(payload.get('shipping_description')) or code}): "
                 f"map pickup location {location} to one of our stores")
    return {"method": method, "pickup_location_id": location}


def _customer(payload: dict, notes: list[str]) -> dict | None:
    billing = payload.get("billing_address") if isinstance(payload.get("billing_address"), dict) else {}
    # A guest's name is on the billing address (older Magento leaves customer_* empty).
    name = joined(payload.get("customer_firstname"), payload.get("customer_lastname")) or joined(
        billing.get("firstname"), billing.get("lastname")
    )
    telephone = scalar_text(billing.get("telephone"))
    phone = e164(telephone, scalar_text(billing.get("country_id")))
    if phone is None and telephone:
        notes.append("billing_address.telephone dropped: not a valid phone number")
    email = scalar_text(payload.get("customer_email")) or scalar_text(billing.get("email"))
    customer = {"name": name, "email": email, "phone": phone}
    return customer if any(customer.values()) else None


def _address(block: Any) -> dict | None:
    if not isinstance(block, dict):
        return None
    street = [line for line in map(scalar_text, as_list(block.get("street"))) if line]
    return {
        "name": joined(block.get("firstname"), block.get("lastname")),
        "company": scalar_text(block.get("company")),
        "line1": street[0] if street else None,
        "line2": ", ".join(street[1:]) or None,
        "city": scalar_text(block.get("city")),
        "region": scalar_text(block.get("region_code")) or scalar_text(block.get("region")),
        "postal_code": scalar_text(block.get("postcode")),
        "country": scalar_text(block.get("country_id")),
    }


def _at(payload: dict, path: str) -> Any:
    """The value at a dotted path that require() has found, read as require() reads it."""
    value: Any = payload
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _quantity(value: Any, field: str, problems: list[dict[str, str]]) -> int:
    """qty_ordered is a decimal in Magento (1 or 1.0000); a fraction of a unit (a product
    sold by weight) is not an order line we can fulfil."""
    quantity = amount(value, field, problems)
    if quantity != quantity.to_integral_value():
        problems.append({"field": field, "problem": "a fraction of a unit"})
    return int(quantity)


def _utc(value: Any, field: str, problems: list[dict[str, str]]) -> datetime | None:
    """Magento writes UTC as "YYYY-MM-DD HH:MM:SS", without an offset: made timezone-aware."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        problems.append({"field": field, "problem": "not a date and time"})
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# A credit memo's `state` (Magento's Creditmemo model): 1 open, 2 refunded, 3 canceled.
CREDITMEMO_OPEN, CREDITMEMO_REFUNDED = 1, 2


def refund_from(payload: dict) -> ChannelRefund | None:
    """A credit memo (salesCreditmemoRepositoryV1), as Magento's webhooks or a GET send it: it names
    its order by `order_id` (the order's entity_id) and has an integer `state`, where an order's is text."""
    if not isinstance(payload, dict) or not isinstance(payload.get("state"), int) or "order_id" not in payload:
        return None
    problems = require(payload, "entity_id", "order_id", "grand_total")
    total = amount(payload.get("grand_total"), "grand_total", problems)
    if problems:
        raise ChannelPayloadError(problems)
    if payload["state"] not in (CREDITMEMO_OPEN, CREDITMEMO_REFUNDED):
        return None  # a canceled credit memo paid nothing back
    return ChannelRefund(channel_order_id=str(payload["order_id"]), refund_id=str(payload["entity_id"]), amount=total,
                         completed=payload["state"] == CREDITMEMO_REFUNDED, at=moment(payload.get("updated_at")))
