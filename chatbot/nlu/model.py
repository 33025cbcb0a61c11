"""The model file: one file, read with the standard library alone.

Layout: an 8-byte magic that carries the format version, the 32-byte sha256 of the training
data it was built from (so a check for staleness reads 40 bytes, not the model), then zlib of
a 4-byte length, a JSON header, and the int8 weight matrix.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path
from typing import Any, NamedTuple

# The last byte is the format's version: bump it when the layout or the features change, and
# every model built before is stale (ensure_model rebuilds it).
MAGIC = b"OMSNLU\x00\x02"
_DIGEST_BYTES = 32
# Lambda packages and repositories both stay small.
MAX_BYTES = 2_000_000


class Model(NamedTuple):
    intents: list[str]
    features: list[str]
    weights: bytes  # len(features) rows of len(intents) int8
    scales: list[float]
    biases: list[float]
    products: list[str]
    synonyms: dict[str, str]
    regexes: list[tuple[str, str]]  # (name, pattern), features as in Rasa's RegexFeaturizer
    data_sha256: str
    info: dict[str, Any]  # how it was trained, for people

    def to_bytes(self) -> bytes:
        header = json.dumps({
            "intents": self.intents, "features": self.features, "scales": self.scales, "biases": self.biases,
            "products": self.products, "synonyms": self.synonyms, "regexes": self.regexes, "info": self.info,
        }, ensure_ascii=False, separators=(",", ":")).encode()
        body = struct.pack("<I", len(header)) + header + self.weights
        return MAGIC + bytes.fromhex(self.data_sha256) + zlib.compress(body, 9)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Model:
        if blob[:len(MAGIC)] != MAGIC:
            raise ValueError("not an NLU model of this version")
        digest = blob[len(MAGIC):len(MAGIC) + _DIGEST_BYTES].hex()
        body = zlib.decompress(blob[len(MAGIC) + _DIGEST_BYTES:])
        (size,) = struct.unpack_from("<I", body)
        header = json.loads(body[4:4 + size])
        return cls(header["intents"], header["features"], body[4 + size:], header["scales"], header["biases"],
                   header["products"], header["synonyms"], [tuple(pair) for pair in header["regexes"]], digest,
                   header["info"])

    def save(self, path: Path) -> None:
        """Written whole or not at all: another process may be loading it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_bytes(self.to_bytes())
        os.replace(partial, path)


def load(path: Path) -> Model:
    return Model.from_bytes(Path(path).read_bytes())


def built_from(path: Path) -> str | None:
    """The sha256 of the data a model file was built from; None if it is not a model of this
    version (so it must be rebuilt)."""
    with open(path, "rb") as file:
        head = file.read(len(MAGIC) + _DIGEST_BYTES)
    if head[:len(MAGIC)] != MAGIC or len(head) < len(MAGIC) + _DIGEST_BYTES:
        return None
    return head[len(MAGIC):].hex()
