"""EventBridge's rate and cron expressions, and when each fires next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.local.schedule_expression import Cron, InvalidScheduleExpression, Rate, parse

FRIDAY_EVENING = datetime(2026, 12, 4, 17, 3, 30, tzinfo=UTC)  # a Friday


def firings(expression: str, after: datetime, count: int, timezone: str | None = None) -> list[datetime]:
    schedule, moments = parse(expression, timezone), []
    for _ in range(count):
        after = schedule.next_after(after)
        moments.append(after)
    return moments


@pytest.mark.parametrize(("expression", "interval"), [
    ("rate(1 minute)", timedelta(minutes=1)),
    ("rate(5 minutes)", timedelta(minutes=5)),
    ("rate(1 hour)", timedelta(hours=1)),
    ("rate(12 hours)", timedelta(hours=12)),
    ("rate(1 day)", timedelta(days=1)),
    ("rate(3 days)", timedelta(days=3)),
])
def test_a_rate_fires_one_interval_after_the_last(expression, interval):
    assert parse(expression) == Rate(interval)
    assert firings(expression, FRIDAY_EVENING, 2) == [FRIDAY_EVENING + interval, FRIDAY_EVENING + 2 * interval]


@pytest.mark.parametrize("expression", ["rate(5 minute)", "rate(1 minutes)", "rate(0 minutes)", "rate(5 weeks)",
                                        "rate(minutes)", "every 5 minutes"])
def test_a_rate_eventbridge_would_refuse_is_refused(expression):
    with pytest.raises(InvalidScheduleExpression):
        parse(expression)


def test_weekdays_at_nine_skip_the_weekend():
    assert firings("cron(0 9 ? * MON-FRI *)", FRIDAY_EVENING, 3) == [
        datetime(2026, 12, 7, 9, 0, tzinfo=UTC),  # Monday
        datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 9, 9, 0, tzinfo=UTC),
    ]


def test_a_quarter_past_ten_every_day():
    assert firings("cron(15 10 * * ? *)", FRIDAY_EVENING, 2) == [
        datetime(2026, 12, 5, 10, 15, tzinfo=UTC),
        datetime(2026, 12, 6, 10, 15, tzinfo=UTC),
    ]


def test_every_fifteen_minutes_from_the_hour():
    assert firings("cron(0/15 * * * ? *)", FRIDAY_EVENING, 4) == [
        datetime(2026, 12, 4, 17, 15, tzinfo=UTC),
        datetime(2026, 12, 4, 17, 30, tzinfo=UTC),
        datetime(2026, 12, 4, 17, 45, tzinfo=UTC),
        datetime(2026, 12, 4, 18, 0, tzinfo=UTC),
    ]


def test_a_matching_minute_is_after_a_moment_only_when_it_is_later():
    on_the_minute = datetime(2026, 12, 4, 17, 15, tzinfo=UTC)

    assert parse("cron(0/15 * * * ? *)").next_after(on_the_minute) == datetime(2026, 12, 4, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize(("expression", "first"), [
    ("cron(0 12 1 * ? *)", datetime(2027, 1, 1, 12, 0, tzinfo=UTC)),  # noon on the 1st
    ("cron(0 8 ? * 1 *)", datetime(2026, 12, 6, 8, 0, tzinfo=UTC)),  # 1 is Sunday
    ("cron(0 8 ? * SAT,SUN *)", datetime(2026, 12, 5, 8, 0, tzinfo=UTC)),
    ("cron(30 6 15 JUN ? *)", datetime(2027, 6, 15, 6, 30, tzinfo=UTC)),
    ("cron(0 0 29 2 ? *)", datetime(2028, 2, 29, 0, 0, tzinfo=UTC)),  # the next leap day
    ("cron(0 18-20/2 * * ? *)", datetime(2026, 12, 4, 18, 0, tzinfo=UTC)),
    ("cron(*/20 * * * ? 2027)", datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
])
def test_lists_ranges_steps_names_and_years(expression, first):
    assert parse(expression).next_after(FRIDAY_EVENING) == first


def test_a_cron_of_years_gone_by_never_fires_again():
    assert parse("cron(0 0 1 1 ? 2020)").next_after(FRIDAY_EVENING) is None


def test_a_cron_reads_its_fields_in_the_schedules_time_zone():
    # 09:00 in New York is 14:00 UTC in winter
    assert firings("cron(0 9 ? * MON-FRI *)", FRIDAY_EVENING, 1, "America/New_York") == [
        datetime(2026, 12, 7, 14, 0, tzinfo=UTC)]


@pytest.mark.parametrize("expression", [
    "cron(0 9 * * MON *)",  # day-of-month and day-of-week both given
    "cron(0 9 ? * ? *)",  # neither
    "cron(0 9 * * ?)",  # five fields
    "cron(60 9 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 9 0 * ? *)",
    "cron(0 9 ? * 8 *)",
    "cron(0 9 ? FOO * *)",
    "cron(0 17-9 * * ? *)",
    "cron(0/0 * * * ? *)",
])
def test_a_cron_eventbridge_would_refuse_is_refused(expression):
    with pytest.raises(InvalidScheduleExpression):
        parse(expression)


@pytest.mark.parametrize("expression", ["cron(0 9 L * ? *)", "cron(0 9 15W * ? *)", "cron(0 9 ? * 6#3 *)",
                                        "cron(0 9 ? * 6L *)"])
def test_last_weekday_and_nth_day_are_refused_by_name(expression):
    with pytest.raises(InvalidScheduleExpression, match="L, W or #"):
        parse(expression)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(InvalidScheduleExpression, match="time zone"):
        parse("cron(0 9 * * ? *)", "Mars/Olympus")


def test_a_cron_parses_to_its_sets():
    cron = parse("cron(0 9 ? * MON-FRI *)")

    assert isinstance(cron, Cron)
    assert (cron.minutes, cron.hours, cron.days_of_month, cron.days_of_week) == (
        {0}, {9}, None, {2, 3, 4, 5, 6})
