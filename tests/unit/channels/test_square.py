"""Square's Order (bare or as RetrieveOrder returns it) becomes the canonical order."""

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from oms.channels import ChannelPayloadError, square
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "square"

# The documented enumerations (api.json components.schemas), which every table must cover.
ORDER_STATES = {"OPEN", "COMPLETED", "CANCELED", "DRAFT"}
FULFILLMENT_TYPES = {"PICKUP", "SHIPMENT", "DELIVERY"}
TENDER_TYPES = {"CARD", "CASH", "THIRD_PARTY_CARD", "SQUARE_GIFT_CARD", "NO_SALE", "BANK_ACCOUNT", "WALLET",
                "BUY_NOW_PAY_LATER", "SQUARE_ACCOUNT", "OTHER"}
CARD_STATUSES = {"AUTHORIZED", "CAPTURED", "VOIDED", "FAILED"}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def shipment_order() -> dict:
    return fixture("order.json")["order"]


def test_a_shipment_order_maps_lines_modifiers_discounts_service_charge_and_tax_exactly():
    # GIVEN a RetrieveOrder response: an apportioned 10% order discount, a gift-wrap modifier, a shipping service charge
    payload = fixture("order.json")

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN cents become dollars, modifiers join the unit price and nothing is counted twice
    submission = order.submission
    assert submission.channel_order_id == "Kp4RwQ7zXy2NvB8mTd3LsF6hJcGZY"
    assert submission.channel_order_number == "WEB-30418"
    assert submission.placed_at == datetime(2025, 3, 8, 17, 42, 9, 318000, tzinfo=UTC)
    assert submission.currency == "USD"
    assert [(line.sku, line.name, line.quantity, line.unit_price) for line in submission.lines] == [
        ("square-H3KQ7Z2M5RBXW4TNLV6YJ8CA", "Trail Runner 2 (Slate / 10)", 1, Decimal("129.00")),
        ("square-P6W2D4TQX9MZ3JRBK7HVN5LE", "Merino Hiking Sock (Medium)", 2, Decimal("21.00")),
    ]
    assert [[(d.amount, d.code) for d in line.discounts] for line in submission.lines] == [
        [(Decimal("12.90"), "SPRING10")],
        [(Decimal("4.20"), "SPRING10")],
    ]
    assert submission.subtotal == Decimal("153.90")
    assert submission.discount == Decimal("0")  # all 17.10 of total_discount_money is on the lines
    assert submission.shipping == Decimal("7.95")
    assert submission.tax == Decimal("12.70")
    assert submission.total == Decimal("174.55")
    assert submission.total_discrepancy is None
    assert submission.delivery.method == DeliveryMethod.STANDARD
    assert submission.payment.model_dump() == {"method": "card", "status": "paid", "reference": "xQ8vTr3LmN5pK2wJ7hZb9Yc4DfG"}
    assert order.status == OrderStatus.RECEIVED
    assert order.channel_status == "state=OPEN, fulfillment=SHIPMENT RESERVED"
    assert any("Square lines carry no SKU" in note for note in order.notes)


def test_the_shipment_recipient_is_the_customer_and_the_shipping_address():
    # GIVEN the shipment's recipient
    payload = fixture("order.json")

    # WHEN it is adapted
    submission = square.to_channel_order(payload).submission

    # THEN the phone is E.164, the email domain lower-cased, and the address complete
    assert submission.customer.model_dump() == {
        "name": "Lena Fischer", "email": "Lena.Fischer@example.org", "phone": "+15125550172"
    }
    address = submission.shipping_address
    assert (address.name, address.line1, address.line2, address.city, address.region, address.postal_code, address.country) == (
        "Lena Fischer", "2207 E Cesar Chavez St", "Unit 4", "Austin", "TX", "78702", "US"
    )


def test_a_bare_pickup_order_is_collected_at_its_square_location_with_the_card_only_authorized():
    # GIVEN a bare Order (no envelope) for pickup, paid by a card authorized for later capture
    payload = fixture("pickup_order.json")

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN it is a store pickup at the order's location, in our lower-case location ids
    submission = order.submission
    assert submission.delivery.model_dump() == {"method": "store_pickup", "pickup_location_id": "square-m4tb8vq2n6xj3"}
    assert submission.shipping_address is None
    assert submission.channel_order_number == "Rb7NmX2qKv9WsT4pLz8YdC3fHgJZY"  # no reference_id: Square's id
    assert (submission.payment.method, submission.payment.status) == (PaymentMethod.CARD, PaymentStatus.AUTHORIZED)
    assert submission.customer.model_dump() == {"name": "Marcus Oyelaran", "email": "marcus.o@example.net", "phone": "+15125550188"}
    assert [(line.sku, line.quantity, line.unit_price, [d.amount for d in line.discounts]) for line in submission.lines] == [
        ("square-Z8R2K6N4W1Q9T3V7X5B0M2LC", 2, Decimal("16.00"), [Decimal("5.00")]),
        ("square-line-cA4nE7gR2vX5yB8wK1mQ3j", 1, Decimal("8.00"), []),
    ]
    assert (submission.tax, submission.total, submission.total_discrepancy) == (Decimal("2.23"), Decimal("37.23"), None)
    assert order.status == OrderStatus.RECEIVED
    # AND staff are told what to map
    assert any("custom amount" in note and "square-line-cA4nE7gR2vX5yB8wK1mQ3j" in note for note in order.notes)
    assert any("map it to an OMS location as square-m4tb8vq2n6xj3" in note for note in order.notes)


def test_an_in_store_sale_was_handed_over_at_the_register():
    # GIVEN a completed register sale with no fulfillment, paid partly by gift card and mostly in cash
    payload = fixture("in_store_sale.json")

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN the goods left with the customer from that store: delivered, paid, no customer attached
    submission = order.submission
    assert order.status == OrderStatus.DELIVERED
    assert submission.delivery.model_dump() == {"method": "store_pickup", "pickup_location_id": "square-p7kx2m9qw4r8t"}
    assert submission.customer is None and submission.shipping_address is None
    assert submission.payment.model_dump() == {
        "method": "cash", "status": "paid", "reference": "cS4wN9kT2vB7xM3pR8qZ5hL1jY6"
    }
    assert (submission.subtotal, submission.tax, submission.total) == (Decimal("47.50"), Decimal("3.92"), Decimal("51.42"))
    assert "paid with several Square tenders: CASH, SQUARE_GIFT_CARD" in order.notes
    assert order.channel_status == "state=COMPLETED"


def test_a_yen_order_is_in_whole_yen_and_its_inclusive_tax_is_not_added_again():
    # GIVEN a JPY order (exponent 0) whose prices include 10% consumption tax
    payload = fixture("jpy_order.json")

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN amounts are whole yen, and the tax already in the prices is not charged on top
    submission = order.submission
    assert submission.currency == "JPY"
    assert [(line.quantity, line.unit_price) for line in submission.lines] == [(2, Decimal("2750")), (1, Decimal("1980"))]
    assert (submission.shipping, submission.tax, submission.total) == (Decimal("550"), Decimal("0"), Decimal("8030"))
    assert submission.total_discrepancy is None
    assert "prices include tax of 680 JPY: not added on top" in order.notes
    # AND the Japanese recipient's national phone number is read as Japanese
    assert submission.customer.phone == "+819031415926"
    assert (submission.shipping_address.city, submission.shipping_address.region) == ("渋谷区", "東京都")
    assert (submission.payment.method, submission.payment.status) == (PaymentMethod.WALLET, PaymentStatus.PAID)


@pytest.mark.parametrize(
    ("currency", "minor", "major"),
    [("USD", 1999, Decimal("19.99")), ("JPY", 1999, Decimal("1999")), ("KWD", 1999, Decimal("1.999"))],
)
def test_money_is_scaled_by_the_currency_exponent_never_by_an_assumed_two(currency, minor, major):
    # GIVEN a one-line register sale of `minor` units of the currency
    money = {"amount": minor, "currency": currency}
    payload = {
        "id": "Mn5VqT8wKz2RxL7pYc4LbD9sFgJZY", "location_id": "P7KX2M9QW4R8T", "created_at": "2025-06-02T19:10:47Z",
        "state": "COMPLETED", "total_money": money,
        "line_items": [{"uid": "u1", "catalog_object_id": "C1", "quantity": "1", "base_price_money": money}],
    }

    # WHEN it is adapted
    submission = square.to_channel_order(payload).submission

    # THEN the amount is scaled by that currency's ISO 4217 exponent
    assert (submission.lines[0].unit_price, submission.total) == (major, major)


@pytest.mark.parametrize(
    ("state", "fulfillment", "expected"),
    [
        ("OPEN", "SHIPMENT", OrderStatus.RECEIVED),
        ("OPEN", "PICKUP", OrderStatus.RECEIVED),
        ("COMPLETED", "SHIPMENT", OrderStatus.SHIPPED),
        ("COMPLETED", "PICKUP", OrderStatus.DELIVERED),
        ("COMPLETED", "DELIVERY", OrderStatus.DELIVERED),
        ("CANCELED", "SHIPMENT", OrderStatus.CANCELLED),
        ("DRAFT", "SHIPMENT", OrderStatus.ON_HOLD),
    ],
)
def test_each_order_state_maps_to_our_status(state, fulfillment, expected):
    # GIVEN the shipment order in the given state, with the given fulfillment type
    payload = shipment_order()
    payload["state"] = state
    fulfillment_ = payload["fulfillments"][0]
    details = fulfillment_.pop("shipment_details")
    fulfillment_["type"] = fulfillment
    fulfillment_[square.FULFILLMENT_DETAILS[fulfillment]] = details

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN the status follows the state (and, once completed, the fulfillment)
    assert order.status == expected


def test_the_tables_cover_every_documented_value():
    # GIVEN Square's documented enumerations
    # WHEN the adapter's tables are compared with them
    # THEN each table covers exactly the documented values
    assert set(square.ORDER_STATUS) == ORDER_STATES == set(square.UNTENDERED_PAYMENT)
    assert set(square.DELIVERY_METHOD) == FULFILLMENT_TYPES == set(square.FULFILLMENT_DETAILS) == set(square.COMPLETED_FULFILLMENT)
    assert set(square.TENDER_METHOD) == TENDER_TYPES
    assert set(square.CARD_STATUS) == CARD_STATUSES


@pytest.mark.parametrize("tender_type", sorted(TENDER_TYPES - {"NO_SALE"}))
def test_each_tender_type_maps_to_a_payment_method(tender_type):
    # GIVEN the shipment order paid in full by one tender of the type (card details only on a card)
    payload = shipment_order()
    tender = payload["tenders"][0]
    tender["type"] = tender_type
    if tender_type != "CARD":
        tender.pop("card_details")

    # WHEN it is adapted
    payment = square.to_channel_order(payload).submission.payment

    # THEN the method is the table's and the order is paid
    assert (payment.method, payment.status) == (square.TENDER_METHOD[tender_type], PaymentStatus.PAID)


def test_a_no_sale_tender_moves_no_money():
    # GIVEN an open order whose only tender is a zero "no sale" opening of the register
    payload = shipment_order()
    payload["tenders"] = [{"id": "ns1", "type": "NO_SALE", "amount_money": {"amount": 0, "currency": "USD"}}]

    # WHEN it is adapted
    payment = square.to_channel_order(payload).submission.payment

    # THEN nothing is paid yet
    assert (payment.method, payment.status) == (PaymentMethod.CASH, PaymentStatus.PENDING)


@pytest.mark.parametrize("card_status", sorted(CARD_STATUSES))
def test_each_card_tender_status_maps_to_a_payment_status(card_status):
    # GIVEN the shipment order's card tender in the given status
    payload = shipment_order()
    payload["tenders"][0]["card_details"]["status"] = card_status

    # WHEN it is adapted
    payment = square.to_channel_order(payload).submission.payment

    # THEN the payment status is the table's
    assert payment.status == square.CARD_STATUS[card_status]


@pytest.mark.parametrize("state", sorted(ORDER_STATES))
def test_an_order_without_tenders_is_paid_as_its_state_says(state):
    # GIVEN the shipment order in the given state with no tender
    payload = shipment_order()
    payload["state"] = state
    del payload["tenders"]

    # WHEN it is adapted
    payment = square.to_channel_order(payload).submission.payment

    # THEN the payment follows the state, and the method is recorded as card
    assert (payment.method, payment.status) == (PaymentMethod.CARD, square.UNTENDERED_PAYMENT[state])


def test_tenders_short_of_the_total_are_a_partial_payment():
    # GIVEN a card tender for only part of the order
    payload = shipment_order()
    payload["tenders"][0]["amount_money"]["amount"] = 10000

    # WHEN it is adapted
    payment = square.to_channel_order(payload).submission.payment

    # THEN it is partially paid
    assert payment.status == PaymentStatus.PARTIALLY_PAID


@pytest.mark.parametrize(
    ("refunded", "payment_status", "status"),
    [(17455, PaymentStatus.REFUNDED, OrderStatus.REFUNDED), (2000, PaymentStatus.PARTIALLY_REFUNDED, OrderStatus.SHIPPED)],
)
def test_approved_refunds_refund_the_payment(refunded, payment_status, status):
    # GIVEN a completed shipment with an approved refund (and a pending one that does not count yet)
    payload = shipment_order()
    payload["state"] = "COMPLETED"
    payload["refunds"] = [
        {"id": "r1", "location_id": "L9RQ2ZJ8F4K1X", "reason": "Returned", "status": "APPROVED",
         "amount_money": {"amount": refunded, "currency": "USD"}},
        {"id": "r2", "location_id": "L9RQ2ZJ8F4K1X", "reason": "Goodwill", "status": "PENDING",
         "amount_money": {"amount": 500, "currency": "USD"}},
    ]

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN the payment is (partly) refunded, and a full refund refunds the order
    assert (order.submission.payment.status, order.status) == (payment_status, status)


@pytest.mark.parametrize(
    ("fulfillment", "shipping_type", "method"),
    [("SHIPMENT", "Priority Mail Express", DeliveryMethod.EXPRESS), ("DELIVERY", None, DeliveryMethod.SAME_DAY)],
)
def test_express_shipments_and_courier_deliveries_keep_their_speed(fulfillment, shipping_type, method):
    # GIVEN the order shipped express, or sent by courier from the store
    payload = shipment_order()
    fulfillment_ = payload["fulfillments"][0]
    details = fulfillment_.pop("shipment_details")
    details["shipping_type"] = shipping_type
    fulfillment_["type"] = fulfillment
    fulfillment_[square.FULFILLMENT_DETAILS[fulfillment]] = details

    # WHEN it is adapted
    submission = square.to_channel_order(payload).submission

    # THEN the delivery keeps its speed and still goes to the recipient's address
    assert submission.delivery.method == method
    assert submission.shipping_address.city == "Austin"


def test_an_open_order_without_fulfillment_is_a_register_ticket_held_until_completed():
    # GIVEN an open, unpaid order with no fulfillment (as in Square's RetrieveOrder example)
    payload = fixture("in_store_sale.json")
    payload["order"]["state"] = "OPEN"
    del payload["order"]["tenders"]

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN it is held, pending payment, rather than picked for a pickup nobody asked for
    assert order.status == OrderStatus.ON_HOLD
    assert order.submission.payment.status == PaymentStatus.PENDING
    assert any("ticket still open at the register" in note for note in order.notes)


def test_the_first_live_fulfillment_is_followed():
    # GIVEN a cancelled pickup fulfillment followed by a live shipment
    payload = shipment_order()
    payload["fulfillments"].insert(0, {"uid": "old", "type": "PICKUP", "state": "CANCELED", "pickup_details": {}})

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN the shipment is what counts, and staff are told there were two
    assert order.submission.delivery.method == DeliveryMethod.STANDARD
    assert any("2 fulfillments: following fulfillments.1 (SHIPMENT)" in note for note in order.notes)


def test_a_weighed_quantity_is_refused_by_its_field():
    # GIVEN a line sold by weight
    payload = fixture("order.json")
    item = payload["order"]["line_items"][0]
    item["quantity"] = "1.25"
    item["quantity_unit"] = {"measurement_unit": {"weight_unit": "IMPERIAL_POUND"}, "precision": 2}

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        square.to_channel_order(payload)

    # THEN the quantity is named as sent, with why
    assert error.value.problems == [{
        "field": "order.line_items.0.quantity",
        "problem": "1.25 IMPERIAL_POUND is a measured quantity: the OMS sells whole units only",
    }]


def test_a_whole_quantity_written_with_decimals_is_accepted():
    # GIVEN a quantity of "2.000"
    payload = shipment_order()
    payload["line_items"][1]["quantity"] = "2.000"

    # WHEN it is adapted
    submission = square.to_channel_order(payload).submission

    # THEN it is two units
    assert submission.lines[1].quantity == 2


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"order": {}}, {"order.id", "order.location_id", "order.created_at", "order.state",
                         "order.total_money.amount", "order.total_money.currency", "order.line_items"}),
        ({"id": "X1", "location_id": "L1", "created_at": "2025-01-01T00:00:00Z", "state": "OPEN",
          "total_money": {"amount": 100, "currency": "USD"}, "line_items": [{"name": "No price"}]},
         {"line_items.0.quantity", "line_items.0.base_price_money"}),
        ([], {"body"}),
    ],
)
def test_a_payload_of_the_wrong_shape_names_the_missing_native_fields(payload, fields):
    # GIVEN something that is not a complete Square Order
    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        square.to_channel_order(payload)

    # THEN each missing native field is named
    assert fields_of(error) == fields


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda o: o.update(state="PENDING"), "state"),
        (lambda o: o["tenders"][0].update(type="CRYPTO"), "tenders.0.type"),
        (lambda o: o["tenders"][0]["card_details"].update(status="SETTLED"), "tenders.0.card_details.status"),
        (lambda o: o["fulfillments"][0].update(type="DRONE"), "fulfillments.0.type"),
        (lambda o: o["total_money"].update(currency="XAU"), "total_money.currency"),
        (lambda o: o["line_items"][0]["base_price_money"].update(currency="EUR"), "line_items.0.base_price_money.currency"),
        (lambda o: o["line_items"][0]["base_price_money"].update(amount="129.00"), "line_items.0.base_price_money.amount"),
        (lambda o: o["tenders"][0].update(type=["CARD"]), "tenders.0.type"),
        (lambda o: o.update(fulfillments="SHIPMENT"), "fulfillments"),
        (lambda o: o.update(created_at=1741455729), "created_at"),
    ],
)
def test_an_unknown_value_or_unreadable_money_is_refused_by_its_field(change, field):
    # GIVEN the shipment order with one value Square does not document, or money not in minor units
    payload = shipment_order()
    change(payload)

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        square.to_channel_order(payload)

    # THEN that field is named
    assert field in fields_of(error)


def test_an_errors_body_is_not_an_order():
    # GIVEN a RetrieveOrder error body pushed as if it were an order
    payload = fixture("retrieve_order_not_found.json")

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        square.to_channel_order(payload)

    # THEN Square's own error is reported
    assert fields_of(error) == {"errors"}
    assert "INVALID_REQUEST_ERROR/NOT_FOUND" in error.value.problems[0]["problem"]


def test_totals_that_do_not_add_up_are_kept_with_the_discrepancy():
    # GIVEN a total a dollar above the order's own parts
    payload = shipment_order()
    payload["total_money"]["amount"] += 100

    # WHEN it is adapted
    submission = square.to_channel_order(payload).submission

    # THEN Square's total stands and the difference is recorded
    assert submission.total == Decimal("175.55")
    assert submission.total_discrepancy == Decimal("1.00")


def test_a_tip_is_in_the_total_but_has_no_field_of_its_own():
    # GIVEN a register sale with a 2.00 tip in its total
    payload = fixture("in_store_sale.json")["order"]
    payload["total_tip_money"] = {"amount": 200, "currency": "USD"}
    payload["total_money"]["amount"] += 200
    payload["tenders"][1]["amount_money"]["amount"] += 200

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN the tip is the discrepancy, and staff are told why
    assert (order.submission.total, order.submission.total_discrepancy) == (Decimal("53.42"), Decimal("2.00"))
    assert "includes a tip of 2.00 USD, which the order has no field for" in order.notes


def test_a_bad_phone_is_dropped_with_a_note():
    # GIVEN a recipient phone that is no number
    payload = shipment_order()
    payload["fulfillments"][0]["shipment_details"]["recipient"]["phone_number"] = "call me"

    # WHEN it is adapted
    order = square.to_channel_order(payload)

    # THEN the order stands without it
    assert order.submission.customer.phone is None
    assert "recipient phone dropped: not a valid number" in order.notes


def test_the_signature_is_square_s_documented_header_over_the_url_then_the_body():
    # GIVEN Square's webhook signing: base64 HMAC-SHA256 of the notification URL then the body
    # WHEN the adapter's constant is read
    # THEN it says exactly that
    assert square.SIGNATURE == square.WebhookSignature(
        header="x-square-hmacsha256-signature", encoding="base64", url_then_body=True
    )


@pytest.mark.parametrize(
    "name", ["webhook_order_created.json", "webhook_order_updated.json", "webhook_order_fulfillment_updated.json"]
)
def test_each_order_webhook_names_its_order(name):
    # GIVEN an order webhook, which carries ids only
    event = fixture(name)

    # WHEN its order is asked for
    order_id = square.order_id_from_webhook(event)

    # THEN it is the order the event is about
    assert order_id == "Tq5MzR8xKw2NvB7pLd4YcH9sGfJZY"


def test_the_typed_object_stands_in_for_a_missing_data_id():
    # GIVEN an order.updated event without data.id
    event = fixture("webhook_order_updated.json")
    del event["data"]["id"]

    # WHEN its order is asked for
    # THEN the order_updated object's order_id answers
    assert square.order_id_from_webhook(event) == "Tq5MzR8xKw2NvB7pLd4YcH9sGfJZY"


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"type": "payment.created", "data": {"id": "p1"}}, "type"),
        ({"type": "order.created", "data": {"type": "order_created", "object": {}}}, "data.id"),
        ("order.created", "type"),
        ({"type": ["order.created"], "data": {"id": "o1"}}, "type"),
    ],
)
def test_an_event_that_is_not_about_an_order_is_refused(event, field):
    # GIVEN a payment event, or an order event without its id
    # WHEN its order is asked for
    with pytest.raises(ChannelPayloadError) as error:
        square.order_id_from_webhook(event)

    # THEN the field is named
    assert fields_of(error) == {field}


class RecordingTransport:
    def __init__(self, response):
        self.response = response
        self.calls = []

    def __call__(self, method: str, path: str) -> dict:
        self.calls.append((method, path))
        return copy.deepcopy(self.response)


def test_retrieve_gets_the_order_by_id():
    # GIVEN a transport answering with a RetrieveOrder response
    transport = RecordingTransport(fixture("order.json"))

    # WHEN an order is retrieved
    order = square.SquareOrders(transport).retrieve("Kp4RwQ7zXy2NvB8mTd3LsF6hJcGZY")

    # THEN it is one GET of /v2/orders/{id}, and the Order object comes back
    assert transport.calls == [("GET", "/v2/orders/Kp4RwQ7zXy2NvB8mTd3LsF6hJcGZY")]
    assert order["id"] == "Kp4RwQ7zXy2NvB8mTd3LsF6hJcGZY"


def test_retrieve_keeps_an_odd_id_inside_its_path_segment():
    # GIVEN an id with characters that mean something in a URL
    transport = RecordingTransport(fixture("order.json"))

    # WHEN it is retrieved
    square.SquareOrders(transport).retrieve("a/b?c")

    # THEN they are escaped
    assert transport.calls == [("GET", "/v2/orders/a%2Fb%3Fc")]


@pytest.mark.parametrize(
    ("category", "retryable"), [("INVALID_REQUEST_ERROR", False), ("RATE_LIMIT_ERROR", True), ("API_ERROR", True)]
)
def test_retrieve_raises_square_s_errors(category, retryable):
    # GIVEN Square answering with its errors body
    response = fixture("retrieve_order_not_found.json")
    response["errors"][0]["category"] = category

    # WHEN an order is retrieved
    with pytest.raises(square.SquareApiError) as error:
        square.SquareOrders(RecordingTransport(response)).retrieve("Qx2WmN7kRz4TvB9pLc5YdH8sGfJZY")

    # THEN the errors are kept, and only Square's own trouble is worth retrying
    assert error.value.errors[0]["code"] == "NOT_FOUND"
    assert f"{category}/NOT_FOUND" in str(error.value)
    assert error.value.retryable is retryable


def test_retrieve_refuses_a_response_without_an_order_and_an_empty_id():
    # GIVEN a transport answering with an empty body
    orders = square.SquareOrders(RecordingTransport({}))

    # WHEN an order is retrieved, or an empty id asked for
    with pytest.raises(ChannelPayloadError) as error:
        orders.retrieve("Kp4RwQ7zXy2NvB8mTd3LsF6hJcGZY")
    with pytest.raises(ValueError):
        orders.retrieve(" ")

    # THEN the missing order is named
    assert fields_of(error) == {"order"}
