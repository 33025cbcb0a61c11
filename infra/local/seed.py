"""Demo data and the fixed, local-only credentials of the local stack.

These keys and secrets are documented in README.md and work only against moto on
127.0.0.1; a deployed stack has no keys until `oms keys` creates them.
"""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from infra.keys import store_key
from oms.carriers import PROVIDERS
from oms.channels import NATIVE_FORMATS
from oms.demand import DailyDemand, Series
from oms.models import CHANNELS, Location, Stock
from oms.planning import CatalogueEntry, Supplier
from oms.principals import Principal
from oms.store.catalogue import CatalogueStore
from oms.store.demand import DemandStore
from oms.store.inventory import InventoryStore

DEMO_DATA = Path(__file__).with_name("demo_data.json")
ADMIN_KEY = "local-admin-key"
CHAT_KEY = "local-chat-key"  # a shop's publishable chat key
CHAT_SHOP = "demo"
# The demo location whose picks are pushed to the local pick receiver; the others pull theirs.
PUSHING_LOCATION = "wh-reno"
DEMO_PLANNING_SCHEDULE = "PlanningFunction.Daily"  # run once the demo is seeded
DEMAND_DAYS = 91  # 13 weeks of demo demand: enough for a weekly pattern to be read
# Weekend shoppers: Monday..Sunday's share of a week's demo demand, times 7.
_WEEKDAY = (0.8, 0.8, 0.9, 1.0, 1.1, 1.3, 1.1)


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


def seed_catalogue(catalogue: CatalogueStore, data_file: Path = DEMO_DATA) -> None:
    data = json.loads(data_file.read_text())
    for supplier in data["suppliers"]:
        catalogue.save_supplier(Supplier.model_validate(supplier))
    for entry in data["catalogue"]:
        catalogue.save_entry(CatalogueEntry.model_validate(entry))


def seed_demand(demand: DemandStore, today: date, data_file: Path = DEMO_DATA) -> None:
    """Made-up daily demand up to yesterday, the same every start: each series' units a day on
    the weekday pattern, drawn as Poisson counts (a seeded generator)."""
    draw = random.Random(14)
    for row in json.loads(data_file.read_text())["demand"]:
        days = [today - timedelta(days=back) for back in range(DEMAND_DAYS, 0, -1)]
        units = [_poisson(draw, row["per_day"] * _WEEKDAY[day.weekday()]) for day in days]
        demand.load(Series.at_location(row["sku"], row["location_id"]),
                    [DailyDemand(day, ordered, ordered, stock_out=False) for day, ordered in zip(days, units, strict=True)])


def _poisson(draw: random.Random, mean: float) -> int:
    """Knuth's: counts of independent arrivals at `mean` a day (the demo's means are small)."""
    limit, count, product = math.exp(-mean), 0, draw.random()
    while product > limit:
        count += 1
        product *= draw.random()
    return count


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
    dynamodb = resources.client("dynamodb")
    inventory_table = intrinsics.resolve({"Ref": "InventoryTable"})
    seed_inventory(InventoryStore(inventory_table, dynamodb), webhook_url=webhook_url)
    seed_catalogue(CatalogueStore(inventory_table, dynamodb))
    seed_demand(DemandStore(intrinsics.resolve({"Ref": "PlanningTable"}), dynamodb), datetime.now(UTC).date())
