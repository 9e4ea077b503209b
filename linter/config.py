"""Configuration: defaults < ``[tool.exp-lint]`` (bundle pyproject or ``--config``) < command line.

Unknown keys and unknown rule selectors are errors (exit 2), never silently ignored.
"""
from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import ConfigError
from .findings import Severity
from .plugins import PluginSet
from .records import dataclass

# Every key of ``[tool.exp-lint]``: (type, meaning, example). docs/configuration.md is
# generated from this table (``python -m linter.docs``) and a test keeps the two in sync.
KEYS = {
    "select": ("list of strings", "rules to run (codes, prefixes, names or `ALL`); replaces the default set", '["EXP1", "EXP201"]'),
    "extend-select": ("list of strings", "rules to run in addition to the selected ones", '["EXP902"]'),
    "ignore": ("list of strings", "rules not to run (codes, prefixes or names)", '["todo-marker"]'),
    "per-file-ignores": ("table: glob -> list of strings", "rules ignored in the files whose bundle path matches the glob", '{ "src/model.py" = ["EXP202"] }'),
    "profile": ("string", "`auto`, `base`, `experiment`, `derived` or `hydra` (or a plugin's profile)", '"base"'),
    "severity": ("table: rule -> string", "`error` or `warning` for a rule; only errors make a bundle not ready", '{ EXP202 = "warning" }'),
    "options": ("table: rule -> table", "per-rule options (see each rule's page); unknown options and wrong types are errors", None),
    "import-map": ("table: string -> string or list", "extra import name -> distribution name(s) for the dependency rules (EXP304/EXP305)", '{ cv2 = "opencv-python-headless" }'),
    "placeholder-patterns": ("list of strings", "extra regular expressions that mark unfinished code (reported as EXP201)", '["XXX_[A-Z]+"]'),
    "disable-plugins": ("list of strings", "plugins not to load; read from `--config FILE` only (plugins load before any bundle)", '["my-plugin"]'),
    "run-variations": ("list of strings", "run variations the bundle must implement (like `--run-variations`)", '["baseline", "proposed"]'),
    "runs": ("list of strings", "Hydra run ids the bundle must configure (like `--runs`)", '["run-1", "run-2"]'),
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
    # (select, extend-select, ignore) of each configuration layer, lowest first; resolve()
    # applies them in order so the command line can re-enable what a file ignores.
    layers: tuple[tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]], ...] = ()

    def own_layers(self) -> tuple:
        return self.layers or ((self.select, self.extend_select, self.ignore),)

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
            layers=self.own_layers() + over.own_layers(),
        )


def _strings(where: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: [tool.exp-lint] {key} must be a list of strings, not {_toml_type(value)}")
    return tuple(value)


def _table(where: str, key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [tool.exp-lint] {key} must be a table, not {_toml_type(value)}")
    return value


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class _Table:
    """A TOML table inside an option value, frozen so Settings stay hashable."""

    items: tuple[tuple[str, Any], ...]


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return _Table(tuple(sorted((k, _freeze(v)) for k, v in value.items())))
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    if isinstance(value, _Table):
        return {k: _thaw(v) for k, v in value.items}
    return value


def option_pairs(options: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A rule's option table as Settings hold it (hashable, sorted)."""
    return tuple(sorted((name, _freeze(value)) for name, value in options.items()))


_DISTRIBUTION = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


def settings_from_table(table: Mapping[str, Any], where: str, allow_plugin_keys: bool = True) -> Settings:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} in [tool.exp-lint] (known: {', '.join(sorted(KEYS))})")
    if not allow_plugin_keys and "disable-plugins" in table:
        raise ConfigError(f"{where}: disable-plugins is read from --config FILE or --disable-plugin only "
                          "(plugins are loaded before any bundle is read)")
    kw: dict[str, Any] = {}
    for key in ("select", "extend-select", "ignore", "placeholder-patterns", "disable-plugins", "run-variations", "runs"):
        if key in table:
            kw[key.replace("-", "_")] = _strings(where, key, table[key])
    if "profile" in table:
        if not isinstance(table["profile"], str):
            raise ConfigError(f"{where}: [tool.exp-lint] profile must be a string, not {_toml_type(table['profile'])}")
        kw["profile"] = table["profile"]
    if "per-file-ignores" in table:
        kw["per_file_ignores"] = tuple(
            (glob, _strings(where, f"per-file-ignores.{glob!r}", codes))
            for glob, codes in sorted(_table(where, "per-file-ignores", table["per-file-ignores"]).items())
        )
    if "severity" in table:
        pairs = []
        for rule, level in sorted(_table(where, "severity", table["severity"]).items()):
            if level not in ("error", "warning"):
                raise ConfigError(f"{where}: [tool.exp-lint] severity of {rule} must be 'error' or 'warning', not {level!r}")
            pairs.append((rule, level))
        kw["severity"] = tuple(pairs)
    if "options" in table:
        kw["options"] = tuple(
            (rule, option_pairs(_table(where, f"options.{rule}", opts)))
            for rule, opts in sorted(_table(where, "options", table["options"]).items())
        )
    if "import-map" in table:
        mapping = _table(where, "import-map", table["import-map"])
        for name, dist in sorted(mapping.items()):
            dists = dist if isinstance(dist, list) and dist else [dist]
            for one in dists:
                if not isinstance(one, str) or not _DISTRIBUTION.match(one):
                    raise ConfigError(f"{where}: [tool.exp-lint] import-map value for {name!r} must be a distribution name "
                                      f"or a list of them, not {dist!r}")
            if not all(part.isidentifier() for part in name.split(".")):
                raise ConfigError(f"{where}: [tool.exp-lint] import-map key {name!r} is not an import name")
        kw["import_map"] = tuple(sorted((name, _freeze(dist)) for name, dist in mapping.items()))
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
    return settings_from_table(table, where, allow_plugin_keys=False)


def settings_from_file(path: str) -> Settings:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    if "tool" in data:
        table = data["tool"].get("exp-lint") if isinstance(data["tool"], dict) else None
        if not isinstance(table, dict):
            raise ConfigError(f"config file {path} has no [tool.exp-lint] table")
        return settings_from_table(table, path)
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
    # ruff's order: each layer (file, then command line) selects, extends, then ignores,
    # so `--extend-select X` re-enables a rule the file ignores and `--ignore` always wins.
    chosen = {c for c, r in plugins.rules.items() if getattr(r, "default_enabled", True)}
    for select, extend_select, ignore in settings.own_layers():
        if select is not None:
            chosen = expand(select, plugins, "select")
        chosen |= expand(extend_select, plugins, "extend-select")
        chosen -= expand(ignore, plugins, "ignore")
    severity = {}
    for selector, level in settings.severity:
        for code in expand([selector], plugins, "severity"):
            severity[code] = Severity(level)
    options: dict[str, dict[str, Any]] = {}
    for selector, pairs in settings.options:
        codes = expand([selector], plugins, "options")
        if len(codes) != 1:
            raise ConfigError(f"options: {selector!r} must name exactly one rule")
        code = codes.pop()
        pairs = tuple((name, _thaw(value)) for name, value in pairs)
        for name, value in pairs:  # validated for every rule named, selected or not
            option = plugins.rules[code].options.get(name)
            if option is None:
                known = ", ".join(sorted(plugins.rules[code].options)) or "none"
                raise ConfigError(f"options: {code} has no option {name!r} (options: {known})")
            try:
                option.validate(name, value)
            except ValueError as exc:
                raise ConfigError(f"options of {code}: {exc}") from None
        options.setdefault(code, {}).update(dict(pairs))
    for pattern in settings.placeholder_patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"placeholder-patterns: {pattern!r} is not a regular expression: {exc}") from None
    pfi = tuple((glob, frozenset(expand(codes, plugins, f"per-file-ignores {glob!r}"))) for glob, codes in settings.per_file_ignores)
    return Selection(tuple(sorted(chosen)), severity, options, pfi)


def import_map(settings: Settings | None, plugins: PluginSet | None) -> dict[str, str]:
    """Import name -> distribution: plugins' tables under ``[tool.exp-lint] import-map``.

    Rules call this with their ``self.settings`` and ``self.plugins`` (set by the engine);
    the built-in table of the dependency rules goes under both.
    """
    out = dict(getattr(plugins, "import_map", None) or {})
    out.update({name: _thaw(dist) for name, dist in getattr(settings, "import_map", None) or ()})
    return out


def placeholder_patterns(settings: Settings | None, plugins: PluginSet | None) -> list[str]:
    """Extra placeholder regular expressions: configuration's, then plugins'."""
    return [*(getattr(settings, "placeholder_patterns", None) or ()), *(getattr(plugins, "placeholder_patterns", None) or ())]
