"""What the actions read and act through: the OMS's own stores and rules, nothing of their own.

Built once per process from the environment template.yaml gives the chat function (the same
variables serve `python -m rasa_sdk` beside a Rasa assistant); tests put their own in place.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from oms.pii import PiiVault
from oms.policy import ReturnRules
from oms.store.contacts import ContactLookup
from oms.store.conversations import Conversations
from oms.store.orders import OrderStore
from oms.store.tables import Tables


@dataclass(frozen=True)
class Backend:
    tables: Tables  # orders without personal data: what every decision is made on
    sealed: OrderStore  # seals a new address
    contacts: ContactLookup
    vault: PiiVault  # hashes contacts, signs verifications
    conversations: Conversations
    return_rules: Callable[[], ReturnRules]
    catalogue: Callable[[], list[str]]  # every SKU stocked
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


# SKUs join the catalogue rarely: its listing is read at most this often per process.
_CATALOGUE_KEPT_SECONDS = 300
_current: Backend | None = None


def use(backend: Backend | None) -> None:
    """Puts a backend in place: the chat function's own when it loads, or a test's; None builds
    it from the environment on next use (the action server)."""
    global _current
    _current = backend


def backend() -> Backend:
    global _current
    if _current is None:
        _current = from_environment()
    return _current


def from_environment() -> Backend:
    import boto3
    from aws_lambda_powertools.utilities import parameters

    from oms.intake import pii_vault
    from oms.settings import ChatSettings

    settings = ChatSettings.model_validate(dict(os.environ))
    dynamodb = boto3.client("dynamodb")
    vault = pii_vault(settings, boto3.client("kms"))
    tables = Tables(settings.orders_table, settings.inventory_table, dynamodb)

    return Backend(
        tables=tables,
        sealed=OrderStore(settings.orders_table, dynamodb, vault),
        contacts=ContactLookup(settings.orders_table, dynamodb),
        vault=vault,
        conversations=Conversations(settings.chat_table, dynamodb),
        return_rules=lambda: ReturnRules.model_validate(
            parameters.get_parameter(settings.return_rules, transform="json", max_age=60)),
        catalogue=kept_for(_CATALOGUE_KEPT_SECONDS, tables.inventory.catalogue),
    )


def kept_for(seconds: float, read: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """`read`'s answer, read again once it is `seconds` old."""
    kept: list = [float("-inf"), []]

    def answer() -> list[str]:
        if time.monotonic() - kept[0] > seconds:
            kept[:] = [time.monotonic(), read()]
        return kept[1]

    return answer
