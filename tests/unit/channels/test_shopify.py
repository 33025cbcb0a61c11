"""Shopify's orders/create body (the REST Admin Order) becomes the canonical order."""

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from oms.channels import ChannelPayloadError, shopify
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "shopify"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_a_current_web_order_maps_lines_discounts_shipping_and_tax_exactly():
    # GIVEN a 2024-04 web order: a code allocated to both lines, half-price express shipping
    payload = fixture("order.json")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN lines carry their allocations, shipping its discounted price, and nothing is counted twice
    submission = order.submission
    assert submission.channel_order_id == "5802247553111"
    assert submission.channel_order_number == "#2417"
    assert submission.placed_at == datetime(2024, 5, 14, 13, 32, 18, tzinfo=UTC)
    assert submission.currency == "CAD"
    assert [(line.sku, line.quantity, line.unit_price) for line in submission.lines] == [
        ("TR2-SLT-10", 1, Decimal("149.00")),
        ("SOCK-MER-M", 2, Decimal("18.50")),
    ]
    assert [[(d.amount, d.code) for d in line.discounts] for line in submission.lines] == [
        [(Decimal("14.90"), "SPRING10")],
        [(Decimal("3.70"), "SPRING10")],
    ]
    assert submission.subtotal == Decimal("167.40")
    assert submission.shipping == Decimal("12.00")
    assert submission.discount == Decimal("0")  # all 30.60 of total_discounts is allocated
    assert submission.tax == Decimal("23.32")
    assert submission.total == Decimal("202.72")
    assert submission.total_discrepancy is None
    assert submission.delivery.method == DeliveryMethod.EXPRESS
    assert (submission.payment.method, submission.payment.status) == (PaymentMethod.CARD, PaymentStatus.PAID)
    assert order.status == OrderStatus.RECEIVED
    assert order.channel_status == "financial_status=paid, fulfillment_status=null"


def test_the_customer_and_addresses_come_across_with_coordinates():
    # GIVEN the web order's customer and shipping address
    payload = fixture("order.json")

    # WHEN it is adapted
    submission = shopify.to_channel_order(payload).submission

    # THEN names are joined, the email domain lower-cased, and the geocode kept
    assert submission.customer.name == "Amara Okafor"
    assert submission.customer.email == "amara.okafor@example.ca"
    assert submission.customer.phone == "+14165550143"
    address = submission.shipping_address
    assert (address.line1, address.line2, address.city, address.region, address.postal_code, address.country) == (
        "220 King Street West", "Unit 1508", "Toronto", "ON", "M5V 2T6", "CA"
    )
    assert (address.latitude, address.longitude) == (Decimal("43.6468321"), Decimal("-79.3868834"))
    assert submission.billing_address == address


def test_money_is_in_the_shop_currency_and_a_foreign_buyer_is_noted():
    # GIVEN a CAD shop whose buyer saw USD prices
    payload = fixture("order.json")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the shop's amounts and currency are kept, and staff are told what the buyer paid in
    assert order.submission.currency == "CAD"
    assert order.submission.lines[0].unit_price == Decimal("149.00")
    assert "customer paid in USD; amounts are in the shop currency CAD" in order.notes


def test_the_older_shape_without_allocations_takes_the_whole_discount_at_order_level():
    # GIVEN a pre-2019 order: one `gateway`, no *_set, no discount_allocations, string coordinates
    payload = fixture("legacy_order.json")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN total_discounts is the order-level discount, and it all adds up
    submission = order.submission
    assert [(line.sku, line.quantity, line.unit_price, line.discounts) for line in submission.lines] == [
        ("CPD-WHT", 1, Decimal("32.00"), ()),
        ("FLT-100", 3, Decimal("6.50"), ()),
    ]
    assert (submission.shipping, submission.tax, submission.discount) == (
        Decimal("7.95"), Decimal("4.13"), Decimal("5.00")
    )
    assert submission.total == Decimal("58.58")
    assert submission.total_discrepancy is None
    assert submission.payment.method == PaymentMethod.CASH_ON_DELIVERY
    assert submission.payment.status == PaymentStatus.PENDING
    assert submission.shipping_address.latitude == Decimal("40.6878")
    assert submission.shipping_address.company == "Corner Grind Café"
    assert submission.delivery.method == DeliveryMethod.STANDARD


def test_a_pos_counter_sale_is_a_collected_pickup_at_its_store():
    # GIVEN a POS sale: location_id, cash, no customer, no shipping address, fulfilled at once
    payload = fixture("pos_order.json")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN it is a store pickup at that Shopify location, already handed over
    submission = order.submission
    assert submission.delivery.method == DeliveryMethod.STORE_PICKUP
    assert submission.delivery.pickup_location_id == "shopify-71234567890"
    assert submission.shipping_address is None
    assert submission.customer is None
    assert submission.payment.method == PaymentMethod.CASH
    assert submission.payment.status == PaymentStatus.PAID
    assert submission.total == Decimal("54.41")
    assert order.status == OrderStatus.DELIVERED
    assert any("map it to an OMS location as shopify-71234567890" in note for note in order.notes)


def test_a_pos_order_still_to_be_collected_is_received():
    # GIVEN a POS order paid at the counter but not yet handed over
    payload = fixture("pos_order.json")
    payload["fulfillment_status"] = None

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN it is an open pickup order to fulfil
    assert order.status == OrderStatus.RECEIVED
    assert order.submission.delivery.method == DeliveryMethod.STORE_PICKUP


def test_a_pos_sale_without_its_location_names_location_id():
    # GIVEN a POS sale that does not say where it happened
    payload = fixture("pos_order.json")
    payload["location_id"] = None

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        shopify.to_channel_order(payload)

    # THEN the native field is named
    assert fields_of(error) == {"location_id"}


def test_prices_that_include_tax_do_not_get_it_added_again():
    # GIVEN a German order with taxes_included: 59.70 holds 9.53 VAT
    payload = fixture("taxes_included_order.json")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN tax is not added on top, the total adds up, and the included tax is noted
    submission = order.submission
    assert submission.tax == Decimal("0")
    assert submission.subtotal + submission.shipping == submission.total == Decimal("59.70")
    assert submission.total_discrepancy is None
    assert "prices include tax of 9.53 EUR (Shopify taxes_included): not added on top" in order.notes
    assert submission.payment.method == PaymentMethod.WALLET
    assert submission.shipping_address.region is None  # German addresses have no province


def test_a_line_without_sku_stands_in_with_its_variant_and_a_note():
    # GIVEN a line sold with an empty sku
    payload = fixture("taxes_included_order.json")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the variant id stands in, and staff are told
    assert order.submission.lines[1].sku == "shopify-variant-47110022367223"
    assert any("has no SKU" in note and "shopify-variant-47110022367223" in note for note in order.notes)


def test_a_custom_line_without_sku_or_variant_uses_its_line_id():
    # GIVEN a custom item (no product variant) without sku
    payload = fixture("order.json")
    payload["line_items"][0].update(sku=None, variant_id=None)

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the line item id stands in
    assert order.submission.lines[0].sku == "shopify-line-14631128907863"


def test_a_local_phone_number_is_read_in_the_address_country():
    # GIVEN a German mobile number written the local way on the order
    payload = fixture("taxes_included_order.json")

    # WHEN it is adapted
    submission = shopify.to_channel_order(payload).submission

    # THEN it is in E.164
    assert submission.customer.phone == "+4915123456789"


def test_a_cancelled_order_is_cancelled_with_its_reason():
    # GIVEN an order the customer cancelled before capture
    payload = fixture("cancelled_order.json")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN it is cancelled, voided, and the channel's words are kept
    assert order.status == OrderStatus.CANCELLED
    assert order.submission.payment.status == PaymentStatus.VOIDED
    assert order.channel_status == "financial_status=voided, fulfillment_status=null, cancel_reason=customer"
    assert any("reason: customer" in note for note in order.notes)
    assert order.submission.delivery.method == DeliveryMethod.EXPRESS  # "Overnight"
    assert order.submission.total == Decimal("121.08")


def test_a_fully_refunded_order_is_refunded():
    # GIVEN an order refunded in full but not cancelled (returned after delivery)
    payload = fixture("order.json")
    payload.update(financial_status="refunded", fulfillment_status="fulfilled")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN it is refunded
    assert order.status == OrderStatus.REFUNDED


@pytest.mark.parametrize(
    ("financial_status", "expected"),
    [
        ("pending", PaymentStatus.PENDING),
        ("authorized", PaymentStatus.AUTHORIZED),
        ("partially_paid", PaymentStatus.PARTIALLY_PAID),
        ("paid", PaymentStatus.PAID),
        ("partially_refunded", PaymentStatus.PARTIALLY_REFUNDED),
        ("refunded", PaymentStatus.REFUNDED),
        ("voided", PaymentStatus.VOIDED),
        ("expired", PaymentStatus.VOIDED),
    ],
)
def test_every_documented_financial_status_maps(financial_status, expected):
    # GIVEN an order with this financial_status
    payload = fixture("order.json")
    payload["financial_status"] = financial_status

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the payment has the mapped status
    assert shopify.PAYMENT_STATUS[financial_status] == expected
    assert order.submission.payment.status == expected


@pytest.mark.parametrize(
    ("fulfillment_status", "expected"),
    [
        (None, OrderStatus.RECEIVED),
        ("partial", OrderStatus.PARTIALLY_SHIPPED),
        ("fulfilled", OrderStatus.SHIPPED),
        ("restocked", OrderStatus.CANCELLED),
    ],
)
def test_every_documented_fulfillment_status_maps(fulfillment_status, expected):
    # GIVEN a shipped-to-home order with this fulfillment_status
    payload = fixture("order.json")
    payload["fulfillment_status"] = fulfillment_status

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the order has the mapped status
    assert order.status == expected


@pytest.mark.parametrize(
    ("gateways", "expected"),
    [
        (["shopify_payments"], PaymentMethod.CARD),
        (["paypal"], PaymentMethod.WALLET),
        (["manual"], PaymentMethod.BANK_TRANSFER),
        (["cash"], PaymentMethod.CASH),
        (["gift_card"], PaymentMethod.GIFT_CARD),
        (["Cash on Delivery (COD)"], PaymentMethod.CASH_ON_DELIVERY),
        (["bogus"], PaymentMethod.CARD),
        (["Bank Deposit"], PaymentMethod.BANK_TRANSFER),
        (["Money Order"], PaymentMethod.BANK_TRANSFER),
        (["authorize_net"], PaymentMethod.CARD),
        (["stripe"], PaymentMethod.CARD),
    ],
)
def test_payment_gateways_map_to_methods(gateways, expected):
    # GIVEN an order paid through these gateways
    payload = fixture("order.json")
    payload["payment_gateway_names"] = gateways

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the payment method is the mapped one
    assert order.submission.payment.method == expected


def test_a_gift_card_that_pays_part_gives_way_to_the_other_gateway():
    # GIVEN an order paid partly by gift card, the rest by card
    payload = fixture("order.json")
    payload["payment_gateway_names"] = ["gift_card", "shopify_payments"]

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the card is the method, and both gateways are noted
    assert order.submission.payment.method == PaymentMethod.CARD
    assert "paid through several gateways: gift_card, shopify_payments" in order.notes


def test_an_unknown_gateway_is_recorded_as_card_with_a_note():
    # GIVEN a payment app Shopify names in a way we have no entry for
    payload = fixture("order.json")
    payload["payment_gateway_names"] = ["Acme Pay Later"]

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the paid order is not refused: card by default, and staff are told
    assert order.submission.payment.method == PaymentMethod.CARD
    assert any("Acme Pay Later" in note for note in order.notes)


@pytest.mark.parametrize(
    ("title", "code", "expected"),
    [
        ("Standard Shipping", "STANDARD", DeliveryMethod.STANDARD),
        ("Express (1-2 business days)", "EXPRESS", DeliveryMethod.EXPRESS),
        ("Overnight", "UPS Next Day Air", DeliveryMethod.EXPRESS),
        ("Priority Mail", "usps_priority", DeliveryMethod.EXPRESS),
        ("Same-day courier", "COURIER", DeliveryMethod.SAME_DAY),
        ("Local Pickup", "Pickup", DeliveryMethod.STORE_PICKUP),
    ],
)
def test_shipping_line_titles_map_to_delivery_methods(title, code, expected):
    # GIVEN an order whose shipping line is called so
    payload = fixture("order.json")
    payload["shipping_lines"][0].update(title=title, code=code)

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the delivery method is the recognised one
    assert order.submission.delivery.method == expected


def test_an_online_pickup_without_location_gets_the_unknown_store_and_a_note():
    # GIVEN an online-store local pickup (the Order names no location_id)
    payload = fixture("order.json")
    payload["shipping_lines"][0].update(title="Local Pickup", code="Pickup")

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN it is a pickup whose store staff must choose
    assert order.submission.delivery.pickup_location_id == shopify.UNKNOWN_PICKUP_LOCATION
    assert "pickup order without a Shopify location_id: choose the pickup store" in order.notes


def test_unallocated_discounts_are_the_order_level_discount():
    # GIVEN total_discounts 5.00 more than the lines and shipping carry
    payload = fixture("order.json")
    payload.update(total_discounts="35.60", total_price="197.72")

    # WHEN it is adapted
    submission = shopify.to_channel_order(payload).submission

    # THEN only the unallocated 5.00 is taken off at order level
    assert submission.discount == Decimal("5.00")
    assert submission.total_discrepancy is None


def test_totals_that_do_not_add_up_are_kept_with_the_discrepancy():
    # GIVEN a stated total 1.00 above what the parts add up to
    payload = fixture("order.json")
    payload["total_price"] = "203.72"

    # WHEN it is adapted
    submission = shopify.to_channel_order(payload).submission

    # THEN the channel's total is kept and the difference recorded
    assert submission.total == Decimal("203.72")
    assert submission.total_discrepancy == Decimal("1.00")


def test_a_bad_phone_is_dropped_with_a_note():
    # GIVEN a customer phone that is no number at all
    payload = fixture("order.json")
    payload["customer"]["phone"] = "call me"

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the order is kept without the phone, and staff are told
    assert order.submission.customer.phone is None
    assert "customer phone dropped: not a valid number" in order.notes


def test_the_order_email_and_phone_stand_in_for_a_customer_without_them():
    # GIVEN a customer record with neither email nor phone
    payload = fixture("order.json")
    payload["customer"].update(email=None, phone=None)
    payload.update(email="amara@example.org", phone="+1 (647) 555-0190")

    # WHEN it is adapted
    customer = shopify.to_channel_order(payload).submission.customer

    # THEN the order's own contact details are used
    assert (customer.email, customer.phone) == ("amara@example.org", "+16475550190")


def test_an_incomplete_billing_address_is_left_out_with_a_note():
    # GIVEN a wallet that passed on only the billing country
    payload = fixture("order.json")
    payload["billing_address"].update(address1=None, city=None)

    # WHEN it is adapted
    order = shopify.to_channel_order(payload)

    # THEN the order is kept without it
    assert order.submission.billing_address is None
    assert "billing address incomplete in Shopify: left out" in order.notes


def test_a_payload_of_the_wrong_shape_names_the_missing_native_fields():
    # GIVEN something that is not an order
    payload = {"line_items": [{"title": "Mystery"}], "shipping_lines": "free"}

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        shopify.to_channel_order(payload)

    # THEN each missing Shopify field is named
    assert fields_of(error) == {
        "id", "created_at", "currency", "financial_status", "total_price", "line_items.0.price", "line_items.0.quantity"
    }


@pytest.mark.parametrize("payload", [{}, {"line_items": []}, {"line_items": {"0": {}}}, [], "order"])
def test_an_order_without_line_items_names_them(payload):
    # GIVEN a body without a list of line items
    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        shopify.to_channel_order(payload)

    # THEN line_items is named
    assert "line_items" in fields_of(error)


def test_an_unreadable_amount_names_its_native_field():
    # GIVEN amounts that are not decimal strings
    payload = fixture("order.json")
    payload["line_items"][1]["price"] = "eighteen"
    payload["shipping_lines"][0]["discounted_price"] = {"amount": "12.00"}

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        shopify.to_channel_order(payload)

    # THEN each is named by its Shopify path
    assert fields_of(error) == {"line_items.1.price", "shipping_lines.0.discounted_price"}


def test_model_errors_are_reported_under_the_native_field():
    # GIVEN a shipping address without a city and a line of zero quantity
    payload = fixture("order.json")
    payload["shipping_address"]["city"] = ""
    payload["line_items"][0]["quantity"] = 0

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        shopify.to_channel_order(payload)

    # THEN the problems name Shopify's fields
    assert fields_of(error) == {"shipping_address.city", "line_items.0.quantity"}


@pytest.mark.parametrize(("field", "value"), [("financial_status", "on_fire"), ("fulfillment_status", "teleported")])
def test_an_unknown_status_is_refused_naming_its_field(field, value):
    # GIVEN a status Shopify does not document
    payload = fixture("order.json")
    payload[field] = value

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        shopify.to_channel_order(payload)

    # THEN the field is named
    assert fields_of(error) == {field}


def test_the_payload_is_not_modified():
    # GIVEN an order
    payload = fixture("order.json")
    before = copy.deepcopy(payload)

    # WHEN it is adapted
    shopify.to_channel_order(payload)

    # THEN the caller's dict is untouched
    assert payload == before


def test_shopify_signs_webhooks_with_base64_hmac_in_its_documented_header():
    # GIVEN / WHEN the adapter's signature description
    signature = shopify.SIGNATURE

    # THEN it is Shopify's header and encoding, over the body alone
    assert (signature.header, signature.encoding, signature.url_then_body) == ("X-Shopify-Hmac-Sha256", "base64", False)
