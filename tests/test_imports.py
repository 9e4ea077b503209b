"""EXP30x: imports, names and dependencies; their fact tables; the seeds' import defects."""
from __future__ import annotations

import json

import pytest

from linter.bundle import Bundle
from linter.facts.dependencies import Dependencies, highest_allowed, normalise, parse_requirement, resolves_into
from linter.facts.imports import Imports
from linter.facts.scopes import Scopes
from linter.source import from_text
from linter.testing import builtin_plugins, lint_example
from linter.rule import Example
from rules.imports import builtin_import_map, builtin_removed_apis

from conftest import SEEDS, needs_shared, run_cli


def bundle_of(files: dict[str, str]) -> Bundle:
    return Bundle({p: from_text(p, t) for p, t in files.items()}, origin="<test>")


def undefined(source: str, extra: dict[str, str] | None = None) -> list[tuple[int, str]]:
    files = {"src/evaluate.py": source, **(extra or {})}
    bundle = bundle_of(files)
    parsed = bundle.python("src/evaluate.py")
    return [(parsed.span(u.node)[0], u.name) for u in bundle.fact(Scopes).undefined if u.path == "src/evaluate.py"]


# -- scope analysis ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "source",
    [
        "def f(a, *args, b=1, **kw):\n    return a, args, b, kw\n",
        "x = [i for i in range(3) if i]\ny = {k: v for k, v in {}.items()}\nz = (j for j in x)\n",
        "class A:\n    N = 2\n    M = [n for n in range(N)]\n",
        "def f():\n    global G\n    G = 1\n\n\ndef g():\n    return G\n",
        "def f():\n    x = 0\n\n    def g():\n        nonlocal x\n        x += 1\n    return g\n",
        "if (n := 3) > 2:\n    print(n)\n",
        "try:\n    import numpy as xp\nexcept ImportError:\n    xp = None\n",
        "def f():\n    try:\n        pass\n    except Exception as e:\n        return e\n",
        "import os.path\nprint(os.getcwd(), __file__, __name__, __spec__, __builtins__)\n",
        "from __future__ import annotations\n\n\ndef f(x: Missing) -> AlsoMissing:\n    return x\n",
        "def f(x: 'Later') -> None:\n    v: Unknown = 1\n    return v\n",
        "class Point:\n    x = 0\n\n\nmatch {'a': 1}:\n    case {'a': value, **rest}:\n        print(value, rest)\n    case [first, *others]:\n        print(first, others)\n    case Point(x=px) as whole:\n        print(px, whole)\n",
        "def outer():\n    def inner():\n        return later\n    later = 1\n    return inner\n",
        "lam = lambda q, r=1: q + r\n",
        "exec('z = 1')\nprint(z)\n",
        "for i in range(3):\n    if i:\n        print(prev)\n    prev = i\n",
        "class A:\n    def m(self):\n        return __class__\n",
        "try:\n    long_type = long\nexcept NameError:\n    long_type = int\n",
        "with open('f') as (fh):\n    print(fh)\n",
        "import a.b.c\nprint(a)\n",
    ],
)
def test_valid_scopes(source):
    assert undefined(source) == []


@pytest.mark.parametrize(
    "source,expected",
    [
        ("def f(t):\n    return tensor\n", [(2, "tensor")]),
        ("class A:\n    N = 1\n\n    def m(self):\n        return N\n", [(5, "N")]),
        ("class A:\n    N = 1\n    M = [N for _ in range(2)]\n", [(3, "N")]),
        ("[i for i in range(3)]\nprint(i)\n", [(2, "i")]),
        ("try:\n    pass\nexcept Exception as e:\n    pass\nprint(e)\n", [(5, "e")]),
        ("def f(x: Missing):\n    return x\n", [(1, "Missing")]),
        ("def f():\n    print(y)\n    y = 1\n", [(2, "y")]),
        ("print(late)\nlate = 1\n", [(1, "late")]),
        ("def f():\n    x += 1\n", [(2, "x")]),
        ("del never\n", [(1, "never")]),
        ("def f():\n    global H\n    return H\n", [(3, "H")]),
    ],
)
def test_undefined_scopes(source, expected):
    assert undefined(source) == expected


def test_star_import_from_bundle_module_and_from_elsewhere():
    extra = {"src/model.py": "def build():\n    return 1\n_private = 2\n"}
    assert undefined("from .model import *\nprint(build())\n", extra) == []
    assert undefined("from .model import *\nprint(_private)\n", extra) == [(2, "_private")]
    assert undefined("from numpy import *\nprint(anything)\n") == []


# -- imports and dependencies -----------------------------------------------------------------------

def test_import_records_flags():
    bundle = bundle_of({"src/train.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas\ntry:\n    import wandb\nexcept ImportError:\n    wandb = None\nfrom ..x import y\nimport importlib\nm = importlib.import_module('sklearn.metrics')\n"})
    records = {r.module or r.written(): r for r in bundle.fact(Imports).all()}
    assert records["pandas"].type_checking and not records["wandb"].type_checking
    assert records["wandb"].guarded and not records["pandas"].guarded
    assert records["sklearn.metrics"].dynamic
    assert records["x"].absolute("src") is None  # beyond the top-level package


def test_requirement_names_and_versions():
    assert parse_requirement("scikit_learn[alldeps] >=1.2 ; python_version>'3.8'") == ("scikit_learn", ">=1.2")
    assert parse_requirement("torch @ https://example.org/torch.whl") == ("torch", "")
    assert normalise("Scikit__Learn.x") == "scikit-learn-x"
    assert highest_allowed(">=1.20,<1.24") == (1, 24, 0, 0, 0)
    assert highest_allowed("~=1.4") == (2, 0, 0, 0, 0)
    assert highest_allowed("^0.2.3") == (0, 3, 0, 0, 0)
    assert resolves_into("", "1.24") and resolves_into(">=1.0", "1.24")
    assert not resolves_into("<1.24", "1.24") and not resolves_into("==1.23.5", "1.24")
    assert resolves_into("<=1.24", "1.24") and resolves_into("==1.24.*", "1.24")
    assert not resolves_into(">=1.20", "1.24", restored_in="2.0") and resolves_into("<2", "1.24", restored_in="2.0")


def test_dependencies_from_every_table():
    pyproject = (
        '[project]\nname = "x"\ndependencies = ["torch>=2"]\n[project.optional-dependencies]\nviz = ["Seaborn"]\n'
        '[dependency-groups]\ndev = ["pytest", {include-group = "viz"}]\n'
        '[tool.poetry.dependencies]\npython = "^3.10"\nPyYAML = "^6"\n[tool.poetry.group.plots.dependencies]\nplotly = "*"\n'
    )
    deps = bundle_of({"pyproject.toml": pyproject}).fact(Dependencies)
    assert deps.known and sorted(deps.declared) == ["plotly", "pytest", "pyyaml", "seaborn", "torch"]
    table = bundle_of({"pyproject.toml": "[project.dependencies]\ntorch = '*'\nnumpy = '<2'\n"}).fact(Dependencies)
    assert table.known and sorted(table.declared) == ["numpy", "torch"] and table.declared["numpy"][0].spec == "<2"
    assert not bundle_of({"pyproject.toml": ""}).fact(Dependencies).known


def test_tables_are_served_through_the_hooks():
    plugins = builtin_plugins()
    assert plugins.import_map["sklearn"] == "scikit-learn" and plugins.import_map == builtin_import_map()
    assert any(e["name"] == "load_metric" and e["removed_in"] == "3.0.0" for e in plugins.removed_apis)
    assert len(plugins.removed_apis) == len(builtin_removed_apis())
    for entry in plugins.removed_apis:
        assert {"module", "name", "distribution", "removed_in", "replacement"} <= set(entry)


def test_transitive_dependency_is_a_warning_and_direct_is_an_error():
    files = {"pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["torch", "pyyaml", "matplotlib", "hydra-core"]\n',
             "src/evaluate.py": "import numpy\nfrom omegaconf import OmegaConf\nimport sklearn\n"}
    findings = lint_example(Example(files), select=["EXP304"])
    got = sorted((f.line, f.severity.value) for f in findings if f.path == "src/evaluate.py")
    # numpy comes with matplotlib, omegaconf with hydra-core: warnings; sklearn: an error.
    assert got == [(1, "warning"), (2, "warning"), (3, "error")]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from sklearn import svm\nimport sklearn.metrics\n", (1, 1)),  # records list `import` first
        ("from sklearn import svm; import sklearn.metrics\n", (1, 26)),  # one line: the first record wins
        ("import sklearn.metrics; from sklearn import svm\n", (1, 1)),
        ("from sklearn import svm; \\\nimport sklearn.metrics\n", (1, 1)),  # one statement line, two lines
        ("import importlib\n\n\ndef f():\n    import sklearn\n    return importlib.import_module('sklearn.svm')\n\n\nfrom sklearn import svm\n", (5, 5)),
        ("import sklearn, sklearn.svm\nfrom sklearn import svm\n", (1, 1)),
    ],
)
def test_undeclared_dependency_reported_at_first_import(source, expected):
    findings = lint_example(Example({"src/evaluate.py": source}), select=["EXP304"])
    assert [(f.line, f.column) for f in findings if f.path == "src/evaluate.py"] == [expected]


def test_import_map_from_configuration(tmp_path):
    from conftest import write_bundle

    files = {
        "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["torch", "numpy", "pyyaml", "matplotlib", "my-dist"]\n'
                          '[tool.exp-lint.import-map]\nmymod = "my-dist"\n',
        "src/evaluate.py": "import matplotlib\nimport mymod\n",
    }
    for path, text in __import__("linter.testing", fromlist=["minimal_files"]).minimal_files("experiment").items():
        files.setdefault(path, text)
    root = write_bundle(tmp_path / "b", files)
    out = run_cli(str(root), "--select", "EXP304,EXP305", "--format", "json")
    findings = json.loads(out.stdout)["results"][0]["findings"]
    assert [f["message"] for f in findings] == []


# -- the seeds -----------------------------------------------------------------------------------

@needs_shared(SEEDS)
def test_seed_004_missing_surrogate_module():
    seed = next(SEEDS.glob("004_*.txt"))
    out = run_cli(str(seed), "--format", "json")
    result = json.loads(out.stdout)["results"][0]
    assert result["ready"] is False
    hits = [f for f in result["findings"] if f["rule"] == "EXP301"]
    assert [(f["path"], f["line"]) for f in hits] == [("src/train.py", 24)]
    assert "src/surrogate.py" in hits[0]["message"]


@needs_shared(SEEDS)
def test_seed_001_undefined_tensor():
    seed = next(SEEDS.glob("001_*.txt"))
    out = run_cli(str(seed), "--format", "json", "--select", "EXP303")
    findings = json.loads(out.stdout)["results"][0]["findings"]
    assert [(f["path"], f["line"]) for f in findings] == [("src/model.py", 24), ("src/model.py", 27), ("src/model.py", 27), ("src/model.py", 30)]
    assert all("`tensor`" in f["message"] for f in findings)


_SCOPES_SAMPLE = '''
import os
from typing import Any
GLOBAL = 1

def f(a, *args, b=GLOBAL, **kw) -> Any:
    global GLOBAL
    x = [a, *args] + list((b, kw)) * -a
    if a and not b or a is not None:
        y = {k: v for k, v in kw.items() if v}
    elif a < b <= x[0] != 3 in x:
        y = {"k": a, **kw}
    else:
        y = {a, b}
    for i in range(len(x)):
        while i > 0:
            i -= 1
            try:
                z = x[i:-1:2][::a]
            except (KeyError, NameError) as e:
                print(e, f"{z!r:>{a}} {y[a]}")
                break
            finally:
                pass
    print(u, lambda q=a: q + os.sep, (w := a), ...)
    return x[a] if a else y, 1j


class C(dict):
    attr: int = GLOBAL
    def m(self):
        return self.attr, attr
'''


def test_scope_fast_paths_match_the_generic_walk():
    """The analyzer's per-type fast paths read the same names, in the same order, as child_nodes."""
    import libcst as cst

    from linter.facts import scopes

    module = cst.parse_module(_SCOPES_SAMPLE)
    fast = scopes._Analyzer("m.py", module)
    generic = scopes._Analyzer("m.py", module)
    plain = {cst.Name, cst.Attribute, cst.Arg, cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.ListComp, cst.SetComp,
             cst.GeneratorExp, cst.DictComp, cst.NamedExpr, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For,
             cst.While, cst.With, cst.Try, cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal, cst.MatchAs,
             cst.MatchStar, cst.MatchMapping, cst.MatchKeywordElement, cst.TypeAlias, cst.SimpleString, cst.Integer,
             cst.Float, getattr(cst, "TryStar", cst.Try)}
    generic._dispatch = {t: h for t, h in generic._dispatch.items() if t in plain}
    assert len(fast._dispatch) > len(generic._dispatch)
    fast.run(module)
    generic.run(module)

    def uses(a):
        return [(u.name, id(u.node), u.order, u.handlers, u.loops, u.scope.kind, u.scope.name) for u in a.uses]

    def where(scope):
        return scope.kind, scope.name, sorted(scope.bindings), sorted(scope.globals), sorted(scope.where.items())

    assert uses(fast) == uses(generic)
    assert len(uses(fast)) > 40
    assert where(fast.module_scope) == where(generic.module_scope)
    assert sorted(map(where, {id(u.scope): u.scope for u in fast.uses}.values())) == \
        sorted(map(where, {id(u.scope): u.scope for u in generic.uses}.values()))


def test_first_prefix_is_the_first_table_entry_that_is_a_dotted_prefix():
    from rules.imports import _first_prefix

    entries = {"numpy.float": {"n": 1}, "torch._six": {"n": 2}, "numpy": {"n": 3}, "a.b": {"n": 4}}
    rank = {k: i for i, k in enumerate(entries)}
    assert _first_prefix(entries, rank, "numpy.float.x") is entries["numpy.float"]  # first in table order
    assert _first_prefix(entries, rank, "numpy.int") is entries["numpy"]
    assert _first_prefix(entries, rank, "torch._six.string_classes") is entries["torch._six"]
    assert _first_prefix(entries, rank, "numpyx.float") is None  # a prefix ends at a dot
    assert _first_prefix(entries, rank, "a.bc") is None and _first_prefix(entries, rank, "numpy") is None
