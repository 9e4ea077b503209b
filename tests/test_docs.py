"""Rule docs are generated from the rules; a stale or incomplete page fails here."""
from __future__ import annotations

import pytest

from linter.docs import index_page, missing_sections, rule_page
from linter.testing import builtin_plugins

from conftest import ROOT

RULES = list(builtin_plugins().rules.values())
DOCS = ROOT / "docs" / "rules"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_doc_has_ruff_sections(rule):
    assert missing_sections(rule) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_page_is_current(rule):
    page = DOCS / f"{rule.code}.md"
    assert page.exists(), f"{page} is missing: run `python -m linter.docs`"
    assert page.read_text(encoding="utf-8") == rule_page(rule), f"{page} is stale: run `python -m linter.docs`"


def test_rule_index_is_current_and_has_no_orphans():
    assert (DOCS / "README.md").read_text(encoding="utf-8") == index_page(RULES)
    pages = {p.stem for p in DOCS.glob("*.md")} - {"README"}
    assert pages == {r.code for r in RULES}


def test_readme_demo_output_is_what_exp_lint_prints():
    from linter.docs import demo_output, readme_demo

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_demo(readme) == demo_output(ROOT), "README demo is stale: run `python -m linter.docs`"


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_same_tests():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Set up (two commands)", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2 and commands[1].endswith("python -m pytest")
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()
