"""The GitHub Action: linter/action.py in a simulated runner environment, and the
composite action.yml's own steps run by bash as the runner would run them."""
from __future__ import annotations

import json
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

ACTION = ROOT / "action.yml"


def runner_env(tmp_path: Path, **inputs: str) -> dict[str, str]:
    summary = tmp_path / "summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")  # the action must append, not overwrite
    (tmp_path / "output.txt").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update({"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
                "GITHUB_WORKSPACE": str(tmp_path), "RUNNER_TEMP": str(tmp_path / "runner-temp")})
    env.update({"INPUT_" + k.upper(): v for k, v in inputs.items()})
    return env


def run_action(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess:
    env = runner_env(tmp_path, **inputs)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "linter.action"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def workspace(tmp_path):
    write_bundle(tmp_path / "clean", minimal_files("experiment"))
    files = minimal_files("experiment")
    files["src/model.py"] += "\nNAME = 'MODEL_PLACEHOLDER'\n" + "".join(f"# TODO: item {i}\n" for i in range(12))
    write_bundle(tmp_path / "broken", files)
    return tmp_path


def outputs(tmp_path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in (tmp_path / "output.txt").read_text(encoding="utf-8").splitlines())


def test_defective_bundle_annotates_summarises_and_fails(workspace):
    result = run_action(workspace, path="broken", profile="experiment", sarif_file="exp-lint.sarif")
    assert result.returncode == 1, result.stderr
    annotations = [l for l in result.stdout.splitlines() if l.startswith("::")]
    assert len(annotations) == 13
    assert annotations[0].startswith("::error title=exp-lint (EXP201),file=broken/src/model.py,line=")
    summary = (workspace / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## earlier step\n## exp-lint: 1 of 1 bundle not ready\n")
    assert summary.count("| EXP202 todo-marker | error |") == 12  # the whole report, beyond GitHub's 10 annotations
    sarif = json.loads((workspace / "exp-lint.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 13
    assert outputs(workspace) == {"exit-code": "1", "sarif-file": "exp-lint.sarif"}


def test_clean_bundle_passes(workspace):
    result = run_action(workspace, path="clean")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout
    assert "## exp-lint: ready" in (workspace / "summary.md").read_text(encoding="utf-8")
    assert outputs(workspace) == {"exit-code": "0"}


def test_several_paths_args_and_format(workspace):
    result = run_action(workspace, path="clean\nbroken", args="--ignore EXP202 --exit-zero", format="text")
    assert result.returncode == 0
    assert result.stdout.splitlines()[:2] == ["clean: ready (experiment profile)", result.stdout.splitlines()[1]]
    assert result.stdout.splitlines()[1].startswith("broken/src/model.py:") and "EXP201" in result.stdout
    assert "EXP202" not in result.stdout


def test_usage_error_exits_2_with_a_summary(workspace):
    result = run_action(workspace, path="no-such-dir")
    assert result.returncode == 2
    assert "no-such-dir: no such file or directory" in result.stderr
    assert "status 2" in (workspace / "summary.md").read_text(encoding="utf-8")
    bad = run_action(workspace, path="clean", format="xml")
    assert bad.returncode == 2 and bad.stdout.startswith("::error title=exp-lint::")
    unbalanced = run_action(workspace, path="clean", args="--select 'EXP1")
    assert unbalanced.returncode == 2 and "input args" in unbalanced.stdout


def test_action_yml_inputs_reach_the_script_only_through_env():
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"path", "profile", "args", "format", "sarif-file", "python"}
    steps = action["runs"]["steps"]
    for step in steps:
        assert "${{" not in step["run"], "inputs must not be spliced into a shell script"
        assert step["shell"] == "bash"
    lint = next(s for s in steps if s.get("id") == "lint")
    for name in ("path", "profile", "args", "format", "sarif-file"):
        assert lint["env"]["INPUT_" + name.upper().replace("-", "_")] == "${{ inputs.%s }}" % name
    assert "linter.action" in lint["run"]


def _copy_checkout(target: Path) -> Path:
    """The files git would check out (tracked or new, not ignored): what GITHUB_ACTION_PATH holds."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.mark.slow
def test_composite_steps_run_under_bash_like_the_runner(workspace, tmp_path_factory):
    """Each step's script with the runner's variables and `${{ inputs.* }}` evaluated:
    a fresh venv, `pip install` of the action's checkout, then the lint step."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    action_path = _copy_checkout(tmp_path_factory.mktemp("action"))
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update({"path": "broken", "sarif-file": "out.sarif", "python": sys.executable})
    env = runner_env(workspace)
    env["GITHUB_ACTION_PATH"] = str(action_path)
    Path(env["RUNNER_TEMP"]).mkdir()
    statuses = []
    for step in action["runs"]["steps"]:
        step_env = dict(env)
        for key, value in (step.get("env") or {}).items():
            step_env[key] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], value)
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=step_env, capture_output=True, text=True, timeout=900)
        statuses.append(done.returncode)
        if done.returncode not in (0, 1):
            pytest.fail(f"step {step['name']!r} failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    assert statuses == [0, 1]
    assert done.stdout.startswith("::error title=exp-lint (EXP201),file=broken/src/model.py,")
    assert "not ready" in (workspace / "summary.md").read_text(encoding="utf-8")
    assert json.loads((workspace / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert outputs(workspace)["exit-code"] == "1"
