"""Reads of the run configuration: which keys the code reads, where, and how it uses them.

``bundle.fact(ConfigReads)`` follows configuration objects from where they are created
to where keys are read, across the bundle's Python files, and records every read.

Roots (where a configuration object comes from)
    ``yaml.safe_load(...)``, ``yaml.load``/``full_load``/``unsafe_load`` (loader
    ``"yaml"``: PyYAML's YAML 1.1 types), ``OmegaConf.load(...)`` (``"omegaconf"``),
    ``OmegaConf.merge(...)`` of which one argument is a configuration (``"omegaconf"``,
    its known parts in ``Root.parts``), and the first parameter of a function decorated
    with ``@hydra.main`` (``"hydra"``, ``Root.file`` from ``config_path``/``config_name``).
    Import aliases are resolved (``from yaml import safe_load``, ``import yaml as y``).
    ``Root.source`` says what was loaded: ``"file"`` (an ``open(...)`` handle, a
    ``Path.read_text()``/``.read()`` of one, or a path given to ``OmegaConf.load``),
    ``"hydra"``, or ``"other"`` (a string from elsewhere: its shape is unknown).

Flow (how a configuration object travels)
    simple assignments (``cfg = ...``, ``run = cfg["runs"][0]``, walrus), ``with``,
    ``for run in cfg["runs"]`` / ``for i, run in enumerate(...)`` / ``.items()`` /
    ``.values()`` (the loop variable is an entry: ``ITEM`` in the key path),
    comprehensions and ``next(r for r in cfg["runs"] if ...)``, ``dict(x)``,
    ``copy.deepcopy(x)``, ``x.copy()``, ``OmegaConf.create(x)``, attribute-dict wrappers
    (``EasyDict``, ``Box``, ``SimpleNamespace(**x)``...), ``self.cfg = cfg`` in a class
    (read back as ``self.cfg`` in its methods), function returns, and function
    parameters: a call ``train(run, ...)`` binds the entry to ``train``'s first parameter
    (keywords by name; ``Class(...)`` binds ``__init__``; ``self.method(...)`` binds the
    method), within a file and across files through imports of bundle modules
    (``from .preprocess import make_loaders``; ``from src import model``; ``model.f(x)``).
    Bindings and returns are iterated to a fixed point. Anything else (an unknown call,
    ``{**a, **b}``, a dispatch table) ends the flow: when the root is not identifiable
    nothing is recorded, never a guess.

What is recorded
    :class:`ConfigRead` per read: ``cfg["training"]["lr"]`` (style ``"subscript"``),
    ``cfg.training.lr`` (``"attribute"``, only where attribute access is key access:
    OmegaConf/Hydra objects and attribute dicts), ``cfg.get("k", d)`` / ``cfg.get("k")``
    (``"get"``, ``default=True``), ``cfg.pop("k"[, d])`` (``"pop"``), ``getattr(cfg, "k"[,
    d])`` (``"getattr"``), ``"k" in cfg`` / ``hasattr(cfg, "k")`` (``"in"``, a guard:
    ``guarded=True``). Only the outermost access of a chain is a read
    (``cfg["a"]["b"]`` is one read of ``("a", "b")``; the prefix is implied).
    ``keys`` is the full path from the root document; ``ITEM`` (``"*"``) stands for "each
    entry" of a list or mapping (``("runs", ITEM, "training", "lr")``): ``run_list`` is
    the part before the first ``ITEM``, ``entry_keys`` the part after it.
    :class:`ConfigWrite` per write: ``cfg["x"] = v``, ``cfg.x = v`` (attribute configs),
    ``cfg.setdefault("x", v)``, ``cfg.update(...)`` (``keys`` of the mapping, ``whole=True``
    when unknown), ``OmegaConf.update(cfg, "a.b", v)``.

Flags on a read
    ``default``: no KeyError when absent. ``guarded``: a ``"k" in``/``hasattr`` check of the
    same path in the same function, or a ``try`` that catches ``KeyError``/``Exception``/
    ``AttributeError``. ``soft``: reached through a defaulted or non-literal step, so
    absence of a later key is not certain to fail. ``branch``: inside a branch whose test
    depends on the configuration, a local derived from it or a parameter (or the
    function was entered through a call made in such a branch): whether every entry
    reaches it is unknown. ``uses``: how the value is used (sorted): ``"float"``, ``"int"``,
    ``"str"``, ``"bool"`` (passed to that builtin), ``"arith"`` (``+ - * / // % **``,
    unary minus, augmented assignment), ``"compare"`` (``< <= > >=``), ``"equality"``,
    ``"kw:<name>"`` (passed as keyword ``name=`` to a call), ``"arg"`` (another positional
    argument); uses of a local name the value was assigned to count too.
    ``use_nodes`` maps each use to the node showing it (for ``related=`` locations).

:class:`ConfigDump` per configuration value written out (``yaml.safe_dump(run, f)``,
    ``yaml.dump``, ``json.dump(s)``, ``OmegaConf.save``): a run entry dumped to its own file
    is what a child process may load as its whole document.

API: ``facts = bundle.fact(ConfigReads)``; ``facts.reads`` / ``facts.writes`` / ``facts.dumps``
(document order per file, files sorted); ``facts.reads_in(path)``; ``facts.run_lists()`` (key paths
of the lists/mappings read entry by entry, e.g. ``[("runs",)]``); ``facts.written(root,
keys)`` (whether code sets that key or one of its parents before or after reading it).
"""
from __future__ import annotations

from dataclasses import field, replace
from typing import Iterable, Iterator

import libcst as cst

from ..parsing.cst_helpers import dotted_name, int_value, string_value
from ..parsing.walk import child_nodes, leaf_classes
from ..records import dataclass
from .memo import shared

ITEM = "*"

_YAML_LOADERS = {"yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load"}
_OMEGA_LOAD = {"omegaconf.OmegaConf.load"}
_OMEGA_MERGE = {"omegaconf.OmegaConf.merge", "omegaconf.OmegaConf.unsafe_merge"}
_OMEGA_WRAP = {"omegaconf.OmegaConf.create", "omegaconf.DictConfig", "omegaconf.OmegaConf.structured"}
_ATTR_WRAP = {
    "easydict.EasyDict", "box.Box", "box.ConfigBox", "munch.Munch", "munch.munchify", "munch.DefaultMunch.fromDict",
    "dotmap.DotMap", "addict.Dict", "ml_collections.ConfigDict", "ml_collections.config_dict.ConfigDict",
}
_DUMPERS = {"yaml.dump", "yaml.safe_dump", "json.dump", "json.dumps", "omegaconf.OmegaConf.save", "yaml.dump_all"}
_PASS = {"dict", "copy.deepcopy", "copy.copy", "omegaconf.OmegaConf.to_container", "omegaconf.OmegaConf.to_object",
         "list", "tuple", "sorted", "reversed", "iter"}
_DICT_METHODS = {
    "get", "items", "keys", "values", "copy", "update", "setdefault", "pop", "popitem", "clear", "fromkeys",
    "merge_with", "pretty", "to_yaml", "_get_node", "__dict__",
}
_NUMERIC_BUILTINS = {"float", "int", "str", "bool"}
_ARITH_OPS = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power, cst.MatrixMultiply)
_ORDER_OPS = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
_EQ_OPS = (cst.Equal, cst.NotEqual)
_GUARD_EXCEPTIONS = {"KeyError", "LookupError", "Exception", "BaseException", "AttributeError", "ConfigAttributeError",
                     "ConfigKeyError", "MissingMandatoryValue", "TypeError", "omegaconf.errors.ConfigAttributeError",
                     "omegaconf.errors.ConfigKeyError"}
# Expressions with nothing to evaluate inside: the walk's leaves (literals, operators such
# as `/`, which child_nodes also yields), except names, which are looked up. A third of the
# evaluator's calls stop here at once instead of after every other type test.
_LEAVES = leaf_classes() - {cst.Name}
_SEQUENCES = frozenset({cst.Tuple, cst.List, cst.Set})
_NO_REFS: frozenset = frozenset()  # shared: frozensets are immutable, and nothing tests them by identity
_MAX_PASSES = 6
_UNSEEN = object()
_MAX_DEPTH = 12


@dataclass(eq=False)
class Root:
    """Where a configuration object comes from (compared by identity)."""

    path: str  # the Python file
    loader: str  # "yaml" | "omegaconf" | "hydra"
    node: cst.CSTNode  # the load call, the merge call, or the hydra function's parameter
    source: str  # "file" | "hydra" | "other"
    file: str | None = None  # the bundle path loaded, when statically known
    parts: tuple["Root", ...] = ()  # the configurations an OmegaConf.merge combines
    order: tuple = field(default=(), repr=False)

    def __repr__(self) -> str:
        return f"Root({self.loader}, {self.path}, source={self.source}, file={self.file})"


@dataclass(frozen=True)
class Ref:
    """An abstract configuration value: a root and the key path below it."""

    root: Root
    keys: tuple = ()
    attr: bool = False  # attribute access reads keys (OmegaConf, attribute dicts)
    soft: bool = False
    branch: bool = False
    many: bool = False  # a collection of such values (a comprehension's result)
    pairs: bool = False  # (key, value) pairs: `.items()`, `enumerate(...)`
    origin: cst.CSTNode | None = None  # the read that produced it


@dataclass
class ConfigRead:
    path: str
    function: str | None
    node: cst.CSTNode
    root: Root
    keys: tuple
    style: str
    default: bool = False
    guarded: bool = False
    soft: bool = False
    branch: bool = False
    uses: tuple[str, ...] = ()
    use_nodes: dict = field(default_factory=dict, repr=False)
    base: cst.CSTNode | None = field(default=None, repr=False)
    order: tuple = field(default=(), repr=False, compare=False)

    @property
    def run_list(self) -> tuple | None:
        """Key path of the entry collection read entry by entry, or None (a document read)."""
        return self.keys[: self.keys.index(ITEM)] if ITEM in self.keys else None

    @property
    def entry_keys(self) -> tuple:
        """Keys below the first ITEM (the whole path for document reads)."""
        return self.keys[self.keys.index(ITEM) + 1 :] if ITEM in self.keys else self.keys

    @property
    def dotted(self) -> str:
        return ".".join(str(k) for k in self.entry_keys)


@dataclass
class ConfigWrite:
    path: str
    function: str | None
    node: cst.CSTNode
    root: Root
    keys: tuple
    style: str
    whole: bool = False  # e.g. cfg.update(unknown): any key below ``keys`` may be set
    order: tuple = field(default=(), repr=False, compare=False)


@dataclass
class ConfigDump:
    """A configuration value written out: ``yaml.safe_dump(run, f)``, ``json.dump``, ``OmegaConf.save``."""

    path: str
    function: str | None
    node: cst.CSTNode
    root: Root
    keys: tuple
    order: tuple = field(default=(), repr=False, compare=False)


@dataclass
class ConfigReads:
    reads: tuple[ConfigRead, ...]
    writes: tuple[ConfigWrite, ...]
    roots: tuple[Root, ...]
    dumps: tuple[ConfigDump, ...] = ()

    @classmethod
    def compute(cls, bundle) -> "ConfigReads":
        return _Analysis(bundle).run()

    def reads_in(self, path: str) -> list[ConfigRead]:
        return [r for r in self.reads if r.path == path]

    def run_lists(self) -> list[tuple]:
        return sorted({r.run_list for r in self.reads if r.run_list is not None}, key=lambda k: tuple(map(str, k)))

    def written(self, root: Root | None, keys: tuple) -> bool:
        """Whether the code sets ``keys`` (or a parent, or a whole mapping above it) anywhere."""
        for w in self.writes:
            if root is not None and w.root is not root and not _same_origin(w.root, root):
                continue
            n = len(w.keys)
            if w.whole and _prefix_match(w.keys, keys[:n]):
                return True
            if n <= len(keys) and _prefix_match(w.keys, keys[:n]):
                return True
        return False


def _same_origin(a: Root, b: Root) -> bool:
    return a.loader == b.loader and a.source == b.source and a.file == b.file


def _prefix_match(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x == y or x == ITEM or y == ITEM for x, y in zip(a, b))


# ---------------------------------------------------------------------------------------------
# the analysis


@dataclass
class _Func:
    path: str
    qualname: str
    node: cst.FunctionDef | None  # None: module level
    cls: str | None = None  # enclosing class qualname, for methods
    params: tuple[str, ...] = ()
    closure: bool = False  # nested function: evaluated with its parent's environment
    top: int = 0  # index of the module statement holding it (document order)
    rank: int = 0  # document order among the file's functions
    names: frozenset = frozenset()  # every name used in its body (nested functions included)


def _param_names(fn: cst.FunctionDef) -> tuple[str, ...]:
    p = fn.params
    return tuple(x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params))


def _literal_key(expr: cst.BaseExpression) -> str | int | None:
    value = string_value(expr)
    if value is not None:
        return value
    if type(expr) is cst.Integer:
        return int_value(expr)
    if type(expr) is cst.UnaryOperation and type(expr.operator) is cst.Minus and type(expr.expression) is cst.Integer:
        value = int_value(expr.expression)
        return None if value is None else -value
    return None



def _names_by_function(index) -> dict[int, set[str]]:
    """id(FunctionDef) -> every name used in it, nested functions included: one run of the
    index's pre-ordered names per function (``below``), found by bisection."""
    below, name = index.below, cst.Name
    return {id(fn): {n.value for n in below(fn, name)} for fn in index.of(cst.FunctionDef)}


def _module_of(path: str) -> str:
    return path[:-3].replace("/", ".") if path.endswith(".py") else path


class _Analysis:
    def __init__(self, bundle) -> None:
        self.bundle = bundle
        self.modules = {path: index for path, index in bundle.modules()}
        self.by_module = {_module_of(p): p for p in self.modules}
        for p in list(self.modules):
            if p.startswith("src/"):
                self.by_module.setdefault(_module_of(p)[4:], p)  # `import model` beside src/
        self.funcs: dict[tuple[str, str], _Func] = {}
        self.func_of_node: dict[int, _Func] = {}
        self.top_level: dict[str, dict[str, str]] = {}  # path -> local name -> qualname of def/class
        self.classes: dict[tuple[str, str], cst.ClassDef] = {}
        self.imports: dict[str, dict[str, tuple]] = {}  # path -> name -> ("mod", path) | ("obj", path, name) | ("ext", dotted)
        self.roots: dict[int, Root] = {}
        self.triggers: dict[str, frozenset[str]] = {}  # names that may create a root, per file
        self.node_seq: dict[int, int] = {}
        self.callees: dict[int, str | None] = {}  # id(call) -> qualify_callee's answer
        # fixed-point state
        self.bindings: dict[tuple[str, str, str], frozenset[Ref]] = {}
        self.returns: dict[tuple[str, str], frozenset[Ref]] = {}
        self.attrs: dict[tuple[str, str, str], frozenset[Ref]] = {}  # (path, class, attr) -> refs
        self.module_env: dict[str, dict[str, frozenset[Ref]]] = {}
        self.returning: set[str] = set()
        self.returns_read: dict[tuple[str, str], frozenset[Ref] | None] | None = None  # by the evaluation under way
        self.records: list[ConfigRead] = []
        self.write_records: list[ConfigWrite] = []
        self.aliases: list = []
        self.dump_records: list[ConfigDump] = []
        for path, index in self.modules.items():
            self._collect(path, index)

    # -- collection ------------------------------------------------------------------------
    def _collect(self, path: str, index) -> None:
        module = index.module
        imports: dict[str, tuple] = {}
        for node in index.of(cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name)
                if full is None:
                    continue
                if alias.asname is not None and type(alias.asname.name) is cst.Name:
                    local = alias.asname.name.value
                    target = self._resolve_module(path, full, 0)
                    imports[local] = ("mod", target) if target else ("ext", full)
                else:
                    head = full.split(".")[0]
                    imports.setdefault(head, ("ext", head))
                    target = self._resolve_module(path, full, 0)
                    if target:
                        imports[full] = ("mod", target)
        for node in index.of(cst.ImportFrom):
            if type(node.names) is cst.ImportStar:
                continue
            level = len(node.relative)
            base = dotted_name(node.module) if node.module is not None else ""
            for alias in node.names:
                name = alias.name.value if type(alias.name) is cst.Name else dotted_name(alias.name)
                if name is None:
                    continue
                local = alias.asname.name.value if alias.asname is not None and type(alias.asname.name) is cst.Name else name
                target_mod = self._resolve_module(path, f"{base}.{name}" if base else name, level)
                if target_mod:
                    imports[local] = ("mod", target_mod)
                    continue
                target = self._resolve_module(path, base, level) if (base or level) else None
                if target:
                    imports[local] = ("obj", target, name)
                elif not level:
                    imports[local] = ("ext", f"{base}.{name}" if base else name)
        self.imports[path] = imports
        top: dict[str, str] = {}
        self.funcs[(path, "<module>")] = _Func(path, "<module>", None, top=-1, rank=-1)
        counter = [0]
        self._define(path, top, counter, module.body, "", None, False)
        self.top_level[path] = top
        names = shared(index, "names by function", lambda: _names_by_function(index))
        for f in list(self.funcs.values()):
            if f.path == path and f.node is not None:
                f.names = frozenset(names.get(id(f.node), ()))
        self.triggers[path] = frozenset(
            local for local, imp in imports.items()
            if imp[0] == "ext" and imp[1].split(".")[0] in ("yaml", "omegaconf", "hydra")
        )

    def _define(self, path: str, top: dict[str, str], counter: list[int], body: Iterable[cst.CSTNode], prefix: str,
                cls: str | None, nested: bool, at: int | None = None) -> None:
        """Record the functions and classes of ``body``, nested ones under dotted names.

        A method, not a recursive closure: that closure's reference cycle would keep this
        whole analysis alive until the cyclic collector runs."""
        for i, stmt in enumerate(body):
            where = i if at is None else at
            if type(stmt) is cst.FunctionDef:
                qual = f"{prefix}{stmt.name.value}"
                counter[0] += 1
                f = _Func(path, qual, stmt, cls, _param_names(stmt), closure=nested, top=where, rank=counter[0])
                self.funcs[(path, qual)] = f
                self.func_of_node[id(stmt)] = f
                if not prefix:
                    top[stmt.name.value] = qual
                self._define(path, top, counter, _body(stmt), qual + ".<locals>.", None, True, where)
            elif type(stmt) is cst.ClassDef:
                qual = f"{prefix}{stmt.name.value}"
                self.classes[(path, qual)] = stmt
                if not prefix:
                    top[stmt.name.value] = qual
                self._define(path, top, counter, _body(stmt), qual + ".", qual, nested, where)
            elif type(stmt) in (cst.If, cst.Try, cst.With, cst.For, cst.While):
                self._define(path, top, counter, _compound_bodies(stmt), prefix, cls, nested, where)

    def _resolve_module(self, path: str, name: str, level: int) -> str | None:
        if level:
            parts = path.split("/")[:-1]
            if level > 1:
                parts = parts[: len(parts) - (level - 1)]
            candidate = "/".join([*parts, *name.split(".")]) if name else "/".join(parts)
            for c in (candidate + ".py", candidate + "/__init__.py"):
                if c in self.modules:
                    return c
            return None
        return self.by_module.get(name)

    # -- name resolution ---------------------------------------------------------------------
    def qualify(self, path: str, expr: cst.BaseExpression) -> str | None:
        """The dotted name of an external callee with import aliases resolved."""
        name = dotted_name(expr)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        imp = self.imports[path].get(head)
        if imp is None:
            return name
        if imp[0] == "ext":
            return imp[1] + ("." + rest if rest else "")
        return None

    def qualify_callee(self, path: str, call: cst.Call) -> str | None:
        """``qualify(path, call.func)``, once per call: the fixed point evaluates calls repeatedly."""
        found = self.callees.get(id(call), _UNSEEN)
        if found is _UNSEEN:
            found = self.callees[id(call)] = self.qualify(path, call.func)
        return found

    def callee(self, path: str, func: cst.BaseExpression, scope: "_Scope") -> tuple[_Func, int] | None:
        """The bundle function a call reaches and how many leading parameters are implicit."""
        if type(func) is cst.Name:
            name = func.value
            for f in scope.nested_defs():
                if f.qualname.rsplit(".", 1)[-1] == name:
                    return f, 0
            qual = self.top_level[path].get(name)
            if qual is not None:
                return self._callable(path, qual)
            imp = self.imports[path].get(name)
            if imp and imp[0] == "obj" and imp[2] in self.top_level.get(imp[1], {}):
                return self._callable(imp[1], self.top_level[imp[1]][imp[2]])
            return None
        if type(func) is cst.Attribute:
            attr = func.attr.value
            if type(func.value) is cst.Name and func.value.value == "self" and scope.func.cls:
                return self._method(path, scope.func.cls, attr)
            mod = dotted_name(func.value)
            imp = self.imports[path].get(mod) if mod else None
            if imp and imp[0] == "mod" and attr in self.top_level.get(imp[1], {}):
                return self._callable(imp[1], self.top_level[imp[1]][attr])
        return None

    def _callable(self, path: str, qual: str) -> tuple[_Func, int] | None:
        if (path, qual) in self.funcs:
            return self.funcs[(path, qual)], 0
        if (path, qual) in self.classes:
            return self._method(path, qual, "__init__")
        return None

    def _method(self, path: str, cls: str, name: str) -> tuple[_Func, int] | None:
        f = self.funcs.get((path, f"{cls}.{name}"))
        if f is None or not f.params:
            return None
        decorators = {dotted_name(d.decorator) for d in f.node.decorators} if f.node else set()
        return f, 0 if "staticmethod" in decorators else 1

    # -- roots -------------------------------------------------------------------------------
    def root(self, path: str, node: cst.CSTNode, loader: str, source: str, file: str | None = None, parts=(), order=()) -> Root:
        found = self.roots.get(id(node))
        if found is None:
            found = self.roots[id(node)] = Root(path, loader, node, source, file, tuple(parts), order)
        return found

    def hydra_root(self, path: str, fn: cst.FunctionDef, f: _Func) -> Root | None:
        for deco in fn.decorators:
            d = deco.decorator
            if not type(d) is cst.Call or self.qualify(path, d.func) not in ("hydra.main",):
                continue
            params = _param_names(fn)
            if not params:
                return None
            cfg_path = cfg_name = None
            for a in d.args:
                if a.keyword is not None and a.keyword.value == "config_path":
                    cfg_path = string_value(a.value)
                elif a.keyword is not None and a.keyword.value == "config_name":
                    cfg_name = string_value(a.value)
            file = None
            if cfg_path is not None and cfg_name is not None:
                file = _join(path, cfg_path, cfg_name if cfg_name.endswith((".yaml", ".yml")) else cfg_name + ".yaml")
            param = (*fn.params.posonly_params, *fn.params.params)[0]
            return self.root(path, param, "hydra", "hydra", file, order=(f.top, f.rank, -1))
        return None

    # -- the fixed point ---------------------------------------------------------------------
    def run(self) -> ConfigReads:
        order = sorted(self.funcs.values(), key=lambda f: (f.path, f.rank))
        nested: dict[str, list[_Func]] = {}
        for f in order:
            if f.closure:
                owner = f.qualname.split(".<locals>.")[0]
                nested.setdefault(f"{f.path}:{owner}", []).append(f)
        cache: dict[tuple[str, str], tuple] = {}
        state = None
        for _ in range(_MAX_PASSES):
            bindings: dict = {}
            returns: dict = {}
            attrs: dict = {}
            live = []
            for f in order:
                if f.closure or not self.relevant(f):
                    continue  # closures are evaluated where they are defined, with their parent's names
                inputs = self.inputs_of(f, nested.get(f"{f.path}:{f.qualname}", ()))
                entry = cache.get((f.path, f.qualname))
                if entry is None or entry[0] != inputs or not self.same_returns(entry[8]):
                    self.records, self.write_records, self.aliases, self.dump_records = [], [], [], []
                    self.new_bindings, self.new_returns, self.new_attrs = {}, {}, {}
                    self.returns_read = {} if f.node is not None else None
                    self.evaluate(f, None)
                    entry = (inputs, self.records, self.write_records, self.aliases,
                             self.new_bindings, self.new_returns, self.new_attrs, self.dump_records,
                             self.returns_read)
                    cache[(f.path, f.qualname)] = entry
                live.append(entry)
                for target, source in ((bindings, entry[4]), (returns, entry[5]), (attrs, entry[6])):
                    for k, v in source.items():
                        target[k] = target.get(k, frozenset()) | v
            snapshot = (bindings, returns, attrs)
            changed = snapshot != state
            state = snapshot
            self.bindings, self.returns, self.attrs = bindings, returns, attrs
            self.returning = {k[1].rsplit(".", 1)[-1] for k in self.returns}
            for path, imports in self.imports.items():
                for local, imp in imports.items():
                    if imp[0] == "obj" and (imp[1], imp[2]) in self.returns:
                        self.returning.add(local)
                    elif imp[0] == "mod" and any(k[0] == imp[1] for k in self.returns):
                        self.returning.add(local)
            if not changed:
                break
        self.records = [r for e in live for r in e[1]]
        self.write_records = [w for e in live for w in e[2]]
        self.aliases = [a for e in live for a in e[3]]
        self.dump_records = [d for e in live for d in e[7]]
        return self.finish()

    def inputs_of(self, f: _Func, closures: Iterable[_Func]) -> tuple:
        """Everything an evaluation of ``f`` reads from the shared state (unchanged: reuse it)."""
        bound = tuple(self.bindings.get((g.path, g.qualname, p)) for g in (f, *closures) for p in g.params)
        attrs = {k: v for k, v in self.attrs.items() if k[0] == f.path and k[1] == f.cls} if f.cls else None
        module = self.module_env.get(f.path) if f.node is not None else None
        # A function depends only on the returns it looks up (same_returns); the module level
        # also on its own earlier environment, so it is re-run whenever any return changes.
        return (bound, attrs, module, self.returns if f.node is None else None)

    def same_returns(self, read: dict | None) -> bool:
        """Whether every return an evaluation looked up is still what it saw."""
        if read is None:
            return True
        returns = self.returns
        for key, seen in read.items():
            if returns.get(key) != seen:
                return False
        return True

    def relevant(self, f: _Func) -> bool:
        """Whether a function can touch a configuration at all (most never do: skip them)."""
        if f.node is None:
            return True
        if any((f.path, f.qualname, p) in self.bindings for p in f.params):
            return True
        names = f.names
        if names & self.triggers[f.path] or names & self.module_env.get(f.path, {}).keys():
            return True
        if f.cls and "self" in names and any(k[0] == f.path and k[1] == f.cls for k in self.attrs):
            return True
        return bool(names & self.returning)

    def evaluate(self, f: _Func, parent: "_Scope | None") -> None:
        scope = _Scope(self, f, parent)
        if f.node is None:
            index = self.modules[f.path]
            for i, stmt in enumerate(index.module.body):
                scope.top = i
                scope.stmt(stmt)
            self.module_env[f.path] = {k: v for k, v in scope.env.items() if v}
            return
        if f.cls is None and not f.closure:
            hydra = self.hydra_root(f.path, f.node, f)
            if hydra is not None:
                scope.env[f.params[0]] = frozenset({Ref(hydra, (), attr=True)})
        for name in f.params:
            bound = self.bindings.get((f.path, f.qualname, name))
            if bound:
                scope.env[name] = bound
        for d in f.node.decorators:
            scope.expr(d.decorator)
        scope.block(_body(f.node))

    def bind(self, f: _Func, param: str, refs: Iterable[Ref], branch: bool) -> None:
        key = (f.path, f.qualname, param)
        add = frozenset(replace(r, origin=None, branch=r.branch or branch, many=r.many, pairs=False) for r in refs if len(r.keys) <= _MAX_DEPTH)
        if add:
            self.new_bindings[key] = self.new_bindings.get(key, frozenset()) | add

    # -- results -----------------------------------------------------------------------------
    def finish(self) -> ConfigReads:
        bases = {id(r.base) for r in self.records if r.base is not None}
        reads = [r for r in self.records if id(r.node) not in bases]
        # one read per (node, root, keys): reached unconditionally or certainly by any path wins
        merged: dict[tuple, ConfigRead] = {}
        for r in reads:
            key = (id(r.node), id(r.root), r.keys)
            first = merged.get(key)
            if first is None:
                merged[key] = r
            else:
                first.branch = first.branch and r.branch
                first.soft = first.soft and r.soft
                first.guarded = first.guarded and r.guarded
        unique = list(merged.values())
        checked = {(r.path, r.function, id(r.root), r.keys) for r in unique if r.style == "in"}
        for r in unique:
            if (r.path, r.function, id(r.root), r.keys) in checked:
                r.guarded = True
            uses: dict[str, cst.CSTNode] = {}
            index = self.modules[r.path]
            _uses_of(index, r.node, uses)
            for name, ref in self.aliases:
                if ref.origin is r.node:
                    _uses_of(index, name, uses)
            r.uses = tuple(sorted(uses))
            r.use_nodes = uses
        roots = tuple(sorted(self.roots.values(), key=lambda x: (x.path, x.order)))
        rank = {id(x): i for i, x in enumerate(roots)}
        unique.sort(key=lambda r: (r.path, r.order, rank[id(r.root)], tuple(map(str, r.keys))))
        wseen: set = set()
        writes = []
        for w in self.write_records:
            key = (id(w.node), id(w.root), w.keys)
            if key not in wseen:
                wseen.add(key)
                writes.append(w)
        writes.sort(key=lambda w: (w.path, w.order, rank[id(w.root)], tuple(map(str, w.keys))))
        dumps = sorted(self.dump_records, key=lambda d: (d.path, d.order, rank[id(d.root)]))
        return ConfigReads(tuple(unique), tuple(writes), roots, tuple(dumps))



def _join(pyfile: str, rel: str, name: str) -> str | None:
    parts = pyfile.split("/")[:-1]
    for piece in (rel.strip("/") + "/" + name).split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def _body(node: cst.CSTNode) -> list[cst.CSTNode]:
    body = getattr(node, "body", None)
    if type(body) in (cst.IndentedBlock, cst.SimpleStatementSuite):
        return list(body.body)
    if isinstance(body, (list, tuple)):
        return list(body)
    return []


def _compound_bodies(stmt: cst.CSTNode) -> list[cst.CSTNode]:
    out = list(_body(stmt))
    for name in ("orelse", "finalbody"):
        extra = getattr(stmt, name, None)
        if extra is not None:
            out += _compound_bodies(extra) if type(extra) in (cst.If, cst.Else, cst.Finally) else []
    for handler in getattr(stmt, "handlers", ()) or ():
        out += _body(handler)
    return out


def _uses_of(index, node: cst.CSTNode, out: dict) -> None:
    """How the value of ``node`` is used, from its syntactic context."""
    child = node
    parent = index.parent(node)
    while isinstance(parent, (cst.Await,)) or (type(parent) is cst.IfExp and parent.test is not child):
        child, parent = parent, index.parent(parent)
    if type(parent) is cst.Arg:
        call = index.parent(parent)
        if type(call) is cst.Call and parent.value is child and not parent.star:
            fname = dotted_name(call.func)
            if parent.keyword is not None:
                out.setdefault("kw:" + parent.keyword.value, call)
            elif fname in _NUMERIC_BUILTINS:
                out.setdefault(fname, call)
            else:
                out.setdefault("arg", call)
    elif type(parent) is cst.BinaryOperation and type(parent.operator) in _ARITH_OPS:
        out.setdefault("arith", parent)
    elif type(parent) is cst.UnaryOperation and type(parent.operator) in (cst.Minus, cst.Plus):
        out.setdefault("arith", parent)
    elif type(parent) is cst.AugAssign and type(parent.operator) in (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign, cst.DivideAssign, cst.PowerAssign, cst.FloorDivideAssign, cst.ModuloAssign):
        out.setdefault("arith", parent)
    elif type(parent) is cst.ComparisonTarget:
        comparison = index.parent(parent)
        if type(parent.operator) in _ORDER_OPS:
            out.setdefault("compare", comparison)
        elif type(parent.operator) in _EQ_OPS:
            out.setdefault("equality", comparison)
    elif type(parent) is cst.Comparison and parent.comparisons:
        op = parent.comparisons[0].operator
        if type(op) in _ORDER_OPS:
            out.setdefault("compare", parent)
        elif type(op) in _EQ_OPS:
            out.setdefault("equality", parent)


class _Scope:
    """One function evaluated in document order: names bound to configuration values."""

    def __init__(self, analysis: _Analysis, func: _Func, parent: "_Scope | None") -> None:
        self.a = analysis
        self.func = func
        self.path = func.path
        self.parent = parent
        self.env: dict[str, frozenset[Ref]] = {}
        self.tainted: set[str] = set()
        self.files: dict[str, str | None] = {}  # names bound to open file handles -> literal path
        self.branch = False
        self.guard_try = False
        self.defs: list[_Func] = []
        self.params = set(func.params) - {"self", "cls"}
        self.fname = None if func.node is None else func.qualname
        self.owner: _Func = parent.owner if parent is not None else func  # whose document position orders records
        self.top = parent.top if parent is not None else func.top
        self.mentioned = False  # set when an evaluated name is configuration-derived
        self.depended = False  # ... or a parameter, or `self.x`

    def order(self, node: cst.CSTNode) -> tuple:
        seq = self.a.node_seq.setdefault(id(node), len(self.a.node_seq))
        return (self.top, self.owner.rank, seq)

    def flag_name(self, name: str) -> None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.tainted or name in scope.env and scope.env[name]:
                self.mentioned = self.depended = True
                return
            if name in scope.params:
                self.depended = True
            scope = scope.parent
        if name in self.a.module_env.get(self.path, {}):
            self.mentioned = self.depended = True

    def test(self, expr: cst.CSTNode) -> bool:
        """Evaluate a branch test; whether it depends on configuration, a derived local or a parameter."""
        saved = (self.mentioned, self.depended)
        self.mentioned = self.depended = False
        self.expr(expr)
        dependent = self.depended and not _is_main_guard(expr)
        self.mentioned, self.depended = saved[0] or self.mentioned, saved[1] or self.depended
        return dependent

    def value(self, expr: cst.CSTNode) -> tuple[frozenset, bool]:
        """Evaluate an assigned value: its refs and whether it mentions configuration at all."""
        saved = self.mentioned
        self.mentioned = False
        refs = self.expr(expr)
        mentioned = self.mentioned
        self.mentioned = saved or mentioned
        return refs, mentioned

    def nested_defs(self) -> Iterator[_Func]:
        scope: _Scope | None = self
        while scope is not None:
            yield from scope.defs
            scope = scope.parent

    def lookup(self, name: str) -> frozenset[Ref]:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.env:
                return scope.env[name]
            scope = scope.parent
        return self.a.module_env.get(self.path, {}).get(name, frozenset())

    # -- recording ---------------------------------------------------------------------------
    def read(self, node, base, ref: Ref, key, style: str, default: bool = False, guard: bool = False) -> Ref:
        keys = ref.keys + (key,)
        soft = ref.soft or default or guard
        rec = ConfigRead(
            self.path, self.fname, node, ref.root, keys, style,
            default=default or guard,
            guarded=guard or self.guard_try,
            soft=ref.soft, branch=self.branch or ref.branch, base=base, order=self.order(node),
        )
        self.a.records.append(rec)
        return Ref(ref.root, keys, ref.attr, soft, ref.branch, False, False, node)

    def write(self, node, ref: Ref, keys: tuple, style: str, whole: bool = False) -> None:
        self.a.write_records.append(ConfigWrite(self.path, self.fname, node, ref.root, ref.keys + keys, style, whole, self.order(node)))

    # -- statements --------------------------------------------------------------------------
    def block(self, body: Iterable[cst.CSTNode]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, stmt: cst.CSTNode) -> None:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                self.small(small)
        elif type(stmt) is cst.FunctionDef:
            f = self.a.func_of_node.get(id(stmt))
            if f is not None and f.closure:
                self.defs.append(f)
                for d in stmt.decorators:
                    self.expr(d.decorator)
                inner = _Scope(self.a, f, self)
                inner.branch = self.branch
                for name in f.params:
                    bound = self.a.bindings.get((f.path, f.qualname, name))
                    inner.env[name] = bound or frozenset()
                inner.block(_body(stmt))
            # methods and top-level functions are evaluated on their own
        elif type(stmt) is cst.ClassDef:
            return
        elif type(stmt) is cst.If:
            dependent = self.test(stmt.test)
            self.branched(dependent, _body(stmt))
            orelse = stmt.orelse
            if type(orelse) is cst.If:
                self.branched(dependent, [orelse])
            elif orelse is not None:
                self.branched(dependent, _body(orelse))
        elif type(stmt) is cst.For:
            refs = self.expr(stmt.iter)
            self.assign_target(stmt.target, self.elements(refs, stmt.iter))
            self.block(_body(stmt))
            if stmt.orelse is not None:
                self.block(_body(stmt.orelse))
        elif type(stmt) is cst.While:
            self.branched(self.test(stmt.test), _body(stmt))
        elif type(stmt) is cst.With:
            for item in stmt.items:
                refs = self.expr(item.item)
                if item.asname is not None:
                    target = item.asname.name
                    opened = self.opened(item.item)
                    if type(target) is cst.Name and opened is not False:
                        self.files[target.value] = opened
                        self.env.pop(target.value, None)
                    else:
                        self.assign_target(target, refs)
            self.block(_body(stmt))
        elif type(stmt) is cst.Try:
            catches = any(_catches_lookup(h) for h in stmt.handlers)
            saved = self.guard_try
            self.guard_try = saved or catches
            self.block(_body(stmt))
            self.guard_try = saved
            for h in stmt.handlers:
                self.branched(True, _body(h))
            if stmt.orelse is not None:
                self.block(_body(stmt.orelse))
            if stmt.finalbody is not None:
                self.block(_body(stmt.finalbody))
        elif type(stmt) is cst.Match:
            self.expr(stmt.subject)
            for case in stmt.cases:
                self.branched(True, _body(case))
        else:
            for child in child_nodes(stmt):
                if isinstance(child, cst.BaseExpression):
                    self.expr(child)
                elif isinstance(child, (cst.BaseStatement, cst.BaseSmallStatement)):
                    self.stmt(child)
                else:
                    for sub in _body(child) or child_nodes(child):
                        self.stmt(sub) if isinstance(sub, (cst.BaseStatement, cst.BaseSmallStatement)) else self.expr(sub)

    def branched(self, dependent: bool, body) -> None:
        saved = self.branch
        self.branch = saved or dependent
        self.block(body)
        self.branch = saved

    def small(self, stmt: cst.CSTNode) -> None:
        if type(stmt) is cst.Assign:
            refs, mentioned = self.value(stmt.value)
            for t in stmt.targets:
                self.assign_target(t.target, refs, stmt.value, mentioned)
        elif type(stmt) is cst.AnnAssign:
            if stmt.value is not None:
                refs, mentioned = self.value(stmt.value)
                self.assign_target(stmt.target, refs, stmt.value, mentioned)
        elif type(stmt) is cst.AugAssign:
            self.expr(stmt.value)
            self.expr(stmt.target)
        elif type(stmt) is cst.Return:
            if stmt.value is not None:
                refs = self.expr(stmt.value)
                if refs and self.func.node is not None:
                    key = (self.path, self.func.qualname)
                    add = frozenset(replace(r, origin=None) for r in refs)
                    self.a.new_returns[key] = self.a.new_returns.get(key, frozenset()) | add
        elif type(stmt) is cst.Expr:
            self.expr(stmt.value)
        elif type(stmt) is cst.Import or type(stmt) is cst.ImportFrom:
            # What the generic walk below visits (module, alias names, `as` names), without child lists.
            if type(stmt) is cst.ImportFrom and stmt.module is not None:
                self.expr(stmt.module)
            if type(stmt.names) is not cst.ImportStar:
                for alias in stmt.names:
                    self.expr(alias.name)
                    if alias.asname is not None:
                        self.expr(alias.asname.name)
        else:
            for child in child_nodes(stmt):
                self.expr(child)

    def assign_target(self, target: cst.CSTNode, refs: frozenset[Ref], value: cst.CSTNode | None = None, mentioned: bool = False) -> None:
        if type(target) is cst.Name:
            name = target.value
            self.files.pop(name, None)
            if refs:
                self.env[name] = refs
                self.tainted.discard(name)
            else:
                self.env[name] = frozenset()
                if mentioned:
                    self.tainted.add(name)
                else:
                    self.tainted.discard(name)
                opened = self.opened(value) if value is not None else False
                if opened is not False:
                    self.files[name] = opened
        elif type(target) in (cst.Tuple, cst.List):
            elements = [e.value for e in target.elements]
            if type(value) in (cst.Tuple, cst.List) and len(value.elements) == len(elements):
                for t, v in zip(elements, value.elements):
                    self.assign_target(t, self.peek(v.value), v.value)
                return
            pair = frozenset(replace(r, pairs=False) for r in refs if r.pairs)
            for i, t in enumerate(elements):
                self.assign_target(t, pair if (pair and i == len(elements) - 1) else frozenset())
        elif type(target) is cst.Subscript:
            base = self.expr(target.value)
            key = _subscript_key(target)
            for ref in base:
                if isinstance(key, str):
                    self.write(target, ref, (key,), "subscript")
                else:
                    self.write(target, ref, (), "subscript", whole=True)
            self.expr_children_of_subscript(target)
        elif type(target) is cst.Attribute:
            if type(target.value) is cst.Name and target.value.value == "self" and self.func.cls:
                key = (self.path, self.func.cls, target.attr.value)
                if refs:
                    add = frozenset(replace(r, origin=None) for r in refs)
                    self.a.new_attrs[key] = self.a.new_attrs.get(key, frozenset()) | add
                return
            base = self.expr(target.value)
            for ref in base:
                if ref.attr:
                    self.write(target, ref, (target.attr.value,), "attribute")
        elif type(target) is cst.StarredElement:
            self.assign_target(target.value, frozenset())

    def peek(self, expr: cst.BaseExpression) -> frozenset[Ref]:
        """Refs of an expression already evaluated (tuple unpacking): look names up only."""
        if type(expr) is cst.Name:
            return self.lookup(expr.value)
        return frozenset()

    def opened(self, expr: cst.CSTNode | None):
        """The literal path of ``open("x")``/``Path("x").open()``; None if not literal; False if no file."""
        if not type(expr) is cst.Call:
            return False
        name = dotted_name(expr.func)
        if name in ("open", "io.open", "codecs.open"):
            return _literal_path(expr.args[0].value) if expr.args else None
        if type(expr.func) is cst.Attribute and expr.func.attr.value == "open":
            return _literal_path(expr.func.value)
        return False

    def elements(self, refs: frozenset[Ref], node: cst.CSTNode) -> frozenset[Ref]:
        out = set()
        for r in refs:
            if r.pairs:
                out.add(r)  # tuple targets take the value part
            elif r.many:
                out.add(replace(r, many=False, origin=None))
            else:
                out.add(Ref(r.root, r.keys + (ITEM,), r.attr, False, r.branch))
        return frozenset(out)

    def expr_children_of_subscript(self, node: cst.Subscript) -> None:
        for el in node.slice:
            if type(el.slice) is cst.Index:
                self.expr(el.slice.value)

    # -- expressions -------------------------------------------------------------------------
    def expr(self, node: cst.CSTNode | None) -> frozenset[Ref]:
        if node is None:
            return _NO_REFS
        kind = type(node)
        if kind is cst.Name:
            self.flag_name(node.value)
            refs = self.lookup(node.value)
            for r in refs:
                if r.origin is not None:
                    self.a.aliases.append((node, r))
            return refs
        if kind in _LEAVES:
            return _NO_REFS
        if kind is cst.Call:
            return self.call(node)
        if kind is cst.Subscript:
            return self.subscript(node)
        if kind is cst.Attribute:
            return self.attribute(node)
        if kind is cst.Comparison:
            return self.comparison(node)
        if kind in (cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp):
            return self.comprehension(node)
        if kind is cst.IfExp:
            dependent = self.test(node.test)
            saved = self.branch
            self.branch = saved or dependent
            out = self.expr(node.body) | self.expr(node.orelse)
            self.branch = saved
            return out
        if kind is cst.BooleanOperation:
            saved_flags = (self.mentioned, self.depended)
            self.mentioned = self.depended = False
            left = self.expr(node.left)
            dependent = self.depended
            self.mentioned, self.depended = saved_flags[0] or self.mentioned, saved_flags[1] or self.depended
            saved = self.branch
            self.branch = saved or dependent
            right = self.expr(node.right)
            self.branch = saved
            return frozenset(replace(r, soft=True) for r in left | right)
        if kind is cst.NamedExpr:
            refs = self.expr(node.value)
            self.assign_target(node.target, refs, node.value)
            return refs
        # Common containers, visited as the generic walk below would, without child lists.
        if kind is cst.BinaryOperation:
            self.expr(node.left)
            self.expr(node.right)
            return _NO_REFS
        if kind in _SEQUENCES:
            for element in node.elements:
                self.expr(element.value)  # an Element's or StarredElement's only syntactic child
            return _NO_REFS
        if kind is cst.Dict:
            for element in node.elements:
                if type(element) is cst.DictElement:
                    self.expr(element.key)
                self.expr(element.value)
            return _NO_REFS
        if kind is cst.Lambda:
            inner = _Scope(self.a, self.func, self)
            inner.branch = self.branch
            for p in _lambda_params(node):
                inner.env[p] = frozenset()
            inner.expr(node.body)
            self.mentioned |= inner.mentioned
            self.depended |= inner.depended
            return frozenset()
        for child in child_nodes(node):
            self.expr(child)
        return _NO_REFS

    def subscript(self, node: cst.Subscript) -> frozenset[Ref]:
        base = self.expr(node.value)
        self.expr_children_of_subscript(node)
        if not base or len(node.slice) != 1 or not type(node.slice[0].slice) is cst.Index:
            if base and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Slice:
                return base  # a slice of a run list is still a run list
            return frozenset()
        key_expr = node.slice[0].slice.value
        key = _literal_key(key_expr)
        out = set()
        for ref in base:
            if ref.pairs:
                continue
            if ref.many:
                out.add(replace(ref, many=False, origin=None))
                continue
            if isinstance(key, str):
                out.add(self.read(node, node.value, ref, key, "subscript"))
            elif ref.keys:  # cfg["runs"][i] / runs[run_id]: an entry
                out.add(self.read(node, node.value, ref, ITEM, "subscript"))
            # a non-literal key at the document root: unknown
        return frozenset(out)

    def attribute(self, node: cst.Attribute) -> frozenset[Ref]:
        if type(node.value) is cst.Name and node.value.value == "self":
            self.depended = True
            refs = self.a.attrs.get((self.path, self.func.cls, node.attr.value), frozenset()) if self.func.cls else frozenset()
            if refs:
                self.mentioned = True
            return refs
        base = self.expr(node.value)
        attr = node.attr.value
        out = set()
        for ref in base:
            if ref.attr and not ref.pairs and not ref.many and attr not in _DICT_METHODS and not attr.startswith("__"):
                out.add(self.read(node, node.value, ref, attr, "attribute"))
        return frozenset(out)

    def comparison(self, node: cst.Comparison) -> frozenset[Ref]:
        left = node.left
        self.expr(left)
        for target in node.comparisons:
            refs = self.expr(target.comparator)
            key = string_value(left)
            if type(target.operator) in (cst.In, cst.NotIn) and key is not None:
                for ref in refs:
                    if not ref.pairs and not ref.many:
                        self.read(node, None, ref, key, "in", guard=True)
        return frozenset()

    def call(self, node: cst.Call) -> frozenset[Ref]:
        func = node.func
        # methods on configuration values
        if type(func) is cst.Attribute and not (type(func.value) is cst.Name and func.value.value == "self"):
            base = self.expr(func.value) if not type(func.value) is cst.Name or self.lookup(func.value.value) else frozenset()
            if base:
                return self.method(node, func.attr.value, base)
        elif type(func) is cst.Attribute:
            self.expr(func.value)
        args = [self.expr(a.value) for a in node.args]
        name = self.a.qualify_callee(self.path, node)
        if name in _YAML_LOADERS or name in _OMEGA_LOAD:
            source, file = self.loaded(node, name in _OMEGA_LOAD)
            root = self.a.root(self.path, node, "omegaconf" if name in _OMEGA_LOAD else "yaml", source, file, order=self.order(node))
            return frozenset({Ref(root, (), attr=name in _OMEGA_LOAD)})
        if name in _DUMPERS and args and args[0]:
            for ref in args[0]:
                if not ref.pairs and not ref.many:
                    self.a.dump_records.append(ConfigDump(self.path, self.fname, node, ref.root, ref.keys, self.order(node)))
            return frozenset()
        if name in _OMEGA_MERGE:
            parts = [r for refs in args for r in refs]
            if parts:
                root = self.a.root(self.path, node, "omegaconf", "merge", None, _unique_roots(parts), self.order(node))
                return frozenset({Ref(root, (), attr=True, soft=any(r.soft for r in parts), branch=any(r.branch for r in parts))})
            return frozenset()
        if name == "omegaconf.OmegaConf.update" and len(node.args) >= 2:
            key = string_value(node.args[1].value)
            for ref in args[0]:
                if key is not None:
                    self.write(node, ref, tuple(key.split(".")), "update")
                else:
                    self.write(node, ref, (), "update", whole=True)
            return frozenset()
        if name in ("getattr", "hasattr") and len(node.args) >= 2:
            key = string_value(node.args[1].value)
            out = set()
            for ref in args[0]:
                if key is None or ref.pairs or ref.many:
                    continue
                if name == "hasattr":
                    self.read(node, None, ref, key, "in", guard=True)
                else:
                    out.add(self.read(node, node.args[0].value, ref, key, "getattr", default=len(node.args) >= 3))
            return frozenset(out)
        if name == "next" and node.args:
            return frozenset(self._element(r) for r in args[0] if not r.pairs)
        if name == "enumerate" and node.args:
            return frozenset(replace(self._element(r), pairs=True) for r in args[0] if not r.pairs)
        if name == "zip":
            return frozenset()
        if name in _OMEGA_WRAP or name in _ATTR_WRAP:
            return frozenset(replace(r, attr=True, origin=None) for r in (args[0] if args else ()))
        if name == "types.SimpleNamespace" or name == "argparse.Namespace":
            star = [self.expr(a.value) for a in node.args if a.star == "**"]
            return frozenset(replace(r, attr=True, origin=None) for refs in star for r in refs)
        if name in _PASS and node.args:
            keep_attr = name in ("copy.deepcopy", "copy.copy", "list", "tuple", "sorted", "reversed", "iter")
            return frozenset(replace(r, attr=r.attr and keep_attr, origin=None) for r in args[0])
        target = self.a.callee(self.path, func, self)
        if target is not None:
            f, skip = target
            params = f.params[skip:]
            for i, a in enumerate(node.args):
                if a.star or not args[i]:
                    continue
                if a.keyword is not None:
                    if a.keyword.value in f.params:
                        self.a.bind(f, a.keyword.value, args[i], self.branch)
                elif i < len(params):
                    self.a.bind(f, params[i], args[i], self.branch)
            key = (f.path, f.qualname)
            if self.a.returns_read is not None:
                self.a.returns_read[key] = self.a.returns.get(key)
            returned = self.a.returns.get(key, frozenset())
            return frozenset(replace(r, branch=r.branch or self.branch) for r in returned)
        return frozenset()

    def _element(self, r: Ref) -> Ref:
        if r.many:
            return replace(r, many=False, origin=None)
        return Ref(r.root, r.keys + (ITEM,), r.attr, False, r.branch)

    def method(self, node: cst.Call, attr: str, base: frozenset[Ref]) -> frozenset[Ref]:
        args = [self.expr(a.value) for a in node.args]
        key = string_value(node.args[0].value) if node.args else None
        out = set()
        for ref in base:
            if ref.pairs:
                continue
            if attr == "get" and key is not None and not ref.many:
                out.add(self.read(node, node.func.value, ref, key, "get", default=True))
            elif attr == "pop" and key is not None and not ref.many:
                out.add(self.read(node, node.func.value, ref, key, "pop", default=len(node.args) >= 2))
            elif attr == "setdefault" and key is not None and not ref.many:
                self.write(node, ref, (key,), "setdefault")
                out.add(replace(self.read(node, node.func.value, ref, key, "get", default=True), soft=True))
            elif attr == "update" and not ref.many:
                keys = _dict_keys(node)
                if keys is None:
                    self.write(node, ref, (), "update", whole=True)
                else:
                    for k in keys:
                        self.write(node, ref, (k,), "update")
            elif attr == "items":
                out.add(Ref(ref.root, ref.keys + (ITEM,), ref.attr, False, ref.branch, False, True) if not ref.many else replace(ref, many=False, pairs=True, origin=None))
            elif attr == "values":
                out.add(Ref(ref.root, ref.keys, ref.attr, ref.soft, ref.branch, ref.many) if ref.many else replace(ref, origin=None))
            elif attr == "copy":
                out.add(replace(ref, origin=None))
            elif attr in ("to_dict", "to_container"):
                out.add(replace(ref, attr=False, origin=None))
            elif ref.attr and attr not in _DICT_METHODS and not ref.many:
                # cfg.section.method(...): the attribute itself is a read only when it is a key
                pass
        # `x.values()` on a mapping iterates its entries: `elements` adds ITEM
        return frozenset(out)

    def loaded(self, node: cst.Call, omega: bool) -> tuple[str, str | None]:
        if not node.args:
            return "other", None
        arg = node.args[0].value
        if omega:
            return "file", _literal_path(arg)
        if type(arg) is cst.Name and arg.value in self._all_files():
            return "file", self._all_files()[arg.value]
        opened = self.opened(arg)
        if opened is not False:
            return "file", opened
        if type(arg) is cst.Call and type(arg.func) is cst.Attribute and arg.func.attr.value in ("read_text", "read"):
            inner = arg.func.value
            if type(inner) is cst.Name and inner.value in self._all_files():
                return "file", self._all_files()[inner.value]
            opened = self.opened(inner)
            if opened is not False:
                return "file", opened
            if arg.func.attr.value == "read_text":
                return "file", _literal_path(inner)
        return "other", None

    def _all_files(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        scope: _Scope | None = self
        chain = []
        while scope is not None:
            chain.append(scope)
            scope = scope.parent
        for s in reversed(chain):
            out.update(s.files)
        return out

    def comprehension(self, node) -> frozenset[Ref]:
        inner = _Scope(self.a, self.func, self)
        inner.branch = self.branch
        inner.params = set()
        comp = node.for_in
        while comp is not None:
            refs = inner.expr(comp.iter)
            inner.assign_target(comp.target, inner.elements(refs, comp.iter))
            for cond in comp.ifs:
                inner.expr(cond.test)
            comp = comp.inner_for_in
        if type(node) is cst.DictComp:
            inner.expr(node.key)
            elt = inner.expr(node.value)
        else:
            elt = inner.expr(node.elt)
        self.mentioned |= inner.mentioned
        self.depended |= inner.depended
        return frozenset(replace(r, many=True, origin=None) for r in elt if not r.pairs)


def _unique_roots(refs: list[Ref]) -> tuple[Root, ...]:
    out: list[Root] = []
    for r in refs:
        if r.root not in out:
            out.append(r.root)
    return tuple(out)


def _subscript_key(node: cst.Subscript):
    if len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index:
        return _literal_key(node.slice[0].slice.value)
    return None


def _dict_keys(call: cst.Call) -> list[str] | None:
    keys: list[str] = []
    for a in call.args:
        if a.keyword is not None:
            keys.append(a.keyword.value)
        elif type(a.value) is cst.Dict and not a.star:
            for el in a.value.elements:
                if not type(el) is cst.DictElement:
                    return None
                k = string_value(el.key)
                if k is None:
                    return None
                keys.append(k)
        else:
            return None
    return keys


def _literal_path(expr: cst.BaseExpression) -> str | None:
    value = string_value(expr)
    if value is not None:
        return value
    if type(expr) is cst.Call and dotted_name(expr.func) in ("Path", "pathlib.Path") and len(expr.args) == 1:
        return string_value(expr.args[0].value)
    return None


def _lambda_params(node: cst.Lambda) -> list[str]:
    p = node.params
    return [x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)]


def _is_main_guard(expr: cst.CSTNode) -> bool:
    return (
        type(expr) is cst.Comparison
        and type(expr.left) is cst.Name
        and expr.left.value == "__name__"
        and len(expr.comparisons) == 1
        and string_value(expr.comparisons[0].comparator) == "__main__"
    )


def _catches_lookup(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = [handler.type] if not type(handler.type) is cst.Tuple else [e.value for e in handler.type.elements]
    for n in names:
        d = dotted_name(n)
        if d is not None and (d in _GUARD_EXCEPTIONS or d.rsplit(".", 1)[-1] in _GUARD_EXCEPTIONS):
            return True
    return False
