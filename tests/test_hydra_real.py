"""Each modelled Hydra/OmegaConf rule, proved against the real hydra-core and omegaconf.

For every rule, the fixture exp-lint flags must fail under Hydra the way the finding
says, and the fixture it passes must compose (or run). Bundles are our own small
fixtures written to tmp_path; only stub modules run, never reviewed code.
"""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

hydra = pytest.importorskip("hydra")
omegaconf = pytest.importorskip("omegaconf")
from hydra import compose, initialize_config_dir  # noqa: E402
from hydra.core.global_hydra import GlobalHydra  # noqa: E402
from omegaconf import OmegaConf  # noqa: E402

from conftest import SEEDS, needs_shared  # noqa: E402
from linter.bundle import Bundle, Context  # noqa: E402
from linter.engine import Linter  # noqa: E402
from linter.config import Settings  # noqa: E402
from linter.rule import Example  # noqa: E402
from linter.source import from_text  # noqa: E402
from linter.testing import _overlay, builtin_plugins, lint_example, minimal_files  # noqa: E402

RUN_ID = "proposed-mlp-synthetic"
CONFIG = textwrap.dedent("""\
    defaults:
      - _self_
    run: null
    results_dir: ./results
    mode: full
    wandb:
      entity: e
      project: p
      mode: online
    """)


def codes(files, code, run_dir="config/runs"):
    """exp-lint's findings of rule `code` for the minimal hydra bundle with `files` laid over it."""
    if run_dir == "config/runs":
        return [f.rule for f in lint_example(Example(files, profile="hydra"), select=[code])]
    merged = _overlay(minimal_files("hydra"), files)
    runs = sorted(p[len("config/runs/"):-5] for p in merged if p.startswith("config/runs/"))
    bundle = Bundle({p: from_text(p, t) for p, t in merged.items()}, origin="<t>", context=Context(runs=runs, run_dir=run_dir))
    settings = Settings(select=(code,), profile="hydra")
    return [f.rule for f in Linter(builtin_plugins(), settings, file_settings=Settings()).lint(bundle).findings]


def write(tmp_path: Path, files, run_dir="config/runs") -> Path:
    """The bundle on disk, with the run configs where the pipeline would put them."""
    root = tmp_path / "bundle"
    for path, text in _overlay(minimal_files("hydra"), files).items():
        if path.startswith("config/runs/"):
            path = run_dir + path[len("config/runs"):]
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def compose_cfg(root: Path, overrides):
    GlobalHydra.instance().clear()
    with initialize_config_dir(str(root / "config"), version_base=None):
        return compose("config", overrides=list(overrides))


CLI = [f"run={RUN_ID}", "results_dir=/tmp/r", "mode=trial"]


# -- EXP620: run=<id> reaches the run config -----------------------------------------------
def test_exp620_runs_group_is_not_selected_by_run(tmp_path):
    files = {"config/config.yaml": "defaults:\n  - runs: ???\n  - _self_\n" + CONFIG.split("\n", 2)[2]}
    assert codes(files, "EXP620") == ["EXP620"]
    with pytest.raises(Exception, match="You must specify 'runs'"):
        compose_cfg(write(tmp_path, files), CLI)


def test_exp620_run_group_looks_in_config_run(tmp_path):
    files = {"config/config.yaml": "defaults:\n  - run: ???\n  - _self_\nresults_dir: ./results\nmode: full\nwandb:\n  entity: e\n  project: p\n  mode: online\n"}
    assert codes(files, "EXP620") == ["EXP620"]
    with pytest.raises(Exception, match="You must specify 'run'"):
        compose_cfg(write(tmp_path, files), CLI)
    # the same defaults list is right when the pipeline writes config/run/ (older prompts)
    assert codes(files, "EXP620", run_dir="config/run") == []
    cfg = compose_cfg(write(tmp_path / "old", files, run_dir="config/run"), CLI)
    assert cfg.run.run_id == RUN_ID


def test_exp620_run_key_with_config_run_directory_is_rejected(tmp_path):
    assert codes({}, "EXP620", run_dir="config/run") == ["EXP620"]
    with pytest.raises(Exception, match="No match in the defaults list"):
        compose_cfg(write(tmp_path, {}, run_dir="config/run"), CLI)


def test_exp620_no_run_key_with_config_run_directory_is_rejected(tmp_path):
    files = {"config/config.yaml": CONFIG.replace("run: null\n", "")}
    assert codes(files, "EXP620", run_dir="config/run") == ["EXP620"]
    assert codes(files, "EXP623", run_dir="config/run") == []  # adding `run: null` would not help
    with pytest.raises(Exception, match="No match in the defaults list"):
        compose_cfg(write(tmp_path, files, run_dir="config/run"), CLI)
    with pytest.raises(Exception, match="No match in the defaults list"):
        compose_cfg(write(tmp_path / "key", {}, run_dir="config/run"), CLI)


def test_exp620_minimal_bundle_composes_and_loads_its_run(tmp_path):
    assert codes({}, "EXP620") == []
    root = write(tmp_path, {})
    cfg = compose_cfg(root, CLI)
    assert cfg.run == RUN_ID and (root / "config" / "runs" / f"{cfg.run}.yaml").exists()


# -- EXP621: where the run keys land ---------------------------------------------------------
NESTED = "defaults:\n  - run: ???\n  - _self_\nresults_dir: ./results\nmode: full\nwandb:\n  entity: e\n  project: p\n  mode: online\n"


def hydra_main(body: str, imports: str = "import hydra\n") -> str:
    """A src/main.py whose @hydra.main composes config/config.yaml and runs `body`."""
    return (
        f'"""Launch."""\n{imports}\n\n'
        '@hydra.main(config_path="../config", config_name="config", version_base=None)\n'
        f'def main(cfg):\n{body}\n\nif __name__ == "__main__":\n    main()\n'
    )


def _main_reading(expr):
    return hydra_main(f"    print({expr})\n")


def test_exp621_top_level_read_of_a_nested_run(tmp_path):
    bad = {"config/config.yaml": NESTED, "src/main.py": _main_reading("cfg.model.name")}
    good = {"config/config.yaml": NESTED, "src/main.py": _main_reading("cfg.run.model.name")}
    assert codes(bad, "EXP621", run_dir="config/run") == ["EXP621"]
    assert codes(good, "EXP621", run_dir="config/run") == []
    cfg = compose_cfg(write(tmp_path, bad, run_dir="config/run"), CLI)
    with pytest.raises(omegaconf.errors.ConfigAttributeError):
        cfg.model.name
    assert cfg.run.model.name == "proposed"


def test_exp621_global_package_puts_the_run_at_the_top(tmp_path):
    run = minimal_files("hydra")[f"config/runs/{RUN_ID}.yaml"]
    files = {"config/config.yaml": NESTED, "src/main.py": _main_reading("cfg.model.name"),
             f"config/runs/{RUN_ID}.yaml": "# @package _global_\n" + run,
             "config/runs/comparative-1-mlp-synthetic.yaml": "# @package _global_\n" + minimal_files("hydra")["config/runs/comparative-1-mlp-synthetic.yaml"]}
    assert codes(files, "EXP621", run_dir="config/run") == []
    cfg = compose_cfg(write(tmp_path, files, run_dir="config/run"), CLI)
    assert cfg.model.name == "proposed"


def test_exp621_run_is_the_id_string(tmp_path):
    bad = {"src/main.py": _main_reading("cfg.run.run_id")}
    assert codes(bad, "EXP621") == ["EXP621"]
    cfg = compose_cfg(write(tmp_path, bad), CLI)
    assert cfg.run == RUN_ID  # a str: cfg.run.run_id raises AttributeError
    with pytest.raises(AttributeError):
        cfg.run.run_id


def _merge_main(order: str, read: str) -> str:
    return hydra_main(
        "    OmegaConf.set_struct(cfg, False)\n"
        '    run_file = Path(__file__).resolve().parents[1] / "config" / "runs" / f"{cfg.run}.yaml"\n'
        f"    merged = OmegaConf.merge({order})\n"
        f'    print("RUN", {read})\n',
        imports="from pathlib import Path\n\nimport hydra\nfrom omegaconf import OmegaConf\n")


@pytest.mark.parametrize("order", ["OmegaConf.load(run_file), cfg", "cfg, OmegaConf.load(run_file)"])
def test_exp621_merged_run_file_leaves_run_the_id_string(tmp_path, order):
    bad = {"src/main.py": _merge_main(order, "merged.run.run_id")}
    good = {"src/main.py": _merge_main(order, "merged.run_id")}
    assert codes(bad, "EXP621") == ["EXP621"]
    assert codes(good, "EXP621") == []
    failed = _run_main(write(tmp_path / "bad", bad), *CLI)
    assert failed.returncode != 0 and "AttributeError" in failed.stderr
    ran = _run_main(write(tmp_path / "good", good), *CLI)
    assert ran.returncode == 0 and f"RUN {RUN_ID}" in ran.stdout


# -- EXP622: struct mode ---------------------------------------------------------------------
def _struct_main(unlock: str) -> str:
    return hydra_main(
        unlock + '    run_cfg = OmegaConf.load(f"{get_original_cwd()}/config/runs/{cfg.run}.yaml")\n'
        "    cfg = OmegaConf.merge(cfg, run_cfg)\n"
        '    print("RUN", cfg.run_id)\n',
        imports="import hydra\nfrom hydra.utils import get_original_cwd\nfrom omegaconf import OmegaConf\n")


def _run_main(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "src.main", *args], cwd=root, capture_output=True, text=True, timeout=120)


def test_exp622_merge_into_locked_config_fails_under_hydra(tmp_path):
    bad = {"src/main.py": _struct_main("")}
    good = {"src/main.py": _struct_main("    OmegaConf.set_struct(cfg, False)\n")}
    assert codes(bad, "EXP622") == ["EXP622"]
    assert codes(good, "EXP622") == []
    failed = _run_main(write(tmp_path / "bad", bad), *CLI)
    assert failed.returncode != 0 and "is not in struct" in failed.stderr
    passed = _run_main(write(tmp_path / "good", good), *CLI)
    assert passed.returncode == 0 and f"RUN {RUN_ID}" in passed.stdout


def test_exp622_assigning_a_new_key(tmp_path):
    main = _main_reading("1").replace("    print(1)\n", "    cfg.wandb.group = 'x'\n    print('OK')\n")
    assert codes({"src/main.py": main}, "EXP622") == ["EXP622"]
    cfg = compose_cfg(write(tmp_path, {}), CLI)
    with pytest.raises(omegaconf.errors.ConfigAttributeError, match="not in struct"):
        cfg.wandb.group = "x"
    cfg.wandb.mode = "disabled"  # an existing key may change
    opened = main.replace("    cfg.wandb.group", "    OmegaConf.set_struct(cfg, False)\n    cfg.wandb.group").replace("import hydra\n", "import hydra\nfrom omegaconf import OmegaConf\n")
    assert codes({"src/main.py": opened}, "EXP622") == []


# -- EXP623: overrides of keys config.yaml lacks ---------------------------------------------
def test_exp623_override_of_a_missing_key(tmp_path):
    bad = {"config/config.yaml": CONFIG.replace("results_dir: ./results\n", "")}
    assert codes(bad, "EXP623") == ["EXP623"]
    with pytest.raises(Exception, match="Could not override 'results_dir'"):
        compose_cfg(write(tmp_path, bad), CLI)
    assert codes({}, "EXP623") == []
    assert compose_cfg(write(tmp_path / "ok", {}), CLI).mode == "trial"


def test_exp623_subprocess_override_into_empty_section(tmp_path):
    config = CONFIG + "training: {}\n"
    main = minimal_files("hydra")["src/main.py"].replace('f"mode={cfg.mode}",', 'f"mode={cfg.mode}", "training.epochs=1",')
    assert codes({"config/config.yaml": config, "src/main.py": main}, "EXP623") == ["EXP623"]
    with pytest.raises(Exception, match="Could not override 'training.epochs'"):
        compose_cfg(write(tmp_path, {"config/config.yaml": config}), CLI + ["training.epochs=1"])
    plus = main.replace('"training.epochs=1"', '"+training.epochs=1"')
    assert codes({"config/config.yaml": config, "src/main.py": plus}, "EXP623") == []
    assert compose_cfg(write(tmp_path / "ok", {"config/config.yaml": config}), CLI + ["+training.epochs=1"]).training.epochs == 1


# -- EXP624: Hydra's working-directory change ------------------------------------------------
def _launcher(decorator_args: str, cwd_arg: str = "") -> str:
    return (
        '"""Launch."""\nimport subprocess\nimport sys\n\nimport hydra\nfrom hydra.utils import get_original_cwd\n\n\n'
        f'@hydra.main(config_path="../config", config_name="config"{decorator_args})\ndef main(cfg):\n'
        f'    subprocess.run([sys.executable, "-m", "src.train", f"run={{cfg.run}}", f"results_dir={{cfg.results_dir}}", f"mode={{cfg.mode}}"], check=True{cwd_arg})\n\n\n'
        'if __name__ == "__main__":\n    main()\n'
    )


STUB_TRAIN = 'print("TRAIN STARTED")\n'


@pytest.mark.parametrize(
    "args, cwd_arg, flagged",
    [
        ("", "", True),  # no version_base: Hydra 1.1 defaults, chdir on
        (', version_base="1.1"', "", True),
        (", version_base=None", "", False),  # the installed version's defaults: no chdir
        (', version_base="1.3"', "", False),
        ("", ", cwd=get_original_cwd()", False),
    ],
)
def test_exp624_chdir_per_version_base(tmp_path, args, cwd_arg, flagged):
    files = {"src/main.py": _launcher(args, cwd_arg)}
    assert codes(files, "EXP624") == (["EXP624"] if flagged else [])
    root = write(tmp_path, files)
    (root / "src" / "train.py").write_text(STUB_TRAIN)
    result = _run_main(root, *CLI)
    if flagged:
        assert result.returncode != 0 and re.search(r"No module named '?src", result.stderr)
    else:
        assert result.returncode == 0 and "TRAIN STARTED" in result.stdout


def test_exp624_run_dir_dot_keeps_the_directory(tmp_path):
    files = {"src/main.py": _launcher(""), "config/config.yaml": CONFIG + "hydra:\n  run:\n    dir: .\n"}
    assert codes(files, "EXP624") == []
    root = write(tmp_path, files)
    (root / "src" / "train.py").write_text(STUB_TRAIN)
    result = _run_main(root, *CLI)
    assert result.returncode == 0 and "TRAIN STARTED" in result.stdout


# -- EXP625: the defaults list ---------------------------------------------------------------
def test_exp625_missing_group_file(tmp_path):
    bad = {"config/config.yaml": CONFIG.replace("  - _self_\n", "  - _self_\n  - optimizer: adam\n")}
    assert codes(bad, "EXP625") == ["EXP625"]
    with pytest.raises(Exception, match="Could not find 'optimizer/adam'"):
        compose_cfg(write(tmp_path, bad), CLI)
    good = dict(bad, **{"config/optimizer/adam.yaml": "lr: 0.1\n"})
    assert codes(good, "EXP625") == []
    assert compose_cfg(write(tmp_path / "ok", good), CLI).optimizer.lr == 0.1


def test_exp625_interpolation_in_defaults(tmp_path):
    bad = {"config/config.yaml": CONFIG.replace("  - _self_\n", "  - runs: ${run}\n  - _self_\n")}
    assert codes(bad, "EXP625") == ["EXP625"]
    with pytest.raises(Exception, match="Error resolving interpolation"):
        compose_cfg(write(tmp_path, bad), CLI)


def test_exp625_run_default_is_overridden_on_the_command_line(tmp_path):
    # `- run: default` without config/run/default.yaml is fine: run=<id> replaces it.
    files = {"config/config.yaml": NESTED.replace("run: ???", "run: default")}
    assert codes(files, "EXP625", run_dir="config/run") == []
    assert compose_cfg(write(tmp_path, files, run_dir="config/run"), CLI).run.run_id == RUN_ID


# -- EXP626: the evaluate command line -------------------------------------------------------
def _evaluate(parser_lines: str) -> str:
    return (
        '"""Evaluate."""\nimport argparse\nimport json\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n'
        f'{parser_lines}    args = parser.parse_args()\n    print("IDS", json.loads(args.run_ids), args.results_dir)\n\n\n'
        'if __name__ == "__main__":\n    main()\n'
    )


@pytest.mark.parametrize("lines", [
    '    parser.add_argument("results_dir")\n    parser.add_argument("run_ids")\n',
    '    parser.add_argument("--results_dir", required=True)\n    parser.add_argument("--run_ids", required=True)\n',
])
def test_exp626_argparse_rejects_key_value_words(tmp_path, lines):
    files = {"src/evaluate.py": _evaluate(lines)}
    assert codes(files, "EXP626") == ["EXP626"]
    root = write(tmp_path, files)
    result = subprocess.run([sys.executable, "-m", "src.evaluate", "results_dir=/tmp/r", 'run_ids=["a", "b"]'], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0


def test_exp626_key_value_parser_accepts_the_documented_call(tmp_path):
    parser = (
        '"""Evaluate."""\nimport json\nimport sys\n\n\ndef main():\n'
        '    args = dict(word.partition("=")[::2] for word in sys.argv[1:])\n'
        '    print("IDS", json.loads(args["run_ids"]), args["results_dir"])\n\n\nif __name__ == "__main__":\n    main()\n'
    )
    assert codes({"src/evaluate.py": parser}, "EXP626") == []
    root = write(tmp_path, {"src/evaluate.py": parser})
    result = subprocess.run([sys.executable, "-m", "src.evaluate", "results_dir=/tmp/r", 'run_ids=["a", "b"]'], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "IDS ['a', 'b'] /tmp/r" in result.stdout


def test_python_dash_m_needs_no_src_init(tmp_path):
    """The reviewer's recurring claim is wrong: src is an implicit namespace package."""
    root = tmp_path / "b"
    (root / "src").mkdir(parents=True)
    (root / "src" / "helper.py").write_text("VALUE = 7\n")
    (root / "src" / "train.py").write_text("from .helper import VALUE\nprint('VALUE', VALUE)\n")
    result = subprocess.run([sys.executable, "-m", "src.train"], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "VALUE 7" in result.stdout


# -- EXP601: config_path is relative to the declaring file; config_name is required -----------
@pytest.mark.parametrize("args, expected", [
    ('config_path="../../config", config_name="config", version_base=None', "Primary config directory not found"),
    ('config_path="config", config_name="config", version_base=None', "Primary config directory not found"),
    ('config_path="..\\\\/config", config_name="config", version_base=None', "Primary config directory not found"),
    ('config_path="../config", version_base=None', "Could not override 'run'"),
])
def test_exp601_config_path_and_name(tmp_path, args, expected):
    files = {"src/main.py": _launcher("").replace('config_path="../config", config_name="config"', args)}
    assert codes(files, "EXP601") == ["EXP601"]
    root = write(tmp_path, files)
    (root / "src" / "train.py").write_text(STUB_TRAIN)
    result = _run_main(root, *CLI)
    assert result.returncode != 0 and expected in result.stderr


def test_exp601_config_path_from_the_file_not_the_cwd(tmp_path):
    """`../config` from src/main.py works even though the command runs from the bundle root."""
    files = {"src/main.py": _launcher(", version_base=None")}
    assert codes(files, "EXP601") == []
    root = write(tmp_path, files)
    (root / "src" / "train.py").write_text(STUB_TRAIN)
    result = _run_main(root, *CLI)
    assert result.returncode == 0 and "TRAIN STARTED" in result.stdout


SEED_004 = SEEDS / "004_b0f3cb42e9ef1522.txt"


@needs_shared(SEED_004)
def test_seed_004_is_not_ready_for_its_start_up_defects():
    from linter.loaders.promptlog import bundle_from_log_text

    bundle = bundle_from_log_text(SEED_004.read_text(encoding="utf-8"), str(SEED_004))
    settings = Settings(profile="hydra")
    result = Linter(builtin_plugins(), settings, file_settings=Settings()).lint(bundle)
    found = {(f.rule, f.path) for f in result.findings}
    assert not result.ready
    # the struct-mode merge of the run file and the positional evaluate arguments
    assert ("EXP622", "src/train.py") in found and ("EXP626", "src/evaluate.py") in found
    # hydra.run.dir: . keeps the working directory, so no chdir finding
    assert not any(rule == "EXP624" for rule, _ in found)


def test_exp621_empty_placeholder_section_does_not_receive_the_run(tmp_path):
    config = NESTED + "model: {}\n"
    bad = {"config/config.yaml": config, "src/main.py": _main_reading("cfg.model.name")}
    assert codes(bad, "EXP621", run_dir="config/run") == ["EXP621"]
    cfg = compose_cfg(write(tmp_path, bad, run_dir="config/run"), CLI)
    with pytest.raises(omegaconf.errors.ConfigAttributeError, match="not in struct"):
        cfg.model.name
