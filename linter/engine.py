"""The engine: pick the profile, run the selected rules once per bundle, apply suppressions."""
from __future__ import annotations

from dataclasses import field
from typing import Iterable

import libcst as cst
import yaml

from . import suppressions
from .bundle import Bundle
from .config import Selection, Settings, resolve, settings_from_pyproject_data
from .errors import ConfigError, ExpLintError
from .findings import Finding, Location, Severity, sort_findings
from .plugins import PluginSet
from .profiles import Profile
from .records import dataclass
from .rule import Report, Rule

INVALID_SUPPRESSION = "EXP901"
UNUSED_SUPPRESSION = "EXP902"


class RuleCrash(ExpLintError):
    """A rule raised: an internal error, reported with exit status 2."""


@dataclass
class Result:
    path: str
    profile: Profile
    findings: list[Finding]
    bundle: Bundle | None = field(default=None, repr=False)
    on_disk: bool = False

    def display_path(self, path: str) -> str:
        """Where a person finds the file: a real path for directories, ``input::file`` otherwise."""
        if self.on_disk:
            return path if self.path in (".", "") else f"{self.path}/{path}"
        return f"{self.path}::{path}"

    @property
    def ready(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def verdict(self) -> dict:
        from .verdict import verdict

        return verdict(self.profile, self.findings)


def choose_profile(bundle: Bundle, requested: str | None, plugins: PluginSet) -> Profile:
    if requested and requested != "auto":
        if requested not in plugins.profiles:
            raise ConfigError(f"unknown profile {requested!r} (profiles: auto, {', '.join(sorted(plugins.profiles))})")
        return plugins.profiles[requested]
    validator = bundle.context.validator
    if validator in plugins.profiles:
        return plugins.profiles[validator]
    if "config/config.yaml" in bundle.files:
        return plugins.profiles["hydra"]
    if bundle.context.base is not None:
        return plugins.profiles["derived"]
    return plugins.profiles["experiment"]


class Linter:
    """Holds the loaded plugins and the command-line settings; rule sets are built once
    per distinct configuration and reused for every bundle that shares it."""

    def __init__(self, plugins: PluginSet, cli: Settings | None = None, file_settings: Settings | None = None) -> None:
        self.plugins = plugins
        self.cli = cli or Settings()
        self.file_settings = file_settings  # from --config: replaces the bundle's pyproject table
        self._rule_sets: dict[Settings, tuple[Selection, list[Rule]]] = {}

    def settings_for(self, bundle: Bundle) -> Settings:
        if self.file_settings is not None:
            own = self.file_settings
        else:
            pyproject = bundle.toml("pyproject.toml")
            own = settings_from_pyproject_data(pyproject.data if pyproject else None, f"{bundle.origin}: pyproject.toml")
        return own.merged(self.cli)

    def rules_for(self, settings: Settings) -> tuple[Selection, list[Rule]]:
        if settings not in self._rule_sets:
            selection = resolve(settings, self.plugins)
            rules = []
            for code in selection.codes:
                rule_type = self.plugins.rules[code]
                try:
                    rule = rule_type(selection.options.get(code))
                except ValueError as exc:
                    raise ConfigError(f"options of {code}: {exc}") from None
                rule.plugins = self.plugins  # type: ignore[attr-defined]
                rule.settings = settings  # type: ignore[attr-defined]
                rules.append(rule)
            self._rule_sets[settings] = (selection, rules)
        return self._rule_sets[settings]

    def lint(self, bundle: Bundle) -> Result:
        settings = self.settings_for(bundle)
        if settings.run_variations is not None and bundle.context.run_variations is None:
            bundle.context.run_variations = list(settings.run_variations)
        if settings.runs is not None and bundle.context.runs is None:
            bundle.context.runs = list(settings.runs)
        profile = choose_profile(bundle, settings.profile, self.plugins)
        bundle.profile = profile  # type: ignore[attr-defined]
        selection, rules = self.rules_for(settings)
        findings: list[Finding] = []
        ran: set[str] = set()
        for rule in rules:
            if not rule.applies_to(profile.name):
                continue
            ran.add(rule.code)
            try:
                for report in rule.check(bundle) or ():
                    findings.append(self._finding(rule, report, bundle, selection))
            except ExpLintError:
                raise
            except Exception as exc:  # a rule bug must not turn into a traceback
                raise RuleCrash(
                    f"internal error: rule {rule.code} crashed on {bundle.origin}: {type(exc).__name__}: {exc}"
                ) from exc
        findings = self._apply_suppressions(bundle, findings, selection, ran)
        # per-file-ignores last, so they also cover EXP901/EXP902 (a suppression that is
        # unused only because per-file-ignores already removed its finding stays quiet).
        findings = [f for f in findings if not selection.ignored_in(f.rule, f.path)]
        return Result(bundle.origin, profile, sort_findings(findings), bundle, bundle.on_disk)

    # -- reports to findings ------------------------------------------------------------------
    def _finding(self, rule: Rule, report: Report, bundle: Bundle, selection: Selection) -> Finding:
        line, column, end_line, end_column = report.line, report.column, report.end_line, report.end_column
        node = report.node
        if isinstance(node, cst.CSTNode):
            parsed = bundle.python(report.path)
            span = parsed.span(node) if parsed else None
            if span is not None:
                line, column, end_line, end_column = span[0], span[1] + 1, span[2], span[3] + 1
        elif isinstance(node, yaml.Node):
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            end_line, end_column = node.end_mark.line + 1, node.end_mark.column + 1
        if line is not None and column is None:
            column = 1
        severity = selection.severity.get(rule.code) or report.severity or rule.severity
        message = " ".join(report.message.split())
        return Finding(rule.code, rule.name, severity, report.path, line, column, end_line, end_column, message, tuple(report.related))

    def _apply_suppressions(self, bundle: Bundle, findings: list[Finding], selection: Selection, ran: set[str]) -> list[Finding]:
        # The directive grammar and matching live in suppressions.py; the engine only says
        # how a meta finding (EXP901/EXP902) is built.
        def make(code: str, path: str, line: int, column: int, message: str) -> Finding:
            rule = self.plugins.rules[code]
            return Finding(code, rule.name, selection.severity.get(code, rule.severity), path, line, column, None, None, message)

        return suppressions.apply(
            bundle.files.values(), findings, rules=self.plugins.rules, active=ran, make_finding=make,
            invalid_code=INVALID_SUPPRESSION, unused_code=UNUSED_SUPPRESSION,
        )
