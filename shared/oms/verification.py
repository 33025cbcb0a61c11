"""Proving an order is yours before anything about it is told: its reference and a contact of it.

A customer names an order (our id, or the channel's number, which several channels may share)
and gives the email, phone or postcode on it. Contacts are compared as keyed hashes, so no
personal data is decrypted to verify; postcodes are compared as written, ignoring case and
spaces. A conversation that fails `MAX_FAILURES` times is locked for `LOCKOUT`. A verification
binds the conversation to that one order and lapses after `IDLE_LAPSE` without a message.
Pure: the lookups are given.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
IDLE_LAPSE = timedelta(minutes=15)
# Across every conversation, attempts on one order reference: new conversations cannot go on
# guessing a postcode where one conversation would be locked.
MOST_ATTEMPTS_PER_REFERENCE = 10

_OUR_ID = re.compile(r"^ord_[0-9A-Z]{26}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class ContactFacts:
    """What an order can be proved with: keyed hashes of its customer's email and phone, and the
    postcodes of its addresses."""

    order_id: str
    email_hash: str | None
    phone_hash: str | None
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class Hashers:
    email: Callable[[str], str]
    phone: Callable[[str], str]


def normal_order_ref(ref: str) -> str:
    """Our ids are case-insensitive Crockford base32 after `ord_`; a channel's number without its
    `#` and case, as the order number index keeps it: `#1001` and `1001` are one reference."""
    ref = ref.strip()
    return "ord_" + ref[4:].upper() if ref.lower().startswith("ord_") else ref.lstrip("#").strip().upper()


def is_our_id(ref: str) -> bool:
    return bool(_OUR_ID.match(normal_order_ref(ref)))


def _postcode(value: str) -> str:
    return "".join(value.split()).upper()


def proves(contact: str, facts: ContactFacts, hashers: Hashers) -> bool:
    """Whether `contact` (an email, an E.164 phone or a postcode) is one of the order's."""
    contact = contact.strip()
    if not contact:
        return False
    if _EMAIL.match(contact):
        return facts.email_hash is not None and hashers.email(contact) == facts.email_hash
    if _PHONE.match(contact):
        return facts.phone_hash is not None and hashers.phone(contact) == facts.phone_hash
    return _postcode(contact) in {_postcode(code) for code in facts.postcodes if code}


def verified_order(contact: str, candidates: Iterable[ContactFacts], hashers: Hashers) -> str | None:
    """The one order among those the reference names that the contact proves; None when none
    does, or when more than one would (a guess must never pick between customers)."""
    proved = [facts.order_id for facts in candidates if proves(contact, facts, hashers)]
    return proved[0] if len(proved) == 1 else None


@dataclass(frozen=True)
class Attempts:
    """A conversation's failed verifications since its last success, and its lock."""

    failures: int = 0
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def failed(self, now: datetime) -> Attempts:
        failures = self.failures + 1
        if failures >= MAX_FAILURES:
            return Attempts(0, now + LOCKOUT)
        return Attempts(failures, None)

    @property
    def left(self) -> int:
        return MAX_FAILURES - self.failures


def token(order_id: str, sender: str, until: datetime, sign: Callable[[str], str]) -> str:
    """What a conversation keeps once verified: the order, until when, and a keyed signature of
    both and of the conversation, so no message, slot edit or other conversation can forge it."""
    expiry = str(int(until.timestamp()))
    return f"{order_id}|{expiry}|{sign(f'{sender}|{order_id}|{expiry}')}"


def order_of(verification: str | None, sender: str, now: datetime, sign: Callable[[str], str]) -> str | None:
    """The order a conversation is verified for now, or None (none, lapsed, forged or another's)."""
    parts = (verification or "").split("|")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    order_id, expiry, signature = parts
    if now.timestamp() >= int(expiry):
        return None
    return order_id if hmac.compare_digest(signature, sign(f"{sender}|{order_id}|{expiry}")) else None
