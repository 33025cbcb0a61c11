"""domain.yml as the built-in dialogue reads it: compiled to JSON at build time, since a Lambda
has no YAML parser, and rebuilt in a checkout whenever domain.yml changes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parent.parent / "domain.yml"
COMPILED = Path(__file__).resolve().with_name("domain.json")


def compile_domain(source: Path = SOURCE, target: Path = COMPILED) -> Path:
    import yaml

    text = source.read_text(encoding="utf-8")
    domain = yaml.safe_load(text)
    domain["_source_sha256"] = hashlib.sha256(text.encode()).hexdigest()
    # Whole or not at all: another process (the local stack, a test) may be reading it.
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_text(json.dumps(domain, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(partial, target)
    return target


def load_domain(source: Path = SOURCE, target: Path = COMPILED) -> dict[str, Any]:
    """The compiled domain; compiled first where domain.yml is newer than it (a checkout)."""
    if source.exists():
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if not target.exists() or json.loads(target.read_text(encoding="utf-8")).get("_source_sha256") != digest:
            compile_domain(source, target)
    domain = json.loads(target.read_text(encoding="utf-8"))
    domain.pop("_source_sha256", None)
    return domain
