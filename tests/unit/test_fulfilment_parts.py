"""The pure parts of fulfilment: promised dates, merged stock updates, signatures, pushes, picks."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from oms import signing
from oms.changes import Movement, MovementKind, stock_updates
from oms.channels.fetching import checkpoint_after
from oms.dispatch import PushFailed, push_for, retry_delay, send, still_to_tell
from oms.picks import may_see_recipient, pick_of
from oms.promises import ship_by
from oms.models import ShipmentStatus as P
from oms.queues import Message, send_all, to_queue
from tests.unit.test_lifecycle import order_of, shipment


@pytest.mark.parametrize(("method", "mode", "committed", "due"), [
    ("standard", "ship", date(2026, 12, 1), date(2026, 12, 3)),  # Tuesday: two working days
    ("standard", "ship", date(2026, 12, 4), date(2026, 12, 8)),  # Friday: over the weekend
    ("express", "ship", date(2026, 12, 5), date(2026, 12, 8)),  # Saturday counts from Monday
    ("same_day", "ship", date(2026, 12, 1), date(2026, 12, 1)),
    ("store_pickup", "pickup", date(2026, 12, 1), date(2026, 12, 1)),
    ("store_pickup", "transfer", date(2026, 12, 1), date(2026, 12, 2)),
])
def test_a_shipment_is_promised_to_leave_within_working_days(method, mode, committed, due):
    assert ship_by(method, mode, committed) == due


def test_movements_of_one_stock_record_merge_into_one_guarded_update():
    release = Movement("MUG", "wh", MovementKind.RELEASE, reserved=-2)
    write_off = Movement("MUG", "wh", MovementKind.WRITE_OFF, on_hand=-5)
    reserve = Movement("CAP", "wh", MovementKind.RESERVE, reserved=3)
    ship = Movement("TEE", "wh", MovementKind.SHIP, on_hand=-1, reserved=-1)

    cap, mug, tee = stock_updates([release, write_off, reserve, ship])

    assert (cap.reserved, cap.least_available) == (3, 3)  # a reservation needs what it takes free
    assert (mug.on_hand, mug.reserved, mug.least_on_hand, mug.least_reserved, mug.least_available) == (-5, -2, 5, 2, 3)
    assert (tee.least_on_hand, tee.least_reserved, tee.least_available) == (1, 1, None)  # shipping takes nothing free


def test_a_signature_verifies_with_either_secret_during_a_rotation():
    body = b'{"pick": 1}'
    header = signing.signature(["new-secret", "old-secret"], body)

    assert signing.verify("new-secret", body, header) and signing.verify("old-secret", body, header)
    assert not signing.verify("other", body, header)
    assert not signing.verify("new-secret", body + b" ", header)
    assert not signing.verify("new-secret", body, None)


def test_a_push_carries_the_pick_signed_and_named_by_its_shipment():
    order = order_of(2, shipments=[shipment(1, P.PENDING, (1, 2))])
    push = push_for(order, order.shipments[0].shipment_id, "https://store.example/picks", ["s3cret"],
                    datetime(2026, 12, 1, 12, tzinfo=UTC))

    sent = json.loads(push.body)
    assert sent["event"] == "pick.requested" and sent["pick"]["lines"][0]["quantity"] == 2
    assert sent["pick"]["ship_to"]["line1"] == "1 Main St"  # the location must know where to send it
    assert push.headers["X-OMS-Delivery"] == order.shipments[0].shipment_id
    assert signing.verify("s3cret", push.body, push.headers["X-OMS-Signature"])


@pytest.mark.parametrize(("answer", "fails"), [(200, False), (204, False), (500, True), (301, True), (404, True)])
def test_only_a_2xx_counts_as_delivered(answer, fails):
    order = order_of(1, shipments=[shipment(1, P.PENDING, (1, 1))])
    push = push_for(order, order.shipments[0].shipment_id, "https://x.example", ["s"], datetime.now(UTC))
    if fails:
        with pytest.raises(PushFailed, match=str(answer)):
            send(push, lambda *_: answer)
    else:
        send(push, lambda *_: answer)


def test_an_unreachable_webhook_is_a_failed_push():
    order = order_of(1, shipments=[shipment(1, P.PENDING, (1, 1))])
    push = push_for(order, order.shipments[0].shipment_id, "https://x.example", ["s"], datetime.now(UTC))

    def refused(*_):
        raise ConnectionRefusedError

    with pytest.raises(PushFailed, match="ConnectionRefusedError"):
        send(push, refused)


def test_retries_wait_longer_each_time_up_to_fifteen_minutes():
    assert [retry_delay(count, 10) for count in range(1, 7)] == [10, 30, 90, 270, 810, 900]


def test_only_open_shipments_are_still_to_tell():
    open_, gone = shipment(1, P.ACCEPTED, (1, 1)), shipment(2, P.CANCELLED, (1, 1))
    order = order_of(2, shipments=[open_, gone])

    assert still_to_tell(order, open_.shipment_id) and not still_to_tell(order, gone.shipment_id)
    assert not still_to_tell(None, open_.shipment_id)


def test_the_recipient_is_shown_to_the_holding_location_while_the_pick_is_open():
    open_, gone = shipment(1, P.PENDING, (1, 1)), shipment(2, P.SHIPPED, (1, 1))
    header = {"shipping_address": {"name": "Ada", "line1": "1 Main St", "city": "Denver", "postal_code": "80202",
                                   "country": "US"}, "delivery": {"method": "standard"}}

    assert may_see_recipient(open_, "wh-reno") and not may_see_recipient(open_, "store-sf")
    assert not may_see_recipient(gone, "wh-reno") and not may_see_recipient(open_, None)
    hidden = pick_of(open_, header, reveal=False).ship_to
    assert (hidden.name, hidden.line1, hidden.city, hidden.postal_code) == (None, None, "Denver", "80202")
    assert pick_of(open_, header, reveal=True).ship_to.name == "Ada"


class FlakySqs:
    """SendMessageBatch that reports the entries whose body mentions `failing` as Failed."""

    def __init__(self, failing: str, times: int):
        self.failing, self.times, self.sent = failing, times, []

    def send_message_batch(self, QueueUrl, Entries):  # noqa: N803 - boto3's names
        failed = [e for e in Entries if self.failing in e["MessageBody"] and self.times > 0]
        self.times -= bool(failed)
        self.sent += [e["MessageBody"] for e in Entries if e not in failed]
        return {"Successful": [], "Failed": [{"Id": e["Id"], "Code": "InternalError", "SenderFault": False}
                                             for e in failed]}


def test_entries_sqs_reports_failed_are_sent_again():
    sqs = FlakySqs("b", times=2)

    assert send_all(to_queue(sqs, "q"), [Message(body) for body in "abc"]) == []
    assert sorted(sqs.sent) == ["a", "b", "c"]


def test_what_still_fails_is_named_for_the_caller_to_keep():
    sqs = FlakySqs("b", times=99)

    assert send_all(to_queue(sqs, "q"), [Message(body) for body in "abc"]) == [1]


def test_a_poll_checkpoint_never_moves_past_an_order_not_queued():
    changed = [("A", "2026-12-01T10:00:00Z"), ("B", "2026-12-01T10:05:00Z"), ("C", "2026-12-01T10:09:00Z")]

    assert checkpoint_after(changed, []) == "2026-12-01T10:09:00Z"
    assert checkpoint_after(changed, [1]) == "2026-12-01T10:05:00Z"
    assert checkpoint_after([("A", "")], [0]) is None
    assert checkpoint_after([], []) is None
