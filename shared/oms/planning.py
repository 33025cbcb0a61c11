"""What replenishment plans with and produces: suppliers, what the catalogue knows of a SKU,
the proposals a planning run writes, and the transfer and purchase orders they become."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, StringConstraints, model_validator

from oms.models import Money, Text, UtcTime, _Model

# Grams at the finest, written out in full ("0.005", never "5E-3"), as a JSON string like money.
Kilograms = Annotated[Decimal, Field(gt=0, le=10_000, max_digits=8, decimal_places=3),
                      PlainSerializer(lambda weight: format(weight, "f"), return_type=str, when_used="json")]
SupplierId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Units = Annotated[int, Field(ge=1, le=1_000_000)]


class Supplier(_Model):
    """Who a SKU is bought from, and on what terms."""

    supplier_id: SupplierId
    name: Text
    lead_time_days: Annotated[int, Field(ge=0, le=365)]
    order_multiple: Annotated[int, Field(ge=1, le=100_000)] = 1  # a case, a pallet layer
    minimum_order_quantity: Annotated[int, Field(ge=1, le=1_000_000)] = 1  # per SKU and order
    # The locations it delivers to; empty: every location.
    delivers_to: tuple[str, ...] = ()

    def delivers(self, location_id: str) -> bool:
        return not self.delivers_to or location_id in self.delivers_to

    def order_quantity(self, units: int) -> int:
        """What to buy for a need of `units`: at least the minimum, in whole multiples."""
        wanted = max(units, self.minimum_order_quantity)
        return -(-wanted // self.order_multiple) * self.order_multiple


class CatalogueEntry(_Model):
    """What the catalogue knows of a SKU beyond its name: who supplies it, what it is, what it
    costs and sells for (the margin a stock-out loses) and what a unit weighs."""

    sku: Sku
    supplier_id: SupplierId | None = None
    category: Text | None = None
    unit_cost: Money | None = None
    unit_price: Money | None = None
    unit_weight_kg: Kilograms | None = None

    @property
    def unit_margin(self) -> Decimal | None:
        if self.unit_cost is None or self.unit_price is None:
            return None
        return max(Decimal(0), self.unit_price - self.unit_cost)


class ProposalKind(StrEnum):
    TRANSFER = "transfer"
    PURCHASE = "purchase"


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"  # a later run proposed again from fresher stock


class ProposalLine(_Model):
    sku: Sku
    units: Units
    # What the units are for: the destination's reorder point, need over lead time, position.
    reorder_point: Annotated[int, Field(ge=0)] = 0
    position: int = 0  # on hand - reserved + inbound, before this proposal


class Proposal(_Model):
    """A transfer between two locations, or a purchase from a supplier for one location."""

    proposal_id: Annotated[str, StringConstraints(pattern=r"^(trp|pup)_[0-9a-z-]{1,120}$")]
    kind: ProposalKind
    status: ProposalStatus = ProposalStatus.OPEN
    run_on: date
    to_location: str
    from_location: str | None = None  # a transfer's source
    supplier_id: SupplierId | None = None  # a purchase's supplier
    lines: tuple[ProposalLine, ...]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    # Estimated cost of the move (transfer: carriage and handling; purchase: units × unit cost),
    # and what it saves (the margin a stock-out would lose, or the purchase a transfer avoids).
    cost: Money = Decimal(0)
    saves: Money = Decimal(0)
    arrives_by: date | None = None
    created_at: UtcTime
    accepted_at: UtcTime | None = None
    accepted_by: Text | None = None
    order_id: str | None = None  # the transfer or purchase order it became

    @model_validator(mode="after")
    def _one_source(self) -> Proposal:
        if self.kind == ProposalKind.TRANSFER and not self.from_location:
            raise ValueError("a transfer needs from_location")
        if self.kind == ProposalKind.PURCHASE and not self.supplier_id:
            raise ValueError("a purchase needs supplier_id")
        return self


class TransferStatus(StrEnum):
    RESERVED = "reserved"  # units set aside at the source
    IN_TRANSIT = "in_transit"  # gone from the source
    RECEIVED = "received"  # arrived at the destination
    CANCELLED = "cancelled"


class TransferOrder(_Model):
    transfer_id: Annotated[str, StringConstraints(pattern=r"^tro_[0-9A-Za-z_-]{1,120}$")]
    from_location: str
    to_location: str
    lines: tuple[ProposalLine, ...]
    status: TransferStatus = TransferStatus.RESERVED
    proposal_id: str | None = None
    created_at: UtcTime
    created_by: Text
    shipped_at: UtcTime | None = None
    received_at: UtcTime | None = None


class PurchaseStatus(StrEnum):
    OPEN = "open"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"


class PurchaseLine(_Model):
    sku: Sku
    units: Units
    received: Annotated[int, Field(ge=0)] = 0


class PurchaseOrder(_Model):
    purchase_id: Annotated[str, StringConstraints(pattern=r"^poo_[0-9A-Za-z_-]{1,120}$")]
    supplier_id: SupplierId
    to_location: str
    lines: tuple[PurchaseLine, ...]
    status: PurchaseStatus = PurchaseStatus.OPEN
    proposal_id: str | None = None
    expected_on: date | None = None
    created_at: UtcTime
    created_by: Text


ServiceLevelClass = Literal["A", "B", "C"]
