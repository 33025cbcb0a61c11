"""Reading one legacy value the way the canonical contract wants it. Pure: no I/O, no clock.

A cleaner returns the value in canonical form, None for a blank cell, or raises
`Unreadable` with a problem that never repeats the value (it may be personal data).

Amounts (never float):
- currency marks around the number are dropped (`$1,234.50`, `1 234,50 €`, `EUR 12`);
  spaces, non-breaking spaces and apostrophes group digits (`1'234.50`);
- with both `.` and `,`, the last one is the decimal point (`1.234,50` = `1,234.50` = 1234.50);
- one kind repeated groups digits (`1,234,567`);
- one separator alone is the decimal point (`12,5` = 12.5, `19.99`), except before exactly
  three digits after a grouping-shaped integer part (`1,234`, `1.234`): that groups
  thousands, unless the currency has three decimals (BHD IQD JOD KWD LYD OMR TND), whose
  `1.234` is 1.234. A misread there shows up as a total that does not add up.

Dates: ISO-8601 first, then dateutil's common formats (`2024-03-05 14:22:01 -0500`,
`03/05/2024 2:22 PM`, `5 March 2024`). Numeric dates are month first unless `day_first`;
a date starting with a four-digit year is always year-month-day. A date without a zone is
in `zone`. Zones: offsets, `Z`, `UTC`/`GMT` (`UTC+2` is two hours east, as people mean it,
not POSIX's west) and the US abbreviations EST EDT CST CDT MST MDT PST PDT; any other
abbreviation is ambiguous (IST, CST in China, ...) and refused. A date missing its day,
month or year is refused rather than completed with today's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

import phonenumbers
import pycountry
from dateutil import parser as dateutil_parser


class Unreadable(ValueError):
    """A value cleaning cannot make sense of; the message says why, never what."""


def text(value: str) -> str | None:
    stripped = value.strip()
    return stripped or None


def email(value: str) -> str | None:
    stripped = text(value)
    return stripped.lower() if stripped else None


def currency(value: str) -> str | None:
    stripped = text(value)
    return stripped.upper() if stripped else None


def choice(value: str) -> str | None:
    """`Cash on delivery`, `cash-on-delivery` → `cash_on_delivery`: an enum's spelling."""
    words = re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")
    return words or None


def postal_code(value: str) -> str | None:
    # Spreadsheets and Shopify's export prefix an apostrophe to keep leading zeros.
    return text(value.strip().lstrip("'"))


# Names people write that pycountry does not know; anything fuzzier is refused.
_COUNTRY_ALIASES = {
    "UK": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB",
    "NORTHERN IRELAND": "GB", "RUSSIA": "RU", "HOLLAND": "NL", "THE NETHERLANDS": "NL",
}


def country(value: str) -> str | None:
    """`United States`, `USA`, `us`, `U.S.A.` → `US` (ISO 3166-1 alpha-2)."""
    name = text(value)
    if name is None:
        return None
    undotted = name.replace(".", "").strip()
    if undotted.upper() in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[undotted.upper()]
    try:
        return pycountry.countries.lookup(undotted).alpha_2
    except LookupError:
        raise Unreadable("not a country name or ISO 3166-1 code") from None


def phone(value: str, country_code: str | None) -> str | None:
    """E.164, reading a number without `+` as one of `country_code`."""
    number = text(value.strip().lstrip("'"))
    if number is None:
        return None
    try:
        parsed = phonenumbers.parse(number, country_code)
    except phonenumbers.NumberParseException:
        raise Unreadable("not a phone number" + ("" if country_code else " (no country to read it in)")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise Unreadable(f"not a valid phone number for {country_code or 'its country code'}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
_MARK = r"(?:[A-Z]{0,2}[^\w\s.,'()-]{1,2}|[A-Z]{3})?"  # $ € US$ R$ EUR; never (5.00), a negative
_AMOUNT = re.compile(
    rf"(?P<minus>-?)\s*{_MARK}\s*(?P<minus_after_mark>-?)\s*(?P<number>\d(?:[\d.,' \u00a0\u202f]*\d)?)\s*{_MARK}"
)
_GROUPING_MARKS = re.compile(r"[ '\u00a0\u202f]")
# 1,234,567 and India's 12,34,567: what a separator grouping thousands looks like.
_GROUPED = {separator: re.compile(rf"\d{{1,3}}(?:\{separator}\d{{2,3}})*\{separator}\d{{3}}") for separator in ".,"}


def amount(value: str, currency_code: str | None = None) -> Decimal | None:
    """`$1,234.50`, `1.234,50 €`, `-5` → Decimal; see the module's rules for separators."""
    if text(value) is None:
        return None
    match = _AMOUNT.fullmatch(value.strip())
    if match is None:
        raise Unreadable("not an amount")
    number = _GROUPING_MARKS.sub("", match["number"])
    point = _decimal_point(number, (currency_code or "").upper() in _THREE_DECIMAL_CURRENCIES)
    whole, fraction = number.rsplit(point, 1) if point else (number, "")
    separators = set(whole) - set("0123456789")
    if len(separators) > 1 or (point and not fraction.isdigit()):
        raise Unreadable("not an amount")
    if separators:
        (separator,) = separators
        if not _GROUPED[separator].fullmatch(whole):
            raise Unreadable("not an amount: its digit groups are not thousands")
        whole = whole.replace(separator, "")
    parsed = Decimal(f"{whole}.{fraction}" if point else whole)
    return -parsed if match["minus"] or match["minus_after_mark"] else parsed


def _decimal_point(number: str, three_decimals: bool) -> str | None:
    separators = [character for character in number if character in ".,"]
    if not separators:
        return None
    if len(set(separators)) == 2:
        return separators[-1]
    if len(separators) > 1:
        return None
    whole, fraction = number.split(separators[0])
    groups_thousands = len(fraction) == 3 and len(whole) <= 3 and not whole.startswith("0")
    return None if groups_thousands and not three_decimals else separators[0]


def quantity(value: str) -> int | None:
    read = amount(value)
    if read is None:
        return None
    if read != read.to_integral_value():
        raise Unreadable("not a whole number")
    return int(read)


_US_ZONES = {name: timezone(timedelta(hours=hours), name) for name, hours in {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}.items()}
_UTC_NAMES = frozenset({"UTC", "GMT", "Z", "UT"})
_NAMED_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*(?=[+-]\d)", re.IGNORECASE)
# Two defaults that differ in every date part: a part the text lacks shows up as a difference.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


def moment(value: str, zone: tzinfo = UTC, day_first: bool = False) -> datetime | None:
    """An aware UTC datetime; see the module's rules for formats and zones."""
    written = text(value)
    if written is None:
        return None
    try:
        parsed = datetime.fromisoformat(written)
    except ValueError:
        parsed = _common_format(_NAMED_OFFSET.sub("", written), day_first)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _common_format(written: str, day_first: bool) -> datetime:
    year_first = re.match(r"\d{4}\D", written) is not None
    readings = []
    for default in _DEFAULTS:
        try:
            readings.append(dateutil_parser.parse(
                written, default=default, dayfirst=day_first and not year_first, tzinfos=_zone_named
            ))
        except Unreadable:
            raise
        except (ValueError, OverflowError):
            raise Unreadable("not a date") from None
    if readings[0].date() != readings[1].date():
        raise Unreadable("not a whole date: its day, month or year is missing")
    return readings[0]


def _zone_named(name: str | None, offset: int | None) -> tzinfo | None:
    # dateutil asks about every date, with or without a zone; None keeps it naive.
    if name is None:
        return None if offset is None else timezone(timedelta(seconds=offset))
    if name.upper() in _UTC_NAMES:
        return UTC
    if name.upper() in _US_ZONES:
        return _US_ZONES[name.upper()]
    raise Unreadable("not a date: its time zone name is ambiguous; write an offset such as -05:00")
