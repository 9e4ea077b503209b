"""The EXP7xx rules agree with the real tools they stand for: uv, PyYAML and OmegaConf.

`uv lock --offline` parses pyproject.toml exactly as `uv run` does and needs no network for
these cases: a parse failure says "Failed to parse: pyproject.toml"; a project whose
metadata uv cannot read statically falls back to a build ("Failed to build"); anything else
resolves (or fails only to find packages, offline), proving the file was read.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from linter.testing import lint_example
from linter.rule import Example

UV = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
needs_uv = pytest.mark.skipif(not Path(UV).exists(), reason="uv is a test dependency (pip install -e '.[test]')")

HEAD = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'


def uv_reads(tmp_path: Path, pyproject: str) -> str:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    proc = subprocess.run([UV, "lock", "--offline", "--no-cache", "--color", "never"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                                                             "UV_NO_CONFIG": "1"})
    out = proc.stderr + proc.stdout
    if "Failed to parse" in out:
        return "refused"
    if "Failed to build" in out or "setup.py" in out:
        return "unreadable-metadata"
    return "read"


def codes(pyproject: str) -> set[str]:
    findings = lint_example(Example({"pyproject.toml": pyproject}), select=["EXP7"])
    return {f.rule for f in findings if f.severity.value == "error"}


CASES = [
    (HEAD + 'dependencies = ["torch>=2.0"]\n', "read", set()),
    (HEAD + '\n[project.dependencies]\ntorch = ">=2.0"\n', "refused", {"EXP702"}),
    (HEAD + 'dependencies = "torch"\n', "refused", {"EXP702"}),
    (HEAD.replace('"demo"', '"demo project"') + "dependencies = []\n", "refused", {"EXP701"}),
    (HEAD.replace('version = "0.1.0"\n', "") + "dependencies = []\n", "refused", {"EXP701"}),
    (HEAD.replace('">=3.10"', '"3.10"') + "dependencies = []\n", "refused", {"EXP701"}),
    (HEAD + 'dependencies = ["numpy=1.24"]\n', "unreadable-metadata", {"EXP704"}),
    (HEAD + 'dependencies = ["scikit learn>=1.3"]\n', "unreadable-metadata", {"EXP704"}),
    (HEAD + 'dependencies = ["torch >= 2.0,"]\n', "read", set()),  # uv tolerates the trailing comma
]


@needs_uv
@pytest.mark.parametrize("pyproject,uv,expected", CASES)
def test_pyproject_rules_agree_with_uv(tmp_path, pyproject, uv, expected):
    assert uv_reads(tmp_path, pyproject) == uv
    assert codes(pyproject) & {"EXP701", "EXP702", "EXP704"} == expected


@needs_uv
def test_poetry_only_dependencies_are_not_installed_by_uv(tmp_path):
    pyproject = ('[tool.poetry]\nname = "demo"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n'
                 'torch = "^2.0"\n\n[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n')
    assert uv_reads(tmp_path, pyproject) == "read"
    assert "torch" not in (tmp_path / "uv.lock").read_text()  # resolved, with nothing to install
    assert "EXP703" in codes(pyproject)


def test_pyyaml_keeps_the_last_duplicate_and_omegaconf_refuses_it():
    text = "epochs: 1\nepochs: 2\n"
    assert yaml.safe_load(text) == {"epochs": 2}
    omegaconf = pytest.importorskip("omegaconf")
    with pytest.raises(Exception, match="duplicate key"):
        omegaconf.OmegaConf.create(text)


def test_unquoted_template_is_a_yaml_error_and_quoted_one_a_literal():
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load("lr: {{ learning_rate }}\n")
    assert yaml.safe_load('lr: "{{ learning_rate }}"\n') == {"lr": "{{ learning_rate }}"}


def test_pyproject_validator_is_imported_lazily():
    code = ("import linter.cli, rules, sys; "
            "print(any(m in sys.modules for m in ('validate_pyproject', 'linter.vendor.pyproject_validator')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "False", proc.stderr


def test_classifiers_are_checked_offline(monkeypatch):
    # validate-pyproject downloads the classifier list when trove-classifiers is absent;
    # exp-lint must never go online and must answer the same everywhere.
    import urllib.request

    attempts = []

    def offline(*args, **kwargs):
        attempts.append(args)  # the validator swallows errors, so record the attempt
        raise OSError("offline")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.delenv("NO_NETWORK", raising=False)
    monkeypatch.delenv("VALIDATE_PYPROJECT_NO_NETWORK", raising=False)
    pyproject = HEAD + 'classifiers = ["Not :: A Real :: Classifier"]\ndependencies = []\n'
    assert codes(pyproject) == set()
    assert attempts == []
    assert codes(HEAD.replace('"demo"', '"demo project"') + 'classifiers = ["Programming Language :: Python"]\ndependencies = []\n') == {"EXP701"}
