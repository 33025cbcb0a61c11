"""TikTok Shop's Get Order Detail order (or the whole response) becomes the canonical order."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from oms.channels import ChannelPayloadError, tiktok
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "tiktok"

# Documented values (Get Order Detail 202507 `status`; the order status webhook says CANCEL).
STATUSES = {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION", "IN_TRANSIT",
            "DELIVERED", "COMPLETED", "CANCELLED"}
WEBHOOK_STATUSES = {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "AWAITING_COLLECTION", "CANCEL", "IN_TRANSIT",
                    "DELIVERED", "COMPLETED"}
FULFILLMENT_TYPES = {"FULFILLMENT_BY_SELLER", "FULFILLMENT_BY_TIKTOK", "FULFILLMENT_BY_DILAYANI_TOKOPEDIA"}
DELIVERY_TYPES = {"HOME_DELIVERY", "COLLECTION_POINT"}

EXPECTED_STATUS = {
    "UNPAID": (OrderStatus.ON_HOLD, PaymentStatus.PENDING),
    "ON_HOLD": (OrderStatus.ON_HOLD, PaymentStatus.PAID),
    "AWAITING_SHIPMENT": (OrderStatus.RECEIVED, PaymentStatus.PAID),
    "PARTIALLY_SHIPPING": (OrderStatus.PARTIALLY_SHIPPED, PaymentStatus.PAID),
    "AWAITING_COLLECTION": (OrderStatus.SHIPPED, PaymentStatus.PAID),
    "IN_TRANSIT": (OrderStatus.SHIPPED, PaymentStatus.PAID),
    "DELIVERED": (OrderStatus.DELIVERED, PaymentStatus.PAID),
    "COMPLETED": (OrderStatus.DELIVERED, PaymentStatus.PAID),
    "CANCELLED": (OrderStatus.CANCELLED, PaymentStatus.REFUNDED),  # paid_time is set: the money goes back
    "CANCEL": (OrderStatus.CANCELLED, PaymentStatus.REFUNDED),
}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def the_order() -> dict:
    return fixture("order.json")["data"]["orders"][0]


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_a_detail_response_maps_lines_discounts_shipping_and_tax_exactly():
    # GIVEN a Get Order Detail response: a seller discount on one SKU, a platform discount on the other
    payload = fixture("order.json")

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN both discounts sit on their lines and the parts add up to TikTok's total
    submission = order.submission
    assert submission.channel_order_id == submission.channel_order_number == "578214963027551842"
    assert submission.placed_at == datetime(2025, 3, 9, 16, 52, 7, tzinfo=UTC)
    assert submission.currency == "USD"
    assert [(line.sku, line.name, line.quantity, line.unit_price) for line in submission.lines] == [
        ("TRK-BOT-750-SGE", "Insulated Trail Bottle 750 ml (Sage)", 1, Decimal("34.00")),
        ("CAR-CLIP-BLK", "Aluminium Carabiner Clip (Black)", 1, Decimal("12.00")),
    ]
    assert [[(d.amount, d.code) for d in line.discounts] for line in submission.lines] == [
        [(Decimal("5.10"), "seller discount")],
        [(Decimal("2.00"), "TikTok platform discount")],
    ]
    assert submission.subtotal == Decimal("38.90")  # payment.sub_total
    assert (submission.shipping, submission.tax, submission.discount) == (Decimal("4.99"), Decimal("2.82"), Decimal("0"))
    assert submission.total == Decimal("46.71")
    assert submission.total_discrepancy is None
    assert (submission.payment.method, submission.payment.status) == (PaymentMethod.CARD, PaymentStatus.PAID)
    assert submission.delivery.method == DeliveryMethod.STANDARD
    assert order.status == OrderStatus.RECEIVED
    assert order.channel_status == "status=AWAITING_SHIPMENT, fulfillment_type=FULFILLMENT_BY_SELLER, shipping_type=TIKTOK"


def test_the_recipient_comes_across_without_the_masked_phone_or_the_relay_email():
    # GIVEN a US recipient with a masked phone, the anonymised buyer email and district levels L0-L3
    payload = fixture("order.json")

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN the city is L3 and the state L1; the masked phone and the relay email are left out
    address = order.submission.shipping_address
    assert (address.name, address.line1, address.line2, address.city, address.region, address.postal_code, address.country) == (
        "Jordan Reyes", "1870 Alvarado St", "Apt 3", "Los Angeles", "California", "90026", "US"
    )
    assert order.submission.customer.model_dump() == {"name": "Jordan Reyes", "email": None, "phone": None}
    assert "recipient phone masked by TikTok: dropped" in order.notes


def test_units_of_one_sku_become_one_line_with_their_count():
    # GIVEN a bare order object: three one-unit line items of a tee, interleaved with a cap
    payload = fixture("multi_unit_order.json")

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN the tees are one line of three, their seller discounts summed
    submission = order.submission
    assert [(line.sku, line.quantity, line.unit_price, [d.amount for d in line.discounts]) for line in submission.lines] == [
        ("TEE-ORG-M-NVY", 3, Decimal("24.00"), [Decimal("7.20")]),
        ("CAP-5P-OLV", 1, Decimal("19.00"), []),
    ]
    # AND the Colorado retail delivery fee is taxed in, free shipping is zero, and the total is TikTok's
    assert (submission.subtotal, submission.shipping, submission.tax, submission.total) == (
        Decimal("83.80"), Decimal("0"), Decimal("7.65"), Decimal("91.45")
    )
    assert submission.total_discrepancy is None
    # AND an unmasked phone is kept in E.164, PayPal is a wallet
    assert submission.customer.phone == "+17205550163"
    assert submission.payment.method == PaymentMethod.WALLET
    assert order.notes == ()


def test_a_cancelled_paid_order_is_cancelled_and_refunded():
    # GIVEN a UK order the buyer cancelled after paying
    payload = fixture("cancelled_order.json")

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN it is cancelled, the payment refunded, and its cancelled units kept as the order's lines
    assert order.status == OrderStatus.CANCELLED
    assert (order.submission.payment.method, order.submission.payment.status) == (PaymentMethod.WALLET, PaymentStatus.REFUNDED)
    assert [(line.sku, line.quantity) for line in order.submission.lines] == [("MUG-ENM-CRM", 2)]
    assert "cancelled in TikTok by BUYER, reason: No longer needed" in order.notes
    # AND with no city level, the UK post town is the city
    address = order.submission.shipping_address
    assert (address.city, address.postal_code, address.country) == ("Manchester", "M4 1HQ", "GB")
    assert order.submission.customer.phone == "+447700900461"


def test_the_tables_cover_every_documented_value():
    # GIVEN TikTok's documented values (API and webhook order statuses, fulfillment and delivery types)
    # WHEN the adapter's tables are compared with them
    # THEN each table covers them all
    assert set(tiktok.ORDER_STATUS) == STATUSES | WEBHOOK_STATUSES == set(tiktok.PAYMENT_STATUS)
    assert set(tiktok.SELLER_SHIPS) == FULFILLMENT_TYPES
    assert set(tiktok.DELIVERY_METHOD) == DELIVERY_TYPES


@pytest.mark.parametrize("status", sorted(EXPECTED_STATUS))
def test_each_order_status_maps_to_our_status_and_payment(status):
    # GIVEN the order in the given TikTok status (it was paid)
    payload = the_order()
    payload["status"] = status

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN both follow the tables
    assert (order.status, order.submission.payment.status) == EXPECTED_STATUS[status]
    assert order.channel_status.startswith(f"status={status},")


def test_an_order_cancelled_before_payment_is_voided():
    # GIVEN an order cancelled before it was paid
    payload = the_order()
    payload["status"] = "CANCELLED"
    del payload["paid_time"]

    # WHEN it is adapted
    # THEN no money was taken, so none is refunded
    assert tiktok.to_channel_order(payload).submission.payment.status == PaymentStatus.VOIDED


@pytest.mark.parametrize(
    ("status", "payment"),
    [("AWAITING_SHIPMENT", PaymentStatus.PENDING), ("IN_TRANSIT", PaymentStatus.PENDING),
     ("DELIVERED", PaymentStatus.PAID), ("CANCELLED", PaymentStatus.VOIDED)],
)
def test_cash_on_delivery_is_paid_once_delivered(status, payment):
    # GIVEN a cash-on-delivery order in the given status
    payload = the_order()
    payload.update(status=status, is_cod=True)

    # WHEN it is adapted
    submission = tiktok.to_channel_order(payload).submission

    # THEN the cash is collected at the door
    assert (submission.payment.method, submission.payment.status) == (PaymentMethod.CASH_ON_DELIVERY, payment)


def test_a_pre_order_on_hold_is_not_paid_yet():
    # GIVEN a pre-order waiting for its release
    payload = the_order()
    payload.update(status="ON_HOLD", order_type="PRE_ORDER")

    # WHEN it is adapted
    # THEN its payment is still to be authorized
    assert tiktok.to_channel_order(payload).submission.payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize("fulfillment_type", sorted(FULFILLMENT_TYPES) + ["FULFILLMENT_BY_PARTNER"])
def test_an_order_the_platform_fulfils_is_held_so_we_do_not_ship_it_too(fulfillment_type):
    # GIVEN an order awaiting shipment, fulfilled by the seller, a platform warehouse, or a type not yet documented
    payload = the_order()
    payload["fulfillment_type"] = fulfillment_type

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN only the seller's own orders are ours to ship
    expected = OrderStatus.RECEIVED if tiktok.SELLER_SHIPS.get(fulfillment_type) else OrderStatus.ON_HOLD
    assert order.status == expected
    assert any("held so the OMS does not ship it too" in note for note in order.notes) is (expected == OrderStatus.ON_HOLD)


def test_a_platform_fulfilled_order_already_on_its_way_keeps_its_status():
    # GIVEN an order TikTok's warehouse has shipped
    payload = the_order()
    payload.update(fulfillment_type="FULFILLMENT_BY_TIKTOK", status="IN_TRANSIT")

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN it is shipped, and staff are told whose it is
    assert order.status == OrderStatus.SHIPPED
    assert "fulfilled by the platform (FULFILLMENT_BY_TIKTOK), not by us" in order.notes


@pytest.mark.parametrize("name", sorted(tiktok.PAYMENT_METHOD))
def test_each_known_payment_method_name_maps_to_a_method(name):
    # GIVEN a payment method name, not a card type
    payload = the_order()
    del payload["payment_card_type"]
    payload["payment_method_name"] = name.title()

    # WHEN it is adapted
    # THEN the name decides, whatever its case
    assert tiktok.to_channel_order(payload).submission.payment.method == tiktok.PAYMENT_METHOD[name]


def test_a_card_type_says_card_even_with_the_docs_trailing_newline():
    # GIVEN the docs' "Debit\n" card type beside a name we do not know
    payload = the_order()
    payload.update(payment_card_type="Debit\n", payment_method_name="Mystery Pay")

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN it is a card payment, without a note
    assert order.submission.payment.method == PaymentMethod.CARD
    assert not any("payment method" in note for note in order.notes)


def test_an_unknown_payment_method_name_is_recorded_as_card_with_a_note():
    # GIVEN a method name TikTok's docs do not list (they list none)
    payload = the_order()
    del payload["payment_card_type"]
    payload["payment_method_name"] = "Mystery Pay"

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN the paid order stands, as card, and staff are told
    assert order.submission.payment.method == PaymentMethod.CARD
    assert "TikTok payment method Mystery Pay is not one we know: recorded as card" in order.notes


@pytest.mark.parametrize("delivery_type", sorted(DELIVERY_TYPES) + ["DRONE_DROP"])
def test_each_delivery_type_ships_to_the_address_given(delivery_type):
    # GIVEN a home delivery, a carrier's collection point, or a type TikTok may add later
    payload = the_order()
    payload["delivery_type"] = delivery_type

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN it is shipped as standard to the recipient address (never our store)
    assert order.submission.delivery.method == tiktok.DELIVERY_METHOD.get(delivery_type, DeliveryMethod.STANDARD)
    assert order.submission.shipping_address.city == "Los Angeles"
    assert any("DRONE_DROP" in note for note in order.notes) is (delivery_type == "DRONE_DROP")


def test_units_cancelled_one_by_one_are_left_out():
    # GIVEN a tee cancelled on its own in an order still to ship
    payload = fixture("multi_unit_order.json")
    payload["line_items"][2]["display_status"] = "CANCELLED"

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN two tees are left to ship, and staff are told
    assert [(line.sku, line.quantity) for line in order.submission.lines] == [("TEE-ORG-M-NVY", 2), ("CAP-5P-OLV", 1)]
    assert "1 unit(s) cancelled in TikTok left out" in order.notes


def test_a_line_without_a_seller_sku_uses_the_tiktok_sku_id_with_a_note():
    # GIVEN a line the seller gave no SKU
    payload = the_order()
    payload["line_items"][1]["seller_sku"] = ""

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN TikTok's SKU id stands in, prefixed, and staff are told
    assert order.submission.lines[1].sku == "tiktok-1729571830946582528"
    assert any("tiktok-1729571830946582528" in note for note in order.notes)


def test_a_virtual_bundle_names_what_it_is_made_of():
    # GIVEN a virtual bundle SKU made of two other SKUs
    payload = the_order()
    payload["line_items"][0]["combined_listing_skus"] = [
        {"sku_id": "1729571830946500001", "sku_count": 1, "product_id": "1", "seller_sku": "TRK-BOT-750-SGE-B"},
        {"sku_id": "1729571830946500002", "sku_count": 2, "product_id": "2", "seller_sku": "CAR-CLIP-BLK"},
    ]

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN the line keeps the bundle's SKU, and staff are told its parts
    assert order.submission.lines[0].sku == "TRK-BOT-750-SGE"
    assert "TRK-BOT-750-SGE is a TikTok virtual bundle of 1 × TRK-BOT-750-SGE-B, 2 × CAR-CLIP-BLK" in order.notes


def test_buyer_fees_are_counted_with_shipping():
    # GIVEN a handling fee the buyer paid, inside TikTok's total
    payload = the_order()
    payload["payment"].update(handling_fee="1.50", total_amount="48.21")

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN shipping carries it, the total adds up, and staff are told
    assert (order.submission.shipping, order.submission.total_discrepancy) == (Decimal("6.49"), None)
    assert "TikTok fees counted with shipping: handling_fee 1.50" in order.notes


def test_an_unpaid_order_without_its_withheld_address_is_refused_with_why():
    # GIVEN an UNPAID order, for which TikTok withholds the recipient address
    payload = fixture("order.json")
    order = payload["data"]["orders"][0]
    order["status"] = "UNPAID"
    del order["recipient_address"]

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        tiktok.to_channel_order(payload)

    # THEN the field is named as sent, with when to try again
    assert fields_of(error) == {"data.orders.0.recipient_address"}
    assert "AWAITING_SHIPMENT" in error.value.problems[0]["problem"]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"id", "status", "create_time", "payment.currency", "payment.total_amount", "line_items", "recipient_address"}),
        ({"code": 0, "data": {"orders": [{"id": "1", "status": "IN_TRANSIT", "create_time": 1741539127,
                                          "payment": {"currency": "USD", "total_amount": "5"},
                                          "recipient_address": {}, "line_items": [{"sku_id": "9"}]}]}},
         {"data.orders.0.line_items.0.original_price"}),
        ({"code": 36009004, "message": "order not found", "data": {}}, {"code"}),
        ({"code": 0, "data": {"orders": []}}, {"data.orders"}),
        ({"code": 0, "data": {"orders": [{}, {}]}}, {"data.orders"}),
        ("not an order", {"body"}),
    ],
)
def test_a_payload_of_the_wrong_shape_names_the_native_fields(payload, fields):
    # GIVEN something that is not one complete TikTok order
    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        tiktok.to_channel_order(payload)

    # THEN each native field at fault is named
    assert fields_of(error) == fields


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda o: o.update(status="SHIPPED"), "status"),
        (lambda o: o.update(create_time="2025-03-09"), "create_time"),
        (lambda o: o["payment"].update(total_amount="46,71"), "payment.total_amount"),
        (lambda o: o["line_items"][0].update(original_price="free"), "line_items.0.original_price"),
        (lambda o: o["line_items"][1].update(seller_sku=None, sku_id=None), "line_items.1.seller_sku"),
        (lambda o: o["payment"].update(currency="ZZZ"), "payment.currency"),
    ],
)
def test_an_unknown_or_unreadable_value_is_refused_by_its_field(change, field):
    # GIVEN the order with one value TikTok does not document, or cannot be read
    payload = the_order()
    change(payload)

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        tiktok.to_channel_order(payload)

    # THEN that native field is named
    assert field in fields_of(error)


def test_totals_that_do_not_add_up_are_kept_with_the_discrepancy():
    # GIVEN a total_amount ten cents above the order's parts
    payload = the_order()
    payload["payment"]["total_amount"] = "46.81"

    # WHEN it is adapted
    submission = tiktok.to_channel_order(payload).submission

    # THEN TikTok's total stands and the difference is recorded
    assert (submission.total, submission.total_discrepancy) == (Decimal("46.81"), Decimal("0.10"))


def test_a_bad_unmasked_phone_is_dropped_with_a_note():
    # GIVEN a recipient phone too short to be a number
    payload = the_order()
    payload["recipient_address"]["phone_number"] = "(+1)12"

    # WHEN it is adapted
    order = tiktok.to_channel_order(payload)

    # THEN the order stands without it
    assert order.submission.customer.phone is None
    assert "recipient phone dropped: not a valid number" in order.notes


def test_without_a_city_level_or_post_town_the_most_local_district_is_the_city():
    # GIVEN districts down to L2 only, none named City, and no post town
    payload = the_order()
    payload["recipient_address"]["district_info"] = [
        {"address_level_name": "Country", "address_name": "United States", "address_level": "L0"},
        {"address_level_name": "State", "address_name": "California", "address_level": "L1"},
        {"address_level_name": "Borough", "address_name": "Echo Park", "address_level": "L2"},
    ]

    # WHEN it is adapted
    # THEN the deepest level below the country stands for the city
    assert tiktok.to_channel_order(payload).submission.shipping_address.city == "Echo Park"


def test_no_webhook_signature_is_declared_because_tiktok_signs_the_app_key_too():
    # GIVEN TikTok's Authorization header, an HMAC over the app key and the body
    # WHEN the adapter's constant is read
    # THEN it declares no scheme WebhookSignature could not express; the receiver verifies it
    assert tiktok.SIGNATURE is None


def test_an_order_status_webhook_names_its_order():
    # GIVEN an order status change webhook (type 1)
    event = fixture("webhook_order_status_change.json")

    # WHEN its order is asked for
    # THEN it is the order it is about
    assert tiktok.order_id_from_webhook(event) == "578214963027551842"
    assert tiktok.order_ids_from_webhook(event) == ("578214963027551842",)


def test_a_package_update_names_every_order_in_its_packages():
    # GIVEN a package update (type 4) combining two orders into one package
    event = fixture("webhook_package_update.json")

    # WHEN its orders are asked for
    order_ids = tiktok.order_ids_from_webhook(event)

    # THEN both come back, and asking for the one order is refused
    assert order_ids == ("578214963027551842", "578302115649203117")
    with pytest.raises(ChannelPayloadError) as error:
        tiktok.order_id_from_webhook(event)
    assert fields_of(error) == {"data.package_list"}


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"type": 6, "shop_id": "7495208317064238120", "data": {"shop_id": "7495208317064238120"}}, "type"),
        ({"type": True, "data": {"order_id": "1"}}, "type"),
        ({"type": [1], "data": {"order_id": "1"}}, "type"),
        ({"type": 1, "data": {"order_status": "UNPAID"}}, "data.order_id"),
        ({"type": 4, "data": {"package_list": [{"package_id": "1", "order_id_list": [12]}]}},
         "data.package_list.0.order_id_list.0"),
        ({"type": 4, "data": {"package_list": []}}, "data.package_list"),
    ],
)
def test_an_event_that_names_no_order_is_refused(event, field):
    # GIVEN a seller deauthorization, or an order event without a readable order id
    # WHEN its order is asked for
    with pytest.raises(ChannelPayloadError) as error:
        tiktok.order_ids_from_webhook(event)

    # THEN the field is named
    assert fields_of(error) == {field}
