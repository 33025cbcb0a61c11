"""Amazon SP-API Orders v0: an order's three documents, turned into the canonical order.

Amazon pushes no orders: the OMS polls getOrders (oms.channels.amazon_client) and hands this
adapter one *bundle* per order, a dict of the documents Amazon splits an order into:

    {
      "order":   getOrder's response {"payload": Order}, or the Order itself
                 (an element of getOrders' `Orders` is an Order too),
      "items":   getOrderItems' response {"payload": {"AmazonOrderId", "OrderItems", "NextToken"}},
                 or that payload, or a list of either (one per NextToken page),
                 or the list of OrderItem objects itself,
      "address": getOrderAddress' response {"payload": OrderAddress}, or the OrderAddress;
                 optional (null or absent): the Order's own ShippingAddress is used instead
    }

Errors name native fields by their path in the bundle: `order.PurchaseDate`, `items.3.SellerSKU`
(the fourth OrderItem counted across all pages), `address.ShippingAddress.City`.

Money. `ItemPrice` is the price of the item's whole quantity, not of one unit. The unit price
is that divided by the quantity, rounded *up* to the currency's minor unit (or the amount's
own precision, if finer); what rounding up adds is given back as a line discount coded
`rounding`, so the line's net is exactly Amazon's ItemPrice. Shipping, COD and gift-wrap
charges are the order's shipping; shipping and COD-fee discounts its discount. In the EU and
Japan Amazon's prices already hold the tax its ItemTax reports: when the stated total is the
sum without the tax, the tax is not added again (and a note says so).

Statuses. Amazon says not to ship a Pending order (payment not yet authorised; Amazon also
withholds its prices, total and address until then), so it arrives ON_HOLD with payment
pending: RECEIVED would send it to screening and allocation. So does an open order whose
buyer asked Amazon to cancel it. An order Amazon fulfils itself (FulfillmentChannel AFN) is
not ours to allocate or ship: it arrives SHIPPED (or CANCELLED), whatever Amazon's own
progress with it, with a note.

Amazon signs no webhooks: its notifications come through SQS or EventBridge, so SIGNATURE is
None; `order_id_from_notification` reads which order an ORDER_CHANGE notification is about.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

import iso4217

from oms.channels import amazon_2026
from oms.channels import ChannelOrder, ChannelPayloadError, WebhookSignature, e164, require, submission_from
from oms.channels.reading import as_dict, as_list, decimal, moment, text
from oms.models import DeliveryMethod, OrderStatus, PaymentMethod, PaymentStatus

SIGNATURE: WebhookSignature | None = None

# `OrderStatus`, all eight documented values (ordersV0.json definitions.Order). Pending and
# PendingAvailability (a pre-order) are not paid for yet: held, never shipped. Unfulfillable
# applies to Multi-Channel Fulfillment orders Amazon cannot fill: they will not ship.
ORDER_STATUS: dict[str, OrderStatus] = {
    "PendingAvailability": OrderStatus.ON_HOLD,
    "Pending": OrderStatus.ON_HOLD,
    "Unshipped": OrderStatus.RECEIVED,
    "PartiallyShipped": OrderStatus.PARTIALLY_SHIPPED,
    "Shipped": OrderStatus.SHIPPED,
    "InvoiceUnconfirmed": OrderStatus.SHIPPED,  # all shipped; the seller owes Amazon the invoice
    "Canceled": OrderStatus.CANCELLED,
    "Unfulfillable": OrderStatus.CANCELLED,
}

# Amazon authorises the buyer's payment when an order leaves Pending and charges it when the
# seller confirms shipment, item by item. Cash on delivery is collected at the door whatever
# the order's status (see _payment_status).
PAYMENT_STATUS: dict[str, PaymentStatus] = {
    "PendingAvailability": PaymentStatus.PENDING,
    "Pending": PaymentStatus.PENDING,
    "Unshipped": PaymentStatus.AUTHORIZED,
    "PartiallyShipped": PaymentStatus.PARTIALLY_PAID,
    "Shipped": PaymentStatus.PAID,
    "InvoiceUnconfirmed": PaymentStatus.PAID,
    "Canceled": PaymentStatus.VOIDED,
    "Unfulfillable": PaymentStatus.VOIDED,
}

# `PaymentMethod`: COD, CVS or Other, a closed list. CVS is a payment slip settled in cash at
# a Japanese convenience store before Amazon releases the order: an offline pay-in, as a bank
# transfer is. "Other" is Amazon's own checkout; PaymentMethodDetails says more (below).
PAYMENT_METHOD: dict[str, PaymentMethod] = {
    "COD": PaymentMethod.CASH_ON_DELIVERY,
    "CVS": PaymentMethod.BANK_TRANSFER,
    "Other": PaymentMethod.WALLET,
}

# `PaymentMethodDetails` (free strings) and the sub-methods of PaymentExecutionDetail, which
# the spec lists: COD, GC, PointsAccount, Invoice, CreditCard, Pix, Other. "GiftCertificate"
# and "Standard" appear in the spec's examples. The first detail decides; an unknown one
# leaves Amazon's checkout, a wallet, with a note: the method informs, it does not decide
# whether the order is paid.
PAYMENT_METHOD_DETAIL: dict[str, PaymentMethod] = {
    "CreditCard": PaymentMethod.CARD,
    "GiftCertificate": PaymentMethod.GIFT_CARD,
    "GC": PaymentMethod.GIFT_CARD,
    "PointsAccount": PaymentMethod.WALLET,
    "Standard": PaymentMethod.WALLET,
    "Other": PaymentMethod.WALLET,
    "COD": PaymentMethod.CASH_ON_DELIVERY,
    "Invoice": PaymentMethod.BUY_NOW_PAY_LATER,  # Amazon Business pay by invoice, on terms
    "Pix": PaymentMethod.BANK_TRANSFER,  # Brazil's instant bank transfer
}

# `ShipmentServiceLevelCategory`, the eight documented values. Scheduled delivery (Japan) is
# an ordinary delivery at a time the buyer chose: the window is in a note.
SHIPMENT_SERVICE_LEVEL: dict[str, DeliveryMethod] = {
    "Standard": DeliveryMethod.STANDARD,
    "FreeEconomy": DeliveryMethod.STANDARD,
    "Scheduled": DeliveryMethod.STANDARD,
    "Expedited": DeliveryMethod.EXPRESS,
    "Priority": DeliveryMethod.EXPRESS,
    "SecondDay": DeliveryMethod.EXPRESS,
    "NextDay": DeliveryMethod.EXPRESS,
    "SameDay": DeliveryMethod.SAME_DAY,
}

FULFILLMENT_CHANNELS = frozenset({"MFN", "AFN"})  # fulfilled by the merchant / by Amazon

# A Pending order states no amount at all, so its currency is the marketplace's
# (developer-docs.amazon.com/sp-api/docs/marketplace-ids).
MARKETPLACE_CURRENCY: dict[str, str] = {
    "A2EUQ1WTGCTBG2": "CAD",
    "ATVPDKIKX0DER": "USD",
    "A1AM78C64UM0Y8": "MXN",
    "A2Q3Y263D00KWC": "BRL",
    "A28R8C7NBKEWEA": "EUR",
    "A1RKKUPIHCS9HS": "EUR",
    "A1F83G8C2ARO7P": "GBP",
    "A13V1IB3VIYZZH": "EUR",
    "AMEN7PMS3EDWL": "EUR",
    "A1805IZSGTT6HS": "EUR",
    "A1PA6795UKMFR9": "EUR",
    "APJ6JRA9NG5V4": "EUR",
    "A2NODRKZP88ZB9": "SEK",
    "AE08WJ6YKNBMC": "ZAR",
    "A1C3SOZRARQ6R3": "PLN",
    "ARBP9OOSHTCHU": "EGP",
    "A33AVAJ2PDY3EV": "TRY",
    "A17E79C6D8DWNP": "SAR",
    "A2VIGQ35RCS4UG": "AED",
    "A21TJRUUN4KGV": "INR",
    "A19VAU5U5O7RUS": "SGD",
    "A39IBJ37TRP1C6": "AUD",
    "A1VC38T7YXB528": "JPY",
}

# The one OrderChangeType that changes nothing the OMS does (BuyerRequestedChange and
# OrderStatusChange do; an unknown type is fetched again, which costs one call).
_TIP_ONLY = "DeliveryTipChange"
_AWAITING_PAYMENT = frozenset({"Pending", "PendingAvailability"})
_ADDRESS_FIELDS = {
    "name": "Name",
    "company": "CompanyName",
    "line1": "AddressLine1",
    "line2": "AddressLine2",
    "city": "City",
    "region": "StateOrRegion",
    "postal_code": "PostalCode",
    "country": "CountryCode",
    "latitude": "ExtendedFields.GeoCoordinates.Latitude",
    "longitude": "ExtendedFields.GeoCoordinates.Longitude",
}
_COORDINATE = Decimal("1e-7")


def to_channel_order(payload: dict) -> ChannelOrder:
    if amazon_2026.is_2026(payload):  # the Orders API 2026-01-01 shape
        return amazon_2026.to_channel_order(payload)
    return _v0_channel_order(payload)


def _v0_channel_order(payload: dict) -> ChannelOrder:
    order, items, address_document, problems = _documents(payload)
    problems += _order_problems(order) + _item_problems(items)
    if problems:
        raise ChannelPayloadError(problems)

    notes: list[str] = []
    word = order["OrderStatus"]
    currency = _currency(order, items, problems)
    money = _Money(currency, problems, notes)
    lines, native_lines, excess_promotions = _lines(items, money, notes)
    charges = _charges(items, money)
    charges["discount"] += excess_promotions
    total = money.read(order.get("OrderTotal"), "order.OrderTotal")
    delivery = _delivery(order, items, problems, notes)
    address, address_path, phone = _shipping_address(order, address_document, delivery, problems)
    method = _payment_method(order, problems, notes)
    if not lines:
        problems.append({"field": "items", "problem": "no item with QuantityOrdered above 0"})
    if problems:
        raise ChannelPayloadError(problems)

    lines_net = sum((line["unit_price"] * line["quantity"] - sum((d["amount"] for d in line["discounts"]), Decimal(0))
                     for line in lines), Decimal(0))
    tax = max(charges["tax"], Decimal(0))
    untaxed = lines_net + charges["shipping"] - charges["discount"]
    if tax and total == untaxed:
        # EU and Japanese marketplaces price gross: the tax is inside ItemPrice already.
        notes.append(f"prices include tax of {tax} {currency}: not added on top")
        tax = Decimal(0)
    if total is None:
        total = untaxed + tax
        notes.append("Amazon states no OrderTotal yet: the total is the sum of the items")

    status = _status(order, items, notes)
    notes += _order_notes(order, items, currency)
    canonical = {
        "channel_order_id": order["AmazonOrderId"],
        "channel_order_number": order["AmazonOrderId"],
        "placed_at": order["PurchaseDate"],
        "currency": currency,
        "customer": _customer(order, address, phone, notes),
        "delivery": delivery,
        "payment": {"method": method, "status": _payment_status(word, method)},
        "shipping_address": address,
        "lines": lines,
        "shipping": charges["shipping"],
        "tax": tax,
        "discount": charges["discount"],
        "total": total,
    }
    submission = submission_from(canonical, _native_fields(native_lines, address_path))
    return ChannelOrder(submission=submission, status=status, channel_status=word, notes=tuple(notes),
                        updated_at=moment(order.get("LastUpdateDate")))


def order_id_from_notification(notification: dict) -> str | None:
    """The AmazonOrderId an ORDER_CHANGE notification (as Amazon delivers it to SQS, parsed)
    is about, for the poller to fetch again; None when only a delivery tip changed."""
    if not isinstance(notification, dict) or notification.get("NotificationType") != "ORDER_CHANGE":
        kind = notification.get("NotificationType") if isinstance(notification, dict) else None
        raise ChannelPayloadError([{"field": "NotificationType", "problem": f"not ORDER_CHANGE: {kind!r}"}])
    path = "Payload.OrderChangeNotification.AmazonOrderId"
    problems = require(notification, path)
    order_id = text(notification["Payload"]["OrderChangeNotification"]["AmazonOrderId"]) if not problems else None
    if order_id is None:
        raise ChannelPayloadError(problems or [{"field": path, "problem": "not an order id"}])
    if notification["Payload"]["OrderChangeNotification"].get("OrderChangeType") == _TIP_ONLY:
        return None
    return order_id


class _Money:
    """Reads Amazon's Money objects {CurrencyCode, Amount (a decimal string)} in the order's currency."""

    def __init__(self, currency: str, problems: list, notes: list[str]):
        self.currency, self.problems, self.notes = currency, problems, notes

    def read(self, value: Any, path: str) -> Decimal | None:
        if value is None:
            return None
        if not isinstance(value, dict) or value.get("Amount") is None:
            self.problems.append({"field": f"{path}.Amount", "problem": "missing"})
            return None
        amount = decimal(value["Amount"])
        if amount is None:
            self.problems.append({"field": f"{path}.Amount", "problem": f"not an amount: {value['Amount']!r}"})
            return None
        other = text(value.get("CurrencyCode"))
        if other and other.upper() != self.currency:
            # The spec's own example prices gift wrap in GBP on a JPY order: leave it out, say so.
            self.notes.append(f"{path} is in {other}, the order in {self.currency}: left out")
            return None
        return amount

    def sum(self, items: list[dict], *fields: str) -> Decimal:
        """The fields summed over the items. Discounts are positive in the Orders API; a
        negative one (as the Finances API writes them) is the same amount, so sizes are summed."""
        total = Decimal(0)
        for index, item in enumerate(items):
            for field in fields:
                parent, _, name = field.rpartition(".")
                holder = as_dict(item.get(parent)) if parent else item
                total += abs(self.read(holder.get(name), f"items.{index}.{field}") or Decimal(0))
        return total


def _documents(payload: Any) -> tuple[dict | None, list, dict | None, list[dict[str, str]]]:
    if not isinstance(payload, dict):
        return None, [], None, [{"field": "body", "problem": "not an object {order, items, address}"}]
    problems: list[dict[str, str]] = []
    order = _unwrap(payload.get("order"), "order", problems)
    pages = payload.get("items")
    items: list = []
    for page in pages if isinstance(pages, list) else [] if pages is None else [pages]:
        if isinstance(page, dict) and {"payload", "OrderItems", "errors"} & page.keys():
            page = _unwrap(page, "items", problems)
            listed = page.get("OrderItems") if page is not None else []
            if not isinstance(listed, list):
                problems.append({"field": "items.OrderItems", "problem": "not a list"})
                continue
            items.extend(listed)
            _same_order(page or {}, order, "items", problems)
        else:
            items.append(page)  # an OrderItem itself
    if not items and not any(p["field"].startswith("items") for p in problems):
        problems.append({"field": "items", "problem": "missing" if pages is None else "no OrderItems"})
    problems += [{"field": f"items.{i}", "problem": "not an OrderItem"} for i, item in enumerate(items)
                 if not isinstance(item, dict)]
    address = _unwrap(payload.get("address"), "address", problems) if payload.get("address") is not None else None
    if address is not None:
        _same_order(address, order, "address", problems)
    return order, items, address, problems


def _unwrap(document: Any, name: str, problems: list) -> dict | None:
    """A response's payload, or the document itself when it came without the envelope."""
    if document is None:
        problems.append({"field": name, "problem": "missing"})
        return None
    if isinstance(document, dict) and document.get("errors"):
        said = "; ".join(f"{as_dict(e).get('code')}: {as_dict(e).get('message')}" for e in as_list(document["errors"]))
        problems.append({"field": f"{name}.errors", "problem": f"an error response, not a document: {said}"})
        return None
    if isinstance(document, dict) and "payload" in document:
        document = document["payload"]
    if not isinstance(document, dict):
        problems.append({"field": name, "problem": "not an object"})
        return None
    return document


def _same_order(document: dict, order: dict | None, name: str, problems: list) -> None:
    theirs, ours = document.get("AmazonOrderId"), (order or {}).get("AmazonOrderId")
    if theirs is not None and ours is not None and theirs != ours:
        problems.append({"field": f"{name}.AmazonOrderId", "problem": f"{theirs!r} is not the order {ours!r}"})


def _order_problems(order: dict | None) -> list[dict[str, str]]:
    if order is None:
        return []  # reported as missing already
    required = require(order, "AmazonOrderId", "PurchaseDate", "OrderStatus")
    problems = [{**p, "field": f"order.{p['field']}"} for p in required]
    for field, known in (("OrderStatus", ORDER_STATUS), ("FulfillmentChannel", FULFILLMENT_CHANNELS)):
        value = order.get(field)
        if value is not None and not (isinstance(value, str) and value in known):
            problems.append({"field": f"order.{field}", "problem": f"unknown value {value!r}"})
    if order.get("AmazonOrderId") is not None and text(order["AmazonOrderId"]) is None:
        problems.append({"field": "order.AmazonOrderId", "problem": "not an order id"})
    return problems


def _item_problems(items: list) -> list[dict[str, str]]:
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue  # reported as not an OrderItem already
        quantity = item.get("QuantityOrdered")
        if quantity is None:
            problems.append({"field": f"items.{index}.QuantityOrdered", "problem": "missing"})
        elif not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            problems.append({"field": f"items.{index}.QuantityOrdered", "problem": f"not a quantity: {quantity!r}"})
        elif text(item.get("SellerSKU")) is None and text(item.get("ASIN")) is None:
            problems.append({"field": f"items.{index}.SellerSKU", "problem": "missing, and no ASIN to stand in"})
    return problems


def _currency(order: dict, items: list[dict], problems: list) -> str:
    stated = [as_dict(order.get("OrderTotal")).get("CurrencyCode")]
    stated += [as_dict(item.get("ItemPrice")).get("CurrencyCode") for item in items]
    stated.append(MARKETPLACE_CURRENCY.get(text(order.get("MarketplaceId")) or ""))
    currency = next((text(code) for code in stated if text(code)), None)
    if currency is None:
        problems.append({"field": "order.OrderTotal.CurrencyCode",
                         "problem": "missing, and no amount or known marketplace says it"})
        return "XXX"
    return currency.upper()


def _lines(items: list[dict], money: _Money, notes: list[str]) -> tuple[list[dict], list[int], Decimal]:
    """The canonical lines, for each the index of the OrderItem it came from, and the part of
    promotions larger than their item's price (an order discount, as a line cannot bear it)."""
    lines, native, unpriced, excess = [], [], [], Decimal(0)
    for index, item in enumerate(items):
        quantity, name = item["QuantityOrdered"], (text(item.get("Title")) or "")[:200] or None
        sku = text(item.get("SellerSKU"))
        if quantity == 0:
            notes.append(f"item {text(item.get('OrderItemId')) or index} ({sku or item.get('ASIN')}) has quantity 0"
                         " (cancelled): left out")
            continue
        if sku is None:
            sku = f"amazon-asin-{item['ASIN'].strip()}"
            notes.append(f"item {index + 1} ({name or 'untitled'}) has no SellerSKU: recorded as {sku}")
        if item.get("ItemPrice") is None:
            unpriced.append(sku)
        price = money.read(item.get("ItemPrice"), f"items.{index}.ItemPrice") or Decimal(0)
        unit_price, rounding = _unit_price(price, quantity, money.currency)
        promotion = abs(money.read(item.get("PromotionDiscount"), f"items.{index}.PromotionDiscount") or Decimal(0))
        discounts = []
        if promotion:
            code = ", ".join(str(p) for p in as_list(item.get("PromotionIds")))[:200] or None
            discounts.append({"amount": min(promotion, price), "code": code})
            excess += max(promotion - price, Decimal(0))
        if rounding:
            discounts.append({"amount": rounding, "code": "rounding"})
            notes.append(f"{sku}: ItemPrice {price} for {quantity} is {unit_price} each less {rounding} rounding")
        lines.append({"sku": sku, "name": name, "quantity": quantity, "unit_price": unit_price, "discounts": discounts})
        native.append(index)
    if unpriced:
        notes.append(f"Amazon gives no ItemPrice for {', '.join(unpriced)}: priced 0")
    return lines, native, excess


def _unit_price(price: Decimal, quantity: int, currency: str) -> tuple[Decimal, Decimal]:
    """ItemPrice over the quantity, rounded up to the currency's minor unit, and what that adds."""
    places = max(_minor_unit(currency), -price.as_tuple().exponent)  # the docs price yen in cents
    unit = (price / quantity).quantize(Decimal(1).scaleb(-min(places, 4)), rounding=ROUND_CEILING)
    return unit, unit * quantity - price


def _minor_unit(currency: str) -> int:
    try:
        exponent = iso4217.Currency(currency).exponent
    except ValueError:
        return 2  # the model refuses the currency itself, by its field
    return 2 if exponent is None else exponent


def _charges(items: list[dict], money: _Money) -> dict[str, Decimal]:
    """The order's shipping, tax and discount, summed over its items. The model has no fees:
    COD and gift-wrap charges are what delivering the order costs the buyer. The tax on a
    discount is tax the buyer does not pay."""
    return {
        "shipping": money.sum(items, "ShippingPrice", "CODFee", "BuyerInfo.GiftWrapPrice"),
        "tax": money.sum(items, "ItemTax", "ShippingTax", "BuyerInfo.GiftWrapTax")
        - money.sum(items, "PromotionDiscountTax", "ShippingDiscountTax"),
        "discount": money.sum(items, "ShippingDiscount", "CODFeeDiscount"),
    }


def _delivery(order: dict, items: list[dict], problems: list, notes: list[str]) -> dict:
    if order.get("IsISPU") is True:
        # In-store pickup: Amazon names the store by the seller's store-chain or supply-source id.
        store = next((text(item.get("StoreChainStoreId")) for item in items if text(item.get("StoreChainStoreId"))),
                     None) or text(as_dict(order.get("FulfillmentInstruction")).get("FulfillmentSupplySourceId"))
        if store is None:
            problems.append({"field": "items.0.StoreChainStoreId",
                             "problem": "missing: an in-store pickup names its store"})
            return {"method": DeliveryMethod.STORE_PICKUP}
        notes.append(f"in-store pickup (ISPU) at Amazon store {store}: map it to an OMS location")
        return {"method": DeliveryMethod.STORE_PICKUP, "pickup_location_id": store[:64]}
    category = text(order.get("ShipmentServiceLevelCategory"))
    method = SHIPMENT_SERVICE_LEVEL.get(category) if category else None
    if method is None:
        level = text(order.get("ShipServiceLevel"))
        method = SHIPMENT_SERVICE_LEVEL.get(level) if level else None
    if method is None:
        # Speed only orders the work; a paid order is not refused over it.
        notes.append(f"ship service level {category or order.get('ShipServiceLevel') or 'not given'} is not one we"
                     " know: shipped standard")
        method = DeliveryMethod.STANDARD
    return {"method": method}


def _shipping_address(order: dict, document: dict | None, delivery: dict,
                      problems: list) -> tuple[dict | None, str, str | None]:
    """The address from getOrderAddress where given, else the Order's own; its native path;
    and the phone Amazon keeps in it (the buyer's, the model's customer phone)."""
    given = as_dict(as_dict(document).get("ShippingAddress"))
    path = "address.ShippingAddress" if given else "order.ShippingAddress"
    native = given or as_dict(order.get("ShippingAddress"))
    if not native:
        if delivery["method"] != DeliveryMethod.STORE_PICKUP:
            why = " (Amazon gives none until payment is authorised: fetch it again once Unshipped)" \
                if order.get("OrderStatus") in _AWAITING_PAYMENT else ""
            problems.append({"field": "address.ShippingAddress", "problem": f"missing{why}"})
        return None, path, None
    # Amazon fills AddressLine1 with a company or building name in some countries and puts the
    # street in line 2 or 3: the first line given is line 1, the rest line 2.
    street = [line for line in (text(native.get(f"AddressLine{n}")) for n in (1, 2, 3)) if line]
    city = text(native.get("City")) or text(native.get("Municipality")) or text(native.get("District"))
    problems += [{"field": f"{path}.{field}", "problem": "missing"}
                 for field, value in (("AddressLine1", street), ("City", city)) if not value]
    problems += [{**p, "field": f"{path}.{p['field']}"} for p in require(native, "CountryCode")]
    geo = as_dict(as_dict(native.get("ExtendedFields")).get("GeoCoordinates"))
    return {
        "name": text(native.get("Name")),
        "company": text(native.get("CompanyName")),
        "line1": street[0] if street else None,
        "line2": ", ".join(street[1:]) or None,
        "city": city,
        "region": text(native.get("StateOrRegion")),
        "postal_code": text(native.get("PostalCode")),
        "country": text(native.get("CountryCode")),
        "latitude": _coordinate(geo.get("Latitude"), 90),
        "longitude": _coordinate(geo.get("Longitude"), 180),
    }, path, text(native.get("Phone"))


def _customer(order: dict, address: dict | None, given_phone: str | None, notes: list[str]) -> dict | None:
    buyer, address = as_dict(order.get("BuyerInfo")), address or {}
    phone = e164(given_phone, address.get("country"))
    if given_phone and phone is None:
        notes.append("buyer phone dropped: not a valid number")
    # BuyerEmail is Amazon's masked relay address: kept, as it is how Amazon lets sellers write.
    name, email = text(buyer.get("BuyerName")) or address.get("name"), text(buyer.get("BuyerEmail"))
    return {"name": name, "email": email, "phone": phone} if name or email or phone else None


def _payment_method(order: dict, problems: list, notes: list[str]) -> PaymentMethod:
    word = order.get("PaymentMethod") or "Other"  # optional in the spec
    if not isinstance(word, str) or word not in PAYMENT_METHOD:
        problems.append({"field": "order.PaymentMethod", "problem": f"unknown value {word!r}"})
        return PaymentMethod.WALLET
    details = [detail for detail in as_list(order.get("PaymentMethodDetails")) if text(detail)]
    if len(details) > 1:
        notes.append(f"paid with {', '.join(details)}")
    if word != "Other" or not details:
        return PAYMENT_METHOD[word]
    method = PAYMENT_METHOD_DETAIL.get(details[0])
    if method is None:
        notes.append(f"payment method detail {details[0]!r} is not one we know: recorded as wallet")
        return PaymentMethod.WALLET
    return method


def _payment_status(word: str, method: PaymentMethod) -> PaymentStatus:
    status = PAYMENT_STATUS[word]
    if method == PaymentMethod.CASH_ON_DELIVERY and status != PaymentStatus.VOIDED:
        return PaymentStatus.PENDING  # the carrier collects it at the door
    return status


def _status(order: dict, items: list[dict], notes: list[str]) -> OrderStatus:
    status = ORDER_STATUS[order["OrderStatus"]]
    if order["OrderStatus"] in _AWAITING_PAYMENT:
        notes.append("Amazon has not authorised the payment yet: do not ship until Amazon reports it Unshipped")
    if order.get("FulfillmentChannel") == "AFN":
        notes.append("fulfilled by Amazon (AFN): Amazon ships it from its own stock;"
                     " the OMS must not allocate or ship it")
        return status if status == OrderStatus.CANCELLED else OrderStatus.SHIPPED
    cancels = [as_dict(item.get("BuyerRequestedCancel")) for item in items]
    reasons = [text(c.get("BuyerCancelReason")) or "no reason given" for c in cancels
               if str(c.get("IsBuyerRequestedCancel")).lower() == "true"]
    if reasons:
        notes.append(f"the buyer asked Amazon to cancel ({'; '.join(dict.fromkeys(reasons))}): do not ship;"
                     " cancel it on Amazon")
        return OrderStatus.ON_HOLD if status == OrderStatus.RECEIVED else status
    return status


def _order_notes(order: dict, items: list[dict], currency: str) -> list[str]:
    """What else staff should know: programmes with promises attached, points, gifts."""
    notes = []
    if order.get("IsPrime") is True:
        by = text(order.get("LatestShipDate"))
        notes.append(f"Amazon Prime order: ship by {by}" if by else "Amazon Prime order")
    if order.get("IsPremiumOrder") is True:
        notes.append("Amazon premium shipping: the promised delivery date is binding")
    if order.get("IsBusinessOrder") is True:
        po = text(as_dict(order.get("BuyerInfo")).get("PurchaseOrderNumber"))
        notes.append(f"Amazon Business order, PO {po}" if po else "Amazon Business order")
    if order.get("IsAccessPointOrder") is True:
        notes.append("deliver to the Amazon Hub or pickup point in the address")
    window = next(((item.get("ScheduledDeliveryStartDate"), item.get("ScheduledDeliveryEndDate")) for item in items
                   if text(item.get("ScheduledDeliveryStartDate"))), None)
    if window:
        notes.append(f"scheduled delivery between {window[0]} and {window[1] or 'open end'}")
    if order.get("IsReplacementOrder") is True:
        notes.append(f"replacement for Amazon order {order.get('ReplacedOrderId') or 'not named'}")
    points = [as_dict(item.get("PointsGranted")) for item in items]
    number = sum(p.get("PointsNumber") or 0 for p in points if isinstance(p.get("PointsNumber"), int))
    if number:
        values = (decimal(as_dict(p.get("PointsMonetaryValue")).get("Amount")) for p in points)
        worth = sum((value or Decimal(0) for value in values), Decimal(0))
        notes.append(f"Amazon Points granted: {number} (worth {worth} {currency}); the buyer's total is unchanged")
    for item in items:
        gift = as_dict(item.get("BuyerInfo"))
        if text(gift.get("GiftMessageText")) or text(gift.get("GiftWrapLevel")):
            wrap = f", wrap {gift['GiftWrapLevel']}" if text(gift.get("GiftWrapLevel")) else ""
            notes.append(f"gift {text(item.get('SellerSKU')) or item.get('ASIN')}{wrap}:"
                         f" {text(gift.get('GiftMessageText')) or 'no message'}")
    return notes


def _native_fields(native_lines: list[int], address_path: str) -> dict[str, str]:
    """Canonical paths back to the bundle's fields, for error reports."""
    native = {
        "channel_order_id": "order.AmazonOrderId",
        "channel_order_number": "order.AmazonOrderId",
        "placed_at": "order.PurchaseDate",
        "currency": "order.OrderTotal.CurrencyCode",
        "customer.name": "order.BuyerInfo.BuyerName",
        "customer.email": "order.BuyerInfo.BuyerEmail",
        "customer.phone": f"{address_path}.Phone",
        "delivery": "order.ShipmentServiceLevelCategory",
        "payment.method": "order.PaymentMethod",
        "payment.status": "order.OrderStatus",
        "shipping_address": address_path,
        "lines": "items",
        "shipping": "items.ShippingPrice",
        "tax": "items.ItemTax",
        "discount": "items.ShippingDiscount",
        "total": "order.OrderTotal.Amount",
    }
    native.update({f"shipping_address.{ours}": f"{address_path}.{theirs}" for ours, theirs in _ADDRESS_FIELDS.items()})
    for line, index in enumerate(native_lines):
        native.update({
            f"lines.{line}": f"items.{index}",
            f"lines.{line}.sku": f"items.{index}.SellerSKU",
            f"lines.{line}.name": f"items.{index}.Title",
            f"lines.{line}.quantity": f"items.{index}.QuantityOrdered",
            f"lines.{line}.unit_price": f"items.{index}.ItemPrice.Amount",
            f"lines.{line}.discounts": f"items.{index}.PromotionDiscount",
        })
    return native


def _coordinate(value: Any, limit: int) -> Decimal | None:
    """A JSON number with more places than the model keeps (Amazon gives eight): rounded to seven."""
    if not isinstance(value, (int, float, str)) or isinstance(value, bool):
        return None
    coordinate = decimal(value)
    if coordinate is None:
        return None
    coordinate = coordinate.quantize(_COORDINATE)
    return coordinate if abs(coordinate) <= limit else None


