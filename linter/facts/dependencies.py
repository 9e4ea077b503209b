"""Declared dependencies of the bundle's ``pyproject.toml`` and small requirement/version readers.

Reads PEP 621 ``[project] dependencies`` and ``optional-dependencies``, PEP 735
``[dependency-groups]``, Poetry ``[tool.poetry.dependencies]`` / groups / dev-dependencies
and uv's ``dev-dependencies``. Names compare PEP 503-normalised. No third-party parser:
a requirement is ``name [extras] specifiers ; markers`` or ``name @ url``.
"""
from __future__ import annotations

import re
from dataclasses import field
from functools import lru_cache
from typing import Any

from ..parsing.pep508 import NAME
from ..records import dataclass

_REQ = re.compile(rf"^\s*({NAME})\s*(?:\[[^\]]*\])?\s*(.*)$", re.S)
_CLAUSE = re.compile(r"^\s*(===|==|~=|!=|<=|>=|<|>|\^|~|=)?\s*v?([0-9][0-9A-Za-z.*+!_-]*)\s*$")
INFINITY = (10**9,) * 5


def normalise(name: str) -> str:
    """PEP 503: lower case, runs of ``-``, ``_`` and ``.`` become one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(text: str) -> tuple[str, str] | None:
    """``"scikit-learn[alldeps]>=1.2; python_version>'3.8'"`` -> ``("scikit-learn", ">=1.2")``."""
    if not isinstance(text, str):
        return None
    body = text.split(";", 1)[0]
    match = _REQ.match(body)
    if match is None:
        return None
    rest = match.group(2).strip()
    if rest.startswith("@"):
        rest = ""  # a direct URL: no version constraint we can read
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    return match.group(1), rest


def _version(text: str) -> tuple[int, ...] | None:
    numbers = re.match(r"\d+(?:\.\d+)*", text)
    if numbers is None:
        return None
    parts = tuple(int(p) for p in numbers.group(0).split("."))[:4]
    return parts + (0,) * (4 - len(parts))


def _bump(parts: list[int], position: int) -> tuple[int, ...]:
    bumped = parts[:position] + [parts[position] + 1]
    return tuple(bumped + [0] * (4 - len(bumped))) + (0,)


def highest_allowed(spec: str) -> tuple[int, ...]:
    """An exclusive upper bound of the versions ``spec`` allows (5-tuples; INFINITY if none).

    ``<2`` -> (2,0,0,0,0); ``<=1.24`` -> (1,24,0,0,1); ``==1.23.5`` -> (1,23,5,0,1);
    ``~=1.4`` -> (2,0,0,0,0); Poetry ``^1.2`` -> (2,0,0,0,0), ``~1.2`` -> (1,3,0,0,0).
    """
    upper = INFINITY
    for clause in spec.split(","):
        clause = clause.strip()
        if not clause or clause == "*":
            continue
        match = _CLAUSE.match(clause)
        if match is None:
            continue
        op, raw = match.group(1) or "==", match.group(2)
        if op in (">", ">=", "!="):
            continue
        version = _version(raw)
        if version is None:
            continue
        written = [int(p) for p in re.match(r"\d+(?:\.\d+)*", raw).group(0).split(".")][:4]  # type: ignore[union-attr]
        if op == "<":
            bound = version + (0,)
        elif op == "<=":
            bound = version + (1,)
        elif op in ("==", "===", "="):
            bound = _bump(written, len(written) - 1) if raw.endswith(".*") else version + (1,)
        elif op == "~=":
            bound = _bump(written, max(len(written) - 2, 0))
        elif op == "^":
            first = next((i for i, p in enumerate(written) if p != 0), len(written) - 1)
            bound = _bump(written, first)
        else:  # poetry ~
            bound = _bump(written, min(1, len(written) - 1))
        upper = min(upper, bound)
    return upper


@lru_cache(maxsize=4096)  # a pure function of three strings, asked per bundle for every table entry
def resolves_into(spec: str | None, removed_in: str, restored_in: str | None = None) -> bool:
    """Does the newest version the spec allows (what ``uv`` installs) lack a removed name?"""
    removed = _version(removed_in)
    if removed is None:
        return False
    upper = highest_allowed(spec or "")
    if not removed + (0,) < upper:
        return False
    if restored_in:
        restored = _version(restored_in)
        if restored is not None and not upper <= restored + (0,):
            return False
    return True


@dataclass(frozen=True)
class Declared:
    name: str  # as written
    spec: str
    group: str  # "dependencies", "optional:<extra>", "group:<name>", "poetry", ...
    line: int | None


@dataclass
class Dependencies:
    """What the bundle's pyproject.toml declares; ``known`` is False when it cannot be read."""

    known: bool = False
    declared: dict[str, list[Declared]] = field(default_factory=dict)  # normalised name -> declarations
    project_name: str | None = None

    @classmethod
    def compute(cls, bundle) -> "Dependencies":
        facts = cls()
        parsed = bundle.toml("pyproject.toml")
        if parsed is None or not isinstance(parsed.data, dict):
            return facts
        data = parsed.data
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
        if "dependencies" in (project.get("dynamic") or []):
            return facts
        if not project and not poetry:
            return facts  # an empty or tool-only pyproject: the empty-file and runnable rules speak
        listed = project.get("dependencies")
        if listed is not None and not isinstance(listed, (list, dict)):
            return facts
        facts.known = True
        facts.project_name = project.get("name") if isinstance(project.get("name"), str) else None
        lines = parsed.text.splitlines()

        def line_of(name: str) -> int | None:
            pattern = re.compile(r"""(^|["'\s])""" + re.escape(name) + r"""($|[\s"'\[<>=!~;@^,(])""", re.I)
            for i, line in enumerate(lines):
                stripped = line.strip()
                if stripped.startswith("#"):
                    continue
                if pattern.search(stripped):
                    return i + 1
            return None

        def add(text: Any, group: str) -> None:
            parsed_req = parse_requirement(text) if isinstance(text, str) else None
            if parsed_req is None:
                return
            name, spec = parsed_req
            facts.declared.setdefault(normalise(name), []).append(Declared(name, spec, group, line_of(name)))

        if isinstance(listed, dict):
            # `[project.dependencies]` written as a Poetry-style table is not PEP 621 (uv rejects
            # the file; the runnable rules report that), but its keys still say what the author
            # meant to install, so imports are checked against them.
            for name, value in sorted(listed.items()):
                spec = value if isinstance(value, str) else (value.get("version", "") if isinstance(value, dict) else "")
                facts.declared.setdefault(normalise(name), []).append(Declared(name, spec if spec != "*" else "", "dependencies", line_of(name)))
        for item in listed if isinstance(listed, list) else []:
            add(item, "dependencies")
        for extra, items in sorted((project.get("optional-dependencies") or {}).items()):
            for item in items if isinstance(items, list) else []:
                add(item, f"optional:{extra}")
        for group, items in sorted((data.get("dependency-groups") or {}).items()):
            for item in items if isinstance(items, list) else []:
                add(item, f"group:{group}")
        poetry_tables = [("poetry", poetry.get("dependencies")), ("poetry-dev", poetry.get("dev-dependencies"))]
        for group, table in sorted((poetry.get("group") or {}).items()):
            if isinstance(table, dict):
                poetry_tables.append((f"poetry:{group}", table.get("dependencies")))
        for group, table in poetry_tables:
            if not isinstance(table, dict):
                continue
            for name, value in sorted(table.items()):
                if normalise(name) == "python":
                    continue
                spec = value if isinstance(value, str) else (value.get("version", "") if isinstance(value, dict) else "")
                facts.declared.setdefault(normalise(name), []).append(Declared(name, spec or "", group, line_of(name)))
        uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
        for item in uv.get("dev-dependencies") or []:
            add(item, "uv-dev")
        return facts
