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
        if needles and not _holds(source.text, needles, fold):
            continue
        for number, line in enumerate(source.lines, start=1):
            if needles and not _holds(line, needles, fold):
                continue
            seen: set[tuple[int, int]] = set()
            for pattern in patterns:
                for match in pattern.finditer(line):
                    span = match.span()
                    if span in seen or span[0] == span[1]:
                        continue
                    seen.add(span)
                    yield TextMatch(path, number, span[0] + 1, span[1] + 1, match.group(0))


def _holds(text: str, needles: tuple[str, ...], fold: bool) -> bool:
    if fold:
        text = text.casefold()
    return any(needle in text for needle in needles)
