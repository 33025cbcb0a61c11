"""Order references: our `ord_` ids, Amazon's and Shopify's order numbers, and plain numbers
where the words around them say they are an order.

Digits are bounded by look-arounds on ASCII letters and digits, never `\\b`: Han characters are
`\\w`, so `\\b` finds no edge in "订单号1001什么时候到".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chatbot.nlu.spans import ORDER_FORMAT, ORDER_NUMBER, Span

# `ord_` and a ULID. Crockford's base32 has no I, L, O or U, but a customer copying an id by hand
# may type them: still an order reference, which the lookup will then not find.
_OURS = re.compile(r"(?<![0-9A-Za-z_])ord_([0-9A-Z]{26})(?![0-9A-Za-z])", re.IGNORECASE)
_AMAZON = re.compile(r"(?<![0-9A-Za-z-])[0-9]{3}-[0-9]{7}-[0-9]{7}(?![0-9A-Za-z-])")
_SHOPIFY = re.compile(r"(?<![0-9A-Za-z&#])#[0-9]{3,20}(?![0-9A-Za-z])")

# Plain numbers: Shopify's start at 1001, Chinese marketplaces' run to 19 digits.
_NUMBER = re.compile(r"(?<![0-9A-Za-z#.-])[0-9]{3,20}(?![0-9A-Za-z]|[.-][0-9])")
# Numbers in a list ("1457和1458", "1001 and 1002") share one cue.
_AND = re.compile(r"\s*(?:,|、|和|与|及|跟|&|and|or|或)\s*")
# Words just before a number that make it an order: "order no. 1001", "cancel 4471920",
# "订单号1001", "下的单2408815", "我要取消1502", "查一下1457".
_CUE_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:orders?|ord|ref|reference|cancel|track|tracking for|return|refund|status of|eta for"
    r"|label for|check on|check)(?:\s+(?:no\.?|num(?:ber)?|id|ref|reference|is|was|my|order|for|it's|its))*"
    r"|单子?|取消|退货|退款|查一?下?)"
    r"(?:号码|编号|号|是|为|的是|在这里?|如下)*\s*[:：#]?\s*$"
)
# ... or just after it: "1311 这个单", "1290这单", "1077那个订单".
_CUE_AFTER = re.compile(r"\s*(?:这个|那个|这|那|两个|几个|个)?\s*(?:订单|单)")
# Words that may sit beside a number that is the whole message: "嗯 8820164", "it's 4418273".
_FILLER = re.compile(r"(?<![a-z])(?:ok(?:ay)?|yes|yeah|sure|it'?s|it is|here|is|my|pls|please|thanks)(?![a-z])"
                     r"|嗯|哦|噢|对|是的?|好的?|就是|谢谢")
_WORDS = re.compile(r"[^\W\d_]")
_EMAIL_LIKE = re.compile(r"\S+@\S+")


def formats(text: str) -> Iterator[Span]:
    """References in a format that can only be an order."""
    for match in _OURS.finditer(text):
        yield Span("order_ref", match.start(), match.end(), "ord_" + match[1].upper(), "regex", ORDER_FORMAT)
    for pattern in (_AMAZON, _SHOPIFY):
        for match in pattern.finditer(text):
            yield Span("order_ref", match.start(), match.end(), match.group(), "regex", ORDER_FORMAT)


def numbers(folded: str) -> Iterator[Span]:
    """Plain numbers that the words around them (or the lack of any) mark as orders."""
    groups = _groups(folded)
    bare = _only_identifiers(folded)
    for group in groups:
        first, last = group[0], group[-1]
        cued = (_CUE_BEFORE.search(folded, max(0, first.start() - 40), first.start())
                or _CUE_AFTER.match(folded, last.end()))
        if cued or bare:
            for match in group:
                if cued or len(match.group()) >= 4:
                    yield Span("order_ref", match.start(), match.end(), match.group(), "regex", ORDER_NUMBER)


def _groups(folded: str) -> list[list[re.Match[str]]]:
    groups: list[list[re.Match[str]]] = []
    for match in _NUMBER.finditer(folded):
        previous = groups[-1][-1] if groups else None
        if previous is not None and _AND.fullmatch(folded, previous.end(), match.start()):
            groups[-1].append(match)
        else:
            groups.append([match])
    return groups


def _only_identifiers(folded: str) -> bool:
    """The message is nothing but numbers, emails and the odd filler word: a reply to "what is
    your order number?". Three digits alone are chat slang more often ("886": bye-bye)."""
    rest = _EMAIL_LIKE.sub(" ", folded) if "@" in folded else folded  # the pattern is slow on long words
    return not _WORDS.search(_FILLER.sub(" ", rest))
