"""Automatic approval, rule by rule: a table of orders and what screening says of each."""

from decimal import Decimal

import pytest

from oms.models import OrderStatus, PaymentMethod, PaymentStatus
from oms.screening import HoldReason, OrderFacts, ScreeningRules, screen

RULES = ScreeningRules(
    max_order_value={"USD": Decimal("1000.00")},
    max_orders_per_customer=3,
    blocked_email_hashes=frozenset({"bad-email"}),
    blocked_address_hashes=frozenset({"bad-address"}),
    cash_on_delivery_limit={"USD": Decimal("200.00")},
)
ORDINARY = OrderFacts(
    total=Decimal("48.18"), currency="USD", payment_method=PaymentMethod.CARD, billing_country="US",
    shipping_country="US", email_hash="ada", address_hash="1-main-st", recent_orders_of_customer=0, unknown_skus=(),
)


def facts(**changes) -> OrderFacts:
    return OrderFacts(**{**ORDINARY.__dict__, **changes})


@pytest.mark.parametrize(
    ("order", "reasons"),
    [
        (facts(), ()),
        (facts(total=Decimal("1000.00")), ()),
        (facts(total=Decimal("1000.01")), (HoldReason.ORDER_VALUE,)),
        (facts(total=Decimal("5000"), currency="EUR"), ()),  # no EUR limit configured
        (facts(billing_country="CA"), (HoldReason.COUNTRY_MISMATCH,)),
        (facts(billing_country=None), ()),  # no billing address: nothing to compare
        (facts(recent_orders_of_customer=2), ()),
        (facts(recent_orders_of_customer=3), (HoldReason.VELOCITY,)),
        (facts(recent_orders_of_customer=9, email_hash=None), ()),  # a walk-in sale has no customer
        (facts(email_hash="bad-email"), (HoldReason.BLOCKED_EMAIL,)),
        (facts(address_hash="bad-address"), (HoldReason.BLOCKED_ADDRESS,)),
        (facts(payment_method=PaymentMethod.CASH_ON_DELIVERY, total=Decimal("199.99")), ()),
        (facts(payment_method=PaymentMethod.CASH_ON_DELIVERY, total=Decimal("200.01")), (HoldReason.CASH_ON_DELIVERY,)),
        (facts(unknown_skus=("NEW-SKU",)), (HoldReason.UNKNOWN_SKU,)),
        (facts(total_discrepancy=Decimal("-0.01")), (HoldReason.TOTAL_DISCREPANCY,)),
        (facts(payment_status=PaymentStatus.PENDING, payment_method=PaymentMethod.BANK_TRANSFER), (HoldReason.UNPAID,)),
        (facts(payment_status=PaymentStatus.FAILED), (HoldReason.UNPAID,)),
        (facts(payment_status=PaymentStatus.AUTHORIZED), ()),
        (facts(payment_status=PaymentStatus.PENDING, payment_method=PaymentMethod.CASH_ON_DELIVERY), ()),
        (facts(total=Decimal("2000"), billing_country="CA", unknown_skus=("X",)),
         (HoldReason.ORDER_VALUE, HoldReason.COUNTRY_MISMATCH, HoldReason.UNKNOWN_SKU)),
    ],
)
def test_screening_approves_or_holds_with_every_reason(order, reasons):
    decision = screen(order, RULES)

    assert decision.reasons == reasons
    assert decision.status == (OrderStatus.ON_HOLD if reasons else OrderStatus.APPROVED)


def test_with_no_rules_configured_only_unknown_skus_and_country_mismatch_hold():
    assert screen(facts(total=Decimal("99999"), recent_orders_of_customer=50), ScreeningRules()).reasons == ()
    assert screen(facts(unknown_skus=("X",)), ScreeningRules()).reasons == (HoldReason.UNKNOWN_SKU,)


def test_rules_read_from_configuration_json_and_refuse_typos():
    rules = ScreeningRules.model_validate_json('{"max_order_value": {"usd": "500"}, "max_orders_per_customer": 2}')

    assert rules.max_order_value == {"USD": Decimal("500")}
    with pytest.raises(ValueError):
        ScreeningRules.model_validate_json('{"max_order_valu": {"USD": "500"}}')
