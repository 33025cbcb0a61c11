"""Demo data and the fixed, local-only credentials of the local stack.

These keys and secrets are documented in README.md and work only against moto on
127.0.0.1; a deployed stack has no keys until `oms keys` creates them.
"""

from __future__ import annotations

import json
from pathlib import Path

from infra.keys import store_key
from oms.models import CHANNELS, Location, Stock
from oms.principals import Principal
from oms.store.inventory import InventoryStore

DEMO_DATA = Path(__file__).with_name("demo_data.json")
ADMIN_KEY = "local-admin-key"


def channel_key(channel: str) -> str:
    return f"local-{channel}-key"


def local_credentials() -> dict[str, Principal]:
    credentials = {channel_key(channel): Principal(kind="channel", channel=channel) for channel in CHANNELS}
    credentials[ADMIN_KEY] = Principal(kind="admin")
    return credentials


def seed_api_keys(ssm, keys_path: str) -> None:
    for key, principal in local_credentials().items():
        store_key(ssm, keys_path, key, principal)


def seed_inventory(inventory: InventoryStore, data_file: Path = DEMO_DATA) -> None:
    data = json.loads(data_file.read_text())
    for location in data["locations"]:
        inventory.save_location(Location.model_validate(location))
    for row in data["stock"]:
        stock = Stock.model_validate(row)
        inventory.set_stock(stock.sku, stock.location_id, stock.on_hand, stock.safety_stock, stock.reorder_point)
