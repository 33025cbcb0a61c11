"""Reading files into candidate orders: grouping rows, the layouts' columns, and where the
report says a problem is."""

from __future__ import annotations

import json
from datetime import UTC
from decimal import Decimal

import pytest

from infra.importing import canonical_csv, jsonl, shopify_export
from infra.importing.candidate import Candidate, Note, UnusableFile
from infra.importing.checking import check
from infra.importing.grouping import consecutive_orders
from infra.importing.report import Report
from tests.factories import order_payload

CSV_HEADER = ("channel_order_id,placed_at,currency,customer_name,customer_email,ship_line1,ship_city,ship_country,"
              "total,payment_method,payment_status,delivery_method,sku,quantity,unit_price,line_discount")


def lines(*rows: str) -> list[str]:
    return [row + "\n" for row in rows]


def candidates_of(reader, *rows: str) -> list[Candidate]:
    return list(reader(lines(*rows)))


@pytest.mark.parametrize("order_ids, groups", [
    (["A", "A", "B"], [("A", [2, 3], None), ("B", [4], None)]),
    (["A", "B", "A"], [("A", [2], None), ("B", [3], None), ("A", [4], 2)]),
    (["A", "B", "B", "A", "A"], [("A", [2], None), ("B", [3, 4], None), ("A", [5, 6], 2)]),
    (["", "", "A"], [(None, [2], None), (None, [3], None), ("A", [4], None)]),  # no id: an order alone
    ([" A", "A "], [("A", [2, 3], None)]),
])
def test_consecutive_rows_of_one_order_id_are_one_order_and_a_returning_id_is_flagged(order_ids, groups):
    records = [(number, {"id": order_id}) for number, order_id in enumerate(order_ids, start=2)]

    grouped = [(group.order_id, [number for number, _ in group.rows], group.seen_at)
               for group in consecutive_orders(records, "id")]

    assert grouped == groups


def test_the_csv_layout_makes_one_order_of_consecutive_rows_reading_order_columns_from_the_first():
    (first, second) = candidates_of(
        canonical_csv.read,
        CSV_HEADER,
        "W-1,2024-03-05,USD,Ada,ada@example.com,1 Main St,SF,US,30.00,card,paid,standard,TEE,1,20.00,",
        "W-1,,,,,,,,,,,,MUG,1,10.00,1.00",
        "",  # blank rows are skipped, and counted
        "W-2,2024-03-06,USD,Bob,bob@example.com,2 Oak Ave,Austin,US,5.00,card,paid,standard,PEN,5,1.00,",
    )

    assert (first.rows, first.line_rows, first.channel_order_id) == ((2, 3), (2, 3), "W-1")
    assert first.payload == {
        "channel_order_id": "W-1", "placed_at": "2024-03-05", "currency": "USD", "total": "30.00",
        "customer": {"name": "Ada", "email": "ada@example.com"},
        "shipping_address": {"line1": "1 Main St", "city": "SF", "country": "US"},
        "payment": {"method": "card", "status": "paid"}, "delivery": {"method": "standard"},
        "lines": [{"sku": "TEE", "quantity": "1", "unit_price": "20.00"},
                  {"sku": "MUG", "quantity": "1", "unit_price": "10.00", "discounts": [{"amount": "1.00"}]}],
    }
    assert first.notes == []
    assert second.rows == (5,)


def test_an_order_column_differing_on_a_later_row_and_an_order_coming_back_are_problems():
    (first, _, back) = candidates_of(
        canonical_csv.read,
        CSV_HEADER,
        "W-1,2024-03-05,USD,Ada,ada@example.com,1 Main St,SF,US,30.00,card,paid,standard,TEE,1,20.00,",
        "W-1,2024-03-05,EUR,,,,,,,,,,MUG,1,10.00,",
        "W-2,2024-03-06,USD,Bob,bob@example.com,2 Oak Ave,Austin,US,5.00,card,paid,standard,PEN,5,1.00,",
        "W-1,,,,,,,,,,,,CAP,1,5.00,",
    )

    assert first.notes == [Note("currency", "differs from the order's first row", row=3)]
    assert back.notes == [Note("channel_order_id", "this order id was already at row 2, before other orders: "
                                                   "an order's rows must be consecutive")]


@pytest.mark.parametrize("header, problem", [
    (CSV_HEADER.replace("customer_email", "customer_mail"),
     "unknown column(s) customer_mail; missing column(s) customer_email"),
    (CSV_HEADER.replace(",unit_price", ""), "missing column(s) unit_price"),
    ("", "the file is empty"),
])
def test_a_csv_without_its_layout_is_unusable(header, problem):
    with pytest.raises(UnusableFile, match=problem.replace("(", r"\(").replace(")", r"\)")):
        candidates_of(canonical_csv.read, *([header] if header else []))


def test_csv_column_names_are_case_insensitive_and_trimmed():
    (candidate,) = candidates_of(
        canonical_csv.read,
        CSV_HEADER.upper().replace(",", " , "),
        "W-1,2024-03-05,USD,Ada,ada@example.com,1 Main St,SF,US,30.00,card,paid,standard,TEE,1,20.00,",
    )

    assert candidate.payload["customer"] == {"name": "Ada", "email": "ada@example.com"}


SHOPIFY_HEADER = ("Name,Email,Financial Status,Currency,Shipping,Taxes,Total,Discount Amount,Shipping Method,"
                  "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing Phone,"
                  "Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country,Payment Method,"
                  "Location,Id,Vendor")


def shopify_order(payment_method: str = "Shopify Payments", shipping_method: str = "Standard",
                  billing_name: str = "Ada Lovelace") -> dict:
    (candidate,) = candidates_of(
        shopify_export.read,
        SHOPIFY_HEADER,
        f"#1001,ada@example.com,paid,USD,5.00,0.00,35.00,0.00,{shipping_method},2024-03-05 10:00:00 -0500,1,Tee,"
        f"30.00,TEE,{billing_name},(415) 555-0100,Ada L.,1 Main St,SF,'94107,US,{payment_method},store-sf,55501,Acme",
    )
    return candidate.payload


def test_a_shopify_export_groups_rows_by_name_and_reads_order_fields_from_the_first():
    (candidate,) = candidates_of(
        shopify_export.read,
        SHOPIFY_HEADER,
        "#1001,ada@example.com,paid,USD,5.00,0.00,35.00,0.00,Standard,2024-03-05 10:00:00 -0500,1,Tee,20.00,TEE,"
        "Ada Lovelace,(415) 555-0100,Ada L.,1 Main St,SF,'94107,US,Shopify Payments,,55501,Acme",
        "#1001,ada@example.com,,,,,,,,,1,Mug,10.00,MUG,,,,,,,,,,,Acme",
    )

    assert (candidate.rows, candidate.line_rows, candidate.channel_order_id) == ((2, 3), (2, 3), "55501")
    assert candidate.payload == {
        "channel_order_id": "55501", "channel_order_number": "#1001", "placed_at": "2024-03-05 10:00:00 -0500",
        "currency": "USD", "shipping": "5.00", "tax": "0.00", "discount": "0.00", "total": "35.00",
        "customer": {"email": "ada@example.com", "name": "Ada Lovelace", "phone": "(415) 555-0100"},
        "shipping_address": {"name": "Ada L.", "line1": "1 Main St", "city": "SF", "postal_code": "'94107",
                             "country": "US"},
        "payment": {"method": "card", "status": "paid"},
        "delivery": {"method": "standard"},
        "lines": [{"sku": "TEE", "name": "Tee", "quantity": "1", "unit_price": "20.00"},
                  {"sku": "MUG", "name": "Mug", "quantity": "1", "unit_price": "10.00"}],
    }


@pytest.mark.parametrize("gateway, method", [
    ("Shopify Payments", "card"), ("shopify_payments", "card"), ("stripe", "card"), ("Shopify Payments + gift_card", "card"),
    ("gift_card", "gift_card"), ("PayPal Express Checkout", "wallet"), ("Shop Pay", "wallet"),
    ("Shop Pay Installments", "buy_now_pay_later"), ("Klarna", "buy_now_pay_later"),
    ("Cash on Delivery (COD)", "cash_on_delivery"), ("Bank Deposit", "bank_transfer"),
    ("manual", "manual"),  # unknown: kept, for validation to refuse by field
])
def test_shopify_gateways_become_payment_methods(gateway, method):
    assert shopify_order(payment_method=gateway)["payment"]["method"] == method


@pytest.mark.parametrize("shipping_method, delivery", [
    ("Standard Shipping", {"method": "standard"}), ("", {"method": "standard"}), ("Free", {"method": "standard"}),
    ("Express", {"method": "express"}), ("UPS Next Day Air", {"method": "express"}),
    ("Same Day Delivery", {"method": "same_day"}),
    ("Store Pickup", {"method": "store_pickup", "pickup_location_id": "store-sf"}),
])
def test_shopify_shipping_methods_become_delivery_methods(shipping_method, delivery):
    assert shopify_order(shipping_method=shipping_method)["delivery"] == delivery


def test_the_shopify_buyer_is_the_billing_name_else_the_shipping_name():
    assert shopify_order(billing_name="")["customer"]["name"] == "Ada L."


def test_a_file_that_is_not_a_shopify_export_is_unusable():
    with pytest.raises(UnusableFile, match="not a Shopify orders export: missing column"):
        candidates_of(shopify_export.read, CSV_HEADER)


def test_jsonl_reads_one_order_a_line_with_numbers_as_decimal():
    (good, not_json, not_object) = candidates_of(
        jsonl.read, '{"channel_order_id": "J-1", "total": 48.18}', "", '{"channel_order_id": ', "[1, 2]")

    assert (good.rows, good.channel_order_id, good.payload) == ((1,), "J-1", {"channel_order_id": "J-1",
                                                                            "total": Decimal("48.18")})
    assert (not_json.rows, not_json.payload) == ((3,), None)
    assert not_json.notes == [Note("body", "not JSON: Expecting value at column 22")]
    assert not_object.notes == [Note("body", "not a JSON object")]


def located(candidate: Candidate) -> list[tuple[str, str, str]]:
    _, notes = check(candidate, UTC, day_first=False)
    return [(*candidate.where(note), note.problem) for note in notes]


def test_the_report_names_a_line_problem_by_its_row_and_an_order_problem_by_the_order_rows():
    (candidate,) = candidates_of(
        canonical_csv.read,
        CSV_HEADER,
        "W-1,2024-03-05,USD,Ada,,1 Main St,SF,US,31.00,card,paid,standard,TEE,1,20.00,",
        "W-1,,,,,,,,,,,,MUG,two,10.00,",
        "W-1,,,,,,,,,,,,CAP,1,5.00,9.00",
    )

    assert located(candidate) == [
        ("3", "quantity", "not an amount"),
        ("2-4", "customer_email", "Field required"),
        ("4", "lines", "discounts exceed quantity × unit_price"),
    ]


def test_a_shopify_problem_names_shopify_s_column():
    (candidate,) = candidates_of(
        shopify_export.read,
        SHOPIFY_HEADER,
        "#1001,,paid,USD,5.00,0.00,99.00,0.00,,2024-03-05,1,Tee,30.00,TEE,Ada,,Ada,1 Main St,SF,94107,Atlantis,"
        "manual,,55501,",
    )

    assert [(field, problem.split(",")[0]) for _, field, problem in located(candidate)] == [
        ("Shipping Country", "not a country name or ISO 3166-1 code"),
        ("Email", "Field required"),
        ("Payment Method", "Input should be 'card'"),
        ("Total", "total 99.00 does not equal lines + shipping + tax - discount = 35.00"),
    ]


def test_a_jsonl_problem_names_the_canonical_field():
    (candidate,) = candidates_of(jsonl.read, json.dumps(order_payload(lines=[
        {"sku": "A", "quantity": 1, "unit_price": "1"}, {"sku": "B", "quantity": 0, "unit_price": "1"}])))

    assert located(candidate)[0] == ("1", "lines.1.quantity", "Input should be greater than 0")


def test_a_valid_order_with_a_warning_is_imported_as_cleaned():
    (candidate,) = candidates_of(
        canonical_csv.read,
        CSV_HEADER + ",customer_phone",
        "W-1,2024-03-05,USD,Ada,ada@example.com,1 Main St,SF,US,20.00,card,paid,standard,TEE,1,20.00,,555",
    )

    submission, notes = check(candidate, UTC, day_first=False)

    assert submission is not None and submission.customer.phone is None
    assert [(note.field, note.warning) for note in notes] == [("customer.phone", True)]


def test_the_report_lists_notes_by_row_and_never_lets_an_id_run_as_a_formula(tmp_path):
    candidate = Candidate((2, 3), "=HYPERLINK(1)", {}, line_rows=(2, 3),
                          columns={"lines.unit_price": "unit_price", "customer.phone": "customer_phone"})

    with Report(tmp_path / "report.csv") as report:
        report.add(candidate, [Note("lines.1.unit_price", "not an amount"),
                               Note("customer.phone", "dropped", warning=True)])

    assert (tmp_path / "report.csv").read_text().splitlines() == [
        "row,channel_order_id,field,problem",
        "3,'=HYPERLINK(1),unit_price,not an amount",
        "2-3,'=HYPERLINK(1),customer_phone,warning: dropped",
    ]
