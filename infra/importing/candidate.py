"""An order as a reader found it in a file, before cleaning and validation, and where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class UnusableFile(Exception):
    """The file cannot be read on (a missing column, a line not UTF-8): the import stops there."""


@dataclass(frozen=True)
class Note:
    """A problem (the order is rejected) or a warning (it is imported as cleaned) about one field.

    `field` is the canonical field's dotted path, as `field_errors` names it (`lines.1.quantity`);
    `row` pins it to one row of the file when the path alone does not.
    """

    field: str
    problem: str
    warning: bool = False
    row: int | None = None


@dataclass
class Candidate:
    """One order's worth of rows: the canonical-shaped payload built from them, not yet cleaned.

    `payload` is None when the rows could not be read as an order at all (the notes say why).
    `line_rows[i]` is the row that holds `lines[i]`; `columns` names, for a CSV layout, the
    column each canonical field comes from (paths without line numbers: `lines.quantity`).
    """

    rows: tuple[int, ...]
    channel_order_id: str | None
    payload: dict | None
    notes: list[Note] = field(default_factory=list)
    line_rows: tuple[int, ...] = ()
    columns: Mapping[str, str] | None = None

    def where(self, note: Note) -> tuple[str, str]:
        """The report's (row, field) for a note: the line's row and the file's column when known."""
        parts = note.field.split(".")
        rows = self.rows
        if note.row is not None:
            rows = (note.row,)
        elif parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(self.line_rows):
            rows = (self.line_rows[int(parts[1])],)
        if self.columns is None:
            return _span(rows), note.field
        path = ".".join(part for part in parts if not part.isdigit())
        return _span(rows), self.columns.get(path, path)


def _span(rows: tuple[int, ...]) -> str:
    # A CSV order's rows are consecutive (readers enforce it), so first-last names them all.
    return str(rows[0]) if len(rows) == 1 else f"{rows[0]}-{rows[-1]}"
