"""Reading channels' payloads defensively: a field of the wrong type reads as absent, so the
adapter reports it by name instead of failing on it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

# Our money has at most 4 decimal places (models.Money).
TEN_THOUSANDTHS = Decimal("0.0001")


def text(value: Any) -> str | None:
    """A string's text, stripped; anything else, or only blanks, is no text."""
    return (value.strip() or None) if isinstance(value, str) else None


def scalar_text(value: Any) -> str | None:
    """Like `text`, but a number is read as its digits (channels that send ids and
    postcodes as numbers)."""
    rendered = "" if value is None else str(value).strip()
    return rendered or None


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def dicts(value: Any) -> list[dict]:
    return [item if isinstance(item, dict) else {} for item in as_list(value)]


def full_name(record: dict) -> str | None:
    joined = " ".join(part for part in (text(record.get("first_name")), text(record.get("last_name"))) if part)
    return joined or None


def unit_price_and_discount(gross: Decimal, net: Decimal, quantity: int, native: str,
                            notes: list[str]) -> tuple[Decimal, Decimal]:
    """A unit price (to our 4 places) and the line's discount, such that the line nets to
    the channel's own line total: a line that does not divide by its quantity (3 for
    25.00) is rounded up, and the fraction of a cent is carried as discount."""
    if quantity <= 0:
        return gross, Decimal(0)  # the quantity is reported by validation
    unit_price = gross / quantity
    if unit_price.as_tuple().exponent < TEN_THOUSANDTHS.as_tuple().exponent:
        unit_price = unit_price.quantize(TEN_THOUSANDTHS, rounding=ROUND_CEILING)
        notes.append(f"{native}: {gross} for {quantity} is {unit_price} each, rounded up; "
                     f"the {unit_price * quantity - gross} over is carried as discount")
    return unit_price, max(unit_price * quantity - net, Decimal(0))


def joined(*parts: Any) -> str | None:
    """The parts that have text, joined by spaces (a first and a last name)."""
    return " ".join(rendered for part in parts if (rendered := scalar_text(part))) or None


def decimal(value: Any) -> Decimal | None:
    """A number a channel sends as a string or a JSON number, read through its shortest decimal
    form (a float 19.99 is 19.99 exactly); None for anything else, or for what is not finite."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    try:
        read = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return read if read.is_finite() else None


def amount(value: Any, field: str, problems: list[dict[str, str]], default: Decimal | None = None) -> Decimal:
    """An amount of money; what cannot be read is a problem named by its field (and reads as 0).
    With a `default`, an absent or empty amount is that instead."""
    if default is not None and (value is None or value == ""):
        return default
    read = decimal(value)
    if read is None:
        problems.append({"field": field, "problem": "missing" if value is None else "not an amount"})
        return Decimal(0)
    return read


def moment(value: Any) -> datetime | None:
    """When a channel says something happened: ISO-8601 with a zone, or without one (Magento's and
    WooCommerce's `_gmt` fields are UTC), or Unix seconds (TikTok). None when it cannot be read."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    written = text(value)
    if written is None:
        return None
    try:
        read = datetime.fromisoformat(written.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return read.replace(tzinfo=UTC) if read.tzinfo is None else read.astimezone(UTC)
