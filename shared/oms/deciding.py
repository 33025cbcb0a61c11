"""Deciding on an order and committing the decision, as every change of an order is made.

Read the order, decide a change on what was read, commit it conditioned on that reading; if
someone else changed the order (or took the stock) first, read again and decide again, a few
times. A decision of nothing (a repeat of what is done) commits nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from oms.contention import pause
from oms.changes import Change, ChangeConflict, ChangeContended, StockRanOut
from oms.errors import Conflict, NotFound
from oms.models import HistoryEvent, Order
from oms.ports import Store

ATTEMPTS = 5


class OrderNotFound(NotFound):
    pass


class OrderKeptChanging(Conflict):
    """Every attempt found the order changed by someone else first."""


Decision = Callable[[Order, datetime], Change | None]


def decide_and_commit(order_id: str, store: Store, decide: Decision, now: datetime | None = None,
                      missing: str | None = None, read: Order | None = None) -> tuple[Order, Change | None]:
    """The order as it was read for the decision that committed, and that change (None: nothing to do).
    `read`: the order as just read, for the first decision (its commit is conditioned on it all the same)."""
    for attempt in range(ATTEMPTS):
        at = now or datetime.now(UTC)
        order = read if attempt == 0 and read is not None else store.order(order_id)
        if order is None:
            raise OrderNotFound(missing or f"no order {order_id}")
        change = decide(order, at)
        if change is None:
            return order, None
        try:
            store.commit(change)
        except (ChangeConflict, ChangeContended, StockRanOut):
            pause(attempt + 1)  # whoever changed it first may still be at it
            continue
        return order, change
    raise OrderKeptChanging(f"order {order_id} kept changing; read it and try again")


def refusal(order_id: str, actor: str, at: datetime, reason: str) -> Change:
    """What a refused request leaves: a history event saying so, and nothing else."""
    return Change(at=at, actor=actor, order_id=order_id,
                  history=(HistoryEvent(at=at, actor=actor, refused=True, reason=reason),))
