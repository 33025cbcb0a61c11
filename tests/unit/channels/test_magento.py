"""A Magento 2 / Adobe Commerce sales order (GET /V1/orders/{id}) becomes the canonical order."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from oms.channels import ChannelPayloadError, magento
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels" / "magento"
SHIPPING = "extension_attributes.shipping_assignments.0.shipping"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_an_invoiced_order_maps_in_the_order_currency_exactly():
    # GIVEN a Dutch store's order (base EUR) charged in GBP: two totes, a mug under a coupon, VAT, flat rate
    payload = fixture("order.json")

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN the amounts are the GBP ones the customer paid, not the EUR base ones, and they add up
    submission = order.submission
    assert (submission.channel_order_id, submission.channel_order_number) == ("1187", "000001187")
    assert submission.currency == "GBP"
    assert [(line.sku, line.name, line.quantity, line.unit_price) for line in submission.lines] == [
        ("TOTE-CNV-OLV", "Canvas Tote - Olive", 2, Decimal("24")),
        ("MUG-ENM-350", "Enamel Mug 350ml", 1, Decimal("12.5")),
    ]
    assert [[(d.amount, d.code) for d in line.discounts] for line in submission.lines] == [
        [], [(Decimal("2.5"), "MUGLOVE")],
    ]
    assert submission.discount == Decimal("0")  # discount_amount -2.50 is the mug's, positive on the line
    assert (submission.shipping, submission.tax, submission.total) == (
        Decimal("4.95"), Decimal("12.59"), Decimal("75.54"),
    )
    assert submission.total_discrepancy is None
    assert submission.payment.model_dump() == {
        "method": PaymentMethod.CARD, "status": PaymentStatus.PAID, "reference": "f7k2q9mc",
    }
    assert submission.delivery.method == DeliveryMethod.STANDARD
    assert (order.status, order.channel_status, order.notes) == (OrderStatus.RECEIVED, "processing", ())


def test_created_at_is_utc_without_an_offset_made_aware():
    # GIVEN created_at "2026-02-11 09:47:31", which Magento writes in UTC
    payload = fixture("order.json")

    # WHEN it is adapted
    placed_at = magento.to_channel_order(payload).submission.placed_at

    # THEN it is that moment in UTC
    assert placed_at == datetime(2026, 2, 11, 9, 47, 31, tzinfo=UTC)


def test_the_customer_and_addresses_come_across():
    # GIVEN a registered customer whose street is two lines and whose phone is written locally
    payload = fixture("order.json")

    # WHEN it is adapted
    submission = magento.to_channel_order(payload).submission

    # THEN the name is joined, the street split into two lines, the phone E.164 for the billing country
    assert submission.customer.model_dump() == {
        "name": "Owen Brightwell", "email": "owen.brightwell@example.co.uk", "phone": "+441174960732",
    }
    address = submission.shipping_address
    assert (address.name, address.line1, address.line2, address.city, address.region, address.postal_code,
            address.country) == ("Owen Brightwell", "Flat 3", "22 Cotham Brow", "Bristol", "Bristol", "BS6 6AR", "GB")
    assert submission.billing_address == address


def test_the_children_of_configurable_and_bundle_items_are_not_lines_of_their_own():
    # GIVEN a configurable hoodie (parent and its variant child) and a bundle (parent and two components)
    payload = fixture("configurable_item_order.json")

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN each product chosen is one line, priced once, and the order adds up
    submission = order.submission
    assert [(line.sku, line.quantity, line.unit_price) for line in submission.lines] == [
        ("HOOD-ZIP-M-NAVY", 1, Decimal("64")),
        ("KIT-CAMP-COOK", 1, Decimal("89")),
    ]
    assert (submission.shipping, submission.total, submission.total_discrepancy) == (
        Decimal("9.5"), Decimal("162.5"), None,
    )
    assert submission.delivery.method == DeliveryMethod.STANDARD
    assert (submission.payment.method, submission.payment.status) == (
        PaymentMethod.BANK_TRANSFER, PaymentStatus.PENDING,
    )
    assert (order.status, order.channel_status) == (OrderStatus.RECEIVED, "pending")


def test_a_canceled_order_and_its_voided_authorisation():
    # GIVEN an order canceled after PayPal Express authorised it
    payload = fixture("canceled_order.json")

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN it is cancelled and its money voided
    assert (order.status, order.channel_status) == (OrderStatus.CANCELLED, "canceled")
    assert (order.submission.payment.method, order.submission.payment.status) == (
        PaymentMethod.WALLET, PaymentStatus.VOIDED,
    )
    assert order.submission.customer.phone == "+61291304418"


def test_an_in_store_pickup_names_its_pickup_location_to_map():
    # GIVEN a complete in-store pickup order: its shipping address is the store's
    payload = fixture("instore_pickup_order.json")

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN it is a store pickup at Magento's pickup location, handed over, and staff are told to map it
    submission = order.submission
    assert submission.delivery.model_dump() == {
        "method": DeliveryMethod.STORE_PICKUP, "pickup_location_id": "magento-ams-kalverstraat",
    }
    assert submission.shipping_address.line1 == "Kalverstraat 152"
    assert (order.status, submission.payment.status) == (OrderStatus.DELIVERED, PaymentStatus.PAID)
    assert order.notes == (
        "store pickup (In-Store Pickup Delivery - Pick in Store): "
        "map pickup location magento-ams-kalverstraat to one of our stores",
    )


def test_an_in_store_pickup_without_its_location_code_is_named_by_the_method():
    # GIVEN a pickup order read without the In-Store Pickup module's extension attribute
    payload = fixture("instore_pickup_order.json")
    del payload["extension_attributes"]["pickup_location_code"]

    # WHEN it is adapted
    delivery = magento.to_channel_order(payload).submission.delivery

    # THEN the pickup location is named by the shipping method, for staff to map
    assert delivery.pickup_location_id == "magento-instore_pickup"


def test_a_guests_authorised_payment_and_name_from_the_billing_address():
    # GIVEN a guest (no customer_firstname/lastname) whose PayPal payment is authorised, not captured, shipped UPS
    payload = fixture("guest_authorized_order.json")

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN the name is the billing address's, the money authorised, and UPS Ground ships standard
    submission = order.submission
    assert submission.customer.model_dump() == {
        "name": "Julián Álvarez", "email": "j.alvarez.guest@example.com", "phone": "+12125550190",
    }
    assert (submission.payment.method, submission.payment.status) == (PaymentMethod.WALLET, PaymentStatus.AUTHORIZED)
    assert (submission.shipping_address.line1, submission.shipping_address.line2) == ("575 Grand St", "Apt 11F")
    assert submission.delivery.method == DeliveryMethod.STANDARD
    assert (submission.tax, submission.total, submission.total_discrepancy) == (Decimal("4.97"), Decimal("72.37"), None)
    assert order.notes == ()


def test_a_shipping_discount_is_the_orders_own_discount():
    # GIVEN the order with free shipping from a rule: discount_amount -7.45 is the mug's 2.50 and shipping's 4.95
    payload = fixture("order.json") | {"discount_amount": -7.45, "shipping_discount_amount": 4.95, "grand_total": 70.59}

    # WHEN it is adapted
    submission = magento.to_channel_order(payload).submission

    # THEN the mug keeps its 2.50, the order discounts the other 4.95, and it adds up
    assert submission.lines[1].discount == Decimal("2.5")
    assert (submission.discount, submission.total_discrepancy) == (Decimal("4.95"), None)


def test_the_tax_hidden_in_a_tax_inclusive_discount_counts_as_tax():
    # GIVEN a discount on tax-inclusive prices: Magento adds back 0.42 of tax compensation in the grand total
    payload = fixture("order.json") | {"discount_tax_compensation_amount": 0.42, "grand_total": 75.96}

    # WHEN it is adapted
    submission = magento.to_channel_order(payload).submission

    # THEN it is tax, and the order adds up
    assert (submission.tax, submission.total_discrepancy) == (Decimal("13.01"), None)


def test_a_total_that_does_not_add_up_over_the_items_is_kept_with_its_discrepancy():
    # GIVEN an order whose items do not account for its totals (as the docs' example, which elides items)
    payload = fixture("order.json")
    del payload["items"][0]

    # WHEN it is adapted
    submission = magento.to_channel_order(payload).submission

    # THEN the stated grand total stands, and the two missing totes are its discrepancy
    assert (submission.total, submission.total_discrepancy) == (Decimal("75.54"), Decimal("48"))


STATES = {
    "new": (OrderStatus.RECEIVED, PaymentStatus.PENDING),
    "pending_payment": (OrderStatus.ON_HOLD, PaymentStatus.PENDING),
    "processing": (OrderStatus.RECEIVED, PaymentStatus.PAID),
    "complete": (OrderStatus.SHIPPED, PaymentStatus.PAID),
    "closed": (OrderStatus.REFUNDED, PaymentStatus.REFUNDED),
    "canceled": (OrderStatus.CANCELLED, PaymentStatus.VOIDED),
    "holded": (OrderStatus.ON_HOLD, PaymentStatus.PENDING),
    "payment_review": (OrderStatus.ON_HOLD, PaymentStatus.PENDING),
}


def test_every_documented_state_is_in_the_tables():
    # GIVEN the order states of Magento's Sales Order model
    # WHEN the adapter's tables are read
    # THEN each has an order status and a payment status
    assert set(magento.ORDER_STATUS) == set(magento.PAYMENT_STATUS) == set(STATES)


@pytest.mark.parametrize(("state", "expected"), STATES.items())
def test_each_state_maps_to_where_the_order_stands_and_its_money(state, expected):
    # GIVEN an order in the state whose payment states no amounts of its own
    payload = fixture("configurable_item_order.json") | {"state": state, "status": state}

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN the order and its payment stand as the table says, and the status is kept
    assert (order.status, order.submission.payment.status) == expected
    assert order.channel_status == state


def test_a_held_orders_money_is_as_it_was_before_the_hold():
    # GIVEN a paid order the merchant put on hold while processing
    payload = fixture("configurable_item_order.json") | {
        "state": "holded", "status": "holded", "hold_before_state": "processing", "hold_before_status": "processing",
    }

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN it is held, and still paid
    assert (order.status, order.submission.payment.status) == (OrderStatus.ON_HOLD, PaymentStatus.PAID)


def test_suspected_fraud_is_held_whatever_the_state():
    # GIVEN a processing order the gateway marked "fraud"
    payload = fixture("order.json") | {"status": "fraud"}

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN it is held for review, and staff are told
    assert (order.status, order.channel_status) == (OrderStatus.ON_HOLD, "fraud")
    assert order.notes == ("status 'fraud': held for review",)


@pytest.mark.parametrize(("amounts", "expected"), [
    ({"amount_paid": 75.54, "amount_refunded": 20}, PaymentStatus.PARTIALLY_REFUNDED),
    ({"amount_paid": 75.54, "amount_refunded": 75.54}, PaymentStatus.REFUNDED),
    ({"amount_paid": 30}, PaymentStatus.PARTIALLY_PAID),
    ({"amount_paid": 0, "amount_authorized": 75.54}, PaymentStatus.AUTHORIZED),
])
def test_the_payments_own_amounts_refine_the_state(amounts, expected):
    # GIVEN a processing order whose payment states what was authorised, paid and refunded
    payload = fixture("order.json")
    payload["payment"] = {**payload["payment"], "amount_paid": 0, **amounts}

    # WHEN it is adapted
    status = magento.to_channel_order(payload).submission.payment.status

    # THEN the payment status follows the money
    assert status == expected


def test_an_unknown_state_is_refused_by_name():
    # GIVEN a state Magento does not have (states are fixed; only statuses are the store's)
    payload = fixture("order.json") | {"state": "shipped"}

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as raised:
        magento.to_channel_order(payload)

    # THEN the problem names the field
    assert raised.value.problems == [{"field": "state", "problem": "'shipped' is not a Magento order state"}]


PAYMENT_METHODS = {
    "checkmo": PaymentMethod.BANK_TRANSFER,
    "banktransfer": PaymentMethod.BANK_TRANSFER,
    "cashondelivery": PaymentMethod.CASH_ON_DELIVERY,
    "purchaseorder": PaymentMethod.BANK_TRANSFER,
    "companycredit": PaymentMethod.BANK_TRANSFER,
    "free": PaymentMethod.GIFT_CARD,
    "braintree": PaymentMethod.CARD,
    "braintree_cc_vault": PaymentMethod.CARD,
    "braintree_paypal": PaymentMethod.WALLET,
    "braintree_paypal_vault": PaymentMethod.WALLET,
    "braintree_applepay": PaymentMethod.WALLET,
    "braintree_googlepay": PaymentMethod.WALLET,
    "braintree_venmo": PaymentMethod.WALLET,
    "braintree_ach_direct_debit": PaymentMethod.BANK_TRANSFER,
    "paypal_express": PaymentMethod.WALLET,
    "paypal_express_bml": PaymentMethod.BUY_NOW_PAY_LATER,
    "payflow_express": PaymentMethod.WALLET,
    "payflow_express_bml": PaymentMethod.BUY_NOW_PAY_LATER,
    "paypal_billing_agreement": PaymentMethod.WALLET,
    "payflowpro": PaymentMethod.CARD,
    "payflow_link": PaymentMethod.CARD,
    "payflow_advanced": PaymentMethod.CARD,
    "hosted_pro": PaymentMethod.CARD,
    "authorizenet_acceptjs": PaymentMethod.CARD,
}


def test_the_payment_method_table_is_the_one_tested():
    # GIVEN the core, bundled and B2B payment methods tested here
    # WHEN the adapter's table is read
    # THEN it is exactly these
    assert magento.PAYMENT_METHOD == PAYMENT_METHODS


@pytest.mark.parametrize(("code", "method"), PAYMENT_METHODS.items())
def test_each_payment_method_maps(code, method):
    # GIVEN an order paid with the method
    payload = fixture("order.json")
    payload["payment"]["method"] = code

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN the method is the table's, without a note
    assert order.submission.payment.method == method
    assert order.notes == ()


def test_an_unknown_payment_method_is_recorded_as_card_with_a_note():
    # GIVEN a payment module the table does not know
    payload = fixture("order.json")
    payload["payment"]["method"] = "adyen_cc"

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN the paid order is kept as card, and staff are told
    assert order.submission.payment.method == PaymentMethod.CARD
    assert order.notes == ("payment.method 'adyen_cc' is not one we know: recorded as card",)


@pytest.mark.parametrize(("code", "method"), [
    ("flatrate_flatrate", DeliveryMethod.STANDARD),
    ("freeshipping_freeshipping", DeliveryMethod.STANDARD),
    ("tablerate_bestway", DeliveryMethod.STANDARD),
    ("instore_pickup", DeliveryMethod.STORE_PICKUP),
    ("ups_GND", DeliveryMethod.STANDARD),
    ("usps_1", DeliveryMethod.STANDARD),
    ("fedex_FEDEX_GROUND", DeliveryMethod.STANDARD),
    ("dhl_N", DeliveryMethod.STANDARD),
])
def test_each_shipping_method_maps_by_its_carrier(code, method):
    # GIVEN an order shipped by the method
    payload = fixture("order.json")
    payload["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"] = code

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN the delivery method is the carrier's
    assert order.submission.delivery.method == method


def test_an_unknown_carrier_ships_standard_with_a_note():
    # GIVEN a third-party carrier module's method
    payload = fixture("order.json") | {"shipping_description": "Matrix Rates - Express"}
    payload["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"] = "matrixrate_express"

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN it ships standard, and staff are told
    assert order.submission.delivery.method == DeliveryMethod.STANDARD
    assert order.notes == (
        "shipping method 'matrixrate_express' (Matrix Rates - Express) is not one we know: recorded as standard",
    )


def test_a_payload_of_the_wrong_shape_names_the_native_fields_missing():
    # GIVEN a body that is not a sales order
    payload = {"items": [], "total_count": 0}

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as raised:
        magento.to_channel_order(payload)

    # THEN every missing native field is named
    assert fields_of(raised) == {
        "entity_id", "created_at", "order_currency_code", "grand_total", "state", "payment.method", "items.0",
        f"{SHIPPING}.method",
    }


def test_an_item_without_a_price_or_with_a_fraction_of_a_unit_is_named():
    # GIVEN an item without price, and one sold by weight
    payload = fixture("order.json")
    del payload["items"][0]["price"]
    payload["items"][1]["qty_ordered"] = 1.5

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as raised:
        magento.to_channel_order(payload)

    # THEN both are named by their native paths
    assert raised.value.problems == [
        {"field": "items.0.price", "problem": "missing"},
        {"field": "items.1.qty_ordered", "problem": "a fraction of a unit"},
    ]


def test_a_virtual_order_has_no_address_to_ship_to():
    # GIVEN an order of virtual products: its shipping assignment has no address
    payload = fixture("order.json")
    del payload["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as raised:
        magento.to_channel_order(payload)

    # THEN the problem names Magento's field
    assert fields_of(raised) == {f"{SHIPPING}.address"}


def test_amounts_are_exact_decimals_from_json_numbers():
    # GIVEN a price that a binary float cannot hold exactly
    payload = fixture("configurable_item_order.json")
    payload["items"][0].update(price=64.1, row_total=64.1)
    payload["grand_total"] = 162.6

    # WHEN it is adapted
    submission = magento.to_channel_order(payload).submission

    # THEN the amounts are the decimals written, and add up
    assert (submission.lines[0].unit_price, submission.total, submission.total_discrepancy) == (
        Decimal("64.1"), Decimal("162.6"), None,
    )


def test_a_phone_that_is_not_a_number_is_dropped_with_a_note():
    # GIVEN a billing telephone no one can dial
    payload = fixture("order.json")
    payload["billing_address"]["telephone"] = "0"

    # WHEN it is adapted
    order = magento.to_channel_order(payload)

    # THEN the order is kept without the phone, and staff are told
    assert order.submission.customer.phone is None
    assert order.notes == ("billing_address.telephone dropped: not a valid phone number",)


def test_magento_signs_no_order_webhook():
    # GIVEN Magento, whose integrations pull orders with a bearer token
    # WHEN the adapter says how its webhooks are signed
    # THEN there is no signature to check
    assert magento.SIGNATURE is None
