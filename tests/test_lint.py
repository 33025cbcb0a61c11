"""No dead imports, unused variables or undefined names anywhere (ruff's pyflakes rules)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_code_has_no_pyflakes_findings():
    checked = ["shared", "functions", "infra", "tests"]
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", *checked],
                            cwd=ROOT, capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
