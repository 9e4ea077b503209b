"""EXP410/411/415/416/417/418/714 beyond their embedded examples: library behaviour, flows, seeds."""
from __future__ import annotations

import pytest
import yaml

from linter.rule import Invalid, Valid
from linter.testing import example_problems, lint_example, minimal_files
from rules.cli_contracts import MissingRequiredCliFlag, UnknownCliFlag
from rules.config_contracts import MissingConfigKey, YamlFloatAsString, float_as_string
from rules.run_variations import RunVariationMissingInConfig, matches

from conftest import SEEDS, needs_shared


def codes(example, select):
    return [(f.rule, f.path, f.line) for f in lint_example(example, select)]


# -- EXP714: the library behaviour the rule relies on -------------------------------------------

@pytest.mark.parametrize("text,is_string", [
    ("1e-3", True), ("5e-4", True), ("1E-3", True), ("1.0e3", True), ("-2e5", True),
    ("1.0e-3", False), ("0.001", False), (".5e-3", False), ("3", False),
])
def test_pyyaml_loads_exponent_numbers_without_dot_as_strings(text, is_string):
    value = yaml.safe_load(f"lr: {text}")["lr"]
    assert isinstance(value, str) is is_string
    node = yaml.compose(f"lr: {text}").value[0][1]
    assert float_as_string(value, node) is is_string


def test_quoted_strings_are_meant_as_strings():
    node = yaml.compose('lr: "1e-3"').value[0][1]
    assert not float_as_string("1e-3", node)


def test_omegaconf_reads_1e_minus_3_as_a_float():
    omegaconf = pytest.importorskip("omegaconf")
    cfg = omegaconf.OmegaConf.create("lr: 1e-3\nwd: 5e-4\n")
    assert isinstance(cfg.lr, float) and cfg.lr == pytest.approx(1e-3)
    assert isinstance(cfg.wd, float)


def test_omegaconf_missing_key_raises():
    omegaconf = pytest.importorskip("omegaconf")
    cfg = omegaconf.OmegaConf.create("a: 1\n")
    with pytest.raises(Exception):
        cfg.missing  # noqa: B018 - ConfigAttributeError, as EXP415 says for attribute reads


def test_float_as_string_through_a_local_name_and_arithmetic():
    train = minimal_files("experiment")["src/train.py"].replace(
        'optimizer = torch.optim.Adam(model.parameters(), lr=float(run["training"]["lr"]))',
        'lr = run["training"]["lr"]\n    optimizer = torch.optim.Adam(model.parameters(), lr=lr * 1.0)')
    smoke = minimal_files("experiment")["config/smoke_test.yaml"].replace("lr: 0.01", "lr: 5e-4")
    found = codes(Invalid({"src/train.py": train, "config/smoke_test.yaml": smoke}, []), ["EXP714"])
    assert [(p, l) for _, p, l in found] == [("config/smoke_test.yaml", 14), ("config/smoke_test.yaml", 27)]


# -- EXP415 flows ----------------------------------------------------------------------------------

SMOKE = minimal_files("experiment")["config/smoke_test.yaml"]
FULL = minimal_files("experiment")["config/full_experiment.yaml"]
TRAIN = minimal_files("experiment")["src/train.py"]
MAIN = minimal_files("experiment")["src/main.py"]


def _without(text: str, line: str, count: int = 1) -> str:
    assert line in text
    return text.replace(line, "", count)


def test_missing_key_found_through_a_cross_file_parameter():
    # preprocess.make_loaders(run) reads training.batch_size; drop it from the smoke test's first run
    smoke = _without(SMOKE, "      batch_size: 32\n")
    found = codes(Invalid({"config/smoke_test.yaml": smoke}, []), ["EXP415"])
    assert found == [("EXP415", "src/preprocess.py", 24)]
    message = lint_example(Invalid({"config/smoke_test.yaml": smoke}, []), ["EXP415"])[0].message
    assert "run 'baseline' in config/smoke_test.yaml" in message and "training.batch_size" in message


def test_the_run_list_key_is_what_the_code_reads():
    renamed = {p: t.replace("runs:", "experiments:") for p, t in (("config/smoke_test.yaml", SMOKE), ("config/full_experiment.yaml", FULL))}
    found = codes(Invalid(renamed, []), ["EXP415"])
    assert ("EXP415", "src/main.py", 50) in found  # main reads config["runs"]
    both = dict(renamed, **{"src/main.py": MAIN.replace('config["runs"]', 'config["experiments"]'),
                            "src/train.py": TRAIN.replace('config["runs"]', 'config["experiments"]')})
    assert codes(Valid(both), ["EXP415"]) == []


def test_keys_set_by_the_code_are_not_missing():
    smoke = _without(SMOKE, "      lr: 0.01\n")
    train = TRAIN.replace("    torch.manual_seed(", '    run["training"]["lr"] = 0.01\n    torch.manual_seed(')
    assert codes(Valid({"config/smoke_test.yaml": smoke, "src/train.py": train}), ["EXP415"]) == []


def test_branch_on_the_config_is_not_certain():
    smoke = SMOKE.replace("      lr: 0.01\n", "      lr: 0.01\n      kd_alpha: 0.5\n", 1)
    full = FULL.replace("      lr: 0.01\n", "      lr: 0.01\n      kd_alpha: 0.5\n", 1)
    train = TRAIN.replace("    loss_fn = nn.CrossEntropyLoss()\n",
                          '    loss_fn = nn.CrossEntropyLoss()\n    if run["model"]["name"] == "baseline":\n        print(run["training"]["kd_alpha"])\n')
    assert codes(Valid({"config/smoke_test.yaml": smoke, "config/full_experiment.yaml": full, "src/train.py": train}), ["EXP415"]) == []


def test_dumped_run_entries_are_what_train_loads():
    main = MAIN.replace(
        '        command = [\n            sys.executable, "-m", "src.train",\n            "--config", str(config_path),',
        '        run_file = results_dir / f"{run[\'run_id\']}.yaml"\n        run_file.parent.mkdir(parents=True, exist_ok=True)\n'
        '        with open(run_file, "w") as handle:\n            yaml.safe_dump(run, handle)\n'
        '        command = [\n            sys.executable, "-m", "src.train",\n            "--config", str(run_file),')
    train = TRAIN.replace('    run = next(r for r in config["runs"] if r["run_id"] == args.run_id)\n', "    run = config\n")
    assert codes(Valid({"src/main.py": main, "src/train.py": train}), ["EXP415"]) == []
    smoke = _without(SMOKE, "      epochs: 1\n")
    found = codes(Invalid({"src/main.py": main, "src/train.py": train, "config/smoke_test.yaml": smoke}, []), ["EXP415"])
    assert found == [("EXP415", "src/train.py", 37)]


def test_unknown_document_is_not_guessed():
    train = TRAIN.replace('    run = next(r for r in config["runs"] if r["run_id"] == args.run_id)\n', "    run = config\n")
    assert codes(Valid({"src/train.py": train}), ["EXP415"]) == []


# -- EXP416/417 command lines ------------------------------------------------------------------------

def test_fstring_command_with_shlex_split():
    main = MAIN.replace(
        '        command = [\n            sys.executable, "-m", "src.train",\n            "--config", str(config_path),\n'
        '            "--run-id", run["run_id"],\n            "--results-dir", str(results_dir),\n        ]',
        '        command = shlex.split(f"{sys.executable} -m src.train --config {config_path} --run {run[\'run_id\']} --out {results_dir}")'
    ).replace("import subprocess\n", "import shlex\nimport subprocess\n")
    found = codes(Invalid({"src/main.py": main}, []), ["EXP416", "EXP417"])
    assert [c for c, _, _ in found] == ["EXP416", "EXP417"]  # --out unknown; --results-dir missing


def test_ambiguous_prefix_is_reported():
    train = TRAIN.replace('    parser.add_argument("--results-dir"', '    parser.add_argument("--resume", action="store_true")\n    parser.add_argument("--results-dir"')
    main = MAIN.replace('"--results-dir", str(results_dir),\n        ]', '"--res", str(results_dir),\n        ]')
    found = lint_example(Invalid({"src/main.py": main, "src/train.py": train}, []), ["EXP416"])
    assert len(found) == 1 and "ambiguous" in found[0].message


def test_abbreviations_off_means_exact():
    main = MAIN.replace('"--run-id", run["run_id"],', '"--run", run["run_id"],')
    train = TRAIN.replace('argparse.ArgumentParser(description="Train one run of the experiment.")',
                          'argparse.ArgumentParser(description="Train one run of the experiment.", allow_abbrev=False)')
    assert [c for c, _, _ in codes(Invalid({"src/main.py": main, "src/train.py": train}, []), ["EXP416"])] == ["EXP416"]


def test_required_mutually_exclusive_group_of_main_itself_is_not_a_launch():
    assert codes(Valid(), ["EXP416", "EXP417"]) == []


# -- EXP410 matching ---------------------------------------------------------------------------------

@pytest.mark.parametrize("variation,run", [
    ("FedMPQ-KD (ours)", "fedmpq_kd"),
    ("FedMPQ-KD (ours)", "fedmpq_kd_smoke"),
    ("asha-baseline", "asha-baseline-smoke"),
    ("asha-baseline", "smoke_asha_baseline"),
    ("AdaEnt-fixed-α", "smoke_synth_adaent_fixed_alpha"),
    ("oracle-large-LR", "smoke_synth_oracleLR"),
    ("TW-BYOL-tau15", "smoke_TW_BYOL_tau15"),
    ("FCR(λ=0.05)-FD-10", "FCR(λ=0.05)-FD-10"),
    ("FedMPQ-KD α=0.5,T=2 (default)", "FedMPQ-KD_default"),
    ("FedMPQ-baseline", "fedmpq_smoke"),
    ("AdaEnt", "smoke_synth_adaent"),
])
def test_variation_names_match_run_ids(variation, run):
    assert matches(variation, run)


@pytest.mark.parametrize("variation,run", [
    ("pasha-baseline", "pasha-ohgw-low-eta"),
    ("log-loss", "baseline_smoke"),
    ("brier-baseline", "dummy_ce"),
])
def test_different_variations_do_not_match(variation, run):
    assert not matches(variation, run)


def test_context_never_removes_a_token_a_variation_names():
    from rules.run_variations import context_tokens
    context = context_tokens(["smoke_adaent", "smoke_adaent_fixed_alpha", "smoke_tent"], ["AdaEnt", "TENT"])
    assert "adaent" not in context and matches("AdaEnt", "smoke_adaent", context)


def test_dataset_prefixes_shared_by_runs_are_ignored():
    assert not matches("boil+sacc", "acrobot_sacc")
    assert matches("boil+sacc", "acrobot_sacc", frozenset({"acrobot"}))


def test_variation_with_commas_and_unicode_missing_from_both_files():
    ex = Invalid({}, [], profile="derived", run_variations=("baseline", "proposed", "FedMPQ-KD α=0.5,T=2"))
    found = lint_example(ex, ["EXP410"])
    assert sorted(f.path for f in found) == ["config/full_experiment.yaml", "config/smoke_test.yaml"]
    assert "'FedMPQ-KD α=0.5,T=2'" in found[0].message


# -- seeds -------------------------------------------------------------------------------------------

@needs_shared(SEEDS)
def test_seed_002_stays_ready_under_these_rules():
    from linter.engine import Linter
    from linter.config import Settings
    from linter.loaders import load_input
    from linter.testing import builtin_plugins

    (log,) = sorted(SEEDS.glob("002_*.txt"))
    bundle = load_input(str(log))
    assert bundle.context.run_variations
    select = ("EXP410", "EXP411", "EXP415", "EXP416", "EXP417", "EXP418", "EXP714")
    result = Linter(builtin_plugins(), Settings(select=select)).lint(bundle)
    assert result.profile.name == "derived"
    assert [f for f in result.findings if f.severity.value == "error"] == []
