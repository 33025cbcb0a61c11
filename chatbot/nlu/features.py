"""What the intent classifier weighs: n-grams of the text with its entities replaced by
placeholders, and which of the training data's regexes match (as Rasa's RegexFeaturizer)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence

from chatbot.nlu.spans import Span, replaced
from chatbot.nlu.text import HAN, Normalised

# The training data's regexes are written for short messages: `[\w.+-]+@` takes time quadratic
# in a run of `\w`, and Han characters are `\w`. They see the start of a message only.
REGEX_CHARS = 300

# Features: placeholders for extracted entities, Latin words, numbers, runs of Han characters,
# and of the rest only question and exclamation marks and symbols (emoji carry intent: 👍).
_TOKEN = re.compile(
    rf"(?P<placeholder>__[a-z_]+__)|(?P<word>[a-z\u00c0-\u024f0-9'’]+)|(?P<han>[{HAN}]+)|(?P<other>[^\w\s])"
)


def placeholder(entity: str) -> str:
    """The token an extracted entity is replaced by, so `#58213` and `112-1234567-1234567`
    look the same to the classifier."""
    return f" __{entity}__ "


def ngrams(folded: str) -> dict[str, float]:
    """Sparse features of lower-cased text whose entities are already placeholders.

    Word unigrams and bigrams; character n-grams of 2 to 4 within each Latin word (they
    survive typos: "cancle", "hoodi"); Han characters as unigrams, bigrams and trigrams (no
    word segmenter needed: the n-grams that matter are learnt). Each group is scaled to unit
    length, so a long message is not more confident than a short one just for having more
    features, and neither group drowns the other in a mixed-language message.
    """
    words: list[str] = []
    bigrams: list[str] = []
    spelled: set[str] = set()
    runs: list[str] = []
    previous: str | None = None
    for kind, token in _tokens(folded):
        if kind == "han":
            runs.append(token)
            previous = None  # a word bigram does not reach across Chinese
            continue
        if kind == "spelled":
            spelled.add(token)
        words.append(token)
        if previous is not None:
            bigrams.append(f"{previous} {token}")
        previous = token
    groups = {
        "w:": set(words),
        "b:": set(bigrams),
        "c:": {gram for word in spelled for gram in _grams(f" {word} ", (2, 3, 4))},
        "h1:": {gram for run in runs for gram in _grams(run, (1,))},
        # bigrams also mark where a run starts and ends (" 请", "吗 "), as char_wb does for
        # words: requests start with 请 and 帮, questions end in 吗 and 呢
        "h2:": {gram for run in runs for gram in _grams(f" {run} ", (2,))},
        "h3:": {gram for run in runs for gram in _grams(run, (3,))},
    }
    found: dict[str, float] = {}
    for prefix, grams in groups.items():
        if grams:
            weight = 1.0 / math.sqrt(len(grams))
            found.update((prefix + gram, weight) for gram in grams)
    return found


def _tokens(folded: str) -> Iterator[tuple[str, str]]:
    """("spelled", word), ("han", run), or ("token", a placeholder, number or symbol)."""
    for match in _TOKEN.finditer(folded):
        kind, token = match.lastgroup, match.group()
        if kind == "han":
            yield kind, token
        elif kind == "placeholder":
            yield "token", token
        elif kind == "word":
            word = token.replace("’", "'").strip("'")
            if word:
                yield ("token", "<num>") if word.isdigit() else ("spelled", word)
        elif token in "?!" or unicodedata.category(token).startswith("S"):
            yield "token", token


def _grams(text: str, sizes: tuple[int, ...]) -> list[str]:
    return [text[start:start + size] for size in sizes for start in range(len(text) - size + 1)]


def message_features(normal: Normalised, spans: Sequence[Span],
                     patterns: Sequence[tuple[str, re.Pattern[str]]]) -> dict[str, float]:
    """All the features of a message: the build trains on exactly what the interpreter sees."""
    found = ngrams(replaced(normal.folded, spans, lambda span: placeholder(span.entity)))
    head = normal.text[:REGEX_CHARS]
    matched = {name for name, pattern in patterns if pattern.search(head)}
    found.update((f"rx:{name}", 1.0 / math.sqrt(len(matched))) for name in matched)
    return found
