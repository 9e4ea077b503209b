"""Hostile and broken input: never a traceback, never a hang, never outside the bundle, never run."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from linter.config import Settings
from linter.engine import Linter
from linter.loaders import load_input, load_text
from linter.testing import builtin_plugins, minimal_files
from linter.testing.logs import key_form, prompt_log

from conftest import run_cli, write_bundle


def one_line_error(proc):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("exp-lint: ") and proc.stderr.count("\n") == 1, proc.stderr


def findings(proc):
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)["results"][0]["findings"]


# -- broken inputs: findings with lines, or a one-line error ------------------------------------------
def test_syntax_error_still_gets_every_other_rule(tmp_path):
    files = minimal_files("experiment")
    files["src/model.py"] = "def build(:\n    pass\n"
    files["src/train.py"] += "\nVALUE = 'DATASET_PLACEHOLDER'\n"
    proc = run_cli(str(write_bundle(tmp_path / "b", files)), "--format", "json")
    rules = {(f["rule"], f["path"]) for f in findings(proc)}
    assert ("EXP104", "src/model.py") in rules
    assert any(r == "EXP201" or r.startswith("EXP2") for r, p in rules if p == "src/train.py")
    assert proc.returncode == 1


@pytest.mark.parametrize("path,text,rule,line", [
    ("config/smoke_test.yaml", "runs:\n  - a: [1, 2\n", "EXP105", None),
    ("pyproject.toml", "[project\nname = 'x'\n", "EXP106", 1),
])
def test_invalid_yaml_and_toml_are_findings_with_lines(tmp_path, path, text, rule, line):
    files = minimal_files("experiment")
    files[path] = text
    proc = run_cli(str(write_bundle(tmp_path / "b", files)), "--format", "json")
    hits = [f for f in findings(proc) if f["rule"] == rule]
    assert hits and hits[0]["line"] is not None
    if line:
        assert hits[0]["line"] == line


@pytest.mark.parametrize("data", [b"\xff\xfe\x00binary\x00", b"x = '\xe9'\n", bytes(range(256))])
def test_non_utf8_and_binary_files_are_findings(tmp_path, data):
    root = write_bundle(tmp_path / "b", minimal_files("experiment"))
    (root / "src" / "model.py").write_bytes(data)
    proc = run_cli(str(root), "--format", "json")
    assert [f["rule"] for f in findings(proc) if f["path"] == "src/model.py"] == ["EXP107"]


def test_empty_directory_is_a_bundle_with_missing_files(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run_cli(str(tmp_path / "empty"), "--format", "json")
    assert proc.returncode == 1
    assert {f["rule"] for f in findings(proc)} == {"EXP101"}


@pytest.mark.parametrize("make", [
    lambda tmp: str(tmp / "missing"),
    lambda tmp: (tmp / "plain.txt").write_text("hello\n") and str(tmp / "plain.txt"),
    lambda tmp: (tmp / "b.json").write_text('{"train_py": 3}') and str(tmp / "b.json"),
    lambda tmp: (tmp / "b.json").write_text('{"files": {"src/x.py": null}}') and str(tmp / "b.json"),
    lambda tmp: (tmp / "b.json").write_text('{"files": ["src/x.py"]}') and str(tmp / "b.json"),
    lambda tmp: (tmp / "b.json").write_text('{"files": {"../../etc/passwd": "x"}}') and str(tmp / "b.json"),
    lambda tmp: (tmp / "b.json").write_text('{"files": {"/etc/passwd": "x"}}') and str(tmp / "b.json"),
    lambda tmp: (tmp / "b.json").write_text('{"files": {"C:\\\\x.py": "x"}}') and str(tmp / "b.json"),
    lambda tmp: (tmp / "b.json").write_text("[" * 100_000) and str(tmp / "b.json"),
    lambda tmp: (tmp / "b.bin").write_bytes(b"\xff\xfe\x00") and str(tmp / "b.bin"),
    lambda tmp: (tmp / "log.txt").write_text("Input:\nno bundle\nOutput:\n{}") and str(tmp / "log.txt"),
    lambda tmp: (tmp / "log.txt").write_text(prompt_log("derived", minimal_files("experiment"), base=minimal_files("base"))[:3000]) and str(tmp / "log.txt"),
])
def test_unreadable_inputs_are_one_line_errors(tmp_path, make):
    one_line_error(run_cli(make(tmp_path)))


def test_file_where_a_directory_is_expected(tmp_path):
    root = write_bundle(tmp_path / "b", {k: v for k, v in minimal_files("experiment").items() if not k.startswith("config/")})
    (root / "config").write_text("not a directory\n")
    proc = run_cli(str(root), "--format", "json")
    assert {f["path"] for f in findings(proc) if f["rule"] == "EXP101"} == {"config/full_experiment.yaml", "config/smoke_test.yaml"}


def test_base_that_is_a_file_where_a_directory_is_expected(tmp_path):
    one_line_error(run_cli(str(write_bundle(tmp_path / "b", minimal_files("experiment"))), "--base", str(tmp_path / "nope")))


def test_unknown_json_keys_and_truncated_logs_still_lint(tmp_path):
    data = key_form(minimal_files("experiment"))
    data["notes"] = {"nested": [1, 2]}
    (tmp_path / "b.json").write_text(json.dumps(data))
    proc = run_cli(str(tmp_path / "b.json"), "--format", "json")
    assert any(f["rule"] == "EXP108" for f in findings(proc))
    log = prompt_log("derived", minimal_files("experiment"), base=minimal_files("base"), answer={"is_experiment_code_ready": True, "experiment_code_issue": ""})
    (tmp_path / "cut.txt").write_text(log[: log.rindex("Output:")])  # the answer is missing
    proc = run_cli(str(tmp_path / "cut.txt"), "--format", "json")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr


# -- never escape ------------------------------------------------------------------------------------------
def test_links_out_of_the_bundle_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("token: SECRET_VALUE_PLACEHOLDER\n")
    root = write_bundle(tmp_path / "b", minimal_files("experiment"))
    os.symlink(outside / "secret.yaml", root / "config" / "leak.yaml")
    os.symlink(outside, root / "config" / "linked")
    os.symlink("/etc/passwd", root / "src" / "passwd.py")
    proc = run_cli(str(root), "--format", "json")
    found = findings(proc)
    skipped = {f["path"] for f in found if f["rule"] == "EXP108"}
    assert {"config/leak.yaml", "config/linked", "src/passwd.py"} <= skipped
    assert "SECRET" not in proc.stdout and "root:" not in proc.stdout


def test_fifo_in_a_bundle_is_never_opened(tmp_path):
    root = write_bundle(tmp_path / "b", minimal_files("experiment"))
    os.mkfifo(root / "src" / "pipe.py")
    proc = run_cli(str(root), "--format", "json")  # would block forever if opened
    assert any(f["rule"] == "EXP108" and f["path"] == "src/pipe.py" for f in findings(proc))


def test_run_ids_in_logs_cannot_leave_the_bundle():
    files = minimal_files("hydra")
    files["config/runs/../../../escape.yaml"] = "a: 1\n"
    with pytest.raises(Exception) as info:
        load_text(prompt_log("hydra", files), "h.txt")
    assert "cannot name a file" in str(info.value) or "leaves the bundle" in str(info.value)


def test_nothing_is_written(tmp_path):
    root = write_bundle(tmp_path / "b", minimal_files("experiment"))
    before = sorted((p.relative_to(tmp_path).as_posix(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    run_cli(str(root), "--format", "json", cwd=tmp_path)
    after = sorted((p.relative_to(tmp_path).as_posix(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    assert before == after


# -- never execute -------------------------------------------------------------------------------------------
def trap_files(marker: Path) -> dict[str, str]:
    boom = (f"import os, sys\nopen({str(marker)!r}, 'w').write('ran')\nos._exit(97)\n")
    files = minimal_files("experiment")
    for path in ("src/model.py", "src/train.py", "src/preprocess.py"):
        files[path] = boom + files[path]
    files["src/__init__.py"] = boom
    files["conftest.py"] = boom
    files["sitecustomize.py"] = boom
    files["src/sitecustomize.py"] = boom
    files["setup.py"] = boom
    files["yaml.py"] = boom  # `python -m linter` run inside the bundle must not import it for PyYAML
    files["click.py"] = boom
    files["config/smoke_test.yaml"] = "!!python/object/apply:os.system ['touch " + str(marker) + "']\n"
    return files


def test_bundle_code_is_never_run_by_the_cli(tmp_path):
    marker = tmp_path / "ran"
    root = write_bundle(tmp_path / "b", trap_files(marker))
    # (PYTHONPATH pointing into a bundle would make the interpreter itself import its
    # sitecustomize.py before any program starts; no program can prevent that.)
    proc = run_cli(".", "--format", "json", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    assert not marker.exists()
    (tmp_path / "b.json").write_text(json.dumps({"files": trap_files(marker)}))
    run_cli(str(tmp_path / "b.json"), cwd=root)
    assert not marker.exists()


def test_bundle_code_is_never_run_by_the_api(tmp_path):
    marker = tmp_path / "ran"
    root = write_bundle(tmp_path / "b", trap_files(marker))
    modules = set(sys.modules)
    result = Linter(builtin_plugins(), Settings(), file_settings=Settings()).lint(load_input(str(root)))
    assert result.findings  # it was linted
    assert not marker.exists()
    assert not {m for m in set(sys.modules) - modules if m in ("src", "conftest", "sitecustomize", "setup") or m.startswith("src.")}


# -- deterministic ----------------------------------------------------------------------------------------------
def test_same_output_across_hash_seeds_file_orders_and_mtimes(tmp_path):
    files = minimal_files("experiment")
    files["src/model.py"] += "\nX = 'TODO'\n"
    files["config/smoke_test.yaml"] += "extra: {{ value }}\n"
    files["src/utils.py"] = "def f(:\n"
    outputs = set()
    for i, order in enumerate([sorted(files), sorted(files, reverse=True), sorted(files, key=lambda p: p[::-1])]):
        root = tmp_path / f"b{i}"
        for path in order:
            write_bundle(root, {path: files[path]})
            os.utime(root / path, (1_000_000 + i * 7 + len(path), 1_000_000 + i * 13))
        for seed in ("0", "1", "12345"):
            proc = run_cli(".", "--format", "json", cwd=root, env={"PYTHONHASHSEED": seed})
            assert "Traceback" not in proc.stderr
            outputs.add(proc.stdout)
    assert len(outputs) == 1
