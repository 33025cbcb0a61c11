"""Order ids: sortable by creation time, unguessable, safe in URLs and DynamoDB keys."""

from __future__ import annotations

import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))


def new_order_id(now_ms: int | None = None) -> str:
    """`ord_` + a ULID: 48 bits of milliseconds, then 80 random bits."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    return "ord_" + _base32(millis, 10) + _base32(secrets.randbits(80), 16)


def unique_suffix() -> str:
    """80 random bits in Crockford base32: what keeps two records of one millisecond apart."""
    return _base32(secrets.randbits(80), 16)


def shipment_id(order_id: str, number: int) -> str:
    """An order's shipments are numbered from 1: `shp_<the order's ULID>_01`."""
    return f"shp_{order_id.removeprefix('ord_')}_{number:02d}"


def order_id_of(part_id: str) -> str:
    """The order a shipment, return or refund id (`shp_`, `ret_`, `rfd_` + the order's ULID + `_nn`) is of."""
    return "ord_" + part_id[4:].rsplit("_", 1)[0]


def return_id(order_id: str, number: int) -> str:
    return f"ret_{order_id.removeprefix('ord_')}_{number:02d}"


def refund_id(order_id: str, number: int) -> str:
    return f"rfd_{order_id.removeprefix('ord_')}_{number:02d}"
