"""Inline suppressions: ``# exp-lint: ignore[CODE, ...]`` on the line or the line above.

Codes are required: a directive without them, or with anything else after
``exp-lint:``, is malformed and reported (EXP901), never a blanket ignore.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .rule import CODE_RE

_DIRECTIVE = re.compile(r"#\s*exp-lint\s*:?(?P<body>.*)$", re.IGNORECASE)
_IGNORE = re.compile(r"^\s*ignore\[(?P<codes>[^\]]*)\]\s*(#.*)?$")
_COMMENT_KINDS = ("python", "yaml", "toml")


@dataclass
class Directive:
    path: str
    line: int  # where the comment is
    target: int  # the line it suppresses
    codes: tuple[str, ...]
    used: set[str] = field(default_factory=set)


@dataclass
class Malformed:
    path: str
    line: int
    column: int
    text: str


def scan(path: str, lines: list[str]) -> tuple[list[Directive], list[Malformed]]:
    directives: list[Directive] = []
    malformed: list[Malformed] = []
    for number, line in enumerate(lines, start=1):
        if "exp-lint" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        body = match.group("body")
        ignore = _IGNORE.match(body)
        codes = tuple(c.strip() for c in ignore.group("codes").split(",")) if ignore else ()
        if not ignore or not codes or not all(CODE_RE.match(c) for c in codes) or ":" not in match.group(0):
            malformed.append(Malformed(path, number, match.start() + 1, match.group(0).strip()))
            continue
        own_line = not line[: match.start()].strip()
        directives.append(Directive(path, number, number + 1 if own_line else number, codes))
    return directives, malformed
