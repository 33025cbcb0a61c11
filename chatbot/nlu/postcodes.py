"""Postcodes: US ZIP codes, UK and Canadian postcodes, Chinese six-digit codes.

A UK or Canadian postcode, or a ZIP+4, has a shape nothing else has. Five or six digits alone
are as likely an order number, so they are a postcode only where the words say so: "zip",
"邮编", "deliver to", "near", or a US state before them ("San Francisco, CA 94105").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chatbot.nlu.spans import POSTCODE, Span

_UK = r"(?P<uk>[A-Z]{1,2}[0-9][A-Z0-9]?) ?(?P<uk_in>[0-9][A-Z]{2})"
_CANADA = r"(?P<ca>[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]) ?(?P<ca_in>[0-9][ABCEGHJ-NPRSTV-Z][0-9])"
_SHAPED = re.compile(rf"(?<![0-9A-Za-z])(?:{_UK}|{_CANADA}|[0-9]{{5}}-[0-9]{{4}})(?![0-9A-Za-z-])", re.IGNORECASE)

_DIGITS = r"(?P<code>[0-9]{5}(?:-[0-9]{4})?|[0-9]{6}|[0-9]{4})(?![0-9A-Za-z-])"
# "zip 94107", "my zip code is wrong it should be 94103", "邮编填错了 应该是200120".
_NAMED = re.compile(
    r"(?:(?<![a-z])(?:zip|post|postal)\s*code|(?<![a-z])(?:zip|postcode)(?![a-z])|邮编|邮政编码|邮政编号)"
    r"(?P<gap>[^0-9]{0,25}?)" + _DIGITS
)
# "deliver to 10001", "stores near 60614", "寄到200000".
_PLACED = re.compile(
    r"(?:(?<![a-z])(?:near|around|deliver(?:y|ing)?\s+to|ship(?:ping|ped)?\s+to|send\s+(?:it\s+)?to)\s+"
    r"|寄到|送到|配送到)(?P<code>[0-9]{5}|[0-9]{6})(?![0-9A-Za-z-])"
)
_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
           "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR").split()
# Upper-case state codes anywhere; lower-case ones only after a city and a comma, because "in",
# "or", "me" and "id" are also words ("order id 12345").
_STATE_ZIP = re.compile(
    rf"(?:(?<![A-Za-z])(?:{'|'.join(_STATES)})|,\s*(?:{'|'.join(_STATES).lower()}))"
    r",?\s+(?P<code>[0-9]{5}(?:-[0-9]{4})?)(?![0-9A-Za-z-])"
)
_ORDER_WORDS = re.compile(r"order|单")


def postcodes(text: str, folded: str) -> Iterator[Span]:
    for match in _SHAPED.finditer(text):
        yield Span("postcode", match.start(), match.end(), _tidy(match), "regex", POSTCODE)
    for match in _NAMED.finditer(folded):
        if not _ORDER_WORDS.search(match["gap"]):
            yield _digits(match)
    for pattern, source in ((_PLACED, folded), (_STATE_ZIP, text)):
        for match in pattern.finditer(source):
            yield _digits(match)


def _tidy(match: re.Match[str]) -> str:
    """UK and Canadian postcodes as the post office writes them: upper case, one space."""
    for outward, inward in (("uk", "uk_in"), ("ca", "ca_in")):
        if match[outward]:
            return f"{match[outward]} {match[inward]}".upper()
    return match.group()


def _digits(match: re.Match[str]) -> Span:
    return Span("postcode", match.start("code"), match.end("code"), match["code"], "regex", POSTCODE)
