"""scan_text's needle prefilter must never hide a match the patterns alone would find."""
from __future__ import annotations

import re

from linter.bundle import Bundle
from linter.source import from_text
from linter.facts.text import scan_text
from rules.placeholders import ELISION, ELISION_NEEDLES, PLACEHOLDER, TODO


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, start, escaped = [], 0, 0, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def test_every_elision_phrase_holds_a_needle():
    # A phrase added to ELISION without a needle would silently never be reported.
    alternatives = _top_level_alternatives(ELISION.pattern)
    assert len(alternatives) > 10
    for alternative in alternatives:
        literal = re.sub(r"\(\?-i:|\\b|\\s\*|\\\[|\\\]|[()?:]", "", alternative).casefold()
        assert any(needle in literal for needle in ELISION_NEEDLES), alternative


def _bundle(text: str) -> Bundle:
    return Bundle({"src/train.py": from_text("src/train.py", text)}, origin="<test>")


SAMPLES = (
    "x = 1  # Remaining layers omitted for brevity\n",
    "# REST OF THE CODE UNCHANGED\nprint('[ UNCHANGED ]')\n",
    "y = 'Same As Base code'\n",
    "z = 2  # todo lower case is not a marker; TODO is\n",
    "name = DATASET_PLACEHOLDER\n",
    "def f():\n    pass  # Your Implementation Here\n",
    "nothing to see here\n",
)


def test_needles_change_nothing_on_samples():
    for text in SAMPLES:
        bundle = _bundle(text)
        for pattern, needles, fold in ((ELISION, ELISION_NEEDLES, True), (TODO, ("TODO", "FIXME"), False),
                                       (PLACEHOLDER, ("PLACEHOLDER",), False)):
            plain = list(scan_text(bundle, pattern))
            filtered = list(scan_text(bundle, pattern, needles=needles, fold=fold))
            assert filtered == plain, (text, pattern.pattern[:30])
    assert list(scan_text(_bundle(SAMPLES[0]), ELISION, needles=ELISION_NEEDLES, fold=True))  # the samples do match
