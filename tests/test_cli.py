"""The command-line contract: formats, exit codes, one-line errors, determinism."""
from __future__ import annotations

import json

import pytest

from linter.testing import minimal_files
from linter.testing.logs import key_form, prompt_log

from conftest import ROOT, SEEDS, needs_shared, run_cli, write_bundle

BROKEN = ROOT / "fixtures" / "examples" / "broken-bundle"


@pytest.fixture
def clean(tmp_path):
    return write_bundle(tmp_path / "clean", minimal_files("experiment"))


@pytest.fixture
def placeholder_bundle(tmp_path):
    files = minimal_files("experiment")
    files["config/smoke_test.yaml"] = files["config/smoke_test.yaml"].replace("lr: 0.01", "lr: SPECIFIC_CONFIG_PLACEHOLDER", 1)
    return write_bundle(tmp_path / "ph", files)


def test_clean_bundle_exits_0(clean):
    result = run_cli(str(clean))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ready (experiment profile)" in result.stdout


def test_text_lines_are_path_line_col_code_message(placeholder_bundle):
    result = run_cli(str(placeholder_bundle))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{placeholder_bundle}/config/smoke_test.yaml:14:11: EXP201 ")


def test_json_format_shape(placeholder_bundle):
    data = json.loads(run_cli(str(placeholder_bundle), "--format", "json").stdout)
    (result,) = data["results"]
    assert set(result) == {"path", "profile", "ready", "verdict", "findings"}
    assert result["ready"] is False and result["profile"] == "experiment"
    finding = result["findings"][0]
    assert set(finding) >= {"rule", "name", "severity", "path", "line", "column", "end_line", "end_column", "message"}
    assert (finding["rule"], finding["path"], finding["line"], finding["column"]) == ("EXP201", "config/smoke_test.yaml", 14, 11)


def test_verdict_format_is_exactly_the_reviewer_object(placeholder_bundle, clean):
    out = run_cli(str(placeholder_bundle), str(clean), "--format", "verdict")
    assert out.returncode == 1
    first, second = [json.loads(line) for line in out.stdout.splitlines()]
    assert list(first) == ["is_experiment_code_ready", "experiment_code_issue"]
    assert first["is_experiment_code_ready"] is False
    assert first["experiment_code_issue"].startswith("1. [EXP201] config/smoke_test.yaml:14: ")
    assert second == {"is_experiment_code_ready": True, "experiment_code_issue": ""}


def test_stdin_json_bundle_and_profile_keys():
    files = minimal_files("hydra")
    out = run_cli("-", "--format", "verdict", stdin=json.dumps(key_form(files)))
    assert json.loads(out.stdout) == {"is_code_ready": True, "code_issue": ""}, out.stderr
    assert out.returncode == 0


def test_stdin_prompt_log_uses_the_log_validator():
    text = prompt_log("base", minimal_files("base"))
    out = run_cli("-", "--format", "verdict", stdin=text)
    assert json.loads(out.stdout) == {"is_base_code_ready": True, "base_code_issue": ""}


@pytest.mark.parametrize(
    "args,needle",
    [
        (["/no/such/bundle"], "no such file or directory"),
        (["--format", "xml", "."], "Invalid value for '--format'"),
        (["--select", "NOPE999", "fixtures"], "matches no rule"),
        (["--run-variations", "[1, 2]", "fixtures"], "must hold strings"),
        (["explain", "EXP000"], "no rule"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(args, needle):
    result = run_cli(*args)
    assert result.returncode == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_exit_zero_still_prints_findings(placeholder_bundle):
    result = run_cli(str(placeholder_bundle), "--exit-zero")
    assert result.returncode == 0 and "EXP201" in result.stdout


def test_github_format_is_automatic_under_actions(placeholder_bundle):
    result = run_cli(str(placeholder_bundle), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error title=exp-lint (EXP201),file=")


def test_select_ignore_and_pyproject_config(tmp_path):
    files = minimal_files("experiment")
    files["src/model.py"] += "\n# TODO: tune\nNAME = 'MODEL_PLACEHOLDER'\n"
    root = write_bundle(tmp_path / "b", files)
    both = run_cli(str(root), "--format", "json")
    assert {f["rule"] for f in json.loads(both.stdout)["results"][0]["findings"]} == {"EXP201", "EXP202"}
    only = run_cli(str(root), "--format", "json", "--select", "todo-marker")
    assert {f["rule"] for f in json.loads(only.stdout)["results"][0]["findings"]} == {"EXP202"}
    files["pyproject.toml"] += '\n[tool.exp-lint]\nignore = ["EXP20"]\n'
    write_bundle(root, files)
    assert run_cli(str(root)).returncode == 0
    files["pyproject.toml"] += 'colour = "red"\n'
    write_bundle(root, files)
    bad = run_cli(str(root))
    assert bad.returncode == 2 and "unknown key 'colour'" in bad.stderr


def test_inline_suppressions_in_python_and_yaml(tmp_path):
    files = minimal_files("experiment")
    files["src/model.py"] += "\nNAME = 'MODEL_PLACEHOLDER'  # exp-lint: ignore[EXP201]\n# exp-lint: ignore[EXP202]\n# TODO: tune\n"
    files["config/smoke_test.yaml"] += "# exp-lint: ignore[EXP201]\nextra: DATASET_PLACEHOLDER\n"
    root = write_bundle(tmp_path / "b", files)
    result = run_cli(str(root))
    assert result.returncode == 0, result.stdout
    files["src/model.py"] += "X = 1  # exp-lint: ignore\n"
    write_bundle(root, files)
    result = run_cli(str(root))
    assert result.returncode == 1 and "EXP901" in result.stdout


def test_rules_and_explain():
    listed = run_cli("rules").stdout
    assert "EXP201  placeholder-token" in listed
    page = run_cli("explain", "placeholder-token").stdout
    assert page.startswith("# EXP201 placeholder-token") and "## Why is this bad?" in page


def test_output_is_identical_across_hash_seeds_and_jobs(tmp_path, placeholder_bundle):
    args = [str(BROKEN), str(placeholder_bundle), "--format", "json"]
    outputs = {run_cli(*args, env={"PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "12345")}
    outputs.add(run_cli(*args, "--jobs", "2", env={"PYTHONHASHSEED": "7"}).stdout)
    assert len(outputs) == 1


@needs_shared(SEEDS)
@pytest.mark.parametrize("name,keys", [
    ("000", ["is_experiment_code_ready", "experiment_code_issue"]),
    ("001", ["is_base_code_ready", "base_code_issue"]),
    ("002", ["is_experiment_code_ready", "experiment_code_issue"]),
    ("003", ["is_base_code_ready", "base_code_issue"]),
    ("004", ["is_code_ready", "code_issue"]),
])
def test_seed_verdict_keys(name, keys):
    out = run_cli(str(next(SEEDS.glob(f"{name}_*.txt"))), "--format", "verdict")
    assert list(json.loads(out.stdout)) == keys
    assert out.returncode in (0, 1)


@needs_shared(SEEDS)
def test_seed_003_as_experiment_reports_its_placeholders_with_lines():
    out = run_cli(str(next(SEEDS.glob("003_*.txt"))), "--profile", "experiment", "--format", "json")
    findings = json.loads(out.stdout)["results"][0]["findings"]
    yaml_lines = sorted({f["line"] for f in findings if f["rule"] == "EXP201" and f["path"] == "config/full_experiment.yaml"})
    assert {4, 7, 13, 16} <= set(yaml_lines)


def test_suppression_of_a_rule_that_does_not_apply_to_the_profile_is_not_unused(tmp_path):
    files = minimal_files("base")
    files["src/model.py"] += "\nNAME = 'x'  # exp-lint: ignore[EXP201]\n"
    root = write_bundle(tmp_path / "b", files)
    result = run_cli(str(root), "--profile", "base")
    assert "EXP902" not in result.stdout
    result = run_cli(str(root), "--profile", "experiment")
    assert "EXP902" in result.stdout


def test_usage_and_config_errors_do_not_import_libcst(tmp_path):
    """Importing LibCST costs ~0.3 s: a mistyped option or a broken --config file answers without it."""
    import subprocess
    import sys

    bad = tmp_path / "bad.toml"
    bad.write_text("[tool.exp-lint\n", encoding="utf-8")
    code = ("import sys; from linter.cli import main; "
            "status = [main(a) for a in (['--bogus'], ['--config', sys.argv[1], 'x'])]; "
            "print(status, 'libcst' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[2, 2] False", proc.stdout + proc.stderr
