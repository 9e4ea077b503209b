"""Loading plugins: the built-in rules and entry-point packages, through the same hooks."""
from __future__ import annotations

import os
from dataclasses import field
from typing import Iterable

import pluggy

from . import hookspecs
from .errors import PluginError
from .profiles import BUILTIN_PROFILES, Profile
from .records import dataclass
from .rule import Rule

AUTOLOAD_ENV = "EXP_LINT_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN_NAME = "exp-lint-builtin"


@dataclass
class PluginSet:
    """Everything the loaded plugins declared, merged deterministically."""

    rules: dict[str, type[Rule]]  # by code, sorted
    profiles: dict[str, Profile]
    import_map: dict[str, str]
    removed_apis: list[dict[str, str]]
    placeholder_patterns: list[str]
    loaded: list[tuple[str, str]] = field(default_factory=list)  # (plugin name, version)

    def rule_by_name(self) -> dict[str, type[Rule]]:
        return {r.name: r for r in self.rules.values()}


def _manager(disabled: Iterable[str], autoload: bool) -> pluggy.PluginManager:
    import rules as builtin_rules

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(builtin_rules, name=BUILTIN_NAME)
    for name in disabled:
        pm.set_blocked(name)
    if autoload and not os.environ.get(AUTOLOAD_ENV) and _group_declared(hookspecs.PROJECT):
        try:
            pm.load_setuptools_entrypoints(hookspecs.PROJECT)
        except Exception as exc:  # a broken third-party plugin is a clear error, not a traceback
            raise PluginError(f"could not load a plugin of group {hookspecs.PROJECT!r}: {exc}") from None
    pm.check_pending()
    return pm


def _group_declared(group: str) -> bool:
    """Whether an installed distribution may declare entry points in ``group``.

    A look at the ``entry_points.txt`` files of the distributions on ``sys.path``: pluggy's
    full discovery through importlib.metadata costs ~25 ms per process, and nearly every run
    has no third-party plugin. Whatever this quick look cannot read (a zip on the path, a
    custom distribution finder) answers True, so the full discovery runs.
    """
    import importlib.machinery
    import sys

    header = group.strip()
    for finder in sys.meta_path:
        if hasattr(finder, "find_distributions") and finder is not importlib.machinery.PathFinder:
            return True
    for entry in sys.path:
        directory = entry or "."
        if not os.path.isdir(directory):
            if os.path.isfile(directory):  # a zip or egg: importlib.metadata can read inside it
                return True
            continue
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            if not name.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), encoding="utf-8", errors="replace") as handle:
                    for line in handle:
                        line = line.strip()
                        if line.startswith("[") and line.endswith("]") and line[1:-1].strip() == header:
                            return True
            except OSError:
                continue
    return False


def _per_plugin(pm: pluggy.PluginManager, hook_name: str) -> list[tuple[str, object]]:
    """Each plugin's result of one hook, sorted by plugin name (pluggy calls LIFO)."""
    out = []
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        result = impl.function()
        if result is not None:
            out.append((impl.plugin_name, result))
    return sorted(out, key=lambda item: (item[0] != BUILTIN_NAME, item[0]))


def load_plugins(disabled: Iterable[str] = (), autoload: bool = True) -> PluginSet:
    disabled = [d for d in disabled if d != BUILTIN_NAME]
    pm = _manager(disabled, autoload)
    rules: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    owner: dict[str, str] = {}
    for plugin, declared in _per_plugin(pm, "exp_lint_rules"):
        for rule in declared:
            if not (isinstance(rule, type) and issubclass(rule, Rule)):
                raise PluginError(f"plugin {plugin!r} declared {rule!r}, which is not a Rule subclass")
            problems = rule.problems()
            if problems:
                raise PluginError(f"plugin {plugin!r}: {problems[0]}")
            if rule.code in rules:
                raise PluginError(
                    f"rule code {rule.code} is declared twice: by {owner[rule.code]!r} "
                    f"({rules[rule.code].__name__}) and by {plugin!r} ({rule.__name__})"
                )
            if rule.name in names:
                raise PluginError(f"rule name {rule.name!r} is declared twice: {names[rule.name]} and {rule.code}")
            rules[rule.code] = rule
            names[rule.name] = rule.code
            owner[rule.code] = plugin
    profiles = {p.name: p for p in BUILTIN_PROFILES}
    for plugin, declared in _per_plugin(pm, "exp_lint_profiles"):
        for profile in declared:
            if profile.name in profiles:
                raise PluginError(f"plugin {plugin!r} declares profile {profile.name!r}, which exists already")
            profiles[profile.name] = profile
    import_map: dict[str, str] = {}
    for _, mapping in _per_plugin(pm, "exp_lint_import_map"):
        import_map.update(mapping)
    removed: list[dict[str, str]] = []
    for _, entries in _per_plugin(pm, "exp_lint_removed_apis"):
        removed.extend(dict(e) for e in entries)
    patterns: list[str] = []
    for _, declared in _per_plugin(pm, "exp_lint_placeholder_patterns"):
        patterns.extend(declared)
    loaded = []
    for plugin, dist in pm.list_plugin_distinfo():
        loaded.append((pm.get_name(plugin) or "?", f"{dist.project_name} {dist.version}"))
    return PluginSet(
        rules=dict(sorted(rules.items())),
        profiles=profiles,
        import_map=import_map,
        removed_apis=removed,
        placeholder_patterns=patterns,
        loaded=sorted(loaded),
    )


def version() -> str:
    from importlib import metadata  # only here: importing it costs ~10 ms a lint does not need

    try:
        return metadata.version("exp-lint")
    except metadata.PackageNotFoundError:  # running from a checkout without install
        return "0+unknown"
