"""The optional notice email sender, as deployed with a sender address: a notice reaches the
order's customer through SES."""

from __future__ import annotations

import json

import pytest

from infra.local.invoke import LocalLambda
from infra.local.template import Template
from tests.emf import counted
from tests.factories import api_event, channel_principal, response_json, unique_order_payload
from tests.integration.conftest import TEMPLATE

SENDER = "orders@shop.example"


@pytest.fixture
def notice_email(deployed):
    function = Template(TEMPLATE, {"NoticeSenderEmail": SENDER}).function("NoticeEmailFunction")
    deployed.client("ses").verify_email_identity(EmailAddress=SENDER)
    # The deployed stack was made without the parameter, so it cannot resolve the address itself.
    return LocalLambda(function, {**function.environment(deployed.intrinsics), "OMS_NOTICE_SENDER": SENDER})


def notice_of(order_id: str) -> dict:
    notice = {"notice": "shipped", "order_id": order_id, "language": "en", "channel": "web",
              "subject": "Your order is on its way", "text": "It left with UPS."}
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": "arn:aws:sns:x",
                         "Sns": {"Type": "Notification", "MessageId": "m1", "TopicArn": "arn:aws:sns:x",
                                 "Subject": notice["subject"], "Message": json.dumps(notice),
                                 "Timestamp": "2026-03-12T09:15:00.000Z", "MessageAttributes": {}}}]}


def test_a_notice_is_emailed_to_the_orders_customer_and_counted(deployed, notice_email, capsys):
    order = response_json(deployed.function("IntakeFunction").invoke(api_event(
        "POST", "/orders", body=unique_order_payload(), principal=channel_principal())))

    notice_email.invoke(notice_of(order["order_id"]))

    assert deployed.client("ses").get_send_quota()["SentLast24Hours"] == 1
    assert counted(capsys.readouterr().out, "NoticeEmailsSent", service="notice-email") == 1
