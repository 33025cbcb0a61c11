"""Cleaning a whole order in the canonical shape, the same for every file format. Pure.

Every string is trimmed; each field with a cleaning rule (infra.importing.cleaning) is
cleaned. A value cleaning cannot read is left as written and noted as a problem, so
validation rejects the order without a second, vaguer message about the same field. An
unreadable phone is dropped with a warning instead: an order is not refused over it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from decimal import Decimal
from typing import Any

from infra.importing import cleaning
from infra.importing.candidate import Note

_MONEY = ("subtotal", "shipping", "tax", "discount", "total")
_CHOICES = (("payment", "method"), ("payment", "status"), ("delivery", "method"))


def tidy_order(payload: dict, zone: tzinfo, day_first: bool) -> tuple[dict, list[Note]]:
    order = _trimmed(payload)
    notes: list[Note] = []

    def clean(container: Any, key: str, path: str, cleaner: Callable[[str], Any]) -> None:
        if not isinstance(container, dict) or not isinstance(container.get(key), str):
            return  # absent, or of a type validation will name
        try:
            cleaned = cleaner(container[key])
        except cleaning.Unreadable as unreadable:
            notes.append(Note(path, str(unreadable)))
            return
        if cleaned is None:
            del container[key]  # blank is missing, whatever the format
        else:
            container[key] = cleaned

    clean(order, "currency", "currency", cleaning.currency)
    clean(order, "placed_at", "placed_at", lambda value: cleaning.moment(value, zone, day_first))
    currency = order.get("currency") if isinstance(order.get("currency"), str) else None

    def money(value: str) -> Decimal | None:
        return cleaning.amount(value, currency)  # the currency decides what `1.234` means

    for name in _MONEY:
        clean(order, name, name, money)
    for part, name in _CHOICES:
        clean(order.get(part), name, f"{part}.{name}", cleaning.choice)
    for address in ("shipping_address", "billing_address"):
        clean(order.get(address), "country", f"{address}.country", cleaning.country)
        clean(order.get(address), "postal_code", f"{address}.postal_code", cleaning.postal_code)
    lines = order.get("lines")
    for number, line in enumerate(lines if isinstance(lines, list) else []):
        clean(line, "quantity", f"lines.{number}.quantity", cleaning.quantity)
        clean(line, "unit_price", f"lines.{number}.unit_price", money)
        discounts = line.get("discounts") if isinstance(line, dict) else None
        for index, discount in enumerate(discounts if isinstance(discounts, list) else []):
            clean(discount, "amount", f"lines.{number}.discounts.{index}.amount", money)
    customer = order.get("customer")
    clean(customer, "email", "customer.email", cleaning.email)
    _clean_phone(customer, _country_of(order), notes)
    return order, notes


def _clean_phone(customer: Any, country: str | None, notes: list[Note]) -> None:
    if not isinstance(customer, dict) or not isinstance(customer.get("phone"), str):
        return
    try:
        cleaned = cleaning.phone(customer["phone"], country)
    except cleaning.Unreadable as unreadable:
        cleaned = None
        notes.append(Note("customer.phone", f"dropped: {unreadable}", warning=True))
    if cleaned is None:
        del customer["phone"]
    else:
        customer["phone"] = cleaned


def _country_of(order: dict) -> str | None:
    """The country a phone without `+` is read in: the shipping address's, else the billing's."""
    for address in ("shipping_address", "billing_address"):
        part = order.get(address)
        country = part.get("country") if isinstance(part, dict) else None
        if isinstance(country, str):
            return country
    return None


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {key: _trimmed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trimmed(item) for item in value]
    return value
