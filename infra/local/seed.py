"""Demo data and the fixed, local-only credentials of the local stack.

These keys and secrets are documented in README.md and work only against moto on
127.0.0.1; a deployed stack has no keys until `oms keys` creates them.
"""

from __future__ import annotations

import json
from pathlib import Path

from infra.keys import store_key
from oms.carriers import PROVIDERS
from oms.channels import NATIVE_FORMATS
from oms.models import CHANNELS, Location, Stock
from oms.principals import Principal
from oms.store.inventory import InventoryStore

DEMO_DATA = Path(__file__).with_name("demo_data.json")
ADMIN_KEY = "local-admin-key"
CHAT_KEY = "local-chat-key"  # a shop's publishable chat key
CHAT_SHOP = "demo"
# The demo location whose picks are pushed to the local pick receiver; the others pull theirs.
PUSHING_LOCATION = "wh-reno"


def channel_key(channel: str) -> str:
    return f"local-{channel}-key"


def location_key(location_id: str) -> str:
    return f"local-{location_id}-key"


def local_credentials() -> dict[str, Principal]:
    credentials = {channel_key(channel): Principal(kind="channel", channel=channel) for channel in CHANNELS}
    credentials[ADMIN_KEY] = Principal(kind="admin")
    credentials[CHAT_KEY] = Principal(kind="chat", shop=CHAT_SHOP)
    for location in json.loads(DEMO_DATA.read_text())["locations"]:
        credentials[location_key(location["location_id"])] = Principal(kind="location",
                                                                        location_id=location["location_id"])
    return credentials


def seed_api_keys(ssm, keys_path: str) -> None:
    for key, principal in local_credentials().items():
        store_key(ssm, keys_path, key, principal)


def webhook_secret(channel: str) -> str:
    return f"local-{channel}-secret"


def seed_secrets(ssm, secrets_path: str, names, secret_of) -> None:
    """Each sender's signing secret, as a JSON list (two during a rotation), under its name."""
    for name in names:
        ssm.put_parameter(Name=f"{secrets_path}/{name}", Value=json.dumps([secret_of(name)]),
                          Type="SecureString", Overwrite=True)


def carrier_secret(provider: str) -> str:
    """What each provider signs with locally (UPS's credential header and Shippo's URL token too)."""
    return f"local-{provider}-secret"


def location_webhook_secret(location_id: str) -> str:
    return f"local-{location_id}-webhook-secret"


def seed_inventory(inventory: InventoryStore, data_file: Path = DEMO_DATA, webhook_url: str | None = None) -> None:
    """Demo locations and stock; `webhook_url`, when given, is where PUSHING_LOCATION's picks go."""
    data = json.loads(data_file.read_text())
    for location in data["locations"]:
        pushes = webhook_url and location["location_id"] == PUSHING_LOCATION
        inventory.save_location(Location.model_validate({**location, **({"webhook_url": webhook_url} if pushes else {})}))
    for row in data["stock"]:
        stock = Stock.model_validate(row)
        inventory.set_stock(stock.sku, stock.location_id, stock.on_hand, stock.safety_stock, stock.reorder_point)


def seed_demo_data(template, intrinsics, resources, webhook_url: str | None = None) -> None:
    """Local keys, webhook secrets and demo stock, wherever template.yaml's functions look for them."""
    environment: dict[str, str] = {}
    for function in template.functions():
        environment.update(function.environment(intrinsics))
    ssm = resources.client("ssm")
    seed_api_keys(ssm, environment["OMS_API_KEYS_PATH"])
    seed_secrets(ssm, environment["OMS_WEBHOOK_SECRETS_PATH"], NATIVE_FORMATS, webhook_secret)
    locations = [location["location_id"] for location in json.loads(DEMO_DATA.read_text())["locations"]]
    seed_secrets(ssm, environment["OMS_LOCATION_SECRETS_PATH"], locations, location_webhook_secret)
    seed_secrets(ssm, environment["OMS_CARRIER_SECRETS_PATH"], PROVIDERS, carrier_secret)
    seed_inventory(InventoryStore(intrinsics.resolve({"Ref": "InventoryTable"}), resources.client("dynamodb")),
                   webhook_url=webhook_url)
