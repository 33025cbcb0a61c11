"""An import from start to end: the file read as a stream, each order checked, reported and
received once, and the tally the operator is shown."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from infra.importing.candidate import Candidate, Note, UnusableFile
from infra.importing.checking import check
from infra.importing.readers import Reader
from infra.importing.report import Report
from oms.intake import Outcome, Receipt
from oms.models import OrderSubmission

Receive = Callable[[OrderSubmission], Receipt]


@dataclass
class Tally:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    conflicts: int = 0
    rejected: int = 0
    valid: int = 0  # a dry run's orders that would have been imported

    @property
    def complete(self) -> bool:
        """Every order of the file is in the OMS as the file has it."""
        return not (self.rejected or self.conflicts)

    def summary(self, report: Path, dry_run: bool) -> str:
        if dry_run:
            return (f"dry run: read {self.rows} rows, {self.valid} orders valid (nothing written), "
                    f"rejected {self.rejected}, report at {report}")
        return (f"read {self.rows} rows, imported {self.imported} orders, already imported {self.already_imported}, "
                f"conflicts {self.conflicts}, rejected {self.rejected}, report at {report}")


def import_file(path: Path, reader: Reader, receive: Receive | None, report_path: Path, zone: tzinfo,
                day_first: bool = False, progress: bool = False) -> Tally:
    """Imports every good order of the file (none with `receive` None: a dry run)."""
    with (path.open("rb") as raw,
          tqdm(total=path.stat().st_size, unit="B", unit_scale=True, unit_divisor=1024, desc=path.name,
               file=sys.stderr, disable=not progress) as bar,
          Report(report_path) as report):
        return import_orders(reader(_lines(raw, bar)), receive, report, zone, day_first)


def import_orders(candidates: Iterable[Candidate], receive: Receive | None, report: Report, zone: tzinfo,
                  day_first: bool = False) -> Tally:
    tally = Tally()
    for candidate in candidates:
        tally.rows += len(candidate.rows)
        submission, notes = check(candidate, zone, day_first)
        if submission is None:
            tally.rejected += 1
        elif receive is None:
            tally.valid += 1
        else:
            receipt = receive(submission)
            match receipt.outcome:
                case Outcome.CREATED:
                    tally.imported += 1
                case Outcome.DUPLICATE:
                    tally.already_imported += 1
                case Outcome.CONFLICT:
                    tally.conflicts += 1
                    notes.append(Note("channel_order_id", f"already imported as {receipt.order.order_id} "
                                                          "with different content; not imported again"))
        report.add(candidate, notes)
    return tally


def _lines(raw: BinaryIO, bar: tqdm) -> Iterator[str]:
    # Bytes, not text, are counted: the bar's total is the file's size, known before reading.
    for number, line in enumerate(raw, start=1):
        bar.update(len(line))
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise UnusableFile(f"line {number} is not UTF-8: save the file as UTF-8 and import it again") from None
