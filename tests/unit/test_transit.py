"""Delivery estimates: transit in the carrier's delivery days, histograms that add up and are stored as buckets,
and each level shrunk toward its parent."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, strategies as st

from oms.models import DeliveryMethod
from oms.transit import (
    CROSS_BORDER_START,
    DOMESTIC_START,
    LAST_BUCKET,
    PARENT_DELIVERIES,
    DeliveryCalendar,
    Estimate,
    Lane,
    LaneCounts,
    Level,
    Source,
    TransitHistogram,
    TransitShares,
    delivered_buckets,
    estimate,
    lane_keys,
    service_for,
)

FRIDAY = date(2026, 9, 4)  # before Labor Day, Monday 7 September
TUESDAY = date(2026, 9, 1)
LABOR_DAY = date(2026, 9, 7)
WEEKDAYS = DeliveryCalendar()
WITH_SATURDAYS = DeliveryCalendar(frozenset(range(6)), frozenset({LABOR_DAY}))
LANE = Lane("ups", "ground", "US-NV", "US-CA")

calendars = st.builds(DeliveryCalendar,
                      st.frozensets(st.integers(0, 6), min_size=1),
                      st.frozensets(st.dates(date(2026, 1, 1), date(2026, 3, 31)), max_size=20))
days_in_2026 = st.dates(date(2026, 1, 1), date(2026, 2, 28))
transits = st.lists(st.integers(0, LAST_BUCKET + 5), max_size=60)
histograms = transits.map(TransitHistogram.of)
deliveries_shipped = st.lists(st.tuples(days_in_2026, st.integers(0, LAST_BUCKET + 5)), max_size=60)
lane_counts = deliveries_shipped.map(LaneCounts.of)
table_rows = st.sampled_from(sorted({*DOMESTIC_START.values(), *CROSS_BORDER_START.values()}))
# a parent: a starting row, shrunk toward by some deliveries of its own
parents = st.builds(lambda row, deliveries: TransitShares.starting(*row).blended(deliveries, PARENT_DELIVERIES),
                    table_rows, histograms)


def histogram(*days_per_delivery: int) -> TransitHistogram:
    return TransitHistogram.of(days_per_delivery)


# ---------------------------------------------------------------- delivery days


def test_weekends_and_holidays_count_only_where_the_carrier_delivers():
    # GIVEN parcels shipped on Fridays
    # WHEN a weekday carrier delivers one on Monday, and a carrier that delivers Saturdays one on Saturday
    #      and one on the Tuesday after Labor Day
    # THEN they took one, one and two delivery days
    assert WEEKDAYS.delivery_days_between(date(2026, 8, 28), date(2026, 8, 31)) == 1
    assert WITH_SATURDAYS.delivery_days_between(date(2026, 8, 28), date(2026, 8, 29)) == 1
    assert WITH_SATURDAYS.delivery_days_between(FRIDAY, date(2026, 9, 8)) == 2


def test_adding_delivery_days_skips_days_the_carrier_does_not_deliver():
    # GIVEN a Friday before a holiday Monday
    # WHEN one delivery day is added
    # THEN a weekday carrier delivers on Tuesday, one that delivers Saturdays on Saturday
    assert DeliveryCalendar(holidays=frozenset({LABOR_DAY})).add_delivery_days(FRIDAY, 1) == date(2026, 9, 8)
    assert WITH_SATURDAYS.add_delivery_days(FRIDAY, 1) == date(2026, 9, 5)


def test_a_same_day_delivery_takes_no_delivery_days():
    # GIVEN a parcel delivered on the day it shipped, even a Sunday
    # THEN its transit is 0, and 0 days from a ship day is that day
    assert WEEKDAYS.delivery_days_between(date(2026, 9, 6), date(2026, 9, 6)) == 0
    assert WEEKDAYS.add_delivery_days(date(2026, 9, 6), 0) == date(2026, 9, 6)


def test_a_delivery_before_the_shipment_is_refused():
    with pytest.raises(ValueError, match="before it shipped"):
        WEEKDAYS.delivery_days_between(FRIDAY, FRIDAY - timedelta(days=1))


@pytest.mark.parametrize("weekdays", [frozenset(), frozenset({7})])
def test_a_calendar_without_delivery_weekdays_is_refused(weekdays):
    # a calendar with no delivery day would add days for ever
    with pytest.raises(ValueError, match="weekdays"):
        DeliveryCalendar(weekdays)


@given(calendars, days_in_2026, st.integers(0, 40))
def test_counting_the_days_to_a_date_reached_by_adding_days_gives_them_back(calendar, shipped_on, days):
    assert calendar.delivery_days_between(shipped_on, calendar.add_delivery_days(shipped_on, days)) == days


@given(calendars, days_in_2026, st.integers(0, 60))
def test_adding_the_days_counted_to_a_delivery_day_lands_on_it(calendar, shipped_on, later):
    # GIVEN a delivery on a day the carrier delivers (or on the ship day itself)
    delivered_on = shipped_on + timedelta(days=later)
    assume(not later or calendar.delivers_on(delivered_on))
    # THEN adding its transit to the ship day is the day it was delivered
    days = calendar.delivery_days_between(shipped_on, delivered_on)
    assert calendar.add_delivery_days(shipped_on, days) == delivered_on


# ---------------------------------------------------------------- histograms


def test_transits_of_thirty_days_or_more_share_the_last_bucket():
    assert histogram(30, 31, 400).counts[LAST_BUCKET] == 3


def test_a_negative_transit_is_refused():
    with pytest.raises(ValueError, match="-1"):
        histogram(-1)


def test_the_quantile_is_a_transit_some_delivery_took():
    # GIVEN 20 deliveries: 17 in 2 days, 2 in 3, 1 in 9
    deliveries = histogram(*[2] * 17, 3, 3, 9)
    # THEN the p50 is 2, the p90 (the 18th) 3 and not, by float error (0.9 x 20), the 19th; the maximum is 9
    assert (deliveries.quantile(0.5), deliveries.quantile(0.9), deliveries.quantile(1)) == (2, 3, 9)
    assert deliveries.quantile(0) == 2


def test_an_empty_histogram_has_no_quantile():
    with pytest.raises(ValueError, match="no deliveries"):
        TransitHistogram().quantile(0.5)


@given(histograms.filter(lambda h: h.count), st.floats(0, 1), st.floats(0, 1))
def test_quantiles_do_not_fall_as_the_share_rises(deliveries, q, r):
    low, high = sorted((q, r))
    assert deliveries.quantile(low) <= deliveries.quantile(high)


@given(histograms, histograms, histograms)
def test_adding_histograms_is_commutative_and_associative(a, b, c):
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)


@given(transits, transits)
def test_adding_histograms_is_counting_both_sets_of_deliveries(some, others):
    assert TransitHistogram.of(some) + TransitHistogram.of(others) == TransitHistogram.of(some + others)
    assert (TransitHistogram.of(some) + TransitHistogram.of(others)).count == len(some) + len(others)


@given(histograms)
def test_a_histogram_survives_its_dict(deliveries):
    assert TransitHistogram.from_dict(deliveries.as_dict()) == deliveries


def test_a_delivery_is_one_added_to_its_bucket():
    # GIVEN one parcel delivered in 3 days: what a store ADDs to each of the lane's items
    assert histogram(3).as_dict() == {"d3": 1}


def test_a_stored_item_reads_back_with_its_keys_skipped_and_its_decimals_counted():
    # GIVEN an item as DynamoDB returns it, weekday buckets and all
    item = {"pk": "TRANSIT#ups#ground", "sk": "LANE#US-NV#US-CA", "entity": "transit", "deliveries": Decimal("17"),
            "d2": Decimal("12"), "d3": Decimal("4"), "d45": Decimal("1"), "w4d2": Decimal("12")}
    # WHEN its all-days histogram is read
    deliveries = TransitHistogram.from_dict(item)
    # THEN only the all-days buckets count, and a bucket beyond the last joins it
    assert deliveries.as_dict() == {"d2": 12, "d3": 4, f"d{LAST_BUCKET}": 1}


# ---------------------------------------------------------------- the stored item


def test_a_delivery_adds_one_to_its_days_and_to_its_ship_weekdays_days():
    # GIVEN a parcel shipped on the Friday before Labor Day and delivered on the Tuesday, a weekday carrier
    calendar = DeliveryCalendar(holidays=frozenset({LABOR_DAY}))
    # THEN it took 1 delivery day, and the store ADDs one to two attributes of each lane key's item
    assert delivered_buckets(FRIDAY, date(2026, 9, 8), calendar) == ["d1", "w4d1"]


def test_a_transit_beyond_the_last_bucket_is_added_to_it_and_a_negative_one_is_refused():
    assert LaneCounts.bucket_names(TUESDAY, 45) == [f"d{LAST_BUCKET}", f"w1d{LAST_BUCKET}"]
    with pytest.raises(ValueError, match="-1"):
        LaneCounts.bucket_names(TUESDAY, -1)


@given(deliveries_shipped)
def test_the_item_a_store_adds_up_reads_back_as_the_deliveries_counted(deliveries):
    # GIVEN an item each delivery ADDed one to its buckets of, as DynamoDB returns it
    item = Counter({"deliveries": len(deliveries)})
    for shipped_on, days in deliveries:
        item.update(LaneCounts.bucket_names(shipped_on, days))
    stored = {name: Decimal(count) for name, count in item.items()} | {"pk": "TRANSIT#ups#ground", "entity": "transit"}
    # WHEN it is read back
    counts = LaneCounts.from_item_attributes(stored)
    # THEN it holds those deliveries, split by the weekday they shipped, and writes back to the same buckets
    assert counts == LaneCounts.of(deliveries)
    assert counts.as_item_attributes() == {name: count for name, count in item.items() if name != "deliveries"}
    assert LaneCounts.from_item_attributes(counts.as_item_attributes()) == counts


@given(deliveries_shipped)
def test_a_lanes_weekdays_add_up_to_all_its_days(deliveries):
    counts = LaneCounts.of(deliveries)
    assert sum(counts.by_weekday, TransitHistogram()) == counts.all_days
    assert counts.count == len(deliveries)
    assert all(counts.on(weekday).count == sum(shipped.weekday() == weekday for shipped, _ in deliveries)
               for weekday in range(7))


@given(deliveries_shipped, deliveries_shipped)
def test_adding_lane_counts_is_counting_both_sets_of_deliveries(some, others):
    assert LaneCounts.of(some) + LaneCounts.of(others) == LaneCounts.of(some + others)


def test_an_item_without_buckets_is_a_lane_without_deliveries():
    assert LaneCounts.from_item_attributes({"pk": "TRANSIT#ups#ground", "sk": "LANE#*"}) == LaneCounts()


# ---------------------------------------------------------------- shrinkage


@pytest.mark.parametrize("row", sorted({*DOMESTIC_START.values(), *CROSS_BORDER_START.values()}))
def test_a_starting_row_as_shares_has_the_rows_p50_and_p90(row):
    shares = TransitShares.starting(*row)
    assert (shares.quantile(0.5), shares.quantile(0.9)) == row


@given(parents, st.floats(0.01, 100), st.floats(0, 1))
def test_a_level_without_deliveries_is_its_parent(parent, worth, q):
    assert parent.blended(TransitHistogram(), worth) == parent
    assert parent.blended(TransitHistogram(), worth).quantile(q) == parent.quantile(q)


@given(parents, histograms.filter(lambda h: h.count), st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9]))
def test_a_level_with_a_huge_count_is_its_own_quantile(parent, deliveries, q):
    # GIVEN a share that falls between two of the level's deliveries (on one, either side would be its quantile)
    assume(not round(q * deliveries.count, 9).is_integer())
    # WHEN it has seen each of them a million times
    huge = TransitHistogram(tuple(count * 10**6 for count in deliveries.counts))
    # THEN its parent no longer moves its quantile
    assert parent.blended(huge, PARENT_DELIVERIES).quantile(q) == deliveries.quantile(q)


@given(parents, histograms.filter(lambda h: h.count), st.floats(0.01, 100), st.sampled_from([0.1, 0.5, 0.9]))
def test_the_blends_quantile_is_between_the_levels_own_and_its_parents(parent, deliveries, worth, q):
    own, inherited = deliveries.quantile(q), parent.quantile(q)
    assert min(own, inherited) <= parent.blended(deliveries, worth).quantile(q) <= max(own, inherited)


def test_a_thin_level_leans_on_its_parent_and_a_thicker_one_on_itself():
    # GIVEN a parent whose parcels take 3 days
    parent = TransitShares.starting(3, 3)
    # WHEN a level has seen one parcel in 1 day and one in 5, the parent (worth one delivery) decides between them
    assert parent.blended(histogram(1, 5), 1).quantile(0.5) == 3
    # and once it has seen 2 in 1 day and 1 in 5, its own median wins
    assert parent.blended(histogram(1, 1, 5), 1).quantile(0.5) == 1


def test_a_parent_worth_no_deliveries_is_refused():
    with pytest.raises(ValueError, match="more than 0"):
        TransitShares.starting(3, 5).blended(histogram(2), 0)


# ---------------------------------------------------------------- lanes and levels


def test_the_lane_keys_go_from_the_lane_to_its_countries_to_the_carrier_service():
    assert lane_keys(LANE) == [("ups", "ground", "US-NV", "US-CA"), ("ups", "ground", "US", "US"), ("ups", "ground")]


def test_a_lane_between_countries_is_its_own_countries_level():
    # so a delivery is added to it once, not twice
    assert lane_keys(Lane("dhl", "express", "US", "GB")) == [("dhl", "express", "US", "GB"), ("dhl", "express")]


@given(st.lists(st.integers(0, 3), min_size=3, max_size=3))
def test_the_level_is_the_most_specific_with_deliveries_of_its_own(sizes):
    # GIVEN each level a history of its own size
    stored = {key: LaneCounts.of([(TUESDAY, 2)] * size) for key, size in zip(lane_keys(LANE), sizes, strict=True)}
    # WHEN the lane is estimated
    eta = estimate(TUESDAY, LANE, stored, WEEKDAYS)
    # THEN its level is the first, most specific first, with a delivery; the table without any
    levels = [level for level, size in zip((Level.LANE, Level.COUNTRIES, Level.SERVICE), sizes, strict=True) if size]
    assert (eta.level, eta.source) == ((levels[0], Source.HISTORY) if levels else (Level.TABLE, Source.TABLE))


@given(st.lists(lane_counts, min_size=3, max_size=3), days_in_2026)
def test_the_p90_is_never_before_the_p50(stored, shipped_on):
    eta = estimate(shipped_on, LANE, dict(zip(lane_keys(LANE), stored, strict=True)), WEEKDAYS)
    assert eta.p50 <= eta.p90


def test_history_gives_the_p50_and_p90_on_the_carriers_calendar():
    # GIVEN a lane whose deliveries mostly took 2 delivery days, and more than 1 in 10 took 4
    stored = {lane_keys(LANE)[0]: LaneCounts.of([(TUESDAY, 2)] * 26 + [(TUESDAY, 4)] * 4)}
    # WHEN a parcel leaves on the Friday before Labor Day with a weekday carrier
    eta = estimate(FRIDAY, LANE, stored, DeliveryCalendar(holidays=frozenset({LABOR_DAY})))
    # THEN neither the weekend nor the holiday counts: Wednesday and Friday
    assert eta == Estimate(date(2026, 9, 9), date(2026, 9, 11), Source.HISTORY, Level.LANE)


def test_the_ship_weekday_shifts_the_estimate_when_its_own_deliveries_say_so():
    # GIVEN a UPS lane whose Friday pickups took 1 delivery day (the network's weekend pause), other days' 2
    deliveries = [(FRIDAY, 1)] * 10 + [(FRIDAY - timedelta(days=n), 2) for n in range(1, 5)] * 10
    stored = {lane_keys(LANE)[0]: LaneCounts.of(deliveries)}
    # THEN a Friday pickup is due on Monday, a Tuesday pickup on Thursday
    assert estimate(date(2026, 8, 28), LANE, stored, WEEKDAYS).p50 == date(2026, 8, 31)
    assert estimate(TUESDAY, LANE, stored, WEEKDAYS).p50 == date(2026, 9, 3)


@given(st.lists(histograms, min_size=3, max_size=3), days_in_2026)
def test_a_histogram_of_all_days_reads_as_an_item_without_weekday_buckets(stored, shipped_on):
    # the store may still pass what TransitHistogram.from_dict read
    keys = lane_keys(LANE)
    assert estimate(shipped_on, LANE, dict(zip(keys, stored, strict=True)), WEEKDAYS) == \
        estimate(shipped_on, LANE, {key: LaneCounts(all_days=h) for key, h in zip(keys, stored, strict=True)}, WEEKDAYS)


@pytest.mark.parametrize(("pooled_days", "p50_days", "p90_days"), [
    (1, 3, 5),  # faster than the table: the table's 3 and 5
    (7, 7, 7),  # slower: history's
])
def test_a_lane_without_deliveries_of_its_own_is_promised_no_sooner_than_the_table(pooled_days, p50_days, p90_days):
    # GIVEN no delivery on the lane, and 100 between its countries
    stored = {lane_keys(LANE)[1]: LaneCounts.of([(TUESDAY, pooled_days)] * 100)}
    # WHEN a parcel leaves on a Tuesday
    eta = estimate(TUESDAY, LANE, stored, WEEKDAYS)
    # THEN the p50 and p90 are each the later of the countries' and the starting table's (ground: 3 and 5)
    assert (eta.p50, eta.p90) == (WEEKDAYS.add_delivery_days(TUESDAY, p50_days),
                                  WEEKDAYS.add_delivery_days(TUESDAY, p90_days))
    assert (eta.level, eta.source) == (Level.COUNTRIES, Source.HISTORY)
    # and its first delivery makes it a lane of its own
    stored[lane_keys(LANE)[0]] = LaneCounts.of([(TUESDAY, pooled_days)])
    assert estimate(TUESDAY, LANE, stored, WEEKDAYS).p50 == WEEKDAYS.add_delivery_days(TUESDAY, pooled_days)


def test_with_no_history_the_starting_table_decides_by_service_and_border():
    shipped = TUESDAY
    # domestic ground: 3 and 5 delivery days
    assert estimate(shipped, LANE, {}, WEEKDAYS).p50 == date(2026, 9, 4)
    assert estimate(shipped, LANE, {}, WEEKDAYS).p90 == date(2026, 9, 8)
    # express across a border: 3 and 5
    abroad = estimate(shipped, Lane("dhl", "express", "US-NJ", "GB"), {}, WEEKDAYS)
    assert (abroad.p50, abroad.p90) == (date(2026, 9, 4), date(2026, 9, 8))
    # a service the table does not know is read as ground
    assert estimate(shipped, Lane("ups", "surepost", "US-NV", "US-CA"), {}, WEEKDAYS) == \
        estimate(shipped, LANE, {}, WEEKDAYS)


def test_same_day_and_pickups_are_due_the_day_they_leave():
    for service in ("same_day", "store_pickup"):
        eta = estimate(FRIDAY, Lane("store", service, "US-NY", "US-NY"), {}, WEEKDAYS)
        assert (eta.p50, eta.p90, eta.source) == (FRIDAY, FRIDAY, Source.TABLE)


@pytest.mark.parametrize(("carrier_says", "p90"), [
    (date(2026, 9, 3), date(2026, 9, 8)),  # sooner than history: our p90 still holds
    (date(2026, 9, 10), date(2026, 9, 10)),  # later than our p90: the carrier knows the parcel is late
])
def test_the_carriers_own_estimate_is_the_p50_and_the_p90_is_never_before_it(carrier_says, p90):
    # GIVEN no history (table: p90 in 5 delivery days, Tuesday 8 September) and the carrier's estimate
    eta = estimate(TUESDAY, LANE, {}, WEEKDAYS, carrier_estimate=carrier_says)
    # THEN the carrier's date is the p50, and the p90 is the later of it and ours
    assert (eta.p50, eta.p90, eta.source, eta.level) == (carrier_says, p90, Source.CARRIER, Level.TABLE)


@pytest.mark.parametrize("method", list(DeliveryMethod))
def test_every_delivery_method_has_a_service_with_a_starting_row(method):
    assert service_for(method) in DOMESTIC_START
    assert service_for(method.value) == service_for(method)
