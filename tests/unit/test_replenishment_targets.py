"""Replenishment targets: safety stock from the forecast error and the service level, reorder point
and order-up-to level per location, and what a source keeps before it gives."""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from oms.forecast import DemandDay, forecast
from oms.models import Location, LocationKind
from oms.planning import Supplier
from oms.replenishment import PlanningRules, StockPosition, expected_short, kept, lead_time_days, target

RUN_ON = date(2026, 3, 2)
PLACES = {  # real US coordinates
    "wh-reno": (LocationKind.WAREHOUSE, "39.5296", "-119.8138"),
    "wh-columbus": (LocationKind.WAREHOUSE, "39.9612", "-82.9988"),
    "store-nyc": (LocationKind.STORE, "40.7128", "-74.0060"),
    "store-boston": (LocationKind.STORE, "42.3601", "-71.0589"),
    "store-la": (LocationKind.STORE, "34.0522", "-118.2437"),
    "vendor-austin": (LocationKind.DROPSHIP, "30.2672", "-97.7431"),
}


@dataclass(frozen=True)
class NormalForecast:
    """The forecast API with normal, independent daily demand: what the rules need, and no more."""

    per_day: float
    sigma: float = 0.0  # of one day's demand

    def over(self, days: int) -> float:
        return self.per_day * days

    def spread(self, days: int) -> float:
        return self.sigma * math.sqrt(days)

    def quantile(self, days: int, service_level: float) -> float:
        return max(0.0, self.over(days) + NormalDist().inv_cdf(service_level) * self.spread(days))

    def days_of_cover(self, units: float) -> float | None:
        return max(0.0, units) / self.per_day if self.per_day > 0 else None


def place(location_id: str, **details) -> Location:
    kind, latitude, longitude = PLACES[location_id]
    return Location(location_id=location_id, name=location_id, kind=kind, latitude=latitude, longitude=longitude,
                    country="US", **details)


def at(location_id: str, on_hand: int, per_day: float = 2.0, sigma: float = 1.0, *, reserved: int = 0,
       inbound: int = 0, safety_stock: int = 0, **details) -> StockPosition:
    return StockPosition(place(location_id, **details), on_hand, reserved, inbound, NormalForecast(per_day, sigma),
                         safety_stock)


def test_reorder_point_is_the_need_over_the_lead_time_plus_the_safety_stock():
    # GIVEN 2 a day with a daily error of 1, a 9-day lead time, 95 %
    goal = target(at("store-nyc", on_hand=5, reserved=1, inbound=3), 9, 0.95, review_days=7)
    # THEN need 18, safety ceil(18 + 1.645 × 3) − 18 = 5, order-up-to ceil(32 + 1.645 × 4) = 39
    assert (goal.lead_time_days, goal.safety_stock, goal.reorder_point, goal.order_up_to) == (9, 5, 23, 39)
    assert goal.position == 7 and goal.below_reorder_point and goal.need == 32
    assert goal.days_of_cover == pytest.approx(3.5)


@given(per_day=st.floats(0, 50), sigma=st.floats(0, 20), lead=st.integers(0, 60), review=st.integers(1, 30),
       level=st.floats(0.5, 0.9999))
def test_targets_hold_together(per_day, sigma, lead, review, level):
    forecast = NormalForecast(per_day, sigma)
    goal = target(StockPosition(place("store-nyc"), 0, 0, 0, forecast), lead, level, review)
    assert goal.safety_stock >= 0
    assert goal.reorder_point == math.ceil(round(forecast.over(lead), 6)) + goal.safety_stock
    assert goal.order_up_to >= goal.reorder_point


@given(per_day=st.floats(0.1, 50), sigma=st.floats(0.1, 20), lead=st.integers(1, 60),
       levels=st.lists(st.floats(0.5, 0.9999), min_size=2, max_size=2, unique=True))
def test_safety_stock_grows_with_the_service_level(per_day, sigma, lead, levels):
    low, high = sorted(levels)
    stock = StockPosition(place("store-nyc"), 0, 0, 0, NormalForecast(per_day, sigma))
    assert target(stock, lead, low, 7).safety_stock <= target(stock, lead, high, 7).safety_stock


@given(per_day=st.floats(0.1, 50), sigmas=st.lists(st.floats(0, 20), min_size=2, max_size=2, unique=True),
       lead=st.integers(1, 60))
def test_safety_stock_grows_with_the_forecast_error(per_day, sigmas, lead):
    low, high = sorted(sigmas)
    calm, erratic = (StockPosition(place("store-nyc"), 0, 0, 0, NormalForecast(per_day, sigma))
                     for sigma in (low, high))
    assert target(calm, lead, 0.95, 7).safety_stock <= target(erratic, lead, 0.95, 7).safety_stock


def test_an_exact_forecast_needs_no_safety_stock_and_a_doubled_error_about_doubles_it():
    assert target(at("store-nyc", 0, 3.0, 0.0), 10, 0.98, 7).safety_stock == 0
    single, double = (target(at("store-nyc", 0, 3.0, sigma), 10, 0.98, 7).safety_stock for sigma in (2.0, 4.0))
    assert single == 13 and double == 26


def test_lead_time_is_the_suppliers_plus_a_transfer_where_it_does_not_deliver_and_the_default_without_one():
    rules = PlanningRules(transfer_days=3, default_lead_time_days=20)
    supplier = Supplier(supplier_id="acme", name="Acme", lead_time_days=8, delivers_to=("wh-reno",))
    assert lead_time_days(place("wh-reno"), supplier, rules) == 8
    assert lead_time_days(place("store-la"), supplier, rules) == 11
    assert lead_time_days(place("store-la"), None, rules) == 20


def test_a_source_keeps_reserved_ops_buffer_its_need_until_a_purchase_could_arrive_the_margin_and_safety():
    rules = PlanningRules(transfer_days=2, transfer_margin_days=7)
    source = at("wh-reno", on_hand=100, per_day=2.0, sigma=1.0, reserved=10, safety_stock=4)
    own = target(source, 8, 0.95, 7)  # safety ceil(16 + 1.645 × 2.83) − 16 = 5
    held = kept(source, own, rules)
    # 10 reserved + 4 buffer + 2 × (2 + 8) + 7 × 2 + 5 safety
    assert (held.units, held.days, held.free) == (53, 17, 47)


@pytest.mark.parametrize("details", [{"can_ship": False}, {}])
def test_a_location_that_cannot_send_keeps_everything(details):
    location_id = "wh-reno" if details else "vendor-austin"
    source = at(location_id, on_hand=500, **details)
    assert kept(source, target(source, 8, 0.95, 7), PlanningRules()).free == 0


def test_inbound_units_are_not_given_away_before_they_land():
    landed, on_the_way = at("wh-reno", on_hand=100), at("wh-reno", on_hand=50, inbound=50)
    rules = PlanningRules()
    assert kept(on_the_way, target(on_the_way, 8, 0.95, 7), rules).free == \
        kept(landed, target(landed, 8, 0.95, 7), rules).free - 50


def test_expected_short_is_the_normal_loss_and_shrinks_as_the_position_grows():
    forecast = NormalForecast(per_day=4.0, sigma=2.0)  # over 9 days: mean 36, spread 6
    rng = random.Random(7)
    draws = [rng.gauss(36, 6) for _ in range(200_000)]
    simulated = sum(max(0.0, d - 30) for d in draws) / len(draws)
    assert expected_short(forecast, 9, 30) == pytest.approx(simulated, rel=0.02)
    shorts = [expected_short(forecast, 9, position) for position in range(0, 80, 5)]
    assert shorts == sorted(shorts, reverse=True) and shorts[0] == pytest.approx(36, abs=0.01) and shorts[-1] < 1e-6
    assert expected_short(NormalForecast(4.0, 0.0), 9, 30) == 6


def test_rules_parse_from_json_and_refuse_what_does_not_hold_together():
    rules = PlanningRules.model_validate_json('{"service_levels": {"A": 0.99, "B": 0.97, "C": 0.9}, '
                                              '"review_days": 14, "purchase_line_cost": "25.00"}')
    assert rules.service_level("A") == 0.99 and rules.review_days == 14
    assert rules.purchase_line_cost == Decimal("25.00")
    with pytest.raises(ValidationError, match="C missing"):
        PlanningRules(service_levels={"A": 0.99, "B": 0.95})
    with pytest.raises(ValidationError, match="class_shares"):
        PlanningRules(class_shares=(0.9, 0.8))
    with pytest.raises(ValidationError):
        PlanningRules(service_levels={"A": 1.0, "B": 0.95, "C": 0.9})


def test_targets_from_the_forecasters_own_forecast():
    rng = random.Random(3)
    history = [DemandDay(RUN_ON - timedelta(days=56 - day), float(sum(rng.random() < 0.5 for _ in range(8))))
               for day in range(56)]  # about 4 a day
    made = forecast(history)
    low, high = (target(StockPosition(place("store-nyc"), 10, 0, 0, made), 9, level, 7) for level in (0.9, 0.98))
    assert low.reorder_point == math.ceil(round(made.over(9), 6)) + low.safety_stock
    assert 0 < low.safety_stock < high.safety_stock
    assert 2.0 < low.days_of_cover < 3.0
