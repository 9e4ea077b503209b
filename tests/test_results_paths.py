"""Paths relative to the results directory: the resolver behind EXP401's folder contract."""
from __future__ import annotations

import libcst as cst
import pytest

from linter.facts.io import ONE, FileIO, relative_to_root, root_offsets
from linter.facts.paths import PathEvaluator
from linter.parsing.walk import NodeIndex
from linter.rule import Valid
from linter.testing import example_bundle, minimal_files, patched


def relative(source: str):
    """relative_to_root of the argument of the one ``TARGET(...)`` call in ``source``."""
    index = NodeIndex(cst.parse_module(source))
    call = next(c for c in index.of(cst.Call) if isinstance(c.func, cst.Name) and c.func.value == "TARGET")
    return relative_to_root(PathEvaluator(index).evaluate(call.args[0].value, at=call))


@pytest.mark.parametrize(
    "source, expected",
    [
        # literals and f-strings
        ('def f(results_dir):\n    TARGET(f"{results_dir}/results.json")\n', ((), "results.json")),
        ('def f(results_dir, run_id):\n    TARGET(f"{results_dir}/{run_id}/results.json")\n', ((ONE,), "results.json")),
        ('def f(results_dir, run_id):\n    TARGET(results_dir + "/" + run_id + "/results.json")\n', ((ONE,), "results.json")),
        # os.path.join and argparse
        ('import os\ndef f(args):\n    TARGET(os.path.join(args.results_dir, "results.json"))\n', ((), "results.json")),
        ('import os\ndef f(args, rid):\n    TARGET(os.path.join(args.results_dir, rid, "results.json"))\n', ((ONE,), "results.json")),
        # Path / "x", Path(a, b), joinpath
        ('from pathlib import Path\ndef f(args, run_id):\n    TARGET(Path(args.results_dir) / run_id / "results.json")\n', ((ONE,), "results.json")),
        ('from pathlib import Path\ndef f(cfg):\n    TARGET(Path(cfg.results_dir, "runs", "results.json"))\n', (("runs",), "results.json")),
        ('from pathlib import Path\ndef f(output_dir, r):\n    TARGET(Path(output_dir).joinpath(r, "metrics.csv"))\n', ((ONE,), "metrics.csv")),
        # module constants and names assigned once
        ('NAME = "results.json"\ndef f(results_dir, run_id):\n    TARGET(results_dir / run_id / NAME)\n', ((ONE,), "results.json")),
        ('def f(results_dir, run_id):\n    run_dir = results_dir / run_id\n    path = run_dir / "results.json"\n    TARGET(path)\n', ((ONE,), "results.json")),
        # globs: one folder per run
        ('def f(results_dir):\n    for p in sorted(results_dir.glob("*/results.json")):\n        TARGET(p)\n', ((ONE,), "results.json")),
        ('import glob, os\ndef f(results_dir):\n    for p in glob.glob(os.path.join(results_dir, "*", "results.json")):\n        TARGET(p)\n', ((ONE,), "results.json")),
        ('def f(results_dir):\n    for d in results_dir.iterdir():\n        TARGET(d / "results.json")\n', ((ONE,), "results.json")),
        ('import os\ndef f(args):\n    for name in os.listdir(args.results_dir):\n        TARGET(os.path.join(args.results_dir, name, "results.json"))\n', ((ONE,), "results.json")),
        ('def f(results_dir):\n    TARGET(results_dir / "./results.json")\n', ((), "results.json")),
    ],
)
def test_paths_under_the_results_directory(source, expected):
    assert relative(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        'def f(run_dir):\n    TARGET(run_dir / "results.json")\n',  # not the results root
        'def f(results_dir, sub_dir):\n    TARGET(results_dir / sub_dir / "results.json")\n',  # a folder of unknown depth
        'def f(results_dir):\n    TARGET(results_dir.rglob("results.json"))\n',  # any depth
        'def f(results_dir):\n    TARGET(results_dir / ".." / "results.json")\n',
        'TARGET("results/results.json")\n',  # a relative literal: not the --results-dir
        'def f(results_dir, path):\n    TARGET(results_dir / path)\n',  # the name is a path
    ],
)
def test_unknown_depth_or_root_is_none(source):
    assert relative(source) is None


def _offsets(main: str | None = None) -> dict:
    files = {} if main is None else {"src/main.py": main}
    bundle = example_bundle(Valid(files))
    return root_offsets(bundle, bundle.fact(FileIO).evaluators)


def test_minimal_bundle_passes_the_same_root_to_train_and_evaluate():
    assert _offsets() == {"src/evaluate.py": (), "src/train.py": ()}


def test_main_passing_a_per_run_folder_to_train():
    main = patched("experiment", "src/main.py", ('            "--results-dir", str(results_dir),\n', '            "--results-dir", str(results_dir / run["run_id"]),\n'))
    assert _offsets(main) == {"src/evaluate.py": (), "src/train.py": (ONE,)}


def test_main_passing_an_f_string_per_run_folder():
    main = patched("experiment", "src/main.py", ('            "--results-dir", str(results_dir),\n', '            "--results-dir", f"{args.results_dir}/{run[\'run_id\']}",\n'))
    assert _offsets(main)["src/train.py"] == (ONE,)


def test_main_passing_an_unknown_folder_gives_no_offset():
    main = patched("experiment", "src/main.py", ('            "--results-dir", str(results_dir),\n', '            "--results-dir", str(make_dir(run)),\n'))
    assert "src/train.py" not in _offsets(main)


def test_main_without_a_results_dir_flag_gives_no_offsets():
    main = minimal_files("experiment")["src/main.py"].replace('"--results-dir", str(results_dir)', '"--out", str(results_dir)')
    assert _offsets(main) == {}


def test_write_and_read_formats_are_known():
    bundle = example_bundle(Valid())
    facts = bundle.fact(FileIO)
    written = {w.pattern.known_name: w.fmt for w in facts.writes("src/train.py")}
    read = {r.pattern.known_name: r.fmt for r in facts.reads("src/evaluate.py") if r.api == "open"}
    assert written == {"model.pt": "torch", "results.json": "json"}
    assert read == {"results.json": "json"}


_EVAL_PARAM = '''import argparse
import json
from pathlib import Path


def load(results_dir: Path) -> dict:
    with open(results_dir / "results.json") as handle:
        return json.load(handle)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results-dir", required=True)
    args = parser.parse_args()
    CALLS
'''


def _rooted_reads(calls: str):
    from linter.facts.io import rooted

    bundle = example_bundle(Valid({"src/evaluate.py": _EVAL_PARAM.replace("CALLS", calls)}))
    facts = bundle.fact(FileIO)
    return [rooted(facts, bundle, r) for r in facts.reads("src/evaluate.py") if r.api == "open"]


def test_a_results_dir_parameter_is_followed_to_its_callers():
    assert _rooted_reads("print(load(Path(args.results_dir)))") == [((), "results.json")]
    assert _rooted_reads('print(load(Path(args.results_dir) / "runs"))') == [(("runs",), "results.json")]
    assert _rooted_reads('print(load(Path(args.results_dir) / "final"))\n    print(load(Path(args.results_dir) / "final"))') == [(("final",), "results.json")]


def test_callers_that_disagree_or_are_unknown_give_none():
    assert _rooted_reads('print(load(Path(args.results_dir) / "a"), load(Path(args.results_dir)))') == [None]
    assert _rooted_reads("print(load(Path(args.cache)))") == [None]


def test_a_method_call_of_the_same_name_is_not_a_caller():
    assert _rooted_reads("print(load(Path(args.results_dir)), json.load)") == [((), "results.json")]
