"""scan_text's needle prefilter must never hide a match the patterns alone would find."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.bundle import Bundle
from linter.source import SourceFile, from_text
from linter.facts.text import _holds, _needle_lines, scan_text
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


_NEEDLES = ("your ", "omitted", "implement", "ss")


def _reference_lines(text: str, needles, fold: bool) -> list[int]:
    return [i for i, line in enumerate(text.splitlines()) if _holds(line, needles, fold)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["Your ", "your", "omitted", "OMITTED", "Implement", "x", " ", "\n", "\r\n", "\r", "\u2028",
                                 "\x0c", "ß", "İ", "ﬀ", "s", "S", "ſ"]), max_size=40), st.booleans())
def test_needle_lines_are_the_lines_a_per_line_search_finds(parts, fold):
    text = "".join(parts)
    found = _needle_lines(SourceFile("x.py", text), _NEEDLES, fold)
    if found is None:  # the fallback is the per-line search itself
        assert fold and len(text.casefold()) != len(text) or any(c in text for c in "\r\x0c\u2028")
    else:
        assert found == _reference_lines(text, _NEEDLES, fold)


def test_needle_lines_find_every_line_of_a_plain_file():
    text = "a = 1\n# Implement the rest\nx = 2\n\nyour code here\nomitted\n"
    assert _needle_lines(SourceFile("x.py", text), _NEEDLES, True) == [1, 4, 5]
    assert _needle_lines(SourceFile("x.py", text), _NEEDLES, False) == [4, 5]
    assert _needle_lines(SourceFile("x.py", "ß omitted\n"), _NEEDLES, True) is None  # casefold makes it longer: per line instead
