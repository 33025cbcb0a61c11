"""`oms check`: which tables it reads, and its report as lines for people or JSON for machines."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from infra.local.resources import physical_name
from oms.consistency import Report


@dataclass(frozen=True)
class Tables:
    orders: str
    inventory: str


# What `oms local` creates; a deployed stack's names are CloudFormation's, given as options.
LOCAL_STACK = Tables(physical_name("OrdersTable"), physical_name("InventoryTable"))


def tables_for(stage: str, orders_table: str | None, inventory_table: str | None) -> Tables | None:
    """The names given, the local stack's for those not given on stage `local`; None if either is missing."""
    fallback = LOCAL_STACK if stage == "local" else Tables("", "")
    tables = Tables(orders_table or fallback.orders, inventory_table or fallback.inventory)
    return tables if tables.orders and tables.inventory else None


def report_lines(report: Report) -> list[str]:
    """One line per violation, then the summary."""
    read = f"read {report.orders} orders and {report.stock_items} stock items"
    if report.ok:
        return [f"{read}: nothing broken"]
    counts = ", ".join(f"{kind} {count}" for kind, count in report.counts.items())
    return [*(f"{v.kind} {v.subject}: {v.detail}" for v in report.violations),
            f"{read}: {len(report.violations)} violations ({counts})"]


def report_json(report: Report) -> str:
    return json.dumps({"orders_read": report.orders, "stock_items_read": report.stock_items,
                       "counts": report.counts, "violations": [asdict(v) for v in report.violations]}, indent=2)
