"""`python -m rasa_sdk --actions chatbot.actions` serves the actions to a Rasa assistant: on
127.0.0.1, answering Rasa's action-server webhook as rasa-sdk does, for Rasa 2's documented
request and Rasa 3's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chatbot.dialogue.domain import load_domain
from tests.e2e.conftest import free_port

FIXTURES = Path(__file__).parents[2] / "fixtures" / "rasa"
# The stores the actions would use; the requests here need none of them (nothing is verified).
ENVIRONMENT = {"OMS_ORDERS_TABLE": "orders", "OMS_INVENTORY_TABLE": "inventory", "OMS_CHAT_TABLE": "chat",
               "OMS_OPS_TOPIC": "arn:aws:sns:us-east-1:123456789012:ops", "OMS_PII_KEY_ID": "alias/pii",
               "OMS_PII_HASH_SECRET": "pii-hash", "OMS_RETURN_RULES": "/oms/test/return-rules",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
               "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}


@pytest.fixture(scope="module")
def action_server():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "chatbot.actions", "--port", str(port)],
                               env={**os.environ, **ENVIRONMENT, "SANIC_HOST": "127.0.0.1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


def post(url: str, body: object) -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}/webhook", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def rasa3(action: str, domain: dict | None) -> dict:
    call = json.loads((FIXTURES / "rasa3_webhook_request.json").read_text())
    call["next_action"], call["domain"] = action, domain
    return call


def test_it_answers_on_127_0_0_1_with_health_and_the_actions(action_server):
    assert action_server.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(f"{action_server}/actions") as answer:
        names = {action["name"] for action in json.loads(answer.read())}
    assert {"action_order_status", "validate_verify_form", "action_ask_cancel", "action_cancel_order",
            "action_ask_return", "action_start_return", "action_ask_address_change", "action_change_address",
            "action_check_stock", "action_handoff"} <= names


def test_rasa_3s_request_is_answered_with_events_and_responses(action_server):
    status, body = post(action_server, rasa3("action_order_status", load_domain()))

    assert status == 200 and set(body) == {"events", "responses"}
    (response,) = body["responses"]
    assert response["response"] == "utter_ask_order_ref"  # not verified: nothing about the order
    assert {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"} <= set(response)
    assert {"event": "slot", "name": "verification", "value": None}.items() <= body["events"][-1].items()


def test_rasa_2s_documented_request_is_answered_too(action_server):
    call = json.loads((FIXTURES / "rasa_docs_request.json").read_text())
    call["next_action"] = "action_order_status"

    status, body = post(action_server, call)

    assert status == 200 and body["responses"][0]["response"] == "utter_ask_order_ref"


def test_without_the_domain_rasa_is_asked_to_send_it(action_server):
    status, body = post(action_server, rasa3("action_order_status", None))

    assert status == 449 and body["action_name"] == "action_order_status"


def test_an_unknown_action_is_404_naming_it(action_server):
    status, body = post(action_server, json.loads((FIXTURES / "rasa_docs_request.json").read_text()))

    assert status == 404 and body["action_name"] == "action_tell_weather"
