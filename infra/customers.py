"""`oms customers erase EMAIL`: a customer's right to erasure, from an operator's terminal.

The email is hashed here with the stage's hash secret (the table knows customers only
by that keyed hash) and erasure runs through the admin API, so there is one erasure
path, with its history events, whoever asks.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from oms.pii import CustomerHashes


class ErasureFailed(Exception):
    """The API refused or failed; the message is the one line the operator sees."""


@dataclass(frozen=True)
class Erasure:
    email_hash: str
    erased_orders: list[str]


def email_hash(secretsmanager, hash_secret_id: str, email: str) -> str:
    secret = secretsmanager.get_secret_value(SecretId=hash_secret_id)["SecretString"]
    return CustomerHashes(lambda: secret.encode()).email(email)


def erase(api_url: str, admin_key: str, customer_hash: str) -> Erasure:
    request = urllib.request.Request(
        f"{api_url.rstrip('/')}/customers/{customer_hash}", method="DELETE", headers={"x-api-key": admin_key}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise ErasureFailed(f"the API answered {error.code}: {error.read().decode(errors='replace')[:200]}") from None
    except urllib.error.URLError as error:
        raise ErasureFailed(f"cannot reach {api_url}: {error.reason}") from None
    return Erasure(customer_hash, body["erased_orders"])
