"""`oms chat`: lines sent as messages, replies printed with their buttons numbered, and a
number typed sends its button's payload."""

from __future__ import annotations

import io

from infra.chat import ChatClient, converse


class Recording(ChatClient):
    def __init__(self):
        super().__init__("http://127.0.0.1:1", "local-chat-key")
        self.sent = []

    def send(self, message: str) -> list[dict]:
        self.sent.append(message)
        return [{"text": "Shall I go ahead?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                           {"title": "No", "payload": "/deny"}]}]


def test_buttons_are_numbered_and_a_number_sends_its_payload():
    client, out = Recording(), io.StringIO()
    lines = iter(["cancel my order", "2", "7"])

    def read() -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    converse(client, read, out)

    assert client.sent == ["cancel my order", "/deny", "7"]
    assert "[1] Yes" in out.getvalue() and "[2] No" in out.getvalue()
    assert len(client.sender) >= 16
