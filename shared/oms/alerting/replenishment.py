"""The replenishment run's daily summary for ops: how many transfers and purchases it proposes,
the largest named with their reasons, and what no supplier can bring."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from oms.alerting.messages import EXAMPLES, Notice
from oms.models import utc_iso

if TYPE_CHECKING:
    from oms.planner import RunSummary


def summary_notice(summary: RunSummary, now: datetime) -> Notice:
    proposals = sorted(summary.proposals, key=lambda p: -sum(line.units for line in p.lines))
    scope = (("day", summary.run_on.isoformat()), ("transfers", str(len(summary.transfers))),
             ("purchases", str(len(summary.purchases))),
             ("locations below their reorder point", str(summary.below_reorder_point)))
    if summary.unsupplied:
        scope += (("SKUs with no supplier", ", ".join(summary.unsupplied[:EXAMPLES])),)
    at = utc_iso(now)
    return Notice(condition=f"replenishment#{summary.run_on.isoformat()}", kind="replenishment_planned", scope=scope,
                  count=len(proposals), new=len(proposals),
                  examples=tuple({"member": p.proposal_id, "reason": p.reason} for p in proposals[:EXAMPLES]),
                  phase="opened", at=at, opened_at=at)
