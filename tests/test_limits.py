"""docs/limits.md and linter/limits.py agree, and every limit holds in time and memory."""
from __future__ import annotations

import json
import re
import resource
import time
from pathlib import Path

import pytest

from linter import limits
from linter.loaders import load_input, load_text
from linter.testing import builtin_plugins, minimal_files
from linter.engine import Linter
from linter.config import Settings

from conftest import ROOT, write_bundle

DOC = ROOT / "docs" / "limits.md"


def test_docs_list_every_limit_with_its_value():
    documented = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| `(MAX_\w+)` \| (\d+) \|", DOC.read_text(), re.M)}
    actual = {k: v for k, v in vars(limits).items() if k.startswith("MAX_")}
    assert documented == actual


def lint(bundle):
    return Linter(builtin_plugins(), Settings(), file_settings=Settings()).lint(bundle)


def timed_lint(files: dict[str, str], budget: float = 20.0):
    bundle = load_text(json.dumps({"files": files}), "<bomb>")
    start = time.perf_counter()
    result = lint(bundle)
    elapsed = time.perf_counter() - start
    assert elapsed < budget, f"took {elapsed:.1f}s"
    return result


def rules_at(result, path):
    return sorted({f.rule for f in result.findings if f.path == path})


def bomb(path, text):
    files = minimal_files("experiment")
    files[path] = text
    return files


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("path,text", [
    ("config/smoke_test.yaml", LAUGHS),
    ("config/smoke_test.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n"),  # crashed libyaml
    ("config/smoke_test.yaml", "a: " + "{b: " * 5_000 + "1" + "}" * 5_000 + "\n"),
    ("config/smoke_test.yaml", "".join(" " * i + "k:\n" for i in range(1_500)) + " " * 1_500 + "v\n"),
    ("src/model.py", "x = " + "-" * 100_000 + "1\n"),  # crashed LibCST (native stack overflow)
    ("src/model.py", "x = " + "not " * 20_000 + "1\n"),
    ("src/model.py", "x = a" + "()" * 50_000 + "\n"),  # hung LibCST (quadratic)
    ("src/model.py", "x = a" + ".b" * 50_000 + "\n"),
    ("src/model.py", "x = " + "+".join(["1"] * 50_000) + "\n"),
    ("src/model.py", "x = " + "1 if y else " * 20_000 + "1\n"),
    ("src/model.py", "x = " + "lambda: " * 20_000 + "1\n"),
    ("src/model.py", "x = " + " ".join(['"a"'] * 1_000) + "\n"),  # nests in LibCST, flat in the AST
    ("src/model.py", "x = " + " and ".join(["a"] * 1_000) + "\n"),
    ("src/model.py", "x = " + "(" * 5_000 + "1" + ")" * 5_000 + "\n"),
    ("src/model.py", "x = 1\n" * 50_000),  # 50,000 lines
])
def test_bombs_are_bounded_and_reported(path, text):
    result = timed_lint(bomb(path, text))
    assert "EXP729" in rules_at(result, path)
    assert not result.ready


def test_deep_indentation_is_a_syntax_error_not_a_crash():
    text = "".join(" " * i + "if x:\n" for i in range(150)) + " " * 150 + "pass\n"
    result = timed_lint(bomb("src/model.py", text))
    assert rules_at(result, "src/model.py") == ["EXP104"]


def test_fifty_megabyte_file_is_not_read_and_memory_stays_bounded(tmp_path):
    root = write_bundle(tmp_path / "b", minimal_files("experiment"))
    with open(root / "src" / "model.py", "wb") as handle:
        handle.write(b"x = 1\n" * (50_000_000 // 6))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = lint(load_input(str(root)))
    assert time.perf_counter() - start < 10
    assert "EXP729" in rules_at(result, "src/model.py")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"memory grew by {grown_mb:.0f} MB"


def test_bundle_with_ten_thousand_files(tmp_path):
    files = minimal_files("experiment")
    for i in range(10_000):
        files[f"config/extra/c{i:05d}.yaml"] = f"value: {i}\n"
    start = time.perf_counter()
    from_json = load_text(json.dumps({"files": files}), "<many>")
    root = tmp_path / "b"
    write_bundle(root, files)
    from_dir = load_input(str(root))
    for bundle in (from_json, from_dir):
        assert len(bundle.files) <= limits.MAX_FILES
        result = lint(bundle)
        assert "EXP108" in {f.rule for f in result.findings}
    assert time.perf_counter() - start < 60


def test_python_budget_per_bundle_is_in_path_order():
    files = minimal_files("experiment")
    chunk = ("x = '" + "a" * 300 + "'\n") * 1_000  # 306 kB each: under the per-file limits
    for i in range(6):
        files[f"src/extra_{i:02d}.py"] = chunk
    result = timed_lint(files, budget=60)
    limited = sorted({f.path for f in result.findings if f.rule == "EXP729"})
    assert limited and limited == sorted(limited)
    assert "src/extra_00.py" not in limited


def test_ast_depth_is_the_depth_iter_child_nodes_gives():
    import ast

    from linter.parsing.python import _ast_depth

    def reference(tree):
        best, stack = 0, [(tree, 1)]
        while stack:
            node, depth = stack.pop()
            best = max(best, depth)
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
        return best

    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "examples").rglob("*.py"))]
    sources += ["x = " + "-" * 150 + "1\n", "f(" * 90 + ")" * 90 + "\n", "a = [[[[{1: (2, 3)}]]]]\nclass A:\n    def f(self): return self.b.c.d\n"]
    depths = [_ast_depth(ast.parse(s)) for s in sources]
    assert depths == [reference(ast.parse(s)) for s in sources]
    assert max(depths) > 150  # the deep cases really are deep
