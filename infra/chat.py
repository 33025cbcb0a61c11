"""`oms chat`: a customer's conversation with a stack's assistant, in the terminal.

It speaks Rasa's REST channel to `/webhooks/rest/webhook` with the shop's chat key and a random
sender id, as the widget does. Buttons are numbered: typing the number sends the button.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TextIO


class ChatClient:
    def __init__(self, url: str, key: str, sender: str | None = None):
        self._url = url.rstrip("/") + "/webhooks/rest/webhook"
        self._key = key
        self.sender = sender or secrets.token_urlsafe(18)

    def send(self, message: str) -> list[dict]:
        request = urllib.request.Request(self._url, data=json.dumps({"sender": self.sender, "message": message}).encode(),
                                         headers={"content-type": "application/json", "x-api-key": self._key})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return [{"text": f"({error.code}) {json.loads(error.read() or b'{}').get('message', error.reason)}"}]


def converse(client: ChatClient, read: Callable[[], str], out: TextIO) -> None:
    """Until the input ends: each line sent, each reply printed with its buttons numbered."""
    choices: list[str] = []
    while True:
        try:
            line = read().strip()
        except EOFError:
            return
        if not line:
            continue
        message = choices[int(line) - 1] if line.isdigit() and 0 < int(line) <= len(choices) else line
        choices = []
        for reply in client.send(message):
            out.write(f"bot: {reply.get('text', '')}\n")
            for button in reply.get("buttons") or []:
                choices.append(button["payload"])
                out.write(f"     [{len(choices)}] {button['title']}\n")
        out.flush()
