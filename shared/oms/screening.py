"""Automatic approval: an order is approved, or held for a person to review, and says why.

Pure: the rules come from configuration (an SSM parameter, see template.yaml), and the
facts about the order that need a lookup (the customer's recent orders, SKUs the
catalogue has never heard of) are gathered by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from oms.models import CurrencyCode, Money, OrderStatus, PaymentMethod, PaymentStatus


class HoldReason(StrEnum):
    ORDER_VALUE = "order_value_over_limit"
    COUNTRY_MISMATCH = "billing_shipping_country_mismatch"
    VELOCITY = "many_orders_from_customer"
    BLOCKED_EMAIL = "blocked_email"
    BLOCKED_ADDRESS = "blocked_address"
    CASH_ON_DELIVERY = "cash_on_delivery_over_limit"
    UNKNOWN_SKU = "unknown_sku"
    TOTAL_DISCREPANCY = "channel_total_does_not_add_up"
    UNPAID = "payment_not_received"


class ScreeningRules(BaseModel):
    """What holds an order. Amounts are per currency: an order in a currency without a
    limit is not held for its value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_order_value: dict[CurrencyCode, Money] = {}
    hold_on_country_mismatch: bool = True
    max_orders_per_customer: int | None = Field(default=None, ge=1)
    per_customer_window_minutes: int = Field(default=60, ge=1)
    blocked_email_hashes: frozenset[str] = frozenset()
    blocked_address_hashes: frozenset[str] = frozenset()
    cash_on_delivery_limit: dict[CurrencyCode, Money] = {}
    hold_on_total_discrepancy: bool = True
    # Goods leave only against money: an order not yet paid or authorised waits, except
    # cash on delivery, whose money comes with the delivery.
    hold_unpaid: bool = True


@dataclass(frozen=True)
class OrderFacts:
    """What screening looks at; keyed hashes only, never the clear email or address."""

    total: Decimal
    currency: str
    payment_method: PaymentMethod
    billing_country: str | None
    shipping_country: str | None
    email_hash: str | None
    address_hash: str | None
    recent_orders_of_customer: int  # within the rules' window, this order not counted
    unknown_skus: tuple[str, ...]
    total_discrepancy: Decimal | None = None
    payment_status: PaymentStatus = PaymentStatus.PAID


@dataclass(frozen=True)
class Decision:
    status: OrderStatus
    reasons: tuple[HoldReason, ...]


def screen(facts: OrderFacts, rules: ScreeningRules) -> Decision:
    reasons = [reason for reason, holds in _checks(facts, rules) if holds]
    return Decision(OrderStatus.ON_HOLD if reasons else OrderStatus.APPROVED, tuple(reasons))


def _checks(facts: OrderFacts, rules: ScreeningRules):
    value_limit = rules.max_order_value.get(facts.currency)
    yield HoldReason.ORDER_VALUE, value_limit is not None and facts.total > value_limit
    yield HoldReason.COUNTRY_MISMATCH, (
        rules.hold_on_country_mismatch
        and None not in (facts.billing_country, facts.shipping_country)
        and facts.billing_country != facts.shipping_country
    )
    yield HoldReason.VELOCITY, (
        rules.max_orders_per_customer is not None
        and facts.email_hash is not None
        and facts.recent_orders_of_customer + 1 > rules.max_orders_per_customer
    )
    yield HoldReason.BLOCKED_EMAIL, facts.email_hash in rules.blocked_email_hashes
    yield HoldReason.BLOCKED_ADDRESS, facts.address_hash in rules.blocked_address_hashes
    cod_limit = rules.cash_on_delivery_limit.get(facts.currency)
    yield HoldReason.CASH_ON_DELIVERY, (
        facts.payment_method == PaymentMethod.CASH_ON_DELIVERY and cod_limit is not None and facts.total > cod_limit
    )
    yield HoldReason.UNKNOWN_SKU, bool(facts.unknown_skus)
    yield HoldReason.TOTAL_DISCREPANCY, rules.hold_on_total_discrepancy and bool(facts.total_discrepancy)
    yield HoldReason.UNPAID, (
        rules.hold_unpaid
        and facts.payment_status in _NOT_PAID
        and facts.payment_method != PaymentMethod.CASH_ON_DELIVERY
    )


_NOT_PAID = frozenset({PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.VOIDED})
