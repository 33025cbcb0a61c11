"""A location's webhook on this machine: receives pick requests, checks their signature, and
prints what was asked (never the recipient: a terminal is a log).

`oms local` points one demo location at it. Tests use it to count what arrived and to play a
webhook that is down (`fail_next`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from oms import signing


class PickReceiver:
    def __init__(self, secrets: Callable[[str], str], host: str = "127.0.0.1", port: int = 0,
                 log: Callable[..., None] = print):
        """`secrets` gives the signing secret of a location by its id."""
        self._secrets, self._log = secrets, log
        self._lock = threading.Condition()
        self.deliveries: Counter[str] = Counter()  # shipment id -> requests accepted
        self.withdrawals: Counter[str] = Counter()  # shipment id -> withdrawals accepted
        self.arrived_at: dict[str, float] = {}  # shipment id -> time.time() of its first arrival
        self.refused = 0
        self._failures_to_play = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver._receive(body, self.headers.get(signing.HEADER))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass  # what matters is printed by _receive

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="pick-receiver", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/picks"

    def start(self) -> PickReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, requests: int) -> None:
        """Answers the next `requests` requests with 500, as a webhook that is down would."""
        with self._lock:
            self._failures_to_play = requests

    @property
    def failures_left(self) -> int:
        return self._failures_to_play

    def wait_for(self, shipment_ids: set[str], timeout: float) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: shipment_ids <= set(self.deliveries), timeout=timeout)

    def _receive(self, body: bytes, signature: str | None) -> int:
        try:
            request = json.loads(body)
            pick = request["pick"]
        except (ValueError, KeyError, TypeError):
            return 400
        if not signing.verify(self._secrets(pick["location_id"]), body, signature):
            with self._lock:
                self.refused += 1
            self._log(f"pick receiver: refused a request for {pick.get('shipment_id')}: bad signature", flush=True)
            return 401
        if request.get("event") == "pick.withdrawn":
            with self._lock:
                self.withdrawals[pick["shipment_id"]] += 1
                self._lock.notify_all()
            self._log(f"pick withdrawn for {pick['location_id']}: {pick['shipment_id']}", flush=True)
            return 200
        with self._lock:
            if self._failures_to_play:
                self._failures_to_play -= 1
                return 500
            shipment_id = pick["shipment_id"]
            repeat = shipment_id in self.deliveries
            self.deliveries[shipment_id] += 1
            self.arrived_at.setdefault(shipment_id, time.time())
            self._lock.notify_all()
        lines = ", ".join(f"{line['quantity']} × {line['sku']}" for line in pick["lines"])
        self._log(f"pick request for {pick['location_id']}: {shipment_id} {lines} "
                  f"(order {pick.get('channel_order_number') or pick['order_id']}, ship by {pick.get('ship_by')})"
                  + (" (a repeat)" if repeat else ""), flush=True)
        return 200
