"""Receiving an order from a channel: identity, first status, and storing it exactly once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from oms.channels import ChannelOrder
from oms.ids import new_order_id
from oms.models import CHANNEL_DATA, HistoryEvent, Order, OrderStatus, OrderSubmission, PaymentMethod, PaymentStatus
from oms.pii import CustomerHashes, DataKeys, PiiVault
from oms.screening import Decision, OrderFacts, ScreeningRules, screen
from oms.store.inventory import InventoryStore
from oms.settings import ReceivingSettings, SealingSettings
from oms.store.orders import OrderStore
from oms.store.tables import Tables


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the channel retried: same order, nothing written
    CONFLICT = "conflict"  # same channel order id, different content, on the canonical route
    UPDATED = "updated"  # a channel's later version of its order, applied
    STALE = "stale"  # a channel's version older than (or as old as) the one applied: nothing changed


@dataclass(frozen=True)
class Receipt:
    outcome: Outcome
    order: Order


def fingerprint(submission: OrderSubmission) -> str:
    """Identifies the content of a submission, whatever the key order or formatting."""
    canonical = json.dumps(
        submission.model_dump(), sort_keys=True, separators=(",", ":"), default=_normalised_decimal
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _normalised_decimal(value: Decimal) -> str:
    return str(value.normalize())  # 48.180 and 48.18 are the same money


@dataclass(frozen=True)
class Screening:
    """The lookups automatic approval needs, around the pure rules of oms.screening."""

    rules: Callable[[], ScreeningRules]
    orders: OrderStore
    catalogue: InventoryStore
    hashes: PiiVault

    def decide(self, submission: OrderSubmission, now: datetime, stored_already: bool = False) -> Decision:
        """`stored_already`: screening an order held already (a channel's new version), which the
        customer's recent orders then count once too many."""
        rules = self.rules()
        customer, shipping, billing = submission.customer, submission.shipping_address, submission.billing_address
        email_hash = self.hashes.email_hash(customer.email) if customer and customer.email else None
        since = (now - timedelta(minutes=rules.per_customer_window_minutes)).isoformat(timespec="milliseconds")
        recent = (self.orders.recent_orders_of_customer(email_hash, since.replace("+00:00", "Z"))
                  if email_hash and rules.max_orders_per_customer else 0)
        recent = max(0, recent - 1) if stored_already else recent
        facts = OrderFacts(
            total=submission.total,
            currency=submission.currency,
            payment_method=PaymentMethod(submission.payment.method),
            billing_country=billing.country if billing else None,
            shipping_country=shipping.country if shipping else None,
            email_hash=email_hash,
            address_hash=self.hashes.address_hash(shipping.line1, shipping.postal_code, shipping.country) if shipping else None,
            recent_orders_of_customer=recent,
            unknown_skus=self.catalogue.unknown_skus([line.sku for line in submission.lines]),
            total_discrepancy=submission.total_discrepancy,
            payment_status=PaymentStatus(submission.payment.status),
        )
        return screen(facts, rules)


def receive_order(
    submission: OrderSubmission,
    channel: str,
    orders: OrderStore,
    now: datetime | None = None,
    *,
    screening: Screening | None = None,
    reported: ChannelOrder | None = None,
    changes: Tables | None = None,
) -> Receipt:
    """Stores the order once. An open order is screened (approved or held, with reasons);
    one the channel reports as already cancelled, shipped, ... keeps that status. Given `changes`
    (the tables, personal data opened), a channel's later version of an order it sent is applied
    (oms.channel_updates); without, as on the canonical route, it is a conflict."""
    now = now or datetime.now(UTC)
    actor = f"channel:{channel}"
    history = [HistoryEvent(at=now, actor=actor, to_status=OrderStatus.RECEIVED, reason="order received")]
    status, reasons = OrderStatus.RECEIVED, ()
    if reported and reported.status != OrderStatus.RECEIVED:
        status = reported.status
        history.append(HistoryEvent(at=now, actor=actor, from_status=OrderStatus.RECEIVED, to_status=status,
                                    reason=f"the channel reports it {reported.channel_status or status}"))
    elif screening:
        decision = screening.decide(submission, now)
        status, reasons = decision.status, tuple(str(reason) for reason in decision.reasons)
        why = "held for review: " + ", ".join(reasons) if reasons else "approved automatically"
        history.append(HistoryEvent(at=now, actor="screening", from_status=OrderStatus.RECEIVED, to_status=status,
                                    reason=why))
    order = Order.model_validate(
        {
            **submission.model_dump(),
            "order_id": new_order_id(int(now.timestamp() * 1000)),
            "channel": channel,
            "status": status,
            "hold_reasons": reasons,
            "channel_status": reported.channel_status if reported else None,
            "notes": reported.notes if reported else (),
            "channel_updated_at": reported.updated_at if reported else None,
            "created_at": now,
            "updated_at": now,
            "history": history,
        },
        context=CHANNEL_DATA,  # the submission was validated as its route requires
    )
    content = fingerprint(submission)
    stored = orders.create_once(order, content)
    if stored.created:
        if reported and reported.cancels and changes is not None:  # items it cancelled before sending it
            from oms.channel_updates import cancelled_items
            from oms.deciding import decide_and_commit

            decide_and_commit(order.order_id, changes, lambda held, at: cancelled_items(
                held, reported, f"channel:{channel}", at), now, read=stored.order)
            return Receipt(Outcome.CREATED, changes.order(order.order_id))
        return Receipt(Outcome.CREATED, stored.order)
    if stored.fingerprint == content:
        return Receipt(Outcome.DUPLICATE, stored.order)
    if reported is None or changes is None:
        return Receipt(Outcome.CONFLICT, stored.order)
    # Imported here: applying a version may source the order again (geocoding, sourcing), which a
    # new order's cold start need not load.
    from oms.channel_updates import Applied, apply_version

    applied, order = apply_version(
        stored.order.order_id, channel, reported, changes, orders.resealed,
        (lambda new, at: _screened(screening, new, at)) if screening else None, now, read=stored.order)
    return Receipt(Outcome.UPDATED if applied == Applied.UPDATED else Outcome.STALE, order)


def _screened(screening: Screening, submission: OrderSubmission, at: datetime) -> tuple[OrderStatus, tuple[str, ...]]:
    decision = screening.decide(submission, at, stored_already=True)
    return decision.status, tuple(str(reason) for reason in decision.reasons)


def pii_vault(settings: SealingSettings, kms: Any) -> PiiVault:
    """Seals with the stage's PII key; hashes with its secret, fetched on first use."""
    from aws_lambda_powertools.utilities import parameters

    return PiiVault(
        DataKeys(kms, settings.pii_key_id),
        CustomerHashes(lambda: parameters.get_secret(settings.pii_hash_secret, max_age=3600).encode()),
    )


@dataclass(frozen=True)
class Receiving:
    """What every function that receives orders works with: the order store (PII sealed with the
    stage's key and hash secret), the screening around it, and the tables a channel's later
    version is applied to (personal data opened, to compare it in clear)."""

    orders: OrderStore
    screening: Screening
    changes: Tables


def order_receiving(settings: ReceivingSettings, dynamodb: Any, kms: Any) -> Receiving:
    from aws_lambda_powertools.utilities import parameters

    vault = pii_vault(settings, kms)
    orders = OrderStore(settings.orders_table, dynamodb, vault)
    screening = Screening(
        rules=lambda: ScreeningRules.model_validate(
            parameters.get_parameter(settings.screening_rules, transform="json", max_age=60)),
        orders=orders,
        catalogue=InventoryStore(settings.inventory_table, dynamodb),
        hashes=vault,
    )
    return Receiving(orders, screening, Tables(settings.orders_table, settings.inventory_table, dynamodb, vault))
