"""Configuration: defaults < ``[tool.exp-lint]`` (bundle pyproject or ``--config``) < command line.

Unknown keys and unknown rule selectors are errors (exit 2), never silently ignored.
"""
from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import ConfigError
from .findings import Severity
from .plugins import PluginSet

KEYS = {
    "select": "rules to run (codes, prefixes, names or ALL); replaces the default set",
    "extend-select": "rules to run in addition to the selected ones",
    "ignore": "rules not to run (codes, prefixes or names)",
    "per-file-ignores": "table of glob -> rules ignored in the matching files",
    "profile": "auto, base, experiment, derived or hydra",
    "severity": "table of rule -> 'error' or 'warning'",
    "options": "table of rule -> table of rule options",
    "import-map": "table of import name -> distribution name",
    "placeholder-patterns": "extra regular expressions that mark unfinished code",
    "disable-plugins": "plugin names not to load",
    "run-variations": "run variations the bundle must implement",
    "runs": "hydra run ids the bundle must configure",
}


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    profile: str | None = None
    severity: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    import_map: tuple[tuple[str, str], ...] = ()
    placeholder_patterns: tuple[str, ...] = ()
    disable_plugins: tuple[str, ...] = ()
    run_variations: tuple[str, ...] | None = None
    runs: tuple[str, ...] | None = None

    def merged(self, over: "Settings") -> "Settings":
        """``over`` wins where it sets something; lists that extend are concatenated."""
        return Settings(
            select=over.select if over.select is not None else self.select,
            extend_select=self.extend_select + over.extend_select,
            ignore=self.ignore + over.ignore,
            per_file_ignores=self.per_file_ignores + over.per_file_ignores,
            profile=over.profile or self.profile,
            severity=self.severity + over.severity,
            options=self.options + over.options,
            import_map=self.import_map + over.import_map,
            placeholder_patterns=self.placeholder_patterns + over.placeholder_patterns,
            disable_plugins=self.disable_plugins + over.disable_plugins,
            run_variations=over.run_variations if over.run_variations is not None else self.run_variations,
            runs=over.runs if over.runs is not None else self.runs,
        )


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[tool.exp-lint] {key} must be a list of strings")
    return tuple(value)


def _table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"[tool.exp-lint] {key} must be a table")
    return value


def settings_from_table(table: Mapping[str, Any], where: str) -> Settings:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} in [tool.exp-lint] (known: {', '.join(sorted(KEYS))})")
    kw: dict[str, Any] = {}
    if "select" in table:
        kw["select"] = _strings("select", table["select"])
    for key in ("extend-select", "ignore", "placeholder-patterns", "disable-plugins"):
        if key in table:
            kw[key.replace("-", "_")] = _strings(key, table[key])
    for key in ("run-variations", "runs"):
        if key in table:
            kw[key.replace("-", "_")] = _strings(key, table[key])
    if "profile" in table:
        if not isinstance(table["profile"], str):
            raise ConfigError(f"{where}: profile must be a string")
        kw["profile"] = table["profile"]
    if "per-file-ignores" in table:
        kw["per_file_ignores"] = tuple(
            (glob, _strings(f"per-file-ignores.{glob}", codes))
            for glob, codes in sorted(_table("per-file-ignores", table["per-file-ignores"]).items())
        )
    if "severity" in table:
        pairs = []
        for rule, level in sorted(_table("severity", table["severity"]).items()):
            if level not in ("error", "warning"):
                raise ConfigError(f"{where}: severity of {rule} must be 'error' or 'warning', not {level!r}")
            pairs.append((rule, level))
        kw["severity"] = tuple(pairs)
    if "options" in table:
        kw["options"] = tuple(
            (rule, tuple(sorted(_table(f"options.{rule}", opts).items())))
            for rule, opts in sorted(_table("options", table["options"]).items())
        )
    if "import-map" in table:
        mapping = _table("import-map", table["import-map"])
        if not all(isinstance(v, str) for v in mapping.values()):
            raise ConfigError(f"{where}: import-map values must be distribution names")
        kw["import_map"] = tuple(sorted(mapping.items()))
    for pattern in kw.get("placeholder_patterns", ()):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: placeholder pattern {pattern!r} is not a regular expression: {exc}") from None
    return Settings(**kw)


def settings_from_pyproject_data(data: Mapping[str, Any] | None, where: str) -> Settings:
    table = ((data or {}).get("tool") or {}).get("exp-lint")
    if table is None:
        return Settings()
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.exp-lint] must be a table")
    return settings_from_table(table, where)


def settings_from_file(path: str) -> Settings:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    if "tool" in data:
        return settings_from_pyproject_data(data, path)
    return settings_from_table(data, path)


@dataclass(frozen=True)
class Selection:
    """The rules that run, with their severities and options, resolved against the plugins."""

    codes: tuple[str, ...]
    severity: Mapping[str, Severity]
    options: Mapping[str, Mapping[str, Any]]
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...]

    def ignored_in(self, code: str, path: str) -> bool:
        return any(code in codes and fnmatch.fnmatchcase(path, glob) for glob, codes in self.per_file_ignores)


def expand(selectors: Iterable[str], plugins: PluginSet, where: str = "selection") -> set[str]:
    """Codes matched by codes, code prefixes, rule names or ALL."""
    by_name = plugins.rule_by_name()
    out: set[str] = set()
    for selector in selectors:
        selector = selector.strip()
        if not selector:
            continue
        if selector.upper() == "ALL":
            out.update(plugins.rules)
        elif selector in by_name:
            out.add(by_name[selector].code)
        else:
            matched = {code for code in plugins.rules if code.startswith(selector.upper())}
            if not matched or not selector[0].isalpha():
                raise ConfigError(f"{where}: {selector!r} matches no rule code, prefix or name")
            out |= matched
    return out


def resolve(settings: Settings, plugins: PluginSet) -> Selection:
    if settings.select is None:
        chosen = {c for c, r in plugins.rules.items() if getattr(r, "default_enabled", True)}
    else:
        chosen = expand(settings.select, plugins, "select")
    chosen |= expand(settings.extend_select, plugins, "extend-select")
    chosen -= expand(settings.ignore, plugins, "ignore")
    severity = {}
    for selector, level in settings.severity:
        for code in expand([selector], plugins, "severity"):
            severity[code] = Severity(level)
    options: dict[str, dict[str, Any]] = {}
    for selector, pairs in settings.options:
        codes = expand([selector], plugins, "options")
        if len(codes) != 1:
            raise ConfigError(f"options: {selector!r} must name exactly one rule")
        options.setdefault(codes.pop(), {}).update(dict(pairs))
    pfi = tuple((glob, frozenset(expand(codes, plugins, f"per-file-ignores {glob!r}"))) for glob, codes in settings.per_file_ignores)
    return Selection(tuple(sorted(chosen)), severity, options, pfi)
