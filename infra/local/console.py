"""`oms local`'s standard output: full JSON lines to a log file, one readable line each to the terminal.

Every function runs in this one process and prints to sys.stdout: powertools' Logger through
the StreamHandler it makes on sys.stdout when a handler module is imported, powertools' Metrics
with print(). So `routed_output` replaces sys.stdout before any handler is loaded. JSON lines
go to the file; a log record also gets a readable line on the terminal, an EMF metric record
none; anything else (the banner, the pick receiver) reaches the terminal as it was.

Threads write at once, and print() writes a line and its newline in two calls, so each thread's
partial line is kept apart until its newline arrives, and whole lines are written under a lock.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO

from infra.local.log_lines import is_log_record, is_metrics, json_object, readable_line

DEFAULT_LOG_FILE = Path(".oms-local") / "logs.jsonl"


class Console(io.TextIOBase):
    def __init__(self, terminal: TextIO, log_file: TextIO, clock: Callable[[], datetime] = datetime.now):
        self._terminal, self._log_file, self._clock = terminal, log_file, clock
        self._lock = threading.Lock()
        self._partial: dict[int, str] = {}  # thread ident -> what it wrote after its last newline

    @property
    def encoding(self) -> str:
        return self._terminal.encoding

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._terminal.isatty()

    def fileno(self) -> int:
        return self._terminal.fileno()

    def write(self, text: str) -> int:
        thread = threading.get_ident()
        with self._lock:
            *lines, rest = (self._partial.pop(thread, "") + text).split("\n")
            if rest:
                self._partial[thread] = rest
            for line in lines:
                self._route(line)
        return len(text)

    def flush(self) -> None:
        # Every routed line is flushed already; this only passes the request on. The log file
        # may be closed by then: a handler may keep this stream after `oms local` let it go.
        with self._lock:
            self._terminal.flush()

    def finish(self) -> None:
        """Writes out what threads left without a newline."""
        with self._lock:
            for line in self._partial.values():
                self._route(line)
            self._partial.clear()

    def _route(self, line: str) -> None:
        record = json_object(line)
        if record is None:
            self._terminal.write(line + "\n")
        else:
            self._log_file.write(line + "\n")
            self._log_file.flush()  # `oms metrics` reads it while the stack runs
            if is_log_record(record):
                self._terminal.write(readable_line(record, self._clock()) + "\n")
            elif not is_metrics(record):
                self._terminal.write(line + "\n")
        self._terminal.flush()


@contextmanager
def routed_output(log_path: Path) -> Iterator[Console]:
    """sys.stdout through a Console writing to `log_path` (emptied first: one run, one log)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    terminal = sys.stdout
    with open(log_path, "w", encoding="utf-8") as log_file:
        console = Console(terminal, log_file)
        sys.stdout = console
        try:
            yield console
        finally:
            console.finish()
            sys.stdout = terminal
