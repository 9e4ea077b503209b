"""Loads shared between bundles stay as they were loaded: no fact or rule changes them.

exp-lint keeps YAML loads by text (linter.parsing.yaml) and hands the same data and nodes to
every bundle holding that text, as it does with LibCST trees. Unlike those trees, YAML data
are plain dicts and lists, so a rule that edited one in place would change what the next
bundle sees. These tests lint every rule's examples (and the dev corpus, when it is beside
the project) while recording each load, then compare every load with what it was.
"""
from __future__ import annotations

import yaml

import pytest

from linter.cli import _init_worker, _lint_input
from linter.config import Settings
from linter.parsing import yaml as yaml_parsing
from linter.parsing.recent import RecentParses
from linter.rule import Example
from linter.testing import builtin_plugins, lint_example

from conftest import CORPUS, needs_shared


def _fingerprint(data, root) -> tuple[str, str | None]:
    """The data's repr (key order included) and the node tree as PyYAML serializes it."""
    nodes = yaml.serialize(root, Dumper=yaml.SafeDumper) if root is not None else None
    return repr(data), nodes


@pytest.fixture
def loads(monkeypatch) -> dict:
    """text -> (data, root, fingerprint when loaded), for every YAML text loaded in the test."""
    recorded: dict = {}
    load = yaml_parsing._load

    def recording(text: str):
        data, root, problem = load(text)
        recorded[text] = (data, root, _fingerprint(data, root))
        return data, root, problem

    monkeypatch.setattr(yaml_parsing, "_load", recording)
    monkeypatch.setattr(yaml_parsing, "_RECENT", RecentParses(100_000, 10**9))  # keep all: one load per text
    return recorded


def _changed(recorded: dict) -> list[str]:
    return [text[:60] for text, (data, root, before) in recorded.items() if _fingerprint(data, root) != before]


def test_a_repeated_text_is_loaded_once_and_shared(loads):
    text = "runs:\n  - name: a\n    lr: 0.1\n"
    first = yaml_parsing.parse_yaml("config/a.yaml", text)
    second = yaml_parsing.parse_yaml("config/b.yaml", text)
    assert first.data is second.data and first.root is second.root
    assert (first.path, second.path) == ("config/a.yaml", "config/b.yaml")
    assert len(loads) == 1


def test_the_check_sees_an_edit(loads):
    parsed = yaml_parsing.parse_yaml("config/a.yaml", "training:\n  epochs: 3\n")
    assert _changed(loads) == []
    parsed.data["training"]["epochs"] = 1  # what no rule may do
    assert len(_changed(loads)) == 1


def test_no_rule_example_changes_a_shared_load(loads):
    examples = [Example(profile=p) for p in ("base", "experiment", "derived", "hydra")]
    for rule in builtin_plugins().rules.values():
        examples += [*rule.valid, *rule.invalid]
    for example in examples:
        lint_example(example)  # every rule of the example's profile
    assert len(loads) > 30  # the examples did load YAML
    assert _changed(loads) == []


@needs_shared(CORPUS)
def test_no_rule_changes_a_shared_load_over_the_dev_corpus(loads):
    _init_worker(Settings(), None, None, ())
    for log in sorted((CORPUS / "logs").iterdir()):
        path, result, error = _lint_input(str(log))
        assert error is None, error
    assert len(loads) > 300
    assert _changed(loads) == []
