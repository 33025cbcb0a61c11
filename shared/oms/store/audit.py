"""Reads the Orders and Inventory tables whole, a page at a time, and judges what it reads by
oms.consistency and oms.reconciliation. It only reads.

A Scan returns an item collection's items together (they share a partition key), so each
order is judged as soon as the next one's items begin; only totals and ids outlive it.
Stock movements are read past: they are history, not state. Personal data is never opened
(the header is read as erasure leaves it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from oms.consistency import IndexEntry, OrderRecord, Report, StockRecord, order_violations, stock_violations
from oms.lifecycle import OPEN
from oms.models import CHANNEL_DATA, MAX_LINES, Order, OrderStatus, Shipment, field_errors
from oms.pii import erase
from oms.planning import TransferOrder
from oms.reconciliation import CapacityRecord, Reconciliation
from oms.store import keys
from oms.store.items import from_item, without_keys

_ORDERS = keys.order_pk("")
_PARTS = ("line", "history", "shipment", "return", "refund")
_LINE_NUMBERS = {keys.line_sk(number): number for number in range(1, MAX_LINES + 1)}


class ScanOutOfOrder(RuntimeError):
    """A Scan returned one order's items apart: its collection cannot be judged whole."""


def audit(orders_table: str, inventory_table: str, client: Any, page_size: int | None = None) -> Report:
    """Every broken invariant of the two tables; `page_size` caps the items a Scan page holds."""
    totals = Reconciliation()
    found, orders, stock_items = [], 0, 0
    for record in _order_records(orders_table, client, totals, page_size):
        orders += 1
        found += order_violations(record)
        totals.order(record)
    for stock in _stock_records(inventory_table, client, totals, page_size):
        stock_items += 1
        found += stock_violations(stock)
        totals.stock(stock)
    return Report(tuple(found + totals.violations()), orders, stock_items)


def _scan(table: str, client: Any, page_size: int | None) -> Iterator[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(
        TableName=table, ConsistentRead=True, PaginationConfig={"PageSize": page_size} if page_size else {})
    for page in pages:
        yield from (from_item(item) for item in page["Items"])


def _order_records(table: str, client: Any, totals: Reconciliation, page_size: int | None) -> Iterator[OrderRecord]:
    judged: set[str] = set()
    pk, collection = None, []
    for item in _scan(table, client, page_size):
        if item["sk"] == keys.UNIQUE:
            totals.uniqueness(item["pk"], item.get("order_id", ""))
        elif item["pk"].startswith(keys.waiting_pk("")):
            totals.waitlisted(item["sku"], item["order_id"])
        elif item["pk"].startswith(_ORDERS):
            if item["pk"] != pk:
                if collection:
                    yield _order_record(pk, collection)
                if item["pk"] in judged:
                    raise ScanOutOfOrder(f"the scan returned {keys.order_id_from_pk(item['pk'])}'s items apart")
                judged.add(item["pk"])
                pk, collection = item["pk"], []
            collection.append(item)
    if collection:
        yield _order_record(pk, collection)


def _order_record(pk: str, collection: list[dict[str, Any]]) -> OrderRecord:
    order_id = keys.order_id_from_pk(pk)
    collection.sort(key=lambda item: item["sk"])
    header = next((item for item in collection if item.get("entity") == "order"), None)
    parts: dict[str, list[dict[str, Any]]] = {entity: [] for entity in _PARTS}
    problems, shipments, open_picks = [], [], []
    for item in collection:
        entity = item.get("entity")
        if entity in parts:
            parts[entity].append(without_keys(item))
        elif entity != "order":
            problems.append(f"item {item['sk']} is a {entity or 'thing with no entity'}")
        if entity == "shipment":
            try:
                shipment = Shipment.model_validate(without_keys(item))
            except ValidationError as error:
                problems.append(f"shipment {item.get('shipment_id')}: {_fields(error)}")
                continue
            shipments.append(shipment)
            open_picks.append(_open_pick(shipment, item.get("open_pick_key")))
    order = None
    if header is not None and not problems:
        try:
            order = Order.model_validate({
                **erase(without_keys(header)), "lines": parts["line"], "history": parts["history"],
                "shipments": parts["shipment"], "returns": parts["return"], "refunds": parts["refund"],
            }, context=CHANNEL_DATA)
        except ValidationError as error:
            problems.append(_fields(error))
    lines = [item["sk"] for item in collection if item.get("entity") == "line"]
    return OrderRecord(
        order_id=order_id, entities=tuple(str(item.get("entity")) for item in collection), order=order,
        problems=tuple(problems), shipments=tuple(shipments),
        line_numbers=tuple(_LINE_NUMBERS.get(sk) for sk in lines),
        indexes=(*_header_indexes(header), *open_picks),
        uniqueness_key=_uniqueness_key(header),
    )


def _header_indexes(header: dict[str, Any] | None) -> tuple[IndexEntry, ...]:
    if header is None or "status" not in header:
        return ()
    allowed: tuple[str | None, ...] = (keys.status_key(header["status"]),)
    if header.get("erased_at") and header["status"] == OrderStatus.DELIVERED:
        allowed += (None,)  # out of the retention sweep's index once erased (oms.store.orders)
    return (IndexEntry("header", "status_key", header.get("status_key"), allowed),)


def _open_pick(shipment: Shipment, found: str | None) -> IndexEntry:
    allowed = keys.open_pick_key(shipment.location_id, shipment.status) if shipment.status in OPEN else None
    return IndexEntry(f"shipment {shipment.shipment_id}", "open_pick_key", found, (allowed,))


def _uniqueness_key(header: dict[str, Any] | None) -> str | None:
    if header is None or not header.get("channel") or not header.get("channel_order_id"):
        return None
    return keys.channel_order(header["channel"], header["channel_order_id"])["pk"]["S"]


def _fields(error: ValidationError) -> str:
    return "; ".join(f"{problem['field']}: {problem['problem']}" for problem in field_errors(error))


def _stock_records(table: str, client: Any, totals: Reconciliation, page_size: int | None) -> Iterator[StockRecord]:
    for item in _scan(table, client, page_size):
        if item.get("entity") == "movement":
            continue
        if keys.source_of(item) == "stock":
            yield StockRecord(
                sku=item.get("sku", ""), location_id=item.get("location_id", ""),
                **{name: int(item.get(name, 0)) for name in ("on_hand", "reserved", "safety_stock", "available")})
        elif item.get("entity") == "transfer":
            totals.transfer(TransferOrder.model_validate(without_keys(item)))
        elif item["sk"] == keys.CATALOGUE:
            totals.catalogue(item["sku"])
        elif item["pk"] == keys.CATALOGUE:
            totals.listing(item["sku"])
        elif "committed" in item:
            # A day only given back to (never committed to) lacks its names: its key names it.
            totals.capacity(CapacityRecord(item.get("location_id", item["pk"]), item.get("day", item["sk"]),
                                           int(item["committed"])))
