"""`oms`: the project's command line. `oms local` runs the whole system on this machine;
`oms keys` manages a stage's API keys."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.keys import IssuedKey


def _local(arguments: argparse.Namespace) -> int:
    from infra.local.seed import ADMIN_KEY, channel_key
    from infra.local.stack import LocalStack

    stack = LocalStack(Path(arguments.template), port=arguments.port, moto_port=arguments.moto_port)
    stopping = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopping.set())
    stack.start()
    key = channel_key("web")
    print(
        f"""
OMS local stack
  API          {stack.url}
  moto         {stack.moto_url}   (AWS_ENDPOINT_URL={stack.moto_url}, any credentials)
  channel keys local-<channel>-key   channels: web shopify woocommerce amazon square magento tiktok pos
  admin key    {ADMIN_KEY}

Try:
  curl -s -X POST {stack.url}/orders -H 'x-api-key: {key}' -H 'content-type: application/json' \\
    -d '{{"channel_order_id":"W-1001","channel_order_number":"#1001","placed_at":"2026-11-20T10:15:00Z","currency":"USD","customer":{{"name":"Ada Lovelace","email":"ada@example.com","phone":"+14155550100"}},"shipping_address":{{"line1":"1 Main St","city":"San Francisco","region":"CA","postal_code":"94107","country":"US"}},"lines":[{{"sku":"TSHIRT-RED-M","quantity":2,"unit_price":"19.99"}}],"shipping":"5.00","tax":"3.20","discount":"0.00","total":"48.18","payment":{{"method":"card","status":"paid"}},"delivery":{{"method":"standard"}}}}'
  curl -s {stack.url}/orders/<order_id from the answer above> -H 'x-api-key: {key}'
  curl -s -i -X POST {stack.url}/orders -H 'x-api-key: wrong-key' -d '{{}}'     # 401: the key decides the channel

ready: serving on {stack.url} (Ctrl-C stops)""",
        flush=True,
    )
    stopping.wait()
    stack.stop()
    return 0


def _keys(arguments: argparse.Namespace) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from infra import keys

    keys_path = keys.keys_path(arguments.stage)
    try:
        ssm = boto3.client("ssm")
        match arguments.action:
            case "create":
                principal = keys.principal_of(arguments.kind, arguments.channel, arguments.location)
                _hand_over(keys.create_key(ssm, keys_path, principal))
            case "rotate":
                old, issued = keys.rotate_key(ssm, keys_path, arguments.reference)
                _hand_over(issued)
                print(f"the old key {old.short_digest} stays valid: once clients have switched to the new one, "
                      f"run `oms keys revoke --stage {arguments.stage} {old.short_digest}`; "
                      f"revocation takes effect within {keys.REVOCATION_DELAY}", file=sys.stderr)
            case "revoke":
                revoked = keys.revoke_key(ssm, keys_path, arguments.reference)
                print(f"revoked {revoked.short_digest} ({revoked.principal_name}); "
                      f"it stops working within {keys.REVOCATION_DELAY}", file=sys.stderr)
            case "list":
                for stored in keys.stored_keys(ssm, keys_path):
                    print(stored.describe())
    except (keys.KeyCommandError, BotoCoreError, ClientError) as error:
        print(f"oms keys: error: {error}", file=sys.stderr)
        return 1
    return 0


def _hand_over(issued: IssuedKey) -> None:
    # The key alone on stdout, so `KEY=$(oms keys create ...)` captures it; the note goes to the terminal.
    print(issued.key, flush=True)
    print(f"API key for {issued.stored.principal_name} (digest {issued.stored.short_digest}): "
          "it is shown only this once and cannot be shown again", file=sys.stderr)


def _customers(arguments: argparse.Namespace) -> int:
    import boto3

    from infra.customers import ErasureFailed, email_hash, erase
    from oms.pii import mask_email

    if not arguments.admin_key:
        print("oms customers: error: an admin key is needed (--admin-key or OMS_ADMIN_KEY)", file=sys.stderr)
        return 1
    customer = email_hash(boto3.client("secretsmanager"), arguments.hash_secret, arguments.email)
    try:
        erasure = erase(arguments.api_url, arguments.admin_key, customer)
    except ErasureFailed as error:
        print(f"oms customers: error: {error}", file=sys.stderr)
        return 1
    print(f"erased the personal data of {mask_email(arguments.email)} from {len(erasure.erased_orders)} order(s)")
    for order_id in erasure.erased_orders:
        print(f"  {order_id}")
    return 0


def _parser() -> argparse.ArgumentParser:
    from infra.local.stack import DEFAULT_TEMPLATE

    parser = argparse.ArgumentParser(prog="oms", description="Serverless omni-channel order management system.")
    commands = parser.add_subparsers(dest="command", required=True)
    local = commands.add_parser("local", help="run the whole system on this machine, on moto, with demo data")
    local.add_argument("--port", type=int, default=int(os.environ.get("OMS_PORT", "3000")),
                       help="HTTP port of the API (env OMS_PORT; default 3000)")
    local.add_argument("--moto-port", type=int, default=int(os.environ.get("OMS_MOTO_PORT", "5000")),
                       help="port of moto's server (env OMS_MOTO_PORT; default 5000)")
    local.add_argument("--template", default=str(DEFAULT_TEMPLATE), help="the SAM template to run")
    local.set_defaults(run=_local)

    keys = commands.add_parser("keys", help="create, rotate, revoke and list a stage's API keys (no deploy needed)",
                               description="AWS credentials, region and endpoint (AWS_ENDPOINT_URL) come from "
                                           "the environment, as for any AWS tool.")
    stage = argparse.ArgumentParser(add_help=False)
    stage.add_argument("--stage", default=os.environ.get("OMS_STAGE", "dev"),
                       help="whose keys: /oms/<stage>/api-keys (env OMS_STAGE; default dev)")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", parents=[stage], help="issue a new key; prints it once")
    create.add_argument("--kind", required=True, help="channel, location or admin")
    create.add_argument("--channel", help="the channel a channel key speaks for, e.g. shopify")
    create.add_argument("--location", help="the location a location key speaks for, e.g. store-sf")
    rotate = actions.add_parser("rotate", parents=[stage],
                                help="issue a new key for the same principal; the old one stays valid")
    rotate.add_argument("reference", metavar="KEY_OR_DIGEST", help="the old key, its digest or a unique digest prefix")
    revoke = actions.add_parser("revoke", parents=[stage], help="stop accepting a key")
    revoke.add_argument("reference", metavar="KEY_OR_DIGEST", help="the key, its digest or a unique digest prefix")
    actions.add_parser("list", parents=[stage], help="one line per key: digest prefix, principal, created")
    keys.set_defaults(run=_keys)

    customers = commands.add_parser("customers", help="a customer's personal data")
    customer_actions = customers.add_subparsers(dest="action", required=True)
    erase = customer_actions.add_parser(
        "erase", help="erase a customer's personal data from all their orders (right to erasure)",
        description="Hashes EMAIL with the stage's hash secret (AWS credentials from the environment) and asks "
                    "the API to erase every order of that customer.")
    erase.add_argument("email")
    erase.add_argument("--api-url", default=os.environ.get("OMS_API_URL", "http://127.0.0.1:3000"),
                       help="the OMS API (env OMS_API_URL; default the local stack)")
    erase.add_argument("--admin-key", default=os.environ.get("OMS_ADMIN_KEY"), help="an admin key (env OMS_ADMIN_KEY)")
    erase.add_argument("--hash-secret", default=os.environ.get("OMS_PII_HASH_SECRET", "oms-local-PiiHashSecret"),
                       help="the stack's PiiHashSecretArn output (env OMS_PII_HASH_SECRET; default the local stack's)")
    customers.set_defaults(run=_customers)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
