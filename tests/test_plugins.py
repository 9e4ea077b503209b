"""Plugins: entry-point discovery of a really installed package, duplicate codes, blocking."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linter.errors import PluginError
from linter.plugins import load_plugins
from linter.rule import Report, Rule, Valid
from linter.testing import minimal_files

from conftest import ROOT, run_cli, write_bundle

PLUGIN = ROOT / "tests" / "plugin_example"


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory):
    """pip-install the example plugin into a private directory (no network, no deps)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "--target", str(target), str(PLUGIN)],
        check=True, capture_output=True, timeout=300,
    )
    return target


def test_installed_plugin_rule_is_listed_and_reports(plugin_site, tmp_path):
    env = {"PYTHONPATH": str(plugin_site)}
    listed = run_cli("rules", env=env)
    assert listed.returncode == 0
    assert "XMP001  no-print-in-model" in listed.stdout
    files = minimal_files("experiment")
    files["src/model.py"] += "\nprint('model loaded')\n"
    line = files["src/model.py"].splitlines().index("print('model loaded')") + 1
    bundle = write_bundle(tmp_path / "b", files)
    result = run_cli(str(bundle), env=env)
    assert result.returncode == 1
    assert f"src/model.py:{line}:1: XMP001 print() in the model" in result.stdout
    version = run_cli("--version", env=env)
    assert "exp-lint-example-plugin 1.2.3" in version.stdout
    blocked = run_cli(str(bundle), "--disable-plugin", "example", env=env)
    assert "XMP001" not in blocked.stdout and blocked.returncode == 0
    no_autoload = run_cli(str(bundle), env={**env, "EXP_LINT_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert "XMP001" not in no_autoload.stdout


def test_duplicate_rule_code_is_rejected_at_load_time(monkeypatch):
    import rules as builtin

    class Clash(Rule):
        """## What it does\nx\n## Why is this bad?\nx\n## Use instead\nx"""

        code = "EXP201"
        name = "clashing-rule"
        summary = "clash"
        valid = (Valid(),)

        def check(self, bundle):
            return ()

    original = builtin.builtin_rules
    monkeypatch.setattr(builtin, "builtin_rules", lambda: original() + [Clash])
    with pytest.raises(PluginError, match="EXP201 is declared twice"):
        load_plugins(autoload=False)


def test_builtin_rules_are_sorted_by_code():
    codes = list(load_plugins(autoload=False).rules)
    assert codes == sorted(codes) and len(codes) >= 10


def test_entry_point_group_quick_look(tmp_path, monkeypatch):
    # The quick look decides whether pluggy's full discovery runs: a miss would hide a plugin.
    from linter.plugins import _group_declared

    site = tmp_path / "site"
    (site / "other-1.0.dist-info").mkdir(parents=True)
    (site / "other-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nother = other:main\n")
    monkeypatch.setattr(sys, "path", [str(site)])
    assert not _group_declared("exp_lint")
    (site / "Plug-2.0.DIST-INFO").mkdir()
    (site / "Plug-2.0.DIST-INFO" / "entry_points.txt").write_text("[console_scripts]\nx = y\n\n[ exp_lint ]\nplug = plug\n")
    assert _group_declared("exp_lint")
    zipped = tmp_path / "deps.zip"
    zipped.write_bytes(b"PK")
    monkeypatch.setattr(sys, "path", [str(zipped)])
    assert _group_declared("exp_lint")  # cannot look inside cheaply: let importlib.metadata do it
