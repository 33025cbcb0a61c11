"""The canonical order: what every channel's order becomes once the OMS has it.

Money is Decimal end to end (DynamoDB stores it exactly; floats are a bug), times are
timezone-aware and stored as UTC ISO-8601, and every validation error names its field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

# A transaction holds at most 100 items: the order header, its uniqueness item and its
# first history event leave room for this many line items (see oms.store.orders).
MAX_LINES = 95

Channel = Literal["web", "shopify", "woocommerce", "amazon", "square", "magento", "tiktok", "pos"]
CHANNELS: tuple[str, ...] = Channel.__args__


def utc_iso(value: datetime) -> str:
    """How every time is stored and shown: UTC, milliseconds, `Z`."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


UtcTime = Annotated[AwareDatetime, PlainSerializer(utc_iso, return_type=str)]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=4),
    PlainSerializer(str, return_type=str, when_used="json"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
SignedMoney = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=4),
    PlainSerializer(str, return_type=str, when_used="json"),
]
Coordinate = Annotated[Decimal, Field(ge=-180, le=180, decimal_places=7)]
# The validation context under which a channel's realities are accepted (no buyer email,
# totals that do not add up): adapters build submissions with it, and orders already
# accepted are read back with it. The canonical route validates without it.
CHANNEL_DATA = {"channel_data": True}


def _channel_data(info: ValidationInfo) -> bool:
    return bool((info.context or {}).get("channel_data"))


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _currency_code(value: str) -> str:
    code = value.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


def _email(value: str) -> str:
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or "." not in domain or " " in value.strip() or domain.startswith("."):
        raise ValueError("not an email address")
    return f"{local}@{domain.lower()}"


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone") from None
    return value


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _webhook_url(value: str) -> str:
    """HTTPS, as a pick request carries a customer's address; plain HTTP to this machine only (tests, `oms local`)."""
    parts = urlsplit(value.strip())
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise ValueError("not an http(s) URL")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
        raise ValueError("must be https (http only to 127.0.0.1 or localhost)")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials: requests are signed instead")
    return value.strip()


CountryCode = Annotated[str, AfterValidator(_country_code)]
TimeZoneName = Annotated[str, AfterValidator(_time_zone)]
WebhookUrl = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_webhook_url)]
CurrencyCode = Annotated[str, AfterValidator(_currency_code)]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]
E164Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+[1-9]\d{6,14}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


class Customer(_Model):
    """The buyer. The canonical contract needs a name and an email; a channel's order may
    lack them (a walk-in sale, a marketplace that masks the buyer), so adapters may not."""

    name: Text | None = Field(default=None, validate_default=True)
    email: Email | None = Field(default=None, validate_default=True)
    phone: E164Phone | None = None

    @field_validator("name", "email")
    @classmethod
    def _required_on_the_canonical_route(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and not _channel_data(info):
            raise ValueError("Field required")
        return value


class Address(_Model):
    name: Text | None = None
    company: Text | None = None
    line1: Text
    line2: Text | None = None
    city: Text
    region: Text | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    country: CountryCode
    # Channels that geocode their checkout send coordinates; sourcing prefers them.
    latitude: Coordinate | None = None
    longitude: Coordinate | None = None


class LineDiscount(_Model):
    amount: Money
    code: Text | None = None


class OrderLine(_Model):
    sku: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    name: Text | None = None
    quantity: Annotated[int, Field(gt=0, le=100_000)]
    unit_price: Money
    discounts: tuple[LineDiscount, ...] = ()

    @property
    def gross(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def discount(self) -> Decimal:
        return sum((d.amount for d in self.discounts), Decimal(0))

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount

    @model_validator(mode="after")
    def _discounts_within_price(self) -> OrderLine:
        if self.discount > self.gross:
            raise ValueError("discounts exceed quantity × unit_price")
        return self


class HeldLine(OrderLine):
    """A line as the OMS holds it: what was ordered, and how much of it was cancelled since.
    Never part of what a channel sends: only cancellations move `cancelled`."""

    cancelled: Annotated[int, Field(ge=0)] = 0

    @property
    def live_quantity(self) -> int:
        return self.quantity - self.cancelled

    @model_validator(mode="after")
    def _cancelled_within_quantity(self) -> HeldLine:
        if self.cancelled > self.quantity:
            raise ValueError("more units cancelled than ordered")
        return self


class PaymentMethod(StrEnum):
    CARD = "card"
    WALLET = "wallet"
    CASH = "cash"  # paid at the till; unlike cash on delivery, nothing is left to collect
    CASH_ON_DELIVERY = "cash_on_delivery"
    GIFT_CARD = "gift_card"
    BANK_TRANSFER = "bank_transfer"
    BUY_NOW_PAY_LATER = "buy_now_pay_later"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"


class Payment(_Model):
    method: PaymentMethod
    status: PaymentStatus
    reference: Text | None = None


class DeliveryMethod(StrEnum):
    STANDARD = "standard"
    EXPRESS = "express"
    SAME_DAY = "same_day"
    STORE_PICKUP = "store_pickup"


class Delivery(_Model):
    method: DeliveryMethod
    pickup_location_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None = None

    @model_validator(mode="after")
    def _pickup_needs_location(self) -> Delivery:
        picking_up = self.method == DeliveryMethod.STORE_PICKUP
        if picking_up and not self.pickup_location_id:
            raise ValueError("pickup_location_id is required for store_pickup")
        if not picking_up and self.pickup_location_id:
            raise ValueError("pickup_location_id is only for store_pickup")
        return self


class OrderStatus(StrEnum):
    RECEIVED = "received"
    ON_HOLD = "on_hold"
    APPROVED = "approved"
    ALLOCATED = "allocated"
    PARTIALLY_ALLOCATED = "partially_allocated"
    BACKORDERED = "backordered"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"
    REFUNDED = "refunded"




class OrderSubmission(_Model):
    """An order as a channel sends it in the canonical JSON contract.

    Field order matters: `total` is checked against the fields validated before it.
    """

    channel_order_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    channel_order_number: Text | None = None
    # The customer's language as the channel knows it (BCP 47, e.g. en-US, zh-CN): what notices speak.
    locale: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")] | None = None
    placed_at: UtcTime
    currency: CurrencyCode
    customer: Customer | None = Field(default=None, validate_default=True)
    delivery: Delivery
    payment: Payment
    shipping_address: Address | None = Field(default=None, validate_default=True)
    billing_address: Address | None = None
    lines: Annotated[tuple[OrderLine, ...], Field(min_length=1, max_length=MAX_LINES)]
    subtotal: Money | None = Field(default=None, validate_default=True)
    shipping: Money = Decimal(0)
    tax: Money = Decimal(0)
    discount: Money = Decimal(0)
    # What a channel's stated total differs from its own parts by. A channel that has taken
    # the customer's money is not refused over its arithmetic: its adapter keeps the stated
    # total and records the difference here. Never accepted on the canonical route.
    total_discrepancy: SignedMoney | None = None
    total: Money

    @field_validator("customer")
    @classmethod
    def _customer_required_on_the_canonical_route(cls, value: Customer | None, info: ValidationInfo) -> Customer | None:
        if value is None and not _channel_data(info):
            raise ValueError("Field required")
        return value

    @field_validator("placed_at")
    @classmethod
    def _not_in_the_future(cls, value: datetime) -> datetime:
        # A little slack for channels' clocks; an order from next week is a bug upstream.
        if (value - datetime.now(UTC)).total_seconds() > 900:
            raise ValueError("placed_at is in the future")
        return value

    @field_validator("shipping_address")
    @classmethod
    def _shipping_address_unless_pickup(cls, value: Address | None, info: ValidationInfo) -> Address | None:
        delivery = info.data.get("delivery")
        if value is None and delivery is not None and delivery.method != DeliveryMethod.STORE_PICKUP:
            raise ValueError("shipping_address is required unless delivery is store_pickup")
        return value

    @field_validator("subtotal")
    @classmethod
    def _subtotal_is_sum_of_lines(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        lines = info.data.get("lines")
        if lines is None:
            return value
        if value is not None and value != _lines_net(lines):
            raise ValueError(f"subtotal {value} is not the sum of the lines, {_lines_net(lines)}")
        return _lines_net(lines)

    @field_validator("total_discrepancy")
    @classmethod
    def _discrepancy_only_from_adapters(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is not None and not _channel_data(info):
            raise ValueError("set only by channel adapters")
        return value

    @field_validator("total")
    @classmethod
    def _total_adds_up(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        parts = [info.data.get(name) for name in ("lines", "shipping", "tax", "discount")]
        if any(part is None for part in parts) or "total_discrepancy" not in info.data:
            return value  # a part failed its own validation and is reported there
        lines, shipping, tax, discount = parts
        expected = _lines_net(lines) + shipping + tax - discount + (info.data["total_discrepancy"] or 0)
        if value != expected:
            raise ValueError(f"total {value} does not equal lines + shipping + tax - discount = {expected}")
        return value


def _lines_net(lines: tuple[OrderLine, ...]) -> Decimal:
    return sum((line.net for line in lines), Decimal(0))


class Order(OrderSubmission):
    """An order the OMS holds: the submission plus identity, status and history."""

    order_id: Annotated[str, StringConstraints(pattern=r"^ord_[0-9A-Z]{26}$")]
    channel: Channel
    status: OrderStatus
    created_at: UtcTime
    updated_at: UtcTime  # when the status last changed
    # Counts the changes to the order and its shipments: each change is conditioned on the
    # version it was decided on, so two decisions taken on one reading cannot both commit.
    version: Annotated[int, Field(ge=0)] = 0
    lines: Annotated[tuple[HeldLine, ...], Field(min_length=1, max_length=MAX_LINES)]
    history: tuple[HistoryEvent, ...] = ()
    # Set when the customer's personal data was erased; the order still counts in reports.
    erased_at: UtcTime | None = None
    customer: Customer | None = None
    hold_reasons: tuple[str, ...] = ()
    channel_status: Text | None = None  # the channel's own word for the order, verbatim
    # When the channel last changed its order, by its own clock: a version older than this,
    # arriving late, changes nothing.
    channel_updated_at: UtcTime | None = None
    notes: tuple[str, ...] = ()  # what the adapter thought staff should know
    shipments: tuple[Shipment, ...] = ()
    returns: tuple[Return, ...] = ()
    refunds: tuple[Refund, ...] = ()
    promised_delivery: date | None = None  # the day the customer was promised it all by
    # SKUs with units no shipment carries yet, as sourcing last found them: what a backorder alert names.
    waiting_skus: tuple[str, ...] = ()

    @field_validator("placed_at")
    @classmethod
    def _not_in_the_future(cls, value: datetime) -> datetime:
        return value  # stored orders were checked when they arrived


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Each problem with the dotted path of the field it concerns, for a 422 body.

    A list whose items failed also reports itself as too short; the items say more.
    """
    problems = error.errors(include_url=False, include_input=False)
    locations = [problem["loc"] for problem in problems]

    def said_by_an_item(location: tuple) -> bool:
        return any(len(other) > len(location) and other[: len(location)] == location for other in locations)

    return [
        {"field": ".".join(str(part) for part in problem["loc"]) or "body", "problem": problem["msg"]}
        for problem in problems
        if not (problem["type"] == "too_short" and said_by_an_item(problem["loc"]))
    ]


class LocationKind(StrEnum):
    WAREHOUSE = "warehouse"
    STORE = "store"
    DROPSHIP = "dropship"


class Location(_Model):
    """A place that holds stock and may ship it or hand it over the counter."""

    location_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    name: Text
    kind: LocationKind
    latitude: Coordinate
    longitude: Coordinate
    country: CountryCode
    can_ship: bool = True
    can_pickup: bool = False
    daily_capacity: Annotated[int, Field(ge=0)] = 1000
    channels: tuple[Channel, ...] = CHANNELS
    handling_cost: Money = Decimal(0)
    # Its daily capacity and promised ship dates run on its own calendar day.
    timezone: TimeZoneName = "UTC"
    # The local time after which what it commits to leaves from the next working day on (its
    # carriers' last collection); None: any time of the day counts as that day.
    ship_cutoff: Annotated[time, PlainSerializer(lambda cutoff: cutoff.isoformat("minutes"), return_type=str)] | None = None
    # Where its pick requests are pushed; without one, the location pulls them (GET /shipments).
    webhook_url: WebhookUrl | None = None
    accepts_returns: bool = True  # customers' returns may be sent here
    # Its state or province (ISO 3166-2 subdivision code, e.g. NV): transit times are learned by
    # region to region.
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)] | None = None

    def today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.timezone)).date()

    def shipping_day(self, now: datetime) -> date:
        """The day what it commits to now counts from for leaving: today, or tomorrow after its cut-off."""
        local = now.astimezone(ZoneInfo(self.timezone))
        late = self.ship_cutoff is not None and local.time() >= self.ship_cutoff
        return local.date() + timedelta(days=1) if late else local.date()


class StockPlan(_Model):
    """What the last replenishment run worked out for a SKU at a location, from its forecast."""

    as_of: date
    per_day: Annotated[Decimal, Field(ge=0)]  # forecast units a day
    method: str  # the forecasting method the series' demand pattern chose
    pattern: str  # smooth, erratic, intermittent, lumpy, sparse
    service_level: Annotated[Decimal, Field(gt=0, lt=1)]
    lead_time_days: Annotated[int, Field(ge=0)]
    safety_stock: Annotated[int, Field(ge=0)]
    reorder_point: Annotated[int, Field(ge=0)]
    order_up_to: Annotated[int, Field(ge=0)]


class Stock(_Model):
    """Units of one SKU at one location; `available` is what may still be promised."""

    sku: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    location_id: str
    on_hand: Annotated[int, Field(ge=0)]
    reserved: Annotated[int, Field(ge=0)] = 0
    safety_stock: Annotated[int, Field(ge=0)] = 0
    reorder_point: Annotated[int, Field(ge=0)] = 0
    planned: StockPlan | None = None

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved - self.safety_stock

    @property
    def days_of_cover(self) -> Decimal | None:
        """Days the units not yet promised last at the planned forecast; None before a plan, or
        when the forecast sells nothing."""
        if self.planned is None or self.planned.per_day <= 0:
            return None
        return (Decimal(max(0, self.on_hand - self.reserved)) / self.planned.per_day).quantize(Decimal("0.1"))


class TrackingStatus(StrEnum):
    """What a tracking event says happened, in one vocabulary for every provider."""

    INFO_RECEIVED = "info_received"  # label made, carrier told; nothing has moved
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"  # waiting at a carrier's point for the customer
    DELIVERED = "delivered"
    ATTEMPT_FAILED = "attempt_failed"  # the courier came and could not deliver
    EXCEPTION = "exception"  # held, damaged, lost, customs, address problem
    RETURNING = "returning"  # on its way back to the sender
    RETURNED = "returned"  # back with the sender
    EXPIRED = "expired"  # the carrier stopped reporting
    CANCELLED = "cancelled"  # the label or tracker was cancelled
    UNKNOWN = "unknown"  # the provider does not know the number (yet)


class Place(_Model):
    city: Text | None = None
    region: Text | None = None
    postal_code: Text | None = None
    country: Text | None = None  # ISO 3166-1 alpha-2 where the provider gives one


class TrackingEvent(_Model):
    """One scan or status report for one tracking number, at the time the carrier says it happened."""

    provider: Text  # easypost, aftership, shippo, 17track, ups, generic
    tracking_number: Text
    at: UtcTime  # when it happened, by the carrier's clock (never when it reached us)
    status: TrackingStatus
    carrier_code: Text | None = None  # the provider's own status code or subtag, verbatim
    description: Text | None = None  # the carrier's words, for the customer and support
    place: Place | None = None

    @property
    def key(self) -> str:
        """What makes two reports the same event: provider, number, time and status."""
        # In UTC: the same instant written with another offset (as stored) is the same event.
        return f"{self.provider}|{self.tracking_number}|{utc_iso(self.at)}|{self.status}"


class ShipmentStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    PICKED = "picked"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # its order was cancelled before it left; its stock was given back
    EXCEPTION = "exception"
    RETURNED = "returned"


class RejectionReason(StrEnum):
    """Why a location turns down a shipment sourced to it."""

    NO_STOCK = "no_stock"
    DAMAGED = "damaged"
    NO_CAPACITY = "no_capacity"
    OTHER = "other"


class DelayReason(StrEnum):
    EXCEPTION = "exception"  # the carrier reports a problem: held, damaged, customs, address
    ATTEMPT_FAILED = "attempt_failed"
    RETURNING = "returning"  # on its way back to the sender
    LATE = "late"  # its ETA is past the date the customer was promised
    SILENT = "silent"  # no tracking event for too long


class Delay(_Model):
    """A shipment that will not arrive when it should: raised once, with the ETA it now has."""

    reason: DelayReason
    raised_at: UtcTime
    eta: date | None = None
    detail: Text | None = None  # the carrier's words


class Tracking(_Model):
    """What the carrier has said of a shipment: its latest status, by the carrier's clock, and its
    most recent events (bounded: the carrier keeps the full list), with the ETA and any delay."""

    status: TrackingStatus | None = None
    at: UtcTime | None = None  # the latest event's own time: an older event arriving later changes nothing
    place: Place | None = None
    events: tuple[TrackingEvent, ...] = ()  # oldest first
    heard_at: UtcTime | None = None  # when the last push reached us
    eta: date | None = None
    eta_latest: date | None = None  # the day by which nine in ten such parcels arrive
    eta_source: Literal["carrier", "history", "table"] | None = None
    carrier_estimate: date | None = None
    delay: Delay | None = None  # the latest delay raised; it stays when cleared, for the record
    delays_raised: Annotated[int, Field(ge=0)] = 0


class ShipmentLine(_Model):
    line_no: Annotated[int, Field(ge=1)]
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(gt=0)]
    name: Text | None = None  # the order line's, for the picker


class ShipmentChange(_Model):
    """The shipment part of a history event: which shipment moved, from what to what."""

    shipment_id: str
    from_status: ShipmentStatus | None = None
    to_status: ShipmentStatus | None = None


class HistoryEvent(_Model):
    """Who did what to an order, when and why; a status change names both ends.

    A move the lifecycle does not allow is still recorded, `refused`, with no status change:
    a location that ships a cancelled shipment is something operations must see.
    """

    at: UtcTime
    actor: Text
    to_status: OrderStatus | None = None
    from_status: OrderStatus | None = None
    reason: Text | None = None
    shipment: ShipmentChange | None = None
    return_id: str | None = None
    refund_id: str | None = None
    refused: bool = False
    # A condition operations must see and act on (the alerts relay raises it): e.g.
    # `cancelled_after_shipment`, `changed_after_allocation`.
    alert: Text | None = None
    # What it did to a return or refund: a customer is told when one is authorised or paid.
    return_status: ReturnStatus | None = None
    refund_status: RefundStatus | None = None
    delay: Delay | None = None  # a delay raised on the shipment it names


class ShipmentMode(StrEnum):
    SHIP = "ship"  # to the customer
    PICKUP = "pickup"  # handed over at the pickup store's counter
    TRANSFER = "transfer"  # to the pickup store, which hands it over


class Shipment(_Model):
    """Units of an order that one location sends (or hands over), with why it was chosen."""

    shipment_id: Annotated[str, StringConstraints(pattern=r"^shp_[0-9A-Z]{26}_\d{2}$")]
    order_id: str
    location_id: str
    lines: tuple[ShipmentLine, ...]
    status: ShipmentStatus = ShipmentStatus.PENDING
    created_at: UtcTime
    mode: ShipmentMode = ShipmentMode.SHIP
    channel: Channel | None = None
    channel_order_number: Text | None = None
    # The location's calendar day it was promised to leave by, and the day whose capacity it uses.
    ship_by: date | None = None
    capacity_day: date | None = None
    transfer_to: str | None = None  # the pickup store a transfer goes to
    origin: str | None = None  # the region it leaves from ("US-NV"): its lane's start
    # The sourcing decision behind it: candidates, reasons, cost terms (staff and chat read it).
    trace: dict = {}
    carrier: Text | None = None
    service: Text | None = None  # the carrier's service (ground, next day air): what transit time depends on
    tracking_number: Text | None = None
    shipped_at: UtcTime | None = None
    delivered_at: UtcTime | None = None
    # The day the customer was promised it by, set when it was sourced.
    promised_by: date | None = None
    tracking: Tracking = Tracking()
    history: tuple[HistoryEvent, ...] = ()  # the order's events about this shipment, oldest first

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


class ReturnReason(StrEnum):
    DAMAGED = "damaged"
    DEFECTIVE = "defective"
    WRONG_ITEM = "wrong_item"
    NOT_AS_DESCRIBED = "not_as_described"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    ARRIVED_LATE = "arrived_late"
    NO_LONGER_NEEDED = "no_longer_needed"
    OTHER = "other"


class ReturnStatus(StrEnum):
    REQUESTED = "requested"  # held for staff to authorise (outside the window, say)
    AUTHORISED = "authorised"  # the customer may send it to `return_to`
    RECEIVED = "received"
    REJECTED = "rejected"


class ReturnCondition(StrEnum):
    SELLABLE = "sellable"  # back into stock
    DAMAGED = "damaged"  # received, and written off


class ReturnLine(_Model):
    line_no: Annotated[int, Field(ge=1)]
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(gt=0)]
    reason: ReturnReason


class ReceivedLine(_Model):
    line_no: Annotated[int, Field(ge=1)]
    quantity: Annotated[int, Field(gt=0)]
    condition: ReturnCondition


class Return(_Model):
    return_id: Annotated[str, StringConstraints(pattern=r"^ret_[0-9A-Z]{26}_\d{2}$")]
    order_id: str
    lines: tuple[ReturnLine, ...]
    status: ReturnStatus
    created_at: UtcTime
    return_to: str | None = None  # the location that takes it back
    held_because: Text | None = None
    received: tuple[ReceivedLine, ...] = ()
    received_at: UtcTime | None = None
    refund_id: str | None = None

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


class RefundStatus(StrEnum):
    REQUESTED = "requested"  # due: asked of the channel or payment system
    REFUNDED = "refunded"  # the channel or payment system says it is done


class RefundLine(_Model):
    line_no: Annotated[int, Field(ge=1)]
    quantity: Annotated[int, Field(ge=0)]
    amount: Money  # the units' price less their share of discounts, before tax


class Refund(_Model):
    """Money owed back to the customer. The OMS works out what is due and asks for it; the
    channel or payment system pays it and says so."""

    refund_id: Annotated[str, StringConstraints(pattern=r"^rfd_[0-9A-Z]{26}_\d{2}$")]
    order_id: str
    # Whose order it is, as the channel knows it: what a refund request is routed and matched by.
    channel: Channel
    channel_order_id: str
    reason: Literal["cancellation", "return", "channel"]
    currency: CurrencyCode
    lines: tuple[RefundLine, ...] = ()
    shipping: Money = Decimal(0)
    tax: Money = Decimal(0)
    amount: Money
    status: RefundStatus
    created_at: UtcTime
    confirmed_at: UtcTime | None = None
    return_id: str | None = None
    channel_refund_id: Text | None = None  # the channel's own id, once it has one


Order.model_rebuild()  # shipments, returns and refunds are declared after Order
HistoryEvent.model_rebuild()  # so are the return and refund statuses it names
