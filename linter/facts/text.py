"""Line-level text matches over every readable source file (code, comments, strings, YAML)."""
from __future__ import annotations

import re
from typing import Iterator

from ..records import dataclass

_TEXT_KINDS = ("python", "yaml", "toml")


@dataclass(frozen=True)
class TextMatch:
    path: str
    line: int
    column: int  # 1-based
    end_column: int
    text: str


def scan_text(bundle, *patterns: re.Pattern, kinds=_TEXT_KINDS, needles: tuple[str, ...] = (),
              fold: bool = False) -> Iterator[TextMatch]:
    """Every match of any pattern, one per distinct span, in file and line order.

    ``needles``: substrings one of which every match contains (casefolded first when
    ``fold``, for case-insensitive patterns). Files and lines holding none are skipped
    without running the patterns: most lines match nothing, and a long alternation of
    phrases costs far more per character than a few substring searches.
    """
    for path, source in bundle.files.items():
        if source.text is None or source.kind not in kinds:
            continue
        lines = source.lines
        numbers = _needle_lines(source, needles, fold) if needles else None
        if numbers is None:  # no needles, or offsets that do not map to lines cheaply
            numbers = (i for i, line in enumerate(lines) if not needles or _holds(line, needles, fold))
        for index in numbers:
            line = lines[index]
            seen: set[tuple[int, int]] = set()
            for pattern in patterns:
                for match in pattern.finditer(line):
                    span = match.span()
                    if span in seen or span[0] == span[1]:
                        continue
                    seen.add(span)
                    yield TextMatch(path, index + 1, span[0] + 1, span[1] + 1, match.group(0))


def _holds(text: str, needles: tuple[str, ...], fold: bool) -> bool:
    if fold:
        text = text.casefold()
    return any(needle in text for needle in needles)


def _needle_lines(source, needles: tuple[str, ...], fold: bool) -> list[int] | None:
    """Indexes (0-based, ascending) of the lines holding a needle, found in the whole text.

    Common needles ("implement", "your ") are in most files, and testing every line of
    those costs a casefold and a search per needle per line; here each occurrence costs one
    count of the newlines before it. None when that mapping does not hold: a casefold that
    changes the text's length, or line breaks other than "\n".
    """
    text = source.text
    hay = source.folded if fold else text
    if len(hay) != len(text) or not source.newline_lines:
        return None
    found: set[int] = set()
    for needle in needles:
        at = hay.find(needle)
        while at != -1:
            found.add(hay.count("\n", 0, at))
            at = hay.find(needle, at + 1)
    return sorted(found)
