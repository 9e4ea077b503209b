"""Hydra rules under the older prompt versions: `trial_mode=true` instead of `mode=trial`,
run configs in `config/run/`, and a config.yaml that must list every run id.

Bundles are the minimal hydra bundle with our own small changes; the context is what the
prompt-log loader reads from such a prompt.
"""
from __future__ import annotations

from linter.bundle import Bundle, Context
from linter.config import Settings
from linter.engine import Linter
from linter.source import from_text
from linter.testing import _overlay, builtin_plugins, minimal_files, patched

TRIAL_MODE_PROMPT = "CLI: `uv run python -u -m src.main run={run_id} results_dir={path}`; supports trial_mode=true (disables WandB, n_trials=0, 1-2 batches)."
OLD_CLI = {"main": ("run", "results_dir"), "evaluate": ("results_dir", "run_ids")}


def findings(files, code, instructions=TRIAL_MODE_PROMPT, cli=OLD_CLI, run_dir="config/runs"):
    merged = _overlay(minimal_files("hydra"), files)
    runs = sorted(p[len("config/runs/"):-5] for p in merged if p.startswith("config/runs/"))
    context = Context(runs=runs, run_dir=run_dir, hydra_cli=cli, instructions=instructions)
    bundle = Bundle({p: from_text(p, t) for p, t in merged.items()}, origin="<t>", context=context)
    settings = Settings(select=(code,), profile="hydra")
    return Linter(builtin_plugins(), settings, file_settings=Settings()).lint(bundle).findings


def _trial_flag(*pairs):
    """The minimal train.py switched from `cfg.mode == "trial"` to the `trial_mode` flag."""
    return patched("hydra", "src/train.py", ('if cfg.mode == "trial":', "if cfg.trial_mode:"),
                   ('    elif cfg.mode == "full":\n        cfg.wandb.mode = "online"\n', ""), *pairs)


def test_exp603_applies_to_the_trial_mode_flag():
    assert findings({"src/train.py": _trial_flag()}, "EXP603") == []
    bad = findings({"src/train.py": _trial_flag(("cfg.optuna.n_trials = 0", "cfg.optuna.n_trials = 2"))}, "EXP603")
    assert [(f.path, f.line) for f in bad] == [("src/train.py", 59)]
    assert "n_trials" in bad[0].message


def test_exp603_trial_branch_setting_trials_without_importing_optuna():
    text = _trial_flag(("import optuna\n", ""), ("cfg.optuna.n_trials = 0", "cfg.optuna.n_trials = 2"))
    assert [f.line for f in findings({"src/train.py": text}, "EXP603")] == [58]


def test_exp603_silent_when_the_prompt_documents_no_trial_switch():
    text = _trial_flag(("cfg.optuna.n_trials = 0", "cfg.optuna.n_trials = 2"))
    assert findings({"src/train.py": text}, "EXP603", instructions="CLI: run={run_id} results_dir={path}") == []


def test_exp603_reads_the_code_of_a_test_comments_included():
    # a comment inside the test's brackets is part of its code; one after the colon is not
    # (nodes_holding must then let every node through, not only names and strings)
    no_step = ('if cfg.mode == "trial" and step >= 2:', "if step >= 2:")
    inside = patched("hydra", "src/train.py", ('    if cfg.mode == "trial":', '    if (cfg.mode != "full"  # "trial"\n    ):'), no_step)
    after = patched("hydra", "src/train.py", ('    if cfg.mode == "trial":', '    if cfg.mode != "full":  # "trial"'), no_step)
    assert findings({"src/train.py": inside}, "EXP603", instructions=None, cli=None) == []
    assert [(f.path, f.line) for f in findings({"src/train.py": after}, "EXP603", instructions=None, cli=None)] == [("src/main.py", 16)]


def test_nodes_holding_marks_the_tokens_holding_the_word_and_their_ancestors():
    import re

    import libcst as cst

    from rules.hydra_startup import nodes_holding

    source = 'a = cfg.mode == "trial"\nb = cfg.trial_mode\nc = cfg.lr * 2\n'
    index = Bundle({"src/x.py": from_text("src/x.py", source)}, origin="<t>").index("src/x.py")
    comment = re.compile(r"#[^\n]*trial")
    marked = nodes_holding(index, source, "trial", comment)
    values = [a.value for a in index.of(cst.Assign)]
    assert [id(v) in marked for v in values] == [True, True, False]
    assert nodes_holding(index, source + "# trial\n", "trial", comment) is None
    assert nodes_holding(index, "c = 1\n", "trial", comment) == set()


def test_exp620_points_at_the_entry_points_that_receive_run():
    files = {"config/config.yaml": minimal_files("hydra")["config/config.yaml"].replace("run: null", "seed: 0")}
    found = findings(files, "EXP620", run_dir="config/run")
    assert len(found) == 1 and found[0].path == "config/config.yaml"
    assert sorted((r.path, r.line) for r in found[0].related) == [("src/main.py", 12), ("src/train.py", 54)]
    assert findings(files, "EXP623", run_dir="config/run") == []  # `run: null` would not help


LIST_PROMPT = "config/config.yaml contains list of all experiment run_ids"


def test_exp630_only_under_the_prompt_that_asks_for_it():
    assert [f.line for f in findings({}, "EXP630", instructions=LIST_PROMPT)] == [4]
    assert findings({}, "EXP630", instructions=TRIAL_MODE_PROMPT) == []
    listed = minimal_files("hydra")["config/config.yaml"] + "run_ids:\n  - proposed-mlp-synthetic\n  - comparative-1-mlp-synthetic\n"
    assert findings({"config/config.yaml": listed}, "EXP630", instructions=LIST_PROMPT) == []
    broken = "defaults:\n  - run: proposed-mlp-synthetic\nwandb: [unclosed\n"
    assert [f.line for f in findings({"config/config.yaml": broken}, "EXP630", instructions=LIST_PROMPT)] == [2]
