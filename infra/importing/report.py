"""The import's report: a CSV of every problem and warning, by row, written as the import goes.

It names the field and the problem, never the value: the file holds customers' personal
data and the report travels further (tickets, e-mail) than the file should.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType

from infra.importing.candidate import Candidate, Note

COLUMNS = ("row", "channel_order_id", "field", "problem")


class Report:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Report:
        self._file = self.path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file)
        self._writer.writerow(COLUMNS)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._file.close()

    def add(self, candidate: Candidate, notes: list[Note]) -> None:
        for note in notes:
            row, field = candidate.where(note)
            problem = f"warning: {note.problem}" if note.warning else note.problem
            self._writer.writerow((row, _inert(candidate.channel_order_id or ""), field, problem))


def _inert(cell: str) -> str:
    # An id from the file that starts like a formula would run when the report is opened in a spreadsheet.
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@") else cell
