"""`oms`: the project's command line. `oms local` runs the whole system on this machine."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path


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
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
