"""EXP30x: imports, names and dependencies: the defects that crash a run in its first second."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import libcst as cst

from linter.facts.dependencies import Dependencies, normalise, resolves_into
from linter.facts.imports import ImportRecord, Imports, is_stdlib, package_of
from linter.facts.scopes import Scope, Scopes
from linter.facts.memo import shared
from linter.findings import Severity
from linter.parsing.cst_helpers import dotted_name
from linter.rule import Invalid, Report, Rule, Valid

DATA = Path(__file__).parent / "data"


def _close_matches(word: str, candidates, n: int, cutoff: float) -> list[str]:
    import difflib  # only for a suggestion in a finding: most runs never need it

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)


@lru_cache(maxsize=None)
def _table(name: str) -> dict:
    with open(DATA / name, "rb") as handle:
        return tomllib.load(handle)


def builtin_import_map() -> dict[str, str | list[str]]:
    return dict(_table("import_map.toml")["imports"])


def builtin_removed_apis() -> list[dict[str, str]]:
    return [dict(e) for e in _table("removed_apis.toml")["removed"]]


@lru_cache(maxsize=None)  # from a packaged table: the same for every bundle (read-only)
def _transitive() -> dict[str, tuple[str, ...]]:
    return {normalise(k): tuple(normalise(v) for v in vs) for k, vs in _table("import_map.toml")["transitive"].items()}


@lru_cache(maxsize=None)
def _runtime_only() -> frozenset[str]:
    return frozenset(normalise(n) for n in _table("import_map.toml")["runtime-only"]["names"])


def _file_of(module: str) -> str:
    return module.replace(".", "/") + ".py"


def _node_of(record: ImportRecord, name: str | None = None) -> cst.CSTNode:
    if name is not None and isinstance(record.node, cst.ImportFrom) and not isinstance(record.node.names, cst.ImportStar):
        for alias in record.node.names:
            if dotted_name(alias.name) == name:
                return alias
    return record.node


def _executed(record: ImportRecord) -> bool:
    return not record.type_checking


# -- EXP301 ---------------------------------------------------------------------------------

def missing_modules(bundle) -> Iterable[tuple[ImportRecord, str, str]]:
    """(record, module name, missing file) for bundle-module imports that resolve to no file."""
    imports = bundle.fact(Imports)
    for record in imports.all():
        if not _executed(record) or record.guarded:
            continue
        package = package_of(record.path)
        if record.level and not package:
            continue  # a relative import outside any package: not the bundle's own layout
        target = record.absolute(package)
        if target is None:
            continue
        top = target.split(".")[0]
        if record.level == 0 and not imports.is_bundle_package(top):
            continue  # third-party, standard library or a script-style sibling import
        parts = target.split(".")
        missing = None
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if imports.resolve(prefix) is None and not imports.is_package(prefix):
                missing = prefix
                break
        if missing is not None:
            yield record, missing, _file_of(missing)
            continue
        if record.is_from and not record.star and imports.is_package(target) and imports.resolve(target) is None:
            # `from src import model` with no src/__init__.py: each name must be a module file.
            for name, _ in record.names or ():
                sub = f"{target}.{name}"
                if imports.resolve(sub) is None and not imports.is_package(sub):
                    yield record, sub, _file_of(sub)


class MissingLocalModule(Rule):
    """## What it does
    Checks that every import of the bundle's own modules resolves to a file of the bundle:
    relative imports (`from .surrogate import fit`, `from . import model`) and absolute
    imports of the bundle's package (`from src.model import Net`, `import src.preprocess`).
    Imports under `if TYPE_CHECKING:` and imports inside `try: ... except ImportError:`
    (which have a fallback) are not checked.

    ## Why is this bad?
    The import runs when the module loads: the run stops at once with
    `ModuleNotFoundError`, before any training. Generators often import a helper module
    (`src/utils.py`, `src/surrogate.py`) that they never wrote; ruff and pylint do not see
    this because they check one file at a time.

    ## Use instead
    Move the missing code into one of the bundle's allowed modules and import it from
    there, or add the module to the bundle if the layout allows it.
    """

    code = "EXP301"
    name = "missing-local-module"
    summary = "An import of the bundle's own code names a module that is not in the bundle."
    invalid = (
        Invalid({"src/evaluate.py": "from .surrogate import fit_surrogate\n\nprint(fit_surrogate)\n"}, "src/evaluate.py:1"),
        Invalid({"src/evaluate.py": "import json\nfrom src.utils import helper\n\nprint(json, helper)\n"}, "src/evaluate.py:2"),
        Invalid({"src/evaluate.py": "from . import metrics\n\nprint(metrics)\n"}, "src/evaluate.py:1"),
        Invalid({"src/evaluate.py": "import importlib\n\nmod = importlib.import_module('src.plots')\n"}, "src/evaluate.py:3"),
    )
    valid = (
        Valid(title="Relative and absolute imports of modules that exist."),
        Valid({"src/evaluate.py": "from . import model\nfrom src.preprocess import make_loaders\nimport src.model\n\nprint(model, make_loaders, src.model)\n"}),
        Valid({"src/evaluate.py": "try:\n    from .extras import plot\nexcept ImportError:\n    plot = None\n"},
              title="An optional import with a fallback does not crash."),
        Valid({"src/evaluate.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .types import Batch\n"}),
    )

    def check(self, bundle):
        for record, module, missing in missing_modules(bundle):
            written = record.written() if record.level or record.dynamic else (record.module or "")
            yield Report(
                record.path,
                f"ModuleNotFoundError at run time: {record.path} imports {written or module} but {missing} is not in the bundle; "
                f"move the code it needs into an allowed module (or add {missing}).",
                node=_node_of(record),
            )


# -- EXP302 ---------------------------------------------------------------------------------

class MissingImportedName(Rule):
    """## What it does
    Checks that each name imported from a bundle module (`from .model import Net`) is
    defined at the top level of that module: by a `def`, `class`, assignment, `for`/`with`
    target, import or re-export (in any branch), by a star import of another bundle module,
    or as a submodule of a package. A module with a module-level `__getattr__`, `exec`, or
    a star import from outside the bundle is not checked, nor an empty module (EXP103
    reports the empty file itself).

    ## Why is this bad?
    `from .model import Net` raises `ImportError: cannot import name 'Net'` as soon as the
    importing module loads: typically a class renamed in one file and not the other.

    ## Use instead
    Import the name the module really defines, or define it there.
    """

    code = "EXP302"
    name = "missing-imported-name"
    summary = "A name imported from a bundle module is not defined in that module."
    invalid = (
        Invalid({"src/evaluate.py": "from .model import build_network\n\nprint(build_network)\n"}, "src/evaluate.py:1"),
        Invalid({"src/evaluate.py": "from src.preprocess import (\n    make_loaders,\n    load_cifar,\n)\n\nprint(make_loaders, load_cifar)\n"}, "src/evaluate.py:3"),
    )
    valid = (
        Valid(),
        Valid({"src/model.py": "import torch\nfrom torch import nn\n\ntry:\n    from torch.nn import GELU as Act\nexcept ImportError:\n    Act = nn.ReLU\n\n\ndef build_model(run):\n    return nn.Sequential(nn.Linear(2, 2), Act())\n",
               "src/evaluate.py": "from .model import Act, torch, nn, build_model\n\nprint(Act, torch, nn, build_model)\n"},
              title="Re-exported imports and names bound in try/except branches are importable."),
        Valid({"src/preprocess.py": "from .model import *\n\n\ndef make_loaders(run):\n    return None, None\n",
               "src/evaluate.py": "from .preprocess import build_model, make_loaders\n\nprint(build_model, make_loaders)\n"},
              title="Names brought by a star import from another bundle module."),
    )

    def check(self, bundle):
        imports = bundle.fact(Imports)
        scopes = bundle.fact(Scopes)
        for record in imports.all():
            if not _executed(record) or not record.is_from or record.star or record.dynamic:
                continue
            package = package_of(record.path)
            if record.level and not package:
                continue
            target = record.absolute(package)
            if target is None:
                continue
            source = imports.resolve(target)
            if source is None or source not in scopes.modules:
                continue  # not a bundle module (EXP301 reports missing ones)
            module = scopes.modules[source]
            bindings = module.module.bindings
            parsed = bundle.python(source)
            if parsed is None or parsed.module is None or not parsed.module.body:
                continue  # an empty module: EXP103 reports the file itself
            if module.open or "__getattr__" in bindings:
                continue
            star = scopes.defined_by_stars(source, imports)
            if star is None:
                continue
            for name, _ in record.names or ():
                if name in bindings or name in star or imports.resolve(f"{target}.{name}") or imports.is_package(f"{target}.{name}"):
                    continue
                close = _close_matches(name, sorted(n for n in bindings if not n.startswith("__")), n=1, cutoff=0.75)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                yield Report(
                    record.path,
                    f"ImportError at run time: {record.path} imports `{name}` from {record.written()}, but {source} defines no `{name}`{hint}; "
                    "import a name the module defines or define it there.",
                    node=_node_of(record, name),
                )


# -- EXP303 ---------------------------------------------------------------------------------

def _visible(scope: Scope) -> list[str]:
    names: set[str] = set(scope.bindings)
    parent = scope.parent
    while parent is not None:
        if parent.kind != "class":
            names |= parent.bindings
        parent = parent.parent
    return sorted(n for n in names if not n.startswith("__"))


class UndefinedName(Rule):
    """## What it does
    Finds names that are read but bound nowhere they could come from, with Python's scope
    rules: builtins, module dunders (`__file__`, `__name__`), comprehension variables, class
    bodies (invisible to their methods), `global`/`nonlocal`, walrus targets, star imports,
    and `except ... as e` (unbound after its handler). It also reports a name read in a
    function (or at module level) strictly before every assignment of it in that scope,
    with no loop around both: `UnboundLocalError`.

    Documented choices (measured against ruff's F821 on the dev corpus):
    - Flow-insensitive otherwise: a name bound in any branch, a `try`/`except ImportError`
      fallback, or only under `if TYPE_CHECKING:` counts as bound; `del` does not unbind.
    - Annotations that Python never evaluates are not checked: all annotations under
      `from __future__ import annotations`, string annotations, and annotations of local
      variables. ruff reports undefined names there; they cannot fail at run time.
    - Reads inside a `try` whose handlers catch `NameError` are allowed.
    - A module with a star import from outside the bundle, `exec`, or writes through
      `globals()` is not checked (any name may exist).

    ## Why is this bad?
    The first call of the function raises `NameError`; in generated code this is usually a
    renamed parameter (`def quantize(t): return tensor * s`) or a missing import, and it
    crashes the run at that point, sometimes hours in.

    ## Use instead
    Use the name the code really binds, import it, or define it.
    """

    code = "EXP303"
    name = "undefined-name"
    summary = "A name is read but never defined in any enclosing scope."
    invalid = (
        Invalid({"src/evaluate.py": "def scale(t, factor):\n    return tensor * factor\n"}, "src/evaluate.py:2"),
        Invalid({"src/evaluate.py": "class Config:\n    DEFAULT_LR = 0.1\n\n    def lr(self):\n        return DEFAULT_LR\n"}, "src/evaluate.py:5"),
        Invalid({"src/evaluate.py": "def load(path):\n    try:\n        data = open(path).read()\n    except OSError as err:\n        data = ''\n    print(err)\n    return data\n"}, "src/evaluate.py:6"),
        Invalid({"src/evaluate.py": "squares = [k * k for k in range(3)]\nprint(k)\n"}, "src/evaluate.py:2"),
        Invalid({"src/evaluate.py": "class Grid:\n    SIZE = 3\n    cells = [SIZE * i for i in range(2)]\n"}, "src/evaluate.py:3"),
        Invalid({"src/evaluate.py": "def run():\n    with torch.no_grad():\n        import torch\n    return torch\n"}, "src/evaluate.py:2"),
        Invalid({"src/evaluate.py": "import json\n\nresult = json.dumps(np.zeros(3).tolist())\n"}, "src/evaluate.py:3"),
    )
    valid = (
        Valid(),
        Valid({"src/evaluate.py": "import sys\n\nprint(__file__, __name__, __doc__, len(sys.argv), __import__('os'))\n\n\nclass Failure(Exception):\n    pass\n"},
              title="Builtins and module dunders."),
        Valid({"src/evaluate.py": "pairs = {k: v for k, v in zip('ab', range(2))}\nnested = [[y for y in range(x)] for x in range(3)]\nif any((hit := n) > 1 for n in range(3)):\n    print(hit, pairs, nested)\n"},
              title="Comprehension variables and a walrus target, which binds in the enclosing scope."),
        Valid({"src/evaluate.py": "COUNT = 0\n\n\ndef bump():\n    global COUNT, TOTAL\n    COUNT += 1\n    TOTAL = COUNT\n\n\ndef total():\n    return TOTAL\n\n\ndef outer():\n    n = 0\n\n    def inner():\n        nonlocal n\n        n += 1\n        return n\n    return inner\n"},
              title="global and nonlocal."),
        Valid({"src/evaluate.py": "try:\n    import ujson as json_impl\nexcept ImportError:\n    import json as json_impl\n\nif json_impl:\n    MODE = 'fast'\nelse:\n    MODE = 'slow'\nscratch = 1\ndel scratch\nprint(json_impl, MODE)\n"},
              title="try/except ImportError fallbacks, conditional definitions and del."),
        Valid({"src/evaluate.py": "from __future__ import annotations\n\n\ndef f(x: Tensor) -> Batch:\n    y: Unknown = x\n    return y\n"},
              title="Annotations are not evaluated under `from __future__ import annotations`."),
        Valid({"src/evaluate.py": "class Model:\n    SIZE = 3\n    DOUBLE = SIZE * 2\n    names = [n for n in range(SIZE)]\n\n    def size(self):\n        return self.SIZE + Model.DOUBLE\n\n    def parent(self):\n        return __class__\n"},
              title="Class scope is visible in the class body and in the first iterable of its comprehensions."),
        Valid({"src/evaluate.py": "def loop():\n    for i in range(3):\n        if i:\n            print(last)\n        last = i\n\n\ndef handler():\n    try:\n        return 1\n    except ValueError as err:\n        return str(err)\n"},
              title="A read in a loop after an earlier iteration's assignment; an except-as name inside its handler."),
        Valid({"src/preprocess.py": "from .model import *\n\n\ndef make_loaders(run):\n    return build_model(run), None\n"},
              title="Names from a star import of a bundle module."),
        Valid({"src/evaluate.py": "try:\n    unicode_type = unicode\nexcept NameError:\n    unicode_type = str\n"}),
    )

    def check(self, bundle):
        scopes = bundle.fact(Scopes)
        for found in scopes.undefined:
            where = f"`{found.where}`" if found.where else "module level"
            if found.before_binding:
                if found.scope is not None and found.scope.kind == "module":
                    message = (f"NameError at run time: `{found.name}` is read at module level of {found.path} before it is defined; "
                               "move the definition above this line.")
                else:
                    message = (f"UnboundLocalError at run time: `{found.name}` is read in {where} before it is assigned there; "
                               "assign or import it before this line.")
            elif found.class_attribute:
                message = (f"NameError at run time: `{found.name}` is a class attribute of `{found.class_attribute}`, which methods "
                           f"cannot see unqualified; write `self.{found.name}` or `{found.class_attribute}.{found.name}`.")
            else:
                close = _close_matches(found.name, _visible(found.scope), n=1, cutoff=0.75) if found.scope else []
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                message = (f"NameError at run time: `{found.name}` is not defined in {where} of {found.path}{hint}; "
                           "use the name the code binds, or import or define it.")
            yield Report(found.path, message, node=found.node)


# -- EXP304 / EXP305 --------------------------------------------------------------------------

def _merged_map(rule: Rule) -> dict[str, tuple[str, ...]]:
    """The import map for ``rule``'s plugins and settings; built once per pair (read-only)."""
    plugins, settings = getattr(rule, "plugins", None), getattr(rule, "settings", None)
    cached = getattr(rule, "_import_map", None)
    if cached is not None and cached[0] is plugins and cached[1] is settings:
        return cached[2]
    out = _build_map(plugins, settings)
    rule._import_map = (plugins, settings, out)  # type: ignore[attr-defined]
    return out


def _build_map(plugins, settings) -> dict[str, tuple[str, ...]]:
    raw: dict[str, object] = dict(plugins.import_map) if plugins is not None and plugins.import_map else builtin_import_map()
    for key, value in getattr(settings, "import_map", ()) or ():
        raw[key] = value
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        values = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else []
        if values:
            out[key] = tuple(normalise(v) for v in values)
    return out


def _distributions(module: str, mapping: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        found = mapping.get(".".join(parts[:i]))
        if found:
            return found
    return (normalise(parts[0]),)


def _closure(names: Iterable[str], graph: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Every distribution reachable from ``names``, with the declared one it comes through."""
    via: dict[str, str] = {}
    stack = [(n, n) for n in sorted(names)]
    while stack:
        name, root = stack.pop()
        for dep in graph.get(name, ()):
            if dep not in via:
                via[dep] = root
                stack.append((dep, root))
    return via


def third_party_imports(bundle) -> list[ImportRecord]:
    imports = bundle.fact(Imports)
    out = []
    for record in imports.all():
        if record.level or not record.module:
            continue
        top = record.module.split(".")[0]
        if is_stdlib(top) or imports.is_first_party(top):
            continue
        out.append(record)
    return out


def _line(bundle, record: ImportRecord) -> int:
    parsed = bundle.python(record.path)
    span = parsed.span(record.node) if parsed else None
    return span[0] if span else 0


def _first_import(bundle, records: list[ImportRecord]) -> ImportRecord:
    """The record on the lowest line (the earliest record on a tie), from one file.

    Positions cost a code generation of the enclosing statement, so they are computed only
    when document order cannot decide: import statements of different statement lines
    start on different lines, so the first in document order is the lowest."""
    nodes = list(dict.fromkeys(r.node for r in records))
    if len(nodes) > 1 and all(type(n) in (cst.Import, cst.ImportFrom) for n in nodes):
        index = bundle.index(records[0].path)
        order = {id(n): i for i, n in enumerate(index.of(cst.Import, cst.ImportFrom))} if index else {}
        if all(id(n) in order for n in nodes):
            nodes.sort(key=lambda n: order[id(n)])
            if index.parent(nodes[0]) is not index.parent(nodes[1]):
                nodes = nodes[:1]
    if len(nodes) == 1:
        return next(r for r in records if r.node is nodes[0])
    best, best_line = records[0], _line(bundle, records[0])
    for record in records[1:]:
        line = _line(bundle, record)
        if line < best_line:
            best, best_line = record, line
    return best


class UndeclaredDependency(Rule):
    """## What it does
    Checks that every third-party import is declared in `pyproject.toml`: PEP 621
    `dependencies` and `optional-dependencies`, PEP 735 `[dependency-groups]`, Poetry
    dependencies and groups. Import names map to distributions through a versioned table
    (`sklearn` -> `scikit-learn`, `yaml` -> `pyyaml`, `PIL` -> `pillow`, `cv2` ->
    `opencv-python`, `hydra` -> `hydra-core`, ...), extendable with `[tool.exp-lint]
    import-map` and plugins. Standard-library and bundle modules are skipped, and so are
    imports under `if TYPE_CHECKING:`; a literal `importlib.import_module("x")` counts.

    Severity: an error when nothing installs the distribution. A warning when a declared
    distribution is known to depend on it (`omegaconf` through `hydra-core`, `numpy`
    through `pandas`, `tqdm` through `transformers`): `uv run` installs dependencies of
    dependencies, so the import works, but only as long as that other package keeps
    requiring it. Also a warning for an optional import inside `try`/`except ImportError`.
    Corpus evidence for the split: of the 216 dev-corpus logs, 85 import `omegaconf` but
    only 23 declare it, while 84 declare `hydra-core`, which requires it; 171 import
    `numpy` and 104 declare it. Calling those errors would fail most working bundles.

    ## Why is this bad?
    The pipeline runs the bundle with `uv run`, which installs exactly what
    `pyproject.toml` declares (and their dependencies): an undeclared package is a
    `ModuleNotFoundError` on the first line of the run.

    ## Use instead
    Add the distribution to `[project] dependencies`.
    """

    code = "EXP304"
    name = "undeclared-dependency"
    summary = "A third-party import is not declared in pyproject.toml."
    invalid = (
        Invalid({"src/evaluate.py": "import json\n\nimport sklearn.metrics as skm\n\nprint(json, skm)\n"}, "src/evaluate.py:3"),
        Invalid({"src/evaluate.py": "from PIL import Image\n\nprint(Image)\n"}, "src/evaluate.py:1"),
        Invalid({"src/evaluate.py": "import importlib\n\nwandb = importlib.import_module('wandb')\n"}, "src/evaluate.py:3"),
    )
    valid = (
        Valid(),
        Valid({"pyproject.toml": "[project]\nname = \"x\"\nversion = \"0.1.0\"\ndependencies = [\"torch>=2.0\", \"numpy\", \"PyYAML>=6\", \"matplotlib\", \"scikit_learn[alldeps]>=1.3; python_version >= '3.9'\"]\n",
               "src/evaluate.py": "from sklearn.metrics import f1_score\nimport yaml\n\nprint(f1_score, yaml)\n"},
              title="Import names map to distributions; names compare PEP 503-normalised; extras and markers are ignored."),
        Valid({"pyproject.toml": "[project]\nname = \"x\"\nversion = \"0.1.0\"\ndependencies = [\"torch\", \"numpy\", \"pyyaml\", \"matplotlib\"]\n\n[dependency-groups]\nviz = [\"seaborn>=0.13\"]\n",
               "src/evaluate.py": "from typing import TYPE_CHECKING\n\nimport seaborn\n\nif TYPE_CHECKING:\n    import pandas\n\nprint(seaborn)\n"}),
        Valid({"pyproject.toml": "[tool.poetry]\nname = \"x\"\n\n[tool.poetry.dependencies]\npython = \"^3.10\"\ntorch = \"^2.1\"\nnumpy = \"*\"\npyyaml = \"^6\"\nmatplotlib = \"^3.7\"\n"}),
    )

    def check(self, bundle):
        deps = bundle.fact(Dependencies)
        if not deps.known or "pyproject.toml" not in bundle.files:
            return
        mapping = _merged_map(self)
        declared = set(deps.declared)
        via = _closure(declared, _transitive())
        undeclared: dict[tuple[str, str], list[ImportRecord]] = {}
        for record in third_party_imports(bundle):
            if record.type_checking:
                continue
            top = record.module.split(".")[0]  # type: ignore[union-attr]
            if declared.intersection(_distributions(record.module, mapping)):  # type: ignore[arg-type]
                continue
            undeclared.setdefault((record.path, top), []).append(record)
        # one finding per module and file, at its first import
        first = {key: _first_import(bundle, records) for key, records in undeclared.items()}
        warned: set[str] = set()
        for (_, top), record in sorted(first.items()):
            candidates = _distributions(record.module, mapping)  # type: ignore[arg-type]
            dist = candidates[0]
            through = next((via[c] for c in candidates if c in via), None)
            if through is not None:
                if dist in warned:
                    continue  # one warning per distribution: declaring it once fixes every file
                warned.add(dist)
                yield Report(record.path,
                             f"`{top}` is not declared in pyproject.toml; it installs only as a dependency of `{through}`, "
                             f"so add \"{dist}\" to [project] dependencies rather than rely on that.",
                             node=record.node, severity=Severity.WARNING)
            elif record.guarded:
                yield Report(record.path,
                             f"Optional import `{top}` is not declared in pyproject.toml, so `uv run` never installs it and the "
                             f"fallback always runs; add \"{dist}\" to the dependencies or drop the import.",
                             node=record.node, severity=Severity.WARNING)
            else:
                yield Report(record.path,
                             f"ModuleNotFoundError at run time: {record.path} imports `{record.module}`, but pyproject.toml does not "
                             f"declare the `{dist}` distribution that provides it; add \"{dist}\" to [project] dependencies.",
                             node=record.node)


class UnusedDependency(Rule):
    """## What it does
    Reports a distribution in `[project] dependencies` (or Poetry's main dependencies) that
    no module of the bundle imports, directly or as a known dependency of an imported
    one. Back-ends that libraries load by themselves (`sentencepiece`, `protobuf`,
    `accelerate`, `safetensors`, `pillow`, Hydra plugins, ...) are not reported.

    ## Why is this bad?
    Each unused dependency slows every `uv run` install and can pin or conflict with
    versions the experiment really needs; often it marks code that was dropped (a
    `seaborn` plot that no longer exists). A warning, not an error: the run still works.

    ## Use instead
    Remove the dependency, or write the code that was meant to use it.
    """

    code = "EXP305"
    name = "unused-dependency"
    summary = "A declared dependency is never imported."
    severity = Severity.WARNING
    invalid = (
        Invalid({"pyproject.toml": "[project]\nname = \"x\"\nversion = \"0.1.0\"\ndependencies = [\n    \"torch>=2.0\",\n    \"numpy\",\n    \"pyyaml\",\n    \"matplotlib\",\n    \"seaborn>=0.13\",\n]\n"},
                "pyproject.toml:9"),
    )
    valid = (
        Valid(),
        Valid({"pyproject.toml": "[project]\nname = \"x\"\nversion = \"0.1.0\"\ndependencies = [\"torch\", \"numpy\", \"pyyaml\", \"matplotlib\", \"sentencepiece\", \"pillow\"]\n"},
              title="Back-ends loaded by other libraries are not reported."),
    )

    def check(self, bundle):
        deps = bundle.fact(Dependencies)
        if not deps.known:
            return
        mapping = _merged_map(self)
        used: set[str] = set()
        for record in third_party_imports(bundle):
            used.update(_distributions(record.module, mapping))  # type: ignore[arg-type]
        reachable = set(_closure(used, _transitive())) | used
        runtime_only = _runtime_only()
        own = normalise(deps.project_name) if deps.project_name else None
        for name, decls in sorted(deps.declared.items()):
            main = [d for d in decls if d.group in ("dependencies", "poetry")]
            if not main or name in reachable or name in runtime_only or name == own:
                continue
            decl = main[0]
            yield Report("pyproject.toml",
                         f"`{decl.name}` is declared in pyproject.toml but no module imports it; remove it or use it.",
                         line=decl.line)


# -- EXP306 ---------------------------------------------------------------------------------

def _removed_table(rule: Rule) -> list[dict[str, str]]:
    plugins = getattr(rule, "plugins", None)
    if plugins is not None and plugins.removed_apis:
        return list(plugins.removed_apis)
    return builtin_removed_apis()


def _first_prefix(entries: dict[str, dict], rank: dict[str, int], full: str) -> dict | None:
    """The entry, first in table order, whose name is a dotted prefix of ``full`` ("a.b" of
    "a.b.c"): one look-up per dot of ``full`` instead of a scan of the table."""
    found = None
    at = full.find(".")
    while at != -1:
        key = full[:at]
        if key in entries and (found is None or rank[key] < rank[found]):
            found = key
        at = full.find(".", at + 1)
    return entries[found] if found is not None else None


def _aliases(records: list[ImportRecord], package: str | None) -> dict[str, str]:
    """Local name -> dotted module or object it stands for, from module-level imports."""
    out: dict[str, str] = {}
    for record in records:
        if record.type_checking or record.dynamic:
            continue
        target = record.absolute(package)
        if not target:
            continue
        if not record.is_from:
            if record.alias:
                out[record.alias] = target
            else:
                top = target.split(".")[0]
                out.setdefault(top, top)
        elif not record.star:
            for name, asname in record.names or ():
                out[asname or name] = f"{target}.{name}"
    return out


class RemovedLibraryApi(Rule):
    """## What it does
    Finds uses of library names that a release removed, from a curated, versioned table
    (`rules/data/removed_apis.toml`, each entry with its source): `datasets.load_metric`
    (removed in datasets 3.0), `scipy.stats.binom_test` (SciPy 1.12), `transformers.AdamW`
    (4.50), `sklearn.metrics.plot_confusion_matrix` (1.2), `np.float`/`np.int`/`np.object`
    (NumPy 1.24), `np.NaN`/`np.float_`/`np.product` (NumPy 2.0), `torch._six` (2.0),
    `pd.DataFrame.append` (pandas 2.0). Deprecations that still work are not listed.

    A use is reported only when the newest version that `pyproject.toml` allows for the
    distribution (what `uv` installs) lacks the name: `numpy<1.24` keeps `np.float`; an
    undeclared or unbounded dependency resolves to the newest release. Only explicit
    references are matched (`np.float`, `from datasets import load_metric`): method calls
    on instances (`df.append(...)`) cannot be told apart from `list.append` statically.

    ## Why is this bad?
    The call fails with `ImportError` or `AttributeError` when the run reaches it: code
    written against an old tutorial breaks on the versions installed today.

    ## Use instead
    Use the replacement the finding names, or pin the distribution below the removing
    version.
    """

    code = "EXP306"
    name = "removed-library-api"
    summary = "A library name that the installed version has removed."
    invalid = (
        Invalid({"src/evaluate.py": "import numpy as np\n\nvalues = np.zeros(3).astype(np.float)\n"}, "src/evaluate.py:3"),
        Invalid({"pyproject.toml": "[project]\nname = \"x\"\nversion = \"0.1.0\"\ndependencies = [\"torch\", \"numpy\", \"pyyaml\", \"matplotlib\", \"datasets>=2.14\"]\n",
                 "src/evaluate.py": "from datasets import load_metric\n\nmetric = load_metric('accuracy')\n"}, "src/evaluate.py:1"),
        Invalid({"src/evaluate.py": "from scipy import stats\n\np = stats.binom_test(3, 10)\n"}, "src/evaluate.py:3"),
    )
    valid = (
        Valid(),
        Valid({"pyproject.toml": "[project]\nname = \"x\"\nversion = \"0.1.0\"\ndependencies = [\"torch\", \"numpy>=1.20,<1.24\", \"pyyaml\", \"matplotlib\"]\n",
               "src/evaluate.py": "import numpy as np\n\nvalues = np.zeros(3).astype(np.float)\n"},
              title="The declared range stops before the removing version."),
        Valid({"src/evaluate.py": "import numpy as np\n\nflags = np.zeros(3, dtype=np.bool)\nx = np.float64(1.0)\n"},
              title="np.bool came back in NumPy 2.0, which an unbounded `numpy` installs."),
    )

    def check(self, bundle):
        table = _removed_table(self)
        if not table:
            return
        deps = bundle.fact(Dependencies)
        entries: dict[str, dict[str, str]] = {}
        for entry in table:
            module, name = entry.get("module"), entry.get("name")
            if not module or not name or not entry.get("removed_in"):
                continue
            dist = normalise(entry.get("distribution") or module.split(".")[0])
            decls = deps.declared.get(dist) if deps.known else None
            specs = [d.spec for d in decls] if decls else [""]
            if any(resolves_into(spec, entry["removed_in"], entry.get("restored_in")) for spec in specs):
                entries[f"{module}.{name}"] = entry
        if not entries:
            return
        rank = {k: i for i, k in enumerate(entries)}  # the table's order decides between prefixes
        imports = bundle.fact(Imports)
        for path, index in bundle.modules():
            records = imports.by_path.get(path, [])
            package = package_of(path)
            for record in records:
                if record.type_checking:
                    continue
                target = record.absolute(package)
                if not target:
                    continue
                full_names = [f"{target}.{n}" for n, _ in record.names or ()] if record.is_from and not record.star else []
                for full in [target, *full_names]:
                    entry = entries.get(full) or _first_prefix(entries, rank, full)
                    if entry is not None:
                        yield self._report(path, entry, record.node)
                        break
            aliases = _aliases(records, package)
            if not aliases:
                continue
            for node, head, rest in shared(index, "dotted attributes", lambda: _dotted_attributes(index)):
                base = aliases.get(head)
                if base is None:
                    continue
                entry = entries.get(f"{base}.{rest}")
                if entry is not None:
                    yield self._report(path, entry, node)

    def _report(self, path: str, entry: Mapping[str, str], node) -> Report:
        dist = entry.get("distribution") or entry["module"].split(".")[0]
        return Report(
            path,
            f"`{entry['module']}.{entry['name']}` was removed in {dist} {entry['removed_in']}, which pyproject.toml allows: "
            f"this fails at run time; use {entry.get('replacement') or 'its replacement'} instead (or pin {dist} below {entry['removed_in']}).",
            node=node,
        )


def _dotted_attributes(index) -> list[tuple[cst.Attribute, str, str]]:
    """(node, first name, the rest) for every attribute chain of plain names (``np.float``:
    "np", "float"), in document order."""
    out = []
    for node in index.of(cst.Attribute):
        dotted = dotted_name(node)
        if dotted is not None:
            head, _, rest = dotted.partition(".")
            out.append((node, head, rest))
    return out


RULES = (MissingLocalModule, MissingImportedName, UndefinedName, UndeclaredDependency, UnusedDependency, RemovedLibraryApi)
