"""`oms`: the project's command line. `oms local` runs the whole system on this machine;
`oms notices` prints the customer notices it sends, `oms alerts` what it tells operations, and
`oms metrics` the metrics it has emitted; `oms chat` talks to its assistant as a customer;
`oms keys` manages a stage's API keys;
`oms import` loads a retailer's legacy orders; `oms check` reports what in the tables does not hold."""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.keys import IssuedKey


def _local(arguments: argparse.Namespace) -> int:
    from infra.local.console import routed_output

    # Before the stack loads any handler: powertools' loggers keep the sys.stdout they find.
    with routed_output(Path(arguments.log_file)):
        return _run_local(arguments)


def _run_local(arguments: argparse.Namespace) -> int:
    from infra.local.seed import ADMIN_KEY, CHAT_KEY, PUSHING_LOCATION, channel_key
    from infra.local.stack import LocalStack

    stack = LocalStack(Path(arguments.template), port=arguments.port, moto_port=arguments.moto_port,
                       receiver_port=arguments.receiver_port, schedule_speed=arguments.schedule_speed,
                       faults=arguments.faults)
    # Blocked before any thread starts (threads inherit the mask) and then waited for: a
    # Python signal handler could interrupt the main thread inside a lock it then needs.
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    stack.start()
    key = channel_key("web")
    speed = "as deployed" if arguments.schedule_speed == 1 else f"{arguments.schedule_speed:g} times as often"
    print(
        f"""
OMS local stack
  API          {stack.url}
  moto         {stack.moto_url}   (AWS_ENDPOINT_URL={stack.moto_url}, any credentials)
  channel keys local-<channel>-key   channels: web shopify woocommerce amazon square magento tiktok pos
  admin key    {ADMIN_KEY}
  locations    local-<location_id>-key   (GET /shipments lists a location's picks)
  picks        {PUSHING_LOCATION}'s pick requests are pushed to {stack.receiver.url} and printed here
  carriers     POST {stack.url}/carriers/<provider>/events, signed with local-<provider>-secret
               (easypost aftership shippo 17track ups generic); `oms notices` prints what customers are told
  chat         POST {stack.url}/webhooks/rest/webhook (Rasa REST channel) and /chat/parse with x-api-key {CHAT_KEY};
               `oms chat` talks to the assistant in English or Chinese
  schedules    {len(stack.schedules.names)} of the template's, run {speed} (--schedule-speed N: N times as often)
  faults       {_faults_line(arguments.faults)}
  logs         one line per log record here; every JSON log line and metric in {arguments.log_file}
               (`oms metrics` sums the metrics); `oms alerts -f` prints what operations are alerted to

Try:
  curl -s -X POST {stack.url}/orders -H 'x-api-key: {key}' -H 'content-type: application/json' \\
    -d '{{"channel_order_id":"W-1001","channel_order_number":"#1001","placed_at":"2026-11-20T10:15:00Z","currency":"USD","customer":{{"name":"Ada Lovelace","email":"ada@example.com","phone":"+14155550100"}},"shipping_address":{{"line1":"1 Main St","city":"San Francisco","region":"CA","postal_code":"94107","country":"US"}},"lines":[{{"sku":"TSHIRT-RED-M","quantity":2,"unit_price":"19.99"}}],"shipping":"5.00","tax":"3.20","discount":"0.00","total":"48.18","payment":{{"method":"card","status":"paid"}},"delivery":{{"method":"standard"}}}}'
  curl -s {stack.url}/orders/<order_id from the answer above> -H 'x-api-key: {key}'
  curl -s -i -X POST {stack.url}/orders -H 'x-api-key: wrong-key' -d '{{}}'     # 401: the key decides the channel

ready: serving on {stack.url} (Ctrl-C stops)""",
        flush=True,
    )
    signal.sigwait(stop_signals)
    stack.stop()
    return 0


def _faults_line(faults) -> str:
    if faults is None:
        return "none (OMS_FAULTS=seed=7,all=0.01 makes AWS misbehave for the functions)"
    rates = " ".join(f"{fault}={rate:g}" for fault, rate in faults.rates.items() if rate)
    return f"seed={faults.seed} {rates}; each one injected is logged as oms.faults"


def _chat(arguments: argparse.Namespace) -> int:
    from infra.chat import ChatClient, converse

    client = ChatClient(arguments.url, arguments.key)
    print(f"chatting with {arguments.url} as a new customer (Ctrl-D ends); after posting the banner's "
          "example order, try: where is my order #1001?  (its email: ada@example.com)", flush=True)
    converse(client, lambda: input("you: "), sys.stdout)
    return 0


def _notices(arguments: argparse.Namespace) -> int:
    import threading

    import boto3

    from infra.notices import notices_topic, tail

    # The local stack's moto unless told otherwise; any credentials do there.
    session = boto3.Session(aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
                            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
                            region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    sns = session.client("sns", endpoint_url=arguments.endpoint_url)
    sqs = session.client("sqs", endpoint_url=arguments.endpoint_url)
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        topic = arguments.topic_arn or notices_topic(sns)
    except LookupError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"customer notices from {topic} (Ctrl-C stops)", flush=True)
    tail(sns, sqs, topic, sys.stdout, running=lambda: not stopped.is_set())
    return 0


def _alerts(arguments: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from infra.local.clients import local_client
    from infra.local.ops_tail import tail, tail_queue_url

    sqs = local_client("sqs", arguments.endpoint_url)
    try:
        queue_url = tail_queue_url(sqs)
        if arguments.follow:
            print("alerts to operations, as they come (Ctrl-C stops)", file=sys.stderr, flush=True)
        tail(sqs, queue_url, sys.stdout, follow=arguments.follow)
    except (LookupError, BotoCoreError, ClientError) as error:
        print(f"oms alerts: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _metrics(arguments: argparse.Namespace) -> int:
    from infra.local.emf_totals import metric_totals, metrics_table

    path = Path(arguments.log_file)
    if not path.is_file():
        print(f"oms metrics: error: no log at {path}: `oms local` writes it (see its --log-file)", file=sys.stderr)
        return 1
    with open(path, encoding="utf-8") as log:
        totals = metric_totals(log)
    print(metrics_table(totals) if totals else f"no metrics in {path} yet")
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
                principal = keys.principal_of(arguments.kind, arguments.channel, arguments.location,
                                             arguments.shop)
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


def _import(arguments: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from botocore.exceptions import BotoCoreError, ClientError

    from infra.importing.candidate import UnusableFile
    from infra.importing.destination import destination_for, order_store
    from infra.local.clients import local_client
    from infra.importing.readers import READERS
    from infra.importing.run import import_file
    from oms.intake import receive_order
    from oms.models import CHANNELS

    def fail(message: str) -> int:
        print(f"oms import: error: {message}", file=sys.stderr)
        return 2

    if arguments.channel not in CHANNELS:
        return fail(f"--channel must be one of {' '.join(CHANNELS)}")
    try:
        zone = ZoneInfo(arguments.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return fail(f"--timezone {arguments.timezone!r} is not an IANA time zone such as UTC or America/New_York")
    path = Path(arguments.file)
    if not path.is_file():
        return fail(f"no file {path}")
    receive = None
    if not arguments.dry_run:
        destination = destination_for(arguments.stage, arguments.orders_table, arguments.pii_key_id,
                                      arguments.hash_secret)
        if destination is None:
            return fail(f"stage {arguments.stage}: give --orders-table, --pii-key-id and --hash-secret "
                        "(or OMS_ORDERS_TABLE, OMS_PII_KEY_ID, OMS_PII_HASH_SECRET), or --stage local")
        try:
            orders = order_store(destination, local_client) if arguments.stage == "local" else order_store(destination)
        except BotoCoreError as error:  # no region, no credentials: said in one line
            return fail(f"{error} (AWS credentials and region come from the environment, as for any AWS tool)")
        receive = functools.partial(receive_order, channel=arguments.channel, orders=orders)
    report = Path(arguments.report) if arguments.report else path.with_name(path.name + ".report.csv")
    if report.resolve() == path.resolve():
        return fail("--report names FILE itself, which the report would overwrite")
    try:
        tally = import_file(path, READERS[arguments.format], receive, report, zone, arguments.day_first,
                            progress=sys.stderr.isatty())
    except UnusableFile as error:
        return fail(f"{path}: {error}")
    except (BotoCoreError, ClientError) as error:
        return fail(f"{error}\nre-running the same file is safe: orders already imported are not written twice")
    print(tally.summary(report, arguments.dry_run))
    return 0 if tally.complete else 1


def _check(arguments: argparse.Namespace) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from infra.check import report_json, report_lines, tables_for
    from infra.local.clients import local_client
    from oms.store.audit import ScanOutOfOrder, audit

    def fail(message: str) -> int:
        print(f"oms check: error: {message}", file=sys.stderr)
        return 2

    tables = tables_for(arguments.stage, arguments.orders_table, arguments.inventory_table)
    if tables is None:
        return fail(f"stage {arguments.stage}: give --orders-table and --inventory-table "
                    "(or OMS_ORDERS_TABLE, OMS_INVENTORY_TABLE), or --stage local")
    try:
        client = local_client("dynamodb") if arguments.stage == "local" else boto3.client("dynamodb")
        report = audit(tables.orders, tables.inventory, client)
    except BotoCoreError as error:  # no region, no credentials, no endpoint: said in one line
        return fail(f"{error} (AWS credentials and region come from the environment, as for any AWS tool)")
    except (ClientError, ScanOutOfOrder) as error:
        return fail(f"{error} (tables {tables.orders}, {tables.inventory})")
    print(report_json(report) if arguments.json else "\n".join(report_lines(report)))
    return 0 if report.ok else 1


def _forecast(arguments: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from infra.forecast_view import LocationForecast, report_lines
    from infra.local.clients import local_client
    from infra.local.resources import physical_name
    from oms.demand import Series
    from oms.planner import HISTORY_DAYS, location_forecasts
    from oms.store.demand import DemandStore
    from oms.store.inventory import InventoryStore

    local = arguments.stage == "local"
    inventory_table = arguments.inventory_table or (physical_name("InventoryTable") if local else None)
    planning_table = arguments.planning_table or (physical_name("PlanningTable") if local else None)
    if not (inventory_table and planning_table):
        print(f"oms forecast: error: stage {arguments.stage}: give --inventory-table and --planning-table "
              "(or OMS_INVENTORY_TABLE, OMS_PLANNING_TABLE), or --stage local", file=sys.stderr)
        return 2
    today = datetime.now(UTC).date()
    start, end = today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1)
    try:
        client = local_client("dynamodb") if local else boto3.client("dynamodb")
        stock = [row for row in InventoryStore(inventory_table, client).stock(arguments.sku)
                 if arguments.location in (None, row.location_id)]
        demand = DemandStore(planning_table, client)
        histories = {row.location_id: demand.history(Series.at_location(arguments.sku, row.location_id), start, end)
                     for row in stock}
    except (BotoCoreError, ClientError) as error:
        print(f"oms forecast: error: {error}", file=sys.stderr)
        return 2
    forecasts = location_forecasts(histories)[0] if histories else {}
    shown = [LocationForecast(row, histories[row.location_id][-arguments.days:], forecasts[row.location_id])
             for row in stock]
    print("\n".join(report_lines(arguments.sku, shown, coloured=sys.stdout.isatty())))
    return 0 if shown else 1


def _schedule_speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: the speed must be above 0 and finite")
    return value


def _faults(text: str):
    from infra.faults import Faults, FaultsUnreadable

    try:
        return Faults.parse(text) if text else None
    except FaultsUnreadable as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _stage_and_tables(parser: argparse.ArgumentParser, *tables: str) -> None:
    """`--stage` and a `--<table>-table` option per table named (orders, inventory, planning)."""
    parser.add_argument("--stage", default=os.environ.get("OMS_STAGE", "dev"),
                        help="local reads the local stack's tables (env OMS_STAGE; default dev)")
    for table in tables:
        variable = f"OMS_{table.upper()}_TABLE"
        parser.add_argument(f"--{table}-table", default=os.environ.get(variable),
                            help=f"the stack's {table.capitalize()} table (env {variable})")


def _parser() -> argparse.ArgumentParser:
    from infra.local.console import DEFAULT_LOG_FILE
    from infra.local.stack import DEFAULT_TEMPLATE

    parser = argparse.ArgumentParser(prog="oms", description="Serverless omni-channel order management system.")
    commands = parser.add_subparsers(dest="command", required=True)
    local = commands.add_parser("local", help="run the whole system on this machine, on moto, with demo data")
    local.add_argument("--port", type=int, default=int(os.environ.get("OMS_PORT", "3000")),
                       help="HTTP port of the API (env OMS_PORT; default 3000)")
    local.add_argument("--moto-port", type=int, default=int(os.environ.get("OMS_MOTO_PORT", "5000")),
                       help="port of moto's server (env OMS_MOTO_PORT; default 5000)")
    local.add_argument("--receiver-port", type=int, default=int(os.environ.get("OMS_RECEIVER_PORT", "3001")),
                       help="port of the demo location's pick receiver (env OMS_RECEIVER_PORT; default 3001)")
    local.add_argument("--template", default=str(DEFAULT_TEMPLATE), help="the SAM template to run")
    local.add_argument("--schedule-speed", type=_schedule_speed, metavar="N",
                       default=os.environ.get("OMS_SCHEDULE_SPEED", "1"),
                       help="fire the template's schedules N times as often: 60 fires a rate(5 minutes) every 5 s; "
                            "handlers still read the real clock (env OMS_SCHEDULE_SPEED; default 1, as deployed)")
    local.add_argument("--log-file", default=str(DEFAULT_LOG_FILE), metavar="PATH",
                       help=f"where every JSON log line and EMF metric goes, emptied at start; the terminal "
                            f"gets one readable line per log record (default {DEFAULT_LOG_FILE})")
    local.add_argument("--faults", type=_faults, metavar="SPEC", default=os.environ.get("OMS_FAULTS", ""),
                       help="make AWS misbehave for the functions, e.g. seed=7,all=0.01,duplicate=0.05 (faults: "
                            "conflict condition throttle sqs_failed timeout lost_answer die duplicate; env OMS_FAULTS; default none)")
    local.set_defaults(run=_local)

    alerts = commands.add_parser("alerts", help="print what the local stack's ops topic alerts operations to")
    alerts.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
                        help="the local stack's moto (env AWS_ENDPOINT_URL; default http://127.0.0.1:5000)")
    alerts.add_argument("-f", "--follow", action="store_true",
                        help="keep printing alerts as they come (Ctrl-C stops); else print those waiting and exit")
    alerts.set_defaults(run=_alerts)

    metrics = commands.add_parser("metrics", help="the metrics `oms local` has emitted so far, summed")
    metrics.add_argument("--log-file", default=str(DEFAULT_LOG_FILE), metavar="PATH",
                         help=f"the log `oms local` writes (default {DEFAULT_LOG_FILE})")
    metrics.set_defaults(run=_metrics)

    notices = commands.add_parser("notices", help="print the customer notices the stack publishes, as they come")
    notices.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
                         help="where SNS and SQS answer (env AWS_ENDPOINT_URL; default the local stack's moto)")
    notices.add_argument("--topic-arn", help="the CustomerNoticesTopicArn output (default: found by name)")
    notices.set_defaults(run=_notices)

    chat = commands.add_parser("chat", help="talk to the stack's chat assistant as a customer (English or Chinese)")
    chat.add_argument("--url", default=os.environ.get("OMS_API_URL", "http://127.0.0.1:3000"),
                      help="the API (env OMS_API_URL; default the local stack's)")
    chat.add_argument("--key", default=os.environ.get("OMS_CHAT_KEY", "local-chat-key"),
                      help="the shop's publishable chat key (env OMS_CHAT_KEY; default the local one)")
    chat.set_defaults(run=_chat)

    keys = commands.add_parser("keys", help="create, rotate, revoke and list a stage's API keys (no deploy needed)",
                               description="AWS credentials, region and endpoint (AWS_ENDPOINT_URL) come from "
                                           "the environment, as for any AWS tool.")
    stage = argparse.ArgumentParser(add_help=False)
    stage.add_argument("--stage", default=os.environ.get("OMS_STAGE", "dev"),
                       help="whose keys: /oms/<stage>/api-keys (env OMS_STAGE; default dev)")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", parents=[stage], help="issue a new key; prints it once")
    create.add_argument("--kind", required=True, help="channel, location, admin or chat")
    create.add_argument("--channel", help="the channel a channel key speaks for, e.g. shopify")
    create.add_argument("--location", help="the location a location key speaks for, e.g. store-sf")
    create.add_argument("--shop", help="the shop a chat key names (publishable: it goes in the chat widget)")
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

    importing = commands.add_parser(
        "import", help="import a retailer's legacy orders from a file, each exactly once",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Cleans, validates and stores each order of FILE as the channel's, as POST /orders would;
re-running a file imports nothing twice. Every problem and warning goes to a report
(row, channel_order_id, field, problem; never a value), FILE.report.csv by default.
AWS credentials, region and endpoint (AWS_ENDPOINT_URL) come from the environment.

exit status: 0 every order is in; 1 some were rejected or conflict (see the report);
2 the import could not start or stopped (re-running is safe).""",
        epilog="""\
csv layout: one row per order line; an order's rows consecutive; order columns read from
its first row. Columns: channel_order_id, channel_order_number, placed_at, currency,
customer_name, customer_email, customer_phone, ship_{name,company,line1,line2,city,region,
postal_code,country}, bill_{the same}, subtotal, shipping, tax, discount, total,
payment_method, payment_status, payment_reference, delivery_method, pickup_location_id,
sku, line_name, quantity, unit_price, line_discount, line_discount_code.
See README.md, "Importing legacy orders".""")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--channel", required=True, help="the channel the orders were sold through, e.g. shopify")
    importing.add_argument("--format", choices=("csv", "jsonl", "shopify-export"), default="csv",
                           help="csv: the OMS's layout (below); jsonl: one canonical order JSON per line; "
                                "shopify-export: Shopify admin's orders export (default csv)")
    importing.add_argument("--dry-run", action="store_true", help="check and report only; write no order")
    importing.add_argument("--report", metavar="PATH", help="where to write the report (default FILE.report.csv)")
    importing.add_argument("--timezone", default="UTC",
                           help="IANA zone of dates written without one, e.g. America/New_York (default UTC)")
    importing.add_argument("--day-first", action="store_true",
                           help="read numeric dates as day/month/year (default month/day/year)")
    importing.add_argument("--stage", default=os.environ.get("OMS_STAGE", "dev"),
                           help="local fills in the local stack's table, key and secret (env OMS_STAGE; default dev)")
    importing.add_argument("--orders-table", default=os.environ.get("OMS_ORDERS_TABLE"),
                           help="the stack's Orders table (env OMS_ORDERS_TABLE)")
    importing.add_argument("--pii-key-id", default=os.environ.get("OMS_PII_KEY_ID"),
                           help="the PII KMS key, e.g. alias/<stack>-pii (env OMS_PII_KEY_ID)")
    importing.add_argument("--hash-secret", default=os.environ.get("OMS_PII_HASH_SECRET"),
                           help="the stack's PiiHashSecretArn output (env OMS_PII_HASH_SECRET)")
    importing.set_defaults(run=_import)

    check = commands.add_parser(
        "check", help="read a stage's tables and report every broken invariant (writes nothing)",
        description="Reads the Orders and Inventory tables whole, page by page, and reports what does not "
                    "hold: stock arithmetic, reservations against open shipments, derived statuses, whole "
                    "item collections, uniqueness items, index attributes, capacity, the catalogue. "
                    "AWS credentials, region and endpoint (AWS_ENDPOINT_URL) come from the environment.",
        epilog="exit status: 0 nothing is broken; 1 something is; 2 the check could not start or stopped.")
    _stage_and_tables(check, "orders", "inventory")
    check.add_argument("--json", action="store_true", help="the report as one JSON document")
    check.set_defaults(run=_check)

    forecast = commands.add_parser(
        "forecast", help="a SKU's daily demand and forecast per location, as a chart (writes nothing)",
        description="Reads the SKU's stock and demand history and forecasts it as the daily replenishment "
                    "run does; shows the run's last plan beside the stock (reorder point, days of cover).",
        epilog="exit status: 0 shown; 1 no location stocks the SKU; 2 the tables could not be read.")
    forecast.add_argument("sku")
    forecast.add_argument("--location", help="one location only (default: every location that stocks it)")
    forecast.add_argument("--days", type=int, default=91, help="days of history to draw (default 91)")
    _stage_and_tables(forecast, "inventory", "planning")
    forecast.set_defaults(run=_forecast)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
