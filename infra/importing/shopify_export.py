"""The `shopify-export` format: the CSV of Shopify admin's Orders › Export.

Shopify writes one row per line item; all rows of an order share `Name` (`#1001`) and only
the first carries the order's fields. Columns read (every other column is ignored):

| Shopify column | canonical field |
| --- | --- |
| Id | channel_order_id (Shopify's order id, as its API and webhooks name the order) |
| Name | channel_order_number; groups the rows |
| Created at | placed_at |
| Currency | currency |
| Email | customer.email |
| Billing Name, else Shipping Name | customer.name |
| Phone, else Shipping Phone, else Billing Phone | customer.phone |
| Shipping Name, Company, Address1, Address2, City, Province, Zip, Country | shipping_address.* |
| Billing Name, Company, Address1, Address2, City, Province, Zip, Country | billing_address.* |
| Shipping | shipping |
| Taxes | tax |
| Discount Amount | discount (the order's whole discount: `Lineitem discount` is part of it, so it is not read too) |
| Total | total |
| Financial Status | payment.status (pending, authorized, paid, partially_paid, partially_refunded, refunded, voided) |
| Payment Method | payment.method: its first gateway, by name (see `_PAYMENT_METHODS`) |
| Payment Reference | payment.reference |
| Shipping Method | delivery.method: pickup → store_pickup, same day → same_day, express, overnight, |
| | next day, priority → express; anything else → standard |
| Location | delivery.pickup_location_id, for store pickup |
| Lineitem sku, name, quantity, price | lines[].sku, .name, .quantity, .unit_price (one line per row) |

`Subtotal` is not read: Shopify's is after discounts, the canonical one before the order's
discount. Prices that include tax (most stores outside North America) do not add up to
`Total` with `Taxes` added, and are reported as such: the canonical contract has no
tax-inclusive prices.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from infra.importing.candidate import Candidate, Note, UnusableFile
from infra.importing.grouping import Record, RowGroup, consecutive_orders, csv_records

REQUIRED_COLUMNS = (
    "Name", "Id", "Email", "Financial Status", "Currency", "Total", "Created at",
    "Lineitem quantity", "Lineitem price", "Lineitem sku",
)
_ADDRESS_COLUMNS = {
    "name": "Name", "company": "Company", "line1": "Address1", "line2": "Address2",
    "city": "City", "region": "Province", "postal_code": "Zip", "country": "Country",
}
_ORDER_COLUMNS = {
    "channel_order_id": "Id",
    "channel_order_number": "Name",
    "placed_at": "Created at",
    "currency": "Currency",
    "shipping": "Shipping",
    "tax": "Taxes",
    "discount": "Discount Amount",
    "total": "Total",
}
_LINE_COLUMNS = {"sku": "Lineitem sku", "name": "Lineitem name", "quantity": "Lineitem quantity",
                 "unit_price": "Lineitem price"}
# Gateway names as Shopify writes them (`shopify_payments` or `Shopify Payments`), lower-cased,
# underscores as spaces; the first that the gateway contains decides. Instalments come
# before wallets: "Shop Pay Installments" is not a wallet.
_PAYMENT_METHODS = (
    ("gift card", "gift_card"), ("cash on delivery", "cash_on_delivery"),
    ("installments", "buy_now_pay_later"), ("afterpay", "buy_now_pay_later"), ("klarna", "buy_now_pay_later"),
    ("affirm", "buy_now_pay_later"), ("sezzle", "buy_now_pay_later"),
    ("paypal", "wallet"), ("shop pay", "wallet"), ("apple pay", "wallet"), ("google pay", "wallet"),
    ("amazon pay", "wallet"),
    ("bank", "bank_transfer"), ("wire", "bank_transfer"),
    ("shopify payments", "card"), ("stripe", "card"), ("braintree", "card"), ("adyen", "card"),
    ("authorize.net", "card"), ("credit card", "card"), ("card", "card"),
)
_DELIVERY_METHODS = (
    ("pickup", "store_pickup"), ("pick up", "store_pickup"), ("pick-up", "store_pickup"),
    ("same day", "same_day"), ("same-day", "same_day"),
    ("express", "express"), ("overnight", "express"), ("next day", "express"), ("priority", "express"),
)
_COLUMN_OF = {
    **_ORDER_COLUMNS,
    "customer.email": "Email",
    "customer.name": "Billing Name",
    "customer.phone": "Phone",
    **{f"shipping_address.{part}": f"Shipping {column}" for part, column in _ADDRESS_COLUMNS.items()},
    **{f"billing_address.{part}": f"Billing {column}" for part, column in _ADDRESS_COLUMNS.items()},
    "payment.method": "Payment Method",
    "payment.status": "Financial Status",
    "payment.reference": "Payment Reference",
    "delivery.method": "Shipping Method",
    "delivery.pickup_location_id": "Location",
    **{f"lines.{field}": column for field, column in _LINE_COLUMNS.items()},
}


def read(lines: Iterable[str]) -> Iterator[Candidate]:
    columns, records = csv_records(lines)
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise UnusableFile(f"not a Shopify orders export: missing column(s) {', '.join(missing)}")
    for group in consecutive_orders(records, "Name"):
        yield _candidate(group)


def _candidate(group: RowGroup) -> Candidate:
    first = group.rows[0][1]

    def cell(column: str) -> str:
        return first.get(column, "").strip()

    payload: dict = {path: cell(column) for path, column in _ORDER_COLUMNS.items() if cell(column)}
    payload["customer"] = _present({
        "email": cell("Email"),
        "name": cell("Billing Name") or cell("Shipping Name"),
        "phone": cell("Phone") or cell("Shipping Phone") or cell("Billing Phone"),
    })
    for address, prefix in (("shipping_address", "Shipping"), ("billing_address", "Billing")):
        parts = _present({part: cell(f"{prefix} {column}") for part, column in _ADDRESS_COLUMNS.items()})
        if parts.keys() - {"name", "company"}:  # a name alone is a buyer (POS, digital goods), not an address
            payload[address] = parts
    payload["payment"] = _present({
        "method": _vocabulary(cell("Payment Method").split("+")[0], _PAYMENT_METHODS),
        "status": cell("Financial Status"),
        "reference": cell("Payment Reference"),
    })
    delivery = _vocabulary(cell("Shipping Method"), _DELIVERY_METHODS, otherwise="standard")
    payload["delivery"] = _present({
        "method": delivery,
        "pickup_location_id": cell("Location") if delivery == "store_pickup" else "",
    })
    payload["lines"] = [_line(record) for _, record in group.rows]
    rows = tuple(number for number, _ in group.rows)
    notes = []
    if group.seen_at is not None:
        notes.append(Note("channel_order_number", f"this order was already at row {group.seen_at}, before other "
                                                  "orders: an order's rows must be consecutive"))
    return Candidate(rows, payload.get("channel_order_id"), payload, notes, line_rows=rows, columns=_COLUMN_OF)


def _line(record: Record) -> dict:
    return _present({field: record.get(column, "").strip() for field, column in _LINE_COLUMNS.items()})


def _vocabulary(written: str, meanings: tuple[tuple[str, str], ...], otherwise: str | None = None) -> str:
    """The canonical word for Shopify's; else `otherwise`, or the word itself for validation to name."""
    lowered = written.strip().lower().replace("_", " ")
    found = next((meaning for words, meaning in meanings if words in lowered), None) if lowered else None
    return found or (written.strip() if otherwise is None else otherwise)


def _present(fields: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in fields.items() if value}
