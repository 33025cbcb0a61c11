"""Square: the Orders API `Order`, as RetrieveOrder returns it.

Square's order webhooks (order.created, order.updated, order.fulfillment.updated) carry
only the order's id, state and version: the receiver takes the id with
`order_id_from_webhook` and fetches the order with `SquareOrders.retrieve`. An integrator
may also post the Order itself, bare or in RetrieveOrder's `{"order": ...}` envelope.

Money is `{"amount": <integer in the currency's minor unit>, "currency": ...}`, scaled by
the currency's ISO 4217 exponent (JPY 0, USD 2, KWD 3).

A unit's price is what was rung up: `base_price_money` plus its modifiers. Square
apportions every discount, order-scoped ones too, onto the lines (`applied_discounts`), so
the lines carry them and the order-level discount is only what `total_discount_money`
leaves unapportioned. `total_tax_money` also counts inclusive taxes, which the prices
already hold, so only the rest is added on top. Service charges, which is how a Square
order carries a delivery or shipping fee, are the shipping; a tip has no canonical field
and stays in `total_discrepancy`, with a note.

Square line items have no SKU: a line is recorded as `square-<catalog variation id>` (a
custom amount, which has no catalog item, as `square-line-<uid>`), with a note, and
screening holds the order until those ids are mapped to our SKUs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from iso4217 import Currency

from oms.channels import ChannelOrder, ChannelPayloadError, ChannelRefund, WebhookSignature, e164, require, submission_from
from oms.channels.reading import as_dict, as_list, decimal, dicts, full_name, moment, text
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

SIGNATURE: WebhookSignature | None = WebhookSignature(
    header="x-square-hmacsha256-signature", encoding="base64", url_then_body=True
)

ORDER_EVENTS: frozenset[str] = frozenset({"order.created", "order.updated", "order.fulfillment.updated"})

# `state`. A DRAFT "can be updated, but cannot be paid or fulfilled": held until Square
# opens it. A COMPLETED order is fully paid and, if it has a fulfillment, fulfilled: how far
# that took the goods depends on the fulfillment (COMPLETED_FULFILLMENT).
ORDER_STATUS: dict[str, OrderStatus] = {
    "OPEN": OrderStatus.RECEIVED,
    "COMPLETED": OrderStatus.DELIVERED,
    "CANCELED": OrderStatus.CANCELLED,
    "DRAFT": OrderStatus.ON_HOLD,
}

# A completed order's fulfillment `type`: Square completes a shipment when the carrier has it.
COMPLETED_FULFILLMENT: dict[str, OrderStatus] = {
    "PICKUP": OrderStatus.DELIVERED,
    "SHIPMENT": OrderStatus.SHIPPED,
    "DELIVERY": OrderStatus.DELIVERED,
}

# Fulfillment `type`. DELIVERY is a courier sent from the store for a time that day
# (Square's local delivery), not a parcel carrier: same_day.
DELIVERY_METHOD: dict[str, DeliveryMethod] = {
    "PICKUP": DeliveryMethod.STORE_PICKUP,
    "SHIPMENT": DeliveryMethod.STANDARD,
    "DELIVERY": DeliveryMethod.SAME_DAY,
}
FULFILLMENT_DETAILS: dict[str, str] = {
    "PICKUP": "pickup_details",
    "SHIPMENT": "shipment_details",
    "DELIVERY": "delivery_details",
}
# Words in a shipment's free-text `shipping_type` ("First Class, Priority, or Express").
EXPRESS_WORDS: tuple[str, ...] = ("express", "overnight", "next day", "next-day")

# Tender `type`.
TENDER_METHOD: dict[str, PaymentMethod] = {
    "CARD": PaymentMethod.CARD,
    "THIRD_PARTY_CARD": PaymentMethod.CARD,  # a card run on another processor's terminal
    "CASH": PaymentMethod.CASH,  # handed over at the register: nothing left to collect
    # The register opened for a "no sale": no money moves, and its amount is zero, so it
    # never decides whether the order is paid; the drawer it opens holds cash.
    "NO_SALE": PaymentMethod.CASH,
    "SQUARE_GIFT_CARD": PaymentMethod.GIFT_CARD,
    "WALLET": PaymentMethod.WALLET,
    "BUY_NOW_PAY_LATER": PaymentMethod.BUY_NOW_PAY_LATER,
    "BANK_ACCOUNT": PaymentMethod.BANK_TRANSFER,
    # A house account: the merchant bills the customer later, which is what paying later is.
    "SQUARE_ACCOUNT": PaymentMethod.BUY_NOW_PAY_LATER,
    # "A form of tender that does not match any other value" (a cheque, an outside
    # payment app): settled outside Square's rails, the nearest being a transfer. Noted.
    "OTHER": PaymentMethod.BANK_TRANSFER,
}

# A card tender's `card_details.status`. A tender of any other type is recorded once taken.
CARD_STATUS: dict[str, PaymentStatus] = {
    "AUTHORIZED": PaymentStatus.AUTHORIZED,
    "CAPTURED": PaymentStatus.PAID,
    "VOIDED": PaymentStatus.VOIDED,
    "FAILED": PaymentStatus.FAILED,
}

# Payment of an order no tender has paid, by `state`: "Completed orders are fully paid";
# "Canceled orders are not paid".
UNTENDERED_PAYMENT: dict[str, PaymentStatus] = {
    "OPEN": PaymentStatus.PENDING,
    "DRAFT": PaymentStatus.PENDING,
    "COMPLETED": PaymentStatus.PAID,
    "CANCELED": PaymentStatus.VOIDED,
}

# A MeasurementUnit's fields that name the unit of a measured quantity (IMPERIAL_POUND, ...).
_MEASURES = ("weight_unit", "volume_unit", "length_unit", "area_unit", "time_unit", "generic_unit")

_ADDRESS_FIELDS = {
    "name": "first_name",
    "line1": "address_line_1",
    "line2": "address_line_2",
    "city": "locality",
    "region": "administrative_district_level_1",
    "postal_code": "postal_code",
    "country": "country",
}

Transport = Callable[[str, str], dict]


class SquareApiError(RuntimeError):
    """Square answered with `errors`, its documented error body: category, code, detail, field."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(_error_text(error) for error in errors))

    @property
    def retryable(self) -> bool:
        """A rate limit or Square's own fault passes; a wrong id or a revoked token does not."""
        return any(error.get("category") in {"RATE_LIMIT_ERROR", "API_ERROR"} for error in self.errors)


class SquareOrders:
    """RetrieveOrder over an injected transport.

    `transport(method, path)` makes the HTTPS call with the seller's access token and returns
    the parsed JSON body whatever the HTTP status, since Square explains failures in it.
    """

    def __init__(self, transport: Transport):
        self._transport = transport

    def retrieve(self, order_id: str) -> dict:
        """The Order object; SquareApiError when Square reports errors."""
        if not isinstance(order_id, str) or not order_id.strip():
            raise ValueError("a Square order id is a non-empty string")
        response = self._transport("GET", f"/v2/orders/{quote(order_id.strip(), safe='')}")
        if not isinstance(response, dict):
            raise ChannelPayloadError([{"field": "body", "problem": "not a RetrieveOrder response"}])
        if response.get("errors"):
            raise SquareApiError([as_dict(error) for error in as_list(response["errors"])])
        if not isinstance(response.get("order"), dict):
            raise ChannelPayloadError([{"field": "order", "problem": "missing from the RetrieveOrder response"}])
        return response["order"]


def order_id_from_webhook(event: dict) -> str:
    """The id of the order an order.created / order.updated / order.fulfillment.updated event is about."""
    kind = event.get("type") if isinstance(event, dict) else None
    if not (isinstance(kind, str) and kind in ORDER_EVENTS):
        raise ChannelPayloadError([{"field": "type", "problem": f"not a Square order event: {kind!r}"}])
    data = as_dict(event.get("data"))
    # `data.id` is the order id; the typed object (data.object.order_created, ...) repeats it.
    order_id = data.get("id") or as_dict(as_dict(data.get("object")).get(data.get("type"))).get("order_id")
    if not isinstance(order_id, str) or not order_id.strip():
        raise ChannelPayloadError([{"field": "data.id", "problem": "missing"}])
    return order_id.strip()


def to_channel_order(payload: dict) -> ChannelOrder:
    """A Square Order, bare or as `{"order": ...}`; problems name fields as they were sent."""
    if not isinstance(payload, dict):
        raise ChannelPayloadError([{"field": "body", "problem": "not a Square Order object"}])
    if payload.get("errors"):
        errors = "; ".join(_error_text(as_dict(error)) for error in as_list(payload["errors"]))
        raise ChannelPayloadError([{"field": "errors", "problem": f"Square answered with errors, not an order: {errors}"}])
    if not isinstance(payload.get("order"), dict):
        return _adapted(payload)
    try:
        return _adapted(payload["order"])
    except ChannelPayloadError as error:
        enveloped = [{**problem, "field": f"order.{problem['field']}"} for problem in error.problems]
        raise ChannelPayloadError(enveloped) from None


def _adapted(order: dict) -> ChannelOrder:
    problems = _shape_problems(order)
    if problems:
        raise ChannelPayloadError(problems)
    money = _money_reader(order["total_money"].get("currency"), problems)
    if problems:
        raise ChannelPayloadError(problems)
    notes: list[str] = []
    discount_names = {d["uid"]: text(d.get("name")) for d in dicts(order.get("discounts")) if text(d.get("uid"))}
    lines = [_line(item, i, discount_names, money, notes) for i, item in enumerate(order["line_items"])]
    if any(line["sku"] and not line["sku"].startswith("square-line-") for line in lines):
        notes.append("Square lines carry no SKU: recorded as square-<catalog variation id>; map them to our SKUs")
    apportioned = sum((d["amount"] for line in lines for d in line["discounts"]), Decimal(0))
    unapportioned = max(money.optional(order, "total_discount_money") - apportioned, Decimal(0))
    tax = money.optional(order, "total_tax_money") - _inclusive_tax(order, money, notes)
    total = money(order["total_money"], "total_money")
    tip = money.optional(order, "total_tip_money")
    if tip:
        notes.append(f"includes a tip of {tip} {money.currency}, which the order has no field for")

    state = order["state"]
    fulfillment_path, fulfillment = _fulfillment(order, notes)
    delivery, recipient, recipient_path = _delivery(order, fulfillment_path, fulfillment, problems, notes)
    payment = _payment(order, state, total, money, notes)
    if problems:
        raise ChannelPayloadError(problems)

    recipient_address = as_dict(recipient.get("address"))
    picking_up = delivery["method"] == DeliveryMethod.STORE_PICKUP
    canonical = {
        "channel_order_id": order["id"],
        # The integrator's own reference is what its customer was told; Square shows its id.
        "channel_order_number": text(order.get("reference_id")) or order["id"],
        "placed_at": order["created_at"],
        "currency": money.currency,
        "customer": _customer(recipient, notes),
        "delivery": delivery,
        "payment": payment,
        "shipping_address": None if picking_up or not recipient_address else _address(recipient),
        "lines": lines,
        "shipping": money.optional(order, "total_service_charge_money"),
        "tax": tax,
        "discount": unapportioned,
        "total": total,
    }
    submission = submission_from(canonical, _native_fields(len(lines), fulfillment_path, recipient_path))
    kind = fulfillment.get("type") if fulfillment else None
    return ChannelOrder(
        submission=submission,
        status=_status(state, kind, payment["status"], notes),
        channel_status=f"state={state}" + (f", fulfillment={kind} {fulfillment.get('state')}" if fulfillment else ""),
        notes=tuple(notes),
        updated_at=moment(order.get("updated_at")),
    )


def _shape_problems(order: dict) -> list[dict[str, str]]:
    problems = require(order, "id", "location_id", "created_at", "state", "total_money.amount", "total_money.currency")
    items = order.get("line_items")
    if not isinstance(items, list) or not items:
        hint = " (a return order holds only `returns`: it is not a sale)" if order.get("returns") else ""
        problems.append({"field": "line_items", "problem": f"missing{hint}"})
    else:
        problems += require(
            order, *(f"line_items.{i}.{name}" for i in range(len(items)) for name in ("quantity", "base_price_money"))
        )
    for name in ("id", "location_id"):
        if order.get(name) is not None and not text(order[name]):
            problems.append({"field": name, "problem": "not a Square id"})
    if order.get("created_at") is not None and not text(order["created_at"]):
        problems.append({"field": "created_at", "problem": "not an RFC 3339 timestamp"})
    for name in ("fulfillments", "tenders", "refunds", "discounts", "taxes"):
        if order.get(name) is not None and not isinstance(order[name], list):
            problems.append({"field": name, "problem": "not a list"})
    state = order.get("state")
    if state is not None and not _listed(ORDER_STATUS, state):
        problems.append(_undocumented("state", state))
    return problems


@dataclass
class _Money:
    """Reads Square Money of the order's currency, reporting what it cannot read under its field."""

    currency: str
    exponent: int
    problems: list[dict[str, str]]

    def __call__(self, value: Any, field: str) -> Decimal:
        amount = value.get("amount") if isinstance(value, dict) else None
        minor = decimal(amount) if isinstance(amount, int) else None  # Square's money is whole minor units
        if minor is None:
            problem = "missing" if amount is None else f"not an amount in minor units: {amount!r}"
            self.problems.append({"field": f"{field}.amount", "problem": problem})
            return Decimal(0)
        if value.get("currency") != self.currency:
            self.problems.append(
                {"field": f"{field}.currency", "problem": f"{value.get('currency')!r}, not the order's {self.currency}"}
            )
        unit = Decimal(1).scaleb(-self.exponent)
        try:
            return (minor * unit).quantize(unit)
        except InvalidOperation:  # more digits than any price has
            self.problems.append({"field": f"{field}.amount", "problem": f"not an amount: {amount!r}"})
            return Decimal(0)

    def optional(self, record: dict, field: str) -> Decimal:
        return Decimal(0) if record.get(field) is None else self(record[field], field)


def _money_reader(currency: Any, problems: list) -> _Money:
    try:
        exponent = Currency(currency).exponent if isinstance(currency, str) else None
    except ValueError:
        exponent = None
    if exponent is None:
        problems.append(
            {"field": "total_money.currency", "problem": f"{currency!r} is not an ISO 4217 currency with a minor unit"}
        )
    return _Money(str(currency), exponent or 0, problems)


def _line(item: dict, index: int, discount_names: dict, money: _Money, notes: list[str]) -> dict:
    path = f"line_items.{index}"
    name = _line_name(item)
    quantity = _whole_quantity(item, path, money.problems)
    unit_price = money(item["base_price_money"], f"{path}.base_price_money")
    unit_price += _modifiers_per_unit(item, quantity, money, path)
    return {
        "sku": _sku(item, index, name, path, money.problems, notes),
        "name": name,
        "quantity": quantity,
        "unit_price": unit_price,
        "discounts": _line_discounts(item, discount_names, money, path),
    }


def _line_name(item: dict) -> str | None:
    name, variation = text(item.get("name")), text(item.get("variation_name"))
    joined = f"{name} ({variation})" if name and variation else name or variation
    return joined[:200] if joined else None


def _whole_quantity(item: dict, path: str, problems: list) -> int:
    """Square's quantity is a decimal string; a weighed or measured one is refused: the OMS
    holds, reserves and ships whole units, and 0.35 of a unit cannot be picked."""
    raw = item.get("quantity")
    try:
        quantity = Decimal(raw) if isinstance(raw, str) else None
    except InvalidOperation:
        quantity = None
    if quantity is None or not quantity.is_finite():
        problems.append({"field": f"{path}.quantity", "problem": f"not a quantity: {raw!r}"})
        return 0
    if quantity != quantity.to_integral_value():
        unit = as_dict(as_dict(item.get("quantity_unit")).get("measurement_unit"))
        measured = next((unit[key] for key in _MEASURES if isinstance(unit.get(key), str)), None)
        in_unit = f" {measured}" if measured else ""
        problems.append({
            "field": f"{path}.quantity",
            "problem": f"{raw}{in_unit} is a measured quantity: the OMS sells whole units only",
        })
        return 0
    return int(quantity)


def _modifiers_per_unit(item: dict, quantity: int, money: _Money, path: str) -> Decimal:
    """What modifiers add to each unit; Square states a modifier's total for the whole line."""
    added = Decimal(0)
    for j, modifier in enumerate(dicts(item.get("modifiers"))):
        if modifier.get("total_price_money") is not None and quantity > 0:
            added += money(modifier["total_price_money"], f"{path}.modifiers.{j}.total_price_money") / quantity
        elif modifier.get("base_price_money") is not None:
            added += money(modifier["base_price_money"], f"{path}.modifiers.{j}.base_price_money")
    return added


def _line_discounts(item: dict, discount_names: dict, money: _Money, path: str) -> list[dict]:
    applied = dicts(item.get("applied_discounts"))
    if applied and all(isinstance(a.get("applied_money"), dict) for a in applied):
        discounts = [
            {
                "amount": money(a["applied_money"], f"{path}.applied_discounts.{j}.applied_money"),
                "code": (discount_names.get(text(a.get("discount_uid"))) or "")[:200] or None,
            }
            for j, a in enumerate(applied)
        ]
    elif item.get("total_discount_money") is not None:
        # Applied amounts are filled in on reads only; the line's total says the same in sum.
        discounts = [{"amount": money(item["total_discount_money"], f"{path}.total_discount_money"), "code": None}]
    else:
        discounts = []
    return [discount for discount in discounts if discount["amount"]]


def _sku(item: dict, index: int, name: str | None, path: str, problems: list, notes: list[str]) -> str | None:
    catalog_id = text(item.get("catalog_object_id"))
    if catalog_id:
        return f"square-{catalog_id}"
    uid = text(item.get("uid"))
    if uid is None:
        problems.append({"field": f"{path}.catalog_object_id", "problem": "missing, and no uid to stand in"})
        return None
    notes.append(
        f"line {index + 1} ({name or 'unnamed'}) is a custom amount with no catalog item: recorded as square-line-{uid}"
    )
    return f"square-line-{uid}"


def _inclusive_tax(order: dict, money: _Money, notes: list[str]) -> Decimal:
    inclusive = sum(
        (money(tax.get("applied_money"), f"taxes.{i}.applied_money")
         for i, tax in enumerate(dicts(order.get("taxes"))) if tax.get("type") == "INCLUSIVE"),
        Decimal(0),
    )
    if inclusive:
        notes.append(f"prices include tax of {inclusive} {money.currency}: not added on top")
    return inclusive


def _fulfillment(order: dict, notes: list[str]) -> tuple[str | None, dict]:
    """The fulfillment to follow: the first one not cancelled or failed. Square creates an
    order with one at most, but may return more."""
    fulfillments = dicts(order.get("fulfillments"))
    if not fulfillments:
        return None, {}
    live = [i for i, f in enumerate(fulfillments) if f.get("state") not in ("CANCELED", "FAILED")]
    index = live[0] if live else 0
    if len(fulfillments) > 1:
        notes.append(f"Square order has {len(fulfillments)} fulfillments: following fulfillments.{index} "
                     f"({fulfillments[index].get('type')})")
    return f"fulfillments.{index}", fulfillments[index]


def _delivery(
    order: dict, path: str | None, fulfillment: dict, problems: list, notes: list[str]
) -> tuple[dict, dict, str | None]:
    """The delivery, the fulfillment's recipient and where the recipient is in the payload."""
    location = order["location_id"].strip()
    # Our location ids are lower-case; Square's are upper-case letters and digits.
    pickup = {"method": DeliveryMethod.STORE_PICKUP, "pickup_location_id": f"square-{location.lower()}"}
    if path is None:
        # No fulfillment: a sale at the register, whose goods leave with the customer.
        notes.append(f"in-store sale at Square location {location}: map it to an OMS location as square-{location.lower()}")
        return pickup, {}, None
    kind = fulfillment.get("type")
    if not _listed(DELIVERY_METHOD, kind):
        problems.append(_undocumented(f"{path}.type", kind))
        return pickup, {}, None
    details_path = f"{path}.{FULFILLMENT_DETAILS[kind]}"
    details = as_dict(fulfillment.get(FULFILLMENT_DETAILS[kind]))
    recipient = as_dict(details.get("recipient"))
    if kind == "PICKUP":
        notes.append(f"pickup at Square location {location}: map it to an OMS location as square-{location.lower()}")
        return pickup, recipient, f"{details_path}.recipient"
    method = DELIVERY_METHOD[kind]
    shipping_type = (text(details.get("shipping_type")) or "").lower()
    if kind == "SHIPMENT" and any(word in shipping_type for word in EXPRESS_WORDS):
        method = DeliveryMethod.EXPRESS
    return {"method": method}, recipient, f"{details_path}.recipient"


def _payment(order: dict, state: str, total: Decimal, money: _Money, notes: list[str]) -> dict:
    tenders = dicts(order.get("tenders"))
    if not tenders:
        if state in ("OPEN", "DRAFT"):
            notes.append("no Square tender on the order yet: payment method recorded as card")
        return _refunded({"method": PaymentMethod.CARD, "status": UNTENDERED_PAYMENT[state]}, order, total, money)
    taken: list[tuple[Decimal, PaymentStatus, dict]] = []  # tenders holding money, largest decides the method
    lost: list[PaymentStatus] = []
    for i, tender in enumerate(tenders):
        amount = money(tender.get("amount_money"), f"tenders.{i}.amount_money")
        status = _tender_status(tender, f"tenders.{i}", money.problems)
        kind = tender.get("type")
        if not _listed(TENDER_METHOD, kind):
            money.problems.append(_undocumented(f"tenders.{i}.type", kind))
        elif status in (PaymentStatus.VOIDED, PaymentStatus.FAILED):
            lost.append(status)
        elif amount:
            taken.append((amount, status, tender))
    if money.problems:
        return {"method": PaymentMethod.CARD, "status": PaymentStatus.PENDING}  # reported by the caller
    if not taken:
        status = UNTENDERED_PAYMENT[state] if not lost else (
            PaymentStatus.VOIDED if PaymentStatus.VOIDED in lost else PaymentStatus.FAILED
        )
    elif sum((amount for amount, _, _ in taken), Decimal(0)) < total:
        status = PaymentStatus.PARTIALLY_PAID
    elif any(status == PaymentStatus.AUTHORIZED for _, status, _ in taken):
        status = PaymentStatus.AUTHORIZED
    else:
        status = PaymentStatus.PAID
    main = max(taken, key=lambda held: held[0])[2] if taken else tenders[0]
    kinds = sorted({tender["type"] for _, _, tender in taken})
    if len(kinds) > 1:
        notes.append(f"paid with several Square tenders: {', '.join(kinds)}")
    if main["type"] in ("OTHER", "SQUARE_ACCOUNT"):
        notes.append(f"paid by Square tender {main['type']}: recorded as {TENDER_METHOD[main['type']].value}")
    reference = text(main.get("payment_id")) or text(main.get("id"))
    return _refunded({"method": TENDER_METHOD[main["type"]], "status": status, "reference": reference}, order, total, money)


def _tender_status(tender: dict, path: str, problems: list) -> PaymentStatus:
    if tender.get("type") != "CARD" or tender.get("card_details") is None:
        return PaymentStatus.PAID
    status = as_dict(tender["card_details"]).get("status")
    if not _listed(CARD_STATUS, status):
        problems.append(_undocumented(f"{path}.card_details.status", status))
        return PaymentStatus.PENDING
    return CARD_STATUS[status]


def _refunded(payment: dict, order: dict, total: Decimal, money: _Money) -> dict:
    """Refunds Square has approved turn a payment into a (partial) refund."""
    refunded = sum(
        (money(refund.get("amount_money"), f"refunds.{i}.amount_money")
         for i, refund in enumerate(dicts(order.get("refunds"))) if refund.get("status") == "APPROVED"),
        Decimal(0),
    )
    if refunded and refunded >= total:
        return {**payment, "status": PaymentStatus.REFUNDED}
    if refunded:
        return {**payment, "status": PaymentStatus.PARTIALLY_REFUNDED}
    return payment


def _status(state: str, kind: str | None, payment: PaymentStatus, notes: list[str]) -> OrderStatus:
    if payment == PaymentStatus.REFUNDED:
        return OrderStatus.REFUNDED
    if state == "COMPLETED" and kind in COMPLETED_FULFILLMENT:
        return COMPLETED_FULFILLMENT[kind]
    if state == "OPEN" and kind is None:
        # Square completes an order with no fulfillment the moment it is paid in full: an
        # open one is a ticket still open at the register, not an order to pick and ship.
        notes.append(
            "open Square order with no fulfillment (a ticket still open at the register): held until Square completes it"
        )
        return OrderStatus.ON_HOLD
    if state == "DRAFT":
        notes.append("Square draft order: it cannot be paid or fulfilled until it is opened")
    return ORDER_STATUS[state]


def _customer(recipient: dict, notes: list[str]) -> dict | None:
    address = as_dict(recipient.get("address"))
    name = text(recipient.get("display_name")) or full_name(address)
    email = text(recipient.get("email_address"))
    given_phone = text(recipient.get("phone_number"))
    phone = e164(given_phone, text(address.get("country")))
    if given_phone and phone is None:
        notes.append("recipient phone dropped: not a valid number")
    if not (name or email or phone):
        return None  # a walk-in sale with no customer attached
    return {"name": name[:200] if name else None, "email": email, "phone": phone}


def _address(recipient: dict) -> dict:
    address = recipient["address"]
    extra = [text(address.get(key)) for key in ("address_line_2", "address_line_3")]
    return {
        "name": text(recipient.get("display_name")) or full_name(address),
        "line1": text(address.get("address_line_1")),
        "line2": ", ".join(part for part in extra if part) or None,
        "city": text(address.get("locality")) or text(address.get("sublocality")),
        "region": text(address.get("administrative_district_level_1")),
        "postal_code": text(address.get("postal_code")),
        "country": text(address.get("country")),
    }


def _native_fields(line_count: int, fulfillment: str | None, recipient: str | None) -> dict[str, str]:
    """Canonical paths back to the Square fields they came from, for error reports."""
    native = {
        "channel_order_id": "id",
        "channel_order_number": "reference_id",
        "placed_at": "created_at",
        "currency": "total_money.currency",
        "delivery": fulfillment or "location_id",
        "payment": "tenders",
        "shipping": "total_service_charge_money",
        "tax": "total_tax_money",
        "discount": "total_discount_money",
        "total": "total_money.amount",
        "lines": "line_items",
    }
    if recipient:
        native.update({
            "customer.name": f"{recipient}.display_name",
            "customer.email": f"{recipient}.email_address",
            "customer.phone": f"{recipient}.phone_number",
            "shipping_address": f"{recipient}.address",
            **{f"shipping_address.{ours}": f"{recipient}.address.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()},
        })
    for i in range(line_count):
        native.update({
            f"lines.{i}": f"line_items.{i}",
            f"lines.{i}.sku": f"line_items.{i}.catalog_object_id",
            f"lines.{i}.name": f"line_items.{i}.name",
            f"lines.{i}.quantity": f"line_items.{i}.quantity",
            f"lines.{i}.unit_price": f"line_items.{i}.base_price_money",
            f"lines.{i}.discounts": f"line_items.{i}.applied_discounts",
        })
    return native


def _listed(table: dict, value: Any) -> bool:
    return isinstance(value, str) and value in table


def _undocumented(field: str, value: Any) -> dict[str, str]:
    return {"field": field, "problem": "missing" if value is None else f"unknown value {value!r}"}


def _error_text(error: dict) -> str:
    return f"{error.get('category')}/{error.get('code')}: {error.get('detail') or 'no detail'}"


# A PaymentRefund's status: only COMPLETED has paid the customer back.
REFUND_STATUS = ("PENDING", "COMPLETED", "REJECTED", "FAILED")


def refund_from(payload: dict) -> ChannelRefund | None:
    """A refund.created or refund.updated webhook, which carries the whole PaymentRefund. Both of
    Square's documented examples share one event_id: a refund is told apart by its id and status."""
    if not isinstance(payload, dict) or not str(payload.get("type", "")).startswith("refund."):
        return None
    refund = as_dict(as_dict(as_dict(payload.get("data")).get("object")).get("refund"))
    problems = require(refund, "id", "order_id", "status", "amount_money.amount", "amount_money.currency")
    status = refund.get("status")
    if status is not None and status not in REFUND_STATUS:
        problems.append({"field": "data.object.refund.status", "problem": f"not one of {', '.join(REFUND_STATUS)}"})
    if problems:
        raise ChannelPayloadError([{**p, "field": f"data.object.refund.{p['field']}"} if not p["field"].startswith("data")
                                   else p for p in problems])
    if status in ("REJECTED", "FAILED"):
        return None  # nothing was paid back
    money = _money_reader(refund["amount_money"]["currency"], problems)
    amount = money(refund["amount_money"], "data.object.refund.amount_money")
    if problems:
        raise ChannelPayloadError(problems)
    return ChannelRefund(channel_order_id=refund["order_id"], refund_id=refund["id"], amount=amount,
                         completed=status == "COMPLETED", at=moment(refund.get("updated_at")),
                         note=text(refund.get("reason")))
