"""Base and derived profiles against the reviewer's seeds (EXP501-EXP513)."""
from __future__ import annotations

import json

from conftest import SEEDS, needs_shared, run_cli

from linter.rule import Example
from linter.testing import lint_example


def _findings(seed: str, *args: str) -> list[dict]:
    out = run_cli(str(next(SEEDS.glob(f"{seed}_*.txt"))), "--format", "json", *args)
    return json.loads(out.stdout)["results"][0]["findings"]


@needs_shared(SEEDS)
def test_seed_003_is_not_ready_for_both_of_the_reviewers_reasons():
    findings = _findings("003")
    errors = [f for f in findings if f["severity"] == "error"]
    misplaced = sorted(f["line"] for f in errors if f["rule"] == "EXP501" and f["path"] == "config/full_experiment.yaml")
    assert misplaced == [4, 7, 13, 16]  # seed and training placeholders; dataset/model/name ones are allowed
    assert [(f["path"], f["line"]) for f in errors if f["rule"] == "EXP502"] == [("src/train.py", 273)]
    out = run_cli(str(next(SEEDS.glob("003_*.txt"))), "--format", "verdict")
    verdict = json.loads(out.stdout)
    assert verdict["is_base_code_ready"] is False
    assert "EXP501" in verdict["base_code_issue"] and "EXP502" in verdict["base_code_issue"]


@needs_shared(SEEDS)
def test_seed_002_derived_with_its_base_is_ready_and_has_no_base_derived_errors():
    findings = _findings("002")
    assert [f for f in findings if f["severity"] == "error"] == []
    out = run_cli(str(next(SEEDS.glob("002_*.txt"))), "--format", "verdict")
    assert json.loads(out.stdout) == {"is_experiment_code_ready": True, "experiment_code_issue": ""}


def _codes(example: Example, *codes: str) -> list[tuple[str, str, int | None]]:
    return [(f.rule, f.path, f.line) for f in lint_example(example, list(codes))]


def test_derived_profile_still_forbids_every_placeholder_kind():
    files = {
        "src/preprocess.py": ("import numpy as np\nimport torch\nfrom torch.utils.data import DataLoader, TensorDataset\n\n\n"
                              "def make_datasets(run):\n    # TODO: load the real data\n    raise NotImplementedError\n\n\n"
                              "def make_loaders(run):\n    return make_datasets(run)  # rest of the code unchanged\n"),
        "config/smoke_test.yaml": "runs:\n  - run_id: baseline\n    dataset:\n      name: DATASET_PLACEHOLDER\n",
    }
    found = _codes(Example(files, profile="derived"), "EXP201", "EXP202", "EXP203", "EXP204")
    assert ("EXP201", "config/smoke_test.yaml", 4) in found
    assert ("EXP202", "src/preprocess.py", 7) in found
    assert ("EXP203", "src/preprocess.py", 12) in found
    assert ("EXP204", "src/preprocess.py", 6) in found


def test_base_profile_leaves_dataset_spot_placeholders_to_exp501():
    files = {"src/preprocess.py": "def load_real(run):\n    # DATASET_PLACEHOLDER: replaced with the real loader\n    raise NotImplementedError\n"}
    assert _codes(Example(files, profile="base"), "EXP201", "EXP202", "EXP203", "EXP204", "EXP501", "EXP503") == []


def test_definitions_of_a_shared_tree_keep_each_bundles_path_and_are_not_shared_lists():
    from linter.bundle import Bundle, Context
    from linter.source import from_text
    from linter.facts.memo import _tables
    from rules.derived import SyntaxTrees, definitions

    text = "def train(run):\n    return run\n\n\nclass Model:\n    def forward(self, x):\n        pass\n"
    first = Bundle({"src/train.py": from_text("src/train.py", text)}, origin="<a>", context=Context())
    second = Bundle({"src/model.py": from_text("src/model.py", text)}, origin="<b>", context=Context())
    tree = first.fact(SyntaxTrees).trees["src/train.py"]
    assert second.fact(SyntaxTrees).trees["src/model.py"] is tree  # one parse for one text
    a, b = definitions(first, "src/train.py"), definitions(second, "src/model.py")
    assert [(d.path, d.qualname, d.kind, d.line, d.size, d.placeholder) for d in a] == [
        ("src/train.py", "train", "function", 1, 1, False),
        ("src/train.py", "Model", "class", 5, 2, False),
        ("src/train.py", "Model.forward", "method", 6, 1, True),
    ]
    assert [d.path for d in b] == ["src/model.py"] * 3 and [d.qualname for d in b] == [d.qualname for d in a]
    a.clear()  # a caller's list is its own
    assert len(definitions(first, "src/train.py")) == 3
    assert {key for key in _tables(tree) if key[0] == "definitions"} == {("definitions", "src/train.py"), ("definitions", "src/model.py")}
