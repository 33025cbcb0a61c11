"""Where imported orders go: the Orders table, through the store the intake function uses,
with the same KMS key and hash secret, so an imported order is one like any other."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

from infra.local.template import STACK_NAME
from oms.pii import CustomerHashes, DataKeys, PiiVault
from oms.store.orders import OrderStore


@dataclass(frozen=True)
class Destination:
    orders_table: str
    pii_key_id: str
    hash_secret_id: str


# What `oms local` creates; a deployed stack's names are CloudFormation's, given as options.
LOCAL_STACK = Destination(f"{STACK_NAME}-OrdersTable", f"alias/{STACK_NAME}-pii", f"{STACK_NAME}-PiiHashSecret")


def destination_for(stage: str, orders_table: str | None, pii_key_id: str | None,
                    hash_secret_id: str | None) -> Destination | None:
    """The names given, the local stack's for those not given on stage `local`; None if any is missing."""
    fallback = LOCAL_STACK if stage == "local" else Destination("", "", "")
    destination = Destination(orders_table or fallback.orders_table, pii_key_id or fallback.pii_key_id,
                              hash_secret_id or fallback.hash_secret_id)
    return destination if all(vars(destination).values()) else None


def order_store(destination: Destination, client: Callable[[str], Any] = boto3.client) -> OrderStore:
    """Clients from `client`: boto3's, whose credentials, region and endpoint (AWS_ENDPOINT_URL)
    come from the environment, or the local stack's."""
    secrets = client("secretsmanager")

    @functools.cache
    def hash_secret() -> bytes:
        return secrets.get_secret_value(SecretId=destination.hash_secret_id)["SecretString"].encode()

    vault = PiiVault(DataKeys(client("kms"), destination.pii_key_id), CustomerHashes(hash_secret))
    return OrderStore(destination.orders_table, client("dynamodb"), vault)
