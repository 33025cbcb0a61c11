"""What the stream and queue pollers share: delivering a batch, reading its verdict.

Lambda's verdict on a batch follows its documented partial-batch-response rules: an
exception fails every record; with ReportBatchItemFailures, `batchItemFailures` names
the failed ones, and an identifier that is empty, null or not in the batch fails the
whole batch.
"""

from __future__ import annotations

import enum
import logging
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from infra.faults import ProcessDied
from infra.faults import active as active_faults
from infra.local.invoke import LocalLambda

logger = logging.getLogger("infra.local.pump")


class Activity(enum.IntEnum):
    """What one poll of a source found, in rising order of urgency."""

    IDLE = 0  # nothing to deliver and nothing outstanding
    WAITING = 1  # records outstanding that cannot move yet (retry, visibility, batching window)
    WORKED = 2  # records were delivered or consumed: poll again at once


@dataclass(frozen=True)
class BatchOutcome:
    failed: frozenset[str]  # identifiers of the records to retry
    function_error: bool  # the handler raised, as opposed to reporting failures

    @property
    def succeeded(self) -> bool:
        return not self.failed


class Consumer:
    """A function as its pollers see it: one invocation at a time.

    A Lambda execution environment runs one event at a time, and handlers keep state in
    module globals (powertools' BatchProcessor does), so pollers of the same function
    take turns.
    """

    def __init__(self, function: LocalLambda):
        self.function = function
        self._turn = threading.Lock()

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def arn(self) -> str:
        return self.function.arn

    def deliver(
        self, source: str, records: list[dict], identifier: Callable[[dict], str], report_item_failures: bool
    ) -> BatchOutcome:
        identifiers = [identifier(record) for record in records]
        try:
            with self._turn:
                response = self.function.invoke({"Records": records})
                faults = active_faults()
                if faults and faults.duplicated(source):  # at least once: Lambda may deliver a batch again
                    response = self.function.invoke({"Records": records})
        except (Exception, ProcessDied) as error:  # noqa: BLE001 - a handler's failure is the batch's verdict
            # Only the type and place: the message may quote the record's personal data.
            logger.warning(
                "%s raised %s at %s on a batch of %d from %s",
                self.name, type(error).__name__, raised_at(error), len(records), source,
            )
            return BatchOutcome(frozenset(identifiers), function_error=True)
        if not report_item_failures:
            return BatchOutcome(frozenset(), function_error=False)
        failed = _reported_failures(response, identifiers)
        if failed:
            logger.info(
                "%s reported %d of %d records from %s as failed", self.name, len(failed), len(records), source
            )
        return BatchOutcome(failed, function_error=False)


def _reported_failures(response: Any, identifiers: list[str]) -> frozenset[str]:
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    if not failures:
        return frozenset()
    reported = [failure.get("itemIdentifier") if isinstance(failure, dict) else None for failure in failures]
    if not all(item in identifiers for item in reported):
        return frozenset(identifiers)
    return frozenset(reported)


def raised_at(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


def warn_unsupported(source: str, properties: dict, supported: set[str]) -> None:
    """Says which event-source settings the local pump does not imitate."""
    ignored = sorted(set(properties) - supported)
    if ignored:
        logger.warning("%s: the local pump ignores %s", source, ", ".join(ignored))


def queue_url(sqs: Any, queue_arn: str) -> str:
    _, _, _, _, account_id, queue_name = queue_arn.split(":", 5)
    return sqs.get_queue_url(QueueName=queue_name, QueueOwnerAWSAccountId=account_id)["QueueUrl"]
