"""Returns: asked for, authorised (at once within the channel's window, else by a person), sent
to the nearest location that takes returns, received there (sellable units back into stock,
damaged ones written off, both recorded), and refunded for what came back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from oms import ids
from oms.changes import Change, Movement, MovementKind, ReturnMove
from oms.deciding import decide_and_commit, refusal
from oms.errors import NotFound
from oms.geocoding import locate
from oms.lifecycle import DERIVED, check_transition, derived_status
from oms.models import (
    HistoryEvent,
    Location,
    Order,
    ReceivedLine,
    Refund,
    RefundStatus,
    Return,
    ReturnCondition,
    ReturnLine,
    ReturnReason,
    ReturnStatus,
)
from oms.policy import NotAllowed, ReturnRules, check_return, refund_due
from oms.ports import Store
from oms.sourcing import haversine_km



class ReturnNotFound(NotFound):
    pass


def request(order_id: str, units: Mapping[int, int], reasons: Mapping[int, ReturnReason], actor: str,
            rules: ReturnRules, store: Store, now: datetime | None = None) -> Return:
    def decide(order: Order, at: datetime) -> Change:
        try:
            held_because = check_return(order, units, reasons, rules, at)
        except NotAllowed as refused:
            store.commit(refusal(order.order_id, actor, at, f"return refused: {refused.reason}"))
            raise
        asked = Return(
            return_id=ids.return_id(order.order_id, len(order.returns) + 1), order_id=order.order_id,
            lines=tuple(ReturnLine(line_no=n, sku=order.lines[n - 1].sku, quantity=u, reason=reasons[n])
                        for n, u in sorted(units.items())),
            status=ReturnStatus.REQUESTED if held_because else ReturnStatus.AUTHORISED, created_at=at,
            return_to=_return_to(order, store.locations()), held_because=held_because)
        why = f"held for staff: {held_because}" if held_because else f"authorised: send it to {asked.return_to}"
        return _change(order, at, actor, f"return {asked.return_id} of {asked.units} unit(s) asked; {why}",
                       asked.return_id, new_returns=(asked,))

    return _returned(_commit(order_id, store, now, decide), order_id)


def authorise(return_id: str, actor: str, store: Store, now: datetime | None = None) -> Return:
    return _move(return_id, ReturnStatus.AUTHORISED, actor, store, now, "authorised by staff")


def reject(return_id: str, actor: str, reason: str, store: Store, now: datetime | None = None) -> Return:
    return _move(return_id, ReturnStatus.REJECTED, actor, store, now, f"rejected: {reason}")


def receive(return_id: str, received: list[ReceivedLine], location_id: str, actor: str, store: Store,
            now: datetime | None = None) -> Return:
    """Units of an authorised return arrive at `location_id`: sellable ones back into its stock,
    damaged ones recorded and written off; what came back is owed to the customer."""
    def decide(order: Order, at: datetime) -> Change:
        asked = _find(order, return_id)
        if asked.status == ReturnStatus.RECEIVED:
            return None
        if asked.status != ReturnStatus.AUTHORISED:
            raise NotAllowed(f"return {return_id} is {asked.status}: only an authorised return can be received")
        _check_received(asked, received)
        got: Counter[int] = Counter()
        for line in received:
            got[line.line_no] += line.quantity
        refund = _refund(order, dict(got), asked, at)
        movements = []
        for line in received:
            sku = order.lines[line.line_no - 1].sku
            common = {"order_id": order.order_id, "reason": f"return {return_id}: {line.condition}"}
            movements.append(Movement(sku, location_id, MovementKind.RETURN, on_hand=line.quantity, **common))
            if line.condition == ReturnCondition.DAMAGED:
                movements.append(Movement(sku, location_id, MovementKind.WRITE_OFF, on_hand=-line.quantity, **common))
        move = ReturnMove(asked, ReturnStatus.RECEIVED, tuple(received), at, refund.refund_id if refund else None)
        return _change(order, at, actor, f"return {return_id}: {sum(got.values())} unit(s) received at {location_id}",
                       return_id, return_moves=(move,), movements=tuple(movements),
                       new_refunds=(refund,) if refund else ())

    return _returned(_commit(return_id, store, now, decide), return_id)


def _move(return_id: str, to: ReturnStatus, actor: str, store: Store, now: datetime | None, why: str) -> Return:
    def decide(order: Order, at: datetime) -> Change | None:
        asked = _find(order, return_id)
        if asked.status == to:
            return None
        allowed = {ReturnStatus.AUTHORISED: (ReturnStatus.REQUESTED,),
                   ReturnStatus.REJECTED: (ReturnStatus.REQUESTED, ReturnStatus.AUTHORISED)}[to]
        if asked.status not in allowed:
            raise NotAllowed(f"return {return_id} is {asked.status}: it cannot be {to}")
        return _change(order, at, actor, f"return {return_id} {why}", return_id,
                       return_moves=(ReturnMove(asked, to),))

    return _returned(_commit(return_id, store, now, decide), return_id)


def _commit(part_id: str, store: Store, now: datetime | None, decide) -> Order:
    """Decides on a fresh read and commits; the order's returns as they end (no read to learn them)."""
    order_id = part_id if part_id.startswith("ord_") else ids.order_id_of(part_id)
    order, change = decide_and_commit(order_id, store, decide, now, missing=f"no {_kind(part_id)} {part_id}")
    if change is None:
        return order
    moved = {move.returned.return_id: move for move in change.return_moves}
    returns = tuple(r.model_copy(update={"status": moved[r.return_id].to, "received": moved[r.return_id].received
                                         or r.received, "received_at": moved[r.return_id].received_at,
                                         "refund_id": moved[r.return_id].refund_id or r.refund_id})
                    if r.return_id in moved else r for r in order.returns) + change.new_returns
    return order.model_copy(update={"returns": returns})


def _change(order: Order, at: datetime, actor: str, reason: str, return_id: str, **parts) -> Change:
    returns = list(order.returns) + list(parts.get("new_returns", ()))
    for move in parts.get("return_moves", ()):
        returns = [r.model_copy(update={"status": move.to, "received": move.received or r.received})
                   if r.return_id == move.returned.return_id else r for r in returns]
    refunds = (*order.refunds, *parts.get("new_refunds", ()))
    after = order.model_copy(update={"returns": tuple(returns), "refunds": refunds})
    order_to = derived_status(after) if order.status in DERIVED else None
    if order_to == order.status:
        order_to = None
    if order_to:
        check_transition(order.status, order_to)
    refund = parts.get("new_refunds", (None,))[0] if parts.get("new_refunds") else None
    moved = [r.status for r in parts.get("new_returns", ())] + [m.to for m in parts.get("return_moves", ())]
    event = HistoryEvent(at=at, actor=actor, reason=reason, from_status=order.status if order_to else None,
                         to_status=order_to, return_id=return_id, refund_id=refund.refund_id if refund else None,
                         return_status=moved[-1] if moved else None)
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  order_to=order_to, history=(event,), **parts)


def _find(order: Order, return_id: str) -> Return:
    found = next((r for r in order.returns if r.return_id == return_id), None)
    if found is None:
        raise ReturnNotFound(f"no return {return_id}")
    return found


def _returned(order: Order, part_id: str) -> Return:
    return next(r for r in order.returns if r.return_id == part_id) if part_id.startswith("ret_") else order.returns[-1]


def _check_received(asked: Return, received: list[ReceivedLine]) -> None:
    expected = {line.line_no: line.quantity for line in asked.lines}
    got: Counter[int] = Counter()
    for line in received:
        got[line.line_no] += line.quantity
    for number, units in got.items():
        if units > expected.get(number, 0):
            raise NotAllowed(f"line {number}: {expected.get(number, 0)} unit(s) were asked to be returned, "
                             f"{units} received")


def _return_to(order: Order, locations: list[Location]) -> str | None:
    """The location taking returns nearest the customer (or, for a pickup, the pickup store's region)."""
    taking = [location for location in locations if location.accepts_returns]
    if not taking:
        return None
    if order.shipping_address is None:
        pickup = order.delivery.pickup_location_id
        return pickup if any(location.location_id == pickup for location in taking) else taking[0].location_id
    where = locate(order.shipping_address)
    return min(taking, key=lambda location: (haversine_km(float(where.latitude), float(where.longitude),
                                                          float(location.latitude), float(location.longitude)),
                                             location.location_id)).location_id


def _refund(order: Order, units: dict[int, int], asked: Return, at: datetime) -> Refund | None:
    due = refund_due(order, units, include_shipping=False)
    if due is None:
        return None
    return Refund(refund_id=ids.refund_id(order.order_id, len(order.refunds) + 1), order_id=order.order_id,
                  channel=order.channel, channel_order_id=order.channel_order_id,
                  reason="return", currency=order.currency, lines=due.lines, tax=due.tax, amount=due.amount,
                  status=RefundStatus.REQUESTED, created_at=at, return_id=asked.return_id)


def _kind(part_id: str) -> str:
    return {"ord_": "order", "ret_": "return"}.get(part_id[:4], "item")
