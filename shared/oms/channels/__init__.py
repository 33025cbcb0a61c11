"""Sales channels' native order formats, each turned into the canonical order by a pure adapter.

One module per channel, each exposing `to_channel_order(payload: dict) -> ChannelOrder`:
no I/O, no boto3. An adapter names the native fields it cannot find or read
(ChannelPayloadError), maps the channel's statuses through explicit tables, and keeps
the channel's stated total even where the channel's own parts do not add up to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from oms.models import CHANNEL_DATA, OrderStatus, OrderSubmission, field_errors


class ChannelPayloadError(ValueError):
    """The payload is not an order of this channel; each problem names a native field path."""

    def __init__(self, problems: list[dict[str, str]]):
        super().__init__("; ".join(f"{p['field']}: {p['problem']}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ChannelRefund:
    """Money a channel paid back on one of its orders, as it reports it: a refund of its own,
    or the one the OMS asked for. The same refund may be reported again as it moves on
    (pending, then completed): it is recognised by the channel's refund id and its state."""

    channel_order_id: str
    refund_id: str
    amount: Decimal | None  # None: the report does not say (a marketplace's notice)
    completed: bool  # paid back, not just asked for
    at: datetime | None = None
    cancels: tuple[tuple[str, int], ...] = ()  # (sku, units) the refund also cancels: not to be shipped
    cancels_order: bool = False  # the marketplace cancelled the whole order with it
    note: str | None = None  # the channel's own words, for the order's history


@dataclass(frozen=True)
class ChannelOrder:
    """A channel's order in canonical form, and where the channel says it stands."""

    submission: OrderSubmission
    # RECEIVED for an order to screen and fulfil; CANCELLED, SHIPPED, ... when the channel
    # reports it so (a cancelled or historic order), through the adapter's status table.
    status: OrderStatus = OrderStatus.RECEIVED
    channel_status: str | None = None  # the channel's own word, verbatim, for support
    notes: tuple[str, ...] = field(default=())
    # When the channel last changed the order, by its own clock: later versions of one order are
    # applied in this order, whatever order they arrive in.
    updated_at: datetime | None = None
    refunds: tuple[ChannelRefund, ...] = ()  # refunds the order itself lists
    cancels: tuple[tuple[str, int], ...] = ()  # (sku, units) the channel cancelled item by item


def require(payload: Any, *paths: str) -> list[dict[str, str]]:
    """Problems for each dotted path (list indexes as numbers) missing or null in the payload."""
    problems = []
    for path in paths:
        value = payload
        for part in path.split("."):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and value.get(part) is not None:
                value = value[part]
            else:
                problems.append({"field": path, "problem": "missing"})
                break
    return problems


def submission_from(canonical: dict[str, Any], native_field_of: dict[str, str] | None = None) -> OrderSubmission:
    """Validates an adapter's canonical dict, keeping the stated total.

    The difference between the stated total and the channel's parts becomes
    `total_discrepancy`. Problems are reported under the native field they came from
    where the adapter says so (`native_field_of` maps canonical paths to native ones).
    """
    parts = canonical.get("lines"), canonical.get("shipping", 0), canonical.get("tax", 0), canonical.get("discount", 0)
    try:
        lines_net = sum(
            (Decimal(str(line["unit_price"])) * int(line["quantity"])
             - sum((Decimal(str(d["amount"])) for d in line.get("discounts", ())), Decimal(0))
             for line in parts[0] or ()),
            Decimal(0),
        )
        computed = lines_net + Decimal(str(parts[1])) + Decimal(str(parts[2])) - Decimal(str(parts[3]))
        difference = Decimal(str(canonical["total"])) - computed
    except (ArithmeticError, KeyError, TypeError, ValueError):
        difference = Decimal(0)  # a part is unreadable: validation below names it
    if difference:
        canonical = {**canonical, "total_discrepancy": str(difference)}
    try:
        return OrderSubmission.model_validate(canonical, context=CHANNEL_DATA)
    except ValidationError as error:
        native = native_field_of or {}
        raise ChannelPayloadError(
            [{**problem, "field": native.get(problem["field"], problem["field"])} for problem in field_errors(error)]
        ) from None


def adapter_for(channel: str):
    """The channel's adapter module, or None for a channel without a native format."""
    from importlib import import_module

    if channel not in NATIVE_FORMATS:
        return None
    return import_module(f"oms.channels.{channel}")


# Channels that post their own format to POST /channels/{channel}/orders.
NATIVE_FORMATS: frozenset[str] = frozenset({"shopify", "woocommerce", "amazon", "square", "magento", "tiktok"})


@dataclass(frozen=True)
class WebhookSignature:
    """How a channel signs its webhooks: the header, its encoding, and what is signed."""

    header: str
    encoding: str = "base64"  # or "hex"
    # Square signs the notification URL followed by the body; the others the body alone.
    url_then_body: bool = False


def e164(phone: str | None, country: str | None) -> str | None:
    """A phone number in E.164, read as a number of `country` when it has no +prefix.

    None when it cannot be read: a paid order is not refused over its phone number.
    """
    if not phone or not phone.strip():
        return None
    import phonenumbers  # only adapters whose channels send local formats pay for it

    try:
        number = phonenumbers.parse(phone, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
