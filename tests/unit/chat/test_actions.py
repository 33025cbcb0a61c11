"""The rasa-sdk actions as Rasa calls them: tracker JSON in Rasa's format through rasa-sdk's own
executor, answered from an in-memory store with the OMS's rules."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from rasa_sdk.executor import ActionExecutor

from chatbot.actions.backend import use
from chatbot.dialogue.domain import load_domain
from oms import verification
from oms.fulfilment import ship
from oms.models import Order
from tests.unit.chat.backends import NOW, VAULT, memory_backend, memory_store, placed

FIXTURES = Path(__file__).parents[2] / "fixtures" / "rasa"
SENDER = "4f1c2a9e7b3d48c6a2e5f0b1"


@pytest.fixture
def store():
    return memory_store()


@pytest.fixture
def chat(store):
    backend = memory_backend(store)
    use(backend)
    yield backend
    use(None)


@pytest.fixture(scope="module")
def executor():
    executor = ActionExecutor()
    executor.register_package("chatbot.actions")
    return executor


def request(action: str, slots: dict | None = None, text: str = "where is my order #1001") -> dict:
    """Rasa 3.x's request to the action server, with our domain as Rasa would send it."""
    call = json.loads((FIXTURES / "rasa3_webhook_request.json").read_text())
    call["next_action"] = action
    call["tracker"]["slots"].update(slots or {})
    call["tracker"]["latest_message"]["text"] = text
    call["domain"] = load_domain()
    return call


def run(executor: ActionExecutor, call: dict) -> dict:
    return asyncio.run(executor.run(call)).model_dump()


def verified_slots(order: Order) -> dict:
    token = verification.token(order.order_id, SENDER, NOW + timedelta(minutes=15), VAULT.conversation_signature)
    return {"verification": token, "verified_ref": "1001", "order_ref": "#1001"}


def test_the_documented_request_of_rasa_runs_an_action_and_answers_in_rasas_shape(executor, chat):
    call = json.loads((FIXTURES / "rasa_docs_request.json").read_text())  # Rasa 2.0's, as documented
    call["next_action"] = "action_order_status"

    answer = run(executor, call)

    documented = json.loads((FIXTURES / "rasa_docs_response.json").read_text())
    assert answer.keys() == documented.keys()
    assert [r["response"] for r in answer["responses"]] == ["utter_ask_order_ref"]  # nothing told: not verified
    assert {"event", "timestamp", "name", "value"} <= answer["events"][0].keys()


def test_status_is_told_only_with_a_verification_signed_for_this_conversation(executor, chat, store):
    order = placed(store, chat)

    unverified = run(executor, request("action_order_status"))
    verified = run(executor, request("action_order_status", verified_slots(order)))
    forged = run(executor, request("action_order_status", {**verified_slots(order), "verification":
                                                           f"{order.order_id}|9999999999|{'0' * 64}"}))

    assert [r["response"] for r in unverified["responses"]] == ["utter_ask_order_ref"]
    assert [r["response"] for r in forged["responses"]] == ["utter_ask_order_ref"]
    (told,) = verified["responses"]
    assert told["response"] == "utter_order_status" and "#1001" in told["summary"]


def test_the_verification_form_checks_the_reference_and_contact_together(executor, chat, store):
    order = placed(store, chat)

    right = run(executor, request("validate_verify_form", {"contact": "jo@example.com"}))
    wrong = run(executor, request("validate_verify_form", {"contact": "80203"}))

    set_right = {e["name"]: e["value"] for e in right["events"] if e["event"] == "slot"}
    assert verification.order_of(set_right["verification"], SENDER, NOW, VAULT.conversation_signature) == order.order_id
    assert set_right["contact"] is None and set_right["requested_slot"] is None  # the contact is not kept
    set_wrong = {e["name"]: e["value"] for e in wrong["events"] if e["event"] == "slot"}
    assert set_wrong["verification"] is None and set_wrong["failed_attempts"] == 1
    assert wrong["responses"][0]["response"] == "utter_verification_failed" and wrong["responses"][0]["attempts_left"] == 4


def test_the_fifth_failure_locks(executor, chat, store):
    placed(store, chat)

    answer = run(executor, request("validate_verify_form", {"contact": "nobody@example.com", "failed_attempts": 4}))

    slots = {e["name"]: e["value"] for e in answer["events"] if e["event"] == "slot"}
    assert slots["locked_until"] == (NOW + verification.LOCKOUT).timestamp() and slots["requested_slot"] is None
    locked = run(executor, request("action_order_status", {"locked_until": slots["locked_until"]}))
    assert locked["responses"][0]["response"] == "utter_locked"


def test_cancel_is_asked_with_what_and_the_refund_then_done(executor, chat, store):
    order = placed(store, chat)

    asked = run(executor, request("action_ask_cancel", verified_slots(order), text="cancel my order"))
    (question,) = asked["responses"]
    slots = {e["name"]: e["value"] for e in asked["events"] if e["event"] == "slot"}
    assert question["response"] == "utter_ask_cancel" and "Logo mug" in question["what"]
    assert "20.00 USD" in question["refund"] and slots["awaiting"] == "cancel"
    assert store.order(order.order_id).status == "allocated"

    done = run(executor, request("action_cancel_order", {**verified_slots(order), **slots}, text="yes"))

    assert done["responses"][0]["response"] == "utter_cancelled"
    assert store.order(order.order_id).status == "cancelled"


def test_a_shipped_order_is_not_cancelled_and_a_return_is_offered(executor, chat, store):
    order = placed(store, chat)
    ship(order.shipments[0].shipment_id, "wh-reno", "UPS", "1Z999", store, now=NOW)

    answer = run(executor, request("action_ask_cancel", verified_slots(order), text="cancel it"))

    assert [r["response"] for r in answer["responses"]] == ["utter_cancel_refused", "utter_offer_return"]


def test_a_return_of_nothing_delivered_is_refused_with_why(executor, chat, store):
    order = placed(store, chat)

    answer = run(executor, request("action_ask_return", verified_slots(order), text="return it"))

    assert answer["responses"][0]["response"] == "utter_return_refused"
    assert "delivered" in answer["responses"][0]["reason"]


def test_stock_is_told_without_verification(executor, chat):
    answer = run(executor, request("action_check_stock", {"sku": "MUG-LOGO"}, text="is MUG-LOGO in stock"))

    assert "MUG-LOGO is in stock" in answer["responses"][0]["summary"]


def test_handoff_opens_a_case_with_no_words_of_the_customer(executor, chat):
    answer = run(executor, request("action_handoff", text="I want a human, my card number is 4111"))

    (case_id, shop, attributes), = chat.conversations.opened
    assert answer["responses"][0]["case_id"] == case_id and shop == "rasa"
    assert "4111" not in json.dumps(attributes) and SENDER not in json.dumps(attributes)


def test_another_conversations_proof_proves_nothing_here(executor, chat, store):
    order = placed(store, chat)
    theirs = verification.token(order.order_id, "someone-elses-conversation", NOW + timedelta(minutes=15),
                                VAULT.conversation_signature)

    answer = run(executor, request("action_order_status", {**verified_slots(order), "verification": theirs}))

    assert [r["response"] for r in answer["responses"]] == ["utter_ask_order_ref"]
