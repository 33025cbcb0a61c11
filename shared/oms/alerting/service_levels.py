"""How long an order may stay in a step before ops hear of it, and how often they hear again."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from oms.models import Shipment

Minutes = Annotated[int, Field(ge=1, le=7 * 24 * 60)]


class ServiceLevels(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    allocate_within_minutes: Minutes = 30  # approved, and still not sourced
    ship_late_grace_hours: Annotated[int, Field(ge=0, le=72)] = 0  # past the day promised to leave
    return_within_days: Annotated[int, Field(ge=1, le=365)] = 21  # a return requested, nothing received
    summary_every_minutes: Minutes = 15  # at most one summary per condition this often
    event_quiet_minutes: Minutes = 60  # events this long apart alert afresh

    def unallocated_before(self, now: datetime) -> datetime:
        return now - timedelta(minutes=self.allocate_within_minutes)

    def return_requested_before(self, now: datetime) -> datetime:
        return now - timedelta(days=self.return_within_days)

    def late_to_ship(self, shipment: Shipment, location_now: datetime) -> bool:
        """Still at its location after the end of the day it was promised to leave by (its calendar)."""
        if shipment.ship_by is None:
            return False
        deadline = datetime.combine(shipment.ship_by + timedelta(days=1), datetime.min.time(), location_now.tzinfo)
        return location_now >= deadline + timedelta(hours=self.ship_late_grace_hours)
