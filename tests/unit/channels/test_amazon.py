"""Amazon SP-API Orders v0: an order's getOrder, getOrderItems and getOrderAddress documents
become one canonical order; an ORDER_CHANGE notification names the order to fetch again."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from oms.channels import ChannelPayloadError, amazon
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

FIXTURES = Path(__file__).parents[2] / "fixtures" / "channels" / "amazon"
ORDER_ID = "114-7730215-4419834"
NOTIFIED_ORDER = "Payload.OrderChangeNotification.AmazonOrderId"

# The documented values (ordersV0.json definitions.Order; SOURCES.md in the fixtures).
ORDER_STATUSES = {"Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable",
                  "InvoiceUnconfirmed", "PendingAvailability"}
PAYMENT_METHODS = {"COD", "CVS", "Other"}
SERVICE_LEVEL_CATEGORIES = {"Expedited", "FreeEconomy", "NextDay", "Priority", "SameDay", "SecondDay", "Scheduled",
                            "Standard"}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def bundle(name: str = "order.json") -> dict:
    return copy.deepcopy(fixture(name))


def order_of(document: dict) -> dict:
    return document["order"]["payload"]


def items_of(document: dict) -> list[dict]:
    return [item for page in document["items"] for item in page["payload"]["OrderItems"]]


def fields(error: pytest.ExceptionInfo) -> set[str]:
    return {problem["field"] for problem in error.value.problems}


def test_the_order_maps_to_the_canonical_order_with_exact_money():
    # GIVEN an Unshipped, merchant-fulfilled US order in its three documents, items on two pages
    document = fixture("order.json")

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN the canonical order says what Amazon says, to the cent
    order = channel_order.submission
    assert (order.channel_order_id, order.channel_order_number) == (ORDER_ID, ORDER_ID)
    assert order.placed_at.isoformat() == "2025-03-14T16:22:08+00:00"
    assert order.currency == "USD"
    assert order.customer.name == "Priya Raman"
    assert order.customer.email == "k7vq3mzp2ltx9wd@marketplace.amazon.com"  # Amazon's relay, kept
    assert order.customer.phone == "+16085550147"
    assert order.delivery.method == DeliveryMethod.EXPRESS
    assert (order.payment.method, order.payment.status) == (PaymentMethod.WALLET, PaymentStatus.AUTHORIZED)
    address = order.shipping_address
    assert (address.line1, address.line2) == ("4410 Larkspur Ln", "Apt 12B")
    assert (address.city, address.region) == ("Madison", "WI")
    assert (address.postal_code, address.country) == ("53705-1183", "US")
    kettle, cups = order.lines
    assert (kettle.sku, kettle.quantity, kettle.unit_price) == ("TEA-KETTLE-1L-BLK", 1, Decimal("39.99"))
    assert kettle.discounts == ()
    assert (cups.sku, cups.quantity, cups.unit_price) == ("TEA-CUP-SET-3", 3, Decimal("16.67"))
    assert [(d.amount, d.code) for d in cups.discounts] == [
        (Decimal("5.00"), "SPRING-TEA-10"),
        (Decimal("0.01"), "rounding"),
    ]
    assert order.shipping == Decimal("5.99")
    assert order.tax == Decimal("6.80")  # 3.20 + 4.00 + 0.48 shipping, less 0.40 and 0.48 on the discounts
    assert order.discount == Decimal("5.99")  # the free expedited shipping
    assert order.total == Decimal("91.79")
    assert order.total_discrepancy is None
    assert (channel_order.status, channel_order.channel_status) == (OrderStatus.RECEIVED, "Unshipped")
    assert "Amazon Prime order: ship by 2025-03-16T06:59:59Z" in channel_order.notes
    assert "gift TEA-CUP-SET-3, wrap Classic: Happy housewarming, Sam!" in channel_order.notes


def test_item_price_is_for_the_whole_quantity_and_the_line_keeps_it_exactly():
    # GIVEN 3 cups for an ItemPrice of 50.00, which does not divide into whole cents
    document = fixture("order.json")

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN the unit price is rounded up to the cent and the rounding given back:
    # the line is 50.00 before its promotion
    cups = channel_order.submission.lines[1]
    assert cups.gross - Decimal("0.01") == Decimal("50.00")
    assert cups.net == Decimal("45.00")
    assert "TEA-CUP-SET-3: ItemPrice 50.00 for 3 is 16.67 each less 0.01 rounding" in channel_order.notes


@pytest.mark.parametrize("price, quantity, unit, rounding", [
    ("30.00", 3, "10.00", "0"),
    ("10.00", 3, "3.34", "0.02"),
    ("0.05", 4, "0.02", "0.03"),
])
def test_every_split_rounds_up_and_gives_the_difference_back(price, quantity, unit, rounding):
    # GIVEN an item's price for its whole quantity
    document = bundle()
    item = items_of(document)[0]
    item["ItemPrice"]["Amount"], item["QuantityOrdered"] = price, quantity
    order_of(document).pop("OrderTotal")

    # WHEN it is adapted
    line = amazon.to_channel_order(document).submission.lines[0]

    # THEN unit × quantity less the rounding is the price, exactly
    assert line.unit_price == Decimal(unit)
    assert line.discount == Decimal(rounding)
    assert line.net == Decimal(price)


def test_envelopes_and_pages_are_optional():
    # GIVEN the same order as bare payloads, its items as one flat list
    document = fixture("order.json")
    bare = {
        "order": order_of(document),
        "items": items_of(document),
        "address": document["address"]["payload"],
    }
    one_page = {**document, "items": {"payload": {"AmazonOrderId": ORDER_ID, "OrderItems": items_of(document)}}}

    # WHEN each is adapted
    # THEN each is the same order
    expected = amazon.to_channel_order(document).submission
    assert amazon.to_channel_order(bare).submission == expected
    assert amazon.to_channel_order(one_page).submission == expected


def test_without_an_address_document_the_orders_own_shipping_address_is_used():
    # GIVEN the order carrying its ShippingAddress (with a Restricted Data Token), and no getOrderAddress
    document = bundle()
    order_of(document)["ShippingAddress"] = document.pop("address")["payload"]["ShippingAddress"]

    # WHEN it is adapted
    order = amazon.to_channel_order(document).submission

    # THEN the address and the buyer's phone come from the order
    assert order.shipping_address == amazon.to_channel_order(fixture("order.json")).submission.shipping_address
    assert order.customer.phone == "+16085550147"


def test_a_pending_order_is_held_unpaid_with_what_amazon_gives_so_far():
    # GIVEN a Pending order: payment not authorised, so no OrderTotal and no item prices
    document = fixture("order_pending.json")

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN it is on hold, unpaid, in the marketplace's currency, with staff told why
    order = channel_order.submission
    assert (channel_order.status, channel_order.channel_status) == (OrderStatus.ON_HOLD, "Pending")
    assert (order.payment.method, order.payment.status) == (PaymentMethod.CARD, PaymentStatus.PENDING)
    assert order.currency == "GBP"
    assert order.lines[0].unit_price == order.total == Decimal(0)
    assert order.total_discrepancy is None
    assert order.shipping_address.postal_code == "BS1 6QH"
    assert ("Amazon has not authorised the payment yet: do not ship until Amazon reports it Unshipped"
            in channel_order.notes)
    assert "Amazon gives no ItemPrice for LINEN-TEA-TOWEL-2PK: priced 0" in channel_order.notes


def test_a_pending_order_without_an_address_says_amazon_withholds_it():
    # GIVEN a Pending order as Amazon usually gives it: no shipping address yet
    document = bundle("order_pending.json")
    del document["order"]["ShippingAddress"]

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        amazon.to_channel_order(document)

    # THEN the error names the address and says when it comes
    [problem] = error.value.problems
    assert problem["field"] == "address.ShippingAddress"
    assert "until payment is authorised" in problem["problem"]


def test_an_order_amazon_fulfils_is_not_ours_to_ship():
    # GIVEN a Shipped order fulfilled by Amazon (AFN) in Germany, VAT inside the prices
    document = fixture("order_afn.json")

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN it arrives shipped, paid, and the VAT Amazon reports is not added a second time
    order = channel_order.submission
    assert channel_order.status == OrderStatus.SHIPPED
    assert (order.payment.method, order.payment.status) == (PaymentMethod.CARD, PaymentStatus.PAID)
    assert order.lines[0].unit_price == Decimal("24.95")
    assert (order.shipping, order.tax, order.total) == (Decimal("9.90"), Decimal(0), Decimal("59.80"))
    assert order.total_discrepancy is None
    assert order.customer.phone is None  # Amazon suppresses it for AFN
    assert "prices include tax of 9.55 EUR: not added on top" in channel_order.notes
    assert any(note.startswith("fulfilled by Amazon (AFN)") for note in channel_order.notes)


@pytest.mark.parametrize("word, expected", [
    ("Unshipped", OrderStatus.SHIPPED),
    ("Pending", OrderStatus.SHIPPED),
    ("PartiallyShipped", OrderStatus.SHIPPED),
    ("Canceled", OrderStatus.CANCELLED),
    ("Unfulfillable", OrderStatus.CANCELLED),
])
def test_an_amazon_fulfilled_order_is_never_open_for_the_oms(word, expected):
    # GIVEN an AFN order at any stage of Amazon's own fulfilment
    document = bundle("order_afn.json")
    document["order"]["OrderStatus"] = word

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN it is shipped (out of the OMS's hands) or cancelled, and Amazon's word is kept
    assert (channel_order.status, channel_order.channel_status) == (expected, word)


def test_cash_on_delivery_in_yen():
    # GIVEN a COD order in Japan: 3 whisks for 4000 yen, a COD fee and its discount, Amazon Points
    document = fixture("order_cod_jpy.json")

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN yen have no minor unit, the COD fee is a delivery charge, and the door collects the money
    order = channel_order.submission
    assert (order.payment.method, order.payment.status) == (PaymentMethod.CASH_ON_DELIVERY, PaymentStatus.PENDING)
    line = order.lines[0]
    assert (line.quantity, line.unit_price, line.discount, line.net) == (3, Decimal(1334), Decimal(2), Decimal(4000))
    assert (order.shipping, order.discount, order.tax) == (Decimal(330), Decimal(100), Decimal(0))
    assert order.total == Decimal(4230)
    assert order.total_discrepancy is None
    assert order.customer.phone == "+81355550123"
    assert order.shipping_address.line1 == "銀座四丁目6-16"
    assert order.shipping_address.line2 == "銀座松風ビル 5F"
    assert order.delivery.method == DeliveryMethod.STANDARD  # Scheduled: at a time the buyer chose
    assert "Amazon Points granted: 40 (worth 40 JPY); the buyer's total is unchanged" in channel_order.notes
    assert "scheduled delivery between 2025-03-12T09:00:00+09:00 and 2025-03-12T12:00:00+09:00" in channel_order.notes
    assert "paid with COD, PointsAccount" in channel_order.notes


def test_the_tables_cover_every_documented_value():
    # GIVEN Amazon's documented values
    # WHEN the tables are read
    # THEN each has them all
    assert set(amazon.ORDER_STATUS) == set(amazon.PAYMENT_STATUS) == ORDER_STATUSES
    assert set(amazon.PAYMENT_METHOD) == PAYMENT_METHODS
    assert set(amazon.SHIPMENT_SERVICE_LEVEL) == SERVICE_LEVEL_CATEGORIES
    assert amazon.FULFILLMENT_CHANNELS == {"MFN", "AFN"}


@pytest.mark.parametrize("word, status, payment", [
    ("PendingAvailability", OrderStatus.ON_HOLD, PaymentStatus.PENDING),
    ("Pending", OrderStatus.ON_HOLD, PaymentStatus.PENDING),
    ("Unshipped", OrderStatus.RECEIVED, PaymentStatus.AUTHORIZED),
    ("PartiallyShipped", OrderStatus.PARTIALLY_SHIPPED, PaymentStatus.PARTIALLY_PAID),
    ("Shipped", OrderStatus.SHIPPED, PaymentStatus.PAID),
    ("InvoiceUnconfirmed", OrderStatus.SHIPPED, PaymentStatus.PAID),
    ("Canceled", OrderStatus.CANCELLED, PaymentStatus.VOIDED),
    ("Unfulfillable", OrderStatus.CANCELLED, PaymentStatus.VOIDED),
])
def test_each_order_status_maps_to_our_status_and_payment_status(word, status, payment):
    # GIVEN a merchant-fulfilled order in each of Amazon's statuses
    document = bundle()
    order_of(document)["OrderStatus"] = word

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN the tables decide, and Amazon's word is kept verbatim
    assert (channel_order.status, channel_order.submission.payment.status) == (status, payment)
    assert channel_order.channel_status == word


@pytest.mark.parametrize("word, details, method", [
    ("COD", ["COD"], PaymentMethod.CASH_ON_DELIVERY),
    ("CVS", [], PaymentMethod.BANK_TRANSFER),
    ("Other", [], PaymentMethod.WALLET),
    *[("Other", [detail], method) for detail, method in amazon.PAYMENT_METHOD_DETAIL.items()],
])
def test_each_payment_method_maps(word, details, method):
    # GIVEN an order paid by each method Amazon names
    document = bundle()
    order_of(document).update(PaymentMethod=word, PaymentMethodDetails=details)

    # WHEN it is adapted
    # THEN the tables decide the method
    assert amazon.to_channel_order(document).submission.payment.method == method


def test_cash_on_delivery_stays_unpaid_until_the_door_even_once_shipped():
    # GIVEN a shipped COD order
    document = bundle("order_cod_jpy.json")
    order_of(document)["OrderStatus"] = "Shipped"

    # WHEN it is adapted
    # THEN its payment is still pending: the carrier collects it
    assert amazon.to_channel_order(document).submission.payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize("category, method", [
    ("Standard", DeliveryMethod.STANDARD),
    ("FreeEconomy", DeliveryMethod.STANDARD),
    ("Scheduled", DeliveryMethod.STANDARD),
    ("Expedited", DeliveryMethod.EXPRESS),
    ("Priority", DeliveryMethod.EXPRESS),
    ("SecondDay", DeliveryMethod.EXPRESS),
    ("NextDay", DeliveryMethod.EXPRESS),
    ("SameDay", DeliveryMethod.SAME_DAY),
])
def test_each_shipment_service_level_category_maps(category, method):
    # GIVEN an order in each service level category
    document = bundle()
    order_of(document)["ShipmentServiceLevelCategory"] = category

    # WHEN it is adapted
    # THEN the table decides the delivery method
    assert amazon.to_channel_order(document).submission.delivery.method == method


def test_an_unknown_service_level_ships_standard_with_a_note():
    # GIVEN a category Amazon may add one day, and a free-text ShipServiceLevel we cannot read either
    document = bundle()
    order_of(document).update(ShipmentServiceLevelCategory="Drone", ShipServiceLevel="Drone US Dom")

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN it is shipped standard, and staff are told
    assert channel_order.submission.delivery.method == DeliveryMethod.STANDARD
    assert "ship service level Drone is not one we know: shipped standard" in channel_order.notes


@pytest.mark.parametrize("field, value", [
    ("OrderStatus", "Teleported"),
    ("PaymentMethod", "Barter"),
    ("FulfillmentChannel", "SellerFulfilled"),
])
def test_an_unknown_closed_list_value_is_refused_naming_the_field(field, value):
    # GIVEN a value outside one of Amazon's closed lists
    document = bundle()
    order_of(document)[field] = value

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        amazon.to_channel_order(document)

    # THEN the error names the native field
    assert fields(error) == {f"order.{field}"}


def test_an_unknown_payment_detail_is_recorded_as_amazons_wallet_with_a_note():
    # GIVEN a payment detail word the docs do not list
    document = bundle()
    order_of(document)["PaymentMethodDetails"] = ["Crypto"]

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN the buyer paid through Amazon's checkout, and staff are told
    assert channel_order.submission.payment.method == PaymentMethod.WALLET
    assert "payment method detail 'Crypto' is not one we know: recorded as wallet" in channel_order.notes


@pytest.mark.parametrize("payload, expected", [
    ({}, {"order", "items"}),
    ([], {"body"}),
    ({"order": {"payload": {}}, "items": []},
     {"order.AmazonOrderId", "order.PurchaseDate", "order.OrderStatus", "items"}),
    ({"order": {"errors": [{"code": "NotFound", "message": "no such order"}]}, "items": []}, {"order.errors", "items"}),
    ({"order": "114-7730215-4419834", "items": [42]}, {"order", "items.0"}),
])
def test_a_payload_of_the_wrong_shape_names_the_missing_native_fields(payload, expected):
    # GIVEN something that is not an Amazon order bundle
    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        amazon.to_channel_order(payload)

    # THEN the error names what is missing, in the bundle's native terms
    assert fields(error) == expected


def test_items_are_numbered_across_pages_in_errors():
    # GIVEN the second page's item without its quantity
    document = bundle()
    del document["items"][1]["payload"]["OrderItems"][0]["QuantityOrdered"]

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        amazon.to_channel_order(document)

    # THEN the error names the second OrderItem of the order
    assert fields(error) == {"items.1.QuantityOrdered"}


@pytest.mark.parametrize("change, field", [
    (lambda d: d["items"][0]["payload"].update(AmazonOrderId="999-0000000-0000000"), "items.AmazonOrderId"),
    (lambda d: d["address"]["payload"].update(AmazonOrderId="999-0000000-0000000"), "address.AmazonOrderId"),
    (lambda d: items_of(d)[0]["ItemPrice"].update(Amount="forty"), "items.0.ItemPrice.Amount"),
    (lambda d: order_of(d).update(PurchaseDate="last Tuesday"), "order.PurchaseDate"),
    (lambda d: d["address"]["payload"]["ShippingAddress"].pop("City"), "address.ShippingAddress.City"),
    (lambda d: d["address"]["payload"]["ShippingAddress"].update(CountryCode="ZZ"),
     "address.ShippingAddress.CountryCode"),
    (lambda d: items_of(d)[0].update(QuantityOrdered="1"), "items.0.QuantityOrdered"),
])
def test_a_bad_field_is_reported_under_its_native_path(change, field):
    # GIVEN one field wrong, or documents of two different orders
    document = bundle()
    change(document)

    # WHEN it is adapted
    with pytest.raises(ChannelPayloadError) as error:
        amazon.to_channel_order(document)

    # THEN the error names it where Amazon put it
    assert fields(error) == {field}


def test_a_total_that_does_not_add_up_is_kept_with_the_discrepancy():
    # GIVEN an OrderTotal a dollar above Amazon's own parts
    document = bundle()
    order_of(document)["OrderTotal"]["Amount"] = "92.79"

    # WHEN it is adapted
    order = amazon.to_channel_order(document).submission

    # THEN the stated total stands and the difference is recorded
    assert order.total == Decimal("92.79")
    assert order.total_discrepancy == Decimal("1.00")


def test_a_bad_phone_is_dropped_with_a_note():
    # GIVEN a buyer phone that is no number
    document = bundle()
    document["address"]["payload"]["ShippingAddress"]["Phone"] = "call me"

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN the order stands without it, and staff are told
    assert channel_order.submission.customer.phone is None
    assert "buyer phone dropped: not a valid number" in channel_order.notes


def test_amazon_signs_no_webhooks():
    # GIVEN Amazon's notifications arrive through SQS or EventBridge, not as signed HTTP posts
    # WHEN the adapter's signature scheme is read
    # THEN there is none
    assert amazon.SIGNATURE is None


def test_a_buyer_cancel_request_holds_an_open_order():
    # GIVEN an Unshipped order whose buyer asked Amazon to cancel
    document = bundle()
    items_of(document)[1]["BuyerRequestedCancel"] = {"IsBuyerRequestedCancel": "true",
                                                     "BuyerCancelReason": "Ordered twice"}

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN it is held, not shipped, and staff are told to cancel it on Amazon
    assert channel_order.status == OrderStatus.ON_HOLD
    assert "the buyer asked Amazon to cancel (Ordered twice): do not ship; cancel it on Amazon" in channel_order.notes


def test_an_item_without_a_seller_sku_stands_in_with_its_asin():
    # GIVEN an item Amazon lists without a SellerSKU
    document = bundle()
    del items_of(document)[0]["SellerSKU"]

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN its ASIN stands in, prefixed, and staff are told (screening holds it as an unknown SKU)
    assert channel_order.submission.lines[0].sku == "amazon-asin-B0CX7Q2LMN"
    assert any("has no SellerSKU: recorded as amazon-asin-B0CX7Q2LMN" in note for note in channel_order.notes)


def test_an_item_with_quantity_zero_is_left_out_and_an_order_of_only_those_refused():
    # GIVEN an order whose first item was cancelled down to quantity 0
    document = bundle()
    items_of(document)[0]["QuantityOrdered"] = 0

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN only the other item is a line, and errors still name the second item by its own index
    assert [line.sku for line in channel_order.submission.lines] == ["TEA-CUP-SET-3"]
    assert any("has quantity 0 (cancelled): left out" in note for note in channel_order.notes)
    items_of(document)[1]["QuantityOrdered"] = 0
    with pytest.raises(ChannelPayloadError) as error:
        amazon.to_channel_order(document)
    assert fields(error) == {"items"}


def test_an_in_store_pickup_names_amazons_store():
    # GIVEN an in-store pickup (ISPU) order for a store in the seller's chain
    document = bundle()
    order_of(document)["IsISPU"] = True
    for item in items_of(document):
        item["StoreChainStoreId"] = "madison-east"

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN it is a store pickup at that store, for staff to match to an OMS location
    delivery = channel_order.submission.delivery
    assert (delivery.method, delivery.pickup_location_id) == (DeliveryMethod.STORE_PICKUP, "madison-east")


def test_an_amount_in_another_currency_is_left_out_with_a_note():
    # GIVEN gift wrap priced in GBP on a USD order, as the spec's own example does with yen
    document = bundle()
    items_of(document)[0]["BuyerInfo"] = {"GiftWrapPrice": {"CurrencyCode": "GBP", "Amount": "2.50"}}

    # WHEN it is adapted
    channel_order = amazon.to_channel_order(document)

    # THEN it is not added as dollars, and staff are told
    assert channel_order.submission.shipping == Decimal("5.99")
    assert "items.0.BuyerInfo.GiftWrapPrice is in GBP, the order in USD: left out" in channel_order.notes


def test_gift_wrap_is_charged_as_delivery_and_a_promotion_above_the_price_as_an_order_discount():
    # GIVEN gift wrap on the kettle and a promotion larger than the cups' price
    document = bundle()
    items_of(document)[0]["BuyerInfo"] = {"GiftWrapPrice": {"CurrencyCode": "USD", "Amount": "3.99"}}
    items_of(document)[1]["PromotionDiscount"]["Amount"] = "55.00"
    order_of(document).pop("OrderTotal")

    # WHEN it is adapted
    order = amazon.to_channel_order(document).submission

    # THEN the line bears its whole price as discount and the rest is taken off the order
    assert order.shipping == Decimal("9.98")
    assert order.lines[1].discounts[0].amount == Decimal("50.00")
    assert order.discount == Decimal("10.99")


def test_eight_place_coordinates_are_rounded_to_seven():
    # GIVEN getOrderAddress's extended fields with Amazon's eight-place coordinates
    document = bundle()
    document["address"]["payload"]["ShippingAddress"]["ExtendedFields"] = {
        "StreetName": "Larkspur Ln", "StreetNumber": "4410",
        "GeoCoordinates": {"Latitude": 43.07305912, "Longitude": -89.45173368},
    }

    # WHEN it is adapted
    address = amazon.to_channel_order(document).submission.shipping_address

    # THEN they fit the model's seven places
    assert (address.latitude, address.longitude) == (Decimal("43.0730591"), Decimal("-89.4517337"))


def test_an_order_change_notification_names_the_order_to_fetch_again():
    # GIVEN an ORDER_CHANGE notification as SQS delivers it
    notification = fixture("order_change_notification.json")

    # WHEN it is read
    # THEN it names the order
    assert amazon.order_id_from_notification(notification) == ORDER_ID


def test_a_delivery_tip_change_needs_no_fetch():
    # GIVEN an ORDER_CHANGE for a delivery tip
    notification = fixture("order_change_notification.json")
    notification["Payload"]["OrderChangeNotification"]["OrderChangeType"] = "DeliveryTipChange"

    # WHEN it is read
    # THEN there is nothing to fetch
    assert amazon.order_id_from_notification(notification) is None


@pytest.mark.parametrize("change, field", [
    (lambda n: n.update(NotificationType="ANY_OFFER_CHANGED"), "NotificationType"),
    (lambda n: n.pop("NotificationType"), "NotificationType"),
    (lambda n: n["Payload"]["OrderChangeNotification"].pop("AmazonOrderId"), NOTIFIED_ORDER),
    (lambda n: n["Payload"]["OrderChangeNotification"].update(AmazonOrderId=" "), NOTIFIED_ORDER),
])
def test_another_notification_or_one_without_an_order_is_refused(change, field):
    # GIVEN another notification type, or an ORDER_CHANGE without its order id
    notification = fixture("order_change_notification.json")
    change(notification)

    # WHEN it is read
    with pytest.raises(ChannelPayloadError) as error:
        amazon.order_id_from_notification(notification)

    # THEN the error names the field
    assert fields(error) == {field}
