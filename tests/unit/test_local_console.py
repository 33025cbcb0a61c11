"""`oms local`'s output: JSON lines to the log file, a readable line per log record on the terminal."""

from __future__ import annotations

import io
import json
import threading
import uuid
from contextlib import redirect_stdout
from datetime import datetime

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from infra.local.console import Console, routed_output
from infra.local.log_lines import readable_line

AT = datetime(2026, 12, 4, 17, 3, 12)


def console() -> tuple[Console, io.StringIO, io.StringIO]:
    terminal, log_file = io.StringIO(), io.StringIO()
    return Console(terminal, log_file, clock=lambda: AT), terminal, log_file


def test_a_log_record_is_one_readable_line_on_the_terminal_and_whole_in_the_file():
    stream, terminal, log_file = console()
    logger = Logger(service=f"intake-{uuid.uuid4().hex[:6]}", stream=stream)

    logger.info("order received", extra={"order_id": "ord_01H", "sku": "MUG-LOGO", "email": "ada@example.com",
                                          "customer_name": "Ada Lovelace"})

    [record] = [json.loads(line) for line in log_file.getvalue().splitlines()]
    assert record["message"] == "order received" and record["email"] == "ada@example.com"
    [line] = terminal.getvalue().splitlines()
    assert line.startswith("17:03:12 intake-") and " INFO    order received  order_id=ord_01H  sku=MUG-LOGO" in line
    assert "ada@example.com" not in line and "Ada" not in line


def test_an_emf_metric_goes_to_the_file_only():
    stream, terminal, log_file = console()

    with redirect_stdout(stream):
        with single_metric(name="OrdersReceived", unit=MetricUnit.Count, value=1, namespace="OMS") as metric:
            metric.add_dimension(name="channel", value="web")

    assert terminal.getvalue() == ""
    assert json.loads(log_file.getvalue())["OrdersReceived"] == [1.0]


def test_other_output_reaches_the_terminal_as_it_was():
    stream, terminal, log_file = console()

    with redirect_stdout(stream):
        print("pick request for wh-reno: shp_1_01 2 × MUG-LOGO")
        print('{"not": "a log record"}')

    assert terminal.getvalue() == 'pick request for wh-reno: shp_1_01 2 × MUG-LOGO\n{"not": "a log record"}\n'
    assert log_file.getvalue() == '{"not": "a log record"}\n'


def test_lines_printed_by_many_threads_at_once_never_interleave():
    stream, _, log_file = console()
    start = threading.Barrier(8)

    def emit(thread: int) -> None:
        start.wait()
        for n in range(200):
            # print() writes the line and its newline in two calls
            print(json.dumps({"_aws": {"CloudWatchMetrics": []}, "thread": thread, "n": n, "pad": "x" * 500}),
                  file=stream)

    threads = [threading.Thread(target=emit, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    records = [json.loads(line) for line in log_file.getvalue().splitlines()]
    assert len(records) == 8 * 200
    assert sorted((record["thread"], record["n"]) for record in records) == [
        (thread, n) for thread in range(8) for n in range(200)]


def test_an_unfinished_line_is_written_out_when_routing_ends(tmp_path, capsys):
    log_path = tmp_path / "logs" / "logs.jsonl"

    with routed_output(log_path):
        print('{"level": "INFO", "message": "half', end="")
        print(' done", "service": "intake"}', end="")

    assert "INFO    half done" in capsys.readouterr().out
    assert json.loads(log_path.read_text())["message"] == "half done"


def test_routing_empties_the_log_of_a_previous_run(tmp_path):
    log_path = tmp_path / "logs.jsonl"
    log_path.write_text('{"old": "run"}\n')

    with routed_output(log_path):
        print('{"new": "run"}')

    assert log_path.read_text() == '{"new": "run"}\n'


def test_a_readable_line_names_the_exception_but_not_its_message():
    record = {"level": "ERROR", "message": "fetch failed", "service": "channel-fetch", "exception_name": "KeyError",
              "exception": "KeyError: 'ada@example.com'", "order_id": "ord_1"}

    assert readable_line(record, AT) == ("17:03:12 channel-fetch    ERROR   fetch failed (KeyError)  order_id=ord_1")


def test_a_function_without_a_service_name_is_named_by_its_logical_id():
    record = {"level": "INFO", "message": "swept\nagain", "service": "service_undefined",
              "function_name": "oms-local-TrackingSweepFunction"}

    assert readable_line(record, AT) == "17:03:12 TrackingSweepFunction INFO    swept again"
