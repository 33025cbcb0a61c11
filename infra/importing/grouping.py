"""A CSV read row by row, and its consecutive rows grouped into orders. Pure.

Only the order being grouped is held in memory, so a file of any length streams. The
price is that an order's rows must be consecutive: an order id that comes back after
other orders is flagged (`seen_at`), never merged into an order already imported. To
flag it, the first row of every order id is remembered: about 150 bytes an order.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from infra.importing.candidate import UnusableFile

Record = dict[str, str]


@dataclass(frozen=True)
class RowGroup:
    rows: list[tuple[int, Record]]  # (row number, cells by column)
    order_id: str | None
    seen_at: int | None  # the first row of an earlier group with this order id


def csv_records(lines: Iterable[str], column_name: Callable[[str], str] = str.strip,
                ) -> tuple[list[str], Iterator[tuple[int, Record]]]:
    """The header's column names and the data rows, numbered as a spreadsheet shows them
    (the header is row 1). Blank rows are skipped, but counted."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise UnusableFile("the file is empty: a CSV needs a header row")
    columns = [column_name(name) for name in header]

    def records() -> Iterator[tuple[int, Record]]:
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                yield number, dict(zip(columns, cells))

    return columns, records()


def consecutive_orders(records: Iterable[tuple[int, Record]], order_id_column: str) -> Iterator[RowGroup]:
    """Rows sharing an order id, as long as they are consecutive; a row without an id is an order alone."""
    first_rows: dict[str, int] = {}
    rows: list[tuple[int, Record]] = []
    current: str | None = None
    for number, record in records:
        order_id = record.get(order_id_column, "").strip() or None
        if rows and (order_id is None or order_id != current):
            yield _group(rows, current, first_rows)
            rows = []
        current = order_id
        rows.append((number, record))
    if rows:
        yield _group(rows, current, first_rows)


def _group(rows: list[tuple[int, Record]], order_id: str | None, first_rows: dict[str, int]) -> RowGroup:
    seen_at = first_rows.setdefault(order_id, rows[0][0]) if order_id else None
    return RowGroup(rows, order_id, seen_at if seen_at != rows[0][0] else None)
