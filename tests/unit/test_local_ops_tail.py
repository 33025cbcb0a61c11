"""`oms alerts`: one readable line per message on the ops topic."""

from __future__ import annotations

import json
from datetime import datetime

from infra.local.ops_tail import alert_line

SENT_AT = datetime(2026, 12, 4, 17, 3, 12)


def test_an_alert_shows_its_time_severity_kind_summary_and_action():
    body = json.dumps({"alert": "backordered", "severity": "warning", "phase": "opened", "count": 3,
                       "summary": "3 order(s) waiting for stock of sku MUG-LOGO",
                       "action": "Receive or transfer stock of this SKU.", "order_ids": ["ord_1", "ord_2"]})

    assert alert_line(body, SENT_AT) == ("17:03:12 warning  backordered  3 order(s) waiting for stock of sku MUG-LOGO"
                                         " — Receive or transfer stock of this SKU.")


def test_a_message_of_another_shape_is_shown_as_it_came():
    other = json.dumps({"alert": "cancelled_after_shipment", "order_id": "ord_1"})

    assert alert_line("disk almost full", SENT_AT) == "17:03:12 disk almost full"
    assert alert_line(other, SENT_AT) == f"17:03:12 {other}"
