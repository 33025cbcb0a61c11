"""Which lines of an order a customer means, and why they return them, from what they wrote."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from oms.models import Order, ReturnReason

# What customers say for each return reason; the first that matches wins (damage before size).
_REASONS: tuple[tuple[ReturnReason, tuple[str, ...]], ...] = (
    (ReturnReason.DAMAGED, ("damag", "broken", "broke", "crack", "torn", "smash", "坏", "破", "碎", "损", "裂")),
    (ReturnReason.DEFECTIVE, ("defect", "faulty", "doesn't work", "does not work", "not working", "stopped working",
                              "质量", "故障", "不能用", "用不了", "瑕疵")),
    (ReturnReason.WRONG_ITEM, ("wrong item", "wrong one", "wrong colour", "wrong color", "not what i ordered",
                               "sent the wrong", "发错", "错了", "不是我买的", "不是我要的")),
    (ReturnReason.TOO_SMALL, ("too small", "too tight", "smaller", "偏小", "太小", "小了", "紧")),
    (ReturnReason.TOO_LARGE, ("too big", "too large", "too loose", "bigger", "偏大", "太大", "大了", "松")),
    (ReturnReason.NOT_AS_DESCRIBED, ("not as described", "doesn't look like", "different from", "描述不符", "不一样",
                                     "色差", "与图片")),
    (ReturnReason.ARRIVED_LATE, ("too late", "arrived late", "came late", "太晚", "晚了")),
    (ReturnReason.NO_LONGER_NEEDED, ("don't need", "dont need", "no longer", "changed my mind", "don't want",
                                     "dont want", "不需要", "不想要", "不要了", "用不上", "不喜欢", "don't like")),
)


def return_reason(text: str) -> ReturnReason | None:
    folded = text.lower()
    for reason, words in _REASONS:
        if any(word in folded for word in words):
            return reason
    if folded.strip() in {reason.value for reason in ReturnReason}:
        return ReturnReason(folded.strip())
    return None


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[^0-9a-z]+", text.lower()) if word}


def meant_lines(order: Order, skus: Iterable[str], words: Iterable[str], open_units: Mapping[int, int]) -> set[int]:
    """The lines named by SKU, or whose SKU or name holds every product word the customer used
    (`tshirt`, `red`); empty when they named none."""
    skus = {sku.upper() for sku in skus}
    words = {word.lower() for word in words}
    named = set()
    for number, line in enumerate(order.lines, start=1):
        if number not in open_units:
            continue
        if line.sku.upper() in skus:
            named.add(number)
        elif words and words <= (_words(line.sku) | _words(line.name or "")):
            named.add(number)
    if named or not words:
        return named
    # Fewer words than the line has may still single it out ("the mug"): any word, one line only.
    partial = {number for number, line in enumerate(order.lines, start=1) if number in open_units
               and words & (_words(line.sku) | _words(line.name or ""))}
    return partial if len(partial) == 1 else set()
