"""The whole OMS on one machine: moto's server, the template's resources, the gateway, the pumps
and the schedules."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from moto.server import ThreadedMotoServer

from infra.faults import Faults, injected
from infra.local.gateway import LocalGateway
from infra.local.moto_streams import bound_shard_iterators
from infra.local.moto_transactions import roll_back_touched_items_only
from infra.local.ops_tail import subscribe_ops_tail
from infra.local.pick_receiver import PickReceiver
from infra.local.pump import Pump
from infra.local.resources import LocalResources
from infra.local.schedules import Schedules
from infra.local.seed import DEMO_PLANNING_SCHEDULE, location_webhook_secret, seed_demo_data
from infra.local.template import REGION, Intrinsics, Template

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"

# moto accepts any credentials; fixed ones keep a developer's real AWS profile out of reach.
_LOCAL_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


class ConflictingEnvironment(ValueError):
    """Two functions give one environment variable different values; one process can't hold both."""


def shared_environment(template: Template, intrinsics: Intrinsics) -> dict[str, str]:
    """Variables every function agrees on, set process-wide so call-time reads see them.

    Variables that differ between functions (each one's POWERTOOLS_SERVICE_NAME) are
    applied only while that function's module is imported (see invoke.load_handler).
    """
    values: dict[str, set[str]] = {}
    for function in template.functions():
        for name, value in function.environment(intrinsics).items():
            values.setdefault(name, set()).add(value)
    return {name: next(iter(found)) for name, found in values.items() if len(found) == 1}


class LocalStack:
    def __init__(
        self,
        template_path: Path = DEFAULT_TEMPLATE,
        host: str = "127.0.0.1",
        port: int = 3000,
        moto_port: int = 5000,
        receiver_port: int = 0,
        demo_data: bool = True,
        log: Callable = print,
        schedule_speed: float = 1.0,
        faults: Faults | None = None,
    ):
        """`schedule_speed` N fires the template's schedules N times as often (see infra.local.schedules);
        `faults` are injected into the functions' AWS calls once the stack is up (see infra.faults)."""
        self.template = Template(template_path)
        self.host, self.port, self.moto_port, self.receiver_port = host, port, moto_port, receiver_port
        self.demo_data = demo_data
        self.schedule_speed = schedule_speed
        self.faults = faults
        self._faulting = contextlib.ExitStack()
        self._log = log
        self._moto: ThreadedMotoServer | None = None
        self._http = None
        self.gateway: LocalGateway | None = None
        self.pump: Pump | None = None
        self.schedules: Schedules | None = None
        self.receiver: PickReceiver | None = None
        self.intrinsics: Intrinsics | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def moto_url(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    def start(self) -> LocalStack:
        # moto's server logs every request, and the pumps poll several times a second.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        roll_back_touched_items_only()  # and serialise DynamoDB requests, which it relies on
        bound_shard_iterators()
        self._moto = ThreadedMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        self._moto.start()
        os.environ.update(_LOCAL_AWS_ENVIRONMENT, AWS_ENDPOINT_URL=self.moto_url)
        resources = LocalResources(self.template, self.moto_url)
        self.intrinsics = resources.create_all()
        subscribe_ops_tail(self.intrinsics, resources.client("sns"), resources.client("sqs"))
        os.environ.update(shared_environment(self.template, self.intrinsics))
        self.receiver = PickReceiver(location_webhook_secret, self.host, self.receiver_port, log=self._log).start()
        if self.demo_data:
            self._seed(resources)
        self.gateway = LocalGateway(self.template, self.intrinsics, log=self._log)
        self._http = self.gateway.serve(self.host, self.port)
        self.pump = Pump(self.template, self.intrinsics, self.moto_url)
        self.pump.start()
        self.schedules = Schedules.from_template(self.template, self.intrinsics, self.schedule_speed).start()
        if self.demo_data:
            # The demo's replenishment plan (reorder points, days of cover, proposals) is made now
            # rather than at the schedule's next early morning.
            self.schedules.fire(DEMO_PLANNING_SCHEDULE)
        if self.faults:  # not before: creating and seeding the resources is deployment, not the system
            self._faulting.enter_context(injected(self.faults))
        return self

    def _seed(self, resources: LocalResources) -> None:
        seed_demo_data(self.template, self.intrinsics, resources, webhook_url=self.receiver.url)

    def stop(self) -> None:
        self._faulting.close()
        if self.schedules:
            self.schedules.stop()
        if self.pump:
            self.pump.stop()
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        if self.receiver:
            self.receiver.stop()
        if self._moto:
            self._moto.stop()
        self._log("local stack stopped", file=sys.stderr)

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
