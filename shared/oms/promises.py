"""The day a shipment is promised to leave its location, on that location's calendar.

Working days Monday to Friday, counted from the day the units were committed: standard
delivery leaves within 2 working days, express the next, same day and pickups the same
day, and a transfer to a pickup store the next (so the store has it to hand over). A
location that commits on a weekend counts from the Monday.
"""

from __future__ import annotations

from datetime import date, timedelta

from oms.models import DeliveryMethod, ShipmentMode

WORKING_DAYS_TO_SHIP = {
    DeliveryMethod.STANDARD: 2,
    DeliveryMethod.EXPRESS: 1,
    DeliveryMethod.SAME_DAY: 0,
    DeliveryMethod.STORE_PICKUP: 0,
}
WORKING_DAYS_TO_TRANSFER = 1


def ship_by(method: DeliveryMethod | str, mode: ShipmentMode | str, committed_on: date) -> date:
    days = WORKING_DAYS_TO_TRANSFER if mode == ShipmentMode.TRANSFER else WORKING_DAYS_TO_SHIP[DeliveryMethod(method)]
    day = committed_on
    while day.weekday() >= 5:
        day += timedelta(days=1)
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
