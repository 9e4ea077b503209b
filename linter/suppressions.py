"""Inline suppressions: ``# exp-lint: ignore[CODE, ...]`` on the line or the line above.

The rules (ruff's ``noqa`` with RUF100, made stricter):

- A directive is a comment (Python: a real ``#`` comment token, never text inside a string;
  YAML and TOML: a ``#`` outside quotes) that starts with ``exp-lint:``.
- At the end of a line it covers findings on that line. Alone on its line it covers the
  next line that is not itself a directive, so several directives can be stacked above a
  statement. Findings are matched by the line they are reported on: a finding inside a
  multi-line statement needs the directive on (or above) its own line.
- Codes are required (``ignore[EXP201, EXP202]``); rule names are not accepted, so a rename
  never silently revives a finding. ``# exp-lint: ignore`` without codes, an empty list,
  a lower-case code, a name, a missing colon (``# exp-lint ignore[...]``) or trailing text
  other than another comment is malformed (EXP901) and suppresses nothing.
- A directive whose codes matched nothing that ran is unused (EXP902); so is a code that
  names no known rule.
- Whole-file findings (no line) cannot be suppressed inline: use ``per-file-ignores``.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import field
from typing import Iterable, Mapping

from .records import dataclass
from .rule import CODE_RE

# `exp-lint` right after the comment's `#`; the colon is checked separately so that a
# missing colon before `ignore` is reported rather than skipped.
_DIRECTIVE = re.compile(r"^#\s*exp-lint(?![\w-])(?P<colon>\s*:)?(?P<body>.*)$", re.IGNORECASE | re.DOTALL)
_START = re.compile(r"#\s*exp-lint(?![\w-])", re.IGNORECASE)
_IGNORE = re.compile(r"^\s*ignore\s*\[(?P<codes>[^\]]*)\]\s*(#.*)?$")
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
    reason: str = "write '# exp-lint: ignore[CODE]' with one or more rule codes"


def _python_comments(text: str) -> list[tuple[int, int, str]] | None:
    """(line, 0-based column, comment text) of every real comment; None if it does not tokenize."""
    out = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                out.append((token.start[0], token.start[1], token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return out


def _plain_comment_start(line: str, kind: str) -> int | None:
    """Index of the ``#`` that starts a YAML/TOML comment on ``line``, outside quotes."""
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote is None:
            if ch == "#" and (kind == "toml" or i == 0 or line[i - 1] in " \t"):
                return i
            if ch in "'\"":
                quote = ch
        elif ch == "\\" and quote == '"':
            i += 1  # an escaped character inside a double-quoted string
        elif ch == quote:
            if kind == "yaml" and quote == "'" and line[i + 1 : i + 2] == "'":
                i += 1  # '' is an escaped quote in a single-quoted YAML scalar
            else:
                quote = None
        i += 1
    return None


def comments(kind: str, text: str, lines: list[str]) -> list[tuple[int, int, str]]:
    """Comments that mention exp-lint, as (line, 0-based column, text)."""
    found = _python_comments(text) if kind == "python" else None
    if found is None:
        found = []
        for number, line in enumerate(lines, start=1):
            start = _plain_comment_start(line, kind) if kind != "python" else line.find("#")
            if start is not None and start >= 0:
                found.append((number, start, line[start:].rstrip("\r\n")))
    out = []
    for line, column, comment in found:
        # A directive may follow other comment text: "# tune later  # exp-lint: ignore[...]".
        start = _START.search(comment)
        if start is not None:
            out.append((line, column + start.start(), comment[start.start():]))
    return out


def scan(path: str, lines: list[str], kind: str = "python", text: str | None = None,
         rule_names: Mapping[str, str] | None = None) -> tuple[list[Directive], list[Malformed]]:
    directives: list[Directive] = []
    malformed: list[Malformed] = []
    if text is None:
        text = "\n".join(lines) + "\n"
    lines = text.split("\n")  # line numbers as parsers count them (splitlines also splits on \f, \x1c...)
    own_line_directives: list[Directive] = []
    for number, column, comment in comments(kind, text, lines):
        match = _DIRECTIVE.match(comment)
        if match is None:
            continue  # prose that mentions exp-lint, e.g. "# lint with exp-lint"
        body = match.group("body")
        if match.group("colon") is None and not re.match(r"\s*ignore\b", body, re.IGNORECASE):
            continue  # "# exp-lint is run in CI": not a directive at all
        bad = Malformed(path, number, column + 1, comment.strip())
        ignore = _IGNORE.match(body)
        if match.group("colon") is None:
            bad.reason = "the colon after 'exp-lint' is missing; write '# exp-lint: ignore[CODE]'"
            malformed.append(bad)
            continue
        if ignore is None:
            malformed.append(bad)
            continue
        codes = tuple(c.strip() for c in ignore.group("codes").split(",") if c.strip())
        if not codes:
            bad.reason = "name the rule codes to ignore, e.g. '# exp-lint: ignore[EXP201]'"
            malformed.append(bad)
            continue
        wrong = [c for c in codes if not CODE_RE.match(c)]
        if wrong:
            named = [(c, (rule_names or {}).get(c)) for c in wrong]
            hints = [f"{c!r} is {code}" for c, code in named if code]
            bad.reason = ("use rule codes, not names: " + ", ".join(hints)) if hints else \
                f"{', '.join(repr(c) for c in wrong)} {'is' if len(wrong) == 1 else 'are'} not rule codes (upper-case, like EXP201)"
            malformed.append(bad)
            continue
        own_line = not lines[number - 1][:column].strip()
        directive = Directive(path, number, number, codes)
        if own_line:
            own_line_directives.append(directive)
        directives.append(directive)
    # An own-line directive covers the next line that is not itself an own-line directive.
    own_lines = {d.line for d in own_line_directives}
    for directive in own_line_directives:
        target = directive.line + 1
        while target in own_lines:
            target += 1
        directive.target = target
    return directives, malformed


def apply(files: Iterable, findings: list, *, rules: Mapping[str, object], active: Iterable[str],
          make_finding, invalid_code: str, unused_code: str) -> list:
    """Drop suppressed findings; add EXP901/EXP902 findings when those rules are active.

    ``files`` are SourceFile objects, ``make_finding(code, path, line, column, message)``
    builds a finding of an exp-lint meta rule.
    """
    active = set(active)
    rule_names = {getattr(r, "name", ""): code for code, r in rules.items()}
    by_line: dict[tuple[str, int], list[Directive]] = {}
    all_directives: list[Directive] = []
    extra = []
    for source in files:
        if source.text is None or source.kind not in _COMMENT_KINDS or "exp-lint" not in source.text.lower():
            continue
        found, malformed = scan(source.path, source.lines, source.kind, source.text, rule_names)
        for directive in found:
            by_line.setdefault((source.path, directive.target), []).append(directive)
            all_directives.append(directive)
        if invalid_code in active:
            for bad in malformed:
                extra.append(make_finding(invalid_code, source.path, bad.line, bad.column,
                                          f"Malformed suppression {bad.text!r}: {bad.reason}; it suppresses nothing."))
    kept = []
    for finding in findings:
        hit = False
        for directive in by_line.get((finding.path, finding.line or 0), ()):
            if finding.rule in directive.codes:
                directive.used.add(finding.rule)
                hit = True
        if not hit:
            kept.append(finding)
    if unused_code in active:
        for directive in all_directives:
            unknown = [c for c in directive.codes if c not in rules]
            # Only a rule that ran can show a suppression of it to be unused.
            unused = [c for c in directive.codes if c in active and c not in directive.used]
            if unknown:
                extra.append(make_finding(unused_code, directive.path, directive.line, 1,
                                          f"Suppression names {', '.join(unknown)}, which {'is' if len(unknown) == 1 else 'are'} not a known rule: fix the code or remove it."))
            if unused:
                extra.append(make_finding(unused_code, directive.path, directive.line, 1,
                                          f"Suppression of {', '.join(unused)} matches no finding on line {directive.target}: remove it."))
    return kept + extra
