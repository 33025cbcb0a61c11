"""The `csv` format: the OMS's own flat layout, one row per order LINE.

Rows sharing `channel_order_id` form one order, and they must be consecutive (sort the
file by it if unsure). Order columns are read from the order's first row; on its other
rows they may be blank or repeat the same value (a different value is a problem). Column
names are case-insensitive; a column not listed here is refused, so a typo cannot drop data.
Methods and statuses take the contract's words, in any case, with spaces or hyphens for
underscores (`Cash on delivery`).

| column | canonical field | |
| --- | --- | --- |
| channel_order_id | channel_order_id | required |
| channel_order_number | channel_order_number | |
| placed_at | placed_at | required; a date without zone is in `--timezone` |
| currency | currency | required; ISO 4217 |
| customer_name, customer_email | customer.name, customer.email | required |
| customer_phone | customer.phone | to E.164 in the address's country; dropped (warning) if unreadable |
| ship_ + name, company, line1, line2, city, region, postal_code, country | shipping_address.* | none for pickup |
| bill_ + the same | billing_address.* | optional |
| subtotal, shipping, tax, discount | the same | optional; blank is 0 (subtotal: checked if given) |
| total | total | required; must equal lines + shipping + tax - discount |
| payment_method, payment_status | payment.method, payment.status | required |
| payment_reference | payment.reference | |
| delivery_method | delivery.method | required |
| pickup_location_id | delivery.pickup_location_id | for store_pickup |
| sku, quantity, unit_price | lines[].sku, .quantity, .unit_price | per row; required |
| line_name | lines[].name | per row |
| line_discount, line_discount_code | lines[].discounts[0].amount, .code | per row |
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from infra.importing.candidate import Candidate, Note, UnusableFile
from infra.importing.grouping import RowGroup, consecutive_orders, csv_records

_ADDRESS_PARTS = ("name", "company", "line1", "line2", "city", "region", "postal_code", "country")
ORDER_COLUMNS = {
    "channel_order_id": "channel_order_id",
    "channel_order_number": "channel_order_number",
    "placed_at": "placed_at",
    "currency": "currency",
    "customer_name": "customer.name",
    "customer_email": "customer.email",
    "customer_phone": "customer.phone",
    **{f"ship_{part}": f"shipping_address.{part}" for part in _ADDRESS_PARTS},
    **{f"bill_{part}": f"billing_address.{part}" for part in _ADDRESS_PARTS},
    "subtotal": "subtotal",
    "shipping": "shipping",
    "tax": "tax",
    "discount": "discount",
    "total": "total",
    "payment_method": "payment.method",
    "payment_status": "payment.status",
    "payment_reference": "payment.reference",
    "delivery_method": "delivery.method",
    "pickup_location_id": "delivery.pickup_location_id",
}
LINE_COLUMNS = {
    "sku": "sku",
    "line_name": "name",
    "quantity": "quantity",
    "unit_price": "unit_price",
}
_DISCOUNT_COLUMNS = {"line_discount": "amount", "line_discount_code": "code"}
REQUIRED_COLUMNS = (
    "channel_order_id", "placed_at", "currency", "customer_name", "customer_email", "total",
    "payment_method", "payment_status", "delivery_method", "sku", "quantity", "unit_price",
)
# Where a canonical field comes from, so the report names the column the operator edits.
_COLUMN_OF = {
    **{path: column for column, path in ORDER_COLUMNS.items()},
    **{f"lines.{field}": column for column, field in LINE_COLUMNS.items()},
    **{f"lines.discounts.{field}": column for column, field in _DISCOUNT_COLUMNS.items()},
}


def read(lines: Iterable[str]) -> Iterator[Candidate]:
    columns, records = csv_records(lines, column_name=lambda name: name.strip().lower())
    unknown = [column for column in columns if column not in {*ORDER_COLUMNS, *LINE_COLUMNS, *_DISCOUNT_COLUMNS}]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if unknown or missing:
        raise UnusableFile("; ".join(
            ([f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
            + ([f"missing column(s) {', '.join(missing)}"] if missing else [])
        ) + " (see `oms import --help` and the README for the csv layout)")
    for group in consecutive_orders(records, "channel_order_id"):
        yield _candidate(group)


def _candidate(group: RowGroup) -> Candidate:
    first = group.rows[0][1]
    payload: dict = {"customer": {}, "payment": {}, "delivery": {}}
    for column, path in ORDER_COLUMNS.items():
        if first.get(column, "").strip():
            _put(payload, path, first[column])
    payload["lines"] = [_line(record) for _, record in group.rows]
    notes = [
        Note(path, "differs from the order's first row", row=number)
        for number, record in group.rows[1:]
        for column, path in ORDER_COLUMNS.items()
        if record.get(column, "").strip() and record[column].strip() != first.get(column, "").strip()
    ]
    if group.seen_at is not None:
        notes.append(Note("channel_order_id", f"this order id was already at row {group.seen_at}, before other "
                                              "orders: an order's rows must be consecutive"))
    return Candidate(
        rows=tuple(number for number, _ in group.rows),
        channel_order_id=group.order_id,
        payload=payload,
        notes=notes,
        line_rows=tuple(number for number, _ in group.rows),
        columns=_COLUMN_OF,
    )


def _line(record: dict[str, str]) -> dict:
    line = {field: record[column] for column, field in LINE_COLUMNS.items() if record.get(column, "").strip()}
    discount = {field: record[column] for column, field in _DISCOUNT_COLUMNS.items() if record.get(column, "").strip()}
    if discount:
        line["discounts"] = [discount]
    return line


def _put(payload: dict, path: str, value: str) -> None:
    *parents, name = path.split(".")
    for parent in parents:
        payload = payload.setdefault(parent, {})
    payload[name] = value
