"""`oms import` of a 100,000-row legacy CSV into the template's tables on in-process moto.

Rows/s is the whole import: read, clean, validate, seal the PII, one TransactWriteItems per
order. Against AWS each transaction adds a network round trip (~5-10 ms in-region), so
there the import is bound by DynamoDB latency, not by this figure.

Memory is measured twice, because moto keeps the table in this process: the importer's own
peak is tracemalloc's during a dry run of the same file (reading, grouping, validating and
reporting, with no table growing beside it); the process's high-water mark (ru_maxrss, which
includes moto's copy of every item and stream record) is given beside it.
"""

from __future__ import annotations

import csv
import functools
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends

from infra.importing.destination import Destination, order_store
from infra.importing.readers import READERS
from infra.importing.run import import_file
from infra.local.moto_transactions import roll_back_touched_items_only
from infra.local.resources import LocalResources
from infra.local.template import ACCOUNT_ID, REGION, Template
from oms.intake import receive_order
from tests.bench.figures import Figure

ROWS = 100_000
TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
COLUMNS = ("channel_order_id", "channel_order_number", "placed_at", "currency", "customer_name", "customer_email",
           "customer_phone", "ship_line1", "ship_city", "ship_region", "ship_postal_code", "ship_country", "sku",
           "quantity", "unit_price", "shipping", "tax", "discount", "total", "payment_method", "payment_status",
           "delivery_method")
# Legacy data as it comes: several spellings of one country, phones as people type them.
_COUNTRIES = (("United States", "(415) 555-{:04d}"), ("USA", "415.555.{:04d}"), ("us", "+1 415 555 {:04d}"))


def write_legacy_csv(path: Path, rows: int, seed: int = 2024) -> int:
    """A seeded file of `rows` rows, 1-3 lines an order, about 1% with a total that does not
    add up; returns the number of orders."""
    chance = random.Random(seed)
    started = datetime(2023, 1, 1)
    written = orders = 0
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(COLUMNS)
        while written < rows:
            orders += 1
            lines = [(f"SKU-{chance.randrange(500):03d}", chance.randint(1, 4), chance.randrange(199, 9999))
                     for _ in range(min(chance.randint(1, 3), rows - written))]
            net = sum(quantity * cents for _, quantity, cents in lines)
            shipping, tax = chance.choice((0, 499, 999)), net * 8 // 100
            total = net + shipping + tax + (100 if chance.random() < 0.01 else 0)
            country, phone = chance.choice(_COUNTRIES)
            placed = started + timedelta(minutes=orders * 7)
            for number, (sku, quantity, cents) in enumerate(lines):
                order = (
                    f"L-{orders:07d}", f"#{orders}", placed.strftime("%m/%d/%Y %H:%M"), "usd", f"Customer {orders}",
                    f"Customer{orders}@Example.com", phone.format(orders % 10_000), f"{orders} Main St",
                    "San Francisco", "CA", "94107", country,
                ) if number == 0 else (f"L-{orders:07d}",) + ("",) * 11
                money = (_dollars(shipping), _dollars(tax), "0", _dollars(total), "card", "paid", "standard")
                out.writerow((*order, sku, quantity, _dollars(cents), *(money if number == 0 else ("",) * 7)))
            written += len(lines)
    return orders


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def _table_size(table_name: str) -> tuple[int, int]:
    """Items and bytes, as moto sizes items by DynamoDB's rules (attribute names plus values)."""
    table = dynamodb_backends[ACCOUNT_ID][REGION].get_table(table_name)
    items = table.all_items()
    return len(items), sum(item.size() for item in items)


def figures(rows: int = ROWS) -> list[Figure]:
    roll_back_touched_items_only()  # otherwise moto copies the whole table for each order's transaction
    with tempfile.TemporaryDirectory() as directory, mock_aws():
        template = Template(TEMPLATE)
        environment = template.function("IntakeFunction").environment(LocalResources(template).create_all())
        destination = Destination(environment["OMS_ORDERS_TABLE"], environment["OMS_PII_KEY_ID"],
                                  environment["OMS_PII_HASH_SECRET"])
        legacy, report = Path(directory) / "legacy.csv", Path(directory) / "legacy.csv.report.csv"
        orders = write_legacy_csv(legacy, rows)

        tracemalloc.start()
        import_file(legacy, READERS["csv"], None, report, UTC)
        _, dry_run_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        receive = functools.partial(receive_order, channel="web", orders=order_store(destination))
        started = time.perf_counter()
        tally = import_file(legacy, READERS["csv"], receive, report, UTC)
        elapsed = time.perf_counter() - started
        items, size = _table_size(destination.orders_table)
    process_peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    assert tally.rows == rows and tally.imported + tally.rejected == orders, tally
    return [
        Figure("import_rows_per_s", round(rows / elapsed, 1), "rows/s", "",
               f"{rows:,} CSV rows, {orders:,} orders ({tally.rejected} rejected), in-process moto, one thread"),
        Figure("import_peak_memory_mb", round(dry_run_peak / 2**20, 1), "MB", "",
               "tracemalloc peak of a dry run of the same file: the importer's own memory"),
        Figure("import_process_max_rss_mb", round(process_peak_kib / 1024, 1), "MB", "",
               "ru_maxrss after the import: the whole process, moto's table and stream included"),
        Figure("import_orders_table_items", items, "items", "", f"{tally.imported:,} orders imported"),
        Figure("import_orders_table_mb", round(size / 2**20, 1), "MB", "", "moto's item sizes, DynamoDB's rules"),
    ]
