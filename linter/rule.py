"""The rule API: a small class with metadata, a ``check`` method and embedded examples.

A rule reads a :class:`~linter.bundle.Bundle` (its parsed files and shared fact
tables) and yields :class:`Report` objects. Its docstring has ruff's sections
(``What it does``, ``Why is this bad?``, ``Use instead``) and its ``valid`` /
``invalid`` examples are mini-bundles laid over a minimal correct bundle: the test
suite and the documentation are both generated from them.
"""
from __future__ import annotations

import re
from dataclasses import field
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Mapping

from .findings import Location, Severity
from .records import dataclass

if TYPE_CHECKING:  # annotations only: `exp-lint --help`, usage and --config errors never import LibCST
    import libcst as cst
    import yaml

CODE_RE = re.compile(r"^[A-Z]{2,5}[0-9]{3,4}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ALL_PROFILES = frozenset({"base", "experiment", "derived", "hydra"})


@dataclass
class Report:
    """One problem a rule found. Give a LibCST or YAML ``node``, or an explicit line."""

    path: str
    message: str
    node: cst.CSTNode | yaml.Node | None = None
    line: int | None = None
    column: int | None = None  # 1-based
    end_line: int | None = None
    end_column: int | None = None
    severity: Severity | None = None  # None: the rule's severity
    related: tuple[Location, ...] = ()


@dataclass(frozen=True)
class Option:
    """A typed rule option with its default, validated when configuration is read."""

    default: Any
    help: str
    type: type | tuple[type, ...] | None = None

    def validate(self, name: str, value: Any) -> Any:
        expected = self.type or type(self.default)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(self.default, list) and isinstance(value, list):
            return value
        if not isinstance(value, expected) or (isinstance(value, bool) and expected in (int, float)):
            want = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
            raise ValueError(f"option {name!r} must be {want}, got {type(value).__name__}")
        return value


@dataclass(frozen=True)
class Example:
    """A mini-bundle: files laid over the minimal correct bundle of ``profile``.

    A value of ``None`` removes that file. ``base`` likewise lays files over the
    minimal base bundle (derived profile). ``expect`` lists ``"path:line"`` (or just
    ``"path"``) where the rule must report, for invalid examples.
    """

    files: Mapping[str, str | None] = field(default_factory=dict)
    profile: str = "experiment"
    expect: tuple[str, ...] = ()
    base: Mapping[str, str | None] | None = None
    run_variations: tuple[str, ...] | None = None
    runs: tuple[str, ...] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    with_rules: tuple[str, ...] = ()  # other rules to run beside the one under test
    instructions: str | None = None  # the reviewer prompt's instructions (hydra prompt versions differ)


def Valid(files: Mapping[str, str | None] | None = None, **kw: Any) -> Example:
    return Example(files or {}, **kw)


def Invalid(files: Mapping[str, str | None], expect: Iterable[str] | str, **kw: Any) -> Example:
    expected = (expect,) if isinstance(expect, str) else tuple(expect)
    return Example(files, expect=expected, **kw)


class Rule:
    """Base class of every rule. Subclasses set the class attributes and ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    profiles: ClassVar[frozenset[str]] = ALL_PROFILES
    options: ClassVar[Mapping[str, Option]] = {}
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.opts: dict[str, Any] = {k: o.default for k, o in self.options.items()}
        for key, value in (options or {}).items():
            if key not in self.options:
                known = ", ".join(sorted(self.options)) or "none"
                raise ValueError(f"{self.code} has no option {key!r} (options: {known})")
            self.opts[key] = self.options[key].validate(key, value)

    def applies_to(self, profile: str) -> bool:
        return profile in self.profiles

    def check(self, bundle) -> Iterable[Report]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def describe(cls) -> str:
        return f"{cls.code} {cls.name}: {cls.summary}"

    @classmethod
    def problems(cls) -> list[str]:
        """What is wrong with the rule's own metadata (checked at load time)."""
        out = []
        for attr in ("code", "name", "summary"):
            if not isinstance(getattr(cls, attr, None), str):
                out.append(f"{cls.__name__} has no {attr}")
        if out:
            return out
        if not CODE_RE.match(cls.code):
            out.append(f"{cls.__name__}: code {cls.code!r} is not an uppercase prefix and digits")
        if not NAME_RE.match(cls.name):
            out.append(f"{cls.__name__}: name {cls.name!r} is not kebab-case")
        if not cls.profiles:
            out.append(f"{cls.__name__}: applies to no profile")
        return out
