"""Output formats. Each reporter turns results into text; none adds timestamps or paths
that vary between runs, so the same input always prints the same bytes."""
from __future__ import annotations

from typing import Callable, Sequence

from ..engine import Result
from ..plugins import PluginSet
from . import github, jsonfmt, markdown, sarif, text, verdictfmt

Reporter = Callable[[Sequence[Result], PluginSet, dict], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": jsonfmt.render,
    "verdict": verdictfmt.render,
    "github": github.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
}


def formats() -> list[str]:
    return sorted(REPORTERS)
