"""EXP310-EXP319: names and calls inside the bundle that fail the moment they run.

Both rules come from defects the hand labels found in real bundles and the model
reviewer mostly missed: a local ``def load_dataset`` that replaces the imported
Hugging Face ``load_dataset`` (the "library call" then recurses into itself), and
calls of the bundle's own functions with arguments their signature rejects.
"""
from __future__ import annotations

import libcst as cst

from linter.facts.imports import Imports, package_of
from linter.facts.scopes import Scopes
from linter.findings import Location, Severity
from linter.parsing.cst_helpers import dotted_name
from linter.records import dataclass
from linter.rule import Invalid, Report, Rule, Valid

# Decorators that keep the decorated function's signature.
_SIGNATURE_KEEPING = {
    "torch.no_grad", "torch.inference_mode", "torch.enable_grad", "no_grad", "inference_mode",
    "functools.lru_cache", "lru_cache", "functools.cache", "cache", "functools.wraps", "staticmethod",
}


def _body(suite) -> list:
    return list(suite.body) if isinstance(suite, cst.IndentedBlock) else []


def _blocks(stmt) -> list[list]:
    """The statement lists directly inside a compound statement (elif chains included)."""
    out = [_body(stmt.body)]
    if isinstance(stmt, cst.If) and stmt.orelse is not None:
        out += _blocks(stmt.orelse) if isinstance(stmt.orelse, cst.If) else [_body(stmt.orelse.body)]
    elif isinstance(stmt, cst.Try):
        out += [_body(h.body) for h in stmt.handlers]
        out += [_body(b.body) for b in (stmt.orelse, stmt.finalbody) if b is not None]
    elif isinstance(stmt, (cst.For, cst.While)) and stmt.orelse is not None:
        out.append(_body(stmt.orelse.body))
    return out


def _statement_bindings(statements) -> dict[str, list[cst.CSTNode]]:
    """Names bound by module-level statements (one level into if/try/with), in order."""
    out: dict[str, list[cst.CSTNode]] = {}
    _bind_statements(statements, out)
    return out


# Module-level helpers, not closures: a recursive closure is a reference cycle that would keep
# the statements (and their whole subtrees) alive until the cyclic collector runs.
def _bind_targets(expr, stmt, out: dict[str, list[cst.CSTNode]]) -> None:
    if isinstance(expr, cst.Name):
        out.setdefault(expr.value, []).append(stmt)
    elif isinstance(expr, (cst.Tuple, cst.List)):
        for element in expr.elements:
            _bind_targets(element.value, stmt, out)
    elif isinstance(expr, cst.StarredElement):
        _bind_targets(expr.value, stmt, out)


def _bind_statements(stmts, out: dict[str, list[cst.CSTNode]]) -> None:
    for stmt in stmts:
        if type(stmt) in (cst.FunctionDef, cst.ClassDef):
            out.setdefault(stmt.name.value, []).append(stmt)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if type(small) is cst.Assign:
                    for target in small.targets:
                        _bind_targets(target.target, small, out)
                elif type(small) in (cst.AnnAssign, cst.AugAssign) and small.value is not None:
                    _bind_targets(small.target, small, out)
                elif type(small) is cst.Import:
                    for alias in small.names:
                        name = alias.asname.name.value if alias.asname else (dotted_name(alias.name) or "").split(".")[0]
                        out.setdefault(name, []).append(small)
                elif type(small) is cst.ImportFrom and type(small.names) is not cst.ImportStar:
                    for alias in small.names:
                        bound = alias.asname.name if alias.asname else alias.name
                        if isinstance(bound, cst.Name):
                            out.setdefault(bound.value, []).append(small)
        elif isinstance(stmt, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            if isinstance(stmt, cst.For):
                _bind_targets(stmt.target, stmt, out)
            for block in _blocks(stmt):
                _bind_statements(block, out)


# -- EXP310 ---------------------------------------------------------------------------------

class ImportShadowedByDefinition(Rule):
    """## What it does
    Reports a module-level `def` or `class` that takes the name of something the module
    imported (`from datasets import load_dataset` followed by `def load_dataset(...)`).

    ## Why is this bad?
    The definition replaces the import for the whole module. Every call of the name
    after it, including the one inside the new function that was meant for the
    library, calls the local function: with the library's arguments it raises a
    `TypeError`, or recurses until `RecursionError`. The hand-labelled corpus has this
    defect in five bundles, and the model reviewer noticed it in none.

    An import that nothing in the module calls any more is only dead code: that case is
    a warning. Fallback definitions in `except ImportError:` are intentional and left alone.

    ## Use instead
    Give the local function its own name (`load_dataset_split`), or import the library
    under an alias (`from datasets import load_dataset as hf_load_dataset`).
    """

    code = "EXP310"
    name = "import-shadowed-by-definition"
    summary = "A def or class replaces a name the module imported."
    invalid = (
        Invalid(
            {"src/preprocess.py": "from datasets import load_dataset\n\n\ndef load_dataset(name):\n    return load_dataset(name, split='train')\n"},
            "src/preprocess.py:4",
        ),
    )
    valid = (
        Valid(),
        Valid({"src/preprocess.py": "from datasets import load_dataset as hf_load\n\n\ndef load_dataset(name):\n    return hf_load(name, split='train')\n"}),
        Valid({"src/preprocess.py": "try:\n    from fast_json import dumps\nexcept ImportError:\n    def dumps(obj):\n        return str(obj)\n"}),
    )

    def check(self, bundle):
        for path, index in bundle.modules():
            bindings = _statement_bindings(index.module.body)
            for name, nodes in sorted(bindings.items()):
                imports = [n for n in nodes if type(n) in (cst.Import, cst.ImportFrom)]
                if not imports:
                    continue
                first_import = imports[0]
                for node in nodes:
                    if type(node) not in (cst.FunctionDef, cst.ClassDef) or node not in index.module.body:
                        continue
                    if nodes.index(node) < nodes.index(first_import):
                        continue  # a definition later replaced by an import: a different mistake
                    if first_import not in [s for line in index.module.body if isinstance(line, cst.SimpleStatementLine) for s in line.body]:
                        continue  # the import sits in a try/if: a deliberate fallback pattern
                    called = any(
                        isinstance(call.func, cst.Name) and call.func.value == name
                        for call in index.of(cst.Call)
                    )
                    source = dotted_name(first_import.module) if isinstance(first_import, cst.ImportFrom) and first_import.module else name
                    kind = "class" if isinstance(node, cst.ClassDef) else "function"
                    if called:
                        message = (f"The {kind} `{name}` defined here replaces `{name}` imported from `{source}`, so every call of `{name}` "
                                   f"in this module (including those meant for `{source}`) runs the local {kind}; rename it or import the library name under an alias.")
                        yield Report(path, message, node=node.name)
                    else:
                        message = (f"The {kind} `{name}` defined here replaces the unused import of `{name}` from `{source}`; "
                                   f"remove the import or rename one of them.")
                        yield Report(path, message, node=node.name, severity=Severity.WARNING)


# -- EXP311 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Signature:
    name: str
    path: str
    node: cst.FunctionDef
    positional: tuple[str, ...]  # parameters that accept positional arguments, in order
    positional_only: frozenset[str]
    keyword_only: tuple[str, ...]
    required: frozenset[str]
    star_args: bool
    star_kwargs: bool

    @classmethod
    def of(cls, func: cst.FunctionDef, path: str, drop_first: bool = False) -> "Signature":
        params = func.params
        posonly = [p.name.value for p in params.posonly_params]
        regular = [p.name.value for p in params.params]
        positional = posonly + regular
        required = {p.name.value for p in (*params.posonly_params, *params.params) if p.default is None}
        kwonly = [p.name.value for p in params.kwonly_params]
        required |= {p.name.value for p in params.kwonly_params if p.default is None}
        if drop_first and positional:
            required.discard(positional[0])
            if posonly:
                posonly = posonly[1:]
            positional = positional[1:]
        return cls(
            func.name.value, path, func, tuple(positional), frozenset(posonly), tuple(kwonly), frozenset(required),
            isinstance(params.star_arg, cst.Param), params.star_kwarg is not None,
        )

    def problems(self, call: cst.Call) -> list[str]:
        if any(a.star for a in call.args):
            return []  # *args / **kwargs at the call site: not statically known
        positional = [a for a in call.args if a.keyword is None]
        keywords = [a.keyword.value for a in call.args if a.keyword is not None]
        out = []
        if len(positional) > len(self.positional) and not self.star_args:
            out.append(f"{len(positional)} positional arguments where it takes at most {len(self.positional)}")
        filled = set(self.positional[: len(positional)])
        accepted = (set(self.positional) - self.positional_only) | set(self.keyword_only)
        for keyword in keywords:
            if keyword in filled:
                out.append(f"two values for `{keyword}`")
            elif keyword not in accepted and not self.star_kwargs:
                out.append(f"the keyword `{keyword}`, which it does not accept")
            filled.add(keyword)
        missing = sorted(self.required - filled, key=lambda n: (self.positional + self.keyword_only).index(n))
        if missing:
            out.append("no value for " + ", ".join(f"`{m}`" for m in missing))
        return out


def _plain(func: cst.FunctionDef) -> bool:
    for decorator in func.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if dotted_name(target) not in _SIGNATURE_KEEPING:
            return False
    return True


def _module_function(bundle, path: str, name: str, bindings: dict | None = None) -> Signature | None:
    """The one plain top-level function ``name`` of a module, or a class's __init__.
    ``bindings``: the module's ``_statement_bindings``, when the caller has them."""
    index = bundle.index(path)
    if index is None:
        return None
    if bindings is None:
        bindings = _statement_bindings(index.module.body)
    nodes = bindings.get(name, [])
    if len(nodes) != 1 or not any(s is nodes[0] for s in index.module.body):  # `in` calls CSTNode.__eq__ per statement
        return None
    node = nodes[0]
    if isinstance(node, cst.FunctionDef) and _plain(node) and not node.asynchronous:
        return Signature.of(node, path)
    if isinstance(node, cst.ClassDef) and not node.decorators and not node.keywords and isinstance(node.body, cst.IndentedBlock):
        inits = [s for s in node.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"]
        others = [s for s in node.body.body if isinstance(s, (cst.FunctionDef, cst.SimpleStatementLine))
                  and isinstance(s, cst.FunctionDef) and s.name.value in ("__new__", "__call__")]
        if len(inits) == 1 and _plain(inits[0]) and not others:
            sig = Signature.of(inits[0], path, drop_first=True)
            return Signature(name, path, inits[0], sig.positional, sig.positional_only, sig.keyword_only, sig.required, sig.star_args, sig.star_kwargs)
    return None


def _cached_function(cache: tuple[dict, dict], bundle, path: str, name: str) -> Signature | None:
    """_module_function, once per (path, name), reading each module's bindings once.
    ``cache``: ({path: bindings}, {(path, name): signature}), for one bundle."""
    modules, signatures = cache
    key = (path, name)
    if key not in signatures:
        index = bundle.index(path)
        if index is not None and path not in modules:
            modules[path] = _statement_bindings(index.module.body)
        signatures[key] = _module_function(bundle, path, name, modules.get(path))
    return signatures[key]


def _imported_from_bundle(imports: Imports, path: str, name: str) -> tuple[str, str] | None:
    """(module file, original name) when ``name`` is bound by one ``from <bundle module> import``."""
    found = []
    for record in imports.by_path.get(path, ()):
        if record.names is None or record.star or record.dynamic or record.type_checking:
            continue
        for original, alias in record.names:
            if (alias or original) == name:
                module = record.absolute(package_of(path))
                target = imports.resolve(module) if module else None
                found.append((target, original) if target else None)
    return found[0] if len(found) == 1 and found[0] else None


class CallSignatureMismatch(Rule):
    """## What it does
    Checks calls of the bundle's own functions and classes against their definitions:
    too many positional arguments, a keyword the function does not take, the same
    argument twice, or a required parameter left out. It follows plain top-level
    functions and classes with their own `__init__`, in the same module, imported from
    another bundle module (`from .preprocess import load_data`), and nested functions.

    Calls with `*args`/`**kwargs`, decorated functions (other than `torch.no_grad` and
    `functools` caches, which keep the signature), names bound more than once, and
    methods are not checked: their target is not statically certain.

    ## Why is this bad?
    Python raises `TypeError` at the call, usually after the data has been loaded and
    minutes into a run. Generated bundles often change a function in one file and not
    its callers in another.

    ## Use instead
    Make the call match the definition, or change the definition and every caller together.
    """

    code = "EXP311"
    name = "call-signature-mismatch"
    summary = "A call of a bundle function passes arguments its definition rejects."
    invalid = (
        Invalid(
            {"src/model.py": "def build(width, depth=2):\n    return width * depth\n\n\nNET = build(8, depth=3, dropout=0.1)\n"},
            "src/model.py:5",
        ),
        Invalid(
            {"src/preprocess.py": "def split(data, ratio):\n    return data[: int(len(data) * ratio)]\n",
             "src/train.py": "from .preprocess import split\n\nPART = split([1, 2, 3])\n"},
            "src/train.py:3",
        ),
        Invalid(
            {"src/model.py": "class Head:\n    def __init__(self, width, classes):\n        self.width = width\n\n\nHEAD = Head(8)\n",},
            "src/model.py:6",
            title="A class with its own `__init__` is checked without `self`.",
        ),
        Invalid(
            {"src/model.py": "def score(batch):\n    def forward(x):\n        return x\n\n    return forward(batch, 2)\n"},
            "src/model.py:5",
            title="Nested functions are checked where they are called.",
        ),
    )
    valid = (
        Valid(),
        Valid(
            {"src/model.py": "def build(width):\n    return width\n\n\ndef make(build):\n    return build(1, 2, 3)\n\n\nclass Net:\n    def build(self, a, b):\n        return a + b\n\n    def run(self):\n        return self.build(1, 2)\n"},
            title="A parameter that shadows the function, and methods, are not the module function.",
        ),
        Valid({"src/model.py": "import functools\n\n\n@functools.lru_cache\ndef table(n, scale=1):\n    return n * scale\n\n\nT = table(3, scale=2)\n"}),
        Valid({"src/model.py": "def build(width, *layers, **extra):\n    return width\n\n\nNET = build(8, 1, 2, dropout=0.1)\nARGS = {'width': 3}\nOTHER = build(**ARGS)\n"}),
    )

    def check(self, bundle):
        imports = bundle.fact(Imports)
        scopes = bundle.fact(Scopes)
        functions: tuple[dict, dict] = ({}, {})  # for _cached_function
        for path, index in bundle.modules():
            module_scopes = scopes.modules.get(path)
            if module_scopes is None:
                continue
            for call in index.of(cst.Call):
                if type(call.func) is not cst.Name:
                    continue
                use = module_scopes.use_of(call.func)
                signature = self._resolve(bundle, imports, index, path, call, use, functions)
                if signature is None:
                    continue
                problems = signature.problems(call)
                if problems:
                    where = f"{signature.path}:" if signature.path != path else "line "
                    target = bundle.python(signature.path)
                    span = target.span(signature.node.name) if target else None
                    line = span[0] if span else None
                    related = (Location(signature.path, line),) if line else ()
                    yield Report(
                        path,
                        f"TypeError at run time: `{call.func.value}(...)` is called with {'; '.join(problems)} "
                        f"(defined at {where}{line}); make the call match the definition.",
                        node=call, related=related,
                    )

    def _resolve(self, bundle, imports, index, path, call, use, functions) -> Signature | None:
        name = call.func.value
        if use is None:
            return None
        scope = use.scope
        own = scope
        while scope is not None:
            if name in scope.bindings and (scope.kind != "class" or scope is own):
                break
            scope = scope.parent
        if scope is None:
            return None
        if scope.kind == "module":
            local = _cached_function(functions, bundle, path, name)
            if local is not None:
                return local
            source = _imported_from_bundle(imports, path, name)
            return _cached_function(functions, bundle, source[0], source[1]) if source else None
        if scope.kind == "function" and len(scope.where.get(name, ())) == 1:
            for ancestor in index.ancestors(call):
                if isinstance(ancestor, cst.FunctionDef) and ancestor.name.value == scope.name and isinstance(ancestor.body, cst.IndentedBlock):
                    nested = [s for s in ancestor.body.body if type(s) is cst.FunctionDef and s.name.value == name]
                    if len(nested) == 1 and _plain(nested[0]) and not nested[0].asynchronous:
                        return Signature.of(nested[0], path)
                    return None
        return None


RULES = (ImportShadowedByDefinition, CallSignatureMismatch)
