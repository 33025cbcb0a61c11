"""What a carrier's events do to a shipment and its order.

No provider promises order or single delivery (EasyPost delivers at least once, AfterShip
retries for days, Shippo's tracking webhooks are not idempotent), so:
- an event already recorded (same provider, number, time and status) changes nothing;
- status follows each event's own time, never its arrival: an event older than the latest
  one applied is recorded and moves nothing (but "delivered", which ends the journey whatever
  its time stamp), and a move the shipment lifecycle refuses (a late "in transit" after
  "delivered") is recorded as refused;
- the same delay is raised once: a delay is raised when an exception or a failed attempt
  arrives, or when the ETA slips past the promised day, unless the shipment's open delay
  already says so.

The shipment keeps its most recent events (the carrier keeps them all) and its ETA: the
carrier's when it gives one, else ours from the transit history, made when it shipped. A
delivery adds its transit to its lane's history in the same change, so it counts once.
Every change is conditioned on the order's version, so two events for one order (two
shipments delivered at once) are decided one after the other, and the order's status
follows from all its shipments.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from oms import eta
from oms.carriers import TrackingUpdate
from oms.changes import Change, ShipmentMove
from oms.lifecycle import DERIVED, SHIPMENT_TRANSITIONS, check_transition, derived_status
from oms.models import (
    Delay,
    DelayReason,
    HistoryEvent,
    Order,
    Shipment,
    ShipmentChange,
    ShipmentStatus as P,
    Tracking,
    TrackingEvent,
    TrackingStatus as T,
)

# Enough for a customer's "where is it" and support's first look; the carrier holds the rest.
MAX_EVENTS = 30
# What the shipment becomes when an event says so. Events that say nothing has moved yet
# (info received), or that the carrier stopped or does not know, move nothing.
SHIPMENT_STATUS = {
    T.IN_TRANSIT: P.IN_TRANSIT,
    T.OUT_FOR_DELIVERY: P.OUT_FOR_DELIVERY,
    T.AVAILABLE_FOR_PICKUP: P.OUT_FOR_DELIVERY,  # at the carrier's counter: the customer's last step
    T.DELIVERED: P.DELIVERED,
    T.ATTEMPT_FAILED: P.EXCEPTION,
    T.EXCEPTION: P.EXCEPTION,
    # On its way back: still the carrier's, not yet a return the OMS receives; operations act.
    T.RETURNING: P.EXCEPTION,
    T.RETURNED: P.EXCEPTION,
}
DELAY_OF = {
    T.ATTEMPT_FAILED: DelayReason.ATTEMPT_FAILED,
    T.EXCEPTION: DelayReason.EXCEPTION,
    T.RETURNING: DelayReason.RETURNING,
    T.RETURNED: DelayReason.RETURNING,
}
DELAY_ALERT = "shipment_delayed"
# On its way to the customer: what the carrier should keep reporting on.
IN_FLIGHT = frozenset({P.SHIPPED, P.IN_TRANSIT, P.OUT_FOR_DELIVERY, P.EXCEPTION})


def apply(order: Order, shipment: Shipment, update: TrackingUpdate, actor: str, at: datetime) -> Change | None:
    """The change these events make to the shipment (None: every event is already recorded)."""
    known = {event.key for event in shipment.tracking.events}
    # In time order; "delivered" last, as it ends the journey whatever its stamp says.
    fresh = sorted({event.key: event for event in update.events if event.key not in known}.values(),
                   key=lambda event: (event.status == T.DELIVERED, event.at))
    estimate = update.estimated_delivery
    if not fresh and (estimate is None or estimate == shipment.tracking.carrier_estimate):
        return None
    tracking, status, history = shipment.tracking, shipment.status, []
    delivered_at = None
    for event in fresh:
        wanted = SHIPMENT_STATUS.get(event.status)
        if tracking.at is not None and event.at <= tracking.at:
            if wanted == P.DELIVERED and wanted in SHIPMENT_TRANSITIONS[status]:
                # Delivered is the end whatever its stamp says (scanners' clocks and zones differ:
                # EasyPost's own example stamps it before the first scan); it happened no earlier
                # than the latest event seen.
                history.append(_event(shipment, event, status, wanted, actor))
                status, delivered_at = wanted, tracking.at
            continue  # older than what is applied: kept in the list, it moves nothing
        if wanted is None:
            if status == P.SHIPPED:  # nothing moved yet: the carrier's word is the latest
                tracking = _heard(tracking, event)
            continue
        if wanted != status and wanted not in SHIPMENT_TRANSITIONS[status]:
            history.append(_event(shipment, event, status, wanted, actor, refused=True))
            continue
        if wanted != status:
            history.append(_event(shipment, event, status, wanted, actor))
            status = wanted
            delivered_at = event.at if wanted == P.DELIVERED else delivered_at
        tracking = _heard(tracking, event)
    tracking = _with_estimate(tracking, estimate).model_copy(update={
        "events": _kept(tracking.events, fresh), "heard_at": at})
    tracking, delays = _delays(shipment, tracking, status, fresh, actor, at)
    moved = shipment.model_copy(update={"status": status, "tracking": tracking,
                                        "delivered_at": delivered_at or shipment.delivered_at})
    order_to = _order_after(order, moved)
    if order_to is not None and history:
        history[-1] = history[-1].model_copy(update={"from_status": order.status, "to_status": order_to})
    learned = eta.on_delivery(order, shipment, delivered_at) if delivered_at else None
    return Change(
        at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
        order_to=order_to,
        shipment_moves=(ShipmentMove(shipment, status, delivered_at=delivered_at, tracking=tracking),),
        transit=(learned,) if learned else (), history=(*history, *delays),
    )


def silent(order: Order, shipment: Shipment, actor: str, at: datetime, after: timedelta) -> Change | None:
    """A delay for a shipment on its way that the carrier has said nothing of for `after`
    (None: it has been heard from since, it has arrived, or this delay is raised already)."""
    heard = shipment.tracking.heard_at or shipment.shipped_at
    if (shipment.status not in IN_FLIGHT or heard is None or at - heard < after
            or _same_delay(shipment.tracking, DelayReason.SILENT, shipment.tracking.eta)):
        return None
    delay = Delay(reason=DelayReason.SILENT, raised_at=at, eta=shipment.tracking.eta,
                  detail=f"no tracking event since {heard.date().isoformat()}")
    tracking = _raised(shipment.tracking, delay)
    return Change(at=at, actor=actor, order_id=order.order_id, order_from=order.status, order_version=order.version,
                  shipment_moves=(ShipmentMove(shipment, shipment.status, tracking=tracking),),
                  history=(_delay_event(shipment, delay, actor),))


def late_on_leaving(shipment: Shipment, tracking: Tracking, actor: str, at: datetime) -> tuple[Tracking, list[HistoryEvent]]:
    """A shipment that leaves with an ETA already past its promised day is delayed from the start."""
    return _delays(shipment, tracking, P.SHIPPED, [], actor, at)


def _heard(tracking: Tracking, event: TrackingEvent) -> Tracking:
    return tracking.model_copy(update={"status": event.status, "at": event.at, "place": event.place or tracking.place})


def _with_estimate(tracking: Tracking, estimate: date | None) -> Tracking:
    if estimate is None:
        return tracking
    return tracking.model_copy(update={"carrier_estimate": estimate, "eta": estimate, "eta_source": "carrier",
                                       "eta_latest": max(estimate, tracking.eta_latest or estimate)})


def _kept(events: Iterable[TrackingEvent], fresh: list[TrackingEvent]) -> tuple[TrackingEvent, ...]:
    return tuple(sorted((*events, *fresh), key=lambda event: event.at))[-MAX_EVENTS:]


def _delays(shipment: Shipment, tracking: Tracking, status: P, fresh: list[TrackingEvent], actor: str,
            at: datetime) -> tuple[Tracking, list[HistoryEvent]]:
    """The delay these events raise, if any and if not raised already; none once delivered."""
    if status == P.DELIVERED:
        return tracking, []
    before = shipment.tracking.at
    troubled = [event for event in fresh if event.status in DELAY_OF and (before is None or event.at > before)]
    if troubled:
        reason, detail = DELAY_OF[troubled[-1].status], troubled[-1].description
    elif tracking.eta and shipment.promised_by and tracking.eta > shipment.promised_by:
        reason, detail = DelayReason.LATE, f"now expected {tracking.eta.isoformat()}, promised by " \
                                           f"{shipment.promised_by.isoformat()}"
    else:
        return tracking, []
    if _same_delay(tracking, reason, tracking.eta):
        return tracking, []
    delay = Delay(reason=reason, raised_at=at, eta=tracking.eta, detail=detail)
    return _raised(tracking, delay), [_delay_event(shipment, delay, actor)]


def _same_delay(tracking: Tracking, reason: DelayReason, eta: date | None) -> bool:
    return tracking.delay is not None and tracking.delay.reason == reason and tracking.delay.eta == eta


def _raised(tracking: Tracking, delay: Delay) -> Tracking:
    return tracking.model_copy(update={"delay": delay, "delays_raised": tracking.delays_raised + 1})


def _delay_event(shipment: Shipment, delay: Delay, actor: str) -> HistoryEvent:
    return HistoryEvent(at=delay.raised_at, actor=actor, alert=DELAY_ALERT, delay=delay,
                        reason=f"shipment {shipment.shipment_id} delayed: {delay.reason}",
                        shipment=ShipmentChange(shipment_id=shipment.shipment_id))


def _event(shipment: Shipment, event: TrackingEvent, current: P, wanted: P, actor: str,
           refused: bool = False) -> HistoryEvent:
    said = event.description or str(event.status)
    reason = (f"{wanted} refused: the shipment is {current} ({said})" if refused
              else f"shipment {shipment.shipment_id} {wanted}: {said}")
    return HistoryEvent(at=event.at, actor=actor, refused=refused, reason=reason[:200],
                        shipment=ShipmentChange(shipment_id=shipment.shipment_id, from_status=current,
                                                to_status=wanted))


def _order_after(order: Order, moved: Shipment):
    if order.status not in DERIVED:
        return None  # being sourced again: allocation sees the shipment as it now is
    wanted = derived_status(order, [moved if s.shipment_id == moved.shipment_id else s for s in order.shipments])
    if wanted == order.status:
        return None
    check_transition(order.status, wanted)
    return wanted
