"""When a shipment will be delivered: the p50 and p90 of how long parcels like it took.

Transit is counted in the carrier's delivery days (`DeliveryCalendar`): a parcel shipped on a
Friday with a carrier that does not deliver at weekends arrives no earlier than Monday, and a
holiday is not a day anyone delivers.

A lane is carrier, service, origin region and destination region. Few lanes see many
deliveries, so each level's histogram is shrunk toward its parent's instead of falling back at a
threshold: the lane toward the same carrier and service between the regions' countries, that
toward the carrier and service anywhere, that toward the starting table (`DOMESTIC_START`,
`CROSS_BORDER_START`). The parent counts as `PARENT_DELIVERIES` deliveries: the blend's share of
a day is (the level's deliveries that took it + `PARENT_DELIVERIES` x the parent's share) over
(its deliveries + `PARENT_DELIVERIES`). A level without deliveries is its parent, one with
thousands is itself, and nothing jumps when a lane crosses a count.

Why the parent is worth a single delivery: lanes differ more than one lane's parcels do. On the
bench's training parcels, ground lanes' mean transits vary by about 1 (delivery day squared)
from lane to lane against 0.2-0.45 among one lane's parcels, so a lane's own delivery says more
about its next one than several of its parent's (express lanes are more alike: there the ratio
is about 2). Learning on the first 60, 70 and 80 % of those training parcels and scoring the
rest, the p50's share within a day is flat from 0.1 to 1 and falls beyond (2: -0.6 point, 5:
-2.3); 1 is the most smoothing the flat allows. The price: a lane whose only delivery was held
for a week expects its next in a week, until its second arrives.

The ship weekday matters beyond the calendar. UPS's network stops from Saturday morning to
Sunday evening, so a Friday pickup has the night before the pause and Sunday evening to make
Monday's sort, more hours than other days' pickups have to make the next morning's: 46 % of the
bench's UPS ground Friday pickups took one delivery day, 27-30 % of other days'. So each item
also counts its deliveries by the weekday they shipped (`w4d1`: shipped on a Friday, weekday 4,
in 1 delivery day), and each level's weekday histogram is shrunk toward that level's blend, the
blend worth `WEEKDAY_PARENT_DELIVERIES`: the table, then the service, the service on that
weekday, the countries, the countries on that weekday, the lane, the lane on that weekday. Five,
because a weekday holds a fifth of a level's deliveries: it takes over once the level has about
25 (on the time split 3 to 25 score alike). A day either side hides most one-day shifts, so it
earns little within a day (+0.2 point) and more on the day itself (+0.7).

The p90 is the same blend's: one distribution, so never before the p50, and a thin lane's p90
takes its parent's tail instead of the worst of its own few. On the time split (with the floor
below) it covers 94.2 % of parcels, and at least 90 % at every lane size (90.6 % on lanes with 1
to 4 deliveries); the fallback to the first level with 20 deliveries covered 90.5 %, but 77 % on
lanes with 1 to 4 deliveries and 69 % on lanes with none, promising their far parcels the pooled
p90. Whole days cover more than nine in ten: the p90 is the day on which the share first
reaches 0.9, and that day's share is usually past it.

A lane without a delivery of its own is promised no sooner than the starting table, p50 and p90
each the later. Its parent pools parcels mostly sent from the stock nearest their customer; a
lane nobody has used is most often a second or third choice, farther, and slower than the pool:
on the time split the pool's p50 was within a day for 59 % of such parcels and its p90 covered
74 %, with the table as a floor 78 % and 95 %. Its first delivery makes it a lane of its own.

A carrier's own estimate, when it gives one, is the p50: it knows where the parcel is, and
history only knows where parcels like it went.

Histograms are plain counts per day, so adding two is adding counts: a store keeps one item per
lane key and, per delivered shipment, adds one to each of `delivered_buckets` (DynamoDB `ADD`, no
read first), the all-days bucket and the ship weekday's: two attributes of the same item. An
estimate reads all the lane's items in one BatchGetItem (`lane_keys`);
`LaneCounts.from_item_attributes` reads each back.

No recency weighting. A window ("the last 8 weeks") would need an item per lane key and week,
eight times the reads per estimate, and thin lanes would lean on coarser levels for longer. What
it would buy is small: what makes a carrier slow for a while (a storm, a hub down) is usually
over before that week's deliveries have landed and could teach anything, and the next weeks'
estimates would then inherit the slowness. Lifetime counts let a bad week count as what it is, a
few late parcels among many. The slowness that lasts, the weeks before Christmas, comes back
every year: a window would learn it late each time. Because histograms add up, a store that
later wants a window can keep weekly items and pass their sum here; nothing in this module would
change.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from oms.models import DeliveryMethod

MONDAY_TO_FRIDAY = frozenset(range(5))  # date.weekday(): Monday is 0
_DAYS_OF_THE_WEEK = 7
# The last bucket holds "30 delivery days or more": a parcel that late is lost or held, and
# by how much more says nothing about the next one.
LAST_BUCKET = 30
# What a level's parent is worth, in deliveries of the level's own (the module's docstring says why).
PARENT_DELIVERIES = 1.0
WEEKDAY_PARENT_DELIVERIES = 5.0
# Shares are floats: a quantile's share that falls short of its target by less than this has reached it.
_ROUNDING = 1e-9

# (p50, p90) delivery days with no history, from what carriers publish. Ground in the
# contiguous US is 1-5 business days (UPS Ground, FedEx Ground, USPS Ground Advantage): a
# median parcel takes about 3 and the farthest lanes 5. Two-day air is 2, rarely 3. Same day
# and pickups are handed over the day they leave. An unknown service is read as ground, the
# slowest service most carriers sell, so its p90 holds for faster ones too.
DOMESTIC_START = {
    "ground": (3, 5),
    "standard": (3, 5),
    "express": (2, 3),
    "same_day": (0, 0),
    "store_pickup": (0, 0),
}
# Across a border customs decides more than the service: ground to Canada or Mexico is 3-7
# business days, a postal parcel overseas 6-10 and more; express worldwide 1-3 to main cities
# and up to 5 elsewhere.
CROSS_BORDER_START = {
    "ground": (6, 10),
    "standard": (6, 10),
    "express": (3, 5),
}
# The starting table as shares, when a blend needs it as a parent: most deliveries on its p50, the
# rest on its p90, the simplest shares whose p50 and p90 are the table's.
_START_P50_SHARE = 0.6

# The service a lane is read and recorded under when the carrier's own is not known yet
# (at checkout): what the order asked for.
SERVICES = {
    DeliveryMethod.STANDARD: "ground",
    DeliveryMethod.EXPRESS: "express",
    DeliveryMethod.SAME_DAY: "same_day",
    DeliveryMethod.STORE_PICKUP: "store_pickup",
}

LaneKey = tuple[str, ...]
_BUCKET = re.compile(r"d(\d+)")
_WEEKDAY_BUCKET = re.compile(r"w([0-6])d(\d+)")


class Lane(NamedTuple):
    """Where and how a parcel travels; regions are ISO 3166-2 subdivisions ("US-NV") or countries ("GB")."""

    carrier: str  # a carrier slug: ups, fedex, usps, dhl
    service: str
    origin: str
    destination: str


class Level(StrEnum):
    """The most specific part of the lane whose own deliveries are in an estimate."""

    LANE = "lane"
    COUNTRIES = "countries"  # carrier and service, between the regions' countries
    SERVICE = "service"  # carrier and service, anywhere
    TABLE = "table"  # no history: the starting table


class Source(StrEnum):
    CARRIER = "carrier"
    HISTORY = "history"
    TABLE = "table"


@dataclass(frozen=True)
class Estimate:
    p50: date  # the expected delivery day
    p90: date  # the day by which nine deliveries in ten arrive: what to promise
    source: Source
    level: Level  # the most specific level whose own deliveries are in it (the table: none are)


@dataclass(frozen=True)
class DeliveryCalendar:
    """The days a carrier delivers in a country: its weekdays, less holidays."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(_DAYS_OF_THE_WEEK)):
            raise ValueError(f"weekdays must be some of 0 (Monday) to 6, not {sorted(self.weekdays)}")

    def delivers_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def delivery_days_between(self, shipped_on: date, delivered_on: date) -> int:
        """Transit as recorded: the delivery days after the ship day, up to and including the delivery day."""
        if delivered_on < shipped_on:
            raise ValueError(f"delivered on {delivered_on}, before it shipped on {shipped_on}")
        span = (delivered_on - shipped_on).days
        return sum(self.delivers_on(shipped_on + timedelta(days=n)) for n in range(1, span + 1))

    def add_delivery_days(self, shipped_on: date, days: int) -> date:
        """The day `days` delivery days after the ship day; 0 is the ship day itself (same day, pickups)."""
        if days < 0:
            raise ValueError(f"transit of {days} delivery days")
        day = shipped_on
        while days:
            day += timedelta(days=1)
            if self.delivers_on(day):
                days -= 1
        return day


@dataclass(frozen=True)
class TransitHistogram:
    """How many deliveries took 0, 1, ... `LAST_BUCKET` (or more) delivery days."""

    counts: tuple[int, ...] = (0,) * (LAST_BUCKET + 1)

    def __post_init__(self) -> None:
        if len(self.counts) != LAST_BUCKET + 1 or min(self.counts) < 0:
            raise ValueError(f"{LAST_BUCKET + 1} counts of zero or more are needed, not {self.counts}")

    @classmethod
    def of(cls, transit_days: Iterable[int]) -> TransitHistogram:
        counts = [0] * (LAST_BUCKET + 1)
        for days in transit_days:
            counts[_bucket(days)] += 1
        return cls(tuple(counts))

    @classmethod
    def from_dict(cls, buckets: Mapping[str, object]) -> TransitHistogram:
        """Read what `as_dict` wrote: the all-days buckets. Other attributes (an item's keys, its weekday
        buckets) are skipped; numbers may be DynamoDB's Decimals."""
        counts = [0] * (LAST_BUCKET + 1)
        for name, count in buckets.items():
            if bucket := _BUCKET.fullmatch(name):
                counts[min(int(bucket[1]), LAST_BUCKET)] += int(count)
        return cls(tuple(counts))

    def as_dict(self) -> dict[str, int]:
        """The non-empty buckets as "d<days>": count, each its own top-level attribute, because DynamoDB
        cannot `ADD` into a map the item does not have yet."""
        return {f"d{days}": count for days, count in enumerate(self.counts) if count}

    def __add__(self, other: TransitHistogram) -> TransitHistogram:
        return TransitHistogram(tuple(mine + theirs for mine, theirs in zip(self.counts, other.counts, strict=True)))

    @property
    def count(self) -> int:
        return sum(self.counts)

    def quantile(self, q: float) -> int:
        """The fewest delivery days within which a share `q` of deliveries arrived (the nearest rank,
        so always a transit some delivery took)."""
        _check_share(q)
        if not self.count:
            raise ValueError("no deliveries to take a quantile of")
        # Rounded first, so that 0.9 x 20 is rank 18 and not, by float error, 19.
        rank = max(1, math.ceil(round(q * self.count, 9)))
        seen = 0
        for days, count in enumerate(self.counts):
            seen += count
            if seen >= rank:
                return days
        raise AssertionError("unreachable: the ranks end at count")


_NO_DELIVERIES = TransitHistogram()


@dataclass(frozen=True)
class LaneCounts:
    """One lane key's item: its deliveries, and the same deliveries split by the weekday they shipped."""

    all_days: TransitHistogram = _NO_DELIVERIES
    by_weekday: tuple[TransitHistogram, ...] = (_NO_DELIVERIES,) * _DAYS_OF_THE_WEEK  # Monday first

    def __post_init__(self) -> None:
        if len(self.by_weekday) != _DAYS_OF_THE_WEEK:
            raise ValueError(f"{_DAYS_OF_THE_WEEK} weekdays' histograms are needed, not {len(self.by_weekday)}")

    @classmethod
    def of(cls, deliveries: Iterable[tuple[date, int]]) -> LaneCounts:
        """From (ship day, transit in delivery days) pairs."""
        transits: list[list[int]] = [[] for _ in range(_DAYS_OF_THE_WEEK)]
        for shipped_on, days in deliveries:
            transits[shipped_on.weekday()].append(days)
        by_weekday = tuple(TransitHistogram.of(days) for days in transits)
        return cls(sum(by_weekday, _NO_DELIVERIES), by_weekday)

    @classmethod
    def from_item_attributes(cls, item: Mapping[str, object]) -> LaneCounts:
        """Read a stored item: its "d<days>" and "w<weekday>d<days>" counts (ints or DynamoDB's Decimals).
        Every other attribute (pk, sk, entity, deliveries) is not a bucket and is skipped."""
        weekdays = [[0] * (LAST_BUCKET + 1) for _ in range(_DAYS_OF_THE_WEEK)]
        for name, count in item.items():
            if bucket := _WEEKDAY_BUCKET.fullmatch(name):
                weekdays[int(bucket[1])][min(int(bucket[2]), LAST_BUCKET)] += int(count)
        return cls(TransitHistogram.from_dict(item), tuple(TransitHistogram(tuple(counts)) for counts in weekdays))

    def as_item_attributes(self) -> dict[str, int]:
        """The non-empty buckets as top-level attributes, what adding each delivery's `bucket_names` builds."""
        attributes = self.all_days.as_dict()
        for weekday, histogram in enumerate(self.by_weekday):
            attributes.update({f"w{weekday}{name}": count for name, count in histogram.as_dict().items()})
        return attributes

    @staticmethod
    def bucket_names(shipped_on: date, days: int) -> list[str]:
        """The attributes a delivery that took `days` delivery days ADDs one to: all days', its weekday's."""
        bucket = _bucket(days)
        return [f"d{bucket}", f"w{shipped_on.weekday()}d{bucket}"]

    def __add__(self, other: LaneCounts) -> LaneCounts:
        return LaneCounts(self.all_days + other.all_days,
                          tuple(mine + theirs for mine, theirs in zip(self.by_weekday, other.by_weekday, strict=True)))

    @property
    def count(self) -> int:
        return self.all_days.count

    def on(self, weekday: int) -> TransitHistogram:
        """The deliveries shipped on `weekday` (0 is Monday)."""
        return self.by_weekday[weekday]


@dataclass(frozen=True)
class TransitShares:
    """The share of parcels expected to take 0, 1, ... `LAST_BUCKET` (or more) delivery days."""

    shares: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.shares) != LAST_BUCKET + 1 or min(self.shares) < 0 or not math.isclose(sum(self.shares), 1):
            raise ValueError(f"{LAST_BUCKET + 1} shares of zero or more adding up to 1 are needed, not {self.shares}")

    @classmethod
    def starting(cls, p50: int, p90: int) -> TransitShares:
        """A starting table row as shares whose p50 and p90 are the row's."""
        if not 0 <= p50 <= p90:
            raise ValueError(f"a p50 of {p50} and p90 of {p90} delivery days")
        shares = [0.0] * (LAST_BUCKET + 1)
        shares[_bucket(p50)] += _START_P50_SHARE
        shares[_bucket(p90)] += 1 - _START_P50_SHARE
        return cls(tuple(shares))

    def blended(self, deliveries: TransitHistogram, parent_deliveries: float) -> TransitShares:
        """A child's deliveries shrunk toward these shares, its parent's, worth `parent_deliveries` deliveries:
        the parent itself when the child has none, the child's own shares as its count grows."""
        if parent_deliveries <= 0:
            raise ValueError(f"a parent is worth more than 0 deliveries, not {parent_deliveries}")
        if not deliveries.count:
            return self
        total = deliveries.count + parent_deliveries
        return TransitShares(tuple((count + parent_deliveries * share) / total
                                   for count, share in zip(deliveries.counts, self.shares, strict=True)))

    def quantile(self, q: float) -> int:
        """The fewest delivery days within which a share `q` of parcels arrive."""
        _check_share(q)
        reached = 0.0
        for days, share in enumerate(self.shares):
            reached += share
            if reached > 0 and reached >= q - _ROUNDING:
                return days
        return LAST_BUCKET  # unreachable but for float error: the shares add up to 1


def service_for(method: DeliveryMethod | str) -> str:
    return SERVICES[DeliveryMethod(method)]


def country_of(region: str) -> str:
    return region.partition("-")[0]


def lane_keys(lane: Lane) -> list[LaneKey]:
    """The items an estimate reads, most specific first, and a delivery adds to: one BatchGetItem,
    one `ADD` each. A lane between countries ("US" to "GB") is its own countries level, listed once."""
    return [key for _, key in _levels(lane)]


def delivered_buckets(shipped_on: date, delivered_on: date, calendar: DeliveryCalendar) -> list[str]:
    """The attributes a delivered parcel ADDs one to, on every one of its `lane_keys`' items."""
    return LaneCounts.bucket_names(shipped_on, calendar.delivery_days_between(shipped_on, delivered_on))


def estimate(shipped_on: date, lane: Lane, histograms: Mapping[LaneKey, LaneCounts | TransitHistogram],
             calendar: DeliveryCalendar, carrier_estimate: date | None = None) -> Estimate:
    """The p50 and p90 delivery days for a parcel shipped on `shipped_on`, on the delivering carrier's calendar.

    `histograms` holds what was read for `lane_keys(lane)` (a key not there has no deliveries yet): each a
    `LaneCounts`, or a `TransitHistogram` of all days alone, which is the same item without weekday buckets."""
    (p50_days, p90_days), level = _transit(shipped_on, lane, histograms)
    p90 = calendar.add_delivery_days(shipped_on, p90_days)
    if carrier_estimate is not None:
        return Estimate(carrier_estimate, max(carrier_estimate, p90), Source.CARRIER, level)
    source = Source.TABLE if level is Level.TABLE else Source.HISTORY
    return Estimate(calendar.add_delivery_days(shipped_on, p50_days), p90, source, level)


def _transit(shipped_on: date, lane: Lane,
             histograms: Mapping[LaneKey, LaneCounts | TransitHistogram]) -> tuple[tuple[int, int], Level]:
    start = _starting(lane)
    shares, level = TransitShares.starting(*start), Level.TABLE
    weekday = shipped_on.weekday()
    for key_level, key in reversed(_levels(lane)):  # the coarsest first: each level's parent comes before it
        counts = _lane_counts(histograms.get(key))
        if counts.count:
            level = key_level
        shares = shares.blended(counts.all_days, PARENT_DELIVERIES)
        shares = shares.blended(counts.on(weekday), WEEKDAY_PARENT_DELIVERIES)
    p50, p90 = shares.quantile(0.5), shares.quantile(0.9)
    if level is not Level.LANE:  # a lane without deliveries of its own: no sooner than the table
        p50, p90 = max(p50, start[0]), max(p90, start[1])
    return (p50, p90), level


def _lane_counts(stored: LaneCounts | TransitHistogram | None) -> LaneCounts:
    if stored is None:
        return LaneCounts()
    if isinstance(stored, TransitHistogram):
        return LaneCounts(all_days=stored)
    return stored


def _starting(lane: Lane) -> tuple[int, int]:
    if country_of(lane.origin) == country_of(lane.destination):
        return DOMESTIC_START.get(lane.service, DOMESTIC_START["ground"])
    return CROSS_BORDER_START.get(lane.service, CROSS_BORDER_START["ground"])


def _levels(lane: Lane) -> list[tuple[Level, LaneKey]]:
    carrier, service, origin, destination = lane
    levels: dict[LaneKey, Level] = {}
    for level, key in ((Level.LANE, (carrier, service, origin, destination)),
                       (Level.COUNTRIES, (carrier, service, country_of(origin), country_of(destination))),
                       (Level.SERVICE, (carrier, service))):
        levels.setdefault(key, level)
    return [(level, key) for key, level in levels.items()]


def _bucket(days: int) -> int:
    if days < 0:
        raise ValueError(f"transit of {days} delivery days")
    return min(days, LAST_BUCKET)


def _check_share(q: float) -> None:
    if not 0 <= q <= 1:
        raise ValueError(f"a quantile is between 0 and 1, not {q}")
