"""--statistics, --exit-zero, standard input and --report, through the command line."""
from __future__ import annotations

import json

import pytest

from linter.testing import minimal_files
from linter.testing.logs import key_form, prompt_log

from conftest import run_cli, write_bundle

MODEL_LINES = minimal_files("experiment")["src/model.py"].count("\n")


@pytest.fixture
def two_bundles(tmp_path):
    a = minimal_files("experiment")
    a["src/model.py"] += "# TODO: one\n# TODO: two\nNAME = 'MODEL_PLACEHOLDER'\n"
    b = minimal_files("experiment")
    b["src/train.py"] += "# FIXME: three\n"
    return write_bundle(tmp_path / "a", a), write_bundle(tmp_path / "b", b)


def test_statistics_text_counts_per_rule_across_bundles(two_bundles):
    out = run_cli(*map(str, two_bundles), "--statistics")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[-3:] == ["    3  EXP202  todo-marker", "    1  EXP201  placeholder-token", "Found 4 errors and 0 warnings in 2 bundles."]


def test_statistics_on_a_clean_bundle(tmp_path):
    out = run_cli(str(write_bundle(tmp_path / "c", minimal_files("experiment"))), "--statistics")
    assert out.returncode == 0 and out.stdout.splitlines()[-2:] == ["No findings.", "Found 0 errors and 0 warnings in 1 bundle."]


def test_statistics_json_and_markdown(two_bundles):
    data = json.loads(run_cli(*map(str, two_bundles), "--statistics", "--format", "json").stdout)
    assert data["statistics"] == [{"code": "EXP202", "name": "todo-marker", "count": 3}, {"code": "EXP201", "name": "placeholder-token", "count": 1}]
    assert "statistics" not in json.loads(run_cli(*map(str, two_bundles), "--format", "json").stdout)
    md = run_cli(*map(str, two_bundles), "--statistics", "--format", "markdown").stdout
    assert "| 3 | EXP202 | todo-marker |" in md


def test_statistics_github_follows_the_annotations(two_bundles):
    lines = run_cli(*map(str, two_bundles), "--statistics", "--format", "github").stdout.splitlines()
    assert lines[-2:] == ["    3  EXP202  todo-marker", "    1  EXP201  placeholder-token"]
    assert all(l.startswith("::error") for l in lines[:4])


def test_statistics_needs_a_format_that_can_hold_it(two_bundles, tmp_path):
    bad = run_cli(str(two_bundles[0]), "--statistics", "--format", "verdict")
    assert bad.returncode == 2 and "--statistics needs a report in one of" in bad.stderr
    ok = run_cli(str(two_bundles[0]), "--statistics", "--format", "verdict", "--report", f"text={tmp_path / 'r.txt'}")
    assert ok.returncode == 1 and list(json.loads(ok.stdout)) == ["is_experiment_code_ready", "experiment_code_issue"]
    assert "    2  EXP202  todo-marker" in (tmp_path / "r.txt").read_text(encoding="utf-8")


def test_exit_zero(two_bundles, tmp_path):
    clean = write_bundle(tmp_path / "c", minimal_files("experiment"))
    assert run_cli(str(clean), "--exit-zero").returncode == 0
    out = run_cli(str(two_bundles[0]), "--exit-zero", "--format", "verdict")
    assert out.returncode == 0 and json.loads(out.stdout)["is_experiment_code_ready"] is False
    # an unreadable input is still an error, and the other input is still reported
    missing = run_cli(str(two_bundles[0]), str(tmp_path / "missing"), "--exit-zero")
    assert missing.returncode == 2 and "EXP202" in missing.stdout and "no such file or directory" in missing.stderr
    files = minimal_files("experiment")
    files["pyproject.toml"] += "\n[tool.exp-lint]\ncolour = 1\n"
    assert run_cli(str(write_bundle(tmp_path / "badconf", files)), "--exit-zero").returncode == 2
    assert run_cli(str(clean), "--exit-zero", "--select", "NOPE1").returncode == 2


def test_stdin_json_bundle_with_findings_names_the_embedded_file():
    files = minimal_files("experiment")
    files["src/model.py"] += "NAME = 'MODEL_PLACEHOLDER'\n"
    out = run_cli("-", stdin=json.dumps({"files": files}))
    assert out.returncode == 1
    assert out.stdout.splitlines()[0].startswith(f"<stdin>::src/model.py:{MODEL_LINES + 1}:9: EXP201 ")
    keyed = run_cli("-", "--format", "json", stdin=json.dumps(key_form(files)))
    (result,) = json.loads(keyed.stdout)["results"]
    assert result["path"] == "<stdin>" and [f["rule"] for f in result["findings"]] == ["EXP201"]


def test_stdin_log_with_run_variations_and_profile():
    text = prompt_log("base", {**minimal_files("base"), "src/model.py": minimal_files("base")["src/model.py"] + "# TODO: x\n"})
    out = run_cli("-", "--format", "verdict", stdin=text)
    assert out.returncode in (0, 1) and list(json.loads(out.stdout)) == ["is_base_code_ready", "base_code_issue"]
    strict = run_cli("-", "--format", "verdict", "--profile", "experiment", stdin=text)
    assert strict.returncode == 1 and "EXP202" in json.loads(strict.stdout)["experiment_code_issue"]


def test_stdin_beside_a_directory(tmp_path):
    clean = write_bundle(tmp_path / "c", minimal_files("experiment"))
    out = run_cli(str(clean), "-", "--format", "verdict", stdin=json.dumps({"files": minimal_files("hydra")}))
    assert out.returncode == 0
    assert [list(json.loads(l))[0] for l in out.stdout.splitlines()] == ["is_experiment_code_ready", "is_code_ready"]


@pytest.mark.parametrize("stdin,needle", [
    ("", "neither a JSON bundle nor a saved prompt log"),
    ('{"train_py": ', "invalid JSON at line"),
    ("{}", "no bundle keys"),
    ("just some words\n", "neither a JSON bundle nor a saved prompt log"),
])
def test_bad_stdin_exits_2_with_one_line(stdin, needle):
    out = run_cli("-", stdin=stdin)
    assert out.returncode == 2 and needle in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_stdin_twice_is_a_usage_error():
    out = run_cli("-", "-", stdin="{}")
    assert out.returncode == 2 and "read only once" in out.stderr


def test_output_and_report_files(two_bundles, tmp_path):
    out = run_cli(str(two_bundles[0]), "-o", str(tmp_path / "r.json"), "--format", "json", "--report", f"markdown={tmp_path / 'r.md'}")
    assert out.returncode == 1 and out.stdout == ""
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["results"][0]["ready"] is False
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("## exp-lint: 1 of 1 bundle not ready")
    bad = run_cli(str(two_bundles[0]), "--report", "xml=out.xml")
    assert bad.returncode == 2 and "FORMAT=FILE" in bad.stderr
    unwritable = run_cli(str(two_bundles[0]), "--report", f"json={tmp_path / 'no' / 'dir' / 'r.json'}")
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr
