"""Signals into the alert book, and what ops must be told of it onto the ops topic.

The first member of a condition is told at once; the sweep (every few minutes) tells of
members that joined since, at most once per `summary_every_minutes` a condition, resends a
notice whose sender died between claiming and sending it, and closes event conditions that
have gone quiet, so the next such event alerts at once again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from oms.alerting.kinds import kind_of
from oms.alerting.messages import EXAMPLES, Notice
from oms.alerting.service_levels import ServiceLevels
from oms.alerting.signals import Signal, back_in_stock
from oms.models import utc_iso
from oms.store.alerts import AlertBook, OpenCondition

Publish = Callable[[Notice], bool]  # True once the topic took it


class AlertNotSent(RuntimeError):
    """The topic did not take a notice; it was released to be claimed and sent again."""


class Alerter:
    def __init__(self, book: AlertBook, publish: Publish):
        self._book = book
        self._publish = publish

    def apply(self, signals: Iterable[Signal], at: datetime) -> list[Notice]:
        sent = []
        for signal in signals:
            if signal.holds:
                if self._book.join(signal, at):
                    sent += self._tell(signal.condition, None, "opened", at)
            elif self._book.leave(signal) and signal.kind == "out_of_stock":
                sent += self.apply([back_in_stock(signal)], at)
        return sent

    def sweep(self, at: datetime, levels: ServiceLevels) -> list[Notice]:
        sent = []
        for condition in list(self._book.open_conditions()):
            sent += self._catch_up(condition, at, levels)
            quiet = at - datetime.fromisoformat(condition.last_at) >= timedelta(minutes=levels.event_quiet_minutes)
            if not kind_of(condition.kind).clears and quiet:
                self._book.close(condition.condition)
        return sent

    def _catch_up(self, condition: OpenCondition, at: datetime, levels: ServiceLevels) -> list[Notice]:
        if condition.notified_at is None:  # joined, and its joiner stopped before telling anyone
            return self._tell(condition.condition, None, "opened", at)
        if condition.unsent_claim(at):
            return self._send(condition, condition.notified_count, "opened" if condition.notified_count <= 1 else "summary", at)
        due = at - datetime.fromisoformat(condition.notified_at) >= timedelta(minutes=levels.summary_every_minutes)
        if condition.count > condition.notified_count and due:
            return self._tell(condition.condition, condition.notified_count, "summary", at)
        return []

    def _tell(self, condition: str, told: int | None, phase: str, at: datetime) -> list[Notice]:
        header = self._book.header(condition)
        if header is None or not self._book.claim(condition, told, header.count, at):
            return []
        return self._send(header, told, phase, at)

    def _send(self, header: OpenCondition, told: int | None, phase: str, at: datetime) -> list[Notice]:
        notice = Notice(condition=header.condition, kind=header.kind, scope=header.scope, count=header.count,
                        new=header.count - (told or 0), examples=tuple(self._book.members(header.condition, EXAMPLES)),
                        phase=phase, at=utc_iso(at), opened_at=header.opened_at)
        if not self._publish(notice):
            self._book.release(header.condition, told)
            raise AlertNotSent(header.condition)
        self._book.confirm(header.condition)
        return [notice]
