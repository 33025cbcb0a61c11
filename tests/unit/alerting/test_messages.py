"""What ops read."""

from __future__ import annotations

from oms.alerting.messages import Notice


def notice(count: int = 500, phase: str = "opened", sku: str = "TEE-M") -> Notice:
    return Notice(condition=f"backordered#{sku}", kind="backordered", scope=(("sku", sku),), count=count, new=count,
                  examples=tuple({"member": f"ord_{n}", "at": "2026-12-01T10:00:00Z"} for n in range(10)),
                  phase=phase, at="2026-12-01T10:05:00Z", opened_at="2026-12-01T10:00:00Z")


def test_a_burst_is_one_message_naming_the_sku_the_count_and_what_to_do():
    body = notice().body()
    assert body["alert"] == "backordered" and body["severity"] == "warning" and body["sku"] == "TEE-M"
    assert body["count"] == 500 and len(body["order_ids"]) == 10
    assert body["summary"] == "500 order(s) waiting for stock of sku TEE-M"
    assert "stock" in body["action"]
    assert "and 490 more" in notice().text()


def test_the_email_subject_is_what_sns_takes():
    subject = notice(sku="茶杯-" + "X" * 120).subject()
    assert len(subject) < 100 and subject.isascii() and "\n" not in subject
