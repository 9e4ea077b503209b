"""Inline suppressions: the directive grammar, its edge cases, EXP901 and EXP902."""
from __future__ import annotations

import pytest

from linter import suppressions
from linter.bundle import Bundle, Context
from linter.config import Settings
from linter.engine import Linter
from linter.source import from_text
from linter.testing import builtin_plugins, minimal_files

from conftest import run_cli, write_bundle

PLUGINS = builtin_plugins()
MODEL = minimal_files("experiment")["src/model.py"]
N = MODEL.count("\n")  # lines of the minimal model; appended text starts at N + 1


def lint(extra: dict[str, str], select=("EXP201", "EXP202", "EXP901", "EXP902")) -> list[tuple[str, str, int]]:
    files = minimal_files("experiment")
    for path, text in extra.items():
        files[path] = files.get(path, "") + text
    bundle = Bundle({p: from_text(p, t) for p, t in files.items()}, origin="<t>", context=Context())
    result = Linter(PLUGINS, Settings(select=select), file_settings=Settings()).lint(bundle)
    return [(f.rule, f.path, f.line) for f in result.findings]


def test_end_of_line_and_line_above_in_python_yaml_and_toml():
    assert lint({
        "src/model.py": "NAME = 'MODEL_PLACEHOLDER'  # exp-lint: ignore[EXP201]\n# exp-lint: ignore[EXP202]\n# TODO: tune\n",
        "config/smoke_test.yaml": "# exp-lint: ignore[EXP201]\nextra: DATASET_PLACEHOLDER\nother: MODEL_PLACEHOLDER  # exp-lint: ignore[EXP201]\n",
        "pyproject.toml": '\n[tool.notes]\nx = "DATASET_PLACEHOLDER"  # exp-lint: ignore[EXP201]\n',
    }) == []


def test_without_the_directive_the_same_lines_are_reported():
    assert lint({"src/model.py": "NAME = 'MODEL_PLACEHOLDER'\n"}) == [("EXP201", "src/model.py", N + 1)]


def test_multiple_codes_and_a_trailing_comment():
    assert lint({"src/model.py": "NAME = 'MODEL_PLACEHOLDER'  # TODO # exp-lint: ignore[EXP201, EXP202]  # why: demo\n"}) == []
    # only the listed code is suppressed
    assert lint({"src/model.py": "NAME = 'MODEL_PLACEHOLDER'  # TODO # exp-lint: ignore[EXP202]\n"}) == [("EXP201", "src/model.py", N + 1)]


def test_stacked_directives_above_a_line_all_cover_it():
    assert lint({"src/model.py": "# exp-lint: ignore[EXP201]\n# exp-lint: ignore[EXP202]\nNAME = 'MODEL_PLACEHOLDER'  # TODO\n"}) == []


def test_line_above_covers_only_the_next_line_of_a_multi_line_statement():
    text = "# exp-lint: ignore[EXP201]\nNAMES = [\n    'MODEL_PLACEHOLDER',\n]\n"
    assert lint({"src/model.py": text}) == [
        ("EXP902", "src/model.py", N + 1),   # the directive above the statement is unused, because
        ("EXP201", "src/model.py", N + 3),   # the finding is on its own line, not the statement's first
    ]
    fixed = "NAMES = [\n    'MODEL_PLACEHOLDER',  # exp-lint: ignore[EXP201]\n]\n"
    assert lint({"src/model.py": fixed}) == []


@pytest.mark.parametrize("text", [
    "X = '# exp-lint: ignore[EXP201]'\n",
    'X = """\n# exp-lint: ignore\n"""\n',
    "X = f'{1}  # exp-lint: ignore'\n",
])
def test_directive_text_inside_a_python_string_is_not_a_directive(text):
    assert lint({"src/model.py": text}) == []


@pytest.mark.parametrize("path,text", [
    ("config/smoke_test.yaml", "note: 'a # exp-lint: ignore'\n"),
    ("config/smoke_test.yaml", 'note: "a # exp-lint: ignore[EXP201]"\n'),
    ("config/smoke_test.yaml", "url: http://host/#exp-lint:ignore\n"),  # YAML: '#' after a non-space is text
    ("pyproject.toml", '\n[tool.notes]\nx = "# exp-lint: ignore"\n'),
])
def test_directive_text_inside_yaml_or_toml_strings_is_not_a_directive(path, text):
    assert lint({path: text}) == []


@pytest.mark.parametrize("comment,reason", [
    ("# exp-lint: ignore", "one or more rule codes"),
    ("# exp-lint: ignore[]", "name the rule codes"),
    ("# exp-lint: ignore[placeholder-token]", "use rule codes, not names: 'placeholder-token' is EXP201"),
    ("# exp-lint: ignore[exp201]", "'exp201' is not rule codes"),
    ("# exp-lint ignore[EXP201]", "the colon after 'exp-lint' is missing"),
    ("# exp-lint: ignore[EXP201] because it is fine", "one or more rule codes"),
    ("# exp-lint: skip[EXP201]", "one or more rule codes"),
    ("# exp-lint:", "one or more rule codes"),
])
def test_malformed_directives_are_exp901_and_suppress_nothing(comment, reason):
    found = lint({"src/model.py": f"NAME = 'MODEL_PLACEHOLDER'  {comment}\n"})
    assert found == [("EXP201", "src/model.py", N + 1), ("EXP901", "src/model.py", N + 1)]
    files = minimal_files("experiment")
    files["src/model.py"] += f"NAME = 'MODEL_PLACEHOLDER'  {comment}\n"
    bundle = Bundle({p: from_text(p, t) for p, t in files.items()}, origin="<t>", context=Context())
    (bad,) = [f for f in Linter(PLUGINS, Settings(select=("EXP901",)), file_settings=Settings()).lint(bundle).findings]
    assert reason in bad.message and bad.column == len("NAME = 'MODEL_PLACEHOLDER'  ") + 1


@pytest.mark.parametrize("comment", ["# exp-lint is run in CI", "# lint with exp-lint: see README", "# exp-linter: ignore"])
def test_prose_that_mentions_exp_lint_is_not_a_directive(comment):
    assert lint({"src/model.py": f"X = 1  {comment}\n"}) == []


def test_unused_and_unknown_codes_are_exp902():
    found = lint({"src/model.py": "X = 1  # exp-lint: ignore[EXP201]\nY = 2  # exp-lint: ignore[EXP999]\n"})
    assert found == [("EXP902", "src/model.py", N + 1), ("EXP902", "src/model.py", N + 2)]


def test_a_code_of_a_rule_that_did_not_run_is_not_unused():
    assert lint({"src/model.py": "X = 1  # exp-lint: ignore[EXP101]\n"}) == []


def test_scan_reports_targets():
    directives, malformed = suppressions.scan("a.py", ["x = 1  # exp-lint: ignore[EXP201]", "# exp-lint: ignore[EXP202]", "", "y = 2"])
    assert [(d.line, d.target, d.codes) for d in directives] == [(1, 1, ("EXP201",)), (2, 3, ("EXP202",))]
    assert malformed == []


def test_unparsable_python_falls_back_to_line_scanning():
    directives, malformed = suppressions.scan("a.py", ["def f(:", "  x = 'MODEL_PLACEHOLDER'  # exp-lint: ignore[EXP201]"], "python")
    assert [(d.line, d.codes) for d in directives] == [(2, ("EXP201",))]


def test_cli_suppression_round_trip(tmp_path):
    files = minimal_files("experiment")
    files["src/model.py"] += "NAME = 'MODEL_PLACEHOLDER'  # exp-lint: ignore[EXP201]\n"
    root = write_bundle(tmp_path / "b", files)
    assert run_cli(str(root)).returncode == 0
    files["src/model.py"] += "X = 1  # exp-lint: ignore[todo-marker]\n"
    write_bundle(root, files)
    out = run_cli(str(root))
    assert out.returncode == 1
    assert f"src/model.py:{N + 2}:8: EXP901 Malformed suppression '# exp-lint: ignore[todo-marker]': use rule codes, not names: 'todo-marker' is EXP202; it suppresses nothing." in out.stdout
