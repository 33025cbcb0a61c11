"""Phone numbers, by Google's libphonenumber rules, as E.164 (`+14155550132`).

A number written without its country code means different numbers in different countries, so
the regions are tried in the order the customer most likely lives in, and a later region only
adds numbers an earlier one did not find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chatbot.nlu.spans import PHONE, Span

REGIONS = ("US", "CA", "GB", "AU", "FR", "DE", "CN")
# A message in Chinese with a national number is most likely giving a Chinese one.
_CHINESE_FIRST = ("CN", *REGIONS[:-1])
# No region has a dialable number shorter than this, and two numbers side by side (a mobile
# and a landline) have fewer digits than the most; more is a table of numbers, not a phone.
_FEWEST_DIGITS = 7
_MOST_DIGITS = 32
# Where a number may be: the matcher is run on these stretches (and a character either side,
# which it checks for letters glued to the number), not the whole message, because it tries
# every digit in every region and costs milliseconds on a long message.
_STRETCH = re.compile(r"\+?[0-9(][0-9()\s./-]*[0-9]")
# A message listing more numbers than this is not a customer giving theirs; the rest are
# not looked at, which bounds the time a parse takes.
_MOST_STRETCHES = 8


class PhoneFinder:
    """libphonenumber takes some 40 ms to import, most of the package's import time: it is
    paid when a finder is made (when the model loads), not by whoever imports the package."""

    def __init__(self) -> None:
        import phonenumbers

        self._matcher = phonenumbers.PhoneNumberMatcher
        self._format = phonenumbers.format_number
        self._e164 = phonenumbers.PhoneNumberFormat.E164
        valid = phonenumbers.Leniency.VALID
        # Last, any region: a number written with its country code ("+44 7700 900123") is a
        # phone when its length is possible, even in a range not (or not yet) allocated.
        self._passes = {
            chinese: [*((region, valid) for region in order), ("ZZ", phonenumbers.Leniency.POSSIBLE)]
            for chinese, order in ((False, REGIONS), (True, _CHINESE_FIRST))
        }

    def phones(self, text: str, chinese: bool) -> Iterator[Span]:
        stretches = [stretch for stretch in _STRETCH.finditer(text)
                     if _FEWEST_DIGITS <= sum(character.isdigit() for character in stretch.group()) <= _MOST_DIGITS]
        for stretch in stretches[:_MOST_STRETCHES]:
            digits = sum(character.isdigit() for character in stretch.group())
            start = max(0, stretch.start() - 1)
            window = text[start:stretch.end() + 1]
            found: list[Span] = []
            for region, leniency in self._passes[chinese]:
                for match in self._matcher(window, region, leniency=leniency):
                    span = Span("phone", start + match.start, start + match.end,
                                self._format(match.number, self._e164), "phonenumbers", PHONE)
                    if not any(span.overlaps(other) for other in found):
                        found.append(span)
                        digits -= sum(character.isdigit() for character in match.raw_string)
                if digits < _FEWEST_DIGITS:  # no other number can be left in the stretch
                    break
            yield from found
