"""The common, simple forms of PEP 508 requirements and PEP 440 specifiers, without ``packaging``.

Importing ``packaging.requirements`` costs ~15 ms (markers, tags, platform, subprocess), a
twentieth of a cold run, yet nearly every requirement a bundle writes is a name, maybe extras
and a few ``>=1.2``-style clauses. Those are recognised here; anything else (markers, URLs,
pre-releases, local versions, ``===``) returns None and the caller asks ``packaging``.

Soundness is the contract: a string accepted here is accepted by ``packaging`` with the same
meaning (tests/test_pep508.py checks that against ``packaging`` on generated strings).
"""
from __future__ import annotations

import re

NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"  # a PEP 508 distribution name
_RELEASE = r"[0-9]+(?:\.[0-9]+)*"
# One clause: ==/!= may end in .* (prefix match); ~= needs two release segments at least.
_CLAUSE = rf"(?:(?:==|!=)[ ]*{_RELEASE}(?:\.\*)?|(?:>=|<=|>|<)[ ]*{_RELEASE}|~=[ ]*[0-9]+(?:\.[0-9]+)+)"
_CLAUSES = rf"{_CLAUSE}(?:[ ]*,[ ]*{_CLAUSE})*"
_REQUIREMENT = re.compile(rf"[ ]*{NAME}[ ]*(?:\[[ ]*{NAME}(?:[ ]*,[ ]*{NAME})*[ ]*\])?[ ]*(?:{_CLAUSES})?[ ]*")
_SPECIFIERS = re.compile(rf"[ ]*(?:{_CLAUSES})?[ ]*")
_ONE_CLAUSE = re.compile(r"(==|!=|>=|<=|~=|>|<)[ ]*([0-9.]+?)(\.\*)?")

Release = tuple[int, ...]
Clause = tuple[str, Release, bool]  # operator, release, prefix match (".*")


def simple_requirement(text: str) -> bool:
    """True when ``text`` is a valid requirement of the simple form; False: ask ``packaging``."""
    return _REQUIREMENT.fullmatch(text) is not None


def simple_specifiers(text: str) -> list[Clause] | None:
    """The clauses of a simple specifier set such as ``>=3.10,<3.13``; None: ask ``packaging``."""
    if _SPECIFIERS.fullmatch(text) is None:
        return None
    clauses = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue  # only the empty set: the pattern refuses empty clauses between commas
        match = _ONE_CLAUSE.fullmatch(part)
        if match is None:  # pragma: no cover - the pattern above admits only these shapes
            return None
        clauses.append((match.group(1), tuple(int(n) for n in match.group(2).split(".")), bool(match.group(3))))
    return clauses


def _padded(a: Release, b: Release) -> tuple[Release, Release]:
    size = max(len(a), len(b))
    return a + (0,) * (size - len(a)), b + (0,) * (size - len(b))


def _prefix_match(version: Release, prefix: Release) -> bool:
    return (version + (0,) * len(prefix))[: len(prefix)] == prefix


def allows(clauses: list[Clause], version: Release) -> bool:
    """Does a final release ``version`` satisfy every clause (PEP 440, releases only)?"""
    for op, release, prefix in clauses:
        if op in ("==", "!=") and prefix:
            ok = _prefix_match(version, release)
        else:
            left, right = _padded(version, release)
            if op == "==" or op == "!=":
                ok = left == right
            elif op == ">=":
                ok = left >= right
            elif op == "<=":
                ok = left <= right
            elif op == ">":
                ok = left > right
            elif op == "<":
                ok = left < right
            else:  # ~=: at least this release, within its series
                ok = left >= right and _prefix_match(version, release[:-1])
        if op == "!=":
            ok = not ok
        if not ok:
            return False
    return True
