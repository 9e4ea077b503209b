"""exp-lint: a deterministic linter for machine-learning experiment bundles.

Pipelines replace their model reviewer with one call::

    from linter import review
    verdict = review({"train_py": ..., "evaluate_py": ...}, run_variations=["baseline", "ours"])
    # {"is_experiment_code_ready": False, "experiment_code_issue": "1. [EXP401] ..."}
"""
from __future__ import annotations

import os as _os
import sys as _sys


def _drop_working_directory_from_path() -> None:
    """`python -m linter` run inside a bundle puts the bundle on sys.path, where a bundle's
    `yaml.py` or `click.py` would be imported, and so run, instead of the real library.
    Do what `python -P` does before anything else is imported (the installed `exp-lint`
    script never has the working directory on its path)."""
    here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    cwd = _os.getcwd()
    _sys.path[:] = [p for p in _sys.path if not (p in ("", ".", cwd) and _os.path.abspath(p or ".") != here)]


_drop_working_directory_from_path()

from pathlib import Path  # noqa: E402
from typing import Any, Mapping, Sequence

from .hookspecs import hookimpl
from .findings import Finding, Severity

__all__ = ["review", "lint", "hookimpl", "Finding", "Severity", "__version__"]
__version__ = "0.1.0"

_PLUGINS = None


def _linter(profile: str | None, select: Sequence[str] | None = None):
    global _PLUGINS
    from .config import Settings
    from .engine import Linter
    from .plugins import load_plugins

    if _PLUGINS is None:
        _PLUGINS = load_plugins()
    return Linter(_PLUGINS, Settings(profile=profile, select=tuple(select) if select else None))


def _bundle(bundle: Any, origin: str):
    from .bundle import Bundle
    from .errors import InputError
    from .loaders import load_input
    from .loaders.jsonbundle import bundle_from_mapping

    if isinstance(bundle, Bundle):
        return bundle
    if isinstance(bundle, Mapping):
        return bundle_from_mapping(dict(bundle), origin)
    if isinstance(bundle, (str, Path)):
        return load_input(str(bundle))
    raise InputError(f"cannot review a {type(bundle).__name__}: give a dict, a path or a Bundle")


def _run(bundle, *, profile=None, base=None, run_variations=None, runs=None, select=None):
    target = _bundle(bundle, "<bundle>")
    if base is not None:
        target.context.base = _bundle(base, "<base>")
    if run_variations is not None:
        target.context.run_variations = list(run_variations)
    if runs is not None:
        target.context.runs = list(runs)
    return _linter(profile, select).lint(target)


def review(
    bundle: Any,
    *,
    profile: str | None = None,
    base: Any = None,
    run_variations: Sequence[str] | None = None,
    runs: Sequence[str] | None = None,
) -> dict:
    """Review a bundle and return exactly the reviewer's verdict dict.

    :param bundle: a dict in JSON-bundle form (``{"train_py": ...}`` or ``{"files": {...}}``),
        a path to a bundle directory, JSON bundle or prompt log, or a loaded ``Bundle``.
    :param profile: ``base``, ``experiment``, ``derived`` or ``hydra``; chosen automatically if None.
    :param base: the base bundle a derived bundle is compared with (same forms as ``bundle``).
    :param run_variations: run variations the bundle must implement.
    :param runs: hydra run ids.
    :raises linter.errors.ExpLintError: for unreadable input or configuration.
    """
    return _run(bundle, profile=profile, base=base, run_variations=run_variations, runs=runs).verdict


def lint(
    bundle: Any,
    *,
    profile: str | None = None,
    base: Any = None,
    run_variations: Sequence[str] | None = None,
    runs: Sequence[str] | None = None,
    select: Sequence[str] | None = None,
) -> list[Finding]:
    """Lint a bundle and return its findings, sorted. Arguments as for :func:`review`."""
    return _run(bundle, profile=profile, base=base, run_variations=run_variations, runs=runs, select=select).findings
