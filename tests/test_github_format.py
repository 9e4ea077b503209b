"""`--format github`: exact workflow-command lines, as GitHub documents them and
actions/toolkit escapes them."""
from __future__ import annotations

import json

from linter.engine import Result
from linter.findings import Finding, Severity
from linter.reporters import github
from linter.testing import builtin_plugins, minimal_files
from linter.testing.logs import key_form

from conftest import ROOT, run_cli, write_bundle

PLUGINS = builtin_plugins()
EXPERIMENT = PLUGINS.profiles["experiment"]


def finding(rule="EXP201", severity=Severity.ERROR, path="src/model.py", line=3, column=5, end_line=3, end_column=9, message="m"):
    return Finding(rule, PLUGINS.rules[rule].name, severity, path, line, column, end_line, end_column, message)


def render(*findings, path="bundle", on_disk=True) -> list[str]:
    result = Result(path, EXPERIMENT, list(findings), None, on_disk)
    return github.render([result], PLUGINS, {}).splitlines()


def test_escaping_matches_actions_toolkit():
    assert github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_single_line_finding_has_every_property_in_order():
    (line, status) = render(finding())
    assert line == "::error title=exp-lint (EXP201),file=bundle/src/model.py,line=3,col=5,endLine=3,endColumn=9::placeholder-token: m"
    assert status == "exp-lint: bundle: not ready (experiment profile)"


def test_multi_line_range_drops_col_and_end_column():
    (line, _) = render(finding(line=3, column=5, end_line=6, end_column=2))
    assert line == "::error title=exp-lint (EXP201),file=bundle/src/model.py,line=3,endLine=6::placeholder-token: m"


def test_whole_file_finding_has_no_line():
    (line, _) = render(finding(rule="EXP101", path="src/train.py", line=None, column=None, end_line=None, end_column=None))
    assert line == "::error title=exp-lint (EXP101),file=bundle/src/train.py::missing-required-file: m"


def test_message_and_properties_are_escaped():
    lines = render(finding(path="src/a,b:c.py", message="100% wrong:\nsee a,b"))
    assert lines[0] == ("::error title=exp-lint (EXP201),file=bundle/src/a%2Cb%3Ac.py,line=3,col=5,endLine=3,endColumn=9"
                        "::placeholder-token: 100%25 wrong:%0Asee a,b")


def test_errors_come_before_warnings_then_path_and_line():
    warn = finding(rule="EXP902", severity=Severity.WARNING, path="src/a.py", line=1)
    late = finding(path="src/z.py", line=9)
    early = finding(path="src/z.py", line=2)
    lines = render(warn, late, early)
    assert [l.split(" ", 1)[0] for l in lines[:3]] == ["::error", "::error", "::warning"]
    assert "line=2" in lines[0] and "line=9" in lines[1] and "EXP902" in lines[2]


def test_bundle_at_repository_root_and_paths_are_normalised():
    (line, _) = render(finding(), path=".")
    assert "file=src/model.py," in line
    (line, _) = render(finding(), path="./exp/../bundle")
    assert "file=bundle/src/model.py," in line


def test_log_input_annotates_the_log_file_and_names_the_inner_line_in_the_message():
    (line, _) = render(finding(), path="logs/review.txt", on_disk=False)
    assert line == "::error title=exp-lint (EXP201),file=logs/review.txt::src/model.py:3: placeholder-token: m"


def test_stdin_has_no_file_property():
    (line, _) = render(finding(), path="<stdin>", on_disk=False)
    assert line == "::error title=exp-lint (EXP201)::src/model.py:3: placeholder-token: m"


def test_cli_picks_github_under_actions_and_text_otherwise(tmp_path):
    bundle = ROOT / "fixtures" / "examples" / "broken-bundle"
    auto = run_cli("fixtures/examples/broken-bundle", env={"GITHUB_ACTIONS": "true"})
    assert auto.returncode == 1
    lines = auto.stdout.splitlines()
    expected = [
        "::error title=exp-lint (EXP201),file=fixtures/examples/broken-bundle/config/full_experiment.yaml,line=14,col=11,endLine=14,endColumn=38"
        "::placeholder-token: Placeholder `SPECIFIC_CONFIG_PLACEHOLDER` is still in the code: replace it with the real value before the experiment can run.",
        "::error title=exp-lint (EXP202),file=fixtures/examples/broken-bundle/src/model.py,line=28,col=11,endLine=28,endColumn=15"
        "::todo-marker: `TODO` marker: finish what it describes and remove it; the experiment must be complete as written.",
    ]
    assert lines[0] == expected[0] and expected[1] in lines  # other rules may report on the demo bundle too
    # an absolute path under the working directory is made relative to it (the workspace)
    absolute = run_cli(str(bundle), env={"GITHUB_ACTIONS": "true"})
    assert absolute.stdout.splitlines()[:2] == auto.stdout.splitlines()[:2]
    assert not run_cli("fixtures/examples/broken-bundle").stdout.startswith("::")
    assert run_cli("fixtures/examples/broken-bundle", "--format", "text", env={"GITHUB_ACTIONS": "true"}).stdout.startswith("fixtures/")


def test_cli_github_on_stdin_json_bundle():
    files = minimal_files("experiment")
    files["src/model.py"] += "\nNAME = 'MODEL_PLACEHOLDER'\n"
    line = files["src/model.py"].count("\n")
    out = run_cli("-", "--format", "github", stdin=json.dumps(key_form(files)))
    assert out.returncode == 1
    assert out.stdout.splitlines()[0].startswith(f"::error title=exp-lint (EXP201)::src/model.py:{line}: placeholder-token: ")
