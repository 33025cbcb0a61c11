"""A pick as its location reads it: what to pick, by when, and where it goes.

The ship-to name and street (and a pickup customer's name) are shown only to the location
holding the shipment, and only while it is open: once the parcel is gone, or to anyone
else (operations included), a pick shows the town, postcode and country alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from oms.lifecycle import OPEN
from oms.models import Shipment, UtcTime


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PickLine(_Frozen):
    line_no: int
    sku: str
    name: str | None
    quantity: int


class ShipTo(_Frozen):
    name: str | None = None
    company: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


class Pick(_Frozen):
    shipment_id: str
    order_id: str
    location_id: str
    status: str
    mode: str
    created_at: UtcTime
    ship_by: date | None
    channel: str | None
    channel_order_number: str | None
    delivery_method: str | None
    lines: tuple[PickLine, ...]
    ship_to: ShipTo | None  # None for a pickup at this store
    customer_name: str | None  # who collects a pickup
    transfer_to: str | None  # the pickup store a transfer goes to


_PLACE = ("city", "region", "postal_code", "country")


def may_see_recipient(shipment: Shipment, caller_location_id: str | None) -> bool:
    return caller_location_id == shipment.location_id and shipment.status in OPEN


def pick_of(shipment: Shipment, header: dict[str, Any], reveal: bool) -> Pick:
    """`header` is the order's stored header, its personal data opened if `reveal`."""
    address = header.get("shipping_address") or {}
    fields = {name: value for name, value in address.items() if reveal or name in _PLACE}
    customer_name = (header.get("customer") or {}).get("name") if reveal else None
    if address and reveal and not fields.get("name"):
        fields["name"] = customer_name  # a label needs a recipient: the buyer, when the address names no one
    pickup = shipment.mode == "pickup"
    return Pick(
        shipment_id=shipment.shipment_id, order_id=shipment.order_id, location_id=shipment.location_id,
        status=shipment.status, mode=shipment.mode, created_at=shipment.created_at, ship_by=shipment.ship_by,
        channel=shipment.channel, channel_order_number=shipment.channel_order_number,
        delivery_method=(header.get("delivery") or {}).get("method"),
        lines=tuple(PickLine(line_no=line.line_no, sku=line.sku, name=line.name, quantity=line.quantity)
                    for line in shipment.lines),
        ship_to=None if pickup or shipment.mode == "transfer" or not address else ShipTo.model_validate(
            {name: value for name, value in fields.items() if name in ShipTo.model_fields}),
        customer_name=customer_name if pickup else None,
        transfer_to=shipment.transfer_to,
    )
