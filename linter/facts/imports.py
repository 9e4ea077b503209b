"""Every import of every Python module of the bundle, and how bundle modules are named.

``bundle.fact(Imports)`` gives, per file, one :class:`ImportRecord` per imported module
(``import a.b as c`` and each ``from x import y`` statement), with the flags rules need:
under ``if TYPE_CHECKING:``, inside a ``try`` whose handlers catch ``ImportError``, inside
a function, or a literal ``importlib.import_module("x")`` call. It also maps dotted
module names to bundle files (``src.model`` -> ``src/model.py``) for first-party checks.
"""
from __future__ import annotations

import sys
from dataclasses import field

import libcst as cst

from ..parsing.cst_helpers import arg, dotted_name, string_value
from ..records import dataclass
from .memo import call_names, shared

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


@dataclass(frozen=True)
class ImportRecord:
    path: str  # the importing file
    node: cst.CSTNode  # the Import / ImportFrom statement, or the import_module call
    level: int  # leading dots of a relative import (0: absolute)
    module: str | None  # "a.b" as written after the dots (None for `from . import x`)
    names: tuple[tuple[str, str | None], ...] | None  # (name, asname) of `from` imports; None for `import m`
    star: bool = False
    alias: str | None = None  # `import a.b as c` -> "c"
    type_checking: bool = False
    guarded: bool = False  # inside try/except ImportError (an optional import)
    in_function: bool = False
    dynamic: bool = False  # importlib.import_module("literal")

    @property
    def is_from(self) -> bool:
        return self.names is not None

    def absolute(self, package: str | None) -> str | None:
        """The absolute module this record imports from, given the importing file's package."""
        if self.level == 0:
            return self.module
        if package is None:
            return None
        parts = package.split(".") if package else []
        up = self.level - 1
        if up >= len(parts):
            return None  # beyond the top-level package: an ImportError of its own
        base = parts[: len(parts) - up] if up else parts
        if self.module:
            base = base + self.module.split(".")
        return ".".join(base) if base else None

    def written(self) -> str:
        return "." * self.level + (self.module or "")


def module_name(path: str) -> str | None:
    """``src/model.py`` -> ``src.model``; ``src/__init__.py`` -> ``src``; None for non-modules."""
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def package_of(path: str) -> str | None:
    """The package a module's relative imports start from (``src/train.py`` -> ``src``)."""
    name = module_name(path)
    if name is None:
        return None
    if path.endswith("/__init__.py") or path == "__init__.py":
        return name
    return name.rpartition(".")[0]


def _is_type_checking(test: cst.BaseExpression) -> bool:
    return dotted_name(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "t.TYPE_CHECKING")


def _catches_import_error(try_node: cst.Try) -> bool:
    for handler in try_node.handlers:
        if handler.type is None:
            return True
        types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
        for t in types:
            expr = t.value if isinstance(t, cst.Element) else t
            name = dotted_name(expr)
            if name and name.rsplit(".", 1)[-1] in _IMPORT_ERRORS:
                return True
    return False


def _flags(index, node: cst.CSTNode) -> tuple[bool, bool, bool]:
    type_checking = guarded = in_function = False
    child = node
    for ancestor in index.ancestors(node):
        kind = type(ancestor)  # exact types: isinstance on LibCST's ABC-based nodes is slow
        if kind is cst.If and _is_type_checking(ancestor.test) and child is ancestor.body:
            type_checking = True
        elif kind is cst.Try and child is ancestor.body and _catches_import_error(ancestor):
            guarded = True
        elif kind is cst.FunctionDef or kind is cst.Lambda:
            in_function = True
        child = ancestor
    return type_checking, guarded, in_function


def _module_text(expr: cst.BaseExpression | None) -> str | None:
    return dotted_name(expr) if expr is not None else None


def records_of(path: str, index) -> list[ImportRecord]:
    out: list[ImportRecord] = []
    # Two single-type look-ups: a multi-type index.of() re-walks the module to interleave them.
    for node in [*index.of(cst.Import), *index.of(cst.ImportFrom)]:
        tc, guarded, in_function = _flags(index, node)
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted_name(alias.name)
                if name is None:
                    continue
                asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
                out.append(ImportRecord(path, node, 0, name, None, alias=asname, type_checking=tc, guarded=guarded, in_function=in_function))
        else:
            level = len(node.relative)
            module = _module_text(node.module)
            if isinstance(node.names, cst.ImportStar):
                out.append(ImportRecord(path, node, level, module, (), star=True, type_checking=tc, guarded=guarded, in_function=in_function))
                continue
            names = []
            for alias in node.names:
                name = dotted_name(alias.name)
                if name is None:
                    continue
                asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
                names.append((name, asname))
            out.append(ImportRecord(path, node, level, module, tuple(names), type_checking=tc, guarded=guarded, in_function=in_function))
    callees = call_names(index)
    for call in index.of(cst.Call):
        if callees[id(call)] not in ("importlib.import_module", "import_module", "__import__"):
            continue
        target = string_value(arg(call, 0, "name"))
        if not target:
            continue
        level = len(target) - len(target.lstrip("."))
        if level and string_value(arg(call, 1, "package")) is None:
            continue  # relative to a package given at run time: not statically known
        tc, guarded, in_function = _flags(index, call)
        out.append(ImportRecord(path, call, level, target[level:] or None, None, type_checking=tc, guarded=guarded, in_function=in_function, dynamic=True))
    return out


@dataclass
class Imports:
    """Import records of every module, plus the bundle's own module names."""

    by_path: dict[str, list[ImportRecord]] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)  # dotted name -> path
    packages: set[str] = field(default_factory=set)  # dotted names of directories holding modules
    script_names: set[str] = field(default_factory=set)  # stems importable when a file runs as a script

    @classmethod
    def compute(cls, bundle) -> "Imports":
        facts = cls()
        for path in bundle.paths("python"):
            name = module_name(path)
            if name is None:
                continue
            facts.modules[name] = path
            parts = name.split(".")
            if path.endswith("__init__.py"):
                facts.packages.add(name)
            for i in range(1, len(parts)):
                facts.packages.add(".".join(parts[:i]))
            # `python src/train.py` puts src/ on sys.path: `import model` finds src/model.py.
            facts.script_names.add(path[:-3].rsplit("/", 1)[-1])
        for path, index in bundle.modules():
            # A module's records depend only on its text and path: bundles repeating it share them.
            facts.by_path[path] = list(shared(index, ("import records", path), lambda: tuple(records_of(path, index))))
        return facts

    def all(self) -> list[ImportRecord]:
        return [r for path in sorted(self.by_path) for r in self.by_path[path]]

    def first_party_roots(self) -> set[str]:
        roots = {name.split(".")[0] for name in self.modules} | {p.split(".")[0] for p in self.packages}
        return roots | self.script_names

    def is_first_party(self, top: str) -> bool:
        return top in self.first_party_roots()

    def is_bundle_package(self, name: str) -> bool:
        return name.split(".")[0] in ({n.split(".")[0] for n in self.modules if "." in n} | {p.split(".")[0] for p in self.packages})

    def resolve(self, name: str) -> str | None:
        """The bundle file of module ``name`` (``src/model.py`` or ``src/model/__init__.py``)."""
        return self.modules.get(name)

    def is_package(self, name: str) -> bool:
        return name in self.packages


STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def is_stdlib(top: str) -> bool:
    return top in STDLIB
