"""What an order can be proved with, found from the reference a customer gives: no PII opened."""

from __future__ import annotations

from typing import Any

from oms.store import keys
from oms.verification import ContactFacts, is_our_id, normal_order_ref

# A channel's number is shared by at most a few channels; more is no customer's order.
_MOST_CANDIDATES = 10


class ContactLookup:
    def __init__(self, table_name: str, client: Any):
        self._table = table_name
        self._client = client

    def candidates(self, order_ref: str) -> list[ContactFacts]:
        """The orders `order_ref` may name (our id, or a channel's order number) with their
        contact hashes and postcodes: one Query and one BatchGetItem, or one GetItem."""
        ref = normal_order_ref(order_ref)
        if is_our_id(ref):
            pks = [keys.order_pk(ref)]
        else:
            found = self._client.query(
                TableName=self._table, IndexName="ByChannelOrderNumber", Limit=_MOST_CANDIDATES,
                KeyConditionExpression="order_number_key = :number",
                ExpressionAttributeValues={":number": {"S": keys.order_number_key(ref)}},
            )
            pks = [item["pk"]["S"] for item in found["Items"]]
        return self._facts(pks) if pks else []

    def _facts(self, pks: list[str]) -> list[ContactFacts]:
        request = {self._table: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": keys.HEADER}} for pk in sorted(set(pks))],
            "ProjectionExpression": "pk, customer.email_hash, customer.phone_hash, "
                                    "shipping_address.postal_code, billing_address.postal_code",
        }}
        facts = []
        while request:
            response = self._client.batch_get_item(RequestItems=request)
            facts += [_contact_facts(item) for item in response["Responses"].get(self._table, [])]
            request = response.get("UnprocessedKeys") or {}
        return sorted(facts, key=lambda fact: fact.order_id)


def _contact_facts(item: dict[str, dict]) -> ContactFacts:
    def inner(part: str, field: str) -> str | None:
        return ((item.get(part) or {}).get("M") or {}).get(field, {}).get("S")

    return ContactFacts(
        order_id=keys.order_id_from_pk(item["pk"]["S"]),
        email_hash=inner("customer", "email_hash"),
        phone_hash=inner("customer", "phone_hash"),
        postcodes=tuple(code for code in (inner("shipping_address", "postal_code"),
                                          inner("billing_address", "postal_code")) if code),
    )
