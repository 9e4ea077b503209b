"""A small, fast scope analysis of every module: bindings per scope and names read nowhere bound.

Written over the syntactic children of LibCST nodes (the same fields ``NodeIndex`` walks)
instead of LibCST's ``ScopeProvider``, which costs about eight times the parse. The model
is Python's (LEGB): module, class, function, lambda and comprehension scopes; class bodies
are invisible to the functions and comprehensions nested in them; ``global`` and
``nonlocal``; walrus targets bind in the nearest non-comprehension scope; the first
iterable of a comprehension is read in the enclosing scope; decorators, defaults, bases
and (evaluated) annotations are read in the enclosing scope; an ``except ... as e``
name exists only inside its handler.

It is flow-insensitive on purpose: a name bound anywhere in a scope (in any branch, a
``try``/``except ImportError`` fallback, after ``del``) counts as bound in the whole
scope. Use-before-assignment is therefore not reported; only names bound nowhere are.

``bundle.fact(Scopes)`` gives per module the top-level bindings (what ``from m import x``
can import), ``__all__`` when it is a literal, and the unresolved reads, with star imports
from bundle modules followed and star imports from elsewhere making a module "open".
"""
from __future__ import annotations

import builtins
from dataclasses import field

import libcst as cst

from ..parsing.cst_helpers import dotted_name, string_value
from ..parsing.walk import child_nodes, leaf_classes
from ..records import dataclass
from .imports import Imports, package_of
from .memo import call_names, shared

# Builtins of this interpreter plus those of other supported versions.
BUILTINS = frozenset(dir(builtins)) | {
    "aiter", "anext", "EncodingWarning", "ExceptionGroup", "BaseExceptionGroup",
    "PythonFinalizationError", "WindowsError",
}
MODULE_DUNDERS = frozenset(
    {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__builtins__", "__cached__", "__annotations__", "__dict__"}
)
CLASS_DUNDERS = frozenset({"__module__", "__qualname__", "__dict__"})
# Nodes with no syntactic children (operators, keywords, literals): the walk's leaves, but
# names, which the analysis records.
_LEAVES = leaf_classes() - {cst.Name}


class Scope:
    __slots__ = ("kind", "parent", "bindings", "globals", "name", "where")

    def __init__(self, kind: str, parent: "Scope | None", name: str = "") -> None:
        self.kind = kind  # module | class | function | comprehension
        self.parent = parent
        self.bindings: set[str] = set()
        self.globals: set[str] = set()
        self.name = name
        self.where: dict[str, list[tuple[int, tuple[int, ...]]]] = {}  # name -> (order, enclosing loops) of each binding

    def function_name(self) -> str | None:
        s: Scope | None = self
        while s is not None:
            if s.kind in ("function", "class") and s.name:
                return s.name
            s = s.parent
        return None


@dataclass
class Use:
    name: str
    node: cst.Name
    scope: Scope
    handlers: frozenset[str]
    order: int
    loops: tuple[int, ...]


@dataclass
class ModuleScopes:
    path: str
    module: Scope
    uses: list[Use]
    star_from: list[str | None] = field(default_factory=list)  # absolute module names of `from x import *`
    open: bool = False  # names can appear from outside (exec, globals() writes)
    all_names: list[str] | None = None
    postponed: bool = False
    # The uses no scope of the module binds, before star imports are considered: worked out
    # with the analysis, which every bundle repeating the text shares.
    unbound: "tuple[Undefined, ...]" = field(default=(), repr=False)
    uses_by_node: dict[int, Use] = field(default_factory=dict, repr=False)

    def use_of(self, node: cst.Name) -> Use | None:
        """The recorded use (read) of a ``Name`` node, if it is one."""
        return self.uses_by_node.get(id(node))


def _names_catching_nameerror(try_node) -> bool:
    for handler in try_node.handlers:
        if handler.type is None:
            continue
        types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
        for t in types:
            expr = t.value if isinstance(t, cst.Element) else t
            if (dotted_name(expr) or "").rsplit(".", 1)[-1] in ("NameError", "UnboundLocalError"):
                return True
    return False


class _Analyzer:
    def __init__(self, path: str, module: cst.Module) -> None:
        self.path = path
        self.postponed = any(
            isinstance(s, cst.SimpleStatementLine)
            and any(isinstance(x, cst.ImportFrom) and dotted_name(x.module) == "__future__" and not isinstance(x.names, cst.ImportStar)
                    and any(dotted_name(a.name) == "annotations" for a in x.names) for x in s.body)
            for s in module.body
        )
        self.module_scope = Scope("module", None)
        self.uses: list[Use] = []
        self.handlers: list[str] = []
        self.nameerror_guard = 0
        self.star_from: list[tuple[int, str | None]] = []
        self.all_names: list[str] | None = None
        self.order = 0
        self.loops: list[int] = []
        # (frozenset(handlers), tuple(loops)), shared by every read until either changes.
        self._context: tuple[frozenset[str], tuple[int, ...]] | None = None
        self._dispatch = _DISPATCH  # node type -> handler(self, node, scope)

    # -- driving ---------------------------------------------------------------------------
    def run(self, module: cst.Module) -> None:
        for statement in module.body:
            self.visit(statement, self.module_scope)

    def visit(self, node: cst.CSTNode, scope: Scope) -> None:
        handler = self._dispatch.get(type(node))
        if handler is not None:
            handler(self, node, scope)
            return
        for child in child_nodes(node):
            self.visit(child, scope)

    def visit_all(self, nodes, scope: Scope) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node, scope)

    def bind(self, scope: Scope, name: str) -> None:
        if scope.kind != "comprehension" and name in scope.globals:
            scope = self.module_scope
            loops: tuple[int, ...] = (-1,)  # bound from a function: any time
        else:
            loops = self._loops_now()
        scope.bindings.add(name)
        self.order += 1
        scope.where.setdefault(name, []).append((self.order, loops))

    def bind_target(self, target: cst.CSTNode, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            self.bind(scope, target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, scope)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, scope)
        else:  # attribute or subscript targets read their base
            self.visit(target, scope)

    # -- leaves ------------------------------------------------------------------------------
    def _leaf(self, node, scope) -> None:
        return None

    def _name(self, node: cst.Name, scope: Scope) -> None:
        if self.nameerror_guard:
            return
        self.order += 1
        context = self._context
        if context is None:
            context = self._context = (frozenset(self.handlers), tuple(self.loops))
        self.uses.append(Use(node.value, node, scope, context[0], self.order, context[1]))

    def _loops_now(self) -> tuple[int, ...]:
        context = self._context
        if context is None:
            context = self._context = (frozenset(self.handlers), tuple(self.loops))
        return context[1]

    def _attribute(self, node: cst.Attribute, scope: Scope) -> None:
        self.visit(node.value, scope)

    def _arg(self, node: cst.Arg, scope: Scope) -> None:
        self.visit(node.value, scope)

    # -- plain containers: their syntactic children, in child_nodes' order ----------------------
    def _each_body(self, node, scope: Scope) -> None:
        for child in node.body:
            self.visit(child, scope)

    def _one_body(self, node, scope: Scope) -> None:
        self.visit(node.body, scope)

    def _call(self, node: cst.Call, scope: Scope) -> None:
        self.visit(node.func, scope)
        for arg in node.args:
            self._arg(arg, scope)

    def _value(self, node, scope: Scope) -> None:
        if node.value is not None:
            self.visit(node.value, scope)

    def _slice(self, node: cst.SubscriptElement, scope: Scope) -> None:
        self.visit(node.slice, scope)

    def _subscript(self, node: cst.Subscript, scope: Scope) -> None:
        self.visit(node.value, scope)
        for element in node.slice:
            self.visit(element.slice, scope)

    def _operation(self, node, scope: Scope) -> None:
        self.visit(node.left, scope)  # the operator in between has no syntactic children
        self.visit(node.right, scope)

    def _comparison(self, node: cst.Comparison, scope: Scope) -> None:
        self.visit(node.left, scope)
        for target in node.comparisons:
            self.visit(target.comparator, scope)

    def _comparison_target(self, node: cst.ComparisonTarget, scope: Scope) -> None:
        self.visit(node.comparator, scope)

    def _dict_element(self, node: cst.DictElement, scope: Scope) -> None:
        self.visit(node.key, scope)
        self.visit(node.value, scope)

    def _if(self, node: cst.If, scope: Scope) -> None:
        self.visit(node.test, scope)
        self.visit(node.body, scope)
        if node.orelse is not None:
            self.visit(node.orelse, scope)

    def _elements(self, node, scope: Scope) -> None:
        for element in node.elements:
            self.visit(element, scope)

    def _formatted(self, node: cst.FormattedString, scope: Scope) -> None:
        for part in node.parts:
            self.visit(part, scope)

    def _formatted_expression(self, node: cst.FormattedStringExpression, scope: Scope) -> None:
        self.visit(node.expression, scope)
        if node.format_spec is not None:
            for part in node.format_spec:
                self.visit(part, scope)

    def _unary(self, node: cst.UnaryOperation, scope: Scope) -> None:
        self.visit(node.expression, scope)

    # -- annotations -------------------------------------------------------------------------
    def _annotation(self, annotation: cst.Annotation | None, scope: Scope, evaluated: bool) -> None:
        if annotation is not None and evaluated and not self.postponed:
            self.visit(annotation.annotation, scope)

    # -- scopes ------------------------------------------------------------------------------
    def _params(self, params: cst.Parameters, outer: Scope, inner: Scope, annotations: bool) -> None:
        every = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
        for extra in (params.star_arg, params.star_kwarg):
            if type(extra) is cst.Param:
                every.append(extra)
        for param in every:
            if param.default is not None:
                self.visit(param.default, outer)
            if annotations:
                self._annotation(param.annotation, outer, True)
            inner.bindings.add(param.name.value)
            inner.where.setdefault(param.name.value, []).append((0, ()))

    def _type_scope(self, node, scope: Scope) -> Scope:
        tparams = getattr(node, "type_parameters", None)
        if tparams is None:
            return scope
        type_scope = Scope("function", scope)
        for tp in tparams.params:
            inner = tp.param
            name = getattr(inner, "name", None)
            if isinstance(name, cst.Name):
                type_scope.bindings.add(name.value)
        return type_scope

    def _function(self, node: cst.FunctionDef, scope: Scope) -> None:
        for decorator in node.decorators:
            self.visit(decorator.decorator, scope)
        outer = self._type_scope(node, scope)
        inner = Scope("function", outer, node.name.value)
        self._params(node.params, outer, inner, annotations=True)
        self._annotation(node.returns, outer, True)
        self.bind(scope, node.name.value)
        saved, self.handlers = self.handlers, list(self.handlers)
        guard, self.nameerror_guard = self.nameerror_guard, 0
        loops, self.loops = self.loops, []
        context, self._context = self._context, None
        self.visit(node.body, inner)
        self.handlers, self.nameerror_guard, self.loops = saved, guard, loops
        self._context = context

    def _lambda(self, node: cst.Lambda, scope: Scope) -> None:
        inner = Scope("function", scope, "")
        self._params(node.params, scope, inner, annotations=False)
        self.visit(node.body, inner)

    def _class(self, node: cst.ClassDef, scope: Scope) -> None:
        for decorator in node.decorators:
            self.visit(decorator.decorator, scope)
        outer = self._type_scope(node, scope)
        self.visit_all(node.bases, outer)
        self.visit_all(node.keywords, outer)
        self.bind(scope, node.name.value)
        inner = Scope("class", outer, node.name.value)
        inner.bindings.update(CLASS_DUNDERS)
        self.visit(node.body, inner)

    def _comp(self, node, scope: Scope) -> None:
        first = node.for_in
        self.visit(first.iter, scope)
        inner = Scope("comprehension", scope)
        comp: cst.CompFor | None = first
        while comp is not None:
            if comp is not first:
                self.visit(comp.iter, inner)
            self.bind_target(comp.target, inner)
            for condition in comp.ifs:
                self.visit(condition.test, inner)
            comp = comp.inner_for_in
        if isinstance(node, cst.DictComp):
            self.visit(node.key, inner)
            self.visit(node.value, inner)
        else:
            self.visit(node.elt, inner)

    # -- bindings ----------------------------------------------------------------------------
    def _walrus(self, node: cst.NamedExpr, scope: Scope) -> None:
        self.visit(node.value, scope)
        target_scope = scope
        while target_scope.kind == "comprehension" and target_scope.parent is not None:
            target_scope = target_scope.parent
        if isinstance(node.target, cst.Name):
            self.bind(target_scope, node.target.value)

    def _assign(self, node: cst.Assign, scope: Scope) -> None:
        self.visit(node.value, scope)
        for target in node.targets:
            self.bind_target(target.target, scope)
        if scope is self.module_scope and any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in node.targets):
            if isinstance(node.value, (cst.List, cst.Tuple)):
                names = [string_value(e.value) for e in node.value.elements]
                if all(isinstance(n, str) for n in names):
                    self.all_names = names  # type: ignore[assignment]

    def _annassign(self, node: cst.AnnAssign, scope: Scope) -> None:
        self._annotation(node.annotation, scope, evaluated=scope.kind in ("module", "class"))
        if node.value is not None:
            self.visit(node.value, scope)
        self.bind_target(node.target, scope)

    def _augassign(self, node: cst.AugAssign, scope: Scope) -> None:
        self.visit(node.target, scope)  # a read: `x += 1` needs x bound elsewhere
        self.visit(node.value, scope)

    def _for(self, node: cst.For, scope: Scope) -> None:
        self.visit(node.iter, scope)
        self.loops.append(id(node))
        self._context = None
        self.bind_target(node.target, scope)
        self.visit(node.body, scope)
        self.loops.pop()
        self._context = None
        if node.orelse is not None:
            self.visit(node.orelse, scope)

    def _while(self, node: cst.While, scope: Scope) -> None:
        self.loops.append(id(node))
        self._context = None
        self.visit(node.test, scope)
        self.visit(node.body, scope)
        self.loops.pop()
        self._context = None
        if node.orelse is not None:
            self.visit(node.orelse, scope)

    def _with(self, node: cst.With, scope: Scope) -> None:
        for item in node.items:
            self.visit(item.item, scope)
            if item.asname is not None:
                self.bind_target(item.asname.name, scope)
        self.visit(node.body, scope)

    def _try(self, node, scope: Scope) -> None:
        guarded = _names_catching_nameerror(node)
        self.nameerror_guard += guarded
        self.visit(node.body, scope)
        self.nameerror_guard -= guarded
        for handler in node.handlers:
            if handler.type is not None:
                self.visit(handler.type, scope)
            name = handler.name.name if handler.name is not None else None
            if isinstance(name, cst.Name):
                self.handlers.append(name.value)
                self._context = None
                self.visit(handler.body, scope)
                self.handlers.pop()
                self._context = None
            else:
                self.visit(handler.body, scope)
        if node.orelse is not None:
            self.visit(node.orelse, scope)
        if node.finalbody is not None:
            self.visit(node.finalbody, scope)

    def _import(self, node: cst.Import, scope: Scope) -> None:
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(scope, alias.asname.name.value)
            else:
                name = dotted_name(alias.name)
                if name:
                    self.bind(scope, name.split(".")[0])

    def _importfrom(self, node: cst.ImportFrom, scope: Scope) -> None:
        if isinstance(node.names, cst.ImportStar):
            self.star_from.append((len(node.relative), dotted_name(node.module) if node.module else None))
            return
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(scope, alias.asname.name.value)
            elif isinstance(alias.name, cst.Name):
                self.bind(scope, alias.name.value)

    def _global(self, node: cst.Global, scope: Scope) -> None:
        for item in node.names:
            scope.globals.add(item.name.value)

    def _nonlocal(self, node: cst.Nonlocal, scope: Scope) -> None:
        for item in node.names:
            scope.bindings.add(item.name.value)
            scope.where.setdefault(item.name.value, []).append((0, (-1,)))

    def _matchas(self, node: cst.MatchAs, scope: Scope) -> None:
        if node.pattern is not None:
            self.visit(node.pattern, scope)
        if isinstance(node.name, cst.Name):
            self.bind(scope, node.name.value)

    def _matchstar(self, node: cst.MatchStar, scope: Scope) -> None:
        if isinstance(node.name, cst.Name):
            self.bind(scope, node.name.value)

    def _matchmapping(self, node: cst.MatchMapping, scope: Scope) -> None:
        for element in node.elements:
            self.visit(element.key, scope)
            self.visit(element.pattern, scope)
        if isinstance(node.rest, cst.Name):
            self.bind(scope, node.rest.value)

    def _matchkeyword(self, node: cst.MatchKeywordElement, scope: Scope) -> None:
        self.visit(node.pattern, scope)

    def _typealias(self, node: cst.TypeAlias, scope: Scope) -> None:
        self.bind(scope, node.name.value)  # the value is evaluated lazily


def _dispatch_table() -> dict:
    """Node type -> _Analyzer handler, built once (not per analysed module)."""
    dispatch = {
        cst.Name: _Analyzer._name,
        cst.Attribute: _Analyzer._attribute,
        cst.Arg: _Analyzer._arg,
        cst.FunctionDef: _Analyzer._function,
        cst.Lambda: _Analyzer._lambda,
        cst.ClassDef: _Analyzer._class,
        cst.ListComp: _Analyzer._comp,
        cst.SetComp: _Analyzer._comp,
        cst.GeneratorExp: _Analyzer._comp,
        cst.DictComp: _Analyzer._comp,
        cst.NamedExpr: _Analyzer._walrus,
        cst.Assign: _Analyzer._assign,
        cst.AnnAssign: _Analyzer._annassign,
        cst.AugAssign: _Analyzer._augassign,
        cst.For: _Analyzer._for,
        cst.While: _Analyzer._while,
        cst.With: _Analyzer._with,
        cst.Try: _Analyzer._try,
        cst.Import: _Analyzer._import,
        cst.ImportFrom: _Analyzer._importfrom,
        cst.Global: _Analyzer._global,
        cst.Nonlocal: _Analyzer._nonlocal,
        cst.MatchAs: _Analyzer._matchas,
        cst.MatchStar: _Analyzer._matchstar,
        cst.MatchMapping: _Analyzer._matchmapping,
        cst.MatchKeywordElement: _Analyzer._matchkeyword,
        cst.TypeAlias: _Analyzer._typealias,
        cst.SimpleString: _Analyzer._leaf,
        cst.Integer: _Analyzer._leaf,
        cst.Float: _Analyzer._leaf,
        # The commonest other nodes, read field by field in child_nodes' order: the
        # generic path below costs several times more per node.
        cst.SimpleStatementLine: _Analyzer._each_body,
        cst.IndentedBlock: _Analyzer._each_body,
        cst.Else: _Analyzer._one_body,
        cst.Call: _Analyzer._call,
        cst.Expr: _Analyzer._value,
        cst.Element: _Analyzer._value,
        cst.Index: _Analyzer._value,
        cst.Return: _Analyzer._value,
        cst.SubscriptElement: _Analyzer._slice,
        cst.Subscript: _Analyzer._subscript,
        cst.BinaryOperation: _Analyzer._operation,
        cst.BooleanOperation: _Analyzer._operation,
        cst.Comparison: _Analyzer._comparison,
        cst.ComparisonTarget: _Analyzer._comparison_target,
        cst.DictElement: _Analyzer._dict_element,
        cst.If: _Analyzer._if,
        cst.Tuple: _Analyzer._elements,
        cst.List: _Analyzer._elements,
        cst.Dict: _Analyzer._elements,
        cst.FormattedString: _Analyzer._formatted,
        cst.FormattedStringExpression: _Analyzer._formatted_expression,
        cst.UnaryOperation: _Analyzer._unary,
    }
    for leaf in _LEAVES:
        dispatch.setdefault(leaf, _Analyzer._leaf)
    if hasattr(cst, "TryStar"):
        dispatch[cst.TryStar] = _Analyzer._try
    return dispatch


_DISPATCH = _dispatch_table()


def _is_open(index) -> bool:
    """exec() or writes through globals() can bind names the analysis cannot see."""
    names = call_names(index)
    for call in index.of(cst.Call):
        name = names[id(call)]
        if name in ("exec", "builtins.exec"):
            return True
        if name == "globals":
            parent = index.parent(call)
            if isinstance(parent, (cst.Subscript, cst.Attribute)):
                return True
    return False


def analyse(path: str, index) -> ModuleScopes | None:
    analyzer = _Analyzer(path, index.module)
    try:
        analyzer.run(index.module)
    except RecursionError:  # pathologically deep expressions: say nothing rather than guess
        return None
    package = package_of(path)
    stars: list[str | None] = []
    for level, module in analyzer.star_from:
        if level == 0:
            stars.append(module)
        elif package is None:
            stars.append(None)
        else:
            parts = package.split(".") if package else []
            up = level - 1
            base = parts[: len(parts) - up] if up < len(parts) else None
            stars.append(".".join(base + (module.split(".") if module else [])) if base is not None else None)
    scopes = ModuleScopes(path, analyzer.module_scope, analyzer.uses, stars, _is_open(index), analyzer.all_names, analyzer.postponed)
    scopes.unbound = tuple(_unbound(path, scopes))
    scopes.uses_by_node = {id(u.node): u for u in analyzer.uses}
    return scopes


@dataclass(frozen=True)
class Undefined:
    path: str
    name: str
    node: cst.Name
    where: str | None  # the enclosing function or class, if any
    class_attribute: str | None  # the class whose body binds this name, when read in one of its methods
    before_binding: bool = False  # bound in its scope, but only after this read (UnboundLocalError/NameError)
    scope: Scope | None = field(default=None, compare=False, repr=False)


@dataclass
class Scopes:
    """Scope analysis of every module: top-level bindings, exports and undefined names."""

    modules: dict[str, ModuleScopes] = field(default_factory=dict)
    undefined: list[Undefined] = field(default_factory=list)
    _exports: dict[str, frozenset[str] | None] = field(default_factory=dict)

    @classmethod
    def compute(cls, bundle) -> "Scopes":
        facts = cls()
        imports = bundle.fact(Imports)
        for path, index in bundle.modules():
            # Nothing changes a module's analysis after it is made: bundles repeating a text share it.
            scopes = shared(index, ("scopes", path), lambda: analyse(path, index))
            if scopes is not None:
                facts.modules[path] = scopes
        for path in sorted(facts.modules):
            facts.undefined.extend(facts._undefined(path, imports))
        return facts

    def bindings(self, path: str) -> set[str] | None:
        scopes = self.modules.get(path)
        return scopes.module.bindings if scopes else None

    def star_names(self, path: str, imports: Imports, seen: frozenset[str] = frozenset()) -> frozenset[str] | None:
        """Names ``from <module at path> import *`` brings, or None when not statically known."""
        if path in self._exports and not seen:
            return self._exports[path]
        scopes = self.modules.get(path)
        if scopes is None or path in seen:
            return None
        if scopes.all_names is not None:
            result: frozenset[str] | None = frozenset(scopes.all_names)
        else:
            names = {n for n in scopes.module.bindings if not n.startswith("_")}
            result = frozenset(names)
            extra = self.defined_by_stars(path, imports, seen | {path})
            result = None if extra is None else result | extra
        if not seen:
            self._exports[path] = result
        return result

    def defined_by_stars(self, path: str, imports: Imports, seen: frozenset[str] = frozenset()) -> frozenset[str] | None:
        """Names a module's own star imports bind; None when one comes from outside the bundle."""
        scopes = self.modules[path]
        out: set[str] = set()
        for target in scopes.star_from:
            source = imports.resolve(target) if target else None
            if source is None:
                return None
            names = self.star_names(source, imports, seen | {path})
            if names is None:
                return None
            out |= names
        return frozenset(out)

    def _undefined(self, path: str, imports: Imports) -> list[Undefined]:
        scopes = self.modules[path]
        if scopes.open:
            return []
        star = self.defined_by_stars(path, imports)
        if star is None:
            return []
        return [u for u in scopes.unbound if u.name not in star]


def _unbound(path: str, scopes: ModuleScopes) -> list[Undefined]:
    """The uses of names that no scope of the module, no builtin and no handler binds."""
    module = scopes.module
    extra = MODULE_DUNDERS | ({"__path__"} if path.endswith("__init__.py") else set())
    out = []
    for use in scopes.uses:
        name = use.name
        if name in use.handlers or name in BUILTINS or name in extra:
            continue
        scope = use.scope
        if name in scope.globals:
            if name in module.bindings:
                continue
        elif name in scope.bindings:
            if scope.kind in ("function", "module") and _read_before_binding(use, scope.where.get(name, ())):
                out.append(Undefined(path, name, use.node, scope.function_name(), None, True, scope))
            continue
        else:
            found = False
            class_owner = None
            parent = scope.parent
            while parent is not None:
                if parent.kind == "class":
                    if name in parent.bindings and class_owner is None:
                        class_owner = parent.name
                elif name in parent.bindings:
                    found = True
                    break
                parent = parent.parent
            if found:
                continue
            if name == "__class__" and class_owner is None and _inside_class(scope):
                continue
            out.append(Undefined(path, name, use.node, scope.function_name(), class_owner, False, scope))
            continue
        out.append(Undefined(path, name, use.node, scope.function_name(), None, False, scope))
    return out


def _read_before_binding(use: Use, where) -> bool:
    """Every binding of the name comes later in the code, none in a loop around the read."""
    if not where:
        return False
    loops = set(use.loops)
    for order, binding_loops in where:
        if order < use.order or -1 in binding_loops or loops.intersection(binding_loops):
            return False
    return True


def _inside_class(scope: Scope) -> bool:
    s: Scope | None = scope
    while s is not None:
        if s.kind == "class":
            return True
        s = s.parent
    return False
