"""The SP-API Orders v0 client over a fake transport: what it asks, how it pages, what it raises."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from oms.channels import amazon
from oms.channels.amazon_client import ErrorResponse, OrdersApi, SpApiError, Throttled

FIXTURES = Path(__file__).parents[2] / "fixtures" / "channels" / "amazon"
ORDER_ID = "114-7730215-4419834"
ORDER_PATH = f"/orders/v0/orders/{ORDER_ID}"
SINCE = datetime(2025, 3, 14, 16, 0, 0, 250_000, tzinfo=UTC)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeTransport:
    """Answers each (path, NextToken) with a body, or raises what it is given; records calls."""

    def __init__(self, answers: dict[tuple[str, str | None], dict | Exception]):
        self.answers, self.calls = answers, []

    def __call__(self, method: str, path: str, query: dict[str, str]) -> dict:
        self.calls.append((method, path, dict(query)))
        answer = self.answers[(path, query.get("NextToken"))]
        if isinstance(answer, Exception):
            raise answer
        return answer


def order_transport() -> FakeTransport:
    page1, page2 = fixture("getOrderItems_page1.json"), fixture("getOrderItems_page2.json")
    return FakeTransport({
        (ORDER_PATH, None): fixture("getOrder.json"),
        (f"{ORDER_PATH}/orderItems", None): page1,
        (f"{ORDER_PATH}/orderItems", page1["payload"]["NextToken"]): page2,
        (f"{ORDER_PATH}/address", None): fixture("getOrderAddress.json"),
    })


def orders_transport(first: dict | Exception | None = None, second: dict | Exception | None = None) -> FakeTransport:
    page1 = fixture("getOrders_page1.json")
    return FakeTransport({
        ("/orders/v0/orders", None): first or page1,
        ("/orders/v0/orders", page1["payload"]["NextToken"]): second or fixture("getOrders_page2.json"),
    })


def test_orders_updated_since_follows_next_token_through_every_page():
    # GIVEN two pages of getOrders joined by a NextToken
    transport = orders_transport()

    # WHEN the orders updated since a moment are listed for two marketplaces
    orders = list(OrdersApi(transport).orders_updated_since(["ATVPDKIKX0DER", "A1F83G8C2ARO7P"], SINCE))

    # THEN every order of both pages comes, in order, from two calls
    assert [o["AmazonOrderId"] for o in orders] == ["114-7730215-4419834", "206-3318472-9051126", "305-6620418-2287350"]
    token = fixture("getOrders_page1.json")["payload"]["NextToken"]
    assert transport.calls == [
        ("GET", "/orders/v0/orders",
         {"MarketplaceIds": "ATVPDKIKX0DER,A1F83G8C2ARO7P", "LastUpdatedAfter": "2025-03-14T16:00:00Z"}),
        ("GET", "/orders/v0/orders", {"MarketplaceIds": "ATVPDKIKX0DER,A1F83G8C2ARO7P", "NextToken": token}),
    ]


def test_since_is_sent_in_utc():
    # GIVEN a moment given in another time zone
    transport = orders_transport()
    since = datetime(2025, 3, 15, 1, 30, tzinfo=timezone(timedelta(hours=9)))

    # WHEN orders are listed
    next(OrdersApi(transport).orders_updated_since(["A1VC38T7YXB528"], since))

    # THEN Amazon is asked in UTC
    assert transport.calls[0][2]["LastUpdatedAfter"] == "2025-03-14T16:30:00Z"


@pytest.mark.parametrize("marketplaces, since", [
    ([], SINCE),
    ([f"M{i}" for i in range(51)], SINCE),
    (["ATVPDKIKX0DER"], datetime(2025, 3, 14, 16, 0)),
])
def test_a_request_amazon_would_refuse_is_not_sent(marketplaces, since):
    # GIVEN no marketplace, more than getOrders takes, or a time without a zone
    transport = orders_transport()

    # WHEN orders are listed
    with pytest.raises(ValueError):
        next(OrdersApi(transport).orders_updated_since(marketplaces, since))

    # THEN nothing was asked
    assert transport.calls == []


def test_order_items_follow_next_token():
    # GIVEN an order whose items come on two pages
    transport = order_transport()

    # WHEN its items are read
    items = OrdersApi(transport).order_items(ORDER_ID)

    # THEN both pages' items come, the second asked for by its token alone
    assert [item["SellerSKU"] for item in items] == ["TEA-KETTLE-1L-BLK", "TEA-CUP-SET-3"]
    assert [call[2] for call in transport.calls] == [{}, {"NextToken": "MRgZW55IGNhcm5hbCBwbGVhc3VyZS4tea"}]


def test_order_and_address_are_their_payloads():
    # GIVEN getOrder and getOrderAddress answers
    transport = order_transport()
    api = OrdersApi(transport)

    # WHEN the order and its address are read
    # THEN each is the response's payload
    assert api.order(ORDER_ID) == fixture("getOrder.json")["payload"]
    assert api.order_address(ORDER_ID) == fixture("getOrderAddress.json")["payload"]


def test_no_address_while_amazon_withholds_it():
    # GIVEN a Pending order, whose OrderAddress has no ShippingAddress yet
    transport = order_transport()
    transport.answers[(f"{ORDER_PATH}/address", None)] = {"payload": {"AmazonOrderId": ORDER_ID}}

    # WHEN its address is read
    # THEN there is none
    assert OrdersApi(transport).order_address(ORDER_ID) is None


def test_the_bundle_is_what_the_adapter_takes():
    # GIVEN the order's documents as Amazon answers them
    transport = order_transport()

    # WHEN the bundle is assembled
    bundle = OrdersApi(transport).bundle(ORDER_ID)

    # THEN it holds the three documents, and adapts to the same order as the enveloped fixture
    assert set(bundle) == {"order", "items", "address"}
    assert [call[1] for call in transport.calls] == [ORDER_PATH, f"{ORDER_PATH}/orderItems", f"{ORDER_PATH}/orderItems",
                                                     f"{ORDER_PATH}/address"]
    assert amazon.to_channel_order(bundle) == amazon.to_channel_order(fixture("order.json"))


def test_the_order_fixture_is_the_bundle_of_the_response_fixtures():
    # GIVEN the representative order.json and the single responses the client tests use
    bundle = fixture("order.json")

    # WHEN they are compared
    # THEN they are the same documents, so the two sets of tests speak of one order
    assert bundle == {
        "order": fixture("getOrder.json"),
        "items": [fixture("getOrderItems_page1.json"), fixture("getOrderItems_page2.json")],
        "address": fixture("getOrderAddress.json"),
    }


def test_an_order_id_is_quoted_into_the_path():
    # GIVEN an id with characters a path cannot carry as they are
    transport = FakeTransport({("/orders/v0/orders/a%2Fb%20c", None): {"payload": {"AmazonOrderId": "a/b c"}}})

    # WHEN the order is read
    OrdersApi(transport).order("a/b c")

    # THEN the id stays one path segment
    assert transport.calls[0][1] == "/orders/v0/orders/a%2Fb%20c"


def test_an_errors_response_raises_with_amazons_codes():
    # GIVEN Amazon answering with errors
    transport = orders_transport(first=fixture("error_response.json"))

    # WHEN orders are listed
    with pytest.raises(ErrorResponse) as error:
        list(OrdersApi(transport).orders_updated_since(["A1UNKNOWNMKT"], SINCE))

    # THEN the error carries the operation and Amazon's codes and messages
    assert error.value.codes == ["InvalidInput"]
    assert str(error.value) == "getOrders: InvalidInput: Invalid MarketplaceIds"
    assert error.value.errors[0]["details"] == "A1UNKNOWNMKT is not a marketplace this seller sells in"


@pytest.mark.parametrize("body", [{}, {"payload": None}, {"payload": []}])
def test_a_response_without_a_payload_is_an_error(body):
    # GIVEN a body with neither payload nor errors
    transport = order_transport()
    transport.answers[(ORDER_PATH, None)] = body

    # WHEN the order is read
    # THEN it is an SP-API error, not a KeyError
    with pytest.raises(SpApiError, match="getOrder: the response has no payload"):
        OrdersApi(transport).order(ORDER_ID)


def test_throttling_is_left_to_the_caller_without_retrying():
    # GIVEN Amazon throttling getOrderItems
    transport = order_transport()
    transport.answers[(f"{ORDER_PATH}/orderItems", None)] = Throttled(rate_limit=0.5)

    # WHEN the bundle is assembled
    with pytest.raises(Throttled) as error:
        OrdersApi(transport).bundle(ORDER_ID)

    # THEN the caller gets the rate to wait by, and the client tried once and went no further
    assert error.value.rate_limit == 0.5
    assert [call[1] for call in transport.calls] == [ORDER_PATH, f"{ORDER_PATH}/orderItems"]


def test_throttled_mid_walk_the_pages_already_read_are_kept():
    # GIVEN getOrders throttled on its second page
    transport = orders_transport(second=Throttled())
    walk = OrdersApi(transport).orders_updated_since(["ATVPDKIKX0DER"], SINCE)

    # WHEN the orders are read one by one
    seen = [next(walk)["AmazonOrderId"], next(walk)["AmazonOrderId"]]

    # THEN the first page's orders came, and the throttle surfaces on the next page
    assert seen == ["114-7730215-4419834", "206-3318472-9051126"]
    with pytest.raises(Throttled):
        next(walk)
    assert isinstance(Throttled(), SpApiError)  # one except clause catches every failed call
