"""Service levels, and bringing the alert book up to date with what is stuck now."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from oms.alerting.service_levels import ServiceLevels
from oms.alerting.signals import Signal
from oms.alerting.stuck import reconcile, stuck_orders, stuck_shipments
from oms.models import Shipment

SHIPMENT = "shp_01JAAAAAAAAAAAAAAAAAAAAAAA_01"


def pick(ship_by: date) -> Shipment:
    return Shipment(shipment_id=SHIPMENT, order_id="ord_01JAAAAAAAAAAAAAAAAAAAAAAA", location_id="store-soho",
                    lines=(), created_at=datetime(2026, 12, 1, tzinfo=UTC), ship_by=ship_by)


def test_a_pick_is_late_after_the_end_of_its_promised_day_on_its_locations_calendar():
    levels = ServiceLevels()
    new_york = ZoneInfo("America/New_York")
    assert not levels.late_to_ship(pick(date(2026, 12, 1)), datetime(2026, 12, 1, 23, 59, tzinfo=new_york))
    assert levels.late_to_ship(pick(date(2026, 12, 1)), datetime(2026, 12, 2, 0, 0, tzinfo=new_york))
    graced = ServiceLevels(ship_late_grace_hours=4)
    assert not graced.late_to_ship(pick(date(2026, 12, 1)), datetime(2026, 12, 2, 3, 0, tzinfo=new_york))


def test_service_levels_refuse_what_would_never_or_always_alert():
    with pytest.raises(ValidationError):
        ServiceLevels(allocate_within_minutes=0)
    with pytest.raises(ValidationError):
        ServiceLevels.model_validate({"allocate_within_mins": 30})


def test_reconcile_joins_the_newly_stuck_and_lets_the_unstuck_leave():
    found = stuck_orders("stuck_unallocated", ["ord_b", "ord_c"]) + stuck_shipments("wh-reno", ["shp_1"])
    open_now = {"stuck_unallocated": ("stuck_unallocated", (), {"ord_a", "ord_b"}),
                "stuck_unshipped#store-soho": ("stuck_unshipped", (("location", "store-soho"),), {"shp_9"})}
    assert reconcile(found, open_now) == [
        Signal("stuck_unallocated", "ord_c"),
        Signal("stuck_unshipped", "shp_1", (("location", "wh-reno"),)),
        Signal("stuck_unallocated", "ord_a", holds=False),
        Signal("stuck_unshipped", "shp_9", (("location", "store-soho"),), holds=False),
    ]
