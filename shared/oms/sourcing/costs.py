"""What a plan is estimated to cost: the cost model and the distance it prices."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oms.models import LocationKind

if TYPE_CHECKING:
    from oms.sourcing.plans import Candidate

_EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class CostModel:
    """What a plan is estimated to cost, in the order's currency. Estimates rank plans and are
    charged to no one, so they are floats.

    Defaults, for a parcel network like a US ground carrier's:
    - `shipment_cost` 6.00 per shipment: label, box and packing, whatever its weight. It is
      what makes two parcels dearer than one.
    - `per_kg_km` 0.002: a 1 kg unit carried 1,000 km costs 2.00 more than one sent next door.
    - `default_unit_weight_kg` 0.5, for a line that gives no weight.
    - handling per unit picked, for a location that states none: warehouse 0.50 (pickers and
      conveyors), dropship 1.00 (the vendor's fee), store 2.00 (sales staff off the floor).
    """

    shipment_cost: float = 6.00
    per_kg_km: float = 0.002
    default_unit_weight_kg: float = 0.5
    warehouse_handling: float = 0.50
    dropship_handling: float = 1.00
    store_handling: float = 2.00

    def handling(self, candidate: Candidate) -> float:
        if candidate.handling_cost is not None:
            return candidate.handling_cost
        if candidate.kind == LocationKind.WAREHOUSE:
            return self.warehouse_handling
        return self.store_handling if candidate.kind == LocationKind.STORE else self.dropship_handling

    def unit_cost(self, candidate: Candidate, distance_km: float, unit_weight_kg: float | None) -> float:
        """Shipping and handling of one unit; its shipment's own cost comes on top, once."""
        weight = self.default_unit_weight_kg if unit_weight_kg is None else unit_weight_kg
        return distance_km * weight * self.per_kg_km + self.handling(candidate)


def haversine_km(latitude_a: float, longitude_a: float, latitude_b: float, longitude_b: float) -> float:
    phi_a, phi_b = math.radians(latitude_a), math.radians(latitude_b)
    half_chord = (math.sin((phi_b - phi_a) / 2) ** 2
                  + math.cos(phi_a) * math.cos(phi_b) * math.sin(math.radians(longitude_b - longitude_a) / 2) ** 2)
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half_chord)))
