"""docs/limits.md and linter/limits.py agree, and every limit holds in time and memory."""
from __future__ import annotations

import json
import re
import resource
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # Each of these crashed LibCST (native stack overflow) behind the earlier guard:
    ("src/model.py", "if a:\n    pass\n" + "elif a:\n    pass\n" * 4_900),  # short lines, nested Ifs
    ("src/model.py", "x = " + " or ".join(["a"] * 20_000) + "\n"),  # one BoolOp in ast, nested in LibCST
    ("src/model.py", "x = 1" + "or 1" * 20_000 + "\n"),  # keywords glued to numbers
    ("src/model.py", "x = [a " + "for a in b " * 9_000 + "]\n"),  # comprehension clauses nest in LibCST
    ("src/model.py", 'x = "a"' + ' + """\n"""' * 9_000 + "\n"),  # one expression over 9,000 short lines
    ("src/model.py", "x = " + " ".join(['"a"'] * 20_000) + "\n"),  # adjacent strings, merged by ast
    ("src/model.py", 'x = f"{' + "+".join(["a"] * 20_000) + '}"\n'),  # inside an f-string
    ("src/model.py", "x = f\"{'a' " + "'a' " * 20_000 + '}"\n'),  # adjacent strings inside an f-string
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


CHAINS = {  # n -> a statement whose LibCST tree nests about n levels
    "unary": lambda n: "x = " + "-" * n + "1\n",
    "calls": lambda n: "f(" * n + ")" * n + "\n",
    "or": lambda n: "x = " + " or ".join(["a"] * n) + "\n",
    "comprehension": lambda n: "x = [a " + "for a in b " * n + "]\n",
    "elif": lambda n: "if a:\n    pass\n" + "elif a:\n    pass\n" * n,
    "if-else": lambda n: "x = " + "1 if a else " * n + "2\n",
}


def sample_sources():
    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "examples").rglob("*.py"))]
    sources += ["a = [[[[{1: (2, 3)}]]]]\nclass A:\n    def f(self): return self.b.c.d\n",
                "x = [i for i in range(3) if i for j in 'ab']\ny = {k: v for k, v in z for w in v}\n",
                "x = a and b or not c\nwhile x or y and z:\n    pass\n"]
    return sources + [make(n) for make in CHAINS.values() for n in (1, 2, 40)]


def test_ast_depth_never_exceeds_the_depth_of_libcsts_tree():
    """The CPython pre-check refuses a file whose ``_ast_depth`` is over the limit; the node
    index refuses one whose LibCST tree is. So the first must never exceed the second, or
    the pre-check would refuse a file the parse accepts."""
    import ast

    import libcst as cst

    from linter.parsing.python import _ast_depth
    from linter.parsing.walk import NodeIndex

    for source in sample_sources():
        assert _ast_depth(ast.parse(source)) <= NodeIndex(cst.parse_module(source)).depth, source[:80]


@pytest.mark.parametrize("kind", sorted(CHAINS))
def test_ast_depth_counts_chains_that_nest_in_libcst(kind):
    import ast

    from linter.parsing.python import _ast_depth

    shallow, deep = (_ast_depth(ast.parse(CHAINS[kind](n))) for n in (10, 110))
    assert deep - shallow >= 100


def test_shape_counts_brackets_of_code_only_as_the_tokenizer_does():
    import io
    import tokenize

    from linter.parsing.python import _shape

    def reference(source):
        depth = best = 0
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
                best = max(best, depth)
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
        return best

    sources = sample_sources() + [
        'x = "((((" + \'[[[\' + """\n{{{\n"""  # ((((\n',
        "x = r'\\\\' + f(b'(' , (u\"\\\"(\"))\n",
        's = """a\\"""(("""\nt = (1,\n     2)\n',
    ]
    for source in sources:
        assert _shape(source)[0] == reference(source), source[:80]


@pytest.mark.parametrize("text", [
    'x = "' + "(" * 150 + '"  # ' + "[" * 150 + "\ny = 1\n",  # brackets in a string and a comment
    "LABELS = [" + ", ".join(f'"class_{i}"' for i in range(1_000)) + "]\n",  # a long flat line
    "TABLE = {" + ", ".join(f"{i}: f'{{x}}_{i}'" for i in range(500)) + "}\n",
    "x = (a or b)\n" * 300 + "if a:\n    pass\n" + "elif b:\n    pass\n" * 120,
])
def test_long_or_flat_code_is_analysed(text):
    result = timed_lint(bomb("src/model.py", text))
    assert "EXP729" not in rules_at(result, "src/model.py")


def test_line_tokens_bound_what_nests_and_see_into_f_strings():
    from linter.parsing.python import _line_tokens

    assert _line_tokens("x = a.b(c)[d] + -e  # f(g(h(i)))") == (11, 0)
    assert _line_tokens("x = 'a' \"b\" '''c'''")[1] == 3
    assert _line_tokens("x = ['a', 'b', 'c'] + ['d']")[1] == 1
    plain, formatted = _line_tokens("x = '{a + b + c}'"), _line_tokens("x = f'{a + b + c}'")
    assert formatted[0] > plain[0]
    assert _line_tokens("x = f\"{'a' 'b' 'c' 'd'}\"")[1] == 4


def test_pre_check_prints_no_warnings_about_the_code(recwarn):
    """CPython warns about code like `1if x else 2`; exp-lint reports code through its rules,
    never through Python warnings on the user's terminal."""
    import warnings

    from linter.parsing.python import parse_python

    text = "x = 1if y else 2\nz = [" + ", ".join(map(str, range(300))) + "]\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would turn into a SyntaxError
        parsed = parse_python("src/model.py", text)
    assert parsed.error is None and parsed.module is not None
    assert not recwarn.list


_YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text("ab *&-:", max_size=4),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text("abc", max_size=3), children, max_size=4),
    max_leaves=40,
)


@settings(max_examples=200, deadline=None)
@given(_YAML_VALUES, st.sampled_from([None, True]))
def test_alias_free_size_is_the_general_walks(value, flow):
    """Without a `*` in the text, the plain walk gives what the alias-aware one gives."""
    import yaml

    from linter.parsing.yaml import _expanded_size, _tree_size

    root = yaml.compose(yaml.safe_dump(value, default_flow_style=flow))
    for budget in (5, 10_000):
        assert _tree_size(root, budget)[1] == _expanded_size(root, budget)[1]
        if _expanded_size(root, budget)[0] <= budget:
            assert _tree_size(root, budget) == _expanded_size(root, budget)
        else:
            assert _tree_size(root, budget)[0] > budget


def test_deep_block_yaml_without_aliases_is_refused():
    text = "".join(" " * i + "k:\n" for i in range(150)) + " " * 150 + "v\n"
    result = timed_lint(bomb("config/smoke_test.yaml", text))
    assert "EXP729" in rules_at(result, "config/smoke_test.yaml")


@pytest.mark.parametrize("text,rule", [
    ('"' + '\\"' * 190_000, "EXP104"),  # every quote opens a string that never ends: was quadratic
    ("x = '''" + "a\\" * 190_000, "EXP104"),
    ("'''" * 130_000, "EXP729"),  # 65,000 adjacent strings: one deep tree in LibCST
])
def test_hostile_strings_are_scanned_in_linear_time(text, rule):
    result = timed_lint(bomb("src/model.py", text))
    assert rule in rules_at(result, "src/model.py")
