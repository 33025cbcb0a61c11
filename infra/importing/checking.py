"""Whether a candidate order may be imported: cleaned, then validated as the canonical route
validates (strictly, without the allowances made for channels' own data)."""

from __future__ import annotations

from datetime import tzinfo

from pydantic import ValidationError

from infra.importing.candidate import Candidate, Note
from infra.importing.tidying import tidy_order
from oms.models import OrderSubmission, field_errors


def check(candidate: Candidate, zone: tzinfo, day_first: bool) -> tuple[OrderSubmission | None, list[Note]]:
    """The submission to import, or None when the order is rejected; and every note about it."""
    if candidate.payload is None:
        return None, list(candidate.notes)
    payload, cleaning_notes = tidy_order(candidate.payload, zone, day_first)
    notes = [*candidate.notes, *cleaning_notes]
    # A field already noted has a precise problem; validation's about it would only be vaguer.
    noted = {note.field for note in notes if not note.warning}
    try:
        submission = OrderSubmission.model_validate(payload)
    except ValidationError as error:
        return None, notes + [Note(found["field"], found["problem"].removeprefix("Value error, "))
                              for found in field_errors(error) if found["field"] not in noted]
    return (None if noted else submission), notes
