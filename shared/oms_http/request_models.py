"""The bodies and queries the HTTP API's views validate, one model each.

They live in the layer rather than beside their views so that the API's contract can be built
from them without loading a function (and its AWS clients).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from oms.models import Address, Channel, Location, OrderStatus, ReceivedLine, RejectionReason, ReturnReason
from oms.planning import CatalogueEntry, ProposalStatus, Supplier
from oms.stock_orders import MAX_RECEIPT_LINES
from oms.store.cursors import Cursor

# Longer than anyone types to a shop; the NLU reads the first 2,000 characters.
LONGEST_CHAT_MESSAGE = 10_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- orders (review)

class OrderListing(_Strict):
    """Orders in a status; or, with `number`, the orders a customer's order number names."""

    status: OrderStatus = OrderStatus.ON_HOLD
    limit: int = Field(default=50, ge=1, le=100)
    after: Cursor | None = None
    number: str | None = Field(default=None, min_length=1, max_length=200)
    channel: Channel | None = None


class Decision(_Strict):
    reason: str | None = Field(default=None, max_length=500)


class CancelledUnits(_Strict):
    line_no: int = Field(ge=1)
    quantity: int = Field(ge=1)


class Cancellation(Decision):
    """The whole order, or `lines` (units of some lines)."""

    lines: list[CancelledUnits] | None = Field(default=None, min_length=1, max_length=100)


# ---------------------------------------------------------------- customer service

class AddressChange(_Strict):
    shipping_address: Address


class ReturnedUnits(_Strict):
    line_no: int = Field(ge=1)
    quantity: int = Field(ge=1)
    reason: ReturnReason


class ReturnRequest(_Strict):
    lines: list[ReturnedUnits] = Field(min_length=1, max_length=100)


class ReturnReceipt(_Strict):
    """What arrived; an admin names where (a location key is where)."""

    lines: list[ReceivedLine] = Field(min_length=1, max_length=100)
    location_id: str | None = Field(default=None, min_length=1, max_length=64)


class ReturnRejection(_Strict):
    reason: str = Field(min_length=1, max_length=500)


class RefundConfirmation(_Strict):
    channel_refund_id: str | None = Field(default=None, min_length=1, max_length=128)


# ---------------------------------------------------------------- stock and locations

class StockLevel(_Strict):
    on_hand: int = Field(ge=0, le=10_000_000)
    safety_stock: int = Field(default=0, ge=0)
    reorder_point: int = Field(default=0, ge=0)
    reason: str | None = Field(default=None, max_length=200)


class Adjustment(_Strict):
    delta: int = Field(ge=-10_000_000, le=10_000_000)
    reason: str = Field(min_length=1, max_length=200)

    @field_validator("delta")
    @classmethod
    def _changes_something(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("must not be 0")
        return delta


class StockReceipt(_Strict):
    quantity: int = Field(gt=0, le=10_000_000)
    reference: str | None = Field(default=None, max_length=200)


class BulkChange(_Strict):
    """One line of a bulk change: exactly one of on_hand (set), delta (count) or quantity (receive)."""

    sku: str = Field(min_length=1, max_length=64)
    location_id: str = Field(min_length=1, max_length=64)
    on_hand: int | None = Field(default=None, ge=0, le=10_000_000)
    safety_stock: int = Field(default=0, ge=0)
    delta: int | None = Field(default=None, ge=-10_000_000, le=10_000_000)
    quantity: int | None = Field(default=None, gt=0, le=10_000_000)
    reason: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one_kind_of_change(self) -> BulkChange:
        if sum(value is not None for value in (self.on_hand, self.delta, self.quantity)) != 1:
            raise ValueError("give exactly one of on_hand, delta or quantity")
        if self.delta is not None and (self.delta == 0 or not self.reason):
            raise ValueError("a count needs a non-zero delta and a reason")
        return self


class BulkStockChange(_Strict):
    changes: list[BulkChange] = Field(min_length=1, max_length=500)


class MovementsPage(_Strict):
    limit: int = Field(default=50, ge=1, le=100)
    after: Cursor | None = None


class AvailabilityQuery(BaseModel):
    """Other query parameters are ignored; an unknown channel is served by no location."""

    channel: str | None = None


class LocationEdit(Location):
    """A location as PUT describes it. `rotate_webhook_secret` issues a new signing secret and
    keeps the previous one valid until the next rotation."""

    location_id: str | None = Field(default=None, description="ignored: the path names the location")
    rotate_webhook_secret: bool = False

    def location(self, location_id: str) -> Location:
        """The location it describes, under the path's id, with the defaults of what it leaves out."""
        given = self.model_dump(exclude_unset=True, exclude={"location_id", "rotate_webhook_secret"})
        return Location.model_validate({**given, "location_id": location_id})


class SupplierEdit(Supplier):
    """A supplier as PUT describes it: the path names it."""

    supplier_id: str | None = Field(default=None, description="ignored: the path names the supplier")

    def supplier(self, supplier_id: str) -> Supplier:
        given = self.model_dump(exclude_unset=True, exclude={"supplier_id"})
        return Supplier.model_validate({**given, "supplier_id": supplier_id})


class CatalogueEdit(CatalogueEntry):
    """What the catalogue says of a SKU, as PUT describes it: the path names the SKU."""

    sku: str | None = Field(default=None, description="ignored: the path names the SKU")

    def entry(self, sku: str) -> CatalogueEntry:
        given = self.model_dump(exclude_unset=True, exclude={"sku"})
        return CatalogueEntry.model_validate({**given, "sku": sku})


# ---------------------------------------------------------------- replenishment

class ProposalListing(_Strict):
    """Proposals in a status (open ones by default), or in any with `all`."""

    status: ProposalStatus | Literal["all"] = ProposalStatus.OPEN
    limit: int = Field(default=50, ge=1, le=100)
    after: Cursor | None = None


class DeliveredUnits(_Strict):
    sku: str = Field(min_length=1, max_length=64)
    units: int = Field(ge=1, le=1_000_000)


class PurchaseReceipt(_Strict):
    """A delivery against a purchase order: `receipt_id` (the delivery note's number) counts it
    once; `lines` default to everything still outstanding."""

    receipt_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$")
    lines: list[DeliveredUnits] | None = Field(default=None, min_length=1, max_length=MAX_RECEIPT_LINES)


# ---------------------------------------------------------------- fulfilment

class PickListing(_Strict):
    status: Literal["pending", "accepted", "picked"] = "pending"
    location_id: str | None = Field(default=None, min_length=1, max_length=64)
    limit: int = Field(default=50, ge=1, le=100)
    after: Cursor | None = None


class Shipped(_Strict):
    carrier: str = Field(min_length=1, max_length=64)
    tracking_number: str = Field(min_length=1, max_length=64, pattern=r"\S")
    service: str | None = Field(default=None, min_length=1, max_length=64)  # ground, next_day_air, ...


class PickRejection(_Strict):
    reason: RejectionReason


# ---------------------------------------------------------------- chat

class ChatParse(_Strict):
    text: str = Field(max_length=LONGEST_CHAT_MESSAGE)


class ChatMessage(_Strict):
    """As Rasa's REST channel takes it; `metadata` is accepted and not used."""

    # Unguessable, since it alone names the conversation: the widget makes a random one.
    sender: str = Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    message: str = Field(max_length=LONGEST_CHAT_MESSAGE)
    metadata: dict | None = None
