"""Listing cursors: what a page returns is read back; anything else is refused, never a 500."""

from __future__ import annotations

import base64

import pytest

from oms.store import cursors

KEY = {"pk": {"S": "ORDER#ord_1"}, "sk": {"S": "ORDER"}, "status_key": {"S": "STATUS#on_hold"}}


def test_a_cursor_a_page_returned_reads_back_as_its_key():
    assert cursors.decode(cursors.encode(KEY)) == KEY
    assert cursors.encode(None) is None


@pytest.mark.parametrize("after", [
    "garbage!", "%%%", "é", base64.urlsafe_b64encode(b"not json").decode(),
    base64.urlsafe_b64encode(b"[1, 2]").decode(), base64.urlsafe_b64encode(b"{}").decode(),
    base64.urlsafe_b64encode(b'{"pk": "ORDER#1"}').decode(),
    base64.urlsafe_b64encode(b'{"pk": {"S": 1}}').decode(),
])
def test_anything_else_is_a_value_error(after):
    with pytest.raises(ValueError, match="not a cursor"):
        cursors.decode(after)
