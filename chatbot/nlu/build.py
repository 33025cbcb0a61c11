"""Builds the model file from the training data: `python -m chatbot.nlu.build [--data PATH ...]
[--out PATH] [--no-tune]`, and `ensure_model()`, which rebuilds it when it is missing or was
built from other data.

Only a developer checkout or the build has the training data, PyYAML and numpy; they are
imported when a build is needed, never when a Lambda loads the model it was shipped with.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from chatbot.nlu import model

PACKAGE = Path(__file__).resolve().parent
DEFAULT_DATA = (PACKAGE.parent / "data" / "nlu.yml",)
DEFAULT_MODEL = PACKAGE / "model.bin"
MODEL_VARIABLE = "OMS_CHAT_MODEL"


def default_model_path() -> Path:
    return Path(os.environ.get(MODEL_VARIABLE) or DEFAULT_MODEL)


def data_sha256(paths: Sequence[Path]) -> str:
    """Of the files' bytes in order: for one file, what `sha256sum` prints."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def build(data: Sequence[Path], out: Path | None = None, tune: bool = True) -> dict[str, object]:
    """Trains on all of `data` and writes the model; returns what the build found."""
    from chatbot.nlu import trainer, training

    out = Path(out) if out else default_model_path()
    built = trainer.train(training.load(data), data_sha256(data), tune=tune)
    built.save(out)
    return {"model": str(out), "bytes": out.stat().st_size, **built.info}


def ensure_model(path: Path | str | None = None, data: Sequence[Path] | None = None) -> Path:
    """The model's path, (re)built first if it is missing or was built from other data (by
    default the package's data/nlu.yml). Where the training data is absent (a Lambda), the file
    is used as it is."""
    path = Path(path) if path else default_model_path()
    data = DEFAULT_DATA if data is None else data
    if not all(Path(source).exists() for source in data):
        if path.exists():
            return path
        raise FileNotFoundError(f"no NLU model at {path}, and no training data to build it from")
    if not path.exists() or model.built_from(path) != data_sha256(data):
        try:
            build(data, path)
        except ImportError as missing:  # the data shipped without the build's tools
            if not path.exists():
                raise
            warnings.warn(f"NLU model {path} is older than its training data and cannot be rebuilt here: {missing}",
                          stacklevel=2)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot.nlu.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append",
                        help=f"Rasa NLU YAML; repeat to merge files (default {DEFAULT_DATA[0]})")
    parser.add_argument("--out", type=Path, help=f"model file (default ${MODEL_VARIABLE} or {DEFAULT_MODEL})")
    parser.add_argument("--no-tune", dest="tune", action="store_false",
                        help="skip cross-validation (quicker, for trying data out)")
    args = parser.parse_args(argv)
    summary = build(tuple(args.data or DEFAULT_DATA), args.out, args.tune)
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
