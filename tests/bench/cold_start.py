"""Cold start of a handler (import + init), as a ratio to `import boto3; boto3.client("dynamodb")`.

Both sides import from the OmsLayer as `shared/Makefile` builds it for Lambda (built here
for this machine), with no site-packages, as /opt/python is seen in Lambda: the dev
virtualenv's 150 packages would slow every metadata scan. Each sample is a fresh
interpreter timing only the imports (the handler's init included: clients, settings,
the Chalice app). Baseline and handler samples alternate, so drift hits both alike.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from moto import mock_aws

from infra.local.resources import LocalResources
from infra.local.template import Template
from tests.bench.figures import Figure

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = 15

_BASELINE = """
import sys, time
sys.path[0:0] = [sys.argv[1]]
started = time.perf_counter()
import boto3
boto3.client("dynamodb")
print(time.perf_counter() - started)
"""

_HANDLER = """
import importlib.util, os, sys, time
sys.path[0:0] = sys.argv[1].split(os.pathsep)
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("handler_under_test", sys.argv[2])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(time.perf_counter() - started)
"""

def _environment(function_id: str) -> dict[str, str]:
    """The function's environment as template.yaml gives it, resolved against moto."""
    template = Template(ROOT / "template.yaml")
    with mock_aws():
        variables = template.function(function_id).environment(LocalResources(template).create_all())
    credentials = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
    return {**{k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}, **credentials, **variables}


def _seconds(code: str, environment: dict[str, str], *arguments: str) -> float:
    result = subprocess.run(
        [sys.executable, "-S", "-c", code, *arguments], capture_output=True, text=True, check=True, env=environment
    )
    return float(result.stdout.strip().splitlines()[-1])


def build_layer(source: str = "shared", layer: str = "OmsLayer", artifacts_name: str = "bench-layer") -> Path:
    """A layer (the OmsLayer by default), built by its own Makefile for this machine's platform
    and Python."""
    artifacts = ROOT / "build" / artifacts_name
    shutil.rmtree(artifacts, ignore_errors=True)
    subprocess.run(
        ["make", "--silent", "-C", str(ROOT / source), f"build-{layer}", f"ARTIFACTS_DIR={artifacts}",
         f"PYTHON={sys.executable}", f"ARCH={platform.machine()}",
         f"PYTHON_VERSION={sys.version_info.major}.{sys.version_info.minor}"],
        check=True, capture_output=True,
    )
    return artifacts / "python"


def measure(layers: Path | list[Path], function_id: str) -> tuple[float, float]:
    """Median seconds of the baseline (from the OmsLayer, the first) and of the handler's cold
    start (from all of the function's layers)."""
    layers = [layers] if isinstance(layers, Path) else layers
    function = Template(ROOT / "template.yaml").function(function_id)
    environment = _environment(function_id)
    baseline, handler = [], []
    for _ in range(SAMPLES):
        baseline.append(_seconds(_BASELINE, environment, str(layers[0])))
        handler.append(_seconds(_HANDLER, environment, os.pathsep.join(map(str, layers)), str(function.module_file)))
    return statistics.median(baseline), statistics.median(handler)


def figures() -> list[Figure]:
    layer = build_layer()
    baseline, intake = measure(layer, "IntakeFunction")
    _, authorizer = measure(layer, "AuthorizerFunction")
    _, planning = measure(layer, "PlanningFunction")
    return [
        Figure("cold_start_ratio_intake", round(intake / baseline, 2), "x", "<= 1.5",
               f"intake {intake * 1000:.0f} ms vs boto3 + DynamoDB client {baseline * 1000:.0f} ms"),
        Figure("cold_start_ms_intake", round(intake * 1000), "ms"),
        Figure("cold_start_ms_baseline", round(baseline * 1000), "ms"),
        Figure("cold_start_ratio_authorizer", round(authorizer / baseline, 2), "x", "",
               f"authorizer {authorizer * 1000:.0f} ms; runs once per key per cache period"),
        Figure("cold_start_ms_planning", round(planning * 1000), "ms", "",
               "the daily replenishment run: numpy and the forecasting code; once a day, so it costs no one a wait"),
        Figure("cold_start_ratio_planning", round(planning / baseline, 2), "x"),
    ]


if __name__ == "__main__":
    print(json.dumps([figure.as_json() for figure in figures()], indent=1))
