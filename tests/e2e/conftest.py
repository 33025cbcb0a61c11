"""The local stack as a newcomer runs it: `oms local` in its own process, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

READY_TIMEOUT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: object


@dataclass
class RunningStack:
    process: subprocess.Popen
    url: str
    output: list[str]
    seen_at: list[float]  # time.monotonic() when each line of output was read
    log_file: Path  # where it writes its JSON log lines and metrics

    def wait_for_output(self, text: str, timeout: float = 30) -> float:
        """When a line containing `text` was printed (read), waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        checked = 0
        while time.monotonic() < deadline:
            lines = len(self.output)
            for index in range(checked, lines):
                if text in self.output[index]:
                    return self.seen_at[index]
            checked = lines
            time.sleep(0.002)
        raise TimeoutError(f"no line with {text!r} within {timeout} s")

    def request(self, method: str, path: str, body: object = None, api_key: str | None = None,
                raw: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"content-type": "application/json", **(headers or {})}
        if api_key is not None:
            headers["x-api-key"] = api_key
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer_headers, payload = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, payload = error.code, dict(error.headers), error.read()
        return Answer(status, answer_headers, json.loads(payload) if payload else None)


def start_local_stack(**settings: str) -> RunningStack:
    """`oms local` with the environment variables given (e.g. OMS_SCHEDULE_SPEED) on free ports."""
    port, moto_port, receiver_port = free_port(), free_port(), free_port()
    environment = {**os.environ, "OMS_PORT": str(port), "OMS_MOTO_PORT": str(moto_port),
                   "OMS_RECEIVER_PORT": str(receiver_port), "PYTHONUNBUFFERED": "1", **settings}
    # A log of its own: stacks started side by side would otherwise empty each other's.
    log_file = Path(tempfile.mkdtemp(prefix="oms-e2e-")) / "logs.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.cli", "local", "--log-file", str(log_file)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
    )
    output: list[str] = []
    seen_at: list[float] = []

    def keep(line: str) -> None:
        seen_at.append(time.monotonic())
        output.append(line)

    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        keep(line)
        if "ready" in line:
            # Keep reading its output, so a full pipe never blocks the stack.
            threading.Thread(target=lambda: [keep(line) for line in iter(process.stdout.readline, "")],
                             daemon=True).start()
            return RunningStack(process, f"http://127.0.0.1:{port}", output, seen_at, log_file)
    process.kill()
    raise RuntimeError("oms local did not print its ready line:\n" + "".join(output))


def stop_local_stack(stack: RunningStack, sig: int = signal.SIGINT, grace: float = 20) -> int:
    stack.process.send_signal(sig)
    try:
        return stack.process.wait(timeout=grace)
    finally:
        if stack.process.poll() is None:
            stack.process.kill()
        shutil.rmtree(stack.log_file.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def local_stack():
    stack = start_local_stack()
    yield stack
    stop_local_stack(stack)
