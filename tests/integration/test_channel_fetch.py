"""Orders announced by id: queued by intake, fetched from the channel's API, stored once."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.emf import counted
from tests.factories import api_event, channel_principal

FIXTURES = Path(__file__).parents[1] / "fixtures" / "channels"


def fixture(channel: str, name: str) -> dict:
    return json.loads((FIXTURES / channel / name).read_text())


@pytest.fixture
def fetcher(deployed):
    function = deployed.function("ChannelFetchFunction")
    module = sys.modules[function.handler.__module__]
    bundle = fixture("amazon", "order.json")
    module.FETCHERS["amazon"] = lambda order_id: bundle  # Amazon's documented responses, our values
    return function, module


def queued(deployed) -> list[dict]:
    sqs = deployed.client("sqs")
    url = deployed.environment("IntakeFunction")["OMS_CHANNEL_FETCH_QUEUE"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", [])
    return messages


def as_sqs_event(messages: list[dict]) -> dict:
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
        "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:fetch", "awsRegion": "us-east-1",
    } for m in messages]}


def test_an_amazon_order_change_is_queued_then_fetched_and_stored_once(deployed, fetcher):
    function, _ = fetcher
    intake = deployed.function("IntakeFunction")
    notification = fixture("amazon", "order_change_notification.json")
    event = api_event("POST", "/channels/{channel}/orders", "/channels/amazon/orders", body=notification,
                      principal=channel_principal("amazon"), path_parameters={"channel": "amazon"})

    accepted = intake.invoke(event)
    messages = queued(deployed)
    result = function.invoke(as_sqs_event(messages))
    again = function.invoke(as_sqs_event(messages))  # a redelivered message changes nothing

    assert accepted["statusCode"] == 202
    assert [json.loads(m["Body"])["channel"] for m in messages] == ["amazon"]
    assert result == again == {"batchItemFailures": []}
    orders = [item for item in deployed.items("OrdersTable") if item["entity"]["S"] == "order"]
    assert len(orders) == 1 and orders[0]["channel"]["S"] == "amazon"


def test_a_fetch_that_fails_is_reported_for_retry_and_the_rest_of_the_batch_goes_on(deployed, fetcher, capsys):
    function, module = fetcher
    good = fixture("amazon", "order.json")

    def flaky(order_id):
        if order_id == "bad":
            raise RuntimeError("amazon is down")
        return good

    module.FETCHERS["amazon"] = flaky
    records = as_sqs_event([
        {"MessageId": "m1", "ReceiptHandle": "r1", "Body": json.dumps({"channel": "amazon", "order_id": "bad"}),
         "MD5OfBody": "x"},
        {"MessageId": "m2", "ReceiptHandle": "r2", "Body": json.dumps({"channel": "amazon", "order_id": "good"}),
         "MD5OfBody": "y"},
    ])

    assert function.invoke(records) == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert counted(capsys.readouterr().out, "ChannelOrdersFetched", service="channel-fetch") == 1


def test_a_retailer_not_selling_on_amazon_polls_nothing_and_fails_nothing(deployed, fetcher):
    function, module = fetcher
    module.amazon_orders = lambda: pytest.fail("Amazon asked without credentials")

    assert function.invoke({"poll": "amazon"}) == {"orders_queued": 0}  # an error would trip its alarm every 5 min


def test_the_poller_queues_what_amazon_changed_since_its_checkpoint(deployed, fetcher, capsys):
    function, module = fetcher
    pages = [fixture("amazon", "getOrders_page1.json"), fixture("amazon", "getOrders_page2.json")]
    calls = []

    def transport(method, path, query):
        calls.append(query)
        return pages[len(calls) - 1]

    from oms.channels.amazon_client import OrdersApi

    module.amazon_orders = lambda: OrdersApi(transport)
    secret = deployed.environment("ChannelFetchFunction")["OMS_CHANNEL_CREDENTIALS"]
    deployed.client("secretsmanager").put_secret_value(
        SecretId=secret, SecretString=json.dumps({"amazon": {"marketplace_ids": ["ATVPDKIKX0DER"]}}))

    first = function.invoke({"poll": "amazon"})
    expected = sum(len(page["payload"]["Orders"]) for page in pages)

    assert first == {"orders_queued": expected}
    assert counted(capsys.readouterr().out, "AmazonOrdersQueued", service="channel-fetch") == expected
    assert len(queued(deployed)) == min(expected, 10)
    calls.clear()
    pages[:] = [{"payload": {"Orders": []}}]
    function.invoke({"poll": "amazon"})
    newest = max(order["LastUpdateDate"] for page in [fixture("amazon", "getOrders_page1.json"),
                                                      fixture("amazon", "getOrders_page2.json")]
                 for order in page["payload"]["Orders"])
    assert calls[0]["LastUpdatedAfter"] < newest  # it looks back a little from where it got to


def test_the_checkpoint_never_moves_past_an_order_sqs_did_not_take(deployed, fetcher):
    function, module = fetcher
    orders = fixture("amazon", "getOrders_page1.json")["payload"]["Orders"]
    oldest = min(orders, key=lambda order: order["LastUpdateDate"])
    calls = []

    def transport(method, path, query):
        calls.append(query)
        return {"payload": {"Orders": orders}}

    from oms.channels.amazon_client import OrdersApi

    module.amazon_orders = lambda: OrdersApi(transport)
    secret = deployed.environment("ChannelFetchFunction")["OMS_CHANNEL_CREDENTIALS"]
    deployed.client("secretsmanager").put_secret_value(
        SecretId=secret, SecretString=json.dumps({"amazon": {"marketplace_ids": ["ATVPDKIKX0DER"]}}))
    real = module.sqs

    class NeverTakesTheOldest:
        def send_message_batch(self, QueueUrl, Entries):  # noqa: N803 - boto3's names
            refused = [e for e in Entries if oldest["AmazonOrderId"] in e["MessageBody"]]
            taken = [e for e in Entries if e not in refused]
            answer = real.send_message_batch(QueueUrl=QueueUrl, Entries=taken) if taken else {}
            return {"Successful": answer.get("Successful", []),
                    "Failed": [{"Id": e["Id"], "Code": "InternalError", "SenderFault": False} for e in refused]}

    module.sqs = NeverTakesTheOldest()
    first = function.invoke({"poll": "amazon"})
    module.sqs = real
    function.invoke({"poll": "amazon"})

    assert first == {"orders_queued": len(orders) - 1}
    # asked again from no later than the order that was not queued
    assert calls[-1]["LastUpdatedAfter"] <= oldest["LastUpdateDate"]


def test_a_signed_square_webhook_is_queued_and_the_order_fetched(deployed, fetcher):
    from infra.local.seed import webhook_secret
    from oms.webhooks import signature

    function, module = fetcher
    module.FETCHERS["square"] = lambda order_id: fixture("square", "order.json")
    body = json.dumps(fixture("square", "webhook_order_created.json"))
    # Square signs the notification URL it posted to, then the body.
    signed = "https://api.example.com/dev/channels/square/orders" + body
    event = api_event("POST", "/channels/{channel}/orders", "/channels/square/orders", body=body,
                      principal=channel_principal("square"), path_parameters={"channel": "square"},
                      headers={"x-square-hmacsha256-signature": signature(webhook_secret("square"), signed.encode())})

    accepted = deployed.function("IntakeFunction").invoke(event)
    result = function.invoke(as_sqs_event(queued(deployed)))

    assert accepted["statusCode"] == 202
    assert result == {"batchItemFailures": []}
    orders = [item for item in deployed.items("OrdersTable") if item["entity"]["S"] == "order"]
    assert [order["channel"]["S"] for order in orders] == ["square"]


def test_a_notification_that_cannot_be_queued_is_refused_for_the_channel_to_send_again(deployed):
    from botocore.exceptions import EndpointConnectionError

    from infra.local.seed import webhook_secret
    from oms.webhooks import signature

    intake = deployed.function("IntakeFunction")
    module = sys.modules[intake.handler.__module__]

    class Unreachable:
        def send_message(self, **_):
            raise EndpointConnectionError(endpoint_url="https://sqs.us-east-1.amazonaws.com")

    module._fetch_queue = lambda: Unreachable()
    body = json.dumps(fixture("square", "webhook_order_created.json"))
    signed = "https://api.example.com/dev/channels/square/orders" + body
    answer = intake.invoke(api_event(
        "POST", "/channels/{channel}/orders", "/channels/square/orders", body=body, principal=channel_principal("square"),
        path_parameters={"channel": "square"},
        headers={"x-square-hmacsha256-signature": signature(webhook_secret("square"), signed.encode())}))

    assert answer["statusCode"] == 503 and "again" in json.loads(answer["body"])["message"]


def test_each_channel_fetcher_builds_its_real_client(deployed, fetcher):
    _, module = fetcher
    secret = deployed.environment("ChannelFetchFunction")["OMS_CHANNEL_CREDENTIALS"]
    deployed.client("secretsmanager").put_secret_value(SecretId=secret, SecretString=json.dumps(
        {"square": {"access_token": "t"}, "amazon": {"endpoint": "https://example.invalid", "client_id": "c",
                                                      "client_secret": "s", "refresh_token": "r"}}))

    assert type(module.square_orders()).__name__ == "SquareOrders"
    assert type(module.amazon_orders()).__name__ == "OrdersApi"


def test_amazon_fetches_share_one_access_token_until_it_expires(deployed, fetcher, monkeypatch):
    _, module = fetcher
    secret = deployed.environment("ChannelFetchFunction")["OMS_CHANNEL_CREDENTIALS"]
    deployed.client("secretsmanager").put_secret_value(SecretId=secret, SecretString=json.dumps(
        {"amazon": {"endpoint": "https://sellingpartnerapi-na.amazon.com", "client_id": "c", "client_secret": "s",
                    "refresh_token": "r", "marketplace_ids": ["ATVPDKIKX0DER"]}}))
    asked = []

    class Answer(io.BytesIO):
        def __enter__(self):
            return self

    def urlopen(request, timeout):
        asked.append(request.full_url)
        if "api.amazon.com/auth/o2/token" in request.full_url:
            return Answer(json.dumps({"access_token": "Atza|token", "token_type": "bearer",
                                      "expires_in": 3600}).encode())
        return Answer(json.dumps({"payload": {"Orders": []}}).encode())

    monkeypatch.setattr(sys.modules["transports"].urllib.request, "urlopen", urlopen)
    since = datetime(2026, 12, 1, tzinfo=UTC)
    for _ in range(3):
        assert list(module.amazon_orders().orders_updated_since(["ATVPDKIKX0DER"], since)) == []

    assert sum("auth/o2/token" in url for url in asked) == 1 and len(asked) == 4
