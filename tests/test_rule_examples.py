"""Every rule's embedded examples, run as tests (the Fixit VALID/INVALID pattern)."""
from __future__ import annotations

import pytest

from linter.testing import builtin_plugins, example_problems, lint_example, minimal_files
from linter.rule import Example

RULES = list(builtin_plugins().rules.values())
CASES = [
    pytest.param(rule, example, kind == "valid", id=f"{rule.code}-{kind}-{i}")
    for rule in RULES
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize("rule,example,valid", CASES)
def test_example(rule, example, valid):
    assert example_problems(rule, example, valid) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_examples_both_ways(rule):
    assert rule.valid, f"{rule.code} needs a valid example"
    assert rule.invalid or getattr(rule, "examples_exempt", None), f"{rule.code} needs an invalid example"


@pytest.mark.parametrize("profile", ["base", "experiment", "derived", "hydra"])
def test_minimal_bundle_is_clean_under_every_rule(profile):
    findings = lint_example(Example(profile=profile))
    assert [f"{f.rule} {f.path}:{f.line} {f.message}" for f in findings] == []


def test_minimal_bundles_hold_the_required_files():
    for profile in ("base", "experiment", "hydra"):
        files = minimal_files(profile)
        assert "src/train.py" in files and "pyproject.toml" in files


def test_a_broken_example_is_caught():
    """The harness itself must be able to fail: a wrong expectation is reported."""
    rule = builtin_plugins().rules["EXP201"]
    wrong = Example({"src/model.py": "X = 'MODEL_PLACEHOLDER'\n"}, expect=("src/model.py:5",))
    problems = example_problems(rule, wrong, valid=False)
    assert any("expected EXP201 at src/model.py:5" in p for p in problems)
    assert any("unexpected extra EXP201 at src/model.py:1" in p for p in problems)
    assert example_problems(rule, Example({"src/model.py": "X = 'MODEL_PLACEHOLDER'\n"}), valid=True)
