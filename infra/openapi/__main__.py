"""python -m infra.openapi [--check]: writes the API's contract where it is kept, or, with --check,
fails if a kept copy is not what the code now declares."""

from __future__ import annotations

import argparse
import sys

from infra.openapi import OUTPUTS, ROOT, document, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.openapi", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if a kept copy differs from the generated one")
    arguments = parser.parse_args(argv)
    text = render(document())
    if arguments.check:
        stale = [path for path in OUTPUTS if not path.exists() or path.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python -m infra.openapi", file=sys.stderr)
        return 1 if stale else 0
    for path in OUTPUTS:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
