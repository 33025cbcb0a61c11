"""`oms import` against the template's resources on in-process moto: good orders stored once,
bad ones reported by row and field, and no personal data in what the operator sees."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from infra.cli import main
from infra.importing.destination import Destination, order_store
from oms.models import Order
from tests.factories import order_payload

HEADER = ("channel_order_id,channel_order_number,placed_at,currency,customer_name,customer_email,customer_phone,"
          "ship_line1,ship_city,ship_region,ship_postal_code,ship_country,sku,quantity,unit_price,line_discount,"
          "shipping,tax,discount,total,payment_method,payment_status,delivery_method")
LEGACY_CSV = "\n".join((
    HEADER,
    # row 2-3: a good two-line order, messy as legacy data is
    ' L-1 ,#1,2024-03-05 10:00, usd ,Ada Lovelace, ADA@Example.com ,(415) 555-0100,1 Main St,San Francisco,CA,'
    '94107,United States,TSHIRT-RED-M,2,$19.99,,5.00,3.20,0,"$1,048.18",Card,Paid,Standard',
    "L-1,,,,,,,,,,,,MUG,1,\"1,000.00\",,,,,,,,",
    # row 4: the total does not add up
    "L-2,#2,2024-03-05T11:00:00Z,USD,Bob Stone,bob@example.com,,2 Oak Ave,Austin,TX,73301,US,MUG,1,10.00,,0,0,0,"
    "12.00,card,paid,standard",
    # row 5: no email
    "L-3,#3,2024-03-05T12:00:00Z,USD,Cy Twombly,,,3 Elm St,Boston,MA,02108,US,MUG,1,10.00,,0,0,0,10.00,card,paid,"
    "standard",
    # row 6: a currency that does not exist
    "L-4,#4,2024-03-05T13:00:00Z,XYZ,Di Prima,di@example.com,,4 Pine St,Denver,CO,80202,US,MUG,1,10.00,,0,0,0,"
    "10.00,card,paid,standard",
    # row 7: good, in Europe's notation, with a phone nobody can dial: dropped, with a warning
    "L-5,#5,06/03/2024 09:30,EUR,Ed Ruscha,ed@example.com,12345,5 Rue Cler,Paris,,75007,france,MUG,1,\"1.234,50\","
    "\"4,50\",0,0,0,\"1.230,00\",card,paid,standard",
))
CLEAR_VALUES = ("Ada Lovelace", "ADA@Example.com", "ada@example.com", "(415) 555-0100", "+14155550100", "1 Main St",
                "Bob Stone", "bob@example.com", "Cy Twombly", "Di Prima", "di@example.com", "Ed Ruscha", "12345")


@pytest.fixture
def destination(deployed) -> Destination:
    environment = deployed.environment("IntakeFunction")
    return Destination(environment["OMS_ORDERS_TABLE"], environment["OMS_PII_KEY_ID"],
                       environment["OMS_PII_HASH_SECRET"])


def oms_import(destination: Destination, path: Path, *options: str, channel: str = "web") -> int:
    return main(["import", str(path), "--channel", channel, "--orders-table", destination.orders_table,
                 "--pii-key-id", destination.pii_key_id, "--hash-secret", destination.hash_secret_id, *options])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def report_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as report:
        return list(csv.DictReader(report))


def stored(deployed, destination: Destination, channel_order_id: str, channel: str = "web") -> Order | None:
    uniqueness = deployed.client("dynamodb").get_item(
        TableName=destination.orders_table,
        Key={"pk": {"S": f"CHANNEL_ORDER#{channel}#{channel_order_id}"}, "sk": {"S": "CHANNEL_ORDER"}},
    ).get("Item")
    return order_store(destination).get(uniqueness["order_id"]["S"]) if uniqueness else None


def test_good_orders_are_stored_cleaned_and_bad_ones_reported_by_row_and_field(deployed, destination, tmp_path, capsys):
    legacy = write(tmp_path, "legacy.csv", LEGACY_CSV)

    assert oms_import(destination, legacy, "--timezone", "America/New_York", "--day-first") == 1

    assert capsys.readouterr().out.strip() == (
        f"read 6 rows, imported 2 orders, already imported 0, conflicts 0, rejected 3, report at {legacy}.report.csv")
    ada = stored(deployed, destination, "L-1")
    assert ada.customer.model_dump() == {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550100"}
    assert ada.shipping_address.country == "US" and ada.currency == "USD"
    assert ada.placed_at.isoformat() == "2024-03-05T15:00:00+00:00"  # 10:00 in New York
    assert [(line.sku, line.quantity, line.unit_price) for line in ada.lines] == [
        ("TSHIRT-RED-M", 2, Decimal("19.99")), ("MUG", 1, Decimal("1000.00"))]
    assert ada.total == Decimal("1048.18") and ada.payment.method == "card" and ada.channel == "web"
    ed = stored(deployed, destination, "L-5")
    assert ed.customer.phone is None and ed.shipping_address.country == "FR"
    assert ed.placed_at.isoformat() == "2024-03-06T14:30:00+00:00"  # day first, New York time
    assert ed.lines[0].discounts[0].amount == Decimal("4.50") and ed.total == Decimal("1230.00")
    assert [stored(deployed, destination, bad) for bad in ("L-2", "L-3", "L-4")] == [None, None, None]
    assert [(row["row"], row["channel_order_id"], row["field"]) for row in report_of(Path(f"{legacy}.report.csv"))] == [
        ("4", "L-2", "total"),
        ("5", "L-3", "customer_email"),
        ("6", "L-4", "currency"),
        ("7", "L-5", "customer_phone"),
    ]
    assert report_of(Path(f"{legacy}.report.csv"))[-1]["problem"].startswith("warning: dropped")


def test_re_running_a_file_imports_nothing_twice(deployed, destination, tmp_path, capsys):
    legacy = write(tmp_path, "legacy.csv", LEGACY_CSV)
    oms_import(destination, legacy, "--day-first")
    items = deployed.items("OrdersTable")
    capsys.readouterr()

    assert oms_import(destination, legacy, "--day-first") == 1

    assert "imported 0 orders, already imported 2, conflicts 0, rejected 3" in capsys.readouterr().out
    assert len(deployed.items("OrdersTable")) == len(items)


def test_an_order_changed_in_the_file_since_its_import_is_a_conflict_and_not_written(deployed, destination, tmp_path,
                                                                                     capsys):
    first = write(tmp_path, "first.csv", LEGACY_CSV)
    oms_import(destination, first, "--day-first")
    changed = write(tmp_path, "changed.csv", LEGACY_CSV.replace("(415) 555-0100", "(415) 555-0199"))
    capsys.readouterr()

    assert oms_import(destination, changed, "--day-first") == 1

    assert "imported 0 orders, already imported 1, conflicts 1, rejected 3" in capsys.readouterr().out
    conflict = [row for row in report_of(Path(f"{changed}.report.csv")) if row["channel_order_id"] == "L-1"]
    assert [(row["row"], row["field"]) for row in conflict] == [("2-3", "channel_order_id")]
    assert "with different content" in conflict[0]["problem"]
    assert stored(deployed, destination, "L-1").customer.phone == "+14155550100"


def test_a_dry_run_checks_and_reports_but_writes_nothing(deployed, destination, tmp_path, capsys):
    legacy = write(tmp_path, "legacy.csv", LEGACY_CSV)
    report = tmp_path / "elsewhere.csv"

    assert oms_import(destination, legacy, "--dry-run", "--day-first", "--report", str(report)) == 1

    assert capsys.readouterr().out.strip() == (
        f"dry run: read 6 rows, 2 orders valid (nothing written), rejected 3, report at {report}")
    assert deployed.items("OrdersTable") == []
    assert len(report_of(report)) == 4


def test_neither_the_terminal_nor_the_report_shows_personal_data(deployed, destination, tmp_path, capsys):
    legacy = write(tmp_path, "legacy.csv", LEGACY_CSV.replace("bob@example.com", "bob at example"))

    oms_import(destination, legacy, "--day-first")

    printed = capsys.readouterr()
    shown = printed.out + printed.err + Path(f"{legacy}.report.csv").read_text()
    assert "customer_email" in shown
    assert not [value for value in (*CLEAR_VALUES, "bob at example") if value in shown]


SHOPIFY_EXPORT = "\n".join((
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,"
    "Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,"
    "Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,"
    "Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount",
    "#1001,ada@example.com,paid,2024-03-05 10:05:00 -0500,fulfilled,2024-03-06 09:00:00 -0500,no,USD,45.00,5.00,"
    "3.60,53.60,SPRING,5.00,Standard Shipping,2024-03-05 10:00:00 -0500,2,T-shirt - Red / M,20.00,,TSHIRT-RED-M,"
    "true,true,fulfilled,Ada Lovelace,1 Main St,1 Main St,,,San Francisco,'94107,CA,US,(415) 555-0100,Ada Lovelace,"
    "1 Main St,1 Main St,,,San Francisco,'94107,CA,US,(415) 555-0100,,,,Shopify Payments,c1234.1,0.00,Acme,0.00,,,,"
    "5550001,,Low,web,0.00",
    "#1001,ada@example.com,,,,,,,,,,,,,,,1,Mug,10.00,,MUG,true,true,fulfilled,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,5.00",
    "#1002,bob@example.com,pending,,unfulfilled,,yes,CAD,12.00,0.00,0.00,12.00,,0.00,Express,2024-03-06 08:00:00 "
    "-0500,1,Mug,12.00,,MUG,true,true,,Bob Stone,,2 Bay St,,,Toronto,M5J 2N8,ON,CA,,Bob Stone,,2 Bay St,,,Toronto,"
    "M5J 2N8,ON,CA,,,,,PayPal Express Checkout,,0.00,Acme,12.00,,,,5550002,,Low,web,0.00",
))


def test_a_shopify_export_imports(deployed, destination, tmp_path, capsys):
    export = write(tmp_path, "orders_export.csv", SHOPIFY_EXPORT)

    assert oms_import(destination, export, "--format", "shopify-export", channel="shopify") == 0

    assert "read 3 rows, imported 2 orders" in capsys.readouterr().out
    ada = stored(deployed, destination, "5550001", channel="shopify")
    assert ada.channel_order_number == "#1001" and ada.placed_at.isoformat() == "2024-03-05T15:00:00+00:00"
    assert ada.customer.phone == "+14155550100" and ada.shipping_address.postal_code == "94107"
    assert [(line.sku, line.quantity) for line in ada.lines] == [("TSHIRT-RED-M", 2), ("MUG", 1)]
    assert (ada.discount, ada.total, ada.payment.method, ada.payment.reference) == (
        Decimal("5.00"), Decimal("53.60"), "card", "c1234.1")
    bob = stored(deployed, destination, "5550002", channel="shopify")
    assert (bob.currency, bob.delivery.method, bob.payment.method, bob.payment.status) == (
        "CAD", "express", "wallet", "pending")


def test_jsonl_imports_canonical_orders_line_by_line(deployed, destination, tmp_path, capsys):
    good = order_payload(channel_order_id="J-1", customer={"name": "Ada Lovelace", "email": "Ada@Example.com"})
    bad = order_payload(channel_order_id="J-2", total="1.00")
    orders = write(tmp_path, "orders.jsonl", "\n".join((json.dumps(good), "", json.dumps(bad), "{not json")))

    assert oms_import(destination, orders, "--format", "jsonl") == 1

    assert "read 3 rows, imported 1 orders, already imported 0, conflicts 0, rejected 2" in capsys.readouterr().out
    assert stored(deployed, destination, "J-1").customer.email == "ada@example.com"
    assert [(row["row"], row["field"]) for row in report_of(Path(f"{orders}.report.csv"))] == [
        ("3", "total"), ("4", "body")]


def test_a_file_without_the_layout_columns_imports_nothing(deployed, destination, tmp_path, capsys):
    legacy = write(tmp_path, "legacy.csv", LEGACY_CSV.replace("customer_email", "customer_mail"))

    assert oms_import(destination, legacy) == 2

    assert "unknown column(s) customer_mail; missing column(s) customer_email" in capsys.readouterr().err
    assert deployed.items("OrdersTable") == []


def test_stage_local_needs_no_aws_configuration_on_the_machine(deployed, destination, tmp_path, monkeypatch):
    for variable in ("OMS_ORDERS_TABLE", "OMS_PII_KEY_ID", "OMS_PII_HASH_SECRET", "AWS_DEFAULT_REGION", "AWS_REGION",
                     "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    orders = write(tmp_path, "orders.jsonl", json.dumps(order_payload(channel_order_id="J-2")))

    assert main(["import", str(orders), "--channel", "web", "--format", "jsonl", "--stage", "local"]) == 0

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # for the test's own look
    assert stored(deployed, destination, "J-2") is not None


def test_a_stage_with_no_region_is_one_line_and_exit_status_2(tmp_path, monkeypatch, capsys):
    for variable in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    orders = write(tmp_path, "orders.jsonl", json.dumps(order_payload(channel_order_id="J-3")))

    assert main(["import", str(orders), "--channel", "web", "--format", "jsonl", "--stage", "prod",
                 "--orders-table", "t", "--pii-key-id", "k", "--hash-secret", "s"]) == 2

    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("oms import: error: ") and "region" in line


def test_stage_local_imports_into_the_local_stack_without_naming_it(deployed, destination, tmp_path, capsys,
                                                                      monkeypatch):
    for variable in ("OMS_ORDERS_TABLE", "OMS_PII_KEY_ID", "OMS_PII_HASH_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    orders = write(tmp_path, "orders.jsonl", json.dumps(order_payload(channel_order_id="J-1")))

    assert main(["import", str(orders), "--channel", "web", "--format", "jsonl", "--stage", "local"]) == 0

    assert stored(deployed, destination, "J-1") is not None
