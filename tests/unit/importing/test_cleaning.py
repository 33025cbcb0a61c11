"""Cleaning legacy values: each rule as a table of what is written and what the OMS reads."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from infra.importing import cleaning
from infra.importing.candidate import Note
from infra.importing.cleaning import Unreadable
from infra.importing.tidying import tidy_order
from tests.factories import order_payload

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize("written, currency, read", [
    ("19.99", None, Decimal("19.99")),
    ("$1,234.50", None, Decimal("1234.50")),
    ("1.234,50", None, Decimal("1234.50")),
    ("1 234,50 €", None, Decimal("1234.50")),
    ("1\u00a0234,50", None, Decimal("1234.50")),
    ("1'234.50", None, Decimal("1234.50")),
    ("EUR 12", None, Decimal("12")),
    ("US$ 3.00", None, Decimal("3.00")),
    ("12,5", None, Decimal("12.5")),
    ("1,234,567", None, Decimal("1234567")),
    ("1.234.567,89", None, Decimal("1234567.89")),
    ("12,34,567.00", None, Decimal("1234567.00")),  # India's grouping
    # a lone separator before three digits groups thousands...
    ("1,234", None, Decimal("1234")),
    ("1.234", "USD", Decimal("1234")),
    # ...unless the currency has three decimals, or the integer part cannot be a group
    ("1.234", "KWD", Decimal("1.234")),
    ("1,234", "bhd", Decimal("1.234")),
    ("0,125", None, Decimal("0.125")),
    ("1234.567", None, Decimal("1234.567")),
    ("1,2345", None, Decimal("1.2345")),
    ("-5", None, Decimal("-5")),  # read; validation refuses a negative price by field
    ("€ -3,50", None, Decimal("-3.50")),
    ("  7 ", None, Decimal("7")),
    ("", None, None),
    ("   ", None, None),
])
def test_amounts_are_read_exactly(written, currency, read):
    amount = cleaning.amount(written, currency)

    assert amount == read
    assert amount is None or isinstance(amount, Decimal)


@pytest.mark.parametrize("written", ["abc", "12abc", "(5.00)", "1,234,5", "1.2.3", "1,234.567,89", "12..5", "1e3"])
def test_what_is_not_an_amount_is_unreadable(written):
    with pytest.raises(Unreadable, match="not an amount"):
        cleaning.amount(written)


@pytest.mark.parametrize("written, read", [("2", 2), ("2.0", 2), ("1,000", 1000), ("", None)])
def test_quantities_are_whole_numbers(written, read):
    assert cleaning.quantity(written) == read


def test_a_fractional_quantity_is_unreadable():
    with pytest.raises(Unreadable, match="not a whole number"):
        cleaning.quantity("1.5")


@pytest.mark.parametrize("written, zone, day_first, read", [
    ("2024-03-05T14:22:01Z", UTC, False, datetime(2024, 3, 5, 14, 22, 1, tzinfo=UTC)),
    ("2024-03-05T14:22:01.5+05:30", UTC, False, datetime(2024, 3, 5, 8, 52, 1, 500000, tzinfo=UTC)),
    ("2024-03-05 14:22:01 -0500", UTC, False, datetime(2024, 3, 5, 19, 22, 1, tzinfo=UTC)),
    ("2024-03-05 14:22", UTC, False, datetime(2024, 3, 5, 14, 22, tzinfo=UTC)),
    # without a zone, in the one given; with one, in its own
    ("2024-03-05 10:00", NEW_YORK, False, datetime(2024, 3, 5, 15, 0, tzinfo=UTC)),
    ("2024-07-05 10:00", NEW_YORK, False, datetime(2024, 7, 5, 14, 0, tzinfo=UTC)),  # summer time
    ("2024-03-05", NEW_YORK, False, datetime(2024, 3, 5, 5, 0, tzinfo=UTC)),
    ("2024-03-05T10:00:00Z", NEW_YORK, False, datetime(2024, 3, 5, 10, 0, tzinfo=UTC)),
    ("03/05/2024 2:22 PM", NEW_YORK, False, datetime(2024, 3, 5, 19, 22, tzinfo=UTC)),
    # month first unless told; a year first is always year-month-day
    ("03/05/2024", UTC, False, datetime(2024, 3, 5, tzinfo=UTC)),
    ("05/03/2024", UTC, True, datetime(2024, 3, 5, tzinfo=UTC)),
    ("05.03.2024 10:00", UTC, True, datetime(2024, 3, 5, 10, 0, tzinfo=UTC)),
    ("2024-03-05", UTC, True, datetime(2024, 3, 5, tzinfo=UTC)),
    ("2024/03/05", UTC, True, datetime(2024, 3, 5, tzinfo=UTC)),
    ("5 March 2024 2pm", UTC, False, datetime(2024, 3, 5, 14, 0, tzinfo=UTC)),
    ("Tue, 05 Mar 2024 10:00:00 GMT", NEW_YORK, False, datetime(2024, 3, 5, 10, 0, tzinfo=UTC)),
    ("2024-03-05 10:00 UTC+2", UTC, False, datetime(2024, 3, 5, 8, 0, tzinfo=UTC)),  # east, as people mean it
    ("2024-03-05 10:00 EST", UTC, False, datetime(2024, 3, 5, 15, 0, tzinfo=UTC)),
    ("Mar 5, 2024 10:00 AM PST", UTC, False, datetime(2024, 3, 5, 18, 0, tzinfo=UTC)),
    ("", UTC, False, None),
])
def test_dates_become_aware_utc(written, zone, day_first, read):
    assert cleaning.moment(written, zone, day_first) == read


@pytest.mark.parametrize("written, problem", [
    ("garbage", "not a date"),
    ("2024-13-45", "not a date"),
    ("5", "day, month or year is missing"),
    ("March 2024", "day, month or year is missing"),
    ("2024-03-05 10:00 IST", "time zone name is ambiguous"),
])
def test_what_is_not_a_whole_date_is_unreadable(written, problem):
    with pytest.raises(Unreadable, match=problem):
        cleaning.moment(written)


@pytest.mark.parametrize("written, read", [
    ("US", "US"), ("us", "US"), ("USA", "US"), ("U.S.A.", "US"), ("United States", "US"),
    ("United States of America", "US"), (" germany ", "DE"), ("DEU", "DE"), ("UK", "GB"), ("England", "GB"),
    ("Viet Nam", "VN"), ("Russia", "RU"), ("", None),
])
def test_countries_become_iso_alpha_2(written, read):
    assert cleaning.country(written) == read


@pytest.mark.parametrize("written", ["Atlantis", "Korea", "XX"])
def test_an_unknown_or_ambiguous_country_is_unreadable(written):
    with pytest.raises(Unreadable, match="not a country"):
        cleaning.country(written)


@pytest.mark.parametrize("written, country, read", [
    ("(415) 555-0100", "US", "+14155550100"),
    ("415.555.0100", "US", "+14155550100"),
    ("+44 20 7946 0958", None, "+442079460958"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("+1 415 555 0100", "FR", "+14155550100"),  # a + number keeps its own country
    ("'+31612345678", "NL", "+31612345678"),
    ("", "US", None),
])
def test_phones_become_e164_in_the_address_country(written, country, read):
    assert cleaning.phone(written, country) == read


@pytest.mark.parametrize("written, country", [("555-1234", "US"), ("abc", "US"), ("4155550100", None), ("12345", "FR")])
def test_an_unreadable_phone_is_unreadable(written, country):
    with pytest.raises(Unreadable, match="phone number"):
        cleaning.phone(written, country)


@pytest.mark.parametrize("cleaner, written, read", [
    (cleaning.text, "  Ada  ", "Ada"),
    (cleaning.text, "   ", None),
    (cleaning.email, " Ada@Example.COM ", "ada@example.com"),
    (cleaning.currency, " usd ", "USD"),
    (cleaning.choice, "Cash on delivery", "cash_on_delivery"),
    (cleaning.choice, " Store-Pickup ", "store_pickup"),
    (cleaning.postal_code, "'02108", "02108"),
])
def test_text_is_trimmed_and_spelt_as_the_contract_spells_it(cleaner, written, read):
    assert cleaner(written) == read


def test_an_order_is_trimmed_everywhere_and_each_field_cleaned():
    written = order_payload(
        channel_order_id=" W-1 ", currency=" usd ", placed_at="2024-03-05 10:00", total="$48.18",
        customer={"name": " Ada ", "email": " ADA@example.com ", "phone": "(415) 555-0100"},
        shipping_address={"line1": " 1 Main St ", "city": "SF", "postal_code": "'94107", "country": "United States"},
        lines=[{"sku": " MUG ", "quantity": "2", "unit_price": "19,99", "discounts": [{"amount": "1.00"}]}],
        payment={"method": "Card", "status": "PAID"},
    )

    order, notes = tidy_order(written, NEW_YORK, day_first=False)

    assert notes == []
    assert (order["channel_order_id"], order["currency"], order["total"]) == ("W-1", "USD", Decimal("48.18"))
    assert order["placed_at"] == datetime(2024, 3, 5, 15, 0, tzinfo=UTC)
    assert order["customer"] == {"name": "Ada", "email": "ada@example.com", "phone": "+14155550100"}
    assert order["shipping_address"] == {"line1": "1 Main St", "city": "SF", "postal_code": "94107", "country": "US"}
    assert order["lines"] == [{"sku": "MUG", "quantity": 2, "unit_price": Decimal("19.99"),
                               "discounts": [{"amount": Decimal("1.00")}]}]
    assert order["payment"] == {"method": "card", "status": "paid"}


def test_an_unreadable_value_stays_as_written_with_a_problem_and_a_bad_phone_goes_with_a_warning():
    written = order_payload(placed_at="soon", customer={"name": "Ada", "email": "ada@example.com", "phone": "12"},
                            lines=[{"sku": "MUG", "quantity": "two", "unit_price": "1"}], shipping="")

    order, notes = tidy_order(written, UTC, day_first=False)

    assert notes == [
        Note("placed_at", "not a date"),
        Note("lines.0.quantity", "not an amount"),
        Note("customer.phone", "dropped: not a valid phone number for US", warning=True),
    ]
    assert (order["placed_at"], order["lines"][0]["quantity"]) == ("soon", "two")
    assert "phone" not in order["customer"] and "shipping" not in order  # blank is missing
    assert written["customer"]["phone"] == "12"  # the reader's payload is left alone
