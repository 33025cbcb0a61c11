"""EventBridge schedule expressions, `rate(...)` and `cron(...)`, and when each fires next.

cron takes EventBridge's six fields - minutes, hours, day-of-month, month, day-of-week, year -
with `*`, `?`, lists, ranges and steps; months may be named JAN-DEC and days of the week SUN-SAT
(1 is Sunday). One of day-of-month and day-of-week must be `?`, as EventBridge requires. `L`, `W`
and `#` are refused: the local scheduler does not work out last days, weekdays nearest a date or
the nth weekday of a month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
_CRON = re.compile(r"cron\((.*)\)")
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
_MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
_WEEKDAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
_LAST_YEAR = 2199


class InvalidScheduleExpression(ValueError):
    """An expression EventBridge would refuse, or one the local scheduler cannot run."""


@dataclass(frozen=True)
class Rate:
    interval: timedelta

    def next_after(self, moment: datetime) -> datetime:
        return moment + self.interval


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: `?`, the days of the week decide
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # 1 is Sunday; None: `?`, the days of the month decide
    years: frozenset[int]
    zone: tzinfo = UTC

    def next_after(self, moment: datetime) -> datetime | None:
        """The first matching minute strictly after `moment`; None once the years run out."""
        start = moment.astimezone(self.zone).replace(tzinfo=None, second=0, microsecond=0) + timedelta(minutes=1)
        day, earliest = start.date(), start.time()
        while day.year <= _LAST_YEAR:
            if day.year not in self.years:
                day, earliest = date(day.year + 1, 1, 1), time(0)
            elif day.month not in self.months:
                day, earliest = _first_of_next_month(day), time(0)
            elif self._day_matches(day) and (at := self._first_time_from(earliest)) is not None:
                return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)
            else:
                day, earliest = day + timedelta(days=1), time(0)
        return None

    def _day_matches(self, day: date) -> bool:
        if self.days_of_month is None:
            return (day.isoweekday() % 7 + 1) in self.days_of_week
        return day.day in self.days_of_month

    def _first_time_from(self, earliest: time) -> time | None:
        for hour in sorted(h for h in self.hours if h >= earliest.hour):
            for minute in sorted(self.minutes):
                if (hour, minute) >= (earliest.hour, earliest.minute):
                    return time(hour, minute)
        return None


Expression = Rate | Cron


def parse(expression: str, timezone: str | None = None) -> Expression:
    """`timezone` is the IANA zone a cron expression's fields are in (ScheduleV2's
    ScheduleExpressionTimezone); UTC when not given, as EventBridge does."""
    text = expression.strip()
    if rate := _RATE.fullmatch(text):
        return _rate(int(rate.group(1)), rate.group(2))
    if cron := _CRON.fullmatch(text):
        return _cron(cron.group(1).split(), _zone(timezone))
    raise InvalidScheduleExpression(
        f"{expression!r}: the local scheduler runs rate(N minute[s]|hour[s]|day[s]) and cron(...) expressions")


def _rate(value: int, unit: str) -> Rate:
    if value < 1:
        raise InvalidScheduleExpression(f"rate({value} {unit}): the value must be at least 1")
    if (value == 1) != (not unit.endswith("s")):
        raise InvalidScheduleExpression(
            f"rate({value} {unit}): EventBridge wants the singular unit for 1 and the plural otherwise")
    return Rate(value * _UNITS[unit.removesuffix("s")])


def _zone(timezone: str | None) -> tzinfo:
    if not timezone:
        return UTC
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidScheduleExpression(f"{timezone!r} is not an IANA time zone") from None


def _cron(fields: list[str], zone: tzinfo) -> Cron:
    if len(fields) != 6:
        raise InvalidScheduleExpression(
            f"cron({' '.join(fields)}): EventBridge's cron has six fields: "
            "minutes hours day-of-month month day-of-week year")
    minutes, hours, days_of_month, months, days_of_week, years = fields
    if (days_of_month == "?") == (days_of_week == "?"):
        raise InvalidScheduleExpression(
            f"cron({' '.join(fields)}): exactly one of day-of-month and day-of-week must be ?")
    return Cron(
        minutes=_field(minutes, 0, 59),
        hours=_field(hours, 0, 23),
        days_of_month=None if days_of_month == "?" else _field(days_of_month, 1, 31),
        months=_field(months, 1, 12, _MONTHS),
        days_of_week=None if days_of_week == "?" else _field(days_of_week, 1, 7, _WEEKDAYS),
        years=_field(years, 1970, _LAST_YEAR),
        zone=zone,
    )


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        values |= _part(part, low, high, names or {})
    return frozenset(values)


def _part(part: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    base, slash, step_text = part.partition("/")
    step = _number(step_text, 1, high - low + 1, {}) if slash else 1
    if base == "*":
        first, last = low, high
    elif "-" in base:
        first_text, last_text = base.split("-", 1)
        first, last = _number(first_text, low, high, names), _number(last_text, low, high, names)
        if first > last:
            raise InvalidScheduleExpression(f"{part!r}: a range runs from low to high")
    else:
        first = _number(base, low, high, names)
        last = high if slash else first
    return set(range(first, last + 1, step))


def _number(text: str, low: int, high: int, names: dict[str, int]) -> int:
    value = names.get(text.upper())
    if value is None:
        if re.search(r"[LW#]", text.upper()):
            raise InvalidScheduleExpression(f"{text!r}: the local scheduler does not run cron's L, W or #")
        if not text.isdigit():
            raise InvalidScheduleExpression(f"{text!r} is not a number{' or a name' if names else ''}")
        value = int(text)
    if not low <= value <= high:
        raise InvalidScheduleExpression(f"{text!r} is outside {low}-{high}")
    return value


def _first_of_next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
