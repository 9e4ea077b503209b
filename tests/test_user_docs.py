"""The user documentation: pages exist, the configuration reference matches KEYS, the
snippets match the hook and the action, rule pages list their options, `explain`
prints the page."""
from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from linter.config import KEYS, resolve, settings_from_table
from linter.docs import configuration_keys_block, keys_table, rule_page
from linter.findings import Severity
from linter.rule import Invalid, Option, Rule, Valid
from linter.testing import builtin_plugins

from conftest import ROOT, run_cli

DOCS = ROOT / "docs"
PAGES = ("getting-started.md", "configuration.md", "integrations.md", "rules/README.md")
RULES = list(builtin_plugins().rules.values())


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


@pytest.mark.parametrize("page", PAGES)
def test_page_exists_and_its_links_resolve(page):
    path = DOCS / page
    assert path.exists(), f"{path} is missing"
    for target in re.findall(r"\]\(([^)#:]+\.md)\)", path.read_text(encoding="utf-8")):
        assert (path.parent / target).exists(), f"{page} links to missing {target}"


def test_configuration_reference_is_generated_from_keys():
    page = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert configuration_keys_block(page) == keys_table(), "docs/configuration.md is stale: run `python -m linter.docs`"
    for key in KEYS:
        assert f"| `{key}` |" in page


def test_configuration_examples_are_accepted():
    examples = blocks((DOCS / "configuration.md").read_text(encoding="utf-8"), "toml") + blocks((ROOT / "README.md").read_text(encoding="utf-8"), "toml")
    assert examples, "no toml examples found in docs/configuration.md or README.md"
    for text in examples:
        table = tomllib.loads(text)["tool"]["exp-lint"]
        resolve(settings_from_table(table, "docs"), builtin_plugins())


def test_key_examples_in_the_reference_parse_and_validate():
    checked = 0
    for key, (_, _, example) in KEYS.items():
        if example is None:
            continue
        table = tomllib.loads(f"{key} = {example}")
        settings = settings_from_table(table, "docs")
        checked += 1
        if key not in ("run-variations", "runs", "disable-plugins", "import-map", "placeholder-patterns", "profile"):
            resolve(settings, builtin_plugins())
    assert checked >= len(KEYS) // 2, "most configuration keys should document an example"


def _hook():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


@pytest.mark.parametrize("page", ["README.md", "docs/integrations.md"])
def test_pre_commit_snippets_name_the_real_hook(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    configs = [yaml.safe_load(b) for b in blocks(text, "yaml") if "repos:" in b]
    assert configs, f"{page} has no pre-commit snippet"
    for config in configs:
        (repo,) = config["repos"]
        assert [h["id"] for h in repo["hooks"]] == [_hook()["id"]]


@pytest.mark.parametrize("page", ["README.md", "docs/integrations.md"])
def test_action_snippets_use_only_real_inputs_and_outputs(page):
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    text = (ROOT / page).read_text(encoding="utf-8")
    uses = [b for b in blocks(text, "yaml") if "exp-lint/exp-lint@" in b]
    assert uses, f"{page} has no GitHub Action snippet"
    for block in uses:
        steps = yaml.safe_load(block)
        steps = steps["jobs"]["exp-lint"]["steps"] if isinstance(steps, dict) else steps
        ours = [s for s in steps if str(s.get("uses", "")).startswith("exp-lint/exp-lint@")]
        assert ours and set(ours[0].get("with", {})) <= set(action["inputs"])
        for output in re.findall(r"steps\.exp-lint\.outputs\.([\w-]+)", block):
            assert output in action["outputs"]
        assert any("upload-sarif" in str(s.get("uses", "")) for s in steps)


def test_integrations_page_documents_every_action_input_and_format():
    from linter.cli import FORMATS

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    text = (DOCS / "integrations.md").read_text(encoding="utf-8")
    for name in action["inputs"]:
        assert f"| `{name}` |" in text, name
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in text, fmt


class WithOptions(Rule):
    """## What it does
    x

    ## Why is this bad?
    x

    ## Use instead
    x
    """

    code = "XDO001"
    name = "with-options"
    summary = "s"
    severity = Severity.WARNING
    options = {"threshold": Option(3, "how many"), "names": Option(["a"], "which names")}
    valid = (Valid(),)
    invalid = (Invalid({}, "src/model.py"),)


def options_listed(rule, page: str | None = None) -> list[str]:
    """Why the rule's page does not list its options (empty when it does)."""
    page = rule_page(rule) if page is None else page
    if not rule.options:
        return ["an Options section without options"] if "## Options" in page else []
    if "## Options" not in page:
        return ["no ## Options section"]
    section = page.split("## Options", 1)[1].split("\n## ", 1)[0]
    return [f"option {name!r} (default {o.default!r}) is not listed" for name, o in rule.options.items()
            if f"| `{name}` | `{o.default!r}` | {o.help} |" not in section]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_page_lists_its_options(rule):
    assert options_listed(rule) == []


def test_the_options_check_can_fail():
    page = rule_page(WithOptions)
    assert options_listed(WithOptions, page) == []
    assert options_listed(WithOptions, page.replace("| `threshold` | `3` | how many |\n", "")) == ["option 'threshold' (default 3) is not listed"]
    assert options_listed(WithOptions, page.replace("## Options", "## Settings")) == ["no ## Options section"]


def test_committed_rule_pages_match_explain_for_every_rule():
    for rule in RULES:
        page = DOCS / "rules" / f"{rule.code}.md"
        assert page.exists(), f"{page} is missing: run `python -m linter.docs`"
        assert options_listed(rule, page.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("code", ["EXP201", "EXP901"])
def test_explain_prints_the_rule_page(code):
    out = run_cli("explain", code)
    assert out.returncode == 0
    assert out.stdout == (DOCS / "rules" / f"{code}.md").read_text(encoding="utf-8")
