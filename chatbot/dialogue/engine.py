"""One turn of a conversation: the message parsed, slots filled, the policy's actions run through
rasa-sdk's executor with Rasa-format trackers, their events applied, replies rendered.

The state kept between turns is the slots, the active form and when the customer last wrote;
no message text is kept. A verification lapses after an idle quarter of an hour.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from chatbot.dialogue import policy
from chatbot.dialogue.responses import render
from chatbot.dialogue.slots import extracted
from chatbot.nlu.text import reply_language
from oms.verification import IDLE_LAPSE

_MOST_ACTIONS_PER_TURN = 10
_LAPSING = ("verification", "verified_ref", "awaiting", "chosen_lines")
_local = threading.local()


@dataclass
class Turn:
    """What one message did: the replies, and the state to keep."""

    replies: list[dict] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    intent: str | None = None
    actions: list[str] = field(default_factory=list)


class Dialogue:
    def __init__(self, domain: dict[str, Any], executor: Any, parse: Any):
        self._domain, self._executor, self._parse = domain, executor, parse
        self._slots = domain.get("slots") or {}
        self._forms = domain.get("forms") or {}
        self._responses = domain.get("responses") or {}

    def respond(self, sender: str, text: str, state: dict[str, Any], metadata: dict[str, Any] | None = None,
                now: float | None = None) -> Turn:
        now = time.time() if now is None else now
        slots = {name: slot.get("initial_value") for name, slot in self._slots.items()} | dict(state.get("slots") or {})
        if now - float(state.get("last_at") or now) > IDLE_LAPSE.total_seconds():
            slots.update({name: None for name in _LAPSING})
        loop: str | None = state.get("active_loop")
        parse = {**self._parse(text), "metadata": dict(metadata or {})}
        intent = parse["intent"]["name"]
        user = {"event": "user", "timestamp": now, "text": text, "parse_data": parse, "input_channel": "rest",
                "message_id": uuid.uuid4().hex, "metadata": parse["metadata"]}
        filled = extracted(self._slots, parse, loop, slots.get("requested_slot"))
        answered_form = bool(loop) and any(name in self._forms[loop].get("required_slots", []) for name in filled)
        # An address or a product name typed in answer to a form says nothing of the language.
        typed = answered_form and any(m.get("type") == "from_text" for name in filled
                                      for m in self._slots[name].get("mappings", []))
        parse["language"] = (slots.get("language") or "en") if typed else reply_language(parse, slots.get("language"))
        filled["language"] = parse["language"]
        turn = Turn(intent=intent)
        events: list[dict] = [user, *({"event": "slot", "timestamp": now, "name": n, "value": v}
                                      for n, v in filled.items())]
        slots.update(filled)
        if slots.get("awaiting") and intent not in ("affirm", "deny"):
            slots.update(awaiting=None, chosen_lines=None)  # a yes later answers nothing asked before
        pending = policy.first_actions(intent, slots, loop, answered_form,
                                       frozenset(entity["entity"] for entity in parse.get("entities") or []))
        while pending and len(turn.actions) < _MOST_ACTIONS_PER_TURN:
            action = pending.pop(0)
            turn.actions.append(action)
            if action == policy.DEACTIVATE:
                loop, slots["requested_slot"] = None, None
            elif action.startswith("utter_"):
                self._utter(turn, sender, action, slots, {})
            elif action in self._forms:
                loop, done = self._run_form(action, sender, slots, parse, events, turn, now, activating=loop != action)
                if done:
                    loop = None
                    pending.insert(0, policy.after_form(action, slots))
            else:
                followup = self._run_action(action, sender, slots, loop, parse, events, turn, now)
                if followup:
                    pending.insert(0, followup)
        turn.state = {"slots": {n: v for n, v in slots.items() if v is not None}, "active_loop": loop, "last_at": now}
        return turn

    def _run_form(self, form: str, sender: str, slots: dict, parse: dict, events: list, turn: Turn, now: float,
                  activating: bool) -> tuple[str | None, bool]:
        """Runs the form's validation and asks for what is missing; (active loop, form done)."""
        required = self._forms[form].get("required_slots", [])
        if activating:
            events.append({"event": "active_loop", "timestamp": now, "name": form})
        # As Rasa's form does: what is already filled is validated too, not only this message's.
        events.extend({"event": "slot", "timestamp": now, "name": name, "value": slots[name]}
                      for name in required if slots.get(name) is not None)
        validate = f"validate_{form}"
        requested = "unset"
        if validate in self._executor.actions:
            result = self._call(validate, sender, slots, form, parse, events, now)
            for event in result["events"]:
                if event.get("event") == "slot" and event.get("name") == "requested_slot":
                    requested = event.get("value")
            self._apply(result, turn, sender, slots, events)
        if requested == "unset":
            requested = next((name for name in required if slots.get(name) is None), None)
        slots["requested_slot"] = requested
        if requested is None:
            events.append({"event": "active_loop", "timestamp": now, "name": None})
            return None, True
        self._utter(turn, sender, f"utter_ask_{requested}", slots, {})
        return form, False

    def _run_action(self, action: str, sender: str, slots: dict, loop: str | None, parse: dict, events: list,
                    turn: Turn, now: float) -> str | None:
        result = self._call(action, sender, slots, loop, parse, events, now)
        return self._apply(result, turn, sender, slots, events)

    def _call(self, action: str, sender: str, slots: dict, loop: str | None, parse: dict, events: list,
              now: float) -> dict:
        tracker = {"sender_id": sender, "slots": dict(slots), "latest_message": parse, "latest_event_time": now,
                   "followup_action": None, "paused": False, "events": list(events), "latest_input_channel": "rest",
                   "active_loop": {"name": loop} if loop else {}, "latest_action": {"action_name": action},
                   "latest_action_name": events[-1].get("name") if events and events[-1].get("event") == "action"
                   else "action_listen"}
        call = {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": self._domain,
                "version": "3.6.21"}
        events.append({"event": "action", "timestamp": now, "name": action})
        result = _event_loop().run_until_complete(self._executor.run(call))
        return result.model_dump() if hasattr(result, "model_dump") else dict(result)

    def _apply(self, result: dict, turn: Turn, sender: str, slots: dict, events: list) -> str | None:
        """The action's events applied to the slots; its messages rendered. Its follow-up, if any."""
        followup = None
        for event in result.get("events") or []:
            kind = event.get("event")
            if kind == "slot" and (event.get("name") in self._slots or event.get("name") == "requested_slot"):
                slots[event["name"]] = event.get("value")
            elif kind == "followup":
                followup = event.get("name")
            events.append(event)
        for message in result.get("responses") or []:
            if message.get("response"):
                values = {k: v for k, v in message.items() if k not in _MESSAGE_KEYS}
                self._utter(turn, sender, message["response"], slots, values)
            elif message.get("text") or message.get("buttons"):
                turn.replies.append(_reply(sender, {"text": message.get("text") or "",
                                                    "buttons": message.get("buttons") or []}))
        return followup

    def _utter(self, turn: Turn, sender: str, name: str, slots: dict, values: dict) -> None:
        message = render(self._responses, name, slots, values) or render(self._responses, "utter_default", slots, {})
        turn.replies.append(_reply(sender, message))


_MESSAGE_KEYS = frozenset({"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"})


def _reply(sender: str, message: dict) -> dict:
    """A message as Rasa's REST channel sends it."""
    reply = {"recipient_id": sender, "text": message.get("text", "")}
    if message.get("buttons"):
        reply["buttons"] = message["buttons"]
    return reply


def _event_loop() -> asyncio.AbstractEventLoop:
    """One loop per thread, kept: the actions are coroutines, the turn is not."""
    loop = getattr(_local, "loop", None)
    if loop is None:
        loop = _local.loop = asyncio.new_event_loop()
    return loop
