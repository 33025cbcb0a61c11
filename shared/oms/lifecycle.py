"""Which status an order may move to from which: the one table every change is checked by.

A move the table does not allow is refused; the caller records a late or out-of-order
event in history instead of letting it move the status backwards (DESIGN.md §6).
"""

from __future__ import annotations

from oms.models import OrderStatus as S

ORDER_TRANSITIONS: dict[S, frozenset[S]] = {
    S.RECEIVED: frozenset({S.ON_HOLD, S.APPROVED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.APPROVED, S.CANCELLED}),
    S.APPROVED: frozenset({S.ALLOCATED, S.PARTIALLY_ALLOCATED, S.BACKORDERED, S.ON_HOLD, S.CANCELLED}),
    # Back to approved = source again: stock arrived for a backorder, or a location rejected its pick.
    S.BACKORDERED: frozenset({S.APPROVED, S.ALLOCATED, S.PARTIALLY_ALLOCATED, S.CANCELLED}),
    S.PARTIALLY_ALLOCATED: frozenset({S.APPROVED, S.ALLOCATED, S.BACKORDERED, S.PARTIALLY_SHIPPED, S.CANCELLED}),
    S.ALLOCATED: frozenset({S.APPROVED, S.PARTIALLY_ALLOCATED, S.BACKORDERED, S.PARTIALLY_SHIPPED, S.SHIPPED,
                            S.CANCELLED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED, S.DELIVERED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.RETURN_REQUESTED}),
    S.DELIVERED: frozenset({S.RETURN_REQUESTED}),
    S.RETURN_REQUESTED: frozenset({S.RETURNED, S.DELIVERED}),
    S.RETURNED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
}


class TransitionRefused(ValueError):
    def __init__(self, current: S, wanted: S):
        super().__init__(f"an order that is {current} cannot become {wanted}")
        self.current, self.wanted = current, wanted


def check_transition(current: S | str, wanted: S | str) -> None:
    if S(wanted) not in ORDER_TRANSITIONS[S(current)]:
        raise TransitionRefused(S(current), S(wanted))
