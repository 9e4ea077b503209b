"""`--format sarif`: SARIF 2.1.0 that validates against the official schema and carries
what code scanning needs (rules with docs, results with relative locations)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.engine import Result
from linter.findings import Finding, Location, Severity
from linter.reporters import sarif
from linter.testing import builtin_plugins, minimal_files
from linter.testing.logs import prompt_log

from conftest import SHARED, needs_shared, run_cli, write_bundle

SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
PLUGINS = builtin_plugins()


def validate(document: dict) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    if "properties" not in schema and "Root" in schema.get("definitions", {}):
        # This copy keeps the log's own object under definitions/Root: validate against it,
        # with the definitions beside it so "#/definitions/..." references resolve.
        schema = {"$schema": schema["$schema"], "definitions": schema["definitions"], **schema["definitions"]["Root"]}
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture
def defective(tmp_path):
    files = minimal_files("experiment")
    files["src/model.py"] += "\nNAME = 'MODEL_PLACEHOLDER'\nX = 1  # exp-lint: ignore[EXP999]\n"
    files["src/utils.py"] = "HELPER = 1\n"
    return write_bundle(tmp_path / "my bundle", files)


@needs_shared(SCHEMA)
def test_cli_sarif_validates_against_the_official_schema(defective, tmp_path):
    log = tmp_path / "review.txt"
    log.write_text(prompt_log("base", {**minimal_files("base"), "src/model.py": "# TODO: finish\n"}), encoding="utf-8")
    out = run_cli(str(defective), str(log), "--format", "sarif", "--profile", "experiment", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    document = json.loads(out.stdout)
    assert validate(document) == []
    assert document["runs"][0]["results"], "the defective inputs must produce results"


@needs_shared(SCHEMA)
def test_the_schema_check_can_fail():
    assert validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})  # driver.name missing
    assert validate({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "t"}, "level": "fatal"}]}]})
    assert validate({"runs": []})


@needs_shared(SCHEMA)
def test_unit_document_with_every_location_shape_validates():
    experiment = PLUGINS.profiles["experiment"]
    findings = [
        Finding("EXP201", "placeholder-token", Severity.ERROR, "src/model.py", 3, 5, 3, 9, "m",
                (Location("config/smoke_test.yaml", 2, 1), Location("pyproject.toml"))),
        Finding("EXP101", "missing-required-file", Severity.ERROR, "src/train.py", None, None, None, None, "gone"),
        Finding("EXP902", "unused-suppression", Severity.WARNING, "src/a b.py", 4, None, None, None, "w"),
    ]
    results = [Result("bundle", experiment, findings, None, True), Result("logs/x.txt", experiment, findings[:1], None, False),
               Result("<stdin>", experiment, findings[:1], None, False)]
    assert validate(json.loads(sarif.render(results, PLUGINS, {}))) == []


def test_driver_rules_and_results(defective, tmp_path):
    out = run_cli("my bundle", "--format", "sarif", cwd=tmp_path)
    document = json.loads(out.stdout)
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-2.1.0.json")
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(PLUGINS.rules)
    by_id = {r["id"]: r for r in rules}
    placeholder = by_id["EXP201"]
    assert placeholder["name"] == "placeholder-token"
    assert placeholder["shortDescription"]["text"] == PLUGINS.rules["EXP201"].summary
    assert placeholder["fullDescription"]["text"].startswith("Finds placeholder tokens")
    assert placeholder["help"]["markdown"].startswith("## What it does")
    assert "Why is this bad?: " in placeholder["help"]["text"]
    assert placeholder["helpUri"].endswith("/docs/rules/EXP201.md")
    assert by_id["EXP902"]["defaultConfiguration"]["level"] == "warning"
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"EXP102", "EXP201", "EXP902"}
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    ph = results["EXP201"]
    line = minimal_files("experiment")["src/model.py"].count("\n") + 2
    assert ph["level"] == "error" and ph["message"]["text"].startswith("Placeholder `MODEL_PLACEHOLDER`")
    (location,) = ph["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "my%20bundle/src/model.py", "uriBaseId": "%SRCROOT%"}
    assert location["physicalLocation"]["region"] == {"startLine": line, "startColumn": 9, "endLine": line, "endColumn": 26}
    # a whole-file finding has a location but no region
    extra = results["EXP102"]["locations"][0]["physicalLocation"]
    assert extra == {"artifactLocation": {"uri": "my%20bundle/src/utils.py", "uriBaseId": "%SRCROOT%"}}
    assert results["EXP902"]["level"] == "warning" and "EXP999" in results["EXP902"]["message"]["text"]


def test_region_only_has_what_is_known():
    def f(**kw):
        base = dict(rule="EXP201", name="n", severity=Severity.ERROR, path="p", line=None, column=None, end_line=None, end_column=None, message="m")
        return Finding(**{**base, **kw})

    assert sarif.region(f()) is None
    assert sarif.region(f(line=2)) == {"startLine": 2}
    assert sarif.region(f(line=2, column=3)) == {"startLine": 2, "startColumn": 3}
    assert sarif.region(f(line=2, column=3, end_line=4, end_column=1)) == {"startLine": 2, "startColumn": 3, "endLine": 4, "endColumn": 1}
    assert sarif.region(f(line=2, end_line=2, end_column=7)) == {"startLine": 2, "endLine": 2}


def test_log_input_points_at_the_log_and_names_the_embedded_file(tmp_path):
    log = tmp_path / "review.txt"
    log.write_text(prompt_log("base", {**minimal_files("base"), "src/model.py": "# TODO: finish\n"}), encoding="utf-8")
    document = json.loads(run_cli("review.txt", "--format", "sarif", "--profile", "experiment", cwd=tmp_path).stdout)
    todo = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "EXP202")
    assert todo["message"]["text"].startswith("src/model.py:1: ")
    assert todo["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "review.txt", "uriBaseId": "%SRCROOT%"}}


def test_sarif_is_deterministic_and_written_with_report_option(defective, tmp_path):
    outputs = {run_cli("my bundle", "--format", "sarif", cwd=tmp_path, env={"PYTHONHASHSEED": s}).stdout for s in ("1", "2")}
    assert len(outputs) == 1
    text = run_cli("my bundle", "--report", "sarif=out.sarif", cwd=tmp_path)
    assert text.returncode == 1 and text.stdout.startswith("my bundle/")
    assert (tmp_path / "out.sarif").read_text(encoding="utf-8") == outputs.pop()
    bad = run_cli("my bundle", "--report", "sarif", cwd=tmp_path)
    assert bad.returncode == 2 and "FORMAT=FILE" in bad.stderr
