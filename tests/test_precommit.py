"""The pre-commit hook, run by the real pre-commit client: `pre-commit try-repo` on a
snapshot of this checkout, in a temporary git repository that holds a bundle."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from linter.testing import minimal_files

from conftest import ROOT, write_bundle

HOOKS = ROOT / ".pre-commit-hooks.yaml"
GIT = ["git", "-c", "user.email=test@example.invalid", "-c", "user.name=exp-lint tests", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def test_hook_definition_follows_the_conventions():
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "exp-lint" and hook["entry"] == "exp-lint"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["require_serial"] is True
    assert hook["args"] == ["."]
    files = re.compile(hook["files"])
    for path in ("src/train.py", "src/utils/extra.py", "pyproject.toml", "config/smoke_test.yaml", "config/runs/run-1.yaml",
                 "experiments/a/src/model.py", "experiments/a/config/config.yml"):
        assert files.search(path), path
    for path in ("README.md", "notes/train.py", "data/config.json"):
        assert not files.search(path), path


def _git(*args: str, cwd: Path) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _snapshot(target: Path) -> Path:
    """This checkout as a one-commit repository: what a CI clone holds, plus local changes."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "snapshot", cwd=target)
    return target


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return _snapshot(tmp_path_factory.mktemp("exp-lint-hook"))


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    # `pre-commit run` keeps its hook environments here; try-repo always builds its own
    # (about a minute each, mostly pip), so the try-repo runs are kept to two.
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(bundle: Path, hook_repo: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PRE_COMMIT_HOME")}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "exp-lint", "--all-files"],
                          cwd=bundle, env=env, capture_output=True, text=True, timeout=900)


def bundle_repo(root: Path, files: dict[str, str]) -> Path:
    write_bundle(root, files)
    _git("init", "-q", cwd=root)
    _git("add", "-A", cwd=root)
    _git("commit", "-q", "-m", "bundle", cwd=root)
    return root


@pytest.mark.slow
def test_try_repo_fails_on_a_defective_bundle_and_passes_on_a_clean_one(tmp_path, hook_repo, pre_commit_home):
    pytest.importorskip("pre_commit")
    files = minimal_files("experiment")
    files["config/smoke_test.yaml"] = files["config/smoke_test.yaml"].replace("lr: 0.01", "lr: SPECIFIC_CONFIG_PLACEHOLDER", 1)
    broken = try_repo(bundle_repo(tmp_path / "broken", files), hook_repo, pre_commit_home)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "exp-lint" in broken.stdout and "Failed" in broken.stdout
    assert "config/smoke_test.yaml:14:11: EXP201 " in broken.stdout

    clean = try_repo(bundle_repo(tmp_path / "clean", minimal_files("experiment")), hook_repo, pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"exp-lint\.+Passed", clean.stdout)


@pytest.mark.slow
def test_bundle_in_a_subdirectory_via_args(tmp_path, hook_repo, pre_commit_home):
    """The documented override: `args: [experiments/run1]` with a matching `files:`."""
    pytest.importorskip("pre_commit")
    files = {f"experiments/run1/{p}": t for p, t in minimal_files("experiment").items()}
    files["experiments/run1/src/model.py"] += "\n# TODO: finish\n"
    repo = bundle_repo(tmp_path / "sub", files)
    config = repo / ".pre-commit-config.yaml"
    config.write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: HEAD\n  hooks:\n  - id: exp-lint\n    args: [experiments/run1]\n    files: ^experiments/run1/\n",
        encoding="utf-8",
    )
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True, check=True).stdout.strip()
    config.write_text(config.read_text(encoding="utf-8").replace("rev: HEAD", f"rev: {rev}"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS",)}
    env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "experiments/run1/src/model.py:" in done.stdout and "EXP202" in done.stdout
