"""The static path evaluator, on its own: many spellings of the same path."""
from __future__ import annotations

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.facts.paths import Hole, PathEvaluator, PathPattern, glob_intersects
from linter.parsing.walk import NodeIndex


def evaluate(source: str, target: str = "TARGET") -> str:
    """The pattern of the argument of the call ``TARGET(...)`` in ``source``."""
    index = NodeIndex(cst.parse_module(source))
    evaluator = PathEvaluator(index)
    calls = [c for c in index.of(cst.Call) if isinstance(c.func, cst.Name) and c.func.value == target]
    assert len(calls) == 1, "the test source must call TARGET once"
    return str(evaluator.evaluate(calls[0].args[0].value, at=calls[0]))


@pytest.mark.parametrize(
    "source, expected",
    [
        ('TARGET("out/results.json")\n', "out/results.json"),
        ('TARGET("out/" "results.json")\n', "out/results.json"),
        ('def f(d):\n    TARGET(f"{d}/results.json")\n', "{d}/results.json"),
        ('def f(d, r):\n    TARGET(f"{d}/{r}_metrics.json")\n', "{d}/{r}_metrics.json"),
        ('import os\ndef f(args):\n    TARGET(os.path.join(args.results_dir, "results.json"))\n', "{results_dir}/results.json"),
        ('import os.path as osp\ndef f(d):\n    TARGET(osp.join(d, "a", "results.json"))\n', "{d}/a/results.json"),
        ('from pathlib import Path\ndef f(d):\n    TARGET(Path(d) / "results.json")\n', "{d}/results.json"),
        ('from pathlib import Path\ndef f(d, run_id):\n    TARGET(Path(d) / run_id / "results.json")\n', "{d}/{run_id}/results.json"),
        ('from pathlib import Path\ndef f(d):\n    TARGET(Path(d, "x", "results.json"))\n', "{d}/x/results.json"),
        ('from pathlib import Path\ndef f(d):\n    TARGET(Path(d).joinpath("x", "results.json"))\n', "{d}/x/results.json"),
        ('RESULTS = "results.json"\ndef f(d):\n    TARGET(d / RESULTS)\n', "{d}/results.json"),
        ('ROOT = "out"\nNAME = f"{ROOT}/results.json"\nTARGET(NAME)\n', "out/results.json"),
        ('def f(d):\n    path = d / "results.json"\n    TARGET(path)\n', "{d}/results.json"),
        ('def f(d):\n    run_dir = d / "r1"\n    path = run_dir / "results.json"\n    TARGET(str(path))\n', "{d}/r1/results.json"),
        ('def f(d):\n    path = d / "a.json"\n    path = d / "b.json"\n    TARGET(path)\n', "{path}"),
        ('def f(d):\n    path = "a.json"\n    path += ".bak"\n    TARGET(path)\n', "{path}"),
        ('def f(path):\n    TARGET(path)\n', "{path}"),
        ('def f(d):\n    TARGET((d / "results").with_suffix(".json"))\n', "{d}/results.json"),
        ('import os\ndef f(p):\n    TARGET(os.path.join(os.path.dirname(p), "x.json"))\n', "{p}/x.json".replace("{p}/", "{parent}/")),
        ('def f(d):\n    TARGET("{}/results.json".format(d))\n', "{?}/results.json"),
        ('def f(d):\n    TARGET("%s/results.json" % d)\n', "{%}/results.json"),
        ('def f(root):\n    for run_dir in root.iterdir():\n        TARGET(run_dir / "results.json")\n', "{root}/{*}/results.json"),
        ('def f(root):\n    for p in sorted(root.glob("*/results.json")):\n        TARGET(p)\n', "{root}/{*}/results.json"),
        ('import glob, os\ndef f(root):\n    for p in glob.glob(os.path.join(root, "*", "m.csv")):\n        TARGET(p)\n', "{root}/{*}/m.csv"),
        ('def f(cfg):\n    TARGET(cfg["output_dir"] + "/results.json")\n', "{output_dir}/results.json"),
        ('def f(d):\n    TARGET(d / "/abs/results.json")\n', "/abs/results.json"),
    ],
)
def test_spellings(source, expected):
    assert evaluate(source) == expected


def test_module_constant_shadowed_by_parameter_is_unknown():
    assert evaluate('NAME = "a.json"\ndef f(NAME):\n    TARGET(NAME)\n') == "{NAME}"


def test_module_constant_assigned_twice_is_unknown():
    assert evaluate('NAME = "a.json"\nNAME = "b.json"\ndef f():\n    TARGET(NAME)\n') == "{NAME}"


def test_self_reference_does_not_loop():
    assert evaluate('def f():\n    p = p / "x.json"\n    TARGET(p)\n') in ("{p}/x.json", "{p}")


def test_enclosing_function_binding():
    source = 'def outer(d):\n    out = d / "results.json"\n    def inner():\n        TARGET(out)\n'
    assert evaluate(source) == "{d}/results.json"


def test_pattern_names_and_suffix():
    pattern = PathPattern.of(Hole("d"), "/", Hole("run"), "_results.json")
    assert pattern.name_glob == "*_results.json"
    assert pattern.known_name is None
    assert pattern.suffix == ".json"
    assert PathPattern.of(Hole("d"), "/results.json").known_name == "results.json"
    assert PathPattern.of("a/b/c.json").parent().tokens == ("a/b",)
    assert PathPattern.of("*/results.json").as_glob().tokens == (Hole("*"), "/results.json")


@pytest.mark.parametrize(
    "a, b, meets",
    [
        ("results.json", "results.json", True),
        ("results.json", "history.json", False),
        ("*.json", "results.json", True),
        ("*_results.json", "results.json", False),
        ("*_results.json", "run*.json", True),
        ("*", "x", True),
        ("a*b", "*c", False),
    ],
)
def test_glob_intersects(a, b, meets):
    assert glob_intersects(a, b) is meets


def test_origin_is_the_literal_that_names_the_file():
    source = 'def f(d):\n    path = d / "results.json"\n    TARGET(path)\n'
    module = cst.parse_module(source)
    index = NodeIndex(module)
    call = [c for c in index.of(cst.Call) if isinstance(c.func, cst.Name) and c.func.value == "TARGET"][0]
    pattern = PathEvaluator(index).evaluate(call.args[0].value, at=call)
    assert isinstance(pattern.origin, cst.SimpleString) and pattern.origin.value == '"results.json"'


def _brute_intersects(a: str, b: str) -> bool:
    """Some string over the patterns' letters (plus one other) of bounded length matches both."""
    import fnmatch
    import itertools

    letters = sorted(set((a + b).replace("*", ""))) + ["#"]
    for n in range(len(a) + len(b) + 1):
        for chars in itertools.product(letters, repeat=n):
            s = "".join(chars)
            if fnmatch.fnmatchcase(s, a) and fnmatch.fnmatchcase(s, b):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.text("ab*", max_size=4), st.text("ab*", max_size=4))
def test_glob_intersects_agrees_with_brute_force(a, b):
    assert glob_intersects(a, b) is _brute_intersects(a, b)


def test_glob_intersects_long_patterns_do_not_recurse():
    long = "a*" * 5_000
    assert glob_intersects(long, "a" * 5_000) is True
    assert glob_intersects(long + "b", "*c") is False
