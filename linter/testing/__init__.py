"""Test helpers for rule authors: build example bundles and check a rule's examples.

An example is laid over the minimal correct bundle of its profile (``minimal/``),
which must itself stay free of findings under every rule. Plugin authors use
``check_examples(MyRule)`` in their own test suites.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..bundle import Bundle, Context
from ..config import Settings, option_pairs
from ..engine import Linter
from ..findings import Finding
from ..plugins import PluginSet, load_plugins
from ..rule import Example, Rule
from ..source import from_text

MINIMAL = Path(__file__).parent / "minimal"
DEFAULT_VARIATIONS = ("baseline", "proposed")
_LAYOUT = {"base": "base", "experiment": "experiment", "derived": "experiment", "hydra": "hydra"}


@lru_cache(maxsize=None)
def _read_minimal(layout: str) -> tuple[tuple[str, str], ...]:
    root = MINIMAL / layout
    return tuple(
        sorted((p.relative_to(root).as_posix(), p.read_text(encoding="utf-8")) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    )


def minimal_files(profile: str) -> dict[str, str]:
    """The files of the minimal correct bundle for ``profile`` (path -> text)."""
    return dict(_read_minimal(_LAYOUT.get(profile, "experiment")))


def patched(profile: str, path: str, *pairs: tuple[str, str]) -> str:
    """A file of the minimal bundle with exact text replaced, for writing rule examples.

    Each ``old`` must occur in the file, so an example cannot silently stop testing
    anything when the minimal bundle changes.
    """
    text = minimal_files(profile)[path]
    for old, new in pairs:
        if old not in text:
            raise ValueError(f"{path} of the minimal {profile} bundle has no {old!r}")
        text = text.replace(old, new)
    return text


def _overlay(files: dict[str, str], changes) -> dict[str, str]:
    out = dict(files)
    for path, text in (changes or {}).items():
        if text is None:
            out.pop(path, None)
        else:
            out[path] = text
    return out


def _bundle(files: dict[str, str], origin: str, context: Context) -> Bundle:
    return Bundle({p: from_text(p, t) for p, t in files.items()}, origin=origin, context=context)


def example_bundle(example: Example) -> Bundle:
    files = _overlay(minimal_files(example.profile), example.files)
    context = Context()
    if example.profile == "derived":
        context.base = _bundle(_overlay(minimal_files("base"), example.base), "<base>", Context())
        context.run_variations = list(example.run_variations or DEFAULT_VARIATIONS)
    elif example.run_variations is not None:
        context.run_variations = list(example.run_variations)
    if example.profile == "hydra":
        default_runs = sorted(p[len("config/runs/"):-len(".yaml")] for p in files if p.startswith("config/runs/"))
        context.runs = list(example.runs) if example.runs is not None else default_runs
    context.instructions = example.instructions
    return _bundle(files, "<example>", context)


@lru_cache(maxsize=1)
def builtin_plugins() -> PluginSet:
    return load_plugins(autoload=False)


def lint_example(example: Example, select: Iterable[str] | None = None, plugins: PluginSet | None = None) -> list[Finding]:
    plugins = plugins or builtin_plugins()
    settings = Settings(select=tuple(select) if select is not None else None, profile=example.profile)
    options = tuple((code, option_pairs(example.options)) for code in (select or ()) if example.options)
    if options:
        settings = Settings(select=settings.select, profile=settings.profile, options=options)
    return Linter(plugins, settings, file_settings=Settings()).lint(example_bundle(example)).findings


def where(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}" if finding.line else finding.path


def example_problems(rule: type[Rule], example: Example, valid: bool, plugins: PluginSet | None = None) -> list[str]:
    """Why the example does not behave as declared (empty when it does)."""
    findings = [f for f in lint_example(example, [rule.code, *example.with_rules], plugins) if f.rule == rule.code]
    if valid:
        return [f"unexpected {f.rule} at {where(f)}: {f.message}" for f in findings]
    problems = []
    expected = set(example.expect)
    found = {where(f) if ":" in e else f.path for f in findings for e in expected if (where(f) if ":" in e else f.path) == e}
    for e in sorted(expected - found):
        problems.append(f"expected {rule.code} at {e}, got " + (", ".join(where(f) for f in findings) or "nothing"))
    for f in findings:
        if where(f) not in expected and f.path not in expected:
            problems.append(f"unexpected extra {rule.code} at {where(f)}: {f.message}")
    return problems


def check_examples(rule: type[Rule], plugins: PluginSet | None = None) -> list[str]:
    """All problems with a rule's examples; a rule needs at least one valid and one invalid."""
    problems = []
    if not rule.valid:
        problems.append(f"{rule.code} has no valid example")
    if not rule.invalid and not getattr(rule, "examples_exempt", None):
        problems.append(f"{rule.code} has no invalid example")
    for i, example in enumerate(rule.valid):
        problems += [f"valid[{i}]: {p}" for p in example_problems(rule, example, True, plugins)]
    for i, example in enumerate(rule.invalid):
        problems += [f"invalid[{i}]: {p}" for p in example_problems(rule, example, False, plugins)]
    return problems
