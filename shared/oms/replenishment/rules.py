"""The planner's rules: service levels per SKU class, how classes are cut, and the days and costs
transfers and purchases are weighed with. Ops keep them in one JSON parameter."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from oms.models import Money
from oms.planning import ServiceLevelClass

Probability = Annotated[float, Field(ge=0.5, le=0.9999)]  # below 0.5 a safety stock would be negative
Share = Annotated[float, Field(gt=0, le=1)]
Days = Annotated[int, Field(ge=0, le=365)]

CLASSES: tuple[ServiceLevelClass, ...] = ("A", "B", "C")


class PlanningRules(BaseModel):
    """Defaults:
    - `service_levels` A 0.98, B 0.95, C 0.90: the chance a location does not run out before what
      it reorders arrives; the SKUs that make most of the value get the most.
    - `class_shares` (0.8, 0.95): A is the SKUs making the first 80 % of forecast value, B the next
      15 %, C the rest.
    - `review_days` 7: the planner reorders a SKU at most this often, so what it orders covers the
      lead time and a review period.
    - `transfer_days` 2: door to door between two of our locations.
    - `transfer_margin_days` 7: a source keeps its own need until its purchase could arrive, plus
      this many days of demand, before it gives any away.
    - `default_lead_time_days` 14: for a SKU no supplier supplies, how long getting more would take.
    - `purchase_line_cost` 10.00: raising, receiving and paying one purchase line. What a transfer
      saves when it covers a need a purchase would otherwise be placed for (the units themselves
      are paid for either way, once); carrying the surplus the source keeps is not counted.
    - `transfers_enabled`: off, every need is bought (a peak week when stores cannot pack transfers).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_levels: dict[ServiceLevelClass, Probability] = Field(
        default_factory=lambda: {"A": 0.98, "B": 0.95, "C": 0.90})
    class_shares: tuple[Share, Share] = (0.8, 0.95)
    review_days: Annotated[int, Field(ge=1, le=90)] = 7
    transfer_days: Days = 2
    transfer_margin_days: Days = 7
    default_lead_time_days: Days = 14
    purchase_line_cost: Money = Decimal("10.00")
    transfers_enabled: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> PlanningRules:
        missing = [sku_class for sku_class in CLASSES if sku_class not in self.service_levels]
        if missing:
            raise ValueError(f"service_levels needs every class: {', '.join(missing)} missing")
        if self.class_shares[0] >= self.class_shares[1]:
            raise ValueError("class_shares: A's share must be below A and B's together")
        return self

    def service_level(self, sku_class: str) -> float:
        return self.service_levels[sku_class]
